"""Cuckooing risk on hand-built homes: what fires, what does not, and what the list says to do."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from linewatch.places.context import build_context
from linewatch.places.cuckooing import CuckooingAssessment, assess_cuckooing
from linewatch.places.definition import CuckooingDefinition, Level, load_places_definition
from linewatch.places.records import LineMember, NightPresence, PlaceInputs, RegisteredPhone, VulnerabilityRecord
from tests.places.builders import (
    WARWICK,
    add_child,
    add_home,
    context,
    days_ago,
    found,
    incident,
    intel,
    report,
    world,
)

TAKEN = "10000000001"  # a vulnerable tenant's flat taken over by a line
TAKEN_POINT = (WARWICK[0] + 0.002, WARWICK[1] + 0.002)


@pytest.fixture
def definition() -> CuckooingDefinition:
    return load_places_definition().cuckooing


def assess(inputs: PlaceInputs, definition: CuckooingDefinition) -> dict[str, CuckooingAssessment]:
    return {a.uprn or a.place_id: a for a in assess_cuckooing(context(inputs), definition)}


def reason(assessment: CuckooingAssessment, signal: str) -> float:
    return next(r.points for r in assessment.reasons if r.signal == signal)


def cuckooed_home(inputs: PlaceInputs) -> None:
    """Visitors at all hours, dealing and drug litter since two months ago, police called twice,
    intelligence naming the flat, and two Coventry boys found there when missing."""
    add_home(inputs, TAKEN, "Flat 2, 12 Castle Street", "CV34 4AB", flags="learning_disability", point=TAKEN_POINT)
    for n, category in enumerate(["visitors_at_all_hours", "drug_dealing", "visitors_at_all_hours", "drug_litter",
                                  "intimidation", "visitors_at_all_hours"]):  # fmt: skip
        report(inputs, TAKEN, category, days_ago(60 - 8 * n), "CV34 4AB")
    for n, child in enumerate(["NOM1", "NOM2"]):
        add_child(inputs, child, "Coventry")
        found(inputs, f"MIS-{n}", child, days_ago(30 - n), "Flat 2, 12 Castle Street, Warwick", TAKEN_POINT, TAKEN)
    incident(inputs, "INC-1", "TEN-" + TAKEN, days_ago(20), "Flat 2, 12 Castle St, Warwick", "CV34 4AB", TAKEN_POINT,
             role="victim")  # fmt: skip
    incident(inputs, "INC-1", "NOM1", days_ago(20), "Flat 2, 12 Castle St, Warwick", "CV34 4AB", TAKEN_POINT)
    incident(inputs, "INC-2", "TEN-" + TAKEN, days_ago(5), "Flat 2, 12 Castle Street, Warwick", "CV34 4AB",
             TAKEN_POINT, offence="Drugs supply concern at address", role="victim")  # fmt: skip
    intel(inputs, "INT-1", days_ago(15), "Address Flat 2, 12 Castle Street believed taken over", "CV34 4AB")


def test_cuckooed_home_of_a_vulnerable_tenant_is_flagged_high_with_every_reason(
    definition: CuckooingDefinition,
) -> None:
    inputs = world()
    cuckooed_home(inputs)
    home = assess(inputs, definition)[TAKEN]
    assert home.level is Level.high and home.flagged
    fired = {r.signal for r in home.reasons if r.points > 0}
    assert {"vulnerable_tenant", "asb_reports", "asb_kinds", "police_incidents", "intelligence",
            "young_people_out_of_area", "change_in_pattern"} <= fired  # fmt: skip
    assert "learning disability" in home.reasons_text()
    assert "2 young people from other towns (Coventry 2)" in home.reasons_text()
    assert home.action.startswith("Safeguard the tenant")
    assert home.status == "active"


def test_every_record_behind_the_score_is_listed_as_evidence(definition: CuckooingDefinition) -> None:
    inputs = world()
    cuckooed_home(inputs)
    home = assess(inputs, definition)[TAKEN]
    listed = {(e.evidence.schema, e.evidence.source_id) for e in home.evidence}
    assert {("asb_report", r.source_id) for r in inputs.asb_reports if r.uprn == TAKEN} <= listed
    assert ("police_incident", "INC-1|TEN-" + TAKEN) in listed  # the tenant's own row, not just the first
    assert ("police_incident", "INC-1|NOM1") in listed
    assert ("intelligence_log", "INT-1") in listed
    assert ("missing_episode", "MIS-0") in listed
    assert ("housing_tenancy", "TNC-" + TAKEN) in listed


def test_noisy_neighbours_are_not_flagged(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000002", "4 Quiet Lane")
    for n in range(5):
        report(inputs, "10000000002", "noise", days_ago(200 - 30 * n))
    home = assess(inputs, definition)["10000000002"]
    assert not home.flagged
    assert reason(home, "asb_kinds") == 0


def test_a_drug_using_tenant_with_one_litter_report_is_not_flagged(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000003", "7 Elm Road", flags="drug_use")
    report(inputs, "10000000003", "drug_litter", days_ago(100))
    home = assess(inputs, definition)["10000000003"]
    assert reason(home, "vulnerable_tenant") > 0
    assert not home.flagged


def test_a_vulnerable_tenant_with_no_reports_is_not_listed_as_at_risk(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000004", "9 Ash Grove", flags="elderly; mental_ill_health")
    home = assess(inputs, definition)["10000000004"]
    assert home.level is Level.none


def test_health_records_of_the_tenant_count_when_housing_knows_nothing(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000005", "11 Oak Road")
    inputs.vulnerability.append(
        VulnerabilityRecord("health_attendance", "health", "AE-1", "TEN-10000000005", days_ago(50), "overdose")
    )
    inputs.subjects = {("housing", "TEN-10000000005"): "S1", ("health", "TEN-10000000005"): "S1"}
    home = assess(inputs, definition)["10000000005"]
    tenant = next(r for r in home.reasons if r.signal == "vulnerable_tenant")
    assert tenant.value == 0.8 and "health_attendance" in tenant.schemas
    assert "overdose" in tenant.text


def test_only_young_people_from_other_towns_count(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000006", "5 Mill Lane", "CV34 4AC")
    add_child(inputs, "LOCAL", "Warwick")
    add_child(inputs, "HUB", "Coventry")
    add_child(inputs, "ADULT", "Coventry", born=date(1980, 1, 1))
    for n, person in enumerate(["LOCAL", "HUB", "ADULT"]):
        found(inputs, f"MIS-{n}", person, days_ago(10 + n), "5 Mill Lane, Warwick", None, "10000000006")
    home = assess(inputs, definition)["10000000006"]
    young = next(r for r in home.reasons if r.signal == "young_people_out_of_area")
    assert young.value == 1
    assert home.young_people == ["police:HUB"]


def test_a_stop_nearby_counts_and_a_stop_across_town_does_not(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000007", "8 Bridge Street", "CV34 4AD", point=TAKEN_POINT)
    add_child(inputs, "NEAR", "Coventry")
    add_child(inputs, "FAR", "Coventry")
    near = (TAKEN_POINT[0] + 0.001, TAKEN_POINT[1])  # about 110 m north
    far = (TAKEN_POINT[0] + 0.02, TAKEN_POINT[1])  # about 2.2 km north
    incident(inputs, "S-1", "NEAR", days_ago(3), "Bridge Street, Warwick", "CV34 4ZZ", near, "stop_and_search",
             "subject", "Misuse of Drugs Act s.23 search")  # fmt: skip
    incident(inputs, "S-2", "FAR", days_ago(3), "Park Road, Warwick", "CV34 4ZY", far, "stop_and_search",
             "subject", "Misuse of Drugs Act s.23 search")  # fmt: skip
    home = assess(inputs, definition)["10000000007"]
    assert home.young_people == ["police:NEAR"]
    assert "stopped nearby" in home.reasons_text()


def test_intelligence_naming_a_shared_postcode_is_split_and_naming_the_address_is_not(
    definition: CuckooingDefinition,
) -> None:
    inputs = world()
    add_home(inputs, "10000000010", "1 Shared Close", "CV34 5SS")
    add_home(inputs, "10000000011", "3 Shared Close", "CV34 5SS")
    intel(inputs, "INT-P", days_ago(40), "Runner seen in the area", "CV34 5SS")
    intel(inputs, "INT-A", days_ago(30), "Address 3 Shared Close believed taken over", "CV34 5SS")
    homes = assess(inputs, definition)
    one = next(r for r in homes["10000000010"].reasons if r.signal == "intelligence")
    three = next(r for r in homes["10000000011"].reasons if r.signal == "intelligence")
    assert one.value == pytest.approx(0.5)
    assert three.value == pytest.approx(1.5)


def test_a_recent_burst_is_a_change_in_pattern_and_a_steady_history_is_not(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000020", "2 New Street")
    add_home(inputs, "10000000021", "4 Old Street")
    for n in range(4):
        report(inputs, "10000000020", "visitors_at_all_hours", days_ago(10 + 5 * n))
    for n in range(16):  # one report every three weeks all year
        report(inputs, "10000000021", "visitors_at_all_hours", days_ago(5 + 21 * n))
    homes = assess(inputs, definition)
    assert reason(homes["10000000020"], "change_in_pattern") > 5
    assert reason(homes["10000000021"], "change_in_pattern") == 0


def test_a_closure_order_shows_in_the_status(definition: CuckooingDefinition) -> None:
    inputs = world()
    cuckooed_home(inputs)
    incident(inputs, "INC-9", "TEN-" + TAKEN, days_ago(2), "Flat 2, 12 Castle Street, Warwick", "CV34 4AB",
             TAKEN_POINT, role="victim", offence="Closure order granted",
             outcome="Property closed for three months; tenant safeguarded")  # fmt: skip
    assert assess(inputs, definition)[TAKEN].status.startswith("closure order")


def test_runner_phones_sleeping_on_the_nearest_cell_count_from_three_nights(definition: CuckooingDefinition) -> None:
    inputs = world()
    add_home(inputs, "10000000030", "6 Cell Road", point=WARWICK)
    inputs.line_members = [LineMember("line-1", "+447700900001", "runner", "Warwick")]

    def presence(nights: int) -> NightPresence:
        return NightPresence("+447700900001", "line-1", "runner", "WRW001", nights, nights * 4,
                             date(2026, 5, 1), date(2026, 5, 20))  # fmt: skip

    inputs.night_presence = [presence(2)]
    assert "10000000030" not in assess(inputs, definition)  # no signal at all: not listed
    inputs.night_presence = [presence(3)]
    home = assess(inputs, definition)["10000000030"]
    assert reason(home, "night_phones") > 0
    assert "WRW001" in home.reasons_text()


def test_intelligence_naming_a_line_number_links_the_line(definition: CuckooingDefinition) -> None:
    inputs = world()
    cuckooed_home(inputs)
    inputs.line_members = [LineMember("line-7", "+447700900007", "line", "Coventry")]
    intel(inputs, "INT-L", days_ago(12), "'Jay' line runners at the address", "CV34 4AB", phone="+447700900007")
    assert assess(inputs, definition)[TAKEN].lines == ["line-7"]


def test_addresses_are_ranked_highest_score_first(definition: CuckooingDefinition) -> None:
    inputs = world()
    cuckooed_home(inputs)
    add_home(inputs, "10000000002", "4 Quiet Lane")
    report(inputs, "10000000002", "noise", days_ago(20))
    ranked = assess_cuckooing(context(inputs), definition)
    assert [a.rank for a in ranked] == list(range(1, len(ranked) + 1))
    assert ranked[0].uprn == TAKEN
    assert all(a.score >= b.score for a, b in itertools.pairwise(ranked))


def test_a_runner_phone_registered_at_the_address_links_the_person_and_the_line(
    definition: CuckooingDefinition,
) -> None:
    inputs = world()
    add_home(inputs, "10000000040", "14 Grove Drive", "CV34 4GD")
    add_home(inputs, "10000000041", "14 Grove Drive", "CV21 8XH", town="Rugby")  # same street name, other town
    inputs.registered_phones = [RegisteredPhone("+447700900004", "line-4", "runner", "14 Grove Dr, Warwick")]
    homes = assess(inputs, definition)
    home = homes["10000000040"]
    assert "1 line or runner phone registered at the address (+447700900004)" in home.reasons_text()
    assert home.lines == ["line-4"]
    assert "10000000041" not in homes


def test_as_of_an_earlier_date_leaves_out_what_happened_later(definition: CuckooingDefinition) -> None:
    """`--as-of` looks back: reports, incidents, findings and intelligence dated after it do not count."""
    inputs = world()
    cuckooed_home(inputs)  # every signal in the last 60 days
    reports = list(inputs.asb_reports)
    before = {a.uprn: a for a in assess_cuckooing(build_context(inputs, days_ago(100)), definition)}
    assert TAKEN not in before or before[TAKEN].level is Level.none
    during = {a.uprn: a for a in assess_cuckooing(build_context(inputs, days_ago(10)), definition)}
    assert during[TAKEN].flagged
    assert not any(e.evidence.date and e.evidence.date > days_ago(10) for e in during[TAKEN].evidence)
    assert inputs.asb_reports == reports  # the inputs themselves are left as they were
