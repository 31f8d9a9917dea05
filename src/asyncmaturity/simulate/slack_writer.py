"""Write a simulated chat as an unpacked Slack workspace export.

The export is ``users.json``, ``channels.json``, ``groups.json``, ``dms.json``, ``mpims.json``
and one folder of ``YYYY-MM-DD.json`` day files (UTC days) per conversation, written as the
records of a :class:`~asyncmaturity.simulate.chat.ChatRun` are finished, so memory stays at a few
days of messages. Beyond the simulation each record gets what changes no metric in the contract:
a ``client_msg_id``, file details, edits and reactions (:func:`decorate`, drawn once per flush
so that the Parquet writer carries the same edited flags and reaction counts). The same
parameters always give byte-identical files (with the same NumPy and Python versions).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from asyncmaturity.simulate.arrays import BoolArray, Csr, IntArray, StrArray
from asyncmaturity.simulate.chat import (
    APP_BOT,
    BROADCAST,
    DEPLOY_BOT,
    FILE_SHARE,
    JOIN,
    REPLY,
    SLACKBOT,
    Batch,
    ChatRun,
)
from asyncmaturity.simulate.clock import DAY_S, DAY_US, EPOCH, US, slack_timestamps, slack_ts
from asyncmaturity.simulate.organization import BOT_TIMEZONE, Ids, Org, conversation_members
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.simulate.texts import Texts

# Decorations that change no metric in the contract.
REACTION_SHARE = 0.1
EDITED_SHARE = 0.03
# How Slack labels the zones in users.json.
_TZ_LABELS = {
    "America/New_York": "Eastern Standard Time",
    "America/Chicago": "Central Standard Time",
    "America/Denver": "Mountain Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "Europe/London": "Greenwich Mean Time",
    "Europe/Berlin": "Central European Time",
    "Europe/Paris": "Central European Time",
    "Asia/Kolkata": "India Standard Time",
    "Asia/Kathmandu": "Nepal Time",
    "Asia/Tokyo": "Japan Standard Time",
    "Australia/Sydney": "Australian Eastern Daylight Time",
    "UTC": "Coordinated Universal Time",
}


_EMOJI = (
    "+1",
    "eyes",
    "white_check_mark",
    "tada",
    "pray",
    "raised_hands",
    "thinking_face",
    "heart",
)
_FILE_KINDS = (
    ("png", "image/png", "PNG", "screenshot"),
    ("pdf", "application/pdf", "PDF", "spec"),
    ("csv", "text/csv", "CSV", "export"),
    ("txt", "text/plain", "Plain Text", "notes"),
)


def join_text(user_id: str) -> str:
    """The text of a ``channel_join`` record of ``user_id``."""
    return f"<@{user_id}> has joined the channel"


# What the Slack source makes of each record kind (kind, then subtype by kind and human subtype).
_KIND_NAMES = np.array(["human", "human", "bot", "bot", "bot", "system"], dtype=object)
_SUBTYPE_NAMES = np.array(
    [None, "file_share", "me_message", "thread_broadcast", "bot_message", "channel_join"],
    dtype=object,
)


@dataclass
class StoreView:
    """Records as the Slack source stores them: kind, subtype, reply flag, thread root, text."""

    kind: StrArray  # 'human', 'bot' or 'system'
    subtype: StrArray  # None or the record's subtype
    is_reply: BoolArray
    root_ts: IntArray  # the thread root's ts (a record's own when it is not a reply)
    text: IntArray  # index into Texts.texts, or len(texts) + user for a channel_join record
    deploy: BoolArray  # records of the legacy integration (bot_id, no user)


def store_view(b: Batch, texts: Texts) -> StoreView:
    """How the Slack source reads each record of ``b`` (as rendered by the Slack writer)."""
    sub = np.where(
        b.kind <= REPLY, b.sub, np.where(b.kind == DEPLOY_BOT, 4, np.where(b.kind == JOIN, 5, 0))
    )
    is_reply = b.root >= 0
    join = b.kind == JOIN
    return StoreView(
        kind=_KIND_NAMES[b.kind],
        subtype=_SUBTYPE_NAMES[sub],
        is_reply=is_reply,
        root_ts=np.where(is_reply, b.thread_ts, b.ts),
        text=np.where(join, len(texts.texts) + b.user, b.text),
        deploy=b.kind == DEPLOY_BOT,
    )


def file_order(batch: Batch) -> tuple[Batch, IntArray]:
    """The records in the order of the export's files (conversation, UTC day, ts) and their days."""
    day = batch.ts // DAY_US
    order = np.lexsort((batch.ts, day, batch.conv))
    ordered: IntArray = day[order]
    return batch.take(order), ordered


