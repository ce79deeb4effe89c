"""What can go wrong with a feed, said so that the person loading it can act."""

from __future__ import annotations

from pathlib import Path

from linewatch.feeds.rows import RowError


class IngestError(Exception):
    """A feed could not be loaded; nothing was written. str() is the whole explanation."""


class UnknownAgency(IngestError):
    pass


class FeedRejected(IngestError):
    """Some rows have problems, so the whole feed was rejected (see --accept-valid)."""

    def __init__(
        self,
        file_name: str,
        first_errors: list[RowError],
        error_count: int,
        bad_rows: int,
        report: Path,
    ):
        self.file_name = file_name
        self.first_errors = first_errors
        self.error_count = error_count
        self.bad_rows = bad_rows
        self.report = report
        listed = "\n".join(f"  {error.describe(file_name)}" for error in first_errors)
        more = error_count - len(first_errors)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{file_name} was rejected: {bad_rows} row(s) have {error_count} problem(s), so nothing was loaded.\n"
            f"{listed}{tail}\n"
            f"Every problem is listed in {report}. Fix the file and load it again, or load the valid rows "
            "with --accept-valid (the others go to a rejects file)."
        )
