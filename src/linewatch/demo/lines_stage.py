"""Demo stage: load the county's communications data and find its deal lines."""

from __future__ import annotations

from linewatch.demo.context import DemoContext
from linewatch.lines.exports import export_network
from linewatch.lines.ingest import ingest_comms_file
from linewatch.lines.pipeline import run_lines


def find_lines(ctx: DemoContext) -> list[str]:
    comms = ctx.county / "comms"
    if not (comms / "calls").exists():
        return [f"No communications data in {comms}; skipped."]
    files = [*sorted((comms / "calls").glob("part-*")), comms / "subscribers.csv", comms / "cell_sites.csv"]
    lines: list[str] = []
    rows = seconds = 0.0
    for path in files:
        if not path.exists():
            continue
        result = ingest_comms_file(path, "operator_default", ctx.settings, accept_valid=True)
        rows += result.rows_loaded
        seconds += result.seconds
        if result.rows_rejected:
            lines.append(f"{path.name}: {result.rows_rejected:,} rows rejected, see {result.rejects_path}")
    lines.append(f"Communications data: {int(rows):,} rows loaded in {seconds:.1f}s")
    outcome = run_lines(ctx.settings, "duckdb", store=ctx.engine)
    if outcome.out_dir is not None:
        export_network(outcome, outcome.out_dir / "exports")
    lines.append(f"{outcome.numbers_scored:,} numbers scored; {len(outcome.lines)} line(s) found:")
    for line in outcome.lines:
        members = [m for m in outcome.members if m.line_id == line.line_id]
        roles = {role: sum(m.role.value == role for m in members) for role in ("controller", "runner", "customer")}
        numbers = " → ".join(f"+{n.number}" for n in line.numbers)
        lines.append(
            f"  {line.line_id}: {outcome.geography[line.line_id].describe()}; numbers {numbers}; "
            f"{roles['controller']} controller(s), {roles['runner']} runner(s), {roles['customer']} customers"
        )
    if outcome.people:
        lines.append(f"{len(outcome.people)} line, controller or runner number(s) found in agency person records")
    lines.append(f"Outputs: {outcome.out_dir}")
    return lines
