"""A FHIR R4 export of the runner's record, for a clinic's system.

A `collection` Bundle, built and validated with the SMART on FHIR client library's R4 (4.0.1)
models (`fhirclient`), never as hand-written JSON:

- a Patient that holds the runner's chosen name and nothing else (no identifier, birth date,
  sex or address);
- one Observation per check-in: LOINC 72514-3 (pain severity, 0-10 verbal numeric rating,
  reported), the morning pain, on the check-in's date;
- a Questionnaire each for the RMDQ, the PSFS and STarT Back (the items in Backstride's own
  words, their copyright and licence), and a QuestionnaireResponse for each one answered: each
  RMDQ and PSFS questionnaire kept, and each assessment's STarT Back answers, with the score.

```python
with open_record(db) as record:
    bundle = runner_bundle(record)              # a dict, validated
    summary = write_fhir(record, Path("backstride-fhir.json"))
parsed = read_fhir_bundle(bundle)               # fhirclient's Bundle, validated again
```

The library checks types, required elements and unknown keys; it does not check codes against
their value sets, so the codes used here are fixed constants (and tested).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhirclient.models import (
    annotation,
    bundle,
    codeableconcept,
    coding,
    fhirdatetime,
    fhirinstant,
    fhirreference,
    humanname,
    observation,
    patient,
    quantity,
    questionnaire,
    questionnaireresponse,
)
from fhirclient.models.fhirabstractbase import FHIRValidationError

from backstride.clock import utc_now
from backstride.contracts.outcomes import PsfsRatings, RmdqAnswers
from backstride.errors import BackstrideError, InputInvalid
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.load import runner_zone
from backstride.services.outcomes import parse_outcome, score_answers, score_text
from backstride.services.questionnaire import STARTBACK_BOTHER, STARTBACK_ITEMS
from backstride.services.record import Record
from backstride.store import repo
from backstride.store.records import AssessmentRecord, CheckInRecord, OutcomeRecord

__all__ = [
    "FHIR_MEDIA_TYPE",
    "FHIR_VERSION",
    "LOINC_PAIN_SEVERITY",
    "QUESTIONNAIRE_BASE",
    "FhirExtract",
    "FhirSummary",
    "build_bundle",
    "fhir_file_name",
    "read_fhir_bundle",
    "resource_counts",
    "runner_bundle",
    "write_fhir",
]

FHIR_VERSION = "4.0.1"
FHIR_MEDIA_TYPE = "application/fhir+json"
LOINC = "http://loinc.org"
LOINC_PAIN_SEVERITY = "72514-3"
LOINC_PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
#: Canonical addresses of Backstride's questionnaires. `.invalid` is reserved (RFC 6761) and
#: never resolves: these name the questionnaires, whose full text is in the Bundle itself.
QUESTIONNAIRE_BASE = "https://backstride.invalid/fhir/Questionnaire"
QUESTIONNAIRE_VERSION = "1"

NewId = Callable[[], str]


class FhirInvalid(BackstrideError):
    """The Bundle Backstride built does not validate: a bug, never the runner's input."""


@dataclass(frozen=True, slots=True)
class FhirSummary:
    """What an export wrote: how many of each resource, and its size."""

    counts: dict[str, int]
    size_bytes: int


@dataclass(frozen=True, slots=True)
class FhirExtract:
    """What the export reads from the record."""

    name: str | None
    checkins: Sequence[CheckInRecord]
    outcomes: Sequence[OutcomeRecord]
    assessments: Sequence[AssessmentRecord]
    tz: dt.tzinfo


