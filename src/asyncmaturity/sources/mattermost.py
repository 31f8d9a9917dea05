"""Mattermost bulk exports (JSONL, plain or zipped with attachments) into the canonical tables.

A bulk export (``mmctl export create``, or ``mattermost export bulk`` before v6) is one JSON object
per line: a version object first, then scheme, emoji, team, channel, user, bot, post,
direct_channel and direct_post objects. Python only splits the file into lines (streaming, also
straight out of a zip, so attachments are never extracted); DuckDB parses the JSON of each batch of
lines in parallel, and everything after that is set-based SQL.

What is read and how:

- ``post`` (team channel) and ``direct_post`` (direct and group messages), each with its
  ``replies[]``. The export carries no post ids, so a post is keyed by its conversation, its
  ``create_at`` (epoch ms) and its author, which is how Mattermost's own importer tells posts apart.
  A post with replies is a thread root; every reply is a reply in that thread.
- ``channel`` type ``O`` is a public channel, ``P`` a private one; a channel named by posts but not
  listed is taken as public. ``direct_post.channel_members`` (and ``direct_channel.members`` or
  ``participants``): two distinct members (or one, a note to self) make a DM, more a group DM.
- ``user``: username, e-mail (the person key, so people link across sources), names, roles.
  Bots are ``bot`` objects, users flagged ``is_bot`` or with a ``system_bot`` role, and (DESIGN's
  rule) anyone whose display name or username ends in "bot". Posts flagged ``from_webhook``,
  ``from_bot`` or ``from_plugin`` in their props are bot records too. Post types other than none
  and ``me`` (``system_*`` joins, header changes...) are system records.
- Mentions are ``@username`` tokens naming a user of the export; ``@here``, ``@channel`` and
  ``@all`` are broadcasts. Reactions are counted, ``edit_at`` marks an edit.

Left out: attachments, flags, pins, preferences, schemes, teams and emoji (nothing to measure).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyarrow as pa

from asyncmaturity.errors import AsyncMaturityError, InvalidExport
from asyncmaturity.sources.common import (
    insert_conversations,
    insert_identities,
    insert_people,
    known_person_sql,
    problem_sql,
    report_problems,
)
from asyncmaturity.sources.features import feature_params, text_features_sql
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import (
    ARRAY,
    IMPLAUSIBLE_TIME,
    MAX_TOTAL_BYTES,
    STRING,
    ZIP_READ_ERRORS,
    epoch_ms_sql,
    implausible_sql,
    implausible_time,
    open_zip,
    oversized_member,
    raw_fields_structure,
    wrong_types,
    zip_read_error,
)
from asyncmaturity.vocabulary import ConversationKind, MessageKind, Visibility

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

LINES_PER_BATCH = 20_000
BYTES_PER_BATCH = 32 << 20
PEEK_BYTES = 64 << 10
JSONL_SUFFIXES = (".jsonl", ".ndjson")
STAGING_TABLES = (
    "_mm_bad",
    "_mm_users",
    "_mm_bots",
    "_mm_channels",
    "_mm_direct_channels",
    "_mm_msgs",
    "_mm_people",
    "_mm_keyed",
    "_mm_mentions",
)

_REPLY = {
    "user": "VARCHAR",
    "type": "VARCHAR",
    "message": "VARCHAR",
    "create_at": "BIGINT",
    "edit_at": "BIGINT",
    "props": "JSON",
    "reactions": "JSON",
}
POST_STRUCTURE = json.dumps(
    {"team": "VARCHAR", "channel": "VARCHAR", "channel_members": ["VARCHAR"]}
    | _REPLY
    | {"replies": [_REPLY]}
)
USER_STRUCTURE = json.dumps(
    {
        "username": "VARCHAR",
        "email": "VARCHAR",
        "first_name": "VARCHAR",
        "last_name": "VARCHAR",
        "nickname": "VARCHAR",
        "roles": "VARCHAR",
        "is_bot": "BOOLEAN",
    }
)
BOT_STRUCTURE = json.dumps({"username": "VARCHAR", "display_name": "VARCHAR"})
CHANNEL_STRUCTURE = json.dumps(
    {"team": "VARCHAR", "name": "VARCHAR", "display_name": "VARCHAR", "type": "VARCHAR"}
)
DIRECT_CHANNEL_STRUCTURE = json.dumps(
    {"members": ["VARCHAR"], "participants": [{"username": "VARCHAR"}]}
)
# A username as Mattermost allows it, after an '@' that does not follow a word or an address.
MENTION_PATTERN = r"(?:^|[^a-z0-9_@.-])@([a-z0-9][a-z0-9._-]*)"
BROADCAST_PATTERN = r"(?:^|[^a-z0-9_@.-])@(here|channel|all)\b"
# The fields a post and a reply are read by: one of another JSON type (a `user` object, `replies`
# that is no array) would be read as its JSON text or as nothing, so the record is skipped,
# naming the field. `create_at` has checks of its own (no valid create_at, implausible).
POST_TYPED = {
    "team": (STRING,),
    "channel": (STRING,),
    "user": (STRING,),
    "type": (STRING,),
    "message": (STRING,),
    "channel_members": (ARRAY,),
    "replies": (ARRAY,),
}
REPLY_TYPED = {key: POST_TYPED[key] for key in ("user", "type", "message")}
RAW_POST = json.dumps(raw_fields_structure(POST_TYPED))
RAW_REPLIES = json.dumps([raw_fields_structure(REPLY_TYPED)])
# Every message row is checked in this order; the first problem found is its skip reason.
ROOT_PROBLEMS = (
    ("post line without a post object", "p IS NULL"),
    *wrong_types(POST_TYPED, lambda field: f'raw."{field}"'),
    (
        "post without team or channel",
        "line_type = 'post' AND (nullif(trim(p.team), '') IS NULL "
        "OR nullif(trim(p.channel), '') IS NULL)",
    ),
    (
        "direct post without channel_members",
        "line_type = 'direct_post' AND len(list_filter(coalesce(p.channel_members, []), "
        "lambda u: nullif(trim(u), '') IS NOT NULL)) = 0",
    ),
    ("post without a valid create_at", "p.create_at IS NULL OR p.create_at <= 0"),
    implausible_time(epoch_ms_sql("p.create_at"), "p.create_at"),
)

REPLY_IMPLAUSIBLE = implausible_sql(epoch_ms_sql("r.create_at"), "r.create_at")


@dataclass(frozen=True)
class JsonlFile:
    """One JSONL file of the export: on disk, or a member of a zip archive."""

    path: Path
    member: str | None
    label: str
    size: int


class MattermostSource:
    """Mattermost bulk export: a .jsonl file, its folder, or the export .zip."""

    name = "mattermost"
    family = SourceFamily.CHAT
    summary = "Mattermost bulk export (mmctl export), JSONL, zipped with attachments or plain"
    parser_version = "mattermost/1"
    accepts = (
        "a bulk-export .jsonl file whose first line is a version object, a folder holding one, "
        "or the export .zip (attachments are not extracted)"
    )

    real_samples = (
        (
            "zulip/zulip@02c92e55a2c2f24e18b8d7d5a1a261404ea9e7cb:"
            "zerver/tests/fixtures/mattermost_fixtures/export.json"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A JSONL file (or a zip or folder holding one) whose first line is a version object."""
        try:
            return bool(_export_files(path, peek_only=True))
        except (OSError, ValueError, zipfile.BadZipFile, AsyncMaturityError):
            return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the export at `path` and add its new records to the store."""
        # A bulk export holds direct and group channels and private channels with the rest.
        report = SourceReport(
            sees={
                Visibility.DIRECT_MESSAGES: True,
                Visibility.GROUP_MESSAGES: True,
                Visibility.PRIVATE_CHANNELS: True,
            }
        )
        try:
            files = _export_files(path, peek_only=False)
        except ZIP_READ_ERRORS as exc:
            raise zip_read_error(path, exc) from None
        if not files:
            raise InvalidExport(
                f"{path}: not a Mattermost bulk export: no JSONL file whose first line is a "
                '{"type": "version"} object'
            )
        _create_staging(ctx)
        for file in files:
            report.records_read += _stage_file(ctx, file)
        _count_problems(ctx, report)
        counts = ctx.con.execute(
            "SELECT (SELECT count(*) FROM _mm_users), (SELECT count(*) FROM _mm_channels), "
            "(SELECT count(*) FROM _mm_msgs WHERE problem IS NULL)"
        ).fetchone()
        users, channels, messages = counts if counts else (0, 0, 0)
        report.detected = (
            f"Mattermost bulk export: {len(files)} JSONL file(s), {users} users, "
            f"{channels} channels, {messages} posts and replies"
        )
        _insert(ctx, path)
        for table in STAGING_TABLES:
            ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
        return report


def _export_files(path: Path, *, peek_only: bool) -> list[JsonlFile]:
    """The export's JSONL files (each starting with a version line), from a file, zip or folder."""
    if path.is_file() and path.suffix.lower() == ".zip":
        # Detection only peeks; an ingest checks the whole archive first (zip bombs, slips).
        with zipfile.ZipFile(path) if peek_only else open_zip(path) as zf:
            members = sorted(
                info.filename
                for info in zf.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith(JSONL_SUFFIXES)
                and not info.filename.startswith("__MACOSX")
            )
            found = []
            for member in members:
                with zf.open(member) as fh:
                    if _starts_with_version(fh):
                        found.append(
                            JsonlFile(
                                path, member, f"{path}!{member}", zf.getinfo(member).file_size
                            )
                        )
                        if peek_only:
                            break
            return found
    if path.is_file():
        with path.open("rb") as fh:
            if _starts_with_version(fh):
                return [JsonlFile(path, None, str(path), path.stat().st_size)]
            return []
    if path.is_dir():
        found = []
        for candidate in sorted(path.iterdir()):
            if candidate.is_file() and candidate.name.lower().endswith(JSONL_SUFFIXES):
                with candidate.open("rb") as fh:
                    if _starts_with_version(fh):
                        found.append(
                            JsonlFile(candidate, None, str(candidate), candidate.stat().st_size)
                        )
                        if peek_only:
                            break
        return found
    return []


