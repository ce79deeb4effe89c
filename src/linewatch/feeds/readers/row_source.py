"""The shape every reader returns: named columns, then numbered rows of stripped text, once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

Row = tuple[int, dict[str, str | None]]
"""(row number in the file, {column name: stripped text, or None for an empty cell})."""

Column = list[str | None]


@dataclass(slots=True)
class RowChunk:
    """Consecutive rows of a feed held as columns: the same rows and cells the row iterator
    gives, without a dict per row (loading works a column at a time)."""

    numbers: list[int]  # row numbers in the file, as `Row` gives them
    columns: dict[str, Column]  # every column of the file, one cell per row

    def __len__(self) -> int:
        return len(self.numbers)

    def cells(self, index: int) -> dict[str, str | None]:
        """The row at `index` as the row iterator gives it."""
        return {name: column[index] for name, column in self.columns.items()}


def chunk_of_rows(columns: list[str], rows: list[Row]) -> RowChunk:
    return RowChunk(
        [number for number, _ in rows],
        {name: [cells.get(name) for _, cells in rows] for name in columns},
    )


class _Closeable(Protocol):
    def close(self) -> None: ...


class RowSource(Protocol):
    """An opened feed file. Use it as a context manager and iterate it once."""

    columns: list[str]
    encoding: str
    content_sha256: str

    def __iter__(self) -> Iterator[Row]: ...

    def chunks(self, size: int) -> Iterator[RowChunk]: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class OpenedFeed:
    """Common plumbing for the readers: the header facts, single-pass iteration, closing."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        encoding: str,
        content_sha256: str,
        resources: list[_Closeable],
    ) -> None:
        self.path = path
        self.columns = columns
        self.encoding = encoding
        self.content_sha256 = content_sha256
        self._resources = resources
        self._started = False

    def __iter__(self) -> Iterator[Row]:
        # Readers stream from an open file, so a second pass would silently yield nothing.
        if self._started:
            raise RuntimeError(f"the rows of {self.path} have already been read; open it again")
        self._started = True
        return self._rows()

    def chunks(self, size: int) -> Iterator[RowChunk]:
        """The same rows as iterating, in chunks of at most `size` rows (never empty)."""
        if self._started:
            raise RuntimeError(f"the rows of {self.path} have already been read; open it again")
        if size < 1:
            raise ValueError(f"chunk size must be at least 1, not {size}")
        self._started = True
        return self._chunks(size)

    def _rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def _chunks(self, size: int) -> Iterator[RowChunk]:
        # Readers whose rows come one at a time anyway (XLSX, JSON) just group them.
        rows: list[Row] = []
        for row in self._rows():
            rows.append(row)
            if len(rows) == size:
                yield chunk_of_rows(self.columns, rows)
                rows = []
        if rows:
            yield chunk_of_rows(self.columns, rows)

    def close(self) -> None:
        while self._resources:
            self._resources.pop().close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
