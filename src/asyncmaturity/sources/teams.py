"""Microsoft Teams messages, as Microsoft Graph returns them, into the canonical tables.

Input: JSON files of Graph ``chatMessage`` objects, as ``/teams/{id}/channels/{id}/messages``
(optionally with ``$expand=replies``), ``.../messages/{id}/replies``, ``/chats/{id}/messages`` or
the ``getAllMessages`` exports return them: pages wrapped in ``{"value": [...]}`` (an
``@odata.nextLink`` is not followed: each page is a file of its own), a bare JSON array, or one message
object; a single file or a folder of them (read recursively). A page of Graph ``channel`` objects
(items with ``membershipType``) in the same folder names the channels and marks private ones.

Both spellings of the fields are read: Graph's camelCase (``id``, ``createdDateTime``,
``from.user``) and the PascalCase that Microsoft's PowerShell tooling writes
(``Get-MgTeamChannelMessage`` / ``Get-MgChatMessage`` piped to ``ConvertTo-Json``: ``Id``,
``CreatedDateTime``, ``From.User``, ``Body.Content``, ``ReplyToId``, ``MessageType``), detected
per file by its keys. Dates are ISO 8601 (a missing offset is UTC) or Windows PowerShell's
``/Date(epoch milliseconds)/``. A file written at ConvertTo-Json's default depth (2), where the
sender and body are type names, is refused with the fix (``-Depth 10``).

What is read and how:

- ``id``, ``replyToId`` (the thread root; nested ``replies`` belong to their parent),
  ``createdDateTime`` (UTC), ``lastEditedDateTime`` (edited), ``deletedDateTime`` (a deleted
  message has no content left: it is not stored, and the summary counts it), ``importance``
  (``high`` and ``urgent`` are kept as subtype 'importance:high' / 'importance:urgent'),
  ``messageType`` (``message`` is a person's message; ``systemEventMessage`` and every other type
  are system records, their type the subtype), ``reactions`` (counted).
- The sender: ``from.user`` is a person, keyed by the e-mail address when the export carries one
  (``email`` or an address-like ``userPrincipalName``), else by the AAD object id ('teams:<id>');
  ``from.application`` is a bot, as is (DESIGN's rule) a user whose display name ends in "bot".
- The conversation: ``channelIdentity.channelId`` is a channel (public unless a channel listing
  says its ``membershipType`` is ``private``; named by the listing, else by its id), else
  ``chatId`` is a chat; a message with neither is in the channel or chat its page's
  ``@odata.context`` names (or, in a page without one, the path of its ``@odata.nextLink``:
  ``/channels/<id>/messages``). A chat whose id ends in
  ``@unq.gbl.spaces`` is a one-on-one chat (a DM); ``19:meeting_...`` and ``...@thread.v2`` chats
  are group DMs; any other chat is a DM when exactly two people post in it, else a group DM.
- The HTML body is stripped of tags for the text features; its links are the http(s) ``href``
  targets. ``mentions[]`` count the distinct people and apps mentioned (Teams splits one mention
  of "Ana Lima" into two entries with the same user); a mention of a channel, team or tag is a
  broadcast.

Left out: attachments, hosted contents, message history, policy violations, event details.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.common import (
    UNREADABLE_ENTRY,
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
    HTML_PARAMS,
    body_text_sql,
    body_urls_sql,
    feature_params,
    links_from_urls_sql,
    text_features_sql,
)
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import (
    ARRAY,
    ID_KINDS,
    OBJECT,
    STRING,
    WRONG_TYPE,
    bad_id,
    epoch_ms_sql,
    implausible_time,
    raw_fields_structure,
    wrong_types,
)
from asyncmaturity.vocabulary import ConversationKind, MessageKind, Visibility

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

PEEK_BYTES = 256 << 10
DETECT_FILES = 20
NOT_TEAMS = ("channels.json", "users.json", "org_users.json", "realm.json", "stream_index.json")

_MESSAGE: dict[str, Any] = {
    "id": "VARCHAR",
    "replyToId": "VARCHAR",
    "messageType": "VARCHAR",
    "createdDateTime": "VARCHAR",
    "lastEditedDateTime": "VARCHAR",
    "deletedDateTime": "VARCHAR",
    "importance": "VARCHAR",
    "chatId": "VARCHAR",
    "displayName": "VARCHAR",
    "membershipType": "VARCHAR",
    "channelIdentity": {"teamId": "VARCHAR", "channelId": "VARCHAR"},
    "from": {
        "user": {
            "id": "VARCHAR",
            "displayName": "VARCHAR",
            "email": "VARCHAR",
            "userPrincipalName": "VARCHAR",
        },
        "application": {"id": "VARCHAR", "displayName": "VARCHAR"},
    },
    "body": {"contentType": "VARCHAR", "content": "VARCHAR"},
    "mentions": [
        {
            "mentioned": {
                "user": {"id": "VARCHAR"},
                "application": {"id": "VARCHAR"},
                "conversation": {"id": "VARCHAR"},
                "tag": {"id": "VARCHAR"},
            }
        }
    ],
    "reactions": "JSON",
}
ITEMS_STRUCTURE = json.dumps([_MESSAGE | {"replies": [_MESSAGE]}])
# The fields a message is read by, with the JSON types Graph gives them. One of another type is
# a record that cannot be read (a `deletedDateTime` of [] is no deletion, a `from` string no
# system message, `replies` an object no replies), skipped and counted with the field's name.
TYPED_FIELDS = {
    "id": ID_KINDS,
    "replyToId": ID_KINDS,
    "messageType": (STRING,),
    "createdDateTime": (STRING,),
    "deletedDateTime": (STRING,),
    "chatId": (STRING,),
    "channelIdentity": (OBJECT,),
    "from": (OBJECT,),
    "body": (OBJECT,),
}
# Replies nested under a message are not the message: `replies` of another type than an array is
# read as no replies (unknown) and counted, the message kept.
REPLIES = {"replies": (ARRAY,)}
# Each item's typed fields as raw JSON, aligned with ITEMS_STRUCTURE's list; a reply's are read
# from its item's raw `replies` with RAW_LIST.
RAW_LIST = json.dumps([raw_fields_structure(TYPED_FIELDS | REPLIES)])


def _keys(structure: Any) -> set[str]:
    """Every object key named anywhere in a json_transform structure."""
    if isinstance(structure, dict):
        return set(structure).union(*(_keys(value) for value in structure.values()))
    if isinstance(structure, list):
        return set().union(*(_keys(value) for value in structure))
    return set()


def _camel_keys_sql(text: str) -> str:
    """SQL turning the PascalCase keys of the JSON `text` into the camelCase ones Graph writes.

    Microsoft's PowerShell tooling (``Get-MgTeamChannelMessage ... | ConvertTo-Json``) writes the
    Graph fields in PascalCase. The keys are renamed in the text, one pass per first letter, so
    that one structure reads both spellings (DuckDB cannot mix struct types whose names differ
    only in case). A quote inside a JSON string is escaped, so no value is taken for a key.
    """
    for letter in sorted({key[0].upper() for key in _keys(json.loads(ITEMS_STRUCTURE))}):
        text = (
            f"regexp_replace({text}, '\"{letter}([A-Za-z]*\"\\s*:)', '\"{letter.lower()}\\1', 'g')"
        )
    return text


PASCAL_MARK = r'"(?:CreatedDateTime|MessageType)"\s*:'
# ConvertTo-Json stops at depth 2 unless told otherwise and writes deeper objects as their type
# name: '"from": "Microsoft.Graph.PowerShell.Models.MicrosoftGraphChatMessageFromIdentitySet"'.
SHALLOW_MARK = r'"(?:from|body)"\s*:\s*"Microsoft\.Graph\.'
# The columns every message row is flattened to, top-level item or nested reply alike.
_COLUMNS = """
    {m}.id AS id, {m}.replyToId AS reply_to, {m}.messageType AS message_type,
    {m}.createdDateTime AS created, {m}.lastEditedDateTime AS edited_at,
    {m}.deletedDateTime AS deleted_at, {m}.importance AS importance, {m}.chatId AS chat_id,
    {m}.channelIdentity.channelId AS channel_id, {m}.displayName AS display_name,
    {m}.membershipType AS membership_type,
    {m}."from"."user".id AS user_id, {m}."from"."user".displayName AS user_name,
    coalesce(nullif(trim({m}."from"."user".email), ''),
             CASE WHEN contains({m}."from"."user".userPrincipalName, '@')
                  THEN {m}."from"."user".userPrincipalName END) AS user_email,
    {m}."from".application.id AS app_id, {m}."from".application.displayName AS app_name,
    {m}.body.contentType AS content_type, {m}.body.content AS content,
    {m}.mentions AS mentions, {m}.reactions AS reactions