def _starts_with_version(fh: IO[bytes]) -> bool:
    """True when the first non-blank line is a {"type": "version"} object (reads one line)."""
    for _ in range(5):
        line = fh.readline(PEEK_BYTES)
        if not line:
            return False
        if line.strip():
            try:
                first = json.loads(line)
            except (ValueError, RecursionError):
                return False
            return isinstance(first, dict) and first.get("type") == "version"
    return False


def _read_lines(file: JsonlFile) -> Iterator[tuple[int, bytes, int]]:
    """Yield (line number, raw line, bytes so far) of one JSONL file, streaming.

    A zip member is decompressed as it is read, never beyond its declared size or the limits of
    :mod:`asyncmaturity.sources.archive`.
    """
    with ExitStack() as stack:
        limit: int | None = None
        if file.member is None:
            fh: IO[bytes] = stack.enter_context(file.path.open("rb"))
        else:
            # The whole archive was checked when its files were listed (_export_files).
            zf = stack.enter_context(zipfile.ZipFile(file.path))
            info = zf.getinfo(file.member)
            fh = stack.enter_context(zf.open(info))
            limit = min(info.file_size, MAX_TOTAL_BYTES)
        read = 0
        for number, line in enumerate(fh, start=1):
            read += len(line)
            # Declared sizes can lie; count what actually comes out.
            if limit is not None and read > limit:
                raise oversized_member(file.path, file.member or "")
            yield number, line, read


