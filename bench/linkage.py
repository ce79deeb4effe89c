"""Linkage benchmark: 1M person records from 5 agencies linked end to end on DuckDB, and the same
pipeline against the recordlinkage package's classic pipeline (index -> compare -> classify) on a
100k-record sample. With --febrl, the public FEBRL 1-3 data sets instead.

    .venv/bin/python bench/linkage.py                  # 1M records + the 100k comparison
    .venv/bin/python bench/linkage.py --people 20000   # a quicker run (about 100k records)
    .venv/bin/python bench/linkage.py --febrl          # FEBRL 1-3 quality figures

"End to end" is standardisation, unsupervised training, blocking-rule pair counts, scoring,
identifier rules, clustering and the review queue: everything `linewatch link` does apart from
reading and writing the store. Records are generated first (not timed) by
linewatch.linkage.practice_data: every person is held once by each of the 5 agencies (some
twice), with the default noise.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from linewatch.linkage.engines import DuckDBEngine
from linewatch.linkage.people import PeopleLinkage, link_people
from linewatch.linkage.practice_data import EVERY_AGENCY, practice_people
from linewatch.linkage.quality import cluster_scores, pairwise_scores

TARGET_SECONDS = 120


def setup_line() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    import duckdb
    import splink

    return (
        f"machine: {os.cpu_count()} cores, load average {load}; Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, Splink {splink.__version__}"
    )


def link_and_score(records: pa.Table, truth: dict[str, str]) -> tuple[PeopleLinkage, float]:
    started = time.perf_counter()
    with DuckDBEngine() as engine:
        linkage = link_people(records, engine)
    return linkage, time.perf_counter() - started


def report(label: str, linkage: PeopleLinkage, seconds: float, truth: dict[str, str]) -> None:
    predicted = linkage.grouping.group_of()
    pairwise = pairwise_scores(predicted, truth)
    cluster = cluster_scores(predicted, truth)
    steps = ", ".join(f"{step} {value:.1f}s" for step, value in linkage.seconds.items())
    print(f"{label}: {linkage.records:,} records in {seconds:.1f}s = {linkage.records / seconds:,.0f} records/s")
    print(f"  steps: {steps}")
    print(
        f"  pairs scored at or above the review floor: {linkage.pairs.num_rows:,}; "
        f"identifier links: {linkage.identifier_links:,}"
    )
    print(
        f"  pairwise precision {pairwise.precision:.4f} recall {pairwise.recall:.4f} F1 {pairwise.f1:.4f}; "
        f"cluster F1 {cluster.f1:.4f}"
    )
    for count in linkage.blocking:
        estimate = " (estimated)" if count.estimated else ""
        print(f"    {count.rule:58s} {count.pairs:>12,} {count.cumulative:>12,}{estimate}")


def sample_by_person(records: pa.Table, truth: dict[str, str], size: int) -> pa.Table:
    """About ``size`` records: every record of the first persons, so matches stay in the sample."""
    persons = sorted(set(truth.values()))
    per_person = records.num_rows / len(persons)
    kept = set(persons[: int(size / per_person)])
    mask = pa.array([truth[record] in kept for record in records.column("record_id").to_pylist()])
    return records.filter(mask)


def recordlinkage_pipeline(records: pa.Table) -> tuple[dict[str, str], float]:
    """The classic recordlinkage pipeline on the same standardised fields: block on birth date
    with either phonetic name code, compare (Jaro-Winkler on names, exact date of birth, sex and
    postcode), classify with the unsupervised ECM classifier; clusters are connected components."""
    import recordlinkage
    from recordlinkage.index import Block

    from linewatch.linkage.clustering import Link, group_records, links_table
    from linewatch.linkage.standardise import standardise

    started = time.perf_counter()
    frame = (
        standardise(records)
        .select(["record_id", "given_name", "surname", "dob", "sex", "postcode", "given_phonetic", "surname_phonetic"])
        .to_pandas()
        .set_index("record_id")
    )
    indexer = recordlinkage.Index()
    indexer.add(Block(["dob", "surname_phonetic"]))
    indexer.add(Block(["dob", "given_phonetic"]))
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("dob", "dob", label="dob")
    compare.exact("sex", "sex", label="sex")
    compare.exact("postcode", "postcode", label="postcode")
    features = compare.compute(candidates, frame)
    matches = recordlinkage.ECMClassifier().fit_predict(features)
    links = links_table(Link(str(a), str(b), 1.0, "model") for a, b in matches)
    identifiers = pa.table({"record_id": pa.array(list(frame.index), pa.string())})
    grouping = group_records(identifiers, links)
    return grouping.group_of(), time.perf_counter() - started


def febrl(out: Path) -> None:
    import recordlinkage.datasets as datasets

    from linewatch.linkage.generic import link_files, parse_columns

    columns = parse_columns(
        "id=rec_id,given_name=given_name,surname=surname,dob=date_of_birth,postcode=postcode,address=address,other_id=soc_sec_id"
    )
    for number in (1, 2, 3):
        frame = getattr(datasets, f"load_febrl{number}")().reset_index()
        frame["address"] = (frame["street_number"].fillna("") + " " + frame["address_1"].fillna("")).str.strip()
        path = out / f"febrl{number}.csv"
        frame.to_csv(path, index=False)
        truth = {f"febrl{number}:{rec}": rec.split("-")[1] for rec in frame["rec_id"]}
        started = time.perf_counter()
        with DuckDBEngine() as engine:
            result = link_files([path], columns, out / f"febrl{number}", engine)
        seconds = time.perf_counter() - started
        predicted = result.linkage.grouping.group_of()
        pairwise, cluster = pairwise_scores(predicted, truth), cluster_scores(predicted, truth)
        print(
            f"FEBRL{number}: {len(frame):,} records, {seconds:.1f}s; pairwise precision {pairwise.precision:.4f} "
            f"recall {pairwise.recall:.4f} F1 {pairwise.f1:.4f}; cluster F1 {cluster.f1:.4f} "
            f"({result.linkage.model.label()})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--people", type=int, default=200_000, help="people (each held by 5 agencies; default 200k -> about 1M records)"
    )
    parser.add_argument("--sample", type=int, default=100_000, help="records in the recordlinkage comparison")
    parser.add_argument("--skip-recordlinkage", action="store_true")
    parser.add_argument("--febrl", action="store_true", help="run FEBRL 1-3 instead")
    args = parser.parse_args()
    print(setup_line())
    if args.febrl:
        with tempfile.TemporaryDirectory() as folder:
            febrl(Path(folder))
        return 0

    started = time.perf_counter()
    practice = practice_people(args.people, seed=5, agencies=EVERY_AGENCY)
    print(
        f"generated {practice.records.num_rows:,} records of {args.people:,} people "
        f"in {time.perf_counter() - started:.0f}s (not timed below)"
    )
    agencies = pc.unique(practice.records.column("agency")).to_pylist()
    print(f"agencies: {', '.join(sorted(agencies))}")

    linkage, seconds = link_and_score(practice.records, practice.person_of)
    report("Linewatch (Splink on DuckDB), all records", linkage, seconds, practice.person_of)
    verdict = "within" if seconds <= TARGET_SECONDS else "OVER"
    print(f"  {verdict} the {TARGET_SECONDS}s target")

    if not args.skip_recordlinkage:
        sample = sample_by_person(practice.records, practice.person_of, args.sample)
        ours, our_seconds = link_and_score(sample, practice.person_of)
        report(f"Linewatch on a {sample.num_rows:,}-record sample", ours, our_seconds, practice.person_of)
        theirs, their_seconds = recordlinkage_pipeline(sample)
        pairwise = pairwise_scores(theirs, practice.person_of)
        print(
            f"recordlinkage classic pipeline on the same sample: {their_seconds:.1f}s = "
            f"{sample.num_rows / their_seconds:,.0f} records/s; pairwise F1 {pairwise.f1:.4f}"
        )
        print(f"speed ratio (recordlinkage time / Linewatch time): {their_seconds / our_seconds:.2f}x")
    return 0 if seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
