"""The shipped migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import select, text

from asyncmaturity.web.db import (
    DatabaseError,
    alembic_config,
    create_db_engine,
    migrate,
    session_factory,
    site_secret,
)
from asyncmaturity.web.deps import WebContext
from asyncmaturity.web.models import Base, Decision, SiteSetting, Team


def test_migrated_schema_matches_the_models(shared_app: FastAPI) -> None:
    engine = shared_app.state.context.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrating_again_changes_nothing(shared_app: FastAPI) -> None:
    engine = shared_app.state.context.engine
    assert migrate(engine) == "0005"


def test_the_secret_key_is_generated_once_and_kept(context: WebContext) -> None:
    readers = context.readers
    with readers() as db:
        kept = db.scalars(select(SiteSetting.value)).all()
    assert len(kept) == 1 and context.secret == kept[0].encode() and len(kept[0]) >= 48
    assert site_secret(context.sessions, None) == context.secret
    assert site_secret(context.sessions, "g" * 40) == b"g" * 40


def test_an_unknown_revision_is_refused_with_advice(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'future.db'}")
    try:
        migrate(engine)
        with session_factory(engine)() as db:
            db.execute(text("UPDATE alembic_version SET version_num = '9999'"))
            db.commit()
        with pytest.raises(DatabaseError, match=r"migration '9999'.*upgrade asyncmaturity"):
            migrate(engine)
    finally:
        engine.dispose()


def test_an_unreachable_database_is_a_clear_error() -> None:
    engine = create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        with pytest.raises(DatabaseError, match="cannot open the database"):
            migrate(engine)
    finally:
        engine.dispose()


def test_a_database_of_the_first_release_gets_the_ledger_tables(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        command.upgrade(alembic_config(engine), "0001")
        with session_factory(engine)() as db:
            db.add(Team(name="Kept"))
            db.commit()
        assert migrate(engine) == "0001"
        with session_factory(engine)() as db:
            team = db.scalar(select(Team))
            assert team is not None and team.name == "Kept"
            db.add(Decision(team_id=team.id, number=1, title="Use the ledger"))
            db.commit()
            assert db.scalar(select(Decision.title)) == "Use the ledger"
    finally:
        engine.dispose()
