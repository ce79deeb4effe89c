"""The audit chain: appends link entry to entry; `verify` finds an edited entry, a deleted one,
a truncated tail and a rewritten chain; the tables refuse UPDATE and DELETE."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from linewatch.access.policy import Principal
from linewatch.audit.chain import append_now, entry_hash
from linewatch.audit.events import AuditEvent, Operation
from linewatch.audit.queries import who_looked_at
from linewatch.audit.verify import verify_chain, write_checkpoint
from linewatch.store.tables_access import audit_event
from tests.conftest import Store

KIM = Principal("kim", "police", "analyst")


def _fill(store: Store, count: int = 5) -> None:
    for number in range(count):
        append_now(
            store.engine,
            AuditEvent(
                Operation.consultation,
                "GET /subjects/{subject_id}",
                KIM,
                purpose="safeguarding",
                subjects=(f"S000000{number}",),
                records=(f"Person/police/P{number}",),
            ),
        )


def _as_attacker(store: Store, *statements: str) -> None:
    """Someone with database rights: switch the append-only triggers off, then change rows."""
    with store.engine.begin() as connection:
        if store.backend == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE audit_event_subject DISABLE TRIGGER USER"))
        else:
            for table in ("audit_event", "audit_event_subject"):
                for verb in ("update", "delete"):
                    connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        for statement in statements:
            connection.execute(text(statement))


def test_an_untouched_chain_verifies(store: Store) -> None:
    _fill(store)
    report = verify_chain(store.engine)
    assert report.ok and report.entries == 5 and report.head_seq == 5


def test_the_audit_tables_refuse_updates_and_deletes(store: Store) -> None:
    _fill(store, 1)
    for statement in (
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event_subject",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))


def test_an_edited_entry_is_detected(store: Store) -> None:
    _fill(store)
    _as_attacker(store, "UPDATE audit_event SET purpose = 'curiosity' WHERE seq = 3")
    report = verify_chain(store.engine)
    assert not report.ok
    assert any("entry 3 was edited" in p for p in report.problems)


def test_a_deleted_entry_is_detected(store: Store) -> None:
    _fill(store)
    _as_attacker(store, "DELETE FROM audit_event_subject WHERE seq = 2", "DELETE FROM audit_event WHERE seq = 2")
    report = verify_chain(store.engine)
    assert any("entries 2..2 are missing" in p for p in report.problems)


def test_a_truncated_tail_is_detected_by_the_head(store: Store) -> None:
    _fill(store)
    _as_attacker(store, "DELETE FROM audit_event_subject WHERE seq = 5", "DELETE FROM audit_event WHERE seq = 5")
    assert any("head says 5" in p for p in verify_chain(store.engine).problems)


def test_a_rewritten_chain_is_detected_by_the_checkpoint(store: Store, tmp_path: Path) -> None:
    """An attacker who edits an entry, recomputes every hash after it and moves the head leaves a
    chain that is consistent in itself; the checkpoint kept elsewhere still exposes it."""
    _fill(store)
    checkpoints = tmp_path / "elsewhere" / "checkpoints.jsonl"
    write_checkpoint(store.engine, checkpoints)
    with store.engine.connect() as connection:
        rows = [dict(r) for r in connection.execute(select(audit_event).order_by(audit_event.c.seq)).mappings()]
    rows[1]["reason"] = "nothing to see"
    statements = []
    prev = rows[0]["hash"]
    for row in rows[1:]:
        row["prev_hash"] = prev
        row["hash"] = entry_hash(row)
        prev = row["hash"]
        statements.append(
            f"UPDATE audit_event SET reason = {_quote(row['reason'])}, prev_hash = '{row['prev_hash']}', "
            f"hash = '{row['hash']}' WHERE seq = {row['seq']}"
        )
    statements.append(f"UPDATE audit_head SET hash = '{prev}'")
    _as_attacker(store, *statements)
    assert verify_chain(store.engine).ok  # consistent in itself...
    report = verify_chain(store.engine, checkpoints)
    assert any("checkpoint at entry 5 does not match" in p for p in report.problems)  # ...but not with the checkpoint


def _quote(value: object) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def test_a_removed_subject_index_row_is_detected(store: Store) -> None:
    """Hiding an access from the DPO's 'who looked at this child' query is tampering too."""
    _fill(store)
    _as_attacker(store, "DELETE FROM audit_event_subject WHERE seq = 4")
    assert any("entry 4: the subject index" in p for p in verify_chain(store.engine).problems)


def test_concurrent_appends_keep_one_unbroken_chain(store: Store) -> None:
    def worker() -> None:
        for _ in range(10):
            append_now(store.engine, AuditEvent(Operation.consultation, "x", KIM, subjects=("S0000001",)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify_chain(store.engine)
    assert report.ok and report.entries == 40


def test_who_looked_at_a_child_and_why(store: Store) -> None:
    append_now(
        store.engine,
        AuditEvent(
            Operation.consultation,
            "GET /subjects/{subject_id}",
            KIM,
            purpose="mace_panel",
            reason="panel on Tuesday",
            subjects=("S0000042",),
        ),
    )
    append_now(
        store.engine,
        AuditEvent(
            Operation.consultation,
            "GET /subjects/{subject_id}",
            KIM,
            purpose="mace_panel",
            reason="panel follow-up",
            subjects=("S0000042",),
        ),
    )
    append_now(
        store.engine, AuditEvent(Operation.consultation, "GET /subjects/{subject_id}", KIM, subjects=("S0000043",))
    )
    with store.engine.connect() as connection:
        rows = who_looked_at(connection, "S0000042")
    assert len(rows) == 1
    assert rows[0]["actor"] == "kim" and rows[0]["times"] == 2 and rows[0]["purpose"] == "mace_panel"
    assert rows[0]["reasons"] == ["panel on Tuesday", "panel follow-up"]
