"""Assess a runner: read and check the intake, run the coach, and write the output document."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backstride.coach.assessment import Assessment, assess
from backstride.coach.prescription import PlanItem
from backstride.coach.training_load import TrainingHistory
from backstride.coach.triage import Triage
from backstride.contracts.assessment import SCHEMA_VERSION
from backstride.contracts.intake import Intake
from backstride.contracts.messages import describe_validation_error
from backstride.errors import IntakeInvalid
from backstride.form.evidence import FormEvidence
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.documents import parse_json_object, read_json_file

_NEEDS = "'age' and 'pain'"

__all__ = [
    "Assessment",
    "assess_intake",
    "assessment_document",
    "fill_from_history",
    "intake_document",
    "parse_intake",
    "read_intake",
    "triage_document",
]


def read_intake(path: Path) -> dict[str, Any]:
    """Read an intake JSON file as given (check it with `parse_intake`).

    Every problem becomes a one-line `InputInvalid` naming the file.
    """
    return read_json_file(path, what="an intake", needs=_NEEDS, error=IntakeInvalid)


def intake_document(intake: Intake) -> dict[str, Any]:
    """The intake as a JSON object with only the answers given (what a stored record keeps)."""
    return intake.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def parse_intake(data: str | bytes | dict[str, Any], *, origin: str = "intake") -> Intake:
    """Check an intake given as JSON text or as a parsed object."""
    if isinstance(data, str | bytes):
        data = parse_json_object(data, origin=origin, needs=_NEEDS, error=IntakeInvalid)
    try:
        return Intake.model_validate(data)
    except ValidationError as exc:
        raise IntakeInvalid(describe_validation_error(exc, Intake)) from exc


def fill_from_history(intake: Intake, history: TrainingHistory) -> Intake:
    """The intake with its training fields measured from activity files.

    Weekly distance, runs per week, the downhill answer and the week dates come from the
    stored runs; the runner's other answers stay as given. Without any stored run in those
    weeks the intake is returned unchanged.
    """
    if not any(history.weekly_distance_km):
        return intake
    measured: dict[str, Any] = {
        "weekly_distance_km": [round(km, 1) for km in history.weekly_distance_km],
        "runs_per_week": round(history.runs_per_week),
        "last_week_start": history.first_week_start
        + timedelta(weeks=len(history.weekly_distance_km) - 1),
    }
    if history.downhill is not None:
        measured |= {"downhill": history.downhill, "downhill_share": history.downhill_share}
    training = intake.training.model_copy(update=measured)
    return intake.model_copy(update={"training": training})


def assess_intake(
    intake: Intake, knowledge: KnowledgeBase | None = None, form: FormEvidence | None = None
) -> Assessment:
    """Assess with the shipped knowledge base unless another is given; `form` is the runner's
    latest usable form analysis (see `services.form.latest_form_evidence`)."""
    return assess(intake, knowledge or load_knowledge(), form)


def assessment_document(
    result: Assessment, knowledge: KnowledgeBase | None = None
) -> dict[str, Any]:
    """The output document of contract version 1 (see `contracts.assessment`)."""
    kb = knowledge or load_knowledge()
    triage, running, plan = result.triage, result.running, result.plan
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "triage": {
            **triage_document(triage),
            "unanswered_red_flags": list(triage.unanswered),
        },
        "running": {
            "decision": running.decision,
            "rest_days": running.rest_days,
            "until_cleared": running.until_cleared,
            "why": list(running.why),
        },
        "startback": None,
        "factors": [
            {"id": f.id, "name": f.name, "evidence": f.evidence, "sources": list(f.sources)}
            for f in result.factors
        ],
        "plan": {
            "phase": plan.phase,
            "exercises": [_exercise(e) for e in plan.exercises],
            "self_care": [_advice(a) for a in plan.self_care],
            "warm_up": [_advice(a) for a in plan.warm_up],
            "cool_down": [_advice(a) for a in plan.cool_down],
            "form_cues": [_advice(a) for a in plan.form_cues],
            "prevention": [_advice(a) for a in plan.prevention],
        },
        "education": [_advice(a) for a in plan.education],
        "disclaimer": kb.disclaimer,
    }
    if result.startback is not None:
        s = result.startback
        document["startback"] = {"total": s.total, "psychosocial": s.psychosocial, "risk": s.risk}
    document["sources"] = _cited_sources(document, kb)
    return document


def triage_document(triage: Triage) -> dict[str, Any]:
    """A triage as JSON: level, title, advice and every reason with its sources."""
    return {
        "level": triage.level,
        "title": triage.title,
        "advice": triage.advice,
        "reasons": [
            {"id": r.id, "level": r.level, "text": r.text, "sources": list(r.sources)}
            for r in triage.reasons
        ],
    }


def _exercise(item: PlanItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "dose": item.dose,
        "steps": list(item.steps),
        "cautions": list(item.cautions),
        "sources": list(item.sources),
    }


def _advice(item: PlanItem) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "text": item.text, "sources": list(item.sources)}


def _cited_sources(document: dict[str, Any], kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Every source the document cites, once, so each recommendation can be traced."""
    cited: dict[str, None] = {}
    groups = [document["triage"]["reasons"], document["factors"], document["education"]]
    groups += [g for g in document["plan"].values() if isinstance(g, list)]
    for group in groups:
        for item in group:
            for source_id in item["sources"]:
                cited[source_id] = None
    described = kb.memo("source_documents", _source_documents)
    return [dict(described[i]) for i in cited]


def _source_documents(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    return {
        s.id: {"id": s.id, "title": s.title, "citation": s.citation, "url": s.url}
        for s in kb.sources
    }
