"""`linewatch comms ...` (communications data and deal lines) and `linewatch network` (network
analytics on any edge list)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import Engine

from linewatch.audit import hooks as audit_hooks
from linewatch.cli.common import EXIT_USER_ERROR, console, errors, settings_from, user_errors
from linewatch.lines.engine import ENGINES
from linewatch.settings import Settings

app = typer.Typer(help="Communications data: load call records, find deal lines.", no_args_is_help=True)


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(
        ..., help="Call/SMS records, subscriber lists and cell-site lists (CSV or Parquet)."
    ),
    mapping: str = typer.Option("operator_default", "--mapping", "-m", help="Comms mapping name or MAPPING.yaml path."),
    accept_valid: bool = typer.Option(
        False, "--accept-valid", help="Load the valid rows; the others go to a rejects file."
    ),
) -> None:
    """Load operator files into the analytics workspace: each file all or nothing, numbers in
    E.164, every bad row reported; loading the same file again does nothing."""
    from linewatch.lines.ingest import ingest_comms_file

    with user_errors():
        settings = settings_from(ctx)
        for path in files:
            result = ingest_comms_file(path, mapping, settings, accept_valid=accept_valid)
            if result.status == "already_loaded":
                console.print(f"{result.file_name}: already loaded as batch {result.batch[:12]}; nothing to do.")
                continue
            console.print(
                f"{result.file_name}: {result.kind.value} batch {result.batch[:12]}: {result.rows_loaded:,} of "
                f"{result.rows_read:,} rows in {result.seconds:.1f}s ({result.rows_per_second:,.0f} rows/s)"
            )
            if result.rejects_path:
                console.print(f"[yellow]{result.rows_rejected:,} rows rejected: see {result.rejects_path}[/]")


@app.command("lines")
def lines(
    ctx: typer.Context,
    engine: str = typer.Option(
        "duckdb", "--engine", help=f"Engine: {' | '.join(ENGINES)} (Spark: LINEWATCH_SPARK_MASTER for a cluster)."
    ),
    definition: Path | None = typer.Option(
        None, "--score", help="Score definition YAML (default: the shipped score.yaml)."
    ),
    exports: bool = typer.Option(
        True, "--exports/--no-exports", help="Write GraphML, GEXF, i2 CSV and network metrics."
    ),
    link_people: bool = typer.Option(
        True, "--people/--no-people", help="Look the numbers up in agency person records."
    ),
    top: int = typer.Option(15, "--top", help="Numbers to list with their reasons."),
) -> None:
    """Score every number as a possible deal line, join number changes into lines, and describe
    each line: numbers, handsets, controller, runners, customers, origin and market towns."""
    from linewatch.lines.pipeline import run_lines
    from linewatch.lines.scoring import explain, load_score_definition

    if engine not in ENGINES:
        errors.print(f"[red]--engine must be one of {', '.join(ENGINES)}[/]")
        raise typer.Exit(EXIT_USER_ERROR)
    with user_errors():
        settings = settings_from(ctx)
        score_definition = load_score_definition(definition)
        store = _store_if_present(settings) if link_people else None
        outcome = run_lines(settings, engine, score_definition, store=store)
        if exports and outcome.out_dir is not None:
            from linewatch.lines.exports import export_network

            files = export_network(outcome, outcome.out_dir / "exports")
            audit_hooks.exported(_store_if_present(settings), "lines network", files)
    console.print(
        f"{outcome.records:,} records, {outcome.numbers_scored:,} numbers scored on {outcome.engine} "
        f"({', '.join(f'{k} {v:.1f}s' for k, v in outcome.seconds.items())})"
    )
    table = Table(title=f"{len(outcome.lines)} line(s)")
    for column in ("line", "numbers", "handsets", "controllers", "runners", "customers", "where"):
        table.add_column(column)
    for line in outcome.lines:
        members = [m for m in outcome.members if m.line_id == line.line_id]
        own = {n.number for n in line.numbers}
        table.add_row(
            line.line_id,
            " → ".join(f"+{n.number}" for n in line.numbers),
            str(len({h["imei"] for h in outcome.handsets if h["number"] in own})),
            str(sum(m.role.value == "controller" for m in members)),
            str(sum(m.role.value == "runner" for m in members)),
            str(sum(m.role.value == "customer" for m in members)),
            outcome.geography[line.line_id].describe(),
        )
    console.print(table)
    rows = sorted(outcome.scores.to_pylist(), key=lambda r: (-r["line_score"], r["number"]))[:top]
    for row in rows:
        console.print(f"[bold]+{row['number']}[/] line score {row['line_score']:.3f} (own {row['score']:.3f})")
        if row["continuity"]:
            console.print(f"    {row['continuity']}")
        for sentence in explain(row, score_definition):
            console.print(f"    {sentence}", highlight=False)
    console.print(f"Outputs: {outcome.out_dir}")


def _store_if_present(settings: Settings) -> Engine | None:
    """The SQL store when the workspace has one, for linking numbers to person records;
    without one (comms data analysed on its own) lines still run, with no people linked."""
    from linewatch.cli.common import open_store
    from linewatch.store.engine import StoreError

    if settings.is_sqlite and not (settings.data_dir / "linewatch.db").exists():
        return None
    try:
        return open_store(settings)
    except StoreError:
        return None


def network(
    edges: Path = typer.Option(..., "--edges", help="Edge list CSV with a header."),
    out: Path = typer.Option(..., "--out", help="Folder for node_metrics.csv and communities.csv."),
    source: str = typer.Option("source", "--source", help="Column of the first node."),
    target: str = typer.Option("target", "--target", help="Column of the second node."),
    directed: bool = typer.Option(False, "--directed", help="Edges have a direction (source to target)."),
    weight: str | None = typer.Option(None, "--weight", help="Column of edge weights (default 1 per row)."),
    time: str | None = typer.Option(None, "--time", help="Column of edge times (first/last seen per node)."),
) -> None:
    """Degree, strength, betweenness, PageRank and Leiden communities of any edge list."""
    from linewatch.lines.network import (
        EdgeListError,
        analyse_edges,
        read_edge_list,
        write_communities,
        write_node_metrics,
    )

    try:
        edge_list = read_edge_list(edges, source, target, weight, time)
    except EdgeListError as error:
        errors.print(f"[bold red]Error:[/] {error}", highlight=False)
        raise typer.Exit(EXIT_USER_ERROR) from None
    metrics, summary = analyse_edges(edge_list, directed=directed)
    write_node_metrics(out / "node_metrics.csv", metrics)
    write_communities(out / "communities.csv", metrics)
    console.print(
        f"{summary.nodes:,} nodes, {summary.edges:,} edges, {summary.communities:,} communities "
        f"(modularity {summary.modularity:.3f}); betweenness {summary.betweenness}. Written to {out}"
    )
