"""XLSX feed reading: cell values as text, sheets, and refusing damaged or hostile workbooks."""

from __future__ import annotations

import hashlib
import struct
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from linewatch.feeds.readers import FeedFileError, ReadOptions, open_rows


def workbook(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "feed.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def replace_member(path: Path, member: str, transform: Any) -> None:
    """Rewrite one part of a workbook's ZIP archive with transform(old_bytes) -> new_bytes."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = transform(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def read(path: Path, **options: Any) -> list[tuple[int, dict[str, str | None]]]:
    with open_rows(path, ReadOptions(**{"format": "xlsx", **options})) as rows:
        return list(rows)


def problem(path: Path, **options: Any) -> str:
    with pytest.raises(FeedFileError) as caught:
        read(path, **options)
    assert str(path) in str(caught.value), "every error names the file"
    return str(caught.value)


def test_cells_come_back_as_text(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        {
            "Episodes": [
                ["nhs_number", "reported", "found", "age", "score", "flag", "note"],
                [9434765919.0, date(2024, 3, 5), datetime(2024, 3, 5, 14, 30), 15, 0.5, True, "  ok "],
            ]
        },
    )
    assert read(path) == [
        (
            2,
            {
                "nhs_number": "9434765919",
                "reported": "2024-03-05",
                "found": "2024-03-05T14:30:00",
                "age": "15",
                "score": "0.5",
                "flag": "true",
                "note": "ok",
            },
        )
    ]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["name"], ["Amy"], [], [None], ["  "], ["Ben"]]})
    assert read(path) == [(2, {"name": "Amy"}), (6, {"name": "Ben"})]


def test_first_sheet_is_read_unless_the_mapping_names_one(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Summary": [["total"], [2]], "Episodes": [["name"], ["Amy"]]})
    assert read(path) == [(2, {"total": "2"})]
    assert read(path, sheet="Episodes") == [(2, {"name": "Amy"})]


def test_unknown_sheet_lists_the_sheets_there_are(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Summary": [["total"]], "Episodes": [["name"]]})
    assert "no sheet named 'Missing'; its sheets are 'Summary', 'Episodes'" in problem(path, sheet="Missing")


def test_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["Police missing episodes, March"], ["name", "age"], ["Amy", 15]]})
    with open_rows(path, ReadOptions(format="xlsx", header_row=2)) as rows:
        assert rows.columns == ["name", "age"]
        assert list(rows) == [(3, {"name": "Amy", "age": "15"})]


def test_short_rows_are_padded_and_long_rows_are_named(tmp_path: Path) -> None:
    assert read(workbook(tmp_path, {"S": [["a", "b"], ["1"]]})) == [(2, {"a": "1", "b": None})]
    path = workbook(tmp_path, {"S": [["a", "b"], ["1", "2", "3"]]}, "long.xlsx")
    assert "row 2 of sheet 'S' has 3 cells but the header has 2" in problem(path)


def test_duplicate_column_names_are_an_error(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["name", "name"]]})
    assert "two columns named 'name'" in problem(path)


def test_header_only_sheet_yields_nothing_and_empty_sheet_is_an_error(tmp_path: Path) -> None:
    assert read(workbook(tmp_path, {"S": [["name"]]})) == []
    assert "sheet 'S' is empty" in problem(workbook(tmp_path, {"S": []}, "empty.xlsx"))


def test_formulas_read_their_cached_values(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["age", "double"], [21, 0]]})
    replace_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<c r="B2" t="n"><v>0</v></c>', b'<c r="B2"><f>A2*2</f><v>42</v></c>'),
    )
    assert read(path) == [(2, {"age": "21", "double": "42"})]


def test_content_sha256_is_the_hash_of_the_workbook_file(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["name"]]})
    with open_rows(path, ReadOptions(format="xlsx")) as rows:
        assert rows.content_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --- damaged workbooks --------------------------------------------------------------------------


def test_truncated_workbook_is_an_error(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["name"], ["Amy"]]})
    path.write_bytes(path.read_bytes()[:300])
    assert "damaged or truncated" in problem(path)


def test_random_bytes_named_xlsx_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "feed.xlsx"
    path.write_bytes(bytes((index * 7919 + 13) % 256 for index in range(2048)))
    assert "not a ZIP archive, so not an .xlsx workbook" in problem(path)


def test_csv_named_xlsx_is_recognised_as_text(tmp_path: Path) -> None:
    path = tmp_path / "feed.xlsx"
    path.write_text("name,age\nAmy,15\n")
    assert "is a text file, not an .xlsx workbook" in problem(path)


def test_old_xls_file_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "feed.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "old-style .xls file" in problem(path)


def test_zip_without_a_workbook_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "feed.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert "not a readable XLSX workbook" in problem(path)


def test_malformed_sheet_xml_is_an_error(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["name"], ["Amy"]]})
    replace_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    assert "malformed XML" in problem(path)


# --- hostile workbooks --------------------------------------------------------------------------


def refuse_decompression(monkeypatch: pytest.MonkeyPatch) -> None:
    def opened(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was decompressed before the zip-bomb guard refused")

    monkeypatch.setattr(zipfile.ZipFile, "open", opened)


def test_highly_compressed_member_is_refused_without_decompressing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path, {"S": [["name"]]})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/filler.bin", bytes(20 * 1024 * 1024))
    refuse_decompression(monkeypatch)
    message = problem(path)
    assert "refused: its part 'xl/media/filler.bin' is compressed" in message
    assert "zip bomb" in message


def test_member_declaring_a_huge_size_is_refused_from_the_directory_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path, {"S": [["name"]]})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/filler.bin", b"tiny")
    data = bytearray(path.read_bytes())
    name = b"xl/media/filler.bin"
    entry = data.index(b"PK\x01\x02")  # central directory entries; the file name is at offset 46
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    # Central directory entry: the uncompressed size is the 4 bytes at offset 24.
    struct.pack_into("<I", data, entry + 24, 3_500_000_000)
    path.write_bytes(bytes(data))
    refuse_decompression(monkeypatch)
    assert "refused: it would expand to 3.3 GiB when unzipped, more than the 1.0 GiB limit" in problem(path)


def test_workbook_over_the_uncompressed_limit_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["name"], ["Amy"]]})
    assert "more than the 1.0 KiB limit" in problem(path, max_xlsx_uncompressed=1024)


def billion_laughs_doctype() -> bytes:
    """Nine levels of entities, each ten of the one below: a billion "lol"s if expanded."""
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        entities.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    return ("<!DOCTYPE lolz [" + "".join(entities) + "]>").encode()


def with_entity_bomb(xml: bytes) -> bytes:
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    bombed = xml[:declaration_end] + billion_laughs_doctype() + xml[declaration_end:]
    return bombed.replace(b">Amy<", b">&lol9;<")


def use_shared_strings(path: Path) -> None:
    """openpyxl writes text inline; Excel keeps it in a shared-strings part, parsed separately."""
    replace_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<c r="A2" t="inlineStr"><is><t>Amy</t></is></c>', b'<c r="A2" t="s"><v>0</v></c>'),
    )
    replace_member(
        path,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Amy</t></si></sst>',
        )


def test_shared_strings_are_read(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"S": [["name"], ["Amy"]]})
    use_shared_strings(path)
    assert read(path) == [(2, {"name": "Amy"})]


@pytest.mark.parametrize(
    "member", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"]
)
def test_billion_laughs_is_refused_not_expanded(tmp_path: Path, member: str) -> None:
    path = workbook(tmp_path, {"S": [["name"], ["Amy"]]})
    use_shared_strings(path)
    replace_member(path, member, with_entity_bomb)
    assert "refused: XML entity declarations are not allowed" in problem(path)


def test_xlsx_is_refused_when_xml_hardening_is_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    path = workbook(tmp_path, {"S": [["name"]]})
    assert "refused: workbooks are only read with XML hardening" in problem(path)


def test_forged_row_numbers_beyond_excel_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linewatch.feeds.readers import xlsx_reader

    monkeypatch.setattr(xlsx_reader, "EXCEL_MAX_ROWS", 1000)  # the real limit takes seconds to reach
    path = workbook(tmp_path, {"S": [["name"], ["Amy"]]})
    replace_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<row r="2"><c r="A2"', b'<row r="5000"><c r="A5000"'),
    )
    assert "sheet 'S' has rows beyond Excel's limit of 1,000" in problem(path)
