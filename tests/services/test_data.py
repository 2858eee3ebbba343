"""Export, restore and forget: the same record comes back, files byte for byte; a changed,
damaged or foreign archive is refused before anything is written; forget leaves nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from backstride.domain import Activity
from backstride.errors import InputInvalid
from backstride.services.data import (
    DOCUMENTS,
    MANIFEST,
    clear_record,
    export_record,
    forget_everything,
    record_counts,
    restore_record,
)
from backstride.services.record import open_record
from backstride.store import ReturnToRunState, repo

UTC = dt.UTC
T0 = dt.datetime(2026, 3, 1, 7, 0, 0, 123456, tzinfo=UTC)
FIT_BYTES = bytes(range(256)) * 40  # every byte value, as a binary file would have
GPX_BYTES = b'<?xml version="1.0"?><gpx>\xc3\xa9t\xc3\xa9</gpx>\r\n'
EMPTY = {
    "assessments": 0,
    "check_ins": 0,
    "return_to_run": 0,
    "activities": 0,
    "outcomes": 0,
    "form_analyses": 0,
}
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64
FORM_DOCUMENT = {
    "schema_version": 1,
    "video": {"file": "../track run.mov", "fps": 60.0, "frames": 600},
    "quality": {"usable": True, "problems": []},
    "metrics": {"cadence_spm": 162.5, "trunk_lean_deg": None},
    "findings": [{"id": "low_cadence", "evidence": "162 steps/min", "cues": ["short_stride"]}],
}
RMDQ = {"date": "2026-03-02", "instrument": "rmdq", "answers": [True] * 10 + [False] * 14}
PSFS = {
    "date": "2026-03-02",
    "instrument": "psfs",
    "activities": [{"name": "run 5 km", "score": 3}, {"name": "sit through a meeting", "score": 6}],
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def activity(**changes) -> Activity:
    base = Activity(
        start=T0,
        sport="running",
        sub_sport="trail",
        distance_m=10_012.3,
        elapsed_s=3600.0,
        timer_s=3500.5,
        ascent_m=120.0,
        descent_m=None,
        device="Garmin Forerunner 935",
        source_file="morning run.fit",
        sha256=sha(FIT_BYTES),
        file_format="fit",
    )
    return dataclasses.replace(base, **changes)


def fill(record) -> None:
    """A record with something of every kind, times and odd values included."""
    runner_id = record.runner.id
    with record.session() as session:
        repo.update_runner(
            session=session,
            runner=dataclasses.replace(
                record.runner, name="Ana Müller", time_zone="Europe/Paris", run_days=(0, 2, 4)
            ),
        )
        for days, level, decision in ((9, "see_doctor", "stop"), (2, "self_care", "reduce")):
            repo.save_assessment(
                session=session,
                runner_id=runner_id,
                intake={"age": 44, "pain": {"regions": ["lower"], "nrs_now": 3}, "z": [1.5, None]},
                output={"triage": {"level": level}, "running": {"decision": decision}, "é": "ü"},
                created_at=T0 + dt.timedelta(days=days),
            )
        for day in ("2026-03-02", "2026-03-03"):
            checkin = {"date": day, "morning_pain": 2, "session": {"kind": "run", "max_pain": 3}}
            repo.upsert_checkin(session=session, runner_id=runner_id, checkin=checkin, now=T0)
        later = {"date": "2026-03-03", "morning_pain": 1, "notes": "better"}
        repo.upsert_checkin(
            session=session, runner_id=runner_id, checkin=later, now=T0 + dt.timedelta(hours=5)
        )
        for stage, status in ((2, "stopped"), (4, "active")):
            state = ReturnToRunState(
                started_on=T0.date(),
                stage=stage,
                status=status,
                last_decision="progress",
                why=("two safe sessions",),
                decided_on=T0.date() + dt.timedelta(days=3),
            )
            saved = repo.save_return_to_run(
                session=session, runner_id=runner_id, state=state, now=T0 + dt.timedelta(stage)
            )
            # judged again later: started and last updated at different times
            repo.save_return_to_run(
                session=session,
                runner_id=runner_id,
                state=dataclasses.replace(state, id=saved.id),
                now=T0 + dt.timedelta(stage, hours=5),
            )
        for outcome, score in ((RMDQ, 10.0), (PSFS, 4.5)):
            repo.upsert_outcome(
                session=session, runner_id=runner_id, outcome=outcome, score=score, now=T0
            )
        corrected = {**PSFS, "activities": [{"name": "run 5 km", "score": 4}]}
        repo.upsert_outcome(
            session=session,
            runner_id=runner_id,
            outcome=corrected,
            score=4.0,
            now=T0 + dt.timedelta(hours=2),
        )
        for hours, key_frame, video in ((30, JPEG, VIDEO), (50, JPEG[:100], None)):
            repo.save_form_analysis(
                session=session,
                runner_id=runner_id,
                file_name="../track run.mov",
                document=FORM_DOCUMENT,
                key_frame=key_frame,
                video=video,
                created_at=T0 + dt.timedelta(hours=hours),
            )
        repo.save_activity_file(
            session=session,
            runner_id=runner_id,
            file_name="../../morning run.fit",
            content=FIT_BYTES,
        )
        repo.save_activity_file(
            session=session, runner_id=runner_id, file_name="hike.gpx", content=GPX_BYTES, now=T0
        )
        repo.save_activities(
            session=session,
            runner_id=runner_id,
            activities=[
                activity(),
                activity(sport="cycling", sub_sport=None, session_index=1),
                activity(
                    start=T0 + dt.timedelta(days=1),
                    sport="hiking",
                    sub_sport=None,
                    distance_m=None,
                    source_file="hike.gpx",
                    sha256=sha(GPX_BYTES),
                    file_format="gpx",
                ),
            ],
        )


@pytest.fixture
def filled(database_url):
    with open_record(database_url) as record:
        fill(record)
    return database_url


def export(url: str, out: Path):
    with open_record(url) as record:
        return export_record(record, out)


def restore(url: str, archive: Path, **options):
    with open_record(url) as record:
        return restore_record(record, archive, **options)


def snapshot(url: str) -> dict:
    """What the store gives back about the runner, without database ids."""
    with open_record(url) as record, record.session() as session:
        rid = record.runner.id
        runner = dataclasses.replace(record.runner, id=0)
        return {
            "runner": runner,
            "assessments": [
                dataclasses.replace(a, id=0)
                for a in repo.list_assessments(session=session, runner_id=rid)
            ],
            "checkins": repo.list_checkins(session=session, runner_id=rid),
            "programmes": [
                dataclasses.replace(p, id=0)
                for p in repo.list_return_to_run(session=session, runner_id=rid)
            ],
            "activities": [
                s.activity for s in repo.list_activities(session=session, runner_id=rid)
            ],
            "files": list(repo.iter_activity_files(session=session, runner_id=rid)),
            "outcomes": repo.list_outcomes(session=session, runner_id=rid),
            "form_analyses": [
                dataclasses.replace(a.analysis, id=0)
                for a in repo.iter_form_analyses_with_media(session=session, runner_id=rid)
            ],
            "form_media": [
                (a.key_frame, a.video)
                for a in repo.iter_form_analyses_with_media(session=session, runner_id=rid)
            ],
        }


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, content: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    return path


def with_manifest_fixed(content: dict[str, bytes]) -> dict[str, bytes]:
    """`content` with its manifest's hashes and sizes recomputed, as a forger would do."""
    manifest = json.loads(content[MANIFEST])
    manifest["members"] = [
        {"name": name, "sha256": sha(data), "size": len(data)}
        for name, data in content.items()
        if name != MANIFEST
    ]
    return {**content, MANIFEST: json.dumps(manifest).encode()}


