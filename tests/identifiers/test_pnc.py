"""PNC ID: YY/NNNNNNNL with a modulus 23 check letter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linewatch.identifiers import check_pnc_id, make_pnc_id

from .lookalikes import fullwidth

years = st.integers(0, 99)
serials = st.integers(0, 9_999_999)


def test_check_letter_worked_by_hand() -> None:
    # int("12" + "0000345") = 120000345; 120000345 % 23 = 7; ZABCDEFGH...[7] = G.
    assert 120_000_345 % 23 == 7
    assert make_pnc_id(12, 345) == "12/0000345G"


@pytest.mark.parametrize("written", ["12/0000345G", "12/345G", "12/345g", " 12 / 0000345G ", "2012/0000345G"])
def test_short_serials_lowercase_and_four_digit_years_normalise_to_one_form(written: str) -> None:
    checked = check_pnc_id(written)
    assert checked.valid
    assert checked.value == "12/0000345G"


def test_wrong_check_letter_is_refused_naming_the_expected_letter() -> None:
    checked = check_pnc_id("12/0000345H")
    assert not checked.valid
    assert checked.value == "12/0000345H"
    assert checked.problem == "check letter does not match (expected G)"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("120000345G", "not in the form YY/NNNNNNNL"),
        ("1/0000345G", "not in the form YY/NNNNNNNL"),
        ("12/G", "not in the form YY/NNNNNNNL"),
        ("12/0000345", "not in the form YY/NNNNNNNL"),
        ("12/00003456G", "serial longer than 7 digits (has 8)"),
        ("12/" + fullwidth("000345") + "G", "not in the form YY/NNNNNNNL"),
    ],
)
def test_malformed_pnc_ids_are_refused_with_a_reason(written: str, problem: str) -> None:
    checked = check_pnc_id(written)
    assert not checked.valid
    assert checked.value == written
    assert checked.problem == problem


@given(years, serials)
def test_make_pnc_id_always_validates_and_matches_the_documented_algorithm(year2: int, serial: int) -> None:
    pnc_id = make_pnc_id(year2, serial)
    assert check_pnc_id(pnc_id).valid
    expected_letter = "ZABCDEFGHJKLMNPQRTUVWXY"[int(f"{year2:02d}{serial:07d}") % 23]
    assert pnc_id == f"{year2:02d}/{serial:07d}{expected_letter}"


@given(years, serials, st.sampled_from([0, 1, 3, 4, 5, 6, 7, 8, 9]), st.integers(1, 9))
def test_changing_any_single_digit_is_always_detected(year2: int, serial: int, position: int, shift: int) -> None:
    # Each digit carries a power of ten, never a multiple of the prime 23 (position 2 is "/").
    pnc_id = make_pnc_id(year2, serial)
    digit = str((int(pnc_id[position]) + shift) % 10)
    changed = pnc_id[:position] + digit + pnc_id[position + 1 :]
    assert not check_pnc_id(changed).valid


@pytest.mark.parametrize(("year2", "serial"), [(100, 1), (-1, 1), (12, 10_000_000), (12, -1)])
def test_make_pnc_id_refuses_out_of_range_parts(year2: int, serial: int) -> None:
    with pytest.raises(ValueError, match="PNC"):
        make_pnc_id(year2, serial)
