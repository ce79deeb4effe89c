"""Measure how fast generate_comms writes a default-sized county's call records.

    .venv/bin/python -m linewatch.synth.comms.speed --records 10000000 --out /tmp/comms-speed

The spec is built here, shaped like the default synthetic county (a hub and five market towns
in Warwickshire, eight lines over 90 days, tens of thousands of population phones), so the
figure does not depend on the population generator. It prints the setup, the summary, the
wall time and the peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from linewatch.synth.comms.generate import generate_comms
from linewatch.synth.comms.numbering import NumberSource
from linewatch.synth.comms_spec import (
    CellSite,
    CommsSpec,
    LineNumberPeriod,
    LineSpec,
    PersonPhone,
    RunnerSpec,
    Town,
)

# (name, latitude, longitude, is hub, share of the population, cell sites)
TOWNS = (
    ("Coventry", 52.4081, -1.5106, True, 0.55, 60),
    ("Leamington Spa", 52.2921, -1.5359, False, 0.10, 14),
    ("Stratford-upon-Avon", 52.1917, -1.7083, False, 0.06, 10),
    ("Rugby", 52.3709, -1.2650, False, 0.12, 16),
    ("Nuneaton", 52.5230, -1.4652, False, 0.12, 16),
    ("Warwick", 52.2819, -1.5849, False, 0.05, 8),
)


def example_county(people: int, lines: int, days: int, target_records: int, seed: int, start: date) -> CommsSpec:
    """A default-shaped CommsSpec with random but valid numbers and handsets."""
    rng = np.random.default_rng(seed)
    source = NumberSource(rng, set(), set())
    towns = tuple(Town(n, lat, lon, hub) for n, lat, lon, hub, _, _ in TOWNS)
    sites = tuple(
        CellSite(
            f"{name[:3].upper()}{i:04d}",
            name,
            lat + float(rng.normal(0, 0.02)),
            lon + float(rng.normal(0, 0.03)),
        )
        for name, lat, lon, _, _, cells in TOWNS
        for i in range(cells)
    )
    shares = np.asarray([t[4] for t in TOWNS])
    person_towns = rng.choice(len(TOWNS), size=people, p=shares / shares.sum())
    persons = tuple(
        PersonPhone(f"P{i:07d}", "+" + number, imei, TOWNS[town][0])
        for i, (number, imei, town) in enumerate(
            zip(source.mobiles(people), source.imeis(people), person_towns.tolist(), strict=True)
        )
    )
    by_town = {t: np.flatnonzero(person_towns == t) for t in range(len(TOWNS))}
    markets = [i for i, t in enumerate(TOWNS) if not t[3]]
    line_specs = []
    for n in range(lines):
        market = markets[n % len(markets)]
        first = start - timedelta(days=int(rng.integers(30, 400)))
        changes = sorted(rng.choice(np.arange(10, days - 5), size=n % 3, replace=False).tolist())
        periods, begin, handset = [], first, source.imei()
        for change in [*changes, None]:
            end = None if change is None else start + timedelta(days=int(change))
            periods.append(LineNumberPeriod("+" + source.mobile(), handset, begin, end))
            if end is not None:
                begin = end + timedelta(days=1)
                handset = handset if rng.random() < 0.3 else source.imei()
        closed = start + timedelta(days=int(rng.integers(days // 2, days))) if n % 4 == 3 else None
        local = by_town[market]
        count = min(int(rng.integers(80, 250)), len(local))
        customers = ["+" + source.mobile() for _ in range(count // 5)]
        customers += [persons[i].phone for i in rng.choice(local, size=count, replace=False)]
        hub_people = by_town[0]
        runners = []
        for r in range(int(rng.integers(2, 5))):
            active_from = start + timedelta(days=int(rng.integers(0, days - 10)))
            own = r % 2 == 1
            phone = persons[int(rng.choice(hub_people))].phone if own else "+" + source.mobile()
            runners.append(
                RunnerSpec(
                    f"R{n}-{r}", phone, source.imei(), TOWNS[market][0], active_from,
                    active_from + timedelta(days=int(rng.integers(5, 40))),
                    TOWNS[market][1] + 0.005, TOWNS[market][2] - 0.004,
                )
            )  # fmt: skip
        controllers = int(rng.integers(1, 3))
        line_specs.append(
            LineSpec(
                f"L{n + 1}", f"Brand{n + 1}", TOWNS[0][0], (TOWNS[market][0],), tuple(periods),
                closed, tuple(f"C{n}-{c}" for c in range(controllers)),
                tuple("+" + source.mobile() for _ in range(controllers)), tuple(runners),
                tuple(customers), (TOWNS[market][0],) * len(customers),
            )
        )  # fmt: skip
    return CommsSpec(start, days, towns, sites, tuple(line_specs), persons, target_records, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--lines", type=int, default=8)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/linewatch-comms-speed"))
    args = parser.parse_args()
    spec = example_county(args.people, args.lines, args.days, args.records, args.seed, date(2025, 1, 6))
    shutil.rmtree(args.out, ignore_errors=True)
    print(
        f"setup: {args.people:,} population phones, {args.lines} lines, {args.days} days, "
        f"target {args.records:,} records, seed {args.seed}, output {args.out}"
    )
    began, cpu_began = time.perf_counter(), time.process_time()
    summary = generate_comms(spec, args.out)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in summary.parts) / 1e6
    print(summary)
    # CPU time is reported too: on a shared machine the wall time depends on the neighbours.
    print(
        f"wall time {seconds:.1f} s ({summary.records / seconds:,.0f} records/s), "
        f"CPU time {cpu:.1f} s, load average {os.getloadavg()[0]:.1f}, "
        f"peak memory {peak_mb:,.0f} MB, call-record parts {size_mb:,.0f} MB"
    )


if __name__ == "__main__":
    main()
