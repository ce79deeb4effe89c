"""`linewatch audit`: verify the hash chain, checkpoint its head, and answer the data protection
officer's questions (who looked at this child, and why)."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from rich.table import Table

from linewatch.cli.common import console, open_store, settings_from, user_errors

app = typer.Typer(help="The audit trail (DPA 2018 s.62): verify, checkpoint, query.", no_args_is_help=True)


@app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Check every entry, the links between them, the head and the checkpoints; exit 1 if broken.
    A chain found intact is checkpointed."""
    from linewatch.audit.verify import checkpoint_path, verify_chain, write_checkpoint

    with user_errors():
        settings = settings_from(ctx)
        engine = open_store(settings)
        report = verify_chain(engine, checkpoint_path(settings))
        for line in report.lines():
            console.print(line, highlight=False, style=None if report.ok else "bold red")
        if not report.ok:
            raise typer.Exit(1)
        write_checkpoint(engine, checkpoint_path(settings))


@app.command("checkpoint")
def checkpoint(ctx: typer.Context) -> None:
    """Append the chain head to the checkpoint file (LINEWATCH_AUDIT_CHECKPOINTS: keep it elsewhere)."""
    from linewatch.audit.verify import checkpoint_path, write_checkpoint

    with user_errors():
        settings = settings_from(ctx)
        seq, digest = write_checkpoint(open_store(settings), checkpoint_path(settings))
        console.print(f"checkpoint: entry {seq} {digest} -> {checkpoint_path(settings)}")


@app.command("who")
def who(ctx: typer.Context, subject_id: str = typer.Argument(..., help="e.g. S0000042")) -> None:
    """Who looked at this child, and why."""
    from linewatch.audit.queries import who_looked_at

    with user_errors():
        engine = open_store(settings_from(ctx))
        with engine.connect() as connection:
            rows = who_looked_at(connection, subject_id)
        table = Table(title=f"Who looked at {subject_id}, and why")
        for column in ("who", "role", "agency", "what", "outcome", "purpose", "times", "last", "reasons"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                row["actor"],
                row["role"],
                row["agency"],
                row["operation"],
                row["outcome"],
                row["purpose"] or "",
                str(row["times"]),
                str(row["last_at"])[:19],
                "; ".join(row["reasons"]),
            )
        console.print(table)


@app.command("events")
def events(
    ctx: typer.Context,
    subject_id: str | None = typer.Option(None, "--subject"),
    actor: str | None = typer.Option(None, "--actor"),
    operation: str | None = typer.Option(None, "--operation"),
    since: datetime | None = typer.Option(None, "--since"),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    as_json: bool = typer.Option(False, "--json", help="One JSON object a line."),
) -> None:
    """Audit entries, newest first."""
    from linewatch.audit.queries import AuditFilter, find_events

    with user_errors():
        engine = open_store(settings_from(ctx))
        with engine.connect() as connection:
            rows, total = find_events(
                connection, AuditFilter(subject_id, actor, None, operation, None, since), limit=limit
            )
        if as_json:
            for row in rows:
                console.print_json(json.dumps(row, default=str))
            return
        table = Table(title=f"{total:,} matching entr{'y' if total == 1 else 'ies'} (newest {len(rows)})")
        for column in ("seq", "at", "who", "role", "agency", "operation", "action", "outcome", "purpose", "subjects"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                str(row["seq"]),
                str(row["at"])[:19],
                row["actor"],
                row["role"],
                row["agency"],
                row["operation"],
                row["action"],
                row["outcome"],
                row["purpose"] or "",
                ", ".join(row["subjects"][:5]) + (" ..." if len(row["subjects"]) > 5 else ""),
            )
        console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="audit")
