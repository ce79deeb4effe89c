"""Deal-line features and score on hand-built records: a line flares and its customers order
back; a bulk sender flares to nobody who answers; a taxi firm takes short calls but never flares."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from linewatch.lines.pipeline import run_lines
from linewatch.lines.scoring import evidence, explain, load_score_definition
from linewatch.settings import Settings
from tests.lines.conftest import MONDAY, Record, flare_week

LINE = "+447400900001"
SENDER = "+447400900002"
TAXI = "+447400900003"
CUSTOMERS = [f"+4474001{n:05d}" for n in range(30)]


def bulk_sender_week() -> list[Record]:
    return [
        (SENDER, c, MONDAY + timedelta(days=d, seconds=3 * i), 0, "SMS")
        for d in range(7)
        for i, c in enumerate(CUSTOMERS)
    ]


def taxi_week() -> list[Record]:
    return [
        (c, TAXI, MONDAY + timedelta(days=d, hours=h, minutes=i), 40, "VOICE")
        for d in range(7)
        for h in (8, 17)
        for i, c in enumerate(CUSTOMERS[: 10 + d])
    ]


@pytest.fixture
def scores(load_records: Callable[[list[Record]], Settings]) -> dict[str, dict[str, object]]:
    settings = load_records(flare_week(LINE, CUSTOMERS) + bulk_sender_week() + taxi_week())
    outcome = run_lines(settings, write=False)
    return {f"+{row['number']}": row for row in outcome.scores.to_pylist()}


def test_flare_bursts_every_day_give_a_full_flare_days_share(scores: dict[str, dict[str, object]]) -> None:
    assert scores[LINE]["burst_days"] == 7
    assert scores[LINE]["flare_days_share"] == 1.0


def test_flare_response_is_the_share_of_recipients_who_contact_the_line_back(
    scores: dict[str, dict[str, object]],
) -> None:
    assert scores[LINE]["flare_response"] == 1.0  # every customer rang in at least once that week
    assert scores[SENDER]["flare_response"] == 0.0


def test_short_inbound_calls_and_distinct_callers_are_counted(scores: dict[str, dict[str, object]]) -> None:
    assert scores[LINE]["distinct_inbound"] == len(CUSTOMERS)
    answered = sum(1 for day in range(7) for burst in range(3) for i in range(30) if (i + day + burst) % 3 == 0)
    assert scores[LINE]["short_call_share"] == pytest.approx(answered / (answered + 3), abs=1e-6)


def test_the_line_outscores_the_bulk_sender_and_the_taxi_firm(scores: dict[str, dict[str, object]]) -> None:
    threshold = load_score_definition().line_threshold
    assert float(scores[LINE]["score"]) >= threshold  # type: ignore[arg-type]
    assert float(scores[SENDER]["score"]) < 0.2  # type: ignore[arg-type]
    assert float(scores[TAXI]["score"]) < 0.2  # type: ignore[arg-type]


def test_explanation_gives_each_feature_with_its_percentile(scores: dict[str, dict[str, object]]) -> None:
    sentences = explain(scores[LINE], load_score_definition())
    assert sentences[0].startswith("days with a flare burst")
    assert re.search(
        r"100%, percentile \d+\.\d among numbers in use that week \(evidence 0\.\d\d, weight 3\)", sentences[0]
    )
    assert len(sentences) == len(load_score_definition().features)


def test_evidence_is_one_half_at_the_midpoint() -> None:
    for feature in load_score_definition().features.values():
        assert evidence(feature.midpoint, feature) == pytest.approx(0.5)
