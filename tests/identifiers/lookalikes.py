"""Look-alike characters for tests: text that a person reads as an identifier but is not ASCII."""

from __future__ import annotations


def fullwidth(text: str) -> str:
    """``text`` in the full-width forms East Asian keyboards and some PDFs produce (U+FF01 on)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)
