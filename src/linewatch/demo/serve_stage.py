"""The demo's last step: demo accounts for each role (random passwords, printed once), then the
web API on 127.0.0.1:8000 until Ctrl-C (skipped with --no-serve)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from linewatch.settings import Settings


def print_accounts(console: Console, accounts: list[tuple[str, str, str, str]]) -> None:
    """The accounts as a table whose usernames and passwords are never cut short: a narrow
    terminal (or none, as under CI, where Rich assumes 80 columns) gets a wider table instead of
    an ellipsis in the one place a password is ever shown."""
    table = Table(title="Demo accounts (passwords made now, shown once)")
    for column in ("username", "role", "agency", "password"):
        table.add_column(column, no_wrap=True)
    for row in accounts:
        table.add_row(*row)
    needed = (
        sum(
            max(len(column), *(len(row[i]) for row in accounts)) + 3
            for i, column in enumerate(("username", "role", "agency", "password"))
        )
        + 1
    )
    width = console.width
    console.width = max(width, needed)  # print(width=) can only narrow the output, not widen it
    try:
        console.print(table)
    finally:
        console.width = width


def serve_demo(settings: Settings, console: Console, *, serve: bool) -> None:
    from linewatch.access.demo_accounts import create_demo_accounts
    from linewatch.access.policy import Policy
    from linewatch.store.engine import make_engine

    engine = make_engine(settings.database_url)
    created = create_demo_accounts(engine, Policy.load(settings.data_dir))
    engine.dispose()
    print_accounts(console, [(a.username, a.role, a.agency, a.password) for a in created])
    if not serve:
        console.print(f"To serve the API: LINEWATCH_DATA_DIR={settings.data_dir} linewatch serve")
        return
    from linewatch.cli.serve import run_server

    console.print(
        "Sign in at POST http://127.0.0.1:8000/auth/login; the API is described at http://127.0.0.1:8000/docs"
    )
    run_server(settings, host="127.0.0.1", port=8000)
