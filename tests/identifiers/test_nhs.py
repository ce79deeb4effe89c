"""NHS number: 10 digits, modulus 11 check digit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import nhs as stdnum_nhs

from linewatch.identifiers import check_nhs_number, make_nhs_number

from .lookalikes import fullwidth

nine_digits = st.integers(min_value=0, max_value=999_999_999)
valid_nhs_numbers = nine_digits.map(make_nhs_number).filter(lambda number: number is not None)


@pytest.mark.parametrize("written", ["9434765919", "943 476 5919", "943-476-5919", " 943 4765919 "])
def test_published_example_943_476_5919_is_valid_however_it_is_written(written: str) -> None:
    checked = check_nhs_number(written)
    assert checked.valid
    assert checked.value == "9434765919"
    assert checked.problem is None


def test_published_example_check_digit_worked_by_hand() -> None:
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 % 11 = 2; 11 - 2 = 9.
    assert make_nhs_number(943_476_591) == "9434765919"


def test_wrong_check_digit_is_refused_naming_the_expected_digit() -> None:
    checked = check_nhs_number("943 476 5918")
    assert not checked.valid
    assert checked.value == "943 476 5918"
    assert checked.problem == "check digit does not match (expected 9)"


def test_nine_digits_whose_check_digit_would_be_10_never_make_a_valid_number() -> None:
    n9 = next(n for n in range(1000) if make_nhs_number(n) is None)
    first_nine = f"{n9:09d}"
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    assert 11 - total % 11 == 10
    for last in "0123456789":
        checked = check_nhs_number(first_nine + last)
        assert not checked.valid
        assert checked.problem is not None
        assert "10" in checked.problem


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("943476591", "not 10 digits (has 9)"),
        ("94347659190", "not 10 digits (has 11)"),
        ("943476591X", "not 10 digits: has characters other than digits, spaces, hyphens"),
        (fullwidth("9434765919"), "not 10 digits: has characters other than digits, spaces, hyphens"),
        ("943.476.5919", "not 10 digits: has characters other than digits, spaces, hyphens"),
        ("   ", "empty"),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(written: str, problem: str) -> None:
    checked = check_nhs_number(written)
    assert not checked.valid
    assert checked.value == written.strip()
    assert checked.problem == problem


def test_make_nhs_number_refuses_more_than_nine_digits() -> None:
    with pytest.raises(ValueError, match="nine digits"):
        make_nhs_number(1_000_000_000)


@given(nine_digits)
def test_make_nhs_number_always_validates_unless_it_returns_none(n9: int) -> None:
    made = make_nhs_number(n9)
    if made is None:
        return
    assert made.startswith(f"{n9:09d}")
    assert check_nhs_number(made).valid


@given(st.from_regex(r"[0-9]{10}", fullmatch=True))
def test_validity_agrees_with_python_stdnum(digits: str) -> None:
    assert check_nhs_number(digits).valid == stdnum_nhs.is_valid(digits)


@given(valid_nhs_numbers, st.integers(0, 9), st.integers(1, 9))
def test_changing_any_single_digit_is_always_detected(number: str | None, position: int, shift: int) -> None:
    # Weights 10..2 and 1 (the check digit) are all non-zero mod 11, and 11 is prime, so a change
    # of 1..9 in any one digit always changes the sum mod 11.
    assert number is not None
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1 :]
    assert not check_nhs_number(changed).valid


@given(valid_nhs_numbers, st.integers(0, 8))
def test_swapping_adjacent_different_digits_is_always_detected(number: str | None, position: int) -> None:
    # Adjacent weights differ by 1, so swapping digits a != b changes the sum by +-(a - b).
    assert number is not None
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not check_nhs_number(swapped).valid
