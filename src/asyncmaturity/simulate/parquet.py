"""Write the evidence tables of a simulated organization directly as Parquet, no export between.

:func:`simulate_parquet` runs the simulation of :mod:`asyncmaturity.simulate.chat` (and the meetings
of :mod:`asyncmaturity.simulate.meetings` and work items of :mod:`asyncmaturity.simulate.work_items`
where asked for) and writes the rows that
``asyncmaturity ingest`` would store for its exports (``slack/``, ``calendar.ics``, ``github/``,
in that order), in the layout of ``asyncmaturity export --parquet``: one folder per evidence
table, Hive partitions ``source=.../month=YYYY-MM/`` for ``messages``, ``meetings``,
``work_items`` and ``work_events`` (the UTC month of ``sent_at``, ``start_at``, ``created_at``,
``occurred_at``) and ``source=.../`` for the others, the store's columns and types less the
partition columns. Sources are those that would have read each row (``slack``, ``ical``,
``github``); ``origin`` names the export file the row would have come from, relative to the
export folder.

The same keys as ingest: message, conversation, meeting and item keys are hashes of the records'
native ids; person keys and identity hashes are keyed with a secret derived from the seed
(:func:`simulation_secret`), which is not written. Text features and AWAIT signals come from the
Slack source's and the tracker source's SQL (computed once per distinct text, by an in-memory
DuckDB), so every row equals what ingest stores, provenance aside.

It streams: records are generated one local day at a time and buffered per table up to
``chunk_rows`` rows; each full chunk is shaped by one DuckDB query and written as one file per
month (``part-00012.parquet``, numbered per table). Memory stays at a few days of records plus
one chunk per table, whatever the size of the organization or the length of the period; the
same parameters give the same files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from asyncmaturity.charter import Charter
from asyncmaturity.simulate.arrays import IntArray
from asyncmaturity.simulate.chat import Batch, ChatRun, chat_run
from asyncmaturity.simulate.clock import US
from asyncmaturity.simulate.export import (
    CALENDAR_FILE,
    GITHUB_FOLDER,
    SLACK_FOLDER,
    Evidence,
    build_evidence,
    check_output_folder,
)
from asyncmaturity.simulate.meetings import RESPONSE, ROLE, MeetingDay, MeetingTexts, uid_sql
from asyncmaturity.simulate.organization import BOT_LOGINS, BOT_TIMEZONE, conversation_members
from asyncmaturity.simulate.params import SimulationParams, export_time_s
from asyncmaturity.simulate.slack_writer import decorate, file_order, join_text, store_view
from asyncmaturity.simulate.work_items import (
    CLOSED,
    COMMENT,
    LABEL_SETS,
    PULL_REQUEST,
    REPOSITORIES,
    REVIEW,
    WorkDay,
)
from asyncmaturity.sources.features import (
    DECISION_PATTERN,
    await_signals_sql,
    signal_planning,
)
from asyncmaturity.sources.github import GitHubSource
from asyncmaturity.sources.ical import IcalSource
from asyncmaturity.sources.slack import SlackSource, slack_text_features_sql
from asyncmaturity.store.database import (
    AWAIT_SIGNAL_COLUMNS,
    EVIDENCE_KEYS,
    SCHEMA,
    identity_hash_sql,
    person_key_sql,
)
from asyncmaturity.store.export import MONTH_OF
from asyncmaturity.vocabulary import ConversationKind, Visibility, WorkItemKind

__all__ = ["DEFAULT_CHUNK_ROWS", "ParquetSummary", "simulate_parquet", "simulation_secret"]

DEFAULT_CHUNK_ROWS = 250_000
_CONVERSATION_KINDS = {
    "public": ConversationKind.PUBLIC_CHANNEL,
    "private": ConversationKind.PRIVATE_CHANNEL,
    "dm": ConversationKind.DM,
    "group_dm": ConversationKind.GROUP_DM,
}
_FEATURES = (
    "text_length",
    "links",
    "record_links",
    "record_sites",
    "mentions",
    "broadcast",
    "is_question",
    "decision_language",
    *AWAIT_SIGNAL_COLUMNS,
)


def simulation_secret(seed: int) -> str:
    """The key of a simulation's pseudonymous hashes, derived from its seed (never written)."""
    return hashlib.sha256(f"asyncmaturity simulation|{seed}".encode()).hexdigest()


