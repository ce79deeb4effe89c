"""The SQL that turns one operator file's columns into checked values: numbers in E.164, UTC
times, durations, event types, IMEIs, coordinates; and for each value the problem, if any.

Everything is a column expression DuckDB evaluates over the whole file at once. Phone numbers
and IMEIs are first put into a candidate shape in SQL; each distinct candidate is then checked
once with the project's identifier checkers (`linewatch.identifiers`), so a number means the
same thing here as in agency records, at the cost of one Python call per distinct number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linewatch.lines.mapping import (
    CallColumns,
    CellSiteColumns,
    CommsMapping,
    RecordKind,
    SubscriberColumns,
)


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _as_text(column: str) -> str:
    return f"NULLIF(trim(CAST({quote_identifier(column)} AS VARCHAR)), '')"


def number_candidate(column: str, mapping: CommsMapping) -> str:
    """SQL for the E.164 shape of a number as the mapping says it is written."""
    raw = _as_text(column)
    # "(0)" in "+44 (0)7911 123456" is a trunk prefix to drop, not a digit of the number.
    cleaned = raw
    for removed in ("(0)", " ", "-", "(", ")", "."):
        cleaned = f"replace({cleaned}, '{removed}', '')"
    international = "WHEN prefix({c}, '+') THEN {c} WHEN prefix({c}, '00') THEN '+' || substr({c}, 3)"
    national = "WHEN prefix({c}, '0') THEN '+" + mapping.country_code + "' || substr({c}, 2)"
    rules = {
        "e164": "{c}",
        "international_digits": f"CASE {international} ELSE '+' || {{c}} END",
        "national": f"CASE {international} {national} END",
        "auto": f"CASE {international} {national} ELSE '+' || {{c}} END",
    }
    return "(" + rules[mapping.number_format].format(c=f"({cleaned})") + ")"


NUMBER_SHAPE = r"\+[1-9][0-9]{6,14}"
FORMAT_HINTS = {
    "e164": "E.164, e.g. +447911123456",
    "international_digits": "international digits, e.g. 447911123456",
    "national": "national or international, e.g. 07911 123456",
    "auto": "e.g. 07911 123456, 447911123456 or +447911123456",
}


def fast_number(column: str, mapping: CommsMapping) -> str:
    """SQL for the number as a BIGINT (E.164 digits) when written in the mapping's plain form,
    e.g. 447911123456 or +447911123456; anything else is NULL here and is looked up in the
    table of exceptions built from the file's distinct values (see ingest.py)."""
    ident = quote_identifier(column)
    text = f"CAST({ident} AS VARCHAR)"
    plain = f"TRY_CAST({text} AS BIGINT)"
    if mapping.number_format in ("international_digits", "auto"):
        guard = f"NOT prefix({text}, '0')"
    else:
        guard = f"prefix({text}, '+')"
    return f"(CASE WHEN {guard} THEN {plain} END)"


def imei_text(column: str) -> str:
    return f"CAST({quote_identifier(column)} AS VARCHAR)"


def time_expression(column: str, column_type: str, mapping: CommsMapping) -> str:
    """SQL for a start time as a naive TIMESTAMP in UTC, whatever the source column type; naive
    source times are read in the mapping's time zone. Instants are moved through epoch
    microseconds, which costs nothing, where a time-zone cast would consult the calendar per row."""
    ident = quote_identifier(column)
    upper = column_type.upper()
    if upper.startswith("TIMESTAMP WITH TIME ZONE") or upper == "TIMESTAMPTZ":
        return f"make_timestamp(epoch_us({ident}))"
    if upper.startswith("TIMESTAMP") or upper == "DATE":
        local = f"CAST({ident} AS TIMESTAMP)"
    else:
        formats = ", ".join(quote_literal(fmt) for fmt in mapping.time_formats)
        local = f"CAST(try_strptime({_as_text(column)}, [{formats}]) AS TIMESTAMP)"
    if mapping.timezone.upper() == "UTC":
        return local
    return f"make_timestamp(epoch_us(timezone({quote_literal(mapping.timezone)}, {local})))"


