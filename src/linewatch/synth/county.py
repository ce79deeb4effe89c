"""`generate_county`: build the synthetic county end to end and write it to a folder.

Layout: DIR/county.json (parameters and summary), DIR/feeds/manifest.json and one folder per
agency under DIR/feeds/, DIR/comms/ (by the communications generator), DIR/truth/ (apart).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from linewatch.synth import (
    events_background,
    events_education,
    events_lines,
    events_places,
    feeds_education,
    feeds_other,
    feeds_police,
    feeds_social_care,
)
from linewatch.synth.comms_bridge import build_spec, generate_comms_if_available
from linewatch.synth.events_exploited import GIRLS_POLICE_CONTACT_FACTOR, ExploitedChildren
from linewatch.synth.exploitation import build_exploitation
from linewatch.synth.feed_common import FeedResult
from linewatch.synth.identities import SYSTEMS, build_records, people_known_to, pnc_ids
from linewatch.synth.noise import NOISE_RATES
from linewatch.synth.population import build_population
from linewatch.synth.records import COLUMNS
from linewatch.synth.seeds import stream
from linewatch.synth.timeline import window
from linewatch.synth.truth import write_truth
from linewatch.synth.world import World

Progress = Callable[[str, float], None]


@dataclass(slots=True)
class CountySummary:
    """What was generated: rows per feed and the truth figures that matter for evaluation."""

    children: int
    seed: int
    noise: str
    lines: int
    days: int
    start: str
    people: int
    in_scope: int
    exploited: int
    exploited_girls: int
    line_number_changes: int
    lines_closed: int
    cuckooed_addresses: int
    feeds: dict[str, int] = field(default_factory=dict)
    truth: dict[str, int] = field(default_factory=dict)
    comms: str = ""

    def __str__(self) -> str:
        lines = [
            (
                f"Synthetic county (seed {self.seed}, noise {self.noise}): {self.in_scope:,} children and young "
                f"adults in scope, {self.people:,} people"
            ),
            (
                f"{self.exploited} exploited ({self.exploited_girls} girls) on {self.lines} lines; "
                f"{self.line_number_changes} number changes, {self.lines_closed} lines closed; "
                f"{self.cuckooed_addresses} cuckooed addresses"
            ),
            f"  {self.days} days from {self.start}; communications data: {self.comms}",
        ]
        lines += [f"  {feed:45s} {rows:>9,} rows" for feed, rows in self.feeds.items()]
        return "\n".join(lines)

    def __rich__(self) -> str:
        return str(self)


def _manifest(feeds: list[FeedResult]) -> list[dict[str, str]]:
    return [{"file": f.file, "agency": f.agency, "mapping": f.mapping} for f in feeds]


def _build_world(children: int, seed: int, lines: int, start: date, days: int, report: Progress) -> World:
    span = window(start, days)
    report("population", 0.02)
    population = build_population(stream(seed, "population"), children, lines, start)
    report("exploitation", 0.12)
    exploitation = build_exploitation(stream(seed, "exploitation"), population, lines, span.end)
    world = World(population, exploitation, span)
    report("exploited children's records", 0.16)
    kids = ExploitedChildren(world, stream(seed, "exploited"))
    kids.generate()
    events_lines.line_events(world, stream(seed, "lines"), kids)
    events_lines.cuckooing_events(world, stream(seed, "cuckooing"), kids)
    events_lines.exploited_associations(world, stream(seed, "associations"))
    report("background records", 0.22)
    events_background.missing_lookalikes(world, stream(seed, "missing"))
    events_background.health_attendances(world, stream(seed, "health"))
    events_background.substance_misuse(world, stream(seed, "substance"))
    events_background.social_care(world, stream(seed, "social_care"))
    events_background.concern_lookalikes(world, stream(seed, "concerns"))
    events_places.police_background(world, stream(seed, "police"))
    events_places.housing(world, stream(seed, "housing"))
    events_places.transport_background(world, stream(seed, "transport"))
    report("education records", 0.3)
    events_education.education_records(world, stream(seed, "education"))
    events_background.return_home_interviews(world, stream(seed, "return_home"))
    return world


def _render(
    world: World, noise: str, seed: int, feeds_dir: Path, report: Progress
) -> tuple[list[FeedResult], list[dict[str, object]], dict[str, pd.DataFrame]]:
    tables = {name: world.records.table(name) for name in COLUMNS}
    known = people_known_to(world, tables)
    pnc = pnc_ids(world, stream(seed, "pnc"), tables)
    identities: dict[str, pd.DataFrame] = {}
    noise_log: list[dict[str, object]] = []
    for name, system in SYSTEMS.items():
        records, log = build_records(world, system, known[name], noise, stream(seed, f"identity:{name}"), pnc)
        identities[name] = records
        noise_log += log
    report("police feeds", 0.36)
    feeds = feeds_police.render(world, tables, identities["police"], feeds_dir, stream(seed, "render:police"))
    report("social care feeds", 0.42)
    feeds += feeds_social_care.render(
        world, tables, identities["social_care"], feeds_dir, stream(seed, "render:social_care")
    )
    report("education feeds", 0.46)
    feeds += feeds_education.render(world, tables, identities["education"], feeds_dir, stream(seed, "render:education"))
    report("health, housing, transport and practitioner feeds", 0.54)
    feeds += feeds_other.render_health(world, tables, identities, feeds_dir, stream(seed, "render:health"))
    feeds += feeds_other.render_housing(world, tables, identities["housing"], feeds_dir)
    feeds += feeds_other.render_transport(world, tables, identities["transport"], feeds_dir)
    feeds += feeds_other.render_practitioners(world, tables, identities, feeds_dir)
    return feeds, noise_log, tables


def generate_county(
    out: Path,
    *,
    children: int = 20_000,
    seed: int = 1,
    noise: Literal["low", "default", "high"] = "default",
    lines: int = 8,
    days: int = 90,
    start: date = date(2026, 6, 1),
    progress: Progress | None = None,
    comms: bool = True,
) -> CountySummary:
    """Generate a synthetic county into `out` (its feeds/, truth/ and comms/ are replaced).
    Deterministic: the same arguments give byte-identical files."""
    if children < 200:
        raise ValueError(f"children must be at least 200 (got {children})")
    if noise not in NOISE_RATES["name_typo"]:
        raise ValueError(f"noise must be low, default or high (got {noise!r})")
    if lines < 1 or days < 7:
        raise ValueError("need at least one line and seven days")

    def report(step: str, fraction: float) -> None:
        if progress is not None:
            progress(step, fraction)

    out = Path(out)
    for folder in ("feeds", "truth", *(["comms"] if comms else [])):
        shutil.rmtree(out / folder, ignore_errors=True)
    world = _build_world(children, seed, lines, start, days, report)
    feeds, noise_log, tables = _render(world, noise, seed, out / "feeds", report)
    (out / "feeds" / "manifest.json").write_text(json.dumps(_manifest(feeds), indent=1) + "\n", encoding="utf-8")
    report("truth", 0.6)
    truth_counts = write_truth(world, tables, feeds, noise_log, out / "truth")

    comms_status = "not requested"
    if comms:
        report("communications data", 0.62)
        spec = build_spec(world, seed, days)

        def comms_progress(step: str, fraction: float) -> None:
            report(f"communications data: {step}", 0.62 + 0.37 * max(0.0, min(1.0, fraction)))

        comms_status = generate_comms_if_available(spec, out, comms_progress)
    people = world.people
    exploited = world.exploitation.exploited
    summary = CountySummary(
        children=children,
        seed=seed,
        noise=noise,
        lines=lines,
        days=days,
        start=start.isoformat(),
        people=len(people),
        in_scope=int(people["in_scope"].sum()),
        exploited=len(exploited),
        exploited_girls=int((people.loc[exploited["row"], "sex"] == "female").sum()) if len(exploited) else 0,
        line_number_changes=sum(len(line.numbers) - 1 for line in world.exploitation.lines),
        lines_closed=sum(line.closed_on is not None for line in world.exploitation.lines),
        cuckooed_addresses=len(world.exploitation.cuckooed),
        feeds={f.file: f.rows for f in feeds},
        truth=truth_counts,
        comms=comms_status,
    )
    county: dict[str, Any] = {
        "generator": "linewatch.synth",
        "parameters": {
            "children": children,
            "seed": seed,
            "noise": noise,
            "lines": lines,
            "days": days,
            "start": start.isoformat(),
        },
        "girls_police_contact_factor": GIRLS_POLICE_CONTACT_FACTOR,
        "noise_rates": {kind: rates[noise] for kind, rates in NOISE_RATES.items()},
        "summary": asdict(summary),
    }
    (out / "county.json").write_text(json.dumps(county, indent=1) + "\n", encoding="utf-8")
    report("done", 1.0)
    return summary
