"""The calendar and work-tracking frames, built as Ibis tables from the canonical evidence tables.

:func:`build_meeting_frames` gives ``meetings`` (one row per counted meeting instance) and
``attendee_days`` (one row per active attendee and day of the period, with the merged meeting
seconds and the focus seconds of that day); :func:`build_work_frame` gives ``work_items`` (one row
per work item created in the period, with its first response and close). A frame is None when the
store holds no rows of its kind in the period: no evidence, so its metrics are unknown, not 0.

A calendar lists meetings before they happen, so the meeting frames' period ends where the
evidence shows what happened (:func:`meeting_period`), and :func:`meeting_notes` says what that
left out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from asyncmaturity.metrics.business import (
    DAY_S,
    DaysOff,
    hour_of_week,
    is_working_time,
    outside_hours,
)
from asyncmaturity.metrics.frameset import FrameContext, Frames, FrameSpec, register_frame
from asyncmaturity.metrics.record_systems import record_links
from asyncmaturity.metrics.timezones import instant_seconds, offset_table, with_local_seconds
from asyncmaturity.vocabulary import (
    MeetingResponse,
    MessageKind,
    Visibility,
    WorkEventKind,
    WorkItemKind,
)

FOCUS_BLOCK_S = 2 * 3600
AD_HOC_S = 3600
# Viva Insights leaves these out of meeting hours: they are not collaboration time spent together.
LONG_MEETING_S = 8 * 3600
# Viva Insights' meeting types: up to an hour or longer, up to 8 attendees or more.
HOUR_S = 3600
TYPE_SIZE_LIMIT = 8
LARGE_MEETING = 250
SMALLEST_MEETING = 2
ISSUE_KINDS = (WorkItemKind.ISSUE,)
PULL_REQUEST_KINDS = (WorkItemKind.PULL_REQUEST, WorkItemKind.MERGE_REQUEST)
RESPONSE_EVENTS = (WorkEventKind.COMMENT, WorkEventKind.REVIEW)
TIMES_OF_ITEMS = ("created_at", "closed_at", "merged_at")
# The meeting metrics that read the messages written around a meeting.
MESSAGE_READERS = (
    "friction.stalled_thread_meeting_share",
    "friction.unwritten_decision_meeting_share",
)
# The deep-work figure reads each attendee's own messages as interruptions of their day.
DEEP_WORK_METRIC = "focus.protected_day_share"
# A message occupies the second it was sent in: a point in time, yet a busy span.
MESSAGE_SPAN = timedelta(seconds=1)


def within_period(ts: ir.TimestampValue, ctx: FrameContext) -> ir.BooleanValue:
    condition: ir.BooleanValue = ibis.literal(True)
    if ctx.start is not None:
        condition &= ts >= ctx.start
    if ctx.end is not None:
        condition &= ts < ctx.end
    return condition


def not_in(column: ir.StringValue, keys: Collection[str]) -> ir.BooleanValue:
    # A null key is nobody the charter names; `NOT IN` alone would drop it as unknown.
    if not keys:
        return ibis.literal(True)
    return column.isnull() | ~column.isin(sorted(keys))


def bot_keys(ctx: FrameContext) -> ir.Table:
    """Person keys flagged as bots by a source (e.g. a login ending in "[bot]") or the charter."""
    people = ctx.evidence.table("people")
    # Nullable like the listed keys: a store declares person_key NOT NULL, a union needs equal types.
    flagged = people.filter(people.is_bot).select(b_key=people.person_key.cast("string"))
    if ctx.bots:
        listed = ibis.memtable({"b_key": sorted(ctx.bots)}, schema={"b_key": "string"})
        flagged = flagged.union(listed)
    return flagged.distinct()


@dataclass(frozen=True)
class MeetingPeriod:
    """Where the meeting frames' period ends, and why.

    Attributes:
        end: the exclusive end, naive UTC: --until, else the evidence's end; never after now.
        asked: --until was given.
        clipped: --until lies after now, which ends the period instead.
        evidence_end: the last record that is not a calendar's, where it ends the period (None
            where now does, or --until).
    """

    end: datetime
    asked: bool
    clipped: bool
    evidence_end: datetime | None


def meeting_period(ctx: FrameContext, now: datetime) -> MeetingPeriod:
    """The end of the meeting frames' period: the rule of the meeting metrics' definitions."""
    if ctx.end is not None:
        return MeetingPeriod(min(ctx.end, now), True, ctx.end > now, None)
    last = _last_record(ctx)
    if last is None:
        # A calendar-only store: ingest reads no instance after its own time, and that is
        # before now.
        return MeetingPeriod(now, False, False, None)
    # Timestamps are whole microseconds on both engines: this counts a meeting that starts at
    # the very instant of the last record.
    end = last + timedelta(microseconds=1)
    if end >= now:
        return MeetingPeriod(now, False, False, None)
    return MeetingPeriod(end, False, False, last)


def _last_record(ctx: FrameContext) -> datetime | None:
    """The latest time of a message, a work item's creation, close or merge, or a work event
    (a due time is a plan, not an event): where the evidence of what happened ends."""
    messages = ctx.evidence.table("messages")
    items = ctx.evidence.table("work_items")
    events = ctx.evidence.table("work_events")
    events = events.filter(events.kind != WorkEventKind.DUE)
    latest = [
        messages.aggregate(t=messages.sent_at.max()),
        *(items.aggregate(t=items[column].max()) for column in TIMES_OF_ITEMS),
        events.aggregate(t=events.occurred_at.max()),
    ]
    union = ibis.union(*(row.select(t=row.t.cast("timestamp")) for row in latest))
    found: datetime | None = union.aggregate(t=union.t.max()).to_pyarrow().to_pylist()[0]["t"]
    return found


def _period_days(
    ctx: FrameContext, period: MeetingPeriod, first: datetime, last: datetime
) -> list[date]:
    """Whole UTC days of the period: [since, until) when --until is given (never after now),
    else the first to the last start."""
    low = (ctx.start or first).date()
    if not period.asked:
        high = last.date() + timedelta(days=1)
    else:
        # A bound inside a day takes that whole day: weeks are counted in whole days.
        end = period.end
        high = end.date() + timedelta(days=int(end.time() != datetime.min.time()))
    return [low + timedelta(days=i) for i in range((high - low).days)]


@dataclass(frozen=True)
class MeetingFrames:
    """The three meeting frames (None without meetings in the period) and the notes on them."""

    meetings: ir.Table | None
    attendee_days: ir.Table | None
    attended: ir.Table | None
    notes: tuple[str, ...] = ()
    # Metric id -> why this period leaves it unknown (beside what the exports cannot show).
    unknown: tuple[tuple[str, str], ...] = ()
    # Where the period ends for calendar evidence (:func:`meeting_period`), for the other
    # calendar frames to end it there too without asking the engine again.
    end: datetime = datetime.max


def build_meeting_frames(ctx: FrameContext) -> MeetingFrames:
    """The ``meetings``, ``attendee_days`` and ``attended`` frames; None without meetings."""
    raw = ctx.evidence.table("meetings")
    now = datetime.now(UTC).replace(tzinfo=None)
    period = meeting_period(ctx, now)
    since = raw.start_at >= ctx.start if ctx.start is not None else ibis.literal(True)
    inside = since & (raw.start_at < period.end)
    held = ~raw.cancelled.coalesce(False) & ~raw.all_day.coalesce(False)
    counts = (
        raw.aggregate(inside=raw.count(where=inside), later=raw.count(where=since & ~inside & held))
        .to_pyarrow()
        .to_pylist()[0]
    )
    notes = _period_notes(ctx, period, int(counts["later"] or 0))
    if not counts["inside"]:
        return MeetingFrames(None, None, None, notes, end=period.end)
    unknown = tuple(
        (metric_id, "the period holds no human message to read what was written around a meeting")
        for metric_id in MESSAGE_READERS
        if ctx.first is None
    )
    if ctx.first is None:
        unknown += (
            (
                DEEP_WORK_METRIC,
                "the period holds no human message: whether a meeting-free block was also "
                "free of messages cannot be told",
            ),
        )
    in_period = raw.filter(inside).distinct(on="meeting_key", keep="first")
    counted = in_period.filter(
        ~in_period.cancelled.coalesce(False), ~in_period.all_day.coalesce(False)
    )

    attendance = ctx.evidence.table("attendance").distinct(
        on=["meeting_key", "person_key"], keep="first"
    )
    invited = attendance.group_by(i_key=attendance.meeting_key).aggregate(
        invited=attendance.count()
    )
    counted = counted.left_join(invited, counted.meeting_key == invited.i_key).drop("i_key")
    counted = counted.mutate(
        m_start_s=instant_seconds(counted.start_at),
        m_end_s=instant_seconds(counted.end_at),
        private=counted.private.coalesce(False),
        # The source's count where it has one, else the invitations the store holds.
        attendees=counted.attendee_count.coalesce(counted.invited).coalesce(0),
    )
    bounds = counted.aggregate(first=counted.start_at.min(), last=counted.start_at.max())
    bounds_row = bounds.to_pyarrow().to_pylist()[0]
    first, last = bounds_row["first"], bounds_row["last"]
    if first is None:
        # Rows in the period, all cancelled or all-day: zero meetings held, which is evidence.
        first = last = ctx.start or datetime(2000, 1, 1)

    zones = {str(ctx.defaults["tz"]), "UTC", *ctx.schedule.tz.to_pyarrow().to_pylist()}
    days = _period_days(ctx, period, first, last)
    # The attendee-day grid may reach beyond the meetings' own days, and the deep-work figure
    # reads the messages of days without a meeting: the lookups cover both.
    low = min([first.date(), *days[:1]]) - timedelta(days=2)
    high = max([last.date(), *days[-1:]]) + timedelta(days=2)
    offsets = ibis.memtable(offset_table(zones, low, high))
    days_off = DaysOff.over(ctx.days_off, low, high)
    organized = ctx.with_schedule(counted, "organizer_key")
    organized = with_local_seconds(
        organized, ts="start_at", zone="tz", offsets=offsets, out="organizer_local_s"
    )
    organized, organizer_off = days_off.mark(organized, "organizer_local_s")
    lead_s = organized.m_start_s - instant_seconds(organized.booked_at)
    agenda_s = instant_seconds(organized.agenda_at)
    shared = ~organized.private
    meetings = organized.select(
        "meeting_key",
        "start_at",
        "end_at",
        "m_start_s",
        "m_end_s",
        "private",
        "attendees",
        month=organized.start_at.strftime("%Y-%m"),
        duration_s=organized.m_end_s - organized.m_start_s,
        # Share columns are null where the instance is private or the source does not say, so
        # that a mean over them is the share over the instances that tell.
        has_agenda=ibis.cases((shared, organized.agenda), else_=ibis.null("boolean")),
        in_series=ibis.cases((shared, organized.recurring), else_=ibis.null("boolean")),
        ad_hoc=ibis.cases((shared, lead_s < AD_HOC_S), else_=ibis.null("boolean")),
        # Null too on the organizer's day off: neither inside nor outside their hours.
        outside_hours=ibis.cases(
            (
                shared,
                outside_hours(organized, organized.organizer_local_s, days_off=organizer_off),
            ),
            else_=ibis.null("boolean"),
        ),
        # The instance's own invitation, changed last after the start, hides when its agenda
        # was written: unknown, like an instance whose source cannot tell (agenda_at null).
        agenda_lead_s=ibis.cases(
            (
                shared & organized.agenda.coalesce(False) & (agenda_s <= organized.m_start_s),
                organized.m_start_s - agenda_s,
            ),
            else_=ibis.null("float64"),
        ),
        meeting_type=ibis.cases(
            (~shared, ibis.null("string")),
            (
                organized.m_end_s - organized.m_start_s <= HOUR_S,
                ibis.cases(
                    (organized.attendees <= TYPE_SIZE_LIMIT, "decision-making"), else_="large"
                ),
            ),
            (organized.attendees <= TYPE_SIZE_LIMIT, "long"),
            else_="long and large",
        ),
        on_no_meeting_day=ibis.cases(
            (shared & bool(ctx.no_meeting_days), _weekday_in(organized.organizer_local_s, ctx)),
            else_=ibis.null("boolean"),
        ),
        in_focus_block=ibis.cases(
            (
                shared & bool(ctx.focus_spans),
                _overlaps_spans(
                    organized.organizer_local_s,
                    organized.m_end_s - organized.m_start_s,
                    ctx.focus_spans,
                ),
            ),
            else_=ibis.null("boolean"),
        ),
        counts_hours=shared
        & (organized.m_end_s - organized.m_start_s < LONG_MEETING_S)
        & (organized.attendees >= SMALLEST_MEETING)
        & (organized.attendees < LARGE_MEETING),
    )
    meetings = _with_meeting_conduct(ctx, meetings, organized, attendance)
    meetings = ctx.evidence.materialize("_am_meetings", meetings)
    attendee_days, attended = _attendee_days(ctx, meetings, attendance, offsets, days_off, days)
    # Each attendee's own clock and working hours decide whether the meeting is outside them
    # (neither, null, on the attendee's day off).
    local = ctx.with_schedule(attended, "person_key")
    local = with_local_seconds(local, ts="start_at", zone="tz", offsets=offsets, out="local_s")
    local, attendee_off = days_off.mark(local, "local_s")
    attended_frame = local.select(
        "person_key",
        "meeting_key",
        "start_at",
        "month",
        outside_hours=outside_hours(local, local.local_s, days_off=attendee_off),
    )
    return MeetingFrames(
        meetings,
        attendee_days,
        ctx.evidence.materialize("_am_attended_hours", attended_frame),
        notes,
        unknown,
        end=period.end,
    )


def _period_notes(ctx: FrameContext, period: MeetingPeriod, later: int) -> tuple[str, ...]:
    """What the end of the meeting period left out, in words for the measurement's notes."""
    notes: tuple[str, ...] = ()
    if period.clipped:
        notes += (
            f"--until lies in the future: meetings are counted up to now "
            f"({period.end:%Y-%m-%d %H:%M} UTC), as none after it has happened",
        )
    instances = f"{later:,} meeting instances start" if later != 1 else "1 meeting instance starts"
    if later and period.evidence_end is not None:
        notes += (
            f"{instances} after the last message or work record "
            f"({period.evidence_end:%Y-%m-%d %H:%M} UTC) and {'are' if later != 1 else 'is'} not "
            "counted: a calendar lists meetings before they happen; pass --until to count them",
        )
    elif later and not period.asked:
        notes += (
            f"{instances} after now ({period.end:%Y-%m-%d %H:%M} UTC) and "
            f"{'are' if later != 1 else 'is'} not counted",
        )
    return notes


