"""Feed upload through the API: the file is streamed to the workspace (with a size limit), loaded
all or nothing by the same ingest as the command line, as the caller's own agency, and removed.
The ingest records the collection (and any alteration) in the audit trail in its transaction."""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine

from linewatch.access.policy import Principal
from linewatch.audit.context import acting_as
from linewatch.feeds.ingest import IngestResult, ingest_file
from linewatch.settings import Settings

MAPPING_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".json", ".txt")


class UploadTooLarge(Exception):
    pass


def safe_file_name(name: str | None) -> str:
    """The uploaded file's own name, stripped of any folder and odd characters."""
    base = Path((name or "upload.csv").replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base)[:120].lstrip(".")
    return cleaned or "upload.csv"


def save_upload(source: BinaryIO, settings: Settings, file_name: str, max_bytes: int) -> Path:
    folder = settings.data_dir / "uploads" / secrets.token_hex(8)
    folder.mkdir(parents=True, exist_ok=False)
    target = folder / file_name
    written = 0
    with open(target, "wb") as handle:
        while chunk := source.read(1024 * 1024):
            written += len(chunk)
            if written > max_bytes:
                handle.close()
                shutil.rmtree(folder, ignore_errors=True)
                raise UploadTooLarge(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
            handle.write(chunk)
    return target


def load_upload(
    path: Path, *, principal: Principal, mapping: str, accept_valid: bool, settings: Settings, engine: Engine
) -> IngestResult:
    try:
        with acting_as(principal, purpose="safeguarding"):
            return ingest_file(
                path,
                agency=principal.agency,
                mapping=mapping,
                settings=settings,
                engine=engine,
                accept_valid=accept_valid,
            )
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
