"""How a Slack export is detected and staged for speed: the rows stored stay those of one file at
a time, whatever the batches, and detection leaves the export's own folders alone."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import asyncmaturity.sources as registry
import asyncmaturity.sources.slack as slack
from asyncmaturity.errors import StoreError
from asyncmaturity.simulate.export import simulate_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.sources import detect_exports, get_source
from asyncmaturity.sources.common import SQL_TYPES, register_rows
from asyncmaturity.sources.interface import Source
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest


@pytest.fixture(scope="module")
def simulated_slack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated Slack export: a dozen conversation folders of a few day files each."""
    out = tmp_path_factory.mktemp("simulated") / "exports"
    simulate_export(out, SimulationParams(people=6, days=5, seed=3))
    return out


def _messages(store: Path) -> list[tuple[Any, ...]]:
    """Every stored message, every column but the ingest's bookkeeping, in one order."""
    with EvidenceStore.open(store, create=False) as opened:
        return opened.con.execute(
            "SELECT * EXCLUDE (ingest_id) FROM messages ORDER BY message_key"
        ).fetchall()


class _Spy:
    """A reader that claims nothing and notes every path it is asked about."""

    name = "spy"
    family = get_source("slack").family
    summary = accepts = parser_version = "spy"

    def __init__(self) -> None:
        self.asked: list[Path] = []

    def detect(self, path: Path) -> bool:
        self.asked.append(path)
        return False

    def ingest(self, ctx: Any, path: Path) -> Any:
        raise AssertionError("a reader that claims nothing is never asked to read")


