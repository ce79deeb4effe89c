"""The linkage review queue: pairs of records linkage was unsure about, and decisions on them."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from linewatch.api.pagination import PageRequest, page_info, page_request
from linewatch.api.problems import not_found, problem_responses
from linewatch.api.schemas import Page
from linewatch.api.security import Caller, access, signed_in
from linewatch.api.services.reviews import decide_review, list_review_ids, load_review, review_view, shown_refs
from linewatch.audit.events import Operation

router = APIRouter(prefix="/reviews", tags=["review queue"], responses=problem_responses(401, 403, 404, 422))

REVIEW_ID = Path(..., ge=1, le=2**62, description="Review item id")
PURPOSE = Query("data_quality", max_length=64)


@router.get("", response_model=Page, **access("review.view", Operation.consultation))
def list_reviews(
    status: Literal["pending", "accepted", "rejected", "superseded"] | None = Query("pending"),
    purpose: str = PURPOSE,
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> Page:
    """Pairs waiting for a decision (or with a given status), most likely matches first."""
    scope = caller.scope(purpose)
    with caller.state.engine.connect() as connection:
        ids, total = list_review_ids(connection, status, page.limit, page.offset)
    items: list[dict[str, Any]] = []
    refs: list[str] = []
    subjects: list[str] = []
    for review_id in ids:
        item = load_review(caller.state.engine, review_id)
        if item is None:
            continue
        items.append(review_view(scope, item))
        item_refs, item_subjects = shown_refs(item, scope)
        refs += item_refs
        subjects += item_subjects
    caller.consulted(
        purpose,
        subjects=tuple(subjects),
        records=tuple(refs),
    )
    return Page(items=items, **page_info(page, total).model_dump())


@router.get("/{review_id}", **access("review.view", Operation.consultation))
def get_review(
    review_id: int = REVIEW_ID, purpose: str = PURPOSE, caller: Caller = Depends(signed_in)
) -> dict[str, Any]:
    """One pair, side by side, with the reasons for its score."""
    scope = caller.scope(purpose)
    item = load_review(caller.state.engine, review_id)
    if item is None:
        raise not_found(f"no review item {review_id}")
    refs, subjects = shown_refs(item, scope)
    caller.consulted(
        purpose,
        subjects=tuple(subjects),
        records=tuple(refs),
    )
    return review_view(scope, item)


class Decision(BaseModel):
    decision: Literal["accept", "reject"] = Field(description="accept: the same person; reject: different people")
    note: str | None = Field(default=None, max_length=1000)


@router.post("/{review_id}/decision", status_code=204, **access("review.decide", Operation.alteration))
def decide(
    body: Decision, review_id: int = REVIEW_ID, purpose: str = PURPOSE, caller: Caller = Depends(signed_in)
) -> Response:
    """Decide a pair; the next linkage run honours it."""
    scope = caller.scope(purpose, operation=Operation.alteration)
    item = load_review(caller.state.engine, review_id)
    if item is None:
        raise not_found(f"no review item {review_id}")
    refs, _ = shown_refs(item, scope)
    if len(refs) < 2:
        caller.deny("both records of the pair must be open to you to decide it", Operation.alteration, purpose=purpose)
    decide_review(
        caller.state.engine, item, scope, accept=body.decision == "accept", note=body.note, now=caller.state.clock.now()
    )
    return Response(status_code=204)
