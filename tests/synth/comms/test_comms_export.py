"""The export itself: files, columns, identifiers, determinism, volume and bad specs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import phonenumbers
import pyarrow.parquet as pq
import pytest
from county_fixture import BANDO, PEOPLE, small_county
from stdnum import imei as stdnum_imei

from linewatch.synth.comms import CALL_RECORD_SCHEMA, CommsSpecError, generate_comms
from linewatch.synth.comms.numbering import MOBILE_PREFIXES


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate_comms(small_county(), out, rows_per_part=20_000)
    return out


@pytest.fixture(scope="module")
def records(county: Path) -> pd.DataFrame:
    return pd.read_parquet(county / "comms" / "calls")


def test_writes_the_export_files_and_the_truth(county: Path) -> None:
    written = sorted(str(p.relative_to(county)) for p in county.rglob("*") if p.is_file())
    assert written == [
        "comms/calls/part-00000.parquet",
        "comms/calls/part-00001.parquet",
        "comms/calls/part-00002.parquet",
        "comms/cell_sites.csv",
        "comms/subscribers.csv",
        "truth/comms_customers.csv",
        "truth/comms_lines.csv",
        "truth/comms_roles.csv",
        "truth/comms_runner_days.csv",
    ]


def test_parts_have_the_operator_columns_and_are_in_time_order(county: Path) -> None:
    previous_end = None
    for part in sorted((county / "comms" / "calls").glob("part-*.parquet")):
        table = pq.read_table(part)
        assert table.schema.equals(CALL_RECORD_SCHEMA, check_metadata=False)
        times = table.column("start_time").to_pandas()
        assert times.is_monotonic_increasing
        if previous_end is not None:
            assert times.iloc[0] >= previous_end
        previous_end = times.iloc[-1]
    assert pq.read_metadata(county / "comms" / "calls" / "part-00000.parquet").num_rows == 20_000


def test_texts_have_no_duration_and_calls_are_voice(records: pd.DataFrame) -> None:
    assert set(records.event_type) == {"VOICE", "SMS"}
    assert (records[records.event_type == "SMS"].duration_s == 0).all()
    assert (records.duration_s >= 0).all()
    assert (records.a_number != records.b_number).all()


def test_record_count_is_near_the_target(records: pd.DataFrame) -> None:
    assert 45_000 <= len(records) <= 55_000


def test_same_spec_gives_byte_identical_files(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    spec = small_county(target_records=20_000)
    generate_comms(spec, first)
    generate_comms(small_county(target_records=20_000), second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_another_seed_gives_other_records(tmp_path: Path) -> None:
    generate_comms(small_county(seed=1, target_records=5_000), tmp_path / "a")
    generate_comms(small_county(seed=2, target_records=5_000), tmp_path / "b")
    a = (tmp_path / "a" / "comms" / "calls" / "part-00000.parquet").read_bytes()
    b = (tmp_path / "b" / "comms" / "calls" / "part-00000.parquet").read_bytes()
    assert a != b


def test_csv_parts_hold_the_same_rows_with_iso_times(tmp_path: Path, county: Path) -> None:
    generate_comms(small_county(), tmp_path, format="csv")
    text = pd.read_csv(tmp_path / "comms" / "calls" / "part-00000.csv", dtype=str)
    assert list(text.columns) == [f.name for f in CALL_RECORD_SCHEMA]
    assert text.start_time.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    parquet = pd.read_parquet(county / "comms" / "calls")
    assert len(text) == len(parquet)
    assert text.a_number.tolist() == parquet.a_number.tolist()
    iso = parquet.start_time.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert text.start_time.tolist() == iso.tolist()


def test_every_number_is_a_valid_uk_mobile_in_export_digits(records: pd.DataFrame) -> None:
    numbers = set(records.a_number) | set(records.b_number)
    for number in numbers:
        assert number.isdigit() and number.startswith("44"), number
        parsed = phonenumbers.parse("+" + number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == "GB", number


def test_minted_number_ranges_are_valid_gb_mobiles() -> None:
    for prefix in MOBILE_PREFIXES:
        for suffix in ("0000000", "5550123", "9999999"):
            parsed = phonenumbers.parse(f"+44{prefix}{suffix}")
            assert phonenumbers.is_valid_number(parsed), prefix
            assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
            assert phonenumbers.region_code_for_number(parsed) == "GB"


def test_every_imei_passes_the_luhn_check(records: pd.DataFrame) -> None:
    for imei in set(records.imei):
        assert len(imei) == 15 and stdnum_imei.is_valid(imei), imei


def test_subscriber_and_cell_site_lists_cover_the_records(county: Path, records: pd.DataFrame) -> None:
    subscribers = pd.read_csv(county / "comms" / "subscribers.csv", dtype=str)
    assert list(subscribers.columns) == [
        "number", "subscriber_name", "address", "registered", "pay_as_you_go", "network",
    ]  # fmt: skip
    assert subscribers.number.is_unique and subscribers.number.is_monotonic_increasing
    assert set(records.a_number) | set(records.b_number) <= set(subscribers.number)
    line_numbers = {p.number.lstrip("+") for p in BANDO.numbers}
    lines = subscribers[subscribers.number.isin(line_numbers)]
    assert (lines.pay_as_you_go == "Y").all()
    assert lines.address.isna().all()

    cells = pd.read_csv(county / "comms" / "cell_sites.csv")
    assert list(cells.columns) == ["cell_id", "town", "latitude", "longitude", "azimuth"]
    assert set(records.cell_id) <= set(cells.cell_id)
    assert cells.azimuth.between(0, 359).all()


def test_truth_names_each_line_number_and_role(county: Path) -> None:
    lines = pd.read_csv(county / "truth" / "comms_lines.csv", dtype=str, keep_default_na=False)
    assert lines[lines.line_id == "L1"].number.tolist() == [p.number for p in BANDO.numbers]
    roles = pd.read_csv(county / "truth" / "comms_roles.csv", dtype=str, keep_default_na=False)
    assert set(roles.role) == {
        "background", "customer", "group", "business", "bulk_sender", "runner", "controller",
        "line",
    }  # fmt: skip
    person = roles[roles.number == PEOPLE[120].phone]
    assert set(person.role) >= {"background", "customer"}
    assert set(person.person_id) == {PEOPLE[120].person_id}


def test_a_number_that_is_not_e164_is_refused_with_where_it_is(tmp_path: Path) -> None:
    spec = small_county()
    bad = dataclasses.replace(spec.person_phones[3], phone="07400 000003")
    spec.person_phones = (*spec.person_phones[:3], bad, *spec.person_phones[4:])
    with pytest.raises(CommsSpecError, match=r"person_phones\[3\] 'P003': '07400 000003'"):
        generate_comms(spec, tmp_path)


def test_a_town_without_cell_sites_is_refused(tmp_path: Path) -> None:
    spec = small_county()
    spec.cell_sites = tuple(c for c in spec.cell_sites if c.town != "Stratford-upon-Avon")
    with pytest.raises(CommsSpecError, match=r"no cell site in town.*Stratford-upon-Avon"):
        generate_comms(spec, tmp_path)


def test_progress_is_reported_per_day(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    generate_comms(small_county(target_records=5_000), tmp_path, lambda s, f: seen.append((s, f)))
    assert seen[-1] == ("comms: done", 1.0)
    assert ("comms: day 28/28", 1.0) in seen
