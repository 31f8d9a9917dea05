"""Ingest guarantees: idempotent, atomic, private by default, and clear about bad input."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from asyncmaturity.errors import (
    InvalidExport,
    RejectedRecords,
    UnknownFormat,
    UnknownTimeZone,
    UnsafeArchive,
)
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest, memory_limit_setting


def _counts(store: Path) -> dict[str, int]:
    with EvidenceStore.open(store, create=False) as opened:
        return opened.counts()


def _copy(slack_fixture: Any, name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(slack_fixture(name), target)
    return target


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(folder).as_posix())
    return target


def test_reingesting_the_same_export_adds_nothing(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    first = ingest([slack_fixture("bot_reply_in_thread")], store=store)
    assert first.added["messages"] == 6
    before = _counts(store)
    second = ingest([slack_fixture("bot_reply_in_thread")], store=store)
    assert sum(second.added.values()) == 0
    assert second.duplicates["messages"] == 6
    assert _counts(store) == before


def test_zip_and_folder_give_the_same_keys(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([slack_fixture("thread_broadcast_reply")], store=store)
    archive = _zip(slack_fixture("thread_broadcast_reply"), tmp_path / "export.zip")
    again = ingest([archive], store=store)
    assert again.added.get("messages", 0) == 0 and again.duplicates["messages"] == 3


def test_zip_wrapped_in_a_top_level_folder_is_read(slack_fixture: Any, tmp_path: Path) -> None:
    wrapper = tmp_path / "wrap"
    shutil.copytree(slack_fixture("thread_broadcast_reply"), wrapper / "Acme Slack export")
    archive = _zip(wrapper, tmp_path / "export.zip")
    assert ingest([archive], store=tmp_path / "s.duckdb").added["messages"] == 3


def test_failed_ingest_leaves_the_store_as_it_was(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([slack_fixture("bot_reply_in_thread")], store=store)
    before = _counts(store)
    broken = _copy(slack_fixture, "reply_in_later_day_file", tmp_path)
    (broken / "general" / "2026-02-09.json").write_text('[{"type": "message", "ts": "1"', "utf-8")
    with pytest.raises(InvalidExport, match=r"general/2026-02-09\.json: malformed JSON"):
        # The first export is fine and would add rows; the second fails: neither may land.
        ingest([slack_fixture("thread_broadcast_reply"), broken], store=store)
    assert _counts(store) == before


def test_failed_first_ingest_leaves_no_store(slack_fixture: Any, tmp_path: Path) -> None:
    broken = _copy(slack_fixture, "bot_reply_in_thread", tmp_path)
    (broken / "users.json").write_text("[{", "utf-8")
    store = tmp_path / "new.duckdb"
    with pytest.raises(InvalidExport, match=r"users\.json: malformed JSON at line 1"):
        ingest([broken], store=store)
    assert not store.exists()


def test_day_file_that_is_not_an_array(slack_fixture: Any, tmp_path: Path) -> None:
    broken = _copy(slack_fixture, "bot_reply_in_thread", tmp_path)
    (broken / "general" / "2026-02-04.json").write_text('{"type": "message"}', "utf-8")
    with pytest.raises(InvalidExport, match=r"general/2026-02-04\.json"):
        ingest([broken], store=tmp_path / "s.duckdb")


def test_records_without_ts_are_counted_and_reported(slack_fixture: Any, tmp_path: Path) -> None:
    summary = ingest([slack_fixture("record_without_ts")], store=tmp_path / "s.duckdb")
    assert summary.skipped == {"message without ts": 1, "ts is not a Slack timestamp": 1}
    assert summary.added["messages"] == 1
    assert any("general/2026-02-10.json record 1" in e for e in summary.exports[0].examples)


def test_strict_makes_skipped_records_fatal(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    with pytest.raises(RejectedRecords, match=r"2026-02-10\.json record 1"):
        ingest([slack_fixture("record_without_ts")], store=store, strict=True)
    assert not store.exists()


def test_unknown_time_zone_names_file_and_record(slack_fixture: Any, tmp_path: Path) -> None:
    broken = _copy(slack_fixture, "bot_reply_in_thread", tmp_path)
    users = json.loads((broken / "users.json").read_text())
    users[2]["tz"] = "Mars/Olympus_Mons"
    (broken / "users.json").write_text(json.dumps(users))
    with pytest.raises(UnknownTimeZone, match=r"users\.json record 2 \(user UKIR00001\).*Mars"):
        ingest([broken], store=tmp_path / "s.duckdb")


def test_folder_that_is_not_a_slack_export(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(UnknownFormat, match="cannot tell the export type; pass --format"):
        ingest([folder], store=tmp_path / "s.duckdb")
    with pytest.raises(InvalidExport, match="not a Slack export"):
        ingest([folder], store=tmp_path / "s.duckdb", format="slack")


def test_truncated_zip(slack_fixture: Any, tmp_path: Path) -> None:
    archive = _zip(slack_fixture("bot_reply_in_thread"), tmp_path / "export.zip")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnsafeArchive, match="truncated or not a zip"):
        ingest([archive], store=tmp_path / "s.duckdb", format="slack")


def test_zip_with_parent_paths_is_refused(slack_fixture: Any, tmp_path: Path) -> None:
    archive = _zip(slack_fixture("bot_reply_in_thread"), tmp_path / "export.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("../../evil.json", "[]")
    with pytest.raises(UnsafeArchive, match="points outside the archive"):
        ingest([archive], store=tmp_path / "s.duckdb")
    assert not (tmp_path.parent / "evil.json").exists()


def test_zip_bomb_is_refused(slack_fixture: Any, tmp_path: Path) -> None:
    archive = _zip(slack_fixture("bot_reply_in_thread"), tmp_path / "export.zip")
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("general/2026-02-05.json", "[" + " " * (50 << 20) + "]")
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        ingest([archive], store=tmp_path / "s.duckdb")


def test_no_text_or_names_without_keep_text(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([slack_fixture("conversation_kinds")], store=store)
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM people WHERE display_name IS NOT NULL").fetchone() == (
        0,
    )
    names = {r[0]: r[1] for r in con.execute("SELECT kind, name FROM conversations").fetchall()}
    assert (
        names["public channel"] == "general" and names["dm"] is None and names["group dm"] is None
    )
    everything = " ".join(
        str(v) for row in con.execute("SELECT * FROM people").fetchall() for v in row
    )
    assert "UANA00001" not in everything and "example.org" not in everything
    con.close()


def test_keep_text_stores_text(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([slack_fixture("conversation_kinds")], store=store, keep_text=True)
    con = duckdb.connect(str(store), read_only=True)
    texts = {r[0] for r in con.execute("SELECT text FROM messages").fetchall()}
    assert "a dm" in texts
    con.close()


def test_person_keys_depend_on_the_store_secret(slack_fixture: Any, tmp_path: Path) -> None:
    keys = []
    for name in ("a.duckdb", "b.duckdb"):
        ingest([slack_fixture("conversation_kinds")], store=tmp_path / name)
        con = duckdb.connect(str(tmp_path / name), read_only=True)
        keys.append({r[0] for r in con.execute("SELECT person_key FROM people").fetchall()})
        con.close()
    assert keys[0].isdisjoint(keys[1])


def test_conversation_kinds_and_unlisted_folders(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest(
        [slack_fixture("conversation_kinds"), slack_fixture("folder_not_in_channels_json")],
        store=store,
    )
    con = duckdb.connect(str(store), read_only=True)
    kinds = dict(
        con.execute("SELECT name, kind FROM conversations WHERE name IS NOT NULL").fetchall()
    )
    all_kinds = sorted(r[0] for r in con.execute("SELECT kind FROM conversations").fetchall())
    con.close()
    assert kinds["secret-team"] == "private channel" and kinds["side-project"] == "public channel"
    assert all_kinds.count("dm") == 1 and all_kinds.count("group dm") == 1


def test_provenance_on_every_message(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([slack_fixture("reply_in_later_day_file")], store=store)
    con = duckdb.connect(str(store), read_only=True)
    rows = con.execute("SELECT source, origin, parser_version, ingest_id FROM messages").fetchall()
    con.close()
    assert {r[0] for r in rows} == {"slack"} and {r[2] for r in rows} == {"slack/1"}
    assert sorted(Path(r[1]).name for r in rows) == ["2026-02-06.json", "2026-02-09.json"]
    assert all(r[3] for r in rows)


def test_the_same_person_across_user_files_gets_one_key(slack_fixture: Any, tmp_path: Path) -> None:
    # Enterprise Grid exports: org_users.json beside users.json, the same person in both.
    export = _copy(slack_fixture, "bot_reply_in_thread", tmp_path)
    shutil.copy(export / "users.json", export / "org_users.json")
    store = tmp_path / "s.duckdb"
    ingest([export], store=store)
    assert _counts(store)["people"] == 7  # 6 users + the bot id that posted without a user


def test_interrupted_ingest_leaves_the_store_as_it_was(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([slack_fixture("bot_reply_in_thread")], store=store)
    before = _counts(store)
    stages: list[str] = []

    def interrupt(stage: str, done: int, total: int) -> None:
        stages.append(stage)
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of reading day files

    with pytest.raises(KeyboardInterrupt):
        ingest([slack_fixture("thread_broadcast_reply")], store=store, progress=interrupt)
    assert stages == ["messages"]
    assert _counts(store) == before


def test_day_file_that_is_not_utf8(slack_fixture: Any, tmp_path: Path) -> None:
    broken = _copy(slack_fixture, "reply_in_later_day_file", tmp_path)
    (broken / "general" / "2026-02-09.json").write_bytes(b'[{"text": "caf\xe9", "ts": "1"}]')
    with pytest.raises(InvalidExport, match=r"general/2026-02-09\.json: malformed JSON"):
        ingest([broken], store=tmp_path / "s.duckdb")


def test_same_message_twice_in_one_export_counts_once(slack_fixture: Any, tmp_path: Path) -> None:
    # Some export tools write a channel's folder under its id as well as its name.
    export = _copy(slack_fixture, "thread_broadcast_reply", tmp_path)
    shutil.copytree(export / "general", export / "C00000000")
    summary = ingest([export], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 3
    assert summary.duplicates["messages"] == 3


@pytest.mark.parametrize(
    ("limit", "setting", "shown"),
    [
        ("512MB", "512MB", "488.2 MiB"),
        ("2 gb", "2GB", "1.8 GiB"),
        ("1.5gib", "1.5GiB", "1.5 GiB"),
        (" 4TB ", "4TB", "3.6 TiB"),
        ("100mb", "100MB", "95.3 MiB"),
    ],
)
def test_memory_limits_are_read_as_duckdb_sizes(limit: str, setting: str, shown: str) -> None:
    assert memory_limit_setting(limit) == setting
    # DuckDB reads a decimal unit in powers of 1000 and shows the limit in binary units.
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{setting}'")
    assert con.execute("SELECT current_setting('memory_limit')").fetchone() == (shown,)
