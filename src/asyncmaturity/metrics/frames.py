"""The chat frames, and the context every frame of a run is built from (never Python loops
over rows).

:func:`build_frames` resolves the charter (exclusions, bots, time zones, working hours, days off)
and the period once over the evidence, into the :class:`~asyncmaturity.metrics.frameset.Frames`
of the run. This module registers the two chat frames: ``human`` (human messages with their
author's local time) and ``roots`` (thread roots with their first reply by another human). Group
columns (conversation kind, channel, month, source) ride along so every metric can be computed per
scope. The meeting and work frames (:mod:`asyncmaturity.metrics.evidence_frames`), the requests
frame (:mod:`asyncmaturity.metrics.request_frames`) and the ledger frame
(:mod:`asyncmaturity.metrics.ledger_metrics`) are registered by their own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from asyncmaturity.charter import WEEKDAYS, Charter, Schedule
from asyncmaturity.metrics.business import (
    DAY_S,
    PROFILE_COLUMN,
    DaysOff,
    business_seconds,
    hour_of_week,
    outside_hours,
)
from asyncmaturity.metrics.exchanges import exchange_turns
from asyncmaturity.metrics.frameset import FrameContext, Frames, FrameSpec, register_frame
from asyncmaturity.metrics.norms import WorkingNorms, detect_norms
from asyncmaturity.metrics.record_systems import detect_record_systems, record_links
from asyncmaturity.metrics.timezones import instant_seconds, offset_table, with_local_seconds
from asyncmaturity.store.database import AWAIT_SIGNAL_COLUMNS, identity_hash, normalize_identity
from asyncmaturity.store.evidence import Evidence
from asyncmaturity.vocabulary import ConversationKind, MessageKind, Visibility

SCOPES = {
    "organization": [],
    "conversation_kind": ["conversation_kind"],
    "channel": ["channel"],
    "month": ["month"],
    "source": ["source"],
}
CHANNEL_KINDS = (
    ConversationKind.PUBLIC_CHANNEL,
    ConversationKind.PRIVATE_CHANNEL,
    ConversationKind.URGENT_CHANNEL,
)
# The month scope's groups: a UTC month, as 2026-03.
MONTH_FORMAT = "%Y-%m"
# The AWAIT signals of a thread root that the requests frame reads from the ``roots`` frame
# (nudges and clarifications are read from the replies, where-questions from the ``human``
# frame): the frame copies no column that no reader asks for.
ROOT_SIGNAL_COLUMNS = tuple(
    c for c in AWAIT_SIGNAL_COLUMNS if c not in {"nudge", "clarification", "asks_where"}
)


def _keys_for(evidence: Evidence, ids: list[str], what: str) -> tuple[dict[str, str], list[str]]:
    """Map charter identities to person keys through the hashed identities; list the unknown."""
    if not ids:
        return {}, []
    secret = evidence.require_secret(f"the charter's `{what}` names people")
    hashes = {raw: identity_hash(secret, normalize_identity(raw)) for raw in ids}
    identities = evidence.table("identities")
    rows = identities.filter(identities.identity_hash.isin(sorted(set(hashes.values()))))
    found = {
        row["identity_hash"]: row["person_key"]
        for row in rows.select("identity_hash", "person_key").to_pyarrow().to_pylist()
    }
    mapping = {raw: found[h] for raw, h in hashes.items() if h in found}
    return mapping, [raw for raw in ids if raw not in mapping]


@dataclass(frozen=True)
class Schedules:
    """Every person's effective schedule, as the frames join it."""

    table: pa.Table  # person_key, person_id, tz, start_s, len_s, w0..w6 (+ x_profile)
    defaults: dict[str, Any]  # the schedule of a person the store does not know
    # Dates off (holidays, out-of-office days) by profile; empty when the charter has none, and
    # then no frame joins anything for them.
    days_off: dict[int, frozenset[date]]
    unmatched: list[str]  # charter `people` ids the store does not know
    # People whose zone, or working days and hours, are the charter's defaults: no export or
    # charter entry gives them their own (see asyncmaturity.metrics.assumptions).
    defaulted: dict[str, int] = field(default_factory=dict)
    # Person keys whose days or hours the charter gives (detection leaves them alone).
    declared: frozenset[str] = frozenset()
    # Person keys a source flags as bots (no default or detected hours are counted for them).
    bots: frozenset[str] = frozenset()


