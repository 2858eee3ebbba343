"""Assessments that come together are kept together: one commit for the lot, each on its own."""

from __future__ import annotations

import asyncio

import pytest
from builders import SAMPLE_INTAKE
from starlette.requests import Request

from backstride.errors import StoreError
from backstride.services.assess import assess_intake, assessment_document, parse_intake
from backstride.services.record import open_record
from backstride.settings import Settings
from backstride.store import repo
from backstride.web import saving
from backstride.web.app import create_app
from backstride.web.routes import API_PREFIX as API

pytestmark = pytest.mark.anyio


def _request(app) -> Request:
    return Request({"type": "http", "app": app, "headers": [], "method": "POST", "path": "/"})


@pytest.fixture
def lots(monkeypatch) -> list[int]:
    """The size of each lot the app commits."""
    sizes: list[int] = []
    commit = saving.save_assessments

    def counted(store, assessments):
        sizes.append(len(assessments))
        return commit(store, assessments)

    monkeypatch.setattr(saving, "save_assessments", counted)
    return sizes


async def test_assessments_asked_at_once_are_each_answered_once_kept(client):
    answers = await asyncio.gather(
        *(client.post(f"{API}/assess", json=SAMPLE_INTAKE) for _ in range(12))
    )

    assert [a.status_code for a in answers] == [200] * 12
    assert all(a.json()["saved"] for a in answers)
    listed = await client.get(f"{API}/checkins")  # the record still answers
    assert listed.status_code == 200


async def test_assessments_waiting_together_are_kept_in_one_lot(settings: Settings, lots):
    app = create_app(settings)
    output = assessment_document(assess_intake(parse_intake(SAMPLE_INTAKE)))

    async with app.router.lifespan_context(app):
        record = app.state.record
        saver = saving.assessments_saved(_request(app))
        kept = await asyncio.gather(*(saver.save(record, SAMPLE_INTAKE, output) for _ in range(12)))
        stored = _stored(record)

    assert lots == [12]
    assert kept == stored


async def test_one_assessment_refused_leaves_the_others_of_its_lot_kept(settings: Settings, lots):
    app = create_app(settings)
    intake = parse_intake(SAMPLE_INTAKE)
    output = assessment_document(assess_intake(intake))
    broken = {**output, "triage": "not an object"}

    async with app.router.lifespan_context(app):
        record = app.state.record
        saver = saving.assessments_saved(_request(app))
        results = await asyncio.gather(
            *(saver.save(record, SAMPLE_INTAKE, o) for o in (output, broken, output)),
            return_exceptions=True,
        )
        kept = record.latest_assessment()

    first, refused, last = results
    assert isinstance(refused, StoreError)
    assert lots == [3]
    assert kept == last
    assert first.id < last.id


async def test_an_app_stops_only_once_its_waiting_assessments_are_kept(settings: Settings):
    app = create_app(settings)
    output = assessment_document(assess_intake(parse_intake(SAMPLE_INTAKE)))

    async with app.router.lifespan_context(app):
        record = app.state.record
        saver = saving.assessments_saved(_request(app))
        waiting = [asyncio.ensure_future(saver.save(record, SAMPLE_INTAKE, output)) for _ in "ab"]
        await asyncio.sleep(0)  # both are queued; the app stops before they are answered

    kept = await asyncio.gather(*waiting)
    with open_record(settings.database_url) as reopened:
        assert kept == _stored(reopened)


def _stored(record):
    with record.session() as session:
        return repo.list_assessments(session=session, runner_id=record.runner.id)
