"""`linewatch status`: what the workspace holds."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import case, func, select

from linewatch.cli.common import console, open_store, settings_from, user_errors
from linewatch.model import SchemaKind, default_model
from linewatch.store.migrate import current_revision, head_revision
from linewatch.store.tables import metadata


def status(ctx: typer.Context) -> None:
    """Show the store, its migration, and the records held by type."""
    with user_errors():
        settings = settings_from(ctx)
        engine = open_store(settings, require_migrated=False)
        revision = current_revision(engine)
        console.print(f"Workspace: {settings.data_dir}")
        console.print(
            f"Store: {engine.url.render_as_string(hide_password=True)}  "
            f"migration {revision or 'none'} (latest {head_revision()})"
        )
        if revision is None:
            console.print("The store is empty: run `linewatch db upgrade`.")
            return
        table = Table(title="Records held")
        for column in ("type", "kind", "current", "all versions", "agencies"):
            table.add_column(column, justify="left" if column in {"type", "kind"} else "right")
        with engine.connect() as connection:
            feed_count = connection.execute(select(func.count()).select_from(metadata.tables["feed"])).scalar()
            for schema in default_model().of_kind(SchemaKind.entity, SchemaKind.record):
                t = metadata.tables[schema.table_name]
                total, current, agencies = connection.execute(
                    select(
                        func.count(),
                        func.sum(case((t.c.is_current.is_(True), 1), else_=0)),
                        func.count(t.c.agency.distinct()),
                    )
                ).one()
                if total:
                    table.add_row(
                        schema.name,
                        schema.kind.value,
                        f"{current or 0:,}",
                        f"{total:,}",
                        str(agencies),
                    )
        for schema in default_model().of_kind(SchemaKind.bulk):
            files = sorted((settings.analytics_dir / schema.table_name).glob("feed-*.parquet"))
            if files:
                import duckdb

                with duckdb.connect() as analytics:
                    ((rows,),) = analytics.execute(
                        "select count(*) from read_parquet(?)", [[str(f) for f in files]]
                    ).fetchall()
                table.add_row(schema.name, "bulk (Parquet)", f"{rows:,}", "", "")
        console.print(f"Feeds loaded: {feed_count}")
        console.print(table)
