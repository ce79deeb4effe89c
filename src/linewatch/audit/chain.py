"""Append to the audit chain: each entry's hash covers its content and the previous entry's hash,
so changing or removing any entry breaks every hash after it.

Appends first update the single ``audit_head`` row, which locks it until the transaction ends:
concurrent writers queue there (on PostgreSQL and SQLite alike) and the chain never forks. Call
``append`` inside the transaction of the action it records, last, so the lock is held briefly.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from linewatch.audit.events import AuditEvent
from linewatch.store.tables_access import audit_event, audit_event_subject, audit_head

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "agency",
    "role",
    "operation",
    "action",
    "outcome",
    "purpose",
    "reason",
    "subjects",
    "records",
    "detail",
    "prev_hash",
)


def canonical(entry: dict[str, Any]) -> str:
    """The entry's hashed content as one canonical JSON text."""
    content = {name: entry[name] for name in HASHED_FIELDS}
    at = content["at"]
    content["at"] = at.isoformat(timespec="microseconds") if isinstance(at, datetime) else str(at)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """Detail values as JSON keeps them, so the hash recomputes the same after a round trip."""
    return json.loads(json.dumps(value, default=str))


# Built once: every append only binds values.
_ADVANCE_HEAD = (
    update(audit_head)
    .where(audit_head.c.id == 1)
    .values(seq=audit_head.c.seq + 1)
    .returning(audit_head.c.seq, audit_head.c.hash)
)
_SET_HEAD_HASH = update(audit_head).where(audit_head.c.id == 1).values(hash=bindparam("new_hash"))
_INSERT_EVENT = insert(audit_event)
_INSERT_SUBJECT = insert(audit_event_subject)


def append(connection: Connection, event: AuditEvent, *, at: datetime | None = None) -> int:
    """Write one entry in the caller's transaction; returns its sequence number."""
    head = connection.execute(_ADVANCE_HEAD).first()
    if head is None:
        raise RuntimeError("the audit chain has no head row: run `linewatch db upgrade`")
    seq, prev_hash = int(head.seq), str(head.hash)
    moment = at or datetime.now(UTC).replace(tzinfo=None)
    entry: dict[str, Any] = {
        "seq": seq,
        "at": moment,
        "actor": event.principal.username[:128],
        "agency": event.principal.agency[:64],
        "role": event.principal.role[:32],
        "operation": event.operation.value,
        "action": event.action[:128],
        "outcome": event.outcome.value,
        "purpose": event.purpose,
        "reason": event.reason,
        "subjects": sorted(set(event.subjects)),
        "records": sorted(set(event.records)),
        "detail": _plain(event.detail),
        "prev_hash": prev_hash,
    }
    entry["hash"] = entry_hash(entry)
    connection.execute(_INSERT_EVENT, entry)
    if entry["subjects"]:
        connection.execute(_INSERT_SUBJECT, [{"seq": seq, "subject_id": s} for s in entry["subjects"]])
    connection.execute(_SET_HEAD_HASH, {"new_hash": entry["hash"]})
    return seq


def append_now(engine: Engine, event: AuditEvent) -> int:
    """Append in a transaction of its own: for denials and reads, which must be logged even when
    the action itself writes nothing or rolls back."""
    with engine.begin() as connection:
        return append(connection, event)


def head(connection: Connection) -> tuple[int, str]:
    row = connection.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    return (int(row.seq), str(row.hash)) if row is not None else (0, GENESIS)