def meeting_notes(frames: Frames) -> list[str]:
    """The notes of the run's meeting frames: what the end of their period left out."""
    return list(_meeting_frames(frames).notes)


def meeting_unknown(frames: Frames) -> dict[str, str]:
    """Metric id -> why the run's meetings leave it unknown although the exports show enough."""
    return dict(_meeting_frames(frames).unknown)


# A meeting's written outcome may follow it by up to two days; a thread that stalled before an
# ad hoc meeting was active in the day before the booking.
WRITTEN_OUTCOME_S = 2 * DAY_S
STALLED_THREAD_S = DAY_S


def _by_person_within(rows: ir.Table, events: ir.Table, *, high_inclusive: bool = True) -> ir.Table:
    """`rows` (a_person, w_low, w_high) joined to the `events` (w_author, w_s, ...) of the same
    person with w_low <= w_s <= w_high (< w_high unless `high_inclusive`).

    A join on the person alone would pair every row with all of that person's events, a cost
    that grows with the square of the period; each row instead meets only the events of the
    UTC days its window spans (an event falls on exactly one day, so none is met twice). The days
    are unnested from each row's own range, not from a table of offsets as wide as the widest
    window: that would need a query of its own to find the width (on Spark, a job).
    """
    first_day = (rows.w_low / DAY_S).floor()
    last_day = (rows.w_high / DAY_S).floor()
    days = rows.mutate(d_day=ibis.range(first_day, last_day + 1).unnest())
    dated = events.mutate(e_day=(events.w_s / DAY_S).floor())
    upper = dated.w_s <= days.w_high if high_inclusive else dated.w_s < days.w_high
    joined = days.join(
        dated,
        (days.a_person == dated.w_author)
        & (days.d_day == dated.e_day)
        & (dated.w_s >= days.w_low)
        & upper,
    )
    return joined.drop("d_day", "e_day")


