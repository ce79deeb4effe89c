"""Screening metrics against the synthetic county's truth: recall of truly exploited children at
moderate or above, the share of the in-scope population flagged, precision, how many days
before the child's first exploitation-related police event the screening reached moderate, and
recall by sex and by ethnic group (girls are under-recorded by police in the county).

Subjects are mapped to true persons through their member records (the person most of a
subject's records belong to). A true person counts as flagged when any of their subjects is.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
from sqlalchemy import inspect, select

from linewatch.evaluate.registry import Figure, MetricUnavailable, metric
from linewatch.screening.definitions import Level
from linewatch.screening.fairness import ethnic_group
from linewatch.screening.history import latest_run
from linewatch.settings import load_settings
from linewatch.store.engine import make_engine
from linewatch.store.tables_linkage import subject_member
from linewatch.store.tables_screening import screening_result

FLAGGED = (Level.moderate.value, Level.significant.value)


@dataclass(frozen=True, slots=True)
class Flag:
    subject_id: str
    level: str
    first_moderate_at: date | None


def _truth(county: Path, name: str) -> list[dict[str, str]]:
    path = county / "truth" / name
    if not path.exists():
        raise MetricUnavailable(f"{path} is missing: not a county made by `linewatch synth`")
    cursor = duckdb.connect().execute("SELECT * FROM read_csv(?, header=true, all_varchar=true)", [str(path)])
    names = [column[0] for column in cursor.description]
    return [{k: (v or "") for k, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _when(text: str) -> date | None:
    if not text:
        return None
    return datetime.fromisoformat(text.strip()).date()


def subject_persons(county: Path, members: dict[tuple[str, str], str]) -> dict[str, str]:
    """Subject -> the true person most of its member records belong to."""
    truth = {(r["agency"], r["source_person_id"]): r["person_id"] for r in _truth(county, "person_records.csv")}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for record, subject_id in members.items():
        person = truth.get(record)
        if person:
            votes[subject_id][person] += 1
    return {subject_id: counts.most_common(1)[0][0] for subject_id, counts in votes.items()}


def quality_figures(county: Path, flags: list[Flag], members: dict[tuple[str, str], str]) -> list[Figure]:
    """The screening figures for one set of results (a stored run, or a computation)."""
    people = {row["person_id"]: row for row in _truth(county, "people.csv")}
    exploited = {row["person_id"]: row for row in _truth(county, "exploited_children.csv")}
    person_of = subject_persons(county, members)
    in_scope = {pid for pid, row in people.items() if row.get("in_scope") == "True"}
    flagged_subjects = [flag for flag in flags if flag.level in FLAGGED]
    flagged_persons: dict[str, date | None] = {}
    for flag in flagged_subjects:
        person = person_of.get(flag.subject_id)
        if person is None:
            continue
        earlier = flagged_persons.get(person)
        when = flag.first_moderate_at
        if person not in flagged_persons or (when is not None and (earlier is None or when < earlier)):
            flagged_persons[person] = when
    found = [pid for pid in exploited if pid in flagged_persons]
    recall = len(found) / len(exploited) if exploited else 0.0
    true_flags = sum(1 for flag in flagged_subjects if person_of.get(flag.subject_id) in exploited)
    precision = true_flags / len(flagged_subjects) if flagged_subjects else 0.0
    flagged_in_scope = len(set(flagged_persons) & in_scope)
    share = flagged_in_scope / len(in_scope) if in_scope else 0.0

    leads: list[int] = []
    others_first: list[int] = []  # children another agency's records showed before the police did
    for pid in found:
        police = _when(exploited[pid].get("first_police_event_at", ""))
        other = _when(exploited[pid].get("first_non_police_signal_at", ""))
        flagged_at = flagged_persons[pid]
        if police is not None and flagged_at is not None:
            leads.append((police - flagged_at).days)
            if other is not None and other < police:
                others_first.append((police - flagged_at).days)
    median_lead = float(statistics.median(leads)) if leads else 0.0
    ahead = sum(1 for lead in leads if lead > 0)

    def recall_of(group_of: dict[str, str]) -> dict[str, tuple[int, int]]:
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for pid in exploited:
            group = group_of[pid]
            totals[group][1] += 1
            totals[group][0] += pid in flagged_persons
        return {group: (hits, total) for group, (hits, total) in totals.items()}

    by_sex = recall_of({pid: exploited[pid].get("sex") or people[pid]["sex"] for pid in exploited})
    by_ethnicity = recall_of({pid: ethnic_group(people[pid]["ethnicity"]) for pid in exploited})

    def rate(counts: tuple[int, int]) -> float:
        return counts[0] / counts[1] if counts[1] else 0.0

    boys, girls = by_sex.get("male", (0, 0)), by_sex.get("female", (0, 0))
    figures = [
        Figure(
            "recall at moderate or above",
            recall,
            "share of truly exploited children (truth/exploited_children.csv) with a subject screened at moderate or "
            "significant in the latest screening run",
            ">= 0.85",
            f"{len(found)} of {len(exploited)} exploited children",
        ),
        Figure(
            "share of in-scope population flagged",
            share,
            "true in-scope persons (truth/people.csv in_scope) with a subject at moderate or above, over all in-scope "
            "persons (known to an agency or not)",
            "<= 0.05",
            f"{flagged_in_scope:,} of {len(in_scope):,}; {len(flagged_subjects):,} subjects flagged",
        ),
        Figure(
            "precision at moderate or above",
            precision,
            "share of subjects at moderate or above whose true person is an exploited child (the rest are "
            "look-alikes and other children whose records show concern; not a target: a hub reviews them)",
            None,
            f"{true_flags} of {len(flagged_subjects)}",
        ),
        Figure(
            "median days flagged before first police event",
            median_lead,
            "for exploited children flagged who have an exploitation-related police event: days from the date "
            "their score first reached moderate (scored as at each date on the records dated by then) to their "
            "first such police event (truth first_police_event_at); negative when police came first",
            ">= 30",
            f"{len(leads)} children; {ahead} flagged before their first police event",
        ),
        Figure(
            "median days ahead, children other agencies saw first",
            float(statistics.median(others_first)) if others_first else 0.0,
            "the same, only for children whose first non-police signal (truth first_non_police_signal_at) came "
            "before their first police event: those an early warning from other agencies could have reached",
            None,
            f"{len(others_first)} children",
        ),
        Figure(
            "recall gap, boys minus girls",
            rate(boys) - rate(girls),
            "recall at moderate or above of exploited boys minus that of exploited girls (girls are "
            "under-recorded by police in the county, so recall must not lean on police records)",
            "<= 0.05",
            f"boys {boys[0]}/{boys[1]} ({rate(boys):.2f}), girls {girls[0]}/{girls[1]} ({rate(girls):.2f})",
        ),
    ]
    for group in sorted(by_ethnicity):
        counts = by_ethnicity[group]
        figures.append(
            Figure(
                f"recall, ethnic group {group}",
                rate(counts),
                "recall at moderate or above among exploited children of this ONS high-level ethnic group",
                None,
                f"{counts[0]} of {counts[1]}",
            )
        )
    return figures


def stored_flags(workspace: Path) -> tuple[list[Flag], dict[tuple[str, str], str]]:
    """The latest screening run's results and the subject of every member record."""
    settings = load_settings(workspace)
    if settings.is_sqlite and not (workspace / "linewatch.db").exists():
        raise MetricUnavailable(f"no store in {workspace}: run `linewatch demo --county ... --no-serve` first")
    engine = make_engine(settings.database_url)
    try:
        if not inspect(engine).has_table("screening_run"):
            raise MetricUnavailable("the store has no screening tables: run `linewatch db upgrade`")
        with engine.connect() as connection:
            run = latest_run(connection)
            if run is None:
                raise MetricUnavailable("no screening run in the store: run `linewatch screen` (or the demo)")
            rows = connection.execute(
                select(
                    screening_result.c.subject_id, screening_result.c.level, screening_result.c.first_moderate_at
                ).where(screening_result.c.run_id == run.id)
            ).all()
            members = {
                (row.agency, row.source_id): row.subject_id
                for row in connection.execute(
                    select(subject_member.c.agency, subject_member.c.source_id, subject_member.c.subject_id)
                )
            }
    finally:
        engine.dispose()
    return [Flag(row.subject_id, row.level, row.first_moderate_at) for row in rows], members


@metric("early identification", "screening")
def early_identification(county: Path, workspace: Path) -> list[Figure]:
    flags, members = stored_flags(workspace)
    return quality_figures(county, flags, members)
