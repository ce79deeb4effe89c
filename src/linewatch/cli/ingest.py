"""`linewatch ingest` and `linewatch feeds`: load agency files and show what was loaded."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from linewatch.cli.common import console, open_store, settings_from, user_errors
from linewatch.feeds.ingest import IngestResult, ingest_file
from linewatch.store.tables import metadata


def print_result(result: IngestResult) -> None:
    if result.status == "already_loaded":
        console.print(f"{result.file_name}: already loaded as feed {result.feed_id}; nothing to do.")
        return
    records = ", ".join(
        f"{name} {c['new']} new/{c['changed']} changed/{c['unchanged']} unchanged" for name, c in result.records.items()
    )
    console.print(
        f"{result.file_name}: feed {result.feed_id} {result.status}: "
        f"{result.rows_loaded:,} of {result.rows_read:,} rows "
        f"in {result.seconds:.1f}s ({result.rows_per_second:,.0f} rows/s; {result.encoding}). {records}"
    )
    if result.rejects_path:
        console.print(f"[yellow]{result.rows_rejected:,} rows rejected: see {result.rejects_path}[/]")


def ingest(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="CSV, XLSX or JSON files from one agency, in one format."),
    agency: str = typer.Option(..., "--agency", "-a", help="The agency the files come from."),
    mapping: str = typer.Option(..., "--mapping", "-m", help="Mapping name or MAPPING.yaml path."),
    accept_valid: bool = typer.Option(
        False, "--accept-valid", help="Load the valid rows; write the others to a rejects file."
    ),
) -> None:
    """Load agency files: each all or nothing, re-loading the same file is a no-op."""
    with user_errors():
        settings = settings_from(ctx)
        engine = open_store(settings)
        for path in files:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(f"{path.name}: reading", total=None)
                name = path.name

                def show(rows: int, task: TaskID = task, name: str = name) -> None:
                    bar.update(task, description=f"{name}: {rows:,} rows")

                result = ingest_file(
                    path,
                    agency=agency,
                    mapping=mapping,
                    settings=settings,
                    engine=engine,
                    accept_valid=accept_valid,
                    progress=show,
                )
            print_result(result)


def feeds(ctx: typer.Context) -> None:
    """List the feeds loaded: where from, how many rows, what was rejected."""
    with user_errors():
        engine = open_store(settings_from(ctx))
        feed = metadata.tables["feed"]
        with engine.connect() as connection:
            rows = connection.execute(select(feed).order_by(feed.c.id)).mappings().all()
        table = Table(title=f"{len(rows)} feed(s) loaded")
        for column in (
            "id",
            "agency",
            "mapping",
            "file",
            "status",
            "rows",
            "loaded",
            "rejected",
            "loaded at",
            "rejects file",
        ):
            table.add_column(
                column,
                justify="right" if column in {"id", "rows", "loaded", "rejected"} else "left",
            )
        for row in rows:
            table.add_row(
                str(row["id"]), row["agency"], row["mapping"], row["file_name"], row["status"],
                f"{row['rows_read']:,}", f"{row['rows_loaded']:,}", f"{row['rows_rejected']:,}",
                row["loaded_at"].isoformat(sep=" "), row["rejects_path"] or "",
            )  # fmt: skip
        console.print(table)
