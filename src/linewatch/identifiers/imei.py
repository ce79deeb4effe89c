"""IMEI: checking the 15-digit handset identity found in communications data and seized-phone
records, and making valid ones for synthetic data.

An IMEI is an 8-digit Type Allocation Code, a 6-digit serial and a Luhn check digit. Records
sometimes hold the 14 digits without the check digit, or the 16-digit IMEISV (software version
in place of the check digit); both are refused with a problem that says so, because neither can
be checked and an IMEISV is not the same string as the handset's IMEI.
"""

from __future__ import annotations

from stdnum import luhn

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject

# Luhn doubles every second digit from the right and adds the digits of the result:
# 0->0, 1->2, 2->4, 3->6, 4->8, 5->1 (10), 6->3 (12), 7->5 (14), 8->7 (16), 9->9 (18).
_DOUBLED = str.maketrans("0123456789", "0246813579")


def _passes_luhn(digits15: str) -> bool:
    """Luhn check for exactly 15 ASCII digits, about three times faster than
    ``stdnum.luhn.checksum`` (IMEIs come on every call record). In a 15-digit number the digits
    doubled are those at odd indexes; summing ASCII bytes adds 48 per digit, taken off once."""
    kept = digits15[0::2].encode("ascii")
    doubled = digits15[1::2].translate(_DOUBLED).encode("ascii")
    return (sum(kept) + sum(doubled) - ord("0") * 15) % 10 == 0


def check_imei(raw: str) -> Checked:
    """Check an IMEI such as ``"35-209900-176148-1"``; normalised to its 15 digits."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    # Handsets and forensic reports print IMEIs in groups split by spaces or hyphens.
    digits = given.replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit()):
        return reject(given, "not 15 digits: has characters other than digits, spaces, hyphens")
    if len(digits) != 15:
        if len(digits) == 14:
            return reject(given, "14 digits: the Luhn check digit is missing")
        if len(digits) == 16:
            return reject(given, "16 digits: an IMEISV (software version), not an IMEI")
        return reject(given, f"not 15 digits (has {len(digits)})")
    if not _passes_luhn(digits):
        expected = luhn.calc_check_digit(digits[:14])
        return reject(given, f"check digit does not match (expected {expected})")
    return accept(digits)


def make_imei(tac_and_serial14: str) -> str:
    """A valid IMEI: the 14 digits given (type allocation code and serial) plus the Luhn digit."""
    if not (len(tac_and_serial14) == 14 and tac_and_serial14.isascii() and tac_and_serial14.isdigit()):
        raise ValueError(f"IMEI without check digit must be 14 digits, got {tac_and_serial14!r}")
    return tac_and_serial14 + luhn.calc_check_digit(tac_and_serial14)
