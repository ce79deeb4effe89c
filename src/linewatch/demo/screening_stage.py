"""Demo stage: screen every child and young adult, twice: as at four weeks before the newest
record (what a panel then would have seen) and as at the newest record, so that triage can say
what changed; then the missing-episode lists and the fairness report."""

from __future__ import annotations

from datetime import timedelta

from linewatch.demo.context import DemoContext
from linewatch.screening import service

PANEL_INTERVAL_DAYS = 28


def screening_stage(ctx: DemoContext) -> list[str]:
    with ctx.console.status("Screening") as status:
        latest = service.screen(ctx.settings, ctx.engine, progress=status.update, run_by="demo")
        earlier = latest.as_at - timedelta(days=PANEL_INTERVAL_DAYS)
        # Kept runs are ordered by the date they describe, so this one counts as the earlier panel.
        service.screen(ctx.settings, ctx.engine, as_at=earlier, progress=status.update, run_by="demo")
    levels = ", ".join(f"{level.replace('_', ' ')} {count:,}" for level, count in reversed(list(latest.levels.items())))
    lines = [
        f"run {latest.run_id} as at {latest.as_at}: {latest.subjects_screened:,} subjects in scope screened in "
        f"{latest.seconds:.1f}s; {levels}",
        f"a panel's view four weeks earlier kept too (as at {earlier}), so triage shows what changed",
    ]
    lines += [f"indicator {u.indicator} not used: {u.reason}" for u in latest.unavailable]
    page = service.triage(ctx.engine, levels=["significant", "moderate"], since=earlier, limit=5)
    lines.append(
        f"{page.total:,} subjects at moderate or above are new, changed level or have new records since {earlier}:"
    )
    for row in page.rows:
        lines.append(
            f"  {row.subject_id} {row.level} ({row.change}), score {row.score:g}: {'; '.join(row.reasons[:3])}"
        )
    overview = service.missing(ctx.settings, ctx.engine)
    lines.append(
        f"missing episodes in the last {overview.days} days: {overview.episodes}; return home interviews due "
        f"{len(overview.due)}, overdue or not offered {len(overview.overdue)}; {len(overview.repeats)} children "
        "missing repeatedly"
    )
    report = service.fairness_report(ctx.engine)
    over = [f"{g.dimension} {g.group}" for g in report.groups if g.finding == "over"]
    under = [f"{g.dimension} {g.group}" for g in report.groups if g.finding == "under"]
    lines.append(
        f"fairness: flagged {report.rate:.2%} of the subjects screened; flagged more often than the rest: "
        f"{', '.join(over) or 'none'}; less often: {', '.join(under) or 'none'} (`linewatch fairness`)"
    )
    lines.append("explain any subject: linewatch explain SUBJECT --since DATE")
    return lines
