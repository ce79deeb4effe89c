"""`linewatch serve`: the web API on uvicorn (OpenAPI at /openapi.json, documentation at /docs)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from linewatch.cli.common import console, errors, open_store, settings_from, user_errors
from linewatch.settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def run_server(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    secure_cookies: bool = False,
    ssl_certfile: Path | None = None,
    ssl_keyfile: Path | None = None,
) -> None:
    """Serve until Ctrl-C, checkpointing the audit chain head before and after."""
    import uvicorn

    from linewatch.audit.verify import checkpoint_path, write_checkpoint

    engine = open_store(settings)
    checkpoints = checkpoint_path(settings)
    write_checkpoint(engine, checkpoints)
    tls = ssl_certfile is not None
    if host not in LOOPBACK and not (tls or secure_cookies):
        errors.print(
            "[yellow]Serving beyond this machine without TLS: put it behind a TLS proxy and pass "
            "--secure-cookies, or give --ssl-certfile/--ssl-keyfile.[/]"
        )
    # Workers are separate processes: they read the settings from the environment.
    os.environ["LINEWATCH_DATA_DIR"] = str(settings.data_dir)
    os.environ["LINEWATCH_DATABASE_URL"] = settings.database_url
    os.environ["LINEWATCH_SECURE_COOKIES"] = "1" if (tls or secure_cookies) else "0"
    scheme = "https" if tls else "http"
    console.print(f"Serving Linewatch on {scheme}://{host}:{port} (API documentation at /docs). Ctrl-C to stop.")
    try:
        uvicorn.run(
            "linewatch.api.asgi:app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
            ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
            proxy_headers=secure_cookies,
            forwarded_allow_ips="127.0.0.1",
            server_header=False,
            log_level="warning",
            access_log=False,
        )
    finally:
        write_checkpoint(engine, checkpoints)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(1, "--workers", min=1, max=32, help="Worker processes."),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Behind a TLS proxy: Secure cookies, HSTS, trust X-Forwarded-* from 127.0.0.1."
    ),
    ssl_certfile: Path | None = typer.Option(None, "--ssl-certfile", help="Serve TLS directly with this certificate."),
    ssl_keyfile: Path | None = typer.Option(None, "--ssl-keyfile"),
) -> None:
    """Serve the web API (FastAPI on uvicorn): every route authorised and audited."""
    with user_errors():
        settings = settings_from(ctx)
        run_server(
            settings,
            host=host,
            port=port,
            workers=workers,
            secure_cookies=secure_cookies,
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
        )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
