"""Rocket.Chat message history, as its REST API and its room export return it, into the canonical
tables.

Input: JSON files of Rocket.Chat message objects, a single file, a folder of them (read
recursively) or a .zip of either (checked and extracted safely, as every source reads zips):

- REST history pages: ``/api/v1/channels.history``, ``groups.history``, ``im.history`` (and the
  ``*.messages`` and ``chat.getThreadMessages`` endpoints), each ``{"messages": [...],
  "success": true}``; every page is a file of its own.
- The room's "Export messages > Download file (JSON)": ``{"roomId", "roomName", "userExport",
  "exportDate", "messages": [...]}`` (Rocket.Chat 6), or a bare array of message objects (before).
- Room and user listings in the same folder name the rooms and people: ``channels.list``,
  ``groups.list``, ``im.list`` and ``rooms.get`` pages (``{"channels"|"groups"|"ims"|"update":
  [rooms]}``, a room's ``t`` is ``c`` public, ``p`` private, ``d`` direct), and ``users.list``
  pages (``{"users": [...]}``: ``emails``, ``type`` ``bot``/``app``, ``roles``).

What is read and how:

- ``_id`` (the message), ``rid`` (the room; the export's ``roomId`` where a message lacks it),
  ``ts`` (ISO 8601, or MongoDB extended JSON ``{"$date": ...}``), ``tmid`` (the thread root's
  ``_id``: a message with one is a reply in that thread; ``tshow``, a reply also sent to the room,
  is subtype 'thread_broadcast'), ``t`` (a system message type: ``uj`` joins, ``r`` renames,
  ``rm`` removals...: a system record, its type the subtype), ``editedAt`` (edited),
  ``reactions`` (the users of every emoji, counted), ``urls`` (the links; else the URLs of the
  text), ``mentions`` (distinct users; ``@all`` and ``@here`` are broadcasts).
- The sender ``u`` is keyed by the e-mail address a users listing gives, else by the user id
  ('rocketchat:<_id>'). Bots (DESIGN's rule): a message with ``bot`` set (integrations and apps),
  the built-in ``rocket.cat``, users listed with type ``bot`` or ``app`` or the ``bot`` role, and
  anyone whose name or username ends in "bot".
- The room: a listed room's ``t`` gives its kind (a direct room with more than two users is a
  group DM, a livechat room a DM). An unlisted room is a DM when its id is the two users' ids
  run together (as Rocket.Chat names direct rooms: it starts or ends with a sender's id), else a
  public channel.

Visibility: what a history export holds is what its token could read; direct messages (and
private rooms) are seen when the export holds some.

Left out: attachments and files, pins, stars, read receipts, and the JSON of "Download my data"
and of "Export messages > Send file via email" (a zip of ``<room>.json`` files of one JSON object
per line, ``{msg, username, ts, type, attachments}``: no message ids and no threads; "Download my
data" also replaces other people's names by "User_1", "User_2"...).

Real samples: responses of real servers (open.rocket.chat) that Rocket.Chat's Kotlin SDK keeps in
its tests (MIT): a search page, two messages of #androidnativeapp, and the ``rooms.get`` and
``channels.list.joined`` listings (tests/fixtures/real/rocketchat). None of them holds a thread
reply, a system message or a bot; those are tested on fixtures built from the shapes that the API
documentation and Rocket.Chat's source (``IMessage``, the room export) define.
"""

from __future__ import annotations

import json
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
    insert_identities,
    insert_json_files,
    insert_people,
    json_structure_type,
    known_person_sql,
    problem_sql,
    register_rows,
    report_problems,
    walk_files,
)
from asyncmaturity.sources.features import (
    feature_params,
    links_from_urls_sql,
    text_features_sql,
)
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import (
    ID_KINDS,
    OBJECT,
    STRING,
    bad_id,
    implausible_time,
    raw_fields_structure,
    wrong_types,
)
from asyncmaturity.vocabulary import ConversationKind, MessageKind, Visibility

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

PEEK_BYTES = 256 << 10
DETECT_FILES = 20
BOT_USERNAMES = ("rocket.cat",)
BROADCASTS = ("all", "here")
STAGING_TABLES = (
    "_rc_files",
    "_rc_docs",
    "_rc_rows",
    "_rc_rooms",
    "_rc_users",
    "_rc_messages",
    "_rc_people",
)

