"""What every command shares: settings, the store, and turning expected failures into a clear
message and a non-zero exit instead of a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import Engine

from linewatch.definitions import DefinitionError
from linewatch.feeds.errors import IngestError
from linewatch.feeds.readers import FeedFileError
from linewatch.settings import Settings, load_settings
from linewatch.store.engine import StoreError, make_engine
from linewatch.store.migrate import require_current

console = Console()
errors = Console(stderr=True)

USER_ERRORS = (IngestError, FeedFileError, DefinitionError, StoreError)
EXIT_USER_ERROR = 2


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except USER_ERRORS as error:
        errors.print(f"[bold red]Error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USER_ERROR) from None


def settings_from(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    if isinstance(obj, Settings):
        return obj
    return load_settings()


def open_store(settings: Settings, *, require_migrated: bool = True) -> Engine:
    engine = make_engine(settings.database_url)
    if require_migrated:
        require_current(engine)
    return engine


def data_dir_option() -> Path | None:
    return typer.Option(
        None,
        "--data-dir",
        envvar="LINEWATCH_DATA_DIR",
        help="Workspace folder (default ./linewatch-data).",
    )
