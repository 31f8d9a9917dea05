"""Zulip exports (a realm export, or a zulip-archive JSON tree) into the canonical tables.

Two layouts are read, unpacked or zipped:

- **Realm export** (``manage.py export`` or the organization export, unpacked from its .tar.gz):
  ``realm.json`` (``zerver_userprofile``, ``zerver_userprofile_mirrordummy``,
  ``zerver_userprofile_crossrealm``, ``zerver_stream``, ``zerver_recipient``, ``zerver_reaction``)
  and ``messages-000001.json``, ``messages-000002.json``... holding ``zerver_message`` rows (id,
  sender, recipient, subject = the topic, content, rendered_content, date_sent in epoch seconds,
  last_edit_time). Recipient type 2 is a stream (``invite_only`` makes it a private channel), type
  1 a DM between the sender and the recipient's user, type 3 a group DM. People are keyed by
  ``delivery_email`` (else ``email``); cross-realm users (Notification Bot, Welcome Bot...) are bots.
- **zulip-archive JSON** (github.com/zulip/zulip-archive): ``stream_index.json`` (``{"streams":
  {name: {"id": stream id, "topic_data": {topic: ...}}}}``) and one folder per stream named
  ``<stream id>-<name>`` (older versions: ``<stream id><name>``) holding one JSON array per topic,
  ``<sanitized topic>.json``, of messages with ``id``, ``sender_full_name``, ``timestamp`` and the
  rendered HTML ``content`` (``sender_email``, ``sender_id``, ``subject``, ``reactions`` and
  ``last_edit_timestamp`` are used when a fork keeps them). The topic is the message's
  ``subject``, else the index topic whose sanitized name is the file's, else the file name
  unsanitized. The archive holds public streams only. Without ``sender_email`` a person is known by
  name alone and cannot be linked to other sources.

Message keys are md5('zulip|stream:<id>|<message id>') (DMs: 'dm:<a>-<b>', group DMs
'group:<id>'), so the two layouts of the same realm give the same keys.

Threads (DESIGN): a thread is a stream and a topic (compared case-insensitively, as Zulip does);
its first message by time is the root and every later one a reply (messages of the same second,
as zulip-archive's whole-second timestamps give them, in the order of their message ids). A
message keeps its topic as ``subtype`` = 'topic:' + a keyed hash of stream id and lower-cased
topic (no topic text is stored unless text is kept); after every ingest one set-based UPDATE
re-roots the touched topics over the whole store, so that an export bringing earlier messages of
a topic moves its root.

Text: ``rendered_content`` (HTML) when present, else ``content`` (Markdown). HTML is stripped of
tags for the text features and its links are the http(s) ``href`` targets. Mentions are user and
user-group mentions (silent mentions do not count); @**all**, @**everyone**, @**stream**,
@**channel** and @**topic** are broadcasts. Bots: ``is_bot``, cross-realm users, or a full name
ending in "bot". Left out: attachments, submessages (polls), user groups, subscriptions.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from asyncmaturity.errors import InvalidExport, UnknownTimeZone
from asyncmaturity.sources.archive import extracted, zip_names
from asyncmaturity.sources.common import (
    file_label,
    insert_conversations,
    insert_identities,
    insert_json_files,
    insert_people,
    json_structure_type,
    problem_sql,
    register_rows,
    report_problems,
    sole_folder,
)
from asyncmaturity.sources.features import (
    HTML_PARAMS,
    body_text_sql,
    body_urls_sql,
    feature_params,
    links_from_urls_sql,
    text_features_sql,
)
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import (
    IMPLAUSIBLE_TIME,
    NUMBER,
    STRING,
    epoch_seconds_sql,
    implausible_sql,
    load_json,
    raw_fields_structure,
    wrong_types,
)
from asyncmaturity.store.database import person_key_sql
from asyncmaturity.vocabulary import ConversationKind, MessageKind, Visibility

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

REALM_FILE = "realm.json"
INDEX_FILE = "stream_index.json"
MESSAGE_FILE = re.compile(r"^messages-\d+\.json$")
STAGING_TABLES = (
    "_zulip_people",
    "_zulip_conversations",
    "_zulip_msgs",
    "_zulip_users",
    "_zulip_recipients",
    "_zulip_reactions",
    "_zulip_files",
    "_zulip_rows",
    "_zulip_senders",
    "_zulip_persons",
    "_zulip_keyed",
)

_USER = {
    "id": "BIGINT",
    "email": "VARCHAR",
    "delivery_email": "VARCHAR",
    "full_name": "VARCHAR",
    "is_bot": "BOOLEAN",
    "timezone": "VARCHAR",
}
REALM_STRUCTURE = json.dumps(
    {
        "zerver_userprofile": [_USER],
        "zerver_userprofile_mirrordummy": [_USER],
        "zerver_userprofile_crossrealm": [{"id": "BIGINT", "email": "VARCHAR"}],
        "zerver_stream": [
            {"id": "BIGINT", "name": "VARCHAR", "invite_only": "BOOLEAN", "date_created": "DOUBLE"}
        ],
        "zerver_recipient": [{"id": "BIGINT", "type": "INTEGER", "type_id": "BIGINT"}],
        "zerver_reaction": [{"message": "BIGINT"}],
    }
)
REALM_MESSAGE_STRUCTURE = json.dumps(
    {
        "zerver_message": [
            {
                "id": "BIGINT",
                "sender": "BIGINT",
                "recipient": "BIGINT",
                "subject": "VARCHAR",
                "content": "VARCHAR",
                "rendered_content": "VARCHAR",
                "date_sent": "DOUBLE",
                "pub_date": "DOUBLE",
                "last_edit_time": "DOUBLE",
            }
        ]
    }
)
# The fields a realm message is read by: DuckDB would read `true` as the id or sender 1, so one
# of another JSON type is a message skipped with the field's name.
REALM_TYPED = {
    "id": (NUMBER,),
    "sender": (NUMBER,),
    "recipient": (NUMBER,),
    "date_sent": (NUMBER,),
    "pub_date": (NUMBER,),
    "subject": (STRING,),
}
REALM_RAW_STRUCTURE = json.dumps({"zerver_message": [raw_fields_structure(REALM_TYPED)]})
# A zulip-archive message's fields that the reader relies on: a sender name of [] was read as
# the person "[]", a boolean id as 1.
ARCHIVE_TYPED = {
    "id": (NUMBER,),
    "sender_full_name": (STRING,),
    "sender_email": (STRING,),
    "sender_id": (NUMBER,),
    "timestamp": (NUMBER,),
    "subject": (STRING,),
}
ARCHIVE_RAW_STRUCTURE = json.dumps([raw_fields_structure(ARCHIVE_TYPED)])
ARCHIVE_MESSAGE_STRUCTURE = json.dumps(
    [
        {
            "id": "BIGINT",
            "sender_full_name": "VARCHAR",
            "sender_email": "VARCHAR",
            "sender_id": "BIGINT",
            "timestamp": "DOUBLE",
            "content": "VARCHAR",
            "subject": "VARCHAR",
            "reactions": "JSON",
            "last_edit_timestamp": "DOUBLE",
        }
    ]
)
WILDCARDS = ("all", "everyone", "stream", "channel", "topic")


# A message's time, epoch seconds; beyond a TIMESTAMP's range or the plausible one, it is skipped.
ZULIP_SENT = "coalesce(r.m.date_sent, r.m.pub_date)"
ZULIP_IMPLAUSIBLE = implausible_sql(epoch_seconds_sql(ZULIP_SENT), ZULIP_SENT)


def unsanitize_topic(stem: str) -> str:
    """The topic name behind a zulip-archive topic file name (the inverse of its sanitize_topic).

    >>> unsanitize_topic("new.20streams")
    'new streams'
    >>> unsanitize_topic("v1.2E2")
    'v1.2'
    """
    return urllib.parse.unquote(stem.replace(".", "%"))


def sanitize_topic(topic: str) -> str:
    """zulip-archive's file name for a topic (quote, then '.' -> '%2E', then '%' -> '.')."""
    quoted = urllib.parse.quote(topic, safe="~()*!.'")
    return quoted.replace(".", "%2E").replace("%", ".")


