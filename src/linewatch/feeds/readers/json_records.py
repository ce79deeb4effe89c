"""Turning parsed JSON into feed rows: finding the list of records, naming the columns (every key
any record uses, in first-seen order) and rendering values as text."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .errors import FeedFileError


def json_type_name(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


def find_records(path: Path, document: object, records_path: str | None) -> list[object]:
    """The list of records in `document`, at the dotted `records_path` if one is given."""
    if records_path is None:
        if isinstance(document, list):
            return document
        hint = ""
        if isinstance(document, dict):
            hint = f"; set json_records_path to the key that holds the records ({_keys(document)})"
        raise FeedFileError(
            path,
            f"the top level of the JSON is {json_type_name(document)}, not a list of records{hint}",
        )
    node = document
    walked: list[str] = []
    for key in records_path.split("."):
        where = ".".join(walked) or "the top level"
        if not isinstance(node, dict):
            raise FeedFileError(
                path,
                f"json_records_path '{records_path}' cannot be followed: {where} is "
                f"{json_type_name(node)}, not an object",
            )
        if key not in node:
            raise FeedFileError(
                path,
                f"json_records_path '{records_path}' is not in the file: {where} has no key '{key}' ({_keys(node)})",
            )
        node = node[key]
        walked.append(key)
    if not isinstance(node, list):
        raise FeedFileError(
            path,
            f"json_records_path '{records_path}' leads to {json_type_name(node)}, not a list of records",
        )
    return node


class ColumnCollector:
    """Gathers column names from records as they are read, checking each record is an object
    whose keys stay distinct and non-blank once surrounding whitespace is removed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._columns: dict[str, None] = {}  # a dict keeps first-seen order

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def add(self, label: str, record: object) -> None:
        if not isinstance(record, dict):
            raise FeedFileError(self.path, f"{label} is {json_type_name(record)}, not an object of named values")
        names = [key.strip() for key in record]
        if "" in names:
            raise FeedFileError(self.path, f"{label} has a key that is blank")
        if len(set(names)) != len(names):
            repeated = next(name for name in names if names.count(name) > 1)
            raise FeedFileError(
                self.path,
                f"{label} has more than one key reading '{repeated}' once surrounding spaces are removed",
            )
        self._columns.update(dict.fromkeys(names))

    def add_all(self, labelled_records: Iterable[tuple[str, object]]) -> None:
        for label, record in labelled_records:
            self.add(label, record)


def record_values(record: dict[str, object], columns: list[str]) -> dict[str, str | None]:
    """Every column's text for one record (already checked by ColumnCollector); absent -> None."""
    values: dict[str, str | None] = dict.fromkeys(columns)
    for key, value in record.items():
        values[key.strip()] = value_text(value)
    return values


def value_text(value: object) -> str | None:
    """Scalars as text (true/false for booleans), nested objects and lists as compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _keys(node: dict[str, object]) -> str:
    keys = list(node)
    if not keys:
        return "it has no keys"
    shown = ", ".join(f"'{key}'" for key in keys[:10])
    more = f" and {len(keys) - 10} more" if len(keys) > 10 else ""
    return f"keys there: {shown}{more}"