def _with_meeting_conduct(
    ctx: FrameContext, meetings: ir.Table, organized: ir.Table, attendance: ir.Table
) -> ir.Table:
    """`meetings` with the two meeting-side friction indicators (null where they do not apply).

    * ``decision_unwritten``: a kick-off, approval or decision meeting (by its title) whose
      outcome has no written trace: no notes or recording link on the event, no work item of
      kind decision created and no human message stating a decision or linking a record, by any
      of its attendees, from its start to :data:`WRITTEN_OUTCOME_S` after its end.
    * ``after_stalled_thread``: an ad hoc meeting booked while a chat or mail thread was stalling:
      two or more of its attendees wrote in the thread in the :data:`STALLED_THREAD_S` before the
      booking, and none of its attendees wrote in it again between the booking and the meeting's
      start.

    Both read messages: where the period holds no human message (a calendar-only store), there
    is nothing to read, and both are unknown (null) for every meeting rather than "unwritten"
    and "not stalled".
    """
    if ctx.first is None:
        return meetings.mutate(
            decision_unwritten=ibis.null("boolean"), after_stalled_thread=ibis.null("boolean")
        )
    people = attendance.filter(
        attendance.response.isnull() | (attendance.response.lower() != MeetingResponse.DECLINED)
    ).select(a_meeting=attendance.meeting_key, a_person=attendance.person_key)
    shared = ~organized.private.coalesce(False)
    facts = organized.select(
        f_key=organized.meeting_key,
        f_start_s=organized.m_start_s,
        f_end_s=organized.m_end_s,
        f_booked_s=instant_seconds(organized.booked_at),
        f_decision=shared & organized.decision_meeting.coalesce(False),
        f_notes=organized.notes.coalesce(False),
        f_ad_hoc=shared & (organized.m_start_s - instant_seconds(organized.booked_at) < AD_HOC_S),
    )
    raw = ctx.evidence.table("messages")
    human = raw.filter(raw.kind == MessageKind.HUMAN, raw.author_key.notnull())
    messages = human.select(
        w_author=human.author_key,
        w_thread=human.thread_root_key.coalesce(human.message_key),
        w_s=instant_seconds(human.sent_at),
        w_outcome=human.decision_language.coalesce(False)
        | (record_links(human, ctx.record_systems).coalesce(0) > 0),
    )
    items = ctx.evidence.table("work_items")
    records = items.filter(items.kind == WorkItemKind.DECISION, items.author_key.notnull()).select(
        w_author=items.author_key, w_s=instant_seconds(items.created_at)
    )

    deciding = facts.filter(facts.f_decision).join(people, facts.f_key == people.a_meeting)
    deciding = deciding.mutate(
        w_low=deciding.f_start_s, w_high=deciding.f_end_s + WRITTEN_OUTCOME_S
    )
    written_by_message = _by_person_within(deciding, messages.filter(messages.w_outcome))
    written_by_record = _by_person_within(deciding, records)
    written = written_by_message.select(o_key="f_key").union(
        written_by_record.select(o_key="f_key")
    )
    written = written.distinct()

    booked = facts.filter(facts.f_ad_hoc).join(people, facts.f_key == people.a_meeting)
    booked = booked.mutate(w_low=booked.f_booked_s - STALLED_THREAD_S, w_high=booked.f_start_s)
    talk = _by_person_within(booked, messages, high_inclusive=False)
    per_thread = talk.group_by(s_key=talk.f_key, s_thread=talk.w_thread).aggregate(
        writers=talk.w_author.nunique(where=talk.w_s <= talk.f_booked_s),
        after_booking=(talk.w_s > talk.f_booked_s).sum(),
    )
    stalled = (
        per_thread.filter(per_thread.writers >= 2, per_thread.after_booking == 0)
        .select(st_key=per_thread.s_key)
        .distinct()
    )

    flags = facts.left_join(written, facts.f_key == written.o_key)
    flags = flags.left_join(stalled, flags.f_key == stalled.st_key)
    flags = flags.select(
        c_key=flags.f_key,
        decision_unwritten=ibis.cases(
            (flags.f_decision, ~flags.f_notes & flags.o_key.isnull()), else_=ibis.null("boolean")
        ),
        after_stalled_thread=ibis.cases(
            (flags.f_ad_hoc, flags.st_key.notnull()), else_=ibis.null("boolean")
        ),
    )
    return meetings.left_join(flags, meetings.meeting_key == flags.c_key).drop("c_key")


