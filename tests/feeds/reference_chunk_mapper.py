"""The chunk mapper's row work as it was before the column-at-a-time reader (commit 9ad2204),
kept as the reference the fast one is tested against: same batches, same problems, for any rows.

Only what the fast mapper does differently is kept here: building columns from one dict per row,
checking keys and values a row at a time, and converting every cell (the old mapper remembered
each distinct text; converting each cell again gives the same values, with nothing to go stale).
Compiling the mapping into plans is the same code in both, so it is inherited, not copied: a
copy would be compared with itself and prove nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from linewatch.feeds.chunk_mapper import TOO_LONG, ChunkMapper, Column, _EntityPlan, _PropertyPlan
from linewatch.feeds.convert import split_name
from linewatch.feeds.readers import RowChunk
from linewatch.feeds.rows import Cells, RowError
from linewatch.model import Schema
from linewatch.store.tables import SOURCE_ID_LENGTH, text_limit
from linewatch.store.versioned_writer import Batch


def _convert_each(plan: _PropertyPlan, raw: Column) -> tuple[list[object], list[object]]:
    """Convert every cell: (values, problems or validity flags)."""
    convert = plan.convert
    assert convert is not None
    pairs = [(None, None) if text is None else convert(text) for text in raw]
    return [value for value, _ in pairs], [second for _, second in pairs]


class ReferenceChunkMapper(ChunkMapper):
    """The fast mapper's plans, applied a row at a time."""

    def map_chunk(self, chunk: RowChunk) -> tuple[list[tuple[Schema, Batch]], dict[int, list[RowError]]]:
        rows = [(number, chunk.cells(index)) for index, number in enumerate(chunk.numbers)]
        return self.map_rows(rows)

    def map_rows(self, rows: list[tuple[int, Cells]]) -> tuple[list[tuple[Schema, Batch]], dict[int, list[RowError]]]:
        """The chunk's records as column batches (one per entity of the mapping), and the
        problems of its bad rows by row number. A bad row produces no record at all."""
        numbers = [number for number, _ in rows]
        cache: dict[str, Column] = {}

        def column(name: str) -> Column:
            if name not in cache:
                cache[name] = [cells.get(name) for _, cells in rows]
            return cache[name]

        return self.map_columns(column, numbers)

    @staticmethod
    def _keys(
        entity: _EntityPlan,
        column: Callable[[str], Column],
        numbers: list[int],
        problem: Callable[[int, RowError], None],
    ) -> Column:
        parts = [column(name) for name in entity.key]
        keys: Column = []
        what = f"is empty, but it identifies the {entity.schema.label.lower()}"
        for index, cells in enumerate(zip(*parts, strict=True)):
            if all(cells):
                key = "|".join(cell for cell in cells if cell)
                if len(key) > SOURCE_ID_LENGTH:
                    problem(index, RowError(numbers[index], entity.key[0], key[:40] + "…", TOO_LONG % SOURCE_ID_LENGTH))
                keys.append(key)
                continue
            keys.append(None)
            if not entity.optional:
                empty = next(name for name, cell in zip(entity.key, cells, strict=True) if not cell)
                problem(index, RowError(numbers[index], empty, None, what))
        return keys

    @staticmethod
    def _property_column(
        plan: _PropertyPlan,
        column: Callable[[str], Column],
        keys: dict[str, Column],
        own_keys: Column,
        numbers: list[int],
        problem: Callable[[int, RowError], None],
        required_entities: set[str],
    ) -> tuple[list[object], list[object]]:
        source, prop = plan.source, plan.prop
        size = len(numbers)
        if plan.constant is not None:
            value, flag = plan.constant
            return [value] * size, [flag] * size
        raw: Column
        if source.entity is not None:
            raw = keys[source.entity]
        elif source.column is not None:
            raw = column(source.column)
        else:
            pieces = [column(name) for name in plan.columns]
            raw = [source.join.join(p for p in parts if p) or None for parts in zip(*pieces, strict=True)]
        if source.name_layout is not None and source.name_part is not None:
            layout, part = source.name_layout, source.name_part
            splits: dict[str, str | None] = {}
            named: Column = []
            for text in raw:
                if text is None:
                    named.append(None)
                    continue
                found = splits.get(text, "")
                if found == "":
                    found = splits[text] = split_name(text, layout)[part]
                named.append(found)
            raw = named
        # Stored text has a width (an identifier kept as given still fits in 64 characters); say so
        # per row rather than let the database refuse the whole COPY.
        limit = text_limit(prop)
        if limit is not None:
            for index, text in enumerate(raw):
                if text is not None and len(text) > limit and own_keys[index] is not None:
                    problem(index, RowError(numbers[index], plan.label, text[:40] + "…", TOO_LONG % limit))
        # An empty reference to a required entity is already reported as that entity's empty key.
        reported = source.entity is not None and source.entity in required_entities
        if (prop.required or source.required) and not reported:
            what = f"is empty, but {prop.label.lower()} is required"
            for index, text in enumerate(raw):
                # A row that does not produce this (optional) entity has nothing required of it.
                if text is None and own_keys[index] is not None:
                    problem(index, RowError(numbers[index], plan.label, None, what))
        if plan.convert is None:  # a reference: the other entity's source id
            return list(raw), [None] * size
        values, second = _convert_each(plan, raw)
        if plan.is_identifier:
            return values, second
        for index, issue in enumerate(second):
            if issue is not None and own_keys[index] is not None:
                problem(index, RowError(numbers[index], plan.label, raw[index], str(issue)))
        return values, [None] * size
