"""Demo accounts: one per role, and a practitioner in each agency, with random passwords made at
demo time and printed once (no secret lives in the repository)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from linewatch.access import accounts
from linewatch.access.clock import Clock
from linewatch.access.passwords import generate_password
from linewatch.access.policy import Policy
from linewatch.agencies import load_agencies
from linewatch.audit.chain import append
from linewatch.audit.context import operator
from linewatch.audit.events import AuditEvent, Operation

# (username, role, agency): each role where it usually sits in an exploitation hub.
ROLE_ACCOUNTS = [
    ("sam.practitioner", "practitioner", "social_care"),
    ("alex.analyst", "analyst", "police"),
    ("jo.panel", "panel_member", "education"),
    ("chris.chair", "panel_chair", "social_care"),
    ("pat.manager", "manager", "health"),
    ("dana.dpo", "dpo", "social_care"),
    ("ash.admin", "admin", "social_care"),
]


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: str
    agency: str
    password: str


def demo_accounts() -> list[tuple[str, str, str]]:
    planned = list(ROLE_ACCOUNTS)
    taken = {(role, agency) for _, role, agency in planned}
    for agency in load_agencies():
        if ("practitioner", agency) not in taken:
            planned.append((f"{agency.replace('_', '')}.practitioner", "practitioner", agency))
    return planned


def create_demo_accounts(engine: Engine, policy: Policy) -> list[DemoAccount]:
    """Create the demo accounts (skipping any that exist); returns those created, with passwords."""
    created: list[DemoAccount] = []
    now = Clock().now()
    with engine.begin() as connection:
        for username, role, agency in demo_accounts():
            if accounts.find_account(connection, username) is not None:
                continue
            password = generate_password()
            accounts.create_account(
                connection,
                policy,
                username=username,
                password=password,
                agency=agency,
                role=role,
                display_name=f"Demo {role.replace('_', ' ')} ({agency})",
                now=now,
            )
            created.append(DemoAccount(username, role, agency, password))
        if created:
            append(
                connection,
                AuditEvent(
                    Operation.administration,
                    "demo accounts",
                    operator(),
                    detail={"created": [a.username for a in created]},
                ),
            )
    return created