def _weekday_in(local_s: ir.FloatingValue, ctx: FrameContext) -> ir.BooleanValue:
    weekday, _ = hour_of_week(local_s)
    return weekday.isin(sorted(ctx.no_meeting_days))


def _overlaps_spans(
    local_s: ir.FloatingValue,
    duration_s: ir.FloatingValue,
    spans: tuple[tuple[frozenset[int], int, int], ...],
) -> ir.BooleanValue:
    """True when [local_s, local_s + duration_s) overlaps a span on its start's local day."""
    weekday, _ = hour_of_week(local_s)
    second = local_s - (local_s / DAY_S).floor() * DAY_S
    hit = ibis.literal(False)
    for days, start_s, end_s in spans:
        hit |= weekday.isin(sorted(days)) & (second < end_s) & (second + duration_s > start_s)
    return hit


def _attendee_days(
    ctx: FrameContext,
    meetings: ir.Table,
    attendance: ir.Table,
    offsets: ir.Table,
    days_off: DaysOff,
    period: list[date],
) -> tuple[ir.Table, ir.Table]:
    """One row per active attendee and period day (merged meeting and focus seconds), and the
    attended (person, instance) rows it was computed from. A person's day off (holiday,
    out-of-office) has no working window, like a weekend: no focus time."""
    bots = bot_keys(ctx)
    people = attendance.filter(
        not_in(attendance.person_key, ctx.excluded),
        attendance.response.isnull() | (attendance.response.lower() != MeetingResponse.DECLINED),
    )
    people = people.anti_join(bots, people.person_key == bots.b_key)
    hours = meetings.filter(meetings.counts_hours)
    attended = people.join(hours, people.meeting_key == hours.meeting_key).select(
        person_key=people.person_key,
        meeting_key=hours.meeting_key,
        start_at=hours.start_at,
        end_at=hours.end_at,
        m_start_s=hours.m_start_s,
        m_end_s=hours.m_end_s,
        month=hours.month,
    )
    # In start order, a meeting adds only what lies beyond the latest end before it: every earlier
    # meeting started no later, so the one reaching that end covers the time up to it. The sum of
    # these parts is the person's merged meeting time, and each part stays with its own instance.
    earlier = ibis.window(
        group_by=attended.person_key,
        order_by=[attended.m_start_s, attended.m_end_s, attended.meeting_key],
        rows=(None, -1),
    )
    reached = attended.m_end_s.max().over(earlier).coalesce(attended.m_start_s)
    attended = attended.mutate(
        own_s=ibis.greatest(attended.m_end_s - ibis.greatest(attended.m_start_s, reached), 0.0)
    )
    attended = ctx.evidence.materialize("_am_attended", attended)
    attended_rows = attended

    per_day = attended.group_by(
        p_key=attended.person_key, p_day=attended.start_at.date()
    ).aggregate(meeting_s=attended.own_s.sum())
    per_month = attended.select(a_key=attended.person_key, a_month=attended.month).distinct()

    days = ibis.memtable(pa.table({"day": pa.array(period, pa.date32())}))
    active = attended.select(a_person=attended.person_key).distinct()
    grid = ctx.with_schedule(active.cross_join(days), "a_person")
    day_at = grid.day.cast("timestamp")
    day_index = (day_at.epoch_seconds() / DAY_S).round().cast("int64")
    grid = grid.mutate(
        day_at=day_at,
        day_index=day_index,
        window_start=day_index.cast("float64") * DAY_S + grid.start_s.cast("float64"),
    )
    grid, off = days_off.mark(grid, "window_start")
    grid = grid.mutate(
        window_end=grid.window_start + grid.len_s.cast("float64"),
        working=is_working_time(grid, grid.window_start, days_off=off),
    )
    focus = _focus_inside_windows(ctx, attended, grid, offsets)
    block_s = ctx.charter.deep_work_block_hours * 3600
    quiet = _focus_inside_windows(
        ctx, _with_own_messages(ctx, attended, period), grid, offsets, block_s=block_s
    ).rename(q_key="f_key", q_day="f_day", quiet_inner_s="inner_focus_s", quiet_end="last_end")

    frame = grid.left_join(
        focus, (grid.a_person == focus.f_key) & (grid.day_index == focus.f_day)
    ).drop("f_key", "f_day")
    frame = frame.left_join(
        quiet, (frame.a_person == quiet.q_key) & (frame.day_index == quiet.q_day)
    ).drop("q_key", "q_day")
    frame = frame.left_join(
        per_day, (frame.a_person == per_day.p_key) & (frame.day == per_day.p_day)
    ).drop("p_key", "p_day")
    month = frame.day.strftime("%Y-%m")
    frame = frame.left_join(
        per_month, (frame.a_person == per_month.a_key) & (month == per_month.a_month)
    )
    tail = frame.window_end - frame.last_end.coalesce(frame.window_start)
    tail_block = ibis.cases((tail >= FOCUS_BLOCK_S, tail), else_=0.0)
    quiet_tail = frame.window_end - frame.quiet_end.coalesce(frame.window_start)
    # Without messages in the period, a block free of them says nothing: unknown (null).
    protected = (frame.quiet_inner_s.coalesce(0.0) > 0) | (quiet_tail >= block_s)
    protected_day = (
        ibis.cases((frame.working, protected), else_=ibis.null("boolean"))
        if ctx.first is not None
        else ibis.null("boolean")
    )
    result = frame.select(
        person_key=frame.a_person,
        day_at=frame.day_at,
        month=month,
        meeting_s=frame.meeting_s.coalesce(0.0),
        focus_s=ibis.cases(
            (frame.working, frame.inner_focus_s.coalesce(0.0) + tail_block), else_=0.0
        ),
        protected_day=protected_day,
        # The person attended something that month: who counts for the minimum group size.
        active_in_month=frame.a_key.notnull(),
    )
    return ctx.evidence.materialize("_am_attendee_days", result), attended_rows


