"""Check the audit chain end to end: every entry's hash, the links between entries, the sequence
without gaps, the head, the subject index, and the checkpoints kept outside the database (which
catch a rewrite of the whole chain or a truncation of its tail).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from linewatch.audit.chain import GENESIS, entry_hash, head
from linewatch.settings import Settings
from linewatch.store.tables_access import audit_event, audit_event_subject

BATCH = 5_000
SHOWN_PROBLEMS = 50


@dataclass
class VerifyReport:
    entries: int = 0
    head_seq: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(text)
        else:
            self.more_problems += 1

    def lines(self) -> list[str]:
        if self.ok:
            return [
                f"audit chain intact: {self.entries:,} entries, head {self.head_seq}, "
                f"{self.checkpoints} checkpoint(s) matched"
            ]
        out = [f"AUDIT CHAIN BROKEN: {len(self.problems) + self.more_problems} problem(s) in {self.entries:,} entries"]
        out += [f"  {p}" for p in self.problems]
        if self.more_problems:
            out.append(f"  ... and {self.more_problems} more")
        return out


def checkpoint_path(settings: Settings) -> Path:
    """Where checkpoints go: LINEWATCH_AUDIT_CHECKPOINTS, ideally on another machine or write-once
    storage; by default <data dir>/audit/checkpoints.jsonl."""
    configured = os.environ.get("LINEWATCH_AUDIT_CHECKPOINTS")
    return Path(configured) if configured else settings.data_dir / "audit" / "checkpoints.jsonl"


def write_checkpoint(engine: Engine, path: Path) -> tuple[int, str]:
    """Append the chain head (sequence and hash) to the checkpoint file."""
    with engine.connect() as connection:
        seq, digest = head(connection)
    if seq == 0:
        return seq, digest
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"seq": seq, "hash": digest, "at": datetime.now(UTC).isoformat(timespec="seconds")})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return seq, digest


def read_checkpoints(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    points = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            point = json.loads(line)
            points.append({"seq": int(point["seq"]), "hash": str(point["hash"]), "line": number})
        except (ValueError, KeyError, TypeError):
            points.append({"seq": -1, "hash": "", "line": number})
    return points


def _entries(connection: Connection) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        rows = (
            connection.execute(
                select(audit_event).where(audit_event.c.seq > last).order_by(audit_event.c.seq).limit(BATCH)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        for row in rows:
            yield dict(row)
        last = rows[-1]["seq"]


def _indexed_subjects(connection: Connection) -> dict[int, set[str]]:
    indexed: dict[int, set[str]] = {}
    for seq, subject_id in connection.execute(select(audit_event_subject.c.seq, audit_event_subject.c.subject_id)):
        indexed.setdefault(int(seq), set()).add(subject_id)
    return indexed


def verify_chain(engine: Engine, checkpoints: Path | None = None) -> VerifyReport:
    report = VerifyReport()
    hashes: dict[int, str] = {}
    with engine.connect() as connection:
        head_seq, head_hash = head(connection)
        report.head_seq = head_seq
        indexed = _indexed_subjects(connection)
        expected_seq, prev = 1, GENESIS
        for entry in _entries(connection):
            report.entries += 1
            seq = int(entry["seq"])
            if seq != expected_seq:
                report.problem(f"entries {expected_seq}..{seq - 1} are missing (deleted)")
            if entry["prev_hash"] != prev:
                report.problem(f"entry {seq} does not follow the entry before it (a neighbour was edited or deleted)")
            if entry_hash(entry) != entry["hash"]:
                report.problem(f"entry {seq} was edited after it was written (its hash does not match its content)")
            if set(entry["subjects"]) != indexed.pop(seq, set()):
                report.problem(f"entry {seq}: the subject index does not match the entry")
            hashes[seq] = entry["hash"]
            prev = entry["hash"]
            expected_seq = seq + 1
        last_seq = expected_seq - 1
        if last_seq != head_seq:
            report.problem(f"the chain ends at entry {last_seq} but its head says {head_seq} (entries removed)")
        elif head_seq and head_hash != prev:
            report.problem(f"the chain head's hash does not match entry {head_seq}")
        for seq in sorted(indexed):
            report.problem(f"the subject index names entry {seq}, which does not exist")
    if checkpoints is not None:
        for point in read_checkpoints(checkpoints):
            report.checkpoints += 1
            if point["seq"] < 0:
                report.problem(f"{checkpoints} line {point['line']} is not a checkpoint")
            elif point["seq"] not in hashes:
                report.problem(f"checkpoint at entry {point['seq']} names an entry that is gone (chain truncated)")
            elif hashes[point["seq"]] != point["hash"]:
                report.problem(f"checkpoint at entry {point['seq']} does not match (the chain was rewritten)")
    return report
