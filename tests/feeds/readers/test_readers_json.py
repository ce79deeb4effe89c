"""JSON feed reading: documents, nested record lists, JSON Lines, and their errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from linewatch.feeds.readers import FeedFileError, ReadOptions, open_rows


def write(tmp_path: Path, text: str, name: str = "feed.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path, **options: Any) -> list[tuple[int, dict[str, str | None]]]:
    with open_rows(path, ReadOptions(**{"format": "json", **options})) as rows:
        return list(rows)


def problem(path: Path, **options: Any) -> str:
    with pytest.raises(FeedFileError) as caught:
        read(path, **options)
    assert str(path) in str(caught.value), "every error names the file"
    return str(caught.value)


def test_list_of_records_reads_every_key_as_a_column(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps([{"name": " Amy ", "age": 15}, {"name": "Ben", "school": "Elm"}]))
    with open_rows(path, ReadOptions(format="json")) as rows:
        assert rows.columns == ["name", "age", "school"]
        assert list(rows) == [
            (1, {"name": "Amy", "age": "15", "school": None}),
            (2, {"name": "Ben", "age": None, "school": "Elm"}),
        ]


def test_values_become_text_and_nested_values_compact_json(tmp_path: Path) -> None:
    record = {
        "flag": True,
        "off": False,
        "score": 0.5,
        "none": None,
        "empty": " ",
        "tags": ["a", "b"],
        "place": {"x": 1},
    }
    assert read(write(tmp_path, json.dumps([record]))) == [
        (
            1,
            {
                "flag": "true",
                "off": "false",
                "score": "0.5",
                "none": None,
                "empty": None,
                "tags": '["a","b"]',
                "place": '{"x":1}',
            },
        )
    ]


def test_records_at_a_nested_path(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps({"meta": {}, "data": {"attendances": [{"name": "Amy"}]}}))
    assert read(path, json_records_path="data.attendances") == [(1, {"name": "Amy"})]


def test_missing_records_path_names_the_keys_there_are(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps({"data": {"visits": []}}))
    message = problem(path, json_records_path="data.attendances")
    assert "data has no key 'attendances' (keys there: 'visits')" in message


def test_top_level_object_without_a_path_suggests_setting_one(tmp_path: Path) -> None:
    message = problem(write(tmp_path, json.dumps({"data": [], "meta": {}})))
    assert "top level of the JSON is an object, not a list of records" in message
    assert "json_records_path" in message


def test_record_that_is_not_an_object_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps([{"name": "Amy"}, ["Ben"]]))
    assert "record 2 is a list, not an object" in problem(path)


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[\n  {"name": "Amy"},\n  {"name": "Ben",}\n]\n')
    assert "not valid JSON: Expecting property name enclosed in double quotes at line 3, column 18" in problem(path)


def test_blank_records_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps([{"name": "Amy"}, {}, {"name": None}, {"name": "Ben"}]))
    assert read(path) == [(1, {"name": "Amy"}), (4, {"name": "Ben"})]


def test_keys_that_collide_once_stripped_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps([{"name": "Amy", " name": "Ben"}]))
    assert "record 1 has more than one key reading 'name'" in problem(path)


def test_empty_list_yields_nothing(tmp_path: Path) -> None:
    with open_rows(write(tmp_path, "[]"), ReadOptions(format="json")) as rows:
        assert rows.columns == []
        assert list(rows) == []


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    assert "the file is empty" in problem(write(tmp_path, "\n  \n"))


def test_json_lines_by_extension_numbers_rows_by_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{"name": "Amy"}\n\n{"name": "Ben", "age": 16}\n', "feed.jsonl")
    with open_rows(path, ReadOptions(format="json")) as rows:
        assert rows.columns == ["name", "age"]
        assert list(rows) == [(1, {"name": "Amy", "age": None}), (3, {"name": "Ben", "age": "16"})]


def test_json_lines_recognised_by_content(tmp_path: Path) -> None:
    path = write(tmp_path, '{"name": "Amy"}\r\n{"name": "Ben"}\r\n', "export.json")
    assert read(path) == [(1, {"name": "Amy"}), (2, {"name": "Ben"})]


def test_single_line_document_is_not_taken_for_json_lines(tmp_path: Path) -> None:
    path = write(tmp_path, '{"data": [{"name": "Amy"}]}\n')
    assert read(path, json_records_path="data") == [(1, {"name": "Amy"})]
    assert "set json_records_path" in problem(path)


def test_json_lines_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{"name": "Amy"}\n{"name": Ben}\n', "feed.ndjson")
    assert "line 2 is not valid JSON: Expecting value at column 10" in problem(path)


def test_json_lines_line_that_is_not_an_object_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '{"name": "Amy"}\n"Ben"\n', "feed.jsonl")
    assert "line 2 is a string, not an object" in problem(path)


def test_deeply_nested_json_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert "nests lists or objects too deeply" in problem(path)
