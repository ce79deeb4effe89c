"""The one exception the feed readers raise for bad input: a whole-file problem, named in a sentence."""

from __future__ import annotations

from pathlib import Path


class FeedFileError(Exception):
    """A feed file cannot be read as its mapping says.

    `problem` is a clause a person can act on ("row 17 has 9 cells but the header has 8");
    `str(error)` is a complete sentence that also names the file.
    """

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(path, problem)

    def __str__(self) -> str:
        ending = "" if self.problem.endswith((".", "?", "!")) else "."
        return f"Cannot read feed file '{self.path}': {self.problem}{ending}"
