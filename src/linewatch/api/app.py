"""The app factory: one FastAPI app over one store, with every router mounted behind access
control. Adding a capability is one router module and one line in ROUTERS; the app refuses to
start if any route has not declared its permission and s.62 operation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from linewatch.access.clock import Clock
from linewatch.access.policy import Policy
from linewatch.api.headers import SecurityHeaders
from linewatch.api.problems import ProblemDetail, install_problem_handlers
from linewatch.api.routes import (
    accounts,
    audit,
    auth,
    feeds,
    lines,
    meta,
    places,
    policy,
    records,
    reviews,
    screening,
    subjects,
)
from linewatch.api.security import route_permission
from linewatch.api.state import ApiState, IndicatorSource, api_engine
from linewatch.settings import Settings
from linewatch.store.migrate import require_current

ROUTERS: list[APIRouter] = [
    meta.router,
    auth.router,
    subjects.router,
    reviews.router,
    feeds.router,
    lines.router,
    audit.router,
    records.router,
    accounts.router,
    policy.router,
    screening.router,
    places.router,
]

DESCRIPTION = (
    "Multi-agency safeguarding against county lines and child criminal exploitation. Every route is "
    "authorised (deny by default: role, purpose, data-sharing agreements, sensitivity classes) and every "
    "processing of personal data is written to a hash-chained audit trail (DPA 2018 s.62). All data is synthetic."
)


class RouteNotDeclared(RuntimeError):
    pass


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of the app, whether mounted directly or through included routers."""
    found: list[APIRoute] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "effective_route_contexts"):  # FastAPI >= 0.16x keeps included routers whole
            found += [
                c.original_route for c in route.effective_route_contexts() if isinstance(c.original_route, APIRoute)
            ]
    return found


def check_routes_declared(app: FastAPI) -> None:
    for route in api_routes(app):
        if route_permission(route) is None:
            raise RouteNotDeclared(
                f"{sorted(route.methods or ())} {route.path} does not declare its access (use access())"
            )


def create_app(
    settings: Settings,
    *,
    policy: Policy | None = None,
    clock: Clock | None = None,
    indicator_source: IndicatorSource | None = None,
    secure_cookies: bool = False,
    extra_routers: list[APIRouter] | None = None,
) -> FastAPI:
    engine = api_engine(settings)
    require_current(engine)
    state = ApiState(
        settings=settings,
        engine=engine,
        policy=policy or Policy.load(settings.data_dir),
        clock=clock or Clock(),
        indicator_source=indicator_source,
        secure_cookies=secure_cookies,
    )
    app = FastAPI(
        title="Linewatch",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's Swagger UI loads from a CDN; /docs is rendered locally instead
        redoc_url=None,
    )
    app.state.linewatch = state
    install_problem_handlers(app)
    app.add_middleware(SecurityHeaders, hsts=secure_cookies, max_upload_bytes=state.max_upload_bytes)
    for router in [*ROUTERS, *(extra_routers or [])]:
        app.include_router(router)
    check_routes_declared(app)
    _document_problems(app)
    return app


def _document_problems(app: FastAPI) -> None:
    """Add the ProblemDetail schema the routes' error responses refer to."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            spec.setdefault("components", {}).setdefault("schemas", {})["ProblemDetail"] = (
                ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
            )
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
