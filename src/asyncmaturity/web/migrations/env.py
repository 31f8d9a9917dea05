"""Alembic environment: runs the migrations on the engine :func:`~asyncmaturity.web.db.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from asyncmaturity.web.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    # Run from the alembic command line with `sqlalchemy.url` set in an ini file.
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")

with engine.begin() as connection:
    # Batch mode lets later migrations alter SQLite tables (it copies them) as well as PostgreSQL's.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
