"""The physio report: assembled from the record, rendered as PDF and HTML."""

from __future__ import annotations

import datetime as dt
import io
import re

import pinned_time
import pytest
from builders import sample_intake
from pypdf import PdfReader
from report_builders import ASSESSED_ON, STAGE_CHANGES, STARTED_ON, TODAY, build_record

from backstride.errors import BackstrideError
from backstride.reports.physio_html import html_text
from backstride.reports.physio_pdf import pdf_bytes
from backstride.reports.physio_report import SECTION_TITLES, key_facts
from backstride.services.assess import assess_intake, assessment_document, intake_document
from backstride.services.record import open_record
from backstride.services.report import runner_report
from backstride.store import open_store, repo


def report_of(url: str, today: dt.date = TODAY):
    with open_record(url) as record:
        return runner_report(record, today=today)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def story(database_url):
    build_record(database_url, name="Alex Runner")
    return database_url


# Assembly --------------------------------------------------------------------------------------


def test_the_report_holds_the_latest_triage_and_screening(story):
    report = report_of(story)
    assert report.runner == "Alex Runner" and report.made_on == TODAY
    triage = report.triage
    assert triage is not None and triage.assessed_on == ASSESSED_ON
    assert (triage.level, triage.running_decision) == ("self_care", "reduce")
    assert triage.reasons == () and triage.advice.sources
    assert any("5/10 while running" in why for why in triage.running_why)
    startback = report.startback
    assert startback is not None
    assert (startback.total, startback.psychosocial, startback.risk) == (4, 2, "medium")


def test_the_report_holds_the_stage_and_its_decisions(story):
    rtr = report_of(story).return_to_run
    assert rtr is not None
    assert (rtr.stage, rtr.stages, rtr.status) == (5, 10, "active")
    assert rtr.stage_name == "More running than walking" and "4 minutes" in rtr.session
    assert rtr.started_on == STARTED_ON and rtr.decided_on == TODAY
    assert rtr.decision_label == "stayed at the stage on 14 Mar 2026"
    assert "1 safe session at stage 5" in rtr.why[1]
    assert [(m.day, m.label) for m in rtr.marks] == list(STAGE_CHANGES)
    assert rtr.history.startswith("9 Feb start: stage 1; 12 Feb up to stage 2;")


def test_adherence_counts_days_with_plan_exercises_over_four_weeks(story):
    adherence = report_of(story).adherence
    assert adherence is not None
    assert (adherence.date_from, adherence.date_to) == (dt.date(2026, 2, 15), TODAY)
    assert (adherence.days, adherence.days_logged, adherence.days_done) == (28, 24, 18)
    assert adherence.share == pytest.approx(18 / 28)
    done = {e.exercise_id: e.days_done for e in adherence.exercises}
    assert done == {
        "glute_bridge": 18,
        "single_leg_bridge": 0,
        "dead_bug": 18,
        "hip_flexor_stretch": 0,
        "plank": 0,
    }


def test_adherence_starts_no_earlier_than_the_plan(story):
    adherence = report_of(story, today=ASSESSED_ON + dt.timedelta(days=9)).adherence
    assert adherence is not None
    assert adherence.date_from == ASSESSED_ON and adherence.days == 10
    assert adherence.days_logged == 9


def test_red_flags_list_every_question_with_its_answers(story):
    flags = report_of(story).red_flags
    assert len(flags.lines) == 17  # the 16 intake red flags and new leg symptoms
    assert flags.reported == () and flags.assessed_on == ASSESSED_ON
    saddle = flags.lines[0]
    assert saddle.flag_id == "saddle_numbness" and saddle.at_assessment == "no"
    assert saddle.at_check_ins == "no (24 of 24 check-ins)"
    fever = next(line for line in flags.lines if line.flag_id == "fever_or_unwell")
    assert fever.at_check_ins == "not asked"


