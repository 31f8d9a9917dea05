"""The baseline an analyst would write: plain `json` + pandas, straight from the export folder.

It computes the contract figures of `measure` for the default charter (Monday to Friday, 09:00 to
17:00 in each author's own zone, UTC when the profile has none) from the raw day files, without
touching asyncmaturity, so it doubles as an independent check of the metric definitions:

* time zones are converted with pandas' ``tz_convert`` (one vectorised call per zone), not with the
  offset table of ``asyncmaturity.metrics.timezones``;
* working time between two instants is counted with ``numpy.busday_count`` plus the two partial
  days, not with the closed form of ``asyncmaturity.metrics.business``.

It is meant to be fair: vectorised pandas throughout, pyarrow-backed strings, no per-row Python
except the unavoidable ``json`` parsing and column extraction.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
LISTINGS = ("channels.json", "groups.json", "dms.json", "mpims.json")
USER_FILES = ("users.json", "org_users.json")
HUMAN_SUBTYPES = ("", "thread_broadcast", "file_share", "me_message")
SLACKBOT = "USLACKBOT"
TS_PATTERN = r"\d{1,12}(\.\d{1,9})?"
US = 1_000_000
DAY_US = 86_400 * US
WORK_START_US = 9 * 3600 * US
WORK_LEN_US = 8 * 3600 * US
STRING = pd.StringDtype("pyarrow")
FIELDS = ("user", "bot_id", "subtype", "ts", "thread_ts")


def _root(path: Path) -> Path:
    if any((path / name).is_file() for name in (*LISTINGS, *USER_FILES)):
        return path
    children = [p for p in path.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(children) == 1 and children[0].is_dir():
        return _root(children[0])
    return path


def _listing(path: Path) -> list[Any]:
    return json.loads(path.read_bytes()) if path.is_file() else []


def load(export: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Users (one row per Slack user) and messages (the fields the figures need) of an export."""
    root = _root(export)
    users: dict[str, dict[str, Any]] = {}
    for name in USER_FILES:
        for record in _listing(root / name):
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                profile = record.get("profile") if isinstance(record.get("profile"), dict) else {}
                email = profile.get("email")
                users.setdefault(
                    record["id"],
                    {
                        "user": record["id"],
                        "tz": record.get("tz") or None,
                        "is_bot": bool(record.get("is_bot") or record.get("is_app_user"))
                        or record["id"] == SLACKBOT,
                        # People with an e-mail are one person across user ids, as in the store.
                        "person": "email:" + str(email).strip().lower()
                        if email
                        else "slack:" + record["id"],
                    },
                )
    by_folder: dict[str, str] = {}
    for name in LISTINGS:
        for record in _listing(root / name):
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                by_folder.setdefault(record["id"], record["id"])
                if name != "dms.json" and record.get("name"):
                    by_folder.setdefault(record["name"], record["id"])

    columns: dict[str, list[Any]] = {f: [] for f in FIELDS}
    conv_codes: list[np.ndarray] = []
    conv_ids: list[str] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        files = sorted(f for f in folder.iterdir() if DAY_FILE.match(f.name) and f.is_file())
        if not files:
            continue
        code = len(conv_ids)
        conv_ids.append(by_folder.get(folder.name, folder.name))
        for file in files:
            records = json.loads(file.read_bytes())
            for field in FIELDS:
                columns[field].extend([r.get(field) for r in records])
            conv_codes.append(np.full(len(records), code, dtype=np.int32))
    messages = pd.DataFrame({f: pd.array(v, dtype=STRING) for f, v in columns.items()})
    messages["conv"] = np.concatenate(conv_codes) if conv_codes else np.array([], dtype=np.int32)
    messages.attrs["conv_ids"] = conv_ids
    return pd.DataFrame(list(users.values())), messages


def _local_us(utc_us: pd.Series, zones: pd.Series) -> np.ndarray:
    """Local wall-clock microseconds since the epoch of each instant, in the row's zone."""
    out = np.empty(len(utc_us), dtype=np.int64)
    positions = np.arange(len(utc_us))
    for zone, index in pd.Series(positions).groupby(zones.to_numpy()).groups.items():
        idx = np.asarray(index)
        instants = pd.to_datetime(utc_us.to_numpy()[idx], unit="us", utc=True)
        local = instants.tz_convert(str(zone)).tz_localize(None)
        out[idx] = local.to_numpy().astype("datetime64[us]").astype(np.int64)
    return out


