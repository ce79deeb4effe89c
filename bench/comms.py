"""Lines speed: call records ingested and scored with DuckDB, against two yardsticks.

    .venv/bin/python bench/comms.py [--records 50000000] [--sample 5000000] [--data DIR]

1. Generates a synthetic county's communications data with the synth comms generator (cached in
   --data, default /tmp/linewatch-bench-comms), the same generator the demo county uses.
2. Times `linewatch comms ingest` of every part (normalise numbers to E.164, check every row,
   write Parquet) and `linewatch comms lines` (features, scores, continuity) with DuckDB.
   Target: ingest + score of 50M records in at most 120 s on this 2-core machine.
3. The floor: a plain DuckDB group-by over the same Parquet (records per A-number), i.e. what
   one scan of the data costs, measured in the same process before and after (the best is
   kept); the ratio says how many such scans the pipeline is worth. The machine is shared, so
   the load average is printed before and after, with the process's peak memory.
4. The baseline: the same features in pandas with a networkx contact graph, on a --sample-row
   sample (pandas holds everything in memory and is single-threaded); rows/s are compared.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from stdnum import luhn

from linewatch.settings import Settings
from linewatch.synth.comms_spec import (
    CellSite,
    CommsSpec,
    LineNumberPeriod,
    LineSpec,
    PersonPhone,
    RunnerSpec,
    Town,
)

HUBS = (("Coventry", 52.4081, -1.5106), ("Birmingham", 52.4862, -1.8904))
MARKETS = (
    ("Leamington Spa", 52.2921, -1.5359),
    ("Stratford-upon-Avon", 52.1917, -1.7083),
    ("Rugby", 52.3709, -1.2650),
    ("Nuneaton", 52.5230, -1.4652),
    ("Warwick", 52.2820, -1.5849),
    ("Kenilworth", 52.3420, -1.5800),
)
BRANDS = ("Bando", "Jay", "Kane", "Snoop", "Tiny", "Blade", "Rico", "Zed", "Mack", "Ace", "Dee", "Kilo")


def _phone(n: int) -> str:
    return f"+44740{n:07d}"


def _imei(n: int) -> str:
    body = f"35209900{n % 1_000_000:06d}"
    return body + luhn.calc_check_digit(body)


def county_spec(
    people: int = 20_000,
    lines: int = 8,
    days: int = 90,
    records: int = 10_000_000,
    seed: int = 1,
    start: date = date(2025, 1, 6),
) -> CommsSpec:
    """A county for the lines pipeline: two hubs, six market towns, `people` phones and
    `lines` deal lines, each changing number zero to three times (some with the same handset)."""
    rng = np.random.default_rng(seed)
    towns = tuple(Town(n, la, lo, True) for n, la, lo in HUBS) + tuple(Town(n, la, lo, False) for n, la, lo in MARKETS)
    cells = tuple(
        CellSite(
            f"{town.name[:3].upper()}-{i:03d}",
            town.name,
            town.latitude + 0.01 * (i % 5 - 2),
            town.longitude + 0.01 * (i // 5 - 2),
        )
        for town in towns
        for i in range(25 if town.is_hub else 12)
    )
    weights = np.array([3.0 if town.is_hub else 1.0 for town in towns])
    home = rng.choice(len(towns), size=people, p=weights / weights.sum())
    person_phones = tuple(
        PersonPhone(f"P{i:06d}", _phone(i), _imei(i), towns[int(home[i])].name) for i in range(people)
    )
    by_town: dict[str, list[int]] = {}
    for i in range(people):
        by_town.setdefault(towns[int(home[i])].name, []).append(i)
    next_number = 9_000_000
    line_specs = []
    end = start + timedelta(days=days - 1)
    for k in range(lines):
        hub = HUBS[k % len(HUBS)][0]
        markets = tuple(MARKETS[(k + j) % len(MARKETS)][0] for j in range(1 + int(rng.random() < 0.4)))
        changes = int(rng.integers(0, 4))
        cut_days = sorted(rng.choice(np.arange(10, days - 5), size=changes, replace=False).tolist())
        periods = []
        first = start - timedelta(days=int(rng.integers(10, 200)))
        bounds = [first, *(start + timedelta(days=int(d)) for d in cut_days)]
        handset = next_number
        for p, begin in enumerate(bounds):
            number = next_number
            next_number += 1
            if p == 0 or rng.random() < 0.6:
                handset = number  # a new handset with the new SIM, else the same handset
            stop = bounds[p + 1] - timedelta(days=1) if p + 1 < len(bounds) else None
            periods.append(LineNumberPeriod(_phone(number), _imei(handset), begin, stop))
        closed = end - timedelta(days=int(rng.integers(1, 20))) if rng.random() < 0.25 else None
        controllers = tuple(range(next_number, next_number + 1 + int(rng.random() < 0.5)))
        next_number += len(controllers)
        runners = []
        for r in range(int(rng.integers(2, 5))):
            market = markets[r % len(markets)]
            active_from = start + timedelta(days=int(rng.integers(0, days // 2)))
            active_to = None if rng.random() < 0.5 else active_from + timedelta(days=int(rng.integers(7, days // 2)))
            if rng.random() < 0.3:  # a child running with their own phone
                own = int(rng.choice(by_town[hub]))
                runners.append(
                    RunnerSpec(f"P{own:06d}", _phone(own), _imei(own + 500_000), market, active_from, active_to)
                )
            else:
                runners.append(
                    RunnerSpec(
                        f"R{next_number}", _phone(next_number), _imei(next_number), market, active_from, active_to
                    )
                )
                next_number += 1
        customers: list[str] = []
        customer_towns: list[str] = []
        for market in markets:
            size = int(rng.integers(40, 130))
            for i in rng.choice(by_town[market], size=size, replace=False).tolist():
                customers.append(_phone(int(i)))
                customer_towns.append(market)
        line_specs.append(
            LineSpec(
                line_id=f"L{k + 1}",
                brand=BRANDS[k % len(BRANDS)],
                origin_town=hub,
                market_towns=markets,
                numbers=tuple(periods),
                closed_on=closed,
                controller_person_ids=tuple(f"C{c}" for c in controllers),
                controller_phones=tuple(_phone(c) for c in controllers),
                runners=tuple(runners),
                customer_phones=tuple(customers),
                customer_towns=tuple(customer_towns),
            )
        )
    return CommsSpec(start, days, towns, cells, tuple(line_specs), person_phones, records, seed)


def generate_county_comms(out: Path, records: int, people: int, seed: int = 1) -> Path:
    """The county's comms data under `out` (reused when already there)."""
    from linewatch.synth.comms import generate_comms

    if (out / "comms" / "cell_sites.csv").exists():
        return out
    spec = county_spec(people=people, records=records, seed=seed)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    generate_comms(spec, partial, rows_per_part=5_000_000)
    partial.rename(out)
    return out


