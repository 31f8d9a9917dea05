"""Google Chat, as Google Takeout exports it, into the canonical tables.

Input: the Takeout (its .zip or folder) holding ``Google Chat/``, that folder, its ``Groups/``
folder, or one conversation's folder. ``Groups/<conversation>/messages.json`` holds the
conversation's whole history (``{"messages": [...]}``) and ``group_info.json`` its name and
members; ``Users/User <id>/user_info.json`` names the account that made the export.

What is read and how:

- A message: ``message_id`` (key, with the conversation's folder), ``created_date`` in Takeout's
  words ("Monday, January 4, 2021 at 10:01:21 AM UTC", the space before AM/PM often a narrow
  no-break space; an ISO 8601 time is read too), ``updated_date`` (edited), ``text``,
  ``reactions`` (each reactor counted), ``annotations``: ``user_mention_metadata`` are mentions
  (distinct people; a mention of "all", or ``@all`` in the text, is a broadcast) and
  ``url_metadata`` links, with the URLs of the text.
- Threads (DESIGN): a thread is a conversation and a ``topic_id``; its first message by time is
  the root and every later one a reply. A space without threads gives each message a topic of its
  own. Each messages.json holds the conversation's whole history, so the root is found within it.
- The sender ``creator`` {name, email, user_type} is keyed by the e-mail address (so the person
  links to other sources), else by name ('googlechat-name:<name>'). ``user_type`` "Bot", or
  (DESIGN's rule) a name ending in "bot", is a bot; a message without a creator is a system record.
- The conversation: a folder named "DM ..." is a direct message (a group DM with more than two
  members), "Space ..." a space, taken as a public channel and named by group_info.json.

Visibility: a Takeout holds the direct and group messages of the account that made it, and its
spaces; whether a space is restricted is not in the export, so private channels are not seen.

Left out: attached files, reactions' emoji, membership history (user_info's membership_info).

Real samples: the Google Chat part of a real Takeout, names faked by its publisher
(github.com/wjcarpenter/gvoice-sms-takeout-xml, BSD 2-Clause; tests/fixtures/real/googlechat): two
DMs and two spaces, 67 messages. Its conversations have no threads (every message a topic of its
own) and no bots or mentions; those are tested on fixtures built from the shape that Takeout
parsers document.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.archive import extracted, zip_names
from asyncmaturity.sources.common import (
    file_label,
    insert_conversations,
    insert_identities,
    insert_json_files,
    insert_people,
    json_structure_type,
    known_person_sql,
    problem_sql,
    register_rows,
    report_problems,
    sole_folder,
)
from asyncmaturity.sources.features import feature_params, links_from_urls_sql, text_features_sql
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

MESSAGES_FILE = "messages.json"
GROUP_INFO_FILE = "group_info.json"
USER_INFO_FILE = "user_info.json"
CHAT_FOLDER = "Google Chat"
DM_PREFIX = "DM "
STAGING_TABLES = (
    "_gc_files",
    "_gc_docs",
    "_gc_info",
    "_gc_owner",
    "_gc_rows",
    "_gc_messages",
    "_gc_people",
    "_gc_conversations",
)

_PERSON = {"name": "VARCHAR", "email": "VARCHAR", "user_type": "VARCHAR"}
MESSAGES_STRUCTURE = json.dumps(
    {
        "messages": [
            {
                "message_id": "VARCHAR",
                "topic_id": "VARCHAR",
                "created_date": "VARCHAR",
                "updated_date": "VARCHAR",
                "text": "VARCHAR",
                "creator": _PERSON,
                "annotations": [
                    {
                        "user_mention_metadata": {"user": _PERSON, "type": "VARCHAR"},
                        "url_metadata": {
                            "url": {
                                "private_do_not_access_or_else_safe_url_wrapped_value": "VARCHAR"
                            }
                        },
                    }
                ],
                "reactions": [{"reactor_emails": ["VARCHAR"]}],
            }
        ]
    }
)
GROUP_INFO_STRUCTURE = json.dumps({"name": "VARCHAR", "members": [_PERSON]})
USER_INFO_STRUCTURE = json.dumps({"user": _PERSON})
# Takeout's date: "Monday, January 4, 2021 at 10:01:21 AM UTC" (weekday optional, 12 or 24 hour).
TAKEOUT_DATE = (
    r"^(?:[A-Za-z]+, )?([A-Za-z]+ [0-9]{1,2}, [0-9]{4}),? (?:at )?"
    r"([0-9]{1,2}:[0-9]{2}:[0-9]{2}) ?([AaPp][Mm])? (?:UTC|GMT)$"
)
# The fields a message is read by: one of another JSON type (a `creator` list, a `topic_id`
# object) would be read as NULL or its JSON text, so the message is skipped, naming it.
TYPED_FIELDS = {
    "message_id": ID_KINDS,
    "topic_id": (STRING,),
    "created_date": (STRING,),
    "text": (STRING,),
    "creator": (OBJECT,),
}
RAW_STRUCTURE = json.dumps({"messages": [raw_fields_structure(TYPED_FIELDS)]})
ROW_PROBLEMS = (
    ("record is not a message object", "m IS NULL"),
    *wrong_types(TYPED_FIELDS, lambda field: f'raw."{field}"'),
    ("message without a message_id", "nullif(trim(m.message_id), '') IS NULL"),
    bad_id("m.message_id"),
    ("created_date is not a date", "sent_at IS NULL"),
    implausible_time("sent_at"),
)


class GoogleChatSource:
    """Google Chat in a Google Takeout: the .zip, its folder, or its Google Chat folder."""

    name = "googlechat"
    family = SourceFamily.CHAT
    summary = "Google Chat from Google Takeout (Groups/*/messages.json); topics are threads"
    parser_version = "googlechat/1"
    accepts = (
        "a Takeout .zip or folder holding 'Google Chat/Groups/<conversation>/messages.json', "
        "the 'Google Chat' or 'Groups' folder, or one conversation's folder"
    )

    real_samples = (
        (
            "wjcarpenter/gvoice-sms-takeout-xml@497b90afc3a4a832b49add7255a2d737af8690bf:"
            "test_data/Takeout/Google Chat/Groups/"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A zip or folder holding Google Chat's Groups folder, or a conversation's folder."""
        if path.is_file() and path.suffix.lower() == ".zip":
            names = zip_names(path)
            return names is not None and any(
                f"{CHAT_FOLDER}/Groups/" in n and n.endswith(f"/{MESSAGES_FILE}") for n in names
            )
        if path.is_dir():
            try:
                return bool(_conversation_folders(path))
            except OSError:
                return False
        return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the Takeout at `path` and add its new records to the store."""
        report = SourceReport(
            sees={
                Visibility.DIRECT_MESSAGES: True,
                Visibility.GROUP_MESSAGES: True,
                Visibility.PRIVATE_CHANNELS: False,
            }
        )
        opener = extracted(path) if path.is_file() else nullcontext(path)
        with opener as unpacked:
            folders = _conversation_folders(unpacked)
            if not folders:
                raise InvalidExport(
                    f"{path}: not a Google Chat Takeout: no 'Google Chat/Groups/<conversation>/"
                    "messages.json'"
                )
            label = file_label(path, unpacked)
            _stage(ctx, unpacked, folders, label)
            _check(ctx, report)
            _insert(ctx, path)
            row = ctx.con.execute(
                "SELECT count(*), count(DISTINCT folder) FROM _gc_messages"
            ).fetchone()
            messages, conversations = row if row else (0, 0)
            report.detected = (
                f"Google Chat (Takeout): {len(folders)} conversation folders, {messages} messages "
                f"in {conversations} conversations"
            )
        for table in STAGING_TABLES:
            ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
        return report


def _conversation_folders(path: Path) -> list[Path]:
    """The conversation folders (each holding messages.json) of a Takeout, however it is given."""
    if (path / MESSAGES_FILE).is_file():
        return [path]
    for chat in (path, path / CHAT_FOLDER, path / "Takeout" / CHAT_FOLDER):
        groups = chat / "Groups"
        if chat.name == "Groups":
            groups = chat
        if groups.is_dir():
            return sorted(
                child
                for child in groups.iterdir()
                if child.is_dir() and (child / MESSAGES_FILE).is_file()
            )
    inner = sole_folder(path)
    return _conversation_folders(inner) if inner is not None else []


def _owner_files(root: Path) -> list[Path]:
    """The Users/*/user_info.json files beside the conversations' Groups folder."""
    found: list[Path] = []
    for chat in (root, root / CHAT_FOLDER, root / "Takeout" / CHAT_FOLDER):
        users = chat / "Users"
        if users.is_dir():
            found += sorted(users.glob(f"*/{USER_INFO_FILE}"))
    return found


