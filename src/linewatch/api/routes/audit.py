"""The data protection officer's view of the audit trail: search it, ask who looked at a child
and why, and verify the chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from linewatch.api.pagination import PageRequest, page_info, page_request
from linewatch.api.problems import problem_responses
from linewatch.api.schemas import Page
from linewatch.api.security import Caller, access, signed_in
from linewatch.audit.events import Operation
from linewatch.audit.queries import AuditFilter, find_events, who_looked_at
from linewatch.audit.verify import checkpoint_path, verify_chain

router = APIRouter(prefix="/audit", tags=["audit"], responses=problem_responses(401, 403, 422))

OPERATIONS = Literal[
    "collection",
    "alteration",
    "consultation",
    "disclosure",
    "combination",
    "erasure",
    "authentication",
    "administration",
]


def _log(caller: Caller, subjects: tuple[str, ...], detail: dict[str, Any]) -> None:
    caller.consulted(
        "oversight",
        subjects=subjects,
        detail=detail,
    )


@router.get("/events", response_model=Page, **access("audit.query", Operation.consultation))
def events(
    subject_id: str | None = Query(None, pattern=r"^S\d{7}$"),
    actor: str | None = Query(None, max_length=128),
    agency: str | None = Query(None, max_length=64),
    operation: OPERATIONS | None = Query(None),
    outcome: Literal["allowed", "denied", "failed"] | None = Query(None),
    since: datetime | None = Query(None),
    until: datetime | None = Query(None),
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> Page:
    """Audit entries, newest first, filtered."""
    where = AuditFilter(
        subject_id,
        actor,
        agency,
        operation,
        outcome,
        since.replace(tzinfo=None) if since else None,
        until.replace(tzinfo=None) if until else None,
    )
    with caller.state.engine.connect() as connection:
        items, total = find_events(connection, where, limit=page.limit, offset=page.offset)
    _log(
        caller,
        (subject_id,) if subject_id else (),
        {
            "query": "events",
            "filters": {k: v for k, v in (("actor", actor), ("agency", agency), ("operation", operation)) if v},
        },
    )
    return Page(items=items, **page_info(page, total).model_dump())


@router.get("/subjects/{subject_id}", **access("audit.query", Operation.consultation))
def who_looked(subject_id: str = Path(..., pattern=r"^S\d{7}$"), caller: Caller = Depends(signed_in)) -> dict[str, Any]:
    """Who looked at this child, and why: each person, role and agency, the purposes and reasons
    they gave, how often and when."""
    with caller.state.engine.connect() as connection:
        rows = who_looked_at(connection, subject_id)
    _log(caller, (subject_id,), {"query": "who looked at"})
    return {"subject_id": subject_id, "accesses": rows}


class VerifyResult(BaseModel):
    ok: bool
    entries: int
    head_seq: int
    checkpoints: int
    problems: list[str]


@router.get("/verify", response_model=VerifyResult, **access("audit.verify", None))
def verify(caller: Caller = Depends(signed_in)) -> VerifyResult:
    """Check the hash chain end to end, and against the checkpoints kept outside the database."""
    report = verify_chain(caller.state.engine, checkpoint_path(caller.state.settings))
    return VerifyResult(
        ok=report.ok,
        entries=report.entries,
        head_seq=report.head_seq,
        checkpoints=report.checkpoints,
        problems=report.problems,
    )
