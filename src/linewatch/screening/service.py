"""What other parts of Linewatch (the command line, the web API) call: run a screening, read a
subject's latest screening with its reasons and evidence, the triage list, what changed since a
date, the missing-episode lists and the fairness report. Every function returns Pydantic models;
none checks who is asking (the caller authorises and redacts, by each evidence item's schema).
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, select

from linewatch.screening.compute import Progress
from linewatch.screening.definitions import Level
from linewatch.screening.fairness import DIMENSIONS, GroupCount, disproportionality, ethnic_group, rounded
from linewatch.screening.history import (
    changes_since as _changes_since,
)
from linewatch.screening.history import (
    latest_run as _latest_run,
)
from linewatch.screening.history import (
    run_by_id,
    subject_result,
    summary,
    triage_page,
)
from linewatch.screening.missing import missing_overview
from linewatch.screening.models import (
    FairnessReport,
    MissingOverview,
    RunSummary,
    SubjectChanges,
    SubjectHistoryPoint,
    SubjectScreening,
    TriagePage,
)
from linewatch.screening.run import require_screening_tables, run_screening
from linewatch.settings import Settings
from linewatch.store.tables_screening import screening_result, screening_run

__all__ = [
    "changes_since",
    "fairness_report",
    "latest_run",
    "missing",
    "screen",
    "subject_history",
    "subject_screening",
    "triage",
]

AT_RISK_LEVELS = [Level.emerging.value, Level.moderate.value, Level.significant.value]
MAX_PAGE = 500


class ScreeningNotFound(Exception):
    """No kept screening run (or not the one asked for)."""


def screen(
    settings: Settings,
    store: Engine,
    as_at: date | None = None,
    definitions_file: Path | None = None,
    run_by: str | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Screen every in-scope subject and keep the run."""
    return run_screening(settings, store, as_at, definitions_file, run_by, progress)


def _run(store: Engine, run_id: int | None) -> Row[Any]:
    require_screening_tables(store)
    with store.connect() as connection:
        run = run_by_id(connection, run_id) if run_id is not None else _latest_run(connection)
    if run is None:
        raise ScreeningNotFound(
            f"no screening run {run_id}" if run_id is not None else "no screening has been run: run `linewatch screen`"
        )
    return run


def latest_run(store: Engine) -> RunSummary | None:
    require_screening_tables(store)
    with store.connect() as connection:
        run = _latest_run(connection)
    return summary(run) if run is not None else None


def subject_screening(store: Engine, subject_id: str, run_id: int | None = None) -> SubjectScreening | None:
    """A subject's screening in the latest run (or a given one): score, level, reasons, evidence.
    None when the subject was not screened (out of scope or unknown)."""
    run = _run(store, run_id)
    with store.connect() as connection:
        return subject_result(connection, run, subject_id)


def triage(
    store: Engine,
    levels: list[str] | None = None,
    since: date | None = None,
    limit: int = 50,
    offset: int = 0,
    run_id: int | None = None,
) -> TriagePage:
    """Subjects by level (significant first) and recency of evidence, a page at a time."""
    wanted = levels or AT_RISK_LEVELS
    unknown = [level for level in wanted if level not in {lv.value for lv in Level}]
    if unknown:
        raise ValueError(f"unknown level {unknown[0]!r} (levels: {', '.join(lv.value for lv in Level)})")
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset 0 or more")
    run = _run(store, run_id)
    with store.connect() as connection:
        return triage_page(connection, run, wanted, since, limit, offset)


def changes_since(store: Engine, subject_id: str, since: date, run_id: int | None = None) -> SubjectChanges | None:
    """What changed for a subject since a date: level then and now, reasons gained and lost, and
    the records behind today's reasons that are new."""
    run = _run(store, run_id)
    with store.connect() as connection:
        return _changes_since(connection, run, subject_id, since)


