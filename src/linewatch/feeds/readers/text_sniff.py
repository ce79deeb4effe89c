"""Recognising files that are not text at all (a PNG, a workbook, random bytes) before they are
decoded as cp1252 nonsense, so the person gets "this is a PNG image" rather than garbage rows."""

from __future__ import annotations

import codecs

SNIFF_BYTES = 8 * 1024

# Text exports contain essentially no control characters, while binary data decoded as cp1252 is
# roughly 13% control or undecodable characters; 10% separates the two with a wide margin.
MAX_CONTROL_SHARE = 0.10

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "it is a PNG image"),
    (b"\xff\xd8\xff", "it is a JPEG image"),
    (b"GIF87a", "it is a GIF image"),
    (b"GIF89a", "it is a GIF image"),
    (b"%PDF-", "it is a PDF document"),
    (b"PK\x03\x04", "it is a ZIP archive, perhaps an .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "it is an Office file, perhaps an old .xls workbook"),
    (b"\x1f\x8b", "it is gzip-compressed"),
    (b"7z\xbc\xaf\x27\x1c", "it is a 7-Zip archive"),
)

_TEXT_CONTROLS = "\t\n\r\f\v"
_SUSPICIOUS = {
    code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0xFFFD] if chr(code) not in _TEXT_CONTROLS
}


def binary_reason(sample: bytes, encoding: str | None) -> str | None:
    """Why `sample` (the start of a file) is not text, or None if it looks like text.

    `encoding` is the one the mapping names; None means the caller is detecting, in which case
    the sample is judged as UTF-8 if it decodes, else as cp1252.
    """
    for signature, reason in _SIGNATURES:
        if sample.startswith(signature):
            return reason
    text = _decode_sample(sample, encoding)
    if not text:
        return None
    suspicious = len(text) - len(text.translate(_SUSPICIOUS))
    if suspicious > MAX_CONTROL_SHARE * len(text):
        return f"{suspicious / len(text):.0%} of its first characters are control codes"
    return None


def _decode_sample(sample: bytes, encoding: str | None) -> str:
    if encoding is not None:
        return sample.decode(encoding, errors="replace")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return sample.decode("utf-16", errors="replace")
    try:
        # The sample may end part-way through a character, which final=False forgives.
        return codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
    except UnicodeDecodeError:
        return sample.decode("cp1252", errors="replace")
