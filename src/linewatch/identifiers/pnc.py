"""PNC ID: checking the Police National Computer person identifier held in police records, and
making valid ones for synthetic data.

Form: ``YY/NNNNNNNL``, a 2-digit year, a slash, a serial of up to 7 digits and a check letter.
Writers often drop the serial's leading zeros ("12/345G"); the normalised form pads the serial to
7 digits ("12/0000345G") so both spellings compare equal. Some systems (for example the Ministry
of Justice's person record service) write the year with four digits ("2012/0000345G"); that is
accepted too and normalised to the two-digit form, since the check letter uses only two.

Check letter algorithm: write the year and the zero-padded serial as one 9-digit number
(``YY`` followed by ``NNNNNNN``), take it modulo 23, and index the alphabet
``ZABCDEFGHJKLMNPQRTUVWXY`` (0 = Z, 1 = A, ..., 22 = Y; I, O and S are never used). For
"12/0000345": 120000345 % 23 = 7, so the letter is G and the ID is "12/0000345G".
"""

from __future__ import annotations

import re

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject

CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"

# Applied with whitespace removed and uppercased. The serial is allowed to be too long here so
# the problem can say so rather than just "wrong form".
_PNC_ID = re.compile(r"(?:19|20)?([0-9]{2})/([0-9]+)([A-Z])")


def pnc_check_letter(year2: int, serial: int) -> str:
    """The check letter for a year (0-99) and serial (0-9999999)."""
    # Equal to int(f"{year2:02d}{serial:07d}") without building the string.
    return CHECK_LETTERS[(year2 * 10_000_000 + serial) % 23]


def check_pnc_id(raw: str) -> Checked:
    """Check a PNC ID such as ``"12/345g"``; normalised form ``"12/0000345G"``."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    compact = "".join(given.split()).upper()
    match = _PNC_ID.fullmatch(compact) if compact.isascii() else None
    if match is None:
        return reject(given, "not in the form YY/NNNNNNNL")
    year_text, serial_text, letter = match.groups()
    if len(serial_text) > 7:
        return reject(given, f"serial longer than 7 digits (has {len(serial_text)})")
    year2, serial = int(year_text), int(serial_text)
    expected = pnc_check_letter(year2, serial)
    if letter != expected:
        return reject(given, f"check letter does not match (expected {expected})")
    return accept(f"{year_text}/{serial:07d}{letter}")


def make_pnc_id(year2: int, serial: int) -> str:
    """A valid, normalised PNC ID for a year (0-99) and serial (0-9999999)."""
    if not 0 <= year2 <= 99:
        raise ValueError(f"PNC year must be 0 to 99, got {year2}")
    if not 0 <= serial <= 9_999_999:
        raise ValueError(f"PNC serial must be 0 to 9999999, got {serial}")
    return f"{year2:02d}/{serial:07d}{pnc_check_letter(year2, serial)}"
