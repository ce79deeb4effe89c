"""Scores and levels: thresholds at their edges, caps on risk and protective factors, windows and
periods at their edges, counts, and the date a child first reached moderate."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from linewatch.screening.compute import Computation, compute
from linewatch.screening.definitions import Level, load_indicators
from tests.conftest import Store
from tests.screening.builders import County

AS_AT = date(2026, 9, 1)

SMALL = """
scope: {min_age: 8, max_age: 25}
levels: {emerging: 2, moderate: 5, significant: 10}
scoring: {risk_factor_cap: 3, protective_cap: 1, corroboration_agencies: 2, corroboration_points: 0.5}
subjects: {agency_priority: [education, police]}
sources: {test: "a test"}
indicators:
  - {id: went_missing, label: Went missing, kind: warning_sign, weight: 2.5, source: [test], record: MissingEpisode,
     window_days: 30, where: [{field: episode_type, in: [missing]}]}
  - {id: secretive, label: Secretive, kind: warning_sign, weight: 2.5, source: [test], record: Concern,
     window_days: 30, where: [{field: signs, has_any: [secretive]}]}
  - {id: found_drugs, label: Found with drugs, kind: warning_sign, weight: 2.5, source: [test],
     record: PoliceIncident, window_days: 30, where: [{field: drugs_found, is: true}]}
  - {id: big_stop, label: Found with three phones, kind: warning_sign, weight: 10, source: [test],
     record: PoliceIncident, window_days: 30, where: [{field: phones_found, at_least: 3}]}
  - {id: three_concerns, label: Three concerns, kind: warning_sign, weight: 1, source: [test], record: Concern,
     window_days: 60, min_count: 3, where: [{field: signs, present: true}]}
  - {id: looked_after, label: Looked after, kind: risk_factor, weight: 2, source: [test], record: SocialCareStatus,
     window_days: 0, where: [{field: status, in: [looked_after]}]}
  - {id: in_pru, label: In a PRU, kind: risk_factor, weight: 2, source: [test], record: EducationPlacement,
     window_days: 0, where: [{field: setting, in: [pru]}]}
  - {id: attends, label: Attends well, kind: protective_factor, weight: 2, source: [test], record: Attendance,
     window_days: 365, where: [{field: absence_rate, at_most: 0.05}]}
