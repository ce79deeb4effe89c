"""Stored values as text, a column at a time: the `repr` a record's content hash is taken of, the
text PostgreSQL's COPY reads and the parameters SQLite binds.

Agency columns repeat the same few values endlessly (terms, dates, codes, flags), so each column
remembers the text of every distinct value it has seen and a million rows cost a million dict
look-ups, not a million formatting calls. The text is exactly what formatting each value would
give: the content hash must not change with the way it is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from itertools import repeat
from typing import cast

NULL = "\\N"
# Characters COPY's text format gives a meaning to; everything else is taken as it is.
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Beyond this many distinct values a column is mostly unique (names of people, free text):
# remembering them costs memory and saves nothing.
MEMO_LIMIT = 100_000


def copy_text(value: object) -> str:
    """One value as a field of COPY's text format (tab-separated, \\N for NULL)."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (date, int, float)):  # datetime is a date
        return value.isoformat() if isinstance(value, date) else repr(value)
    raise TypeError(f"no COPY text for {type(value).__name__}")


def copy_texts(values: list[str]) -> list[str]:
    """COPY text of a column of strings that are nearly all different (source ids): escaped
    only if some value needs it, which a single search of the whole column tells."""
    joined = "".join(values)
    if any(special in joined for special in _COPY_SPECIAL):
        return [value.translate(_COPY_ESCAPES) for value in values]
    return values


def sqlite_value(value: object) -> object:
    """The value SQLite binds: dates and date-times as the text SQLAlchemy's types store and read."""
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


class ColumnText:
    """One stored column's values as text, each distinct value formatted once per form.

    Values are remembered by equality, which is safe because one column holds one type; floats
    are the exception (0.0 == -0.0, yet their reprs differ) and are never remembered.
    """

    def __init__(self, remember: bool):
        self.remember = remember
        self._memos: dict[Callable[[object], object], dict[object, object]] = {}

    def apply(self, form: Callable[[object], object], values: Sequence[object]) -> list[object]:
        return self.apply_all((form,), values)[0]

    def apply_all(self, forms: Sequence[Callable[[object], object]], values: Sequence[object]) -> list[list[object]]:
        """[form(value) for value in values] for each form."""
        if not self.remember:
            return [list(map(form, values)) for form in forms]
        distinct = set(values)
        memos = [self._memos.setdefault(form, {}) for form in forms]
        for form, memo in zip(forms, memos, strict=True):
            if len(memo) > MEMO_LIMIT:
                memo.clear()
            for value in distinct.difference(memo):
                memo[value] = form(value)
        return [list(map(memo.__getitem__, values)) for memo in memos]


Part = str | Sequence[str]


def concatenated(parts: Sequence[Part], size: int) -> list[str]:
    """Row by row, the concatenation of `parts`: each a constant string, or a column of `size`
    strings. One C-level join per row, the fastest way Python has to build a row's text."""
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    if all(isinstance(part, str) for part in merged):
        return ["".join(merged)] * size  # type: ignore[arg-type]
    columns = [repeat(part) if isinstance(part, str) else part for part in merged]
    return list(map("".join, zip(*columns, strict=False)))  # the constants repeat without end


def plain_text(column: Sequence[object]) -> bool:
    """Whether every value is a string that repr() merely puts in single quotes and COPY takes as
    it is: printable (so no tab, line break or control character), no quote, no backslash."""
    if None in column:
        return False
    joined = "".join(column)  # type: ignore[arg-type]
    return joined.isprintable() and "'" not in joined and "\\" not in joined


def row_reprs(names: Sequence[str], reprs_of: dict[str, Sequence[object]], quoted: set[str], size: int) -> list[str]:
    """repr() of each row's values in the order of `names`, put together from the repr of each
    value (`reprs_of`; a column in `quoted` holds plain text, whose repr is itself in quotes).
    A column missing from `reprs_of` is None throughout."""
    parts: list[Part] = ["("]
    for position, name in enumerate(names):
        if position:
            parts.append(", ")
        if name not in reprs_of:
            parts.append("None")
        elif name in quoted:
            parts += ["'", cast(Sequence[str], reprs_of[name]), "'"]
        else:
            parts.append(cast(Sequence[str], reprs_of[name]))
    parts.append(",)" if len(names) == 1 else ")")
    return concatenated(parts, size)


Provenance = tuple[
    str, Sequence[object], Sequence[int] | None, Sequence[bool] | None, int, Sequence[object], object, list[str]
]


def copy_lines(provenance: Provenance, names: Sequence[str], stored: dict[str, Sequence[object]]) -> list[str]:
    """Rows as lines of COPY text: the provenance columns (agency, source ids, versions or all 1,
    current flags or all true, feed, source rows, ingested at, content hashes), then `names`,
    each from `stored` (already COPY text) or NULL."""
    agency, source_ids, versions, current, feed_id, source_rows, ingested_at, digests = provenance
    parts: list[Part] = [copy_text(agency), "\t", copy_texts(source_ids), "\t"]  # type: ignore[arg-type]
    if versions is None or current is None:
        parts.append("1\tt")
    else:
        parts += [list(map(str, versions)), "\t", ["t" if flag else "f" for flag in current]]
    parts += ["\t", str(feed_id), "\t", list(map(str, source_rows)), "\t", copy_text(ingested_at), "\t", digests]
    for name in names:
        parts.append("\t")
        parts.append(cast(Sequence[str], stored[name]) if name in stored else NULL)
    parts.append("\n")
    return concatenated(parts, len(source_ids))


def sqlite_rows(
    provenance: Provenance, names: Sequence[str], stored: dict[str, Sequence[object]]
) -> Iterable[tuple[object, ...]]:
    """Rows as SQLite parameters, in the order copy_lines gives them."""
    agency, source_ids, versions, current, feed_id, source_rows, ingested_at, digests = provenance
    return zip(
        repeat(agency),
        source_ids,
        repeat(1) if versions is None else versions,
        repeat(True) if current is None else current,
        repeat(feed_id),
        source_rows,
        repeat(sqlite_value(ingested_at)),
        digests,
        *(stored.get(name, repeat(None)) for name in names),
        strict=False,  # the constants repeat without end
    )
