"""`asyncmaturity export --parquet`: every evidence table as Parquet, by source and month, from a
store file or from another Parquet export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.store.database import EVIDENCE_KEYS
from asyncmaturity.store.evidence import SECRET_VARIABLE, SecretRequired
from asyncmaturity.store.export import ExportOverEvidence, export_parquet
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


def test_a_parquet_export_exports_to_the_same_files(tmp_path: Path, slack_fixture: Any) -> None:
    """Exporting an export again gives the same partitions and rows (column order aside)."""
    store = _store(tmp_path, slack_fixture)
    first, second = tmp_path / "first", tmp_path / "second"
    export_parquet(store, first)
    assert export_parquet(first, second).rows == export_parquet(store, tmp_path / "third").rows

    def parts(folder: Path) -> set[str]:
        return {str(path.parent.relative_to(folder)) for path in folder.rglob("*.parquet")}

    assert parts(second) == parts(first)
    con = duckdb.connect()
    for table in (path.name for path in first.iterdir()):
        read = [
            f"SELECT * FROM read_parquet('{folder / table}/**/*.parquet', hive_partitioning = true)"
            for folder in (first, second)
        ]
        columns = ", ".join(con.execute(f"DESCRIBE {read[0]}").fetchnumpy()["column_name"])
        both = [f"SELECT {columns} FROM ({query})" for query in read]
        assert con.execute(f"{both[0]} EXCEPT ALL {both[1]}").fetchall() == [], table
        assert con.execute(f"{both[1]} EXCEPT ALL {both[0]}").fetchall() == [], table


def test_the_export_never_overwrites_the_evidence(tmp_path: Path, slack_fixture: Any) -> None:
    store = _store(tmp_path, slack_fixture)
    with pytest.raises(ExportOverEvidence):
        export_parquet(store, tmp_path, overwrite=True)
    assert store.exists()
    export_parquet(store, tmp_path / "parquet")
    with pytest.raises(ExportOverEvidence):
        export_parquet(tmp_path / "parquet", tmp_path / "parquet", overwrite=True)
    assert (tmp_path / "parquet" / "messages").is_dir()


def test_the_secret_of_a_parquet_export_comes_from_the_environment(
    tmp_path: Path, slack_fixture: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path, slack_fixture)
    first = tmp_path / "first"
    export_parquet(store, first, secret_file=tmp_path / "secret")
    secret = (tmp_path / "secret").read_text(encoding="utf-8")
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    with pytest.raises(SecretRequired):
        export_parquet(first, tmp_path / "second", secret_file=tmp_path / "again")
    assert not (tmp_path / "second").exists() and not (tmp_path / "again").exists()
    monkeypatch.setenv(SECRET_VARIABLE, secret.strip())
    export_parquet(first, tmp_path / "second", secret_file=tmp_path / "again")
    assert (tmp_path / "again").read_text(encoding="utf-8") == secret
