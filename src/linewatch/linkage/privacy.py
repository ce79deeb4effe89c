"""Pseudonymising person records so agencies can be linked without handing over names, dates of
birth or identifiers in the clear: each agency encodes its own records with a secret key shared
by the agencies (never by the hub that links), and the hub links the encodings.

Records are first standardised exactly as for plain linkage, then:

* exact-comparison fields become keyed hashes (HMAC-SHA256 under a key derived from the secret,
  truncated to 128 bits): NHS number, UPN, PNC ID, date of birth and its parts (year-month, year,
  the day-month-swapped date), sex, postcode and its sector, phone, UPRN, the cleaned forename,
  middle name and surname, their phonetic codes and the nickname forms of the forename;
* forename and surname also become Bloom filters (cryptographic long-term keys, as in clkhash and
  anonlink; Schnell et al. 2009): each bigram of the padded name sets ``BLOOM_HASHES`` of
  ``BLOOM_BITS`` bits, chosen by keyed double hashing. Similar names set similar bits, so the Dice
  coefficient of two filters approximates the names' bigram similarity without revealing them.

Only valid identifiers are encoded. The output keeps each record's source and id so an agency can
map results back to its own records; nothing else identifying leaves it. No new dependency: the
encoder is the standard library's hmac and hashlib.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from linewatch.linkage.errors import LinkageInputError
from linewatch.linkage.standardise import standardise
from linewatch.util.safe_csv import open_safe_csv

BLOOM_BITS = 1024
BLOOM_HASHES = 20
HASH_HEX = 32  # 128 bits of each HMAC
MINIMUM_KEY_BYTES = 16

# Fields encoded as keyed hashes (derived from the standardised record in _derived).
HASHED_FIELDS = (
    "given_name", "middle_first", "middle_initial", "surname", "given_phonetic", "surname_phonetic", "dob",
    "dob_year_month", "dob_year", "dob_month_day", "dob_swapped", "sex", "nhs_number", "upn", "pnc_id", "postcode",
    "postcode_sector", "phone", "uprn", "other_id",
)  # fmt: skip
LIST_FIELDS = ("given_forms", "postcode_history")
# Fields hashed as another so their hashes compare: a middle name against a forename, a date with
# day and month swapped against a date.
HASH_NAMESPACE = {"middle_first": "given_name", "dob_swapped": "dob"}
BLOOM_FIELDS = ("given_bloom", "surname_bloom")
ENCODED_COLUMNS = ("record_id", "agency", "source_id", *HASHED_FIELDS, *LIST_FIELDS, *BLOOM_FIELDS)
LIST_SEPARATOR = "|"


def read_key(path: Path) -> bytes:
    """The shared secret from a key file (at least 16 bytes; surrounding whitespace ignored)."""
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise LinkageInputError(f"{path}: cannot read the key file ({error.strerror})") from error
    if len(key) < MINIMUM_KEY_BYTES:
        raise LinkageInputError(f"{path}: the key is {len(key)} bytes; use at least {MINIMUM_KEY_BYTES} random bytes")
    return key


class Encoder:
    """Keyed encodings of standardised values. Separate keys for each purpose are derived from
    the secret so a hash of one field cannot be compared with a hash of another."""

    def __init__(self, secret: bytes):
        self._field_key = hmac.new(secret, b"linewatch field hash v1", hashlib.sha256).digest()
        self._bloom_key_1 = hmac.new(secret, b"linewatch bloom 1 v1", hashlib.sha256).digest()
        self._bloom_key_2 = hmac.new(secret, b"linewatch bloom 2 v1", hashlib.sha256).digest()
        self.hashed = lru_cache(maxsize=200_000)(self._hashed)
        self.bloom = lru_cache(maxsize=100_000)(self._bloom)

    def _hashed(self, field: str, value: str) -> str:
        # The field name is hashed in so equal values of different fields never match.
        message = f"{field}\x1f{value}".encode()
        return hmac.new(self._field_key, message, hashlib.sha256).hexdigest()[:HASH_HEX]

    def _bloom(self, name: str) -> bytes:
        """A Bloom filter of the name's bigrams ("_name_" padded), BLOOM_BITS bits long."""
        bits = bytearray(BLOOM_BITS // 8)
        padded = f"_{name}_"
        for start in range(len(padded) - 1):
            token = padded[start : start + 2].encode()
            first = int.from_bytes(hmac.new(self._bloom_key_1, token, hashlib.sha256).digest()[:8], "big")
            second = int.from_bytes(hmac.new(self._bloom_key_2, token, hashlib.sha256).digest()[:8], "big")
            for number in range(BLOOM_HASHES):
                position = (first + number * second) % BLOOM_BITS
                bits[position // 8] |= 1 << (7 - position % 8)
        return bytes(bits)


def dice(left: bytes, right: bytes) -> float:
    """Dice coefficient of two Bloom filters: 2|A and B| / (|A| + |B|)."""
    both = sum(bin(a & b).count("1") for a, b in zip(left, right, strict=True))
    total = sum(bin(a).count("1") for a in left) + sum(bin(b).count("1") for b in right)
    return 2 * both / total if total else 0.0


def _derived(row: dict[str, object]) -> dict[str, str | None]:
    """The clear values of the hashed fields, from a standardised record."""
    dob = row.get("dob")
    postcode = row.get("postcode")
    values: dict[str, str | None] = {
        name: (None if row.get(name) is None else str(row[name]))
        for name in ("given_name", "middle_first", "surname", "given_phonetic", "surname_phonetic", "sex",
                     "nhs_number", "upn", "pnc_id", "postcode", "phone", "uprn", "other_id")
    }  # fmt: skip
    middle = row.get("middle_first")
    values["middle_initial"] = str(middle)[:1] if middle else None
    values["dob"] = str(dob) if dob else None
    values["dob_year_month"] = str(dob)[:7] if dob else None
    values["dob_year"] = str(dob)[:4] if dob else None
    values["dob_month_day"] = str(dob)[5:10] if dob else None
    values["dob_swapped"] = f"{str(dob)[:4]}-{str(dob)[8:10]}-{str(dob)[5:7]}" if dob else None
    values["postcode_sector"] = str(postcode)[:-2] if postcode and " " in str(postcode) else None
    return values


def encode_records(records: pa.Table, secret: bytes) -> pa.Table:
    """Standardise standard records and encode them (columns: ENCODED_COLUMNS; lists joined by |,
    Bloom filters base64)."""
    cleaned = standardise(records)
    encoder = Encoder(secret)
    out: dict[str, list[str | None]] = {name: [] for name in ENCODED_COLUMNS}
    for row in cleaned.to_pylist():
        out["record_id"].append(row["record_id"])
        out["agency"].append(row["agency"])
        out["source_id"].append(row["source_id"])
        for field, value in _derived(row).items():
            out[field].append(None if value is None else encoder.hashed(HASH_NAMESPACE.get(field, field), value))
        for field in LIST_FIELDS:
            items = row.get(field) or []
            hashed_as = "given_name" if field == "given_forms" else "postcode"
            out[field].append(LIST_SEPARATOR.join(sorted(encoder.hashed(hashed_as, item) for item in items)) or None)
        for field, source in (("given_bloom", "given_name"), ("surname_bloom", "surname")):
            value = row.get(source)
            out[field].append(base64.b64encode(encoder.bloom(str(value))).decode() if value else None)
    return pa.table({name: pa.array(values, pa.string()) for name, values in out.items()})


def encode_files(paths: Sequence[Path], columns: dict[str, str], secret: bytes, out: Path) -> list[Path]:
    """Encode each CSV file (columns named as for generic linkage) to ``out/<same name>``."""
    from linewatch.linkage.generic import read_inputs, source_labels

    written: list[Path] = []
    for path, label in zip(paths, source_labels(paths), strict=True):
        encoded = encode_records(read_inputs([path], columns), secret)
        target = out / path.name
        if target.resolve() == path.resolve():
            raise LinkageInputError(f"{target}: would overwrite the input; choose another --out folder")
        handle, writer = open_safe_csv(target)
        with handle:
            writer.writerow(["source", "id", *ENCODED_COLUMNS[3:]])
            for row in encoded.to_pylist():
                writer.writerow([label, row["source_id"], *(row[name] or "" for name in ENCODED_COLUMNS[3:])])
        written.append(target)
    return written
