"""`linewatch comms lines` on the small generated county: both lines found, the number change
joined, roles and geography right, and the exports readable by their tools."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph as ig
import pytest
from typer.testing import CliRunner

from linewatch.cli.main import app
from linewatch.lines.exports import export_network
from linewatch.lines.pipeline import LinesOutcome, run_lines
from linewatch.settings import Settings
from tests.lines import county


@pytest.fixture(scope="module")
def outcome(county_workspace: Settings) -> LinesOutcome:
    return run_lines(county_workspace)


def numbers_of(outcome: LinesOutcome) -> list[list[str]]:
    return sorted([f"+{n.number}" for n in line.numbers] for line in outcome.lines)


def test_both_lines_are_found_and_the_number_change_is_one_line(outcome: LinesOutcome) -> None:
    assert numbers_of(outcome) == sorted([list(county.BANDO_NUMBERS), [county.JAY_NUMBER]])


def test_line_numbers_rank_above_every_other_number(outcome: LinesOutcome) -> None:
    ranked = sorted(outcome.scores.to_pylist(), key=lambda r: -r["line_score"])
    assert {f"+{r['number']}" for r in ranked[:3]} == {*county.BANDO_NUMBERS, county.JAY_NUMBER}


def test_controllers_and_runners_are_given_their_roles(outcome: LinesOutcome) -> None:
    roles = {f"+{m.number}": m.role.value for m in outcome.members}
    assert [roles.get(n) for n in county.CONTROLLERS] == ["controller", "controller"]
    assert [roles.get(n) for n in county.RUNNERS] == ["runner", "runner"]


def test_geography_reads_from_the_hub_into_the_market_towns(outcome: LinesOutcome) -> None:
    described = sorted(place.describe() for place in outcome.geography.values())
    assert described == ["a line from Coventry into Leamington Spa", "a line from Coventry into Stratford-upon-Avon"]


def test_handset_history_keeps_the_imei_used_by_both_bando_numbers(outcome: LinesOutcome) -> None:
    bando = {h["imei"] for h in outcome.handsets if f"+{h['number']}" in county.BANDO_NUMBERS}
    assert bando == {county.imei(900001)}


def test_outputs_and_profiles_are_written(outcome: LinesOutcome) -> None:
    assert outcome.out_dir is not None
    profiles = json.loads((outcome.out_dir / "line_profiles.json").read_text())
    bando = next(p for p in profiles if p["numbers"][0]["number"] == county.BANDO_NUMBERS[0])
    assert bando["summary"] == "a line from Coventry into Leamington Spa"
    assert bando["number_changes"][0]["new"] == county.BANDO_NUMBERS[1]
    assert bando["controllers"] == [county.CONTROLLERS[0]]


def test_exports_open_in_igraph_and_as_gexf_xml_and_i2_csv(outcome: LinesOutcome, tmp_path: Path) -> None:
    files = export_network(outcome, tmp_path)
    graph = ig.Graph.Read_GraphML(str(files.graphml))
    assert set(county.BANDO_NUMBERS) <= set(graph.vs["name"])
    gexf = ET.parse(files.gexf).getroot()
    assert gexf.tag.endswith("gexf") and len(gexf.findall(".//{http://gexf.net/1.3}node")) == graph.vcount()
    header = files.i2_entities.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Entity ID,Entity Type,Label")
    assert "'+447400900001,Phone" in files.i2_entities.read_text(encoding="utf-8")


def test_lines_command_prints_lines_and_reasons(county_workspace: Settings) -> None:
    result = CliRunner().invoke(
        app, ["--data-dir", str(county_workspace.data_dir), "comms", "lines", "--no-people", "--top", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "2 line(s)" in result.output and "days with a flare burst" in result.output


def test_lines_without_records_explains_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "comms", "lines"])
    assert result.exit_code == 2
    assert "linewatch comms ingest" in result.output


def test_demo_stage_loads_the_county_comms_and_reports_its_lines(small_county: Path, sqlite_store: object) -> None:
    from rich.console import Console

    from linewatch.demo.context import DemoContext
    from linewatch.demo.lines_stage import find_lines

    store = sqlite_store  # a migrated store: numbers are looked up in its (empty) person records
    ctx = DemoContext(county=small_county, settings=store.settings, engine=store.engine, console=Console())  # type: ignore[attr-defined]
    printed = find_lines(ctx)
    assert any("2 line(s) found" in line for line in printed)
    assert any("a line from Coventry into Leamington Spa" in line for line in printed)
