"""`asyncmaturity serve`: migrate, optionally create the first admin, then run uvicorn."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from asyncmaturity.web.db import create_db_engine, migrate, session_factory
from asyncmaturity.web.links import NO_PUBLIC_URL, served_public_url
from asyncmaturity.web.security import Passwords
from asyncmaturity.web.services import accounts
from asyncmaturity.web.settings import WebSettings

logger = logging.getLogger("asyncmaturity.web")


@dataclass(frozen=True)
class AdminAccount:
    """The site admin to create (or reset) before serving: `serve --create-admin EMAIL`."""

    email: str
    password: str


def serve(
    *,
    settings: WebSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    create_admin: AdminAccount | None = None,
    migrate_only: bool = False,
    say: Callable[[str], None] = lambda _line: None,
) -> None:
    """Bring the database up to date, create the admin if asked, and serve until interrupted.

    `say` receives one line per step (the CLI prints them). With `migrate_only` it stops after the
    migrations and the admin.
    """
    engine = create_db_engine(settings.database_url)
    try:
        before = migrate(engine)
        say(
            f"Database {engine.url.render_as_string(hide_password=True)}: "
            f"{'created' if before is None else 'up to date'}"
        )
        if create_admin is not None:
            passwords = Passwords(
                time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
            )
            with session_factory(engine)() as db:
                user = accounts.bootstrap_admin(
                    db,
                    email=create_admin.email,
                    password=create_admin.password,
                    passwords=passwords,
                )
                db.commit()
                say(f"Site admin: {user.email}")
    finally:
        engine.dispose()
    if migrate_only:
        return
    import uvicorn

    from asyncmaturity.web.app import create_app

    settings = with_link_base(settings, host=host, port=port, say=say)
    app = create_app(settings, migrate_database=False)
    say(f"Serving on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)


def with_link_base(
    settings: WebSettings, *, host: str, port: int, say: Callable[[str], None]
) -> WebSettings:
    """`settings` with the public URL links are built from: the configured one; without one, the
    loopback address served on; on another address none, with a warning that links are off."""
    if settings.public_url is not None:
        return settings
    assumed = served_public_url(host, port)
    if assumed is None:
        logger.warning("invitation and share links are off: %s", NO_PUBLIC_URL)
        say(f"Warning: invitation and share links are off: {NO_PUBLIC_URL}")
        return settings
    say(f"Links point at {assumed} (no public URL set; serving on a loopback address)")
    return settings.model_copy(update={"public_url": assumed})
