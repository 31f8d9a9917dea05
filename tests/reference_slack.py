"""An independent, deliberately naive reading of a Slack export folder into the contract metrics.

Plain json + zoneinfo, one message at a time, and a minute-free closed form avoided on purpose:
working time is counted by walking day by day. Tests compare the real pipeline against it.
"""

from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def _quantile_cont(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _working_seconds(start: datetime, end: datetime, tz: ZoneInfo) -> float:
    """Seconds of [start, end) inside Mon-Fri 09:00-17:00 local, walking the local days."""
    total = 0.0
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        if day.weekday() < 5:
            open_ = datetime(day.year, day.month, day.day, 9, tzinfo=tz)
            close = datetime(day.year, day.month, day.day, 17, tzinfo=tz)
            low = max(start, open_.astimezone(UTC))
            high = min(end, close.astimezone(UTC))
            if high > low:
                total += (high - low).total_seconds()
        day += timedelta(days=1)
    return total


def reference_metrics(root: Path) -> dict[str, Any]:
    """Contract metrics of an unpacked Slack export, computed the slow, obvious way."""
    users: dict[str, dict[str, Any]] = {}
    for name in ("users.json", "org_users.json"):
        if (root / name).is_file():
            for user in json.loads((root / name).read_text()):
                users.setdefault(user["id"], user)
    human = []
    for file in sorted(root.glob("*/*.json")):
        for m in json.loads(file.read_text()):
            user = users.get(m.get("user", ""), {})
            if (
                m.get("subtype") in HUMAN_SUBTYPES
                and m.get("user")
                and not m.get("bot_id")
                and not (user.get("is_bot") or user.get("is_app_user"))
                and m["user"] != "USLACKBOT"
                and m.get("ts")
            ):
                human.append((file.parent.name, m))

    def zone(user_id: str) -> ZoneInfo:
        return ZoneInfo(users.get(user_id, {}).get("tz") or "UTC")

    def when(m: dict[str, Any]) -> datetime:
        seconds, _, fraction = m["ts"].partition(".")
        return datetime.fromtimestamp(int(seconds), UTC) + timedelta(
            microseconds=int((fraction + "000000")[:6])
        )

    def is_reply(m: dict[str, Any]) -> bool:
        return bool(m.get("thread_ts")) and m["thread_ts"] != m["ts"]

    replies_by_thread: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for conversation, m in human:
        if is_reply(m):
            replies_by_thread.setdefault((conversation, m["thread_ts"]), []).append(m)
    roots = [(c, m) for c, m in human if not is_reply(m)]
    wall, business, within = [], [], []
    answered = 0
    for conversation, root in roots:
        others = [
            r
            for r in replies_by_thread.get((conversation, root["ts"]), [])
            if r["user"] != root["user"]
        ]
        if not others:
            continue
        answered += 1
        first = min(others, key=lambda r: (when(r), r["ts"]))
        wall.append((when(first) - when(root)).total_seconds())
        working = _working_seconds(when(root), when(first), zone(first["user"]))
        business.append(working)
        within.append(working <= 24 * 3600)
    after_hours = 0
    for _, m in human:
        local = when(m).astimezone(zone(m["user"]))
        if not (local.weekday() < 5 and 9 <= local.hour < 17):
            after_hours += 1
    # Slack rolled threads out from 2017-01-18: an export of earlier days shows no thread, so
    # whether a root was answered cannot be read from it.
    threads_seen = bool(replies_by_thread) or any(
        when(m) >= datetime(2017, 1, 18, tzinfo=UTC) for _, m in human
    )
    figures: dict[str, float | int | None] = {
        "messages.human": len(human),
        "messages.thread_replies": sum(is_reply(m) for _, m in human),
        "threads.count": len(replies_by_thread),
        "people.active": len({m["user"] for _, m in human}),
        "response.answered_share": answered / len(roots) if roots else None,
        "response.first_reply.median_s": statistics.median(wall) if wall else None,
        "response.first_reply.p90_s": _quantile_cont(wall, 0.9) if wall else None,
        "response.first_reply.business.median_s": statistics.median(business) if business else None,
        "response.within_window_share": sum(within) / len(within) if within else None,
        "hours.after_hours_share": after_hours / len(human) if human else None,
    }
    if not threads_seen:
        for thread_figure in (
            "messages.thread_replies",
            "threads.count",
            "response.answered_share",
            "response.first_reply.median_s",
            "response.first_reply.p90_s",
            "response.first_reply.business.median_s",
            "response.within_window_share",
        ):
            figures[thread_figure] = None
    return figures
