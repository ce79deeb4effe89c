"""The access policy as data: roles, purposes, sensitivity classes and data-sharing agreements."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from linewatch.api.problems import problem_responses
from linewatch.api.security import Caller, access, signed_in

router = APIRouter(prefix="/policy", tags=["policy"], responses=problem_responses(401, 403))


@router.get("", **access("policy.view", None))
def policy(caller: Caller = Depends(signed_in)) -> dict[str, Any]:
    """Roles with their permissions and purposes, the class rules and every agreement (in force or not)."""
    current = caller.state.policy
    return {
        "purposes": {name: p.model_dump() for name, p in current.roles.purposes.items()},
        "roles": {name: r.model_dump() for name, r in current.roles.roles.items()},
        "classes": {name.value: rule.model_dump() for name, rule in current.sharing.classes.items()},
        "agreements": [{**a.model_dump(), "in_force": a.in_force(caller.today)} for a in current.sharing.agreements],
    }
