"""The metric registry: every metric's id, unit, definition and the aggregate that computes it.

Each metric is one aggregate over one frame of :mod:`asyncmaturity.metrics.frames` (``human``
messages or thread ``roots``; ``meetings``, ``attendee_days`` and ``work_items`` from
:mod:`asyncmaturity.metrics.evidence_frames`), so every metric of a frame is computed in one
set-based query per scope. Listings, docs and the JSON ``definitions`` block are generated from :data:`METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

Aggregate = Callable[[ir.Table], ir.Scalar]
RowValue = Callable[[ir.Table], ir.Value]


@dataclass(frozen=True)
class Sample:
    """How a metric decomposes by day, so bootstrap replicates cost one grouped query, not many.

    ``mean``: the metric is the mean of ``value`` over the rows where it is not null (a share is
    the mean of a boolean); ``sum``: the sum of ``value`` (a count is the sum of 1); ``quantile``:
    the ``q`` quantile of ``value`` over non-null rows. ``day`` is the frame's timestamp column
    that assigns a row to a UTC day, the unit that bootstrap resamples.
    """

    kind: Literal["mean", "sum", "quantile"]
    value: RowValue
    q: float = 0.5
    day: str = "sent_at"


@dataclass(frozen=True)
class Metric:
    """One registered metric; `definition` is the exact contract, `parameters` the charter fields."""

    id: str
    label: str
    unit: str  # count, share, seconds
    frame: str  # "human", "roots", "meetings", "attendee_days", "work_items", "requests", "ledger"
    definition: str
    aggregate: Aggregate
    parameters: tuple[str, ...] = ()
    differs_from: str = ""  # where our definition departs from the field's anchor, and why
    contract: bool = False  # part of DESIGN.md's metric contract
    # None where no day decomposition exists (distinct counts): such a metric gets no interval.
    sample: Sample | None = None


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Add `metric` to the registry; ids are unique."""
    if metric.id in METRICS:
        raise ValueError(f"metric {metric.id!r} registered twice")
    METRICS[metric.id] = metric
    return metric


def share_metric(
    metric_id: str,
    label: str,
    frame: str,
    definition: str,
    value: Callable[[ir.Table], ir.BooleanValue],
    where: Callable[[ir.Table], ir.BooleanValue] | None = None,
    *,
    day: str | None = "sent_at",
    **extra: Any,
) -> Metric:
    """A share metric: the mean of boolean `value` over the rows where `where` holds (all rows
    when None), nulls left out; `day` is the frame's column for bootstrap replicates (None: no
    day decomposition, so no interval)."""

    def aggregate(t: ir.Table) -> ir.Scalar:
        if where is None:
            return value(t).cast("float64").mean()
        return value(t).cast("float64").mean(where=where(t))

    def sampled(t: ir.Table) -> ir.Value:
        if where is None:
            return value(t)
        return ibis.cases((where(t), value(t)), else_=ibis.null("boolean"))

    sample = Sample("mean", sampled, day=day) if day is not None else None
    return Metric(metric_id, label, "share", frame, definition, aggregate, sample=sample, **extra)


_HUMAN = (
    "A human message is a chat message whose subtype is none, thread_broadcast, file_share or "
    "me_message, that has an author, carries no bot_id, and whose author is not a bot, an app "
    "user or Slackbot, nor excluded or listed as a bot in the charter."
)
_ROOT = "A thread root is a human message that is not a reply."
WORKING_HOURS_TEXT: str = (
    "Working hours come from the charter: by default Monday to Friday 09:00-17:00 in the "
    "person's own time zone (the charter's, else the source's, else the charter default, UTC). "
    "The charter's holidays (those of the person's zone) and the person's out-of-office days "
    "are whole days on their own clock without working hours."
)
# The charter fields that decide a person's working time.
SCHEDULE_PARAMETERS: tuple[str, ...] = (
    "working_days",
    "working_hours",
    "timezone",
    "people",
    "holidays",
)
_HOURS = WORKING_HOURS_TEXT
_FIRST = (
    "over roots answered by a human other than the root's author: seconds from the root to the "
    "first such reply (ties broken by message key)"
)
_DM_KINDS = ("dm", "group dm")

for metric in (
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
        differs_from="Viva counts after-hours collaboration hours; this counts messages.",
        contract=True,
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
    ),
    Metric(
        "messages.broadcast_share",
        "@here/@channel rate",
        "share",
        "human",
        "Share of human messages that notify a whole channel (@here, @channel or @everyone).",
        lambda t: t.broadcast.cast("float64").mean(),
        sample=Sample("mean", lambda t: t.broadcast),
    ),
    Metric(
        "messages.record_link_share",
        "Links to a system of record",
        "share",
        "human",
        "Share of human messages that link to a system of record (issue tracker, wiki, shared "
        "document; the charter's record_systems URL patterns).",
        lambda t: (t.record_links > 0).cast("float64").mean(),
        sample=Sample("mean", lambda t: t.record_links > 0),
        parameters=("record_systems",),
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
    ),
    Metric(
        "decisions.record_link_share",
        "Decisions linked to a record",
        "share",
        "human",
        "Over human messages with decision language ('we decided', 'let's go with', "
        "'decision:' ...): the share that link to a system of record (the charter's "
        "record_systems). Null when no message states a decision.",
        lambda t: (t.record_links > 0).cast("float64").mean(where=t.decision_language),
        parameters=("record_systems",),
        sample=Sample(
            "mean",
            lambda t: ibis.cases(
                (t.decision_language, t.record_links > 0), else_=ibis.null("boolean")
            ),
        ),
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
    ),
):
    register(metric)

# After the chat metrics, so the listing order is chat, AWAIT, meetings, work, ledger; these modules read
# Metric and Sample from this one, hence the late imports.
from asyncmaturity.metrics.await_metrics import AWAIT_METRICS  # noqa: E402
from asyncmaturity.metrics.evidence_metrics import EVIDENCE_METRICS  # noqa: E402
from asyncmaturity.metrics.ledger_metrics import LEDGER_METRICS  # noqa: E402

for metric in (*AWAIT_METRICS, *EVIDENCE_METRICS, *LEDGER_METRICS):
    register(metric)

__all__ = [
    "METRICS",
    "SCHEDULE_PARAMETERS",
    "WORKING_HOURS_TEXT",
    "Metric",
    "Sample",
    "register",
    "share_metric",
]