def _ingest_id(seed: int, source: str) -> str:
    """A stable stand-in for the id of the ingest that would have read ``source``."""
    return hashlib.md5(f"asyncmaturity simulation|{seed}|{source}".encode()).hexdigest()


@dataclass
class ParquetSummary:
    """What :func:`simulate_parquet` wrote."""

    out_dir: Path
    rows: dict[str, int]  # rows per evidence table
    files: int  # Parquet files written
    chunk_rows: int
    peak_buffered_rows: int  # the most rows any table's buffer held at once
    messages: int  # every message record: human, bot and system
    human_messages: int
    people: int  # simulated people (bots aside)
    conversations: int


# The raw column whose UTC month partitions a table, and its unit in microseconds.
_MONTH_FROM = {
    "messages": ("ts", 1),
    "meetings": ("start_us", 1),
    "work_items": ("created_s", US),
    "work_events": ("occurred_s", US),
}


class _TableWriter:
    """Buffers one table's raw rows and writes each full chunk as Parquet, one file per month.

    ``select`` shapes a chunk of raw rows (the registered Arrow table ``_raw``) into the table's
    columns; every column is cast to the store's type, in the store's order, those the select
    leaves out as NULL. The files hold every column but the partition columns (``source``, and
    ``month`` where the table has one), as the export's do; a file is named by its chunk's
    number (``part-00012.parquet``), so the same run writes the same files.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        out_dir: Path,
        table: str,
        source: str,
        select: str,
        params: dict[str, Any],
        chunk_rows: int,
    ) -> None:
        self.con = con
        self.table = table
        self.folder = out_dir / table / f"source={source}"
        self.select = select
        self.params = {k: v for k, v in params.items() if f"${k}" in select}
        self.chunk_rows = chunk_rows
        self.month_from = _MONTH_FROM.get(table) if table in MONTH_OF else None
        self.buffer: list[pa.Table] = []
        self.buffered = 0
        self.peak = 0
        self.chunks = 0
        self.files = 0
        self.rows = 0
        self.query: str | None = None

    def add(self, rows: pa.Table) -> None:
        """Buffer ``rows``, writing a chunk each time the buffer is full (it never holds more)."""
        start = 0
        while start < rows.num_rows:
            take = min(self.chunk_rows - self.buffered, rows.num_rows - start)
            self.buffer.append(rows.slice(start, take))
            self.buffered += take
            self.peak = max(self.peak, self.buffered)
            start += take
            if self.buffered >= self.chunk_rows:
                self.flush()

    def _query(self) -> str:
        """The chunk's rows in the store's columns and types (``_raw`` must be registered)."""
        if self.query is None:
            con = self.con
            con.execute(f"CREATE OR REPLACE TEMP TABLE _types ({SCHEMA[self.table]})")
            columns = [(str(r[0]), str(r[1])) for r in con.execute("DESCRIBE _types").fetchall()]
            con.execute("DROP TABLE _types")
            found = con.execute(f"SELECT * FROM ({self.select}) LIMIT 0", self.params).description
            given = {str(d[0]) for d in found or []}
            # The export's fields are all optional (nullable). DuckDB marks a field required
            # where it can prove the column is never null (a constant, a list built in SQL), so
            # every column passes a test of `_valid`, an Arrow flag it cannot see into.
            self.query = (
                "SELECT "
                + ", ".join(
                    f"CASE WHEN _valid THEN CAST({name} AS {kind}) END AS {name}"
                    if name in given
                    else f"NULL::{kind} AS {name}"
                    for name, kind in columns
                    if name != "source"
                )
                + f" FROM ({self.select})"
            )
        return self.query

    def flush(self) -> None:
        """Write what the buffer holds as one chunk: a file per month it spans."""
        if not self.buffered:
            return
        raw = pa.concat_tables(self.buffer)
        self.buffer, self.buffered = [], 0
        parts: list[tuple[Path, pa.Table]] = [(self.folder, raw)]
        if self.month_from is not None:
            column, unit = self.month_from
            us = raw.column(column).to_numpy() * unit
            month = us.astype("datetime64[us]").astype("datetime64[M]")
            parts = []
            for value in np.unique(month):
                rows = np.flatnonzero(month == value)
                part = raw if len(rows) == raw.num_rows else raw.take(pa.array(rows))
                parts.append((self.folder / f"month={value!s}", part))
        name = f"part-{self.chunks:05d}.parquet"
        self.chunks += 1
        for folder, part in parts:
            folder.mkdir(parents=True, exist_ok=True)
            path = str(folder / name).replace("'", "''")
            valid = pa.array(np.ones(part.num_rows, dtype=np.bool_))
            self.con.register("_raw", part.append_column("_valid", valid))
            try:
                self.con.execute(
                    f"COPY ({self._query()}) TO '{path}' (FORMAT parquet)", self.params
                )
            finally:
                self.con.unregister("_raw")
            self.files += 1
        self.rows += raw.num_rows


def _strings(values: list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _take(values: pa.Array, index: IntArray) -> pa.Array:
    return values.take(pa.array(index, type=pa.int64()))


def _nullable(values: IntArray) -> pa.Array:
    """Integers with -1 as null."""
    return pa.array(values, type=pa.int64(), mask=values < 0)


class _ParquetRun:
    """One simulation written as evidence tables: the shaping queries and the lookups they use."""

    def __init__(
        self,
        run: ChatRun,
        evidence: Evidence | None,
        out_dir: Path,
        chunk_rows: int,
        con: duckdb.DuckDBPyConnection,
    ) -> None:
        params = run.params
        self.run = run
        self.evidence = evidence
        self.con = con
        self.secret = simulation_secret(params.seed)
        org = run.org
        people = params.people
        self.people = people
        # Person keys, as the sources compute them: the e-mail identity of people (the Slack
        # profile's address), the Slack user id of bots, the bot id of the legacy integration.
        identities = [f"email:{e}" for e in org.emails]
        identities += [f"slack:{u}" for u in org.user_ids[people:]]
        keys = self._person_keys([*identities, f"slack-bot:{org.bot_ids['deploybot']}"])
        self.user_keys = pa.array(keys[:-1], type=pa.string())
        self.deploy_key = keys[-1]
        # Messages of the legacy integration carry its bot id and no user: that is their author.
        author = np.arange(people + 3)
        author[org.deploybot] = people + 3
        self.author_keys = _take(pa.array(keys, type=pa.string()), author)
        conversations = org.conversations
        self.conv_prefix = _strings([f"slack|{c.id}|" for c in conversations])
        self.conv_key = _strings(
            [hashlib.md5(f"slack|{c.id}".encode()).hexdigest() for c in conversations]
        )
        self.conv_origin = _strings([f"{SLACK_FOLDER}/{c.folder}/" for c in conversations])
        self.features = self._text_features(
            [*run.texts.texts, *(join_text(u) for u in org.user_ids[:people])]
        )
        self.members = conversation_members(org)
        self.deploy_seen = False
        self.logins_used = np.zeros(people + len(BOT_LOGINS), dtype=np.bool_)
        if evidence is not None:
            logins = [f"github:{login}" for login in evidence.staff.logins]
            self.login_keys = pa.array(self._person_keys(logins), type=pa.string())
            self.login_names = _strings(evidence.staff.logins)
        self.messages = 0
        self.humans = 0

        seed = params.seed

        def writer(table: str, source: str, select: str, parser_version: str) -> _TableWriter:
            provenance = {"parser_version": parser_version, "ingest_id": _ingest_id(seed, source)}
            shaped = (
                "SELECT *, $parser_version AS parser_version, $ingest_id AS ingest_id "
                f"FROM ({select})"
            )
            return _TableWriter(con, out_dir, table, source, shaped, provenance, chunk_rows)

        slack, ical, github = (
            SlackSource.parser_version,
            IcalSource.parser_version,
            GitHubSource.parser_version,
        )
        self.messages_writer = writer("messages", "slack", _MESSAGES_SQL, slack)
        self.meetings_writer = writer(
            "meetings",
            "ical",
            _MEETINGS_SQL.format(uid=uid_sql(seed), exported=export_time_s(params)),
            ical,
        )
        self.attendance_writer = writer(
            "attendance", "ical", _ATTENDANCE_SQL.format(uid=uid_sql(seed)), ical
        )
        self.items_writer = writer("work_items", "github", _ITEMS_SQL, github)
        self.events_writer = writer("work_events", "github", _EVENTS_SQL, github)
        self.slack_tables = {
            table: writer(table, "slack", "SELECT * FROM _raw", slack)
            for table in ("conversations", "people", "identities")
        }
        self.github_tables = {
            table: writer(table, "github", "SELECT * FROM _raw", github)
            for table in ("people", "identities")
        }
        self.visibility_tables = {
            source: writer("visibility", source, "SELECT * FROM _raw", version)
            for source, version in (("slack", slack), ("ical", ical), ("github", github))
        }
        self.writers: list[_TableWriter] = [
            self.messages_writer,
            self.meetings_writer,
            self.attendance_writer,
            self.items_writer,
            self.events_writer,
            *self.slack_tables.values(),
            *self.github_tables.values(),
            *self.visibility_tables.values(),
        ]

    def _person_keys(self, identities: list[str]) -> list[str]:
        """Person keys of identities ('email:a@b.org', 'slack:U1'), in SQL as the sources do."""
        table = pa.table({"identity": _strings(identities)})
        self.con.register("_identities", table)
        try:
            rows = self.con.execute(
                f"SELECT {person_key_sql('identity')} FROM _identities", {"secret": self.secret}
            ).fetchall()
        finally:
            self.con.unregister("_identities")
        return [str(row[0]) for row in rows]

    def _text_features(self, texts: list[str]) -> dict[str, pa.Array]:
        """The Slack source's features of every distinct text, by text index.

        Links to a system of record are those of the default charter's ``record_systems``, as
        an ingest without a charter counts them.
        """
        self.con.register("_texts", pa.table({"t": _strings(texts)}))
        try:
            with signal_planning(self.con):
                result = self.con.sql(
                    f"SELECT {slack_text_features_sql('t')} FROM _texts",
                    params={
                        "record_pattern": "|".join(f"(?:{p})" for p in Charter().record_systems)
                        or "$^",
                        "decision_pattern": DECISION_PATTERN,
                    },
                ).to_arrow_table()
        finally:
            self.con.unregister("_texts")
        # Arrow, not NumPy: the record sites are lists.
        return {name: result.column(name).combine_chunks() for name in _FEATURES}

    # -- chat -------------------------------------------------------------------------------

    def add_messages(self, finished: Batch, flush_key: int) -> None:
        """Shape one flush of finished chat records (as the Slack writer would write them)."""
        if not len(finished):
            return
        b, _ = file_order(finished)
        decorations = decorate(b, self.run.params.seed, flush_key, self.members)
        view = store_view(b, self.run.texts)
        n = len(b)
        self.deploy_seen |= bool(view.deploy.any())
        columns: dict[str, Any] = {
            "prefix": _take(self.conv_prefix, b.conv),
            "conversation_key": _take(self.conv_key, b.conv),
            "folder": _take(self.conv_origin, b.conv),
            "author_key": _take(self.author_keys, b.user),
            "ts": pa.array(b.ts, type=pa.int64()),
            "root_ts": pa.array(view.root_ts, type=pa.int64()),
            "is_reply": pa.array(view.is_reply),
            "kind": pa.array(view.kind, type=pa.string()),
            "subtype": pa.array(view.subtype, type=pa.string()),
            "edited": pa.array(decorations.edited_mask(n)),
            "reactions": pa.array(decorations.reaction_counts(n), type=pa.int32()),
        }
        for name, values in self.features.items():
            columns[name] = _take(values, view.text)
        self.messages_writer.add(pa.table(columns))
        self.messages += n
        self.humans += int((view.kind == "human").sum())

    # -- meetings -----------------------------------------------------------------------------

    def add_meetings(self, day: MeetingDay, texts: MeetingTexts) -> None:
        """Shape one day's meeting instances and their attendance (as the calendar source)."""
        if not len(day):
            return
        n = len(day)
        ids = {
            "series": pa.array(day.series, type=pa.int64()),
            "k": pa.array(np.full(n, day.k), type=pa.int64()),
            "number": pa.array(day.number, type=pa.int64()),
            "start_us": pa.array(day.start_us, type=pa.int64()),
        }
        self.meetings_writer.add(
            pa.table(
                {
                    **ids,
                    "end_us": pa.array(day.end_us, type=pa.int64()),
                    "booked_s": pa.array(day.booked_s, type=pa.int64()),
                    "organizer_key": _take(self.user_keys, day.organizer),
                    "cancelled": pa.array(day.cancelled),
                    "private": pa.array(day.private),
                    "recurring": pa.array(day.series >= 0),
                    "attendee_count": pa.array(day.invite_counts(), type=pa.int32()),
                    "agenda": pa.array(texts.agenda[day.description]),
                    # Its own VEVENT in the calendar file: an ad hoc meeting or an override.
                    "own": pa.array(day.overridden | (day.series < 0)),
                    "modified_s": pa.array(day.modified_s, type=pa.int64()),
                    "notes": pa.array(texts.notes[day.description]),
                    "decision_meeting": pa.array(day.decision),
                }
            )
        )
        m = day.invite_meeting
        self.attendance_writer.add(
            pa.table(
                {
                    **{name: values.take(pa.array(m)) for name, values in ids.items()},
                    "person_key": _take(self.user_keys, day.invite_person),
                    "response": _take(_strings(list(RESPONSE)), day.invite_response),
                    "role": _take(_strings(list(ROLE)), day.invite_role),
                }
            )
        )

    # -- work items ---------------------------------------------------------------------------

    def add_work(self, day: WorkDay) -> None:
        """Shape one day's work items and their events (as the GitHub source)."""
        if not len(day):
            return
        self.logins_used[day.author] = True
        self.logins_used[day.assignee[day.assignee >= 0]] = True
        self.logins_used[day.event_actor] = True
        repos = _strings(list(REPOSITORIES))
        kinds = _strings([WorkItemKind.ISSUE, WorkItemKind.PULL_REQUEST, WorkItemKind.DECISION])
        origins = _strings([f"{GITHUB_FOLDER}/issues.json", f"{GITHUB_FOLDER}/pulls.json"])
        labels = pa.array([list(s) for s in LABEL_SETS], type=pa.list_(pa.string()))
        self.items_writer.add(
            pa.table(
                {
                    "repo": _take(repos, day.repo),
                    "number": pa.array(day.number, type=pa.int64()),
                    "kind": _take(kinds, day.kind),
                    "created_s": pa.array(day.created_s, type=pa.int64()),
                    "closed_s": _nullable(day.closed_s),
                    "merged_s": _nullable(day.merged_s),
                    "author_key": _take(self.login_keys, day.author),
                    "assignees": pa.array((day.assignee >= 0).astype(np.int32)),
                    "labels": _take(labels, day.labels),
                    "link": _nullable(day.link),
                    "origin": _take(origins, (day.kind == PULL_REQUEST).astype(np.int64)),
                }
            )
        )
        item = day.event_item
        self.events_writer.add(
            pa.table(
                {
                    "repo": _take(repos, day.repo[item]),
                    "number": pa.array(day.number[item], type=pa.int64()),
                    "event_kind": pa.array(day.event_kind, type=pa.int64()),
                    "native": pa.array(day.event_id, type=pa.int64()),
                    "login": _take(self.login_names, day.event_actor),
                    "actor_key": _take(self.login_keys, day.event_actor),
                    "occurred_s": pa.array(day.event_s, type=pa.int64()),
                    "text": pa.array(day.event_text, type=pa.string()),
                    "origin": _take(
                        _strings(
                            [
                                f"{GITHUB_FOLDER}/comments.json",
                                f"{GITHUB_FOLDER}/reviews.json",
                                f"{GITHUB_FOLDER}/events.json",
                                f"{GITHUB_FOLDER}/events.json",
                            ]
                        ),
                        day.event_kind,
                    ),
                }
            )
        )

    # -- the small tables ---------------------------------------------------------------------

    def finish(self) -> None:
        """Write conversations, people and identities, then every buffer's last chunk."""
        org, people = self.run.org, self.people
        origin = SLACK_FOLDER
        self.slack_tables["conversations"].add(
            pa.table(
                {
                    "conversation_key": self.conv_key,
                    "kind": _strings([_CONVERSATION_KINDS[c.kind] for c in org.conversations]),
                    "name": pa.array(
                        [
                            c.name if c.kind in ("public", "private") else None
                            for c in org.conversations
                        ],
                        type=pa.string(),
                    ),
                    "created": pa.array(
                        [c.created * US for c in org.conversations], type=pa.timestamp("us")
                    ),
                    "origin": _strings([origin] * len(org.conversations)),
                }
            )
        )
        zones = [org.zone_names[int(z)] for z in org.person_zone] + [BOT_TIMEZONE] * 3
        is_bot = [False] * people + [True] * 3
        keys = self.user_keys.to_pylist()
        user_ids = list(org.user_ids)
        if self.deploy_seen:
            keys.append(self.deploy_key)
            zones.append(None)  # type: ignore[arg-type]
            is_bot.append(True)
        self.slack_tables["people"].add(
            pa.table(
                {
                    "person_key": _strings(keys),
                    "tz": pa.array(zones, type=pa.string()),
                    "is_bot": pa.array(is_bot),
                    "origin": _strings([origin] * len(keys)),
                }
            )
        )
        slack_ids = [f"slack:{u}" for u in user_ids]
        user_keys = self.user_keys.to_pylist()
        email_ids = [f"email:{e}" for e in org.emails]
        self.slack_tables["identities"].add(
            self._identities(
                [*slack_ids, *email_ids],
                [*user_keys, *user_keys[:people]],
                ["slack user"] * len(slack_ids) + ["email"] * people,
                origin,
            )
        )
        if self.evidence is not None and self.evidence.work is not None:
            used = np.flatnonzero(self.logins_used)
            logins = self.login_names.to_pylist()
            github_keys = _take(self.login_keys, used)
            self.github_tables["people"].add(
                pa.table(
                    {
                        "person_key": github_keys,
                        "tz": pa.nulls(len(used), type=pa.string()),
                        "is_bot": pa.array(used >= people),
                        "origin": _strings([GITHUB_FOLDER] * len(used)),
                    }
                )
            )
            self.github_tables["identities"].add(
                self._identities(
                    [f"github:{logins[i]}" for i in used.tolist()],
                    github_keys.to_pylist(),
                    ["github user"] * len(used),
                    GITHUB_FOLDER,
                )
            )
        self._visibility()
        for writer in self.writers:
            writer.flush()

    def _visibility(self) -> None:
        """What each export shows, as its source reports it (see the visibility table)."""
        # The Slack export lists DMs, group DMs and private channels; every simulated meeting
        # invites its attendees and every item states its assignees (an empty list included).
        # Ingest states messages by the source's family: only chat and mail exports show them.
        seen: dict[str, tuple[str, dict[Visibility, bool]]] = {
            "slack": (
                SLACK_FOLDER,
                {
                    Visibility.MESSAGES: True,
                    Visibility.DIRECT_MESSAGES: True,
                    Visibility.GROUP_MESSAGES: True,
                    Visibility.PRIVATE_CHANNELS: True,
                    # Simulated threads: replies in them are always possible.
                    Visibility.THREADS: True,
                },
            )
        }
        if self.evidence is not None and self.evidence.meetings is not None:
            attended = self.attendance_writer.rows + self.attendance_writer.buffered
            seen["ical"] = (
                CALENDAR_FILE,
                {
                    Visibility.MESSAGES: False,
                    Visibility.THREADS: False,
                    Visibility.ATTENDEES: attended > 0,
                },
            )
        if self.evidence is not None and self.evidence.work is not None:
            seen["github"] = (
                GITHUB_FOLDER,
                {
                    Visibility.MESSAGES: False,
                    Visibility.THREADS: False,
                    Visibility.ASSIGNEES: True,
                },
            )
        for source, (origin, aspects) in seen.items():
            self.visibility_tables[source].add(
                pa.table(
                    {
                        "aspect": _strings([str(a) for a in aspects]),
                        "visible": pa.array(list(aspects.values()), type=pa.bool_()),
                        "origin": _strings([origin] * len(aspects)),
                    }
                )
            )

    def _identities(
        self, identities: list[str], keys: list[str], kinds: list[str], origin: str
    ) -> pa.Table:
        table = pa.table({"identity": _strings(identities)})
        self.con.register("_identities", table)
        try:
            hashes = self.con.execute(
                f"SELECT {identity_hash_sql('identity')} FROM _identities", {"secret": self.secret}
            ).fetchall()
        finally:
            self.con.unregister("_identities")
        return pa.table(
            {
                "identity_hash": _strings([str(h[0]) for h in hashes]),
                "person_key": _strings(keys),
                "kind": _strings(kinds),
                "origin": _strings([origin] * len(keys)),
            }
        )