def ingest_all(county: Path, settings: Settings) -> tuple[int, float]:
    from linewatch.lines.ingest import ingest_comms_file

    comms = county / "comms"
    rows = 0
    started = time.perf_counter()
    for path in [*sorted((comms / "calls").glob("part-*")), comms / "subscribers.csv", comms / "cell_sites.csv"]:
        result = ingest_comms_file(path, "operator_default", settings)
        if result.kind.value == "calls":
            rows += result.rows_loaded
    return rows, time.perf_counter() - started


def floor_seconds(parts: list[Path]) -> float:
    """A plain DuckDB group-by over the generator's Parquet: records per A-number."""
    from linewatch.lines.engine import duckdb_connection

    listed = ", ".join(f"'{p}'" for p in parts)
    connection = duckdb_connection()  # the pipeline's settings
    started = time.perf_counter()
    query = f"SELECT a_number, count(*) AS records FROM read_parquet([{listed}]) GROUP BY a_number"
    connection.execute(query).fetchall()
    return time.perf_counter() - started


def sample_parts(parts: list[Path], rows: int, out: Path) -> Path:
    """The first `rows` records, as one Parquet file (a county's first days)."""
    import duckdb

    target = out / "sample.parquet"
    if not target.exists():
        listed = ", ".join(f"'{p}'" for p in parts)
        duckdb.connect().execute(
            f"COPY (SELECT * FROM read_parquet([{listed}]) LIMIT {rows}) "
            f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )
    return target


