"""GET /api/v1/export/fhir: the runner's record as a FHIR R4 Bundle, for a clinic's system."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import Response

from backstride.services.fhir import FHIR_MEDIA_TYPE, fhir_file_name, runner_bundle
from backstride.services.return_to_run import runner_today
from backstride.web.deps import KnowledgeDep, RecordDep

router = APIRouter(tags=["export"])


@router.get(
    "/export/fhir",
    summary="The pain diary and questionnaires as a FHIR R4 Bundle",
    response_model=None,
    responses={
        200: {
            "description": "A FHIR R4 `collection` Bundle: a Patient with the chosen name only, "
            "an Observation (LOINC 72514-3) per check-in, and the RMDQ, PSFS and STarT Back "
            "Questionnaires with a QuestionnaireResponse for each one answered.",
            "content": {FHIR_MEDIA_TYPE: {}},
        }
    },
)
def fhir_export(record: RecordDep, knowledge: KnowledgeDep) -> Response:
    """The Bundle `backstride export --format fhir` writes, offered as a file to save."""
    return fhir_response(
        runner_bundle(record, knowledge=knowledge), fhir_file_name(runner_today(record))
    )


def fhir_response(document: dict[str, object], file_name: str) -> Response:
    """A Bundle as a FHIR JSON download."""
    return Response(
        json.dumps(document, ensure_ascii=False).encode("utf-8"),
        media_type=FHIR_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )
