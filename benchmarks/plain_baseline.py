"""The script a user would write in an afternoon: `json.load` per file, dicts and plain Python.

It computes the contract figures of `measure` for the default charter (Monday to Friday, 09:00
to 17:00 in each author's own zone, UTC when the profile has none) from a Slack export folder,
without touching asyncmaturity, pandas or numpy. Written independently of both the metrics and the
pandas baseline, it is a third check of the metric definitions:

* local time comes from ``datetime.fromtimestamp`` with a ``zoneinfo`` zone, per message;
* working time is a week count plus the two partial days, on local epoch seconds;
* quantiles interpolate linearly between the two nearest ranks, by hand.

    .venv/bin/python benchmarks/plain_baseline.py EXPORT_FOLDER
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
TS = re.compile(r"\d{1,12}(\.\d{1,9})?")
LISTINGS = ("channels.json", "groups.json", "dms.json", "mpims.json")
USER_FILES = ("users.json", "org_users.json")
HUMAN_SUBTYPES = {None, "", "thread_broadcast", "file_share", "me_message"}
SLACKBOT = "USLACKBOT"
DAY_S = 86_400
WORK_START_S = 9 * 3600
WORK_LEN_S = 8 * 3600


def _root(path: Path) -> Path:
    if any((path / name).is_file() for name in (*LISTINGS, *USER_FILES)):
        return path
    children = [p for p in path.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(children) == 1 and children[0].is_dir():
        return _root(children[0])
    return path


def _read(path: Path) -> Any:
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        return json.load(handle)


def _local(seconds: float, zone: ZoneInfo) -> float:
    """Local wall-clock epoch seconds of the instant `seconds` in `zone`."""
    offset = datetime.fromtimestamp(seconds, zone).utcoffset()
    return seconds + (offset.total_seconds() if offset else 0)


def _working_s(local_s: float) -> float:
    """Working seconds (Mon-Fri 09:00-17:00) from the Monday before the epoch to `local_s`."""
    day = math.floor(local_s / DAY_S)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    week = (day + 3 - weekday) // 7
    into_day = min(max(local_s - day * DAY_S - WORK_START_S, 0), WORK_LEN_S)
    return week * 5 * WORK_LEN_S + min(weekday, 5) * WORK_LEN_S + (into_day if weekday < 5 else 0)


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def figures(export: Path) -> dict[str, float | int | None]:
    """The contract figures of `measure` (default charter) from a Slack export, end to end."""
    root = _root(export)
    users: dict[str, dict[str, Any]] = {}
    for name in USER_FILES:
        for record in _read(root / name):
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                profile = record.get("profile") or {}
                email = profile.get("email") if isinstance(profile, dict) else None
                users.setdefault(
                    record["id"],
                    {
                        "tz": record.get("tz") or "UTC",
                        "bot": bool(record.get("is_bot") or record.get("is_app_user"))
                        or record["id"] == SLACKBOT,
                        # One person across user ids where the profile gives an e-mail.
                        "person": "email:" + str(email).strip().lower() if email else None,
                    },
                )
    conversation_of: dict[str, str] = {}
    for name in LISTINGS:
        for record in _read(root / name):
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                conversation_of.setdefault(record["id"], record["id"])
                if name != "dms.json" and record.get("name"):
                    conversation_of.setdefault(record["name"], record["id"])

    zones: dict[str, ZoneInfo] = {}
    seen: set[tuple[str, str]] = set()
    # (conversation, ts) -> (author, sent seconds) of human thread roots; replies listed apart.
    roots: dict[tuple[str, str], tuple[str, float]] = {}
    replies: list[tuple[str, str, str, str, float, str]] = []
    people: set[str] = set()
    human = working = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        conversation = conversation_of.get(folder.name, folder.name)
        for file in sorted(folder.iterdir()):
            if not DAY_FILE.match(file.name) or not file.is_file():
                continue
            for message in _read(file):
                ts = (message.get("ts") or "").strip()
                if not TS.fullmatch(ts) or (conversation, ts) in seen:
                    continue
                seen.add((conversation, ts))
                user = message.get("user")
                profile = users.get(user) if user else None
                if (
                    user is None
                    or message.get("bot_id") is not None
                    or (profile["bot"] if profile else user == SLACKBOT)
                    or message.get("subtype") not in HUMAN_SUBTYPES
                ):
                    continue
                whole, _, fraction = ts.partition(".")
                sent = int(whole) + int(fraction[:6].ljust(6, "0")) / 1e6
                tz = profile["tz"] if profile else "UTC"
                zone = zones.get(tz) or zones.setdefault(tz, ZoneInfo(tz))
                local = _local(sent, zone)
                seconds_of_day = local - math.floor(local / DAY_S) * DAY_S
                weekday = (math.floor(local / DAY_S) + 3) % 7
                working += (
                    weekday < 5 and WORK_START_S <= seconds_of_day < WORK_START_S + WORK_LEN_S
                )
                human += 1
                author = (profile and profile["person"]) or "slack:" + user
                people.add(author)
                thread = (message.get("thread_ts") or "").strip()
                if thread and thread != ts:
                    replies.append((conversation, thread, ts, author, sent, tz))
                else:
                    roots[(conversation, ts)] = (author, sent)

    # The first reply by someone else per root; ties in time go to the lower message key.
    first: dict[tuple[str, str], tuple[float, str, str]] = {}
    for conversation, thread, ts, author, sent, tz in replies:
        root_message = roots.get((conversation, thread))
        if root_message is None or root_message[0] == author:
            continue
        best = first.get((conversation, thread))
        if best is None or sent < best[0]:
            first[(conversation, thread)] = (sent, ts, tz)
        elif sent == best[0]:
            key = hashlib.md5(f"slack|{conversation}|{ts}".encode()).hexdigest()
            best_key = hashlib.md5(f"slack|{conversation}|{best[1]}".encode()).hexdigest()
            if key < best_key:
                first[(conversation, thread)] = (sent, ts, tz)
    latencies: list[float] = []
    business: list[float] = []
    for root_key, (sent, _, tz) in first.items():
        root_sent = roots[root_key][1]
        latencies.append(max(sent - root_sent, 0.0))
        # Working time on the responder's clock, at both ends.
        zone = zones[tz]
        working_time = _working_s(_local(sent, zone)) - _working_s(_local(root_sent, zone))
        business.append(max(working_time, 0.0))

    return {
        "messages.human": human,
        "messages.thread_replies": len(replies),
        "threads.count": len({(c, t) for c, t, *_ in replies}),
        "people.active": len(people),
        "hours.after_hours_share": 1 - working / human if human else None,
        "response.answered_share": len(first) / len(roots) if roots else None,
        "response.first_reply.median_s": _quantile(latencies, 0.5),
        "response.first_reply.p90_s": _quantile(latencies, 0.9),
        "response.first_reply.business.median_s": _quantile(business, 0.5),
    }


if __name__ == "__main__":
    for metric, value in figures(Path(sys.argv[1])).items():
        print(f"{metric:40} {value}")
