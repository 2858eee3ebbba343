"""Opening the runner's record."""

from __future__ import annotations

import dataclasses
import json

import sqlalchemy as sa
from builders import sample_intake

from backstride.errors import StoreError
from backstride.services.assess import assess_intake, assessment_document, intake_document
from backstride.services.record import (
    AssessmentToKeep,
    Record,
    local_time_zone,
    open_record,
    save_assessments,
)
from backstride.store import repo


def test_the_personal_runner_lives_in_this_machines_time_zone(tmp_path, monkeypatch):
    import tzlocal

    monkeypatch.setenv("TZ", "Europe/Paris")
    tzlocal.reload_localzone()  # tzlocal caches the zone it found first
    assert local_time_zone() == "Europe/Paris"
    with open_record(f"sqlite:///{tmp_path / 'r.db'}") as record:
        assert record.runner.time_zone == "Europe/Paris"
    monkeypatch.delenv("TZ")
    tzlocal.reload_localzone()


def test_an_unknown_zone_falls_back_to_utc(monkeypatch):
    import tzlocal

    def broken() -> str:
        raise LookupError("no zone configured")

    monkeypatch.setattr(tzlocal, "get_localzone_name", broken)
    assert local_time_zone() == "UTC"


def _assessment(**changes):
    intake = sample_intake(**changes)
    return intake_document(intake), assessment_document(assess_intake(intake))


def test_assessments_kept_together_are_kept_as_one_by_one_keeps_them(database_url):
    with open_record(database_url) as ana:
        bea = Record(ana.store, _second_runner(ana))
        lots = [
            AssessmentToKeep(ana, *_assessment()),
            AssessmentToKeep(bea, *_assessment(age=61)),
            AssessmentToKeep(ana, *_assessment(red_flags={"saddle_numbness": True})),
        ]
        kept = save_assessments(ana.store, lots)
        alone = ana.save_assessment(*_assessment())

        assert [k.output for k in kept] == [json.loads(json.dumps(i.output)) for i in lots]
        assert [k.intake for k in kept] == [json.loads(json.dumps(i.intake)) for i in lots]
        assert ana.latest_assessment() == alone
        assert bea.latest_assessment() == kept[1]
        assert kept[2].triage_level != "self_care"
        with ana.session() as session:
            stored = repo.list_assessments(session=session, runner_id=ana.runner.id)
        assert stored == [kept[0], kept[2], alone]


def test_an_assessment_that_cannot_be_kept_leaves_the_others_kept(database_url):
    with open_record(database_url) as record:
        intake, output = _assessment()
        broken = {**output, "triage": "not an object"}
        lots = [AssessmentToKeep(record, intake, o) for o in (output, broken, output)]

        first, refused, last = save_assessments(record.store, lots)

        assert isinstance(refused, StoreError)
        assert "triage" in str(refused)
        with record.session() as session:
            stored = repo.list_assessments(session=session, runner_id=record.runner.id)
        assert stored == [first, last]


def test_a_lot_the_database_refuses_in_part_is_written_again_each_on_its_own(database_url):
    """The first try writes the lot without savepoints; the database refusing one assessment
    (its runner is gone) undoes that try, and the second keeps the others."""
    with open_record(database_url) as record:
        gone = Record(record.store, dataclasses.replace(record.runner, id=record.runner.id + 999))
        intake, output = _assessment()
        lots = [AssessmentToKeep(r, intake, output) for r in (record, gone, record)]
        statements: list[str] = []
        sa.event.listen(record.store.engine, "before_cursor_execute", _seen(statements))

        first, refused, last = save_assessments(record.store, lots)

        assert isinstance(refused, StoreError)
        assert sum("SAVEPOINT" in s.upper() for s in statements) > 0
        with record.session() as session:
            stored = repo.list_assessments(session=session, runner_id=record.runner.id)
        assert stored == [first, last]


def test_a_lot_kept_whole_takes_no_savepoints(database_url):
    with open_record(database_url) as record:
        lots = [AssessmentToKeep(record, *_assessment()) for _ in range(3)]
        statements: list[str] = []
        sa.event.listen(record.store.engine, "before_cursor_execute", _seen(statements))

        kept = save_assessments(record.store, lots)

        assert not any(isinstance(k, Exception) for k in kept)
        assert not any("SAVEPOINT" in s.upper() for s in statements)
        assert len(statements) < 12  # two or three each, not four or five


def _seen(statements: list[str]):
    def seen(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    return seen


def test_nothing_is_kept_when_the_lot_cannot_be_committed(database_url):
    def refuse(connection):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    with open_record(database_url) as record:
        lots = [AssessmentToKeep(record, *_assessment()) for _ in range(2)]
        sa.event.listen(record.store.engine, "commit", refuse)
        results = save_assessments(record.store, lots)
        sa.event.remove(record.store.engine, "commit", refuse)

        assert [type(r) for r in results] == [StoreError, StoreError]
        assert "disk I/O error" in str(results[0])
        assert record.latest_assessment() is None


def _second_runner(record):
    with record.session() as session:
        return repo.create_runner(session=session, key="second", name="Bea")


def test_a_snapshot_reads_every_part_of_the_record_in_one_transaction(database_url):
    with open_record(database_url) as record:
        record.save_assessment(*_assessment())
        with record.snapshot() as snapshot:
            with snapshot.session() as first, snapshot.transaction() as second:
                assert first is second and first.in_transaction()
            latest = snapshot.latest_assessment()
            assert snapshot == record  # the same runner's record, read through one session
        assert latest == record.latest_assessment()
        # Outside a snapshot each read has a session of its own.
        with record.session() as one, record.session() as other:
            assert one is not other
