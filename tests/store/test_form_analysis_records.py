"""Form analyses in the record: kept as printed, the latest usable one found, media by owner."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from backstride.store import Runner, repo


def _save(session: Session, runner: Runner, *, usable: bool, at: datetime, video=None):
    return repo.save_form_analysis(
        session=session,
        runner_id=runner.id,
        file_name="run.mp4",
        document={"quality": {"usable": usable}, "findings": [{"id": "overstriding"}]},
        key_frame=b"jpeg",
        video=video,
        created_at=at,
    )


def test_an_analysis_reads_back_as_saved(session: Session, runner: Runner) -> None:
    saved = _save(session, runner, usable=True, at=datetime(2026, 6, 1, 9, tzinfo=UTC))
    [listed] = repo.list_form_analyses(session=session, runner_id=runner.id)
    assert listed == saved
    assert listed.has_key_frame and not listed.has_video
    media = repo.form_analysis_media(session=session, runner_id=runner.id, analysis_id=saved.id)
    assert media == (b"jpeg", None)


def test_the_latest_usable_analysis(session: Session, runner: Runner) -> None:
    first = _save(session, runner, usable=True, at=datetime(2026, 6, 1, tzinfo=UTC))
    second = _save(session, runner, usable=False, at=datetime(2026, 6, 2, tzinfo=UTC))
    assert repo.latest_form_analysis(session=session, runner_id=runner.id) == second
    latest = repo.latest_form_analysis(session=session, runner_id=runner.id, usable_only=True)
    assert latest == first


def test_another_runners_media_is_not_given(session: Session, runner: Runner) -> None:
    other = repo.create_runner(session=session, key="athlete-2")
    saved = _save(session, runner, usable=True, at=datetime(2026, 6, 1, tzinfo=UTC), video=b"v")
    assert (
        repo.form_analysis_media(session=session, runner_id=other.id, analysis_id=saved.id) is None
    )
    assert repo.latest_form_analysis(session=session, runner_id=other.id) is None
