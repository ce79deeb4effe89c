"""Linking analysts' own CSV files: one file is deduplicated, several are linked to each other.
Columns are named on the command line (``given_name=First,surname=Last,dob=DOB,id=ID``); the
result is written as CSV: scored pairs, clusters, and the model with its match-weights chart.

Identifiers (NHS number, UPN, PNC ID, UPRN, phone) are checked as the feeds check them and only
valid ones count. Postcodes that are not UK postcodes are compared exactly as written (upper case,
no spaces), so files from elsewhere still link on them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from linewatch.identifiers import CHECKERS
from linewatch.linkage.columns import EVIDENCE_COLUMNS, IDENTIFIER_COLUMNS, conform
from linewatch.linkage.engines import LinkageEngine
from linewatch.linkage.errors import LinkageInputError
from linewatch.linkage.model import LinkType
from linewatch.linkage.model_store import ModelStore
from linewatch.linkage.people import LinkOptions, PeopleLinkage, link_people
from linewatch.util.safe_csv import open_safe_csv

ID_KEY = "id"
KNOWN_KEYS = (*EVIDENCE_COLUMNS, *IDENTIFIER_COLUMNS, ID_KEY)


def parse_columns(spec: str) -> dict[str, str]:
    """``"given_name=First,surname=Last"`` -> {"given_name": "First", "surname": "Last"}."""
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        key, equals, column = part.partition("=")
        key, column = key.strip(), column.strip()
        if not equals or not column:
            raise LinkageInputError(f"--columns: {part.strip()!r} should be NAME=COLUMN (e.g. surname=Last)")
        if key not in KNOWN_KEYS:
            raise LinkageInputError(f"--columns: unknown name {key!r}; use any of {', '.join(KNOWN_KEYS)}")
        if key in mapping:
            raise LinkageInputError(f"--columns: {key!r} given twice")
        mapping[key] = column
    if not mapping.keys() - {ID_KEY}:
        raise LinkageInputError("--columns: name at least one column to link on (e.g. surname=Last,dob=DOB)")
    return mapping


def source_labels(paths: Sequence[Path]) -> list[str]:
    """A short, distinct label per input file (its name without extension)."""
    labels: list[str] = []
    for path in paths:
        label = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in path.stem) or "file"
        candidate, number = label, 2
        while candidate in labels:
            candidate, number = f"{label}_{number}", number + 1
        labels.append(candidate)
    return labels


def read_inputs(paths: Sequence[Path], columns: dict[str, str]) -> pa.Table:
    """The files as one standard table; the agency column holds each file's label."""
    tables = []
    con = duckdb.connect()
    try:
        for path, label in zip(paths, source_labels(paths), strict=True):
            if not path.is_file():
                raise LinkageInputError(f"{path}: no such file")
            quoted = str(path).replace("'", "''")
            try:
                relation = con.sql(f"select * from read_csv('{quoted}', header = true, all_varchar = true)")
            except duckdb.Error as error:
                raise LinkageInputError(f"{path}: cannot be read as CSV ({error})") from error
            available = relation.columns
            missing = [f"{key}={column}" for key, column in columns.items() if column not in available]
            if missing:
                raise LinkageInputError(
                    f"{path.name}: no column {', '.join(repr(m.split('=', 1)[1]) for m in missing)} "
                    f"(asked for {', '.join(missing)}); its columns are: {', '.join(available)}"
                )
            tables.append(_standard(relation.to_arrow_table(), columns, label, path.name))
    finally:
        con.close()
    return conform(pa.concat_tables(tables), origin=", ".join(path.name for path in paths))


def _standard(table: pa.Table, columns: dict[str, str], label: str, file_name: str) -> pa.Table:
    rows = table.num_rows
    if ID_KEY in columns:
        ids = [None if value is None else str(value).strip() for value in table.column(columns[ID_KEY]).to_pylist()]
        for position, value in enumerate(ids):
            if not value:
                raise LinkageInputError(f"{file_name} row {position + 2}: the id column {columns[ID_KEY]!r} is empty")
    else:
        ids = [str(number) for number in range(1, rows + 1)]
    data: dict[str, list[object] | pa.ChunkedArray] = {
        "record_id": [f"{label}:{value}" for value in ids],
        "agency": [label] * rows,
        "source_id": ids,
    }
    for key, column in columns.items():
        if key == ID_KEY:
            continue
        values = table.column(column)
        if key in IDENTIFIER_COLUMNS:
            checked, valid = _checked(key, values.to_pylist())
            data[key], data[f"{key}_valid"] = checked, valid
        else:
            data[key] = values
    return pa.table(data)


