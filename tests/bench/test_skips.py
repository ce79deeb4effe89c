"""`make bench` without PostgreSQL: the benchmarks that need it say so in one line and exit 0,
so the rest of `make bench` still runs (the full benchmarks are not run here: they take minutes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _without_postgres(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "LINEWATCH_TEST_POSTGRES_URL"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False, cwd=BENCH.parent
    )


def test_api_bench_without_postgres_prints_one_skip_line_and_exits_0() -> None:
    result = _without_postgres(str(BENCH / "api.py"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "bench/api.py skipped: needs PostgreSQL (pass --postgres URL or set LINEWATCH_TEST_POSTGRES_URL)\n"
    )
    assert result.stderr == ""


def test_ingest_bench_without_postgres_skips_only_its_postgresql_part() -> None:
    result = _without_postgres(str(BENCH / "ingest.py"), "--rows", "300")
    assert result.returncode == 0, result.stderr
    assert "(PostgreSQL skipped: pass --postgres or set LINEWATCH_TEST_POSTGRES_URL)" in result.stdout
    assert "ingest into SQLite" in result.stdout and "ingest into PostgreSQL" not in result.stdout
