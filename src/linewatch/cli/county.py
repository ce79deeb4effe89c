"""`linewatch synth`, `demo` and `evaluate`: the synthetic county, the end-to-end run on it,
and the quality figures measured against its truth."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from linewatch.cli.common import EXIT_USER_ERROR, console, settings_from, user_errors
from linewatch.demo.context import workspace_of
from linewatch.demo.serve_stage import serve_demo

DEFAULT_CHILDREN = 20_000


def _generate(out: Path, children: int, seed: int, noise: str, lines: int, days: int) -> None:
    from linewatch.synth import generate_county

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("Generating county", total=1.0)

        def progress(step: str, fraction: float) -> None:
            bar.update(task, description=f"Generating county: {step}", completed=fraction)

        summary = generate_county(
            out, children=children, seed=seed, noise=noise,  # type: ignore[arg-type]
            lines=lines, days=days, progress=progress,
        )  # fmt: skip
    console.print(summary)


def synth(
    out: Path = typer.Option(..., "--out", help="Folder to write the county to."),
    children: int = typer.Option(DEFAULT_CHILDREN, "--children", help="Children and young adults (8-25) in scope."),
    seed: int = typer.Option(1, "--seed"),
    noise: str = typer.Option("default", "--noise", help="low | default | high"),
    lines: int = typer.Option(8, "--lines", help="County lines run into the market towns."),
    days: int = typer.Option(90, "--days", help="Days of records and communications data."),
) -> None:
    """Generate a synthetic county: agency feeds, communications data and (apart) the truth."""
    if noise not in {"low", "default", "high"}:
        console.print("[red]--noise must be low, default or high[/]")
        raise typer.Exit(EXIT_USER_ERROR)
    with user_errors():
        _generate(out, children, seed, noise, lines, days)


def demo(
    ctx: typer.Context,
    county: Path | None = typer.Option(
        None,
        "--county",
        help="A county made by `linewatch synth` (default: generated once and cached).",
    ),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the web app at the end."),
) -> None:
    """Run every stage on a synthetic county in a fresh workspace and print a summary."""
    from linewatch.demo.run import run_demo

    with user_errors():
        settings = settings_from(ctx)
        if county is None:
            county = settings.data_dir / "demo-county"
            if not (county / "county.json").exists():
                console.print(f"First run: generating the default county in {county} (cached for next time).")
                _generate(county, DEFAULT_CHILDREN, 1, "default", 8, 90)
        if not (county / "feeds" / "manifest.json").exists():
            console.print(f"[red]{county} is not a county made by `linewatch synth` (no feeds/manifest.json).[/]")
            raise typer.Exit(EXIT_USER_ERROR)
        demo_run = run_demo(county, console)
        console.rule("Done")
        console.print(f"Workspace: {workspace_of(county)}")
        console.print(f"Quality figures: linewatch evaluate {county}")
        serve_demo(demo_run.settings, console, serve=serve)


def evaluate(
    county: Path = typer.Argument(..., help="The county folder (its truth/ is read here, and only here)."),
    workspace: Path | None = typer.Option(None, "--workspace", help="Pipeline outputs (default COUNTY/workspace)."),
) -> None:
    """Print each quality figure with its definition; exit non-zero if one cannot be computed."""
    from linewatch.evaluate.metrics import METRICS
    from linewatch.evaluate.registry import MetricUnavailable

    workspace = workspace or workspace_of(county)
    table = Table(title=f"Quality against the truth of {county}", show_lines=True)
    for column in ("capability", "figure", "value", "target", "definition"):
        table.add_column(column)
    failed: list[str] = []
    for metric in METRICS:
        try:
            figures = metric.compute(county, workspace)
        except MetricUnavailable as error:
            failed.append(f"{metric.name}: {error}")
            table.add_row(metric.capability, metric.name, "[red]unavailable[/]", "", str(error))
            continue
        for figure in figures:
            met = figure.meets_target()
            mark = "" if met is None else (" [green]met[/]" if met else " [red]missed[/]")
            definition = figure.definition + (f"\n{figure.detail}" if figure.detail else "")
            table.add_row(
                metric.capability,
                figure.name,
                f"{figure.value:.4g}",
                (figure.target or "") + mark,
                definition,
            )
    console.print(table)
    if failed:
        for line in failed:
            console.print(f"[red]Could not compute {line}[/]")
        raise typer.Exit(1)
