"""The figures of the activity map (the Asynchronous Communication Framework's grid), and the
``offline_events`` frame that the offline-activities figures aggregate.

Each activity of the framework is placed on its scheduled/unscheduled x synchronous/asynchronous
grid by one of these figures (see ``frameworks/data/acf.yaml``); the online meetings reuse
``meetings.ad_hoc_share`` and the deep work reads the ``attendee_days`` frame's
``protected_day`` column.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from asyncmaturity.metrics.business import DAY_S
from asyncmaturity.metrics.evidence_frames import LONG_MEETING_S, build_meeting_frames
from asyncmaturity.metrics.frameset import Frames, FrameSpec, register_frame
from asyncmaturity.metrics.registry import (
    SCHEDULE_PARAMETERS,
    WORKING_HOURS_TEXT,
    Metric,
    Sample,
    share_metric,
)
from asyncmaturity.metrics.timezones import instant_seconds
from asyncmaturity.vocabulary import ConversationKind

OFFLINE_FRAME = "offline_events"
_OFFLINE = (
    "Offline activities are the calendar's all-day events and those lasting 8 h or more "
    "(workshops, offsites, conference days) that start in the period and are neither cancelled "
    "nor private; a calendar cannot tell an in-person day from an online one, nor a gathering "
    "from a day marked for everyone, so each such event counts. The period ends as the meeting "
    "metrics' does."
)


def build_offline_frame(frames: Frames) -> ir.Table | None:
    """One row per offline activity of the period (see :data:`_OFFLINE`), with how far ahead
    it was booked; None when the store holds no calendar row in the period."""
    ctx = frames.context
    raw = ctx.evidence.table("meetings")
    # The meeting frames' period, computed once per run (it asks the engine for the evidence's end).
    end = frames.shared(build_meeting_frames).end
    since = raw.start_at >= ctx.start if ctx.start is not None else ibis.literal(True)
    in_period = raw.filter(since, raw.start_at < end)
    if int(in_period.count().execute()) == 0:
        return None
    events = in_period.distinct(on="meeting_key", keep="first")
    start_s = instant_seconds(events.start_at)
    duration_s = instant_seconds(events.end_at) - start_s
    events = events.filter(
        ~events.cancelled.coalesce(False),
        ~events.private.coalesce(False),
        events.all_day.coalesce(False) | (duration_s >= LONG_MEETING_S),
    )
    lead_s = instant_seconds(events.start_at) - instant_seconds(events.booked_at)
    ahead_s = ctx.charter.offline_planning_days * DAY_S
    return events.select(
        "meeting_key",
        "start_at",
        month=events.start_at.strftime("%Y-%m"),
        lead_s=lead_s,
        # Null where the calendar does not say when it was booked: left out of the share.
        planned=lead_s >= ahead_s,
    )


def _written_answer(t: ir.Table) -> ir.BooleanValue:
    """Per candidate: a request answered in its exchange and never moved (null: no request)."""
    return ibis.cases((t.is_request, t.answered & ~t.moved), else_=ibis.null("boolean"))


def _written_answer_share(t: ir.Table) -> ir.Scalar:
    answered = (t.is_request & t.answered).cast("int64").sum()
    share = _written_answer(t).cast("float64").mean()
    return ibis.cases((answered > 0, share), else_=ibis.null("float64"))


ACTIVITY_METRICS: tuple[Metric, ...] = (
    share_metric(
        "focus.protected_day_share",
        "Days with protected deep work",
        "attendee_days",
        "Over each active attendee's working days of the period (their own time zone; days off "
        "and weekends left out): the share with an uninterrupted block of at least the charter's "
        "deep_work_block_hours (default 2 h) inside their working hours, free both of the "
        "meetings they attended and of the human messages they sent themselves (a message "
        "occupies the second it was sent in). Unknown where the period holds no human message. "
        f"{WORKING_HOURS_TEXT} The meetings (Viva Insights' set), active attendees and days are "
        "those of focus.hours_per_person_week; people are matched across calendar and chat by "
        "their resolved identity, so an attendee whose chat identity is another key reads as "
        "sending no message.",
        lambda t: t.protected_day,
        parameters=(*SCHEDULE_PARAMETERS, "deep_work_block_hours"),
        after_hours=True,
        differs_from="Viva Insights' focus hours count meeting-free blocks only; this also asks "
        "that the person sent nothing in the block, the trace of an interruption that chat "
        "evidence can show.",
        better="higher",
    ),
    Metric(
        "await.written_answer_share",
        "Requests answered in writing",
        "share",
        "requests",
        "Over requests: the share answered by someone other than the requester in the exchange "
        "itself (a reply in the thread, a later event on the item) and never asked to move to a "
        "call, huddle or DM: daily operations run asynchronously. Unknown where no request of "
        "the period got any reply in its exchange: an export without reply threads (a Slack "
        "export from before threads) cannot show an answer, and a zero would read as silence.",
        _written_answer_share,
        sample=Sample("mean", _written_answer),
        better="higher",
    ),
    Metric(
        "offline.events",
        "Offline activities",
        "count",
        OFFLINE_FRAME,
        f"Count of offline activities. {_OFFLINE}",
        lambda t: t.count(),
        sample=Sample("sum", lambda t: ibis.literal(1)),
    ),
    share_metric(
        "offline.planned_share",
        "Offline activities planned ahead",
        OFFLINE_FRAME,
        "Over offline activities with a booking time: the share booked at least the charter's "
        f"offline_planning_days (default 14) before they start. {_OFFLINE}",
        lambda t: t.planned,
        parameters=("offline_planning_days",),
        better="higher",
    ),
    share_metric(
        "emergencies.urgent_channel_share",
        "Urgent signals in the urgent channel",
        "human",
        "Over human messages that signal urgency (those in an urgent channel, and those that "
        "notify a whole channel with @here, @channel or @everyone): the share sent in an urgent "
        "channel (a channel the source marks urgent or the charter's urgent_channels names). "
        "Low: emergencies ride on broadcasts in everyday channels instead of one dedicated path.",
        lambda t: t.conversation_kind == str(ConversationKind.URGENT_CHANNEL),
        lambda t: (
            (t.conversation_kind == str(ConversationKind.URGENT_CHANNEL))
            | t.broadcast.coalesce(False)
        ),
        parameters=("urgent_channels",),
        better="higher",
    ),
    share_metric(
        "ledger.emergency_share",
        "Emergency ledger requests",
        "ledger",
        "Over ledger requests created in the period: the share raised as an emergency (urgency "
        "label 'urgency:emergency': synchronous by definition, no response window). Ledger "
        "requests are those of the AWAIT request ledger of `asyncmaturity serve`.",
        lambda t: t.emergency,
        better="lower",
    ),
)


register_frame(FrameSpec(OFFLINE_FRAME, "meetings", "start_at", build_offline_frame))
