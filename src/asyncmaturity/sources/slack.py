"""Slack workspace exports (a .zip or its unpacked folder) into the canonical evidence tables.

Listings (channels.json, groups.json, dms.json, mpims.json, users.json or org_users.json) are small
and read in Python so that errors can name the record; the day files, which hold the millions of
messages, are read by DuckDB's JSON reader and shaped by set-based SQL, never a loop per message.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import pyarrow as pa

from asyncmaturity.errors import InvalidExport, UnknownTimeZone
from asyncmaturity.sources.archive import extracted, zip_names
from asyncmaturity.sources.common import (
    count_skips,
    file_label,
    insert_conversations,
    register_rows,
    sole_folder,
    wrong_type_sql,
)
from asyncmaturity.sources.features import (
    DECISION_PATTERN,
    await_signals_sql,
    duckdb_threads,
    one_thread,
    record_sites_sql,
    signal_planning,
)
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import (
    IMPLAUSIBLE_TIME,
    JSON_REFUSED,
    NUMBER,
    STRING,
    epoch_seconds_sql,
    implausible_sql,
    json_check_params,
    json_checks_sql,
    load_json,
    raw_fields_structure,
    refuse_json,
    refuse_text_not_utf8,
    set_plausible_range,
)
from asyncmaturity.vocabulary import (
    ConversationKind,
    MessageKind,
    Visibility,
)

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
LISTINGS = {
    "channels.json": ConversationKind.PUBLIC_CHANNEL,
    "groups.json": ConversationKind.PRIVATE_CHANNEL,
    "dms.json": ConversationKind.DM,
    "mpims.json": ConversationKind.GROUP_DM,
}
USER_FILES = ("users.json", "org_users.json")
# A day file is an array of messages.
DAY_FILE_TOP = ("ARRAY",)
# What the JSON checks (reading.json_checks_sql) find in a file, kept where they refuse it.
PROBLEM = ("empty", "valid", "kind", "deep", "wrong_list")
HUMAN_SUBTYPES = ("thread_broadcast", "file_share", "me_message")
SLACKBOT = "USLACKBOT"
# A batch of day files is parsed in one statement, whose planning alone (the features' regular
# expressions) costs about a third of a second: batches are as large as memory allows, the sort in
# _messages_sql holding the batch's text (BYTES_PER_BATCH among the batches staged at once).
FILES_PER_BATCH = 20_000
BYTES_PER_BATCH = 64 << 20
# Below this size (about 30,000 messages of a simulated export) an export is one statement:
# planning a second costs about a third of a CPU-second and saves little wall time on a small
# export (splitting every export took the test suite from 1,105 s to 1,316 s).
SPLIT_BYTES = 8 << 20
# From this size (about a million messages of a simulated export) each batch is staged in a
# database file of its own, checkpointed once written, beside the store: staged rows held in
# memory outgrow the store's memory limit (a 4.7 GB export of 10M messages failed at 1 GB, the
# in-memory tables spilled only in part), and a file's checkpointed rows leave memory ...
STAGE_ON_DISK_BYTES = 512 << 20
# ... in batches of half the bytes: two 32 MB batches staged at once held about 300 MB of
# working memory besides the staged rows (DuckDB's `duckdb_memory()`), and a 2.1M-message
# export's 32 MB batches failed at a 600 MB limit where 16 MB ones passed; only the batches
# staged at once, not the export, now decide the memory.
DISK_BYTES_PER_BATCH = BYTES_PER_BATCH // 2
TS_PATTERN = r"\d{1,12}(\.\d{1,9})?"
# What staging computes of a message besides its fields and features (:func:`_messages_sql`).
KEYED_COLUMNS = (
    "conversation_key",
    "message_key",
    "is_reply",
    "parent_key",
    "sent_at",
    "ts_problem",
)
# Why a message is skipped by its ts, in the order they are tested.
TS_PROBLEMS = ("message without ts", "ts is not a Slack timestamp", IMPLAUSIBLE_TIME)
# What an empty batch reads: the columns read_text gives, no rows.
EMPTY_DOCUMENTS = "(SELECT NULL::VARCHAR AS filename, NULL::VARCHAR AS content LIMIT 0)"
# Slack rolled threads out from 18 January 2017 (The Verge, "Slack adds threaded messages",
# 2017-01-18): an export of earlier messages alone cannot show whether a team replies in them.
THREADS_SINCE_TS = 1484697600  # 2017-01-18T00:00:00Z


def _implausible_ts(ts: str) -> str:
    """SQL: the Slack timestamp `ts` (seconds.micros, matching TS_PATTERN) is implausible."""
    return implausible_sql(epoch_seconds_sql(f"trim({ts})"), ts)


# Only these fields are read from a message; the rest of each record (blocks, attachments, files)
# is never materialised, which keeps memory flat however rich the export is.
MESSAGE_COLUMNS = {
    "type": "VARCHAR",
    "subtype": "VARCHAR",
    "user": "VARCHAR",
    "bot_id": "VARCHAR",
    "ts": "VARCHAR",
    "thread_ts": "VARCHAR",
    "text": "VARCHAR",
    "reactions": "JSON",
    "edited": "JSON",
}
# The fields a message is read by: one of another JSON type (a `user` object, a `ts` list) would
# be read as its JSON text, so the message is skipped with the field's name instead.
TYPED_FIELDS = {
    "type": (STRING,),
    "subtype": (STRING,),
    "user": (STRING,),
    "bot_id": (STRING,),
    "ts": (STRING, NUMBER),
    "thread_ts": (STRING, NUMBER),
    "text": (STRING,),
}
RAW_STRUCTURE = json.dumps([raw_fields_structure(TYPED_FIELDS)])


@dataclass(frozen=True)
class Conversation:
    """A conversation as the export lists it (or as an unlisted folder implies)."""

    conversation_id: str
    kind: ConversationKind
    name: str | None
    created: int | None
    listed: bool


class SlackSource:
    """Slack workspace export: a .zip, or the folder it unpacks to."""

    name = "slack"
    family = SourceFamily.CHAT
    summary = "Slack workspace export (standard, full or Enterprise Grid), zipped or unpacked"
    parser_version = "slack/1"
    accepts = "a .zip export or its folder: channels.json, users.json, one folder per conversation"

    real_samples = (
        "zulip/zulip@cd14d7fbd40c5ee7c34a9b2e374db59cc0159449:"
        "zerver/tests/fixtures/slack_fixtures/test_slack_importer/",
    )

    def detect(self, path: Path) -> bool:
        """A folder or zip holding users.json or a channel listing, or conversation day files."""
        if path.is_file() and path.suffix.lower() == ".zip":
            names = zip_names(path)
            return names is not None and any(
                Path(n).name in (*LISTINGS, *USER_FILES) for n in names
            )
        if path.is_dir():
            root = _export_root(path)
            return any((root / name).is_file() for name in (*LISTINGS, *USER_FILES)) or any(
                True for _ in _day_files(root, limit=1)
            )
        return False

    def own_entries(self, path: Path) -> set[Path]:
        """The listings, user files and conversation folders (holding day files) of the export
        folder `path`; none when the export lies in a folder inside it.

        path: a folder this source recognises.
        """
        if not path.is_dir() or _export_root(path) != path:
            return set()
        own = {path / name for name in (*LISTINGS, *USER_FILES)}
        # An entry that cannot be read (a symlink loop, no permission) stays for detection to
        # judge, as before.
        with suppress(OSError), os.scandir(path) as entries:
            folders = [entry.path for entry in entries if entry.is_dir()]
            for folder in folders:
                with suppress(OSError), os.scandir(folder) as files:
                    if any(DAY_FILE.match(file.name) and file.is_file() for file in files):
                        own.add(Path(folder))
        return own

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the export at `path` and add its new records to the store."""
        report = SourceReport()
        opener = extracted(path) if path.is_file() else nullcontext(path)
        with opener as unpacked:
            root = _export_root(unpacked)
            label = file_label(path, root)
            # A workspace export holds DMs, group DMs and private channels only with their
            # listings (a Standard plan's export has public channels alone).
            report.sees = {
                Visibility.DIRECT_MESSAGES: (root / "dms.json").is_file(),
                Visibility.GROUP_MESSAGES: (root / "mpims.json").is_file(),
                Visibility.PRIVATE_CHANNELS: (root / "groups.json").is_file(),
            }
            users = _read_users(root, label, report)
            conversations, files = _conversations(root, label, report)
            if not users and not conversations:
                raise InvalidExport(
                    f"{path}: not a Slack export: no users.json, channel listing or conversation "
                    "folders with YYYY-MM-DD.json day files"
                )
            listed = len({c.conversation_id for c in conversations.values() if c.listed})
            unlisted = sum(not c.listed for c in conversations.values())
            report.detected = (
                f"Slack export: {len(users)} users, {listed} listed conversations"
                + (f", {unlisted} unlisted folders" if unlisted else "")
                + f", {len(files)} day files"
            )
            _stage_users(ctx, users)
            _stage_conversations(ctx, conversations)
            with _staging_folder(ctx.con, files) as folder:
                staging = _stage_messages(ctx, files, conversations, label, report, folder)
                report.sees[Visibility.THREADS] = _could_thread(ctx.con)
                _insert(ctx, path)
                ctx.con.execute("DROP VIEW _slack_raw")
                ctx.con.execute("DROP VIEW _slack_staged")
                ctx.con.execute("DROP VIEW _slack_files")
                for database in staging:
                    ctx.con.execute(f"DETACH {database}")
        return report


