"""Row-by-row comparison of what two versions of the code store for one mail archive: proof that
a speed change kept every figure.

    git worktree add /tmp/before <commit before the change>
    .venv/bin/python benchmarks/mbox_same_rows.py ../shared/data/mbox-twisted-2010 --before /tmp/before

The archive is ingested by the code under ``--before`` (its ``src/``) into one store, and by this
checkout into a copy of that store emptied of its evidence (so both share the store's secret and
people's keyed hashes agree). For each evidence table the mail sources write (people,
identities, conversations, messages) it prints the rows in one store and not in the other, both
ways, as multisets over every column but the ingest bookkeeping (``ingest_id``, ``ingested_at``);
it exits non-zero on any difference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent

TABLES = ("people", "identities", "conversations", "messages")
BOOKKEEPING = {"ingest_id", "ingested_at"}


def differences(before: str, after: str) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows in `before`, rows only in `before`, rows only in `after`)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{before}' AS b (READ_ONLY)")
    con.execute(f"ATTACH '{after}' AS a (READ_ONLY)")
    found: dict[str, tuple[int, int, int]] = {}
    for table in TABLES:
        names = [
            row[0]
            for row in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_catalog = 'b' AND table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if row[0] not in BOOKKEEPING
        ]
        columns = ", ".join(f'"{name}"' for name in names)
        rows = con.execute(f"SELECT count(*) FROM b.{table}").fetchone()
        only_before = con.execute(
            f"SELECT count(*) FROM (SELECT {columns} FROM b.{table} "
            f"EXCEPT ALL SELECT {columns} FROM a.{table})"
        ).fetchone()
        only_after = con.execute(
            f"SELECT count(*) FROM (SELECT {columns} FROM a.{table} "
            f"EXCEPT ALL SELECT {columns} FROM b.{table})"
        ).fetchone()
        assert rows and only_before and only_after
        found[table] = (int(rows[0]), int(only_before[0]), int(only_after[0]))
    return found


def ingest_with(src: Path, archive: Path, store: Path, fmt: str, keep_text: bool) -> None:
    """Ingest `archive` into `store` with the code under `src` (a fresh interpreter)."""
    code = (
        "import sys; from pathlib import Path; from asyncmaturity.store.ingest import ingest; "
        "ingest([Path(sys.argv[1])], store=Path(sys.argv[2]), format=sys.argv[3], "
        "keep_text=sys.argv[4] == 'keep')"
    )
    env = {**os.environ, "PYTHONPATH": str(src)}
    keep = "keep" if keep_text else "drop"
    command = [sys.executable, "-c", code, str(archive), str(store), fmt, keep]
    subprocess.run(command, env=env, check=True)


def emptied_copy(store: Path, copy: Path) -> None:
    """`store` copied to `copy` with every table but the store's own metadata emptied."""
    shutil.copy(store, copy)
    con = duckdb.connect(str(copy))
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    for (table,) in tables:
        if table != "store_meta":
            con.execute(f"DELETE FROM {table}")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--format", default="mbox")
    parser.add_argument("--keep-text", action="store_true", help="ingest with --keep-text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before, after = Path(folder) / "before.duckdb", Path(folder) / "after.duckdb"
        ingest_with(args.before / "src", args.archive, before, args.format, args.keep_text)
        emptied_copy(before, after)
        ingest_with(REPO / "src", args.archive, after, args.format, args.keep_text)
        found = differences(str(before), str(after))
    for table, (rows, only_before, only_after) in found.items():
        print(
            f"{table:14} {rows:>7,} rows; only before: {only_before:,}; only after: {only_after:,}"
        )
    sys.exit(1 if any(b or a for _, b, a in found.values()) else 0)


if __name__ == "__main__":
    main()
