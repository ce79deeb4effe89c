"""Pagination: ``limit`` and ``offset`` query parameters, and a page envelope with the total."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query
from pydantic import BaseModel

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int
    offset: int


def page_request(
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Items per page"),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Items to skip"),
) -> PageRequest:
    return PageRequest(limit, offset)


class PageInfo(BaseModel):
    total: int
    limit: int
    offset: int
    next_offset: int | None


def page_info(request: PageRequest, total: int) -> PageInfo:
    following = request.offset + request.limit
    return PageInfo(
        total=total, limit=request.limit, offset=request.offset, next_offset=following if following < total else None
    )