def _export_root(path: Path) -> Path:
    """The folder holding the export; zips often wrap everything in one top-level folder."""
    if any((path / name).is_file() for name in (*LISTINGS, *USER_FILES)):
        return path
    inner = sole_folder(path)
    return _export_root(inner) if inner is not None else path


def _day_files(root: Path, limit: int | None = None) -> Iterator[tuple[str, Path]]:
    found = 0
    # os.scandir and plain string sorts: exports hold hundreds of thousands of day files.
    folders = sorted(entry.name for entry in os.scandir(root) if Path(entry.path).is_dir())
    for folder in folders:
        names = sorted(
            entry.name
            for entry in os.scandir(root / folder)
            if DAY_FILE.match(entry.name) and entry.is_file()
        )
        for name in names:
            yield folder, root / folder / name
            found += 1
            if limit is not None and found >= limit:
                return


def _load_json_array(file: Path, label: Any) -> list[Any]:
    data = load_json(file, label(file))
    if not isinstance(data, list):
        raise InvalidExport(f"{label(file)}: expected a JSON array, found {type(data).__name__}")
    return data


def _read_users(root: Path, label: Any, report: SourceReport) -> list[dict[str, Any]]:
    users: dict[str, dict[str, Any]] = {}
    for name in USER_FILES:
        file = root / name
        if not file.is_file():
            continue
        missing: list[str] = []
        records = _load_json_array(file, label)
        report.records_read += len(records)
        for index, record in enumerate(records):
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                missing.append(f"{label(file)} record {index}: no user id")
                continue
            tz = record.get("tz") or None
            if tz is not None:
                try:
                    ZoneInfo(str(tz))
                except (ZoneInfoNotFoundError, ValueError):
                    raise UnknownTimeZone(
                        f"{label(file)} record {index} (user {record['id']}): unknown time zone {tz!r}"
                    ) from None
            profile = record.get("profile") if isinstance(record.get("profile"), dict) else {}
            email = profile.get("email") if isinstance(profile, dict) else None
            users.setdefault(
                record["id"],
                {
                    "user_id": record["id"],
                    "tz": tz,
                    "is_bot": bool(record.get("is_bot") or record.get("is_app_user"))
                    or record["id"] == SLACKBOT,
                    "email": str(email).strip().lower() if email else None,
                    "display_name": record.get("real_name") or record.get("name"),
                },
            )
        report.skip("user record without an id", len(missing), missing)
    return list(users.values())