def runner_bundle(
    record: Record,
    *,
    knowledge: KnowledgeBase | None = None,
    now: dt.datetime | None = None,
    new_id: NewId | None = None,
) -> dict[str, Any]:
    """The runner's record as a FHIR R4 Bundle (JSON), validated."""
    with record.session() as session:
        runner_id = record.runner.id
        extract = FhirExtract(
            name=record.runner.name,
            checkins=repo.list_checkins(session=session, runner_id=runner_id),
            outcomes=repo.list_outcomes(session=session, runner_id=runner_id),
            assessments=repo.list_assessments(session=session, runner_id=runner_id),
            tz=runner_zone(record),
        )
    return build_bundle(
        extract,
        knowledge or load_knowledge(),
        now=now or utc_now(),
        new_id=new_id or (lambda: f"urn:uuid:{uuid.uuid4()}"),
    )


def write_fhir(record: Record, out: Path, **options: Any) -> FhirSummary:
    """Write the runner's Bundle to the JSON file `out`, whole or not at all."""
    document = runner_bundle(record, **options)
    data = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    _replace(out, data)
    return FhirSummary(counts=resource_counts(document), size_bytes=len(data))


def fhir_file_name(day: dt.date) -> str:
    """The name an export is offered under, with its date."""
    return f"backstride-fhir-{day.isoformat()}.json"


def resource_counts(document: Mapping[str, Any]) -> dict[str, int]:
    """How many resources of each type a Bundle holds, e.g. {"Observation": 12}."""
    counts: dict[str, int] = {}
    for entry in document.get("entry", []):
        kind = entry.get("resource", {}).get("resourceType", "?")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def read_fhir_bundle(document: Mapping[str, Any]) -> Any:
    """A Bundle read back with the library's R4 models: types, required elements, no unknown
    key. InputInvalid says what is wrong."""
    if document.get("resourceType") != "Bundle":
        raise InputInvalid("resourceType: expected a FHIR Bundle")
    try:
        return bundle.Bundle(dict(document), strict=True)
    except FHIRValidationError as exc:
        raise InputInvalid(f"not a valid FHIR R4 Bundle: {_first_problem(exc)}") from exc


# Building ---------------------------------------------------------------------------------------


def build_bundle(
    extract: FhirExtract, knowledge: KnowledgeBase, *, now: dt.datetime, new_id: NewId
) -> dict[str, Any]:
    """The Bundle of what was read. Pure apart from `new_id`; FhirInvalid if it does not
    validate (a bug)."""
    patient_url = new_id()
    subject = _reference(patient_url)
    entries = [(patient_url, _patient(extract.name))]
    entries += [
        (new_id(), _pain(c, subject)) for c in extract.checkins if c.morning_pain is not None
    ]
    forms = _questionnaires(knowledge)
    entries += [(new_id(), form) for form in forms.values()]
    for stored in extract.outcomes:
        answers = parse_outcome(stored.data, origin="the stored questionnaire")
        entries.append((new_id(), _outcome_response(answers, subject, knowledge)))
    for assessment in extract.assessments:
        response = _startback_response(assessment, subject, extract.tz)
        if response is not None:
            entries.append((new_id(), response))
    result = bundle.Bundle()
    result.type = "collection"
    result.timestamp = fhirinstant.FHIRInstant(now.astimezone(dt.UTC).isoformat())
    result.entry = [_entry(url, resource) for url, resource in entries]
    try:
        document: dict[str, Any] = result.as_json()
        read_fhir_bundle(document)
    except (FHIRValidationError, InputInvalid) as exc:
        raise FhirInvalid(f"the FHIR export did not validate ({exc}); please report this") from exc
    return document


def _entry(url: str, resource: Any) -> Any:
    entry = bundle.BundleEntry()
    entry.fullUrl = url
    entry.resource = resource
    return entry


def _reference(url: str) -> Any:
    reference = fhirreference.FHIRReference()
    reference.reference = url
    return reference


def _coding(system: str, code: str, display: str | None = None) -> Any:
    item = coding.Coding()
    item.system, item.code = system, code
    if display is not None:
        item.display = display
    return item


def _concept(text: str, *codings: Any) -> Any:
    concept = codeableconcept.CodeableConcept()
    if codings:
        concept.coding = list(codings)
    concept.text = text
    return concept


