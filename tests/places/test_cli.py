"""`linewatch places ...` as a housing officer or analyst runs it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from linewatch.cli.common import console
from linewatch.cli.main import app
from tests.conftest import Store
from tests.places.store_scene import UPRN, write_scene

runner = CliRunner()


def invoke(store: Store, *args: str) -> tuple[int, str]:
    base = ["--data-dir", str(store.settings.data_dir), "--database-url", store.settings.database_url]
    result = runner.invoke(app, [*base, *args])
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)


def test_cuckooing_lists_the_flat_with_what_to_do_first_and_why(sqlite_store: Store) -> None:
    write_scene(sqlite_store)
    code, out = invoke(sqlite_store, "places", "cuckooing")
    assert code == 0, out
    assert "1. Flat 2, 12 Castle Street, Warwick, CV34 4AB" in out
    assert "Do first: Safeguard the tenant" in out
    assert "anti-social behaviour reports" in out and "young people from other towns" in out


def test_run_writes_every_output_and_export_rewrites_the_layers(sqlite_store: Store, tmp_path: object) -> None:
    write_scene(sqlite_store)
    code, out = invoke(sqlite_store, "places", "run")
    assert code == 0, out
    assert "Hotspots" in out and "Routes" in out and "Coventry → Warwick (COV → WRW)" in out
    places = sqlite_store.settings.analytics_dir / "places"
    assert (places / "flagged_places.parquet").exists() and (places / "run.json").exists()
    out_dir = sqlite_store.settings.data_dir / "maps"
    code, out = invoke(sqlite_store, "places", "export", "--out", str(out_dir), "--layer", "cuckooing")
    assert code == 0, out
    layer = json.loads((out_dir / "cuckooing.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in layer["features"]] == [f"uprn-{UPRN}"]


def test_export_of_an_unknown_layer_is_a_clear_error(sqlite_store: Store) -> None:
    code, out = invoke(sqlite_store, "places", "export", "--layer", "bus_stops")
    assert code == 2 and "no layer bus_stops" in out


def test_export_before_any_run_says_what_to_run(sqlite_store: Store) -> None:
    code, out = invoke(sqlite_store, "places", "export")
    assert code == 2 and "linewatch places run" in out


def test_a_bad_as_at_date_is_a_clear_error_naming_the_option(sqlite_store: Store) -> None:
    write_scene(sqlite_store)
    code, out = invoke(sqlite_store, "places", "routes", "--as-at", "31/02/2026")
    assert code == 2 and "--as-at '31/02/2026' is not a date (expected YYYY-MM-DD)" in out


def test_as_at_looks_back_to_that_date(sqlite_store: Store) -> None:
    write_scene(sqlite_store)  # every signal at the flat is in the last 50 days; only the 2014 tenancy is older
    code, out = invoke(sqlite_store, "places", "cuckooing", "--as-at", "2025-01-01")
    assert code == 0, out
    assert "As at 01 Jan 2025 00:00" in out and "Cuckooing: 0 address(es) flagged" in out
    assert "Castle Street" not in out


def test_the_old_as_of_spelling_still_works_with_a_warning(sqlite_store: Store) -> None:
    write_scene(sqlite_store)
    code, new = invoke(sqlite_store, "places", "cuckooing", "--as-at", "2025-01-01")
    code_old, old = invoke(sqlite_store, "places", "cuckooing", "--as-of", "2025-01-01")
    assert code == code_old == 0, old
    assert "--as-of is deprecated; use --as-at." in old and "deprecated" not in new
    for same in ("As at 01 Jan 2025 00:00", "Cuckooing: 0 address(es) flagged"):
        assert same in old and same in new
    code, out = invoke(sqlite_store, "places", "routes", "--as-of", "31/02/2026")
    assert code == 2 and "--as-of '31/02/2026' is not a date" in out


def test_as_at_and_as_of_that_disagree_are_refused(sqlite_store: Store) -> None:
    write_scene(sqlite_store)
    code, out = invoke(sqlite_store, "places", "hotspots", "--as-at", "2025-01-01", "--as-of", "2025-02-01")
    assert code == 2 and "disagree: give --as-at only" in out


@pytest.mark.parametrize("command", ["run", "cuckooing", "hotspots", "peers", "routes"])
def test_help_shows_as_at_and_hides_the_deprecated_as_of(sqlite_store: Store, command: str) -> None:
    code, out = invoke(sqlite_store, "places", command, "--help")
    assert code == 0 and "--as-at" in out and "--as-of" not in out


def test_a_broken_definition_names_the_file_and_line(sqlite_store: Store, tmp_path: object) -> None:
    from pathlib import Path

    from linewatch.places.definition import DEFAULT_DEFINITION

    broken = Path(str(tmp_path)) / "places.yaml"
    broken.write_text(DEFAULT_DEFINITION.read_text().replace("levels: {high: 0.55", "levels: {high: 0.05"))
    code, out = invoke(sqlite_store, "places", "cuckooing", "--definition", str(broken))
    assert code == 2 and "places.yaml" in out and "levels must be ordered" in out
