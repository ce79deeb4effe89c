"""How agencies get people's details wrong, and how often: the one table of noise rates, and
the functions that apply each kind of noise to one agency's record of a person.

Every rate is a probability per agency person record, applied independently; where a kind of
noise cannot apply (no middle name to swap, a forename with no known variant, a day above 12)
the record is left alone. Every change made is logged so truth/noise.csv lists it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from linewatch.identifiers.nhs import nhs_check_digit
from linewatch.identifiers.upn import CHECK_LETTERS
from linewatch.synth import reference

NoiseLevel = Literal["low", "default", "high"]

NOISE_RATES: dict[str, dict[str, float]] = {
    # kind of noise:            low     default  high
    "name_typo": {"low": 0.01, "default": 0.03, "high": 0.08},
    "nickname": {"low": 0.03, "default": 0.08, "high": 0.15},
    "swapped_forename_middle": {"low": 0.005, "default": 0.02, "high": 0.05},
    "surname_change": {"low": 0.005, "default": 0.015, "high": 0.04},
    "dob_day_month_swap": {"low": 0.003, "default": 0.01, "high": 0.03},
    "old_address": {"low": 0.03, "default": 0.10, "high": 0.20},
    "missing_identifier": {"low": 0.02, "default": 0.05, "high": 0.12},
    "invalid_identifier": {"low": 0.003, "default": 0.01, "high": 0.03},
    "missing_dob": {"low": 0.002, "default": 0.01, "high": 0.03},
}
NOISE_DESCRIPTIONS = {
    "name_typo": "one letter substituted, dropped, doubled or two letters transposed, in the forename or surname",
    "nickname": "the forename recorded as a known variant (William/Liam, Kacey/Kacie) from data/nicknames.csv",
    "swapped_forename_middle": (
        "forename and middle name recorded the other way round (only where there is a middle name)"
    ),
    "surname_change": "a double-barrelled surname, or a step-parent's surname (half each)",
    "dob_day_month_swap": (
        "day and month of birth swapped (only where both are 12 or less and differ, so the date stays valid)"
    ),
    "old_address": "a previous address recorded instead of the current one (only where the person moved)",
    "missing_identifier": "the agency's identifier (NHS number, UPN, PNC ID) left blank where the agency would hold it",
    "invalid_identifier": (
        "the identifier mistyped so that its check fails: one NHS number digit changed (modulus 11 "
        "fails), a wrong UPN check letter, a wrong PNC check letter"
    ),
    "missing_dob": "date of birth left blank (voluntary sector and rail records only)",
}

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def rates_for(level: str) -> dict[str, float]:
    return {kind: by_level[level] for kind, by_level in NOISE_RATES.items()}


def typo(rng: np.random.Generator, text: str) -> str:
    """One keyboard slip, never on the first letter (people rarely mistype that)."""
    if len(text) < 3:
        return text
    at = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        new = _LETTERS[int(rng.integers(26))]
        new = new.upper() if text[at].isupper() else new
        if new.lower() == text[at].lower():
            new = "e" if new.lower() != "e" else "a"
        return text[:at] + new + text[at + 1 :]
    if kind == 1:
        return text[:at] + text[at + 1 :]
    if kind == 2:
        return text[:at] + text[at] + text[at:]
    if text[at] == text[at + 1]:
        return text[:at] + text[at + 1 :]
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def nickname(rng: np.random.Generator, forename: str) -> str | None:
    variants = reference.nicknames().get(forename)
    if not variants:
        return None
    return variants[int(rng.integers(len(variants)))]


def changed_surname(rng: np.random.Generator, surname: str, group: str) -> str:
    pool = reference.surnames().get(group) or reference.surnames()["british"]
    other = pool[int(rng.integers(len(pool)))]
    if other == surname:
        other = pool[(pool.index(other) + 1) % len(pool)]
    return f"{surname}-{other}" if rng.random() < 0.5 else other


def invalid_nhs_number(rng: np.random.Generator, number: str) -> str:
    """The same number with one digit changed so that the modulus 11 check fails."""
    for _ in range(40):
        at = int(rng.integers(0, 10))
        digit = str(int(rng.integers(0, 10)))
        if digit == number[at]:
            continue
        candidate = number[:at] + digit + number[at + 1 :]
        expected = nhs_check_digit(candidate[:9])
        if expected is None or expected != int(candidate[9]):
            return candidate
    return number[:9] + str((int(number[9]) + 1) % 10)


def invalid_upn(rng: np.random.Generator, upn: str) -> str:
    wrong = [letter for letter in CHECK_LETTERS if letter != upn[0]]
    return wrong[int(rng.integers(len(wrong)))] + upn[1:]


def invalid_pnc_id(rng: np.random.Generator, pnc: str) -> str:
    from linewatch.identifiers.pnc import CHECK_LETTERS as PNC_LETTERS

    wrong = [letter for letter in PNC_LETTERS if letter != pnc[-1]]
    return pnc[:-1] + wrong[int(rng.integers(len(wrong)))]