def pandas_networkx_seconds(sample: Path) -> float:
    """The same flare, response, inbound and short-call features in pandas, the contact graph
    in networkx (degree and PageRank of the flaring numbers' neighbourhood)."""
    import networkx as nx
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_parquet(sample)
    frame["t"] = frame["start_time"].astype("int64") // 1_000_000_000
    frame["week"] = (frame["t"] // 86_400 - 4) // 7
    frame["day"] = frame["t"] // 86_400
    frame["sms"] = (frame["event_type"] == "SMS").astype("int64")
    frame["short"] = ((frame["sms"] == 0) & (frame["duration_s"] > 0) & (frame["duration_s"] <= 60)).astype("int64")
    pairs = (
        frame.groupby(["a_number", "b_number", "week"], sort=False)
        .agg(events=("t", "size"), texts=("sms", "sum"), short=("short", "sum"))
        .reset_index()
    )
    texts = frame[frame["sms"] == 1].assign(slot=lambda f: f["t"] // 600)
    slots = (
        texts.groupby(["a_number", "week", "day", "slot"], sort=False)["b_number"]
        .nunique()
        .reset_index(name="recipients")
    )
    bursts = (
        slots[slots["recipients"] >= 10].groupby(["a_number", "week"])["day"].nunique().reset_index(name="burst_days")
    )
    inbound = (
        pairs.groupby(["b_number", "week"])
        .agg(distinct_inbound=("a_number", "size"), short=("short", "sum"))
        .reset_index()
    )
    sent = pairs[pairs["texts"] > 0].merge(bursts[["a_number", "week"]], on=["a_number", "week"])
    back = pairs[["a_number", "b_number", "week"]].rename(columns={"a_number": "b_number", "b_number": "a_number"})
    response = sent.merge(back.assign(replied=1), on=["a_number", "b_number", "week"], how="left")
    response.groupby(["a_number", "week"])["replied"].count()
    graph = nx.Graph()
    flaring = set(bursts["a_number"])
    near = pairs[pairs["a_number"].isin(flaring) | pairs["b_number"].isin(flaring)]
    graph.add_weighted_edges_from(near[["a_number", "b_number", "events"]].itertuples(index=False, name=None))
    dict(graph.degree())
    nx.pagerank(graph)
    del inbound
    return time.perf_counter() - started


def print_quality(county: Path, workspace: Path) -> None:
    """The figures `linewatch evaluate` prints for lines, for this county and workspace."""
    from linewatch.evaluate.lines import deal_line_detection, line_continuity, line_roles

    for compute in (deal_line_detection, line_continuity, line_roles):
        for figure in compute(county, workspace):
            target = f" (target {figure.target})" if figure.target else ""
            print(f"quality: {figure.name} = {figure.value:.4f}{target}: {figure.definition}; {figure.detail}")


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def _peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000_000)
    parser.add_argument("--people", type=int, default=0, help="phones in the county (default records / 500)")
    parser.add_argument("--sample", type=int, default=5_000_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "linewatch-bench-comms")
    parser.add_argument(
        "--evaluate", action="store_true", help="also print the lines quality figures against the truth"
    )
    args = parser.parse_args()
    from linewatch.lines.engine import duckdb_connection
    from linewatch.lines.pipeline import run_lines
    from linewatch.settings import load_settings

    people = args.people or max(2_000, args.records // 500)
    county = args.data / f"county-{args.records}"
    started = time.perf_counter()
    generate_county_comms(county, args.records, people)
    parts = sorted((county / "comms" / "calls").glob("part-*"))
    print(
        f"data: {county}: {len(parts)} Parquet parts, {people:,} phones "
        f"({time.perf_counter() - started:.0f}s to generate or find)"
    )
    settings_row = (
        duckdb_connection().execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchall()[0]
    )
    print(
        f"machine: {os.cpu_count()} cores, shared with other work; DuckDB threads {settings_row[0]}, "
        f"memory limit {settings_row[1]} (spills to disk beyond); steps run one after another"
    )

    workspace = Path(tempfile.mkdtemp(prefix="linewatch-bench-"))
    try:
        settings = load_settings(workspace)
        floor_before = floor_seconds(parts)
        print(f"before: {_load()}")
        rows, ingest_s = ingest_all(county, settings)
        started = time.perf_counter()
        outcome = run_lines(settings, "duckdb", write=True)
        score_s = time.perf_counter() - started
        print(f"after:  {_load()}; peak memory of this process {_peak_memory_gb():.1f} GB")
        floor = min(floor_before, floor_seconds(parts))
        total = ingest_s + score_s
        print(f"ingest: {rows:,} records in {ingest_s:.1f}s ({rows / ingest_s:,.0f} rows/s)")
        steps = ", ".join(f"{name} {value:.1f}s" for name, value in outcome.seconds.items())
        print(
            f"score:  {outcome.numbers_scored:,} numbers, {len(outcome.lines)} lines in {score_s:.1f}s "
            f"({rows / score_s:,.0f} rows/s; {steps})"
        )
        print(
            f"ingest + score: {total:.1f}s ({rows / total:,.0f} rows/s); "
            + (f"target <= 120 s for 50M: {'met' if total <= 120 else 'missed'}" if args.records >= 50_000_000 else "")
        )
        print(
            f"floor (plain DuckDB group-by of records per A-number over the same Parquet, best of one run "
            f"before and one after, in this process): {floor:.1f}s ({rows / floor:,.0f} rows/s); "
            f"ingest + score = {total / floor:.1f}x the floor"
        )

        if args.evaluate:
            print_quality(county, workspace)
        if not args.sample:
            return
        sample = sample_parts(parts, args.sample, args.data)
        sample_settings = load_settings(workspace / "sample")
        from linewatch.lines.ingest import ingest_comms_file

        print(f"sample: {_load()}")
        started = time.perf_counter()
        ingest_comms_file(sample, "operator_default", sample_settings)
        ours = run_lines(sample_settings, "duckdb", write=False)
        ours_s = time.perf_counter() - started
        try:
            baseline_s = pandas_networkx_seconds(sample)
        except ImportError as error:
            print(f"baseline skipped: {error} (install networkx to run it)")
            return
        print(
            f"sample of {args.sample:,} records: Linewatch ingest + score {ours_s:.1f}s "
            f"({args.sample / ours_s:,.0f} rows/s, "
            f"{ours.numbers_scored:,} numbers); pandas + networkx features and graph {baseline_s:.1f}s "
            f"({args.sample / baseline_s:,.0f} rows/s): Linewatch is {baseline_s / ours_s:.1f}x faster; {_load()}"
        )
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
