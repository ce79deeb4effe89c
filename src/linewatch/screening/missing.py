"""Missing episodes for the hub: return home interviews due (72 hours from the child's return,
statutory guidance) and overdue, children still missing, repeat patterns, and where children were
found (area, distance from home, another local authority, a flagged place).

Read straight from the store's current records, as at a moment (default: now, or the end of the
day of the newest record held if that is earlier), so the list is live rather than a kept run.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
from sqlalchemy import Engine

from linewatch.model import default_model
from linewatch.screening.definitions import Definitions, load_indicators
from linewatch.screening.derive import build_views
from linewatch.screening.inputs import (
    load_lines,
    load_places,
    load_record_table,
    load_reference,
    load_subjects,
    newest_record,
)
from linewatch.screening.models import MissingEpisodeRow, MissingOverview, RepeatPattern
from linewatch.screening.subjects import build_profiles
from linewatch.settings import Settings

RHI_HOURS = 72
UNINTERVIEWED = {"due", "overdue", "not_offered", "declined", "unable_to_contact", "offered"}


def episode_status(returned_at: datetime | None, interview: str, completed_at: datetime | None, as_at: datetime) -> str:
    """Where an episode stands for its return home interview as at a moment."""
    if returned_at is None:
        return "still_missing"
    if interview == "completed":
        on_time = completed_at is not None and completed_at <= returned_at + timedelta(hours=RHI_HOURS)
        return "completed" if on_time else "completed_late"
    if interview in ("declined", "unable_to_contact", "not_offered", "offered"):
        return interview
    return "due" if as_at <= returned_at + timedelta(hours=RHI_HOURS) else "overdue"


def _load(settings: Settings, store: Engine, definitions: Definitions) -> tuple[duckdb.DuckDBPyConnection, date | None]:
    model = default_model()
    con = duckdb.connect()
    for name in ("Person", "MissingEpisode", "ReturnHomeInterview"):
        load_record_table(store, con, model[name])
    load_subjects(store, con)
    load_lines(settings, con)
    load_places(settings, con)
    load_reference(settings, con)
    newest = max(
        (
            day
            for day in (
                newest_record(con, {"t_missing_episode": "reported_at"}),
                newest_record(con, {"t_missing_episode": "returned_at"}),
                newest_record(con, {"t_return_home_interview": "offered_at"}),
            )
            if day is not None
        ),
        default=None,
    )
    build_profiles(con, definitions)
    build_views(con, {"missing_episode", "return_home_interview", "person"})
    return con, newest


def missing_overview(
    settings: Settings,
    store: Engine,
    as_at: datetime | None = None,
    days: int = 90,
    definitions: Definitions | None = None,
) -> MissingOverview:
    """Episodes reported in the `days` before `as_at`, sorted into the hub's lists."""
    definitions = definitions or load_indicators()
    con, newest = _load(settings, store, definitions)
    try:
        if as_at is None:
            now = datetime.now().replace(microsecond=0)
            as_at = min(now, datetime.combine(newest, time(23, 59, 59))) if newest else now
        start = as_at - timedelta(days=days)
        cursor = con.execute(
            "SELECT * FROM rec_missing_episode WHERE reported_at <= ? AND reported_at > ? ORDER BY reported_at DESC",
            [as_at, start],
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    episodes = [_episode(row, as_at) for row in rows]
    return MissingOverview(
        as_at=as_at,
        days=days,
        episodes=len(episodes),
        still_missing=[e for e in episodes if e.status == "still_missing"],
        due=sorted((e for e in episodes if e.status == "due"), key=lambda e: e.return_interview_due or as_at),
        # the most recently overdue first: those an interview can still help
        overdue=sorted(
            (e for e in episodes if e.status in ("overdue", "not_offered")),
            key=lambda e: e.hours_overdue or 0.0,
        ),
        repeats=_repeats(episodes, as_at),
        found_areas=dict(Counter(e.found_area or "unknown" for e in episodes if e.returned_at).most_common()),
    )


def _known(moment: datetime | None, as_at: datetime) -> datetime | None:
    """A moment, if it had happened by `as_at` (a list as at an earlier time must not know later records)."""
    return moment if moment is not None and moment <= as_at else None


def _episode(row: dict[str, Any], as_at: datetime) -> MissingEpisodeRow:
    returned = _known(row.get("returned_at"), as_at)
    offered = _known(row.get("return_interview_offered_at"), as_at)
    completed = _known(row.get("return_interview_completed_at"), as_at)
    interview = str(row.get("return_interview") or "none")
    if offered is None:
        interview = "none"
    elif interview == "completed" and completed is None:
        interview = "offered"
    status = episode_status(returned, interview, completed, as_at)
    due = returned + timedelta(hours=RHI_HOURS) if returned else None
    overdue = (
        (as_at - due).total_seconds() / 3600 if due and status in ("overdue", "not_offered") and as_at > due else None
    )
    distance = row.get("found_distance_km")
    return MissingEpisodeRow(
        subject_id=row.get("subject_id"),
        agency=row["agency"],
        source_id=row["source_id"],
        reported_at=row["reported_at"],
        returned_at=returned,
        found_location=row.get("found_location") if returned else None,
        found_area=row.get("found_area") if returned else None,
        found_distance_km=float(distance) if distance is not None and returned else None,
        found_other_local_authority=bool(row.get("found_other_local_authority")) and returned is not None,
        flagged_place=row.get("flagged_place") if returned else None,
        return_interview=interview,
        return_interview_due=due,
        status=status,
        hours_overdue=round(overdue, 1) if overdue is not None else None,
    )


def _repeats(episodes: list[MissingEpisodeRow], as_at: datetime) -> list[RepeatPattern]:
    """Children missing twice or more in the window, most episodes first."""
    by_subject: dict[str, list[MissingEpisodeRow]] = {}
    for episode in episodes:
        if episode.subject_id:
            by_subject.setdefault(episode.subject_id, []).append(episode)
    patterns: list[RepeatPattern] = []
    recent = as_at - timedelta(days=90)
    for subject_id, items in by_subject.items():
        if len(items) < 2:
            continue
        distances = [e.found_distance_km for e in items if e.found_distance_km is not None]
        patterns.append(
            RepeatPattern(
                subject_id=subject_id,
                episodes=len(items),
                episodes_90_days=sum(1 for e in items if e.reported_at > recent),
                first_reported_at=min(e.reported_at for e in items),
                last_reported_at=max(e.reported_at for e in items),
                found_areas=sorted({e.found_area for e in items if e.found_area}),
                furthest_km=max(distances) if distances else None,
                not_interviewed=sum(1 for e in items if e.status in UNINTERVIEWED),
            )
        )
    return sorted(patterns, key=lambda p: (-p.episodes, -p.last_reported_at.timestamp(), p.subject_id))
