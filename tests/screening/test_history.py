"""Kept screening runs, through the service the web API calls: triage by level and recency, a
subject's reasons with their evidence, and what changed since the last panel. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from linewatch.screening import service
from linewatch.store.tables_screening import screening_evidence, screening_result, screening_run
from tests.conftest import Store
from tests.screening.builders import County

TODAY = date(2026, 9, 1)
PANEL = TODAY - timedelta(days=15)


def day(days_before: int) -> date:
    return TODAY - timedelta(days=days_before)


def county() -> County:
    """HIGH: NRM referral long ago, arrested for supply since the panel. MID: missing since the
    panel, found far away with older males. NEWCOMER: a school concern since the panel. STEADY:
    an NRM referral long ago and nothing since. LOW: suspended. NONE: nothing."""
    c = County()
    for sid in ("HIGH", "MID", "NEWCOMER", "STEADY", "LOW", "NONE"):
        c.child(sid)
    c.person("NONE", "education")
    for sid in ("HIGH", "STEADY"):
        c.record(
            "NRMReferral",
            sid,
            "social_care",
            source_id=f"N-{sid}",
            nrm_reference=f"N-{sid}",
            referred_at=day(100),
            reasonable_grounds="positive",
        )
    c.record(
        "PoliceIncident",
        "HIGH",
        "police",
        source_id="ARREST-1",
        incident_reference="I-1",
        incident_type="arrest",
        occurred_at=day(8),
        offence="Possession with intent to supply",
        role="subject",
    )
    c.record(
        "MissingEpisode",
        "MID",
        "police",
        source_id="MIS-1",
        reported_at=day(10),
        returned_at=day(9),
        episode_type="missing",
        found_postcode="CV34 4AB",
        found_latitude=52.282,
        found_longitude=-1.5841,
        found_with="two older males",
    )
    c.record(
        "Concern",
        "NEWCOMER",
        "education",
        concern_reference="C-1",
        recorded_at=day(5),
        signs="hotel_keys",
        narrative="SECRET NARRATIVE TEXT",
    )
    c.record(
        "Exclusion", "LOW", "education", exclusion_type="suspension", start_date=day(40), reason="drug_and_alcohol"
    )
    return c


@pytest.fixture
def screened(store: Store) -> Store:
    county().write(store.engine, store.settings)
    service.screen(store.settings, store.engine, as_at=PANEL, run_by="test")
    service.screen(store.settings, store.engine, as_at=TODAY, run_by="test")
    return store


def test_a_run_keeps_every_in_scope_subject_with_reasons_and_evidence(screened: Store) -> None:
    with screened.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(screening_run)).scalar() == 2
        run_id = connection.execute(select(func.max(screening_run.c.id))).scalar()
        results = connection.execute(select(func.count()).where(screening_result.c.run_id == run_id)).scalar()
        evidence = connection.execute(select(func.count()).where(screening_evidence.c.run_id == run_id)).scalar()
    assert results == 6
    assert evidence and evidence >= 5
    latest = service.latest_run(screened.engine)
    assert latest is not None and latest.as_at == TODAY
    assert latest.levels == {"no_known_concern": 1, "emerging": 1, "moderate": 3, "significant": 1}


def test_triage_lists_the_highest_level_first_then_the_most_recent_evidence(screened: Store) -> None:
    page = service.triage(screened.engine)
    assert [row.subject_id for row in page.rows] == ["HIGH", "NEWCOMER", "MID", "STEADY", "LOW"]
    assert page.total == 5
    assert [row.change for row in page.rows] == ["raised", "raised", "raised", "same", "same"]
    second = service.triage(screened.engine, limit=2, offset=2)
    assert [row.subject_id for row in second.rows] == ["MID", "STEADY"] and second.total == 5


def test_triage_since_the_panel_leaves_out_those_with_nothing_new(screened: Store) -> None:
    page = service.triage(screened.engine, levels=["significant", "moderate"], since=PANEL)
    assert [row.subject_id for row in page.rows] == ["HIGH", "NEWCOMER", "MID"]


def test_a_subjects_reasons_carry_the_records_behind_them(screened: Store) -> None:
    found = service.subject_screening(screened.engine, "MID")
    assert found is not None and found.level == "moderate" and found.previous_level == "no_known_concern"
    reasons = {reason.indicator: reason for reason in found.reasons}
    assert set(reasons) == {
        "missing_episode",
        "missing_found_away",
        "missing_found_with_adults",
        "missing_no_return_interview",
    }
    away = reasons["missing_found_away"].evidence[0]
    assert (away.record_schema, away.agency, away.source_id, away.date) == ("MissingEpisode", "police", "MIS-1", day(9))
    assert "Warwick" in away.description and "another local authority area" in away.description
    assert found.score == sum(reason.points for reason in found.reasons)


def test_an_explanation_never_quotes_a_narrative(screened: Store) -> None:
    found = service.subject_screening(screened.engine, "NEWCOMER")
    assert found is not None
    texts = [item.description for reason in found.reasons for item in reason.evidence]
    assert texts and not any("SECRET" in text for text in texts)
    assert any("hotel keys" in text for text in texts)


def test_what_changed_since_the_panel(screened: Store) -> None:
    changes = service.changes_since(screened.engine, "HIGH", PANEL)
    assert changes is not None
    assert (changes.level_before, changes.level_now) == ("moderate", "significant")
    assert changes.baseline_as_at == PANEL
    assert [reason.indicator for reason in changes.new_reasons] == ["arrest_drug_supply", "seen_by_several_agencies"]
    assert changes.gone_reasons == []
    assert [item.source_id for item in changes.new_evidence] == ["ARREST-1"]


def test_what_changed_since_a_date_with_no_kept_screening(screened: Store) -> None:
    changes = service.changes_since(screened.engine, "HIGH", day(200))
    assert changes is not None
    assert changes.baseline_run_id is None and changes.level_before is None
    assert "No screening was kept" in changes.note
    assert {item.source_id for item in changes.new_evidence} == {"ARREST-1", "N-HIGH"}


def test_a_subjects_history_lists_every_run(screened: Store) -> None:
    history = service.subject_history(screened.engine, "HIGH")
    assert [(point.as_at, point.level) for point in history] == [(PANEL, "moderate"), (TODAY, "significant")]


def test_the_latest_run_is_the_one_describing_the_latest_date(screened: Store) -> None:
    service.screen(screened.settings, screened.engine, as_at=day(30), run_by="test")
    latest = service.latest_run(screened.engine)
    assert latest is not None and latest.as_at == TODAY


def test_reading_before_any_screening_says_what_to_do(store: Store) -> None:
    with pytest.raises(service.ScreeningNotFound, match="linewatch screen"):
        service.triage(store.engine)


def test_triage_refuses_an_unknown_level(screened: Store) -> None:
    with pytest.raises(ValueError, match="unknown level 'high'"):
        service.triage(screened.engine, levels=["high"])