"""
ROW_PROBLEMS = (
    ("record is not a chatMessage object", "NOT is_object"),
    ("message without an id", "nullif(trim(id), '') IS NULL"),
    bad_id("id"),
    *wrong_types(TYPED_FIELDS, lambda field: f'raw."{field}"'),
    ("createdDateTime is not a date", "sent_at IS NULL"),
    ("deletedDateTime is not a date", "deleted_at IS NOT NULL AND deleted_time IS NULL"),
    implausible_time("sent_at"),
    ("message without channelIdentity or chatId", "conversation_id IS NULL"),
)


class TeamsSource:
    """Microsoft Teams chatMessage JSON (Graph API pages): a file or a folder of files."""

    name = "teams"
    family = SourceFamily.CHAT
    summary = (
        "Microsoft Teams channel and chat messages as Microsoft Graph returns them (JSON), "
        "camelCase or PowerShell's PascalCase"
    )
    parser_version = "teams/2"
    accepts = (
        'a JSON file of Graph chatMessage objects ({"value": [...]} pages, an array, or one '
        "message; Graph's camelCase keys or PowerShell ConvertTo-Json's PascalCase) or a folder "
        "of such files, with replies nested or separate"
    )

    real_samples = (
        "pnp/cli-microsoft365@db0361d8aa847e34d1fce4a69f455b3b934c7f42:"
        "src/m365/teams/commands/message/message-list.spec.ts",
        "pnp/cli-microsoft365@db0361d8aa847e34d1fce4a69f455b3b934c7f42:"
        "src/m365/teams/commands/message/message-reply-list.spec.ts",
        (
            "none found: for the PascalCase shape that PowerShell's ConvertTo-Json writes "
            "(Get-MgTeamChannelMessage), public scripts write it (pnp/cli-microsoft365 samples, "
            "yoshihiro-matsumoto/TeamsMessageExtract) but keep no output; no file in Windows "
            "PowerShell's two-space layout holds Teams keys (ReplyToId, MessageType, "
            "UserIdentityType), the SDK-serialised messages found (odataType, backingStore) are "
            "camelCase bot-test payloads, microsoftgraph/msgraph-sdk-powershell documents the "
            "cmdlets' parameters only, and eDiscovery exports Teams messages as PST or HTML, not "
            "JSON; it is tested on tests/fixtures/teams/powershell_pascalcase_export.json"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A .json file, or a folder of them, whose first records are Graph chatMessages."""
        try:
            if path.is_file():
                return path.suffix.lower() == ".json" and _looks_like_teams(path)
            if path.is_dir():
                if any((path / name).is_file() for name in NOT_TEAMS):
                    return False
                return any(_looks_like_teams(f) for f in _json_files(path, limit=DETECT_FILES))
        except OSError:
            return False
        return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the messages at `path` and add the new ones to the store."""
        report = SourceReport()
        unreadable: list[str] = []
        files = [path] if path.is_file() else _json_files(path, unreadable=unreadable)
        report.records_read += len(unreadable)
        report.skip(UNREADABLE_ENTRY, len(unreadable), unreadable)
        if not files:
            raise InvalidExport(f"{path}: no .json files of Microsoft Teams messages")
        register_rows(
            ctx,
            "_teams_files",
            [{"file": str(f), "origin": str(f)} for f in files],
            pa.schema([("file", pa.string()), ("origin", pa.string())]),
        )
        _stage(ctx, files)
        _check(ctx, report)
        _insert(ctx, path)
        row = ctx.con.execute(
            """SELECT count(DISTINCT (conversation_id, id))
                          FILTER (WHERE problem IS NULL AND deleted_at IS NULL),
                      count(DISTINCT conversation_id) FILTER (WHERE problem IS NULL AND is_channel),
                      count(DISTINCT conversation_id) FILTER (WHERE problem IS NULL
                                                              AND NOT is_channel),
                      count(*) FILTER (WHERE problem IS NULL AND deleted_at IS NOT NULL)
               FROM _teams_rows WHERE NOT is_listing"""
        ).fetchone()
        messages, channels, chats, deleted = row if row else (0, 0, 0, 0)
        # Channel messages and chats are separate Graph exports: chats are seen when some are in.
        report.sees = {
            Visibility.DIRECT_MESSAGES: bool(chats),
            Visibility.GROUP_MESSAGES: bool(chats),
        }
        report.detected = (
            f"Microsoft Teams (Graph JSON): {len(files)} file(s), {messages} messages in "
            f"{channels} channels and {chats} chats"
            + (f"; {deleted} deleted messages left out (no content)" if deleted else "")
        )
        for table in ("_teams_files", "_teams_rows", "_teams_messages", "_teams_people"):
            ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
        return report


def _json_files(
    root: Path, limit: int | None = None, unreadable: list[str] | None = None
) -> list[Path]:
    """The .json files under `root` (hidden folders skipped), sorted, at most `limit` of them."""
    return sorted(walk_files(root, (".json",), limit, unreadable))


def _looks_like_teams(file: Path) -> bool:
    """Graph chatMessage fields in the file's first bytes, camelCase or PowerShell's PascalCase."""
    with file.open("rb") as fh:
        peek = fh.read(PEEK_BYTES)
    return any(
        b'"' + kind + b'"' in peek and b'"' + created + b'"' in peek
        for kind, created in (
            (b"messageType", b"createdDateTime"),
            (b"MessageType", b"CreatedDateTime"),
        )
    )


def _stage(ctx: IngestContext, files: list[Path]) -> None:
    """Parse the files in size-bounded batches into _teams_items (one row per page item)."""
    con = ctx.con
    kind = con.execute("SELECT typeof(json_transform('null', ?))", [ITEMS_STRUCTURE]).fetchone()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _teams_docs (filename VARCHAR, context VARCHAR, "
        f"shape VARCHAR, shallow BOOLEAN, items {kind[0] if kind else 'JSON'}, "
        f"raws {json_structure_type(con, RAW_LIST)})"
    )
    insert_json_files(
        ctx,
        files,
        f"""
        INSERT INTO _teams_docs
        SELECT filename,
               coalesce(json_extract_string(content, '$."@odata.context"'),
                        json_extract_string(content, '$."@odata.nextLink"')), shape,
               regexp_matches(content, '{SHALLOW_MARK}'), json_transform(items, ?),
               json_transform(items, '{RAW_LIST}')
        FROM (SELECT filename, content, shape,
                     CASE shape WHEN 'ARRAY' THEN content
                                WHEN 'PAGE' THEN json_extract(content, '$.value')
                                WHEN 'MESSAGE' THEN '[' || content || ']' END AS items
              FROM (SELECT filename, content,
                           CASE WHEN json_type(content) = 'ARRAY' THEN 'ARRAY'
                                WHEN json_type(content) <> 'OBJECT' THEN NULL
                                WHEN json_type(content, '$.value') = 'ARRAY' THEN 'PAGE'
                                WHEN json_exists(content, '$.id') THEN 'MESSAGE' END AS shape
                    FROM (SELECT filename,
                                 CASE WHEN regexp_matches(content, '{PASCAL_MARK}')
                                      THEN {_camel_keys_sql("content")} ELSE content END AS content
                          FROM read_text(?))))
        """,
        ITEMS_STRUCTURE,
        str,
        progress="Teams files",
        lists=("value",),
    )
    wrong = con.execute("SELECT filename FROM _teams_docs WHERE shape IS NULL LIMIT 1").fetchone()
    if wrong is not None:
        raise InvalidExport(
            f'{wrong[0]}: expected a Graph page {{"value": [...]}}, an array of chatMessage '
            "objects or one chatMessage object"
        )
    shallow = con.execute("SELECT filename FROM _teams_docs WHERE shallow LIMIT 1").fetchone()
    if shallow is not None:
        raise InvalidExport(
            f"{shallow[0]}: written by ConvertTo-Json at its default depth (2): the sender and "
            "body are type names, not objects; export again with ConvertTo-Json -Depth 10"
        )


def _graph_time_sql(text: str) -> str:
    """SQL reading the Graph date `text` (ISO 8601, no offset meaning UTC) as a naive UTC time."""
    return f"""CASE WHEN regexp_matches(trim({text}), '^/Date\\(-?[0-9]+\\)/$')
                   -- Windows PowerShell's ConvertTo-Json writes dates as /Date(epoch ms)/.
                   THEN {epoch_ms_sql(f"regexp_extract(trim({text}), '(-?[0-9]+)', 1)")}
                   ELSE timezone('UTC', TRY_CAST(
                       CASE WHEN regexp_matches(trim({text}), '(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$')
                            THEN trim({text}) ELSE trim({text}) || 'Z' END AS TIMESTAMPTZ))
               END"""


def _check(ctx: IngestContext, report: SourceReport) -> None:
    """Flatten items and nested replies into _teams_rows and count the records that fail."""
    con = ctx.con
    # The page's @odata.context names the conversation as channels('<id>'); a page without one
    # may still carry an @odata.nextLink, which names it as a path segment (/channels/<id>/).
    context_id = (
        "url_decode(nullif(coalesce(nullif(regexp_extract(context, '{what}\\(''([^'']+)''\\)', 1), ''), "
        "regexp_extract(context, '/{what}/([^/?]+)/messages', 1)), ''))"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _teams_flat AS
        WITH items AS (
            SELECT filename, context, unnest(range(len(items))) AS ordinal, unnest(items) AS m,
                   unnest(raws) AS raw
            FROM _teams_docs
        )
        SELECT filename, ordinal, NULL::BIGINT AS reply_no, m IS NOT NULL AS is_object, raw,
               NULL::VARCHAR AS parent_id, NULL::VARCHAR AS parent_channel,
               NULL::VARCHAR AS parent_chat,
               {context_id.format(what="channels")} AS context_channel,
               {context_id.format(what="chats")} AS context_chat,
               {_COLUMNS.format(m="m")}
        FROM items
        UNION ALL
        SELECT filename, ordinal, i + 1, r IS NOT NULL,
               json_transform(raw.replies, '{RAW_LIST}')[i + 1],
               m.id, m.channelIdentity.channelId,
               m.chatId, {context_id.format(what="channels")}, {context_id.format(what="chats")},
               {_COLUMNS.format(m="r")}
        FROM (SELECT filename, context, ordinal, m, raw, unnest(range(len(m.replies))) AS i,
                     unnest(m.replies) AS r
              FROM items WHERE len(m.replies) > 0)
        """
    )
    con.execute("DROP TABLE _teams_docs")
    problem = problem_sql(ROW_PROBLEMS)
    ((_, wrong_replies),) = wrong_types(REPLIES, lambda field: f'raw."{field}"')
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _teams_rows AS
        SELECT *, {problem} AS problem
        FROM (
            SELECT *,
                   membership_type IS NOT NULL AND message_type IS NULL AS is_listing,
                   coalesce(channel_id, parent_channel, context_channel) IS NOT NULL
                       AS is_channel,
                   coalesce(channel_id, parent_channel, context_channel, chat_id, parent_chat,
                            context_chat) AS conversation_id,
                   {_graph_time_sql("created")} AS sent_at,
                   {_graph_time_sql("deleted_at")} AS deleted_time,
                   coalesce(reply_to, parent_id) AS root_id
            FROM _teams_flat
        )
        """
    )
    con.execute("DROP TABLE _teams_flat")
    counted = con.execute("SELECT count(*) FROM _teams_rows WHERE NOT is_listing").fetchone()
    report.records_read += int(counted[0]) if counted else 0
    report_problems(
        ctx,
        report,
        f"""SELECT problem, count(*),
                  list(f.origin || ' record ' || r.ordinal
                       || CASE WHEN r.reply_no IS NOT NULL THEN ' reply ' || r.reply_no ELSE '' END
                       || ': ' || problem ORDER BY f.origin, r.ordinal, r.reply_no)[1:3]
           FROM (SELECT * REPLACE (CASE WHEN problem IS NULL AND reply_no IS NULL
                                             AND {wrong_replies} THEN '{WRONG_TYPE}'
                                        ELSE problem END AS problem)
                 FROM _teams_rows) r
           JOIN _teams_files f ON f.file = r.filename
           WHERE problem IS NOT NULL AND NOT is_listing
           GROUP BY problem ORDER BY min(f.origin), min(r.ordinal)""",
    )


def _insert(ctx: IngestContext, path: Path) -> None:
    con = ctx.con
    secret = {"secret": ctx.secret}
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _teams_messages AS
           SELECT *, md5('teams|' || conversation_id || '|' || trim(id)) AS message_key,
                  CASE WHEN user_id IS NOT NULL THEN 'user:' || user_id
                       WHEN app_id IS NOT NULL THEN 'app:' || app_id END AS author_ref
           FROM _teams_rows
           WHERE problem IS NULL AND NOT is_listing AND deleted_at IS NULL"""
    )
    keyed = known_person_sql(
        "(SELECT * FROM senders UNION ALL SELECT * FROM apps)",
        "r.identity",
        "coalesce(r.teams_identity, r.identity)",
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _teams_people AS
        WITH senders AS (
            SELECT DISTINCT ON (user_id) 'user:' || user_id AS author_ref,
                   coalesce('email:' || lower(trim(user_email)), 'teams:' || user_id) AS identity,
                   'teams:' || user_id AS teams_identity, user_name AS display_name,
                   regexp_matches(lower(coalesce(user_name, '')), 'bot$') AS is_bot
            FROM _teams_messages WHERE user_id IS NOT NULL
            ORDER BY user_id, user_email NULLS LAST, user_name NULLS LAST
        ), apps AS (
            SELECT DISTINCT ON (app_id) 'app:' || app_id, 'teams-app:' || app_id, NULL,
                   app_name, true
            FROM _teams_messages WHERE user_id IS NULL AND app_id IS NOT NULL
            ORDER BY app_id, app_name NULLS LAST
        )
        {keyed}
        """,
        secret,
    )
    insert_people(ctx, "_teams_people", str(path), order="author_ref", tz="NULL::VARCHAR")
    insert_identities(
        ctx,
        "_teams_people",
        str(path),
        kind="teams user",
        other="teams_identity",
        prefix_kinds={"teams-app:": "teams app"},
    )
    ctx.insert_new(
        "conversations",
        f"""
        WITH listed AS (
            SELECT DISTINCT ON (id) id, display_name, membership_type
            FROM _teams_rows WHERE is_listing AND id IS NOT NULL
            ORDER BY id, display_name NULLS LAST
        ), used AS (
            SELECT conversation_id, bool_or(is_channel) AS is_channel,
                   count(DISTINCT user_id) AS people
            FROM _teams_messages GROUP BY conversation_id
        )
        SELECT md5('teams|' || u.conversation_id) AS conversation_key,
               CASE
                   WHEN u.is_channel AND lower(l.membership_type) = 'private'
                       THEN '{ConversationKind.PRIVATE_CHANNEL}'
                   WHEN u.is_channel THEN '{ConversationKind.PUBLIC_CHANNEL}'
                   WHEN u.conversation_id LIKE '%@unq.gbl.spaces' THEN '{ConversationKind.DM}'
                   WHEN u.conversation_id LIKE '19:meeting\\_%' ESCAPE '\\'
                        OR u.conversation_id LIKE '%@thread.v2'
                        OR u.conversation_id LIKE '%@thread.skype' THEN '{ConversationKind.GROUP_DM}'
                   WHEN u.people = 2 THEN '{ConversationKind.DM}'
                   ELSE '{ConversationKind.GROUP_DM}'
               END AS kind,
               CASE WHEN u.is_channel THEN coalesce(l.display_name, u.conversation_id) END
                   AS name,
               NULL::TIMESTAMP AS created
        FROM used u LEFT JOIN listed l ON l.id = u.conversation_id
        """,
        origin=str(path),
    )
    is_html = "lower(coalesce(k.content_type, 'html')) = 'html'"
    ctx.insert_new(
        "messages",
        f"""
        WITH shaped AS (
            SELECT
                k.message_key,
                md5('teams|' || k.conversation_id) AS conversation_key,
                md5('teams|' || k.conversation_id || '|' || trim(coalesce(k.root_id, k.id)))
                    AS thread_root_key,
                CASE WHEN k.is_reply
                     THEN md5('teams|' || k.conversation_id || '|' || trim(k.root_id)) END
                    AS parent_key,
                p.person_key AS author_key,
                k.sent_at,
                NOT k.is_reply AS is_root,
                k.is_reply,
                CASE
                    WHEN coalesce(k.message_type, 'message') <> 'message' THEN '{MessageKind.SYSTEM}'
                    WHEN coalesce(p.is_bot, false) THEN '{MessageKind.BOT}'
                    WHEN p.person_key IS NULL THEN '{MessageKind.SYSTEM}'
                    ELSE '{MessageKind.HUMAN}'
                END AS kind,
                CASE
                    WHEN coalesce(k.message_type, 'message') <> 'message' THEN k.message_type
                    WHEN lower(k.importance) IN ('high', 'urgent')
                        THEN 'importance:' || lower(k.importance)
                END AS subtype,
                {text_features_sql("k.plain")},
                len(list_distinct(list_filter(
                    list_transform(coalesce(k.mentions, []),
                                   lambda x: coalesce(x.mentioned."user".id,
                                                      x.mentioned.application.id)),
                    lambda x: x IS NOT NULL))) AS mentions,
                len(list_filter(coalesce(k.mentions, []),
                                lambda x: x.mentioned.conversation IS NOT NULL
                                          OR x.mentioned.tag IS NOT NULL)) > 0 AS broadcast,
                k.edited_at IS NOT NULL AS edited,
                coalesce(json_array_length(k.reactions), 0) AS reactions,
                CASE WHEN $keep THEN k.plain END AS text,
                f.origin,
                k.urls
            FROM (
                SELECT k.*,
                       root_id IS NOT NULL AND trim(root_id) <> trim(id) AS is_reply,
                       {body_text_sql("k.content", is_html)} AS plain,
                       {body_urls_sql("k.content", is_html)} AS urls
                FROM _teams_messages k
            ) k
            LEFT JOIN _teams_people p USING (author_ref)
            JOIN _teams_files f ON f.file = k.filename
        )
        {links_from_urls_sql("shaped")}
        """,
        origin=None,
        features=True,
        params={**feature_params(ctx), **HTML_PARAMS},
    )