def _patient(name: str | None) -> Any:
    """The runner: the chosen name alone, or no name at all."""
    person = patient.Patient()
    if name:
        chosen = humanname.HumanName()
        chosen.text = name
        person.name = [chosen]
    return person


def _pain(checkin: CheckInRecord, subject: Any) -> Any:
    """The morning pain of one check-in as a LOINC 72514-3 Observation."""
    pain = observation.Observation()
    pain.status = "final"
    pain.category = [_concept("Survey", _coding(OBSERVATION_CATEGORY, "survey", "Survey"))]
    pain.code = _concept(
        "Back pain on waking (0-10)", _coding(LOINC, LOINC_PAIN_SEVERITY, LOINC_PAIN_DISPLAY)
    )
    pain.subject = subject
    pain.effectiveDateTime = fhirdatetime.FHIRDateTime(checkin.date.isoformat())
    value = quantity.Quantity()
    value.value = checkin.morning_pain
    value.unit, value.system, value.code = "{score}", UCUM, "{score}"
    pain.valueQuantity = value
    notes = ["Back pain on waking, from the runner's daily check-in in Backstride."]
    if checkin.max_pain is not None and checkin.session_kind is not None:
        kind = checkin.session_kind.replace("_", " ")
        notes.append(f"Highest back pain during the day's {kind} session: {checkin.max_pain}/10.")
    note = annotation.Annotation()
    note.text = " ".join(notes)
    pain.note = [note]
    return pain


# Questionnaires ---------------------------------------------------------------------------------


def _canonical(form_id: str) -> str:
    return f"{QUESTIONNAIRE_BASE}/{form_id}"


def _questionnaires(knowledge: KnowledgeBase) -> dict[str, Any]:
    return {
        "rmdq": _rmdq_form(knowledge),
        "psfs": _psfs_form(knowledge),
        "startback": _startback_form(knowledge),
    }


def _form(form_id: str, knowledge: KnowledgeBase, source_id: str) -> Any:
    measure = knowledge.outcome_measure(form_id)
    source = knowledge.source(source_id)
    form = questionnaire.Questionnaire()
    form.url, form.version = _canonical(form_id), QUESTIONNAIRE_VERSION
    form.name = f"Backstride{form_id.upper()}"
    form.title = f"{measure.name} ({measure.short_name}), as Backstride asks it"
    form.status = "active"
    form.subjectType = ["Patient"]
    form.publisher = "Backstride"
    form.description = f"{measure.what} Source: {source.citation}"
    if source.licence:
        form.copyright = source.licence
    return form


def _question(link_id: str, text: str, kind: str, *, read_only: bool = False) -> Any:
    item = questionnaire.QuestionnaireItem()
    item.linkId, item.text, item.type = link_id, text, kind
    if read_only:
        item.readOnly = True
    return item


def _rmdq_form(knowledge: KnowledgeBase) -> Any:
    form = _form("rmdq", knowledge, "roland_morris_1983")
    measure = knowledge.outcome_measure("rmdq")
    items = [_question(str(n), text, "boolean") for n, text in enumerate(measure.items, 1)]
    items.append(
        _question("score", "Score: the number of yes answers (0-24)", "integer", read_only=True)
    )
    form.item = items
    return form


def _psfs_form(knowledge: KnowledgeBase) -> Any:
    form = _form("psfs", knowledge, "stratford_1995")
    measure = knowledge.outcome_measure("psfs")
    activity = _question("activity", "An activity your back makes hard", "group")
    activity.repeats = True
    scale = f"0 ({measure.rating_low}) to 10 ({measure.rating_high})"
    activity.item = [
        _question("activity.name", "The activity, in your words", "string"),
        _question("activity.score", f"How well you can do it today, {scale}", "integer"),
    ]
    form.item = [
        activity,
        _question(
            "score", "Score: the mean of the activities' ratings (0-10)", "decimal", read_only=True
        ),
    ]
    return form


