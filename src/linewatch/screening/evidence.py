"""Turn each indicator into SQL over its record view and gather every record that matches it,
with the subject, the record's provenance and the dates it counts from and until.

Windows are not applied here: a matching record is a candidate whatever its date, so the same
candidates serve a screening as at any date (see linewatch.screening.scoring).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from linewatch.screening.definitions import Condition, Definitions, Indicator
from linewatch.screening.fields import Field, FieldType, RecordType
from linewatch.screening.inputs import sql_text

FAR_FUTURE = "DATE '9999-12-31'"

CANDIDATES_DDL = """
CREATE OR REPLACE TABLE candidates (
    subject_id VARCHAR, indicator VARCHAR, record_schema VARCHAR, agency VARCHAR, source_id VARCHAR,
    evidence_at DATE, evidence_end DATE
)
"""


@dataclass(frozen=True, slots=True)
class Unavailable:
    indicator: str
    reason: str


def _column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def condition_sql(condition: Condition, field: Field) -> str:
    column = _column(field.name)
    if condition.in_ is not None:
        values = ", ".join(sql_text(value) for value in condition.in_)
        if field.type is FieldType.text:
            lowered = ", ".join(sql_text(value.lower()) for value in condition.in_)
            return f"lower(trim({column})) IN ({lowered})"
        return f"{column} IN ({values})"
    if condition.is_ is not None:
        return f"{column} IS {'TRUE' if condition.is_ else 'FALSE'}"
    if condition.at_least is not None:
        return f"{column} >= {float(condition.at_least)!r}"
    if condition.at_most is not None:
        return f"{column} <= {float(condition.at_most)!r}"
    if condition.contains_any is not None:
        tests = " OR ".join(f"contains(lower({column}), {sql_text(word.lower())})" for word in condition.contains_any)
        return f"({tests})"
    if condition.present is not None:
        test = f"({column} IS NOT NULL AND trim(CAST({column} AS VARCHAR)) <> '')"
        return test if condition.present else f"NOT {test}"
    assert condition.has_any is not None
    codes = ", ".join(sql_text(code.lower()) for code in condition.has_any)
    return f"list_has_any(list_transform(string_split(lower({column}), ';'), lambda s: trim(s)), [{codes}])"


def indicator_sql(indicator: Indicator, record: RecordType, view: str) -> str:
    """SELECT of the candidate evidence rows for one indicator."""
    date_column = _column(indicator.date) if indicator.date else None
    default_date = _column(record.date_field)
    dated = f"coalesce({date_column}, {default_date})" if date_column else default_date
    evidence_at = f"CAST({dated} AS DATE)"
    if record.end_field is not None:
        evidence_end = f"coalesce(CAST({_column(record.end_field)} AS DATE), {FAR_FUTURE})"
    else:
        evidence_end = evidence_at
    schema = "record_schema" if record.built else sql_text(record.name)
    tests = [condition_sql(c, record.fields[c.field]) for c in indicator.where]
    if indicator.any_of:
        tests.append("(" + " OR ".join(condition_sql(c, record.fields[c.field]) for c in indicator.any_of) + ")")
    where = " AND ".join(["subject_id IS NOT NULL", f"{dated} IS NOT NULL", *tests])
    return (
        f"SELECT subject_id, {sql_text(indicator.id)} AS indicator, {schema} AS record_schema, agency, source_id, "
        f"{evidence_at} AS evidence_at, {evidence_end} AS evidence_end FROM {view} WHERE {where}"
    )


def gather(
    con: duckdb.DuckDBPyConnection,
    definitions: Definitions,
    present: set[str],
    second_pass: bool,
) -> list[Unavailable]:
    """Append the candidates of every first-pass (or second-pass) indicator to `candidates`.
    Returns the indicators that cannot fire for want of an input, with the reason."""
    views = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    unavailable: list[Unavailable] = []
    selects: list[str] = []
    for indicator in definitions.indicators:
        if definitions.second_pass(indicator) != second_pass:
            continue
        record = definitions.record_types[indicator.record]
        missing = sorted(definitions.needs(indicator) - present)
        if missing:
            unavailable.append(Unavailable(indicator.id, f"needs the {' and '.join(missing)} output(s)"))
            continue
        view = f"rec_{record.table}"
        if view not in views:
            unavailable.append(Unavailable(indicator.id, f"no {record.name} records are held"))
            continue
        selects.append(indicator_sql(indicator, record, view))
    if selects:  # one statement: DuckDB plans the indicators together
        con.execute("INSERT INTO candidates " + " UNION ALL ".join(selects))
    return unavailable
