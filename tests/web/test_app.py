"""The app itself: its OpenAPI document, security headers, modes and unforeseen errors."""

from __future__ import annotations

import logging

import pytest

from backstride.errors import BackstrideError
from backstride.settings import Settings
from backstride.web.app import app_from_environment, create_app
from backstride.web.middleware import SECURITY_HEADERS
from backstride.web.routes import API_PREFIX as API

from .shape import assert_error_shape

pytestmark = pytest.mark.anyio

ROUTES = {
    ("POST", f"{API}/assess"),
    ("POST", f"{API}/checkins"),
    ("GET", f"{API}/checkins"),
    ("GET", f"{API}/return-to-run"),
    ("POST", f"{API}/return-to-run"),
    ("GET", f"{API}/activities"),
    ("POST", f"{API}/activities"),
    ("GET", f"{API}/load"),
    ("POST", f"{API}/uploads"),
    ("GET", f"{API}/uploads/{{job_id}}"),
    ("OPTIONS", f"{API}/resumable-uploads"),
    ("POST", f"{API}/resumable-uploads"),
    ("GET", f"{API}/resumable-uploads/{{upload_id}}"),
    ("HEAD", f"{API}/resumable-uploads/{{upload_id}}"),
    ("PATCH", f"{API}/resumable-uploads/{{upload_id}}"),
    ("DELETE", f"{API}/resumable-uploads/{{upload_id}}"),
    ("POST", f"{API}/resumable-uploads/{{upload_id}}/import"),
    ("POST", f"{API}/outcomes"),
    ("GET", f"{API}/outcomes"),
    ("GET", f"{API}/export/fhir"),
    ("POST", f"{API}/form"),
    ("GET", f"{API}/form/jobs/{{job_id}}"),
}


async def test_the_openapi_document_lists_every_route(client):
    response = await client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Backstride"
    listed = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert listed == ROUTES
    for method, path in sorted(ROUTES):
        # Each operation listed is served: none answers "no such route" or "not allowed".
        answer = await client.request(method, path)
        assert answer.status_code != 405, (method, path)
        assert "no such route" not in answer.text, (method, path)


async def test_request_bodies_are_described_by_the_contract_models(client):
    document = (await client.get(f"{API}/openapi.json")).json()
    paths, schemas = document["paths"], document["components"]["schemas"]

    def body_schema(method: str, path: str, content: str = "application/json") -> dict:
        return paths[f"{API}{path}"][method]["requestBody"]["content"][content]["schema"]

    assert body_schema("post", "/assess") == {"$ref": "#/components/schemas/Intake"}
    assert body_schema("post", "/checkins") == {"$ref": "#/components/schemas/CheckIn"}
    assert "multipart/form-data" in paths[f"{API}/activities"]["post"]["requestBody"]["content"]
    assert schemas["Intake"]["additionalProperties"] is False
    assert set(schemas["Intake"]["required"]) == {"age", "pain"}
    assert schemas["Pain"]["properties"]["nrs_now"]["anyOf"][0]["maximum"] == 10
    load = {p["name"] for p in paths[f"{API}/load"]["get"]["parameters"]}
    assert load == {"weeks", "until"}
    answer = paths[f"{API}/assess"]["post"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/AssessmentResponse"}


async def test_the_interactive_docs_are_off(client):
    # They load scripts from a CDN: nothing is fetched from outside at run time.
    for path in ("/docs", "/redoc"):
        assert (await client.get(path)).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", f"{API}/openapi.json", 200),
        ("GET", f"{API}/activities", 200),
        ("GET", f"{API}/load?weeks=0", 422),
        ("GET", "/nowhere", 404),
    ],
)
async def test_security_headers_are_on_every_response(client, method, path, status):
    response = await client.request(method, path)

    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["Cache-Control"] == "no-store"


async def test_an_unforeseen_error_is_a_500_that_leaks_nothing(settings, serve, caplog):
    app = create_app(settings)

    def broken() -> None:
        raise ValueError("morning pain 9, saddle numbness")

    app.add_api_route(f"{API}/broken", broken)
    with caplog.at_level(logging.ERROR, logger="backstride.web"):
        async with serve(app) as client:
            response = await client.get(f"{API}/broken")

    body = assert_error_shape(response, 500)
    assert "unexpected error" in body["error"]
    assert "saddle" not in response.text
    assert response.headers["X-Frame-Options"] == "DENY"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged
    assert "test_app.py" in logged
    assert "saddle" not in logged


async def test_a_store_error_is_a_503_in_the_error_shape(settings, serve, monkeypatch):
    from backstride.errors import StoreError
    from backstride.web.routes import activities

    def unreachable(*args, **kwargs):
        raise StoreError("Could not read the activities: the database is locked")

    monkeypatch.setattr(activities, "list_runner_activities", unreachable)
    async with serve(create_app(settings)) as client:
        response = await client.get(f"{API}/activities")

    body = assert_error_shape(response, 503)
    assert body["error"] == "Could not read the activities: the database is locked"


async def test_the_triage_is_answered_even_when_the_record_cannot_be_written(
    settings, serve, monkeypatch
):
    from builders import SAMPLE_INTAKE

    from backstride.errors import StoreError
    from backstride.store import repo

    def locked(**_):
        raise StoreError("Could not save the assessment: the database is locked")

    monkeypatch.setattr(repo, "save_assessment", locked)
    async with serve(create_app(settings)) as client:
        response = await client.post(f"{API}/assess", json=SAMPLE_INTAKE)

    assert response.status_code == 200
    document = response.json()
    assert document["triage"]["level"] == "self_care"
    assert document["saved"] is False
    assert "locked" in document["save_error"]


def test_team_mode_without_a_secret_key_is_refused_plainly(tmp_path):
    # Team mode itself is tested in tests/web/team/.
    with pytest.raises(BackstrideError, match="team mode needs a secret key"):
        create_app(Settings(mode="team", database_url=f"sqlite:///{tmp_path / 'team.db'}"))


async def test_the_factory_reads_the_environment(tmp_path, monkeypatch, serve):
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")

    async with serve(app_from_environment()) as client:
        assert (await client.get(f"{API}/activities")).json() == []

    assert (tmp_path / "env.db").is_file()
