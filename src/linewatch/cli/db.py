"""`linewatch db`: create and migrate the store."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from linewatch.cli.common import EXIT_USER_ERROR, console, errors, open_store, settings_from, user_errors
from linewatch.store.migrate import current_revision, head_revision, new_revision, upgrade

app = typer.Typer(
    help="Create and migrate the store (SQLite by default, PostgreSQL by URL).",
    no_args_is_help=True,
)


@app.command("upgrade")
def upgrade_command(ctx: typer.Context) -> None:
    """Create the store or bring it to the latest schema."""
    with user_errors():
        settings = settings_from(ctx)
        engine = open_store(settings, require_migrated=False)
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
        if before == after:
            console.print(f"Store already at migration {after} ({engine.url.render_as_string(hide_password=True)}).")
        else:
            console.print(
                f"Store migrated {before or 'empty'} -> {after} ({engine.url.render_as_string(hide_password=True)})."
            )
        _seal_clear_secrets(settings.data_dir, engine)


def _seal_clear_secrets(data_dir: Path, engine: Engine) -> None:
    """Second-factor secrets enrolled before migration 0007 are in clear: seal them with the server
    key (a migration cannot: the key is outside the database)."""
    from linewatch.access.accounts import seal_clear_totp_secrets
    from linewatch.access.secret_key import SecretKeyError, ServerKey

    key = ServerKey(data_dir)
    try:
        with engine.begin() as connection:
            sealed = seal_clear_totp_secrets(connection, key)
    except SecretKeyError as error:
        errors.print(f"[bold red]Error:[/] second-factor secrets left in clear: {error}", highlight=False)
        raise typer.Exit(EXIT_USER_ERROR) from None
    if sealed:
        console.print(f"Sealed {sealed} second-factor secret(s) kept in clear with the key from {key.source}.")


@app.command("current")
def current_command(ctx: typer.Context) -> None:
    """Show the store's migration and the latest one shipped."""
    with user_errors():
        engine = open_store(settings_from(ctx), require_migrated=False)
        console.print(f"current: {current_revision(engine) or 'none'}   latest: {head_revision()}")


@app.command("revision")
def revision_command(ctx: typer.Context, message: str = typer.Option(..., "-m", "--message")) -> None:
    """(Developers) write a migration for changes made to the model's YAML files."""
    with user_errors():
        engine = open_store(settings_from(ctx), require_migrated=True)
        new_revision(engine, message)