class ZulipSource:
    """Zulip realm export or zulip-archive JSON tree: a folder, or a .zip of one."""

    name = "zulip"
    family = SourceFamily.CHAT
    summary = "Zulip realm export (unpacked) or zulip-archive JSON tree; topics are threads"
    parser_version = "zulip/2"
    accepts = (
        "a realm-export folder (realm.json, messages-NNNNNN.json) or a zulip-archive folder "
        "(stream_index.json, <stream id>-<name>/<topic>.json), or a .zip of either"
    )

    real_samples = (
        "NCAR/zulip-archive@90994497b821acfbc3a973ea9797727e35b1c98d:zulip_json/",
        (
            "none found: for the realm-export layout (realm.json, messages-NNNNNN.json): Zulip's "
            "own tests build realm exports at test time (the only realm files zulip/zulip keeps, "
            "zerver/tests/fixtures/import_fixtures/messages-00000N.json, hold two rows of id and "
            "date_sent and no realm.json) and no published realm export was found; it is tested "
            "on tests/fixtures/zulip/realm_export_topic_threads/"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A folder (or zip) holding realm.json or stream_index.json."""
        if path.is_file() and path.suffix.lower() == ".zip":
            names = zip_names(path)
            return names is not None and any(
                Path(n).name in (REALM_FILE, INDEX_FILE) for n in names
            )
        if path.is_dir():
            try:
                return _layout(path) is not None
            except OSError:
                return False
        return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the export at `path`, add its new records and re-root the topics it touched."""
        report = SourceReport()
        opener = extracted(path) if path.is_file() else nullcontext(path)
        with opener as unpacked:
            found = _layout(unpacked)
            if found is None:
                raise InvalidExport(
                    f"{path}: not a Zulip export: no realm.json (realm export) or "
                    "stream_index.json (zulip-archive)"
                )
            root, layout = found
            label = file_label(path, root)
            _create_staging(ctx)
            if layout == "realm":
                _stage_realm(ctx, root, label, report)
            else:
                _stage_archive(ctx, root, label, report)
            _count_problems(ctx, report)
            _insert(ctx, path)
            _resolve_topics(ctx)
        for table in STAGING_TABLES:
            ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
        return report


def _layout(path: Path) -> tuple[Path, str] | None:
    """The export's root folder and layout ('realm' or 'archive'); looks through one wrapper."""
    if (path / REALM_FILE).is_file():
        return path, "realm"
    if (path / INDEX_FILE).is_file():
        return path, "archive"
    inner = sole_folder(path)
    return _layout(inner) if inner is not None else None


def _create_staging(ctx: IngestContext) -> None:
    con = ctx.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _zulip_people (sender_ref VARCHAR, identity VARCHAR, "
        "zulip_identity VARCHAR, tz VARCHAR, is_bot BOOLEAN, display_name VARCHAR)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _zulip_conversations (conversation_id VARCHAR, "
        "kind VARCHAR, name VARCHAR, created TIMESTAMP)"
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _zulip_msgs (
            origin VARCHAR, ordinal BIGINT, message_id BIGINT, conversation_id VARCHAR,
            stream_id BIGINT, topic VARCHAR, sender_ref VARCHAR, sent_epoch DOUBLE,
            body VARCHAR, is_html BOOLEAN, edited BOOLEAN, reactions INTEGER, problem VARCHAR)"""
    )


def _read_json_files(
    ctx: IngestContext,
    files: list[Path],
    structure: str,
    table: str,
    label: Any,
    *,
    top: tuple[str, ...] = ("OBJECT",),
    raw_structure: str | None = None,
) -> None:
    """Parse `files` with DuckDB into `table` (filename, s, raw), in batches bounded by size.

    `s` is the document shaped by `structure` (json_transform): only the fields we use are ever
    materialised, and a document of another shape gives NULL (or NULL fields) rather than an error.
    `raw` is it shaped by `raw_structure` (the fields whose JSON type is checked, as raw JSON),
    NULL without one.
    """
    con = ctx.con

    raw_type = json_structure_type(con, raw_structure) if raw_structure else "JSON"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} "
        f"(filename VARCHAR, s {json_structure_type(con, structure)}, raw {raw_type})"
    )
    insert_json_files(
        ctx,
        files,
        f"INSERT INTO {table} SELECT filename, json_transform(content, ?), "
        + (f"json_transform(content, '{raw_structure}')" if raw_structure else "NULL::JSON")
        + " FROM read_text(?)",
        structure,
        label,
        top=top,
        lists=("zerver_message",),
    )


def _stage_realm(ctx: IngestContext, root: Path, label: Any, report: SourceReport) -> None:
    con = ctx.con
    realm_file = root / REALM_FILE
    _read_json_files(ctx, [realm_file], REALM_STRUCTURE, "_zulip_realm", label)
    con.execute("CREATE OR REPLACE TEMP TABLE _zulip_r AS SELECT s AS r FROM _zulip_realm")
    shape = con.execute("SELECT r IS NULL FROM _zulip_r").fetchone()
    if shape is None or shape[0]:
        raise InvalidExport(f"{label(realm_file)}: expected a JSON object of zerver_* tables")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _zulip_users AS
           SELECT u.*, false AS cross_realm, list_name, ordinal FROM (
               SELECT unnest(coalesce(r.zerver_userprofile, [])) AS u,
                      unnest(range(len(coalesce(r.zerver_userprofile, [])))) AS ordinal,
                      'zerver_userprofile' AS list_name
               FROM _zulip_r
               UNION ALL
               SELECT unnest(coalesce(r.zerver_userprofile_mirrordummy, [])),
                      unnest(range(len(coalesce(r.zerver_userprofile_mirrordummy, [])))),
                      'zerver_userprofile_mirrordummy'
               FROM _zulip_r)
           UNION ALL
           SELECT c.id, c.email, NULL, NULL, true, NULL, true, 'zerver_userprofile_crossrealm',
                  ordinal
           FROM (SELECT unnest(coalesce(r.zerver_userprofile_crossrealm, [])) AS c,
                        unnest(range(len(coalesce(r.zerver_userprofile_crossrealm, []))))
                          AS ordinal
                 FROM _zulip_r)"""
    )
    # A skip names the table of realm.json the user is listed in and its position there.
    missing = con.execute(
        "SELECT list_name, ordinal FROM _zulip_users WHERE id IS NULL ORDER BY list_name, ordinal"
    ).fetchall()
    report.skip(
        "user record without an id",
        len(missing),
        [f"{label(realm_file)} {table} record {i}: no user id" for table, i in missing],
    )
    for tz, user in con.execute(
        "SELECT DISTINCT ON (tz) nullif(trim(timezone), '') AS tz, id FROM _zulip_users "
        "WHERE nullif(trim(timezone), '') IS NOT NULL ORDER BY tz, id"
    ).fetchall():
        try:
            ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            raise UnknownTimeZone(
                f"{label(realm_file)}: user {user}: unknown time zone {tz!r}"
            ) from None
    con.execute(
        """INSERT INTO _zulip_people
           SELECT 'id:' || id,
                  coalesce('email:' || lower(trim(coalesce(nullif(trim(delivery_email), ''),
                                                           nullif(trim(email), '')))),
                           'zulip:' || id),
                  'zulip:' || id, nullif(trim(timezone), ''),
                  coalesce(is_bot, false) OR cross_realm
                      OR regexp_matches(lower(coalesce(full_name, '')), 'bot$'),
                  full_name
           FROM _zulip_users WHERE id IS NOT NULL"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _zulip_recipients AS
           SELECT rc.id, rc.type, rc.type_id
           FROM (SELECT unnest(coalesce(r.zerver_recipient, [])) AS rc FROM _zulip_r)
           WHERE rc.id IS NOT NULL"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _zulip_reactions AS
           SELECT x.message AS message_id, count(*)::INTEGER AS n
           FROM (SELECT unnest(coalesce(r.zerver_reaction, [])) AS x FROM _zulip_r)
           GROUP BY ALL"""
    )
    con.execute(
        f"""INSERT INTO _zulip_conversations
           SELECT 'stream:' || s.id,
                  CASE WHEN coalesce(s.invite_only, false) THEN '{ConversationKind.PRIVATE_CHANNEL}'
                       ELSE '{ConversationKind.PUBLIC_CHANNEL}' END,
                  s.name, to_timestamp(s.date_created)::TIMESTAMP
           FROM (SELECT unnest(coalesce(r.zerver_stream, [])) AS s FROM _zulip_r)
           WHERE s.id IS NOT NULL"""
    )
    con.execute("DROP TABLE _zulip_r")
    con.execute("DROP TABLE _zulip_realm")

    files = sorted(
        (entry.path for entry in os.scandir(root) if MESSAGE_FILE.match(entry.name)),
    )
    paths = [Path(f) for f in files]
    register_rows(
        ctx,
        "_zulip_files",
        [{"file": str(p), "origin": label(p)} for p in paths],
        pa.schema([("file", pa.string()), ("origin", pa.string())]),
    )
    _read_json_files(
        ctx, paths, REALM_MESSAGE_STRUCTURE, "_zulip_raw", label, raw_structure=REALM_RAW_STRUCTURE
    )
    wrong = con.execute(
        "SELECT filename FROM _zulip_raw WHERE s.zerver_message IS NULL LIMIT 1"
    ).fetchone()
    if wrong is not None:
        raise InvalidExport(
            f"{label(Path(wrong[0]))}: expected a JSON object with a zerver_message array"
        )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _zulip_rows AS
           SELECT filename AS file, unnest(range(len(s.zerver_message))) AS ordinal,
                  unnest(s.zerver_message) AS m, unnest(raw.zerver_message) AS raw
           FROM _zulip_raw"""
    )
    con.execute("DROP TABLE _zulip_raw")
    wrong_type = problem_sql(wrong_types(REALM_TYPED, lambda field: f'r.raw."{field}"'))
    counted = con.execute("SELECT count(*) FROM _zulip_rows").fetchone()
    report.records_read += int(counted[0]) if counted else 0
    users = con.execute("SELECT count(*) FROM _zulip_users").fetchone()
    report.records_read += int(users[0]) if users else 0
    con.execute(
        f"""
        INSERT INTO _zulip_msgs
        SELECT f.origin, r.ordinal, r.m.id,
               CASE rc.type
                   WHEN 2 THEN 'stream:' || rc.type_id
                   WHEN 1 THEN 'dm:' || least(r.m.sender, rc.type_id) || '-'
                               || greatest(r.m.sender, rc.type_id)
                   WHEN 3 THEN 'group:' || rc.type_id
               END,
               CASE WHEN rc.type = 2 THEN rc.type_id END,
               CASE WHEN rc.type = 2 THEN coalesce(r.m.subject, '') END,
               'id:' || r.m.sender,
               coalesce(r.m.date_sent, r.m.pub_date),
               coalesce(r.m.rendered_content, r.m.content),
               r.m.rendered_content IS NOT NULL,
               r.m.last_edit_time IS NOT NULL,
               coalesce(x.n, 0),
               coalesce({wrong_type}, CASE
                    WHEN r.m.id IS NULL THEN 'message without an id'
                    WHEN coalesce(r.m.date_sent, r.m.pub_date) IS NULL
                        THEN 'message without a valid date_sent'
                    WHEN {ZULIP_IMPLAUSIBLE} THEN '{IMPLAUSIBLE_TIME}'
                    WHEN r.m.sender IS NULL THEN 'message without a sender'
                    WHEN rc.id IS NULL THEN 'message whose recipient is not in realm.json'
                    WHEN rc.type NOT IN (1, 2, 3) THEN 'message to a recipient of unknown type'
               END)
        FROM _zulip_rows r
        JOIN _zulip_files f USING (file)
        LEFT JOIN _zulip_recipients rc ON rc.id = r.m.recipient
        LEFT JOIN _zulip_reactions x ON x.message_id = r.m.id
        """
    )
    # Senders that realm.json does not list still get a (non-bot) person of their own.
    con.execute(
        """INSERT INTO _zulip_people
           SELECT DISTINCT sender_ref, 'zulip:' || substr(sender_ref, 4),
                  'zulip:' || substr(sender_ref, 4), NULL, false, NULL
           FROM _zulip_msgs
           WHERE problem IS NULL
             AND sender_ref NOT IN (SELECT sender_ref FROM _zulip_people)"""
    )
    con.execute(
        f"""INSERT INTO _zulip_conversations
           SELECT DISTINCT conversation_id,
                  CASE WHEN conversation_id LIKE 'group:%' THEN '{ConversationKind.GROUP_DM}'
                       ELSE '{ConversationKind.DM}' END,
                  NULL, NULL::TIMESTAMP
           FROM _zulip_msgs
           WHERE problem IS NULL AND NOT starts_with(conversation_id, 'stream:')"""
    )
    counts = con.execute(
        "SELECT (SELECT count(*) FROM _zulip_users), "
        "(SELECT count(*) FROM _zulip_conversations WHERE starts_with(conversation_id, 'stream:')), "
        "(SELECT count(*) FROM _zulip_msgs WHERE problem IS NULL)"
    ).fetchone()
    n_users, n_streams, n_messages = counts if counts else (0, 0, 0)
    # An export of public data leaves direct and group messages out: seen only when some are in.
    direct = (
        n_messages
        > con.execute(
            "SELECT count(*) FROM _zulip_msgs "
            "WHERE problem IS NULL AND starts_with(conversation_id, 'stream:')"
        ).fetchall()[0][0]
    )
    report.sees = {Visibility.DIRECT_MESSAGES: direct, Visibility.GROUP_MESSAGES: direct}
    report.detected = (
        f"Zulip realm export: {n_users} users, {n_streams} streams, {len(paths)} message files, "
        f"{n_messages} messages"
    )


def _stage_archive(ctx: IngestContext, root: Path, label: Any, report: SourceReport) -> None:
    con = ctx.con
    index_file = root / INDEX_FILE
    index = load_json(index_file, label(index_file), expect=dict)
    streams = index.get("streams") if isinstance(index, dict) else None
    if not isinstance(streams, dict):
        raise InvalidExport(f"{label(index_file)}: expected an object with a 'streams' object")
    folders = {entry.name: Path(entry.path) for entry in os.scandir(root) if entry.is_dir()}
    listed: dict[str, tuple[int, str, dict[str, str]]] = {}
    for stream_name, info in streams.items():
        stream_id = info.get("id") if isinstance(info, dict) else None
        if not isinstance(stream_id, int):
            raise InvalidExport(f"{label(index_file)}: stream {stream_name!r} has no numeric id")
        topics = info.get("topic_data") if isinstance(info.get("topic_data"), dict) else {}
        by_file = {sanitize_topic(str(t)): str(t) for t in topics}
        for folder in folders:
            match = re.match(r"^(\d+)", folder)
            if match and int(match.group(1)) == stream_id:
                listed[folder] = (stream_id, str(stream_name), by_file)
    # Stream folders the index does not list still name their stream: '<id>-<name>'.
    for folder in folders:
        match = re.match(r"^(\d+)-?(.*)$", folder)
        if folder not in listed and match:
            listed[folder] = (int(match.group(1)), match.group(2) or folder, {})
    file_rows: list[dict[str, Any]] = []
    for folder, (stream_id, stream_name, by_file) in sorted(listed.items()):
        for entry in sorted(os.scandir(folders[folder]), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith(".json"):
                stem = entry.name[: -len(".json")]
                file_rows.append(
                    {
                        "file": entry.path,
                        "origin": label(Path(entry.path)),
                        "stream_id": stream_id,
                        "stream_name": stream_name,
                        "topic": by_file.get(stem, unsanitize_topic(stem)),
                    }
                )
    register_rows(
        ctx,
        "_zulip_files",
        file_rows,
        pa.schema(
            [
                ("file", pa.string()),
                ("origin", pa.string()),
                ("stream_id", pa.int64()),
                ("stream_name", pa.string()),
                ("topic", pa.string()),
            ]
        ),
    )
    _read_json_files(
        ctx,
        [Path(r["file"]) for r in file_rows],
        ARCHIVE_MESSAGE_STRUCTURE,
        "_zulip_raw",
        label,
        top=("ARRAY",),
        raw_structure=ARCHIVE_RAW_STRUCTURE,
    )
    wrong = con.execute("SELECT filename FROM _zulip_raw WHERE s IS NULL LIMIT 1").fetchone()
    if wrong is not None:
        raise InvalidExport(f"{label(Path(wrong[0]))}: expected a JSON array of messages")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _zulip_rows AS
           SELECT filename AS file, unnest(range(len(s))) AS ordinal, unnest(s) AS m,
                  unnest(raw) AS raw
           FROM _zulip_raw"""
    )
    wrong_type = problem_sql(wrong_types(ARCHIVE_TYPED, lambda field: f's.raw."{field}"'))
    con.execute("DROP TABLE _zulip_raw")
    counted = con.execute("SELECT count(*) FROM _zulip_rows").fetchone()
    report.records_read += int(counted[0]) if counted else 0
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _zulip_senders AS
        SELECT *, CASE WHEN email IS NOT NULL THEN 'email:' || email
                       WHEN r.m.sender_id IS NOT NULL THEN 'id:' || r.m.sender_id
                       WHEN name IS NOT NULL THEN 'name:' || name END AS sender_ref
        FROM (SELECT r.*, nullif(lower(trim(r.m.sender_email)), '') AS email,
                     nullif(trim(r.m.sender_full_name), '') AS name
              FROM _zulip_rows r) r
        """
    )
    con.execute(
        f"""
        INSERT INTO _zulip_msgs
        SELECT f.origin, s.ordinal, s.m.id, 'stream:' || f.stream_id, f.stream_id,
               coalesce(s.m.subject, f.topic), s.sender_ref, s.m.timestamp, s.m.content, true,
               s.m.last_edit_timestamp IS NOT NULL,
               coalesce(json_array_length(s.m.reactions), 0)::INTEGER,
               CASE WHEN s.m IS NULL THEN 'message is not an object'
                    WHEN {wrong_type} IS NOT NULL THEN {wrong_type}
                    WHEN s.m.id IS NULL THEN 'message without an id'
                    WHEN s.m.timestamp IS NULL THEN 'message without a timestamp'
                    WHEN {implausible_sql(epoch_seconds_sql("s.m.timestamp"), "s.m.timestamp")}
                        THEN '{IMPLAUSIBLE_TIME}'
               END
        FROM _zulip_senders s JOIN _zulip_files f USING (file)
        """
    )
    con.execute(
        """
        INSERT INTO _zulip_people
        SELECT DISTINCT ON (sender_ref) sender_ref,
               CASE WHEN starts_with(sender_ref, 'email:') THEN sender_ref
                    WHEN starts_with(sender_ref, 'id:') THEN 'zulip:' || substr(sender_ref, 4)
                    ELSE 'zulip-name:' || substr(sender_ref, 6) END,
               CASE WHEN starts_with(sender_ref, 'id:') THEN 'zulip:' || substr(sender_ref, 4)
               END,
               NULL, regexp_matches(lower(coalesce(name, '')), 'bot$'), name
        FROM _zulip_senders WHERE sender_ref IS NOT NULL
        ORDER BY sender_ref, name
        """
    )
    con.execute(
        f"""INSERT INTO _zulip_conversations
           SELECT DISTINCT ON (stream_id) 'stream:' || stream_id,
                  '{ConversationKind.PUBLIC_CHANNEL}', stream_name,
                  NULL::TIMESTAMP
           FROM _zulip_files ORDER BY stream_id, stream_name"""
    )
    counts = con.execute(
        "SELECT (SELECT count(DISTINCT stream_id) FROM _zulip_files), "
        "(SELECT count(*) FROM _zulip_files), "
        "(SELECT count(*) FROM _zulip_msgs WHERE problem IS NULL)"
    ).fetchone()
    n_streams, n_topics, n_messages = counts if counts else (0, 0, 0)
    # A zulip-archive publishes public streams only.
    report.sees = {
        Visibility.DIRECT_MESSAGES: False,
        Visibility.GROUP_MESSAGES: False,
        Visibility.PRIVATE_CHANNELS: False,
    }
    report.detected = (
        f"zulip-archive JSON: {n_streams} streams, {n_topics} topic files, {n_messages} messages"
    )


def _count_problems(ctx: IngestContext, report: SourceReport) -> None:
    report_problems(
        ctx,
        report,
        """SELECT problem, count(*),
                  list(origin || ' record ' || ordinal || ': ' || problem
                       ORDER BY origin, ordinal)[1:3]
           FROM _zulip_msgs WHERE problem IS NOT NULL
           GROUP BY problem ORDER BY min(origin), min(ordinal)""",
    )


def _insert(ctx: IngestContext, path: Path) -> None:
    con = ctx.con
    secret = {"secret": ctx.secret}
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _zulip_persons AS
            SELECT *, {person_key_sql("identity")} AS person_key FROM _zulip_people""",
        secret,
    )
    insert_people(ctx, "_zulip_persons", str(path), order="sender_ref")
    insert_identities(
        ctx,
        "_zulip_persons",
        str(path),
        kind="zulip user",
        other="zulip_identity",
        prefix_kinds={"zulip-name:": "zulip name"},
    )
    insert_conversations(ctx, "zulip", "_zulip_conversations", str(path))
    plain = body_text_sql("m.body", "m.is_html")
    urls = body_urls_sql("m.body", "m.is_html")
    wildcards = "|".join(WILDCARDS)
    mentions = (
        "CASE WHEN NOT contains(coalesce(m.body, ''), '@') AND NOT contains(coalesce(m.body, ''), "
        "'mention') THEN 0 "
        "WHEN m.is_html THEN len(regexp_extract_all(m.body, "
        '\'<span class="user-(?:group-)?mention"[^>]*data-user(?:-group)?-id="[0-9]+"\')) '
        "ELSE len(list_filter(regexp_extract_all(m.body, '@\\*\\*([^*|]+)(?:\\|[0-9]+)?\\*\\*', 1),"
        f" lambda n: NOT regexp_full_match(lower(n), '{wildcards}')))"
        " + len(regexp_extract_all(m.body, '(?:^|[^_*])@\\*[^*]+\\*')) END"
    )
    broadcast = (
        "CASE WHEN m.is_html THEN regexp_matches(coalesce(m.body, ''), "
        '\'data-user-id="\\*"|class="topic-mention"|wildcard-mention\') '
        f"ELSE regexp_matches(coalesce(m.body, ''), '@\\*\\*({wildcards})\\*\\*', 'i') END"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _zulip_keyed AS
        SELECT m.*,
               md5('zulip|' || m.conversation_id || '|' || m.message_id) AS message_key,
               CASE WHEN m.stream_id IS NOT NULL
                    THEN 'topic:' || substr(sha256($secret || '|zulip-topic:' || m.stream_id
                                                   || '|' || lower(m.topic)), 1, 32) END
                   AS topic_key,
               make_timestamp(CAST(round(m.sent_epoch * 1000000) AS BIGINT)) AS sent_at,
               {plain} AS plain, {urls} AS urls, {mentions} AS mentions, {broadcast} AS broadcast
        FROM _zulip_msgs m WHERE m.problem IS NULL
        """,
        {**secret, **HTML_PARAMS, "url_pattern": feature_params(ctx)["url_pattern"]},
    )
    ctx.insert_new(
        "messages",
        f"""
        WITH rooted AS (
            SELECT *,
                   CASE WHEN topic_key IS NULL THEN message_key
                        ELSE first_value(message_key) OVER (
                            PARTITION BY conversation_id, topic_key
                            ORDER BY sent_at, message_id, message_key)
                   END AS root_key
            FROM _zulip_keyed
        ), shaped AS (
            SELECT
                k.message_key,
                md5('zulip|' || k.conversation_id) AS conversation_key,
                k.root_key AS thread_root_key,
                CASE WHEN k.root_key <> k.message_key THEN k.root_key END AS parent_key,
                p.person_key AS author_key,
                k.sent_at,
                k.root_key = k.message_key AS is_root,
                k.root_key <> k.message_key AS is_reply,
                CASE WHEN p.person_key IS NULL THEN '{MessageKind.SYSTEM}'
                     WHEN p.is_bot THEN '{MessageKind.BOT}' ELSE '{MessageKind.HUMAN}' END AS kind,
                k.topic_key AS subtype,
                {text_features_sql("k.plain")},
                k.mentions,
                coalesce(k.broadcast, false) AS broadcast,
                k.edited,
                k.reactions,
                CASE WHEN $keep THEN k.plain END AS text,
                CASE WHEN $keep THEN k.topic END AS subject,
                k.origin,
                k.urls
            FROM rooted k
            LEFT JOIN _zulip_persons p ON p.sender_ref = k.sender_ref
        )
        {links_from_urls_sql("shaped")}
        """,
        origin=None,
        features=True,
        params=feature_params(ctx),
    )


def _resolve_topics(ctx: IngestContext) -> None:
    """Re-root every topic this ingest touched over the whole store, in one UPDATE.

    The root of a topic is its earliest message. Messages of the same second (zulip-archive keeps
    whole seconds) are ordered by Zulip's message id, which follows the order of sending; the
    store keeps no id, so a root stored by an earlier ingest and not read again keeps its place
    against a message of the same second. Only rows whose root changes are written, so a
    re-ingest writes nothing.
    """
    ctx.con.execute(
        """
        UPDATE messages AS m SET
            thread_root_key = r.root_key,
            parent_key = CASE WHEN r.root_key <> m.message_key THEN r.root_key END,
            is_root = r.root_key = m.message_key,
            is_reply = r.root_key <> m.message_key
        FROM (
            SELECT s.message_key,
                   first_value(s.message_key) OVER (
                       PARTITION BY s.conversation_key, s.subtype
                       ORDER BY s.sent_at, (s.is_root AND k.message_id IS NULL) DESC,
                                k.message_id, s.message_key
                   ) AS root_key
            FROM messages s
            LEFT JOIN _zulip_keyed k ON k.message_key = s.message_key
            WHERE s.source = 'zulip'
              AND s.subtype IN (SELECT DISTINCT topic_key FROM _zulip_keyed
                                WHERE topic_key IS NOT NULL)
        ) r
        WHERE m.message_key = r.message_key AND m.source = 'zulip'
          AND m.thread_root_key IS DISTINCT FROM r.root_key
        """
    )
