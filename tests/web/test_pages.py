"""The pages of personal mode: the assessment form (GET /) and its result (POST /assess)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from backstride.services.questionnaire import questions
from backstride.services.record import open_record
from backstride.store import repo
from backstride.web.middleware import SECURITY_HEADERS

pytestmark = pytest.mark.anyio

FEW_ANSWERS = {
    "age": "34",
    "sex": "female",
    "pain.nrs_now": "3",
    "pain.nrs_worst_week": "4",
    "pain.regions": ["lower"],
    "pain.aggravators": ["running", "sitting"],
    "pain.eases_with_rest": "yes",
    "pain.leg_pain_below_knee": "no",
    "red_flags.saddle_numbness": "no",
    "red_flags.bladder_dysfunction": "no",
    "training.weekly_distance_km": "20, 22, 24",
    "startback.1": "",  # skipped
}


class Page(HTMLParser):
    """What a test reads from a page: the text of labels, legends and landmarks, the inputs."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.labels: list[str] = []  # text of every <label> and <legend>
        self.label_for: dict[str, str] = {}  # input id -> its label's text
        self.inputs: dict[str, dict[str, str | None]] = {}  # input id -> attributes
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.stylesheets: list[str] = []
        self._open: list[tuple[str, str | None, list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag in ("label", "legend"):
            self._open.append((tag, found.get("for"), []))
        if tag == "input" and found.get("id"):
            self.inputs[found["id"] or ""] = found
        if tag == "link" and found.get("rel") == "stylesheet":
            self.stylesheets.append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, target, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            self.labels.append(text)
            if target:
                self.label_for[target] = text

    def handle_data(self, data: str) -> None:
        for _, _, parts in self._open:
            parts.append(data)


def field_id(path: tuple[str, ...]) -> str:
    return "q-" + "-".join(path)


async def test_the_form_asks_every_question_with_a_label(client, knowledge):
    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    for landmark in ("header", "main", "footer", "form", "h1", "h2"):
        assert landmark in page.tags
    # Scripts only enhance the page: each one is a file of ours, none inline or from elsewhere.
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts
    assert all(re.search(r'src="/static/[^"]+"', tag) for tag in scripts), scripts
    asked = list(questions(knowledge))
    for question in asked:
        labelled = [text for text in page.labels if text.startswith(question.text)]
        assert labelled, question.path
        if question.kind in ("int", "float", "numbers"):
            # A typed answer: its <label for=...> names its input.
            assert page.label_for[field_id(question.path)].startswith(question.text)
        else:
            # A group: a <fieldset> whose legend is the question, one labelled input per choice.
            assert field_id(question.path) in page.ids
    age = page.inputs["q-age"]
    assert (age["type"], age["min"], age["max"]) == ("number", "16", "110")
    assert "Safety questions" in page.labels
    red_flags = [q for q in asked if q.path[0] == "red_flags"]
    assert red_flags and all(q.section == "Safety questions" for q in red_flags)
    assert 'name="red_flags.saddle_numbness" value="yes"' in response.text
    assert 'type="checkbox" name="pain.regions" value="lower"' in response.text
    assert "Step 1 of" in response.text
    assert "Optional" in response.text  # STarT Back may be left out


async def test_the_stylesheets_are_served_by_the_app(client):
    page = Page((await client.get("/")).text)

    assert page.stylesheets == ["/static/backstride.css", "/static/pages.css"]
    for href in page.stylesheets:
        css = await client.get(href)
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
    assert "max-width" in (await client.get(page.stylesheets[0])).text


async def test_the_steps_script_only_enhances_a_form_that_works_without_it(client, knowledge):
    response = await client.get("/")

    html = response.text
    assert '<script src="/static/onboarding.js" defer></script>' in html
    script = await client.get("/static/onboarding.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert ".style" not in script.text  # the CSP allows no inline styles: classes and hidden
    # Without the script: every step shows, the progress and the step buttons stay hidden.
    steps = re.findall(r'<section class="step"[^>]*>', html)
    assert len(steps) == len({q.section for q in questions(knowledge)})
    assert not any("hidden" in tag for tag in steps)
    assert re.search(r'<div class="step-progress" id="step-progress" hidden>', html)
    assert html.count('<div class="step-buttons" hidden>') == len(steps)
    # The progress line is for the eye; screen readers hear the step from its heading or here.
    assert re.search(r'<p id="step-status" aria-hidden="true">Step 1 of 5</p>', html)
    assert re.search(r'<p id="step-announcement"[^>]* aria-live="polite"[^>]*></p>', html)
    assert re.search(r'<progress id="step-meter" max="5" value="1"', html)
    # Each step but the last has Next, each but the first Back; the submit button is there.
    assert html.count('class="next"') == html.count('class="back"') == len(steps) - 1
    assert "Next: Safety questions" in html
    assert '<button type="submit">See my assessment</button>' in html


async def test_a_refused_form_marks_the_step_of_each_problem(client):
    response = await client.post("/assess", data={**FEW_ANSWERS, "red_flags.saddle_numbness": "x"})

    html = response.text
    assert response.status_code == 422
    safety = html[html.index('id="step-3"') : html.index('id="step-4"')]
    assert 'data-title="Safety questions"' in safety
    assert "has-error" in safety
    assert 'href="#q-red_flags-saddle_numbness"' in html  # the summary links the step's field


async def test_a_runner_with_everyday_pain_sees_self_care_and_exercises(client):
    response = await client.post("/assess", data=FEW_ANSWERS)

    assert response.status_code == 200, response.text
    html = response.text
    assert "Look after it yourself" in html
    assert 'class="triage level-self_care"' in html
    assert 'id="exercises"' in html
    assert 'class="dose"' in html
    assert 'id="sources"' in html
    # The triage first, the plan after it, the disclaimer at the end.
    triage, running, plan = (
        html.index(m) for m in ('id="triage-heading"', 'id="running"', 'id="plan"')
    )
    assert triage < running < plan < html.index('id="disclaimer-heading"')
    assert "Traceback" not in html


async def test_saddle_numbness_fills_the_top_with_emergency_advice_and_no_plan(client):
    answers = {**FEW_ANSWERS, "red_flags.saddle_numbness": "yes"}

    response = await client.post("/assess", data=answers)

    assert response.status_code == 200
    html = response.text
    main = html[html.index("<main") :]
    first_heading = main[main.index("<h1") : main.index("</h1>")]
    assert "emergency department" in first_heading
    assert "level-emergency" in main[: main.index("<h1")]
    assert "cauda equina" in html
    for section in ('id="exercises"', 'id="plan"', 'id="running"', "Glute bridge"):
        assert section not in html


async def test_a_bad_answer_comes_back_at_its_field_with_the_answers_kept(client):
    answers = {**FEW_ANSWERS, "age": "12"}

    response = await client.post("/assess", data=answers)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    age = page.inputs["q-age"]
    assert age["value"] == "12"
    assert age["aria-invalid"] == "true"
    assert age["aria-describedby"] == "q-age-error"
    error = response.text[response.text.index('id="q-age-error"') :]
    assert "12 is out of range" in error[: error.index("</p>")]
    # Every other answer is still there.
    assert page.inputs["q-pain-nrs_now"]["value"] == "3"
    assert 'value="female" checked' in response.text
    assert 'name="pain.aggravators" value="sitting" checked' in response.text
    assert "Traceback" not in response.text


async def test_a_missing_required_answer_is_asked_for(client):
    response = await client.post("/assess", data={"age": "40"})

    assert response.status_code == 422
    assert 'id="q-pain-nrs_now-error"' in response.text


async def test_the_assessment_is_kept_in_the_record(client, database_url):
    await client.post("/assess", data=FEW_ANSWERS)
    await client.post("/assess", data={**FEW_ANSWERS, "age": "12"})  # refused: not kept

    with open_record(database_url) as record, record.session() as session:
        kept = repo.list_assessments(session=session, runner_id=record.runner.id)
    assert len(kept) == 1
    assert kept[0].intake["age"] == 34
    assert kept[0].intake["pain"]["aggravators"] == ["running", "sitting"]
    assert kept[0].triage_level == "self_care"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [("GET", "/", None), ("POST", "/assess", FEW_ANSWERS), ("POST", "/assess", {"age": "x"})],
)
async def test_the_pages_carry_the_security_headers(client, method, path, data):
    response = await client.request(method, path, data=data)

    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"
    assert 'style="' not in response.text  # the CSP allows no inline style


async def test_a_same_origin_form_post_works_and_a_cross_site_one_is_refused(client):
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    other = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}

    assert (await client.post("/assess", data=FEW_ANSWERS, headers=same)).status_code == 200
    assert (await client.post("/assess", data=FEW_ANSWERS, headers=other)).status_code == 403


async def test_unanswered_safety_questions_are_listed_before_the_plan(client, knowledge):
    response = await client.post("/assess", data=FEW_ANSWERS)

    html = response.text
    section = html[html.index('id="unanswered"') : html.index('id="running"')]
    assert "taken as a no" in section
    answered = {"saddle_numbness", "bladder_dysfunction"}
    for flag in knowledge.red_flags:
        question = flag.question.replace("'", "&#39;")
        assert (question in section) is (flag.id not in answered), flag.id
    assert html.index('id="unanswered"') < html.index('id="plan"')


async def test_every_safety_question_answered_lists_none(client, knowledge):
    answers = {**FEW_ANSWERS, **{f"red_flags.{f.id}": "no" for f in knowledge.red_flags}}

    response = await client.post("/assess", data=answers)

    assert response.status_code == 200
    assert 'id="unanswered"' not in response.text


async def test_the_form_says_what_an_unanswered_safety_question_means(client):
    html = (await client.get("/")).text
    safety = html[html.index('id="step-3"') : html.index('id="step-4"')]
    assert "A question left unanswered is taken as a no" in safety


@pytest.mark.parametrize("field", ["pain.nrs_now", "pain.nrs_worst_week"])
async def test_severe_pain_needs_an_answer_on_rest(client, database_url, field):
    answers = {**FEW_ANSWERS, field: "8"}
    del answers["pain.eases_with_rest"]

    response = await client.post("/assess", data=answers)

    assert response.status_code == 422
    error = response.text[response.text.index('id="q-pain-eases_with_rest-error"') :]
    assert "this answer decides how soon you should see someone" in error[: error.index("</p>")]
    with open_record(database_url) as record:
        assert record.latest_assessment() is None  # nothing kept

    answered = await client.post("/assess", data={**answers, "pain.eases_with_rest": "no"})
    assert answered.status_code == 200
    assert "does not ease when you rest" in answered.text


async def test_below_seven_the_rest_question_may_stay_blank(client):
    answers = {**FEW_ANSWERS, "pain.nrs_worst_week": "6"}
    del answers["pain.eases_with_rest"]

    assert (await client.post("/assess", data=answers)).status_code == 200
