"""The store's access tables: user accounts and their sessions, the hash-chained audit trail with
its head, and the erasure ledger. Registered on ``linewatch.store.tables.metadata``.

Roles, data-sharing agreements, sensitivity rules and retention rules are definitions (YAML under
``linewatch/access`` and ``linewatch/records``), not tables. Every table here is also created by
migration 0005_access.py, and 0007 adds the sealed second-factor secret (a test checks the
migrations equal the model).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from linewatch.store.tables import ID_TYPE, metadata

account = Table(
    "account",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(256), nullable=False),  # argon2id, PHC string
    Column("password_changed_at", DateTime, nullable=False),
    Column("totp_secret", String(64), nullable=True),  # in clear, from before 0007 only: sealed and emptied on use
    Column("totp_secret_sealed", String(255), nullable=True),  # set at enrolment, sealed (access/secret_key.py)
    Column("totp_enabled", Boolean, nullable=False),
    Column("totp_last_step", BigInteger, nullable=True),  # the last time step accepted: no replay
    Column("failed_logins", Integer, nullable=False),  # consecutive failures since the last success
    Column("locked_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("disabled_at", DateTime, nullable=True),
    comment="A person who signs in: one agency, one role",
)

access_session = Table(
    "access_session",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the session token; the token is never stored
    Column("account_id", ForeignKey("account.id"), nullable=False),
    Column("csrf_hash", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),  # absolute expiry; idle expiry counts from last_seen_at
    Column("revoked_at", DateTime, nullable=True),
    Column("client", String(200), nullable=True),
    comment="A signed-in session (cookie), with idle and absolute expiry",
)
Index("ix_access_session_account", access_session.c.account_id)

audit_event = Table(
    "audit_event",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # gapless, from audit_head
    Column("at", DateTime, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("operation", String(16), nullable=False),  # collection | alteration | consultation | disclosure ...
    Column("action", String(128), nullable=False),  # the route or command
    Column("outcome", String(16), nullable=False),  # allowed | denied | failed
    Column("purpose", String(64), nullable=True),
    Column("reason", Text, nullable=True),  # the justification typed by the user
    Column("subjects", JSON, nullable=False),  # subject ids touched
    Column("records", JSON, nullable=False),  # record references "Schema/agency/source_id", or "feed:12"
    Column("detail", JSON, nullable=False),  # counts, recipients, query terms kept as metadata only
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    comment="Append-only, hash-chained log of processing of personal data (DPA 2018 s.62)",
)
Index("ix_audit_event_at", audit_event.c.at)
Index("ix_audit_event_actor", audit_event.c.actor)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    comment="The audit chain's last entry; appends lock this row so the chain never forks",
)

audit_event_subject = Table(
    "audit_event_subject",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("seq", ForeignKey("audit_event.seq"), nullable=False),
    Column("subject_id", String(16), nullable=False),
    comment="Which audit entries touch which subject, for the data protection officer's questions",
)
Index("ix_audit_event_subject_subject", audit_event_subject.c.subject_id)
Index("ix_audit_event_subject_seq", audit_event_subject.c.seq)

erasure_ledger = Table(
    "erasure_ledger",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("erased_at", DateTime, nullable=False),
    Column("erased_by", String(128), nullable=False),
    Column("record_schema", String(64), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("source_id", String(512), nullable=False),
    Column("versions", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("audit_seq", BigInteger, nullable=True),
    comment="Records erased (references only, never their content), re-applied after a backup restore",
)
Index("ix_erasure_ledger_record", erasure_ledger.c.agency, erasure_ledger.c.source_id)

ACCESS_TABLES = (account, access_session, audit_event, audit_head, audit_event_subject, erasure_ledger)