_ROOM = {
    "_id": "VARCHAR",
    "t": "VARCHAR",
    "name": "VARCHAR",
    "fname": "VARCHAR",
    "usernames": ["VARCHAR"],
    "uids": ["VARCHAR"],
}
_USER = {
    "_id": "VARCHAR",
    "username": "VARCHAR",
    "name": "VARCHAR",
    "type": "VARCHAR",
    "roles": ["VARCHAR"],
    "emails": [{"address": "VARCHAR"}],
}
_MESSAGE = {
    "_id": "VARCHAR",
    "rid": "VARCHAR",
    "msg": "VARCHAR",
    "ts": "JSON",
    "u": {"_id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR"},
    "tmid": "VARCHAR",
    "tshow": "BOOLEAN",
    "t": "VARCHAR",
    "bot": "JSON",
    "editedAt": "JSON",
    "reactions": "JSON",
    "urls": [{"url": "VARCHAR"}],
    "mentions": [{"_id": "VARCHAR", "username": "VARCHAR"}],
}
DOCUMENT_STRUCTURE = json.dumps(
    {
        "roomId": "VARCHAR",
        "messages": [_MESSAGE],
        "channels": [_ROOM],
        "groups": [_ROOM],
        "ims": [_ROOM],
        "update": [_ROOM],
        "users": [_USER],
    }
)
# The fields a message is read by (its `ts` is read in every shape it comes in): one of another
# JSON type (a `u` list, an `rid` object) would be read as NULL or its JSON text, so the message
# is skipped, naming it.
TYPED_FIELDS = {
    "_id": ID_KINDS,
    "rid": (STRING,),
    "msg": (STRING,),
    "u": (OBJECT,),
    "tmid": (STRING,),
    "t": (STRING,),
}
RAW_STRUCTURE = json.dumps({"messages": [raw_fields_structure(TYPED_FIELDS)]})
ROW_PROBLEMS = (
    ("record is not a message object", "m IS NULL"),
    *wrong_types(TYPED_FIELDS, lambda field: f'raw."{field}"'),
    ("message without an _id", "nullif(trim(m._id), '') IS NULL"),
    bad_id("m._id"),
    ("message without a room id (rid)", "room_id IS NULL"),
    ("ts is not a date", "sent_at IS NULL"),
    implausible_time("sent_at"),
)


