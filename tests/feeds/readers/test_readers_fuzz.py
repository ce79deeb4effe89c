"""Property tests: what csv.writer writes, open_rows reads back; and no input, however broken,
produces anything but a FeedFileError."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linewatch.feeds.readers import FeedFileError, ReadOptions, open_rows

# Printable text plus tab and newline. Other control characters are excluded because a file of
# mostly control characters is, rightly, refused as binary; "\r" is excluded so that a record's
# line count is simply its number of "\n" (the \r cases have their own example tests).
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffd") | st.sampled_from("\t\n "),
    max_size=12,
)
column_name = cell_text.filter(lambda name: name.strip() != "")


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    names = draw(st.lists(column_name, min_size=2, max_size=6, unique_by=str.strip))
    rows = draw(st.lists(st.lists(cell_text, min_size=len(names), max_size=len(names)), max_size=8))
    return names, rows


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables(), delimiter=st.sampled_from([",", ";", "\t", "|"]), bom=st.booleans())
def test_what_csv_writer_writes_reads_back(
    tmp_path: Path, table: tuple[list[str], list[list[str]]], delimiter: str, bom: bool
) -> None:
    names, rows = table
    records = [_record(names, delimiter)] + [_record(row, delimiter) for row in rows]
    path = tmp_path / "feed.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + "".join(records).encode("utf-8"))

    expected = []
    line = 1 + records[0].count("\n")
    for row, record in zip(rows, records[1:], strict=True):
        values = [cell.strip() or None for cell in row]
        if any(values):
            expected.append((line, dict(zip([name.strip() for name in names], values, strict=True))))
        line += record.count("\n")

    with open_rows(path, ReadOptions(format="csv", delimiter=delimiter)) as source:
        assert source.columns == [name.strip() for name in names]
        assert list(source) == expected


def _record(cells: list[str], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerow(cells)
    return buffer.getvalue()


def _read_everything(path: Path, options: ReadOptions) -> None:
    try:
        with open_rows(path, options) as source:
            for _ in source:
                pass
    except FeedFileError:
        pass


options_for_any_format = st.builds(
    ReadOptions,
    format=st.sampled_from(["csv", "xlsx", "json"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from([None, "utf-8", "cp1252", "utf-16"]),
    header_row=st.integers(min_value=1, max_value=3),
)
# Text made of JSON's own punctuation reaches the JSON parser far more often than random bytes.
json_like = st.text(alphabet='[]{}":,0123456789.eE-+ \ntruefalsn\\', max_size=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=2048) | st.text(max_size=400).map(str.encode) | json_like.map(str.encode),
    name=st.sampled_from(["feed.dat", "feed.jsonl"]),
    options=options_for_any_format,
)
def test_arbitrary_bytes_raise_nothing_but_feed_file_error(
    tmp_path: Path, data: bytes, name: str, options: ReadOptions
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _read_everything(path, options)


@pytest.fixture(scope="module")
def small_workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "age", "seen"])
    sheet.append(["Amy", 15, 1.5])
    sheet.append(["Ben", None, "x"])
    path = tmp_path_factory.mktemp("workbook") / "small.xlsx"
    book.save(path)
    return path.read_bytes()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), flips=st.integers(min_value=1, max_value=8))
def test_damaged_workbooks_raise_nothing_but_feed_file_error(
    tmp_path: Path, small_workbook: bytes, seed: int, flips: int
) -> None:
    damaged = bytearray(small_workbook)
    chooser = random.Random(seed)
    for _ in range(flips):
        damaged[chooser.randrange(len(damaged))] = chooser.randrange(256)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(damaged))
    _read_everything(path, ReadOptions(format="xlsx"))
