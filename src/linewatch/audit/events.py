"""What one audit entry says, and the operations it may record."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from linewatch.access.policy import Principal


class Operation(StrEnum):
    # The six kinds of processing DPA 2018 s.62 asks to be logged.
    collection = "collection"
    alteration = "alteration"
    consultation = "consultation"
    disclosure = "disclosure"
    combination = "combination"
    erasure = "erasure"
    # Security events kept in the same chain (OWASP ASVS 7): sign-ins and account changes.
    authentication = "authentication"
    administration = "administration"


class Outcome(StrEnum):
    allowed = "allowed"
    denied = "denied"
    failed = "failed"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    operation: Operation
    action: str  # the route ("GET /subjects/{subject_id}") or command ("linewatch ingest")
    principal: Principal
    outcome: Outcome = Outcome.allowed
    purpose: str | None = None
    reason: str | None = None
    subjects: tuple[str, ...] = ()
    records: tuple[str, ...] = ()  # "Schema/agency/source_id", or "feed:12", "linkage_run:3"
    detail: dict[str, Any] = field(default_factory=dict)  # metadata only: counts, recipients, filters


def record_ref(schema: str, agency: str, source_id: str) -> str:
    return f"{schema}/{agency}/{source_id}"
