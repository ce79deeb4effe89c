"""Errors as RFC 9457 problem details (application/problem+json), the same shape for every
failure: bad input, not signed in, not allowed, not found, and the unexpected (which says
nothing about its cause to the client; the server log has it)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("linewatch.api")


class ProblemDetail(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI naming the kind of problem", examples=["urn:linewatch:problem:forbidden"])
    title: str = Field(description="A short summary of the kind of problem")
    status: int = Field(description="The HTTP status code")
    detail: str | None = Field(default=None, description="What went wrong this time, for a person to act on")
    instance: str | None = Field(default=None, description="The request path")


class Problem(Exception):
    """Raise from a route or service to answer with a problem."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ):
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:linewatch:problem:{problem.slug}",
        "title": problem.title,
        "status": problem.status,
        "instance": request.url.path,
    }
    if problem.detail:
        body["detail"] = problem.detail
    body.update(problem.extensions)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE, headers=problem.headers)


def bad_request(detail: str, **extensions: Any) -> Problem:
    return Problem(422, "invalid-request", "The request is not valid", detail, **extensions)


def not_found(detail: str) -> Problem:
    return Problem(404, "not-found", "Not found", detail)


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", "Not allowed", detail)


_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Not signed in"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(request, error)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        slug, title = _TITLES.get(error.status_code, ("http-error", "Request failed"))
        detail = error.detail if isinstance(error.detail, str) and error.detail != title else None
        headers = dict(error.headers) if error.headers else None
        return problem_response(request, Problem(error.status_code, slug, title, detail, headers=headers))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # The values given are not echoed back: they may be personal data.
        errors = [
            {"location": ".".join(str(part) for part in item.get("loc", ())), "problem": item.get("msg", "")}
            for item in error.errors()
        ]
        first = errors[0] if errors else {"location": "", "problem": "invalid"}
        detail = f"{first['location']}: {first['problem']}"
        return problem_response(request, bad_request(detail, errors=errors))

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, error: DataError) -> JSONResponse:
        # A value the database cannot hold or compare (a NUL character, an out-of-range number).
        log.info("refused a value the store cannot take on %s %s: %s", request.method, request.url.path, error.orig)
        return problem_response(request, bad_request("a value in the request cannot be stored or searched for"))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        problem = Problem(500, "internal-error", "Something went wrong", "The error was logged; nothing was changed.")
        return problem_response(request, problem)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route may answer with."""
    descriptions = {
        401: "Not signed in, or the session expired",
        403: "Not allowed (role, purpose, data-sharing agreement or CSRF token)",
        404: "No such item, or none the caller may see",
        409: "Conflicts with the current state",
        413: "Request too large",
        422: "The request is not valid",
        429: "Too many attempts; retry later",
        503: "The server cannot do this now (e.g. its secret key is missing); an administrator must act",
    }
    return {
        status: {
            "description": descriptions.get(status, "Problem"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}},
        }
        for status in statuses
    }


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def fast_json(data: Any) -> Response:
    """A JSON response written straight from plain data (dates as ISO text), skipping the
    response-model validation pass for large answers whose shape the services already fix."""
    return Response(json.dumps(data, default=_plain, ensure_ascii=False), media_type="application/json")
