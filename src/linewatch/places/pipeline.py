"""`linewatch places ...`: read the inputs once, run the analyses asked for, write their outputs,
the flagged places for screening, and the map layers."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from linewatch.audit import hooks as audit_hooks
from linewatch.places.context import PlaceContext, build_context
from linewatch.places.cuckooing import CuckooingAssessment, assess_cuckooing
from linewatch.places.definition import PlacesDefinition, load_places_definition
from linewatch.places.geojson import LAYERS, export_layers
from linewatch.places.hotspots import Hotspot, find_hotspots
from linewatch.places.outputs import (
    places_dir,
    write_corridors,
    write_cuckooing,
    write_flagged_places,
    write_hotspots,
    write_json,
    write_peer_groups,
    write_stations,
)
from linewatch.places.peers import PeerGroup, find_peer_groups
from linewatch.places.records import PlaceInputs
from linewatch.places.routes import Corridor, find_corridors
from linewatch.places.sources import Progress, read_inputs
from linewatch.settings import Settings

PLACES_PER_GROUP = 5


class Part(StrEnum):
    cuckooing = "cuckooing"
    hotspots = "hotspots"
    peers = "peers"
    routes = "routes"


ALL_PARTS = tuple(Part)


@dataclass
class PlacesOutcome:
    as_of: datetime
    sources: dict[str, int]
    cuckooing: list[CuckooingAssessment] | None = None
    hotspots: list[Hotspot] | None = None
    peers: list[PeerGroup] | None = None
    corridors: list[Corridor] | None = None
    flagged: int = 0
    layers: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None


def analyse(
    ctx: PlaceContext,
    definition: PlacesDefinition,
    parts: tuple[Part, ...] = ALL_PARTS,
    progress: Progress = lambda _: None,
) -> PlacesOutcome:
    """The analyses asked for, in memory (pure over the context)."""
    outcome = PlacesOutcome(as_of=ctx.as_of, sources=dict(ctx.inputs.sources))
    if Part.cuckooing in parts:
        progress("Scoring addresses for cuckooing")
        with _timed(outcome, Part.cuckooing):
            outcome.cuckooing = assess_cuckooing(ctx, definition.cuckooing)
    if Part.hotspots in parts:
        progress("Finding hotspots")
        with _timed(outcome, Part.hotspots):
            outcome.hotspots = find_hotspots(ctx, definition.hotspots)
    if Part.peers in parts:
        progress("Finding peer groups")
        with _timed(outcome, Part.peers):
            outcome.peers = find_peer_groups(ctx, definition.peers)
    if Part.routes in parts:
        progress("Finding routes")
        with _timed(outcome, Part.routes):
            outcome.corridors = find_corridors(ctx, definition.routes)
    if outcome.peers is not None and outcome.hotspots is not None:
        _places_of_groups(outcome.peers, outcome.hotspots)
    return outcome


@contextmanager
def _timed(outcome: PlacesOutcome, part: Part) -> Iterator[None]:
    started = time.perf_counter()
    yield
    outcome.seconds[part.value] = round(time.perf_counter() - started, 3)


def _places_of_groups(groups: list[PeerGroup], hotspots: list[Hotspot]) -> None:
    """Each group's places: the hotspots where most of its members are seen."""
    for group in groups:
        members = {m.subject_id for m in group.members}
        seen = Counter({h.hotspot_id: len(members & set(h.subjects)) for h in hotspots})
        group.places = [place for place, n in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])) if n > 0][
            :PLACES_PER_GROUP
        ]


def run_places(
    settings: Settings,
    store: Engine,
    parts: tuple[Part, ...] = ALL_PARTS,
    definition: PlacesDefinition | None = None,
    as_of: datetime | None = None,
    progress: Progress = lambda _: None,
    inputs: PlaceInputs | None = None,
) -> PlacesOutcome:
    """Read, analyse, write the outputs of `parts`, the flagged places and the map layers."""
    definition = definition or load_places_definition()
    started = time.perf_counter()
    inputs = inputs or read_inputs(settings, store, progress)
    read_seconds = round(time.perf_counter() - started, 3)
    progress("Placing addresses, towns and stations")
    ctx = build_context(inputs, as_of)
    outcome = analyse(ctx, definition, parts, progress)
    outcome.seconds = {"read inputs": read_seconds, **outcome.seconds}
    progress("Writing outputs")
    directory = places_dir(settings)
    write_outputs(directory, outcome, ctx, definition)
    outcome.out_dir = directory
    outcome.seconds["total"] = round(time.perf_counter() - started, 3)
    record = _run_record(outcome, parts)
    write_json(directory / "run.json", record)
    counts = record["counts"]
    audit_hooks.places_run(store, str(directory), counts if isinstance(counts, dict) else {})
    return outcome


def write_outputs(directory: Path, outcome: PlacesOutcome, ctx: PlaceContext, definition: PlacesDefinition) -> None:
    if outcome.cuckooing is not None:
        write_cuckooing(directory, outcome.cuckooing)
    if outcome.hotspots is not None:
        write_hotspots(directory, outcome.hotspots)
    if outcome.peers is not None:
        write_peer_groups(directory, outcome.peers)
    if outcome.corridors is not None:
        write_corridors(directory, outcome.corridors, ctx.gazetteer)
    write_stations(directory, ctx.gazetteer)
    outcome.flagged = write_flagged_places(directory, definition.cuckooing.radius_m)
    ready = [name for name in LAYERS if _layer_ready(directory, name)]
    outcome.layers = export_layers(directory, directory / "geojson", tuple(ready))


def _layer_ready(directory: Path, name: str) -> bool:
    needs = {
        "cuckooing": ["cuckooing"],
        "hotspots": ["hotspots"],
        "routes": ["corridors"],
        "stations": ["stations"],
        "peer_groups": ["peer_groups", "hotspots"],
    }[name]
    return all((directory / f"{file}.parquet").exists() for file in needs)


def _run_record(outcome: PlacesOutcome, parts: tuple[Part, ...]) -> dict[str, object]:
    return {
        "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": outcome.as_of.isoformat(),
        "parts": [p.value for p in parts],
        "sources": outcome.sources,
        "counts": {
            "cuckooing addresses scored": len(outcome.cuckooing) if outcome.cuckooing is not None else None,
            "hotspots": len(outcome.hotspots) if outcome.hotspots is not None else None,
            "peer groups": len(outcome.peers) if outcome.peers is not None else None,
            "corridors": len(outcome.corridors) if outcome.corridors is not None else None,
            "flagged places": outcome.flagged,
        },
        "seconds": outcome.seconds,
    }
