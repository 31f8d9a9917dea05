"""`asyncmaturity export --parquet`: every evidence table as Parquet, by source and month."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.store.database import EVIDENCE_KEYS
from asyncmaturity.store.ingest import ingest

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"


def _store(tmp_path: Path, slack_fixture: Any) -> Path:
    store = tmp_path / "store.duckdb"
    # Chat over two days of February 2026 and a calendar of March 2026: two sources.
    ingest(
        [slack_fixture("reply_by_root_author"), FIXTURES / "ical" / "all_day_event.ics"],
        store=store,
    )
    return store


def test_every_table_round_trips_with_source_and_month_partitions(
    tmp_path: Path, slack_fixture: Any
) -> None:
    store = _store(tmp_path, slack_fixture)
    folder = tmp_path / "parquet"
    result = runner.invoke(app, ["export", "--store", str(store), "--parquet", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "messages" / "source=slack" / "month=2026-02").is_dir()
    assert (folder / "meetings" / "source=ical" / "month=2026-03").is_dir()
    assert not list(folder.rglob("store_meta*"))  # the secret never leaves the store
    con = duckdb.connect()
    with duckdb.connect(str(store), read_only=True) as original:
        for table in EVIDENCE_KEYS:
            stored = original.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert stored is not None
            if stored[0] == 0:
                assert not (folder / table).exists(), table
                continue
            exported = con.execute(
                f"SELECT count(*) FROM read_parquet('{folder / table}/**/*.parquet', "
                "hive_partitioning = true)"
            ).fetchone()
            assert exported == stored, table
            assert f"{table}: {stored[0]:,} rows" in result.output
    keys = con.execute(
        f"SELECT list_sort(list(message_key)) FROM read_parquet('{folder}/messages/**/*.parquet', "
        "hive_partitioning = true)"
    ).fetchone()
    with duckdb.connect(str(store), read_only=True) as original:
        assert (
            keys == original.execute("SELECT list_sort(list(message_key)) FROM messages").fetchone()
        )


def test_a_folder_with_files_needs_overwrite(tmp_path: Path, slack_fixture: Any) -> None:
    store = _store(tmp_path, slack_fixture)
    folder = tmp_path / "parquet"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    refused = runner.invoke(app, ["export", "--store", str(store), "--parquet", str(folder)])
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: ") and "--overwrite" in refused.output
    assert (folder / "keep.txt").exists()
    replaced = runner.invoke(
        app, ["export", "--store", str(store), "--parquet", str(folder), "--overwrite"]
    )
    assert replaced.exit_code == 0, replaced.output
    assert not (folder / "keep.txt").exists()
    assert (folder / "messages").is_dir()
