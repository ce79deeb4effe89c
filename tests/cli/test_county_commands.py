"""`linewatch synth`, `demo --no-serve` and `evaluate` on a small county, as a new user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linewatch.cli.common import console
from linewatch.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    result = runner.invoke(app, ["synth", "--out", str(out), "--children", "300", "--seed", "5", "--days", "30"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_synth_demo_evaluate_end_to_end(county: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)
    manifest = json.loads((county / "feeds" / "manifest.json").read_text())
    assert len(manifest) >= 15 and (county / "truth" / "person_records.csv").exists()

    demo = runner.invoke(app, ["demo", "--county", str(county), "--no-serve"])
    assert demo.exit_code == 0, demo.output
    assert f"{len(manifest)} feeds" in demo.output
    assert (county / "workspace" / "linewatch.db").exists()

    evaluation = runner.invoke(app, ["evaluate", str(county)])
    assert "person records loaded" in evaluation.output
    line = next(row for row in evaluation.output.splitlines() if "person records loaded" in row)
    assert "│ 1 " in line and "met" in line
    assert evaluation.exit_code == 0, evaluation.output


def test_evaluate_without_a_demo_run_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "truth").mkdir()
    result = runner.invoke(app, ["evaluate", str(tmp_path)])
    assert result.exit_code == 1
    assert "Could not compute feed completeness" in " ".join(result.output.split())


def test_synth_refuses_an_unknown_noise_level(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--noise", "extreme"])
    assert result.exit_code == 2 and "--noise must be low, default or high" in result.output


def test_demo_on_a_folder_that_is_not_a_county_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--county", str(tmp_path), "--no-serve"])
    assert result.exit_code == 2 and "not a county" in result.output
