"""The `linewatch` command: one entry point, one sub-command per job."""

from __future__ import annotations

from pathlib import Path

import typer

from linewatch.cli import audit, comms, db, ingest, link, records, screen, serve, status, users
from linewatch.cli import places as places_cli
from linewatch.cli.county import demo, evaluate, synth
from linewatch.settings import load_settings

app = typer.Typer(
    name="linewatch",
    help="Linewatch: agencies working as one against county lines and child criminal exploitation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        envvar="LINEWATCH_DATA_DIR",
        help="Workspace folder (default ./linewatch-data).",
    ),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        envvar="LINEWATCH_DATABASE_URL",
        help="SQLAlchemy URL; default a SQLite file in the workspace.",
    ),
) -> None:
    ctx.obj = load_settings(data_dir, database_url)


app.add_typer(db.app, name="db")
app.command("ingest")(ingest.ingest)
app.command("feeds")(ingest.feeds)
app.command("status")(status.status)
app.command("synth")(synth)
app.command("demo")(demo)
app.command("evaluate")(evaluate)
app.add_typer(comms.app, name="comms")
app.command("network")(comms.network)
link.register(app)
screen.register(app)
serve.register(app)
users.register(app)
audit.register(app)
records.register(app)
app.add_typer(places_cli.app, name="places")

if __name__ == "__main__":
    app()
