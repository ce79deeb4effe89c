"""Screening: the triage list, a subject's screening with reasons and evidence, what changed since
a date, and the missing-episode lists. Every answer shows only the evidence records the caller's
data-sharing agreements open (see api/services/screening.py) and is written to the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from linewatch.access.policy import Scope
from linewatch.api.pagination import PageRequest, page_request
from linewatch.api.problems import Problem, bad_request, not_found, problem_responses
from linewatch.api.security import Caller, access, signed_in
from linewatch.api.services.screening import changes_view, screening_view, sees_subject, triage_view
from linewatch.audit.events import Operation, record_ref
from linewatch.model import default_model
from linewatch.screening import service
from linewatch.screening.definitions import Level
from linewatch.screening.service import ScreeningNotFound
from linewatch.store.engine import StoreError

router = APIRouter(prefix="/screening", tags=["screening"], responses=problem_responses(401, 403, 404, 409, 422))

PURPOSE = Query(..., max_length=64, description="Why the screening is read (see GET /auth/me for yours); recorded")
REASON = Query(None, max_length=500, description="Justification, recorded; required for some purposes")
SUBJECT_ID = Path(..., pattern=r"^S\d{7,12}$", description="e.g. S0000001")


def not_screened(error: Exception) -> Problem:
    return Problem(409, "not-screened", "No screening has been run", str(error))


def _require_subject(caller: Caller, scope: Scope, subject_id: str) -> None:
    """A subject whose records the caller sees none of is answered like an unknown one."""
    with caller.state.engine.connect() as connection:
        if not scope.everything and not sees_subject(connection, scope, subject_id):
            raise not_found(f"no screening of {subject_id} you may see")


@router.get("/triage", **access("triage.view", Operation.consultation))
def triage(
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    level: list[Level] | None = Query(None, description="Levels to list (default: emerging, moderate, significant)"),
    since: date | None = Query(None, description="Only subjects whose level changed or with evidence after this date"),
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """Subjects by level (significant first) and recency of evidence, a page at a time; each row's
    reasons cut to those resting on records the caller may see."""
    scope = caller.scope(purpose, reason)
    try:
        found = service.triage(
            caller.state.engine,
            [lv.value for lv in level] if level else None,
            since,
            page.limit,
            page.offset,
        )
    except (ScreeningNotFound, StoreError) as error:
        raise not_screened(error) from None
    except ValueError as error:
        raise bad_request(str(error)) from None
    with caller.state.engine.connect() as connection:
        body = triage_view(connection, scope, found)
    caller.consulted(
        purpose,
        reason=reason,
        subjects=[row["subject_id"] for row in body["rows"]],
        records=[f"screening_run:{found.run.run_id}"],
    )
    return body


@router.get("/missing", **access("triage.view", Operation.consultation))
def missing(
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    days: int = Query(90, ge=1, le=3650, description="Episodes reported in this many days before the newest"),
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """Children still missing, return home interviews due and overdue, and repeat patterns; only
    episodes of agencies whose missing-episode records the caller may see, fields redacted."""
    scope = caller.scope(purpose, reason)
    try:
        overview = service.missing(caller.state.settings, caller.state.engine, days=days)
    except (ScreeningNotFound, StoreError) as error:
        raise not_screened(error) from None
    except ValueError as error:
        raise bad_request(str(error)) from None
    schema = default_model()["MissingEpisode"]
    shown: list[str] = []
    subjects: set[str] = set()
    hidden_agencies: set[str] = set()

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            if not scope.sees_record(item.agency, schema):
                hidden_agencies.add(item.agency)
                continue
            values, redacted = scope.redact(item.agency, schema, item.model_dump(mode="json"))
            out.append({**values, "redacted": redacted})
            shown.append(record_ref(schema.name, item.agency, item.source_id))
            if item.subject_id:
                subjects.add(item.subject_id)
        return out

    body: dict[str, Any] = {
        "as_at": overview.as_at.isoformat(),
        "days": overview.days,
        "still_missing": rows(overview.still_missing),
        "due": rows(overview.due),
        "overdue": rows(overview.overdue),
    }
    # A repeat pattern summarises every episode of a child: shown only to callers who see every
    # agency's episodes in the window, else counted.
    agencies = {e.agency for e in [*overview.still_missing, *overview.due, *overview.overdue]}
    repeats_open = scope.everything or all(scope.sees_record(agency, schema) for agency in agencies)
    body["repeats"] = [r.model_dump(mode="json") for r in overview.repeats] if repeats_open else []
    body["repeats_withheld"] = 0 if repeats_open else len(overview.repeats)
    if repeats_open:
        subjects |= {r.subject_id for r in overview.repeats}
    body["episodes_withheld_from"] = sorted(hidden_agencies)
    caller.consulted(purpose, reason=reason, subjects=sorted(subjects), records=shown)
    return body


@router.get("/subjects/{subject_id}", **access("triage.view", Operation.consultation))
def subject_screening(
    subject_id: str = SUBJECT_ID,
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """A subject's latest screening: score, level, and the reasons resting on records the caller
    may see, each with those records."""
    scope = caller.scope(purpose, reason)
    _require_subject(caller, scope, subject_id)
    try:
        found = service.subject_screening(caller.state.engine, subject_id)
    except (ScreeningNotFound, StoreError) as error:
        raise not_screened(error) from None
    if found is None:
        raise not_found(f"{subject_id} was not screened (out of scope or unknown)")
    body, shown = screening_view(scope, found)
    caller.consulted(purpose, reason=reason, subjects=[subject_id], records=shown)
    return body


@router.get("/subjects/{subject_id}/changes", **access("triage.view", Operation.consultation))
def subject_changes(
    subject_id: str = SUBJECT_ID,
    since: date = Query(..., description="e.g. the date of the last panel"),
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """What changed for a subject since a date: level then and now, reasons gained (those the
    caller may see) and lost (counted), and the new records behind today's reasons."""
    scope = caller.scope(purpose, reason)
    _require_subject(caller, scope, subject_id)
    try:
        changes = service.changes_since(caller.state.engine, subject_id, since)
        current = service.subject_screening(caller.state.engine, subject_id)
    except (ScreeningNotFound, StoreError) as error:
        raise not_screened(error) from None
    if changes is None:
        raise not_found(f"{subject_id} was not screened (out of scope or unknown)")
    body, shown = changes_view(scope, changes, current)
    caller.consulted(purpose, reason=reason, subjects=[subject_id], records=shown)
    return body
