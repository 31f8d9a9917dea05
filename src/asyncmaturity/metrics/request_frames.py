"""The ``requests`` frame: every place a request can be made, chat and mail thread roots and
issue-tracker comments, with the AWAIT signals and how the exchange went.

One row per candidate (a thread root, or a comment or review with text on an issue or pull/merge
request); ``is_request`` says whether it asks. The AWAIT and friction metrics read this frame, so
a request made in an issue comment counts like one made in chat.

For tracker comments the exchange is the item's later activity: it is answered by the first
later event (comment, review, state change, assignment) by someone other than the comment's
author and not a bot; moved when the comment or any later event's text asks to go to a call or
DM; nudged when the author chases in a later comment before anyone else responded. Clarified and
ping-pong read the item's comments and reviews with text as one exchange
(:mod:`asyncmaturity.metrics.exchanges`): clarified when a later comment by someone else asks back
and the comment's author answers it; ping-pong when a ping-pong in which the comment's author
takes part has its last turn start after the comment.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from asyncmaturity.metrics.evidence_frames import bot_keys, not_in, within_period
from asyncmaturity.metrics.exchanges import exchange_turns
from asyncmaturity.metrics.frames import with_thread_conduct
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


def build_request_frame(ctx: FrameContext, roots: ir.Table, human: ir.Table) -> ir.Table:
    """Thread roots (of the ``roots`` frame, with how each thread went over the ``human``
    frame's replies) and tracker comments, with the columns of :data:`COLUMNS`."""
    chat = with_thread_conduct(roots, human).select(*COLUMNS)
    comments = _tracker_comments(ctx)
    frame = chat if comments is None else chat.union(comments.select(*COLUMNS))
    return ctx.evidence.materialize("_am_requests", frame)


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
    # The item's comments and reviews with text are its exchange, beyond the period too.
    said = people.filter(people.is_request.notnull())
    turns = exchange_turns(
        said.select(
            x_thread=said.item_key,
            x_key=said.event_key,
            x_author=said.actor_key,
            x_s=said.e_s,
            x_clar=said.clarification.coalesce(False),
            o_author=ibis.null("string"),
            o_s=ibis.null("float64"),
        )
    )
    turns = turns.filter(turns.turn).select(
        u_thread=turns.x_thread,
        u_s=turns.x_s,
        u_author=turns.x_author,
        u_partner=turns.partner,
        u_ping_pong=turns.ping_pong,
        u_answers=turns.answers_clarification,
        u_asked_s=turns.asked_s,
    )
    later = people.select(
        l_item=people.item_key,
        l_key=people.event_key,
        l_actor=people.actor_key,
        l_s=people.e_s,
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
    # Turns after the comment: one that answers a question asked of its author after it, or
    # that closes a ping-pong its author takes part in.
    after = asked.join(
        turns,
        (asked.item_key == turns.u_thread)
        & (turns.u_s > asked.e_s)
        & ((turns.u_author == asked.actor_key) | (turns.u_partner == asked.actor_key)),
    )
    conduct = after.group_by(c_key=after.event_key).aggregate(
        clarified=(
            after.u_answers & (after.u_author == after.actor_key) & (after.u_asked_s > after.e_s)
        ).any(),
        ping_pong=after.u_ping_pong.any(),
    )
    rows = asked.left_join(first, asked.event_key == first.f_key)
    rows = rows.left_join(chased, rows.event_key == chased.n_key)
    rows = rows.left_join(conduct, rows.event_key == conduct.c_key)
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
        ping_pong=rows.ping_pong.coalesce(False),
    )


register_frame(
    FrameSpec(
        "requests",
        "requests",
        "sent_at",
        lambda frames: build_request_frame(frames.context, frames.roots, frames.human),
        people=lambda t: t.author_key.nunique(),
    )
)
