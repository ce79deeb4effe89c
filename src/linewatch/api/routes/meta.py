"""Health check and the API documentation page (rendered here from the OpenAPI document, so it
works offline: no script or style is loaded from a CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from linewatch.api.docs_page import render_docs
from linewatch.api.security import PUBLIC, access

router = APIRouter(tags=["meta"])


class Health(BaseModel):
    status: str


@router.get("/health", response_model=Health, **access(PUBLIC, None))
def health() -> Health:
    """The server is up (says nothing about the store)."""
    return Health(status="ok")


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False, **access(PUBLIC, None))
def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(render_docs(request.app.openapi()))
