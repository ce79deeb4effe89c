"""What every identifier check promises its callers: the CHECKERS table, never raising, invalid
input handed back as given with a reason, and normalisation that is stable."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linewatch.identifiers import (
    CHECKERS,
    Checked,
    check_imei,
    check_nhs_number,
    check_phone,
    check_pnc_id,
    check_postcode,
    check_upn,
    check_uprn,
    check_vrm,
    make_imei,
    make_nhs_number,
    make_pnc_id,
    make_upn,
)

from .lookalikes import fullwidth

Check = Callable[[str], Checked]

ALL_CHECKS = pytest.mark.parametrize("kind", sorted(CHECKERS))

# Text made of the characters identifiers are written with (and some that look like them), so
# generated strings get past the first few tests inside each check.
IDENTIFIER_CHARACTERS = "0123456789 /-+()ABCDEGHIJLMNOPQSTVWXYZabcgiz\t"
LOOKALIKE_CHARACTERS = "\u0663\u00b2" + fullwidth("0A")  # Arabic-Indic 3, superscript 2, ...
identifier_like_text = st.text(alphabet=IDENTIFIER_CHARACTERS + LOOKALIKE_CHARACTERS, max_size=20)


def untidy_nhs_number(n9: int) -> str:
    number = make_nhs_number(n9)
    assert number is not None
    return f" {number[:3]} {number[3:6]}-{number[6:]}"


# A valid example of each kind, written untidily, for the idempotence property.
untidy_valid = {
    "nhs_number": st.integers(999_000_000, 999_999_999)
    .filter(lambda n9: make_nhs_number(n9) is not None)
    .map(untidy_nhs_number),
    "upn": st.from_regex(r"[0-9]{11}[0-9A-HJ-NP-RT-Z]", fullmatch=True).map(lambda body: make_upn(body).lower()),
    "postcode": st.sampled_from(["sw1a1aa", " M1  1AE", "gir0aa", "dn551pt"]),
    "phone": st.sampled_from(["+44 (0)7400 123456", "0044 20 7946 0018", "07624-123-456"]),
    "imei": st.from_regex(r"[0-9]{14}", fullmatch=True).map(
        lambda body: "-".join([body[:2], body[2:8], body[8:14], make_imei(body)[14]])
    ),
    "vrm": st.sampled_from(["ab12 cde", " A123 BCD", "abc 123d", "1234 ab"]),
    "uprn": st.integers(1, 999_999_999_999).map(lambda uprn: f"000{uprn}"),
    "pnc_id": st.builds(make_pnc_id, st.integers(0, 99), st.integers(0, 9_999_999)).map(
        lambda pnc_id: pnc_id.replace("/000", "/").lower()
    ),
}


def test_checkers_cover_every_identifier_kind_with_its_check() -> None:
    expected = {
        "nhs_number": check_nhs_number,
        "upn": check_upn,
        "postcode": check_postcode,
        "phone": check_phone,
        "imei": check_imei,
        "vrm": check_vrm,
        "uprn": check_uprn,
        "pnc_id": check_pnc_id,
    }
    assert expected == CHECKERS


@ALL_CHECKS
@pytest.mark.parametrize("blank", ["", " ", "\t\n", "\u00a0"])
def test_empty_or_whitespace_is_invalid_with_problem_empty(kind: str, blank: str) -> None:
    assert CHECKERS[kind](blank) == Checked("", False, "empty")


def _assert_keeps_promises(check: Check, raw: str) -> None:
    checked = check(raw)
    assert isinstance(checked, Checked)
    if checked.valid:
        assert checked.problem is None
        assert checked.value
        assert check(checked.value) == checked
    else:
        assert checked.value == raw.strip()
        assert isinstance(checked.problem, str)
        assert checked.problem


@ALL_CHECKS
@settings(max_examples=300, deadline=None)
@given(raw=st.text())
def test_any_text_gives_an_answer_never_an_exception(kind: str, raw: str) -> None:
    _assert_keeps_promises(CHECKERS[kind], raw)


@ALL_CHECKS
@settings(max_examples=300, deadline=None)
@given(raw=identifier_like_text)
def test_identifier_like_text_gives_an_answer_never_an_exception(kind: str, raw: str) -> None:
    _assert_keeps_promises(CHECKERS[kind], raw)


@ALL_CHECKS
@settings(deadline=None)
@given(data=st.data())
def test_normalising_a_valid_identifier_twice_changes_nothing(kind: str, data: st.DataObject) -> None:
    raw = data.draw(untidy_valid[kind])
    checked = CHECKERS[kind](raw)
    assert checked.valid, (raw, checked)
    assert CHECKERS[kind](checked.value) == checked