def _conversations(
    root: Path, label: Any, report: SourceReport
) -> tuple[dict[str, Conversation], list[tuple[str, Path]]]:
    by_folder: dict[str, Conversation] = {}
    for listing, kind in LISTINGS.items():
        file = root / listing
        if not file.is_file():
            continue
        missing: list[str] = []
        for index, record in enumerate(_load_json_array(file, label)):
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                missing.append(f"{label(file)} record {index}: no conversation id")
                continue
            conversation = Conversation(
                conversation_id=record["id"],
                kind=kind,
                name=record.get("name") if kind != ConversationKind.DM else None,
                created=_epoch_or_none(record.get("created")),
                listed=True,
            )
            # Exports name channel folders by name and DM folders by id; accept either.
            by_folder.setdefault(record["id"], conversation)
            if conversation.name:
                by_folder.setdefault(conversation.name, conversation)
        report.skip("conversation record without an id", len(missing), missing)
    files = list(_day_files(root))
    result: dict[str, Conversation] = {}
    for folder in sorted({folder for folder, _ in files}):
        found = by_folder.get(folder)
        if found is None:
            found = Conversation(folder, _kind_of_unlisted(folder), folder, None, listed=False)
        result[folder] = found
    for conversation in by_folder.values():
        result.setdefault(conversation.conversation_id, conversation)
    return result, files


