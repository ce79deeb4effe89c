"""Unique Pupil Number: check letter + 12 characters, DfE modulus 23 algorithm."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from linewatch.identifiers import check_upn, make_upn

bodies = st.from_regex(r"[0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]", fullmatch=True)


@pytest.mark.parametrize("written", ["B801200005001", "b801200005001", " B801 2000 05001 "])
def test_published_example_b801200005001_is_valid_however_it_is_written(written: str) -> None:
    # The example python-stdnum's documentation gives for the DfE algorithm.
    checked = check_upn(written)
    assert checked.valid
    assert checked.value == "B801200005001"


def test_check_letter_worked_by_hand() -> None:
    # 8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 0*9 + 5*10 + 0*11 + 0*12 + 1*13 = 93;
    # 93 % 23 = 1, and index 1 of ABCDEFGHJKLMNPQRTUVWXYZ is B.
    assert make_upn("801200005001") == "B801200005001"


def test_temporary_upn_with_a_final_letter_is_valid() -> None:
    # The final A counts as 0: the sum is 80, 80 % 23 = 11, index 11 is M.
    temporary = make_upn("80120000500A")
    assert temporary == "M80120000500A"
    assert check_upn(temporary.lower()).valid


def test_wrong_check_letter_is_refused_naming_the_expected_letter() -> None:
    checked = check_upn("A801200005001")
    assert not checked.valid
    assert checked.problem == "check letter does not match (expected B)"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("B80120000500", "not 13 characters (has 12)"),
        ("B80120000A001", "characters 2 to 12 must be digits"),
        ("B80120000500I", "character 13 must be a digit or a letter other than I, O, S"),
        ("1801200005001", "first character must be a check letter (expected B)"),
        ("I801200005001", "first character must be a check letter (expected B)"),
        ("", "empty"),
    ],
)
def test_malformed_upns_are_refused_with_a_reason(written: str, problem: str) -> None:
    checked = check_upn(written)
    assert not checked.valid
    assert checked.value == written.strip()
    assert checked.problem == problem


def test_make_upn_refuses_a_body_that_is_not_eleven_digits_and_a_final_character() -> None:
    with pytest.raises(ValueError, match="must be digits"):
        make_upn("8012000X5001")


@given(bodies)
def test_make_upn_always_validates(body: str) -> None:
    assert check_upn(make_upn(body)).valid


@given(bodies)
def test_check_letter_agrees_with_python_stdnum(body: str) -> None:
    assert make_upn(body)[0] == stdnum_upn.calc_check_digit(body)


@given(bodies, st.integers(1, 11), st.integers(1, 9))
def test_changing_any_single_digit_is_always_detected(body: str, position: int, shift: int) -> None:
    # Weights 2..13 and changes 1..9 are all non-zero mod the prime 23.
    upn = make_upn(body)
    changed = upn[:position] + str((int(upn[position]) + shift) % 10) + upn[position + 1 :]
    assert not check_upn(changed).valid
