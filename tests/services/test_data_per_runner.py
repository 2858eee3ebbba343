"""Forgetting and restoring touch only the runner whose record it is, in a database of several.

`forget_everything` (the command line) deletes the runner too; `clear_record` and a restore
with `keep_runner` (the web app) keep the runner row and its id, which the app serves.
"""

from __future__ import annotations

import dataclasses

import pytest
from builders import SAMPLE_CHECKIN, SAMPLE_INTAKE

from backstride.errors import StoreError
from backstride.services.data import (
    clear_record,
    export_record,
    forget_everything,
    record_counts,
    restore_record,
)
from backstride.services.record import open_record
from backstride.store import repo

OUTPUT = {"triage": {"level": "self_care"}, "running": {"decision": "reduce"}}
EMPTY = {
    "assessments": 0,
    "check_ins": 0,
    "return_to_run": 0,
    "activities": 0,
    "activity_files": 0,
    "outcomes": 0,
    "form_analyses": 0,
}


def add_runner(database_url: str, key: str) -> int:
    """A runner with a name, run days, an assessment, a check-in and an original file."""
    with open_record(database_url) as record, record.session() as session:
        runner = repo.create_runner(session=session, key=key, name=key.title())
        repo.update_runner(session=session, runner=dataclasses.replace(runner, run_days=(1, 3)))
        repo.save_assessment(
            session=session, runner_id=runner.id, intake=SAMPLE_INTAKE, output=OUTPUT
        )
        repo.upsert_checkin(session=session, runner_id=runner.id, checkin=SAMPLE_CHECKIN)
        repo.save_activity_file(
            session=session, runner_id=runner.id, file_name=f"{key}.gpx", content=key.encode()
        )
        return runner.id


def counts(database_url: str, runner_id: int) -> dict[str, int]:
    with open_record(database_url, runner_id=runner_id) as record:
        return record_counts(record)


@pytest.fixture
def two_runners(database_url: str) -> tuple[int, int]:
    return add_runner(database_url, "ana"), add_runner(database_url, "ben")


def test_forget_everything_deletes_one_runner_and_leaves_the_other(database_url, two_runners):
    ana, ben = two_runners

    with open_record(database_url, runner_id=ana) as record:
        deleted = forget_everything(record)

    assert deleted["assessments"] == 1 and deleted["activity_files"] == 1
    assert deleted["runner"] == 1
    with pytest.raises(StoreError), open_record(database_url, runner_id=ana):
        pass
    assert counts(database_url, ben) == {**EMPTY, "assessments": 1, "check_ins": 1}


def test_clear_record_keeps_the_runner_and_leaves_the_other(database_url, two_runners):
    ana, ben = two_runners

    with open_record(database_url, runner_id=ana) as record:
        deleted = clear_record(record)

    assert deleted == {**EMPTY, "assessments": 1, "check_ins": 1, "activity_files": 1}
    with open_record(database_url, runner_id=ana) as record:
        assert record.runner.id == ana
        assert (record.runner.name, record.runner.run_days) == (None, None)
        assert record_counts(record) == EMPTY
    with open_record(database_url, runner_id=ben) as record, record.session() as session:
        assert record.runner.name == "Ben"
        assert record_counts(record) == {**EMPTY, "assessments": 1, "check_ins": 1}
        kept = repo.iter_activity_files(session=session, runner_id=ben)
        assert [f.content for f in kept] == [b"ben"]


def test_restore_keeping_the_runner_keeps_its_id_and_the_other_runner(
    database_url, two_runners, tmp_path
):
    ana, ben = two_runners
    out = tmp_path / "ana.zip"
    with open_record(database_url, runner_id=ana) as record:
        export_record(record, out)
        clear_record(record)
        summary = restore_record(record, out, keep_runner=True)

    assert summary.runner is not None and summary.runner.id == ana
    with open_record(database_url, runner_id=ana) as record:
        assert (record.runner.name, record.runner.run_days) == ("Ana", (1, 3))
        assert record_counts(record) == {**EMPTY, "assessments": 1, "check_ins": 1}
    assert counts(database_url, ben) == {**EMPTY, "assessments": 1, "check_ins": 1}