def _read(
    ctx: IngestContext,
    table: str,
    files: list[Path],
    structure: str,
    label: Any,
    raw_structure: str = RAW_STRUCTURE,
) -> None:
    """Parse `files` into `table` (filename, d, raw): each document shaped by `structure`, and
    by `raw_structure` (the messages' typed fields as raw JSON)."""
    con = ctx.con
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} (filename VARCHAR, "
        f"d {json_structure_type(con, structure)}, raw {json_structure_type(con, raw_structure)})"
    )
    insert_json_files(
        ctx,
        files,
        f"INSERT INTO {table} SELECT filename, json_transform(content, ?), "
        f"json_transform(content, '{raw_structure}') FROM read_text(?)",
        structure,
        label,
        progress="Google Chat files" if table == "_gc_docs" else None,
        top=("OBJECT",),
        lists=("messages",),
    )
    wrong = con.execute(f"SELECT filename FROM {table} WHERE d IS NULL LIMIT 1").fetchone()
    if wrong is not None:
        raise InvalidExport(f"{label(Path(wrong[0]))}: expected a JSON object")


def _stage(ctx: IngestContext, root: Path, folders: list[Path], label: Any) -> None:
    """Parse the conversations' messages and group_info files and the owner's user_info."""
    register_rows(
        ctx,
        "_gc_files",
        [
            {
                "file": str(folder / MESSAGES_FILE),
                "info": str(folder / GROUP_INFO_FILE),
                "folder": folder.name,
                "origin": label(folder / MESSAGES_FILE),
            }
            for folder in folders
        ],
        pa.schema(
            [
                ("file", pa.string()),
                ("info", pa.string()),
                ("folder", pa.string()),
                ("origin", pa.string()),
            ]
        ),
    )
    _read(ctx, "_gc_docs", [f / MESSAGES_FILE for f in folders], MESSAGES_STRUCTURE, label)
    infos = [f / GROUP_INFO_FILE for f in folders if (f / GROUP_INFO_FILE).is_file()]
    _read(ctx, "_gc_info", infos, GROUP_INFO_STRUCTURE, label)
    _read(ctx, "_gc_owner", _owner_files(root), USER_INFO_STRUCTURE, label)


