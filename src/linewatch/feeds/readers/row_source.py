"""The shape every reader returns: named columns, then numbered rows of stripped text, once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

Row = tuple[int, dict[str, str | None]]
"""(row number in the file, {column name: stripped text, or None for an empty cell})."""


class _Closeable(Protocol):
    def close(self) -> None: ...


class RowSource(Protocol):
    """An opened feed file. Use it as a context manager and iterate it once."""

    columns: list[str]
    encoding: str
    content_sha256: str

    def __iter__(self) -> Iterator[Row]: ...

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

    def _rows(self) -> Iterator[Row]:
        raise NotImplementedError

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
