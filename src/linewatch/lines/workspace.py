"""Where communications data and line outputs live in the analytics workspace.

    <analytics_dir>/comms/calls/<batch>.parquet        call and SMS records, numbers in E.164
    <analytics_dir>/comms/subscribers/<batch>.parquet  subscriber records
    <analytics_dir>/comms/cell_sites/<batch>.parquet   cell-site lists
    <analytics_dir>/comms/batches/<batch>.json         what each ingested file was and gave
    <analytics_dir>/lines/...                          outputs of `linewatch comms lines`

A batch is named by the content hash of the file and its mapping, so loading the same file
again finds its batch and does nothing. Files are written under a temporary name and moved
into place, so readers never see half a batch.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from linewatch.lines.mapping import RecordKind


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One ingested file: its source, what it held and what was rejected."""

    batch: str
    kind: str
    file: str
    mapping: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rejects_path: str | None
    loaded_at: str
    seconds: float


class CommsWorkspace:
    def __init__(self, analytics_dir: Path):
        self.root = analytics_dir / "comms"
        self.lines_dir = analytics_dir / "lines"

    def kind_dir(self, kind: RecordKind) -> Path:
        return self.root / kind.value

    def batch_file(self, kind: RecordKind, batch: str) -> Path:
        return self.kind_dir(kind) / f"{batch}.parquet"

    def record_file(self, batch: str) -> Path:
        return self.root / "batches" / f"{batch}.json"

    def find_batch(self, batch: str) -> BatchRecord | None:
        path = self.record_file(batch)
        if not path.exists():
            return None
        return BatchRecord(**json.loads(path.read_text(encoding="utf-8")))

    def save_record(self, record: BatchRecord) -> None:
        path = self.record_file(record.batch)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".json.partial")
        temp.write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")
        os.replace(temp, path)

    def batches(self) -> list[BatchRecord]:
        folder = self.root / "batches"
        if not folder.exists():
            return []
        records = [BatchRecord(**json.loads(p.read_text(encoding="utf-8"))) for p in folder.glob("*.json")]
        return sorted(records, key=lambda record: record.loaded_at)

    def files(self, kind: RecordKind) -> list[Path]:
        """The committed Parquet files of one kind (a batch counts once its record is saved)."""
        folder = self.kind_dir(kind)
        if not folder.exists():
            return []
        return sorted(path for path in folder.glob("*.parquet") if self.record_file(path.stem).exists())