def test_export_forget_restore_gives_back_the_same_record(filled, tmp_path):
    before = snapshot(filled)
    first = export(filled, tmp_path / "first.zip")
    assert first.counts == {
        "assessments": 2,
        "check_ins": 2,
        "return_to_run": 2,
        "activities": 3,
        "activity_files": 2,
        "outcomes": 2,
        "form_analyses": 2,
    }
    with open_record(filled) as record:
        forget_everything(record)
    with open_record(filled) as record:
        assert record_counts(record) == {**EMPTY, "activity_files": 0}
    restored = restore(filled, tmp_path / "first.zip")
    assert restored.counts == first.counts
    assert restored.runner is not None and restored.runner.name == "Ana Müller"
    assert snapshot(filled) == before
    export(filled, tmp_path / "second.zip")
    one, two = members(tmp_path / "first.zip"), members(tmp_path / "second.zip")
    assert one.keys() == two.keys()
    for name in one.keys() - {MANIFEST}:
        assert one[name] == two[name], name
    manifests = [json.loads(m[MANIFEST]) for m in (one, two)]
    for manifest in manifests:
        del manifest["created_at"]
    assert manifests[0] == manifests[1]


def test_original_files_are_in_the_export_byte_for_byte(filled, tmp_path):
    export(filled, tmp_path / "export.zip")
    content = members(tmp_path / "export.zip")
    files = json.loads(content["files.json"])
    assert [f["file_name"] for f in files] == ["../../morning run.fit", "hike.gpx"]
    fit = files[0]["member"]
    assert fit == f"files/{sha(FIT_BYTES)}/morning run.fit", "the member stays in its folder"
    assert content[fit] == FIT_BYTES
    assert content[files[1]["member"]] == GPX_BYTES
    manifest = json.loads(content[MANIFEST])
    assert (manifest["format"], manifest["format_version"]) == ("backstride-export", 3)
    listed = {m["name"]: m for m in manifest["members"]}
    assert listed.keys() == content.keys() - {MANIFEST}
    assert set(DOCUMENTS) <= listed.keys()
    for name, member in listed.items():
        assert member["sha256"] == sha(content[name])
        assert member["size"] == len(content[name])


