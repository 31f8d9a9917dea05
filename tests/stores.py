"""Reading a test's evidence store back: the rows a query gives, without taking the write lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def store_rows(store: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows `sql` gives over the store file at `store`, opened read-only."""
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(sql).fetchall()
