"""Per number and week counts on hand-made records: what each number sent and received, to how
many distinct numbers, on which days; and the lines' details when a score definition lets a
number that never flares score as a line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta

from linewatch.lines.pipeline import run_lines
from linewatch.lines.scoring import load_score_definition
from linewatch.settings import Settings
from tests.lines.conftest import MONDAY, Record

A, B, C, D = "+447400900001", "+447400900002", "+447400900003", "+447400900004"
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=d) for d in (1, 2, 3))
TAXI = "+447400900009"
CALLERS = [f"+4474001{n:05d}" for n in range(20)]


def small_week() -> list[Record]:
    """A calls and texts B on Monday and texts C on Tuesday; B rings A unanswered on Tuesday,
    C rings A for 90 s late on Wednesday (22:00), D rings A for 40 s on Thursday."""
    return [
        (A, B, MONDAY, 30, "VOICE"),
        (A, B, MONDAY + timedelta(minutes=5), 0, "SMS"),
        (A, C, TUESDAY, 0, "SMS"),
        (B, A, TUESDAY + timedelta(hours=2), 0, "VOICE"),
        (C, A, WEDNESDAY + timedelta(hours=13), 90, "VOICE"),
        (D, A, THURSDAY, 40, "VOICE"),
    ]


def test_sent_and_received_counts_distinct_contacts_and_days(
    load_records: Callable[[list[Record]], Settings],
) -> None:
    outcome = run_lines(load_records(small_week()), write=False)
    row = next(r for r in outcome.scores.to_pylist() if r["number"] == int(A[1:]))
    counts = {k: row[k] for k in ("outbound", "distinct_outbound", "sent_days", "inbound", "distinct_inbound")}
    assert counts == {"outbound": 3, "distinct_outbound": 2, "sent_days": 2, "inbound": 3, "distinct_inbound": 3}
    assert row["short_call_share"] == 0.2  # one short answered call (40 s) of two answered, over 2 + 3
    assert row["late_share"] == round(1 / 6, 6)  # C's call at 22:00, over 3 inbound + 3
    assert row["inbound_repeat"] == 1.0
    b = next(r for r in outcome.scores.to_pylist() if r["number"] == int(B[1:]))
    assert (b["outbound"], b["inbound"], b["distinct_inbound"], b["sent_days"]) == (1, 2, 1, 1)


def taxi_weeks() -> list[Record]:
    return [
        (caller, TAXI, MONDAY + timedelta(days=day, hours=i % 9, minutes=i), 45, "VOICE")
        for day in range(14)
        for i, caller in enumerate(CALLERS)
        if (i + day) % 2 == 0
    ]


def test_a_number_that_never_flares_gets_its_details_when_the_definition_scores_it_as_a_line(
    load_records: Callable[[list[Record]], Settings],
) -> None:
    """Details are normally read from the records of numbers that sent bursts of texts; a
    definition without flare features widens them to the numbers it scores as lines."""
    shipped = load_score_definition()
    features = {
        name: feature.model_copy(update={"weight": 0.0}) if name.startswith("flare") else feature
        for name, feature in shipped.features.items()
    }
    definition = shipped.model_copy(update={"features": features})
    records = taxi_weeks()
    outcome = run_lines(load_records(records), definition=definition, write=False)
    taxi = int(TAXI[1:])
    lines = [line for line in outcome.lines if [n.number for n in line.numbers] == [taxi]]
    assert len(lines) == 1
    number = lines[0].numbers[0]
    first, last = min(r[2] for r in records), max(r[2] for r in records)
    seconds = [int(t.replace(tzinfo=UTC).timestamp()) for t in (first, last)]  # record times are UTC
    assert [number.first_t, number.last_t] == seconds
    assert number.customers == frozenset(int(c[1:]) for c in CALLERS)
