"""`linewatch comms ingest`: operator files (CSV or Parquet) into the analytics workspace.

One file is one batch, all or nothing: every bad row is reported with its file, row, column,
value and reason, and unless the caller accepts the valid rows nothing is written. The work is
done by DuckDB over the whole file (see checks.py); Python only sees distinct numbers and IMEIs.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv

from linewatch.feeds.errors import IngestError
from linewatch.identifiers import check_imei, check_phone
from linewatch.lines.checks import (
    FORMAT_HINTS,
    NUMBER_SHAPE,
    Check,
    KindPlan,
    fast_number,
    identifier_checks,
    identifier_output,
    number_candidate,
    plan_for,
    quote_identifier,
    quote_literal,
)
from linewatch.lines.engine import duckdb_connection
from linewatch.lines.mapping import CommsMapping, RecordKind, load_comms_mapping
from linewatch.lines.workspace import BatchRecord, CommsWorkspace
from linewatch.settings import Settings
from linewatch.util.safe_csv import open_safe_csv

SHOWN_PROBLEMS = 10
PARQUET = "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
REQUIRED_NUMBERS = {"a_number", "b_number", "number"}
NUMBER_PATTERN = re.compile(NUMBER_SHAPE)


class CommsIngestError(IngestError):
    """A comms file could not be loaded; nothing was written. str() says why."""


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    value: str | None
    problem: str

    def describe(self, file_name: str) -> str:
        shown = f" {self.value!r}" if self.value is not None else ""
        return f"{file_name} row {self.row}, column {self.column!r}:{shown} {self.problem}"


class CommsFileRejected(CommsIngestError):
    def __init__(self, file_name: str, problems: list[Problem], total: int, bad_rows: int, report: Path):
        self.report = report
        listed = "\n".join(f"  {problem.describe(file_name)}" for problem in problems)
        more = f"\n  ... and {total - len(problems)} more" if total > len(problems) else ""
        super().__init__(
            f"{file_name} was rejected: {bad_rows:,} row(s) have {total:,} problem(s), so nothing was loaded.\n"
            f"{listed}{more}\nEvery problem is listed in {report}. Fix the file and load it again, "
            "or load the valid rows with --accept-valid (the others stay in the rejects file)."
        )


@dataclass(frozen=True, slots=True)
class CommsIngestResult:
    file_name: str
    kind: RecordKind
    batch: str
    status: str  # loaded | loaded_with_rejects | already_loaded
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rejects_path: Path | None
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


def content_hash(path: Path, mapping_path: Path) -> str:
    """Names the batch: the same file through the same mapping is the same batch."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        digest.update(hashlib.file_digest(handle, "blake2b").digest())
    digest.update(mapping_path.read_bytes())
    return digest.hexdigest()


