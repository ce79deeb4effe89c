"""Screening fixtures: a store holding every indicator's firing and near-miss children, with lines
and places outputs written as those capabilities write them, screened once per module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from linewatch.screening.compute import Computation, compute
from linewatch.screening.definitions import load_indicators
from linewatch.settings import Settings, load_settings
from linewatch.store.engine import make_engine
from tests.screening import cases
from tests.screening.builders import County, write_lines, write_places


def case_subject(indicator: str, fires: bool) -> str:
    """Short subject ids (the store holds 16 characters): F03 fires indicator 3, Q03 does not."""
    number = sorted(cases.CASES).index(indicator)
    return f"{'F' if fires else 'Q'}{number:02d}"


def build_case_county() -> County:
    county = County()
    cases.background(county)
    for indicator, build in cases.CASES.items():
        for fires in (True, False):
            sid = case_subject(indicator, fires)
            county.child(sid)
            build(county, sid, fires)
    return county


def write_outputs(settings: Settings, county: County) -> None:
    runner = county.person(case_subject("deal_line_phone", True), "police")
    controller = county.person(cases.CONTROLLER, "police")
    write_lines(
        settings,
        people=[
            {
                "line_id": "L1",
                "number": cases.RUNNER_NUMBER,
                "role": "runner",
                "agency": "police",
                "source_id": runner,
                "via": "association.phone",
            },
            {
                "line_id": "L1",
                "number": "+447700900333",
                "role": "controller",
                "agency": "police",
                "source_id": controller,
                "via": "person.phone",
            },
        ],
        numbers=[
            {
                "line_id": "L1",
                "position": 1,
                "number": cases.LINE_NUMBER,
                "score": 0.95,
                "first_seen": "2026-06-01T00:00:00Z",
                "last_seen": "2026-08-30T00:00:00Z",
                "customers": 80,
            }
        ],
        members=[
            {"line_id": "L1", "number": cases.LINE_NUMBER, "role": "line", "town": "Coventry"},
            {"line_id": "L1", "number": cases.RUNNER_NUMBER, "role": "runner", "town": "Warwick"},
            {"line_id": "L1", "number": "+447700900333", "role": "controller", "town": "Coventry"},
        ],
        markets={"L1": ["Warwick"]},
    )
    write_places(
        settings,
        [
            {
                "place_id": "uprn-100000001",
                "kind": "cuckooing",
                "uprn": "100000001",
                "postcode": "CV2 9ZZ",
                "level": "high",
                "score": 0.9,
                "label": "Flat 1, 2 Test Street, Coventry",
                "reasons": "visitors",
            },
            {
                "place_id": "hotspot-1",
                "kind": "hotspot",
                "latitude": cases.HOTSPOT[0],
                "longitude": cases.HOTSPOT[1],
                "radius_m": 200.0,
                "level": "high",
                "score": 0.8,
                "label": "Coventry station forecourt",
                "reasons": "finds",
            },
        ],
    )


@dataclass
class Screened:
    settings: Settings
    computation: Computation

    def fired(self, subject_id: str) -> set[str]:
        result = self.computation.by_subject().get(subject_id)
        return {reason.indicator for reason in result.reasons} if result else set()


@pytest.fixture(scope="module")
def case_county(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Screened]:
    """Every case child in one SQLite store, screened as at cases.AS_AT."""
    workspace = tmp_path_factory.mktemp("cases") / "workspace"
    workspace.mkdir()
    shutil.copy(sqlite_template, workspace / "linewatch.db")
    settings = load_settings(workspace, f"sqlite:///{workspace / 'linewatch.db'}")
    engine = make_engine(settings.database_url)
    county = build_case_county()
    write_outputs(settings, county)
    county.write(engine, settings)
    yield Screened(settings, compute(settings, engine, load_indicators(), cases.AS_AT))
    engine.dispose()
