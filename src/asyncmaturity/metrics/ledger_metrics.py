"""Metrics of the AWAIT request ledger and the decision log (the `ledger` source), over the
``ledger`` frame.

The frame has one row per ledger request and decision-log record created in the period: the
``work_items`` frame's rows (period and charter exclusions applied) that the `ledger` source
stored, with what their events say (see :mod:`asyncmaturity.sources.ledger`):

- a request's ``due_at`` (its 'due' event: the window the ledger set from the team charter, on
  its owner's schedule; none for an emergency) and ``answered_at`` (the first 'comment', a
  reply, by a person other than its requester, bots and people the charter excludes left out);
  ``within_window`` (answered by its due time) and ``overdue`` (not answered by it: answered
  later, or unanswered when its due time passed before the measurement or its close);
- a record's ``has_rationale`` (context and consequences written), ``has_deciders`` and
  ``latency_s`` (seconds from its proposal to its decision, when it was proposed in the log
  before being decided).

Requests made elsewhere (chat, mail, trackers) are the ``await.*`` metrics' business; the
ledger's own requests count there too, through their 'request' events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir

from asyncmaturity.metrics.frameset import Frames, FrameSpec, register_frame
from asyncmaturity.metrics.registry import Metric, share_metric
from asyncmaturity.metrics.timezones import instant_seconds
from asyncmaturity.vocabulary import WorkEventKind, WorkItemKind

SOURCE = "ledger"
FRAME = "ledger"
EMERGENCY_LABEL = "urgency:emergency"
_LEDGER = (
    "Ledger requests are those of the AWAIT request ledger of `asyncmaturity serve`, ingested "
    "from its export (source `ledger`); a request's due time is the one the ledger set from the "
    "team charter's request window for its urgency, in its owner's working hours."
)
_LOG = (
    "Decision-log records are those of the web app's decision log (source `ledger`), imported "
    "MADR files included."
)


def build_ledger_frame(frames: Frames, *, now: datetime | None = None) -> ir.Table | None:
    """The ``ledger`` frame (see the module docstring); None when the period has no ledger row.

    `now` (default: the current instant) decides whether an unanswered, open request is past
    its due time.
    """
    work = frames.get("work_items")
    if work is None:
        return None
    evidence = frames.evidence
    raw = evidence.table("work_items")
    ledger = raw.filter(
        raw.source == SOURCE, raw.kind.isin([WorkItemKind.REQUEST, WorkItemKind.DECISION])
    )
    ledger = ledger.distinct(on="item_key", keep="first")
    ledger = ledger.select(
        l_key=ledger.item_key,
        l_source=ledger.source,
        l_closed=ledger.closed_at,
        l_labels=ledger.labels,
        l_owned=ledger.assignees > 0,
        l_emergency=ledger.labels.contains(EMERGENCY_LABEL).coalesce(False),
    )
    items = work.join(ledger, work.item_key == ledger.l_key)
    if int(items.count().execute()) == 0:
        return None

    people = evidence.table("people")
    # Nullable like the listed keys: a store declares person_key NOT NULL, a union needs equal types.
    skipped = people.filter(people.is_bot).select(s_key=people.person_key.cast("string"))
    if frames.context.charter_keys:
        listed = sorted(frames.context.charter_keys)
        skipped = skipped.union(ibis.memtable({"s_key": listed}, schema={"s_key": "string"}))
    events = evidence.table("work_events").distinct(on="event_key", keep="first")
    events = events.filter(events.item_key.isin(items.item_key))
    replies = events.filter(events.kind == WorkEventKind.COMMENT, events.actor_key.notnull())
    replies = replies.anti_join(skipped, replies.actor_key == skipped.s_key)
    authors = items.select(a_key=items.item_key, a_author=items.author_key)
    replies = replies.join(authors, replies.item_key == authors.a_key)
    replies = replies.filter(replies.a_author.isnull() | (replies.actor_key != replies.a_author))
    facts = events.group_by(f_key=events.item_key).aggregate(
        due_at=events.occurred_at.min(where=events.kind == WorkEventKind.DUE),
        has_rationale=(events.kind == WorkEventKind.RATIONALE).any(),
        has_deciders=(events.kind == WorkEventKind.DECIDERS).any(),
        **_stack_facts(events),
    )
    answers = replies.group_by(r_key=replies.item_key).aggregate(
        answered_at=replies.occurred_at.min()
    )
    rows = items.left_join(facts, items.item_key == facts.f_key)
    rows = rows.left_join(answers, rows.item_key == answers.r_key)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    is_request = rows.kind == WorkItemKind.REQUEST
    is_record = rows.kind == WorkItemKind.DECISION
    windowed = is_request & rows.due_at.notnull()
    answered = rows.answered_at.notnull()
    # An unanswered request is late once its due time passed: before now, or before its close.
    ended = rows.l_closed.coalesce(ibis.literal(moment))
    latency = instant_seconds(rows.l_closed) - instant_seconds(rows.created_at)
    frame = rows.select(
        "item_key",
        "kind",
        "created_at",
        "month",
        "author_key",
        source=rows.l_source,
        due_at=rows.due_at,
        answered_at=rows.answered_at,
        within_window=ibis.cases(
            (windowed & answered, rows.answered_at <= rows.due_at), else_=ibis.null("boolean")
        ),
        overdue=ibis.cases(
            (windowed & answered, rows.answered_at > rows.due_at),
            (windowed & (rows.due_at < ended), True),
            else_=ibis.null("boolean"),
        ),
        # The ledger labels a request with its urgency; an emergency bypasses the windows.
        emergency=ibis.cases(
            (is_request, rows.l_labels.contains(EMERGENCY_LABEL).coalesce(False)),
            else_=ibis.null("boolean"),
        ),
        has_rationale=ibis.cases(
            (is_record, rows.has_rationale.coalesce(False)), else_=ibis.null("boolean")
        ),
        has_deciders=ibis.cases(
            (is_record, rows.has_deciders.coalesce(False)), else_=ibis.null("boolean")
        ),
        latency_s=ibis.cases((is_record & (latency > 0), latency), else_=ibis.null("float64")),
        **_stack_layers(rows, is_request),
    )
    # Every scope's query reads it: compute it once (as the other frames are).
    return evidence.materialize("_am_ledger", frame)


# The Coordination Stack as a ledger request carries it (the ``stack.ledger.*`` metrics).
EMERGENCY_LABEL = "urgency:emergency"
STACK_COLUMNS = ("stack_who", "stack_what", "stack_when", "stack_why", "stack_how")


def _stack_facts(events: ir.Table) -> dict[str, ir.BooleanScalar]:
    """Per request: what its text names (the 'request' event's AWAIT signals) and whether any of
    its events (the request and its replies) asks to move to a call or DM."""
    asked = events.kind == WorkEventKind.REQUEST
    return {
        "s_action": events.await_action.coalesce(False).any(where=asked),
        "s_information": events.await_information.coalesce(False).any(where=asked),
        "s_moved": events.sync_request.coalesce(False).any(),
    }


def _stack_layers(rows: ir.Table, is_request: ir.BooleanValue) -> dict[str, ir.BooleanValue]:
    """The five layers of a request (null for a decision record): who (an owner in the ledger),
    what (its text names the action), when (a due time, or an emergency: now), why (its text
    carries context), how (no event asks to leave the ledger's thread)."""
    layers = {
        "stack_who": rows.l_owned.coalesce(False),
        "stack_what": rows.s_action.coalesce(False),
        "stack_when": rows.due_at.notnull() | rows.l_emergency,
        "stack_why": rows.s_information.coalesce(False),
        "stack_how": ~rows.s_moved.coalesce(False),
    }
    return {
        name: ibis.cases((is_request, value), else_=ibis.null("boolean"))
        for name, value in layers.items()
    }


def _requests(t: ir.Table) -> ir.BooleanValue:
    return t.kind == WorkItemKind.REQUEST


def _records(t: ir.Table) -> ir.BooleanValue:
    return t.kind == WorkItemKind.DECISION


def _share(metric_id: str, label: str, column: str, definition: str, **extra: Any) -> Metric:
    """The share of rows where boolean `column` is true, over the rows where it is not null."""
    return share_metric(metric_id, label, FRAME, definition, lambda t: t[column], **extra)


_WINDOW = ("request_windows", "working_hours", "holidays", "people")

LEDGER_METRICS: tuple[Metric, ...] = (
    Metric(
        "ledger.requests",
        "Ledger requests",
        "count",
        FRAME,
        f"Count of ledger requests created in the period. {_LEDGER}",
        lambda t: _requests(t).cast("int64").sum().coalesce(0),
    ),
    _share(
        "ledger.within_window_share",
        "Ledger requests answered within their window",
        "within_window",
        "Over answered ledger requests with a window (normal and urgent; an emergency has none): "
        "the share whose first reply by someone other than the requester came at or before the "
        f"due time. {_LEDGER}",
        parameters=_WINDOW,
        better="higher",
    ),
    _share(
        "ledger.overdue_share",
        "Overdue ledger requests",
        "overdue",
        "Over ledger requests with a window whose outcome is known (answered, or past their due "
        "time unanswered: at the measurement, or when closed): the share not answered by their "
        "due time. Open requests not yet due, and requests closed unanswered before their due "
        f"time, are left out. {_LEDGER}",
        parameters=_WINDOW,
        better="lower",
    ),
    Metric(
        "decisions.log_records",
        "Decision-log records",
        "count",
        FRAME,
        f"Count of decision-log records created (proposed) in the period. {_LOG}",
        lambda t: _records(t).cast("int64").sum().coalesce(0),
    ),
    _share(
        "decisions.with_rationale_share",
        "Decisions with their rationale",
        "has_rationale",
        "Over decision-log records: the share whose context (the problem and why) and "
        f"consequences are both written. {_LOG}",
        differs_from="MADR and Nygard templates: context and consequences are their rationale.",
        better="higher",
    ),
    _share(
        "decisions.with_owner_share",
        "Decisions with named deciders",
        "has_deciders",
        f"Over decision-log records: the share that name their deciders. {_LOG}",
        better="higher",
    ),
    Metric(
        "decisions.latency.median_s",
        "Decision latency (median)",
        "seconds",
        FRAME,
        "Median seconds from a decision-log record's proposal to its decision (accepted or "
        "rejected), wall clock, over records decided after they were proposed in the log (one "
        "written after the fact, proposed and decided at once, has no latency to measure); "
        f"linear-interpolated (quantile_cont). {_LOG}",
        lambda t: t.latency_s.median(),
        differs_from="`work.decision_cycle.median_s` counts every closed decision record of any "
        "source, those recorded after the fact (0 s) included.",
        better="lower",
    ),
)

_STACK = (
    "The WMI Coordination Stack read on the ledger (wmi.yaml's coordination_stack maps each "
    "layer to its AWAIT element and to the archive's await.* metric)."
)
_TEXT = "Read from the request's text (title, action, information, links) with the AWAIT rules."
STACK_LEDGER_METRICS: tuple[Metric, ...] = (
    _share(
        "stack.ledger.who_share",
        "Ledger requests with an owner (who)",
        "stack_who",
        f"Over ledger requests: the share with an owner chosen in the ledger. {_STACK} {_LEDGER}",
        better="higher",
    ),
    _share(
        "stack.ledger.what_share",
        "Ledger requests that say what is needed (what)",
        "stack_what",
        "Over ledger requests: the share whose text names the action required (review, "
        f"approve, decide, a specific question...). {_TEXT} {_STACK} {_LEDGER}",
        better="higher",
    ),
    _share(
        "stack.ledger.when_share",
        "Ledger requests with a due time (when)",
        "stack_when",
        "Over ledger requests: the share with a due time (the ledger sets one from the charter's "
        "window for normal and urgent requests) or of urgency emergency, which means now. "
        f"{_STACK} {_LEDGER}",
        better="higher",
    ),
    _share(
        "stack.ledger.why_share",
        "Ledger requests with their context (why)",
        "stack_why",
        "Over ledger requests: the share whose text carries its context (a link, an attachment, "
        f"a ticket reference, a context marker or at least 15 words). {_TEXT} {_STACK} {_LEDGER}",
        better="higher",
    ),
    _share(
        "stack.ledger.how_share",
        "Ledger requests answered in the ledger (how)",
        "stack_how",
        "Over ledger requests: the share where neither the request nor any reply asks to move "
        f"the exchange to a call, huddle or DM: the ledger stays its channel. {_STACK} {_LEDGER}",
        better="higher",
    ),
)


# No day column, so ledger metrics get no bootstrap interval (as before the frame registry,
# when replicates read only the frames built ahead of the ledger's).
register_frame(
    FrameSpec(
        FRAME,
        "ledger",
        None,
        build_ledger_frame,
        people=lambda t: t.author_key.nunique(),
    )
)
