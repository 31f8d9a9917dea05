"""AWAIT compliance and coordination-friction metrics, over the signals ingest derives from text.

Every message source stores the AWAIT signals of each message (:mod:`asyncmaturity.await_protocol.rules`,
the same rules as `asyncmaturity lint`), so these metrics need no message text. A request is a
thread root (a chat message that starts a thread or stands alone, an e-mail that is not a reply)
whose text asks someone for something. Messages ingested before the store carried signals
(schema 3) have none: their roots are unknown, not non-compliant, and a store without any signal
gives null.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir

from asyncmaturity.metrics.exchanges import (
    CLARIFICATION_SPAN_S,
    PING_PONG_SPAN_S,
    PING_PONG_TURNS,
)
from asyncmaturity.metrics.registry import Better, Metric, Sample, share_metric
from asyncmaturity.vocabulary import Visibility

_REQUEST = (
    "A request is a human thread root whose text asks someone for something: a question, a "
    "polite or imperative ask, an approval or review sought (the rules of `asyncmaturity lint`, "
    "docs/await.md)."
)
_RULES = "Read from the message text at ingest with the rules of `asyncmaturity lint`."
_ANCHOR = "WMI model, AWAIT protocol (Assign, Window, Action, Information, Thread)."
_EXCHANGE = (
    "The exchange is a chat or mail thread's human messages (its root, then its replies in time "
    "order: a Slack thread, a Zulip topic, a Mattermost or Teams reply chain, a mail thread) or "
    "an issue's comments and reviews with text in time order; a turn is a run of consecutive "
    "messages by one person."
)


def _hours(seconds: float) -> str:
    """`seconds` as hours for a definition's text ("8", "24", "1.5")."""
    return f"{seconds / 3600:g}"


_NEEDS_MESSAGES = (
    "Meetings count as meetings.instances says. Unknown (null), not 0% or 100%, when no export "
    "in the store shows messages (calendars or trackers alone) or the period holds no human "
    "message: there is nothing to read in, and the measurement's unknown metrics say why."
)


def _share(
    metric_id: str,
    label: str,
    frame: str,
    definition: str,
    value: Callable[[ir.Table], ir.BooleanValue],
    where: Callable[[ir.Table], ir.BooleanValue] | None = None,
    differs_from: str = "",
    better: Better | None = None,
    needs: tuple[Visibility, ...] = (),
) -> Metric:
    """A share over the requests, messages or meetings frame."""
    return share_metric(
        metric_id,
        label,
        frame,
        definition,
        value,
        where,
        differs_from=differs_from,
        better=better,
        needs=needs,
    )


def _requests(t: ir.Table) -> ir.BooleanValue:
    return t.is_request


def _answered_requests(t: ir.Table) -> ir.BooleanValue:
    return t.is_request & t.answered


def _complete(t: ir.Table) -> ir.BooleanValue:
    return (
        t.await_assign
        & t.await_window
        & t.await_action
        & (t.await_information & ~t.clarified)
        & ~t.moved
    )


