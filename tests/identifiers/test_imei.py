"""IMEI: 15 digits with a Luhn check digit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from linewatch.identifiers import check_imei, make_imei

fourteen_digits = st.from_regex(r"[0-9]{14}", fullmatch=True)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("35-209900-176148-1", "352099001761481"),  # the example on Wikipedia's IMEI page
        ("352099001761481", "352099001761481"),
        ("35 209900 176148 1", "352099001761481"),
        ("354178036859789", "354178036859789"),  # python-stdnum's documented example
    ],
)
def test_published_examples_are_valid_and_normalised_to_digits(written: str, normalised: str) -> None:
    checked = check_imei(written)
    assert checked.valid
    assert checked.value == normalised


def test_fourteen_digits_without_check_digit_are_refused_saying_so() -> None:
    checked = check_imei("35-209900-176148")
    assert not checked.valid
    assert checked.value == "35-209900-176148"
    assert checked.problem == "14 digits: the Luhn check digit is missing"


def test_sixteen_digit_imeisv_is_refused_saying_so() -> None:
    checked = check_imei("35686800-004141-20")
    assert not checked.valid
    assert checked.problem is not None
    assert "IMEISV" in checked.problem


def test_wrong_check_digit_is_refused_naming_the_expected_digit() -> None:
    checked = check_imei("352099001761482")
    assert not checked.valid
    assert checked.problem == "check digit does not match (expected 1)"


@pytest.mark.parametrize("written", ["35209900176148A", "3520990017614811", "35/209900/1761481"])
def test_other_malformed_imeis_are_refused(written: str) -> None:
    checked = check_imei(written)
    assert not checked.valid
    assert checked.value == written


@given(fourteen_digits)
def test_make_imei_always_validates_and_keeps_the_fourteen_digits(body: str) -> None:
    imei = make_imei(body)
    assert imei[:14] == body
    assert check_imei(imei).valid
    assert luhn.is_valid(imei)


@given(st.from_regex(r"[0-9]{15}", fullmatch=True))
def test_validity_agrees_with_python_stdnum_luhn(digits: str) -> None:
    assert check_imei(digits).valid == luhn.is_valid(digits)


def test_make_imei_refuses_anything_but_fourteen_digits() -> None:
    with pytest.raises(ValueError, match="14 digits"):
        make_imei("352099001761481")


@given(fourteen_digits, st.integers(0, 14), st.integers(1, 9))
def test_changing_any_single_digit_is_always_detected(body: str, position: int, shift: int) -> None:
    # Luhn maps each digit through either x or the doubling map 0,2,4,6,8,1,3,5,7,9; both are
    # one-to-one on 0..9, so any single change moves the sum by 1..9 (mod 10) and is caught.
    imei = make_imei(body)
    changed = imei[:position] + str((int(imei[position]) + shift) % 10) + imei[position + 1 :]
    assert not check_imei(changed).valid


@given(fourteen_digits, st.integers(0, 13))
def test_swapping_adjacent_different_digits_is_detected_except_09_and_90(body: str, position: int) -> None:
    imei = make_imei(body)
    a, b = imei[position], imei[position + 1]
    if a == b:
        return
    swapped = imei[:position] + b + a + imei[position + 2 :]
    if {a, b} == {"0", "9"}:
        # Luhn's known blind spot: 0 and 9 are fixed points of the doubling map's digit sum.
        assert check_imei(swapped).valid
    else:
        assert not check_imei(swapped).valid


def test_luhn_blind_spot_swapping_09_to_90_goes_unnoticed() -> None:
    with_09 = make_imei("35209900176109")
    swapped = with_09[:12] + "90" + with_09[14:]
    assert check_imei(with_09).valid
    assert check_imei(swapped).valid