def test_detection_asks_no_reader_about_the_conversation_folders(
    simulated_slack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export"
    shutil.copytree(simulated_slack, export)
    (export / "notes").mkdir()  # a folder of no day files is asked about, as before
    spy = _Spy()
    assert isinstance(spy, Source)
    real = registry.registered_sources
    monkeypatch.setattr(registry, "registered_sources", lambda: [*real(), spy])
    found = detect_exports(export)
    assert [(path, source.name) for path, source in found.parts] == [(export, "slack")]
    conversations = {entry.parent for entry in export.glob("*/*.json")}
    assert len(conversations) >= 5
    assert not conversations & set(spy.asked)
    assert export / "notes" in spy.asked


def test_own_entries_are_the_listings_and_the_folders_of_day_files(
    simulated_slack: Path, tmp_path: Path
) -> None:
    export = tmp_path / "export"
    shutil.copytree(simulated_slack, export)
    (export / "github").mkdir()
    (export / "github" / "issues.json").write_text("[]", "utf-8")
    own = get_source("slack").own_entries(export)  # type: ignore[attr-defined]
    folders = {entry.parent for entry in export.glob("*/????-??-??.json")}
    assert folders <= own
    assert export / "channels.json" in own
    assert export / "github" not in own
    # The export inside a wrapping folder: its own entries are the inner folder's, not these.
    wrapper = tmp_path / "wrapper"
    shutil.move(export, wrapper / "export")
    assert get_source("slack").own_entries(wrapper) == set()  # type: ignore[attr-defined]


def test_rows_are_the_same_in_batches_of_a_few_files(
    simulated_slack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches are staged at once, each by a thread of its own: the features and every other
    # column of a message must not depend on which batch its file fell in, or when it ran.
    ingest([simulated_slack], store=tmp_path / "whole.duckdb")
    # The same store emptied, so that both share the secret that people's keys are hashed with.
    shutil.copy(tmp_path / "whole.duckdb", tmp_path / "single.duckdb")
    with EvidenceStore.open(tmp_path / "single.duckdb", create=False) as opened:
        for table in opened.counts():
            opened.con.execute(f"DELETE FROM {table}")
        opened.con.execute("DELETE FROM ingests")
    monkeypatch.setattr(slack, "FILES_PER_BATCH", 7)
    ingest([simulated_slack], store=tmp_path / "single.duckdb")
    whole = _messages(tmp_path / "whole.duckdb")
    assert len(whole) > 100
    assert _messages(tmp_path / "single.duckdb") == whole


STAGE_BATCH = slack._stage_batch


def _observe_staging(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, int]]:
    """Note, after each batch is staged, the file of its database (None: in memory) and the
    bytes that DuckDB holds in memory for in-memory tables."""
    staged: list[tuple[str | None, int]] = []

    def observed(con: duckdb.DuckDBPyConnection, table: str, *args: Any) -> None:
        STAGE_BATCH(con, table, *args)
        with con.cursor() as cursor:
            row = cursor.execute(
                """SELECT (SELECT path FROM duckdb_databases() WHERE database_name = $database),
                          (SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()
                           WHERE tag = 'IN_MEMORY_TABLE')""",
                {"database": table.split(".")[0]},
            ).fetchone()
        staged.append((row[0], int(row[1])) if row else (None, -1))

    monkeypatch.setattr(slack, "_stage_batch", observed)
    return staged


def test_a_large_export_stages_each_batch_in_a_file_beside_the_store_and_the_rows_stay(
    simulated_slack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Staged in memory, a 10M-message export outgrew the store's memory limit (the in-memory
    # tables spilled only in part); from STAGE_ON_DISK_BYTES each batch is a checkpointed file,
    # whose rows leave memory. Here in batches of a few files, first in memory, then on disk.
    monkeypatch.setattr(slack, "FILES_PER_BATCH", 7)
    in_memory = _observe_staging(monkeypatch)
    ingest([simulated_slack], store=tmp_path / "memory.duckdb")
    # The same store emptied, so that both share the secret that people's keys are hashed with.
    (tmp_path / "disk").mkdir()
    shutil.copy(tmp_path / "memory.duckdb", tmp_path / "disk" / "store.duckdb")
    with EvidenceStore.open(tmp_path / "disk" / "store.duckdb", create=False) as opened:
        for table in opened.counts():
            opened.con.execute(f"DELETE FROM {table}")
        opened.con.execute("DELETE FROM ingests")
    monkeypatch.setattr(slack, "STAGE_ON_DISK_BYTES", 0)
    on_disk = _observe_staging(monkeypatch)
    ingest([simulated_slack], store=tmp_path / "disk" / "store.duckdb")
    assert len(on_disk) == len(in_memory) > 3
    assert all(path is None for path, _ in in_memory)
    folders = {Path(path).parent for path, _ in on_disk if path is not None}
    assert len(folders) == 1 and all(path is not None for path, _ in on_disk)
    assert folders.pop().parent == tmp_path / "disk"
    # In memory the staged rows add up batch after batch; on disk they are not held there (but
    # for a batch caught between its statement and its checkpoint).
    held = [size for _, size in in_memory]
    assert max(held) > 4 * min(held)
    assert max(held) > 10 * statistics.median(size for _, size in on_disk)
    # The staging files are gone, and the rows are those staged in memory.
    assert sorted(p.name for p in (tmp_path / "disk").iterdir()) == ["store.duckdb"]
    assert _messages(tmp_path / "disk" / "store.duckdb") == _messages(tmp_path / "memory.duckdb")


def test_batches_staged_at_once_run_on_one_duckdb_thread_and_a_single_batch_keeps_them(
    simulated_slack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each DuckDB thread computing the features compiles every signal pattern again: batches
    # staged side by side are the parallelism, so the database runs them on one thread each.
    seen: list[int] = []
    one_thread = slack.one_thread

    @contextlib.contextmanager
    def recorded(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        with one_thread(con):
            row = con.execute("SELECT current_setting('threads')").fetchone()
            seen.append(int(row[0]) if row else -1)
            yield

    monkeypatch.setattr(slack, "one_thread", recorded)
    ingest([simulated_slack], store=tmp_path / "whole.duckdb")
    assert seen == []
    monkeypatch.setattr(slack, "FILES_PER_BATCH", 7)
    ingest([simulated_slack], store=tmp_path / "batched.duckdb")
    assert seen == [1]


class _Sized:
    """A file name with a size, as `_batches` reads a path."""

    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size

    def stat(self) -> SimpleNamespace:
        return SimpleNamespace(st_size=self.size)

    def __str__(self) -> str:
        return self.name


@given(
    st.lists(st.integers(min_value=0, max_value=40), max_size=30),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 1200),
)
# Three equal files for two threads: cut greedily at half the bytes, the third was left over.
@example([3, 3, 3], 4, 2, 0)
def test_batches_keep_the_order_and_the_bounds(
    sizes: list[int], per_batch: int, parts: int, split_bytes: int
) -> None:
    files = [_Sized(f"{index:02}.json", size) for index, size in enumerate(sizes)]
    limit = 50
    original = slack.FILES_PER_BATCH, slack.BYTES_PER_BATCH, slack.SPLIT_BYTES
    slack.FILES_PER_BATCH, slack.BYTES_PER_BATCH, slack.SPLIT_BYTES = per_batch, limit, split_bytes
    try:
        batches = slack._batches(files, parts=parts)  # type: ignore[arg-type]
    finally:
        slack.FILES_PER_BATCH, slack.BYTES_PER_BATCH, slack.SPLIT_BYTES = original
    assert [name for batch in batches for name in batch] == [str(file) for file in files]
    by_name = dict(zip([str(file) for file in files], sizes, strict=True))
    total = sum(sizes)
    # An export of at least SPLIT_BYTES is cut for `parts` threads: the fewest batches the
    # limits allow, rounded up to a multiple of `parts`, of about equal bytes each.
    parts = parts if total >= split_bytes else 1
    most_bytes = limit // parts
    count = max(1, -(-total // most_bytes), -(-len(files) // per_batch))
    count = -(-count // parts) * parts
    for batch in batches:
        assert 1 <= len(batch) <= per_batch
        held = sum(by_name[name] for name in batch)
        # Over the byte bound only a batch of one file, larger than the bound by itself.
        assert held <= most_bytes or len(batch) == 1
        # About an equal share: at most one file more than the share.
        assert held <= -(-total // count) + max(sizes)
    # Where no limit cuts a batch short, no batch is left over for a round of its own.
    if total <= most_bytes and len(files) <= per_batch:
        assert len(batches) <= parts


def test_register_rows_keeps_every_type_and_null(tmp_path: Path) -> None:
    con = duckdb.connect()
    ctx = SimpleNamespace(con=con)
    columns = {
        pa.string(): ("text", "x"),
        pa.int64(): ("big", 2**40),
        pa.int32(): ("small", -7),
        pa.bool_(): ("flag", True),
        pa.float64(): ("ratio", 0.25),
        pa.timestamp("us"): ("at", datetime(2026, 1, 5, 9, 30, 0, 123456)),
        pa.date32(): ("day", date(2026, 1, 5)),
        pa.list_(pa.string()): ("labels", ["a", "b"]),
    }
    assert set(columns) == set(SQL_TYPES)
    schema = pa.schema([(name, kind) for kind, (name, _) in columns.items()])
    full = {name: value for name, value in columns.values()}
    register_rows(ctx, "_t", [full, {}], schema)  # type: ignore[arg-type]
    rows = con.execute("SELECT * FROM _t").fetchall()
    assert rows == [tuple(full.values()), (None,) * len(full)]
    register_rows(ctx, "_empty", [], schema)  # type: ignore[arg-type]
    described = con.execute("DESCRIBE _empty").fetchall()
    assert [(row[0], row[1]) for row in described] == [
        (name, SQL_TYPES[kind]) for kind, (name, _) in columns.items()
    ]
    assert con.execute("SELECT count(*) FROM _empty").fetchone() == (0,)


def test_a_slack_ingest_imports_no_pandas(simulated_slack: Path, tmp_path: Path) -> None:
    # Half a second of every ingest went to importing pandas, which staging rows never needed.
    code = (
        "import sys; from asyncmaturity.store.ingest import ingest; "
        "ingest([sys.argv[1]], store=sys.argv[2]); "
        "print(sorted(m for m in ('pandas', 'ibis') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(simulated_slack), str(tmp_path / "s.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_running_out_of_memory_while_staging_is_not_called_malformed_json(tmp_path: Path) -> None:
    # At a 2 MB memory limit the staging statement of this small, valid export cannot allocate
    # its result: the ingest names the memory, never a day file it did not find at fault.
    export = Path(__file__).parent / "fixtures" / "slack" / "reply_by_root_author"
    with pytest.raises(StoreError, match="Out of Memory") as raised:
        ingest([export], store=tmp_path / "store.duckdb", memory_limit="2MB")
    assert "malformed" not in str(raised.value)
    assert not (tmp_path / "store.duckdb").exists()


def test_an_export_of_listings_alone_stages_an_empty_batch(tmp_path: Path) -> None:
    # No day file: one batch of no files is staged all the same, so that the staged view has
    # its columns and the people and channels of the listings are read.
    export = tmp_path / "listings"
    export.mkdir()
    (export / "users.json").write_text('[{"id": "U1", "name": "ann"}]')
    (export / "channels.json").write_text('[{"id": "C1", "name": "general"}]')
    summary = ingest([export], store=tmp_path / "store.duckdb")
    assert summary.added == {"people": 1, "identities": 1, "conversations": 1, "messages": 0}
    assert summary.exports[0].detected.endswith(", 0 day files")


def test_staging_keys_a_reply_by_its_conversation_and_its_thread_ts(tmp_path: Path) -> None:
    # Keys, thread and time are computed while staging, from the day file's conversation (the
    # listing's id, not the folder's name) and the trimmed ts: computed here by hand.
    export = tmp_path / "export"
    (export / "general").mkdir(parents=True)
    (export / "users.json").write_text('[{"id": "U1", "name": "ann"}]')
    (export / "channels.json").write_text('[{"id": "C9", "name": "general"}]')
    (export / "general" / "2024-03-01.json").write_text(
        '[{"type": "message", "user": "U1", "ts": " 1709280000.25 ", "text": "a root"},'
        ' {"type": "message", "user": "U1", "ts": "1709280060.000100",'
        '  "thread_ts": "1709280000.25", "text": "a reply"}]'
    )
    ingest([export], store=tmp_path / "store.duckdb")
    with EvidenceStore.open(tmp_path / "store.duckdb", create=False) as opened:
        rows = opened.con.execute(
            "SELECT message_key, conversation_key, thread_root_key, parent_key, sent_at, "
            "is_root, is_reply FROM messages ORDER BY sent_at"
        ).fetchall()
    root, reply = (
        hashlib.md5(f"slack|C9|{ts}".encode()).hexdigest()
        for ts in ("1709280000.25", "1709280060.000100")
    )
    channel = hashlib.md5(b"slack|C9").hexdigest()
    assert rows == [
        (root, channel, root, None, datetime(2024, 3, 1, 8, 0, 0, 250000), True, False),
        (reply, channel, root, root, datetime(2024, 3, 1, 8, 1, 0, 100), False, True),
    ]