AWAIT_METRICS: tuple[Metric, ...] = (
    Metric(
        "await.requests",
        "Requests",
        "count",
        "requests",
        f"Count of requests. {_REQUEST}",
        lambda t: t.is_request.cast("int64").sum(where=t.is_request.notnull()),
        sample=Sample("sum", lambda t: t.is_request.cast("int64")),
    ),
    _share(
        "await.request_share",
        "Thread roots that are requests",
        "requests",
        f"Share of thread roots that are requests. {_REQUEST}",
        _requests,
    ),
    _share(
        "await.assign_share",
        "Requests that assign an owner",
        "requests",
        "Over requests: the share that name who is to act: a mention of a person or group "
        "(@here, @channel, @everyone name nobody), an owner or assignee field, or a name opening "
        f"the request or its greeting. {_RULES}",
        lambda t: t.await_assign,
        _requests,
        differs_from=_ANCHOR,
        better="higher",
    ),
    _share(
        "await.window_share",
        "Requests with a response window",
        "requests",
        "Over requests: the share that state by when (EOD, a weekday, a date, 'within 2 days', "
        f"a time); 'ASAP' and 'soon' are no window. {_RULES}",
        lambda t: t.await_window,
        _requests,
        better="higher",
    ),
    _share(
        "await.action_share",
        "Requests that say what to do",
        "requests",
        "Over requests: the share that name the action required (review, approve, decide, "
        f"confirm, a specific question...) rather than 'thoughts?' or 'let me know'. {_RULES}",
        lambda t: t.await_action,
        _requests,
        better="higher",
    ),
    _share(
        "await.information_share",
        "Requests with complete information",
        "requests",
        "Over requests: the share that carry their context (a link, an attachment, a ticket "
        "reference, a context marker or at least 18 words) and needed no clarification "
        "round-trip (as `friction.clarification_share` counts one).",
        lambda t: t.await_information & ~t.clarified,
        _requests,
        better="higher",
    ),
    _share(
        "await.thread_share",
        "Requests that stay in their thread",
        "requests",
        "Over requests: the share whose thread (the request and every reply) never asks to move "
        "the exchange to a call, huddle or DM ('quick call?', 'DM me', 'take this offline').",
        lambda t: ~t.moved,
        _requests,
        better="higher",
    ),
    _share(
        "await.complete_share",
        "AWAIT-complete requests",
        "requests",
        "Over requests: the share with all five elements as the metrics above define them "
        "(owner, window, action, information without a clarification round-trip, thread kept). "
        "The WMI model places level 3 where this is the operating standard.",
        _complete,
        _requests,
        differs_from=_ANCHOR,
        better="higher",
    ),
    _share(
        "friction.clarification_share",
        "Requests needing a clarification",
        "requests",
        "Over answered requests: the share that needed a clarification round-trip: someone other "
        "than the request's author asked back what was meant ('which PR?', 'what do you mean?') "
        "and the request's author answered: the author's is the next message of the exchange by "
        f"anyone but the asker, at most {_hours(CLARIFICATION_SPAN_S)} h after the question. "
        f"{_EXCHANGE} In a chat or mail thread the question is any reply; on a tracker, a later "
        "comment. A question put to someone else in a long discussion is no clarification of the "
        "request.",
        lambda t: t.clarified,
        _answered_requests,
        better="lower",
    ),
    _share(
        "friction.ping_pong_share",
        "Ping-pong threads",
        "requests",
        "Over answered thread roots and tracker comments: the share whose exchange holds a "
        f"ping-pong: {PING_PONG_TURNS} consecutive turns alternating between the same two people "
        f"(A B A B A, {PING_PONG_TURNS - 1} changes of speaker), the last starting at most "
        f"{_hours(PING_PONG_SPAN_S)} h after the first; a third person's turn ends the run. "
        f"{_EXCHANGE} A thread counts a ping-pong anywhere in it; a tracker comment one that its "
        "author takes part in and whose last turn starts after it. A long discussion among many "
        "people is no ping-pong. GitLab's handbook moves such a back-and-forth to a call.",
        lambda t: t.ping_pong,
        lambda t: t.answered & t.is_request.notnull(),
        differs_from="GitLab handbook: 'more than three back-and-forths', counted here as "
        f"changes of speaker between two people within {_hours(PING_PONG_SPAN_S)} h.",
        better="lower",
    ),
    _share(
        "friction.nudge_share",
        "Requests chased by their author",
        "requests",
        "Over requests: the share whose author posted a nudge in the thread ('any update?', "
        "'bump', 'gentle reminder') before anyone else replied.",
        lambda t: t.nudged,
        _requests,
        better="lower",
    ),
    _share(
        "friction.bare_greeting_share",
        "Bare greetings",
        "requests",
        "Share of thread roots that are a greeting and nothing else ('hi', 'hey @sam, got a "
        "minute?'): the receiver has to wait for the actual question (nohello.net).",
        lambda t: t.bare_greeting,
        better="lower",
    ),
    _share(
        "friction.sync_request_share",
        "Requests to go synchronous",
        "human",
        "Share of human messages that ask to move to a call, huddle or DM ('quick call?', "
        "'can we hop on', 'DM me'): the synchronous bottlenecks an audit looks for.",
        lambda t: t.sync_request,
        better="lower",
    ),
    _share(
        "friction.stalled_thread_meeting_share",
        "Ad hoc meetings after a stalled thread",
        "meetings",
        "Over counted, non-private ad hoc meetings (booked less than 1 h before they start, with a "
        "booking time): the share booked while a chat or mail thread stalled: two or more of its "
        "attendees (not declined) wrote in one thread in the 24 h before the booking, and none of "
        f"them wrote in it again before the meeting started. {_NEEDS_MESSAGES}",
        lambda t: t.after_stalled_thread,
        lambda t: t.after_stalled_thread.notnull(),
        better="lower",
        # The meetings frame needs a calendar; these also read what was written around them.
        needs=(Visibility.MESSAGES,),
    ),
    _share(
        "friction.unwritten_decision_meeting_share",
        "Kick-offs and approvals held only in meetings",
        "meetings",
        "Over counted, non-private meetings whose title names a kick-off, approval, sign-off, "
        "go/no-go or decision: the share that leave no written trace: no notes or recording link "
        "on the event, and no human message stating a decision or linking a record and no "
        "decision record created, by any attendee, from the start to 48 h after the end. "
        f"{_NEEDS_MESSAGES}",
        lambda t: t.decision_unwritten,
        lambda t: t.decision_unwritten.notnull(),
        better="lower",
        # The meetings frame needs a calendar; these also read what was written around them.
        needs=(Visibility.MESSAGES,),
    ),
)
