"""Run the demo: a fresh workspace beside the county, then each stage in order."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from linewatch.demo.context import DemoContext, workspace_of
from linewatch.demo.ingest_stage import load_feeds
from linewatch.demo.lines_stage import find_lines
from linewatch.demo.linkage_stage import link_people_stage
from linewatch.demo.places_stage import places_stage
from linewatch.demo.screening_stage import screening_stage
from linewatch.settings import load_settings
from linewatch.store.engine import make_engine
from linewatch.store.migrate import upgrade

Stage = tuple[str, Callable[[DemoContext], list[str]]]

# Each capability adds its stage here as it lands.
STAGES: list[Stage] = [
    ("Load agency feeds", load_feeds),
    ("Link person records into subjects", link_people_stage),
    ("Find deal lines in communications data", find_lines),
    ("Places and routes: cuckooing, hotspots, peer groups, corridors", places_stage),
    ("Screen children and young adults for early signs of exploitation", screening_stage),
]


def run_demo(county: Path, console: Console, database_url: str | None = None) -> DemoContext:
    workspace = workspace_of(county)
    if workspace.exists():
        shutil.rmtree(workspace)
    workspace.mkdir(parents=True)
    settings = load_settings(workspace, database_url or f"sqlite:///{(workspace / 'linewatch.db').resolve()}")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    ctx = DemoContext(county=county, settings=settings, engine=engine, console=console)
    for title, stage in STAGES:
        started = time.perf_counter()
        console.rule(title)
        for line in stage(ctx):
            console.print(f"  {line}", highlight=False)
        console.print(f"  [dim]{time.perf_counter() - started:.1f}s[/]")
    return ctx
