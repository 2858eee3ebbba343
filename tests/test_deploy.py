"""The deployment files in deploy/ name only what exists: settings Backstride reads, commands
and options it has, the files `make install` puts in the image, and a setup where every web
process and worker shares the database, Redis and the upload folder.

Docker and systemd are not run here; what they would read is checked as far as it can be
without them.
"""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from backstride.cli import app
from backstride.settings import Settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
ROOT = DEPLOY.parent
#: Variables the files may name besides Backstride's own settings: uvicorn's (which addresses
#: may set X-Forwarded-For), the compose file's own, and PostgreSQL's image.
OTHER_VARIABLES = {"FORWARDED_ALLOW_IPS", "POSTGRES_PASSWORD", "BACKSTRIDE_DOMAIN"}
SETTINGS = {f"BACKSTRIDE_{name.upper()}" for name in Settings.model_fields}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _command_options(argv: list[str]) -> None:
    """Fail unless `argv` is a `backstride` command this version has, with options it takes."""
    assert Path(argv[0]).name == "backstride", argv
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert argv[1] in commands, f"no command {argv[1]!r}"
    command = commands[argv[1]]
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    given = [arg for arg in argv[2:] if arg.startswith("-")]
    assert set(given) <= known, f"{argv[1]}: unknown options {set(given) - known}"
    # The values given parse (ports in range, numbers that are numbers).
    context = command.make_context(argv[1], list(argv[2:]), resilient_parsing=False)
    assert context.params


def test_every_setting_named_is_one_backstride_reads(compose):
    named: set[str] = set()
    for service in compose["services"].values():
        environment = service.get("environment") or {}
        named |= set(environment if isinstance(environment, dict) else [])
    for path in (DEPLOY / "backstride.env.example", *sorted((DEPLOY / "systemd").iterdir())):
        named |= set(re.findall(r"^\s*([A-Z][A-Z0-9_]+)=", path.read_text(), re.MULTILINE))
    backstride = {name for name in named if name.startswith("BACKSTRIDE_")}
    assert backstride - OTHER_VARIABLES <= SETTINGS, backstride - OTHER_VARIABLES - SETTINGS
    assert {"BACKSTRIDE_SPOOL_DIR", "BACKSTRIDE_SECRET_KEY", "BACKSTRIDE_REDIS_URL"} <= named
    environment = [name for name in named if not name.startswith("BACKSTRIDE_")]
    allowed = OTHER_VARIABLES | {"POSTGRES_USER", "POSTGRES_DB"}
    assert set(environment) <= allowed, set(environment) - allowed


def test_the_compose_file_runs_commands_backstride_has(compose):
    services = compose["services"]
    _command_options(services["web"]["command"])
    _command_options(services["worker"]["command"])
    assert services["web"]["command"][:2] == ["backstride", "serve"]
    assert services["worker"]["command"] == ["backstride", "worker"]


def test_web_and_worker_share_the_database_redis_and_the_upload_folder(compose):
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    for name in ("BACKSTRIDE_DATABASE_URL", "BACKSTRIDE_REDIS_URL", "BACKSTRIDE_SECRET_KEY"):
        assert web["environment"][name] == worker["environment"][name], name
    assert web["environment"]["BACKSTRIDE_MODE"] == "team"
    spool = web["environment"]["BACKSTRIDE_SPOOL_DIR"]
    assert worker["environment"]["BACKSTRIDE_SPOOL_DIR"] == spool
    mounted = {volume.split(":")[1]: volume.split(":")[0] for volume in web["volumes"]}
    assert spool in mounted and mounted[spool] in compose["volumes"]
    assert f"{mounted[spool]}:{spool}" in worker["volumes"]
    # Only the proxy is reachable from outside; it alone may set X-Forwarded-For.
    assert "ports" not in web and "ports" not in worker
    assert compose["services"]["proxy"]["ports"]
    assert web["environment"]["FORWARDED_ALLOW_IPS"] == "*"
    # Queued uploads outlive a Redis restart.
    assert "--appendonly" in compose["services"]["redis"]["command"]


def test_the_systemd_units_run_commands_backstride_has():
    for name in ("backstride-web@.service", "backstride-worker@.service"):
        unit = configparser.ConfigParser(interpolation=None, strict=True)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read_string((DEPLOY / "systemd" / name).read_text())
        service = unit["Service"]
        argv = shlex.split(service["ExecStart"].replace("%i", "8000"))
        _command_options(argv)
        assert service["EnvironmentFile"] == "/etc/backstride/backstride.env"
        assert unit["Install"]["WantedBy"] == "backstride.target"
        # The shared upload folder must be mounted before it starts, and writable once it is.
        shared = unit["Unit"]["RequiresMountsFor"]
        assert shared in service["ReadWritePaths"].split()
        example = (DEPLOY / "backstride.env.example").read_text()
        assert f"BACKSTRIDE_SPOOL_DIR={shared}\n" in example
    worker = (DEPLOY / "systemd" / "backstride-worker@.service").read_text()
    assert "KillSignal=SIGTERM" in worker  # finishes the upload in hand


def test_the_image_gets_the_scripts_make_install_gets():
    makefile = (ROOT / "Makefile").read_text()
    wanted = set(re.findall(r"node_modules/(\S+)", makefile))
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    copied = set(re.findall(r"/src/node_modules/(\S+)", dockerfile))
    assert wanted == copied, wanted ^ copied
    assert "npm ci" in dockerfile


def test_the_proxies_stream_uploads_through():
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_request_buffering off;" in nginx
    size = re.search(r"client_max_body_size (\d+)m;", nginx)
    assert size and int(size.group(1)) * 1024 * 1024 >= 32 * 64 * 1024 * 1024
    assert "X-Forwarded-For" in nginx and "X-Forwarded-Proto" in nginx
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "dynamic a web 8000" in caddy and "health_uri /login" in caddy