def _epoch_or_none(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def _kind_of_unlisted(folder: str) -> ConversationKind:
    if folder.startswith("mpdm-"):
        return ConversationKind.GROUP_DM
    if re.fullmatch(r"D[A-Z0-9]{6,}", folder):
        return ConversationKind.DM
    return ConversationKind.PUBLIC_CHANNEL


def _stage_users(ctx: IngestContext, users: list[dict[str, Any]]) -> None:
    schema = pa.schema(
        [
            ("user_id", pa.string()),
            ("tz", pa.string()),
            ("is_bot", pa.bool_()),
            ("email", pa.string()),
            ("display_name", pa.string()),
        ]
    )
    register_rows(ctx, "_slack_users", users, schema)


def _stage_conversations(ctx: IngestContext, conversations: dict[str, Conversation]) -> None:
    rows = [
        {
            "folder": folder,
            "conversation_id": c.conversation_id,
            "kind": c.kind,
            "name": c.name,
            "created": c.created,
        }
        for folder, c in conversations.items()
    ]
    schema = pa.schema(
        [
            ("folder", pa.string()),
            ("conversation_id", pa.string()),
            ("kind", pa.string()),
            ("name", pa.string()),
            ("created", pa.int64()),
        ]
    )
    register_rows(ctx, "_slack_conversations", rows, schema)


def _stage_messages(
    ctx: IngestContext,
    files: list[tuple[str, Path]],
    conversations: dict[str, Conversation],
    label: Any,
    report: SourceReport,
    folder: Path | None = None,
) -> list[str]:
    """Stage the messages of the day files `files` (the `_slack_raw` view), skipping and counting
    those that cannot be read; return the names of the databases attached to hold them.

    conversations: the conversation of each folder (:func:`_conversations`), whose id keys the
        messages of its day files.
    folder: where each batch is staged in a database file of its own (:func:`_staging_folder`);
        None stages every batch in memory.
    """
    con = ctx.con
    params = _staging_params("|".join(f"(?:{p})" for p in ctx.record_systems) or "$^")
    # The batches are staged in a database of their own, attached for this export, so that
    # connections of their own can write it at once; the ingest's transaction reads it only
    # once they are done (its transaction there starts at its first read).
    staging = f"_slack_staging_{uuid.uuid4().hex[:12]}"
    if folder is None:
        con.execute(f"ATTACH ':memory:' AS {staging}")
    else:
        path = str(folder / "files.duckdb").replace("'", "''")
        con.execute(f"ATTACH '{path}' AS {staging}")
    _stage_files(con, f"{staging}.files", files, conversations, label, on_disk=folder is not None)
    workers = duckdb_threads(con)
    # An export without day files stages one empty batch: the view below needs its columns.
    budget = BYTES_PER_BATCH if folder is None else DISK_BYTES_PER_BATCH
    batches = _batches([file for _, file in files], parts=workers, budget=budget) or [[]]
    # Built once for every batch (the signals' SQL alone takes about 0.05 CPU-s to build).
    statement = _messages_sql("read_text($files)" if files else EMPTY_DOCUMENTS, f"{staging}.files")
    # A table per batch, each created by its statement: no statement is planned only to learn
    # the staged columns (planning the signals costs about 0.1 CPU-s), and no batch waits for
    # another to append to a table they share.
    databases = [staging]
    if folder is None:
        tables = [f"{staging}.batch_{number}" for number in range(len(batches))]
    else:
        # A database a batch: each is written by one connection alone, so it checkpoints.
        for number in range(len(batches)):
            path = str(folder / f"batch_{number}.duckdb").replace("'", "''")
            con.execute(f"ATTACH '{path}' AS {staging}_{number}")
            databases.append(f"{staging}_{number}")
        tables = [f"{database}.batch" for database in databases[1:]]
    pool = ThreadPoolExecutor(max(1, min(workers, len(batches))))
    # Batches staged at once already keep every core busy; DuckDB's own threads would only
    # compile the signal patterns once more each (a single statement keeps them).
    threads = one_thread(con) if len(batches) > 1 else nullcontext()
    with signal_planning(con), threads, pool:
        staged = [
            pool.submit(
                _stage_batch,
                con,
                table,
                batch,
                statement,
                {**params, "first": first, "last": first + len(batch) - 1},
                ctx.plausible,
                label,
                folder is not None,
            )
            for table, batch, first in zip(tables, batches, _firsts(batches), strict=True)
        ]
        done = 0
        try:
            # In the export's order: the first batch that fails is the one named.
            for batch, future in zip(batches, staged, strict=True):
                future.result()
                done += len(batch)
                ctx.progress("messages", done, len(files))
        except BaseException:
            for future in staged:
                future.cancel()
            raise
    table = "_slack_staged"
    con.execute(f"CREATE OR REPLACE TEMP VIEW _slack_files AS SELECT * FROM {staging}.files")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS "
        + " UNION ALL ".join(f"SELECT * FROM {name}" for name in tables)
    )
    _refuse_problem(con, table, label)
    counted = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    report.records_read += int(counted[0]) if counted else 0
    # A record with a field of another JSON type is counted and left out of the view (the
    # ingest's transaction writes to the store alone, so it cannot delete it from the staging).
    count_skips(
        ctx,
        report,
        table,
        "r.wrong_type",
        "f.origin || ' record ' || r.ordinal",
        joined="JOIN _slack_files f USING (file)",
    )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _slack_raw AS SELECT * FROM {table} WHERE wrong_type IS NULL"
    )
    # The three reasons, which exclude one another, were found while staging (`ts_problem`).
    rows = con.execute(
        """SELECT r.ts_problem, f.origin, r.ordinal
           FROM _slack_raw r JOIN _slack_files f USING (file)
           WHERE r.ts_problem IS NOT NULL ORDER BY f.origin, r.ordinal"""
    ).fetchall()
    for number, reason in enumerate(TS_PROBLEMS):
        places = [f"{origin} record {ordinal}" for kind, origin, ordinal in rows if kind == number]
        report.skip(reason, len(places), [f"{place}: {reason}" for place in places])
    return databases


