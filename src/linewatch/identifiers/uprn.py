"""UPRN: checking the Unique Property Reference Number that housing and address data use to name
a property, and writing it without leading zeros so padded and unpadded copies compare equal.

A UPRN is a positive whole number of up to 12 digits (OS AddressBase). Some systems store it
zero-padded to 12 characters; the padding is allowed and removed. There is no check digit.
"""

from __future__ import annotations

from linewatch.identifiers.checked import EMPTY_PROBLEM, Checked, accept, reject


def check_uprn(raw: str) -> Checked:
    """Check a UPRN such as ``"000100023336956"``; normalised form ``"100023336956"``."""
    given = raw.strip()
    if not given:
        return reject(given, EMPTY_PROBLEM)
    if not (given.isascii() and given.isdigit()):
        return reject(given, "not a number: a UPRN is digits only")
    significant = given.lstrip("0")
    if not significant:
        return reject(given, "zero is not a UPRN")
    if len(significant) > 12:
        return reject(given, f"more than 12 digits (has {len(significant)})")
    return accept(significant)