@dataclass
class Decorations:
    """What a flush adds to its human records beyond the simulation: edits and reactions.

    Drawn once per flush by :func:`decorate`, so the Slack export and the direct Parquet tables
    carry the same edited flags and reaction counts.
    """

    py_seed: int  # seed of the Slack writer's Python draws (file details, edit times)
    human: IntArray  # rows of human records
    edited: IntArray  # rows of edited records
    reacted: IntArray  # rows of records with reactions
    hexes: bytes  # 16 bytes per human record, its client_msg_id
    emojis: IntArray  # (reacted, 2): emoji of each reaction, -1 for none
    who: IntArray  # (reacted, 2, 2): the people behind each reaction, -1 for none

    def edited_mask(self, n: int) -> BoolArray:
        """Per record of the flush: edited."""
        mask = np.zeros(n, dtype=np.bool_)
        mask[self.edited] = True
        return mask

    def reaction_counts(self, n: int) -> IntArray:
        """Per record of the flush: the sum of its reactions' counts (distinct people each)."""
        counts = np.zeros(n, dtype=np.int64)
        counts[self.reacted] = (self.who >= 0).sum(axis=(1, 2))
        return counts


def decorate(b: Batch, seed: int, flush_key: int, members: Csr) -> Decorations:
    """The decorations of one flush of records in file order (see :class:`Decorations`)."""
    rng = np.random.default_rng([seed, 4, flush_key])
    py_seed = int(rng.integers(2**63))
    human = np.flatnonzero(b.kind <= REPLY)
    decoration = rng.random(len(human))
    edited = human[decoration < EDITED_SHARE]
    reacted = human[(decoration >= EDITED_SHARE) & (decoration < EDITED_SHARE + REACTION_SHARE)]
    hexes = rng.bytes(16 * len(human))
    # One emoji, a second one time in five; one member reacts with each, and a second draw (with
    # replacement, so perhaps the same member) two times in five: one or two people, rarely more.
    n = len(reacted)
    first = rng.integers(len(_EMOJI), size=n)
    second = (first + 1 + rng.integers(len(_EMOJI) - 1, size=n)) % len(_EMOJI)
    emojis = np.stack([first, np.where(rng.random(n) < 0.2, second, -1)], axis=1)
    who = members.sample(b.conv[reacted], rng.random((n, 4))).reshape(n, 2, 2)
    again = (rng.random((n, 2)) < 0.4) & (who[:, :, 1] != who[:, :, 0])
    who[:, :, 1] = np.where(again, who[:, :, 1], -1)
    who[emojis[:, 1] < 0, 1, :] = -1
    return Decorations(py_seed, human, edited, reacted, hexes, emojis.astype(np.int64), who)


@dataclass
class SimulationSummary:
    """What :func:`write_slack_export` wrote."""

    out_dir: Path
    messages: int  # every message record written: human, bot and system records
    human_messages: int  # records that the metrics count as human messages
    people: int  # human members
    conversations: int  # conversations listed (public, private, DMs, group DMs), used or not