@dataclass(frozen=True, slots=True)
class Check:
    """One thing that makes a row bad: which source column, its raw text, when, and why."""

    column: str
    bad: str  # SQL: true when the row fails this check
    problem: str  # SQL: the reason, as text

    @property
    def raw(self) -> str:
        return _as_text(self.column)


@dataclass(frozen=True, slots=True)
class KindPlan:
    """How to read one kind of file: the identifier columns to check through their distinct
    values, the row checks, and the columns to write."""

    kind: RecordKind
    number_columns: dict[str, str]  # stored name -> source column
    imei_columns: dict[str, str]
    checks: list[Check]
    output: dict[str, str]  # stored column -> SQL over the source (identifiers are added)
    number_format: str = "auto"
    extra: dict[str, str] = field(default_factory=dict)


def identifier_checks(plan: KindPlan, fixes: set[str], required: set[str]) -> list[Check]:
    """Checks on identifier columns: missing, or listed in their exceptions table with a problem.
    `fixes` names the stored columns whose exceptions table is not empty."""
    checks = []
    for name, column in [*plan.number_columns.items(), *plan.imei_columns.items()]:
        if name in required:
            checks.append(Check(column, f"{_as_text(column)} IS NULL", "'is missing'"))
        if name in fixes:
            checks.append(Check(column, f"fix_{name}.problem IS NOT NULL", f"fix_{name}.problem"))
    return checks


def identifier_output(plan: KindPlan, mapping: CommsMapping, fixes: set[str]) -> dict[str, str]:
    output = {}
    for name, column in plan.number_columns.items():
        fast = fast_number(column, mapping)
        output[name] = f"coalesce(fix_{name}.value, {fast})" if name in fixes else fast
    for name, column in plan.imei_columns.items():
        text = imei_text(column)
        output[name] = f"coalesce(fix_{name}.value, {text})" if name in fixes else text
    return output


