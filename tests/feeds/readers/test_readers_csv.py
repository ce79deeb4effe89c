"""CSV feed reading: encodings, delimiters, row shapes and the errors a person sees."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from linewatch.feeds.readers import FeedFileError, ReadOptions, open_rows


def write(tmp_path: Path, data: bytes | str, name: str = "feed.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read(path: Path, **options: Any) -> list[tuple[int, dict[str, str | None]]]:
    with open_rows(path, ReadOptions(**{"format": "csv", **options})) as rows:
        return list(rows)


def problem(path: Path, **options: Any) -> str:
    with pytest.raises(FeedFileError) as caught:
        read(path, **options)
    message = str(caught.value)
    assert str(path) in message, "every error names the file"
    return message


# --- encodings -------------------------------------------------------------------------------


def test_utf8_file_is_read_as_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "name,town\nZoë,Śląsk\n")
    with open_rows(path, ReadOptions(format="csv")) as rows:
        assert rows.encoding == "utf-8"
        assert list(rows) == [(2, {"name": "Zoë", "town": "Śląsk"})]


def test_utf8_bom_is_stripped_from_the_first_column_name(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfname,age\nAmy,15\n")
    with open_rows(path, ReadOptions(format="csv")) as rows:
        assert rows.encoding == "utf-8-sig"
        assert rows.columns == ["name", "age"]
        assert list(rows) == [(2, {"name": "Amy", "age": "15"})]


def test_bom_is_stripped_even_when_the_mapping_says_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfname\nAmy\n")
    with open_rows(path, ReadOptions(format="csv", encoding="utf-8")) as rows:
        assert rows.columns == ["name"]


def test_cp1252_export_is_detected_and_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "name,fine\nZoë,£50 \u2013 paid\n".encode("cp1252"))
    with open_rows(path, ReadOptions(format="csv")) as rows:
        assert rows.encoding == "cp1252"
        assert list(rows) == [(2, {"name": "Zoë", "fine": "£50 \u2013 paid"})]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    path = write(tmp_path, b"name\nZo\xeb \x81\n")
    with open_rows(path, ReadOptions(format="csv")) as rows:
        assert rows.encoding == "latin-1"
        assert list(rows) == [(2, {"name": "Zoë \x81"})]


def test_utf16_excel_unicode_text_is_detected_by_its_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "name\tage\r\nZoë\t15\r\n".encode("utf-16"))
    with open_rows(path, ReadOptions(format="csv", delimiter="\t")) as rows:
        assert rows.encoding == "utf-16"
        assert list(rows) == [(2, {"name": "Zoë", "age": "15"})]


def test_declared_encoding_that_does_not_fit_names_line_and_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "name\nAmy\nZoë\n".encode("cp1252"))
    message = problem(path, encoding="utf-8")
    assert "not valid utf-8" in message
    assert "line 3" in message
    assert "byte offset 11" in message


def test_declared_encoding_that_python_does_not_know_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "name\nAmy\n")
    assert "'klingon' which is not a known text encoding" in problem(path, encoding="klingon").replace(",", "")


def test_content_sha256_is_the_hash_of_the_raw_bytes(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfname\r\nAmy\r\n"
    path = write(tmp_path, data)
    with open_rows(path, ReadOptions(format="csv")) as rows:
        assert rows.content_sha256 == hashlib.sha256(data).hexdigest()


# --- delimiters and quoting ----------------------------------------------------------------------


def test_semicolon_file_with_comma_mapping_says_which_delimiter_it_looks_like(tmp_path: Path) -> None:
    path = write(tmp_path, "name;age;town\nAmy;15;Leeds\n")
    assert "looks ';'-delimited but the mapping says ','" in problem(path)


def test_tab_file_with_comma_mapping_names_tab(tmp_path: Path) -> None:
    path = write(tmp_path, "name\tage\nAmy\t15\n")
    assert "looks tab-delimited but the mapping says ','" in problem(path)


def test_semicolon_file_with_semicolon_mapping_reads(tmp_path: Path) -> None:
    path = write(tmp_path, "name;note\nAmy;seen, then left\n")
    assert read(path, delimiter=";") == [(2, {"name": "Amy", "note": "seen, then left"})]


def test_single_column_file_is_fine(tmp_path: Path) -> None:
    assert read(write(tmp_path, "nhs_number\n9434765919\n")) == [(2, {"nhs_number": "9434765919"})]


def test_quoted_fields_keep_delimiters_and_newlines_and_rows_count_from_first_line(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, 'name,note\r\nAmy,"seen at 3pm, with ""J""\r\nleft at 4"\r\nBen,ok\r\n')
    assert read(path) == [
        (2, {"name": "Amy", "note": 'seen at 3pm, with "J"\r\nleft at 4'}),
        (4, {"name": "Ben", "note": "ok"}),
    ]


def test_crlf_line_endings_leave_no_carriage_returns(tmp_path: Path) -> None:
    assert read(write(tmp_path, "a,b\r\n1,2\r\n")) == [(2, {"a": "1", "b": "2"})]


def test_unclosed_quote_is_an_error_naming_where_it_starts(tmp_path: Path) -> None:
    path = write(tmp_path, 'name,note\nAmy,ok\nBen,"never closed\nCal,x\n')
    assert "ends inside a quoted field that starts on row 3" in problem(path)


def test_text_after_a_closing_quote_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'name,note\nAmy,"quoted"tail\n')
    assert "row 2 has text straight after a closing quote" in problem(path)


# --- header and row shape ----------------------------------------------------------------------


def test_values_are_stripped_and_empty_cells_are_none(tmp_path: Path) -> None:
    path = write(tmp_path, " name , age ,town\n  Amy  ,   ,\n")
    assert read(path) == [(2, {"name": "Amy", "age": None, "town": None})]


def test_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "Missing episodes export, March 2024\nname,age\nAmy,15\n")
    with open_rows(path, ReadOptions(format="csv", header_row=2)) as rows:
        assert rows.columns == ["name", "age"]
        assert list(rows) == [(3, {"name": "Amy", "age": "15"})]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "name,age\n\nAmy,15\n , \nBen,16\n")
    assert read(path) == [(3, {"name": "Amy", "age": "15"}), (5, {"name": "Ben", "age": "16"})]


def test_short_rows_are_padded_with_none(tmp_path: Path) -> None:
    assert read(write(tmp_path, "a,b,c\n1\n")) == [(2, {"a": "1", "b": None, "c": None})]


def test_row_with_more_cells_than_the_header_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\n1,2\n1,2,3\n")
    assert "row 3 has 3 cells but the header has 2" in problem(path)


def test_empty_cells_past_the_last_column_are_ignored(tmp_path: Path) -> None:
    assert read(write(tmp_path, "a,b\n1,2,,\n")) == [(2, {"a": "1", "b": "2"})]


def test_duplicate_column_names_are_an_error(tmp_path: Path) -> None:
    message = problem(write(tmp_path, "name,dob,name\n"))
    assert "two columns named 'name': 1 (A) and 3 (C)" in message


def test_blank_column_name_is_an_error(tmp_path: Path) -> None:
    assert "column 2 (B) of the header (row 1) has no name" in problem(write(tmp_path, "name, ,age\n"))


def test_blank_header_row_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "Title\n\nname\nAmy\n")
    assert "row 2, which the mapping says holds the column names, is blank" in problem(path, header_row=2)


def test_header_row_beyond_the_end_of_the_file_is_an_error(tmp_path: Path) -> None:
    assert "the file has only 1 rows" in problem(write(tmp_path, "name\n"), header_row=3)


def test_header_only_file_yields_nothing(tmp_path: Path) -> None:
    with open_rows(write(tmp_path, "name,age\r\n"), ReadOptions(format="csv")) as rows:
        assert rows.columns == ["name", "age"]
        assert list(rows) == []


# --- files that are not usable text ----------------------------------------------------------


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    assert "the file is empty (0 bytes)" in problem(write(tmp_path, b""))


def test_whitespace_only_file_is_an_empty_file(tmp_path: Path) -> None:
    assert "the file is empty" in problem(write(tmp_path, " \r\n\t\n"))


def test_png_renamed_csv_is_not_decoded(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    message = problem(write(tmp_path, png, "photo.csv"))
    assert "does not look like a text file (it is a PNG image)" in message


def test_random_binary_is_not_decoded(tmp_path: Path) -> None:
    noise = bytes((index * 7919 + 13) % 256 for index in range(4096))
    assert "does not look like a text file" in problem(write(tmp_path, noise))


def test_nul_byte_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name,age\nAmy,15\nBen,16\nC\x00l,17\nDee,18\n")
    assert "line 4 contains a NUL byte" in problem(path)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    assert "does not exist" in problem(tmp_path / "nope.csv")


def test_directory_is_an_error(tmp_path: Path) -> None:
    assert "is a directory" in problem(tmp_path)


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "name\n" + "Amy\n" * 300)
    assert "larger than the 1.0 KiB limit" in problem(path, max_bytes=1024)


def test_a_line_without_end_is_refused_rather_than_loaded_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linewatch.feeds.readers import csv_reader

    monkeypatch.setattr(csv_reader, "MAX_LINE_CHARS", 64)
    path = write(tmp_path, "name\n" + "x" * 200)
    assert "line 2 is longer than 64 characters" in problem(path)


def test_rows_can_be_read_only_once(tmp_path: Path) -> None:
    with open_rows(write(tmp_path, "a\n1\n"), ReadOptions(format="csv")) as rows:
        list(rows)
        with pytest.raises(RuntimeError):
            list(rows)


def test_file_that_grows_while_being_read_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a\n1\n")
    with open_rows(path, ReadOptions(format="csv")) as rows:
        with path.open("ab") as appending:
            appending.write(b"2\n")
        with pytest.raises(FeedFileError, match="changed while it was being read"):
            list(rows)


def test_mapping_with_an_impossible_delimiter_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="delimiter must be one character"):
        ReadOptions(format="csv", delimiter=";;")


def test_utf8_file_with_one_damaged_byte_is_an_error_not_garbled_as_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path, "name\nZoë\n".encode() + b"Ren\xe9\n")
    message = problem(path)
    assert "UTF-8 text up to the bytes e9 at line 3 (byte offset 13)" in message


def test_file_with_a_utf8_bom_but_invalid_utf8_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfname\nRen\xe9\n")
    assert "it is UTF-8 text up to the bytes e9 at line 2" in problem(path)


def test_utf16_named_by_the_mapping_but_without_a_bom_is_an_error(tmp_path: Path) -> None:
    assert "cannot be decoded as utf-16" in problem(write(tmp_path, b"\x00\x01"), encoding="utf-16")


def test_codec_that_is_not_a_text_encoding_is_refused(tmp_path: Path) -> None:
    assert "'base64', which is not a known text encoding" in problem(write(tmp_path, "a\n1\n"), encoding="base64")
