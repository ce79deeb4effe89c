"""The population is drawn at the published rates, and the communications spec describes the
same lines, runners and phones as the truth."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from linewatch.synth.comms_bridge import build_spec
from linewatch.synth.county import _build_world
from linewatch.synth.population import build_population
from linewatch.synth.prevalence import PREVALENCE
from linewatch.synth.seeds import stream


@pytest.fixture(scope="module")
def population():  # type: ignore[no-untyped-def]
    return build_population(stream(2, "population"), 20_000, 8, date(2026, 6, 1))


def test_in_scope_count_is_exactly_the_children_asked_for(population) -> None:  # type: ignore[no-untyped-def]
    people = population.people
    assert people["in_scope"].sum() == 20_000
    ages = population.ages()
    assert ages[people["in_scope"]].min() >= 8 and ages[people["in_scope"]].max() < 26


@pytest.mark.parametrize(
    ("column", "value", "rate_name", "tolerance"),
    [
        ("send", "sen_support", "sen_support", 0.2),
        ("send", "ehc_plan", "ehc_plan", 0.25),
        ("looked_after", True, "looked_after", 0.45),
    ],
)
def test_risk_factors_are_near_published_rates(population, column, value, rate_name, tolerance) -> None:  # type: ignore[no-untyped-def]
    children = population.people[population.people["kind"] == "child"]
    observed = (children[column] == value).mean()
    expected = PREVALENCE[rate_name].value
    assert abs(observed - expected) <= tolerance * expected


def test_persistent_absence_is_about_one_in_five(population) -> None:  # type: ignore[no-untyped-def]
    children = population.people[population.people["kind"] == "child"]
    assert 0.16 <= (children["absence_rate"] >= 0.1).mean() <= 0.24


def test_identifiers_are_valid_and_unique(population) -> None:  # type: ignore[no-untyped-def]
    from linewatch.identifiers import check_imei, check_nhs_number, check_upn

    people = population.people
    assert people["nhs_number"].is_unique and all(check_nhs_number(n).valid for n in people["nhs_number"][:2000])
    upns = people.loc[people["upn"] != "", "upn"]
    assert upns.is_unique and all(check_upn(u).valid for u in upns[:2000])
    phones = people.loc[people["phone"] != "", "phone"]
    assert phones.is_unique
    assert all(check_imei(i).valid for i in people.loc[people["imei"] != "", "imei"][:2000])


def test_comms_spec_matches_the_lines_and_runners() -> None:
    world = _build_world(1000, 3, 4, date(2026, 6, 1), 60, lambda step, fraction: None)
    spec = build_spec(world, 3, 60)
    assert len(spec.lines) == 4 and spec.days == 60
    runner_ids = {r.person_id for line in spec.lines for r in line.runners}
    assert runner_ids <= set(world.exploitation.exploited["person_id"])
    for line in spec.lines:
        assert line.customer_phones and line.controller_phones
        ends = [p.end for p in line.numbers[:-1]]
        starts = [p.start for p in line.numbers[1:]]
        assert all(end is not None and end < start for end, start in zip(ends, starts, strict=True))
    towns = {t.name for t in spec.towns}
    assert {site.town for site in spec.cell_sites} == towns
    phones = [p.phone for p in spec.person_phones]
    assert len(phones) == len(set(phones)) and np.all([p.startswith("+447") for p in phones])
