"""`linewatch screen`, `triage`, `explain`, `missing` and `fairness`: early identification of
children and young adults at risk of exploitation, with the reasons for every level."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import typer
from rich.table import Table

from linewatch.cli.common import EXIT_USER_ERROR, console, errors, open_store, settings_from, user_errors
from linewatch.screening.definitions import Level
from linewatch.screening.models import MissingEpisodeRow, SubjectChanges, SubjectScreening, TriagePage

LEVEL_STYLE = {"significant": "bold red", "moderate": "red", "emerging": "yellow", "no_known_concern": "dim"}
CHANGE_MARK = {"new": "new", "raised": "↑", "lowered": "↓", "same": "="}


@contextmanager
def screening_errors() -> Iterator[None]:
    from linewatch.screening.inputs import ScreeningInputError
    from linewatch.screening.service import ScreeningNotFound

    with user_errors():
        try:
            yield
        except (ScreeningInputError, ScreeningNotFound, ValueError) as error:
            errors.print(f"[bold red]Error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a date (expected YYYY-MM-DD)") from None


def _level(level: str) -> str:
    return f"[{LEVEL_STYLE.get(level, '')}]{level.replace('_', ' ')}[/]"


def screen(
    ctx: typer.Context,
    as_at: str | None = typer.Option(
        None, "--as-at", help="Screen as at this date, YYYY-MM-DD (default: today, or the newest record held)."
    ),
    indicators: Path | None = typer.Option(
        None, "--indicators", help="Indicators file (default: <data_dir>/screening/indicators.yaml, else shipped)."
    ),
    top: int = typer.Option(10, "--top", help="Subjects to list after the run."),
) -> None:
    """Screen every child and young adult (8-25) known to an agency and keep the run."""
    from linewatch.screening.service import screen as run
    from linewatch.screening.service import triage

    with screening_errors():
        settings = settings_from(ctx)
        store = open_store(settings)
        with console.status("Screening") as status:
            summary = run(settings, store, _day(as_at, "--as-at"), indicators, progress=status.update)
        console.print(
            f"Screening run {summary.run_id} as at {summary.as_at}: {summary.subjects_screened:,} subjects in scope "
            f"screened in {summary.seconds:.1f}s ({summary.definitions}, sha256 {summary.definitions_sha256[:12]})"
        )
        console.print(
            "  " + ", ".join(f"{_level(level)} {count:,}" for level, count in reversed(list(summary.levels.items())))
        )
        for missing in summary.unavailable:
            console.print(f"  [dim]indicator {missing.indicator} not used: {missing.reason}[/]")
        if top > 0:
            _print_triage(triage(store, limit=top, run_id=summary.run_id))


def _print_triage(page: TriagePage) -> None:
    table = Table(title=f"Run {page.run.run_id} as at {page.run.as_at}: {page.total:,} subjects", show_lines=False)
    widths = {
        "subject": 8,
        "level": 11,
        "score": 5,
        "change": 6,
        "moderate from": 10,
        "latest": 10,
        "agencies": 8,
        "age": 3,
        "sex": 6,
        "area": 12,
    }
    for column, width in widths.items():
        table.add_column(column, no_wrap=True, min_width=width)
    table.add_column("reasons", overflow="ellipsis", no_wrap=True, min_width=20, max_width=80)
    for row in page.rows:
        table.add_row(
            row.subject_id,
            _level(row.level),
            f"{row.score:g}",
            CHANGE_MARK.get(row.change, row.change),
            str(row.first_moderate_at or ""),
            str(row.latest_evidence_at or ""),
            str(row.agencies),
            "" if row.age is None else str(row.age),
            row.sex,
            row.area,
            "; ".join(row.reasons[:3]),
        )
    console.print(table)
    if page.offset + len(page.rows) < page.total:
        console.print(
            f"[dim]{page.total - page.offset - len(page.rows):,} more: --offset {page.offset + len(page.rows)}[/]"
        )


def triage_command(
    ctx: typer.Context,
    level: list[str] = typer.Option(
        [], "--level", help="Levels to list (repeat): significant, moderate, emerging, no_known_concern."
    ),
    since: str | None = typer.Option(None, "--since", help="Only subjects changed or with evidence after this date."),
    limit: int = typer.Option(50, "--limit"),
    offset: int = typer.Option(0, "--offset"),
    run_id: int | None = typer.Option(None, "--run", help="A kept run (default: the latest)."),
) -> None:
    """List subjects by level (significant first) and by how recent their evidence is."""
    from linewatch.screening.service import triage

    with screening_errors():
        store = open_store(settings_from(ctx))
        _print_triage(triage(store, level or None, _day(since, "--since"), limit, offset, run_id))


def explain(
    ctx: typer.Context,
    subject_id: str = typer.Argument(..., help="The subject, e.g. S0000042."),
    since: str | None = typer.Option(None, "--since", help="Also show what changed since this date (the last panel)."),
    run_id: int | None = typer.Option(None, "--run", help="A kept run (default: the latest)."),
) -> None:
    """Why a subject is at their level: each indicator, its points, and the records behind it."""
    from linewatch.screening.service import changes_since, subject_history, subject_screening

    with screening_errors():
        store = open_store(settings_from(ctx))
        found = subject_screening(store, subject_id, run_id)
        if found is None:
            raise ValueError(f"{subject_id} was not screened in that run (unknown, or not aged 8 to 25)")
        _print_subject(found)
        history = subject_history(store, subject_id)
        if len(history) > 1:
            console.print(
                "History: " + " → ".join(f"{p.as_at} {p.level.replace('_', ' ')} ({p.score:g})" for p in history)
            )
        day = _day(since, "--since")
        if day is not None:
            changes = changes_since(store, subject_id, day, run_id)
            if changes is not None:
                _print_changes(changes)


def _print_subject(found: SubjectScreening) -> None:
    age = "age unknown" if found.age is None else f"age {found.age}"
    console.print(
        f"{found.subject_id}: {_level(found.level)}, score {found.score:g} as at {found.as_at} (run {found.run_id}); "
        f"{age}, {found.sex}, {found.area}"
    )
    parts = found.parts
    console.print(
        f"  warning signs {parts.warning_signs:g} + risk factors {parts.risk_factors_counted:g}"
        + (f" (of {parts.risk_factors:g}, capped)" if parts.risk_factors > parts.risk_factors_counted else "")
        + f" - protective factors {parts.protective_factors_counted:g}"
    )
    if found.first_moderate_at:
        console.print(f"  first reached moderate on {found.first_moderate_at}")
    if not found.reasons:
        console.print("  No indicator fired: no known concern.")
    for reason in found.reasons:
        sign = "-" if reason.kind == "protective_factor" else "+"
        console.print(
            f"  {sign}{reason.points:g}  {reason.label}  [dim]({reason.kind.replace('_', ' ')}, {reason.indicator}; "
            f"{reason.records} record(s) from {', '.join(reason.agencies) or 'no agency'})[/]",
            highlight=False,
        )
        for item in reason.evidence[:5]:
            console.print(
                f"        {item.date} {item.agency} {item.record_schema} {item.source_id}: {item.description}",
                highlight=False,
                soft_wrap=True,
            )
        if len(reason.evidence) > 5:
            console.print(f"        … and {len(reason.evidence) - 5} more")


def _print_changes(changes: SubjectChanges) -> None:
    before = changes.level_before.replace("_", " ") if changes.level_before else "not known"
    console.print(f"Since {changes.since}: {before} → {changes.level_now.replace('_', ' ')}. {changes.note}")
    for reason in changes.new_reasons:
        console.print(f"  new reason: {reason.label} (+{reason.points:g})")
    for reason in changes.gone_reasons:
        console.print(f"  no longer: {reason.label}")
    for item in changes.new_evidence:
        console.print(
            f"  new record {item.date} {item.agency} {item.record_schema}: {item.description}", highlight=False
        )


def missing(
    ctx: typer.Context,
    as_at: str | None = typer.Option(None, "--as-at", help="As at this moment, YYYY-MM-DD[THH:MM] (default: now)."),
    days: int = typer.Option(90, "--days", help="Episodes reported in this many days before."),
    limit: int = typer.Option(25, "--limit", help="Rows per list."),
) -> None:
    """Return home interviews due (within 72 hours of return) and overdue, children still missing,
    repeat episodes and where children were found."""
    from linewatch.screening.service import missing as overview

    with screening_errors():
        settings = settings_from(ctx)
        when = None
        if as_at is not None:
            try:
                when = datetime.fromisoformat(as_at)
            except ValueError:
                raise ValueError(f"--as-at {as_at!r} is not a date or date and time") from None
        result = overview(settings, open_store(settings), when, days)
        console.print(f"Missing episodes reported in the {result.days} days to {result.as_at}: {result.episodes:,}")
        for title, rows in (
            ("Still missing", result.still_missing),
            ("Return home interview due (72 hours from return)", result.due),
            ("Return home interview overdue or not offered", result.overdue),
        ):
            _print_episodes(title, rows, limit)
        table = Table(title=f"Repeat episodes ({len(result.repeats)} children)")
        for column in ("subject", "episodes", "in 90 days", "first", "last", "found in", "furthest km", "no interview"):
            table.add_column(column)
        for pattern in result.repeats[:limit]:
            table.add_row(
                pattern.subject_id,
                str(pattern.episodes),
                str(pattern.episodes_90_days),
                str(pattern.first_reported_at.date()),
                str(pattern.last_reported_at.date()),
                ", ".join(pattern.found_areas),
                "" if pattern.furthest_km is None else f"{pattern.furthest_km:g}",
                str(pattern.not_interviewed),
            )
        console.print(table)
        console.print("Where found: " + ", ".join(f"{area} {count}" for area, count in result.found_areas.items()))


def _print_episodes(title: str, rows: list[MissingEpisodeRow], limit: int) -> None:
    table = Table(title=f"{title}: {len(rows)}")
    for column in ("subject", "episode", "reported", "returned", "found", "km", "interview", "due", "hours over"):
        table.add_column(column, overflow="fold")
    for row in rows[:limit]:
        found = (row.found_area or row.found_location or "") + (
            " (other LA)" if row.found_other_local_authority else ""
        )
        table.add_row(
            row.subject_id or "(not linked)",
            row.source_id,
            f"{row.reported_at:%Y-%m-%d %H:%M}",
            f"{row.returned_at:%Y-%m-%d %H:%M}" if row.returned_at else "",
            found,
            "" if row.found_distance_km is None else f"{row.found_distance_km:g}",
            row.return_interview.replace("_", " "),
            f"{row.return_interview_due:%Y-%m-%d %H:%M}" if row.return_interview_due else "",
            "" if row.hours_overdue is None else f"{row.hours_overdue:,.0f}",
        )
    console.print(table)


def fairness(
    ctx: typer.Context,
    run_id: int | None = typer.Option(None, "--run", help="A kept run (default: the latest)."),
    flagged_from: str = typer.Option(Level.moderate.value, "--from", help="Lowest level counted as flagged."),
    population: Path | None = typer.Option(
        None, "--population", help="CSV of dimension,group,population to compare with (default: subjects screened)."
    ),
    suppress: bool = typer.Option(True, "--suppress/--no-suppress", help="Hide counts under 10, round to 5."),
) -> None:
    """Disproportionality: rates flagged by sex, ethnic group, age band, area and local authority
    against the population, with rate ratios and 95% intervals."""
    from linewatch.screening.service import fairness_report

    with screening_errors():
        report = fairness_report(open_store(settings_from(ctx)), run_id, flagged_from, population, suppress)
        console.print(
            f"Run {report.run_id} as at {report.as_at}: {report.flagged:,} of {report.population:,} flagged at "
            f"{report.flagged_from} or above ({report.rate:.2%}); population: {report.population_source}"
            + ("; counts under 10 hidden, others rounded to 5" if report.suppressed else "")
        )
        table = Table(title="Disproportionality (rate ratio: the group's rate over everyone else's)")
        for column in (
            "dimension",
            "group",
            "population",
            "share",
            "flagged",
            "share flagged",
            "rate",
            "ratio",
            "95% interval",
            "finding",
        ):
            table.add_column(column)

        def number(value: float | int | None, form: str) -> str:
            return "" if value is None else format(value, form)

        for group in report.groups:
            interval = "" if group.ratio_low is None else f"{group.ratio_low:.2f}-{group.ratio_high:.2f}"
            table.add_row(
                group.dimension,
                group.group,
                number(group.population, ","),
                number(group.population_share, ".1%"),
                number(group.flagged, ","),
                number(group.flagged_share, ".1%"),
                number(group.rate, ".2%"),
                number(group.rate_ratio, ".2f"),
                interval,
                group.finding,
            )
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)
    app.command("triage")(triage_command)
    app.command("explain")(explain)
    app.command("missing")(missing)
    app.command("fairness")(fairness)
