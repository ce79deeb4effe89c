"""`linewatch users`: create accounts, set role and agency, reset passwords, turn the second factor
on or off, disable. A new or reset password is random and printed once. Each change is audited,
with the operator (LINEWATCH_USER or the OS user) as actor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.table import Table
from sqlalchemy import Connection

from linewatch.cli.common import EXIT_USER_ERROR, console, errors, open_store, settings_from, user_errors

app = typer.Typer(help="Manage user accounts (agency, role, password, second factor).", no_args_is_help=True)


@contextmanager
def access_errors() -> Iterator[None]:
    from linewatch.access.accounts import AccountError
    from linewatch.access.policy import AccessDenied
    from linewatch.access.secret_key import SecretKeyError
    from linewatch.records.erasure import ErasureError

    with user_errors():
        try:
            yield
        except (AccountError, AccessDenied, ErasureError, SecretKeyError) as error:
            errors.print(f"[bold red]Error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None


def _audit(connection: Connection, action: str, detail: dict[str, Any]) -> None:
    from linewatch.audit.chain import append
    from linewatch.audit.context import operator
    from linewatch.audit.events import AuditEvent, Operation

    append(connection, AuditEvent(Operation.administration, f"linewatch users {action}", operator(), detail=detail))


def _policy(ctx: typer.Context) -> Any:
    from linewatch.access.policy import Policy

    return Policy.load(settings_from(ctx).data_dir)


@app.command("create")
def create(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    agency: str = typer.Option(..., "--agency"),
    role: str = typer.Option(
        ..., "--role", help="practitioner, analyst, panel_member, panel_chair, manager, dpo, admin"
    ),
    display_name: str | None = typer.Option(None, "--name"),
) -> None:
    """Create an account with a random password (printed once)."""
    from linewatch.access import accounts
    from linewatch.access.clock import Clock
    from linewatch.access.passwords import generate_password

    with access_errors():
        engine = open_store(settings_from(ctx))
        password = generate_password()
        with engine.begin() as connection:
            accounts.create_account(
                connection,
                _policy(ctx),
                username=username,
                password=password,
                agency=agency,
                role=role,
                display_name=display_name,
                now=Clock().now(),
            )
            _audit(connection, "create", {"created": username, "role": role, "agency": agency})
        console.print(f"Created {username} ({role}, {agency}). Password, shown once: [bold]{password}[/]")


@app.command("list")
def list_users(ctx: typer.Context) -> None:
    """Every account, with role, agency and state."""
    from linewatch.access import accounts
    from linewatch.access.clock import Clock

    with access_errors():
        engine = open_store(settings_from(ctx))
        with engine.connect() as connection:
            found, total = accounts.list_accounts(connection, limit=10_000)
        now = Clock().now()
        table = Table(title=f"{total} account(s)")
        for column in ("username", "name", "role", "agency", "second factor", "state"):
            table.add_column(column)
        for account in found:
            state = (
                "disabled"
                if account.disabled
                else ("locked" if account.locked_until and account.locked_until > now else "active")
            )
            table.add_row(
                account.username,
                account.display_name,
                account.role,
                account.agency,
                "on" if account.totp_enabled else "off",
                state,
            )
        console.print(table)


@app.command("set")
def set_role(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    role: str | None = typer.Option(None, "--role"),
    agency: str | None = typer.Option(None, "--agency"),
) -> None:
    """Change an account's role or agency (its sessions end)."""
    from linewatch.access import accounts, sessions
    from linewatch.access.clock import Clock

    with access_errors():
        engine = open_store(settings_from(ctx))
        with engine.begin() as connection:
            found = accounts.require_account(connection, username)
            updated = accounts.set_role(
                connection, _policy(ctx), username, role=role or found.role, agency=agency or found.agency
            )
            sessions.end_all_sessions(connection, found.id, now=Clock().now())
            _audit(connection, "set", {"changed": username, "role": updated.role, "agency": updated.agency})
        console.print(f"{username} is now {updated.role} at {updated.agency}.")


@app.command("reset-password")
def reset_password(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """A new random password (printed once); sessions end and any lockout clears."""
    from linewatch.access import accounts, sessions
    from linewatch.access.clock import Clock
    from linewatch.access.passwords import generate_password

    with access_errors():
        engine = open_store(settings_from(ctx))
        password = generate_password()
        now = Clock().now()
        with engine.begin() as connection:
            found = accounts.set_password(connection, username, password, now=now)
            sessions.end_all_sessions(connection, found.id, now=now)
            _audit(connection, "reset-password", {"password_reset": username})
        console.print(f"New password for {username}, shown once: [bold]{password}[/]")


@app.command("disable")
def disable(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    enable: bool = typer.Option(False, "--enable", help="Enable it again instead."),
) -> None:
    """Disable an account (its sessions end), or enable it again."""
    from linewatch.access import accounts, sessions
    from linewatch.access.clock import Clock

    with access_errors():
        engine = open_store(settings_from(ctx))
        now = Clock().now()
        with engine.begin() as connection:
            found = accounts.set_disabled(connection, username, disabled=not enable, now=now)
            sessions.end_all_sessions(connection, found.id, now=now)
            _audit(connection, "disable", {"account": username, "disabled": not enable})
        console.print(f"{username} is {'enabled' if enable else 'disabled'}.")


@app.command("totp")
def totp(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    disable_factor: bool = typer.Option(False, "--disable", help="Turn the second factor off."),
    code: str | None = typer.Option(None, "--code", help="Confirm with this code (else asked for)."),
) -> None:
    """Turn on the second factor (TOTP): prints the secret for the user's authenticator app, then
    asks for a code from it to confirm."""
    from linewatch.access import accounts
    from linewatch.access.secret_key import ServerKey
    from linewatch.access.totp import provisioning_uri

    with access_errors():
        settings = settings_from(ctx)
        engine = open_store(settings)
        key = ServerKey(settings.data_dir)
        if disable_factor:
            with engine.begin() as connection:
                accounts.disable_totp(connection, username)
                _audit(connection, "totp", {"account": username, "second_factor": "off"})
            console.print(f"Second factor off for {username}.")
            return
        with engine.begin() as connection:
            secret = accounts.start_totp(connection, username, key=key)
        console.print(f"Secret: [bold]{secret}[/]\nURI for a QR code: {provisioning_uri(secret, username)}")
        given = code or typer.prompt("Code from the authenticator app")
        with engine.begin() as connection:
            accounts.confirm_totp(connection, username, given, key=key)
            _audit(connection, "totp", {"account": username, "second_factor": "on"})
        console.print(f"Second factor on for {username}.")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="users")
