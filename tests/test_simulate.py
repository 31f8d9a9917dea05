"""The simulator writes deterministic, well-formed Slack exports whose metrics are known ahead.

The ground truth is checked twice: by a brute-force reader here (plain json and zoneinfo, one
message at a time, written from the metric definitions and independent of the package), and by the
package's own ingest and measure.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.simulate.export import simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams, expected_metrics
from asyncmaturity.simulate.slack_writer import SimulationSummary

GROUND_TRUTH = SimulationParams(people=60, days=40, seed=7)
# How far a measured figure may stray from expected_metrics at the ground-truth size: shares in
# absolute terms, delays and counts relative to the expected value. The after-hours, bot and
# people figures are steered or dealt exactly; the others carry sampling noise (the median delay
# over ~1,600 answered roots has a relative standard deviation of about 4%).
ABSOLUTE = {
    "hours.after_hours_share": 0.01,
    "response.answered_share": 0.03,
    "messages.dm_share": 0.03,
    "messages.broadcast_share": 0.01,
    "messages.record_link_share": 0.02,
    "response.immediate_share": 0.03,
    "people.active": 0,
}
RELATIVE = {
    "response.first_reply.median_s": 0.15,
    "response.first_reply.p90_s": 0.25,
    "messages.human": 0.08,
    "threads.count": 0.1,
}
TS = re.compile(r"^[1-9]\d*\.\d{6}$")
DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
# The charter's default record_systems patterns, restated so this reader stays independent.
RECORD_LINK = re.compile(
    r"github\.com/[^/\s]+/[^/\s]+/(issues|pull|discussions)/\d+|atlassian\.net/(browse|wiki)/"
    r"|/browse/[A-Z][A-Z0-9]+-\d+|notion\.so/|docs\.google\.com/|linear\.app/|confluence"
)


@dataclass
class Export:
    """An unpacked Slack export as plain Python data."""

    users: list[dict[str, Any]]
    listings: dict[str, list[dict[str, Any]]]
    # folder -> (kind, members, [(day file name, [records])])
    conversations: dict[str, tuple[str, set[str], list[tuple[str, list[dict[str, Any]]]]]] = field(
        default_factory=dict
    )

    def records(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(folder, kind, record) for every message record, folder by folder, file by file."""
        return [
            (folder, kind, record)
            for folder, (kind, _, days) in sorted(self.conversations.items())
            for _, records in days
            for record in records
        ]


def read_export(root: Path) -> Export:
    """Parse every file of an unpacked export with the standard json module."""
    export = Export(
        users=json.loads((root / "users.json").read_text()),
        listings={
            name: json.loads((root / name).read_text())
            for name in ("channels.json", "groups.json", "dms.json", "mpims.json")
        },
    )
    kinds = {"channels.json": "public", "groups.json": "private", "dms.json": "dm"}
    for name, listed in export.listings.items():
        for conv in listed:
            folder = conv["id"] if name == "dms.json" else conv["name"]
            days = []
            if (root / folder).is_dir():
                for path in sorted((root / folder).iterdir()):
                    days.append((path.name, json.loads(path.read_text())))
            kind = kinds.get(name, "group dm")
            export.conversations[folder] = (kind, set(conv["members"]), days)
    return export


