"""Unique Pupil Number (UPN): checking the 13-character number that schools and local authorities
in England use to name a pupil, and making valid ones for synthetic data.

Layout (DfE, "Unique pupil numbers (UPNs): a guide for schools and local authorities"): a check
letter, then a 3-digit local authority number, a 4-digit establishment number, a 2-digit year of
issue and a 3-character serial. In a temporary UPN the last character is a letter.

Check letter: give characters 2 to 13 the weights 2 to 13; a digit counts as its value and a
letter (possible only in position 13) as its index in ``ABCDEFGHJKLMNPQRTUVWXYZ`` (A=0 ... Z=22;
I, O and S are never used). The check letter is that alphabet's letter at the weighted sum
modulo 23.

The local authority number is not checked against the list of authorities: authorities are
created and merged over time, and a stale list would refuse real pupils.
"""

from __future__ import annotations

from operator import mul

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

_LETTER_VALUE = {letter: index for index, letter in enumerate(CHECK_LETTERS)}
_CHARACTER_VALUE = _LETTER_VALUE | {str(digit): digit for digit in range(10)}
_WEIGHTS = range(2, 14)


def upn_check_letter(body12: str) -> str:
    """The check letter for the 12 characters after it (11 digits, then a digit or letter)."""
    values = map(_CHARACTER_VALUE.__getitem__, body12)
    total: int = sum(map(mul, values, _WEIGHTS))
    return CHECK_LETTERS[total % 23]


def _body_problem(body12: str) -> str | None:
    """Why the 12 characters after the check letter cannot be a UPN body, or None if they can."""
    if not (body12[:11].isascii() and body12[:11].isdigit()):
        return "characters 2 to 12 must be digits"
    if body12[11] not in _CHARACTER_VALUE:
        return "character 13 must be a digit or a letter other than I, O, S"
    return None


def check_upn(raw: str) -> Checked:
    """Check a UPN such as ``"B801200005001"``; normalised uppercase without spaces."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    upn = given.replace(" ", "").upper()
    if len(upn) != 13:
        return reject(given, f"not 13 characters (has {len(upn)})")
    body_problem = _body_problem(upn[1:])
    if body_problem is not None:
        return reject(given, body_problem)
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        if upn[0] not in _LETTER_VALUE:
            return reject(given, f"first character must be a check letter (expected {expected})")
        return reject(given, f"check letter does not match (expected {expected})")
    return accept(upn)


def make_upn(body12: str) -> str:
    """A valid UPN: ``body12`` (11 digits, then a digit or, for a temporary UPN, a letter)
    with its check letter in front."""
    body = body12.upper()
    problem = _body_problem(body) if len(body) == 12 else "must be 12 characters"
    if problem is not None:
        raise ValueError(f"UPN body {body12!r}: {problem}")
    return upn_check_letter(body) + body
