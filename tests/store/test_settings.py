"""Where the database is: --db beats BACKSTRIDE_DATABASE_URL beats the default file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import backstride.settings as settings_module
from backstride.errors import StoreError
from backstride.settings import (
    Settings,
    default_data_dir,
    default_database_url,
    resolve_database_url,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BACKSTRIDE_DATABASE_URL", "BACKSTRIDE_MODE", "BACKSTRIDE_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_the_explicit_url_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", "sqlite:////from/env.db")
    assert resolve_database_url("sqlite:////from/flag.db") == "sqlite:////from/flag.db"


def test_the_environment_wins_over_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", "postgresql+psycopg://coach@db/team")
    assert resolve_database_url() == "postgresql+psycopg://coach@db/team"
    assert resolve_database_url(None) == "postgresql+psycopg://coach@db/team"


def test_the_default_is_a_sqlite_file_in_the_data_dir_which_is_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data_dir = tmp_path / "not" / "there" / "yet"
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(data_dir))
    url = resolve_database_url()
    assert url == f"sqlite:///{data_dir / 'backstride.db'}"
    assert data_dir.is_dir()


def test_without_a_data_dir_the_users_data_directory_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[str] = []

    def user_data_dir(appname: str, **_: object) -> str:
        asked.append(appname)
        return str(tmp_path / "platform")

    monkeypatch.setattr(settings_module.platformdirs, "user_data_dir", user_data_dir)
    assert default_data_dir() == tmp_path / "platform"
    assert resolve_database_url() == f"sqlite:///{tmp_path / 'platform' / 'backstride.db'}"
    assert asked == ["backstride", "backstride"]


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", "")
    assert resolve_database_url(settings=Settings(data_dir=tmp_path)).startswith("sqlite:///")


def test_settings_given_explicitly_are_used_instead_of_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", "sqlite:////from/env.db")
    settings = Settings(database_url="sqlite:////given.db")
    assert resolve_database_url(settings=settings) == "sqlite:////given.db"


def test_mode_is_personal_by_default_and_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().mode == "personal"
    monkeypatch.setenv("BACKSTRIDE_MODE", "team")
    assert Settings().mode == "team"


def test_an_unknown_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRIDE_MODE", "clinic")
    with pytest.raises(ValidationError, match="personal"):
        Settings()


def test_a_data_dir_that_cannot_be_created_gives_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="BACKSTRIDE_DATA_DIR"):
        default_database_url(blocker / "sub")


def test_settings_are_never_built_at_import() -> None:
    assert not [v for v in vars(settings_module).values() if isinstance(v, Settings)]