NO_PROFILE = -1  # the PROFILE_COLUMN of a person without days off


def _hours_columns(start_s: int, len_s: int, days: frozenset[int]) -> dict[str, int]:
    return {"start_s": start_s, "len_s": len_s, **{f"w{d}": int(d in days) for d in range(7)}}


def _schedule_columns(schedule: Schedule, profiles: dict[frozenset[date], int]) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "tz": schedule.timezone,
        **_hours_columns(
            schedule.start_s, schedule.end_s - schedule.start_s, schedule.working_days
        ),
    }
    if schedule.days_off:
        columns[PROFILE_COLUMN] = profiles.setdefault(schedule.days_off, len(profiles))
    return columns


def _schedules(evidence: Evidence, charter: Charter) -> Schedules:
    """Effective time zone, working hours and days off of every person (charter > source >
    default); people with the same dates off share a day-off profile."""
    table = evidence.table("people")
    # One row per person; were a key stored twice, the greatest zone wins on every engine.
    rows_by_key = (
        table.group_by("person_key")
        .aggregate(tz=table.tz.max(), bot=table.is_bot.any())
        .order_by("person_key")
    )
    found = rows_by_key.to_pyarrow().to_pylist()
    people = [(r["person_key"], r["tz"]) for r in found]
    # Bots keep no hours: no default is assumed for them.
    bots = {r["person_key"] for r in found if r["bot"]}
    overrides, unmatched = _keys_for(evidence, [p.id for p in charter.people], "people")
    by_key = {overrides[p.id]: p for p in charter.people if p.id in overrides}
    profiles: dict[frozenset[date], int] = {}
    rows = [
        {
            "person_key": person_key,
            # A dense integer per person: distinct counts over ints are far cheaper than over keys.
            "person_id": index,
            **_schedule_columns(
                charter.schedule(by_key.get(person_key), source_timezone=tz), profiles
            ),
        }
        for index, (person_key, tz) in enumerate(people)
    ]
    defaults = _schedule_columns(charter.schedule(), profiles)
    names = [("person_key", pa.string()), ("person_id", pa.int64()), ("tz", pa.string())]
    names += [(n, pa.int64()) for n in ("start_s", "len_s", *(f"w{d}" for d in range(7)))]
    if profiles:
        names.append((PROFILE_COLUMN, pa.int64()))
        defaults.setdefault(PROFILE_COLUMN, NO_PROFILE)
        for row in rows:
            row.setdefault(PROFILE_COLUMN, NO_PROFILE)
    schema = pa.schema(names)
    table = pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()
    own_hours = {"working_hours", "working_days"} & charter.model_fields_set
    return Schedules(
        table=table,
        defaults=defaults,
        days_off={profile: dates for dates, profile in profiles.items()},
        unmatched=unmatched,
        declared=frozenset(
            key
            for key, norms in by_key.items()
            if norms.working_hours is not None or norms.working_days is not None
        ),
        bots=frozenset(bots),
        defaulted={
            "timezone": sum(
                tz is None and (key not in by_key or by_key[key].timezone is None)
                for key, tz in people
                if key not in bots
            ),
            "working_hours": 0
            if own_hours
            else sum(
                key not in by_key
                or (by_key[key].working_hours is None and by_key[key].working_days is None)
                for key, _ in people
                if key not in bots
            ),
        },
    )


# Without shared working hours every moment is working time: the wall clock.
WALL_CLOCK = _hours_columns(0, DAY_S, frozenset(range(7)))


def _norms_of(
    charter: Charter,
    schedules: Schedules,
    in_scope: ir.Table,
    bounds: tuple[datetime | None, datetime | None],
) -> WorkingNorms:
    """Whether the team keeps shared working hours, and its detected hours where the charter is
    silent (see :mod:`asyncmaturity.metrics.norms`)."""
    chosen = charter.model_fields_set
    if charter.shared_working_hours is not None or {"working_hours", "working_days"} & chosen:
        return WorkingNorms(shared=charter.shared_working_hours is not False, basis="charter")
    first, last = bounds
    if first is None or last is None:
        return WorkingNorms(shared=True, basis="default")
    activity = _activity(in_scope, schedules.table, charter, first, last)
    hours = charter.working_hours
    detected = detect_norms(activity, hours.end_s - hours.start_s)
    return detected or WorkingNorms(shared=True, basis="default")


