"""Throughput of the CSV reader on a synthetic 10-column export (run by hand, not by pytest).

    .venv/bin/python tests/feeds/readers/bench_csv_reader.py [--rows 1000000] [--repeat 3]

Prints its setup, the best of --repeat runs of open_rows end to end (hash + encoding pass, then
parsing every row into a dict), and, for calibration, the bare csv.reader over the same file:
the reader cannot be faster than that, and the ratio between the two carries across machines.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import string
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from linewatch.feeds.readers import ReadOptions, open_rows

COLUMNS = ["episode_id", "forename", "surname", "reported", "found", "age", "address", "sex", "notes", "postcode"]


def write_export(path: Path, rows: int) -> None:
    chooser = random.Random(20240305)
    words = ["".join(chooser.choices(string.ascii_letters, k=chooser.randint(3, 10))) for _ in range(1000)]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for number in range(rows):
            writer.writerow(
                [
                    str(number),
                    chooser.choice(words),
                    chooser.choice(words),
                    "2024-03-05",
                    "",
                    str(chooser.randint(10, 17)),
                    f"{chooser.randint(1, 200)} {chooser.choice(words)} Road",
                    "M",
                    " ",
                    "AB12 3CD",
                ]
            )


def best_rates(run: Callable[[], int], rows: int, repeat: int) -> tuple[float, float]:
    """Best rows/s over `repeat` runs, by wall clock and by this process's CPU time. On a shared
    machine the CPU-time rate is what the code achieves when it has a core to itself."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        seen = run()
        best_wall = min(best_wall, time.perf_counter() - wall_started)
        best_cpu = min(best_cpu, time.process_time() - cpu_started)
        assert seen == rows, (seen, rows)
    return rows / best_wall, rows / best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        write_export(path, args.rows)

        def through_open_rows() -> int:
            count = 0
            with open_rows(path, ReadOptions(format="csv")) as source:
                for _ in source:
                    count += 1
            return count

        def bare_csv_reader() -> int:
            with path.open(encoding="utf-8", newline="") as file:
                reader = csv.reader(file)
                next(reader)
                return sum(1 for _ in reader)

        calibration_started = time.perf_counter()
        sum(range(10_000_000))
        calibration = time.perf_counter() - calibration_started

        print(
            f"setup: {args.rows:,} rows x {len(COLUMNS)} columns, {path.stat().st_size / 1e6:.0f} MB UTF-8, "
            f"best of {args.repeat}; Python {platform.python_version()} on {platform.machine()}; "
            f"sum(range(10M)) took {calibration:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        bare_wall, bare_cpu = best_rates(bare_csv_reader, args.rows, args.repeat)
        full_wall, full_cpu = best_rates(through_open_rows, args.rows, args.repeat)
        print(f"{'':22}{'wall clock':>14}{'CPU time':>14}")
        print(f"{'bare csv.reader':22}{bare_wall:>10,.0f} r/s{bare_cpu:>10,.0f} r/s")
        print(f"{'open_rows end to end':22}{full_wall:>10,.0f} r/s{full_cpu:>10,.0f} r/s")
        print(f"open_rows runs at {full_cpu / bare_cpu:.0%} of the bare csv.reader (CPU time)")


if __name__ == "__main__":
    main()