def _startback_form(knowledge: KnowledgeBase) -> Any:
    form = _form("startback", knowledge, "keele_startback")
    items = [
        _question(str(n), f"{text} (true = agree)", "boolean")
        for n, text in enumerate(STARTBACK_ITEMS, 1)
    ]
    items.append(_question("9", STARTBACK_BOTHER, "integer"))
    items += [
        _question("total", "Total score (0-9)", "integer", read_only=True),
        _question(
            "psychosocial", "Psychosocial subscale, items 5-9 (0-5)", "integer", read_only=True
        ),
        _question("risk", "Risk group: low, medium or high", "string", read_only=True),
    ]
    form.item = items
    return form


# Responses --------------------------------------------------------------------------------------


def _response(form_id: str, subject: Any, authored: str) -> Any:
    response = questionnaireresponse.QuestionnaireResponse()
    response.questionnaire = f"{_canonical(form_id)}|{QUESTIONNAIRE_VERSION}"
    response.status = "completed"
    response.subject = subject
    response.authored = fhirdatetime.FHIRDateTime(authored)
    return response


def _answered(link_id: str, value: bool | int | float | str) -> Any:
    """An answered item; the answer's type (valueBoolean, valueInteger, ...) from the value."""
    item = questionnaireresponse.QuestionnaireResponseItem()
    item.linkId = link_id
    answer = questionnaireresponse.QuestionnaireResponseItemAnswer()
    # bool before int: True is an int too.
    if isinstance(value, bool):
        answer.valueBoolean = value
    elif isinstance(value, int):
        answer.valueInteger = value
    elif isinstance(value, float):
        answer.valueDecimal = value
    else:
        answer.valueString = value
    item.answer = [answer]
    return item


def _outcome_response(
    answers: RmdqAnswers | PsfsRatings, subject: Any, knowledge: KnowledgeBase
) -> Any:
    response = _response(answers.instrument, subject, answers.date.isoformat())
    score = score_answers(answers, knowledge)
    if isinstance(answers, RmdqAnswers):
        items = [_answered(str(n), a) for n, a in enumerate(answers.answers, 1)]
        items.append(_answered("score", int(score.value)))
    else:
        items = []
        for activity in answers.activities:
            group = questionnaireresponse.QuestionnaireResponseItem()
            group.linkId = "activity"
            group.item = [
                _answered("activity.name", activity.name),
                _answered("activity.score", activity.score),
            ]
            items.append(group)
        items.append(_answered("score", float(score_text(score.value))))
    response.item = items
    return response


def _startback_response(assessment: AssessmentRecord, subject: Any, tz: dt.tzinfo) -> Any | None:
    """The STarT Back answers of one assessment, when it has all nine."""
    given = assessment.intake.get("startback")
    score = assessment.output.get("startback")
    if not isinstance(given, list) or len(given) != len(STARTBACK_ITEMS) + 1:
        return None
    if not isinstance(score, Mapping):
        return None
    authored = assessment.created_at.astimezone(tz).isoformat()
    response = _response("startback", subject, authored)
    items = [_answered(str(n), bool(a)) for n, a in enumerate(given[:-1], 1)]
    items.append(_answered("9", int(given[-1])))
    items += [
        _answered("total", int(score["total"])),
        _answered("psychosocial", int(score["psychosocial"])),
        _answered("risk", str(score["risk"])),
    ]
    response.item = items
    return response


# Writing ----------------------------------------------------------------------------------------


def _replace(out: Path, data: bytes) -> None:
    """Write `data` to `out` whole: a temporary file beside it, moved into place."""
    if out.is_dir():
        raise InputInvalid(f"{out} is a folder; give the name of the .json file to write")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.resolve().parent)
    except OSError as exc:
        raise InputInvalid(
            f"{out}: could not write the file ({exc.strerror or exc}); choose a folder you can "
            "write to"
        ) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _first_problem(exc: FHIRValidationError) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