def _open_source(connection: duckdb.DuckDBPyConnection, path: Path, mapping: CommsMapping) -> None:
    """Make view `source`: the file's columns plus source_row (the spreadsheet row number,
    header = 1, for CSV; the 1-based record number for Parquet)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        connection.execute(
            "CREATE OR REPLACE TEMP VIEW source AS SELECT * EXCLUDE (file_row_number), "
            f"file_row_number + 1 AS source_row FROM read_parquet({quote_literal(str(path))}, file_row_number = true)"
        )
        return
    if suffix not in {".csv", ".txt"}:
        raise CommsIngestError(f"{path.name}: not a CSV or Parquet file (expected .csv or .parquet)")
    try:
        names = pa_csv.open_csv(path, parse_options=pa_csv.ParseOptions(delimiter=mapping.delimiter)).schema.names
        table = pa_csv.read_csv(
            path,
            parse_options=pa_csv.ParseOptions(delimiter=mapping.delimiter),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise CommsIngestError(f"{path.name}: cannot be read as CSV: {error}") from None
    rows = pa.array(range(2, table.num_rows + 2), pa.int64())
    connection.register("source_arrow", table.append_column("source_row", rows))
    connection.execute("CREATE OR REPLACE TEMP VIEW source AS SELECT * FROM source_arrow")


def _column_types(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = connection.execute("DESCRIBE source").fetchall()
    return {str(row[0]): str(row[1]) for row in rows}


def _distinct_identifiers(connection: duckdb.DuckDBPyConnection, plan: KindPlan) -> tuple[list[str], list[str]]:
    """The distinct texts of the number columns and of the IMEI columns, in one scan: unnest
    lays every identifier column out as one column, tagged 0 for numbers and 1 for IMEIs."""
    columns = [*plan.number_columns.values(), *plan.imei_columns.values()]
    if not columns:
        return [], []
    listed = ", ".join(f"CAST({quote_identifier(column)} AS VARCHAR)" for column in columns)
    tags = ", ".join(["0"] * len(plan.number_columns) + ["1"] * len(plan.imei_columns))
    rows = connection.sql(f"SELECT DISTINCT unnest([{listed}]) AS raw, unnest([{tags}]) AS tag FROM source").fetchall()
    numbers = [raw for raw, tag in rows if tag == 0 and raw is not None]
    imeis = [raw for raw, tag in rows if tag == 1 and raw is not None]
    return numbers, imeis


def _number_fixes(connection: duckdb.DuckDBPyConnection, raws_given: list[str], mapping: CommsMapping) -> pa.Table:
    """Every distinct number text whose stored value is not what the plain fast path gives, or
    that is not a valid number: (raw, value, problem). Usually empty, or a handful of rows."""
    hint = FORMAT_HINTS[mapping.number_format]
    connection.register("number_raws", pa.table({"raw": pa.array(raws_given, pa.string())}))
    distinct = connection.sql(
        f"SELECT raw, {fast_number('raw', mapping)} AS fast, {number_candidate('raw', mapping)} AS candidate "
        "FROM number_raws"
    ).fetchall()
    raws: list[str] = []
    values: list[int | None] = []
    problems: list[str | None] = []
    for raw, fast, candidate in distinct:
        value: int | None = None
        problem: str | None = None
        if not raw.strip():
            pass  # missing: reported by the missing-value check where the number is required
        elif candidate is None or not NUMBER_PATTERN.fullmatch(candidate):
            problem = f"is not a phone number ({hint})"
        else:
            checked = check_phone(candidate)
            if checked.valid:
                value = int(checked.value[1:])
            else:
                problem = f"is not a valid phone number: {checked.problem}"
        if problem is not None or value != _as_int(fast):
            raws.append(raw)
            values.append(value)
            problems.append(problem)
    return pa.table(
        {
            "raw": pa.array(raws, pa.string()),
            "value": pa.array(values, pa.int64()),
            "problem": pa.array(problems, pa.string()),
        }
    )


def _as_int(value: object) -> int | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return int(value)  # type: ignore[call-overload]


def _imei_fixes(distinct: list[str]) -> pa.Table:
    raws: list[str] = []
    values: list[str | None] = []
    problems: list[str | None] = []
    for raw in distinct:
        if not raw.strip():
            raws.append(raw)
            values.append(None)
            problems.append(None)
            continue
        checked = check_imei(raw)
        if checked.valid and checked.value == raw:
            continue
        raws.append(raw)
        values.append(checked.value if checked.valid else None)
        problems.append(None if checked.valid else f"is not a valid IMEI: {checked.problem}")
    return pa.table(
        {
            "raw": pa.array(raws, pa.string()),
            "value": pa.array(values, pa.string()),
            "problem": pa.array(problems, pa.string()),
        }
    )


def _checked_view(connection: duckdb.DuckDBPyConnection, plan: KindPlan, mapping: CommsMapping) -> list[Check]:
    """View `checked`: the stored columns, plus `bad` (the row fails a check); returns the checks."""
    fixes: set[str] = set()
    joins: list[str] = []
    numbers, imeis = _distinct_identifiers(connection, plan)
    for names, table, label in (
        (plan.number_columns, _number_fixes(connection, numbers, mapping) if plan.number_columns else None, "number"),
        (plan.imei_columns, _imei_fixes(imeis) if plan.imei_columns else None, "imei"),
    ):
        if table is None or table.num_rows == 0:
            continue
        connection.register(f"{label}_fixes", table)
        for name, column in names.items():
            fixes.add(name)
            joins.append(
                f"LEFT JOIN {label}_fixes AS fix_{name} "
                f"ON fix_{name}.raw = CAST(source.{quote_identifier(column)} AS VARCHAR)"
            )
    checks = [*identifier_checks(plan, fixes, REQUIRED_NUMBERS), *plan.checks]
    output = {**identifier_output(plan, mapping, fixes), **plan.output}
    outputs = ", ".join(f"{sql} AS {quote_identifier(name)}" for name, sql in output.items())
    bad = " OR ".join(f"coalesce({check.bad}, false)" for check in checks) or "false"
    problems = ", ".join(
        f"CASE WHEN {check.bad} THEN "
        f"{{'column': {quote_literal(check.column)}, 'value': {check.raw}, 'problem': {check.problem}}} END"
        for check in checks
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW checked AS SELECT source_row, {outputs}, ({bad}) AS bad, "
        f"[{problems}] AS problems FROM source {' '.join(joins)}"
    )
    return checks


def _write_if_clean(
    connection: duckdb.DuckDBPyConnection, plan: KindPlan, mapping: CommsMapping, partial: Path, columns: str, rows: int
) -> bool:
    """The usual case, a clean file in the mapping's plain number form, in one pass: write every
    row with the fast-path values, then check the distinct numbers and IMEIs of what was written
    (integers, and far fewer than rows). False (and the caller takes the careful route, which
    finds each problem's row and cell) if any row or identifier is not clean."""
    checks = [*identifier_checks(plan, set(), set()), *plan.checks]
    checks += [
        Check(column, f"{fast_number(column, mapping)} IS NULL", "''") for column in plan.number_columns.values()
    ]
    output = {**identifier_output(plan, mapping, set()), **plan.output}
    outputs = ", ".join(f"{sql} AS {quote_identifier(name)}" for name, sql in output.items())
    bad = " OR ".join(f"coalesce({check.bad}, false)" for check in checks) or "false"
    written = int(
        connection.execute(
            f"COPY (SELECT {columns} FROM (SELECT {outputs}, ({bad}) AS bad FROM source) WHERE NOT bad) "
            f"TO {quote_literal(str(partial))} {PARQUET}"
        ).fetchall()[0][0]
    )
    if written != rows:
        return False
    stored = f"read_parquet({quote_literal(str(partial))})"
    if plan.number_columns:
        for value in _distinct_values(connection, stored, list(plan.number_columns)):
            if value in _VALID_NUMBERS:
                continue
            checked = check_phone(f"+{value}")
            if not (checked.valid and checked.value == f"+{value}"):
                return False
            _remember(_VALID_NUMBERS, value)
    if plan.imei_columns:
        for value in _distinct_values(connection, stored, list(plan.imei_columns)):
            if value is None or value in _VALID_IMEIS:
                continue
            imei = check_imei(value)
            if not (imei.valid and imei.value == value):
                return False
            _remember(_VALID_IMEIS, value)
    return True


def _distinct_values(connection: duckdb.DuckDBPyConnection, stored: str, columns: list[str]) -> list[Any]:
    """The distinct values of `columns` of the stored file, all columns together."""
    selects = [f"SELECT {quote_identifier(name)} AS v FROM {stored}" for name in columns]
    query = f"SELECT DISTINCT v FROM ({' UNION ALL '.join(selects)}) stored_values"
    return [value for (value,) in connection.execute(query).fetchall()]


# Stored numbers and IMEIs already found valid in this process. The files of one load share
# most of their numbers and handsets, and a valid value stays valid, so each distinct value is
# checked once per process rather than once per file. Bounded: forgotten past MAX_REMEMBERED.
MAX_REMEMBERED = 2_000_000
_VALID_NUMBERS: set[int] = set()
_VALID_IMEIS: set[str] = set()


def _remember(seen: set[Any], value: object) -> None:
    if len(seen) >= MAX_REMEMBERED:
        seen.clear()
    seen.add(value)


def _write_rejects(connection: duckdb.DuckDBPyConnection, report: Path, file_name: str) -> list[Problem]:
    rows = connection.execute(
        "SELECT source_row, p.column, p.value, p.problem FROM "
        "(SELECT source_row, unnest(list_filter(problems, lambda p: p IS NOT NULL)) AS p FROM checked WHERE bad) "
        "ORDER BY source_row"
    ).fetchall()
    handle, writer = open_safe_csv(report)
    with handle:
        writer.writerow(["file", "row", "column", "value", "problem"])
        for row, column, value, problem in rows:
            writer.writerow([file_name, row, column, value, problem])
    return [Problem(int(row), str(column), value, str(problem)) for row, column, value, problem in rows]


def ingest_comms_file(
    path: Path, mapping_name: str, settings: Settings, *, accept_valid: bool = False
) -> CommsIngestResult:
    """Load one operator file as a batch of the workspace; see the module docstring."""
    started = time.perf_counter()
    if not path.exists():
        raise CommsIngestError(f"{path}: no such file")
    mapping, mapping_path = load_comms_mapping(mapping_name)
    workspace = CommsWorkspace(settings.analytics_dir)
    batch = content_hash(path, mapping_path)
    existing = workspace.find_batch(batch)
    if existing is not None:
        return CommsIngestResult(
            path.name,
            RecordKind(existing.kind),
            batch,
            "already_loaded",
            existing.rows_read,
            existing.rows_loaded,
            existing.rows_rejected,
            Path(existing.rejects_path) if existing.rejects_path else None,
            time.perf_counter() - started,
        )
    # Stored records are a set: their order in the file does not matter, and DuckDB writes
    # faster when it need not keep it (the connection does not keep it).
    connection = duckdb_connection()
    try:
        _open_source(connection, path, mapping)
        types = _column_types(connection)
        kind = mapping.kind_of([name for name in types if name != "source_row"])
        if kind is None:
            raise CommsIngestError(
                f"{path.name}: its columns ({', '.join(name for name in types if name != 'source_row')}) do not match "
                f"any kind of file in mapping {mapping.name} (expected {mapping.expected_columns()})"
            )
        plan = plan_for(kind, mapping, types)
        rows_read = int(connection.execute("SELECT count(*) FROM source").fetchall()[0][0])
        target = workspace.batch_file(kind, batch)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".parquet.partial")
        columns = ", ".join(quote_identifier(name) for name in [*plan.number_columns, *plan.imei_columns, *plan.output])
        if _write_if_clean(connection, plan, mapping, partial, columns, rows_read):
            written = rows_read
        else:
            _checked_view(connection, plan, mapping)
            written = int(
                connection.execute(
                    f"COPY (SELECT {columns} FROM checked WHERE NOT bad) TO {quote_literal(str(partial))} {PARQUET}"
                ).fetchall()[0][0]
            )
        bad_rows = rows_read - written
        report: Path | None = None
        if bad_rows:
            report = settings.rejects_dir / "comms" / f"{path.stem}-{batch[:12]}.csv"
            problems = _write_rejects(connection, report, path.name)
            if not accept_valid:
                partial.unlink(missing_ok=True)
                raise CommsFileRejected(path.name, problems[:SHOWN_PROBLEMS], len(problems), bad_rows, report)
    finally:
        connection.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    seconds = time.perf_counter() - started
    record = BatchRecord(
        batch=batch,
        kind=kind.value,
        file=str(path.resolve()),
        mapping=mapping.name,
        rows_read=rows_read,
        rows_loaded=rows_read - bad_rows,
        rows_rejected=bad_rows,
        rejects_path=str(report) if report else None,
        loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(seconds, 3),
    )
    workspace.save_record(record)
    status = "loaded_with_rejects" if bad_rows else "loaded"
    return CommsIngestResult(path.name, kind, batch, status, rows_read, rows_read - bad_rows, bad_rows, report, seconds)
