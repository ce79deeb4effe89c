"""Records management: retention review and erasure of chosen records."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from linewatch.api.problems import not_found, problem_responses
from linewatch.api.security import Caller, access, signed_in
from linewatch.audit.events import Operation
from linewatch.records.erasure import ErasureError, erase_records
from linewatch.records.retention import due_for_review, load_retention

router = APIRouter(prefix="/records", tags=["records management"], responses=problem_responses(401, 403, 404, 422))


@router.get("/retention", **access("retention.view", None))
def retention(caller: Caller = Depends(signed_in)) -> dict[str, Any]:
    """Records past their review date, per record type and agency (counts only): the caller's
    agency's, or every agency's for the data protection officer."""
    rules = load_retention(caller.state.settings.data_dir)
    agencies = None if caller.principal.role == "dpo" else {caller.principal.agency}
    with caller.state.engine.connect() as connection:
        due = due_for_review(connection, rules, caller.today, agencies)
    return {"as_of": caller.today, "due": [asdict(item) for item in due]}


class RecordErasure(BaseModel):
    records: list[str] = Field(
        min_length=1,
        max_length=1000,
        description='"Schema/agency/source_id" of each record',
        examples=[["Attendance/education/ATT-000123"]],
    )
    reason: str = Field(min_length=10, max_length=500)


class Erased(BaseModel):
    records: int
    versions: int
    audit_seq: int | None


@router.post("/erasure", response_model=Erased, **access("records.erase", Operation.erasure))
def erase(body: RecordErasure, caller: Caller = Depends(signed_in)) -> Erased:
    """Erase chosen records, every version (e.g. past retention), audited and ledgered."""
    targets: list[tuple[str, str, str]] = []
    for ref in body.records:
        parts = ref.split("/", 2)
        if len(parts) != 3 or not all(parts):
            raise not_found(f"{ref!r} is not Schema/agency/source_id")
        targets.append((parts[0], parts[1], parts[2]))
    try:
        result = erase_records(
            caller.state.engine,
            caller.state.settings,
            targets,
            principal=caller.principal,
            reason=body.reason,
            now=caller.state.clock.now(),
        )
    except ErasureError as error:
        raise not_found(str(error)) from None
    return Erased(records=len(result.records), versions=result.versions, audit_seq=result.audit_seq)
