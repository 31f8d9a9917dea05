"""Export the evidence as Parquet, partitioned by source and month, for other engines.

Each canonical evidence table becomes a folder of Hive-partitioned Parquet files
(`messages/source=slack/month=2026-03/...parquet`), which Spark, DuckDB or pandas read with
partition discovery. Tables with a time of their own are partitioned by source and the UTC month
of that time; the others by source alone. The evidence is read through
:func:`~asyncmaturity.store.evidence.open_evidence` (a store file, read-only, or another Parquet
export); the store's secret (the key of its pseudonymous hashes) and its bookkeeping tables are
never exported.

>>> from pathlib import Path
>>> # export_parquet(Path("team.duckdb"), Path("team-parquet"))
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.store.database import EVIDENCE_KEYS
from asyncmaturity.store.evidence import open_evidence

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


class ExportOverEvidence(AsyncMaturityError):
    """The export folder holds the evidence being exported, or lies inside it."""


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
        store: an evidence store written by `ingest`, or a Parquet export folder.
        folder: the output folder; it must be empty or absent unless `overwrite`.
        overwrite: replace what an earlier export left in `folder`.
        secret_file: also write the store's secret here (readable by its owner only), for
            measuring the export with a charter that names people; never inside `folder`. A
            Parquet export carries no secret: it is taken from the environment
            (:data:`~asyncmaturity.store.evidence.SECRET_VARIABLE`).
    """
    if secret_file is not None and secret_file.resolve().is_relative_to(folder.resolve()):
        raise SecretInsideExport(
            f"{secret_file}: the secret must not be written inside the export folder {folder}"
        )
    source, target = store.resolve(), folder.resolve()
    if source.is_relative_to(target) or target.is_relative_to(source):
        raise ExportOverEvidence(
            f"{folder}: the export folder must neither hold nor lie inside the evidence {store}"
        )
    with open_evidence(store) as evidence:
        secret = evidence.require_secret("--secret-file asks for it") if secret_file else None
        if folder.exists() and any(folder.iterdir()):
            if not overwrite:
                raise ExportTargetExists(
                    f"{folder}: folder is not empty; pass --overwrite to replace its contents"
                )
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if secret_file is not None:
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.touch(mode=0o600)
            secret_file.chmod(0o600)
            secret_file.write_text(f"{secret}\n", encoding="utf-8")
        rows = evidence.counts()
        for name in EVIDENCE_KEYS:
            if rows[name] == 0:
                continue
            table = evidence.table(name)
            month = MONTH_OF.get(name)
            if month:
                table = table.mutate(month=table[month].strftime("%Y-%m"))
            evidence.backend.to_parquet(
                table, folder / name, partition_by=("source", "month") if month else ("source",)
            )
    return ExportSummary(folder=folder, rows=rows)