class _Writer:
    """Renders records to JSON text and writes one file per conversation and UTC day."""

    def __init__(self, out_dir: Path, params: SimulationParams, org: Org, texts: Texts) -> None:
        self.out_dir = out_dir
        self.p = params
        self.org = org
        self.texts = texts.texts
        self.user_ids = np.array(org.user_ids, dtype=object)
        self.folders = [str(out_dir / c.folder) for c in org.conversations]
        self.made: set[int] = set()
        self.files = 0
        self.records = 0
        self.humans = 0
        self.ids = Ids(params.seed)
        self.members = conversation_members(org)

    def write(self, batch: Batch, flush_key: int) -> None:
        """Write every record of ``batch`` (whole UTC days that will receive nothing more)."""
        if not len(batch):
            return
        b, day = file_order(batch)
        lines = self._render(b, decorate(b, self.p.seed, flush_key, self.members))
        change = np.flatnonzero((b.conv[1:] != b.conv[:-1]) | (day[1:] != day[:-1])) + 1
        starts = np.concatenate([[0], change]).tolist()
        ends = [*starts[1:], len(b)]
        names = {
            int(d): (EPOCH + timedelta(days=int(d))).isoformat() + ".json" for d in np.unique(day)
        }
        convs = b.conv[starts].tolist()
        days = day[starts].tolist()
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        for start, end, conv, d in zip(starts, ends, convs, days, strict=True):
            folder = self.folders[conv]
            if conv not in self.made:
                os.makedirs(folder, exist_ok=True)
                self.made.add(conv)
            # Plain os calls: tens of thousands of small files make file objects the bottleneck.
            fd = os.open(f"{folder}/{names[d]}", flags, 0o644)
            try:
                os.write(fd, ("[\n" + ",\n".join(lines[start:end]) + "\n]\n").encode())
            finally:
                os.close(fd)
        self.records += len(b)
        self.humans += int((b.kind <= REPLY).sum())

    def _render(self, b: Batch, decorations: Decorations) -> list[str]:
        """One JSON object per record, in the order of ``b``."""
        n = len(b)
        ids = self.user_ids
        team = self.org.team_id
        ts = slack_timestamps(b.ts)
        user = ids[b.user].tolist()
        texts = self.texts
        text = [texts[t] for t in b.text.tolist()]
        extra: list[str] = b.thread.tolist()
        # File details and edit times are drawn with Python's generator, seeded from NumPy's: a
        # call per draw is much cheaper there, and the seed keeps the files reproducible.
        py_rng = random.Random(decorations.py_seed)

        replies = np.flatnonzero(b.root >= 0).tolist()
        thread_ts = b.thread_ts[replies]
        thread_str = slack_timestamps(thread_ts)
        parent = ids[b.parent[replies]].tolist()
        broadcast = (b.sub[replies] == BROADCAST).tolist()
        for i, root_ts, root_user, shown in zip(
            replies, thread_str, parent, broadcast, strict=True
        ):
            extra[i] = f',"thread_ts":"{root_ts}","parent_user_id":"{root_user}"'
            if shown:
                extra[i] += (
                    f',"root":{{"type":"message","user":"{root_user}","ts":"{root_ts}",'
                    f'"thread_ts":"{root_ts}"}}'
                )
        for i in np.flatnonzero(b.sub == FILE_SHARE).tolist():
            ext, mime, pretty, title = _FILE_KINDS[py_rng.randrange(len(_FILE_KINDS))]
            self.files += 1
            created = ts[i].partition(".")[0]
            extra[i] += (
                f',"files":[{{"id":"{self.ids.make("F", self.files)}","created":{created},'
                f'"timestamp":{created},"name":"{title}-{self.files}.{ext}","title":"{title}",'
                f'"mimetype":"{mime}","filetype":"{ext}","pretty_type":"{pretty}",'
                f'"user":"{user[i]}","mode":"hosted","is_external":false,"is_public":true,'
                f'"size":{py_rng.randrange(2_000, 2_000_000)}}}],"upload":true,'
                '"display_as_bot":false'
            )
        human = decorations.human
        edited = decorations.edited
        for i, t in zip(edited.tolist(), b.ts[edited].tolist(), strict=True):
            at = t + py_rng.randrange(5, 600) * US
            extra[i] += f',"edited":{{"user":"{user[i]}","ts":"{slack_ts(at)}"}}'
        for i, emojis, who in zip(
            decorations.reacted.tolist(),
            decorations.emojis.tolist(),
            decorations.who.tolist(),
            strict=True,
        ):
            reactions = []
            for emoji, people in zip(emojis, who, strict=True):
                if emoji < 0:
                    continue
                names = ",".join(f'"{u}"' for u in sorted(str(ids[x]) for x in people if x >= 0))
                count = sum(x >= 0 for x in people)
                reactions.append(f'{{"name":"{_EMOJI[emoji]}","users":[{names}],"count":{count}}}')
            extra[i] += ',"reactions":[' + ",".join(reactions) + "]"

        hexes = decorations.hexes.hex()
        sub_fragment = (
            "",
            '"subtype":"file_share",',
            '"subtype":"me_message",',
            '"subtype":"thread_broadcast",',
        )
        h_index = human.tolist()
        rendered = [
            f'{{"client_msg_id":"{hexes[j : j + 8]}-{hexes[j + 8 : j + 12]}-4{hexes[j + 13 : j + 16]}-'
            f'a{hexes[j + 17 : j + 20]}-{hexes[j + 20 : j + 32]}","type":"message",'
            f'{sub_fragment[s]}"text":"{text[i]}","user":"{user[i]}","ts":"{ts[i]}",'
            f'"team":"{team}"{extra[i]}}}'
            for j, i, s in zip(
                range(0, 32 * len(h_index), 32), h_index, b.sub[human].tolist(), strict=True
            )
        ]
        lines: list[str] = [""] * n
        for i, line in zip(h_index, rendered, strict=True):
            lines[i] = line
        org = self.org
        kind = b.kind.tolist()
        for i in np.flatnonzero(b.kind > REPLY).tolist():
            k = kind[i]
            if k == DEPLOY_BOT:
                lines[i] = (
                    f'{{"type":"message","subtype":"bot_message","text":"{text[i]}",'
                    f'"ts":"{ts[i]}","bot_id":"{org.bot_ids["deploybot"]}",'
                    f'"username":"deploybot","icons":{{"emoji":":rocket:"}}{extra[i]}}}'
                )
            elif k == APP_BOT:
                bot_id = org.bot_ids["triagebot"]
                lines[i] = (
                    f'{{"type":"message","text":"{text[i]}","user":"{user[i]}","ts":"{ts[i]}",'
                    f'"bot_id":"{bot_id}","app_id":"{org.app_id}","team":"{team}",'
                    f'"bot_profile":{{"id":"{bot_id}","app_id":"{org.app_id}",'
                    f'"name":"triagebot","deleted":false,"team_id":"{team}"}}{extra[i]}}}'
                )
            elif k == SLACKBOT:
                lines[i] = (
                    f'{{"type":"message","text":"{text[i]}","user":"USLACKBOT",'
                    f'"ts":"{ts[i]}","team":"{team}"{extra[i]}}}'
                )
            else:
                lines[i] = (
                    f'{{"type":"message","subtype":"channel_join","ts":"{ts[i]}",'
                    f'"user":"{user[i]}","text":"{join_text(user[i])}"}}'
                )
        return lines

    def write_listings(self, start_s: int) -> None:
        """users.json and the four conversation listings, pretty-printed as Slack writes them."""
        org = self.org
        p = self.p
        at = datetime.fromtimestamp(start_s, UTC)
        users: list[dict[str, Any]] = []
        for i in range(p.people):
            zone_name = org.zone_names[int(org.person_zone[i])]
            zone = ZoneInfo(zone_name)
            offset = at.astimezone(zone).utcoffset()
            users.append(
                {
                    "id": org.user_ids[i],
                    "team_id": org.team_id,
                    "name": org.handles[i],
                    "deleted": False,
                    "real_name": org.real_names[i],
                    "tz": zone_name,
                    "tz_label": _TZ_LABELS.get(zone_name, at.astimezone(zone).tzname() or ""),
                    "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
                    "profile": {
                        "real_name": org.real_names[i],
                        "display_name": org.real_names[i].split()[0],
                        "email": org.emails[i],
                        "team": org.team_id,
                    },
                    "is_admin": i == 0,
                    "is_owner": i == 0,
                    "is_bot": False,
                    "is_app_user": False,
                    "updated": start_s - DAY_S * (1 + i % 200),
                }
            )
        # Bots and Slackbot keep the zone's standard time, as real exports list them.
        bot_zone = {"tz": BOT_TIMEZONE, "tz_label": _TZ_LABELS[BOT_TIMEZONE], "tz_offset": -28800}
        for index, (name, bot_id) in enumerate(org.bot_ids.items()):
            users.append(
                {
                    "id": org.user_ids[p.people + index],
                    "team_id": org.team_id,
                    "name": name,
                    "deleted": False,
                    "real_name": name,
                    **bot_zone,
                    "profile": {
                        "real_name": name,
                        "display_name": name,
                        "bot_id": bot_id,
                        "api_app_id": org.app_id if name == "triagebot" else "",
                        "always_active": True,
                        "team": org.team_id,
                    },
                    "is_admin": False,
                    "is_owner": False,
                    "is_bot": True,
                    "is_app_user": False,
                    "updated": start_s - DAY_S * 30,
                }
            )
        # Slackbot is listed as a person (is_bot false), as real exports list it.
        users.append(
            {
                "id": "USLACKBOT",
                "team_id": org.team_id,
                "name": "slackbot",
                "deleted": False,
                "real_name": "Slackbot",
                **bot_zone,
                "profile": {
                    "real_name": "Slackbot",
                    "display_name": "Slackbot",
                    "team": org.team_id,
                },
                "is_admin": False,
                "is_owner": False,
                "is_bot": False,
                "is_app_user": False,
                "updated": 0,
            }
        )
        listings: dict[str, list[dict[str, Any]]] = {
            "channels.json": [],
            "groups.json": [],
            "dms.json": [],
            "mpims.json": [],
        }
        for conv in org.conversations:
            members = [org.user_ids[m] for m in conv.members]
            creator = org.user_ids[conv.creator]
            if conv.kind == "dm":
                listings["dms.json"].append(
                    {"id": conv.id, "created": conv.created, "members": members}
                )
                continue
            record: dict[str, Any] = {
                "id": conv.id,
                "name": conv.name,
                "created": conv.created,
                "creator": creator,
                "is_archived": False,
            }
            if conv.kind == "public":
                record["is_general"] = conv.name == "general"
            record["members"] = members
            record["topic"] = {"value": conv.topic, "creator": creator, "last_set": conv.created}
            record["purpose"] = {
                "value": conv.purpose,
                "creator": creator,
                "last_set": conv.created,
            }
            target = {"public": "channels.json", "private": "groups.json"}.get(
                conv.kind, "mpims.json"
            )
            listings[target].append(record)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / "users.json").write_text(json.dumps(users, indent=4) + "\n")
        for name, records in listings.items():
            (self.out_dir / name).write_text(json.dumps(records, indent=4) + "\n")


def write_slack_export(
    run: ChatRun,
    out_dir: Path,
    on_day: Callable[[int], None] | None = None,
) -> SimulationSummary:
    """Write the Slack export of ``run`` to ``out_dir``; ``on_day(k)`` follows each local day."""
    params = run.params
    writer = _Writer(out_dir, params, run.org, run.texts)
    writer.write_listings(run.start_s)
    for k, finished, key in run.flushes():
        writer.write(finished, key)
        if on_day is not None and k < params.days:
            on_day(k)
    return SimulationSummary(
        out_dir=out_dir,
        messages=writer.records,
        human_messages=writer.humans,
        people=params.people,
        conversations=len(run.org.conversations),
    )
