"""UPRN: a positive number of up to 12 digits, normalised without leading zeros."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linewatch.identifiers import check_uprn

from .lookalikes import fullwidth


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("100023336956", "100023336956"),
        ("000100023336956", "100023336956"),  # zero-padded copies match unpadded ones
        ("1", "1"),
        ("000000000001", "1"),
        (" 999999999999 ", "999999999999"),
    ],
)
def test_uprns_of_one_to_twelve_digits_are_valid_without_leading_zeros(written: str, normalised: str) -> None:
    checked = check_uprn(written)
    assert checked.valid
    assert checked.value == normalised


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("0", "zero is not a UPRN"),
        ("000", "zero is not a UPRN"),
        ("1000233369561", "more than 12 digits (has 13)"),
        ("100023336956.0", "not a number: a UPRN is digits only"),
        ("-1", "not a number: a UPRN is digits only"),
        (fullwidth("123"), "not a number: a UPRN is digits only"),
        ("1 000", "not a number: a UPRN is digits only"),
    ],
)
def test_malformed_uprns_are_refused_with_a_reason(written: str, problem: str) -> None:
    checked = check_uprn(written)
    assert not checked.valid
    assert checked.value == written
    assert checked.problem == problem


@given(st.integers(1, 999_999_999_999), st.integers(0, 5))
def test_any_padding_of_a_uprn_normalises_to_the_plain_number(uprn: int, zeros: int) -> None:
    checked = check_uprn("0" * zeros + str(uprn))
    assert checked.valid
    assert checked.value == str(uprn)
