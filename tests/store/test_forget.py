"""Forget: everything about the runner goes, and nobody else's data."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backstride.store import ReturnToRunState, Runner, repo

from .store_builders import make_activity, make_checkin


def _fill(session: Session, runner: Runner) -> None:
    repo.save_assessment(
        session=session,
        runner_id=runner.id,
        intake={"age": 40, "pain": {}},
        output={"triage": {"level": "self_care"}, "running": {"decision": "continue"}},
    )
    repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin())
    repo.save_return_to_run(
        session=session,
        runner_id=runner.id,
        state=ReturnToRunState(started_on=date(2026, 3, 2), stage=1),
    )
    repo.save_activities(session=session, runner_id=runner.id, activities=[make_activity()])
    repo.save_activity_file(session=session, runner_id=runner.id, file_name="a.fit", content=b"x")
    repo.save_form_analysis(
        session=session,
        runner_id=runner.id,
        file_name="run.mp4",
        document={"quality": {"usable": True}, "findings": []},
        key_frame=b"\xff\xd8\xff",
        video=b"video",
    )
    rmdq = {"date": "2026-03-02", "instrument": "rmdq", "answers": [False] * 24}
    repo.upsert_outcome(session=session, runner_id=runner.id, outcome=rmdq, score=0.0)


def test_forget_deletes_everything_about_the_runner(session: Session, runner: Runner) -> None:
    other = repo.create_runner(session=session, key="athlete-2")
    _fill(session, runner)
    _fill(session, other)

    deleted = repo.delete_everything_for(session=session, runner_id=runner.id)

    assert deleted == {
        "activity_file": 1,
        "activity": 1,
        "return_to_run": 1,
        "check_in": 1,
        "assessment": 1,
        "form_analysis": 1,
        "outcome": 1,
        "runner": 1,
    }
    for runner_id, expected in ((runner.id, 0), (other.id, 1)):
        assert len(repo.list_assessments(session=session, runner_id=runner_id)) == expected
        assert len(repo.list_checkins(session=session, runner_id=runner_id)) == expected
        assert len(repo.list_return_to_run(session=session, runner_id=runner_id)) == expected
        assert len(repo.list_activities(session=session, runner_id=runner_id)) == expected
        files = list(repo.iter_activity_files(session=session, runner_id=runner_id))
        assert len(files) == expected
        assert len(repo.list_form_analyses(session=session, runner_id=runner_id)) == expected
        assert len(repo.list_outcomes(session=session, runner_id=runner_id)) == expected


def test_after_forget_the_personal_runner_starts_afresh(session: Session, runner: Runner) -> None:
    _fill(session, runner)
    repo.delete_everything_for(session=session, runner_id=runner.id)
    again = repo.get_or_create_personal_runner(session=session)
    assert again.id != runner.id
    assert repo.list_checkins(session=session, runner_id=again.id) == []
