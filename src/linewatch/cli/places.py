"""`linewatch places ...`: cuckooed addresses, hotspots, peer groups, routes and map layers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from linewatch.cli.common import EXIT_USER_ERROR, console, errors, open_store, settings_from, user_errors
from linewatch.places.context import PlacesError
from linewatch.places.geojson import LAYERS, ExportError
from linewatch.places.pipeline import ALL_PARTS, Part, PlacesOutcome

app = typer.Typer(
    help="Places and routes: cuckooed addresses, hotspots, peer groups, the routes lines run on.",
    no_args_is_help=True,
)

AS_AT_HELP = "Analyse as things stood at this date (YYYY-MM-DD); default the newest record."
# The places commands took --as-of before screening's --as-at became the one name; old scripts still work.
DEPRECATED_AS_OF_HELP = "Deprecated: use --as-at."
DEFINITION_HELP = "Places definition YAML (default: the shipped places.yaml)."


@contextmanager
def places_errors() -> Iterator[None]:
    with user_errors():
        try:
            yield
        except (PlacesError, ExportError) as error:
            errors.print(f"[bold red]Error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None


def _as_at(as_at: str | None, as_of: str | None) -> datetime | None:
    """The moment to analyse, from --as-at or its deprecated spelling --as-of."""
    if as_of is not None:
        errors.print("[yellow]Warning:[/] --as-of is deprecated; use --as-at.", highlight=False)
        if as_at is None:
            return _moment("--as-of", as_of)
        if as_at != as_of:
            raise PlacesError(f"--as-at {as_at!r} and --as-of {as_of!r} disagree: give --as-at only")
    return _moment("--as-at", as_at)


def _moment(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise PlacesError(f"{option} {text!r} is not a date (expected YYYY-MM-DD)") from None


def _run(
    ctx: typer.Context, parts: tuple[Part, ...], as_at: str | None, as_of: str | None, definition: Path | None
) -> PlacesOutcome:
    from linewatch.places.definition import load_places_definition
    from linewatch.places.pipeline import run_places

    moment = _as_at(as_at, as_of)
    settings = settings_from(ctx)
    loaded = load_places_definition(definition)
    store = open_store(settings)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("Places", total=None)
        outcome = run_places(
            settings, store, parts, loaded, moment, progress=lambda step: bar.update(task, description=step)
        )
    console.print(
        f"As at {outcome.as_of:%d %b %Y %H:%M}; {outcome.flagged} flagged place(s); "
        f"{outcome.seconds.get('total', 0):.1f}s. Outputs: {outcome.out_dir}",
        highlight=False,
    )
    return outcome


@app.command("run")
def run(
    ctx: typer.Context,
    as_at: str | None = typer.Option(None, "--as-at", help=AS_AT_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=DEPRECATED_AS_OF_HELP, hidden=True),
    definition: Path | None = typer.Option(None, "--definition", help=DEFINITION_HELP),
    top: int = typer.Option(10, "--top", help="Rows to show of each list."),
) -> None:
    """Compute everything: cuckooing risk, hotspots, peer groups and routes; write the outputs,
    flagged_places.parquet (for screening) and the GeoJSON layers."""
    with places_errors():
        outcome = _run(ctx, ALL_PARTS, as_at, as_of, definition)
    _print_cuckooing(outcome, top, show_all=False)
    _print_hotspots(outcome, top)
    _print_peers(outcome, top)
    _print_routes(outcome, top)


@app.command("cuckooing")
def cuckooing(
    ctx: typer.Context,
    as_at: str | None = typer.Option(None, "--as-at", help=AS_AT_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=DEPRECATED_AS_OF_HELP, hidden=True),
    definition: Path | None = typer.Option(None, "--definition", help=DEFINITION_HELP),
    top: int = typer.Option(20, "--top", help="Addresses to list."),
    show_all: bool = typer.Option(False, "--all", help="List addresses below the flagging level too."),
) -> None:
    """Cuckooing risk per address, with reasons and what to do first (safeguard the tenant)."""
    with places_errors():
        outcome = _run(ctx, (Part.cuckooing,), as_at, as_of, definition)
    _print_cuckooing(outcome, top, show_all)


@app.command("hotspots")
def hotspots(
    ctx: typer.Context,
    as_at: str | None = typer.Option(None, "--as-at", help=AS_AT_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=DEPRECATED_AS_OF_HELP, hidden=True),
    definition: Path | None = typer.Option(None, "--definition", help=DEFINITION_HELP),
    top: int = typer.Option(20, "--top", help="Hotspots to list."),
) -> None:
    """Places where young people are seen again and again, with counts over time."""
    with places_errors():
        outcome = _run(ctx, (Part.hotspots,), as_at, as_of, definition)
    _print_hotspots(outcome, top)


@app.command("peers")
def peers(
    ctx: typer.Context,
    as_at: str | None = typer.Option(None, "--as-at", help=AS_AT_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=DEPRECATED_AS_OF_HELP, hidden=True),
    definition: Path | None = typer.Option(None, "--definition", help=DEFINITION_HELP),
    top: int = typer.Option(20, "--top", help="Groups to list."),
) -> None:
    """Peer groups: young people seen together, as clusters (Leiden)."""
    with places_errors():
        outcome = _run(ctx, (Part.hotspots, Part.peers), as_at, as_of, definition)
    _print_peers(outcome, top)


@app.command("routes")
def routes(
    ctx: typer.Context,
    as_at: str | None = typer.Option(None, "--as-at", help=AS_AT_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=DEPRECATED_AS_OF_HELP, hidden=True),
    definition: Path | None = typer.Option(None, "--definition", help=DEFINITION_HELP),
    top: int = typer.Option(10, "--top", help="Corridors to list."),
) -> None:
    """Origin-to-destination corridors with their counts, lines, children and stations."""
    with places_errors():
        outcome = _run(ctx, (Part.routes,), as_at, as_of, definition)
    _print_routes(outcome, top)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path | None = typer.Option(None, "--out", help="Folder for the .geojson files (default <places>/geojson)."),
    layers: list[str] = typer.Option(list(LAYERS), "--layer", help=f"Layers to write: {', '.join(LAYERS)}."),
) -> None:
    """Write the map layers as GeoJSON (WGS84) from the last `places run`; they open in QGIS."""
    from linewatch.places.geojson import export_layers
    from linewatch.places.outputs import places_dir

    with places_errors():
        directory = places_dir(settings_from(ctx))
        unknown = [name for name in layers if name not in LAYERS]
        if unknown:
            raise ExportError(f"no layer {', '.join(unknown)}: choose from {', '.join(LAYERS)}")
        written = export_layers(directory, out or directory / "geojson", tuple(layers))
    for name, path in written.items():
        console.print(f"{name}: {path}", highlight=False)


def _print_cuckooing(outcome: PlacesOutcome, top: int, show_all: bool) -> None:
    if outcome.cuckooing is None:
        return
    shown = [a for a in outcome.cuckooing if show_all or a.flagged][:top]
    flagged = sum(a.flagged for a in outcome.cuckooing)
    console.rule(f"Cuckooing: {flagged} address(es) flagged of {len(outcome.cuckooing):,} with any signal")
    for a in shown:
        lines = f" — linked to {', '.join(a.lines)}" if a.lines else ""
        console.print(
            f"[bold]{a.rank}. {a.address}[/] — {a.level.value.upper()} {a.score:.2f} — {a.status}{lines}",
            highlight=False,
        )
        console.print(f"   [bold]Do first:[/] {a.action}", highlight=False)
        for reason in a.reasons:
            if reason.points > 0:
                console.print(f"   - {reason.text}", highlight=False)


def _print_hotspots(outcome: PlacesOutcome, top: int) -> None:
    if outcome.hotspots is None:
        return
    table = Table(title=f"Hotspots: {len(outcome.hotspots)} ({sum(h.flagged for h in outcome.hotspots)} flagged)")
    for column in (
        "#",
        "place",
        "level",
        "young people",
        "under 18",
        "other towns",
        "events",
        "last 90 d / before",
        "lines",
    ):
        table.add_column(column)
    for h in outcome.hotspots[:top]:
        table.add_row(
            str(h.rank), h.label, f"{h.level.value} {h.score:.2f}", str(h.young_people), str(h.children),
            str(h.out_of_area), str(h.events), f"{h.recent} / {h.previous} ({h.trend()})", ", ".join(h.lines),
        )  # fmt: skip
    console.print(table)


def _print_peers(outcome: PlacesOutcome, top: int) -> None:
    if outcome.peers is None:
        return
    console.rule(f"Peer groups: {len(outcome.peers)}")
    for group in outcome.peers[:top]:
        console.print(f"[bold]{group.rank}. {group.group_id}[/]: {group.summary()}", highlight=False)


def _print_routes(outcome: PlacesOutcome, top: int) -> None:
    if outcome.corridors is None:
        return
    console.rule(f"Routes: top {min(top, len(outcome.corridors))} of {len(outcome.corridors)} corridors")
    for c in outcome.corridors[:top]:
        stations = c.main_stations()
        by = f" ({stations[0]} → {stations[1]})" if stations else ""
        lines = f" — lines {', '.join(c.lines)}" if c.lines else ""
        console.print(
            f"[bold]{c.rank}. {c.origin_town} → {c.destination_town}{by}[/] — score {c.score:.1f} — "
            f"{c.trips:,} trips ({c.outward:,} outward), {len(c.children)} children of concern{lines}",
            highlight=False,
        )
        for reason in c.reasons:
            console.print(f"   - {reason.text}", highlight=False)