def _working_us(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Mon-Fri 09:00-17:00 microseconds between local instants (negative when end < start)."""
    sign = np.where(end >= start, 1, -1)
    a, b = np.minimum(start, end), np.maximum(start, end)
    day_a, day_b = a // DAY_US, b // DAY_US
    into_a = np.clip(a - day_a * DAY_US - WORK_START_US, 0, WORK_LEN_US)
    into_b = np.clip(b - day_b * DAY_US - WORK_START_US, 0, WORK_LEN_US)
    dates_a = day_a.astype("datetime64[D]")
    dates_b = day_b.astype("datetime64[D]")
    work_a = np.is_busday(dates_a).astype(np.int64)
    work_b = np.is_busday(dates_b).astype(np.int64)
    whole = np.busday_count(dates_a + 1, dates_b).clip(min=0).astype(np.int64)
    same = np.where(day_a == day_b, work_a * (into_b - into_a), 0)
    apart = np.where(
        day_a != day_b, work_a * (WORK_LEN_US - into_a) + work_b * into_b + whole * WORK_LEN_US, 0
    )
    return sign * (same + apart)


def compute(users: pd.DataFrame, messages: pd.DataFrame) -> dict[str, float | int | None]:
    """The contract figures of `measure` (default charter) from the loaded export."""
    conv_ids = np.asarray(messages.attrs["conv_ids"], dtype=object)
    m = messages
    ts = m["ts"].str.strip()
    valid = ts.str.fullmatch(TS_PATTERN).fillna(False).astype(bool).to_numpy()
    m = m.assign(ts=ts)[valid]
    # A message's key is its conversation and ts: repeats count once.
    m = m.drop_duplicates(["conv", "ts"], keep="first")

    # Authors: profile facts by Slack user id; unknown authors are people unless they are Slackbot.
    codes, uniques = pd.factorize(m["user"], use_na_sentinel=True)
    known = users.set_index("user").reindex(pd.Index(uniques, dtype=object))
    is_bot = known["is_bot"].fillna(pd.Series(uniques, index=known.index) == SLACKBOT)
    person = known["person"].fillna("slack:" + pd.Series(uniques, index=known.index).astype(str))
    person_codes, _ = pd.factorize(person)
    tz = known["tz"].fillna("UTC").to_numpy(dtype=object)
    has_user = codes >= 0
    safe = np.where(has_user, codes, 0)
    author_bot = np.where(has_user, is_bot.to_numpy(dtype=bool)[safe], False)

    subtype = m["subtype"].fillna("")
    human = (
        has_user
        & m["bot_id"].isna().to_numpy()
        & ~author_bot
        & subtype.isin(HUMAN_SUBTYPES).to_numpy()
    )
    h = m[human]
    h_codes = safe[human]
    thread = h["thread_ts"].str.strip()
    thread = thread.where(thread != "")
    is_reply = (thread.notna() & (thread != h["ts"])).fillna(False).astype(bool).to_numpy()
    parts = h["ts"].str.partition(".")
    sent_us = parts[0].astype(np.int64).to_numpy() * US + (
        parts[2].str.slice(0, 6).str.ljust(6, "0").astype(np.int64).to_numpy()
    )
    frame = pd.DataFrame(
        {
            "conv": h["conv"].to_numpy(),
            "ts": h["ts"].to_numpy(),
            "root_ts": thread.fillna(h["ts"]).to_numpy(),
            "is_reply": is_reply,
            "author": person_codes[h_codes],
            "tz": tz[h_codes],
            "sent_us": sent_us,
        }
    )

    local = _local_us(frame["sent_us"], frame["tz"])
    day = local // DAY_US
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    second_of_day = local - day * DAY_US
    working = (
        (weekday < 5)
        & (second_of_day >= WORK_START_US)
        & (second_of_day < WORK_START_US + WORK_LEN_US)
    )
    frame["local_us"] = local

    replies = frame[frame["is_reply"]]
    roots = frame[~frame["is_reply"]]
    pairs = replies[["conv", "root_ts", "ts", "author", "sent_us", "local_us", "tz"]].merge(
        roots[["conv", "ts", "author", "sent_us"]].rename(
            columns={"ts": "root_ts", "author": "root_author", "sent_us": "root_us"}
        ),
        on=["conv", "root_ts"],
    )
    pairs = pairs[pairs["author"] != pairs["root_author"]]
    # Ties (two first replies in the same microsecond) are broken by message key, as in the store.
    tied = pairs.duplicated(["conv", "root_ts", "sent_us"], keep=False).to_numpy()
    tie_key = np.full(len(pairs), "", dtype=object)
    if tied.any():
        tie_key[tied] = [
            hashlib.md5(f"slack|{conv_ids[c]}|{t}".encode()).hexdigest()
            for c, t in zip(
                pairs["conv"].to_numpy()[tied], pairs["ts"].to_numpy()[tied], strict=True
            )
        ]
    pairs = pairs.assign(tie_key=tie_key).sort_values(["conv", "root_ts", "sent_us", "tie_key"])
    first = pairs.drop_duplicates(["conv", "root_ts"], keep="first")
    latency = (first["sent_us"].to_numpy() - first["root_us"].to_numpy()) / US
    root_local = _local_us(first["root_us"], first["tz"])
    business = _working_us(root_local, first["local_us"].to_numpy()) / US

    def quantile(values: np.ndarray, q: float) -> float | None:
        return float(np.quantile(values, q)) if len(values) else None

    return {
        "messages.human": len(frame),
        "messages.thread_replies": int(is_reply.sum()),
        "threads.count": len(replies[["conv", "root_ts"]].drop_duplicates()),
        "people.active": int(frame["author"].nunique()),
        "hours.after_hours_share": float(1 - working.mean()) if len(frame) else None,
        "response.answered_share": len(first) / len(roots) if len(roots) else None,
        "response.first_reply.median_s": quantile(latency, 0.5),
        "response.first_reply.p90_s": quantile(latency, 0.9),
        "response.first_reply.business.median_s": quantile(business, 0.5),
    }


def figures(export: Path) -> dict[str, float | int | None]:
    """Load and compute, end to end."""
    users, messages = load(export)
    return compute(users, messages)
