"""NHS number: checking the 10-digit modulus 11 number that health records (and sometimes
children's social care) use to name a person, and making valid ones for synthetic data.

The algorithm (NHS Data Dictionary, "NHS Number"): multiply the first nine digits by the weights
10, 9, ..., 2 and sum; the check digit is 11 minus the remainder of that sum divided by 11, with
11 written as 0. A remainder giving 10 means no number with those nine digits is ever issued.
Numbers from 999 000 0000 to 999 999 9999 are reserved for testing, so synthetic data should
draw from that range.
"""

from __future__ import annotations

from operator import mul

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
# Summing byte values is about four times faster than int() per digit (this runs on millions of
# rows); each byte is 48 (ord "0") more than its digit, so subtract 48 times the weights once.
_BYTE_OFFSET = ord("0") * sum(_WEIGHTS)


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine ASCII digits, or None when it would be 10 (never issued)."""
    total: int = sum(map(mul, first_nine.encode("ascii"), _WEIGHTS)) - _BYTE_OFFSET
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def check_nhs_number(raw: str) -> Checked:
    """Check an NHS number such as ``"943 476 5919"``; normalised form ``"9434765919"``."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    # People write NHS numbers in 3-3-4 groups, with spaces or hyphens.
    digits = given.replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit()):
        return reject(given, "not 10 digits: has characters other than digits, spaces, hyphens")
    if len(digits) != 10:
        return reject(given, f"not 10 digits (has {len(digits)})")
    expected = nhs_check_digit(digits[:9])
    if expected is None:
        return reject(given, "no NHS number has these first nine digits (check digit would be 10)")
    if int(digits[9]) != expected:
        return reject(given, f"check digit does not match (expected {expected})")
    return accept(digits)


def make_nhs_number(n9: int) -> str | None:
    """A valid NHS number whose first nine digits are ``n9`` (zero-padded), or None when those
    nine digits have no valid check digit. For synthetic people use ``999_000_000 <= n9``."""
    if not 0 <= n9 <= 999_999_999:
        raise ValueError(f"n9 must be 0 to 999999999 (nine digits), got {n9}")
    first_nine = f"{n9:09d}"
    check = nhs_check_digit(first_nine)
    if check is None:
        return None
    return f"{first_nine}{check}"
