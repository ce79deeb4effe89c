"""Each shipped indicator fires on hand-built records that show it, and stays quiet on records
that come close (outside its window, under its threshold, the wrong type or role)."""

from __future__ import annotations

import pytest

from linewatch.screening.definitions import load_indicators
from tests.screening import cases
from tests.screening.conftest import Screened, case_subject

SHIPPED = [indicator.id for indicator in load_indicators().indicators]


def test_every_shipped_indicator_has_a_case() -> None:
    assert sorted(SHIPPED) == sorted(cases.CASES)


@pytest.mark.parametrize("indicator", SHIPPED)
def test_indicator_fires_on_records_that_show_it(case_county: Screened, indicator: str) -> None:
    assert indicator in case_county.fired(case_subject(indicator, True))


@pytest.mark.parametrize("indicator", SHIPPED)
def test_indicator_does_not_fire_on_records_that_come_close(case_county: Screened, indicator: str) -> None:
    assert indicator not in case_county.fired(case_subject(indicator, False))


def test_every_fired_indicator_names_the_record_it_rests_on(case_county: Screened) -> None:
    for indicator in SHIPPED:
        result = case_county.computation.by_subject()[case_subject(indicator, True)]
        reason = next(r for r in result.reasons if r.indicator == indicator)
        assert reason.evidence, indicator
        for item in reason.evidence:
            assert item.agency and item.source_id and item.record_schema and item.description, indicator
            assert item.date <= cases.AS_AT, indicator


def test_adults_over_25_are_not_screened(case_county: Screened) -> None:
    screened = case_county.computation.by_subject()
    assert cases.CONTROLLER not in screened
    assert cases.PEER_AT_RISK in screened
