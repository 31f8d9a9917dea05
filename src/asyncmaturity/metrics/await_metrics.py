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

from asyncmaturity.metrics.registry import Metric, Sample, share_metric
from asyncmaturity.vocabulary import Visibility

_REQUEST = (
    "A request is a human thread root whose text asks someone for something: a question, a "
    "polite or imperative ask, an approval or review sought (the rules of `asyncmaturity lint`, "
    "docs/await.md)."
)
_RULES = "Read from the message text at ingest with the rules of `asyncmaturity lint`."
_ANCHOR = "WMI model, AWAIT protocol (Assign, Window, Action, Information, Thread)."
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
    needs: tuple[Visibility, ...] = (),
) -> Metric:
    """A share over the requests, messages or meetings frame."""
    return share_metric(
        metric_id, label, frame, definition, value, where, differs_from=differs_from, needs=needs
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
    ),
    _share(
        "await.window_share",
        "Requests with a response window",
        "requests",
        "Over requests: the share that state by when (EOD, a weekday, a date, 'within 2 days', "
        f"a time); 'ASAP' and 'soon' are no window. {_RULES}",
        lambda t: t.await_window,
        _requests,
    ),
    _share(
        "await.action_share",
        "Requests that say what to do",
        "requests",
        "Over requests: the share that name the action required (review, approve, decide, "
        f"confirm, a specific question...) rather than 'thoughts?' or 'let me know'. {_RULES}",
        lambda t: t.await_action,
        _requests,
    ),
    _share(
        "await.information_share",
        "Requests with complete information",
        "requests",
        "Over requests: the share that carry their context (a link, an attachment, a ticket "
        "reference, a context marker or at least 15 words) and whose thread needed no "
        "clarification (no one but the author asked back what was meant).",
        lambda t: t.await_information & ~t.clarified,
        _requests,
    ),
    _share(
        "await.thread_share",
        "Requests that stay in their thread",
        "requests",
        "Over requests: the share whose thread (the request and every reply) never asks to move "
        "the exchange to a call, huddle or DM ('quick call?', 'DM me', 'take this offline').",
        lambda t: ~t.moved,
        _requests,
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
    ),
    _share(
        "friction.clarification_share",
        "Requests needing a clarification",
        "requests",
        "Over answered requests: the share whose thread holds a clarifying question from someone "
        "other than the author ('which PR?', 'what do you mean?'): a round-trip that complete "
        "information would have saved.",
        lambda t: t.clarified,
        _answered_requests,
    ),
    _share(
        "friction.ping_pong_share",
        "Ping-pong threads",
        "requests",
        "Over answered thread roots: the share of threads with more than 3 back-and-forths, a "
        "back-and-forth being a change of speaker between consecutive human messages of the "
        "thread (its root included) in time order. GitLab's handbook moves such a discussion to "
        "a call.",
        lambda t: t.ping_pong,
        lambda t: t.answered & t.is_request.notnull(),
        differs_from="GitLab handbook: 'more than three back-and-forths', counted here as "
        "changes of speaker.",
    ),
    _share(
        "friction.nudge_share",
        "Requests chased by their author",
        "requests",
        "Over requests: the share whose author posted a nudge in the thread ('any update?', "
        "'bump', 'gentle reminder') before anyone else replied.",
        lambda t: t.nudged,
        _requests,
    ),
    _share(
        "friction.bare_greeting_share",
        "Bare greetings",
        "requests",
        "Share of thread roots that are a greeting and nothing else ('hi', 'hey @sam, got a "
        "minute?'): the receiver has to wait for the actual question (nohello.net).",
        lambda t: t.bare_greeting,
    ),
    _share(
        "friction.sync_request_share",
        "Requests to go synchronous",
        "human",
        "Share of human messages that ask to move to a call, huddle or DM ('quick call?', "
        "'can we hop on', 'DM me'): the synchronous bottlenecks an audit looks for.",
        lambda t: t.sync_request,
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
        # The meetings frame needs a calendar; these also read what was written around them.
        needs=(Visibility.MESSAGES,),
    ),
)
