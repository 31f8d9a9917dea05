"""The chat metrics: messages, threads, people, working hours and replies, over the ``human``
and ``roots`` frames of :mod:`asyncmaturity.metrics.frames`."""

from __future__ import annotations

import ibis

from asyncmaturity.metrics.registry import (
    SCHEDULE_PARAMETERS,
    WORKING_HOURS_TEXT,
    Metric,
    Sample,
)
from asyncmaturity.vocabulary import ConversationKind, Visibility

_HUMAN = (
    "A human message is a chat message whose subtype is none, thread_broadcast, file_share or "
    "me_message, that has an author, carries no bot_id, and whose author is not a bot, an app "
    "user or Slackbot, nor excluded or listed as a bot in the charter."
)
_ROOT = "A thread root is a human message that is not a reply."
_HOURS = WORKING_HOURS_TEXT
_FIRST = (
    "over roots answered by a human other than the root's author: seconds from the root to the "
    "first such reply (ties broken by message key); a reply stamped before its root (clock "
    "skew) counts as answered at zero delay, never a negative one"
)
_DM_KINDS = (ConversationKind.DM, ConversationKind.GROUP_DM)

CHAT_METRICS: tuple[Metric, ...] = (
    Metric(
        "messages.human",
        "Human messages",
        "count",
        "human",
        f"Count of human messages. {_HUMAN}",
        lambda t: t.count(),
        sample=Sample("sum", lambda t: ibis.literal(1)),
        contract=True,
    ),
    Metric(
        "messages.thread_replies",
        "Thread replies",
        "count",
        "human",
        "Count of human messages that are replies in a thread (Slack: thread_ts present and "
        "different from ts; thread_broadcast replies included).",
        lambda t: t.is_reply.sum(),
        sample=Sample("sum", lambda t: t.is_reply.cast("int64")),
        contract=True,
        needs=(Visibility.THREADS,),
    ),
    Metric(
        "threads.count",
        "Threads",
        "count",
        "human",
        "Count of distinct threads with at least one human reply (the root itself need not be "
        "in the store or be human).",
        lambda t: t.thread_root_key.nunique(where=t.is_reply),
        contract=True,
        needs=(Visibility.THREADS,),
    ),
    Metric(
        "people.active",
        "Active people",
        "count",
        "human",
        "Distinct authors of human messages.",
        lambda t: t.author_id.nunique(),
        contract=True,
    ),
    Metric(
        "hours.after_hours_share",
        "After-hours messages",
        "share",
        "human",
        f"Share of human messages sent outside the author's working hours, over the messages "
        f"not sent on a day off of the author: a message sent on their holiday or out-of-office "
        f"day (their local date) is neither inside nor outside their hours and is left out of "
        f"both the numerator and the denominator (it still counts as a human message). {_HOURS}",
        lambda t: t.after_hours.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.after_hours),
        parameters=SCHEDULE_PARAMETERS,
        after_hours=True,
        differs_from="Viva counts after-hours collaboration hours; this counts messages.",
        contract=True,
        better="lower",
    ),
    Metric(
        "messages.dm_share",
        "Messages in DMs",
        "share",
        "human",
        "Share of human messages sent in direct messages or group DMs (public channels over DMs "
        "is an async norm: work in the open).",
        lambda t: t.conversation_kind.isin(list(_DM_KINDS)).cast("float64").mean(),
        sample=Sample("mean", lambda t: t.conversation_kind.isin(list(_DM_KINDS))),
        needs=(Visibility.DIRECT_MESSAGES, Visibility.GROUP_MESSAGES),
        better="lower",
    ),
    Metric(
        "messages.broadcast_share",
        "@here/@channel rate",
        "share",
        "human",
        "Share of human messages that notify a whole channel (@here, @channel or @everyone).",
        lambda t: t.broadcast.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.broadcast),
        better="lower",
    ),
    Metric(
        "messages.record_link_share",
        "Links to a system of record",
        "share",
        "human",
        "Share of human messages that link to a system of record (issue tracker, wiki, shared "
        "document; the charter's record_systems URL patterns). Where the charter does not list "
        "them, the team's own record systems are also detected from the links its messages "
        "carry: a tracker, review or wiki path or a docs host linked by at least 3 human "
        "messages of the period counts, and is listed with its count.",
        lambda t: (t.record_links > 0).cast("float64").mean(),
        sample=Sample("mean", lambda t: t.record_links > 0),
        parameters=("record_systems",),
        better="higher",
    ),
    Metric(
        "response.answered_share",
        "Answered threads",
        "share",
        "roots",
        f"Share of thread roots that got at least one reply from a human other than the root's "
        f"author. {_ROOT}",
        lambda t: t.answered.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.answered),
        contract=True,
        better="higher",
    ),
    Metric(
        "response.first_reply.median_s",
        "Time to first reply (median)",
        "seconds",
        "roots",
        f"Median, {_FIRST}; wall clock; linear-interpolated (quantile_cont).",
        lambda t: t.latency_s.median(),
        sample=Sample("quantile", lambda t: t.latency_s, q=0.5),
        differs_from="CHAOSS time to first response; bots and the author's own replies excluded.",
        contract=True,
    ),
    Metric(
        "response.first_reply.p90_s",
        "Time to first reply (90th percentile)",
        "seconds",
        "roots",
        f"90th percentile, {_FIRST}; wall clock; linear-interpolated (quantile_cont).",
        lambda t: t.latency_s.quantile(0.9),
        sample=Sample("quantile", lambda t: t.latency_s, q=0.9),
        contract=True,
    ),
    Metric(
        "response.first_reply.business.median_s",
        "Time to first reply in working time (median)",
        "seconds",
        "roots",
        f"Median, {_FIRST}, counting only the responder's working hours (their days off count "
        f"none). {_HOURS}",
        lambda t: t.business_latency_s.median(),
        sample=Sample("quantile", lambda t: t.business_latency_s, q=0.5),
        parameters=SCHEDULE_PARAMETERS,
        contract=True,
    ),
    Metric(
        "response.first_reply.business.p90_s",
        "Time to first reply in working time (90th percentile)",
        "seconds",
        "roots",
        f"90th percentile, {_FIRST}, counting only the responder's working hours (their days "
        f"off count none). {_HOURS}",
        lambda t: t.business_latency_s.quantile(0.9),
        sample=Sample("quantile", lambda t: t.business_latency_s, q=0.9),
        parameters=SCHEDULE_PARAMETERS,
    ),
    Metric(
        "response.within_window_share",
        "Answered within the response window",
        "share",
        "roots",
        "Share of answered roots whose first reply came within the charter's response window "
        "for the conversation's kind (default 24 working hours), counted in the responder's "
        "working time: the responder's holidays and out-of-office days count none, so a reply "
        "they delay misses no window.",
        lambda t: t.within_window.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.within_window),
        parameters=("response_windows", "urgent_channels", "working_hours", "people", "holidays"),
        contract=True,
        better="higher",
    ),
    Metric(
        "response.immediate_share",
        "Answered within 5 minutes",
        "share",
        "roots",
        "Share of answered roots whose first reply came within 5 minutes, wall clock: a high "
        "share signals an immediacy culture rather than considered async replies.",
        lambda t: (t.latency_s <= 300).cast("float64").mean(where=t.answered),
        sample=Sample("mean", lambda t: t.latency_s <= 300),
        better="lower",
    ),
    Metric(
        "messages.thread_reply_share",
        "Replies kept in threads",
        "share",
        "human",
        "Share of human messages that are replies in a thread (thread discipline: conversations "
        "stay in their thread instead of scattering over the channel).",
        lambda t: t.is_reply.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.is_reply),
        better="higher",
        needs=(Visibility.THREADS,),
    ),
    Metric(
        "decisions.record_link_share",
        "Decisions linked to a record",
        "share",
        "human",
        "Over human messages with decision language ('we decided', 'let's go with', "
        "'decision:' ...): the share that link to a system of record (the charter's "
        "record_systems, or where it lists none, those detected from the links the team's "
        "messages carry, as for messages.record_link_share). Null when no message states a "
        "decision.",
        lambda t: (t.record_links > 0).cast("float64").mean(where=t.decision_language),
        parameters=("record_systems",),
        sample=Sample(
            "mean",
            lambda t: ibis.cases(
                (t.decision_language, t.record_links > 0), else_=ibis.null("boolean")
            ),
        ),
        better="higher",
    ),
    Metric(
        "response.record_answer_share",
        "Questions answered with a link to a record",
        "share",
        "roots",
        "Over answered thread roots that ask a question: the share whose thread has a human reply "
        "linking to a system of record (a doc, issue or wiki page), a sign that knowledge is "
        "written down rather than retold.",
        lambda t: t.record_answer.cast("float64").mean(where=t.answered & t.is_question),
        parameters=("record_systems",),
        sample=Sample(
            "mean",
            lambda t: ibis.cases(
                (t.answered & t.is_question, t.record_answer), else_=ibis.null("boolean")
            ),
        ),
        better="higher",
    ),
)
