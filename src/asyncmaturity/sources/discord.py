"""Discord channels as DiscordChatExporter (Tyrrrz/DiscordChatExporter) writes them in JSON.

The exporter writes one JSON file per channel, thread, forum post or direct conversation
(``export``, ``exportguild``, ``exportdm``, ``exportall`` with ``--format Json``): an object with
``guild`` (``id``, ``name``; direct conversations sit in the pseudo-guild ``0``, "Direct
Messages"), ``channel`` (``id``, ``type``, ``categoryId``, ``category``, ``name``), ``dateRange``,
``exportedAt`` and ``messages``; a channel cut by ``--partition`` is several such files. Input
is one file, a folder of them read recursively, or a .zip of that folder (extracted safely; the
``*.json_Files`` media folders that ``--media`` downloads are left alone; any other JSON file is
a skipped record, named). Each file is parsed whole by DuckDB, in batches bounded by size, so
Python's memory stays flat however large the export; a channel of several hundred MB is best
exported with ``--partition``.

What is read and how:

- ``channel.type``: ``DirectTextChat`` is a DM, ``DirectGroupTextChat`` a group DM, and every
  guild channel (text, announcement, voice or stage chat) a public channel: the export carries no
  permissions, so it cannot tell a private channel from a public one (its visibility says so).
- Threads and forum posts (``GuildPublicThread``, ``GuildPrivateThread``, ``GuildNewsThread``)
  are threads of their parent channel, which the exporter names in ``categoryId`` and
  ``category`` (for a thread its parent channel, for a channel its category). The thread's root
  is the message whose id is the thread's (Discord gives a thread started from a message that
  message's id, and a forum post its first message's), wherever it was exported; when no such
  message is in the store (a thread started without a message, or a thread exported without its
  parent channel), the thread's earliest message by a person is the root (a bot's alert that
  opens a private thread is a reply in it). A thread without a parent id stays a conversation
  of its own.
- Replies (``type`` ``Reply`` with ``reference.messageId``; a forward is not a reply) belong to
  the thread of the message they answer, followed up to the top of the chain: a reply to a reply
  to A is in A's thread. A reply whose message is in no export ingested (deleted, or before the
  export's date range) is a root, as DESIGN has it for mail; inside a thread a reply stays in its
  thread. Threads are resolved over the store's Discord messages of every conversation an
  ingest touches, so a parent channel exported after its threads re-roots them.
- People are keyed by their Discord user id (the export has no e-mail address); ``author.isBot``
  marks bots and webhooks. Message ``type`` ``Default`` and ``Reply`` are people's messages;
  every other type (joins, pins, thread creation, calls, thread starter placeholders) is a system
  record, its type kept as subtype. Thread members that are not system records carry subtype
  ``thread`` (what the thread resolution reads back from the store).
- ``content`` (plain text: the exporter renders mentions as ``@name``): links, question and
  decision language; ``mentions[]`` counts the distinct users mentioned (a reply that pings its
  author lists them too); ``@everyone`` and ``@here`` are broadcasts; ``reactions[].count`` is
  summed; ``timestampEdited`` marks an edit. Timestamps carry the exporting machine's UTC offset,
  not the author's, so no local offset is kept.

Left out: attachments, embeds, stickers, roles, inline emoji, interactions and forwarded content.

Real samples: the exports Zulip keeps as test data of its Discord importer (zulip/zulip,
Apache-2.0): a channel in three partitions whose part 2 replies to a message of part 1, a reply
to a message no part holds, a forward and a pin notice (tests/fixtures/real/discord/). Threads,
forum posts and direct conversations are tested on fixtures written field for field in the
layout of the exporter's ``JsonMessageWriter.cs`` (commit 4f29fa63, MIT): DiscordChatExporter's
own tests export live from a test server and keep no files, and the public exports found with
threads carry the GPL, the AGPL or no licence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from asyncmaturity.errors import InvalidExport, UnsafeArchive
from asyncmaturity.sources.archive import extracted, zip_member_heads
from asyncmaturity.sources.common import (
    UNREADABLE_ENTRY,
    file_label,
    insert_conversations,
    insert_json_files,
    insert_people,
    json_structure_type,
    problem_sql,
    register_rows,
    report_problems,
    walk_files,
)
from asyncmaturity.sources.features import feature_params, text_features_sql
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import (
    ID_KINDS,
    OBJECT,
    STRING,
    bad_id,
    implausible_time,
    load_json,
    raw_fields_structure,
    wrong_types,
)
from asyncmaturity.store.database import identity_hash_sql, person_key_sql
from asyncmaturity.vocabulary import ConversationKind, MessageKind, Visibility

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

PEEK_BYTES = 4096
DETECT_FILES = 20
# The exporter writes the guild first: a file that opens this way is one of its channel exports.
EXPORT_START = re.compile(rb'\A\s*\{\s*"guild"\s*:\s*\{')
# Where --media puts a channel's downloaded files ('<export file>_Files').
MEDIA_FOLDER_SUFFIX = "_Files"
THREAD_TYPES = ("GuildPublicThread", "GuildPrivateThread", "GuildNewsThread")
HUMAN_TYPES = ("Default", "Reply")
THREAD_MEMBER = "thread"
# Longest reply chain followed from a root; deeper messages and reference cycles stay roots.
MAX_DEPTH = 1000
BROADCAST_PATTERN = r"(?:^|[^\w@])@(?:everyone|here)\b"
NOT_AN_EXPORT = "JSON file that is not a DiscordChatExporter export"

_USER = {"id": "VARCHAR", "name": "VARCHAR", "nickname": "VARCHAR", "isBot": "BOOLEAN"}
EXPORT_STRUCTURE = json.dumps(
    {
        "guild": {"id": "VARCHAR", "name": "VARCHAR"},
        "channel": {
            "id": "VARCHAR",
            "type": "VARCHAR",
            "categoryId": "VARCHAR",
            "category": "VARCHAR",
            "name": "VARCHAR",
        },
        "messages": [
            {
                "id": "VARCHAR",
                "type": "VARCHAR",
                "timestamp": "VARCHAR",
                "timestampEdited": "VARCHAR",
                "content": "VARCHAR",
                "author": _USER,
                "reactions": [{"count": "INTEGER"}],
                "mentions": [{"id": "VARCHAR"}],
                "reference": {"type": "VARCHAR", "messageId": "VARCHAR"},
            }
        ],
    }
)
# The fields a message is read by: one of another JSON type (an `author` list, a `timestamp`
# number) would be read as NULL or as its JSON text, so the message is skipped, naming it.
TYPED_FIELDS = {
    "id": ID_KINDS,
    "type": (STRING,),
    "timestamp": (STRING,),
    "content": (STRING,),
    "author": (OBJECT,),
    "reference": (OBJECT,),
}
RAW_STRUCTURE = json.dumps({"messages": [raw_fields_structure(TYPED_FIELDS)]})
# Every message row is checked in this order; the first problem found is its skip reason.
ROW_PROBLEMS = (
    ("message is not an object", "m IS NULL"),
    *wrong_types(TYPED_FIELDS, lambda field: f'raw."{field}"'),
    ("message without an id", "nullif(trim(m.id), '') IS NULL"),
    bad_id("m.id"),
    ("timestamp is not a date", "sent_at IS NULL"),
    implausible_time("sent_at"),
)
STAGING_TABLES = (
    "_dc_files",
    "_dc_docs",
    "_dc_rows",
    "_dc_persons",
    "_dc_keyed",
    "_dc_threads",
)


class DiscordSource:
    """DiscordChatExporter JSON: one channel export file, or a folder of them."""

    name = "discord"
    family = SourceFamily.CHAT
    summary = "Discord channels, threads, forum posts and DMs as DiscordChatExporter writes (JSON)"
    parser_version = "discord/1"
    accepts = (
        "a DiscordChatExporter JSON file (--format Json), a folder of them (partitions, threads "
        "and media folders included) or a .zip of that folder"
    )

    real_samples = (
        "zulip/zulip@7edfbf45401dac16c29953d75f116274aa4d6454:zerver/tests/fixtures/"
        "discord_fixtures/channels/zulip-discord server - Text Channels - general "
        "[1519311538035490958].json",
        "zulip/zulip@f737af393d48b6c2cc7834508d59629af03246e0:zerver/tests/fixtures/"
        "discord_fixtures/channels/",
    )

    def detect(self, path: Path) -> bool:
        """A .json file, or a folder or zip of them, that opens as a DiscordChatExporter export."""
        try:
            if path.is_file() and path.suffix.lower() == ".zip":
                return _zip_holds_an_export(path)
            if path.is_file():
                return path.suffix.lower() == ".json" and _looks_like_export(path)
            if path.is_dir():
                return any(_looks_like_export(f) for f in _json_files(path, limit=DETECT_FILES))
        except (OSError, UnsafeArchive):
            return False
        return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the exports at `path`, add their new records and resolve the threads they touch."""
        report = SourceReport()
        zipped = path.is_file() and path.suffix.lower() == ".zip"
        with extracted(path) if zipped else nullcontext(path) as unpacked:
            label: Callable[[Path], str] = file_label(path, unpacked) if zipped else str
            unreadable: list[str] = []
            candidates = (
                [unpacked] if unpacked.is_file() else _json_files(unpacked, None, unreadable)
            )
            report.records_read += len(unreadable)
            report.skip(UNREADABLE_ENTRY, len(unreadable), unreadable)
            exports = {file: _looks_like_export(file) for file in candidates}
            files = [file for file, looks in exports.items() if looks]
            for file, looks in exports.items():
                if not looks:  # another JSON object may sit beside the exports; non-JSON may not
                    load_json(file, label(file), expect=(dict, list))
            others = [label(file) for file, looks in exports.items() if not looks]
            if not files:
                raise InvalidExport(
                    f"{path}: no DiscordChatExporter JSON export (a .json file that starts with "
                    'a "guild" object)'
                )
            report.skip(
                NOT_AN_EXPORT,
                len(others),
                [f"{file}: not a channel export of DiscordChatExporter" for file in others],
            )
            register_rows(
                ctx,
                "_dc_files",
                [{"file": str(f), "origin": label(f)} for f in files],
                pa.schema([("file", pa.string()), ("origin", pa.string())]),
            )
            _stage(ctx, files, label)
            report.records_read += len(others) + _check(ctx, report)
            report.sees, report.detected = _describe(ctx, len(files))
            _insert(ctx, path)
        for table in STAGING_TABLES:
            ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
        return report