def _checked(key: str, values: list[str | None]) -> tuple[list[str | None], list[bool | None]]:
    checker = CHECKERS[key]
    cache: dict[str, tuple[str, bool]] = {}
    out_values: list[str | None] = []
    out_valid: list[bool | None] = []
    for value in values:
        if value is None or not value.strip():
            out_values.append(None)
            out_valid.append(None)
            continue
        if value not in cache:
            result = checker(value)
            if not result.valid and key == "postcode":
                compact = "".join(value.split()).upper()
                cache[value] = (compact, compact.isalnum())
            else:
                cache[value] = (result.value, result.valid)
        normalised, valid = cache[value]
        out_values.append(normalised)
        out_valid.append(valid)
    return out_values, out_valid


@dataclass
class FileLinkage:
    linkage: PeopleLinkage
    out: Path
    files: list[Path]

    def lines(self) -> list[str]:
        groups = self.linkage.grouping.groups()
        linked = sum(1 for members in groups.values() if len(members) > 1)
        return [
            f"{self.linkage.records:,} records from {len(self.files)} file(s) -> {len(groups):,} clusters "
            f"({linked:,} with more than one record), {self.linkage.model.label()}",
            f"scored pairs: {self.out / 'pairs.csv'}",
            f"clusters: {self.out / 'clusters.csv'}",
            f"model and match weights: {self.out / 'model'}",
        ]


def link_files(
    paths: Sequence[Path],
    columns: dict[str, str],
    out: Path,
    engine: LinkageEngine,
    *,
    options: LinkOptions | None = None,
    also_dedupe: bool = False,
) -> FileLinkage:
    """Dedupe one file or link several; write pairs.csv, clusters.csv and the model to ``out``."""
    records = read_inputs(paths, columns)
    if options is None:
        link_type: LinkType = "dedupe_only" if len(paths) == 1 else ("link_and_dedupe" if also_dedupe else "link_only")
        options = LinkOptions(link_type=link_type)
    linkage = link_people(records, engine, models=ModelStore(out / "model"), options=options)
    write_outputs(linkage, out)
    return FileLinkage(linkage, out, list(paths))


def write_outputs(linkage: PeopleLinkage, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    groups = linkage.grouping.table.to_pylist()
    cluster_number = {key: number for number, key in enumerate(sorted({row["group_key"] for row in groups}), start=1)}
    handle, writer = open_safe_csv(out / "clusters.csv")
    with handle:
        writer.writerow(["cluster_id", "source", "id", "cluster_size", "match_probability", "evidence"])
        sizes: dict[str, int] = {}
        for row in groups:
            sizes[row["group_key"]] = sizes.get(row["group_key"], 0) + 1
        for row in groups:
            source, _, record = row["record_id"].partition(":")
            probability = row["membership"]
            writer.writerow([
                cluster_number[row["group_key"]], source, record, sizes[row["group_key"]],
                "" if probability is None else f"{probability:.6f}", row["evidence"],
            ])  # fmt: skip
    handle, writer = open_safe_csv(out / "pairs.csv")
    with handle:
        writer.writerow(["source_l", "id_l", "source_r", "id_r", "match_probability", "match_weight"])
        for pair in linkage.pairs.select(
            ["record_id_l", "record_id_r", "match_probability", "match_weight"]
        ).to_pylist():
            source_l, _, id_l = pair["record_id_l"].partition(":")
            source_r, _, id_r = pair["record_id_r"].partition(":")
            writer.writerow(
                [source_l, id_l, source_r, id_r, f"{pair['match_probability']:.6f}", f"{pair['match_weight']:.3f}"]
            )
    (out / "report.json").write_text(json.dumps(linkage.report(), indent=2), encoding="utf-8")
