"""Turns, ping-pongs and answered clarifications of exchanges (chat and mail threads, an issue's
comments), as two window passes over their messages in time order, never Python loops over rows.

An exchange is a sequence of human messages in time order (then key). A **turn** is a maximal run
of consecutive messages of one person. The definitions hold on every platform because they read
who speaks after whom, not how a platform groups messages: a Slack thread, a Zulip topic, a
Mattermost or Teams reply chain, a mail thread and an issue's comments are all exchanges, and a
long many-person discussion is told apart from two people going back and forth.

* **Ping-pong**: :data:`PING_PONG_TURNS` consecutive turns alternate between the same two people
  (A B A B A), the last of them starting at most :data:`PING_PONG_SPAN_S` after the first. A
  third person's turn ends the run.
* **Answered clarification**: a turn by someone that follows a turn holding a clarifying
  question (the ``clarification`` signal of :mod:`asyncmaturity.await_protocol.rules`), at most
  :data:`CLARIFICATION_SPAN_S` after that turn's last such question. The turn after the asker's
  is, by construction, the next message by anyone but the asker.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

# Four changes of speaker, the GitLab handbook's "more than three back-and-forths" (the threshold
# the metric had when it counted every change of speaker in a thread).
PING_PONG_TURNS = 5
# One working day's length on the wall clock (the charter's default 09:00-17:00): five turns that
# close together are an exchange a short call would settle; spread over days they are
# asynchronous work at its own pace, as a long community topic is.
PING_PONG_SPAN_S = 8 * 3600.0
# A day on the wall clock: an answer the next morning from another time zone still answers the
# question; a turn later than that has resumed the discussion rather than answered it.
CLARIFICATION_SPAN_S = 24 * 3600.0

COLUMNS = ("x_thread", "x_key", "x_author", "x_s", "x_clar", "o_author", "o_s")


def exchange_turns(messages: ir.Table, **whole: ir.BooleanValue) -> ir.Table:
    """The first message of every turn of each exchange, and each exchange's last message.

    `messages` has the columns of :data:`COLUMNS`: the exchange (``x_thread``), the message's
    key, author, epoch seconds and whether it asks back (``x_clar``, not null), and the author
    and start of a turn that opens the exchange before its first row (``o_author``, ``o_s``: a
    chat thread's root, which stays out of the window because most roots have no reply; null
    where the rows are the whole exchange). `whole` names boolean expressions over `messages`
    whose any-over-the-exchange rides along on every row, computed in the same window pass.

    The rows carry ``x_thread``, ``x_author``, ``x_s``, ``o_author``, the `whole` columns and:
    ``turn`` (the row starts a turn; false only on an exchange's last message when it continues
    a turn), ``partner`` (the previous turn's author), ``ping_pong`` (the turn closes a ping-pong),
    ``answers_clarification`` (the turn answers a clarifying question of the previous turn) and
    ``asked_s`` (when the latest question before the turn was asked).
    """
    # Pass 1, every message: who spoke before it, and what was asked before it.
    thread, order = messages.x_thread, [messages.x_s, messages.x_key]
    each = ibis.window(group_by=thread, order_by=order)
    before = ibis.window(group_by=thread, order_by=order, rows=(None, -1))
    # Same partition and order as the others, so the engines sort once for all three.
    exchange = ibis.window(group_by=thread, order_by=order, rows=(None, None))
    previous = messages.x_author.lag().over(each).coalesce(messages.o_author)
    asked = ibis.cases((messages.x_clar, messages.x_s), else_=ibis.null("float64"))
    rows = messages.mutate(
        turn=previous.isnull() | (previous != messages.x_author),
        last=messages.x_key.lead().over(each).isnull(),
        asked_n=messages.x_clar.cast("int64").sum().over(before).coalesce(0),
        asked_s=asked.max().over(before),
        **{name: value.any().over(exchange) for name, value in whole.items()},
    )
    # Pass 2, over turns. The last message rides along for the `whole` columns of an exchange
    # with no turn of its own (only its opener's replies); nothing follows it, so the lags of the
    # turns before it are those over turns alone.
    turns = rows.filter(rows.turn | rows.last)
    over = ibis.window(group_by=turns.x_thread, order_by=[turns.x_s, turns.x_key])
    earlier = range(1, PING_PONG_TURNS)
    turns = turns.mutate(
        index=ibis.row_number().over(over),
        first_s=turns.x_s.lag(PING_PONG_TURNS - 1).over(over),
        asked_before=turns.asked_n.lag().over(over),
        **{f"speaker_{k}": turns.x_author.lag(k).over(over) for k in earlier},
    )

    def back(lagged: ir.Value, opening: ir.Value, k: int) -> ir.Value:
        """The value `k` turns back: the opening turn's just before the first row."""
        return ibis.cases(
            (turns.index >= k, lagged),
            (turns.index == k - 1, opening),
            else_=ibis.null(lagged.type()),
        )

    speakers = [turns.x_author] + [back(turns[f"speaker_{k}"], turns.o_author, k) for k in earlier]
    alternating = ibis.and_(*(speakers[k] == speakers[k - 2] for k in range(2, PING_PONG_TURNS)))
    span = turns.x_s - back(turns.first_s, turns.o_s, PING_PONG_TURNS - 1)
    asked_in_previous = turns.asked_n - back(turns.asked_before, ibis.literal(0), 1)
    return turns.select(
        "x_thread",
        "x_author",
        "x_s",
        "o_author",
        "turn",
        "asked_s",
        *whole,
        partner=speakers[1],
        ping_pong=(turns.turn & alternating & (span <= PING_PONG_SPAN_S)).coalesce(False),
        answers_clarification=(
            turns.turn
            & (asked_in_previous > 0)
            & (turns.x_s - turns.asked_s <= CLARIFICATION_SPAN_S)
        ).coalesce(False),
    )