def _json_files(
    root: Path, limit: int | None = None, unreadable: list[str] | None = None
) -> list[Path]:
    """The .json files under `root`, media folders and hidden ones left out, sorted; entries so
    named that are no file go to `unreadable`."""
    found = []
    for file in walk_files(root, (".json",), unreadable=unreadable):
        if not any(
            part.endswith(MEDIA_FOLDER_SUFFIX) for part in file.relative_to(root).parts[:-1]
        ):
            found.append(file)
            if limit is not None and len(found) >= limit:
                break
    return sorted(found)


def _looks_like_export(file: Path) -> bool:
    """True when `file` opens as a DiscordChatExporter export (reads its first bytes only)."""
    with file.open("rb") as fh:
        return _opens_like_export(fh.read(PEEK_BYTES))


def _opens_like_export(peek: bytes) -> bool:
    """True when the first bytes of a file are the exporter's opening (a BOM allowed)."""
    return EXPORT_START.match(peek.removeprefix(b"\xef\xbb\xbf")) is not None


def _zip_holds_an_export(archive: Path) -> bool:
    """True when one of the zip's first .json members (media folders aside) opens as an export."""
    return any(
        _opens_like_export(head)
        for head in zip_member_heads(
            archive,
            ".json",
            limit=DETECT_FILES,
            peek_bytes=PEEK_BYTES,
            left_out=lambda name: any(p.endswith(MEDIA_FOLDER_SUFFIX) for p in name.parts),
        )
    )