def test_assessments_are_exported_as_stored(filled, tmp_path):
    export(filled, tmp_path / "export.zip")
    assessments = json.loads(members(tmp_path / "export.zip")["assessments.json"])
    assert assessments[0]["intake"]["z"] == [1.5, None]
    assert assessments[0]["output"]["é"] == "ü"
    assert [a["created_at"] for a in assessments] == [
        (T0 + dt.timedelta(days=days)).isoformat() for days in (2, 9)
    ]


def test_restore_refuses_a_record_that_holds_data(filled, tmp_path):
    export(filled, tmp_path / "export.zip")
    before = snapshot(filled)
    with pytest.raises(InputInvalid, match=r"already holds data.*--replace"):
        restore(filled, tmp_path / "export.zip")
    assert snapshot(filled) == before


def test_restore_with_replace_puts_the_export_in_place_of_the_record(
    filled, database_url, tmp_path
):
    export(filled, tmp_path / "export.zip")
    before = snapshot(filled)
    with open_record(filled) as record, record.session() as session:
        checkin = {"date": "2026-04-01", "morning_pain": 7}
        repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=checkin)
    restore(filled, tmp_path / "export.zip", replace=True)
    assert snapshot(filled) == before


def test_export_of_an_empty_record_restores_to_an_empty_record(database_url, tmp_path):
    summary = export(database_url, tmp_path / "empty.zip")
    assert summary.counts == {**EMPTY, "activity_files": 0}
    restore(database_url, tmp_path / "empty.zip")
    with open_record(database_url) as record:
        assert record_counts(record) == {**EMPTY, "activity_files": 0}


@pytest.fixture
def exported(filled, tmp_path) -> dict[str, bytes]:
    """The members of an export of the filled record, which is then forgotten."""
    export(filled, tmp_path / "export.zip")
    with open_record(filled) as record:
        forget_everything(record)
    return members(tmp_path / "export.zip")


def refused(url: str, archive: Path, match: str) -> None:
    """Restoring `archive` fails with one line naming it, and the record is as it was."""
    before = snapshot(url)
    with open_record(url) as record:
        runner_id = record.runner.id
    with pytest.raises(InputInvalid, match=match) as caught:
        restore(url, archive)
    message = str(caught.value)
    assert message.startswith(f"{archive.name}: ") and message.endswith("nothing was restored")
    assert "\n" not in message
    assert snapshot(url) == before
    with open_record(url) as record:
        assert record.runner.id == runner_id, "the runner row is untouched"


