"""The screening quality figures, on a hand-made truth: recall, share flagged, precision, days
flagged ahead of police, and the recall gap between boys and girls."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from linewatch.evaluate.screening import Flag, quality_figures


def write(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def county(tmp_path: Path) -> Path:
    """Ten in-scope people; P1-P4 exploited (P1, P2 boys; P3, P4 girls), P4 never seen by police."""
    people = [
        {
            "person_id": f"P{n}",
            "in_scope": "True",
            "sex": "female" if n in (3, 4, 7) else "male",
            "ethnicity": "black_african" if n == 2 else "white_british",
        }
        for n in range(1, 11)
    ] + [{"person_id": "ADULT", "in_scope": "False", "sex": "male", "ethnicity": "white_british"}]
    write(tmp_path / "truth" / "people.csv", people)
    records = [{"agency": "police", "source_person_id": f"R{n}", "person_id": f"P{n}"} for n in range(1, 11)]
    records += [
        {"agency": "education", "source_person_id": "E1", "person_id": "P1"},  # P1 split over two subjects
        {"agency": "police", "source_person_id": "RADULT", "person_id": "ADULT"},
    ]
    write(tmp_path / "truth" / "person_records.csv", records)
    police = {"P1": "2026-05-01 10:00", "P2": "2026-05-01 10:00", "P3": "2026-06-01 10:00", "P4": ""}
    write(
        tmp_path / "truth" / "exploited_children.csv",
        [
            {
                "person_id": pid,
                "sex": "female" if pid in ("P3", "P4") else "male",
                "first_police_event_at": when,
                "first_non_police_signal_at": "2026-03-01 00:00",
            }
            for pid, when in police.items()
        ],
    )
    return tmp_path


def test_quality_figures_follow_their_definitions(tmp_path: Path) -> None:
    members = {("police", f"R{n}"): f"S{n}" for n in range(1, 11)}
    members[("education", "E1")] = "S11"
    members[("police", "RADULT")] = "S12"
    flags = [
        Flag("S11", "moderate", date(2026, 4, 1)),  # P1 through its second subject: 30 days ahead
        Flag("S1", "emerging", None),
        Flag("S2", "significant", date(2026, 5, 11)),  # P2: 10 days after police
        Flag("S3", "moderate", date(2026, 4, 2)),  # P3 (a girl): 60 days ahead
        Flag("S5", "moderate", date(2026, 1, 1)),  # not exploited
        Flag("S12", "moderate", date(2026, 1, 1)),  # an adult out of scope
    ]
    figures = {f.name: f for f in quality_figures(county(tmp_path), flags, members)}
    assert figures["recall at moderate or above"].value == 0.75  # P1, P2, P3 of four
    assert figures["share of in-scope population flagged"].value == 0.4  # P1, P2, P3, P5 of ten in scope
    assert figures["precision at moderate or above"].value == 0.6  # S11, S2, S3 of five flagged subjects
    assert figures["median days flagged before first police event"].value == 30  # of 30, -10, 60
    assert figures["recall gap, boys minus girls"].value == 0.5  # boys 2/2, girls 1/2
    assert figures["recall, ethnic group Black"].value == 1.0
    assert figures["recall, ethnic group White"].value == 2 / 3
    assert figures["recall at moderate or above"].meets_target() is False
