"""Phone numbers: E.164 via phonenumbers, with a cache and a fast route for common UK shapes that
must give exactly phonenumbers' answer."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linewatch.identifiers import check_phone
from linewatch.identifiers.phone import check_phone_uncached, check_phone_with_phonenumbers


@pytest.mark.parametrize(
    "written",
    [
        "07400 123456",
        "07400123456",
        "07400-123-456",
        " 07400 123456 ",
        "+44 7400 123456",
        "+447400123456",
        "+44 (0)7400 123456",
        "+44(0)7400123456",
        "0044 7400 123456",
        "(07400) 123456",
        "+44 74 00 12 34 56",
    ],
)
def test_ways_of_writing_one_uk_mobile_give_the_same_e164(written: str) -> None:
    checked = check_phone(written)
    assert checked.valid
    assert checked.value == "+447400123456"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("020 7946 0018", "+442079460018"),  # Ofcom drama landline range, London
        ("0113 496 0000", "+441134960000"),  # Ofcom drama landline range, Leeds
        ("0800 123456", "+44800123456"),  # nine-digit freephone
        ("07624 123456", "+447624123456"),  # Isle of Man mobile, shares +44
        ("01534 123456", "+441534123456"),  # Jersey landline
    ],
)
def test_other_uk_numbers_are_valid(written: str, e164: str) -> None:
    checked = check_phone(written)
    assert checked.valid
    assert checked.value == e164


def test_region_says_how_to_read_a_number_without_country_code() -> None:
    checked = check_phone("(202) 555-0142", region="US")
    assert checked.valid
    assert checked.value == "+12025550142"


def test_ofcom_drama_mobile_range_is_not_valid_and_the_problem_says_why() -> None:
    # libphonenumber leaves 07700 900000-900999 out of the allocated mobile ranges.
    checked = check_phone("07700 900123")
    assert not checked.valid
    assert checked.value == "07700 900123"
    assert checked.problem is not None
    assert "drama" in checked.problem


@pytest.mark.parametrize("written", ["hello", "12", "+999 123", "07400 12345", "074001234567"])
def test_things_that_are_not_numbers_are_refused_as_given(written: str) -> None:
    checked = check_phone(written)
    assert not checked.valid
    assert checked.value == written
    assert checked.problem


def test_repeated_numbers_are_answered_from_the_cache() -> None:
    first = check_phone("07400 123457")
    assert check_phone("07400 123457") is first


# The fast route must agree with phonenumbers on every UK-shaped input, valid or not.

uk_prefixes = st.sampled_from(["0", "+44", "+44 ", "+44 (0)", "+44(0)", "+44 (0) ", "0044", "0044 "])
# Bias the digits towards real ranges (mobiles, London, geographic, Crown dependencies, drama)
# so that both valid and invalid numbers are common.
national_starts = st.sampled_from(
    ["7", "74", "75", "77", "78", "79", "7700900", "7624", "7781", "7911", "20", "1", "3", "8", "9"]
)


@st.composite
def uk_shaped_numbers(draw: st.DrawFn) -> str:
    start = draw(national_starts)
    length = draw(st.sampled_from([9, 10]))
    if len(start) > length:
        start = start[:length]
    rest = draw(st.text(alphabet="0123456789", min_size=length - len(start), max_size=length))
    national = (start + rest)[:length]
    separators = draw(st.lists(st.sampled_from(["", "", "", " ", "-"]), min_size=length))
    written = "".join(digit + separator for digit, separator in zip(national, separators[:length], strict=True))
    return draw(uk_prefixes) + written.rstrip(" -")


@settings(max_examples=2000, deadline=None)
@given(uk_shaped_numbers())
def test_fast_uk_route_gives_exactly_the_phonenumbers_answer(written: str) -> None:
    assert check_phone_uncached(written) == check_phone_with_phonenumbers(written)


@settings(deadline=None)
@given(st.text(alphabet="0123456789 +-()", max_size=20))
def test_fast_uk_route_agrees_on_digit_soup(written: str) -> None:
    assert check_phone_uncached(written) == check_phone_with_phonenumbers(written)


@pytest.mark.parametrize("length", [9, 10])
def test_fast_uk_route_agrees_for_every_four_digit_uk_prefix(length: int) -> None:
    # Most range boundaries in the UK numbering plan sit in the first four digits: sweep them all,
    # with different (seeded, so repeatable) remaining digits for each.
    for prefix in range(1000, 10_000):
        rest = random.Random(prefix).randrange(10 ** (length - 4))
        written = f"0{prefix}{rest:0{length - 4}d}"
        assert check_phone_uncached(written) == check_phone_with_phonenumbers(written), written