def _timestamp_sql(value: str) -> str:
    """DuckDB SQL: the naive UTC time of a Takeout date (or an ISO 8601 one), NULL otherwise."""
    text = f"trim(replace(replace({value}, chr(8239), ' '), chr(160), ' '))"
    parts = f"regexp_extract({text}, $takeout_date, ['day', 'time', 'half'])"
    # A one-element list binds the parts once for the CASE (DuckDB has no LET).
    return f"""coalesce(
        list_transform([{parts}], lambda p: CASE
            WHEN p.half = '' THEN try_strptime(p.day || ' ' || p.time, '%B %-d, %Y %-H:%M:%S')
            ELSE try_strptime(p.day || ' ' || p.time || ' ' || upper(p.half),
                              '%B %-d, %Y %-I:%M:%S %p') END)[1],
        timezone('UTC', TRY_CAST(CASE WHEN regexp_matches({text}, '(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$')
                                      THEN {text} END AS TIMESTAMPTZ)))"""


def _check(ctx: IngestContext, report: SourceReport) -> None:
    """Flatten the messages into _gc_rows and count the records that fail."""
    con = ctx.con
    problem = problem_sql(ROW_PROBLEMS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _gc_rows AS
        SELECT *, {problem} AS problem
        FROM (
            SELECT f.folder, f.origin, r.ordinal, r.m, r.raw,
                   {_timestamp_sql("r.m.created_date")} AS sent_at
            FROM (SELECT filename, unnest(range(len(d.messages))) AS ordinal,
                         unnest(d.messages) AS m, unnest(raw.messages) AS raw
                  FROM _gc_docs WHERE len(d.messages) > 0) r
            JOIN _gc_files f ON f.file = r.filename
        )
        """,
        {"takeout_date": TAKEOUT_DATE},
    )
    con.execute("DROP TABLE _gc_docs")
    counted = con.execute("SELECT count(*) FROM _gc_rows").fetchone()
    report.records_read += int(counted[0]) if counted else 0
    report_problems(
        ctx,
        report,
        """SELECT problem, count(*),
                  list(origin || ' record ' || ordinal || ': ' || problem
                       ORDER BY origin, ordinal)[1:3]
           FROM _gc_rows WHERE problem IS NOT NULL
           GROUP BY problem ORDER BY min(origin), min(ordinal)""",
    )


def _person_ref(person: str) -> str:
    """DuckDB SQL: how a Takeout person (creator, member, mentioned user) is told apart."""
    return (
        f"coalesce('email:' || nullif(lower(trim({person}.email)), ''), "
        f"'googlechat-name:' || nullif(trim({person}.name), ''))"
    )


def _insert(ctx: IngestContext, path: Path) -> None:
    """Add the new people, conversations and messages of the checked rows (origin `path`)."""
    con = ctx.con
    secret = {"secret": ctx.secret}
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _gc_messages AS
        SELECT folder, origin, ordinal, sent_at, trim(m.message_id) AS message_id,
               coalesce(nullif(trim(m.topic_id), ''), trim(m.message_id)) AS topic,
               m.text AS body, {_person_ref("m.creator")} AS person_ref,
               nullif(trim(m.updated_date), '') IS NOT NULL AS edited,
               coalesce(list_sum(list_transform(coalesce(m.reactions, []),
                        lambda r: greatest(len(coalesce(r.reactor_emails, [])), 1))), 0)
                   AS reactions,
               list_filter(list_transform(coalesce(m.annotations, []),
                                          lambda a: a.user_mention_metadata),
                           lambda u: u IS NOT NULL) AS mentioned,
               list_filter(list_transform(coalesce(m.annotations, []),
                   lambda a: a.url_metadata.url.private_do_not_access_or_else_safe_url_wrapped_value),
                   lambda u: starts_with(u, 'http')) AS annotated_urls
        FROM _gc_rows WHERE problem IS NULL
        """
    )
    keyed = known_person_sql("everyone", "r.person_ref", "r.person_ref")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _gc_people AS
        WITH named AS (
            SELECT {_person_ref("m.creator")} AS person_ref, m.creator.name AS display_name,
                   m.creator.user_type AS user_type
            FROM _gc_rows WHERE problem IS NULL
            UNION ALL
            SELECT {_person_ref("p")}, p.name, p.user_type
            FROM (SELECT unnest(coalesce(d.members, [])) AS p FROM _gc_info)
            UNION ALL
            SELECT {_person_ref("d.user")}, d.user.name, d.user.user_type FROM _gc_owner
        ), everyone AS (
            SELECT person_ref, max(nullif(trim(display_name), '')) AS display_name,
                   bool_or(lower(coalesce(user_type, '')) = 'bot')
                       OR regexp_matches(lower(coalesce(max(display_name), '')), 'bot$') AS is_bot
            FROM named WHERE person_ref IS NOT NULL GROUP BY person_ref
        )
        {keyed}
        """,
        secret,
    )
    insert_people(ctx, "_gc_people", str(path), order="person_ref", tz="NULL::VARCHAR")
    insert_identities(
        ctx,
        "_gc_people",
        str(path),
        kind="googlechat user",
        other="NULL::VARCHAR",
        identity="person_ref",
        prefix_kinds={"googlechat-name:": "googlechat name"},
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _gc_conversations AS
        SELECT f.folder AS conversation_id,
               CASE WHEN starts_with(f.folder, $dm_prefix)
                         AND greatest(len(coalesce(i.d.members, [])), s.senders) > 2
                        THEN '{ConversationKind.GROUP_DM}'
                    WHEN starts_with(f.folder, $dm_prefix) THEN '{ConversationKind.DM}'
                    ELSE '{ConversationKind.PUBLIC_CHANNEL}' END AS kind,
               coalesce(nullif(trim(i.d.name), ''), f.folder) AS name,
               NULL::TIMESTAMP AS created
        FROM _gc_files f
        LEFT JOIN _gc_info i ON i.filename = f.info
        LEFT JOIN (SELECT folder, count(DISTINCT person_ref) AS senders
                   FROM _gc_messages GROUP BY folder) s USING (folder)
        """,
        {"dm_prefix": DM_PREFIX},
    )
    insert_conversations(ctx, "googlechat", "_gc_conversations", str(path))
    ctx.insert_new(
        "messages",
        f"""
        WITH keyed AS (
            SELECT *, md5('googlechat|' || folder || '|' || message_id) AS message_key
            FROM _gc_messages
        ), rooted AS (
            SELECT *, first_value(message_key) OVER (
                          PARTITION BY folder, topic ORDER BY sent_at, message_key) AS root_key
            FROM keyed
        ), shaped AS (
            SELECT
                k.message_key,
                md5('googlechat|' || k.folder) AS conversation_key,
                k.root_key AS thread_root_key,
                CASE WHEN k.root_key <> k.message_key THEN k.root_key END AS parent_key,
                p.person_key AS author_key,
                k.sent_at,
                k.root_key = k.message_key AS is_root,
                k.root_key <> k.message_key AS is_reply,
                CASE WHEN p.person_key IS NULL THEN '{MessageKind.SYSTEM}'
                     WHEN p.is_bot THEN '{MessageKind.BOT}' ELSE '{MessageKind.HUMAN}' END AS kind,
                NULL::VARCHAR AS subtype,
                {text_features_sql("k.body")},
                len(list_distinct(list_filter(
                    list_transform(k.mentioned, lambda u: {_person_ref("u.user")}),
                    lambda u: u IS NOT NULL AND u <> 'googlechat-name:all'))) AS mentions,
                len(list_filter(k.mentioned,
                                lambda u: lower(coalesce(u.user.name, '')) = 'all'
                                          OR contains(upper(coalesce(u.type, '')), 'ALL'))) > 0
                    OR coalesce(regexp_matches(k.body, '(^|\\s)@all\\b', 'i'), false)
                    AS broadcast,
                k.edited,
                k.reactions,
                CASE WHEN $keep THEN k.body END AS text,
                k.origin,
                list_distinct(regexp_extract_all(coalesce(k.body, ''), $url_pattern)
                              || k.annotated_urls) AS urls
            FROM rooted k
            LEFT JOIN _gc_people p USING (person_ref)
        )
        {links_from_urls_sql("shaped")}
        """,
        origin=None,
        features=True,
        params=feature_params(ctx),
    )
