"""`backstride export`, `restore` and `forget` as a runner or a script uses them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from backstride.domain import Activity
from backstride.services.record import open_record
from backstride.store import repo

ROOT = Path(__file__).resolve().parents[2]
FIT_BYTES = bytes(range(256)) * 8
START = dt.datetime(2026, 3, 1, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def db(database_url, run_cli):
    """A record with an assessment (made by `assess`), a check-in and an imported run."""
    result = run_cli(
        "assess", "--input", str(ROOT / "examples" / "intake.json"), "--db", database_url
    )
    assert result.code == 0, result.err
    digest = hashlib.sha256(FIT_BYTES).hexdigest()
    run = Activity(
        start=START,
        sport="running",
        sub_sport="street",
        distance_m=8000.0,
        elapsed_s=2700.0,
        timer_s=2650.0,
        ascent_m=40.0,
        descent_m=41.0,
        device=None,
        source_file="run.fit",
        sha256=digest,
        file_format="fit",
    )
    with open_record(database_url) as record, record.session() as session:
        repo.save_activity_file(
            session=session, runner_id=record.runner.id, file_name="run.fit", content=FIT_BYTES
        )
        repo.save_activities(session=session, runner_id=record.runner.id, activities=[run])
        checkin = {"date": "2026-03-02", "morning_pain": 2}
        repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=checkin)
    return database_url


def counts(url: str) -> tuple[int, int, int]:
    with open_record(url) as record, record.session() as session:
        rid = record.runner.id
        return (
            len(repo.list_assessments(session=session, runner_id=rid)),
            len(repo.list_checkins(session=session, runner_id=rid)),
            len(repo.list_activities(session=session, runner_id=rid)),
        )


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_forget_restore_round_trip(run_cli, db, tmp_path):
    first = tmp_path / "first.zip"
    exported = run_cli("export", "--out", str(first), "--db", db)
    assert exported.code == 0, exported.err
    assert "1 assessment, 1 check-in, 1 activity and 1 original activity file" in exported.out
    forgotten = run_cli("forget", "--yes", "--db", db)
    assert forgotten.code == 0, forgotten.err
    assert "Deleted your profile, 1 assessment" in forgotten.out
    assert counts(db) == (0, 0, 0)
    restored = run_cli("restore", str(first), "--db", db)
    assert restored.code == 0, restored.err
    assert restored.out.startswith("Restored 1 assessment")
    assert counts(db) == (1, 1, 1)
    second = tmp_path / "second.zip"
    assert run_cli("export", "--out", str(second), "--db", db).code == 0
    one, two = members(first), members(second)
    assert one.keys() == two.keys()
    assert all(one[name] == two[name] for name in one if name != "manifest.json")
    fit = next(name for name in one if name.startswith("files/"))
    assert one[fit] == FIT_BYTES
    with open_record(db) as record, record.session() as session:
        stored = repo.get_activity_file(
            session=session,
            runner_id=record.runner.id,
            sha256=hashlib.sha256(FIT_BYTES).hexdigest(),
        )
    assert stored is not None and stored.content == FIT_BYTES


def test_restore_refuses_a_record_with_data_unless_replace(run_cli, db, tmp_path):
    archive = tmp_path / "export.zip"
    assert run_cli("export", "--out", str(archive), "--db", db).code == 0
    refused = run_cli("restore", str(archive), "--db", db)
    assert refused.code == 2
    assert "already holds data" in refused.err and "--replace" in refused.err
    assert counts(db) == (1, 1, 1)
    replaced = run_cli("restore", str(archive), "--replace", "--db", db)
    assert replaced.code == 0, replaced.err
    assert counts(db) == (1, 1, 1)


def test_restore_refuses_a_changed_export_in_one_line(run_cli, db, tmp_path):
    archive = tmp_path / "export.zip"
    assert run_cli("export", "--out", str(archive), "--db", db).code == 0
    assert run_cli("forget", "--yes", "--db", db).code == 0
    content = members(archive)
    content["checkins.json"] = content["checkins.json"].replace(
        b'"morning_pain": 2', b'"morning_pain": 0'
    )
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        for name, data in content.items():
            out.writestr(name, data)
    result = run_cli("restore", str(tampered), "--db", db)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "tampered.zip: checkins.json does not match its checksum" in result.err
    assert "nothing was restored" in result.err
    assert counts(db) == (0, 0, 0)


def test_restore_refuses_what_is_not_a_backstride_export(run_cli, database_url, tmp_path):
    other = tmp_path / "holiday.zip"
    with zipfile.ZipFile(other, "w") as out:
        out.writestr("photo.jpg", b"\xff\xd8\xff")
    result = run_cli("restore", str(other), "--db", database_url)
    assert result.code == 2
    assert "holiday.zip: not a Backstride export" in result.err
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    result = run_cli("restore", str(text), "--db", database_url)
    assert result.code == 2
    assert "notes.txt: not a zip file" in result.err
    assert "Traceback" not in result.err


def test_forget_without_a_terminal_needs_yes(run_cli, db):
    result = run_cli("forget", "--db", db)
    assert result.code == 2
    assert "--yes" in result.err
    assert counts(db) == (1, 1, 1)


@pytest.mark.parametrize(("answer", "code", "left"), [(False, 1, (1, 1, 1)), (True, 0, (0, 0, 0))])
def test_forget_asks_on_a_terminal(run_cli, db, monkeypatch, answer, code, left):
    asked = []

    def confirm(question, default):
        asked.append((question, default))
        return answer

    monkeypatch.setattr("typer.confirm", confirm)
    result = run_cli("forget", "--db", db, stdin_tty=True)
    assert result.code == code
    assert asked == [("Delete everything?", False)]
    assert "1 assessment, 1 check-in and 1 activity" in result.out
    assert "backstride export" in result.out
    if not answer:
        assert "Nothing was deleted." in result.err
    assert counts(db) == left


def test_export_into_a_folder_is_a_plain_error(run_cli, db, tmp_path):
    result = run_cli("export", "--out", str(tmp_path / "missing" / "x.zip"), "--db", db)
    assert result.code == 2
    assert "could not write" in result.err
    assert "Traceback" not in result.err


def test_the_export_holds_json_the_runner_can_read(run_cli, db, tmp_path):
    archive = tmp_path / "export.zip"
    assert run_cli("export", "--out", str(archive), "--db", db).code == 0
    content = members(archive)
    assessment = json.loads(content["assessments.json"])[0]
    assert assessment["intake"] == json.loads((ROOT / "examples" / "intake.json").read_text())
    assert assessment["output"]["schema_version"] == 1
    runner = json.loads(content["runner.json"])
    assert runner["key"] == "personal"


def test_export_as_fhir_writes_a_bundle_that_validates(run_cli, database_url, tmp_path):
    from backstride.services.fhir import read_fhir_bundle

    with open_record(database_url) as record, record.session() as session:
        checkin = {"date": "2026-06-01", "morning_pain": 3}
        repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=checkin)
    out = tmp_path / "fhir.json"
    result = run_cli("export", "--format", "fhir", "--out", str(out), "--db", database_url)
    assert result.code == 0, result.err
    assert "FHIR R4 Bundle (1 patient, 1 pain observation, 3 questionnaires and 0" in " ".join(
        result.out.split()
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert read_fhir_bundle(document).type == "collection"


def test_export_as_fhir_into_a_folder_that_cannot_be_written_says_so(
    run_cli, database_url, tmp_path
):
    result = run_cli(
        "export",
        "-f",
        "fhir",
        "--out",
        str(tmp_path / "missing" / "fhir.json"),
        "--db",
        database_url,
    )
    assert result.code == 2
    assert "could not write the file" in result.err and "Traceback" not in result.err
