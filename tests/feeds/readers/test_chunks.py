"""Reading a file in chunks of columns gives exactly the rows, row numbers and errors that
reading it row by row gives, whatever the file holds and wherever the chunks break."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linewatch.feeds.readers import FeedFileError, ReadOptions, open_rows

# Cells chosen to break line-per-record assumptions: quotes, embedded line breaks of every kind,
# delimiters, surrounding and lone whitespace, empty cells.
pieces = st.sampled_from(
    ["a", "B7", "x y", " pad ", "\t", "", " ", '"', '""', ",", ";", "\n", "\r\n", "\r", "é", "\u00a0", "\u2028"]
)
raw_cell = st.lists(pieces, max_size=4).map("".join)


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    """CSV text, mostly well-formed: some rows short, long, blank or badly quoted."""
    width = draw(st.integers(1, 4))
    header = ",".join(f"c{n}" for n in range(width))
    lines = [header]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["plain", "plain", "quoted", "quoted", "ragged", "blank", "broken"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", ",,", " , "])))
            continue
        cells = draw(st.lists(raw_cell, min_size=width, max_size=width))
        if kind == "ragged":
            cells = cells[: draw(st.integers(0, width))] + draw(st.lists(st.sampled_from(["", "z"]), max_size=2))
        if kind == "plain":
            cells = [c.replace('"', "").replace(",", "").replace("\n", "").replace("\r", "") for c in cells]
            lines.append(",".join(cells))
        elif kind == "broken":
            lines.append(",".join(cells))  # quotes and line breaks left as they are
        else:
            lines.append(",".join(quoted(c) for c in cells))
    ending = draw(st.sampled_from(["\n", "\r\n", ""]))
    return "\n".join(lines) + ending


def rows_one_by_one(path: Path) -> tuple[list[tuple[int, dict[str, str | None]]], str | None]:
    rows: list[tuple[int, dict[str, str | None]]] = []
    try:
        with open_rows(path, ReadOptions(format="csv")) as source:
            for row in source:
                rows.append(row)
    except FeedFileError as error:
        return rows, str(error)
    return rows, None


def rows_in_chunks(path: Path, size: int) -> tuple[list[tuple[int, dict[str, str | None]]], str | None]:
    rows: list[tuple[int, dict[str, str | None]]] = []
    try:
        with open_rows(path, ReadOptions(format="csv")) as source:
            for chunk in source.chunks(size):
                assert 0 < len(chunk) <= size
                assert all(len(column) == len(chunk) for column in chunk.columns.values())
                assert list(chunk.columns) == source.columns
                rows.extend((number, chunk.cells(index)) for index, number in enumerate(chunk.numbers))
    except FeedFileError as error:
        return rows, str(error)
    return rows, None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_texts(), size=st.integers(1, 5))
def test_chunks_hold_the_same_rows_and_errors_as_rows(tmp_path: Path, text: str, size: int) -> None:
    path = tmp_path / "feed.csv"
    path.write_bytes(text.encode("utf-8"))
    expected_rows, expected_error = rows_one_by_one(path)
    got_rows, got_error = rows_in_chunks(path, size)
    assert got_error == expected_error
    if expected_error is None:
        assert got_rows == expected_rows
    else:
        # A bad file is refused whole; rows before the error may be handed over in fewer pieces.
        assert got_rows == expected_rows[: len(got_rows)]


def test_row_numbers_follow_lines_when_a_quoted_field_spans_a_chunk_boundary(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text('Id,Note\n1,plain\n2,"two\nlines"\n\n3,after\n', encoding="utf-8")
    with open_rows(path, ReadOptions(format="csv")) as source:
        chunks = list(source.chunks(2))
    numbered = [(number, chunk.cells(i)["Note"]) for chunk in chunks for i, number in enumerate(chunk.numbers)]
    assert numbered == [(2, "plain"), (3, "two\nlines"), (6, "after")]


def test_a_file_is_read_once_whichever_way(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text("Id\n1\n", encoding="utf-8")
    with open_rows(path, ReadOptions(format="csv")) as source:
        list(source.chunks(10))
        with pytest.raises(RuntimeError, match="already been read"):
            list(source)


def test_unclosed_quote_is_reported_at_the_row_where_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text('Id,Note\n1,ok\n2,ok\n3,"never closed\n4,x\n', encoding="utf-8")
    with open_rows(path, ReadOptions(format="csv")) as source, pytest.raises(FeedFileError, match="starts on row 4"):
        list(source.chunks(2))