@pytest.mark.parametrize("name", ["assessments.json", "runner.json", "files.json"])
def test_a_changed_document_is_refused(filled, exported, tmp_path, name):
    changed = exported[name].replace(b"2026", b"2025")  # the same size, another hash
    archive = write_zip(tmp_path / "changed.zip", {**exported, name: changed})
    refused(filled, archive, f"{name} does not match its checksum in manifest.json")
    longer = write_zip(tmp_path / "longer.zip", {**exported, name: exported[name] + b" "})
    refused(filled, longer, f"{name} is not the size its manifest says")


def test_a_changed_activity_file_is_refused(filled, exported, tmp_path):
    fit = f"files/{sha(FIT_BYTES)}/morning run.fit"
    tampered = bytearray(exported[fit])
    tampered[100] ^= 0xFF
    archive = write_zip(tmp_path / "changed.zip", {**exported, fit: bytes(tampered)})
    refused(filled, archive, "morning run.fit does not match its checksum")


def test_a_forged_manifest_cannot_swap_an_original_file(filled, exported, tmp_path):
    fit = f"files/{sha(FIT_BYTES)}/morning run.fit"
    forged = with_manifest_fixed({**exported, fit: b"another file"})
    refused(filled, write_zip(tmp_path / "forged.zip", forged), "is not the file files.json names")


def test_a_zip_from_another_program_is_refused(filled, tmp_path):
    archive = write_zip(tmp_path / "photos.zip", {"photo.jpg": b"\xff\xd8\xff"})
    refused(filled, archive, "not a Backstride export")
    other = write_zip(tmp_path / "other.zip", {MANIFEST: b'{"format": "other", "members": []}'})
    refused(filled, other, "not a Backstride export")


