"""`serve`: the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from asyncmaturity.cli.app import domain_errors, err


@domain_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="A SQLite file or a SQLAlchemy URL (postgresql+psycopg://...); default "
            "asyncmaturity-web.db here, or ASYNCMATURITY_WEB_DATABASE_URL.",
        ),
    ] = None,
    create_admin: Annotated[
        str | None,
        typer.Option("--create-admin", help="Create (or reset) this site admin's account first."),
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option(
            "--password-file", help="The new admin's password (first line); prompted when omitted."
        ),
    ] = None,
    migrate_only: Annotated[
        bool,
        typer.Option(
            "--migrate-only", help="Migrate the database (and create the admin), then stop."
        ),
    ] = False,
) -> None:
    """Run the web app: survey campaigns, results and AWAIT checks in the browser and a JSON API.

    Other settings come from ASYNCMATURITY_WEB_* variables (docs/web.md lists them)."""
    from asyncmaturity.web import AdminAccount, WebSettings
    from asyncmaturity.web import serve as run_server

    if password_file is not None and create_admin is None:
        raise typer.BadParameter("needs --create-admin", param_hint="--password-file")
    admin = None
    if create_admin is not None:
        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise typer.BadParameter(str(exc), param_hint="--password-file") from None
            password = lines[0] if lines else ""
        else:
            password = typer.prompt(
                f"Password for {create_admin}", hide_input=True, confirmation_prompt=True
            )
        admin = AdminAccount(email=create_admin, password=password)
    run_server(
        settings=WebSettings.from_env(database_url=database),
        host=host,
        port=port,
        create_admin=admin,
        migrate_only=migrate_only,
        say=lambda line: err.print(line, markup=False, highlight=False),
    )
