"""The ``requests`` frame: every place a request can be made, chat and mail thread roots and
issue-tracker comments, with the AWAIT signals and how the exchange went.

One row per candidate (a thread root, or a comment or review with text on an issue or pull/merge
request); ``is_request`` says whether it asks. The AWAIT and friction metrics read this frame, so
a request made in an issue comment counts like one made in chat.

For tracker comments the exchange is the item's later activity: it is answered by the first
later event (comment, review, state change, assignment) by someone other than the comment's
author and not a bot; clarified when such a person's later comment asks back; moved when the
comment or any later event's text asks to go to a call or DM; nudged when the author chases in a
later comment before anyone else responded. Ping-pong is a thread measure and stays null here.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from asyncmaturity.metrics.evidence_frames import bot_keys, not_in, within_period
from asyncmaturity.metrics.frameset import FrameContext, FrameSpec, register_frame
from asyncmaturity.metrics.timezones import instant_seconds
from asyncmaturity.vocabulary import ConversationKind

COLUMNS = (
    "sent_at",
    "source",
    "conversation_kind",
    "channel",
    "month",
    "author_key",
    "is_request",
    "await_assign",
    "await_window",
    "await_action",
    "await_information",
    "bare_greeting",
    "answered",
    "clarified",
    "moved",
    "nudged",
    "ping_pong",
)
TRACKER_KIND = ConversationKind.ISSUE_TRACKER


def build_request_frame(ctx: FrameContext, roots: ir.Table) -> ir.Table:
    """Thread roots and tracker comments, with the columns of :data:`COLUMNS`."""
    chat = roots.select(*COLUMNS)
    comments = _tracker_comments(ctx)
    if comments is None:
        # The roots frame is materialized already: a projection of it costs nothing to keep.
        return chat
    return ctx.evidence.materialize("_am_requests", chat.union(comments.select(*COLUMNS)))


def _tracker_comments(ctx: FrameContext) -> ir.Table | None:
    events = ctx.evidence.table("work_events").distinct(on="event_key", keep="first")
    if "is_request" not in events.columns:
        return None
    bots = bot_keys(ctx)
    people = events.filter(events.actor_key.notnull(), not_in(events.actor_key, ctx.excluded))
    people = people.anti_join(bots, people.actor_key == bots.b_key)
    people = people.mutate(e_s=instant_seconds(people.occurred_at))
    asked = people.filter(people.is_request.notnull(), within_period(people.occurred_at, ctx))
    if int(asked.count().execute()) == 0:
        return None
    later = people.select(
        l_item=people.item_key,
        l_key=people.event_key,
        l_actor=people.actor_key,
        l_s=people.e_s,
        l_clar=people.clarification.coalesce(False),
        l_sync=people.sync_request.coalesce(False),
        l_nudge=people.nudge.coalesce(False),
    )
    pairs = asked.join(
        later,
        (asked.item_key == later.l_item)
        & (later.l_s >= asked.e_s)
        & (later.l_key != asked.event_key),
    )
    other = pairs.l_actor != pairs.actor_key
    first = pairs.group_by(f_key=pairs.event_key).aggregate(
        first_s=pairs.l_s.min(where=other),
        clarified=(pairs.l_clar & other).any(),
        moved=pairs.l_sync.any(),
    )
    pairs = pairs.join(first, pairs.event_key == first.f_key)
    chased = (
        pairs.filter(
            pairs.l_nudge,
            pairs.l_actor == pairs.actor_key,
            pairs.first_s.isnull() | (pairs.l_s < pairs.first_s),
        )
        .select(n_key=pairs.event_key)
        .distinct()
    )
    rows = asked.left_join(first, asked.event_key == first.f_key)
    rows = rows.left_join(chased, rows.event_key == chased.n_key)
    return rows.select(
        sent_at=rows.occurred_at,
        source=rows.source,
        conversation_kind=ibis.literal(TRACKER_KIND),
        channel=ibis.null("string"),
        month=rows.occurred_at.strftime("%Y-%m"),
        author_key=rows.actor_key,
        is_request=rows.is_request,
        await_assign=rows.await_assign,
        await_window=rows.await_window,
        await_action=rows.await_action,
        await_information=rows.await_information,
        bare_greeting=rows.bare_greeting,
        answered=rows.first_s.notnull(),
        clarified=rows.clarified.coalesce(False),
        moved=rows.sync_request | rows.moved.coalesce(False),
        nudged=rows.n_key.notnull(),
        ping_pong=ibis.null("boolean"),
    )


register_frame(
    FrameSpec(
        "requests",
        "requests",
        "sent_at",
        lambda frames: build_request_frame(frames.context, frames.roots),
        people=lambda t: t.author_key.nunique(),
    )
)
