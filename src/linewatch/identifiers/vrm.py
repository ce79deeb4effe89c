"""Vehicle registration mark (VRM): checking the shape of a UK number plate, as held in ANPR hits
and police vehicle records, and writing it one way (uppercase, no spaces, "AB12CDE") so the same
vehicle matches across feeds.

Shapes accepted (DVLA, "Vehicle registration numbers and number plates"; Northern Ireland marks
fit the dateless shape):

- current, since September 2001: two letters, two-digit age identifier, three letters (AB12 CDE)
- prefix, 1983-2001: year letter, 1-3 digits, three letters (A123 BCD)
- suffix, 1963-1983: three letters, 1-3 digits, year letter (ABC 123D)
- dateless, before 1963 and cherished marks: 1-3 letters and 1-4 digits either way round
  (ABC 1234, 1234 ABC)

Outside the current shape a number never starts with 0. Letters are not restricted further (the
DVLA's I/Q/Z rules have exceptions), so this catches garbled marks, not every unissued one.
"""

from __future__ import annotations

import re

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject

# Applied to the mark with spaces removed and uppercased.
_VRM = re.compile(
    r"[A-Z]{2}[0-9]{2}[A-Z]{3}"  # current
    r"|[A-Z][1-9][0-9]{0,2}[A-Z]{3}"  # prefix
    r"|[A-Z]{3}[1-9][0-9]{0,2}[A-Z]"  # suffix
    r"|[A-Z]{1,3}[1-9][0-9]{0,3}"  # dateless, letters first
    r"|[1-9][0-9]{0,3}[A-Z]{1,3}"  # dateless, digits first
)


def check_vrm(raw: str) -> Checked:
    """Check a registration mark such as ``"ab12 cde"``; normalised form ``"AB12CDE"``."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    mark = given.replace(" ", "").upper()
    if not (mark.isascii() and _VRM.fullmatch(mark)):
        return reject(given, "not a UK registration mark")
    return accept(mark)
