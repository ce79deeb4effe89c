"""`linewatch link --input`, `linewatch encode` and `linewatch review` as an analyst uses them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linewatch.cli.common import console, errors
from linewatch.cli.main import app

runner = CliRunner()

HEADER = ["Ref", "First", "Last", "DOB", "Postcode", "NHS"]
ROWS_A = [
    ["A1", "Liam", "O'Connor", "04/07/2009", "cv32 4aa", "943 476 5919"],
    ["A2", "Amira", "Khan", "2011-02-03", "CV1 2BB", ""],
    ["A3", '=HYPERLINK("http://x")', "Evans", "2010-01-01", "CV2 3CC", ""],
]
ROWS_B = [
    ["B7", "William", "OCONNOR", "2009-07-04", "CV32 4AA", "9434765919"],
    ["B8", "Amirah", "Khan", "03/02/2011", "CV1 2BB", ""],
    ["B9", "Tom", "Price", "2008-12-12", "CV6 9ZZ", ""],
]
COLUMNS = "id=Ref,given_name=First,surname=Last,dob=DOB,postcode=Postcode,nhs_number=NHS"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(errors, "width", 250)


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def clusters_of(out: Path) -> dict[str, str]:
    return {f"{row['source']}:{row['id']}": row["cluster_id"] for row in read(out / "clusters.csv")}


def test_two_files_link_into_clusters_written_as_csv(tmp_path: Path) -> None:
    a, b = write(tmp_path / "school.csv", ROWS_A), write(tmp_path / "clinic.csv", ROWS_B)
    result = runner.invoke(
        app, ["link", "--input", str(a), "--input", str(b), "--columns", COLUMNS, "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    cluster = clusters_of(tmp_path / "out")
    assert cluster["school:A1"] == cluster["clinic:B7"]  # same valid NHS number
    assert cluster["school:A2"] == cluster["clinic:B8"]  # nickname-free spelling variant, same date
    assert cluster["school:A3"] != cluster["clinic:B9"]
    pairs = read(tmp_path / "out" / "pairs.csv")
    assert {"source_l", "id_l", "source_r", "id_r", "match_probability", "match_weight"} <= set(pairs[0])
    assert (tmp_path / "out" / "model" / "person-v0001.json").exists() or "prior model" in result.output


def test_csv_output_neutralises_formula_injection(tmp_path: Path) -> None:
    source = write(tmp_path / "school.csv", [["=1+1", "Liam", "Smith", "2009-01-01", "CV1 1AA", ""]])
    result = runner.invoke(app, ["link", "--input", str(source), "--columns", COLUMNS, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [row] = read(tmp_path / "out" / "clusters.csv")
    assert row["id"] == "'=1+1"


def test_a_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    source = write(tmp_path / "school.csv", ROWS_A)
    result = runner.invoke(
        app,
        ["link", "--input", str(source), "--columns", "given_name=Forename,surname=Last", "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 2
    assert "school.csv: no column 'Forename'" in result.output
    assert "its columns are: Ref, First, Last, DOB, Postcode, NHS" in result.output


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ("given_name", "should be NAME=COLUMN"),
        ("forename=First", "unknown name 'forename'"),
        ("id=Ref", "name at least one column to link on"),
    ],
)
def test_a_bad_column_list_is_a_clear_error(tmp_path: Path, columns: str, message: str) -> None:
    source = write(tmp_path / "school.csv", ROWS_A)
    result = runner.invoke(app, ["link", "--input", str(source), "--columns", columns, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and message in result.output


def test_repeated_ids_are_a_clear_error(tmp_path: Path) -> None:
    source = write(tmp_path / "school.csv", [ROWS_A[0], ROWS_A[0]])
    result = runner.invoke(app, ["link", "--input", str(source), "--columns", COLUMNS, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "'school:A1' appears more than once" in result.output


def test_encoded_files_link_without_the_key(tmp_path: Path) -> None:
    key = tmp_path / "shared.key"
    key.write_bytes(b"a secret the agencies share, 32+ bytes")
    a, b = write(tmp_path / "school.csv", ROWS_A), write(tmp_path / "clinic.csv", ROWS_B)
    encoded = tmp_path / "encoded"
    result = runner.invoke(
        app,
        [
            "encode",
            "--input",
            str(a),
            "--input",
            str(b),
            "--columns",
            COLUMNS,
            "--key-file",
            str(key),
            "--out",
            str(encoded),
        ],
    )
    assert result.exit_code == 0, result.output
    text = (encoded / "school.csv").read_text(encoding="utf-8")
    assert "Liam" not in text and "liam" not in text and "9434765919" not in text and "2009" not in text
    result = runner.invoke(
        app,
        [
            "link",
            "--encoded",
            "--input",
            str(encoded / "school.csv"),
            "--input",
            str(encoded / "clinic.csv"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    cluster = clusters_of(tmp_path / "out")
    assert cluster["school:A1"] == cluster["clinic:B7"]


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "weak.key"
    key.write_text("secret")
    source = write(tmp_path / "school.csv", ROWS_A)
    result = runner.invoke(
        app,
        ["encode", "--input", str(source), "--columns", COLUMNS, "--key-file", str(key), "--out", str(tmp_path / "e")],
    )
    assert result.exit_code == 2 and "use at least 16 random bytes" in result.output


def test_review_queue_of_a_fresh_store_is_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEWATCH_DATA_DIR", str(tmp_path / "ws"))
    monkeypatch.delenv("LINEWATCH_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["review", "list"])
    assert result.exit_code == 0, result.output
    assert "No pending review items" in result.output


def test_link_and_review_on_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linewatch.settings import load_settings
    from linewatch.store.engine import make_engine
    from tests.linkage.helpers import ensure_linkage_tables, load_people, person

    monkeypatch.setenv("LINEWATCH_DATA_DIR", str(tmp_path / "ws"))
    monkeypatch.delenv("LINEWATCH_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(load_settings(tmp_path / "ws").database_url)
    ensure_linkage_tables(engine)
    load_people(engine, [
        person("P1", "police", given_name="Noah", surname="King", dob="2009-04-12", sex="male", postcode="CV31 5NL"),
        person("H1", "health", given_name="Noah", surname="King", dob="2013-10-06", sex="male", postcode="CV31 5NL"),
    ])  # fmt: skip
    engine.dispose()
    result = runner.invoke(app, ["link", "--threshold", "0.999999", "--review-from", "0.0001"])
    assert result.exit_code == 0, result.output
    assert "full run 1: 2 person records" in result.output and "1 pairs waiting for review" in result.output
    result = runner.invoke(app, ["review", "list"])
    assert result.exit_code == 0 and "police P1" in result.output and "health H1" in result.output
    review_id = result.output.split("#", 1)[1].split()[0]
    result = runner.invoke(app, ["review", "reject", review_id, "--note", "brothers"])
    assert result.exit_code == 0 and "rejected: never in one subject" in result.output
    result = runner.invoke(app, ["review", "accept", "999"])
    assert result.exit_code == 2 and "no review item 999" in result.output
    result = runner.invoke(app, ["link", "--incremental"])
    assert result.exit_code == 0, result.output
    # Nothing new to score; the rejected pair was already apart, so no full run was needed.
    assert "incremental run 2: 2 person records (0 scored) -> 2 subjects" in result.output