class RocketChatSource:
    """Rocket.Chat history JSON (REST pages or the room's JSON export): a file or a folder."""

    name = "rocketchat"
    family = SourceFamily.CHAT
    summary = "Rocket.Chat room history: REST history pages or the room's JSON export"
    parser_version = "rocketchat/1"
    accepts = (
        'a JSON file of Rocket.Chat messages ({"messages": [...]} history pages, the room '
        "export's JSON, or an array), or a folder of them with room and user listings, or a .zip "
        "of such a folder"
    )

    real_samples = (
        (
            "RocketChat/Rocket.Chat.Kotlin.SDK@bb5fb852cc79050b8d52172337c15eb7002b9b12:"
            "core/src/test/kotlin/chat/rocket/core/internal/rest/Constants.kt"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A .json file, or a folder or zip of them, whose first records are Rocket.Chat messages."""
        try:
            if path.is_file() and path.suffix.lower() == ".zip":
                return any(
                    _peek_looks_like_rocketchat(head)
                    for head in zip_member_heads(
                        path, ".json", limit=DETECT_FILES, peek_bytes=PEEK_BYTES
                    )
                )
            if path.is_file():
                return path.suffix.lower() == ".json" and _looks_like_rocketchat(path)
            if path.is_dir():
                return any(
                    _looks_like_rocketchat(f)
                    for f in sorted(walk_files(path, (".json",), DETECT_FILES))
                )
        except (OSError, UnsafeArchive):
            return False
        return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the messages at `path` (a file, a folder, or a zip of either) into the store."""
        report = SourceReport()
        zipped = path.is_file() and path.suffix.lower() == ".zip"
        with extracted(path) if zipped else nullcontext(path) as unpacked:
            label: Callable[[Path], str] = file_label(path, unpacked) if zipped else str
            unreadable: list[str] = []
            files = (
                [unpacked]
                if unpacked.is_file()
                else sorted(walk_files(unpacked, (".json",), None, unreadable))
            )
            report.records_read += len(unreadable)
            report.skip(UNREADABLE_ENTRY, len(unreadable), unreadable)
            if not files:
                raise InvalidExport(f"{path}: no .json files of Rocket.Chat messages")
            register_rows(
                ctx,
                "_rc_files",
                [{"file": str(f), "origin": label(f)} for f in files],
                pa.schema([("file", pa.string()), ("origin", pa.string())]),
            )
            _stage(ctx, label)
            _check(ctx, report)
            _insert(ctx, path)
        row = ctx.con.execute(
            """SELECT count(*), count(DISTINCT room_id),
                      count(DISTINCT room_id) FILTER (WHERE kind IN ($dm, $group_dm)),
                      count(DISTINCT room_id) FILTER (WHERE kind = $private)
               FROM _rc_messages""",
            {
                "dm": ConversationKind.DM,
                "group_dm": ConversationKind.GROUP_DM,
                "private": ConversationKind.PRIVATE_CHANNEL,
            },
        ).fetchone()
        messages, rooms, direct, private = row if row else (0, 0, 0, 0)
        report.sees = {
            Visibility.DIRECT_MESSAGES: bool(direct),
            Visibility.GROUP_MESSAGES: bool(direct),
            Visibility.PRIVATE_CHANNELS: bool(private),
        }
        report.detected = (
            f"Rocket.Chat history JSON: {len(files)} file(s), {messages} messages in {rooms} rooms"
        )
        for table in STAGING_TABLES:
            ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
        return report


def _looks_like_rocketchat(file: Path) -> bool:
    """True when the file's start holds Rocket.Chat messages (:func:`_peek_looks_like_rocketchat`)."""
    with file.open("rb") as fh:
        return _peek_looks_like_rocketchat(fh.read(PEEK_BYTES))


def _peek_looks_like_rocketchat(peek: bytes) -> bool:
    """True when `peek` (a file's start) holds messages (`msg`, sender `u`) of a room (`rid`, or
    the room export's `roomId`: its messages carry no `rid`)."""
    room = b'"rid"' in peek or b'"roomId"' in peek
    return room and b'"u"' in peek and b'"msg"' in peek


def _stage(ctx: IngestContext, label: Callable[[Path], str]) -> None:
    """Parse every file, in size-bounded batches, into _rc_docs (one row per file)."""
    con = ctx.con
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _rc_docs (filename VARCHAR, "
        f"d {json_structure_type(con, DOCUMENT_STRUCTURE)}, raw {json_structure_type(con, RAW_STRUCTURE)})"
    )
    files = [Path(row[0]) for row in con.execute("SELECT file FROM _rc_files").fetchall()]
    # A bare array is the older room export: the messages alone.
    insert_json_files(
        ctx,
        files,
        f"""
        INSERT INTO _rc_docs
        SELECT filename, json_transform(document, ?), json_transform(document, '{RAW_STRUCTURE}')
        FROM (SELECT filename,
                     CASE json_type(content)
                         WHEN 'ARRAY' THEN '{{"messages": ' || content || '}}'
                         WHEN 'OBJECT' THEN content END AS document
              FROM read_text(?))
        """,
        DOCUMENT_STRUCTURE,
        label,
        progress="Rocket.Chat files",
        lists=("messages", "channels", "groups", "users", "ims"),
    )
    wrong = con.execute("SELECT filename FROM _rc_docs WHERE d IS NULL LIMIT 1").fetchone()
    if wrong is not None:
        raise InvalidExport(
            f'{label(Path(wrong[0]))}: expected a Rocket.Chat history page {{"messages": [...]}}, a room '
            "export, an array of messages or a room or user listing"
        )


def _check(ctx: IngestContext, report: SourceReport) -> None:
    """Flatten the messages into _rc_rows and the listings, and count the records that fail."""
    con = ctx.con
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rc_rooms AS
        SELECT DISTINCT ON (r._id) r._id AS room_id, lower(r.t) AS t,
               coalesce(nullif(trim(r.fname), ''), nullif(trim(r.name), '')) AS name,
               greatest(len(list_distinct(coalesce(r.uids, []))),
                        len(list_distinct(coalesce(r.usernames, [])))) AS members
        FROM (SELECT unnest(coalesce(d.channels, []) || coalesce(d.groups, [])
                            || coalesce(d.ims, []) || coalesce(d."update", [])) AS r
              FROM _rc_docs)
        WHERE nullif(trim(r._id), '') IS NOT NULL
        ORDER BY r._id, r.t NULLS LAST
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rc_users AS
        SELECT DISTINCT ON (u._id) u._id AS user_id,
               nullif(lower(trim(list_filter(list_transform(coalesce(u.emails, []),
                                                            lambda e: e.address),
                                             lambda a: contains(a, '@'))[1])), '') AS email,
               lower(coalesce(u.type, '')) IN ('bot', 'app')
                   OR list_contains(coalesce(u.roles, []), 'bot') AS flagged
        FROM (SELECT unnest(coalesce(d.users, [])) AS u FROM _rc_docs)
        WHERE nullif(trim(u._id), '') IS NOT NULL
        ORDER BY u._id
        """
    )
    problem = problem_sql(ROW_PROBLEMS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rc_rows AS
        SELECT *, {problem} AS problem
        FROM (
            SELECT filename, ordinal, m, raw,
                   nullif(trim(coalesce(m.rid, room_hint)), '') AS room_id,
                   {_timestamp_sql("m.ts")} AS sent_at
            FROM (SELECT filename, d.roomId AS room_hint,
                         unnest(range(len(d.messages))) AS ordinal, unnest(d.messages) AS m,
                         unnest(raw.messages) AS raw
                  FROM _rc_docs WHERE len(d.messages) > 0)
        )
        """
    )
    con.execute("DROP TABLE _rc_docs")
    counted = con.execute("SELECT count(*) FROM _rc_rows").fetchone()
    report.records_read += int(counted[0]) if counted else 0
    report_problems(
        ctx,
        report,
        """SELECT problem, count(*),
                  list(f.origin || ' record ' || r.ordinal || ': ' || problem
                       ORDER BY f.origin, r.ordinal)[1:3]
           FROM _rc_rows r JOIN _rc_files f ON f.file = r.filename
           WHERE problem IS NOT NULL
           GROUP BY problem ORDER BY min(f.origin), min(r.ordinal)""",
    )


def _timestamp_sql(value: str) -> str:
    """DuckDB SQL: naive UTC of an ISO 8601 string or a MongoDB ``{"$date": ...}`` (JSON)."""
    iso = (
        "timezone('UTC', TRY_CAST(CASE WHEN regexp_matches(trim({s}), "
        "'(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$') THEN trim({s}) ELSE trim({s}) || 'Z' END "
        "AS TIMESTAMPTZ))"
    )
    date = f"json_extract({value}, '$.\"$date\"')"
    return f"""CASE json_type({value})
        WHEN 'VARCHAR' THEN {iso.format(s=f"({value}->>'$')")}
        WHEN 'OBJECT' THEN CASE
            WHEN json_type({date}) IN ('UBIGINT', 'BIGINT', 'DOUBLE')
                THEN make_timestamp(CAST(CAST({date} AS DOUBLE) * 1000 AS BIGINT))
            WHEN json_type({date}) = 'VARCHAR' THEN {iso.format(s=f"({date}->>'$')")}
            WHEN json_type({date}, '$.\"$numberLong\"') = 'VARCHAR'
                THEN make_timestamp(TRY_CAST({date}->>'$."$numberLong"' AS BIGINT) * 1000)
        END
    END"""


def _insert(ctx: IngestContext, path: Path) -> None:
    """Add the new people, rooms and messages of the checked rows; `path` is their origin."""
    con = ctx.con
    secret = {"secret": ctx.secret}
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rc_messages AS
        SELECT r.filename, r.ordinal, r.room_id, r.sent_at, trim(r.m._id) AS id,
               nullif(trim(r.m.tmid), '') AS tmid, coalesce(r.m.tshow, false) AS tshow,
               nullif(trim(r.m.t), '') AS system_type, r.m.msg AS body,
               nullif(trim(r.m.u._id), '') AS user_id, r.m.u.username AS username,
               r.m.u.name AS user_name,
               coalesce(json_type(r.m.bot), 'NULL') <> 'NULL' AS from_bot,
               coalesce(json_type(r.m.editedAt), 'NULL') <> 'NULL' AS edited,
               coalesce(len(json_extract(r.m.reactions, '$.*.usernames[*]')), 0) AS reactions,
               list_filter(list_transform(coalesce(r.m.urls, []), lambda x: x.url),
                           lambda x: x IS NOT NULL) AS listed_urls,
               coalesce(r.m.mentions, []) AS mentions,
               CASE
                   WHEN l.t = 'c' THEN '{ConversationKind.PUBLIC_CHANNEL}'
                   WHEN l.t = 'p' THEN '{ConversationKind.PRIVATE_CHANNEL}'
                   WHEN l.t = 'd' AND l.members > 2 THEN '{ConversationKind.GROUP_DM}'
                   WHEN l.t IN ('d', 'l') THEN '{ConversationKind.DM}'
                   WHEN r.direct_room THEN '{ConversationKind.DM}'
                   ELSE '{ConversationKind.PUBLIC_CHANNEL}'
               END AS kind,
               l.name AS room_name
        FROM (
            SELECT *, bool_or(length(room_id) > length(m.u._id)
                              AND (starts_with(room_id, m.u._id) OR ends_with(room_id, m.u._id))
                      ) OVER (PARTITION BY room_id) AS direct_room
            FROM _rc_rows WHERE problem IS NULL
        ) r
        LEFT JOIN _rc_rooms l USING (room_id)
        """
    )
    keyed = known_person_sql("senders", "r.identity", "r.rc_identity")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rc_people AS
        WITH senders AS (
            SELECT DISTINCT ON (m.user_id) m.user_id,
                   coalesce('email:' || u.email, 'rocketchat:' || m.user_id) AS identity,
                   'rocketchat:' || m.user_id AS rc_identity,
                   coalesce(nullif(trim(m.user_name), ''), m.username) AS display_name,
                   coalesce(u.flagged, false)
                       OR list_contains($bot_names, lower(coalesce(m.username, '')))
                       OR regexp_matches(lower(coalesce(m.username, '')), 'bot$')
                       OR regexp_matches(lower(coalesce(m.user_name, '')), 'bot$') AS is_bot
            FROM _rc_messages m LEFT JOIN _rc_users u USING (user_id)
            WHERE m.user_id IS NOT NULL
            ORDER BY m.user_id, m.user_name NULLS LAST, m.username NULLS LAST
        )
        {keyed}
        """,
        {**secret, "bot_names": list(BOT_USERNAMES)},
    )
    insert_people(ctx, "_rc_people", str(path), order="user_id", tz="NULL::VARCHAR")
    insert_identities(ctx, "_rc_people", str(path), kind="rocketchat user", other="rc_identity")
    ctx.insert_new(
        "conversations",
        f"""
        SELECT DISTINCT ON (room_id) md5('rocketchat|' || room_id) AS conversation_key, kind,
               CASE WHEN kind IN ('{ConversationKind.PUBLIC_CHANNEL}',
                                  '{ConversationKind.PRIVATE_CHANNEL}') OR $keep
                    THEN coalesce(room_name, room_id) END AS name,
               NULL::TIMESTAMP AS created
        FROM _rc_messages ORDER BY room_id
        """,
        origin=str(path),
    )
    ctx.insert_new(
        "messages",
        f"""
        WITH shaped AS (
            SELECT
                md5('rocketchat|' || k.room_id || '|' || k.id) AS message_key,
                md5('rocketchat|' || k.room_id) AS conversation_key,
                md5('rocketchat|' || k.room_id || '|' || coalesce(k.tmid, k.id))
                    AS thread_root_key,
                CASE WHEN k.is_reply THEN md5('rocketchat|' || k.room_id || '|' || k.tmid) END
                    AS parent_key,
                p.person_key AS author_key,
                k.sent_at,
                NOT k.is_reply AS is_root,
                k.is_reply,
                CASE
                    WHEN k.system_type IS NOT NULL THEN '{MessageKind.SYSTEM}'
                    WHEN k.from_bot OR coalesce(p.is_bot, false) THEN '{MessageKind.BOT}'
                    WHEN p.person_key IS NULL THEN '{MessageKind.SYSTEM}'
                    ELSE '{MessageKind.HUMAN}'
                END AS kind,
                CASE WHEN k.system_type IS NOT NULL THEN k.system_type
                     WHEN k.is_reply AND k.tshow THEN 'thread_broadcast' END AS subtype,
                {text_features_sql("k.body")},
                len(list_distinct(list_filter(
                    list_transform(k.mentions, lambda x: lower(x.username)),
                    lambda x: x IS NOT NULL AND NOT list_contains($broadcasts, x)))) AS mentions,
                len(list_filter(k.mentions, lambda x: list_contains($broadcasts, lower(x.username)))) > 0
                    AS broadcast,
                k.edited,
                k.reactions,
                CASE WHEN $keep THEN k.body END AS text,
                f.origin,
                CASE WHEN len(k.listed_urls) > 0 THEN k.listed_urls
                     ELSE regexp_extract_all(coalesce(k.body, ''), $url_pattern) END AS urls
            FROM (SELECT *, tmid IS NOT NULL AND tmid <> id AS is_reply FROM _rc_messages) k
            LEFT JOIN _rc_people p USING (user_id)
            JOIN _rc_files f ON f.file = k.filename
        )
        {links_from_urls_sql("shaped")}
        """,
        origin=None,
        features=True,
        params={**feature_params(ctx), "broadcasts": list(BROADCASTS)},
    )
