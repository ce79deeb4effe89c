"""UK postcode: checking the format of a postcode and writing it one way, "AB1 2CD" (outward code,
one space, inward code, uppercase), so addresses from different agencies compare equal.

The pattern is the UK Government Data Standards Catalogue postcode expression, including the
special case GIR 0AA. It checks shape only: whether the postcode exists needs a lookup against
the ONS Postcode Directory, which is not this module's job. NHS pseudo-postcodes such as
ZZ99 3VZ ("no fixed abode") do not fit the pattern and are reported invalid.
"""

from __future__ import annotations

import re

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject

# Applied to the postcode with all whitespace removed and uppercased. The inward code is always
# a digit and two letters, so the outward code is everything before the last three characters.
_POSTCODE = re.compile(
    r"GIR0AA"
    r"|(?:[A-Z][0-9]{1,2}"  # A9, A99
    r"|[A-Z][A-HJ-Y][0-9]{1,2}"  # AA9, AA99 (second letter never I or Z)
    r"|[A-Z][0-9][A-Z]"  # A9A
    r"|[A-Z][A-HJ-Y][0-9][A-Z])"  # AA9A
    r"[0-9][A-Z]{2}"
)


def check_postcode(raw: str) -> Checked:
    """Check a UK postcode such as ``"sw1a1aa"``; normalised form ``"SW1A 1AA"``."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    compact = "".join(given.split()).upper()
    if not (compact.isascii() and _POSTCODE.fullmatch(compact)):
        return reject(given, "not a UK postcode")
    return accept(f"{compact[:-3]} {compact[-3:]}")