def _activity(
    in_scope: ir.Table, people: pa.Table, charter: Charter, first: datetime, last: datetime
) -> pa.Table:
    """Human messages by author, local weekday and local hour (person_key, weekday, hour,
    messages): one grouped query."""
    zones = {charter.timezone, *(z for z in people.column("tz").to_pylist() if z)}
    offsets = ibis.memtable(
        offset_table(zones, first.date() - timedelta(days=2), last.date() + timedelta(days=2))
    )
    zone_of = ibis.memtable(people.select(["person_key", "person_id", "tz"])).rename(
        a_key="person_key", a_id="person_id", a_tz="tz"
    )
    messages = in_scope.select("author_key", "sent_at", "local_offset_s")
    joined = messages.left_join(zone_of, messages.author_key == zone_of.a_key)
    joined = joined.mutate(
        tz=joined.a_tz.coalesce(charter.timezone),
        # Grouped by the dense id of a known person: grouping every message by its author's
        # key string was most of the query. An author the store does not know keeps the key.
        u_key=ibis.cases((joined.a_id.isnull(), joined.author_key), else_=ibis.null("string")),
    ).drop("a_key", "a_tz")
    joined = _with_local_time(joined, offsets)
    weekday, hour = hour_of_week(joined.local_s)
    counted = joined.group_by(
        a_id=joined.a_id, u_key=joined.u_key, weekday=weekday, hour=hour
    ).aggregate(messages=joined.count())
    keys = zone_of.select(k_id="a_id", k_key="a_key")
    named = counted.left_join(keys, counted.a_id == keys.k_id)
    return named.select(
        person_key=named.k_key.coalesce(named.u_key),
        weekday="weekday",
        hour="hour",
        messages="messages",
    ).to_pyarrow()


def _with_local_time(
    table: ir.Table, offsets: ir.Table, seconds: str | None = None, carry: Sequence[str] = ()
) -> ir.Table:
    """`table` with ``local_s``: its ``sent_at`` on the clock of the zone in ``tz``, except an
    e-mail, whose own Date header gives its offset (``local_offset_s``).

    Parameters: `seconds` and `carry` as in :func:`with_local_seconds`.
    """
    table = with_local_seconds(
        table,
        ts="sent_at",
        zone="tz",
        offsets=offsets,
        out="zone_s",
        seconds=seconds,
        carry=carry,
    )
    instant = instant_seconds(table.sent_at) if seconds is None else table[seconds]
    return table.mutate(
        local_s=ibis.cases(
            (table.local_offset_s.notnull(), instant + table.local_offset_s.cast("float64")),
            else_=table.zone_s,
        )
    ).drop("zone_s")


def _with_norms(schedules: Schedules, norms: WorkingNorms) -> tuple[Schedules, WorkingNorms]:
    """The schedules with detected hours (or the wall clock, without shared hours) for every
    person whose hours the charter does not give; the norms with their counts."""
    if norms.basis == "default" or (norms.basis == "charter" and norms.shared):
        return schedules, norms
    rows = schedules.table.to_pylist()
    defaults = dict(schedules.defaults)
    own = from_team = 0
    if not norms.shared:
        # No working hours means no days off either: a holiday is another day.
        for row in rows:
            row.update(WALL_CLOCK)
            if PROFILE_COLUMN in row:
                row[PROFILE_COLUMN] = NO_PROFILE
        defaults.update(WALL_CLOCK)
        days_off: dict[int, frozenset[date]] = {}
    else:
        team = norms.team
        assert team is not None  # detected norms always have the team's hours
        for row in rows:
            if row["person_key"] in schedules.declared:
                continue
            hours = norms.by_person.get(row["person_key"])
            if row["person_key"] not in schedules.bots:
                own, from_team = own + (hours is not None), from_team + (hours is None)
            hours = hours or team
            row.update(
                _hours_columns(hours.start_s, hours.end_s - hours.start_s, hours.working_days)
            )
        defaults.update(_hours_columns(team.start_s, team.end_s - team.start_s, team.working_days))
        days_off = dict(schedules.days_off)
    table = pa.Table.from_pylist(rows, schema=schedules.table.schema)
    adjusted = Schedules(
        table=table,
        defaults=defaults,
        days_off=days_off,
        unmatched=schedules.unmatched,
        defaulted={**schedules.defaulted, "working_hours": 0},
        declared=schedules.declared,
        bots=schedules.bots,
    )
    return adjusted, replace(norms, own=own, from_team=from_team)


