"""One screening, computed: read the inputs, gather every indicator's candidate evidence, score all
in-scope subjects as at the date (twice: peers depend on the first pass), find when each first
reached moderate, and assemble every subject's reasons with their evidence.

Nothing is written here; linewatch.screening.run keeps the result in the store.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
from sqlalchemy import Engine

from linewatch.model import SchemaKind, default_model
from linewatch.screening.definitions import Definitions, Kind
from linewatch.screening.derive import build_views
from linewatch.screening.describe import describe
from linewatch.screening.evidence import CANDIDATES_DDL, Unavailable, gather
from linewatch.screening.inputs import (
    Inputs,
    load_lines,
    load_places,
    load_record_table,
    load_reference,
    load_sightings,
    load_subjects,
    newest_record,
)
from linewatch.screening.models import EvidenceItem, Reason, ScoreParts
from linewatch.screening.scoring import CORROBORATION, define_indicators, first_moderate, score_points
from linewatch.screening.subjects import build_profiles, build_scope
from linewatch.settings import Settings

Progress = Callable[[str], None]

# Records screening reads besides those indicators name: people (who the subject is), return
# home interviews (missing episodes), associations (links to deal-line phones).
ALWAYS_LOADED = ("Person", "ReturnHomeInterview", "Association")


@dataclass
class SubjectResult:
    subject_id: str
    score: float
    level: str
    first_moderate_at: date | None
    latest_evidence_at: date | None
    agencies: int
    age: int | None
    age_band: str
    sex: str
    ethnicity: str
    area: str
    local_authority: str
    parts: ScoreParts
    reasons: list[Reason]


@dataclass
class Computation:
    as_at: date
    definitions: Definitions
    inputs: Inputs
    unavailable: list[Unavailable]
    results: list[SubjectResult]
    seconds: dict[str, float] = field(default_factory=dict)

    def by_subject(self) -> dict[str, SubjectResult]:
        return {result.subject_id: result for result in self.results}


def open_inputs(
    settings: Settings, store: Engine, definitions: Definitions, progress: Progress | None = None
) -> tuple[duckdb.DuckDBPyConnection, Inputs]:
    """A DuckDB database holding everything the definitions need, with the derived views."""
    say = progress or (lambda _message: None)
    model = default_model()
    con = duckdb.connect()
    inputs = Inputs()
    wanted = {indicator.record for indicator in definitions.indicators} | set(ALWAYS_LOADED)
    say("Reading records from the store")
    dated: dict[str, str] = {}
    try:
        for name in sorted(wanted):
            if name not in model:
                continue
            schema = model[name]
            if schema.kind is SchemaKind.bulk:
                inputs.tables[schema.table_name] = load_sightings(store, settings, con) if name == "Sighting" else 0
            else:
                inputs.tables[schema.table_name] = load_record_table(store, con, schema)
            if schema.date_property:
                dated[f"t_{schema.table_name}"] = schema.date_property
        inputs.tables["subject_member"] = load_subjects(store, con)
        inputs.lines = load_lines(settings, con)
        inputs.places = load_places(settings, con)
        load_reference(settings, con)
        inputs.newest_record = newest_record(con, dated)
        build_profiles(con, definitions)
        build_views(con, {name.removeprefix("t_") for name in dated} | {"person"})
    except BaseException:
        con.close()
        raise
    return con, inputs


def default_as_at(inputs: Inputs, today: date | None = None) -> date:
    """Today, or the newest record held if that is earlier: feeds are extracts, and a screening
    as at a date after the newest record would let every window run out for want of data."""
    today = today or date.today()
    if inputs.newest_record is not None and inputs.newest_record < today:
        return inputs.newest_record
    return today


def compute(
    settings: Settings,
    store: Engine,
    definitions: Definitions,
    as_at: date | None = None,
    progress: Progress | None = None,
) -> Computation:
    """Screen every in-scope subject as at `as_at` (default: see `default_as_at`)."""
    say = progress or (lambda _message: None)
    clock: dict[str, float] = {}
    started = time.perf_counter()
    con, inputs = open_inputs(settings, store, definitions, progress)
    clock["read"] = time.perf_counter() - started
    try:
        day = as_at or default_as_at(inputs)
        present = {name for name, there in (("lines", inputs.lines), ("places", inputs.places)) if there}
        build_scope(con, definitions, day)
        define_indicators(con, definitions)
        say("Gathering evidence")
        con.execute(CANDIDATES_DDL)
        unavailable = gather(con, definitions, present, second_pass=False)
        con.execute(
            f"CREATE OR REPLACE TABLE points AS SELECT subject_id, DATE '{day.isoformat()}' AS as_at FROM in_scope"
        )
        say("Scoring (first pass)")
        first_moderate(con, definitions, day, "base_first", include_second_pass=False)
        con.execute("DELETE FROM peer_flags")
        con.execute("INSERT INTO peer_flags SELECT subject_id, first_moderate_at FROM base_first")
        unavailable += gather(con, definitions, present, second_pass=True)
        say("Scoring")
        score_points(con, definitions, "points", "final", include_second_pass=True)
        first_moderate(con, definitions, day, "final_first", include_second_pass=True)
        clock["score"] = time.perf_counter() - started - clock["read"]
        say("Explaining")
        results = _assemble(con, definitions, day)
        clock["explain"] = time.perf_counter() - started - clock["read"] - clock["score"]
    finally:
        con.close()
    return Computation(day, definitions, inputs, unavailable, results, clock)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _assemble(con: duckdb.DuckDBPyConnection, definitions: Definitions, as_at: date) -> list[SubjectResult]:
    """Every in-scope subject's result, with each fired indicator's evidence described."""
    con.execute(
        """
        CREATE OR REPLACE TABLE run_evidence AS
        SELECT DISTINCT c.subject_id, c.indicator, c.record_schema, c.agency, c.source_id, c.evidence_at
        FROM candidates c
        JOIN final_fired f ON f.subject_id = c.subject_id AND f.indicator = c.indicator
        JOIN indicator_def d ON d.id = c.indicator
        WHERE c.evidence_at <= f.as_at AND c.evidence_end >= f.as_at - d.window_days
        """
    )
    descriptions = _describe_evidence(con, definitions)
    evidence: dict[tuple[str, str], list[EvidenceItem]] = defaultdict(list)
    for row in _rows(con, "SELECT * FROM run_evidence ORDER BY evidence_at DESC, agency, source_id"):
        key = (row["indicator"], row["record_schema"], row["agency"], row["source_id"])
        evidence[(row["subject_id"], row["indicator"])].append(
            EvidenceItem(
                record_schema=row["record_schema"],
                agency=row["agency"],
                source_id=row["source_id"],
                date=row["evidence_at"],
                description=descriptions.get(key, row["record_schema"]),
            )
        )
    fired: dict[str, list[Reason]] = defaultdict(list)
    for row in _rows(con, "SELECT * FROM final_fired"):
        indicator = definitions.indicator(row["indicator"])
        items = evidence.get((row["subject_id"], row["indicator"]), [])
        fired[row["subject_id"]].append(
            Reason(
                indicator=indicator.id,
                label=indicator.label,
                kind=indicator.kind.value,
                points=indicator.weight,
                records=int(row["records"]),
                agencies=sorted({item.agency for item in items}),
                latest=row["latest"],
                evidence=items,
            )
        )
    cap = definitions.file.scoring
    results: list[SubjectResult] = []
    for row in _rows(
        con,
        """
        SELECT s.*, f.first_moderate_at, i.age, i.age_band, i.sex, i.ethnicity, i.area, i.local_authority
        FROM final s JOIN in_scope i USING (subject_id) LEFT JOIN final_first f USING (subject_id)
        ORDER BY s.subject_id
        """,
    ):
        reasons = fired.get(row["subject_id"], [])
        if row["corroboration"] > 0:
            reasons.append(_corroboration(reasons, float(row["corroboration"])))
        reasons = sorted(reasons, key=lambda r: (r.kind != Kind.warning_sign.value, -r.points, r.indicator))
        dates = [
            reason.latest
            for reason in reasons
            if reason.latest is not None and reason.kind != Kind.protective_factor.value
        ]
        agencies = {
            agency for reason in reasons if reason.kind != Kind.protective_factor.value for agency in reason.agencies
        }
        results.append(
            SubjectResult(
                subject_id=row["subject_id"],
                score=float(row["score"]),
                level=row["level"],
                first_moderate_at=row["first_moderate_at"],
                latest_evidence_at=max(dates) if dates else None,
                agencies=len(agencies),
                age=row["age"],
                age_band=row["age_band"],
                sex=row["sex"],
                ethnicity=row["ethnicity"],
                area=row["area"],
                local_authority=row["local_authority"],
                parts=ScoreParts(
                    warning_signs=float(row["signs"]),
                    corroboration=float(row["corroboration"]),
                    risk_factors=float(row["risks"]),
                    risk_factors_counted=min(float(row["risks"]), cap.risk_factor_cap),
                    protective_factors=float(row["protection"]),
                    protective_factors_counted=min(float(row["protection"]), cap.protective_cap),
                ),
                reasons=reasons,
            )
        )
    return results


def _corroboration(reasons: list[Reason], points: float) -> Reason:
    """The reason for the corroboration bonus: the agencies whose records gave warning signs."""
    signs = [reason for reason in reasons if reason.kind == Kind.warning_sign.value]
    agencies = sorted({agency for reason in signs for agency in reason.agencies})
    return Reason(
        indicator=CORROBORATION,
        label=f"Warning signs seen by {len(agencies)} agencies ({', '.join(agencies)})",
        kind=Kind.warning_sign.value,
        points=points,
        records=sum(reason.records for reason in signs),
        agencies=agencies,
        latest=max((reason.latest for reason in signs if reason.latest), default=None),
    )


def _describe_evidence(
    con: duckdb.DuckDBPyConnection, definitions: Definitions
) -> dict[tuple[str, str, str, str], str]:
    """(indicator, schema, agency, source id) -> a short description of the record."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for indicator in definitions.indicators:
        by_type[indicator.record].append(indicator.id)
    described: dict[tuple[str, str, str, str], str] = {}
    for record_name, indicator_ids in by_type.items():
        record = definitions.record_types[record_name]
        listed = ", ".join(f"'{indicator_id}'" for indicator_id in indicator_ids)
        keys = (
            "(SELECT DISTINCT indicator, record_schema, agency, source_id FROM run_evidence "
            f"WHERE indicator IN ({listed}))"
        )
        try:
            rows = _rows(
                con,
                f"SELECT k.indicator, k.record_schema AS evidence_schema, r.* FROM {keys} k "
                f"JOIN rec_{record.table} r ON r.agency = k.agency AND r.source_id = k.source_id",
            )
        except duckdb.CatalogException:
            continue  # the record type was not held: nothing fired on it
        for row in rows:
            key = (row["indicator"], row["evidence_schema"], row["agency"], row["source_id"])
            text = describe(record.name, row)
            described[key] = f"{described[key]}; {text}" if key in described and text not in described[key] else text
    return described
