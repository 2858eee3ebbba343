"""Storing running-form analyses: the document as printed, the key frame, a kept video."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from backstride.clock import utc_now
from backstride.store._transaction import encode_document, reading, writing
from backstride.store.records import FormAnalysisRecord
from backstride.store.tables import FormAnalysisRow

MAX_KEPT_VIDEO_BYTES = 256 * 1024 * 1024
"""A kept video lives in the database: larger clips are analysed but not kept."""

_COLUMNS = (
    FormAnalysisRow.id,
    FormAnalysisRow.created_at,
    FormAnalysisRow.file_name,
    FormAnalysisRow.usable,
    FormAnalysisRow.document,
    FormAnalysisRow.key_frame.is_not(None).label("has_key_frame"),
    FormAnalysisRow.video.is_not(None).label("has_video"),
)


def save_form_analysis(
    *,
    session: Session,
    runner_id: int,
    file_name: str,
    document: Mapping[str, Any],
    key_frame: bytes | None = None,
    video: bytes | None = None,
    created_at: datetime | None = None,
) -> FormAnalysisRecord:
    """Store one analysis: its document as printed, the key-frame JPEG, the video if kept."""
    encoded = encode_document(document, "form analysis")
    usable = bool(encoded.document.get("quality", {}).get("usable", False))
    moment = created_at if created_at is not None else utc_now()
    with writing(session, "save the form analysis"):
        row = FormAnalysisRow(
            runner_id=runner_id,
            created_at=moment,
            file_name=file_name,
            usable=usable,
            document=encoded.document,
            key_frame=key_frame,
            video=video,
        )
        session.add(row)
        session.flush()
        # The row holds the video's bytes until the transaction ends: let them go now, so that
        # a restore writing many kept videos holds one at a time.
        session.expunge(row)
        return FormAnalysisRecord(
            row.id,
            moment,
            file_name,
            usable,
            encoded.document,
            key_frame is not None,
            video is not None,
        )


def list_form_analyses(*, session: Session, runner_id: int) -> list[FormAnalysisRecord]:
    """Every analysis of the runner, oldest first (documents only, no pictures or videos)."""
    with reading(session, "read the form analyses"):
        rows = session.execute(
            sa.select(*_COLUMNS)
            .where(FormAnalysisRow.runner_id == runner_id)
            .order_by(FormAnalysisRow.created_at, FormAnalysisRow.id)
        )
        return [_record(row) for row in rows]


def latest_form_analysis(
    *, session: Session, runner_id: int, usable_only: bool = False
) -> FormAnalysisRecord | None:
    """The runner's most recent analysis (the most recent usable one if asked), or None."""
    query = _LATEST_USABLE if usable_only else _LATEST
    with reading(session, "read the latest form analysis"):
        row = session.connection().execute(query, {"runner_id": runner_id}).first()
        return _record(row) if row is not None else None


# Built once: every assessment asks for the latest usable analysis, and building the statement
# took longer than running it.
_LATEST = (
    sa.select(*_COLUMNS)
    .where(FormAnalysisRow.runner_id == sa.bindparam("runner_id"))
    .order_by(FormAnalysisRow.created_at.desc(), FormAnalysisRow.id.desc())
    .limit(1)
)
_LATEST_USABLE = _LATEST.where(FormAnalysisRow.usable.is_(True))


def get_form_analysis(
    *, session: Session, runner_id: int, analysis_id: int
) -> FormAnalysisRecord | None:
    """One of the runner's analyses by its id (document only), or None if it is not theirs."""
    query = sa.select(*_COLUMNS).where(
        FormAnalysisRow.runner_id == runner_id, FormAnalysisRow.id == analysis_id
    )
    with reading(session, "read the form analysis"):
        row = session.execute(query).first()
        return _record(row) if row is not None else None


def form_analysis_media(
    *, session: Session, runner_id: int, analysis_id: int
) -> tuple[bytes | None, bytes | None] | None:
    """(key-frame JPEG, kept video) of one of the runner's analyses; None if it is not theirs."""
    with reading(session, "read the form analysis"):
        row = session.scalars(
            sa.select(FormAnalysisRow)
            .options(undefer(FormAnalysisRow.key_frame), undefer(FormAnalysisRow.video))
            .where(FormAnalysisRow.runner_id == runner_id, FormAnalysisRow.id == analysis_id)
        ).first()
        return (row.key_frame, row.video) if row is not None else None


@dataclass(frozen=True, slots=True)
class FormAnalysisWithMedia:
    """A stored analysis with its key-frame JPEG and its kept video, as an export writes them."""

    analysis: FormAnalysisRecord
    key_frame: bytes | None
    video: bytes | None


def iter_form_analyses_with_media(
    *, session: Session, runner_id: int
) -> Iterator[FormAnalysisWithMedia]:
    """Every analysis of the runner with its pictures and videos, oldest first, one in memory
    at a time (a kept video may be hundreds of megabytes)."""
    query = (
        sa.select(FormAnalysisRow)
        .options(undefer(FormAnalysisRow.key_frame), undefer(FormAnalysisRow.video))
        .where(FormAnalysisRow.runner_id == runner_id)
        .order_by(FormAnalysisRow.created_at, FormAnalysisRow.id)
        .execution_options(yield_per=1)
    )
    with reading(session, "read the form analyses"):
        for row in session.scalars(query):
            analysis = FormAnalysisRecord(
                row.id,
                row.created_at,
                row.file_name,
                bool(row.usable),
                row.document,
                row.key_frame is not None,
                row.video is not None,
            )
            key_frame, video = row.key_frame, row.video
            session.expunge(row)
            yield FormAnalysisWithMedia(analysis, key_frame, video)
            del key_frame, video


def _record(row: sa.Row[Any]) -> FormAnalysisRecord:
    return FormAnalysisRecord(
        id=row.id,
        created_at=row.created_at,
        file_name=row.file_name,
        usable=bool(row.usable),
        document=row.document,
        has_key_frame=bool(row.has_key_frame),
        has_video=bool(row.has_video),
    )
