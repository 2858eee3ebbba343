"""`backstride import` end to end: real files in, rows and original files stored, clean errors."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from backstride.services import importing
from backstride.store import open_store, repo

CORPUS = (Path(__file__).resolve().parents[2] / "../shared/data/activities").resolve()
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")

RUN = CORPUS / "fit" / "runalyze_FR630-with-lth.fit"
SETTINGS = CORPUS / "fit" / "fitparse_Settings.fit"
BROKEN = CORPUS / "broken" / "fitparse_activity-unexpected-eof.fit"
GPX = CORPUS / "gpx" / "sweatpy_4801048867_strava.gpx"


@pytest.fixture
def folder(tmp_path):
    """A folder of copies (the corpus itself is never written to)."""
    target = tmp_path / "watch"
    target.mkdir()
    for source in (RUN, SETTINGS, GPX):
        shutil.copy(source, target / source.name)
    return target


def stored(url):
    with open_store(url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        activities = repo.list_activities(session=session, runner_id=runner.id)
        files = list(repo.iter_activity_files(session=session, runner_id=runner.id))
    return activities, files


@needs_corpus
def test_a_folder_imports_with_the_contract_and_keeps_the_originals(run_cli, folder, database_url):
    result = run_cli("import", str(folder), "--format", "json", "--db", database_url)
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["imported"] == 2
    assert summary["duplicates"] == 0
    assert summary["skipped"] == [
        {"file": f"watch/{SETTINGS.name}", "reason": "not an activity (settings file)"}
    ]
    assert summary["failed"] == []
    run = next(a for a in summary["activities"] if a["file"] == f"watch/{RUN.name}")
    assert run["sport"] == "running"
    assert run["distance_m"] == pytest.approx(2030, abs=1)
    assert run["start"].endswith("Z")
    assert set(run) >= {"id", "sha256", "sub_sport", "elapsed_s", "timer_s", "ascent_m", "device"}
    activities, files = stored(database_url)
    assert len(activities) == 2
    originals = {f.sha256: f.content for f in files}
    assert originals[hashlib.sha256(RUN.read_bytes()).hexdigest()] == RUN.read_bytes()


@needs_corpus
def test_importing_again_adds_nothing(run_cli, folder, database_url):
    run_cli("import", str(folder), "--db", database_url)
    again = json.loads(run_cli("import", str(folder), "-f", "json", "--db", database_url).out)
    assert (again["imported"], again["duplicates"]) == (0, 2)
    activities, files = stored(database_url)
    assert (len(activities), len(files)) == (2, 2)


@needs_corpus
def test_a_broken_file_fails_alone_and_the_exit_code_says_so(run_cli, folder, tmp_path):
    shutil.copy(BROKEN, folder / BROKEN.name)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    result = run_cli("import", str(folder), "--format", "json", "--db", url)
    assert result.code == 1
    summary = json.loads(result.out)
    assert summary["imported"] == 2
    assert summary["failed"] == [
        {"file": f"watch/{BROKEN.name}", "error": "file ends early at byte 768 of 771"}
    ]


@needs_corpus
def test_the_text_summary_names_each_skipped_and_failed_file(run_cli, folder, tmp_path):
    shutil.copy(BROKEN, folder / BROKEN.name)
    result = run_cli("import", str(folder), "--db", f"sqlite:///{tmp_path / 'r.db'}", columns=400)
    text = " ".join(result.out.split())
    assert "activities added" in text
    assert f"skipped │ watch/{SETTINGS.name} │ not an activity (settings file)" in text
    assert "file ends early at byte 768 of 771" in text


@needs_corpus
def test_files_are_named_from_the_path_given_never_with_the_folders_above(
    run_cli, folder, tmp_path, monkeypatch
):
    (folder / "2026" / "march").mkdir(parents=True)
    shutil.move(folder / GPX.name, folder / "2026" / "march" / GPX.name)
    shutil.copy(BROKEN, folder / "2026" / BROKEN.name)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    result = run_cli("import", str(folder / "2026"), str(RUN), "-f", "json", "--db", url)
    summary = json.loads(result.out)
    assert [a["file"] for a in summary["activities"]] == [f"2026/march/{GPX.name}", RUN.name]
    assert [f["file"] for f in summary["failed"]] == [f"2026/{BROKEN.name}"]
    monkeypatch.chdir(folder)
    again = json.loads(run_cli("import", ".", "-f", "json", "--db", url).out)
    assert [f["file"] for f in again["skipped"]] == [SETTINGS.name]
    assert str(tmp_path) not in result.out + json.dumps(again)
    assert str(CORPUS) not in result.out
    activities, _ = stored(url)
    assert sorted(a.activity.source_file for a in activities) == sorted(
        [f"2026/march/{GPX.name}", RUN.name]
    )


def test_a_missing_path_is_a_usage_error(run_cli, tmp_path):
    result = run_cli("import", str(tmp_path / "nowhere"), "--db", f"sqlite:///{tmp_path / 'r.db'}")
    assert result.code == 2
    assert "no such file or folder" in result.err
    assert "Traceback" not in result.err


def test_no_path_is_a_usage_error(run_cli):
    assert run_cli("import").code == 2


@needs_corpus
def test_an_import_stopped_halfway_leaves_whole_batches_and_a_rerun_finishes(
    run_cli, folder, tmp_path, monkeypatch
):
    for extra in (
        "runalyze_FR735XT-with-performance-condition.fit",
        "runpandas_run.fit",
        "goldencheetah_20130716_202738.fit",
    ):
        shutil.copy(CORPUS / "fit" / extra, folder / extra)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setattr(importing, "BATCH_ACTIVITIES", 1)
    calls = {"n": 0}
    real = importing._Batch.store

    def store_then_die(self, record, summary):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the runner pressed Ctrl-C during the third write
        real(self, record, summary)

    monkeypatch.setattr(importing._Batch, "store", store_then_die)
    stopped = run_cli("import", str(folder), "--db", url)
    assert stopped.code == 130
    activities, files = stored(url)
    assert len(activities) == 2 and len(files) == 2  # two whole batches, nothing half-written
    monkeypatch.setattr(importing._Batch, "store", real)
    finished = json.loads(run_cli("import", str(folder), "-f", "json", "--db", url).out)
    assert finished["imported"] == 3 and finished["duplicates"] == 2
    activities, files = stored(url)
    assert len(activities) == 5 and len(files) == 5
