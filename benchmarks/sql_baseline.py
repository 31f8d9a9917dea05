"""Hand-written DuckDB queries computing the contract figures of `measure`, for checks and timing.

It reads the evidence store directly and hard-codes the default charter (Monday to Friday,
09:00 to 17:00 in each person's zone, UTC when the store has none). Local time comes from DuckDB's
own ICU ``timezone()`` function, per row, rather than the offset table the Ibis metrics join, and
working time from a closed form written independently of ``asyncmaturity.metrics.business``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

START_S = 9 * 3600
LEN_S = 8 * 3600
WORKDAYS = 5  # Monday (0) to Friday (4)


def _business_seconds(local_s: str) -> str:
    """Working seconds since the Monday before the epoch at local epoch seconds `local_s`."""
    day = f"floor(({local_s}) / 86400)"
    weekday = f"((({day} + 3) % 7 + 7) % 7)"
    week = f"(({day} + 3 - {weekday}) / 7)"
    into_day = f"greatest(least(({local_s}) - {day} * 86400 - {START_S}, {LEN_S}), 0)"
    return (
        f"({week} * {WORKDAYS * LEN_S} + least({weekday}, {WORKDAYS}) * {LEN_S}"
        f" + CASE WHEN {weekday} < {WORKDAYS} THEN {into_day} ELSE 0 END)"
    )


# The contract figures in one query, for the organization alone or, with GROUPING SETS, also for
# every breakdown measure computes (conversation kind, channel, month, source) over the same rows.
_TEMPLATE = f"""
WITH zones AS (
    SELECT person_key, coalesce(first(tz), 'UTC') AS tz FROM people GROUP BY person_key
),
conversation AS (
    SELECT conversation_key, first(kind) AS kind, first(name) AS name
    FROM conversations GROUP BY conversation_key
),
human AS (
    SELECT m.message_key, m.thread_root_key, m.author_key, m.is_reply, m.sent_at,
           __GROUPS__
           coalesce(z.tz, 'UTC') AS tz,
           timezone(coalesce(z.tz, 'UTC'), timezone('UTC', m.sent_at)) AS local_at
    FROM messages m
    JOIN conversation c ON c.conversation_key = m.conversation_key
    LEFT JOIN zones z ON z.person_key = m.author_key
    WHERE m.kind = 'human'
),
first_reply AS (
    SELECT f.sent_at AS root_at, f.conversation_kind, f.channel, f.month, f.source,
           arg_min({{'sent_at': r.sent_at, 'local_at': r.local_at, 'tz': r.tz}},
                   {{'sent_at': r.sent_at, 'key': r.message_key}}) AS r
    FROM human f
    JOIN human r
      ON r.thread_root_key = f.message_key AND r.is_reply AND r.author_key <> f.author_key
    WHERE NOT f.is_reply
    GROUP BY f.message_key, f.sent_at, f.conversation_kind, f.channel, f.month, f.source
),
latency AS (
    SELECT conversation_kind, channel, month, source,
           epoch(r.sent_at) - epoch(root_at) AS latency_s,
           {_business_seconds("epoch(r.local_at)")}
           - {_business_seconds("epoch(timezone(r.tz, timezone('UTC', root_at)))")} AS business_s
    FROM first_reply
),
by_message AS (
    SELECT grouping(conversation_kind, channel, month, source) AS g,
           conversation_kind, channel, month, source,
           count(*) AS human,
           count(*) FILTER (WHERE is_reply) AS replies,
           count(DISTINCT thread_root_key) FILTER (WHERE is_reply) AS threads,
           count(DISTINCT author_key) AS people,
           avg(CASE WHEN isodow(local_at) <= 5 AND hour(local_at) BETWEEN 9 AND 16
                    THEN 0.0 ELSE 1.0 END) AS after_hours,
           count(*) FILTER (WHERE NOT is_reply) AS roots
    FROM human
    GROUP BY GROUPING SETS (__SETS__)
),
by_root AS (
    SELECT grouping(conversation_kind, channel, month, source) AS g,
           conversation_kind, channel, month, source,
           count(*) AS answered,
           quantile_cont(latency_s, 0.5) AS median_s,
           quantile_cont(latency_s, 0.9) AS p90_s,
           quantile_cont(business_s, 0.5) AS business_median_s
    FROM latency
    GROUP BY GROUPING SETS (__SETS__)
)
SELECT m.g, coalesce(m.conversation_kind, m.channel, m.month, m.source) AS grp,
       human AS "messages.human",
       replies AS "messages.thread_replies",
       threads AS "threads.count",
       people AS "people.active",
       after_hours AS "hours.after_hours_share",
       coalesce(answered, 0) / nullif(roots, 0) AS "response.answered_share",
       median_s AS "response.first_reply.median_s",
       p90_s AS "response.first_reply.p90_s",
       business_median_s AS "response.first_reply.business.median_s"
FROM by_message m
LEFT JOIN by_root r
  ON r.g = m.g AND r.conversation_kind IS NOT DISTINCT FROM m.conversation_kind
 AND r.channel IS NOT DISTINCT FROM m.channel AND r.month IS NOT DISTINCT FROM m.month
 AND r.source IS NOT DISTINCT FROM m.source
"""
_GROUP_COLUMNS = """c.kind AS conversation_kind,
           CASE WHEN c.kind IN ('public channel', 'private channel', 'urgent channel')
                THEN c.name END AS channel,
           strftime(m.sent_at, '%Y-%m') AS month,
           m.source AS source,"""
_NO_GROUPS = "NULL AS conversation_kind, NULL AS channel, NULL AS month, NULL AS source,"
# The organization alone: one group over the constant (null) group columns.
QUERY = _TEMPLATE.replace("__GROUPS__", _NO_GROUPS).replace(
    "__SETS__", "(conversation_kind, channel, month, source)"
)
SCOPES_QUERY = _TEMPLATE.replace("__GROUPS__", _GROUP_COLUMNS).replace(
    "__SETS__", "(), (conversation_kind), (channel), (month), (source)"
)
# grouping() sets a bit for every column left out of the set (kind 8, channel 4, month 2, source
# 1): (kind) leaves channel, month and source.
_GROUPING = {
    15: "organization",
    0: "organization",
    7: "conversation_kind",
    11: "channel",
    13: "month",
    14: "source",
}


def figures(store: Path, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, Any]:
    """Run the organization query on `store` (read-only): {metric: value}."""
    return _run(QUERY, store, con)["organization"][""]


def figures_by_scope(
    store: Path, con: duckdb.DuckDBPyConnection | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """Run the grouping-sets query: {scope: {group: {metric: value}}}, organization under ""."""
    return _run(SCOPES_QUERY, store, con)


def _run(
    query: str, store: Path, con: duckdb.DuckDBPyConnection | None
) -> dict[str, dict[str, dict[str, Any]]]:
    own = con is None
    con = con or duckdb.connect(str(store), read_only=True)
    try:
        cursor = con.execute(query)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        if own:
            con.close()
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        record = dict(zip(names, row, strict=True))
        scope = _GROUPING[int(record.pop("g"))]
        group = record.pop("grp")
        if scope != "organization" and group is None:
            continue  # conversations that are not channels have no channel group
        result.setdefault(scope, {})[group or ""] = {
            k: (float(v) if isinstance(v, float) else v) for k, v in record.items()
        }
    return result
