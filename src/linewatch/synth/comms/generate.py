"""Turning a CommsSpec into a county's communications data: set up the county, then generate,
sort and write the records one day at a time, and write the subscriber, cell and truth files.

Memory stays bounded by one day of records plus the phone table and social graph, so the
period and the volume can grow independently. Every random draw comes from a stream seeded by
(spec.seed, purpose, day), so the output is the same for the same spec.
"""

from __future__ import annotations

import time as wallclock
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from linewatch.synth.comms.clock import DayClock
from linewatch.synth.comms.county import DayRecords, Stream, SyntheticCounty, stream_rng
from linewatch.synth.comms.errors import CommsSpecError
from linewatch.synth.comms.events import concat
from linewatch.synth.comms.rates import CommsRates
from linewatch.synth.comms.subscribers import given_details, write_subscribers
from linewatch.synth.comms.summary import CommsSummary
from linewatch.synth.comms.truth import write_customers, write_lines, write_roles, write_runner_days
from linewatch.synth.comms.writer import CALL_RECORD_SCHEMA, CallRecordWriter, ExportFormat
from linewatch.synth.comms_spec import CommsSpec

Progress = Callable[[str, float], None]
EVENT_TYPES = pa.array(["VOICE", "SMS"], pa.string())


def generate_comms(
    spec: CommsSpec,
    out_dir: Path,
    progress: Progress | None = None,
    *,
    format: ExportFormat = "parquet",  # named as callers pass it: format="csv"
    rows_per_part: int = 1_500_000,
    rates: CommsRates | None = None,
) -> CommsSummary:
    """Write comms/calls/part-*, comms/subscribers.csv, comms/cell_sites.csv and the comms truth
    files under `out_dir` for the spec; returns what was written."""
    began = wallclock.perf_counter()
    rates = rates or CommsRates()
    report = progress or (lambda _stage, _fraction: None)
    _check_spec(spec)
    report("comms: setting up phones", 0.0)
    county = SyntheticCounty(spec, rates)
    comms_dir, truth_dir = out_dir / "comms", out_dir / "truth"
    county.cells.write_csv(comms_dir / "cell_sites.csv")
    write_subscribers(
        comms_dir / "subscribers.csv",
        county.phonebook,
        stream_rng(spec.seed, Stream.subscribers),
        county.cells.town_names,
        spec.start,
        given_details(spec.extra),
    )
    write_lines(truth_dir, spec.lines)
    write_customers(truth_dir, county.line_plans, spec.start, spec.days)

    summary = CommsSummary(
        phones=county.phonebook.size,
        handsets=len(county.phonebook.imeis),
        lines=len(spec.lines),
        line_numbers=sum(len(line.numbers) for line in spec.lines),
        days=spec.days,
        target_records=spec.target_records,
    )
    writer = CallRecordWriter(comms_dir / "calls", format, rows_per_part)
    pending: DayRecords | None = None
    for day in range(spec.days):
        clock = DayClock.for_day(spec.start, day)
        today = county.day_records(clock)
        merged = today if pending is None else _concat_records(pending, today)
        order = np.argsort(merged.events.time, kind="stable")
        merged = merged.take(order)
        # Records spilling past midnight (late replies) wait for the next day's records, so
        # that the export is in time order across days and parts.
        cut = clock.next_midnight_utc if day + 1 < spec.days else np.iinfo(np.int64).max
        ready = int(np.searchsorted(merged.events.time, cut, side="left"))
        _emit(writer, summary, county, merged.take(slice(0, ready)))
        pending = merged.take(slice(ready, None))
        report(f"comms: day {day + 1}/{spec.days}", (day + 1) / spec.days)
    summary.parts = writer.close()
    write_roles(truth_dir, county.phonebook.role_rows)
    write_runner_days(truth_dir, county.lines.runner_days, spec.start, county.cells.town_names)
    summary.seconds = wallclock.perf_counter() - began
    report("comms: done", 1.0)
    return summary


def _check_spec(spec: CommsSpec) -> None:
    if spec.days < 1:
        raise CommsSpecError(f"days: {spec.days} (expected at least 1)")
    if spec.target_records < 0:
        raise CommsSpecError(f"target_records: {spec.target_records} (expected 0 or more)")
    if spec.seed < 0:
        raise CommsSpecError(f"seed: {spec.seed} (expected 0 or more)")
    if not spec.towns:
        raise CommsSpecError("towns: empty (expected a hub and market towns)")


def _concat_records(first: DayRecords, second: DayRecords) -> DayRecords:
    return DayRecords(
        concat([first.events, second.events]),
        np.concatenate([first.cell, second.cell]),
        np.concatenate([first.handset, second.handset]),
    )


def _emit(writer: CallRecordWriter, summary: CommsSummary, county: SyntheticCounty, rows: DayRecords) -> None:
    if len(rows.events) == 0:
        return
    events, book = rows.events, county.phonebook
    table = pa.table(
        [
            book.number_array.take(pa.array(events.a)),
            book.number_array.take(pa.array(events.b)),
            pa.array(events.time * 1000, pa.timestamp("ms", tz="UTC")),
            pa.array(events.duration, pa.int32()),
            EVENT_TYPES.take(pa.array(events.sms.astype(np.int8))),
            county.cells.cell_ids.take(pa.array(rows.cell)),
            book.imei_array.take(pa.array(rows.handset)),
        ],
        schema=CALL_RECORD_SCHEMA,
    )
    writer.write(table)
    summary.count(events.sms, book.role[events.a])
