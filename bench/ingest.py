"""Ingest speed: a 1M-row attendance feed into SQLite and PostgreSQL.

Prints rows/s for the full ingest (read, validate, normalise identifiers, version, write) and,
as the floor measured in the same process, for merely reading the same CSV with the csv module.
Target: at least 50,000 rows/s into PostgreSQL on a 2-core machine.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--postgres URL]

PostgreSQL is used when --postgres or LINEWATCH_TEST_POSTGRES_URL is given; the benchmark
creates and drops its own database.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine.url import make_url

from linewatch.feeds.ingest import ingest_file
from linewatch.identifiers import make_upn
from linewatch.settings import load_settings
from linewatch.store.engine import make_engine
from linewatch.store.migrate import upgrade

MAPPING = Path(__file__).parent / "attendance_bench.yaml"
HEADER = [
    "UPN",
    "Surname",
    "Forename",
    "DOB",
    "Gender",
    "Postcode",
    "Term",
    "Term Start",
    "Possible",
    "Missed",
    "Unauthorised",
]
TERMS = [("2025-AUT", "01/09/2025"), ("2026-SPR", "05/01/2026"), ("2026-SUM", "13/04/2026")]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Khan",
    "O'Connor",
    "Begum",
]
FORENAMES = [
    "Liam",
    "Olivia",
    "Noah",
    "Amelia",
    "Muhammad",
    "Isla",
    "Leo",
    "Ava",
    "Oscar",
    "Mia",
    "Kacey",
    "Jayden",
]


def write_feed(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pupils = rows // len(TERMS)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        written = 0
        for pupil in range(pupils + 1):
            upn = make_upn(f"{800000000000 + pupil:012d}")
            person = [
                upn, rng.choice(SURNAMES), rng.choice(FORENAMES),
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2008, 2018)}",
                rng.choice("MF"),
                f"CV{rng.randint(1, 35)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
            ]  # fmt: skip
            for term, start in TERMS:
                if written == rows:
                    return
                possible = rng.randint(100, 130)
                missed = min(possible, int(rng.expovariate(1 / 8)))
                writer.writerow([*person, term, start, possible, missed, missed // 2])
                written += 1


def read_only(path: Path) -> float:
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for cells in reader:
            dict(zip(header, cells, strict=False))
    return time.perf_counter() - started


def run(url: str, workspace: Path, feed: Path, rows: int) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) for one full ingest."""
    settings = load_settings(workspace, url)
    engine = make_engine(url)
    upgrade(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = ingest_file(feed, agency="education", mapping=str(MAPPING), settings=settings, engine=engine)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert result.rows_loaded == rows, result
    engine.dispose()
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("LINEWATCH_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        feed = root / "attendance.csv"
        write_feed(feed, args.rows)
        size_mb = feed.stat().st_size / 1e6
        print(
            f"Feed: {args.rows:,} rows ({size_mb:.0f} MB), {args.rows // 3:,} pupils x 3 terms -> Person + Attendance"
        )
        floor = read_only(feed)
        print(f"  floor: csv.reader to dicts        {args.rows / floor:>10,.0f} rows/s  ({floor:.1f} s)")
        results: list[tuple[str, tuple[float, float]]] = []
        sqlite_seconds = run(f"sqlite:///{root / 'bench.db'}", root / "sqlite", feed, args.rows)
        results.append(("SQLite", sqlite_seconds))
        if args.postgres:
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            name = f"lw_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
                results.append(("PostgreSQL", run(url, root / "postgres", feed, args.rows)))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            print("  (PostgreSQL skipped: pass --postgres or set LINEWATCH_TEST_POSTGRES_URL)")
        print(
            f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: "
            "wall-clock rates fall when the machine is busy)"
        )
        for store, (seconds, cpu) in results:
            rate = args.rows / seconds
            met = "met" if rate >= 50_000 else "MISSED"
            target = f"  target >= 50,000 rows/s: {met}" if store == "PostgreSQL" else ""
            print(
                f"  ingest into {store:<11} {rate:>10,.0f} rows/s wall "
                f"({seconds:.1f} s, {seconds / floor:.1f}x the floor); "
                f"{args.rows / cpu:,.0f} rows per CPU-second of the loader{target}"
            )


if __name__ == "__main__":
    main()
