"""Phone numbers: checking a number from communications data or agency records and writing it in
E.164 ("+447400123456"), so that "07400 123456", "+44 (0)7400 123456" and "0044 7400 123456" are
the same line everywhere.

Validity is exactly ``phonenumbers.is_valid_number``: the number falls in an allocated range. Note
that libphonenumber treats Ofcom's drama mobile range 07700 900000-900999 as not valid (it is
reserved for fiction); such numbers are refused with a problem that names the range. Ofcom's
drama landline ranges (for example 020 7946 0xxx) are valid.

Speed: phonenumbers takes about 50-60 microseconds to parse and validate a number, too slow for millions of
call records. Two things make it fast, without changing any answer:

- results are cached (call records repeat the same handful of numbers many times);
- numbers written in the common UK shapes (0 / +44 / +44 (0) / 0044, then 9 or 10 digits with
  optional single spaces or hyphens) skip ``phonenumbers.parse``. The digits are then tested
  against the GB patterns in phonenumbers' own metadata, the same test ``is_valid_number``
  applies first for +44. Only a number that passes is answered here; everything else (including
  Isle of Man, Jersey and Guernsey numbers, which share +44) goes to phonenumbers.
  ``tests/identifiers/test_phone.py`` checks that both routes agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneMetadata,
    PhoneNumberFormat,
    ValidationResult,
)
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject

CACHE_SIZE = 200_000

# Keep phonenumbers' compiled metadata patterns instead of recompiling through re's small cache;
# about a third faster for numbers that take the slow route.
phonenumbers.enable_pattern_cache()

_PARSE_PROBLEMS = {
    NumberParseException.INVALID_COUNTRY_CODE: "unknown or missing country code",
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short to be a phone number",
    NumberParseException.TOO_LONG: "too long to be a phone number",
}

_LENGTH_PROBLEMS = {
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country code",
    ValidationResult.TOO_SHORT: "too short for its country",
    ValidationResult.TOO_LONG: "too long for its country",
    ValidationResult.INVALID_LENGTH: "wrong length for its country",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number: needs its area code",
}


def check_phone(raw: str, region: str = "GB") -> Checked:
    """Check a phone number; ``region`` says how to read numbers without a country code.
    Normalised form is E.164, e.g. ``"+447400123456"``."""
    return _check_phone_cached(raw, region)


@lru_cache(maxsize=CACHE_SIZE)
def _check_phone_cached(raw: str, region: str) -> Checked:
    return check_phone_uncached(raw, region)


def check_phone_uncached(raw: str, region: str = "GB") -> Checked:
    """``check_phone`` without the cache: the fast UK route when it applies, else phonenumbers."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    if region == "GB" and _GB_RULES is not None:
        national = _uk_shaped_national_number(given)
        if national is not None and _GB_RULES.is_valid(national):
            return accept("+44" + national)
    return check_phone_with_phonenumbers(given, region)


def check_phone_with_phonenumbers(raw: str, region: str = "GB") -> Checked:
    """The reference answer: parse with phonenumbers, valid when ``is_valid_number`` says so."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    try:
        number = phonenumbers.parse(given, region)
    except NumberParseException as error:
        return reject(given, _PARSE_PROBLEMS.get(error.error_type, "not a phone number"))
    if phonenumbers.is_valid_number(number):
        return accept(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return reject(given, _invalid_number_problem(number))


def _invalid_number_problem(number: phonenumbers.PhoneNumber) -> str:
    national = phonenumbers.national_significant_number(number)
    if number.country_code == 44 and len(national) == 10 and national.startswith("7700900"):
        return "Ofcom drama number (07700 900xxx): reserved for fiction, never a real phone"
    length = phonenumbers.is_possible_number_with_reason(number)
    return _LENGTH_PROBLEMS.get(length, f"not an allocated +{number.country_code} number range")


# The common ways UK numbers are written: 0, +44, +44 (0) or 0044, then the national number of 9
# or 10 digits (never starting 0), optionally grouped by single spaces or hyphens.
_UK_SHAPE = re.compile(r"(?:(?:\+|00)44 ?(?:\(0\) ?)?|0)([1-9](?:[ -]?[0-9]){8,9})")


def _uk_shaped_national_number(given: str) -> str | None:
    match = _UK_SHAPE.fullmatch(given)
    if match is None:
        return None
    return match.group(1).replace(" ", "").replace("-", "")


@dataclass(frozen=True, slots=True)
class _NumberPattern:
    """One of phonenumbers' number descriptions: allowed lengths (empty = any) and pattern."""

    lengths: frozenset[int]
    pattern: re.Pattern[str]

    def matches(self, national: str) -> bool:
        if self.lengths and len(national) not in self.lengths:
            return False
        return self.pattern.fullmatch(national) is not None


@dataclass(frozen=True, slots=True)
class _RegionRules:
    """A region's validity test, as phonenumbers applies it: the number fits the general
    description and at least one number type (fixed line, mobile, toll free, ...)."""

    general: _NumberPattern
    types: tuple[_NumberPattern, ...]

    def is_valid(self, national: str) -> bool:
        if not self.general.matches(national):
            return False
        return any(number_type.matches(national) for number_type in self.types)


# Every type phonenumbers tries before answering "unknown" (which is what makes a number invalid).
# Any one matching makes the number valid, so the order cannot change the answer; the common
# types come first so most numbers stop after one or two patterns.
_NUMBER_TYPES = (
    "mobile",
    "fixed_line",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


def _number_pattern(description: phonenumbers.PhoneNumberDesc | None) -> _NumberPattern | None:
    if description is None or not description.national_number_pattern:
        return None
    return _NumberPattern(frozenset(description.possible_length), re.compile(description.national_number_pattern))


def _gb_rules() -> _RegionRules | None:
    """GB's rules, or None (no fast route) if phonenumbers' metadata is no longer laid out so
    that a number passing GB's rules is certainly valid: +44 must list GB first, without
    leading digits, so ``region_code_for_number`` picks GB for any number GB's rules accept."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(44, ())
    metadata = PhoneMetadata.metadata_for_region("GB", None)
    if not regions or regions[0] != "GB" or metadata is None or metadata.leading_digits:
        return None
    general = _number_pattern(metadata.general_desc)
    if general is None:
        return None
    types = (_number_pattern(getattr(metadata, name)) for name in _NUMBER_TYPES)
    return _RegionRules(general, tuple(pattern for pattern in types if pattern is not None))


_GB_RULES = _gb_rules()
