"""The standard person-record table every linkage job starts from, and the check that an input
has it: one row per source record, one column per kind of evidence, identifiers beside their
validity flags.

Whatever the origin (the store's person table, an analyst's CSV, a practice data set), records are
first put in this shape; standardisation and the Splink model only ever see these names.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from linewatch.linkage.errors import LinkageInputError

# The columns that name a record. record_id is unique over the whole input.
ID_COLUMNS = ("record_id", "agency", "source_id")

# Evidence columns, all text. dob may also be a date; it is read as ISO text when it is.
# other_id is an analyst's own identifier (a case or membership number): compared, typos allowed,
# but never taken as proof.
NAME_COLUMNS = ("given_name", "middle_names", "surname")
EVIDENCE_COLUMNS = (*NAME_COLUMNS, "dob", "sex", "address", "other_id")

# Identifiers: used as exact evidence only where the companion <name>_valid flag is true.
IDENTIFIER_COLUMNS = ("nhs_number", "upn", "pnc_id", "postcode", "uprn", "phone")
STRONG_IDENTIFIERS = ("nhs_number", "upn", "pnc_id")  # name a person; address/phone do not

# Earlier postcodes of the same record (from older versions in the store), as a list of text.
HISTORY_COLUMN = "postcode_history"

STANDARD_COLUMNS: tuple[str, ...] = (
    *ID_COLUMNS,
    *EVIDENCE_COLUMNS,
    *IDENTIFIER_COLUMNS,
    *(f"{name}_valid" for name in IDENTIFIER_COLUMNS),
    HISTORY_COLUMN,
)

# With fewer than these a record cannot be compared with anything meaningful.
MINIMUM_EVIDENCE = ("surname", "dob")


def standard_schema() -> pa.Schema:
    fields: list[pa.Field] = []
    for name in STANDARD_COLUMNS:
        if name.endswith("_valid"):
            fields.append(pa.field(name, pa.bool_()))
        elif name == HISTORY_COLUMN:
            fields.append(pa.field(name, pa.list_(pa.string())))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def conform(table: pa.Table, *, origin: str) -> pa.Table:
    """The table in the standard shape: every standard column present (missing evidence columns
    become null), in standard order and types. Raises LinkageInputError, naming ``origin``, when a
    column that names records is missing, record ids repeat, or there is no usable evidence."""
    present = set(table.column_names)
    missing_ids = [name for name in ID_COLUMNS if name not in present]
    if missing_ids:
        raise LinkageInputError(f"{origin}: missing column(s) {', '.join(missing_ids)} (needed to name each record)")
    if not present.intersection(MINIMUM_EVIDENCE):
        raise LinkageInputError(
            f"{origin}: no evidence to link on: give at least one of {', '.join(MINIMUM_EVIDENCE)} "
            f"(columns found: {', '.join(sorted(present)) or 'none'})"
        )
    schema = standard_schema()
    arrays: list[pa.Array | pa.ChunkedArray] = []
    for field in schema:
        if field.name in present:
            column = table.column(field.name)
            if field.name == "dob" and pa.types.is_temporal(column.type):
                column = column.cast(pa.date32()).cast(pa.string())
            elif field.name.endswith("_valid") and not (
                pa.types.is_boolean(column.type) or pa.types.is_null(column.type)
            ):
                raise LinkageInputError(f"{origin}: column {field.name} must be true/false, not {column.type}")
            arrays.append(column.cast(field.type))
        elif field.name.endswith("_valid"):
            arrays.append(pa.nulls(table.num_rows, pa.bool_()))
        else:
            arrays.append(pa.nulls(table.num_rows, field.type))
    conformed = pa.Table.from_arrays(arrays, schema=schema)
    _require_unique(conformed.column("record_id").to_pylist(), origin)
    return conformed


def _require_unique(record_ids: Sequence[str | None], origin: str) -> None:
    seen: set[str] = set()
    for position, record_id in enumerate(record_ids):
        if record_id is None or record_id == "":
            raise LinkageInputError(f"{origin}: row {position + 1} has no record id")
        if record_id in seen:
            raise LinkageInputError(f"{origin}: record id {record_id!r} appears more than once")
        seen.add(record_id)