def brute_force_metrics(export: Export) -> dict[str, float]:
    """The contract metrics computed message by message from their written definitions."""
    not_people = {u["id"] for u in export.users if u["is_bot"] or u["is_app_user"]}
    not_people.add("USLACKBOT")
    zones = {u["id"]: ZoneInfo(u["tz"]) for u in export.users}
    human = []
    bots = 0
    for folder, kind, m in export.records():
        subtype = m.get("subtype")
        if (
            subtype in HUMAN_SUBTYPES
            and m.get("user")
            and "bot_id" not in m
            and m["user"] not in not_people
        ):
            human.append((folder, kind, m))
        elif subtype != "channel_join":
            bots += 1
    after_hours = 0
    roots: dict[tuple[str, str], str] = {}
    replies: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for folder, _, m in human:
        local = datetime.fromtimestamp(float(m["ts"]), UTC).astimezone(zones[m["user"]])
        if not (local.weekday() < 5 and 9 <= local.hour < 17):
            after_hours += 1
        if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
            replies[(folder, m["thread_ts"])].append((float(m["ts"]), m["user"]))
        else:
            roots[(folder, m["ts"])] = m["user"]
    delays = []
    for key, author in roots.items():
        others = [t for t, user in replies.get(key, []) if user != author]
        if others:
            delays.append(min(others) - float(key[1]))
    n = len(human)
    return {
        "messages.human": n,
        "threads.count": sum(1 for key in roots if key in replies),
        "people.active": len({m["user"] for _, _, m in human}),
        "hours.after_hours_share": after_hours / n,
        "messages.dm_share": sum(kind in ("dm", "group dm") for _, kind, _ in human) / n,
        "messages.broadcast_share": sum(
            "<!here>" in m["text"] or "<!channel>" in m["text"] for _, _, m in human
        )
        / n,
        "messages.record_link_share": sum(bool(RECORD_LINK.search(m["text"])) for *_, m in human)
        / n,
        "messages.bot_share": bots / (bots + n),
        "response.answered_share": len(delays) / len(roots),
        "response.first_reply.median_s": statistics.median(delays),
        "response.first_reply.p90_s": statistics.quantiles(delays, n=10, method="inclusive")[-1],
        "response.immediate_share": sum(d <= 300 for d in delays) / len(delays),
    }


def digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``, by relative path."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def assert_close(measured: dict[str, Any], expected: dict[str, float]) -> None:
    """Every figure of ABSOLUTE and RELATIVE within its tolerance, all failures listed at once."""
    failures = []
    for metric, tolerance in ABSOLUTE.items():
        if abs(measured[metric] - expected[metric]) > tolerance:
            failures.append(f"{metric}: {measured[metric]} vs {expected[metric]} ± {tolerance}")
    for metric, tolerance in RELATIVE.items():
        if abs(measured[metric] / expected[metric] - 1) > tolerance:
            failures.append(f"{metric}: {measured[metric]} vs {expected[metric]} ± {tolerance:%}")
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def ground_truth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationSummary]:
    """The ground-truth export, written once for the module."""
    out = tmp_path_factory.mktemp("simulated") / "export"
    return out, simulate_slack_export(out, GROUND_TRUTH)


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    params = SimulationParams(people=12, days=9, seed=3)
    calls: list[tuple[int, int]] = []
    simulate_slack_export(tmp_path / "a", params, progress=lambda d, t: calls.append((d, t)))
    simulate_slack_export(tmp_path / "b", params)
    simulate_slack_export(tmp_path / "c", SimulationParams(people=12, days=9, seed=4))
    first, again, other = (digests(tmp_path / name) for name in "abc")
    assert first == again
    assert len(first) > 20
    assert first != other
    assert calls == [(day, 9) for day in range(1, 10)]