def subject_history(store: Engine, subject_id: str) -> list[SubjectHistoryPoint]:
    """The subject's level in every kept run, oldest first."""
    require_screening_tables(store)
    with store.connect() as connection:
        rows = connection.execute(
            select(screening_run.c.id, screening_run.c.as_at, screening_result.c.level, screening_result.c.score)
            .join(screening_result, screening_result.c.run_id == screening_run.c.id)
            .where(screening_result.c.subject_id == subject_id, screening_run.c.finished_at.is_not(None))
            .order_by(screening_run.c.as_at, screening_run.c.id)
        ).all()
    return [SubjectHistoryPoint(run_id=r.id, as_at=r.as_at, level=r.level, score=r.score) for r in rows]


def missing(settings: Settings, store: Engine, as_at: datetime | None = None, days: int = 90) -> MissingOverview:
    """Return home interviews due and overdue, children still missing, repeats, where found."""
    if days < 1:
        raise ValueError("days must be 1 or more")
    return missing_overview(settings, store, as_at, days)


def read_population(path: Path) -> dict[tuple[str, str], int]:
    """A population file: CSV with columns dimension, group, population (e.g. ONS estimates)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"dimension", "group", "population"} <= set(reader.fieldnames):
                raise ValueError(f"{path}: needs the columns dimension, group, population")
            counts: dict[tuple[str, str], int] = {}
            for number, row in enumerate(reader, start=2):
                if row["dimension"] not in DIMENSIONS:
                    raise ValueError(
                        f"{path} row {number}: dimension {row['dimension']!r} is not one of {', '.join(DIMENSIONS)}"
                    )
                try:
                    value = int(row["population"])
                except ValueError:
                    raise ValueError(
                        f"{path} row {number}: population {row['population']!r} is not a whole number"
                    ) from None
                if value < 0:
                    raise ValueError(f"{path} row {number}: population must not be negative")
                counts[(row["dimension"], row["group"])] = value
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error}") from None
    return counts


def fairness_report(
    store: Engine,
    run_id: int | None = None,
    flagged_from: str = Level.moderate.value,
    population_file: Path | None = None,
    suppress: bool = True,
) -> FairnessReport:
    """Rates flagged by sex, ethnic group, age band, area and local authority against the
    population (the subjects screened, or a population file), with rate ratios."""
    if flagged_from not in {level.value for level in Level} or flagged_from == Level.no_known_concern.value:
        raise ValueError("flagged_from must be emerging, moderate or significant")
    threshold = Level(flagged_from).rank
    run = _run(store, run_id)
    with store.connect() as connection:
        rows = connection.execute(
            select(
                screening_result.c.level,
                screening_result.c.sex,
                screening_result.c.ethnicity,
                screening_result.c.age_band,
                screening_result.c.area,
                screening_result.c.local_authority,
            ).where(screening_result.c.run_id == run.id)
        ).all()
    population: dict[tuple[str, str], int] = {}
    flagged: dict[tuple[str, str], int] = {}
    for row in rows:
        groups = {
            "sex": row.sex,
            "ethnicity": ethnic_group(row.ethnicity),
            "age_band": row.age_band,
            "area": row.area,
            "local_authority": row.local_authority,
        }
        is_flagged = Level(row.level).rank >= threshold
        for dimension, group in groups.items():
            key = (dimension, group)
            population[key] = population.get(key, 0) + 1
            flagged[key] = flagged.get(key, 0) + int(is_flagged)
    source = "subjects screened (in scope, known to an agency)"
    if population_file is not None:
        population = read_population(population_file)
        source = str(population_file)
    counts = [
        GroupCount(dimension, group, count, flagged.get((dimension, group), 0))
        for (dimension, group), count in population.items()
    ]
    total_population = sum(c.population for c in counts if c.dimension == "sex") or len(rows)
    total_flagged = sum(1 for row in rows if Level(row.level).rank >= threshold)
    shown_population = rounded(total_population) if suppress else total_population
    shown_flagged = rounded(total_flagged) if suppress else total_flagged
    return FairnessReport(
        run_id=run.id,
        as_at=run.as_at,
        flagged_from=flagged_from,
        population_source=source,
        population=shown_population,
        flagged=shown_flagged,
        rate=shown_flagged / shown_population if shown_population else 0.0,
        suppressed=suppress,
        groups=disproportionality(counts, suppress),
    )
