"""Demo stage: load every agency feed listed in the county's manifest."""

from __future__ import annotations

import json

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from linewatch.demo.context import DemoContext
from linewatch.feeds.ingest import ingest_file


def load_feeds(ctx: DemoContext) -> list[str]:
    manifest = json.loads((ctx.county / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    lines: list[str] = []
    total_rows = 0
    total_seconds = 0.0
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=ctx.console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("Loading feeds", total=len(manifest))
        for entry in manifest:
            path = ctx.county / "feeds" / entry["file"]
            bar.update(task, description=f"Loading {entry['file']}")
            result = ingest_file(
                path,
                agency=entry["agency"],
                mapping=entry["mapping"],
                settings=ctx.settings,
                engine=ctx.engine,
            )
            total_rows += result.rows_read
            total_seconds += result.seconds
            lines.append(f"{entry['file']}: {result.rows_loaded:,} rows ({entry['agency']}, {entry['mapping']})")
            bar.advance(task)
    lines.append(f"{len(manifest)} feeds, {total_rows:,} rows in {total_seconds:.1f}s")
    return lines
