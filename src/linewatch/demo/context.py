"""What a demo stage gets to work with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine

from linewatch.settings import Settings


@dataclass
class DemoContext:
    county: Path  # the generated county: feeds/, comms/, truth/ (stages never read truth/)
    settings: Settings  # the fresh workspace the demo writes to
    engine: Engine
    console: Console


def workspace_of(county: Path) -> Path:
    """Each county keeps the workspace its demo produced beside it, for `linewatch evaluate`."""
    return county / "workspace"
