"""Demo stage: link every agency's person records into subjects, resolve addresses, phones and
vehicles, and link the same records again pseudonymised (keyed hashes and Bloom filters) so
`linewatch evaluate` can measure what privacy-preserving linkage costs."""

from __future__ import annotations

import pyarrow.parquet as pq

from linewatch.demo.context import DemoContext
from linewatch.linkage.engines import DuckDBEngine
from linewatch.linkage.privacy_link import link_plain_as_encoded
from linewatch.linkage.store_records import read_person_records
from linewatch.linkage.store_run import link_store, linkage_dir

# The demo's stand-in for the key agencies would share; a real key is random and kept secret.
DEMO_KEY = b"linewatch demo key: never use a published key for real data"


def link_people_stage(ctx: DemoContext) -> list[str]:
    with ctx.console.status("Linking person records") as status:
        run = link_store(ctx.settings, ctx.engine, progress=lambda message: status.update(message))
        lines = run.lines()
        if run.linkage is not None:
            lines += [f"blocking rule {c.rule}: {c.pairs:,} pairs" for c in run.linkage.blocking]
        status.update("Linking the same records pseudonymised (privacy-preserving mode)")
        records, _ = read_person_records(ctx.engine)
        with DuckDBEngine() as engine:
            encoded = link_plain_as_encoded(records, DEMO_KEY, engine)
    directory = linkage_dir(ctx.settings) / "privacy"
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(encoded.grouping.table.select(["record_id", "group_key"]), directory / "groups.parquet")
    groups = len(set(encoded.grouping.table.column("group_key").to_pylist()))
    lines.append(f"privacy-preserving run: {groups:,} subjects from the encodings alone ({encoded.model.label()})")
    return lines
