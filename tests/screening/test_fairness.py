"""The fairness arithmetic: rates, rate ratios with their 95% intervals, findings, and the
suppression of small numbers; and the report over a kept run."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from linewatch.screening import service
from linewatch.screening.fairness import GroupCount, disproportionality, ethnic_group, rate_ratio, rounded
from tests.conftest import Store
from tests.screening.builders import County


def test_rate_ratio_and_its_interval_by_katz() -> None:
    ratio, low, high = rate_ratio(20, 100, 10, 100)  # type: ignore[misc]
    spread = 1.959964 * math.sqrt(1 / 20 - 1 / 100 + 1 / 10 - 1 / 100)
    assert ratio == pytest.approx(2.0)
    assert (low, high) == (pytest.approx(2.0 * math.exp(-spread)), pytest.approx(2.0 * math.exp(spread)))
    assert low == pytest.approx(0.9866, abs=1e-4) and high == pytest.approx(4.0545, abs=1e-4)


def test_a_group_with_nobody_flagged_still_gets_a_finite_ratio() -> None:
    ratio, low, high = rate_ratio(0, 50, 10, 100)  # type: ignore[misc]
    assert ratio == pytest.approx((0.5 / 50.5) / (10.5 / 100.5))
    assert 0 < low < ratio < high < math.inf
    assert rate_ratio(5, 0, 10, 100) is None


def groups(rows: list[tuple[str, int, int]], dimension: str = "sex") -> list[GroupCount]:
    return [GroupCount(dimension, group, population, flagged) for group, population, flagged in rows]


def test_findings_say_over_or_under_only_when_the_interval_excludes_one() -> None:
    rates = {
        r.group: r
        for r in disproportionality(
            groups([("a", 1000, 60), ("b", 1000, 20), ("c", 1000, 40), ("d", 40, 1)], "area"), suppress=False
        )
    }
    assert rates["a"].finding == "over" and rates["a"].ratio_low is not None and rates["a"].ratio_low > 1
    assert rates["b"].finding == "under"
    assert rates["c"].finding == "in line"
    assert rates["d"].finding == "too few to say"
    assert rates["a"].rate == pytest.approx(0.06)
    assert rates["a"].population_share == pytest.approx(1000 / 3040)
    assert rates["a"].flagged_share == pytest.approx(60 / 121)


def test_small_counts_are_hidden_and_the_rest_rounded_to_five() -> None:
    rates = {r.group: r for r in disproportionality(groups([("f", 1203, 47), ("m", 1187, 121), ("u", 31, 3)]))}
    assert (rates["m"].population, rates["m"].flagged) == (1185, 120)
    # "u" has 3 flagged: hidden; alone it could be worked out from the total, so the next smallest
    # flagged count ("f") is hidden too
    assert rates["u"].finding == "suppressed" and rates["u"].flagged is None and rates["u"].rate is None
    assert rates["f"].finding == "suppressed" and rates["f"].population is None
    assert rates["m"].finding != "suppressed"
    assert rates["m"].rate == pytest.approx(120 / 1185)  # the rate of the counts shown


def test_zero_is_not_a_small_number() -> None:
    rates = {r.group: r for r in disproportionality(groups([("a", 500, 40), ("b", 480, 25), ("c", 20, 0)]))}
    assert rates["c"].flagged == 0 and rates["c"].finding == "too few to say"
    assert all(rate.finding != "suppressed" for rate in rates.values())


def test_rounding_and_ethnic_groups() -> None:
    assert [rounded(n) for n in (10, 12, 13, 17, 1203)] == [10, 10, 15, 15, 1205]
    assert [
        ethnic_group(code)
        for code in ("white_british", "mixed_other", "asian_pakistani", "black_african", "arab", "not_recorded")
    ] == ["White", "Mixed", "Asian", "Black", "Other", "Not recorded"]


def test_the_report_counts_subjects_screened_by_group(store: Store) -> None:
    county = County()
    for number in range(30):
        sid = f"G{number:02d}"
        county.child(sid, sex="female" if number < 15 else "male", dob=date(2010, 1, 1))
        county.person(sid, "police")
        if number in (0, 15, 16):
            county.record(
                "NRMReferral",
                sid,
                "social_care",
                nrm_reference=f"N{number}",
                referred_at=date(2026, 8, 1),
                reasonable_grounds="positive",
            )
    county.write(store.engine, store.settings)
    service.screen(store.settings, store.engine, as_at=date(2026, 9, 1), run_by="test")
    report = service.fairness_report(store.engine, suppress=False)
    assert (report.population, report.flagged) == (30, 3)
    sex = {g.group: g for g in report.groups if g.dimension == "sex"}
    assert (sex["female"].population, sex["female"].flagged) == (15, 1)
    assert (sex["male"].population, sex["male"].flagged) == (15, 2)
    assert sex["male"].rate_ratio == pytest.approx(2.0)
    hidden = service.fairness_report(store.engine)
    assert {g.finding for g in hidden.groups if g.dimension == "sex"} == {"suppressed"}


def test_a_population_file_with_a_bad_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text("dimension,group,population\nsex,female,1000\nsex,male,lots\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 3: population 'lots' is not a whole number"):
        service.read_population(path)
    path.write_text("dimension,group,population\nshoe_size,9,10\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dimension 'shoe_size'"):
        service.read_population(path)