def _stage(ctx: IngestContext, files: list[Path], label: Callable[[Path], str]) -> None:
    """Parse the files in size-bounded batches into _dc_docs, one row per export file."""
    con = ctx.con
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dc_docs (filename VARCHAR, "
        f"d {json_structure_type(con, EXPORT_STRUCTURE)}, raw {json_structure_type(con, RAW_STRUCTURE)})"
    )
    insert_json_files(
        ctx,
        files,
        "INSERT INTO _dc_docs SELECT filename, json_transform(content, ?), "
        f"json_transform(content, '{RAW_STRUCTURE}') FROM read_text(?)",
        EXPORT_STRUCTURE,
        label,
        progress="Discord files",
        top=("OBJECT",),
        lists=("messages",),
    )
    wrong = con.execute(
        "SELECT filename FROM _dc_docs "
        "WHERE nullif(trim(d.channel.id), '') IS NULL OR d.messages IS NULL LIMIT 1"
    ).fetchone()
    if wrong is not None:
        raise InvalidExport(
            f"{label(Path(wrong[0]))}: expected a DiscordChatExporter export: an object with a "
            "channel id and a messages array"
        )


def _check(ctx: IngestContext, report: SourceReport) -> int:
    """Flatten the messages into _dc_rows, count the records that fail; return how many were read."""
    con = ctx.con
    problem = problem_sql(ROW_PROBLEMS)
    threads = ", ".join(f"'{t}'" for t in THREAD_TYPES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dc_rows AS
        WITH flat AS (
            SELECT filename, d.guild.id AS guild_id, d.channel AS channel,
                   d.channel.type IN ({threads}) AS is_thread,
                   unnest(range(len(d.messages))) AS ordinal, unnest(d.messages) AS m,
                   unnest(raw.messages) AS raw
            FROM _dc_docs
        ), dated AS (
            SELECT *, timezone('UTC', TRY_CAST(trim(m.timestamp) AS TIMESTAMPTZ)) AS sent_at
            FROM flat
        )
        SELECT *, {problem} AS problem FROM dated
        """
    )
    read = con.execute("SELECT count(*) FROM _dc_rows").fetchone()
    report_problems(
        ctx,
        report,
        """SELECT problem, count(*),
                  list(f.origin || ' record ' || r.ordinal || ': ' || problem
                       ORDER BY f.origin, r.ordinal)[1:3]
           FROM _dc_rows r JOIN _dc_files f ON f.file = r.filename
           WHERE problem IS NOT NULL
           GROUP BY problem ORDER BY min(f.origin), min(r.ordinal)""",
    )
    return int(read[0]) if read else 0


def _describe(ctx: IngestContext, files: int) -> tuple[dict[Visibility, bool], str]:
    """What the export can see, and the summary line of what it holds."""
    row = ctx.con.execute(
        f"""
        SELECT count(DISTINCT d.channel.id) FILTER (WHERE NOT direct AND NOT thread),
               count(DISTINCT d.channel.id) FILTER (WHERE thread),
               count(DISTINCT d.channel.id) FILTER (WHERE direct),
               (SELECT count(DISTINCT m.id) FROM _dc_rows WHERE problem IS NULL)
        FROM (SELECT d, d.channel.type IN ({", ".join(f"'{t}'" for t in THREAD_TYPES)}) AS thread,
                     d.channel.type IN ('DirectTextChat', 'DirectGroupTextChat')
                         OR d.guild.id = '0' AS direct
              FROM _dc_docs)
        """
    ).fetchone()
    channels, threads, direct, messages = row if row else (0, 0, 0, 0)
    # A guild export shows no direct conversations; exportdm and exportall write them (both
    # kinds at once) in the "Direct Messages" pseudo-guild. No export tells a private channel
    # from a public one: the exporter writes no permissions.
    sees = {
        Visibility.DIRECT_MESSAGES: bool(direct),
        Visibility.GROUP_MESSAGES: bool(direct),
        Visibility.PRIVATE_CHANNELS: False,
    }
    detected = (
        f"DiscordChatExporter JSON: {files} file(s), {messages} messages in {channels} channel(s), "
        f"{threads} thread(s) or forum post(s) and {direct} direct conversation(s)"
    )
    return sees, detected


def _insert(ctx: IngestContext, path: Path) -> None:
    """Add the new people, identities, conversations and messages of the staged rows."""
    con = ctx.con
    secret = {"secret": ctx.secret}
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dc_persons AS
        SELECT author_id, 'discord:' || author_id AS identity,
               {person_key_sql("'discord:' || author_id")} AS person_key,
               bool_or(coalesce(m.author.isBot, false)) AS is_bot,
               arg_max(coalesce(nullif(trim(m.author.nickname), ''), m.author.name), sent_at)
                   AS display_name
        FROM (SELECT *, trim(m.author.id) AS author_id FROM _dc_rows) r
        WHERE problem IS NULL AND nullif(author_id, '') IS NOT NULL
        GROUP BY author_id
        """,
        secret,
    )
    insert_people(ctx, "_dc_persons", str(path), order="author_id", tz="NULL::VARCHAR")
    ctx.insert_new(
        "identities",
        f"""SELECT {identity_hash_sql("identity")} AS identity_hash, person_key,
                   'discord user' AS kind
            FROM _dc_persons""",
        origin=str(path),
        params=secret,
    )
    # A thread lives in its parent channel; a file's own channel names it before a thread does.
    insert_conversations(
        ctx,
        "discord",
        f"""(
            SELECT CASE WHEN thread THEN parent_id ELSE trim(d.channel.id) END AS conversation_id,
                   CASE WHEN thread THEN '{ConversationKind.PUBLIC_CHANNEL}'
                        WHEN d.channel.type = 'DirectTextChat' THEN '{ConversationKind.DM}'
                        WHEN d.channel.type = 'DirectGroupTextChat'
                            THEN '{ConversationKind.GROUP_DM}'
                        ELSE '{ConversationKind.PUBLIC_CHANNEL}' END AS kind,
                   CASE WHEN thread THEN d.channel.category ELSE d.channel.name END AS name,
                   thread AS priority
            FROM (SELECT d, trim(d.channel.categoryId) AS parent_id,
                         d.channel.type IN ({", ".join(f"'{t}'" for t in THREAD_TYPES)})
                             AND nullif(trim(d.channel.categoryId), '') IS NOT NULL AS thread
                  FROM _dc_docs)
        ) candidates""",
        str(path),
        created="NULL::TIMESTAMP",
        order="priority",
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dc_keyed AS
        WITH placed AS (
            SELECT r.*, f.origin, trim(m.id) AS message_id, trim(m.author.id) AS author_id,
                   CASE WHEN is_thread AND nullif(trim(channel.categoryId), '') IS NOT NULL
                        THEN trim(channel.categoryId) ELSE trim(channel.id) END
                       AS conversation_id,
                   CASE WHEN is_thread THEN trim(channel.id) END AS thread_id,
                   coalesce(nullif(trim(m.type), ''), 'Default') AS message_type
            FROM _dc_rows r JOIN _dc_files f ON f.file = r.filename
            WHERE problem IS NULL
        )
        SELECT DISTINCT ON (message_id) *,
               md5('discord|' || message_id) AS message_key,
               md5('discord|' || conversation_id) AS conversation_key,
               CASE WHEN thread_id IS NOT NULL AND thread_id <> message_id
                        THEN md5('discord|' || thread_id)
                    WHEN message_type = 'Reply'
                         AND coalesce(m.reference.type, 'Default') <> 'Forward'
                         AND nullif(trim(m.reference.messageId), '') IS NOT NULL
                         AND trim(m.reference.messageId) <> message_id
                        THEN md5('discord|' || trim(m.reference.messageId))
               END AS link_key,
               message_type IN ({", ".join(f"'{t}'" for t in HUMAN_TYPES)}) AS human_type
        FROM placed
        ORDER BY message_id, origin, ordinal
        """
    )
    con.execute("DROP TABLE _dc_rows")
    _resolve_threads(ctx)
    ctx.insert_new(
        "messages",
        f"""
        SELECT
            k.message_key,
            k.conversation_key,
            t.root_key AS thread_root_key,
            k.link_key AS parent_key,
            p.person_key AS author_key,
            k.sent_at,
            NOT t.is_reply AS is_root,
            t.is_reply,
            CASE WHEN p.person_key IS NULL THEN '{MessageKind.SYSTEM}'
                 WHEN p.is_bot THEN '{MessageKind.BOT}'
                 WHEN k.human_type THEN '{MessageKind.HUMAN}'
                 ELSE '{MessageKind.SYSTEM}' END AS kind,
            CASE WHEN NOT k.human_type THEN k.message_type
                 WHEN k.thread_id IS NOT NULL THEN '{THREAD_MEMBER}' END AS subtype,
            {text_features_sql("k.m.content")},
            len(list_distinct(list_filter(list_transform(coalesce(k.m.mentions, []),
                                                         lambda x: nullif(trim(x.id), '')),
                                          lambda x: x IS NOT NULL))) AS mentions,
            coalesce(regexp_matches(k.m.content, $broadcast_pattern), false) AS broadcast,
            nullif(trim(k.m.timestampEdited), '') IS NOT NULL AS edited,
            coalesce(list_sum(list_transform(k.m.reactions, lambda x: x.count)), 0) AS reactions,
            CASE WHEN $keep THEN k.m.content END AS text,
            CASE WHEN $keep AND k.thread_id IS NOT NULL THEN k.channel.name END AS subject,
            k.origin
        FROM _dc_keyed k
        JOIN _dc_threads t USING (message_key)
        LEFT JOIN _dc_persons p ON p.author_id = k.author_id
        """,
        origin=None,
        features=True,
        params={**feature_params(ctx), "broadcast_pattern": BROADCAST_PATTERN},
    )


def _resolve_threads(ctx: IngestContext) -> None:
    """Root every Discord message of the conversations this ingest touches, stored or new.

    Each message hangs off its link (the thread's starter for a thread member, the answered
    message for a reply) when that message is present; a thread member whose starter is absent
    hangs off its thread's earliest member instead (a person's; a bot's only where no person
    wrote in the thread). The walk goes down from the messages that hang off nothing, one level
    per step. The result, for stored and new messages alike, is left
    in _dc_threads (message_key, root_key, is_reply); stored rows whose thread changes are
    updated in place.
    """
    con = ctx.con
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dc_threads AS
        WITH RECURSIVE msgs AS (
            SELECT message_key, parent_key AS link_key,
                   coalesce(subtype = '{THREAD_MEMBER}', false) AS in_thread,
                   kind = '{MessageKind.BOT}' AS by_bot, sent_at
            FROM messages
            WHERE source = 'discord'
              AND conversation_key IN (SELECT DISTINCT conversation_key FROM _dc_keyed)
            UNION ALL
            SELECT message_key, link_key, thread_id IS NOT NULL AND human_type,
                   coalesce(p.is_bot, false), sent_at
            FROM _dc_keyed k LEFT JOIN _dc_persons p USING (author_id)
            WHERE NOT EXISTS (SELECT 1 FROM messages s WHERE s.message_key = k.message_key)
        ), present AS (
            SELECT DISTINCT message_key FROM msgs
        ), linked AS (
            SELECT message_key, parent FROM (
                SELECT m.message_key,
                       CASE WHEN p.message_key IS NOT NULL THEN m.link_key
                            WHEN m.in_thread THEN nullif(first_value(m.message_key) OVER (
                                PARTITION BY m.link_key, p.message_key IS NULL, m.in_thread
                                ORDER BY m.by_bot, m.sent_at, m.message_key), m.message_key)
                       END AS parent
                FROM msgs m LEFT JOIN present p ON p.message_key = m.link_key
                WHERE m.link_key IS NOT NULL AND m.link_key <> m.message_key
            ) WHERE parent IS NOT NULL
        ), tree(message_key, root_key, depth) AS (
            SELECT message_key, message_key, 0 FROM present
            WHERE message_key NOT IN (SELECT message_key FROM linked)
            UNION ALL
            SELECT l.message_key, t.root_key, t.depth + 1
            FROM tree t JOIN linked l ON l.parent = t.message_key
            WHERE t.depth < {MAX_DEPTH}
        )
        SELECT present.message_key,
               coalesce(tree.root_key, present.message_key) AS root_key,
               coalesce(tree.depth > 0, false) AS is_reply
        FROM present LEFT JOIN tree USING (message_key)
        """
    )
    con.execute(
        """
        UPDATE messages AS m
        SET is_reply = r.is_reply, is_root = NOT r.is_reply, thread_root_key = r.root_key
        FROM _dc_threads r
        WHERE m.message_key = r.message_key AND m.source = 'discord'
          AND (m.is_reply IS DISTINCT FROM r.is_reply
               OR m.thread_root_key IS DISTINCT FROM r.root_key)
        """
    )
