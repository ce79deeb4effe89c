"""UK vehicle registration marks: current, prefix, suffix and dateless shapes."""

from __future__ import annotations

import pytest

from linewatch.identifiers import check_vrm


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("AB12 CDE", "AB12CDE"),  # current, since 2001
        ("ab12cde", "AB12CDE"),
        (" AB 12 CDE ", "AB12CDE"),
        ("BD51 SMR", "BD51SMR"),
        ("A123 BCD", "A123BCD"),  # prefix, 1983-2001
        ("P7 ABC", "P7ABC"),
        ("ABC 123D", "ABC123D"),  # suffix, 1963-1983
        ("ABC 1D", "ABC1D"),
        ("ABC 1234", "ABC1234"),  # dateless, letters first (and Northern Ireland)
        ("A 1", "A1"),
        ("1234 AB", "1234AB"),  # dateless, digits first
    ],
)
def test_each_registration_shape_is_valid_and_normalised_without_spaces(written: str, normalised: str) -> None:
    checked = check_vrm(written)
    assert checked.valid
    assert checked.value == normalised


@pytest.mark.parametrize(
    "written",
    [
        "AB12 CD",
        "AB12 CDEF",
        "AB123 CDE",
        "A012 BCD",  # numbers outside the current shape never start with 0
        "ABC 0123",
        "12AB34",
        "AB-12-CDE",
        "ÄB12 CDE",
    ],
)
def test_malformed_marks_are_refused_as_given(written: str) -> None:
    checked = check_vrm(written)
    assert not checked.valid
    assert checked.value == written
    assert checked.problem == "not a UK registration mark"