@contextmanager
def _staging_folder(
    con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]]
) -> Iterator[Path | None]:
    """A folder, beside the store, for the staging databases of an export of at least
    :data:`STAGE_ON_DISK_BYTES`, removed afterwards; None for a smaller export (staged in memory).
    """
    if sum(file.stat().st_size for _, file in files) < STAGE_ON_DISK_BYTES:
        yield None
        return
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    beside = Path(row[0]).parent if row and row[0] else None
    with tempfile.TemporaryDirectory(
        prefix=".asyncmaturity-staging-", dir=beside, ignore_cleanup_errors=True
    ) as folder:
        yield Path(folder)


def _stage_files(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: list[tuple[str, Path]],
    conversations: dict[str, Conversation],
    label: Any,
    on_disk: bool = False,
) -> None:
    """Create `table` in the staging database: each day file (`file`, as read_text names it),
    its index in `files` (`number`: a batch's files are a range of them), its folder, its name
    in messages (`origin`) and its conversation's id and key.

    Written on a connection of its own and committed, so that the batches' connections read it
    (:func:`_messages_sql` keys the messages with it, at once for every batch); `on_disk`: its
    database is a file, checkpointed once the table is written.
    """
    with con.cursor() as cursor:
        cursor.execute(
            f"""CREATE TABLE {table} AS
                SELECT *, md5('slack|' || conversation_id) AS conversation_key
                FROM (SELECT unnest(range(len($file::VARCHAR[]))) AS number,
                             unnest($folder::VARCHAR[]) AS folder,
                             unnest($file::VARCHAR[]) AS file,
                             unnest($origin::VARCHAR[]) AS origin,
                             unnest($conversation::VARCHAR[]) AS conversation_id)""",
            {
                "folder": [folder for folder, _ in files],
                "file": [str(file) for _, file in files],
                "origin": [label(file) for _, file in files],
                "conversation": [conversations[folder].conversation_id for folder, _ in files],
            },
        )
        if on_disk:
            cursor.execute(f"CHECKPOINT {table.split('.')[0]}")