def _create_staging(ctx: IngestContext) -> None:
    con = ctx.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _mm_bad (origin VARCHAR, line_no BIGINT, reason VARCHAR)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _mm_users (username VARCHAR, email VARCHAR, "
        "first_name VARCHAR, last_name VARCHAR, nickname VARCHAR, roles VARCHAR, is_bot BOOLEAN)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _mm_bots (username VARCHAR, display_name VARCHAR)")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _mm_channels (team VARCHAR, name VARCHAR, "
        "display_name VARCHAR, type VARCHAR)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _mm_direct_channels (members VARCHAR[])")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _mm_msgs (
            origin VARCHAR, line_no BIGINT, reply_no BIGINT, line_type VARCHAR, team VARCHAR,
            channel VARCHAR, members VARCHAR[], "user" VARCHAR, post_type VARCHAR,
            message VARCHAR, create_at BIGINT, edit_at BIGINT, props JSON, reactions JSON,
            root_user VARCHAR, root_create_at BIGINT, problem VARCHAR)"""
    )


def _stage_file(ctx: IngestContext, file: JsonlFile) -> int:
    """Stage every line of one JSONL file in batches; return how many records it held."""
    records = 0
    numbers: list[int] = []
    lines: list[str] = []
    size = 0
    try:
        for number, raw, done in _read_lines(file):
            if not raw.strip():
                continue
            records += 1
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                ctx.con.execute(
                    "INSERT INTO _mm_bad VALUES (?, ?, 'line is not UTF-8')", [file.label, number]
                )
                continue
            numbers.append(number)
            size += len(raw)
            if len(lines) >= LINES_PER_BATCH or size >= BYTES_PER_BATCH:
                records += _stage_batch(ctx, file.label, numbers, lines)
                ctx.progress("JSONL bytes", done, file.size)
                numbers, lines, size = [], [], 0
    except (zipfile.BadZipFile, EOFError) as exc:
        raise zip_read_error(file.path, exc) from None
    except OSError as exc:
        raise InvalidExport(f"{file.label}: cannot read: {exc}") from None
    if lines:
        records += _stage_batch(ctx, file.label, numbers, lines)
    return records


def _stage_batch(ctx: IngestContext, origin: str, numbers: list[int], lines: list[str]) -> int:
    """Parse one batch of lines into the staging tables; return the number of replies staged."""
    con = ctx.con
    batch = pa.table(
        {"line_no": pa.array(numbers, pa.int64()), "line": pa.array(lines, pa.string())}
    )
    con.register("_mm_batch_arrow", batch)
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _mm_batch AS
               SELECT line_no, line, ok,
                      CASE WHEN ok THEN json_extract_string(line, '$.type') END AS type
               FROM (SELECT line_no, line, json_valid(line) AS ok FROM _mm_batch_arrow)"""
        )
    finally:
        con.unregister("_mm_batch_arrow")
    con.execute(
        """INSERT INTO _mm_bad
           SELECT $origin, line_no, CASE WHEN NOT ok THEN 'malformed JSON'
                                        ELSE 'line is not an object with a type' END
           FROM _mm_batch WHERE NOT ok OR type IS NULL""",
        {"origin": origin},
    )

    def objects(kind: str, structure: str) -> str:
        return (
            f"SELECT line_no, json_transform(json_extract(line, '$.{kind}'), '{structure}') AS o "
            f"FROM _mm_batch WHERE type = '{kind}'"
        )

    con.execute(
        f"INSERT INTO _mm_users SELECT o.* FROM ({objects('user', USER_STRUCTURE)}) "
        "WHERE o.username IS NOT NULL"
    )
    con.execute(
        f"INSERT INTO _mm_bots SELECT o.* FROM ({objects('bot', BOT_STRUCTURE)}) "
        "WHERE o.username IS NOT NULL"
    )
    con.execute(
        f"INSERT INTO _mm_channels SELECT o.* FROM ({objects('channel', CHANNEL_STRUCTURE)}) "
        "WHERE o.name IS NOT NULL"
    )
    con.execute(
        "INSERT INTO _mm_direct_channels SELECT coalesce(o.members, "
        "list_transform(o.participants, lambda m: m.username)) "
        f"FROM ({objects('direct_channel', DIRECT_CHANNEL_STRUCTURE)}) WHERE o IS NOT NULL"
    )
    problem = problem_sql(ROOT_PROBLEMS)
    reply_wrong_type = problem_sql(wrong_types(REPLY_TYPED, lambda f: f'rr."{f}"'))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _mm_batch_posts AS
            SELECT line_no, line_type, p, raw, {problem} AS problem
            FROM (SELECT line_no, type AS line_type,
                         json_transform(json_extract(line, '$.' || type), '{POST_STRUCTURE}') AS p,
                         json_transform(json_extract(line, '$.' || type), '{RAW_POST}') AS raw
                  FROM _mm_batch WHERE type IN ('post', 'direct_post'))"""
    )
    con.execute(
        f"""INSERT INTO _mm_msgs
           SELECT $origin, line_no, 0, line_type, p.team, p.channel, p.channel_members,
                  p."user", p.type, p.message, p.create_at, p.edit_at, p.props, p.reactions,
                  NULL, NULL, problem
           FROM _mm_batch_posts
           UNION ALL
           SELECT $origin, line_no, i + 1, line_type, p.team, p.channel, p.channel_members,
                  r."user", r.type, r.message, r.create_at, r.edit_at, r.props, r.reactions,
                  p."user", p.create_at,
                  CASE WHEN problem IS NOT NULL THEN 'reply to a skipped post'
                       ELSE coalesce({reply_wrong_type}, CASE
                           WHEN r.create_at IS NULL OR r.create_at <= 0
                               THEN 'reply without a valid create_at'
                           WHEN {REPLY_IMPLAUSIBLE} THEN '{IMPLAUSIBLE_TIME}' END) END
           FROM (SELECT line_no, line_type, p, problem, unnest(range(len(p.replies))) AS i,
                        unnest(p.replies) AS r,
                        unnest(json_transform(raw.replies, '{RAW_REPLIES}')) AS rr
                 FROM _mm_batch_posts WHERE len(p.replies) > 0)""",
        {"origin": origin},
    )
    replies = con.execute("SELECT coalesce(sum(len(p.replies)), 0) FROM _mm_batch_posts").fetchone()
    con.execute("DROP TABLE _mm_batch")
    con.execute("DROP TABLE _mm_batch_posts")
    return int(replies[0]) if replies else 0


def _count_problems(ctx: IngestContext, report: SourceReport) -> None:
    report_problems(
        ctx,
        report,
        """SELECT reason, count(*), list(example ORDER BY origin, line_no, reply_no)[1:3]
           FROM (SELECT origin, line_no, 0 AS reply_no, reason,
                        origin || ' line ' || line_no || ': ' || reason AS example
                 FROM _mm_bad
                 UNION ALL
                 SELECT origin, line_no, reply_no, problem,
                        origin || ' line ' || line_no
                        || CASE WHEN reply_no > 0 THEN ' reply ' || reply_no ELSE '' END
                        || ': ' || problem
                 FROM _mm_msgs WHERE problem IS NOT NULL)
           GROUP BY reason ORDER BY min(origin), min(line_no)""",
    )


def _insert(ctx: IngestContext, path: Path) -> None:
    con = ctx.con
    secret = {"secret": ctx.secret}
    # People: every username the export names as a user, a bot or an author. The e-mail identity
    # (where the user object has one) is the person key, so the same person links across sources.
    keyed = known_person_sql(
        "identified", "coalesce(r.email_identity, r.mm_identity)", "r.mm_identity"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _mm_people AS
        WITH named AS (
            SELECT lower(trim(username)) AS username, nullif(lower(trim(email)), '') AS email,
                   coalesce(nullif(trim(concat_ws(' ', nullif(trim(first_name), ''),
                                                   nullif(trim(last_name), ''))), ''),
                            nullif(trim(nickname), '')) AS display_name,
                   coalesce(is_bot, false) OR coalesce(contains(roles, 'system_bot'), false)
                       AS flagged
            FROM _mm_users
            UNION ALL
            SELECT lower(trim(username)), NULL, nullif(trim(display_name), ''), true FROM _mm_bots
            UNION ALL
            SELECT DISTINCT lower(trim("user")), NULL, NULL, false FROM _mm_msgs
            WHERE problem IS NULL AND nullif(trim("user"), '') IS NOT NULL
        ), merged AS (
            SELECT username, max(email) AS email, max(display_name) AS display_name,
                   bool_or(flagged) AS flagged
            FROM named WHERE username <> '' GROUP BY username
        ), identified AS (
            SELECT *, 'mattermost:' || username AS mm_identity,
                   CASE WHEN email IS NOT NULL THEN 'email:' || email END AS email_identity,
                   flagged OR regexp_matches(lower(coalesce(display_name, '')), 'bot$')
                       OR regexp_matches(username, 'bot$') AS is_bot
            FROM merged
        )
        {keyed}
        """,
        secret,
    )
    insert_people(
        ctx,
        "_mm_people",
        str(path),
        order="username",
        tz="NULL::VARCHAR",
        name="coalesce(display_name, username)",
    )
    insert_identities(
        ctx,
        "_mm_people",
        str(path),
        kind="mattermost user",
        other="email_identity",
        identity="mm_identity",
        other_kind="email",
    )
    # Conversations: listed channels first, then channels only posts name, then direct ones.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _mm_keyed AS
        WITH valid AS (
            SELECT *,
                   CASE WHEN line_type = 'post'
                        THEN 'channel:' || trim(team) || '/' || trim(channel)
                        ELSE 'direct:' || array_to_string(list_sort(list_distinct(list_filter(
                            list_transform(members, lambda u: lower(trim(u))),
                            lambda u: coalesce(u, '') <> ''))), ',')
                   END AS conversation_id
            FROM _mm_msgs WHERE problem IS NULL
        )
        SELECT *,
               md5('mattermost|' || conversation_id || '|' || create_at || '|'
                   || lower(trim(coalesce("user", '')))) AS message_key,
               CASE WHEN reply_no > 0
                    THEN md5('mattermost|' || conversation_id || '|' || root_create_at || '|'
                             || lower(trim(coalesce(root_user, '')))) END AS root_key
        FROM valid
        """
    )
    con.execute("DROP TABLE _mm_msgs")  # everything later reads the keyed rows
    insert_conversations(
        ctx,
        "mattermost",
        f"""(
            SELECT 'channel:' || trim(team) || '/' || trim(name) AS conversation_id,
                   CASE WHEN upper(type) = 'P' THEN '{ConversationKind.PRIVATE_CHANNEL}'
                        ELSE '{ConversationKind.PUBLIC_CHANNEL}' END
                       AS kind, trim(name) AS name, 1 AS priority
            FROM _mm_channels WHERE nullif(trim(team), '') IS NOT NULL
            UNION ALL
            SELECT DISTINCT conversation_id, '{ConversationKind.PUBLIC_CHANNEL}', trim(channel), 2
            FROM _mm_keyed WHERE line_type = 'post'
            UNION ALL
            SELECT 'direct:' || array_to_string(m, ','),
                   CASE WHEN len(m) <= 2 THEN '{ConversationKind.DM}'
                        ELSE '{ConversationKind.GROUP_DM}' END,
                   array_to_string(m, ', '), 3
            FROM (SELECT list_sort(list_distinct(list_filter(
                             list_transform(members, lambda u: lower(trim(u))),
                             lambda u: coalesce(u, '') <> ''))) AS m
                  FROM (SELECT members FROM _mm_direct_channels
                        UNION ALL
                        SELECT members FROM _mm_keyed WHERE line_type = 'direct_post'))
            WHERE len(m) > 0
        ) candidates""",
        str(path),
        created="NULL::TIMESTAMP",
        order="priority",
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _mm_mentions AS
        SELECT t.message_key, count(*) AS mentions
        FROM (SELECT message_key,
                     rtrim(unnest(regexp_extract_all(lower(message), $pattern, 1)), '._-') AS token
              FROM _mm_keyed WHERE contains(message, '@')) t
        JOIN _mm_people p ON p.username = t.token
        GROUP BY t.message_key
        """,
        {"pattern": MENTION_PATTERN},
    )
    ctx.insert_new(
        "messages",
        f"""
        SELECT
            k.message_key,
            md5('mattermost|' || k.conversation_id) AS conversation_key,
            coalesce(k.root_key, k.message_key) AS thread_root_key,
            k.root_key AS parent_key,
            p.person_key AS author_key,
            make_timestamp(k.create_at * 1000) AS sent_at,
            k.root_key IS NULL AS is_root,
            k.root_key IS NOT NULL AS is_reply,
            CASE
                WHEN coalesce(p.is_bot, false)
                     OR lower(coalesce(k.props->>'from_webhook', '')) = 'true'
                     OR lower(coalesce(k.props->>'from_bot', '')) = 'true'
                     OR lower(coalesce(k.props->>'from_plugin', '')) = 'true' THEN '{MessageKind.BOT}'
                WHEN p.person_key IS NOT NULL AND coalesce(k.post_type, '') IN ('', 'me')
                    THEN '{MessageKind.HUMAN}'
                ELSE '{MessageKind.SYSTEM}'
            END AS kind,
            nullif(k.post_type, '') AS subtype,
            {text_features_sql("k.message")},
            coalesce(mm.mentions, 0) AS mentions,
            coalesce(regexp_matches(lower(k.message), $broadcast_pattern), false) AS broadcast,
            coalesce(k.edit_at, 0) > 0 AS edited,
            coalesce(json_array_length(k.reactions), 0) AS reactions,
            CASE WHEN $keep THEN k.message END AS text,
            k.origin
        FROM _mm_keyed k
        LEFT JOIN _mm_people p ON p.username = lower(trim(k."user"))
        LEFT JOIN _mm_mentions mm USING (message_key)
        """,
        origin=None,
        features=True,
        params={**feature_params(ctx), "broadcast_pattern": BROADCAST_PATTERN},
    )
