"""The fast load (chunks of columns, column-wise records, COPY from a thread, deferred indexes)
stores exactly what the row-at-a-time load stored, byte for byte: the same rows, versions,
content hashes and flags, the same counts, the same problems and rejects files, for any
sequence of feeds, however awkward their values."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from linewatch.feeds import ingest as ingest_module
from linewatch.feeds.errors import IngestError
from linewatch.feeds.ingest import IngestResult, ingest_file
from linewatch.feeds.readers.csv_reader import CsvRows
from linewatch.feeds.readers.row_source import OpenedFeed
from linewatch.store import versioned_writer
from linewatch.store.tables import metadata
from linewatch.store.versioned_writer import VersionedWriter
from tests.conftest import PostgresDatabases, Store, _make_store
from tests.feeds.helpers import FIXTURES, write_csv
from tests.feeds.reference_chunk_mapper import ReferenceChunkMapper

MAPPING = FIXTURES / "equivalence_mini.yaml"
COLUMNS = [
    "Nominal ID", "Name", "Alias", "DOB", "Sex", "NHS No", "Mobile", "Postcode",
    "Force", "Occurrence", "Reported", "Lat", "Lon", "Street", "Town", "Risk",
]  # fmt: skip
OPTIONAL = ["NHS No", "Mobile"]

# Few values per column, so records repeat within and across feeds, change, and change back.
VALUES = {
    "Nominal ID": ["N1", "N2", "N3", "N4", "", "N" * 600],
    "Name": ["O'CONNOR, Liam James", "SMITH, Amy", "Smith", "  Ali   Khan ", "", "x" * 250],
    "Alias": ["", "tab\there", "back\\slash", "two\nlines", "cr\rhere", "{brace}", "é ü", "\\N", "q'\"", "None"],
    "DOB": ["04/07/2009", "2009-07-04", "31/02/2009", "", "yesterday"],
    "Sex": ["M", "F", "m", "X", ""],
    "NHS No": ["943 476 5919", "943 476 5918", "", "9" * 70],
    "Mobile": ["07400 123456", "+44 7400 123456", "12", ""],
    "Postcode": ["cv32 4aa", "CV324AA", "ZZ99 3VZ", ""],
    "Force": ["WM", "wm", ""],
    "Occurrence": ["1", "2", "3", "", "1|2"],
    "Reported": ["01/06/2026 21:30", "01/06/2026", "31/06/2026 10:00", ""],
    # 0 and -0 are equal numbers with different reprs (and so different content hashes).
    "Lat": ["52.28", "-0", "0", "0.0", "91", "", "1e1"],
    "Lon": ["-1.58", "0", "-0.0", "", "east"],
    "Street": ["1 High St", "", "a,b"],
    "Town": ["Leamington", "", "Rugby"],
    "Risk": ["H", "M", "L", "", "Q"],
}


@st.composite
def feeds(draw: st.DrawFn) -> list[tuple[list[str], list[dict[str, str]]]]:
    """One to three feeds: (header, rows), each header with or without the optional columns."""
    result = []
    for _ in range(draw(st.integers(1, 3))):
        header = [c for c in COLUMNS if c not in OPTIONAL or draw(st.booleans())]
        rows = draw(
            st.lists(st.fixed_dictionaries({c: st.sampled_from(VALUES[c]) for c in header}), min_size=1, max_size=10)
        )
        result.append((header, rows))
    return result


@dataclass
class RowAtATimeWriter(VersionedWriter):
    fast: bool = False


@contextmanager
def row_at_a_time() -> Iterator[None]:
    """Load as Linewatch did before the fast path: rows one by one, grouped; the reference
    chunk mapper; every record versioned a row at a time."""
    with (
        mock.patch.object(CsvRows, "_chunks", OpenedFeed._chunks),
        mock.patch.object(ingest_module, "ChunkMapper", ReferenceChunkMapper),
        mock.patch.object(ingest_module, "VersionedWriter", RowAtATimeWriter),
    ):
        yield


def load_all(
    store: Store, folder: Path, feed_list: list[tuple[list[str], list[dict[str, str]]]], chunk: int
) -> list[tuple[object, ...]]:
    outcomes: list[tuple[object, ...]] = []
    for number, (header, rows) in enumerate(feed_list):
        path = write_csv(folder / f"feed{number}.csv", rows, header)
        try:
            result: IngestResult = ingest_file(
                path, agency="police", mapping=str(MAPPING), settings=store.settings, engine=store.engine,
                accept_valid=True, chunk_rows=chunk,
            )  # fmt: skip
        except IngestError as error:
            outcomes.append(("refused", str(error)))
            continue
        rejects = result.rejects_path.read_text() if result.rejects_path else None
        errors = sorted(p.read_text() for p in store.settings.rejects_dir.glob(f"feed{number}-*.errors.csv"))
        outcomes.append(
            (result.status, result.rows_read, result.rows_loaded, result.rows_rejected, result.records, rejects, errors)
        )
    return outcomes


def stored(store: Store) -> dict[str, list[tuple[object, ...]]]:
    contents = {}
    with store.engine.connect() as connection:
        for name in ("person", "missing_episode"):
            table = metadata.tables[name]
            columns = [c for c in table.c if c.name != "ingested_at"]  # the clock differs between loads
            contents[name] = [tuple(row) for row in connection.execute(select(*columns).order_by(table.c.id))]
    return contents


class Stores:
    def __init__(self, backend: str, template: Path, databases: PostgresDatabases | None):
        self.backend, self.template, self.databases = backend, template, databases

    @contextmanager
    def fresh(self) -> Iterator[tuple[Store, Path]]:
        folder = Path(tempfile.mkdtemp(prefix="lw-equivalence-"))
        made = _make_store(self.backend, folder, self.template, self.databases)
        try:
            yield next(made), folder
        finally:
            next(made, None)
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sqlite_stores(sqlite_template: Path) -> Stores:
    return Stores("sqlite", sqlite_template, None)


@pytest.fixture
def postgres_stores(sqlite_template: Path, postgres_databases: PostgresDatabases | None) -> Stores:
    if postgres_databases is None:
        pytest.skip("LINEWATCH_TEST_POSTGRES_URL is not set")
    return Stores("postgresql", sqlite_template, postgres_databases)


def row(nominal: str, occurrence: str, **cells: str) -> dict[str, str]:
    base = {c: VALUES[c][0] for c in COLUMNS}
    base.update({"Nominal ID": nominal, "Occurrence": occurrence}, **cells)
    return base


FULL = COLUMNS
WITHOUT_OPTIONAL = [c for c in COLUMNS if c not in OPTIONAL]
# The cases a random search is unlikely to hit, spelled out.
ZERO_SIGNS = [(FULL, [row("N1", "1", Lat="-0"), row("N1", "1", Lat="0"), row("N1", "1", Lat="0.0")])]
CHANGES_ACROSS_CHUNKS = [
    (FULL, [row("N1", "1"), row("N2", "2"), row("N1", "1", Alias="new"), row("N1", "1"), row("N1", "1")]),
    (WITHOUT_OPTIONAL, [{c: v for c, v in row("N1", "3", Alias="later").items() if c in WITHOUT_OPTIONAL}]),
]


def check_equivalence(
    stores: Stores,
    feed_list: list[tuple[list[str], list[dict[str, str]]]],
    chunk: int,
    defer_from: int,
    second_process: bool,
) -> None:
    with stores.fresh() as (reference, folder), row_at_a_time():
        expected_outcomes = load_all(reference, folder, feed_list, chunk)
        expected = stored(reference)
    with (
        stores.fresh() as (fast, folder),
        mock.patch.object(versioned_writer, "DEFER_INDEXES_FROM_ROWS", defer_from),
        # Whether the file is read and mapped in a second process, whatever its size.
        mock.patch.object(ingest_module, "second_process_helps", lambda _path: second_process),
    ):
        outcomes = load_all(fast, folder, feed_list, chunk)
        assert outcomes == expected_outcomes
        assert stored(fast) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    feed_list=feeds(), chunk=st.integers(1, 4), defer_from=st.sampled_from([1, 10_000]), second_process=st.booleans()
)
@example(feed_list=ZERO_SIGNS, chunk=3, defer_from=1, second_process=True)
@example(feed_list=ZERO_SIGNS, chunk=1, defer_from=1, second_process=False)
@example(feed_list=ZERO_SIGNS + ZERO_SIGNS, chunk=2, defer_from=10_000, second_process=True)
@example(feed_list=CHANGES_ACROSS_CHUNKS, chunk=1, defer_from=1, second_process=False)
@example(feed_list=CHANGES_ACROSS_CHUNKS, chunk=2, defer_from=10_000, second_process=True)
@example(feed_list=CHANGES_ACROSS_CHUNKS + CHANGES_ACROSS_CHUNKS[:1], chunk=4, defer_from=1, second_process=False)
def test_fast_load_stores_what_the_row_at_a_time_load_stored(
    sqlite_stores: Stores,
    feed_list: list[tuple[list[str], list[dict[str, str]]]],
    chunk: int,
    defer_from: int,
    second_process: bool,
) -> None:
    check_equivalence(sqlite_stores, feed_list, chunk, defer_from, second_process)


@pytest.mark.postgres
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    feed_list=feeds(), chunk=st.integers(1, 4), defer_from=st.sampled_from([1, 10_000]), second_process=st.booleans()
)
@example(feed_list=ZERO_SIGNS, chunk=3, defer_from=1, second_process=True)
@example(feed_list=ZERO_SIGNS + ZERO_SIGNS, chunk=1, defer_from=1, second_process=False)
@example(feed_list=CHANGES_ACROSS_CHUNKS, chunk=1, defer_from=1, second_process=True)
@example(feed_list=CHANGES_ACROSS_CHUNKS + CHANGES_ACROSS_CHUNKS[:1], chunk=2, defer_from=10_000, second_process=False)
def test_fast_load_stores_what_the_row_at_a_time_load_stored_on_postgres(
    postgres_stores: Stores,
    feed_list: list[tuple[list[str], list[dict[str, str]]]],
    chunk: int,
    defer_from: int,
    second_process: bool,
) -> None:
    check_equivalence(postgres_stores, feed_list, chunk, defer_from, second_process)
