"""A screening run: compute every in-scope subject's screening and keep it in the store, with the
run's date, definitions file, settings and inputs, in one transaction. Runs are never replaced,
so each subject's history (and what changed since the last panel) can be read back."""

from __future__ import annotations

import getpass
import os
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, inspect, update

from linewatch.audit import hooks as audit_hooks
from linewatch.screening.compute import Computation, Progress, compute
from linewatch.screening.definitions import Kind, Level, indicators_path, load_indicators
from linewatch.screening.models import RunSummary, UnavailableIndicator
from linewatch.settings import Settings
from linewatch.store.engine import StoreError
from linewatch.store.statistics import refresh_statistics
from linewatch.store.tables_screening import SCREENING_TABLES, screening_evidence, screening_result, screening_run

BATCH = 5_000


def require_screening_tables(store: Engine) -> None:
    missing = [table.name for table in SCREENING_TABLES if not inspect(store).has_table(table.name)]
    if missing:
        raise StoreError(f"the store has no screening tables ({', '.join(missing)}): run `linewatch db upgrade`")


def run_screening(
    settings: Settings,
    store: Engine,
    as_at: date | None = None,
    definitions_file: Path | None = None,
    run_by: str | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Screen every in-scope subject as at `as_at` (default: today, or the newest record held if
    earlier) and keep the run. Returns the run's summary."""
    require_screening_tables(store)
    definitions = load_indicators(indicators_path(settings.data_dir, definitions_file))
    started_at = datetime.now().replace(microsecond=0)
    clock = time.perf_counter()
    computation = compute(settings, store, definitions, as_at, progress)
    if progress:
        progress("Saving the run")
    return save_run(store, computation, started_at, time.perf_counter() - clock, run_by or _user())


def _user() -> str:
    return os.environ.get("LINEWATCH_USER") or getpass.getuser()


def _display_path(path: Path) -> str:
    return str(path)[-1024:]


def save_run(store: Engine, computation: Computation, started_at: datetime, seconds: float, run_by: str) -> RunSummary:
    levels = Counter(result.level for result in computation.results)
    level_counts = {level.value: levels.get(level.value, 0) for level in Level}
    inputs: dict[str, Any] = {
        **computation.inputs.as_dict(),
        "unavailable": [{"indicator": u.indicator, "reason": u.reason} for u in computation.unavailable],
        "seconds": {name: round(value, 2) for name, value in computation.seconds.items()},
    }
    definitions = computation.definitions
    with store.begin() as connection:
        run_id = int(
            connection.execute(
                insert(screening_run).values(
                    as_at=computation.as_at,
                    started_at=started_at,
                    finished_at=None,
                    run_by=run_by[:128],
                    definitions=_display_path(definitions.path),
                    definitions_sha256=definitions.sha256,
                    settings=definitions.settings(),
                    inputs=inputs,
                    subjects_screened=len(computation.results),
                    levels=level_counts,
                    seconds=0.0,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        )
        results: list[dict[str, Any]] = []
        evidence: list[dict[str, Any]] = []
        for result in computation.results:
            results.append(
                {
                    "run_id": run_id,
                    "subject_id": result.subject_id,
                    "score": result.score,
                    "level": result.level,
                    "first_moderate_at": result.first_moderate_at,
                    "latest_evidence_at": result.latest_evidence_at,
                    "agencies": result.agencies,
                    "age": result.age,
                    "age_band": result.age_band,
                    "sex": result.sex,
                    "ethnicity": result.ethnicity,
                    "area": result.area[:64],
                    "local_authority": result.local_authority[:64],
                    "reasons": {
                        "parts": result.parts.model_dump(),
                        "fired": [reason.model_dump(mode="json", exclude={"evidence"}) for reason in result.reasons],
                    },
                }
            )
            if all(reason.kind == Kind.protective_factor.value for reason in result.reasons):
                continue  # nothing of concern: the records behind good attendance are not kept per run
            for reason in result.reasons:
                for item in reason.evidence:
                    evidence.append(
                        {
                            "run_id": run_id,
                            "subject_id": result.subject_id,
                            "indicator": reason.indicator,
                            "record_schema": item.record_schema,
                            "agency": item.agency,
                            "source_id": item.source_id,
                            "evidence_at": item.date,
                            "description": item.description,
                        }
                    )
        for start in range(0, len(results), BATCH):
            connection.execute(insert(screening_result), results[start : start + BATCH])
        for start in range(0, len(evidence), BATCH):
            connection.execute(insert(screening_evidence), evidence[start : start + BATCH])
        finished_at = datetime.now().replace(microsecond=0)
        connection.execute(
            update(screening_run)
            .where(screening_run.c.id == run_id)
            .values(finished_at=finished_at, seconds=round(seconds, 2))
        )
        audit_hooks.screening_run(connection, run_id, len(results), len(evidence))
    refresh_statistics(store, ("screening_run", "screening_result", "screening_evidence"))
    return RunSummary(
        run_id=run_id,
        as_at=computation.as_at,
        started_at=started_at,
        finished_at=finished_at,
        run_by=run_by,
        definitions=str(definitions.path),
        definitions_sha256=definitions.sha256,
        subjects_screened=len(computation.results),
        levels=level_counts,
        seconds=round(seconds, 2),
        inputs=inputs,
        unavailable=[UnavailableIndicator(indicator=u.indicator, reason=u.reason) for u in computation.unavailable],
    )
