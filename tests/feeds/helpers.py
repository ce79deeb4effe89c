"""Build small feed files for tests."""

from __future__ import annotations

import csv
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MISSING_MAPPING = FIXTURES / "police_missing_mini.yaml"
SIGHTINGS_MAPPING = FIXTURES / "transport_sightings_mini.yaml"

MISSING_HEADER = [
    "Occurrence",
    "Nominal ID",
    "Name",
    "DOB",
    "Sex",
    "NHS No",
    "Mobile",
    "Reported",
    "Found",
    "Found Postcode",
    "Risk",
]


def missing_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "Occurrence": f"MIS/{n:05d}",
        "Nominal ID": f"N{n % 50:04d}",
        "Name": "O'CONNOR, Liam James",
        "DOB": "04/07/2009",
        "Sex": "M",
        "NHS No": "943 476 5919",
        "Mobile": "07400 123456",
        "Reported": "01/06/2026 21:30",
        "Found": "02/06/2026 09:15",
        "Found Postcode": "cv32 4aa",
        "Risk": "M",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path
