"""The screening commands, end to end, as a hub practitioner runs them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linewatch.cli.common import console
from linewatch.cli.main import app
from linewatch.settings import load_settings
from linewatch.store.engine import make_engine
from linewatch.store.migrate import upgrade
from tests.screening.builders import County

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ws"
    monkeypatch.setenv("LINEWATCH_DATA_DIR", str(folder))
    monkeypatch.delenv("LINEWATCH_DATABASE_URL", raising=False)
    monkeypatch.setattr(console, "width", 250)
    settings = load_settings(folder)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    county = County()
    county.child("S0000001", sex="female")
    county.child("S0000002")
    county.record(
        "MissingEpisode",
        "S0000001",
        "police",
        source_id="MIS-1",
        reported_at=datetime(2026, 8, 20, 22),
        returned_at=datetime(2026, 8, 22, 9),
        episode_type="missing",
        found_postcode="CV34 4AB",
        found_latitude=52.282,
        found_longitude=-1.5841,
        found_with="older male",
    )
    county.person("S0000002", "education")
    county.write(engine, settings)
    engine.dispose()
    return folder


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_screen_then_triage_explain_missing_and_fairness(workspace: Path) -> None:
    code, out = invoke("screen", "--as-at", "2026-09-01")
    assert code == 0, out
    assert "Screening run 1 as at 2026-09-01: 2 subjects in scope" in out
    assert "moderate 1" in out and "S0000001" in out
    code, out = invoke("triage", "--level", "moderate")
    assert code == 0 and "S0000001" in out and "S0000002" not in out
    code, out = invoke("explain", "S0000001", "--since", "2026-08-01")
    assert code == 0, out
    assert "Found far from home or in another local authority area" in out
    assert "police MissingEpisode MIS-1" in out
    assert "Since 2026-08-01" in out and "new record 2026-08-22" in out
    code, out = invoke("missing", "--as-at", "2026-08-23T12:00")
    assert code == 0, out
    assert "Return home interview due (72 hours from return): 1" in out and "MIS-1" in out
    code, out = invoke("fairness", "--no-suppress")
    assert code == 0, out
    assert "1 of 2 flagged at moderate or above" in out and "female" in out


def test_a_bad_date_is_a_clear_error(workspace: Path) -> None:
    code, out = invoke("screen", "--as-at", "2026-13-01")
    assert code == 2 and "is not a date (expected YYYY-MM-DD)" in out


def test_triage_before_any_screening_says_what_to_do(workspace: Path) -> None:
    code, out = invoke("triage")
    assert code == 2 and "run `linewatch screen`" in out


def test_explaining_a_subject_not_screened_is_a_clear_error(workspace: Path) -> None:
    invoke("screen", "--as-at", "2026-09-01")
    code, out = invoke("explain", "S9999999")
    assert code == 2 and "S9999999 was not screened" in out


def test_screen_with_an_edited_indicators_file_reports_its_mistake(workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text("scope: {min_age: 8, max_age: 25}\nlevels: {emerging: 5, moderate: 2, significant: 10}\n")
    code, out = invoke("screen", "--indicators", str(path))
    assert code == 2 and str(path) in out.replace("\n", "") and "thresholds must rise" in out.replace("\n", " ")
    code, out = invoke("triage")
    assert code == 2 and "no screening has been run" in out  # nothing half-written
