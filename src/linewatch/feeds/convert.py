"""Turn one cell's text into a typed model value, or say exactly why it cannot be.

Each converter returns (value, problem); problem is None on success. Identifiers never fail:
an invalid identifier is kept as given with its validity flag false.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from linewatch.identifiers import CHECKERS
from linewatch.model import Property, PropertyType

Converted = tuple[object, str | None]
Converter = Callable[[str], Converted]

_SPACES = re.compile(r"\s+")
# Whole numbers are stored as 32-bit integers (PostgreSQL's integer): a larger one is a row error
# here rather than a failed load there.
INTEGER_RANGE = (-(2**31), 2**31 - 1)


@lru_cache(maxsize=262_144)
def _parse_datetime(text: str, formats: tuple[str, ...]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _describe_formats(formats: tuple[str, ...]) -> str:
    readable = (
        fmt.replace("%d", "DD")
        .replace("%m", "MM")
        .replace("%Y", "YYYY")
        .replace("%y", "YY")
        .replace("%H", "hh")
        .replace("%M", "mm")
        .replace("%S", "ss")
        for fmt in formats
    )
    return " or ".join(readable)


def date_converter(formats: tuple[str, ...]) -> Converter:
    def convert(text: str) -> Converted:
        parsed = _parse_datetime(text, formats)
        if parsed is None:
            return None, f"is not a date (expected {_describe_formats(formats)})"
        return parsed.date(), None

    return convert


def datetime_converter(formats: tuple[str, ...], date_formats: tuple[str, ...]) -> Converter:
    # A date alone is accepted as midnight: many exports drop the time when it is unknown.
    everything = formats + tuple(fmt for fmt in date_formats if fmt not in formats)

    def convert(text: str) -> Converted:
        parsed = _parse_datetime(text, everything)
        if parsed is None:
            return None, f"is not a date and time (expected {_describe_formats(formats)})"
        return parsed, None

    return convert


def integer_converter(minimum: float | None) -> Converter:
    def convert(text: str) -> Converted:
        try:
            number = int(text.replace(",", ""))
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                return None, "is not a whole number"
            if not as_float.is_integer():
                return None, "is not a whole number"
            number = int(as_float)
        if minimum is not None and number < minimum:
            return None, f"is below the minimum of {minimum:g}"
        if not INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1]:
            return None, f"is outside the range this field holds ({INTEGER_RANGE[0]:,} to {INTEGER_RANGE[1]:,})"
        return number, None

    return convert


def number_converter(minimum: float | None, low: float | None = None, high: float | None = None) -> Converter:
    def convert(text: str) -> Converted:
        try:
            number = float(text.replace(",", "").lstrip("£"))
        except ValueError:
            return None, "is not a number"
        if number != number or number in (float("inf"), float("-inf")):
            return None, "is not a finite number"
        if minimum is not None and number < minimum:
            return None, f"is below the minimum of {minimum:g}"
        if low is not None and high is not None and not low <= number <= high:
            return None, f"is outside {low:g} to {high:g}"
        return number, None

    return convert


def boolean_converter(true_values: list[str], false_values: list[str]) -> Converter:
    truthy = {value.casefold() for value in true_values}
    falsy = {value.casefold() for value in false_values}

    def convert(text: str) -> Converted:
        folded = text.casefold()
        if folded in truthy:
            return True, None
        if folded in falsy:
            return False, None
        return None, f"is not a yes/no value (expected one of {sorted(truthy | falsy)})"

    return convert


def enum_converter(prop: Property, codes: dict[str, str] | None) -> Converter:
    allowed = set(prop.values)
    lookup = dict(codes or {})
    # Without a code list the model's own values are accepted, in any case.
    for value in prop.values:
        lookup.setdefault(value.casefold(), value)

    def convert(text: str) -> Converted:
        found = lookup.get(text.casefold())
        if found is None or found not in allowed:
            known = sorted(codes) if codes else sorted(allowed)
            return None, f"is not a known code (expected one of {', '.join(known)})"
        return found, None

    return convert


def text_converter(collapse_spaces: bool) -> Converter:
    def convert(text: str) -> Converted:
        return (_SPACES.sub(" ", text) if collapse_spaces else text), None

    return convert


def identifier_converter(prop: Property) -> Callable[[str], tuple[str, bool]]:
    check = CHECKERS[prop.type.value]

    def convert(text: str) -> tuple[str, bool]:
        result = check(text)
        return result.value, result.valid

    return convert


def split_name(text: str, layout: str) -> dict[str, str | None]:
    """Split a full name into given, middle and surname by the agency's layout."""
    text = _SPACES.sub(" ", text).strip()
    if layout == "surname_comma_forenames" and "," in text:
        surname, _, forenames = text.partition(",")
        parts = forenames.split()
        return {
            "surname": surname.strip() or None,
            "given": parts[0] if parts else None,
            "middle": " ".join(parts[1:]) or None,
        }
    parts = text.split()
    if not parts:
        return {"surname": None, "given": None, "middle": None}
    if len(parts) == 1:
        return {"surname": parts[0], "given": None, "middle": None}
    return {"given": parts[0], "middle": " ".join(parts[1:-1]) or None, "surname": parts[-1]}


def value_converter(
    prop: Property, source: object, date_formats: tuple[str, ...], datetime_formats: tuple[str, ...]
) -> Converter:
    """The converter for a non-identifier, non-reference property."""
    from linewatch.feeds.mapping import PropertyMapping

    assert isinstance(source, PropertyMapping)
    own = (source.format,) if isinstance(source.format, str) else tuple(source.format or ())
    match prop.type:
        case PropertyType.date:
            return date_converter(own or date_formats)
        case PropertyType.datetime:
            return datetime_converter(own or datetime_formats, date_formats)
        case PropertyType.integer:
            return integer_converter(prop.minimum)
        case PropertyType.number:
            return number_converter(prop.minimum)
        case PropertyType.latitude:
            return number_converter(None, -90.0, 90.0)
        case PropertyType.longitude:
            return number_converter(None, -180.0, 180.0)
        case PropertyType.boolean:
            return boolean_converter(source.true_values, source.false_values)
        case PropertyType.enum:
            return enum_converter(prop, source.codes)
        case _:
            return text_converter(collapse_spaces=prop.type is PropertyType.name)
