"""Every feed loads cleanly under its shipped mapping: every row maps with no row errors."""

from __future__ import annotations

import json
from pathlib import Path

from linewatch.feeds.ingest import ingest_file
from linewatch.feeds.mapping import SHIPPED_MAPPINGS, find_mapping, load_mapping
from linewatch.synth import CountySummary
from tests.conftest import Store


def _manifest(county: Path) -> list[dict[str, str]]:
    return json.loads((county / "feeds" / "manifest.json").read_text())


def test_manifest_lists_every_feed_file_once_with_its_agency_and_a_shipped_mapping(
    small_county: tuple[Path, CountySummary],
) -> None:
    county, _ = small_county
    entries = _manifest(county)
    files = sorted(str(p.relative_to(county / "feeds")) for p in (county / "feeds").rglob("*") if p.is_file())
    assert sorted(e["file"] for e in entries) == sorted(f for f in files if f != "manifest.json")
    for entry in entries:
        mapping = load_mapping(find_mapping(entry["mapping"]))
        assert mapping.agency == entry["agency"]
        assert entry["file"].split("/")[0] == entry["agency"]


def test_every_shipped_synthetic_mapping_is_used_by_the_county(small_county: tuple[Path, CountySummary]) -> None:
    county, _ = small_county
    used = {e["mapping"] for e in _manifest(county)}
    shipped = {p.stem for p in SHIPPED_MAPPINGS.glob("*.yaml")}
    assert used <= shipped


def test_every_feed_loads_whole_through_its_shipped_mapping(
    small_county: tuple[Path, CountySummary], sqlite_store: Store
) -> None:
    county, summary = small_county
    for entry in _manifest(county):
        result = ingest_file(
            county / "feeds" / entry["file"], agency=entry["agency"], mapping=entry["mapping"],
            settings=sqlite_store.settings, engine=sqlite_store.engine,
        )  # fmt: skip
        assert result.status == "loaded", entry
        assert result.rows_loaded == result.rows_read == summary.feeds[entry["file"]], entry