def period_bounds(
    since: date | datetime | None, until: date | datetime | None
) -> tuple[datetime | None, datetime | None]:
    """Half-open UTC bounds; a date `until` includes that whole day."""

    def start_of(day: date | datetime) -> datetime:
        if isinstance(day, datetime):
            return day.replace(tzinfo=None) if day.tzinfo is None else _naive_utc(day)
        return datetime(day.year, day.month, day.day)

    start = start_of(since) if since is not None else None
    if until is None:
        return start, None
    end = start_of(until)
    return start, end if isinstance(until, datetime) else end + timedelta(days=1)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def build_frames(
    evidence: Evidence,
    charter: Charter,
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    keep: bool = True,
) -> Frames:
    """Resolve the charter and the period over `evidence` once; the frames build on demand.

    Parameters:
        evidence: the evidence tables on any engine (:mod:`asyncmaturity.store.evidence`).
        charter: the working norms the frames apply.
        since, until: UTC bounds on evidence time; a date `until` includes that whole day.
        keep: keep each frame as a table for the run's later queries. False for a run that
            reads its frames in one query: the engine then plans each frame into that query and
            computes only the columns the query reads, rather than storing every column of it.
    """
    if not keep:
        evidence = replace(evidence, materialize=_unkept)
    start, end = period_bounds(since, until)
    excluded, unmatched_excluded = _keys_for(evidence, charter.exclude, "exclude")
    bots, unmatched_bots = _keys_for(evidence, charter.bots, "bots")
    in_scope = _messages_in_scope(
        evidence, start, end, frozenset({*excluded.values(), *bots.values()})
    )
    bounds = in_scope.aggregate(first=in_scope.sent_at.min(), last=in_scope.sent_at.max())
    bounds_row = bounds.to_pyarrow().to_pylist()[0]
    schedules = _schedules(evidence, charter)
    norms = _norms_of(charter, schedules, in_scope, (bounds_row["first"], bounds_row["last"]))
    schedules, norms = _with_norms(schedules, norms)
    context = FrameContext(
        evidence=evidence,
        charter=charter,
        start=start,
        end=end,
        first=bounds_row["first"],
        last=bounds_row["last"],
        schedule=ibis.memtable(schedules.table).rename(s_key="person_key"),
        defaults=schedules.defaults,
        zones=frozenset({charter.timezone, "UTC", *schedules.table.column("tz").to_pylist()}),
        excluded=frozenset(excluded.values()),
        bots=frozenset(bots.values()),
        focus_spans=charter.focus_spans(),
        no_meeting_days=frozenset(WEEKDAYS.index(d) for d in charter.no_meeting_days),
        days_off=schedules.days_off,
        unmatched_charter_ids=tuple(
            sorted({*unmatched_excluded, *unmatched_bots, *schedules.unmatched})
        ),
        people=int(schedules.table.num_rows),
        defaulted=schedules.defaulted,
        norms=norms,
        record_systems=detect_record_systems(in_scope, charter),
    )
    return Frames(context)


def _unkept(name: str, table: ir.Table) -> ir.Table:
    """`table` itself, not kept: its one reader computes it (see :func:`build_frames`)."""
    return table


def _messages_in_scope(
    evidence: Evidence, start: datetime | None, end: datetime | None, left_out: frozenset[str]
) -> ir.Table:
    """Human messages of the period, without those of people the charter excludes or calls bots."""
    messages = evidence.table("messages")
    condition = messages.kind == MessageKind.HUMAN
    if start is not None:
        condition &= messages.sent_at >= start
    if end is not None:
        condition &= messages.sent_at < end
    if left_out:
        condition &= ~messages.author_key.isin(sorted(left_out))
    # Excluded people's messages vanish entirely (not even as replies) by the same filter.
    return messages.filter(condition)