def _could_thread(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the export can show replies in threads: it holds one, or a message sent when
    Slack had threads."""
    row = con.execute(
        "SELECT bool_or(nullif(trim(thread_ts), '') IS NOT NULL AND trim(thread_ts) <> trim(ts)) "
        f"OR max(TRY_CAST(trim(ts) AS DOUBLE)) >= {THREADS_SINCE_TS} FROM _slack_raw"
    ).fetchone()
    # An export without messages shows nothing of threads either.
    return bool(row and row[0])


def _messages_sql(documents: str, files: str) -> str:
    """SELECT of every message of the day files in `documents` (a relation of `filename` and
    `content`): its file, its index there, the fields of :data:`MESSAGE_COLUMNS`, the first of
    its typed fields that holds another JSON type (`wrong_type`, NULL when none; found from
    the fields read as raw JSON, which are not kept), the columns of :data:`KEYED_COLUMNS`
    (its keys from its file's conversation in `files`, a table of :func:`_stage_files`; its
    time where the ts is a Slack timestamp; the index in :data:`TS_PROBLEMS` of what is wrong
    with the ts, NULL when nothing is) and its text's features
    (:func:`slack_text_features_sql`).

    A file that the JSON checks refuse (:func:`~asyncmaturity.sources.reading.json_checks_sql`:
    empty, malformed, too deep, no array) is not parsed: it gives one row of NULL fields whose
    `problem` says why (NULL on every other row). Checks and parse in one statement read each
    file once; the features are computed there too. The statement runs on about one thread (its
    sort), so batches are staged at once, a thread each (:func:`_stage_messages`). The query
    needs the parameters of :func:`_staging_params`.
    """
    fields = ", ".join(f's."{k}" AS "{k}"' for k in MESSAGE_COLUMNS)
    ts, thread_ts = "trim(s.ts)", "trim(s.thread_ts)"
    is_reply = f"nullif({thread_ts}, '') IS NOT NULL AND {thread_ts} <> {ts}"
    found = ", ".join(f"'{column}': {column}" for column in PROBLEM)
    problem = f"CASE WHEN {JSON_REFUSED} THEN {{{found}}} END"
    return f"""
        SELECT * EXCLUDE (urls, raw), {slack_text_features_sql("text", urls="urls")}
        FROM (SELECT file, ordinal, problem, {fields}, raw,
                     {wrong_type_sql(TYPED_FIELDS, "raw")} AS wrong_type,
                     {slack_urls_sql("s.text")} AS urls,
                     conversation_key,
                     md5('slack|' || conversation_id || '|' || {ts}) AS message_key,
                     {is_reply} AS is_reply,
                     CASE WHEN {is_reply}
                          THEN md5('slack|' || conversation_id || '|' || {thread_ts}) END
                         AS parent_key,
                     CASE WHEN regexp_full_match({ts}, '{TS_PATTERN}')
                          THEN make_timestamp(CAST(split_part({ts}, '.', 1) AS BIGINT) * 1000000
                              + CAST(rpad(left(split_part({ts} || '.', '.', 2), 6), 6, '0')
                                     AS BIGINT)) END AS sent_at,
                     -- Why the message is skipped, by its ts: one of TS_PROBLEMS, which
                     -- exclude one another, by its index; NULL when it is kept.
                     CASE WHEN s.ts IS NULL OR {ts} = '' THEN 0
                          WHEN NOT regexp_full_match({ts}, '{TS_PATTERN}') THEN 1
                          WHEN {_implausible_ts("s.ts")} THEN 2 END AS ts_problem
              FROM (SELECT filename AS file, problem, conversation_id, conversation_key,
                           unnest(range(len(m))) AS ordinal, unnest(m) AS s, unnest(raw) AS raw
                    FROM (SELECT filename, problem, conversation_id, conversation_key,
                                 CASE WHEN problem IS NULL
                                      THEN json_transform(content, $structure) ELSE [NULL] END
                                     AS m,
                                 CASE WHEN problem IS NULL
                                      THEN json_transform(content, '{RAW_STRUCTURE}')
                                      ELSE [NULL] END AS raw
                          FROM (SELECT filename, content, conversation_id, conversation_key,
                                       {problem} AS problem
                                FROM (SELECT filename, content, conversation_id,
                                             conversation_key, {json_checks_sql()}
                                      FROM (SELECT d.filename, d.content,
                                                   json_valid(d.content) AS valid,
                                                   f.conversation_id, f.conversation_key
                                            FROM {documents} d
                                            LEFT JOIN (SELECT * FROM {files}
                                                       WHERE number BETWEEN $first AND $last) f
                                                   ON f.file = d.filename))
                                -- read_text gives each file in a chunk of its own, and each
                                -- expression of the features costs as much on a chunk of 8
                                -- messages as on one of 2,048: the sort gathers the files
                                -- into full chunks (8 times less CPU on day files), and
                                -- keeps the checks from being computed again above it.
                                ORDER BY filename))))"""


def _staging_params(record_pattern: str) -> dict[str, Any]:
    """The parameters of :func:`_messages_sql`, with the team's record systems' pattern."""
    return {
        "structure": json.dumps([MESSAGE_COLUMNS]),
        "record_pattern": record_pattern,
        "decision_pattern": DECISION_PATTERN,
        **json_check_params(DAY_FILE_TOP),
    }


def _batches(files: list[Path], parts: int = 1, budget: int | None = None) -> list[list[str]]:
    """`files` in order, in batches for `parts` threads staging them at once.

    As few batches as the limits allow (at most :data:`FILES_PER_BATCH` files and, unless one
    file is larger, a `parts`-th of `budget` bytes, by default :data:`BYTES_PER_BATCH`: the
    batches staged at once share the memory), rounded up to a multiple of `parts`, each about
    an equal share of the bytes: every thread gets a batch of each round, and no batch of a few
    files is left over to be planned and staged alone after the others. An export smaller than :data:`SPLIT_BYTES` is
    not cut for the threads (`parts` is 1).
    """
    sizes = [file.stat().st_size for file in files]
    total = sum(sizes)
    if total < SPLIT_BYTES:
        parts = 1
    most_bytes = (budget or BYTES_PER_BATCH) // parts
    count = max(1, -(-total // most_bytes), -(-len(files) // FILES_PER_BATCH))
    count = -(-count // parts) * parts
    batches: list[list[str]] = []
    size = done = 0
    for file, length in zip(files, sizes, strict=True):
        # A batch ends once the bytes before the file pass its share of the export, or where a
        # limit would be passed.
        due = done * count > total * len(batches)
        full = bool(batches) and (size + length > most_bytes or len(batches[-1]) >= FILES_PER_BATCH)
        if not batches or (due and total > 0) or full:
            batches.append([])
            size = 0
        batches[-1].append(str(file))
        size += length
        done += length
    return batches


def _firsts(batches: list[list[str]]) -> list[int]:
    """The index of each batch's first file among all the batches' files, in order."""
    return list(accumulate((len(batch) for batch in batches[:-1]), initial=0))


def _stage_batch(
    con: duckdb.DuckDBPyConnection,
    table: str,
    batch: list[str],
    statement: str,
    params: dict[str, Any],
    plausible: tuple[datetime, datetime],
    label: Any,
    on_disk: bool = False,
) -> None:
    """Parse one batch of day files into the new table `table` by `statement` (the SELECT of
    :func:`_messages_sql`, reading `$files`), one row per record with its index in the file, on
    a connection of its own (batches are staged at once, a thread each). An export without day
    files has one empty batch, whose statement reads no file.

    Whole files are read as text and parsed by json_transform: several times faster than
    read_json on many small files, and only the message fields we use are ever materialised.
    The JSON checks run in the same statement (:func:`_messages_sql`); the first file they
    refuse is named (:func:`_refuse_problem`) once every batch is staged. Only files whose
    top level is an array are parsed: json_transform gives no NULL to be looked into. `on_disk`:
    the table's database is a file of its own, checkpointed once the table is written.
    """
    with con.cursor() as cursor:
        # The variables are the connection's: the ingest's bounds, for the ts checks.
        set_plausible_range(cursor, plausible)
        try:
            cursor.execute(
                f"CREATE TABLE {table} AS " + statement,
                {**params, "files": batch} if batch else params,
            )
        except (duckdb.OutOfMemoryException, duckdb.IOException):
            raise  # memory or disk, no fault of the file: the ingest names it
        except duckdb.Error as exc:
            refuse_text_not_utf8(batch, label)
            raise InvalidExport(_describe_json_error(batch, exc, label)) from None
        if on_disk:
            # Written to the file now, the batch's rows leave memory.
            cursor.execute(f"CHECKPOINT {table.split('.')[0]}")


def _refuse_problem(con: duckdb.DuckDBPyConnection, table: str, label: Any) -> None:
    """Refuse the export when the JSON checks refused one of its day files (staged in `table`),
    naming it."""
    found = con.execute(
        f"SELECT file, {', '.join(f'problem.{c}' for c in PROBLEM)} FROM {table} "
        "WHERE problem IS NOT NULL LIMIT 1"
    ).fetchone()
    if found is not None:
        refuse_json(found, label, top=DAY_FILE_TOP)


def _describe_json_error(batch: list[str], exc: duckdb.Error, label: Any) -> str:
    """Name the day file behind a parse error (only run on the failure path)."""
    detail = str(exc).strip().splitlines()[0]
    detail = re.sub(r"^[A-Za-z ]*Error: ", "", detail)
    detail = re.sub(r"\s*Input: .*$", "", detail)
    # The failed statement aborted the ingest transaction: look with a connection of our own.
    scratch = duckdb.connect()
    try:
        bad = scratch.execute(
            "SELECT filename FROM read_text(?) WHERE NOT json_valid(content) LIMIT 1", [batch]
        ).fetchone()
    except duckdb.Error:
        bad = None  # e.g. a file that is not UTF-8: find it one file at a time
        for file in batch:
            try:
                scratch.execute("SELECT content FROM read_text(?)", [file]).fetchone()
            except duckdb.Error:
                bad = (file,)
                break
    finally:
        scratch.close()
    where = label(Path(bad[0])) if bad else "a day file"
    return f"{where}: malformed JSON ({detail.rstrip('.')})"


def slack_urls_sql(text: str) -> str:
    """DuckDB SQL: the URLs of a Slack message's text (mrkdwn wraps them in ``<...|label>``)."""
    # The regular expression only where a cheap substring test says it can match.
    return (
        f"CASE WHEN contains({text}, 'http') "
        f"THEN regexp_extract_all({text}, 'https?://[^\\s>|]+') ELSE [] END"
    )


def slack_text_features_sql(text: str, urls: str | None = None) -> str:
    """SELECT-list SQL of the features the Slack source derives from a message's text.

    Links (and the record-system sites they point at), mentions, @here, question and decision
    language by Slack's markup, and the AWAIT signals of :func:`await_signals_sql`; `urls` is the column of :func:`slack_urls_sql` where
    the query has computed it already. The query needs the parameters ``record_pattern`` and
    ``decision_pattern``. `simulate --parquet` writes its rows with the same SQL.
    """
    computed = urls is not None
    urls = urls or slack_urls_sql(text)
    record_links = f"len(list_filter({urls}, lambda u: regexp_matches(u, $record_pattern)))"
    record_sites = record_sites_sql(urls)
    if computed:
        # Most messages link nothing: the list lambdas run only on those that do. Only on a
        # column: inside a CASE, DuckDB would compute an expression again for each use.
        record_links = f"CASE WHEN len({urls}) = 0 THEN 0 ELSE {record_links} END"
        record_sites = f"CASE WHEN len({urls}) = 0 THEN []::VARCHAR[] ELSE {record_sites} END"
    return f"""
        length(coalesce({text}, ''))::INTEGER AS text_length,
        len({urls})::INTEGER AS links,
        ({record_links})::INTEGER AS record_links,
        {record_sites} AS record_sites,
        (CASE WHEN contains({text}, '<@')
              THEN len(regexp_extract_all({text}, '<@[UW][A-Z0-9]+')) ELSE 0 END)::INTEGER
            AS mentions,
        coalesce(contains({text}, '<!')
             AND regexp_matches({text}, '<!(here|channel|everyone)\\b'), false) AS broadcast,
        coalesce(contains({text}, '?')
             AND contains(regexp_replace({text}, '<[^>]*>', '', 'g'), '?'), false) AS is_question,
        coalesce(regexp_matches({text}, $decision_pattern, 'i'), false) AS decision_language,
        {await_signals_sql(text)}"""


def _insert(ctx: IngestContext, path: Path) -> None:
    secret = ctx.secret
    # Person keys: the keyed hash of the e-mail identity where the profile has one (so that other
    # sources can link the same person), else of the Slack user id.
    ctx.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _slack_people AS
        WITH everyone AS (
            SELECT coalesce(u.user_id, a.user_id) AS user_id, u.tz, u.email, u.display_name,
                   coalesce(u.is_bot, false) OR coalesce(u.user_id, a.user_id) = $slackbot AS is_bot
            FROM _slack_users u
            FULL OUTER JOIN (SELECT DISTINCT "user" AS user_id FROM _slack_raw
                             WHERE "user" IS NOT NULL) a USING (user_id)
        ), hashed AS (
            SELECT *, sha256($secret || '|slack:' || user_id) AS slack_hash,
                   CASE WHEN email IS NOT NULL THEN sha256($secret || '|email:' || email) END
                       AS email_hash
            FROM everyone
        )
        SELECT *, substr(coalesce(email_hash, slack_hash), 1, 32) AS person_key FROM hashed
        """,
        {"slackbot": SLACKBOT, "secret": secret},
    )
    ctx.insert_new(
        "people",
        """SELECT person_key, tz, is_bot, NULL::VARCHAR AS team,
                  CASE WHEN $keep THEN display_name END AS display_name
           FROM _slack_people""",
        origin=str(path),
    )
    # Integrations post with a bot_id and no user; they are people rows too, flagged as bots.
    ctx.insert_new(
        "people",
        """SELECT DISTINCT substr(sha256($secret || '|slack-bot:' || bot_id), 1, 32) AS person_key,
                  NULL::VARCHAR AS tz, true AS is_bot, NULL::VARCHAR AS team,
                  NULL::VARCHAR AS display_name
           FROM _slack_raw WHERE bot_id IS NOT NULL AND "user" IS NULL""",
        origin=str(path),
        params={"secret": secret},
    )
    ctx.insert_new(
        "identities",
        """SELECT slack_hash AS identity_hash, person_key, 'slack user' AS kind FROM _slack_people
           UNION ALL
           SELECT email_hash, person_key, 'email' FROM _slack_people WHERE email_hash IS NOT NULL""",
        origin=str(path),
    )
    insert_conversations(
        ctx,
        "slack",
        "_slack_conversations",
        str(path),
        created="to_timestamp(created)::TIMESTAMP",
    )
    ctx.insert_new(
        "messages",
        f"""
        WITH v AS (
            -- Keys, is_reply, sent_at and what is wrong with the ts were computed while
            -- staging (_messages_sql), a thread for each batch.
            SELECT r.*, f.origin AS file_origin
            FROM _slack_raw r
            JOIN _slack_files f USING (file)
            -- The ts is a Slack timestamp of a plausible time.
            WHERE r.ts_problem IS NULL
        )
        SELECT
            v.message_key,
            v.conversation_key,
            -- A reply's thread root is its parent; any other message is a root of its own (the
            -- key of its thread_ts, when it has one, is its own key): two hashes, not four.
            CASE WHEN is_reply THEN v.parent_key ELSE v.message_key END AS thread_root_key,
            v.parent_key,
            coalesce(p.person_key, CASE WHEN v.bot_id IS NOT NULL THEN substr(sha256($secret || '|slack-bot:' || v.bot_id), 1, 32) END) AS author_key,
            v.sent_at,
            NOT is_reply AS is_root,
            is_reply,
            CASE
                WHEN v.bot_id IS NOT NULL OR v.subtype = 'bot_message' OR coalesce(p.is_bot, false) THEN '{MessageKind.BOT}'
                WHEN v."user" IS NOT NULL AND (nullif(v.subtype, '') IS NULL OR v.subtype IN ('thread_broadcast', 'file_share', 'me_message')) THEN '{MessageKind.HUMAN}'
                ELSE '{MessageKind.SYSTEM}'
            END AS kind,
            nullif(v.subtype, '') AS subtype,
            {", ".join(f"v.{name}" for name in _feature_columns(ctx.con))},
            v.edited IS NOT NULL AS edited,
            coalesce(list_sum(CAST(json_extract(v.reactions, '$[*].count') AS INTEGER[])), 0) AS reactions,
            CASE WHEN $keep THEN v.text END AS text,
            v.file_origin AS origin
        FROM v
        LEFT JOIN _slack_people p ON p.user_id = v."user"
        """,
        origin=None,
        params={"secret": secret},
    )


def _feature_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The text features staged in _slack_raw (:func:`_messages_sql`), in their order there."""
    staged = {"file", "ordinal", "problem", *MESSAGE_COLUMNS, "wrong_type", *KEYED_COLUMNS}
    return [row[0] for row in con.execute("DESCRIBE _slack_raw").fetchall() if row[0] not in staged]
