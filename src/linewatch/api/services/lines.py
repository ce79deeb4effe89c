"""Deal lines and their networks, read from the outputs of `linewatch comms lines` in the
analytics workspace (re-read when the files change). Communications data is obtained by the
police under lawful order: a caller sees lines only when their scope opens police CallRecord
data, and a line's linked person records only where it opens that agency's Person records."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import Connection, and_, or_, select

from linewatch.access.policy import Scope
from linewatch.model import default_model
from linewatch.store.tables_linkage import subject_member

COMMS_OWNER = "police"
MAX_CUSTOMER_NODES = 500


def can_see_lines(scope: Scope) -> bool:
    return scope.sees_record(COMMS_OWNER, default_model()["CallRecord"])


class LinesCache:
    """The line outputs of one analytics folder, loaded once per change of the files."""

    def __init__(self, analytics_dir: Path):
        self.folder = analytics_dir / "lines"
        self._lock = threading.Lock()
        self._stamp: tuple[float, ...] | None = None
        self.profiles: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[dict[str, Any]]] = {}
        self.edges: list[tuple[str, str, int]] = []

    def _files(self) -> list[Path]:
        return [
            self.folder / "line_profiles.json",
            self.folder / "line_members.parquet",
            self.folder / "exports" / "i2_links.csv",
        ]

    def load(self) -> None:
        stamp = tuple(p.stat().st_mtime if p.exists() else 0.0 for p in self._files())
        if stamp == self._stamp:
            return
        with self._lock:
            profiles_file, members_file, links_file = self._files()
            profiles = json.loads(profiles_file.read_text(encoding="utf-8")) if profiles_file.exists() else []
            members: dict[str, list[dict[str, Any]]] = {}
            if members_file.exists():
                for row in pq.read_table(members_file).to_pylist():
                    members.setdefault(row["line_id"], []).append(row)
            edges: list[tuple[str, str, int]] = []
            if links_file.exists():
                with open(links_file, newline="", encoding="utf-8") as handle:
                    for row in csv.DictReader(handle):
                        # CSV cells were neutralised against formula injection: '+44... -> +44...
                        a, b = row["From Entity ID"].lstrip("'"), row["To Entity ID"].lstrip("'")
                        edges.append((a, b, int(float(row.get("Events") or 0))))
            self.profiles = {p["line_id"]: p for p in profiles}
            self.members, self.edges = members, edges
            self._stamp = stamp


def _linked(connection: Connection, scope: Scope, linked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    person = default_model()["Person"]
    visible = [r for r in linked if scope.sees_record(r["agency"], person)]
    if not visible:
        return []
    rows = connection.execute(
        select(subject_member.c.agency, subject_member.c.source_id, subject_member.c.subject_id).where(
            or_(
                *[
                    and_(subject_member.c.agency == r["agency"], subject_member.c.source_id == r["source_id"])
                    for r in visible
                ]
            )
        )
    ).all()
    subjects = {(r.agency, r.source_id): r.subject_id for r in rows}
    return [
        {
            "number": r["number"],
            "role": r["role"],
            "agency": r["agency"],
            "source_id": r["source_id"],
            "via": r["via"],
            "subject_id": subjects.get((r["agency"], r["source_id"])),
        }
        for r in visible
    ]


def line_summaries(cache: LinesCache) -> list[dict[str, Any]]:
    cache.load()
    return [
        {
            "line_id": p["line_id"],
            "summary": p.get("summary", ""),
            "origin": p.get("origin"),
            "market_towns": p.get("market_towns", []),
            "score": p.get("score"),
            "numbers": [n["number"] for n in p.get("numbers", [])],
            "customers": p.get("customers", 0),
            "controllers": len(p.get("controllers", [])),
            "runners": len(p.get("runners", [])),
        }
        for p in sorted(cache.profiles.values(), key=lambda p: -(p.get("score") or 0))
    ]


def line_detail(connection: Connection, cache: LinesCache, scope: Scope, line_id: str) -> dict[str, Any] | None:
    cache.load()
    profile = cache.profiles.get(line_id)
    if profile is None:
        return None
    members = cache.members.get(line_id, [])
    non_customers = [m for m in members if m["role"] != "customer"]
    customers = [m for m in members if m["role"] == "customer"][:MAX_CUSTOMER_NODES]
    nodes = [
        {"id": m["number"], "role": m["role"], "town": m["town"], "events": m["events"], "reason": m["reason"]}
        for m in [*non_customers, *customers]
    ]
    ids = {node["id"] for node in nodes}
    edges = [{"source": a, "target": b, "events": n} for a, b, n in cache.edges if a in ids and b in ids]
    detail = {key: value for key, value in profile.items() if key != "linked_records"}
    detail["linked_records"] = _linked(connection, scope, profile.get("linked_records", []))
    detail["network"] = {"nodes": nodes, "edges": edges, "customers_total": len(members) - len(non_customers)}
    return detail