# Shaping queries over a chunk of raw rows (`_raw`), as the sources shape what they read; each
# passes on the `_valid` flag of _TableWriter.
_TS_TEXT = "(({us} // 1000000)::VARCHAR || '.' || lpad(({us} % 1000000)::VARCHAR, 6, '0'))"
_MESSAGES_SQL = f"""
    SELECT md5(prefix || {_TS_TEXT.format(us="ts")}) AS message_key, conversation_key,
           root_key AS thread_root_key, CASE WHEN is_reply THEN root_key END AS parent_key,
           author_key, make_timestamp(ts) AS sent_at, NOT is_reply AS is_root, is_reply, kind,
           subtype, {", ".join(_FEATURES)}, edited, reactions,
           folder || strftime(make_timestamp(ts), '%Y-%m-%d') || '.json' AS origin, _valid
    FROM (SELECT *, md5(prefix || {_TS_TEXT.format(us="root_ts")}) AS root_key FROM _raw)
"""
_MEETING_KEY = (
    "md5('ical|' || uid || '|' || strftime(make_timestamp(start_us), '%Y-%m-%dT%H:%M:%SZ'))"
)
_MEETINGS_SQL = f"""
    SELECT {_MEETING_KEY} AS meeting_key, md5('ical|' || uid) AS series_key, organizer_key,
           make_timestamp(start_us) AS start_at, make_timestamp(end_us) AS end_at,
           false AS all_day, cancelled, private, recurring,
           make_timestamp(booked_s * 1000000) AS booked_at, attendee_count, agenda, notes,
           decision_meeting,
           -- A VEVENT's last change: its planted LAST-MODIFIED, else the export time that
           -- stamps every VEVENT of the calendar file.
           CASE WHEN agenda AND own
                THEN make_timestamp(
                    (CASE WHEN modified_s >= 0 THEN modified_s ELSE {{exported}} END)::BIGINT
                    * 1000000)
           END AS agenda_at,
           '{CALENDAR_FILE}' AS origin, _valid
    FROM (SELECT *, {{uid}} AS uid FROM _raw)
"""
_ATTENDANCE_SQL = f"""
    SELECT {_MEETING_KEY} AS meeting_key, person_key, response, role,
           '{CALENDAR_FILE}' AS origin, _valid
    FROM (SELECT *, {{uid}} AS uid FROM _raw)
"""
_ITEM_KEY = "md5('github|' || repo || '|' || number::VARCHAR)"
_ITEMS_SQL = f"""
    SELECT {_ITEM_KEY} AS item_key, kind, make_timestamp(created_s * 1000000) AS created_at,
           make_timestamp(closed_s * 1000000) AS closed_at,
           make_timestamp(merged_s * 1000000) AS merged_at, author_key, assignees, labels,
           CASE WHEN link IS NULL THEN []::VARCHAR[]
                ELSE [md5('github|' || repo || '|' || link::VARCHAR)] END AS links,
           origin, _valid
    FROM _raw
"""
_EVENTS_SQL = f"""
    WITH r AS (
        SELECT *, {_ITEM_KEY} AS item_key, make_timestamp(occurred_s * 1000000) AS occurred_at
        FROM _raw
    ), signalled AS (SELECT r.*, {await_signals_sql("r.text")} FROM r)
    SELECT md5(item_key || '|' || CASE event_kind
               WHEN {COMMENT} THEN 'comment:' || native::VARCHAR
               WHEN {REVIEW} THEN 'review|' || strftime(occurred_at, '%Y-%m-%dT%H:%M:%S')
                                  || '|' || login
               WHEN {CLOSED} THEN 'state:closed|' || strftime(occurred_at, '%Y-%m-%dT%H:%M:%S')
               ELSE 'state:merged|' || strftime(occurred_at, '%Y-%m-%dT%H:%M:%S') END)
               AS event_key,
           item_key,
           CASE event_kind WHEN {COMMENT} THEN 'comment' WHEN {REVIEW} THEN 'review'
                ELSE 'state' END AS kind,
           actor_key, occurred_at, origin, _valid,
           {", ".join(f"CASE WHEN text IS NOT NULL THEN {c} END AS {c}" for c in AWAIT_SIGNAL_COLUMNS)}
    FROM signalled
"""