def test_export_has_slack_structure(ground_truth: tuple[Path, SimulationSummary]) -> None:
    root, summary = ground_truth
    export = read_export(root)
    users = {u["id"]: u for u in export.users}
    bot_ids = {u["profile"]["bot_id"] for u in export.users if u["is_bot"]}
    assert "USLACKBOT" in users and bot_ids
    assert sum(not u["is_bot"] for u in export.users) == GROUND_TRUTH.people + 1  # + Slackbot
    for user in export.users:
        assert user["team_id"].startswith("T") and user["tz"] and isinstance(user["tz_offset"], int)
    listed = [c for listing in export.listings.values() for c in listing]
    assert summary.conversations == len(listed)
    assert {c["id"][0] for c in export.listings["channels.json"]} == {"C"}
    assert {c["id"][0] for c in export.listings["groups.json"]} == {"G"}
    assert all(
        c["id"].startswith("D") and len(c["members"]) == 2 for c in export.listings["dms.json"]
    )
    assert all(c["name"].startswith("mpdm-") for c in export.listings["mpims.json"])
    assert [c["name"] for c in export.listings["channels.json"] if c["is_general"]] == ["general"]
    assert {p.name for p in root.iterdir() if p.is_dir()} <= set(export.conversations)

    seen: set[tuple[str, str]] = set()
    records = 0
    for folder, (_, members, days) in export.conversations.items():
        by_ts: dict[str, dict[str, Any]] = {}
        for name, day_records in days:
            assert DAY_FILE.match(name), name
            stamps = [m["ts"] for m in day_records]
            assert stamps == sorted(stamps, key=float), f"{folder}/{name} is not sorted by ts"
            for m in day_records:
                assert m["type"] == "message" and TS.match(m["ts"]), m
                day = datetime.fromtimestamp(float(m["ts"]), UTC).date().isoformat()
                assert name == f"{day}.json", (folder, name, m["ts"])
                assert (folder, m["ts"]) not in seen, f"duplicate ts {m['ts']} in {folder}"
                seen.add((folder, m["ts"]))
                by_ts[m["ts"]] = m
                if "user" in m and m["user"] != "USLACKBOT":
                    assert m["user"] in members, f"{m['user']} posts in {folder} unlisted"
                if "bot_id" in m:
                    assert m["bot_id"] in bot_ids
                records += 1
        replies: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in by_ts.values():
            if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
                replies[m["thread_ts"]].append(m)
        for thread_ts, thread in replies.items():
            parent = by_ts.get(thread_ts)
            assert parent is not None, f"reply to missing root {thread_ts} in {folder}"
            assert parent["thread_ts"] == parent["ts"]
            assert parent["reply_count"] == len(thread)
            assert parent["latest_reply"] == max((r["ts"] for r in thread), key=float)
            assert set(parent["reply_users"]) == {r["user"] for r in thread if "user" in r}
            assert all(r["parent_user_id"] == parent.get("user") for r in thread)
            assert all(float(r["ts"]) > float(thread_ts) for r in thread)
        assert all("reply_count" not in m or m["ts"] in replies for m in by_ts.values())
    assert records == summary.messages


def test_export_has_the_quirks_of_real_exports(
    ground_truth: tuple[Path, SimulationSummary],
) -> None:
    export = read_export(ground_truth[0])
    records = export.records()
    subtypes = Counter(m.get("subtype") for _, _, m in records)
    assert {"bot_message", "channel_join", "file_share", "thread_broadcast", "me_message"} <= set(
        subtypes
    )
    # An app bot posts without a subtype but with a bot_id and its bot user; Slackbot as a user.
    assert any("bot_id" in m and "subtype" not in m and "user" in m for _, _, m in records)
    assert any(m.get("user") == "USLACKBOT" and "subtype" not in m for _, _, m in records)
    assert any("reactions" in m for _, _, m in records)
    assert any("edited" in m for _, _, m in records)
    texts = [m.get("text", "") for _, _, m in records]
    assert any("<@U" in t for t in texts) and any("<!here>" in t for t in texts)
    assert any(t.endswith("?") for t in texts) and any("decided" in t for t in texts)
    # Self-replies, some before anyone else answered; replies in a later day file than the root.
    first_reply_is_self = later_day = 0
    for _, (_, _, days) in export.conversations.items():
        day_of = {m["ts"]: name for name, day_records in days for m in day_records}
        threads: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for name, day_records in days:
            for m in day_records:
                if m.get("thread_ts") and m["thread_ts"] != m["ts"] and "bot_id" not in m:
                    threads[m["thread_ts"]].append(m)
                    later_day += name != day_of[m["thread_ts"]]
        for thread in threads.values():
            first = min(thread, key=lambda r: float(r["ts"]))
            others = [r for r in thread if r["user"] != r["parent_user_id"]]
            first_reply_is_self += first["user"] == first["parent_user_id"] and bool(others)
    assert first_reply_is_self > 10 and later_day > 10


