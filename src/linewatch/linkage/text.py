"""Cleaning one name or text value the same way everywhere linkage compares text: casefolded,
accents dropped, punctuation removed. The SQL standardisation applies the same rules to whole
columns; this is the per-value form for lookup tables and encoders."""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTER_OR_SPACE = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r" +")


def clean_name(value: str) -> str:
    """``"O'Connor-Smith "`` -> ``"oconnor smith"``: lower case ASCII letters and single spaces.
    Hyphens become spaces (double-barrelled names split into parts); other punctuation goes."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = ascii_only.replace("-", " ")
    return _SPACES.sub(" ", _NOT_LETTER_OR_SPACE.sub("", spaced)).strip()
