"""The command line, end to end, as an analyst uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from linewatch.cli.common import console
from linewatch.cli.main import app
from linewatch.store.migrate import head_revision
from tests.feeds.helpers import MISSING_MAPPING, missing_row, write_csv

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ws"
    monkeypatch.setenv("LINEWATCH_DATA_DIR", str(folder))
    monkeypatch.delenv("LINEWATCH_DATABASE_URL", raising=False)
    monkeypatch.setattr(console, "width", 250)
    return folder


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_upgrade_ingest_feeds_status(workspace: Path, tmp_path: Path) -> None:
    code, out = invoke("db", "upgrade")
    assert code == 0 and f"migrated empty -> {head_revision()}" in out
    code, out = invoke("db", "upgrade")
    assert code == 0 and f"already at migration {head_revision()}" in out
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(40)])
    code, out = invoke("ingest", str(path), "--agency", "police", "--mapping", str(MISSING_MAPPING))
    assert code == 0, out
    assert "feed 1 loaded: 40 of 40 rows" in out
    code, out = invoke("ingest", str(path), "--agency", "police", "--mapping", str(MISSING_MAPPING))
    assert code == 0 and "already loaded as feed 1" in out
    code, out = invoke("feeds")
    assert code == 0 and "missing.csv" in out and "police_missing_mini" in out
    code, out = invoke("status")
    assert code == 0
    assert "MissingEpisode" in out and "Person" in out and "Feeds loaded: 1" in out


def test_store_not_migrated_says_what_to_do(workspace: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(1)])
    code, out = invoke("ingest", str(path), "--agency", "police", "--mapping", str(MISSING_MAPPING))
    assert code == 2 and "linewatch db upgrade" in out


def test_bad_row_exits_non_zero_with_file_row_column(workspace: Path, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    rows = [missing_row(n) for n in range(5)]
    rows[2]["DOB"] = "31/02/2009"
    path = write_csv(tmp_path / "police_missing.csv", rows)
    code, out = invoke("ingest", str(path), "--agency", "police", "--mapping", str(MISSING_MAPPING))
    assert code == 2
    assert "police_missing.csv row 4, column 'DOB': '31/02/2009' is not a date" in " ".join(out.split())
    code, out = invoke("feeds")
    assert "0 feed(s) loaded" in out


def test_unknown_mapping_and_agency_are_clear_errors(workspace: Path, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    path = write_csv(tmp_path / "missing.csv", [missing_row(1)])
    code, out = invoke("ingest", str(path), "--agency", "police", "--mapping", "nonesuch")
    assert code == 2 and "no such mapping" in out
    code, out = invoke("ingest", str(path), "--agency", "nonesuch", "--mapping", str(MISSING_MAPPING))
    assert code == 2 and "unknown agency 'nonesuch'" in out


def test_missing_file_is_a_clear_error(workspace: Path, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    code, out = invoke(
        "ingest",
        str(tmp_path / "nope.csv"),
        "--agency",
        "police",
        "--mapping",
        str(MISSING_MAPPING),
    )
    assert code == 2 and "nope.csv" in out
