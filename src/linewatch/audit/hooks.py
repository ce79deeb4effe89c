"""The calls other capabilities make to record what they did (feed loads, linkage runs, exports).
Each is one line at the call site; the actor is whoever is acting (see audit.context)."""

from __future__ import annotations

from dataclasses import astuple, is_dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from linewatch.audit.chain import append, append_now
from linewatch.audit.context import current_actor, current_purpose
from linewatch.audit.events import AuditEvent, Operation


def feed_loaded(connection: Connection, feed_id: int, agency: str, file_name: str, records: dict[str, Any]) -> None:
    """A feed's records: new ones are a collection, changed ones an alteration (in the feed's transaction)."""
    new = {name: counts.get("new", 0) for name, counts in records.items() if counts.get("new", 0)}
    changed = {name: counts.get("changed", 0) for name, counts in records.items() if counts.get("changed", 0)}
    actor, purpose = current_actor(), current_purpose()
    refs = (f"feed:{feed_id}",)
    detail = {"agency": agency, "file": file_name}
    append(
        connection,
        AuditEvent(
            Operation.collection, "feed ingest", actor, purpose=purpose, records=refs, detail={**detail, "records": new}
        ),
    )
    if changed:
        append(
            connection,
            AuditEvent(
                Operation.alteration,
                "feed ingest",
                actor,
                purpose=purpose,
                records=refs,
                detail={**detail, "records": changed},
            ),
        )


def linkage_run(connection: Connection, run_id: int, kind: str, records: int, subjects: int) -> None:
    """A linkage run combines every agency's person records (in the run's transaction)."""
    append(
        connection,
        AuditEvent(
            Operation.combination,
            "linkage run",
            current_actor(),
            purpose=current_purpose() or "data_quality",
            records=(f"linkage_run:{run_id}",),
            detail={"kind": kind, "records": records, "subjects": subjects},
        ),
    )


def screening_run(connection: Connection, run_id: int, subjects: int, evidence: int) -> None:
    """A screening run combines every agency's records into one score per subject (in the run's transaction)."""
    append(
        connection,
        AuditEvent(
            Operation.combination,
            "screening run",
            current_actor(),
            purpose=current_purpose() or "safeguarding",
            records=(f"screening_run:{run_id}",),
            detail={"subjects": subjects, "evidence_records": evidence},
        ),
    )


def places_run(engine: Engine, out_dir: str, counts: dict[str, Any]) -> None:
    """A places run combines agencies' records about addresses, sightings and people into findings
    written to Parquet (after the write: the files are outside the store's transaction)."""
    append_now(
        engine,
        AuditEvent(
            Operation.combination,
            "places run",
            current_actor(),
            purpose=current_purpose() or "safeguarding",
            records=("places_run",),
            detail={"outputs": out_dir, "counts": counts},
        ),
    )


def exported(engine: Engine | None, what: str, files: object, recipients: list[str] | None = None) -> None:
    """Files of personal data written for someone else's tools (a disclosure). ``files`` is a list
    of paths or a dataclass of them; without a store (comms analysed alone) there is no trail."""
    if engine is None:
        return
    paths = astuple(files) if is_dataclass(files) and not isinstance(files, type) else files
    append_now(
        engine,
        AuditEvent(
            Operation.disclosure,
            f"export {what}",
            current_actor(),
            purpose=current_purpose(),
            detail={
                "files": [str(path) for path in paths],  # type: ignore[attr-defined]
                "recipients": recipients or ["local file for analysts' tools"],
            },
        ),
    )


def review_decided(engine: Engine, review_id: int, accept: bool, sides: list[dict[str, Any]]) -> None:
    """A review decision at the command line alters how records are linked (an alteration)."""
    append_now(
        engine,
        AuditEvent(
            Operation.alteration,
            "linewatch review",
            current_actor(),
            purpose=current_purpose() or "data_quality",
            subjects=tuple(side["subject_id"] for side in sides if side.get("subject_id")),
            records=tuple(f"Person/{side['agency']}/{side['source_id']}" for side in sides),
            detail={"review_id": review_id, "decision": "accept" if accept else "reject"},
        ),
    )


def consulted(engine: Engine, action: str, people: list[dict[str, Any]]) -> None:
    """Person records shown at the command line (a consultation); ``people`` have agency and source_id."""
    if not people:
        return
    append_now(
        engine,
        AuditEvent(
            Operation.consultation,
            action,
            current_actor(),
            purpose=current_purpose() or "data_quality",
            subjects=tuple(p["subject_id"] for p in people if p.get("subject_id")),
            records=tuple(f"Person/{p['agency']}/{p['source_id']}" for p in people),
        ),
    )
