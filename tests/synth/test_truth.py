"""The truth is consistent with the feeds: every source person record is accounted for, every
exploited child shows in the feeds, girls are under-recorded by police, lines change numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from linewatch.feeds.mapping import find_mapping, load_mapping
from linewatch.feeds.readers import ReadOptions, open_rows
from linewatch.synth import CountySummary


def _truth(county: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(county / "truth" / name, dtype=str, keep_default_na=False)


def _person_ids_in_feed(county: Path, file: str, mapping_name: str) -> set[str]:
    mapping = load_mapping(find_mapping(mapping_name))
    d = mapping.definition
    keys = [e.key for e in d.entities.values() if e.schema_ == "Person"]
    options = ReadOptions(format=d.format, sheet=d.sheet, header_row=d.header_row, json_records_path=d.records_path)
    found: set[str] = set()
    with open_rows(county / "feeds" / file, options) as rows:
        for _, cells in rows:
            for key in keys:
                value = "|".join(cells.get(column) or "" for column in key)
                if value:
                    found.add(value)
    return found


def test_every_source_person_record_is_in_the_truth_and_every_truth_record_in_a_feed(
    small_county: tuple[Path, CountySummary],
) -> None:
    county, _ = small_county
    records = _truth(county, "person_records.csv")
    people = set(_truth(county, "people.csv")["person_id"])
    assert set(records["person_id"]) <= people
    for entry in json.loads((county / "feeds" / "manifest.json").read_text()):
        in_feed = _person_ids_in_feed(county, entry["file"], entry["mapping"])
        in_truth = set(records.loc[records["mapping"] == entry["mapping"], "source_person_id"])
        assert in_feed == in_truth, entry["file"]


def test_one_agency_system_gives_one_true_person_per_local_id(small_county: tuple[Path, CountySummary]) -> None:
    county, _ = small_county
    records = _truth(county, "person_records.csv")
    per_id = records.groupby(["agency", "source_person_id"])["person_id"].nunique()
    assert (per_id == 1).all()


def test_every_exploited_child_has_signals_in_at_least_two_agencies(small_county: tuple[Path, CountySummary]) -> None:
    county, summary = small_county
    exploited = _truth(county, "exploited_children.csv")
    assert len(exploited) == summary.exploited > 0
    agencies = exploited["agencies_with_signals"].str.split(";")
    assert (agencies.map(len) >= 2).all(), exploited.loc[agencies.map(len) < 2, ["person_id", "agencies_with_signals"]]


def test_signals_come_before_the_first_police_event_for_most_children(small_county: tuple[Path, CountySummary]) -> None:
    county, _ = small_county
    exploited = _truth(county, "exploited_children.csv")
    both = exploited[(exploited["first_police_event_at"] != "") & (exploited["first_non_police_signal_at"] != "")]
    lead = (pd.to_datetime(both["first_police_event_at"]) - pd.to_datetime(both["first_non_police_signal_at"])).dt.days
    assert lead.median() >= 14


def test_girls_are_under_recorded_by_police_but_seen_by_other_agencies(
    small_county: tuple[Path, CountySummary],
) -> None:
    county, _ = small_county
    exploited = _truth(county, "exploited_children.csv")
    signals = _truth(county, "signals.csv")
    mine = signals[signals["signal"] == "exploitation"]
    police_contact = set(mine.loc[mine["mapping"].isin(["police_incidents", "police_intelligence"]), "person_id"])
    other = set(mine.loc[~mine["agency"].isin(["police"]), "person_id"])
    by_sex = exploited.assign(
        police=exploited["person_id"].isin(police_contact), other=exploited["person_id"].isin(other)
    )
    rates = by_sex.groupby("sex")[["police", "other"]].mean()
    assert rates.loc["female", "police"] < rates.loc["male", "police"]
    assert rates.loc["female", "other"] >= 0.8


def test_innocent_look_alikes_outnumber_the_exploited(small_county: tuple[Path, CountySummary]) -> None:
    county, summary = small_county
    lookalikes = _truth(county, "lookalikes.csv")
    exploited = set(_truth(county, "exploited_children.csv")["person_id"])
    assert not set(lookalikes["person_id"]) & exploited
    for kind in ("missing_family_conflict", "injury_or_self_harm", "police_contact_not_exploitation"):
        assert lookalikes.loc[lookalikes["kind"] == kind, "person_id"].nunique() > summary.exploited / 4, kind


def test_lines_change_numbers_and_the_numbers_follow_each_other(small_county: tuple[Path, CountySummary]) -> None:
    county, summary = small_county
    numbers = _truth(county, "line_numbers.csv")
    assert summary.line_number_changes == (numbers["change"] != "initial").sum() > 0
    for _, periods in numbers.groupby("line_id"):
        starts = pd.to_datetime(periods["start"]).tolist()
        assert starts == sorted(starts)
        assert periods["number"].is_unique


def test_cuckooed_addresses_belong_to_vulnerable_tenants_and_draw_reports(
    small_county: tuple[Path, CountySummary],
) -> None:
    county, summary = small_county
    cuckooed = _truth(county, "cuckooed_addresses.csv")
    people = _truth(county, "people.csv").set_index("person_id")
    assert len(cuckooed) == summary.cuckooed_addresses > 0
    assert (people.loc[cuckooed["tenant_person_id"], "vulnerability"] != "").all()
    asb = pd.read_csv(county / "feeds" / "housing" / "asb_reports.csv", dtype=str, keep_default_na=False)
    reported = set(asb.loc[asb["Category"].isin(["VIS", "DRL", "DRD"]), "UPRN"])
    assert len(set(cuckooed["uprn"]) & reported) >= len(cuckooed) / 2