def _calls_plan(columns: CallColumns, types: dict[str, str], mapping: CommsMapping) -> KindPlan:
    checks = []
    started = time_expression(columns.started_at, types[columns.started_at], mapping)
    formats = " or ".join(mapping.time_formats)
    checks.append(
        Check(
            columns.started_at,
            f"{started} IS NULL",
            quote_literal(f"is missing or not a date and time (expected {formats})"),
        )
    )
    duration_type = types[columns.duration_seconds].upper()
    if duration_type in {"INTEGER", "BIGINT", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UBIGINT", "HUGEINT"}:
        duration = quote_identifier(columns.duration_seconds)
    else:
        value = f"TRY_CAST({_as_text(columns.duration_seconds)} AS DOUBLE)"
        duration = f"CASE WHEN {value} = floor({value}) THEN CAST({value} AS BIGINT) END"
    checks.append(
        Check(
            columns.duration_seconds,
            f"{_as_text(columns.duration_seconds)} IS NOT NULL AND (({duration}) IS NULL OR ({duration}) < 0)",
            "'is not a whole number of seconds, 0 or more'",
        )
    )
    raw_type = quote_identifier(columns.event_type)
    exact = " ".join(
        f"WHEN {quote_literal(code)} THEN {quote_literal(target)} "
        f"WHEN {quote_literal(code.upper())} THEN {quote_literal(target)}"
        for code, target in columns.event_types.items()
    )
    folded = " ".join(
        f"WHEN {quote_literal(code)} THEN {quote_literal(target)}" for code, target in columns.event_types.items()
    )
    kind = (
        f"(CASE CAST({raw_type} AS VARCHAR) {exact} ELSE (CASE lower({_as_text(columns.event_type)}) {folded} END) END)"
    )
    known = ", ".join(sorted(columns.event_types))
    checks.append(
        Check(
            columns.event_type, f"{kind} IS NULL", quote_literal(f"is not a known event type (expected one of {known})")
        )
    )
    output = {
        "started_at": started,
        "duration_seconds": f"CAST(coalesce({duration}, 0) AS INTEGER)",
        "event_type": kind,
        "cell_id": f"CAST({quote_identifier(columns.cell_id)} AS VARCHAR)"
        if columns.cell_id
        else "CAST(NULL AS VARCHAR)",
    }
    imeis = {"imei": columns.imei} if columns.imei else {}
    return KindPlan(
        RecordKind.calls,
        {"a_number": columns.a_number, "b_number": columns.b_number},
        imeis,
        checks,
        output,
        mapping.number_format,
    )


def _subscribers_plan(columns: SubscriberColumns, mapping: CommsMapping) -> KindPlan:
    checks: list[Check] = []

    def text(column: str | None) -> str:
        return _as_text(column) if column else "CAST(NULL AS VARCHAR)"

    registered = "CAST(NULL AS DATE)"
    if columns.registered:
        raw = _as_text(columns.registered)
        registered = f"CAST(try_strptime({raw}, {quote_literal(columns.date_format)}) AS DATE)"
        checks.append(
            Check(
                columns.registered,
                f"{raw} IS NOT NULL AND {registered} IS NULL",
                quote_literal(f"is not a date (expected {columns.date_format})"),
            )
        )
    payg = "CAST(NULL AS BOOLEAN)"
    if columns.pay_as_you_go:
        raw = _as_text(columns.pay_as_you_go)
        payg = (
            f"CASE WHEN lower({raw}) IN ('y', 'yes', 'true', '1', 't') THEN true "
            f"WHEN lower({raw}) IN ('n', 'no', 'false', '0', 'f') THEN false END"
        )
        checks.append(Check(columns.pay_as_you_go, f"{raw} IS NOT NULL AND ({payg}) IS NULL", "'is not yes or no'"))
    output = {
        "name": text(columns.name),
        "address": text(columns.address),
        "registered": registered,
        "pay_as_you_go": payg,
        "network": text(columns.network),
    }
    return KindPlan(RecordKind.subscribers, {"number": columns.number}, {}, checks, output, mapping.number_format)


def _cell_sites_plan(columns: CellSiteColumns) -> KindPlan:
    checks: list[Check] = []
    for column in (columns.cell_id, columns.town):
        checks.append(Check(column, f"{_as_text(column)} IS NULL", "'is missing'"))
    bounds = {columns.latitude: (-90, 90), columns.longitude: (-180, 180)}
    if columns.azimuth:
        bounds[columns.azimuth] = (0, 360)
    for column, (low, high) in bounds.items():
        raw = _as_text(column)
        value = f"TRY_CAST({raw} AS DOUBLE)"
        missing = f"{raw} IS NULL" if column != columns.azimuth else "false"
        checks.append(
            Check(
                column,
                f"{missing} OR ({raw} IS NOT NULL AND ({value} IS NULL OR {value} < {low} OR {value} > {high}))",
                quote_literal(f"is not a number from {low} to {high}"),
            )
        )
    output = {
        "cell_id": _as_text(columns.cell_id),
        "town": _as_text(columns.town),
        "latitude": f"TRY_CAST({_as_text(columns.latitude)} AS DOUBLE)",
        "longitude": f"TRY_CAST({_as_text(columns.longitude)} AS DOUBLE)",
        "azimuth": f"TRY_CAST({_as_text(columns.azimuth)} AS DOUBLE)" if columns.azimuth else "CAST(NULL AS DOUBLE)",
    }
    return KindPlan(RecordKind.cell_sites, {}, {}, checks, output)


def plan_for(kind: RecordKind, mapping: CommsMapping, types: dict[str, str]) -> KindPlan:
    if kind is RecordKind.calls and mapping.calls is not None:
        return _calls_plan(mapping.calls, types, mapping)
    if kind is RecordKind.subscribers and mapping.subscribers is not None:
        return _subscribers_plan(mapping.subscribers, mapping)
    if kind is RecordKind.cell_sites and mapping.cell_sites is not None:
        return _cell_sites_plan(mapping.cell_sites)
    raise ValueError(f"mapping {mapping.name} has no {kind.value} section")