def _with_own_messages(ctx: FrameContext, attended: ir.Table, period: list[date]) -> ir.Table:
    """The attended meetings (person_key, meeting_key, start_at, end_at) and, as busy spans of
    :data:`MESSAGE_SPAN`, the human messages each attendee sent around the period's days."""
    spans = attended.select("person_key", "meeting_key", "start_at", "end_at")
    if ctx.first is None or not period:
        return spans
    raw = ctx.evidence.table("messages")
    # A local day reaches at most a day past either end of the UTC days of the period.
    low = datetime.combine(period[0] - timedelta(days=1), datetime.min.time())
    high = datetime.combine(period[-1] + timedelta(days=2), datetime.min.time())
    sent = raw.filter(
        raw.kind == MessageKind.HUMAN,
        raw.author_key.notnull(),
        raw.sent_at >= low,
        raw.sent_at < high,
    )
    people = spans.select(o_person=spans.person_key).distinct()
    sent = sent.join(people, sent.author_key == people.o_person)
    own = sent.select(
        person_key=sent.author_key.cast("string"),
        meeting_key=sent.message_key.cast("string"),
        start_at=sent.sent_at.cast("timestamp"),
        end_at=(sent.sent_at + MESSAGE_SPAN).cast("timestamp"),
    )
    typed = spans.select(
        person_key=spans.person_key.cast("string"),
        meeting_key=spans.meeting_key.cast("string"),
        start_at=spans.start_at.cast("timestamp"),
        end_at=spans.end_at.cast("timestamp"),
    )
    return typed.union(own)