def test_a_red_flag_at_a_check_in_is_reported_first(database_url):
    build_record(database_url, red_flag_on=dt.date(2026, 3, 10))
    report = report_of(database_url)
    (line,) = report.red_flags.reported
    assert line.flag_id == "leg_weakness" and line.at_check_ins == "YES on 10 Mar"
    facts = dict(key_facts(report))
    assert facts["Red flags"] == "REPORTED: Any weakness in a leg or foot?"


def test_load_weeks_carry_their_flags_with_sources(story):
    load = report_of(story).load
    assert len(load.weeks) == 8
    flagged = {w.week_start: w.flags for w in load.weeks if w.flagged}
    assert flagged == {
        dt.date(2026, 2, 16): ("long run +22%",),
        dt.date(2026, 2, 23): ("+222% vs 2 weeks before",),
        dt.date(2026, 3, 2): ("long run +18%",),
        dt.date(2026, 3, 9): ("+41% vs 2 weeks before", "long run +15%"),
    }
    assert len(load.flags) == 5 and all(flag.sources for flag in load.flags)
    assert any("16.4 km in the week of 9 March 2026" in flag.text for flag in load.flags)
    assert "never as a risk score" in load.acwr_note.text and load.acwr is not None


def test_every_cited_number_is_a_listed_source(story):
    report = report_of(story)
    numbers = [s.number for s in report.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = set(report.triage.advice.sources) | set(report.startback.sources)
    cited |= set(report.return_to_run.sources) | set(report.red_flags.sources)
    cited |= {n for f in report.load.flags for n in f.sources} | set(report.load.acwr_note.sources)
    cited |= {n for e in report.adherence.exercises for n in e.sources}
    cited |= {n for line in report.outcomes.lines for n in line.sources}
    assert cited == set(numbers)
    citations = " ".join(s.citation for s in report.sources)
    assert "Hill JC" in citations and "Nielsen" in citations


def test_key_facts_answer_the_clinicians_questions_first(story):
    facts = key_facts(report_of(story))
    assert [label for label, _ in facts] == [
        "Triage (2 Feb 2026)",
        "Running decision",
        "STarT Back",
        "Outcome measures",
        "Morning pain",
        "Return to run",
        "Exercise adherence",
        "Red flags",
        "Running load",
        "Running form",
    ]
    values = dict(facts)
    assert values["Running form"] == "no analysis made"
    assert values["Exercise adherence"] == "64% of days (18 of 28)"
    # The diary's morning pain, 4/10 at the first check-in, 1/10 at the latest.
    assert values["Outcome measures"] == "Pain NRS 4 -> 1, improved"
    assert values["Morning pain"].startswith("1.0/10 on average in the week of 9 Mar 2026")


def test_an_empty_record_is_a_clear_error(database_url):
    with pytest.raises(BackstrideError, match=r"nothing to report yet.*backstride assess"):
        report_of(database_url)


def test_an_assessment_alone_makes_a_report(database_url):
    intake = sample_intake()
    with open_store(database_url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        repo.save_assessment(
            session=session,
            runner_id=runner.id,
            intake=intake_document(intake),
            output=assessment_document(assess_intake(intake)),
        )
    report = report_of(database_url, today=pinned_time.TODAY)
    assert report.progress.is_empty and report.return_to_run is None
    assert report.adherence is not None and report.adherence.days_done == 0
    assert (
        report.red_flags.check_ins == 0 and report.red_flags.lines[0].at_check_ins == "no check-ins"
    )
    text = pdf_text(pdf_bytes(report))
    assert "No pain logged and no runs in these weeks." in text
    assert "No return-to-run programme on record." in text
    assert "data:image/png" not in html_text(report)


# Rendering -------------------------------------------------------------------------------------


def test_the_pdf_holds_every_section_and_the_runners_numbers(story):
    data = pdf_bytes(report_of(story))
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert 2 <= len(reader.pages) <= 4
    assert reader.metadata.title == "Backstride report for a physiotherapist"
    outline = [item.title for item in reader.outline]
    assert outline == list(SECTION_TITLES)
    text = re.sub(r"\s+", " ", pdf_text(data))
    for title in SECTION_TITLES:
        assert title in text
    for number in (
        "Runner: Alex Runner",
        "Self-care",
        "medium risk (total 4/9, psychosocial 2/5)",
        "stage 5 of 10 (active); stayed at the stage on 14 Mar 2026",
        "12 Feb up to stage 2",
        "64% of days (18 of 28)",
        "none reported",
        "16.4 km in the week of 9 Mar 2026",
        "+41% vs 2 weeks before",
        "Hill JC",
        "not a substitute for a doctor",
    ):
        assert number in text, number


def test_the_pdf_embeds_the_chart(story):
    reader = PdfReader(io.BytesIO(pdf_bytes(report_of(story))))
    images = reader.pages[0].images
    assert len(images) == 1
    assert images[0].image.size == (1600, 800)


def test_the_pdf_prints_a_reported_red_flag_on_the_first_page(database_url):
    build_record(database_url, red_flag_on=dt.date(2026, 3, 10))
    reader = PdfReader(io.BytesIO(pdf_bytes(report_of(database_url))))
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "REPORTED: Any weakness in a leg or foot?" in first


def test_the_html_holds_every_section_and_escapes_what_the_runner_typed(database_url):
    build_record(database_url, name="<b>Alex</b> & co")
    page = html_text(report_of(database_url))
    assert page.startswith("<!DOCTYPE html>")
    for section in (
        "at-a-glance",
        "triage",
        "startback",
        "pain-and-running",
        "return-to-run",
        "adherence",
        "red-flags",
        "load",
        "sources",
    ):
        assert f'<section id="{section}">' in page
    for title in SECTION_TITLES:
        assert f"<h2>{title}</h2>" in page
    assert "Runner: &lt;b&gt;Alex&lt;/b&gt; &amp; co." in page
    assert 'src="data:image/png;base64,' in page
    assert "http-equiv" not in page and "<script" not in page and "<link" not in page
    assert "64% of days (18 of 28)" in page and "5 of 10" in page


def _save_assessment(url, intake):
    with open_store(url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        repo.save_assessment(
            session=session,
            runner_id=runner.id,
            intake=intake_document(intake),
            output=assessment_document(assess_intake(intake)),
        )


def test_the_report_says_when_the_answer_on_rest_was_missing(database_url):
    _save_assessment(
        database_url, sample_intake(pain={"nrs_worst_week": 8, "eases_with_rest": None})
    )
    report = report_of(database_url, today=pinned_time.TODAY)
    assert report.triage is not None
    [missing] = report.triage.missing_answers
    assert '"Does it ease when you rest?" was not answered' in missing and "8/10" in missing
    assert any("did not say whether it eases" in r.text for r in report.triage.reasons)
    assert "Answer missing:" in html_text(report)
    assert "Answer missing:" in re.sub(r"\s+", " ", pdf_text(pdf_bytes(report)))


@pytest.mark.parametrize(("worst", "eases"), [(8, True), (8, False), (6, None)])
def test_no_missing_answer_when_it_was_given_or_not_needed(database_url, worst, eases):
    _save_assessment(
        database_url, sample_intake(pain={"nrs_worst_week": worst, "eases_with_rest": eases})
    )
    report = report_of(database_url, today=pinned_time.TODAY)
    assert report.triage is not None and report.triage.missing_answers == ()


def test_the_report_has_the_outcome_measures_with_their_mic(story):
    from backstride.services.outcomes import parse_outcome, save_outcome

    with open_record(story) as record:
        for day, yes in ((dt.date(2026, 2, 2), 12), (dt.date(2026, 3, 2), 6)):
            answers = [True] * yes + [False] * (24 - yes)
            document = {"date": day.isoformat(), "instrument": "rmdq", "answers": answers}
            save_outcome(record, parse_outcome(document), today=TODAY)
    report = report_of(story)
    lines = {line.measure.split(" (")[0]: line for line in report.outcomes.lines}
    rmdq = lines["RMDQ"]
    assert (rmdq.first, rmdq.latest) == ("12 (2 Feb 2026)", "6 (2 Mar 2026)")
    assert (rmdq.change, rmdq.threshold, rmdq.reached) == ("-6 (50%)", "5 points or 30%", True)
    assert rmdq.verdict == "Improved: the change reaches the MIC"
    assert lines["PSFS"].verdict == "Not answered yet" and lines["PSFS"].reached is None
    assert lines["STarT Back"].threshold == "none (sorts risk)"
    cited = {s.number: s.citation for s in report.sources}
    assert any("Ostelo" in cited[n] for n in rmdq.sources)
    assert dict(key_facts(report))["Outcome measures"].startswith("RMDQ 12 -> 6, improved")
    page = html_text(report)
    section = page[
        page.index('<section id="outcomes">') : page.index('<section id="return-to-run">')
    ]
    assert "Outcome measures" in section and "RMDQ (0-24, lower is better)" in section
    assert 'class="reached"' in section
    text = re.sub(r"\s+", " ", pdf_text(pdf_bytes(report)))
    # The PDF's text runs words together where a table cell wraps: look for the start.
    assert "Outcome measures" in text and "Improved: the change reaches the" in text


def test_an_empty_outcome_section_says_how_to_fill_it(database_url):
    _save_assessment(database_url, sample_intake(startback=None))
    report = report_of(database_url, today=pinned_time.TODAY)
    assert report.outcomes is not None and report.outcomes.is_empty
    assert "No outcome measure on record yet" in html_text(report)


#: What `backstride form --format json` keeps of a clip where the runner overstrides.
FORM_DOCUMENT = {
    "schema_version": 1,
    "video": {"file": "track.mp4", "fps": 60.0, "frames": 480, "seconds": 8.0},
    "view": "side",
    "facing": "right",
    "quality": {"usable": True, "frames_with_runner": 1.0, "steps": 22, "problems": []},
    "metrics": {
        "cadence_spm": 168.0,
        "overstride": {"heel_ahead_leg_lengths": 0.47, "shank_angle_deg": 17.7},
        "trunk_lean_deg": 6.8,
        "trunk_lean": {"category": "moderate", "change_deg": 0.5, "trend": "steady"},
        "elbow_angle_deg": 72.0,
        "head_forward": "neutral",
        "head_forward_deg": 3.0,
        "vertical_oscillation_leg_lengths": 0.08,
    },
    "findings": [
        {
            "id": "overstriding",
            "name": "Overstriding",
            "evidence": "the heel lands 0.47 leg lengths ahead of the hips",
            "advice": "land with the foot closer under you",
            "cues": ["no_overstriding"],
            "sources": ["heiderscheit_2011"],
        }
    ],
}


def test_the_report_has_the_latest_form_analysis_with_its_numbers(database_url):
    _save_assessment(database_url, sample_intake())
    with open_record(database_url) as record, record.session() as session:
        repo.save_form_analysis(
            session=session,
            runner_id=record.runner.id,
            file_name="track.mp4",
            document=FORM_DOCUMENT,
        )
    report = report_of(database_url, today=pinned_time.TODAY)

    form = report.form
    assert form is not None and form.usable and form.steps == 22
    assert ("Cadence", "168 steps/min") in form.measures
    assert ("Bounce", "0.08 leg lengths (approximate)") in form.measures
    [finding] = form.findings
    assert finding.text.startswith("Overstriding: the heel lands 0.47 leg lengths")
    cited = {s.number: s.citation for s in report.sources}
    assert "Heiderscheit" in cited[finding.sources[0]]
    assert dict(key_facts(report))["Running form"].endswith(": Overstriding")
    html = html_text(report)
    assert "Running form" in html and "Heel ahead of the hips at landing" in html
    assert "0.47 leg lengths" in html
    text = pdf_text(pdf_bytes(report))
    assert "Running form" in text and "Overstriding" in text


def test_without_a_form_analysis_the_report_says_none_was_made(database_url):
    _save_assessment(database_url, sample_intake(startback=None))
    report = report_of(database_url, today=pinned_time.TODAY)

    assert report.form is None
    assert "No running-form analysis made" in html_text(report)
    assert "No running-form analysis made" in pdf_text(pdf_bytes(report))
