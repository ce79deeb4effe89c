"""Schemathesis against the OpenAPI document: generated requests to every operation, signed in as
a role allowed to use it (so examples reach past the permission check), must never get a 5xx and
every response must match what the document says (status, content type, schema, headers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linewatch.access.throttle import LoginThrottle
from tests.api.conftest import Api
from tests.conftest import POSTGRES_URL

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Bounded so the suite stays fast; the matrix and the other API tests cover the paths in depth.
EXAMPLES = 20
ROLE_FOR = {
    "subject.search": ("panel_chair", "police"),
    "subject.profile": ("panel_chair", "police"),
    "records.export": ("dpo", "social_care"),
    "records.erase": ("dpo", "social_care"),
    "review.view": ("analyst", "police"),
    "review.decide": ("analyst", "police"),
    "feed.upload": ("manager", "police"),
    "feed.view": ("manager", "police"),
    "line.view": ("analyst", "police"),
    "audit.query": ("dpo", "social_care"),
    "audit.verify": ("dpo", "social_care"),
    "retention.view": ("dpo", "social_care"),
    "account.manage": ("admin", "police"),
    "policy.view": ("admin", "police"),
}


def _checker(api: Api, operation: Any, role: str, agency: str) -> Callable[[], None]:
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        # A fresh session each time: a generated logout or password change must not end the next.
        api.app.state.linewatch.throttle = LoginThrottle()  # each example starts unthrottled
        fresh = case.method != "GET"
        case.call_and_validate(headers=api.headers(role, agency, fresh=fresh), checks=CHECKS)

    return check  # type: ignore[no-any-return]


def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(api: Api) -> None:
    if POSTGRES_URL and api.store.backend == "sqlite":
        pytest.skip("run once, on PostgreSQL, where CI has it")
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    spec = api.app.openapi()
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        permission = spec["paths"][operation.path][operation.method.lower()]["x-linewatch-permission"]
        role, agency = ROLE_FOR.get(permission, ("panel_chair", "police"))

        operations += 1
        try:
            _checker(api, operation, role, agency)()
        except Exception as error:  # collect every operation's failures, then report them together
            failures.append(f"{operation.label}: {str(error)[:800]}")
    assert operations >= 25
    assert failures == [], "\n\n".join(failures)