def _focus_inside_windows(
    ctx: FrameContext,
    attended: ir.Table,
    grid: ir.Table,
    offsets: ir.Table,
    *,
    block_s: float = FOCUS_BLOCK_S,
) -> ir.Table:
    """Per person and local day: seconds in free blocks of `block_s` or more before the last
    busy span (a meeting, or whatever else `attended` lists)."""
    local = ctx.with_schedule(attended, "person_key")
    local = with_local_seconds(local, ts="start_at", zone="tz", offsets=offsets, out="local_start")
    local = with_local_seconds(local, ts="end_at", zone="tz", offsets=offsets, out="local_end")
    # Working hours end by local midnight and Viva's set has no meeting of 8 h or more, so a
    # meeting touches the working window of at most its start's and its end's local days.
    # Both days come from one pass over `local` (a union of one select per day computed its
    # lookups twice, and deduplicated the rows after); a span is one row per (person, item),
    # so listing its end's day only where it differs leaves no row twice.
    start_day = (local.local_start / DAY_S).floor().cast("int64")
    end_day = (local.local_end / DAY_S).floor().cast("int64")
    touched = local.select(
        s_key=local.person_key,
        s_meeting=local.meeting_key,
        s_day=ibis.cases(
            # A null day (a zone's offsets not covering it) joins no window, as before.
            (start_day.isnull() | (end_day != start_day), ibis.array([start_day, end_day])),
            else_=ibis.array([start_day]),
        ).unnest(),
        local_start=local.local_start,
        local_end=local.local_end,
    )
    windows = grid.filter(grid.working).select(
        "a_person", "day_index", "window_start", "window_end"
    )
    clipped = touched.join(
        windows, (touched.s_key == windows.a_person) & (touched.s_day == windows.day_index)
    )
    clipped = clipped.mutate(
        busy_from=ibis.greatest(clipped.local_start, clipped.window_start),
        busy_to=ibis.least(clipped.local_end, clipped.window_end),
    )
    clipped = clipped.filter(clipped.busy_from < clipped.busy_to)
    # The free block before a meeting runs from the latest end of the day's earlier meetings (or
    # the window's start) to its start; a negative gap means it overlaps them.
    earlier = ibis.window(
        group_by=[clipped.s_key, clipped.s_day],
        order_by=[clipped.busy_from, clipped.busy_to, clipped.s_meeting],
        rows=(None, -1),
    )
    gap = clipped.busy_from - clipped.busy_to.max().over(earlier).coalesce(clipped.window_start)
    gaps = clipped.mutate(block=ibis.cases((gap >= block_s, gap), else_=0.0))
    return gaps.group_by(f_key=gaps.s_key, f_day=gaps.s_day).aggregate(
        inner_focus_s=gaps.block.sum(), last_end=gaps.busy_to.max()
    )


