"""Subjects: search, the full profile (asks for a purpose, which is recorded), subject access
export and erasure."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from linewatch.api.pagination import PageRequest, page_info, page_request
from linewatch.api.problems import Problem, bad_request, fast_json, not_found, problem_responses
from linewatch.api.schemas import SearchPage, SubjectProfile
from linewatch.api.security import Caller, access, signed_in
from linewatch.api.services.profile import SubjectGone, subject_profile
from linewatch.audit.chain import append_now
from linewatch.audit.events import AuditEvent, Operation, record_ref
from linewatch.records.erasure import ErasureError, erase_subject
from linewatch.records.subject_access import subject_access_export

router = APIRouter(prefix="/subjects", tags=["subjects"], responses=problem_responses(401, 403, 404, 422))

SUBJECT_ID = Path(..., pattern=r"^S\d{7}$", description="A subject id, e.g. S0000042")
PURPOSE = Query(..., max_length=64, description="Why the record is opened (see GET /auth/me for yours); recorded")
REASON = Query(None, max_length=500, description="Justification, recorded; required for some purposes")


def _search_index(caller: Caller) -> Any:
    from linewatch.api.services.search_index import SearchIndex

    index = caller.state.extras.get("search_index")
    if index is None:
        index = caller.state.extras.setdefault("search_index", SearchIndex())
    return index


def _holding(caller: Caller) -> Any:
    from linewatch.api.services.holding import HoldingMap

    holding = caller.state.extras.get("holding")
    if holding is None:
        holding = caller.state.extras.setdefault("holding", HoldingMap())
    return holding


@router.get("", response_model=SearchPage, **access("subject.search", Operation.consultation))
def search_subjects(
    name: str | None = Query(None, min_length=2, max_length=100, description="Any of the names; fuzzy"),
    date_of_birth: date | None = Query(None, description="YYYY-MM-DD; a day/month swap or a year out still match"),
    identifier: str | None = Query(
        None, min_length=3, max_length=32, description="NHS number, UPN, PNC ID, phone or postcode"
    ),
    purpose: str = Query("safeguarding", max_length=64),
    reason: str | None = REASON,
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> SearchPage:
    """Find subjects by name, date of birth or identifier, among the records the caller may see."""
    if not (name or date_of_birth or identifier):
        raise bad_request("give a name, a date_of_birth or an identifier")
    scope = caller.scope(purpose, reason)
    index = _search_index(caller)
    with caller.state.engine.connect() as connection:
        index.refresh(connection)
    hits = index.search(scope, name=name, date_of_birth=date_of_birth, identifier=identifier)
    shown = hits[page.offset : page.offset + page.limit]
    items = [
        {
            "subject_id": hit.subject_id,
            "score": round(hit.score, 4),
            "matched_on": sorted(hit.matched_on),
            "records": [
                {
                    "agency": r.agency,
                    "source_id": r.source_id,
                    "date_of_birth": r.date_of_birth,
                    "name": " ".join(p for p in (r.given_name, r.surname) if p) or r.full_name,
                }
                for r in hit.records
            ],
        }
        for hit in shown
    ]
    caller.consulted(
        purpose,
        reason=reason,
        subjects=tuple(h.subject_id for h in shown),
        records=tuple(record_ref("Person", r.agency, r.source_id) for h in shown for r in h.records),
        detail={
            "searched_by": [
                k for k, v in (("name", name), ("date_of_birth", date_of_birth), ("identifier", identifier)) if v
            ],
            "results": len(hits),
        },
    )
    return SearchPage(items=items, **page_info(page, len(hits)).model_dump())  # type: ignore[arg-type]


@router.get(
    "/{subject_id}",
    response_model=SubjectProfile,
    responses=problem_responses(410),
    **access("subject.profile", Operation.consultation),
)
def get_subject(
    subject_id: str = SUBJECT_ID,
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> Response:
    """The subject's full profile, filtered by the data-sharing agreements for this purpose."""
    scope = caller.scope(purpose, reason)
    try:
        with caller.state.engine.connect() as connection:
            holding = _holding(caller).current(connection)
            found = subject_profile(connection, subject_id, scope, caller.state.indicator_source, holding)
    except SubjectGone as gone:
        raise Problem(
            410,
            "subject-merged",
            "Subject merged",
            "This subject was merged into another by linkage.",
            merged_into=gone.merged_into,
        ) from None
    if found is None:
        raise not_found(f"no subject {subject_id} that you may see")
    profile, refs = found
    caller.consulted(
        purpose,
        reason=reason,
        subjects=(subject_id,),
        records=tuple(refs),
        detail={"agreements": list(scope.agreements)},
    )
    return fast_json(profile)


@router.get("/{subject_id}/export", **access("records.export", Operation.disclosure))
def export_subject(
    subject_id: str = SUBJECT_ID,
    reason: str = Query(..., min_length=10, max_length=500, description="The request being answered, recorded"),
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """Subject access export: everything held about the subject, as JSON (a disclosure)."""
    caller.scope("subject_access", reason, Operation.disclosure)
    with caller.state.engine.connect() as connection:
        export = subject_access_export(connection, caller.state.settings, subject_id)
    if export is None:
        raise not_found(f"no subject {subject_id}")
    refs = [record_ref("Person", r["agency"], r["source_id"]) for r in export["linked_records"]]
    append_now(
        caller.state.engine,
        AuditEvent(
            Operation.disclosure,
            caller.action,
            caller.principal,
            purpose="subject_access",
            reason=reason,
            subjects=(subject_id,),
            records=tuple(refs),
            detail={"recipients": ["the data subject"], "records": sum(len(v) for v in export["records"].values())},
        ),
    )
    return export


class ErasureRequest(BaseModel):
    reason: str = Field(
        min_length=10, max_length=500, description="Why the records are erased (kept in the audit trail)"
    )


class ErasureDone(BaseModel):
    subject_id: str | None
    records: int
    versions: int
    analytics_rows: int
    audit_seq: int | None


@router.post("/{subject_id}/erasure", response_model=ErasureDone, **access("records.erase", Operation.erasure))
def erase(body: ErasureRequest, subject_id: str = SUBJECT_ID, caller: Caller = Depends(signed_in)) -> ErasureDone:
    """Erase everything held about the subject (every version of every record), audited."""
    try:
        result = erase_subject(
            caller.state.engine,
            caller.state.settings,
            subject_id,
            principal=caller.principal,
            reason=body.reason,
            now=caller.state.clock.now(),
        )
    except ErasureError as error:
        raise not_found(str(error)) from None
    return ErasureDone(
        subject_id=subject_id,
        records=len(result.records),
        versions=result.versions,
        analytics_rows=result.analytics_rows,
        audit_seq=result.audit_seq,
    )
