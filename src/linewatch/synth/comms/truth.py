"""The ground truth of the communications data, written to DIR/truth/ for `linewatch evaluate`.

- comms_lines.csv: line_id, brand, number (E.164), imei, start, end, closed_on - one row per
  number a line used, as the spec gave it;
- comms_roles.csv: number, role, line_id, person_id, kind - one row per part a number plays
  (a customer of two lines has two rows), including the look-alikes with their kind;
- comms_customers.csv: line_id, number, joined, left - when each customer bought from the line;
- comms_runner_days.csv: number, line_id, date, town, trip_town, trip_from_hour, trip_to_hour -
  each day a runner was deployed in a market town, and any hours spent elsewhere.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from linewatch.synth.comms.line_plans import LinePlan
from linewatch.synth.comms.lines import RunnerDay
from linewatch.synth.comms.phonebook import RoleRow
from linewatch.synth.comms_spec import LineSpec


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def write_lines(truth_dir: Path, lines: Sequence[LineSpec]) -> None:
    rows = [
        (
            line.line_id,
            line.brand,
            period.number,
            period.imei,
            _iso(period.start),
            _iso(period.end),
            _iso(line.closed_on),
        )
        for line in lines
        for period in line.numbers
    ]
    header = ("line_id", "brand", "number", "imei", "start", "end", "closed_on")
    _write(truth_dir / "comms_lines.csv", header, rows)


def write_roles(truth_dir: Path, role_rows: Sequence[RoleRow]) -> None:
    rows = sorted(
        {(r.number, r.role.name, r.line_id, r.person_id, r.kind) for r in role_rows},
    )
    _write(truth_dir / "comms_roles.csv", ("number", "role", "line_id", "person_id", "kind"), rows)


def write_customers(truth_dir: Path, plans: Sequence[LinePlan], start: date, days: int) -> None:
    rows = []
    for plan in plans:
        for number, joined, left in zip(plan.customer_numbers, plan.joined.tolist(), plan.left.tolist(), strict=True):
            rows.append(
                (
                    plan.spec.line_id,
                    number,
                    (start + timedelta(days=max(joined, 0))).isoformat(),
                    (start + timedelta(days=left)).isoformat() if left < days else "",
                )
            )
    _write(truth_dir / "comms_customers.csv", ("line_id", "number", "joined", "left"), rows)


def write_runner_days(
    truth_dir: Path, runner_days: Sequence[RunnerDay], start: date, town_names: Sequence[str]
) -> None:
    rows = [
        (
            d.number,
            d.line_id,
            (start + timedelta(days=d.day_index)).isoformat(),
            town_names[d.town],
            town_names[d.trip_town] if d.trip_town >= 0 else "",
            d.trip_hours[0] if d.trip_town >= 0 else "",
            d.trip_hours[1] if d.trip_town >= 0 else "",
        )
        for d in runner_days
    ]
    header = ("number", "line_id", "date", "town", "trip_town", "trip_from_hour", "trip_to_hour")
    _write(truth_dir / "comms_runner_days.csv", header, rows)