def test_a_file_that_is_not_a_zip_is_refused(filled, tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("just some notes", encoding="utf-8")
    refused(filled, text, "not a zip file")
    refused(filled, tmp_path / "missing.zip", "no such file")


def test_a_damaged_zip_is_refused(filled, exported, tmp_path):
    whole = tmp_path / "whole.zip"
    write_zip(whole, exported)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    refused(filled, cut, "not a zip file")


def test_a_corrupt_member_is_refused(filled, exported, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in exported.items():
            archive.writestr(name, data)
    data = bytearray(buffer.getvalue())
    start = data.find(b"Ana M")  # inside runner.json, stored uncompressed
    data[start] ^= 0x20
    archive_path = tmp_path / "corrupt.zip"
    archive_path.write_bytes(bytes(data))
    refused(filled, archive_path, "runner.json could not be read: the archive is damaged")


@pytest.mark.parametrize("name", ["../evil.json", "/etc/evil.json", "C:/evil.json", "a/../../x"])
def test_a_member_escaping_the_archive_is_refused(filled, exported, tmp_path, name):
    archive = write_zip(tmp_path / "escape.zip", with_manifest_fixed({**exported, name: b"{}"}))
    refused(filled, archive, "points outside the archive")


def test_members_must_match_the_manifest(filled, exported, tmp_path):
    extra = write_zip(tmp_path / "extra.zip", {**exported, "notes.txt": b"hello"})
    refused(filled, extra, "do not match its manifest")
    missing = {k: v for k, v in exported.items() if k != "checkins.json"}
    refused(filled, write_zip(tmp_path / "missing.zip", missing), "do not match its manifest")


def test_an_export_from_a_newer_backstride_is_refused(filled, exported, tmp_path):
    manifest = json.loads(exported[MANIFEST])
    manifest["format_version"] = 4
    newer = {**exported, MANIFEST: json.dumps(manifest).encode()}
    refused(filled, write_zip(tmp_path / "newer.zip", newer), "newer Backstride")


def test_a_document_not_as_backstride_writes_it_is_refused(filled, exported, tmp_path):
    activities = json.loads(exported["activities.json"])
    activities[0]["start"] = "2026-03-01T07:00:00"  # no time zone
    forged = with_manifest_fixed({**exported, "activities.json": json.dumps(activities).encode()})
    refused(filled, write_zip(tmp_path / "naive.zip", forged), r"activities\.0\.start")


def test_a_failure_half_way_leaves_nothing_written(filled, exported, tmp_path):
    # Valid hashes and counts, but one activity twice: found only while writing.
    activities = json.loads(exported["activities.json"])
    activities[2] = activities[0]
    forged = with_manifest_fixed({**exported, "activities.json": json.dumps(activities).encode()})
    refused(filled, write_zip(tmp_path / "twice.zip", forged), "activities twice")


def test_forget_deletes_everything(filled):
    with open_record(filled) as record:
        assert record_counts(record) == {
            "assessments": 2,
            "check_ins": 2,
            "return_to_run": 2,
            "activities": 3,
            "activity_files": 0,  # only counted when nothing else is there
            "outcomes": 2,
            "form_analyses": 2,
        }
        deleted = forget_everything(record)
        old_id = record.runner.id
    assert deleted == {
        "assessments": 2,
        "check_ins": 2,
        "return_to_run": 2,
        "activities": 3,
        "activity_files": 2,
        "outcomes": 2,
        "form_analyses": 2,
        "runner": 1,
    }
    with open_record(filled) as record, record.session() as session:
        assert record.runner.id != old_id
        assert (record.runner.name, record.runner.run_days) == (None, None)
        assert record_counts(record) == {**EMPTY, "activity_files": 0}
        assert (
            repo.get_activity_file(
                session=session, runner_id=record.runner.id, sha256=sha(FIT_BYTES)
            )
            is None
        )


def test_export_replaces_the_file_whole(filled, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "export.zip"
    out.write_bytes(b"an older export")
    export(filled, out)
    assert zipfile.is_zipfile(out)
    assert [p.name for p in out.parent.iterdir()] == ["export.zip"], "no temporary file left"


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_export_to_a_place_it_cannot_write_is_a_plain_error(filled, tmp_path, where):
    out = tmp_path if where == "folder" else tmp_path / "missing" / "export.zip"
    with pytest.raises(InputInvalid, match=r"folder|could not write"):
        export(filled, out)


def test_outcome_questionnaires_come_back_with_their_times(filled, tmp_path):
    export(filled, tmp_path / "export.zip")
    outcomes = json.loads(members(tmp_path / "export.zip")["outcomes.json"])
    assert [(o["instrument"], o["date"]) for o in outcomes] == [
        ("psfs", "2026-03-02"),
        ("rmdq", "2026-03-02"),
    ]
    psfs = outcomes[0]
    assert psfs["data"]["activities"] == [{"name": "run 5 km", "score": 4}]
    assert (psfs["created_at"], psfs["updated_at"]) == (
        T0.isoformat(),
        (T0 + dt.timedelta(hours=2)).isoformat(),
    )


def without_form_analyses(exported: dict[str, bytes]) -> dict[str, bytes]:
    """The export as a version 2 Backstride wrote it: no form analyses."""
    older = {
        k: v for k, v in exported.items() if k != "form_analyses.json" and not k.startswith("form/")
    }
    manifest = json.loads(older[MANIFEST])
    manifest["format_version"] = 2
    del manifest["counts"]["form_analyses"]
    return with_manifest_fixed({**older, MANIFEST: json.dumps(manifest).encode()})


def test_an_export_made_before_form_analyses_still_restores(filled, exported, tmp_path):
    """A version 2 export has no form_analyses.json: it restores, with no analyses."""
    older = without_form_analyses(exported)
    restored = restore(filled, write_zip(tmp_path / "older.zip", older))
    assert restored.counts["form_analyses"] == 0 and restored.counts["outcomes"] == 2
    with open_record(filled) as record, record.session() as session:
        assert repo.list_form_analyses(session=session, runner_id=record.runner.id) == []
        assert len(repo.list_outcomes(session=session, runner_id=record.runner.id)) == 2


def test_an_export_made_before_outcome_questionnaires_still_restores(filled, exported, tmp_path):
    """A version 1 export has no outcomes.json: it restores, with no questionnaires."""
    older = without_form_analyses(exported)
    older = {k: v for k, v in older.items() if k != "outcomes.json"}
    manifest = json.loads(older[MANIFEST])
    manifest["format_version"] = 1
    del manifest["counts"]["outcomes"]
    older = with_manifest_fixed({**older, MANIFEST: json.dumps(manifest).encode()})
    restored = restore(filled, write_zip(tmp_path / "older.zip", older))
    assert restored.counts["outcomes"] == 0 and restored.counts["assessments"] == 2
    with open_record(filled) as record, record.session() as session:
        assert repo.list_outcomes(session=session, runner_id=record.runner.id) == []


def test_a_version_2_export_without_its_outcomes_is_refused(filled, exported, tmp_path):
    missing = with_manifest_fixed({k: v for k, v in exported.items() if k != "outcomes.json"})
    refused(filled, write_zip(tmp_path / "missing.zip", missing), "do not match its manifest")


def test_an_unreadable_questionnaire_is_refused_before_anything_is_written(
    filled, exported, tmp_path
):
    outcomes = json.loads(exported["outcomes.json"])
    outcomes[1]["data"]["answers"] = [True] * 23  # one statement short
    forged = with_manifest_fixed({**exported, "outcomes.json": json.dumps(outcomes).encode()})
    refused(filled, write_zip(tmp_path / "short.zip", forged), "cannot read.*24")


def test_form_analyses_come_back_with_their_pictures_and_videos(filled, tmp_path):
    export(filled, tmp_path / "export.zip")
    content = members(tmp_path / "export.zip")
    analyses = json.loads(content["form_analyses.json"])
    assert [(a["key_frame"], a["video"]) for a in analyses] == [
        ("form/1/key-frame.jpg", "form/1/track run.mov"),
        ("form/2/key-frame.jpg", None),
    ], "each member stays inside its folder"
    assert analyses[0]["document"] == FORM_DOCUMENT
    assert analyses[0]["file_name"] == "../track run.mov"
    assert analyses[0]["created_at"] == (T0 + dt.timedelta(hours=30)).isoformat()
    assert content["form/1/key-frame.jpg"] == JPEG and content["form/1/track run.mov"] == VIDEO
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        video = archive.getinfo("form/1/track run.mov")
        assert video.compress_type == zipfile.ZIP_STORED, "a video is not compressed again"


def test_a_form_analysis_alone_counts_as_data(database_url, tmp_path):
    """A record holding only a form analysis is not empty: restore asks for --replace."""
    export(database_url, tmp_path / "empty.zip")
    with open_record(database_url) as record, record.session() as session:
        repo.save_form_analysis(
            session=session,
            runner_id=record.runner.id,
            file_name="run.mp4",
            document=FORM_DOCUMENT,
            key_frame=JPEG,
        )
    with open_record(database_url) as record:
        assert record_counts(record) == {**EMPTY, "activity_files": 0, "form_analyses": 1}
    with pytest.raises(InputInvalid, match="already holds data"):
        restore(database_url, tmp_path / "empty.zip")


def test_a_changed_key_frame_is_refused(filled, exported, tmp_path):
    forged = {**exported, "form/1/key-frame.jpg": JPEG[:-1] + b"\x00"}
    refused(filled, write_zip(tmp_path / "changed.zip", forged), "key-frame.jpg does not match")


def test_a_picture_form_analyses_json_does_not_name_is_refused(filled, exported, tmp_path):
    extra = with_manifest_fixed({**exported, "form/3/key-frame.jpg": JPEG})
    refused(filled, write_zip(tmp_path / "extra.zip", extra), "does not list the pictures")
    analyses = json.loads(exported["form_analyses.json"])
    analyses[1]["key_frame"] = "form/1/key-frame.jpg"  # named twice, one left unnamed
    twice = {**exported, "form_analyses.json": json.dumps(analyses).encode()}
    forged = with_manifest_fixed(twice)
    refused(filled, write_zip(tmp_path / "twice.zip", forged), "does not list the pictures")


def test_delete_everything_keeps_the_runner_and_removes_form_analyses(filled):
    with open_record(filled) as record:
        runner_id = record.runner.id
        deleted = clear_record(record)
    assert deleted["form_analyses"] == 2
    with open_record(filled) as record, record.session() as session:
        assert record.runner.id == runner_id
        assert list(repo.iter_form_analyses_with_media(session=session, runner_id=runner_id)) == []
