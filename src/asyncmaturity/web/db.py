"""Database plumbing: the engine for SQLite or PostgreSQL, Alembic migrations, the site secret.

SQLite is the default and must not lose concurrent writes: connections use write-ahead logging
and a busy timeout, and a transaction that may write starts with ``BEGIN IMMEDIATE``, so that it
queues for the write lock up front instead of failing when its read snapshot cannot be upgraded.
Read-only requests use :func:`session_factory` with ``read_only=True``: a plain deferred
``BEGIN``, which in WAL mode never blocks or waits for writers.

Example::

    engine = create_db_engine("sqlite:///asyncmaturity-web.db")
    migrate(engine)
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.web.models import SiteSetting

MIGRATIONS = Path(__file__).parent / "migrations"
SECRET_KEY_SETTING = "secret_key"
SQLITE_BUSY_TIMEOUT_S = 30
READ_ONLY_OPTION = "asyncmaturity_read_only"
DB_CONCURRENCY = 10
"""Requests that may hold a database session at once (the request layer enforces it)."""
_POOL = {"pool_size": DB_CONCURRENCY, "max_overflow": 5}


class DatabaseError(AsyncMaturityError):
    """The web database cannot be opened or migrated (wrong URL, server down, unknown schema)."""


def create_db_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite set up for concurrent writers (WAL, busy timeout)."""
    try:
        if not url.startswith("sqlite"):
            return create_engine(url, pool_pre_ping=True, **_POOL)
        memory = url in ("sqlite://", "sqlite:///:memory:")
        options: dict[str, Any] = {
            # FastAPI runs sync routes in a thread pool: a connection is used by several threads
            # in turn (never at once), which the driver's same-thread check would refuse.
            "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        }
        if memory:
            options["poolclass"] = StaticPool  # one shared connection, else each sees its own DB
        else:
            options.update(_POOL)
        engine = create_engine(url, **options)
    except Exception as exc:  # a malformed URL or an unknown driver name
        raise DatabaseError(f"cannot use database {url!r}: {exc}") from None

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module (it would not BEGIN before SELECTs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (routes format them after the commit).

    With `read_only`, SQLite transactions start deferred (see the module docstring); the flag is
    a promise of the caller, not enforced.
    """
    bind = engine.execution_options(**{READ_ONLY_OPTION: True}) if read_only else engine
    return sessionmaker(bind, expire_on_commit=False)


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config over the shipped migrations; with `engine`, migrations run on it.

    For a developer adding a migration::

        from alembic import command
        command.revision(alembic_config(create_db_engine(URL)), "add ledger", autogenerate=True)
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> str | None:
    """Bring the database to the newest migration; returns the revision it was at before."""
    config = alembic_config(engine)
    try:
        with engine.connect() as connection:
            before = MigrationContext.configure(connection).get_current_revision()
        known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
        if before is not None and before not in known:
            raise DatabaseError(
                f"the database is at migration {before!r}, which this version of asyncmaturity "
                "does not know; upgrade asyncmaturity or use another database"
            )
        command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseError(f"cannot open the database: {exc.orig}") from None
    return before


def site_secret(sessions: sessionmaker[Session], given: str | None) -> bytes:
    """The secret key: `given`, else the one kept in the database, else a new one kept there."""
    if given is not None:
        return given.encode()
    for _ in range(2):
        with sessions() as db:
            found = db.scalar(
                select(SiteSetting.value).where(SiteSetting.key == SECRET_KEY_SETTING)
            )
            if found is not None:
                return found.encode()
            db.add(SiteSetting(key=SECRET_KEY_SETTING, value=secrets.token_urlsafe(48)))
            try:
                db.commit()
            except IntegrityError:  # another process started at the same moment and won
                db.rollback()
    raise DatabaseError("cannot read or store the secret key in the database")
