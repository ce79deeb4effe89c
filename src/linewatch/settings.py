"""One typed settings object, read from the environment (LINEWATCH_*), used by every entry point."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str

    @property
    def analytics_dir(self) -> Path:
        """Parquet files of bulk records (calls, sightings), read with DuckDB."""
        return self.data_dir / "analytics"

    @property
    def rejects_dir(self) -> Path:
        return self.data_dir / "rejects"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(data_dir: Path | None = None, database_url: str | None = None) -> Settings:
    """Settings from arguments, else LINEWATCH_DATA_DIR / LINEWATCH_DATABASE_URL, else defaults."""
    directory = data_dir or Path(os.environ.get("LINEWATCH_DATA_DIR", "linewatch-data"))
    url = (
        database_url
        or os.environ.get("LINEWATCH_DATABASE_URL")
        or (f"sqlite:///{(directory / 'linewatch.db').resolve()}")
    )
    return Settings(data_dir=directory.resolve(), database_url=url)
