"""A kept form analysis as an assessment's evidence: dated on the runner's own day."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from backstride.clock import use_clock
from backstride.coach.factors import form_evidence_text
from backstride.services.form import latest_form_evidence
from backstride.services.record import open_record
from backstride.store import repo

DOCUMENT = {
    "quality": {"usable": True},
    "findings": [
        {
            "id": "low_cadence",
            "name": "Low cadence",
            "evidence": "162 steps/min",
            "cues": ["short_stride"],
            "sources": ["heiderscheit2011"],
        }
    ],
}


def keep_analysis(url: str, *, zone: str, at: datetime) -> None:
    with open_record(url) as record, record.session() as session:
        repo.update_runner(
            session=session, runner=dataclasses.replace(record.runner, time_zone=zone)
        )
        with use_clock(lambda: at):
            repo.save_form_analysis(
                session=session,
                runner_id=record.runner.id,
                file_name="run.mp4",
                document=DOCUMENT,
            )


@pytest.mark.parametrize(
    ("zone", "at", "day"),
    [
        # 02:30 on the 18th in UTC is still the evening of the 17th in Los Angeles...
        ("America/Los_Angeles", datetime(2026, 6, 18, 2, 30, tzinfo=UTC), date(2026, 6, 17)),
        # ...and 14:30 on the 17th in UTC is already the 18th in Auckland.
        ("Pacific/Auckland", datetime(2026, 6, 17, 14, 30, tzinfo=UTC), date(2026, 6, 18)),
        ("UTC", datetime(2026, 6, 17, 23, 59, tzinfo=UTC), date(2026, 6, 17)),
    ],
)
def test_an_analysis_is_dated_on_the_runners_day(database_url, zone, at, day):
    keep_analysis(database_url, zone=zone, at=at)
    with open_record(database_url) as record:
        evidence = latest_form_evidence(record)
    assert evidence is not None
    assert evidence.analysed_on == day
    assert f"analysed on {day.day} {day:%B %Y}" in form_evidence_text(evidence)