def _chat_offsets(context: FrameContext) -> ir.Table:
    """Zone offsets for every day of the chat period (two days either side), with each UTC
    day's ``month`` (the month scope's group)."""
    low = (context.first or datetime(2000, 1, 1)).date() - timedelta(days=2)
    high = (context.last or datetime(2000, 1, 1)).date() + timedelta(days=2)
    offsets = ibis.memtable(offset_table(context.zones, low, high))
    return offsets.mutate(month=offsets.day.strftime(MONTH_FORMAT))


def _chat_days_off(context: FrameContext) -> DaysOff:
    low = (context.first or datetime(2000, 1, 1)).date() - timedelta(days=2)
    high = (context.last or datetime(2000, 1, 1)).date() + timedelta(days=2)
    return DaysOff.over(context.days_off, low, high)


def build_human(frames: Frames) -> ir.Table:
    """The ``human`` frame: one row per human message of the period, with its author's local
    time, whether it was sent after hours, and the scope columns."""
    context = frames.context
    charter = context.charter
    evidence = context.evidence
    in_scope = _messages_in_scope(evidence, context.start, context.end, context.charter_keys)
    # A link to a system of record detected in the team's own messages counts like one the
    # charter's patterns matched, for every metric that reads record_links.
    if context.record_systems.detected:
        in_scope = in_scope.mutate(record_links=record_links(in_scope, context.record_systems))
    human = in_scope.select(
        "message_key",
        "thread_root_key",
        "author_key",
        "sent_at",
        "is_reply",
        "conversation_key",
        "broadcast",
        "record_links",
        "is_question",
        "decision_language",
        "mentions",
        "local_offset_s",
        "source",
        *AWAIT_SIGNAL_COLUMNS,
    )
    # A mention the source resolved names an owner even where the plain text lost it (Teams).
    human = human.mutate(
        await_assign=human.await_assign | (human.mentions > 0),
        # Only a reply's thread is ever read (thread counts, first replies, thread conduct): null
        # on the other rows, so that the frame copies no key for them (over half its rows).
        thread_root_key=ibis.cases(
            (human.is_reply, human.thread_root_key), else_=ibis.null("string")
        ),
    )

    conversations = evidence.table("conversations")
    urgent = charter.urgent_channels
    conv_kind = (
        ibis.cases(
            (conversations.name.isin(urgent), ibis.literal(str(ConversationKind.URGENT_CHANNEL))),
            else_=conversations.kind,
        )
        if urgent
        else conversations.kind
    )
    conv = conversations.select(
        c_key=conversations.conversation_key,
        conversation_kind=conv_kind,
        channel=ibis.cases(
            (conv_kind.isin(list(CHANNEL_KINDS)), conversations.name), else_=ibis.null("string")
        ),
    ).distinct(on="c_key", keep="first")
    human = human.join(conv, human.conversation_key == conv.c_key).drop("c_key", "conversation_key")

    human = context.with_schedule(human, "author_key").rename(author_id="person_id")
    human = human.mutate(sent_s=instant_seconds(human.sent_at))
    offsets = frames.shared(_chat_offsets)
    days_off = frames.shared(_chat_days_off)
    # The month comes with the row's UTC day from the offsets it is joined to anyway: formatting
    # it per message was a tenth of the frame's computation.
    human = _with_local_time(human, offsets, seconds="sent_s", carry=("month",))
    # On the author's day off a message is neither inside nor outside their hours (null).
    human, off = days_off.mark(human, "local_s")
    human = human.mutate(after_hours=outside_hours(human, human.local_s, days_off=off)).drop(
        *DaysOff.columns(off)
    )
    # Every scope of every metric reads this frame: compute it once, not once per query.
    # Schedules stay out (they are per person, not per message) and rejoin the first replies.
    return evidence.materialize("_am_human", human.drop(*context.defaults))


