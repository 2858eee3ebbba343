"""Fuzz the JSON API from its own OpenAPI document: whatever arrives, never a 5xx.

Schemathesis builds requests from the document (valid ones and ones that break it) and sends
them to the app in-process. The examples are bounded and derandomized, so a run is quick and
the same every time.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from upload_queue_support import private_queue, require_redis  # noqa: E402

from backstride.settings import Settings  # noqa: E402
from backstride.web.app import create_app  # noqa: E402
from backstride.web.routes import API_PREFIX  # noqa: E402
from backstride.web.routes.uploads import upload_queue_name  # noqa: E402

from .test_app import ROUTES  # noqa: E402

EXAMPLES = 30


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    database = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    settings = Settings(database_url=f"sqlite:///{database}", redis_url=require_redis())
    app = create_app(settings, max_upload_bytes=64 * 1024)
    with private_queue() as queue:
        # Uploads go to a queue of this module's own, removed from Redis afterwards.
        app.dependency_overrides[upload_queue_name] = lambda: queue
        yield schemathesis.openapi.from_asgi(f"{API_PREFIX}/openapi.json", app)


# Operations that take nothing, or only free-text headers: there is no request that breaks
# their schema to generate.
NO_INPUT = {
    ("GET", f"{API_PREFIX}/return-to-run"),
    ("POST", f"{API_PREFIX}/return-to-run"),
    ("OPTIONS", f"{API_PREFIX}/resumable-uploads"),
    ("POST", f"{API_PREFIX}/resumable-uploads"),
    ("GET", f"{API_PREFIX}/outcomes"),
    ("GET", f"{API_PREFIX}/export/fhir"),
}
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for method, path in sorted(ROUTES)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or (method, path) not in NO_INPUT
]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_request_gets_a_server_error(api_schema, method, path, mode, seen):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, (method, path, response.text[:300])
        # An answer to HEAD has no body, whatever its status.
        if response.status_code >= 400 and method != "HEAD":
            body = response.json()
            assert set(body) == {"ok", "status", "error", "errors"}
            assert body["status"] == response.status_code

    check()
    assert seen, "no request was sent"


@pytest.fixture
def seen() -> list[int]:
    """The status codes answered during one test."""
    return []
