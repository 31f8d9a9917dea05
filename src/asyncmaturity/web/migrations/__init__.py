"""Alembic migrations of the web database, run by :func:`asyncmaturity.web.db.migrate`."""
