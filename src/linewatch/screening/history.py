"""Reading kept screening runs back: the latest run, a subject's result with its evidence, the
triage list, and what changed for a subject since a date (the last panel, say).

"Since a date" compares today's run with the screening kept from on or before that date (the
run whose `as_at` is the latest not after it): what the panel would have seen. When no such run
was kept, the records behind today's reasons dated after that date are still listed, and the
note says there is nothing to compare the level with.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from linewatch.screening.definitions import Level
from linewatch.screening.models import (
    EvidenceItem,
    IndicatorChange,
    Reason,
    RunSummary,
    ScoreParts,
    SubjectChanges,
    SubjectScreening,
    TriagePage,
    TriageRow,
    UnavailableIndicator,
)
from linewatch.store.tables_screening import screening_evidence, screening_result, screening_run


def _finished() -> Any:
    return screening_run.c.finished_at.is_not(None)


def latest_run(connection: Connection) -> Row[Any] | None:
    """The kept run describing the latest date (the latest made, among runs of that date)."""
    return connection.execute(
        select(screening_run)
        .where(_finished())
        .order_by(screening_run.c.as_at.desc(), screening_run.c.id.desc())
        .limit(1)
    ).first()


def run_by_id(connection: Connection, run_id: int) -> Row[Any] | None:
    return connection.execute(select(screening_run).where(screening_run.c.id == run_id, _finished())).first()


def _before(current: Row[Any]) -> Any:
    """Runs that come before `current`: as at an earlier date, or the same date but made earlier."""
    return and_(
        _finished(),
        screening_run.c.id != current.id,
        or_(
            screening_run.c.as_at < current.as_at,
            and_(screening_run.c.as_at == current.as_at, screening_run.c.id < current.id),
        ),
    )


def previous_run(connection: Connection, current: Row[Any]) -> Row[Any] | None:
    """The run just before `current`: what its levels are compared with."""
    return connection.execute(
        select(screening_run)
        .where(_before(current))
        .order_by(screening_run.c.as_at.desc(), screening_run.c.id.desc())
        .limit(1)
    ).first()


def baseline_run(connection: Connection, since: date, current: Row[Any]) -> Row[Any] | None:
    """The run kept from on or before `since`, before `current`."""
    return connection.execute(
        select(screening_run)
        .where(_before(current), screening_run.c.as_at <= since)
        .order_by(screening_run.c.as_at.desc(), screening_run.c.id.desc())
        .limit(1)
    ).first()


def summary(row: Row[Any]) -> RunSummary:
    inputs = dict(row.inputs or {})
    return RunSummary(
        run_id=row.id,
        as_at=row.as_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        run_by=row.run_by,
        definitions=row.definitions,
        definitions_sha256=row.definitions_sha256,
        subjects_screened=row.subjects_screened,
        levels=dict(row.levels or {}),
        seconds=row.seconds,
        inputs=inputs,
        unavailable=[UnavailableIndicator(**item) for item in inputs.get("unavailable", [])],
    )


def _evidence(connection: Connection, run_id: int, subject_id: str) -> dict[str, list[EvidenceItem]]:
    rows = connection.execute(
        select(screening_evidence)
        .where(screening_evidence.c.run_id == run_id, screening_evidence.c.subject_id == subject_id)
        .order_by(screening_evidence.c.evidence_at.desc(), screening_evidence.c.id)
    )
    found: dict[str, list[EvidenceItem]] = {}
    for row in rows:
        found.setdefault(row.indicator, []).append(
            EvidenceItem(
                record_schema=row.record_schema,
                agency=row.agency,
                source_id=row.source_id,
                date=row.evidence_at,
                description=row.description,
            )
        )
    return found


def subject_result(connection: Connection, run: Row[Any], subject_id: str) -> SubjectScreening | None:
    row = connection.execute(
        select(screening_result).where(screening_result.c.run_id == run.id, screening_result.c.subject_id == subject_id)
    ).first()
    if row is None:
        return None
    evidence = _evidence(connection, run.id, subject_id)
    previous = previous_run(connection, run)
    previous_level = (
        connection.execute(
            select(screening_result.c.level).where(
                screening_result.c.run_id == previous.id, screening_result.c.subject_id == subject_id
            )
        ).scalar()
        if previous is not None
        else None
    )
    stored = row.reasons or {}
    reasons = [
        Reason(**{**reason, "evidence": evidence.get(reason["indicator"], [])}) for reason in stored.get("fired", [])
    ]
    return SubjectScreening(
        subject_id=subject_id,
        run_id=run.id,
        as_at=run.as_at,
        score=row.score,
        level=row.level,
        previous_level=previous_level,
        first_moderate_at=row.first_moderate_at,
        latest_evidence_at=row.latest_evidence_at,
        agencies=row.agencies,
        age=row.age,
        age_band=row.age_band,
        sex=row.sex,
        ethnicity=row.ethnicity,
        area=row.area,
        local_authority=row.local_authority,
        parts=ScoreParts(**stored.get("parts", {})) if stored.get("parts") else _no_parts(),
        reasons=reasons,
    )


def _no_parts() -> ScoreParts:
    return ScoreParts(
        warning_signs=0, risk_factors=0, risk_factors_counted=0, protective_factors=0, protective_factors_counted=0
    )


def change_of(level: str, previous: str | None) -> str:
    if previous is None:
        return "new"
    now, before = Level(level).rank, Level(previous).rank
    return "raised" if now > before else "lowered" if now < before else "same"


def triage_page(
    connection: Connection,
    run: Row[Any],
    levels: list[str],
    since: date | None,
    limit: int,
    offset: int,
) -> TriagePage:
    """Subjects of a run at the given levels, highest level first, then the most recent evidence.
    With `since`: only those whose level changed or who have evidence dated after it."""
    level_rank = case({level.value: level.rank for level in Level}, value=screening_result.c.level, else_=0)
    previous = previous_run(connection, run)
    before = aliased(screening_result)
    query = (
        select(screening_result, before.c.level.label("previous_level"))
        .outerjoin(
            before,
            and_(
                before.c.run_id == (previous.id if previous is not None else -1),
                before.c.subject_id == screening_result.c.subject_id,
            ),
        )
        .where(screening_result.c.run_id == run.id, screening_result.c.level.in_(levels))
    )
    if since is not None:
        query = query.where(
            or_(
                screening_result.c.latest_evidence_at > since,
                before.c.level.is_(None),
                before.c.level != screening_result.c.level,
            )
        )
    total = connection.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
    rows = connection.execute(
        query.order_by(
            level_rank.desc(),
            screening_result.c.latest_evidence_at.desc().nulls_last(),
            screening_result.c.score.desc(),
            screening_result.c.subject_id,
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return TriagePage(
        run=summary(run),
        total=int(total),
        offset=offset,
        limit=limit,
        rows=[
            TriageRow(
                subject_id=row.subject_id,
                level=row.level,
                score=row.score,
                previous_level=row.previous_level,
                change=change_of(row.level, row.previous_level),
                first_moderate_at=row.first_moderate_at,
                latest_evidence_at=row.latest_evidence_at,
                agencies=row.agencies,
                age=row.age,
                sex=row.sex,
                area=row.area,
                reasons=[
                    reason["label"]
                    for reason in (row.reasons or {}).get("fired", [])
                    if reason["kind"] != "protective_factor"
                ],
            )
            for row in rows
        ],
    )


def changes_since(connection: Connection, run: Row[Any], subject_id: str, since: date) -> SubjectChanges | None:
    current = subject_result(connection, run, subject_id)
    if current is None:
        return None
    baseline = baseline_run(connection, since, run)
    before = subject_result(connection, baseline, subject_id) if baseline is not None else None
    now_reasons = {reason.indicator: reason for reason in current.reasons}
    old_reasons = {reason.indicator: reason for reason in before.reasons} if before else {}
    old_evidence = {
        (reason.indicator, item.record_schema, item.agency, item.source_id)
        for reason in (before.reasons if before else [])
        for item in reason.evidence
    }
    new_evidence: list[EvidenceItem] = []
    seen: set[tuple[str, str, str]] = set()
    for reason in current.reasons:
        for item in reason.evidence:
            key = (reason.indicator, item.record_schema, item.agency, item.source_id)
            # Without a baseline, what is dated after the date; with one, what was not behind its
            # reasons (dated since, loaded late, or not enough to fire then).
            is_new = item.date > since if baseline is None else key not in old_evidence
            record = (item.record_schema, item.agency, item.source_id)
            if is_new and record not in seen:
                seen.add(record)
                new_evidence.append(item)
    new_evidence.sort(key=lambda item: item.date, reverse=True)
    if baseline is None:
        note = (
            f"No screening was kept from on or before {since.isoformat()}: the level then is not known; "
            "records behind today's reasons dated after it are listed."
        )
    elif before is None:
        note = f"Not in the screening of {baseline.as_at.isoformat()} (not yet linked or not in scope then)."
    else:
        note = f"Compared with the screening as at {baseline.as_at.isoformat()} (run {baseline.id})."
    return SubjectChanges(
        subject_id=subject_id,
        since=since,
        baseline_run_id=baseline.id if baseline is not None else None,
        baseline_as_at=baseline.as_at if baseline is not None else None,
        current_run_id=run.id,
        current_as_at=run.as_at,
        level_before=before.level if before else None,
        level_now=current.level,
        score_before=before.score if before else None,
        score_now=current.score,
        new_reasons=[
            IndicatorChange(indicator=r.indicator, label=r.label, points=r.points)
            for key, r in now_reasons.items()
            if key not in old_reasons
        ]
        if before
        else [],
        gone_reasons=[
            IndicatorChange(indicator=r.indicator, label=r.label, points=r.points)
            for key, r in old_reasons.items()
            if key not in now_reasons
        ],
        new_evidence=new_evidence,
        note=note,
    )
