"""Pieces every places finding is made of: a reason a person can read, with the points it
earned, and the records behind it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from linewatch.places.records import Evidence


@dataclass(frozen=True, slots=True)
class Reason:
    """One signal's part in a score. `schemas` names the record types it draws on, so a reader
    who may not see one of them (health, intelligence) can be shown the score without it."""

    signal: str
    label: str
    value: float
    evidence: float  # 0..1
    points: float  # weight x evidence
    text: str
    schemas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LinkedEvidence:
    """A record behind a finding (an address, a hotspot, a corridor, a peer group)."""

    finding_id: str
    signal: str
    evidence: Evidence


def month_counts(times: Iterable[datetime | None]) -> dict[str, int]:
    """Events per calendar month ("2026-03": 4), months in order."""
    counted = Counter(t.strftime("%Y-%m") for t in times if t is not None)
    return dict(sorted(counted.items()))


def plural(count: int | float, word: str, many: str | None = None) -> str:
    number = f"{count:g}" if isinstance(count, float) else f"{count:,}"
    return f"{number} {word if count == 1 else (many or word + 's')}"


def humanise(code: str) -> str:
    """An enum value as words: "visitors_at_all_hours" -> "visitors at all hours"."""
    return code.replace("_", " ")
