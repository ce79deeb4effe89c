"""`linewatch link`, `linewatch review` and `linewatch encode`: link person records into subjects
(in the store, or in an analyst's CSV files), decide the uncertain pairs, and pseudonymise a file
for privacy-preserving linkage."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from linewatch.audit import hooks as audit_hooks
from linewatch.cli.common import EXIT_USER_ERROR, console, errors, open_store, settings_from, user_errors
from linewatch.linkage.engines import ENGINE_NAMES
from linewatch.linkage.errors import LinkageError
from linewatch.linkage.model import LinkType
from linewatch.linkage.people import LINK_THRESHOLD, REVIEW_FROM, LinkOptions

review_app = typer.Typer(help="Decide the pairs linkage was unsure about.", no_args_is_help=True)


@contextmanager
def linkage_errors() -> Iterator[None]:
    with user_errors():
        try:
            yield
        except LinkageError as error:
            errors.print(f"[bold red]Error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None


@contextmanager
def spinner(title: str) -> Iterator[Progress]:
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        yield bar


def _options(threshold: float, review_from: float) -> LinkOptions:
    if not 0 < review_from <= threshold < 1:
        raise LinkageError(f"need 0 < --review-from ({review_from}) <= --threshold ({threshold}) < 1")
    return LinkOptions(threshold=threshold, review_from=review_from)


def link(
    ctx: typer.Context,
    engine: str = typer.Option("duckdb", "--engine", help=f"Where pairs are scored: {' or '.join(ENGINE_NAMES)}."),
    incremental: bool = typer.Option(
        False, "--incremental", help="Link only new and changed records to existing subjects."
    ),
    train: bool | None = typer.Option(
        None, "--train/--reuse-model", help="Train a new model version (default for full runs) or reuse the latest."
    ),
    model_version: int | None = typer.Option(None, "--model-version", help="Use this saved model version."),
    threshold: float = typer.Option(
        LINK_THRESHOLD, "--threshold", help="Match probability at which two records are one person."
    ),
    review_from: float = typer.Option(
        REVIEW_FROM, "--review-from", help="Pairs from here up to the threshold are queued for review."
    ),
    inputs: list[Path] = typer.Option(
        [], "--input", help="Link these CSV files instead of the store (repeat for several)."
    ),
    columns: str | None = typer.Option(
        None, "--columns", help="With --input: NAME=COLUMN,... e.g. given_name=First,surname=Last,dob=DOB,id=ID."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="With --input: folder for pairs.csv, clusters.csv and the model."
    ),
    also_dedupe: bool = typer.Option(
        False, "--also-dedupe", help="With several --input files: also find duplicates within each file."
    ),
    encoded: bool = typer.Option(
        False, "--encoded", help="With --input: the files were made by `linewatch encode` (privacy-preserving)."
    ),
) -> None:
    """Link person records into subjects, one per real person (Splink on DuckDB, or Spark)."""
    with linkage_errors():
        options = _options(threshold, review_from)
        if inputs:
            _link_files(inputs, columns, out, engine, options, also_dedupe, encoded)
            return
        if columns or out or encoded:
            raise LinkageError("--columns, --out and --encoded go with --input FILE")
        from linewatch.linkage.store_run import link_store

        settings = settings_from(ctx)
        db = open_store(settings)
        with spinner("Linking") as bar:
            task = bar.add_task("Linking person records", total=None)
            run = link_store(
                settings, db, engine_name=engine, incremental=incremental, train=train, model_version=model_version,
                options=options, progress=lambda message: bar.update(task, description=message),
                run_by=os.environ.get("LINEWATCH_USER") or getpass.getuser(),
            )  # fmt: skip
        for line in run.lines():
            console.print(line, highlight=False)
        if run.linkage is not None and run.linkage.blocking:
            console.print(blocking_table(run.linkage))


def _link_files(
    inputs: list[Path],
    columns: str | None,
    out: Path | None,
    engine: str,
    options: LinkOptions,
    also_dedupe: bool,
    encoded: bool,
) -> None:
    from linewatch.linkage.engines import open_engine

    if out is None:
        raise LinkageError("--input needs --out DIR for the results")
    if encoded:
        from linewatch.linkage.privacy_link import link_encoded_files

        with open_engine(engine) as opened, spinner("Linking") as bar:
            bar.add_task("Linking encoded files", total=None)
            result = link_encoded_files(inputs, out, opened, options=options)
    else:
        from linewatch.linkage.generic import link_files, parse_columns

        if not columns:
            raise LinkageError("--input needs --columns NAME=COLUMN,... (e.g. given_name=First,surname=Last,dob=DOB)")
        mapping = parse_columns(columns)
        link_type: LinkType = "dedupe_only" if len(inputs) == 1 else ("link_and_dedupe" if also_dedupe else "link_only")
        file_options = LinkOptions(threshold=options.threshold, review_from=options.review_from, link_type=link_type)
        with open_engine(engine) as opened, spinner("Linking") as bar:
            bar.add_task(f"Linking {len(inputs)} file(s)", total=None)
            result = link_files(inputs, mapping, out, opened, options=file_options)
    for line in result.lines():
        console.print(line, highlight=False)


def blocking_table(linkage: object) -> Table:
    from linewatch.linkage.people import PeopleLinkage

    assert isinstance(linkage, PeopleLinkage)
    estimated = any(count.estimated for count in linkage.blocking)
    table = Table(title="Pairs each blocking rule adds" + (" (estimated from a sample)" if estimated else ""))
    for column in ("rule", "why", "pairs added", "cumulative"):
        table.add_column(column, justify="right" if column in {"pairs added", "cumulative"} else "left")
    for count in linkage.blocking:
        table.add_row(count.rule, count.why, f"{count.pairs:,}", f"{count.cumulative:,}")
    return table


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    status: str = typer.Option("pending", "--status", help="pending, accepted, rejected, superseded or all."),
    limit: int = typer.Option(20, "--limit"),
) -> None:
    """Show pairs waiting for a decision, most likely matches first, with the reasons."""
    from linewatch.linkage.review import list_reviews

    with linkage_errors():
        if status not in {"pending", "accepted", "rejected", "superseded", "all"}:
            raise LinkageError("--status must be pending, accepted, rejected, superseded or all")
        store = open_store(settings_from(ctx))
        items = list_reviews(store, None if status == "all" else status, limit)  # type: ignore[arg-type]
        audit_hooks.consulted(store, "linewatch review list", [side for i in items for side in (i.left, i.right)])
        if not items:
            console.print(f"No {status} review items.")
            return
        for item in items:
            console.rule(f"#{item.id}  {item.status}  match probability {item.match_probability:.3f}")
            table = Table(show_header=True, box=None)
            table.add_column("")
            table.add_column(f"{item.left['agency']} {item.left['source_id']} ({item.left['subject_id'] or '-'})")
            table.add_column(f"{item.right['agency']} {item.right['source_id']} ({item.right['subject_id'] or '-'})")
            for name in (
                "given_name",
                "middle_names",
                "surname",
                "date_of_birth",
                "sex",
                "postcode",
                "nhs_number",
                "upn",
                "pnc_id",
            ):
                table.add_row(name, _shown(item.left.get(name)), _shown(item.right.get(name)))
            console.print(table)
            console.print(f"[dim]{item.reasons}[/]", highlight=False)
            if item.decided_by:
                console.print(f"decided by {item.decided_by}" + (f": {item.note}" if item.note else ""))


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def _decide(ctx: typer.Context, review_id: int, accept: bool, note: str | None) -> None:
    from linewatch.linkage.review import decide

    with linkage_errors():
        by = os.environ.get("LINEWATCH_USER") or getpass.getuser()
        store = open_store(settings_from(ctx))
        item = decide(store, review_id, accept=accept, by=by, note=note)
        audit_hooks.review_decided(store, item.id, accept, [item.left, item.right])
        verb = "accepted: always linked" if accept else "rejected: never in one subject"
        console.print(
            f"#{item.id} {verb} ({item.left['agency']} {item.left['source_id']} / "
            f"{item.right['agency']} {item.right['source_id']}). Takes effect at the next `linewatch link`."
        )


@review_app.command("accept")
def review_accept(
    ctx: typer.Context, review_id: int = typer.Argument(...), note: str | None = typer.Option(None, "--note")
) -> None:
    """The two records are the same person: always link them."""
    _decide(ctx, review_id, True, note)


@review_app.command("reject")
def review_reject(
    ctx: typer.Context, review_id: int = typer.Argument(...), note: str | None = typer.Option(None, "--note")
) -> None:
    """The two records are different people: never put them in one subject."""
    _decide(ctx, review_id, False, note)


def encode(
    inputs: list[Path] = typer.Option(..., "--input", help="CSV file(s) to pseudonymise."),
    columns: str = typer.Option(..., "--columns", help="NAME=COLUMN,... as for `linewatch link --input`."),
    key_file: Path = typer.Option(
        ..., "--key-file", help="The secret key shared by the agencies (kept out of the output)."
    ),
    out: Path = typer.Option(..., "--out", help="Folder for the encoded files (same names)."),
) -> None:
    """Pseudonymise person records for privacy-preserving linkage (keyed HMAC and Bloom filters)."""
    from linewatch.linkage.generic import parse_columns
    from linewatch.linkage.privacy import encode_files, read_key

    with linkage_errors():
        written = encode_files(inputs, parse_columns(columns), read_key(key_file), out)
        for path in written:
            console.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add the linkage commands to the `linewatch` command."""
    app.command("link")(link)
    app.add_typer(review_app, name="review")
    app.command("encode")(encode)
