"""`linewatch records`: retention review, erasure (audited, ledgered) and subject access export."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from linewatch.cli.common import console, open_store, settings_from
from linewatch.cli.users import access_errors

app = typer.Typer(help="Records management: retention, erasure, subject access.", no_args_is_help=True)


@app.command("review")
def review(
    ctx: typer.Context,
    erase_due: bool = typer.Option(False, "--erase-due", help="Erase the records whose rule says 'then: erase'."),
    reason: str = typer.Option("retention period ended", "--reason"),
) -> None:
    """Records past their review date, per record type and agency, with the rule applied."""
    from linewatch.access.clock import Clock
    from linewatch.audit.context import operator
    from linewatch.model import default_model
    from linewatch.records.erasure import erase_records
    from linewatch.records.retention import due_for_review, load_retention, records_due

    with access_errors():
        settings = settings_from(ctx)
        engine = open_store(settings)
        rules = load_retention(settings.data_dir)
        today = Clock().now().date()
        with engine.connect() as connection:
            due = due_for_review(connection, rules, today)
        table = Table(title=f"Records past their review date on {today}")
        for column in ("record type", "agency", "rule", "records", "oldest"):
            table.add_column(column)
        for item in due:
            table.add_row(item.record_type, item.agency, item.rule, f"{item.due:,}", str(item.oldest or ""))
        console.print(table if due else f"No record is past its review date on {today}.")
        if erase_due:
            for item in [d for d in due if d.action == "erase"]:
                with engine.connect() as connection:
                    refs = records_due(connection, rules, default_model()[item.record_type], today, item.agency)
                result = erase_records(
                    engine,
                    settings,
                    [(item.record_type, a, s) for a, s in refs],
                    principal=operator(),
                    reason=reason,
                    now=Clock().now(),
                )
                console.print(f"{item.record_type} ({item.agency}): {result.line()}")


@app.command("erase")
def erase(
    ctx: typer.Context,
    subject_id: str | None = typer.Option(None, "--subject", help="Erase everything about this subject."),
    records: list[str] = typer.Option([], "--record", help="Schema/agency/source_id (repeat for several)."),
    reason: str = typer.Option(..., "--reason", help="Kept in the audit trail (at least 10 characters)."),
) -> None:
    """Erase a subject, or chosen records: every version, from the store and the analytics workspace."""
    from linewatch.access.clock import Clock
    from linewatch.audit.context import operator
    from linewatch.records.erasure import ErasureError, erase_records, erase_subject

    with access_errors():
        settings = settings_from(ctx)
        engine = open_store(settings)
        if bool(subject_id) == bool(records):
            raise ErasureError("give either --subject or --record")
        if subject_id:
            result = erase_subject(engine, settings, subject_id, principal=operator(), reason=reason, now=Clock().now())
        else:
            targets = []
            for ref in records:
                parts = ref.split("/", 2)
                if len(parts) != 3 or not all(parts):
                    raise ErasureError(f"{ref!r} is not Schema/agency/source_id")
                targets.append((parts[0], parts[1], parts[2]))
            result = erase_records(engine, settings, targets, principal=operator(), reason=reason, now=Clock().now())
        console.print(result.line())


@app.command("reapply-erasures")
def reapply(ctx: typer.Context) -> None:
    """After restoring a backup: erase again every record in the erasure ledger."""
    from linewatch.audit.context import operator
    from linewatch.records.erasure import reapply_ledger

    with access_errors():
        settings = settings_from(ctx)
        result = reapply_ledger(open_store(settings), settings, principal=operator())
        console.print(f"re-applied the erasure ledger: {result.line()}")


@app.command("export")
def export(
    ctx: typer.Context,
    subject_id: str = typer.Argument(..., help="e.g. S0000042"),
    out: Path = typer.Option(..., "--out", help="JSON file to write."),
    reason: str = typer.Option(..., "--reason", help="The request being answered (audited)."),
) -> None:
    """Subject access export: everything held about the subject, as JSON (audited as a disclosure)."""
    from linewatch.audit.chain import append_now
    from linewatch.audit.context import operator
    from linewatch.audit.events import AuditEvent, Operation, record_ref
    from linewatch.records.erasure import ErasureError
    from linewatch.records.subject_access import subject_access_export

    with access_errors():
        settings = settings_from(ctx)
        engine = open_store(settings)
        if len(reason.strip()) < 10:
            raise ErasureError("--reason needs at least 10 characters")
        with engine.connect() as connection:
            data = subject_access_export(connection, settings, subject_id)
        if data is None:
            raise ErasureError(f"no subject {subject_id}")
        out.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
        append_now(
            engine,
            AuditEvent(
                Operation.disclosure,
                "linewatch records export",
                operator(),
                purpose="subject_access",
                reason=reason,
                subjects=(subject_id,),
                records=tuple(record_ref("Person", r["agency"], r["source_id"]) for r in data["linked_records"]),
                detail={"recipients": ["the data subject"], "file": str(out)},
            ),
        )
        console.print(f"wrote {out}: {sum(len(v) for v in data['records'].values())} records about {subject_id}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="records")