def value_of_least(value: ir.StructValue, key: ir.StructValue) -> ir.StructScalar:
    """The `value` of the row with the least `key` in each group: one pass, no sort.

    `min_by`, which DuckDB (as ``arg_min``) and Spark both have; Ibis's own ``argmin`` becomes an
    ordered ``first`` on DuckDB, which sorts each group. Rows tied on `key` give any of their
    values, so the key should end in a unique column.

    Parameters: `value`, what to return; `key`, what to order by.
    """

    def min_by(value: Any, key: Any) -> Any:
        """The builtin aggregate; Ibis calls it by this name."""

    aggregate = ibis.udf.agg.builtin(min_by, signature=((value.type(), key.type()), value.type()))
    return aggregate(value, key)


def build_roots(frames: Frames) -> ir.Table:
    """The ``roots`` frame: one row per thread root of the ``human`` frame, with its first reply
    by another human (wall-clock and working-time latency) and its response window."""
    context = frames.context
    human = frames.human
    not_replies = human.filter(~human.is_reply)
    roots = not_replies.select(
        "message_key",
        "author_key",
        "sent_at",
        "sent_s",
        "conversation_kind",
        "channel",
        "month",
        "is_question",
        "source",
        *ROOT_SIGNAL_COLUMNS,
    )
    # A thread whose replies point at a system of record was answered with a durable link.
    linked = (
        human.filter(human.is_reply & (human.record_links > 0))
        .select(l_root=human.thread_root_key)
        .distinct()
    )
    roots = roots.left_join(linked, roots.message_key == linked.l_root)
    roots = roots.mutate(record_answer=roots.l_root.notnull()).drop("l_root")
    replies = human.filter(human.is_reply).select(
        r_root=human.thread_root_key,
        r_key=human.message_key,
        r_author=human.author_key,
        r_sent_s=human.sent_s,
        r_local_s=human.local_s,
        r_offset_s=human.local_offset_s,
    )
    # From the frame's rows, not `roots`: the join above would otherwise run twice.
    candidates = not_replies.select(
        f_key=not_replies.message_key,
        f_author=not_replies.author_key,
        f_at=not_replies.sent_at,
        f_s=not_replies.sent_s,
    )
    pairs = candidates.join(
        replies, (candidates.f_key == replies.r_root) & (candidates.f_author != replies.r_author)
    )
    # The first reply: an arg-min per root over (time, key), the key breaking ties; a window
    # ranking every reply of the root would sort them all.
    first = pairs.group_by("f_key").aggregate(
        f_at=pairs.f_at.arbitrary(),
        f_s=pairs.f_s.arbitrary(),
        reply=value_of_least(
            ibis.struct(
                {
                    "r_author": pairs.r_author,
                    "r_sent_s": pairs.r_sent_s,
                    "r_local_s": pairs.r_local_s,
                    "r_offset_s": pairs.r_offset_s,
                }
            ),
            ibis.struct({"sent_s": pairs.r_sent_s, "key": pairs.r_key}),
        ),
    )
    first_replies = context.with_schedule(first.unpack("reply"), "r_author").drop("person_id")
    # The root's instant on the responder's clock: business time is the responder's.
    first_replies = with_local_seconds(
        first_replies, ts="f_at", zone="tz", offsets=frames.shared(_chat_offsets), out="f_zone_s"
    )
    first_replies = first_replies.mutate(
        f_local_s=ibis.cases(
            (
                first_replies.r_offset_s.notnull(),
                first_replies.f_s + first_replies.r_offset_s.cast("float64"),
            ),
            else_=first_replies.f_zone_s,
        )
    )
    # The responder's days off count no working time between the two instants.
    days_off = frames.shared(_chat_days_off)
    first_replies, r_off = days_off.mark(first_replies, "r_local_s", "r_d_")
    first_replies, f_off = days_off.mark(first_replies, "f_local_s", "f_d_")
    # A reply stamped before its root (clock skew, an edited root re-stamped) was answered at
    # once: zero delay, never a negative one that would drag the median below zero.
    first_replies = first_replies.select(
        fr_key=first_replies.f_key,
        latency_s=ibis.greatest(first_replies.r_sent_s - first_replies.f_s, 0.0),
        business_latency_s=ibis.greatest(
            business_seconds(first_replies, first_replies.r_local_s, days_off=r_off)
            - business_seconds(first_replies, first_replies.f_local_s, days_off=f_off),
            0.0,
        ),
    )
    roots = roots.left_join(first_replies, roots.message_key == first_replies.fr_key).drop("fr_key")
    window_s = _window_seconds(roots.conversation_kind, context.charter)
    roots = roots.mutate(
        answered=roots.latency_s.notnull(),
        within_window=ibis.cases(
            (roots.latency_s.isnull(), ibis.null("boolean")),
            else_=roots.business_latency_s <= window_s,
        ),
    )
    # How each thread went (with_thread_conduct) is the requests frame's: the figures of the
    # roots frame do not pay for its window passes over every reply.
    return context.evidence.materialize("_am_roots", roots)