def simulate_parquet(
    out_dir: Path,
    params: SimulationParams,
    progress: Callable[[int, int], None] | None = None,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> ParquetSummary:
    """Write the evidence tables of a simulated organization to ``out_dir`` as Parquet.

    The rows are those ``asyncmaturity ingest`` stores for the files that
    :func:`~asyncmaturity.simulate.export.simulate_export` writes for the same parameters
    (provenance aside, person keys under :func:`simulation_secret`), in the layout of
    ``asyncmaturity export --parquet``.

    Parameters:
        out_dir: a missing or empty folder (``ValueError`` otherwise).
        params: the simulation's parameters.
        progress: called as ``progress(done_days, total_days)`` after each local day.
        chunk_rows: the most rows a table buffers before it writes them (one file per month).
    """
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a whole number of at least 1, got {chunk_rows!r}")
    out_dir = Path(out_dir)
    check_output_folder(out_dir)
    run = chat_run(params, render_threads=False)
    evidence = None
    if params.meetings or params.work_items:
        evidence = build_evidence(run)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        writing = _ParquetRun(run, evidence, out_dir, chunk_rows, con)
        for k, finished, key in run.flushes():
            writing.add_messages(finished, key)
            if k >= params.days:
                continue
            if evidence is not None and evidence.meetings is not None:
                writing.add_meetings(evidence.meetings.day(k), evidence.meetings.texts)
            if evidence is not None and evidence.work is not None:
                writing.add_work(evidence.work.day(k))
            if progress is not None:
                progress(k + 1, params.days)
        writing.finish()
    finally:
        con.close()
    rows = dict.fromkeys(EVIDENCE_KEYS, 0)
    for writer in writing.writers:
        rows[writer.table] += writer.rows
    return ParquetSummary(
        out_dir=out_dir,
        rows=rows,
        files=sum(w.files for w in writing.writers),
        chunk_rows=chunk_rows,
        peak_buffered_rows=max(w.peak for w in writing.writers),
        messages=writing.messages,
        human_messages=writing.humans,
        people=params.people,
        conversations=len(run.org.conversations),
    )
