"""`linewatch comms ingest`: operator files in, E.164 numbers out, every bad row reported."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from linewatch.lines.ingest import CommsFileRejected, CommsIngestError, ingest_comms_file
from linewatch.lines.mapping import RecordKind
from linewatch.lines.workspace import CommsWorkspace
from linewatch.settings import Settings

GOOD = "447911123456,447911123457,2025-01-06 10:00:00,30,VOICE,COV-000,352099001761481\n"


def write(
    path: Path, *rows: str, header: str = "a_number,b_number,start_time,duration_s,event_type,cell_id,imei"
) -> Path:
    path.write_text(header + "\n" + "".join(rows), encoding="utf-8")
    return path


def stored_calls(settings: Settings) -> list[tuple[object, ...]]:
    files = CommsWorkspace(settings.analytics_dir).files(RecordKind.calls)
    listed = ", ".join(f"'{f}'" for f in files)
    return duckdb.sql(
        f"SELECT a_number, b_number, event_type, duration_seconds FROM read_parquet([{listed}]) ORDER BY ALL"
    ).fetchall()


def test_clean_file_is_stored_with_numbers_in_e164_form(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "calls.csv", GOOD, "447911123457,447911123456,2025-01-06 10:05:00,0,SMS,COV-000,\n")
    result = ingest_comms_file(path, "operator_default", settings)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 0)
    assert stored_calls(settings) == [(447911123456, 447911123457, "voice", 30), (447911123457, 447911123456, "sms", 0)]


def test_national_and_spaced_numbers_are_normalised_with_the_auto_format(tmp_path: Path, settings: Settings) -> None:
    mapping = tmp_path / "auto.yaml"
    shipped = (Path(__file__).parents[2] / "src/linewatch/lines/mappings/operator_default.yaml").read_text()
    mapping.write_text(shipped.replace("number_format: international_digits", "number_format: auto"))
    path = write(tmp_path / "calls.csv", "07911 123456,+44 (0)7911-123457,2025-01-06 10:00:00,30,voice,C1,\n")
    ingest_comms_file(path, str(mapping), settings)
    assert stored_calls(settings) == [(447911123456, 447911123457, "voice", 30)]


def test_file_with_a_bad_row_writes_nothing_and_names_file_row_column_value(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "calls.csv", GOOD, "x12,447911123457,2025-02-30 10:00:00,-3,FAX,C1,352099001761482\n")
    with pytest.raises(CommsFileRejected) as raised:
        ingest_comms_file(path, "operator_default", settings)
    message = str(raised.value)
    assert "calls.csv row 3, column 'a_number': 'x12' is not a phone number" in message
    assert "column 'duration_s': '-3' is not a whole number" in message
    assert "column 'event_type': 'FAX' is not a known event type" in message
    assert "column 'imei': '352099001761482' is not a valid IMEI" in message
    assert "column 'start_time': '2025-02-30 10:00:00'" in message
    assert CommsWorkspace(settings.analytics_dir).files(RecordKind.calls) == []
    with raised.value.report.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["column"] for row in rows} == {"a_number", "start_time", "duration_s", "event_type", "imei"}
    assert {row["row"] for row in rows} == {"3"}


def test_accept_valid_loads_the_good_rows_and_keeps_the_rest_in_the_rejects_file(
    tmp_path: Path, settings: Settings
) -> None:
    path = write(tmp_path / "calls.csv", GOOD, "447911123456,,2025-01-06 10:00:00,30,VOICE,C1,\n")
    result = ingest_comms_file(path, "operator_default", settings, accept_valid=True)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded_with_rejects", 1, 1)
    assert result.rejects_path is not None
    assert "b_number,,is missing" in result.rejects_path.read_text(encoding="utf-8")


def test_rejects_file_neutralises_spreadsheet_formulas(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "calls.csv", GOOD, "=HYPERLINK(1),447911123457,2025-01-06 10:00:00,30,VOICE,C1,\n")
    result = ingest_comms_file(path, "operator_default", settings, accept_valid=True)
    assert result.rejects_path is not None
    assert ",'=HYPERLINK(1)," in result.rejects_path.read_text(encoding="utf-8")


def test_loading_the_same_file_again_does_nothing(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "calls.csv", GOOD)
    first = ingest_comms_file(path, "operator_default", settings)
    again = ingest_comms_file(path, "operator_default", settings)
    assert again.status == "already_loaded" and again.batch == first.batch
    assert len(stored_calls(settings)) == 1


def test_file_whose_columns_fit_no_kind_is_refused_with_the_expected_columns(
    tmp_path: Path, settings: Settings
) -> None:
    path = write(tmp_path / "other.csv", "1,2\n", header="caller,callee")
    with pytest.raises(CommsIngestError, match="do not match any kind of file in mapping operator_default"):
        ingest_comms_file(path, "operator_default", settings)


def test_cell_sites_and_subscribers_are_recognised_by_their_columns(tmp_path: Path, settings: Settings) -> None:
    cells = write(
        tmp_path / "cells.csv", "COV-000,Coventry,52.4,-1.5,120\n", header="cell_id,town,latitude,longitude,azimuth"
    )
    subscribers = write(
        tmp_path / "subs.csv",
        "447911123456,A Person,1 High St,2020-01-01,Y,Vodafone\n",
        header="number,subscriber_name,address,registered,pay_as_you_go,network",
    )
    assert ingest_comms_file(cells, "operator_default", settings).kind is RecordKind.cell_sites
    assert ingest_comms_file(subscribers, "operator_default", settings).kind is RecordKind.subscribers


def test_bad_coordinates_in_a_cell_site_list_are_reported(tmp_path: Path, settings: Settings) -> None:
    cells = write(
        tmp_path / "cells.csv", "COV-000,Coventry,152.4,-1.5,\n", header="cell_id,town,latitude,longitude,azimuth"
    )
    with pytest.raises(CommsFileRejected, match=r"column 'latitude': '152\.4' is not a number from -90 to 90"):
        ingest_comms_file(cells, "operator_default", settings)


def test_generated_parquet_parts_load_cleanly(county_workspace: Settings) -> None:
    batches = CommsWorkspace(county_workspace.analytics_dir).batches()
    assert {b.kind for b in batches} == {"calls", "subscribers", "cell_sites"}
    assert all(b.rows_rejected == 0 for b in batches)


def test_ingest_command_reports_rows_and_refuses_a_bad_file_with_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from linewatch.cli.main import app

    good = write(tmp_path / "good.csv", GOOD)
    bad = write(tmp_path / "bad.csv", "x12,447911123457,2025-01-06 10:00:00,30,VOICE,C1,\n")
    runner = CliRunner()
    data_dir = str(tmp_path / "workspace")
    result = runner.invoke(app, ["--data-dir", data_dir, "comms", "ingest", str(good)])
    assert result.exit_code == 0 and "1 of 1 rows" in result.output
    result = runner.invoke(app, ["--data-dir", data_dir, "comms", "ingest", str(bad)])
    assert result.exit_code == 2 and "bad.csv was rejected" in result.output


def test_a_later_file_is_still_checked_number_by_number_after_earlier_files_loaded(
    tmp_path: Path, settings: Settings
) -> None:
    """Numbers and IMEIs found valid in one file are not checked again in the next; new ones are."""
    ingest_comms_file(write(tmp_path / "first.csv", GOOD), "operator_default", settings)
    later = write(
        tmp_path / "later.csv", GOOD, "447911123456,440000000000,2025-01-06 10:00:00,30,VOICE,C1,352099001761481\n"
    )
    problem = r"later.csv row 3, column 'b_number': '440000000000' is not a valid phone number"
    with pytest.raises(CommsFileRejected, match=problem):
        ingest_comms_file(later, "operator_default", settings)