def test_brute_force_metrics_match_expected(ground_truth: tuple[Path, SimulationSummary]) -> None:
    root, summary = ground_truth
    measured = brute_force_metrics(read_export(root))
    expected = expected_metrics(GROUND_TRUTH)
    assert_close(measured, expected)
    assert summary.human_messages == measured["messages.human"]
    assert summary.people == GROUND_TRUTH.people
    assert measured["messages.bot_share"] == pytest.approx(GROUND_TRUTH.bot_share, abs=0.002)


def test_metrics_recover_simulation(
    ground_truth: tuple[Path, SimulationSummary], tmp_path: Path
) -> None:
    pytest.importorskip("asyncmaturity.metrics.measure")
    from asyncmaturity.metrics.measure import measure
    from asyncmaturity.store.ingest import ingest

    ingest([ground_truth[0]], store=tmp_path / "s.duckdb")
    result = measure(store=tmp_path / "s.duckdb")
    assert_close(result.metrics, expected_metrics(GROUND_TRUTH))
    assert result.metrics["messages.human"] == ground_truth[1].human_messages
    # One source in the store: its group in the `source` breakdown is the organization.
    assert list(result.scopes["source"]) == ["slack"]
    by_source = result.scopes["source"]["slack"]
    for metric_id in ("messages.human", "response.answered_share", "hours.after_hours_share"):
        assert by_source[metric_id] == result.metrics[metric_id]


def test_expected_metrics_follow_the_parameters() -> None:
    params = SimulationParams(
        people=10, days=14, thread_share=0.5, answered_share=0.6, reply_delay_median_s=300
    )
    expected = expected_metrics(params)
    assert expected["response.answered_share"] == pytest.approx(0.3)
    assert expected["response.immediate_share"] == pytest.approx(0.5)
    assert expected["messages.human"] == pytest.approx(10 * 6.0 * 10)  # ten working days
    assert expected["people.active"] == 10


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"people": 1}, "people"),
        ({"days": 0}, "days"),
        ({"dm_share": 1.5}, "dm_share"),
        ({"reply_delay_median_s": 0}, "reply_delay_median_s"),
        ({"timezones": (("Mars/Olympus", 1.0),)}, "Mars/Olympus"),
        ({"timezones": (("UTC", 0.0),)}, "positive sum"),
        ({"broadcast_share": 0.6, "record_link_share": 0.6}, "must not exceed 1"),
        ({"start": "2026-01-05"}, "start"),
    ],
)
def test_invalid_parameters_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        SimulationParams(**changes)


def test_refuses_a_non_empty_output_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        simulate_slack_export(tmp_path, SimulationParams(people=3, days=2))
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@settings(max_examples=12, deadline=None)
@given(
    people=st.integers(2, 9),
    days=st.integers(1, 12),
    seed=st.integers(0, 2**32),
    start=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    channels=st.integers(1, 4),
    after_hours_share=st.sampled_from([0.0, 0.1, 0.6, 1.0]),
    zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Lord_Howe"]),
)
def test_small_organizations_are_well_formed(
    people: int,
    days: int,
    seed: int,
    start: date,
    channels: int,
    after_hours_share: float,
    zone: str,
) -> None:
    params = SimulationParams(
        people=people,
        days=days,
        seed=seed,
        start=start,
        channels=channels,
        after_hours_share=after_hours_share,
        timezones=(("Europe/Berlin", 1.0), (zone, 1.0)),
    )
    with tempfile.TemporaryDirectory() as folder:
        summary = simulate_slack_export(Path(folder) / "export", params)
        export = read_export(Path(folder) / "export")
    records = export.records()
    assert len(records) == summary.messages
    keys = [(folder, m["ts"]) for folder, _, m in records]
    assert len(keys) == len(set(keys))
    stamps = {(folder, m["ts"]): m for folder, _, m in records}
    for folder, _, m in records:
        assert TS.match(m["ts"])
        if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
            assert stamps[(folder, m["thread_ts"])]["thread_ts"] == m["thread_ts"]