def build_work_frame(ctx: FrameContext) -> ir.Table | None:
    """The ``work_items`` frame, None without work items created in the period."""
    raw = ctx.evidence.table("work_items")
    items = raw.filter(within_period(raw.created_at, ctx), not_in(raw.author_key, ctx.excluded))
    if int(items.count().execute()) == 0:
        return None
    items = items.distinct(on="item_key", keep="first")
    bots = bot_keys(ctx)

    events = ctx.evidence.table("work_events").distinct(on="event_key", keep="first")
    responses = events.filter(
        events.kind.isin(list(RESPONSE_EVENTS)),
        events.actor_key.notnull(),
        not_in(events.actor_key, ctx.excluded),
    )
    responses = responses.anti_join(bots, responses.actor_key == bots.b_key)
    asked = items.select(r_item="item_key", r_author="author_key", r_created="created_at")
    pairs = asked.join(
        responses,
        (asked.r_item == responses.item_key)
        & (asked.r_author.isnull() | (responses.actor_key != asked.r_author))
        # An event dated before its item (an imported or moved issue) answered nothing asked here.
        & (responses.occurred_at >= asked.r_created),
    )
    first_responses = pairs.group_by("r_item").aggregate(first_at=pairs.occurred_at.min())

    items = items.left_join(first_responses, items.item_key == first_responses.r_item).drop(
        "r_item"
    )
    items = items.left_join(bots, items.author_key == bots.b_key)
    kind = items.kind.lower()
    is_pr = kind.isin(list(PULL_REQUEST_KINDS))
    is_item = is_pr | kind.isin(list(ISSUE_KINDS))
    closed = ibis.least(
        items.closed_at.coalesce(items.merged_at), items.merged_at.coalesce(items.closed_at)
    )
    created_s = instant_seconds(items.created_at)
    frame = items.select(
        "item_key",
        "created_at",
        "author_key",
        kind=kind,
        month=items.created_at.strftime("%Y-%m"),
        author_is_bot=items.b_key.notnull(),
        is_item=is_item,
        is_decision=kind == WorkItemKind.DECISION,
        first_response_s=ibis.cases(
            (is_item, instant_seconds(items.first_at) - created_s), else_=ibis.null("float64")
        ),
        close_s=ibis.cases(
            (is_item, instant_seconds(closed) - created_s), else_=ibis.null("float64")
        ),
        has_owner=ibis.cases((is_item, items.assignees > 0), else_=ibis.null("boolean")),
        linked=ibis.cases((is_pr, items.links.length() > 0), else_=ibis.null("boolean")),
        decision_cycle_s=ibis.cases(
            (kind == WorkItemKind.DECISION, instant_seconds(closed) - created_s),
            else_=ibis.null("float64"),
        ),
    )
    return ctx.evidence.materialize("_am_work_items", frame)


def _meeting_frames(frames: Frames) -> MeetingFrames:
    return frames.shared(build_meeting_frames)


register_frame(
    FrameSpec("meetings", "meetings", "start_at", lambda frames: _meeting_frames(frames).meetings)
)
register_frame(
    FrameSpec(
        "attendee_days",
        "meetings",
        "day_at",
        lambda frames: _meeting_frames(frames).attendee_days,
        # The people of the meetings family: those who attended a meeting that month.
        people=lambda t: t.person_key.nunique(where=t.active_in_month),
        needs=(Visibility.ATTENDEES,),
    )
)
register_frame(
    FrameSpec(
        "attended",
        "meetings",
        "start_at",
        lambda frames: _meeting_frames(frames).attended,
        needs=(Visibility.ATTENDEES,),
    )
)
register_frame(
    FrameSpec(
        "work_items",
        "work",
        "created_at",
        lambda frames: build_work_frame(frames.context),
        people=lambda t: t.author_key.nunique(where=~t.author_is_bot),
    )
)
