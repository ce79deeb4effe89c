"""Line continuity: when a line number falls silent and a new number starts reaching the same
customers, the two are one line. A line keeps its history of numbers and handsets.

Pure functions over small tables of line numbers: no engine, no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAY = 86_400


@dataclass(frozen=True, slots=True)
class LineNumber:
    """A number scored as a line number, with when it was active and whom it reached."""

    number: int
    score: float
    first_t: int
    last_t: int
    customers: frozenset[int]
    handsets: frozenset[str] = frozenset()
    scored_line: bool = True  # scored as a line on its own; else a flaring number that may
    # continue a line (a new number is often short-lived or cut off before it looks like one)


@dataclass(frozen=True, slots=True)
class NumberChange:
    """`new` took over from `old`: the evidence is shared customers and a short gap."""

    old: int
    new: int
    overlap: float  # shared customers / customers of the smaller list
    gap_days: float
    same_handset: bool


@dataclass(slots=True)
class Line:
    line_id: str
    numbers: list[LineNumber] = field(default_factory=list)
    changes: list[NumberChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ContinuityRules:
    min_overlap: float = 0.3  # shared customers, as a share of the smaller customer list
    max_gap_days: float = 14.0  # the new number starts within this many days of the old going quiet
    max_overlap_days: float = 2.0  # the old number may still be heard this long after the new starts
    min_shared: int = 3  # at least this many customers in common


def overlap_coefficient(first: frozenset[int], second: frozenset[int]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def candidate_changes(numbers: list[LineNumber], rules: ContinuityRules) -> list[NumberChange]:
    """Every (old, new) pair adjacent in time that shares enough customers or a handset."""
    changes = []
    for old in numbers:
        for new in numbers:
            if old.number == new.number or new.first_t < old.first_t + DAY:
                continue
            if not (old.scored_line or new.scored_line):
                continue
            gap = (new.first_t - old.last_t) / DAY
            if gap > rules.max_gap_days or gap < -rules.max_overlap_days:
                continue
            shared = len(old.customers & new.customers)
            overlap = overlap_coefficient(old.customers, new.customers)
            same_handset = bool(old.handsets & new.handsets)
            if same_handset or (overlap >= rules.min_overlap and shared >= rules.min_shared):
                changes.append(NumberChange(old.number, new.number, round(overlap, 6), round(gap, 3), same_handset))
    return changes


def link_lines(numbers: list[LineNumber], rules: ContinuityRules | None = None) -> list[Line]:
    """Chains of number changes, each a line: every number has at most one predecessor and one
    successor, chosen by the strongest evidence first (shared handset, then overlap, then the
    shortest gap). Lines are named after their first number."""
    rules = rules or ContinuityRules()
    changes = candidate_changes(numbers, rules)
    changes.sort(key=lambda c: (-int(c.same_handset), -c.overlap, abs(c.gap_days), c.old, c.new))
    successor: dict[int, NumberChange] = {}
    predecessor: dict[int, NumberChange] = {}
    for change in changes:
        if change.old in successor or change.new in predecessor:
            continue
        if _would_cycle(change, successor):
            continue
        successor[change.old] = change
        predecessor[change.new] = change
    by_number = {number.number: number for number in numbers}
    lines = []
    for start in sorted(numbers, key=lambda n: (n.first_t, n.number)):
        if start.number in predecessor:
            continue
        line = Line(line_id=f"line-{start.number}")
        current: int | None = start.number
        while current is not None:
            line.numbers.append(by_number[current])
            step = successor.get(current)
            if step is not None:
                line.changes.append(step)
            current = step.new if step is not None else None
        if any(number.scored_line for number in line.numbers):
            lines.append(line)
    return lines


def continuity_scores(lines: list[Line]) -> dict[int, tuple[float, str]]:
    """For numbers that joined a line only by continuity: the score they inherit (the line's
    best score times the share of customers they took over) and the reason, for the ranking."""
    inherited: dict[int, tuple[float, str]] = {}
    for line in lines:
        best = max(n.score for n in line.numbers if n.scored_line)
        overlap_of = {c.new: c for c in line.changes} | {c.old: c for c in line.changes}
        for number in line.numbers:
            if number.scored_line:
                continue
            change = overlap_of[number.number]
            other = change.old if change.new == number.number else change.new
            handset = "and the same handset " if change.same_handset else ""
            reason = f"continues {line.line_id}: {change.overlap:.0%} of customers shared {handset}with +{other}"
            inherited[number.number] = (
                round(max(number.score, best * max(change.overlap, 0.5 if change.same_handset else 0.0)), 6),
                reason,
            )
    return inherited


def _would_cycle(change: NumberChange, successor: dict[int, NumberChange]) -> bool:
    current: int | None = change.new
    while current is not None:
        if current == change.old:
            return True
        step = successor.get(current)
        current = step.new if step is not None else None
    return False