def with_thread_conduct(roots: ir.Table, human: ir.Table) -> ir.Table:
    """`roots` (rows of the ``roots`` frame) with how each thread went, for the AWAIT and
    friction metrics (the ``requests`` frame).

    The thread is an exchange of :mod:`asyncmaturity.metrics.exchanges`: its root, then its human
    replies in time order.

    * ``moved``: a message of the thread (the root or a reply) asks to move to a call or DM;
    * ``clarified``: someone other than the root's author asked back what was meant, and the
      root's author answered (an answered clarification by the root's author);
    * ``nudged``: the root's author chased (a nudge) before anyone else had replied;
    * ``ping_pong``: two people went back and forth in the thread (a ping-pong).

    Null where the store holds no signals for the root (ingested before schema 3).
    """
    # Replies only: the root opens the exchange from its own row, and most roots have no reply,
    # so this keeps the windows small.
    replies = human.filter(human.is_reply & human.thread_root_key.notnull())
    starts = roots.select(
        s_key=roots.message_key,
        s_author=roots.author_key,
        s_s=roots.sent_s,
        s_first=roots.sent_s + roots.latency_s,
    )
    joined = replies.join(starts, replies.thread_root_key == starts.s_key)
    messages = joined.select(
        x_thread=joined.s_key,
        x_key=joined.message_key,
        x_author=joined.author_key,
        x_s=joined.sent_s,
        x_clar=joined.clarification.coalesce(False),
        o_author=joined.s_author,
        o_s=joined.s_s,
        t_sync=joined.sync_request,
        t_chased=joined.nudge
        & (joined.author_key == joined.s_author)
        & (joined.s_first.isnull() | (joined.sent_s < joined.s_first)),
    )
    turns = exchange_turns(messages, moved=messages.t_sync, nudged=messages.t_chased)
    conduct = turns.group_by(c_key=turns.x_thread).aggregate(
        moved=turns.moved.any(),
        nudged=turns.nudged.any(),
        clarified=(turns.answers_clarification & (turns.x_author == turns.o_author)).any(),
        ping_pong=turns.ping_pong.any(),
    )
    roots = roots.left_join(conduct, roots.message_key == conduct.c_key).drop("c_key")
    known = roots.is_request.notnull()
    return roots.mutate(
        moved=ibis.cases(
            (known, roots.moved.coalesce(False) | roots.sync_request), else_=ibis.null("boolean")
        ),
        clarified=ibis.cases((known, roots.clarified.coalesce(False)), else_=ibis.null("boolean")),
        nudged=ibis.cases((known, roots.nudged.coalesce(False)), else_=ibis.null("boolean")),
        ping_pong=roots.ping_pong.coalesce(False),
    )


def _window_seconds(kind: ir.StringValue, charter: Charter) -> ir.FloatingValue:
    windows = charter.response_windows
    cases = [(kind == k, ibis.literal(h * 3600.0)) for k, h in windows.items() if k != "default"]
    default = ibis.literal(windows["default"] * 3600.0)
    return ibis.cases(*cases, else_=default) if cases else default


# A store of calendars or trackers alone holds no message: its chat figures are unknown, not 0.
register_frame(
    FrameSpec(
        "human",
        "chat",
        "sent_at",
        build_human,
        people=lambda t: t.author_id.nunique(),
        needs=(Visibility.MESSAGES,),
    )
)
register_frame(
    FrameSpec(
        "roots",
        "chat",
        "sent_at",
        build_roots,
        # Whether a root was answered is read from its thread.
        needs=(Visibility.MESSAGES, Visibility.THREADS),
    )
)
