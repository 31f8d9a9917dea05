"""Export the evidence store as Parquet, partitioned by source and month, for other engines.

Each canonical evidence table becomes a folder of Hive-partitioned Parquet files
(`messages/source=slack/month=2026-03/...parquet`), which Spark, DuckDB or pandas read with
partition discovery. Tables with a time of their own are partitioned by source and the UTC month
of that time; the others by source alone. The store's secret (the key of its pseudonymous hashes)
and its bookkeeping tables are never exported.

>>> from pathlib import Path
>>> # export_parquet(Path("team.duckdb"), Path("team-parquet"))
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.store.database import EVIDENCE_KEYS, EvidenceStore

# The column whose UTC month partitions a table, where the table has one.
MONTH_OF = {
    "messages": "sent_at",
    "meetings": "start_at",
    "work_items": "created_at",
    "work_events": "occurred_at",
}


class ExportTargetExists(AsyncMaturityError):
    """The export folder already holds files and overwriting was not asked for."""


class SecretInsideExport(AsyncMaturityError):
    """The secret file was asked for inside the export folder, which is meant to be shared."""


@dataclass(frozen=True)
class ExportSummary:
    """What was written: rows per table, and the folder."""

    folder: Path
    rows: dict[str, int]


def export_parquet(
    store: Path, folder: Path, *, overwrite: bool = False, secret_file: Path | None = None
) -> ExportSummary:
    """Write every evidence table of `store` under `folder` as partitioned Parquet.

    Parameters:
        store: an evidence store written by `ingest`.
        folder: the output folder; it must be empty or absent unless `overwrite`.
        overwrite: replace what an earlier export left in `folder`.
        secret_file: also write the store's secret here (readable by its owner only), for
            measuring the export with a charter that names people; never inside `folder`.
    """
    if secret_file is not None and secret_file.resolve().is_relative_to(folder.resolve()):
        raise SecretInsideExport(
            f"{secret_file}: the secret must not be written inside the export folder {folder}"
        )
    if folder.exists() and any(folder.iterdir()):
        if not overwrite:
            raise ExportTargetExists(
                f"{folder}: folder is not empty; pass --overwrite to replace its contents"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        if secret_file is not None:
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.touch(mode=0o600)
            secret_file.chmod(0o600)
            secret_file.write_text(opened.secret + "\n", encoding="utf-8")
        for table in EVIDENCE_KEYS:
            month = MONTH_OF.get(table)
            select = (
                f"SELECT *, strftime({month}, '%Y-%m') AS month FROM {table}"
                if month
                else f"SELECT * FROM {table}"
            )
            partition = "source, month" if month else "source"
            count = opened.con.execute(f"SELECT count(*) FROM {table}").fetchone()
            rows[table] = int(count[0]) if count else 0
            if rows[table] == 0:
                continue
            target = str(folder / table).replace("'", "''")
            opened.con.execute(
                f"COPY ({select}) TO '{target}' (FORMAT parquet, PARTITION_BY ({partition}))"
            )
    return ExportSummary(folder=folder, rows=rows)
