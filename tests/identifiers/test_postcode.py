"""UK postcodes: shape check and one normalised spelling, "AB1 2CD"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linewatch.identifiers import check_postcode

from .lookalikes import fullwidth

# One of each outward shape (Royal Mail's examples), plus the Girobank special case.
WELL_FORMED = ["M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "GIR 0AA"]

well_formed_compact = st.from_regex(
    r"(?:[A-Z][0-9]{1,2}|[A-Z][A-HJ-Y][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z][A-HJ-Y][0-9][A-Z])"
    r"[0-9][A-Z]{2}",
    fullmatch=True,
)


@pytest.mark.parametrize("postcode", WELL_FORMED)
def test_every_outward_shape_is_valid_and_already_normal(postcode: str) -> None:
    checked = check_postcode(postcode)
    assert checked.valid
    assert checked.value == postcode


@pytest.mark.parametrize("written", ["SW1A 1AA", "sw1a1aa", "SW1A1AA", "  sw1a   1aa ", "Sw1A\t1aA"])
def test_missing_or_extra_spaces_and_lowercase_are_tolerated(written: str) -> None:
    checked = check_postcode(written)
    assert checked.valid
    assert checked.value == "SW1A 1AA"


@pytest.mark.parametrize(
    "written",
    [
        "ZZ99 ZZZZ",  # four-letter inward code
        "ZZ99 3VZ",  # NHS "no fixed abode" pseudo-postcode: Z is never a second letter
        "SW1A",  # outward code only
        "SW1A 1A",
        "AI1 1AA",  # I is never a second letter
        "1AB 2CD",
        "SW1A-1AA",
        fullwidth("SW1A 1AA"),
    ],
)
def test_malformed_postcodes_are_refused_as_given(written: str) -> None:
    checked = check_postcode(written)
    assert not checked.valid
    assert checked.value == written
    assert checked.problem == "not a UK postcode"


@given(well_formed_compact, st.integers(0, 3), st.booleans())
def test_any_spacing_or_case_of_a_postcode_gives_the_same_normal_form(compact: str, spaces: int, lower: bool) -> None:
    written = compact[:-3] + " " * spaces + compact[-3:]
    if lower:
        written = written.lower()
    checked = check_postcode(written)
    assert checked.valid
    assert checked.value == f"{compact[:-3]} {compact[-3:]}"
