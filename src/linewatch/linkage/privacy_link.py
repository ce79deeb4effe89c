"""Linking pseudonymised records (made by privacy.py) at the hub, which never holds the key: the
encodings are read, turned into the table the encoded model compares, and linked by the same
pipeline as plain records. Results name records only by their source and id, which each agency
maps back to its own records.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from linewatch.linkage.engines import LinkageEngine
from linewatch.linkage.errors import LinkageError, LinkageInputError
from linewatch.linkage.generic import FileLinkage, write_outputs
from linewatch.linkage.model import LinkType
from linewatch.linkage.model_store import ModelStore
from linewatch.linkage.people import LinkOptions, PeopleLinkage, link_prepared
from linewatch.linkage.privacy import (
    BLOOM_FIELDS,
    ENCODED_COLUMNS,
    HASHED_FIELDS,
    LIST_FIELDS,
    LIST_SEPARATOR,
    encode_records,
)


def prepared_encodings(encoded: pa.Table) -> pa.Table:
    """Encoded records (ENCODED_COLUMNS, as text) as the encoded model compares them: lists split,
    Bloom filters decoded to bytes, absent evidence as empty columns."""
    columns: dict[str, pa.Array] = {}
    rows = encoded.num_rows
    for name in ("record_id", "agency", "source_id", *HASHED_FIELDS):
        columns[name] = encoded.column(name).combine_chunks().cast(pa.string())
    for name in LIST_FIELDS:
        values = encoded.column(name).to_pylist()
        columns[name] = pa.array(
            [value.split(LIST_SEPARATOR) if value else None for value in values], pa.list_(pa.string())
        )
    for name in BLOOM_FIELDS:
        values = encoded.column(name).to_pylist()
        columns[name] = pa.array([base64.b64decode(value) if value else None for value in values], pa.binary())
    columns["address"] = pa.nulls(rows, pa.string())  # addresses are not encoded
    return pa.table(columns)


def link_encoded(
    encoded: pa.Table, engine: LinkageEngine, *, models: ModelStore | None = None, options: LinkOptions = LinkOptions()
) -> PeopleLinkage:
    if engine.name != "duckdb":
        raise LinkageError("privacy-preserving linkage compares Bloom filters in DuckDB: use --engine duckdb")
    encoded_options = LinkOptions(
        threshold=options.threshold, review_from=options.review_from, link_type=options.link_type,
        model_kind="encoded_person", training=options.training, count_blocked_pairs=options.count_blocked_pairs,
    )  # fmt: skip
    return link_prepared(prepared_encodings(encoded), engine, models=models, options=encoded_options)


def link_plain_as_encoded(
    records: pa.Table, secret: bytes, engine: LinkageEngine, options: LinkOptions = LinkOptions()
) -> PeopleLinkage:
    """Encode standard records with ``secret`` and link the encodings (for measuring the cost)."""
    return link_encoded(encode_records(records, secret), engine, options=options)


def read_encoded_files(paths: Sequence[Path]) -> pa.Table:
    expected = ["source", "id", *ENCODED_COLUMNS[3:]]
    tables = []
    con = duckdb.connect()
    try:
        for path in paths:
            if not path.is_file():
                raise LinkageInputError(f"{path}: no such file")
            quoted = str(path).replace("'", "''")
            relation = con.sql(f"select * from read_csv('{quoted}', header = true, all_varchar = true)")
            if relation.columns != expected:
                raise LinkageInputError(
                    f"{path.name}: not a file made by `linewatch encode` (columns {', '.join(relation.columns)})"
                )
            table = relation.to_arrow_table()
            sources = table.column("source").to_pylist()
            ids = table.column("id").to_pylist()
            data = {
                "record_id": [f"{source}:{record}" for source, record in zip(sources, ids, strict=True)],
                "agency": sources,
                "source_id": ids,
            }
            tables.append(pa.table({**data, **{name: table.column(name) for name in expected[2:]}}))
    finally:
        con.close()
    combined = pa.concat_tables(tables)
    record_ids = combined.column("record_id").to_pylist()
    if len(set(record_ids)) != len(record_ids):
        raise LinkageInputError(
            "the encoded files repeat a source and id: encode each source once, with distinct file names"
        )
    return combined


def link_encoded_files(
    paths: Sequence[Path], out: Path, engine: LinkageEngine, *, options: LinkOptions = LinkOptions()
) -> FileLinkage:
    encoded = read_encoded_files(paths)
    sources = set(encoded.column("agency").to_pylist())
    link_type: LinkType = "dedupe_only" if len(sources) == 1 else "link_and_dedupe"
    file_options = LinkOptions(threshold=options.threshold, review_from=options.review_from, link_type=link_type)
    linkage = link_encoded(encoded, engine, models=ModelStore(out / "model"), options=file_options)
    write_outputs(linkage, out)
    return FileLinkage(linkage, out, list(paths))
