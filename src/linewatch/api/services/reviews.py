"""The review queue as a caller sees it: each side of a pair is shown only when the caller's
scope opens that agency's person records; a decision needs both sides visible."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from linewatch.access.policy import Scope
from linewatch.audit.chain import append
from linewatch.audit.events import AuditEvent, Operation, record_ref
from linewatch.linkage.review import ReviewItem, get_review
from linewatch.model import default_model
from linewatch.store.tables_linkage import linkage_review

STATUSES = ("pending", "accepted", "rejected", "superseded")


def _side(scope: Scope, side: dict[str, Any]) -> dict[str, Any]:
    person = default_model()["Person"]
    if not scope.sees_record(side["agency"], person):
        return {"agency": side["agency"], "withheld": True}
    fields = {k: v for k, v in side.items() if k not in {"agency", "source_id", "subject_id"}}
    shown, redacted = scope.redact(side["agency"], person, fields)
    return {
        "agency": side["agency"],
        "source_id": side["source_id"],
        "subject_id": side["subject_id"],
        "withheld": False,
        "fields": shown,
        "redacted": redacted,
    }


def review_view(scope: Scope, item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "status": item.status,
        "match_probability": item.match_probability,
        "reasons": item.reasons,
        "left": _side(scope, item.left),
        "right": _side(scope, item.right),
        "decided_by": item.decided_by,
        "note": item.note,
    }


def shown_refs(item: ReviewItem, scope: Scope) -> tuple[list[str], list[str]]:
    person = default_model()["Person"]
    refs, subjects = [], []
    for side in (item.left, item.right):
        if scope.sees_record(side["agency"], person):
            refs.append(record_ref("Person", side["agency"], side["source_id"]))
            if side["subject_id"]:
                subjects.append(side["subject_id"])
    return refs, subjects


def list_review_ids(connection: Connection, status: str | None, limit: int, offset: int) -> tuple[list[int], int]:
    count = select(func.count()).select_from(linkage_review)
    query = select(linkage_review.c.id).order_by(linkage_review.c.match_probability.desc(), linkage_review.c.id)
    if status:
        count = count.where(linkage_review.c.status == status)
        query = query.where(linkage_review.c.status == status)
    total = int(connection.execute(count).scalar_one())
    return list(connection.execute(query.limit(limit).offset(offset)).scalars()), total


def load_review(engine: Engine, review_id: int) -> ReviewItem | None:
    from linewatch.linkage.errors import LinkageError

    try:
        return get_review(engine, review_id)
    except LinkageError:
        return None


def decide_review(
    engine: Engine, item: ReviewItem, scope: Scope, *, accept: bool, note: str | None, now: datetime
) -> None:
    """Record the decision and its audit entry in one transaction (takes effect at the next link run)."""
    refs, subjects = shown_refs(item, scope)
    with engine.begin() as connection:
        connection.execute(
            update(linkage_review)
            .where(linkage_review.c.id == item.id)
            .values(
                status="accepted" if accept else "rejected",
                decided_by=scope.principal.username,
                decided_at=now,
                note=note,
            )
        )
        append(
            connection,
            AuditEvent(
                Operation.alteration,
                "POST /reviews/{review_id}/decision",
                scope.principal,
                purpose=scope.purpose,
                subjects=tuple(subjects),
                records=tuple(refs),
                detail={"review_id": item.id, "decision": "accept" if accept else "reject"},
            ),
        )
