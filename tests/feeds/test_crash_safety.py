"""kill -9 at a random moment of a load leaves either the whole feed or nothing, and a re-run
completes it. This is what "a feed loads in one transaction" means when the power goes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linewatch.store.tables import metadata
from tests.conftest import Store
from tests.feeds.helpers import MISSING_MAPPING, missing_row, write_csv

# Enough rows that the load outlasts the kill window (0.5 to 4 s) even now that loading is fast:
# a load that finished before the kill would prove nothing.
ROWS = 150_000


def _counts(store: Store) -> tuple[int, int, int]:
    with store.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one())
            for name in ("feed", "person", "missing_episode")
        )


def _ingest_command(store: Store, path: Path) -> list[str]:
    return [
        sys.executable, "-m", "linewatch.cli.main",
        "--data-dir", str(store.settings.data_dir), "--database-url", store.settings.database_url,
        "ingest", str(path), "--agency", "police", "--mapping", str(MISSING_MAPPING),
    ]  # fmt: skip


@pytest.mark.slow
def test_kill_at_random_points_leaves_all_or_nothing(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "missing.csv",
        [missing_row(n, **{"Nominal ID": f"N{n:06d}"}) for n in range(ROWS)],
    )
    rng = random.Random(20261123)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    outcomes = []
    for _ in range(4):
        process = subprocess.Popen(
            _ingest_command(store, path), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.5, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        feeds, people, episodes = _counts(store)
        outcomes.append(feeds)
        assert (feeds, people, episodes) in {(0, 0, 0), (1, ROWS, ROWS)}, "a killed load left a partial feed"
        if feeds:
            break
    finished = subprocess.run(_ingest_command(store, path), env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert _counts(store) == (1, ROWS, ROWS)
    assert 0 in outcomes, "no kill landed mid-load; the harness proved nothing"
