"""Subject ids that stay put across runs. A practitioner's notes, a MACE action and an audit entry
all point at a subject id, so a re-run must not renumber everyone.

Rule: each new group keeps the previous subject id held by most of its records. When two groups
claim the same id (a subject split), the group holding more of its former records keeps it and
the other takes its next most common id, else a new one. Ties go to the group whose smallest
record id sorts first, so the outcome never depends on input order. Ids no group keeps are
retired; when most of a retired subject's records went to one subject, that subject is recorded
as where it was merged into.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

SUBJECT_PREFIX = "S"
SUBJECT_DIGITS = 7


def subject_id(number: int) -> str:
    return f"{SUBJECT_PREFIX}{number:0{SUBJECT_DIGITS}d}"


def subject_number(subject: str) -> int:
    return int(subject[len(SUBJECT_PREFIX) :])


@dataclass
class SubjectAssignment:
    subject_of: dict[str, str]  # group key -> subject id
    new: list[str] = field(default_factory=list)  # subject ids created in this run
    retired: dict[str, str | None] = field(default_factory=dict)  # retired id -> merged into (or None)
    next_number: int = 1


def assign_subject_ids(
    groups: Mapping[str, list[str]],
    previous: Mapping[str, str],
    next_number: int,
) -> SubjectAssignment:
    """Subject ids for ``groups`` (group key -> record keys), given ``previous`` (record key ->
    subject id from the last run) and the next unused subject number."""
    claims: list[tuple[int, str, str]] = []  # (records carried over, group key, subject id)
    for group, records in groups.items():
        counts = Counter(previous[record] for record in records if record in previous)
        claims += [(count, group, subject) for subject, count in counts.items()]
    # Most carried-over records first; then earliest group; then lowest subject id.
    claims.sort(key=lambda claim: (-claim[0], claim[1], claim[2]))
    subject_of: dict[str, str] = {}
    taken: set[str] = set()
    for _count, group, subject in claims:
        if group in subject_of or subject in taken:
            continue
        subject_of[group] = subject
        taken.add(subject)
    new: list[str] = []
    for group in sorted(groups):
        if group not in subject_of:
            subject_of[group] = subject_id(next_number)
            new.append(subject_of[group])
            next_number += 1
    retired: dict[str, str | None] = {}
    destinations: dict[str, Counter[str]] = {}
    for group, records in groups.items():
        for record in records:
            before = previous.get(record)
            if before is not None and before not in taken:
                destinations.setdefault(before, Counter())[subject_of[group]] += 1
    for subject in sorted(set(previous.values()) - taken):
        counts = destinations.get(subject, Counter())
        retired[subject] = max(sorted(counts), key=lambda target: counts[target]) if counts else None
    return SubjectAssignment(subject_of, new, retired, next_number)
