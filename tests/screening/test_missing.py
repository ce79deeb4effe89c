"""Missing episodes for the hub: return home interviews due within 72 hours of the child's return
and overdue, children still missing, repeat episodes and where children were found."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from linewatch.screening import service
from linewatch.screening.missing import episode_status
from tests.conftest import Store
from tests.screening.builders import County

NOW = datetime(2026, 9, 1, 12, 0)


def hours(n: float) -> datetime:
    return NOW - timedelta(hours=n)


@pytest.mark.parametrize(
    ("returned", "interview", "completed", "status"),
    [
        (None, "none", None, "still_missing"),
        (hours(72), "none", None, "due"),
        (hours(72) - timedelta(seconds=1), "none", None, "overdue"),
        (hours(100), "completed", hours(28), "completed"),
        (hours(100), "completed", hours(27), "completed_late"),
        (hours(100), "declined", None, "declined"),
        (hours(100), "not_offered", None, "not_offered"),
    ],
)
def test_an_episode_is_due_for_72_hours_after_the_return_then_overdue(
    returned: datetime | None, interview: str, completed: datetime | None, status: str
) -> None:
    assert episode_status(returned, interview, completed, NOW) == status


def _episode(
    county: County, sid: str, source_id: str, reported: float, returned: float | None, **fields: object
) -> None:
    county.record(
        "MissingEpisode",
        sid,
        "police",
        source_id=source_id,
        reported_at=hours(reported),
        returned_at=hours(returned) if returned is not None else None,
        episode_type="missing",
        **fields,
    )


def _interview(county: County, sid: str, episode: str, offered: float, completed: float | None, outcome: str) -> None:
    county.record(
        "ReturnHomeInterview",
        sid,
        "social_care",
        episode_reference=episode,
        offered_at=hours(offered),
        completed_at=hours(completed) if completed is not None else None,
        outcome=outcome,
    )


@pytest.fixture
def missing_county(store: Store) -> Store:
    county = County()
    for sid in ("STILL", "DUE", "OVERDUE", "ONTIME", "LATE", "NOTOFF", "LATER", "REPEAT"):
        county.child(sid)
    _episode(county, "STILL", "M-STILL", 20, None)
    _episode(county, "DUE", "M-DUE", 40, 24)
    _episode(county, "OVERDUE", "M-OVERDUE", 130, 120)
    _episode(county, "ONTIME", "M-ONTIME", 250, 240)
    _interview(county, "ONTIME", "M-ONTIME", 230, 192, "completed")
    _episode(county, "LATE", "M-LATE", 250, 240)
    _interview(county, "LATE", "M-LATE", 200, 140, "completed")
    _episode(county, "NOTOFF", "M-NOTOFF", 250, 240)
    _interview(county, "NOTOFF", "M-NOTOFF", 200, None, "not_offered")
    _episode(county, "LATER", "M-LATER", 30, -10)  # found after the moment the list is drawn up
    _episode(
        county,
        "REPEAT",
        "M-R1",
        24 * 40,
        24 * 39,
        found_postcode="CV34 4AB",
        found_latitude=52.282,
        found_longitude=-1.5841,
    )
    _episode(county, "REPEAT", "M-R2", 24 * 20, 24 * 19, found_postcode="CV3 1AB")
    _episode(county, "REPEAT", "M-R3", 24 * 200, 24 * 199)  # outside the 90 days
    _interview(county, "REPEAT", "M-R1", 24 * 38, None, "declined")
    _interview(county, "REPEAT", "M-R2", 24 * 18, 24 * 17, "completed")
    county.write(store.engine, store.settings)
    return store


def test_the_hub_sees_interviews_due_overdue_and_children_still_missing(missing_county: Store) -> None:
    overview = service.missing(missing_county.settings, missing_county.engine, NOW, days=90)
    assert sorted(e.source_id for e in overview.still_missing) == ["M-LATER", "M-STILL"]
    assert [e.source_id for e in overview.due] == ["M-DUE"]
    assert overview.due[0].return_interview_due == hours(24) + timedelta(hours=72)
    assert [(e.source_id, e.status, e.hours_overdue) for e in overview.overdue] == [
        ("M-OVERDUE", "overdue", 48.0),
        ("M-NOTOFF", "not_offered", 168.0),
    ]
    assert overview.episodes == 9


def test_repeat_episodes_show_where_the_child_was_found(missing_county: Store) -> None:
    overview = service.missing(missing_county.settings, missing_county.engine, NOW, days=90)
    assert [pattern.subject_id for pattern in overview.repeats] == ["REPEAT"]
    pattern = overview.repeats[0]
    assert (pattern.episodes, pattern.episodes_90_days, pattern.not_interviewed) == (2, 2, 1)
    assert pattern.found_areas == ["Coventry", "Warwick"]
    assert pattern.furthest_km is not None and 13 < pattern.furthest_km < 16
    assert overview.found_areas["Warwick"] == 1


def test_an_interview_offered_after_the_moment_is_not_yet_known(missing_county: Store) -> None:
    earlier = NOW - timedelta(hours=235)  # the child returned 5 hours before; the offer came 5 hours after
    overview = service.missing(missing_county.settings, missing_county.engine, earlier, days=90)
    statuses = {e.source_id: e.status for e in overview.due + overview.overdue}
    assert statuses["M-ONTIME"] == "due"
    assert "M-DUE" not in statuses  # not yet reported missing then
