"""Deal lines found in communications data, each with its numbers, people and network."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from linewatch.api.pagination import PageRequest, page_info, page_request
from linewatch.api.problems import not_found, problem_responses
from linewatch.api.schemas import Page
from linewatch.api.security import Caller, access, signed_in
from linewatch.api.services.lines import COMMS_OWNER, LinesCache, can_see_lines, line_detail, line_summaries
from linewatch.audit.events import Operation, record_ref

router = APIRouter(prefix="/lines", tags=["lines"], responses=problem_responses(401, 403, 404, 422))

PURPOSE = Query("safeguarding", max_length=64)


def _cache(caller: Caller) -> LinesCache:
    cache = caller.state.extras.get("lines")
    if cache is None:
        cache = caller.state.extras.setdefault("lines", LinesCache(caller.state.settings.analytics_dir))
    assert isinstance(cache, LinesCache)
    return cache


def _scope(caller: Caller, purpose: str) -> Any:
    scope = caller.scope(purpose)
    if not can_see_lines(scope):
        caller.deny(
            f"no data-sharing agreement opens {COMMS_OWNER} communications data to you for {purpose!r}",
            Operation.consultation,
            purpose=purpose,
        )
    return scope


@router.get("", response_model=Page, **access("line.view", Operation.consultation))
def list_lines(
    purpose: str = PURPOSE, page: PageRequest = Depends(page_request), caller: Caller = Depends(signed_in)
) -> Page:
    """The lines found, strongest first: numbers, where they run, how many people around them."""
    _scope(caller, purpose)
    lines = line_summaries(_cache(caller))
    shown = lines[page.offset : page.offset + page.limit]
    caller.consulted(
        purpose,
        records=tuple(f"line:{x['line_id']}" for x in shown),
    )
    return Page(items=shown, **page_info(page, len(lines)).model_dump())


@router.get("/{line_id}", **access("line.view", Operation.consultation))
def get_line(
    line_id: str = Path(..., pattern=r"^line-\d{6,15}$", description="e.g. line-447778264317"),
    purpose: str = PURPOSE,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """One line: numbers over time, number changes, handsets, controllers, runners, linked people
    (as far as the caller may see them) and its network of contacts."""
    scope = _scope(caller, purpose)
    with caller.state.engine.connect() as connection:
        detail = line_detail(connection, _cache(caller), scope, line_id)
    if detail is None:
        raise not_found(f"no line {line_id}")
    linked = detail["linked_records"]
    caller.consulted(
        purpose,
        subjects=tuple(r["subject_id"] for r in linked if r["subject_id"]),
        records=(f"line:{line_id}", *(record_ref("Person", r["agency"], r["source_id"]) for r in linked)),
    )
    return detail