"""


def day(days_before: int) -> date:
    return AS_AT - timedelta(days=days_before)


def screen(store: Store, county: County, tmp_path: Path, as_at: date = AS_AT) -> Computation:
    county.write(store.engine, store.settings)
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return compute(store.settings, store.engine, load_indicators(path), as_at)


def missing(county: County, sid: str, days_before: int) -> None:
    county.record("MissingEpisode", sid, "police", reported_at=day(days_before), episode_type="missing")


def concern(county: County, sid: str, days_before: int, signs: str = "secretive") -> None:
    county.record(
        "Concern", sid, "education", concern_reference=f"C{sid}{days_before}", recorded_at=day(days_before), signs=signs
    )


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, Level.no_known_concern),
        (1.99, Level.no_known_concern),
        (2, Level.emerging),
        (4.99, Level.emerging),
        (5, Level.moderate),
        (9.99, Level.moderate),
        (10, Level.significant),
        (40, Level.significant),
    ],
)
def test_a_score_takes_the_highest_level_whose_threshold_it_reaches(score: float, level: Level, tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    assert load_indicators(path).levels.level_of(score) is level


def test_two_signs_adding_up_to_the_threshold_make_a_child_moderate(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    county.child("BOTH")
    county.child("ONE")
    missing(county, "BOTH", 3)
    county.record(
        "PoliceIncident",
        "BOTH",
        "police",
        incident_reference="I1",
        incident_type="stop_and_search",
        occurred_at=day(2),
        drugs_found=True,
    )
    missing(county, "ONE", 3)
    results = screen(sqlite_store, county, tmp_path).by_subject()
    assert (results["BOTH"].score, results["BOTH"].level) == (5.0, "moderate")
    assert (results["ONE"].score, results["ONE"].level) == (2.5, "emerging")


def test_signs_from_two_agencies_earn_the_corroboration_points(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    county.child("TWO_AGENCIES")
    county.child("ONE_AGENCY")
    county.child("RISK_ELSEWHERE")
    missing(county, "TWO_AGENCIES", 3)
    concern(county, "TWO_AGENCIES", 4)
    missing(county, "ONE_AGENCY", 3)
    county.record(
        "PoliceIncident",
        "ONE_AGENCY",
        "police",
        incident_reference="I1",
        incident_type="stop_and_search",
        occurred_at=day(2),
        phones_found=1,
    )
    missing(county, "RISK_ELSEWHERE", 3)
    county.record("SocialCareStatus", "RISK_ELSEWHERE", "social_care", status="looked_after", start_date=day(400))
    results = screen(sqlite_store, county, tmp_path).by_subject()
    both = results["TWO_AGENCIES"]
    assert (both.score, both.level, both.parts.corroboration) == (5.5, "moderate", 0.5)
    assert both.reasons[-1].indicator == "seen_by_several_agencies"
    assert both.reasons[-1].agencies == ["education", "police"]
    assert results["ONE_AGENCY"].parts.corroboration == 0
    assert results["RISK_ELSEWHERE"].parts.corroboration == 0  # a risk factor is not a warning sign
    assert results["RISK_ELSEWHERE"].score == 4.5


def test_risk_factors_alone_never_make_a_child_more_than_emerging(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    county.child("VULNERABLE")
    county.record("SocialCareStatus", "VULNERABLE", "social_care", status="looked_after", start_date=day(400))
    county.record("EducationPlacement", "VULNERABLE", "education", setting="pru", start_date=day(300))
    result = screen(sqlite_store, county, tmp_path).by_subject()["VULNERABLE"]
    assert result.parts.risk_factors == 4 and result.parts.risk_factors_counted == 3
    assert (result.score, result.level) == (3.0, "emerging")


def test_protective_factors_take_away_no_more_than_their_cap(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    county.child("SEEN")
    missing(county, "SEEN", 3)
    concern(county, "SEEN", 4)
    county.record(
        "Attendance", "SEEN", "education", term="T", term_start=day(120), sessions_possible=100, sessions_missed=2
    )
    result = screen(sqlite_store, county, tmp_path).by_subject()["SEEN"]
    assert result.parts.protective_factors == 2 and result.parts.protective_factors_counted == 1
    assert (result.score, result.level) == (4.5, "emerging")  # 2.5 + 2.5 + 0.5 (two agencies) - 1
    assert [r.indicator for r in result.reasons][-1] == "attends"  # protective factors are listed last


def test_a_record_on_the_last_day_of_its_window_counts_and_a_day_older_does_not(
    sqlite_store: Store, tmp_path: Path
) -> None:
    county = County()
    county.child("EDGE")
    county.child("OUT")
    missing(county, "EDGE", 30)
    missing(county, "OUT", 31)
    results = screen(sqlite_store, county, tmp_path).by_subject()
    assert results["EDGE"].score == 2.5
    assert results["OUT"].score == 0


def test_a_period_counts_while_open_and_not_after_it_ends(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    for sid, end in (("OPEN", None), ("TODAY", day(0)), ("ENDED", day(1))):
        county.child(sid)
        county.record("SocialCareStatus", sid, "social_care", status="looked_after", start_date=day(100), end_date=end)
    results = screen(sqlite_store, county, tmp_path).by_subject()
    assert results["OPEN"].score == 2 and results["TODAY"].score == 2
    assert results["ENDED"].score == 0


def test_an_indicator_needing_three_records_waits_for_the_third(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    county.child("THREE")
    county.child("TWO")
    for days_before in (5, 20, 50):
        concern(county, "THREE", days_before, "behaviour_change")
    for days_before in (5, 20, 61):
        concern(county, "TWO", days_before, "behaviour_change")
    results = screen(sqlite_store, county, tmp_path).by_subject()
    assert [r.indicator for r in results["THREE"].reasons] == ["three_concerns"]
    assert results["THREE"].reasons[0].records == 3
    assert results["TWO"].reasons == []


def test_a_screening_as_at_an_earlier_date_does_not_see_later_records(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    county.child("LATER")
    missing(county, "LATER", 20)
    concern(county, "LATER", 5)
    result = screen(sqlite_store, county, tmp_path, as_at=day(10)).by_subject()["LATER"]
    assert [r.indicator for r in result.reasons] == ["went_missing"]


def test_first_reached_moderate_is_the_day_the_second_sign_arrived(sqlite_store: Store, tmp_path: Path) -> None:
    county = County()
    county.child("TWO_SIGNS")
    county.child("TOO_FAR_APART")
    county.child("ONE_BIG")
    missing(county, "TWO_SIGNS", 20)
    concern(county, "TWO_SIGNS", 12)
    missing(county, "TOO_FAR_APART", 80)  # out of its window before the concern arrives
    concern(county, "TOO_FAR_APART", 12)
    county.record(
        "PoliceIncident",
        "ONE_BIG",
        "police",
        incident_reference="I1",
        incident_type="stop_and_search",
        occurred_at=day(200),
        phones_found=3,
    )
    results = screen(sqlite_store, county, tmp_path).by_subject()
    assert results["TWO_SIGNS"].first_moderate_at == day(12)
    assert results["TOO_FAR_APART"].first_moderate_at is None
    # reached significant 200 days ago and has since dropped back: the first date is kept
    assert results["ONE_BIG"].first_moderate_at == day(200)
    assert results["ONE_BIG"].level == "no_known_concern"


def test_a_protective_factor_leaving_its_window_can_be_the_day_a_child_reaches_moderate(
    sqlite_store: Store, tmp_path: Path
) -> None:
    county = County()
    county.child("ATTENDED")
    # 100 possible sessions: known 70 days after the term started, then counted for 365 days
    county.record(
        "Attendance", "ATTENDED", "education", term="T", term_start=day(446), sessions_possible=100, sessions_missed=1
    )
    missing(county, "ATTENDED", 28)
    concern(county, "ATTENDED", 27)
    computation = screen(sqlite_store, county, tmp_path)
    result = computation.by_subject()["ATTENDED"]
    assert result.score == 5.5  # 2.5 + 2.5 + 0.5 (two agencies): the good attendance no longer counts
    assert result.first_moderate_at == day(446) + timedelta(days=70 + 365 + 1)
    earlier = compute(sqlite_store.settings, sqlite_store.engine, computation.definitions, day(11)).by_subject()
    assert (earlier["ATTENDED"].score, earlier["ATTENDED"].level) == (4.5, "emerging")
