"""The column-wise text of stored values is exactly what formatting each value would give: the
content hash must not depend on how it was computed."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from linewatch.store.content_hash import digest_of, digest_of_repr, digests_of_reprs
from linewatch.store.row_text import ColumnText, concatenated, copy_text, plain_text

KINDS = [
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.dates(),
    st.datetimes(),
]
values = st.one_of(st.none(), *KINDS)
# A stored column holds one type of value (and None), which is what lets ColumnText remember
# values by equality (True == 1, yet their reprs differ).
columns = st.sampled_from(KINDS).flatmap(lambda kind: st.lists(st.none() | kind, max_size=30))


@given(st.lists(st.text(), min_size=1))
def test_plain_text_is_text_that_repr_only_quotes_and_copy_takes_as_it_is(column: list[str]) -> None:
    if plain_text(column):
        assert all(repr(text) == f"'{text}'" and copy_text(text) == text for text in column)


def test_text_with_a_quote_a_backslash_a_tab_or_none_is_not_plain() -> None:
    for awkward in ["O'Connor", "back\\slash", "tab\there", "line\nbreak", None]:
        assert not plain_text(["plain", awkward])
    assert plain_text(["plain", "", "é ü", '"quoted"'])


@given(st.lists(st.tuples(values, values, values), min_size=1, max_size=20))
def test_digests_of_reprs_are_the_digests_of_the_values(rows: list[tuple[object, ...]]) -> None:
    texts = [repr(row) for row in rows]
    assert digests_of_reprs(texts) == [digest_of(row) for row in rows] == [digest_of_repr(t) for t in texts]


@given(columns)
def test_column_text_is_each_value_formatted(column: list[object]) -> None:
    text = ColumnText(remember=not any(isinstance(v, float) for v in column))
    assert text.apply_all((repr, copy_text), column) == [list(map(repr, column)), list(map(copy_text, column))]


def test_minus_zero_keeps_its_own_repr() -> None:
    text = ColumnText(remember=False)
    assert text.apply(repr, [0.0, -0.0, 0.0]) == ["0.0", "-0.0", "0.0"]


def test_copy_text_of_each_type() -> None:
    assert [copy_text(v) for v in (None, True, False, 7, 1.5, date(2026, 1, 2), datetime(2026, 1, 2, 3, 4))] == [
        "\\N", "t", "f", "7", "1.5", "2026-01-02", "2026-01-02T03:04:00",
    ]  # fmt: skip
    assert copy_text("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"


def test_concatenated_joins_constants_and_columns_row_by_row() -> None:
    assert concatenated(["(", ["a", "b"], ", ", "x", ["1", "2"], ")"], 2) == ["(a, x1)", "(b, x2)"]
    assert concatenated(["only", " constants"], 3) == ["only constants"] * 3
