"""A small synthetic county, generated once per test session (communications data is left to
its own tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linewatch.synth import CountySummary, generate_county

SMALL_COUNTY_CHILDREN = 1500


@pytest.fixture(scope="session")
def small_county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CountySummary]:
    out = tmp_path_factory.mktemp("county")
    summary = generate_county(out, children=SMALL_COUNTY_CHILDREN, seed=11, comms=False)
    return out, summary
