"""Every contract metric on small Slack exports named after the quirk they test.

Expected figures are computed by hand in the comments (default charter: Mon-Fri 09:00-17:00 in
each person's own zone; Ana in New York, Ben in Berlin, Kiran in Kathmandu (+05:45), Cat with no
zone, so UTC).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.ingest import ingest

H = 3600
EXPECTED: dict[str, dict[str, Any]] = {
    # Ben asks Fri 2026-03-06 16:00 UTC (17:00 Berlin: after hours; 11:00 in New York). Ana answers
    # Mon 2026-03-09 14:00 UTC (10:00 EDT, the clocks moved on Sunday). Wall: 70 h. Ana's working
    # time: Fri 11:00-17:00 (6 h) + Mon 09:00-10:00 (1 h) = 7 h.
    "thread_across_dst_change": {
        "messages.human": 2,
        "messages.thread_replies": 1,
        "threads.count": 1,
        "people.active": 2,
        "response.answered_share": 1.0,
        "response.first_reply.median_s": 70 * H,
        "response.first_reply.p90_s": 70 * H,
        "response.first_reply.business.median_s": 7 * H,
        "response.within_window_share": 1.0,
        "hours.after_hours_share": 0.5,
    },
    # Kathmandu is UTC+05:45: 03:15 UTC is 09:00 (inside), 11:14 is 16:59 (inside), 11:15 is 17:00
    # (outside: the end is exclusive), Saturday is outside; Cat (UTC) at 08:59 is outside. 3 of 5.
    "zone_plus_0545": {
        "messages.human": 5,
        "messages.thread_replies": 0,
        "threads.count": 0,
        "people.active": 2,
        "response.answered_share": 0.0,
        "response.first_reply.median_s": None,
        "response.first_reply.p90_s": None,
        "response.first_reply.business.median_s": None,
        "response.within_window_share": None,
        "hours.after_hours_share": 0.6,
    },
    # Ana's own reply (10 min) does not answer her root; Ben's at +1 h does. Ben's second thread
    # has only his own follow-up: unanswered. After hours: Ben at 08:00 Berlin, 1 of 5.
    "reply_by_root_author": {
        "messages.human": 5,
        "messages.thread_replies": 3,
        "threads.count": 2,
        "people.active": 2,
        "response.answered_share": 0.5,
        "response.first_reply.median_s": 1 * H,
        "response.first_reply.p90_s": 1 * H,
        "response.first_reply.business.median_s": 1 * H,
        "response.within_window_share": 1.0,
        "hours.after_hours_share": 0.2,
    },
    # A bot_message, a bot user and Slackbot reply within minutes; only Ben's reply after 2 h is
    # human. The channel_join is a system record.
    "bot_reply_in_thread": {
        "messages.human": 2,
        "messages.thread_replies": 1,
        "threads.count": 1,
        "people.active": 2,
        "response.answered_share": 1.0,
        "response.first_reply.median_s": 2 * H,
        "response.first_reply.p90_s": 2 * H,
        "response.first_reply.business.median_s": 2 * H,
        "response.within_window_share": 1.0,
        "hours.after_hours_share": 0.0,
    },
    # Kiran's thread_broadcast is a reply after 30 min; both instants are after 17:00 in Kathmandu,
    # so it took no working time. Cat's file_share is a human root nobody answered.
    "thread_broadcast_reply": {
        "messages.human": 3,
        "messages.thread_replies": 1,
        "threads.count": 1,
        "people.active": 3,
        "response.answered_share": 0.5,
        "response.first_reply.median_s": 1800,
        "response.first_reply.p90_s": 1800,
        "response.first_reply.business.median_s": 0,
        "response.within_window_share": 1.0,
        "hours.after_hours_share": 1 / 3,
    },
    # Root Fri 22:00 UTC in the 2026-02-06 file, reply Mon 15:00 UTC in the 2026-02-09 file: 65 h
    # wall; in New York the root came after 17:00 Friday, the reply at 10:00 Monday: 1 h.
    "reply_in_later_day_file": {
        "messages.human": 2,
        "messages.thread_replies": 1,
        "threads.count": 1,
        "people.active": 2,
        "response.answered_share": 1.0,
        "response.first_reply.median_s": 65 * H,
        "response.first_reply.p90_s": 65 * H,
        "response.first_reply.business.median_s": 1 * H,
        "response.within_window_share": 1.0,
        "hours.after_hours_share": 0.5,
    },
    "record_without_ts": {"messages.human": 1, "people.active": 1, "hours.after_hours_share": 0.0},
    "folder_not_in_channels_json": {"messages.human": 2, "people.active": 2},
    "conversation_kinds": {
        "messages.human": 4,
        "people.active": 3,
        "messages.dm_share": 0.5,
        "messages.broadcast_share": 0.25,
    },
}


@pytest.mark.parametrize("quirk", sorted(EXPECTED))
def test_contract_metrics_match_hand_computation(
    quirk: str, slack_fixture: Any, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    ingest([slack_fixture(quirk)], store=store)
    metrics = measure(store=store).metrics
    for metric_id, expected in EXPECTED[quirk].items():
        if expected is None:
            assert metrics[metric_id] is None, metric_id
        else:
            assert metrics[metric_id] == pytest.approx(expected), metric_id


def test_response_window_from_charter_decides_within_window(
    slack_fixture: Any, tmp_path: Path
) -> None:
    from asyncmaturity.charter import parse_charter

    store = tmp_path / "store.duckdb"
    ingest([slack_fixture("thread_across_dst_change")], store=store)
    # 7 working hours to answer: inside a 7 h window, outside a 6 h one.
    assert (
        measure(store=store, charter=parse_charter({"response_windows": {"default": 7}})).metrics[
            "response.within_window_share"
        ]
        == 1.0
    )
    assert (
        measure(store=store, charter=parse_charter({"response_windows": {"default": 6}})).metrics[
            "response.within_window_share"
        ]
        == 0.0
    )


def test_charter_time_zone_of_a_person_overrides_the_source(
    slack_fixture: Any, tmp_path: Path
) -> None:
    from asyncmaturity.charter import parse_charter

    store = tmp_path / "store.duckdb"
    ingest([slack_fixture("zone_plus_0545")], store=store)
    # Cat (no zone in the export) placed in Kathmandu: 08:59 UTC is 14:44 there, inside hours.
    charter = parse_charter({"people": [{"id": "UCAT00001", "timezone": "Asia/Kathmandu"}]})
    assert measure(store=store, charter=charter).metrics[
        "hours.after_hours_share"
    ] == pytest.approx(0.4)


def test_excluded_person_leaves_every_metric(slack_fixture: Any, tmp_path: Path) -> None:
    from asyncmaturity.charter import parse_charter

    store = tmp_path / "store.duckdb"
    ingest([slack_fixture("reply_by_root_author")], store=store)
    charter = parse_charter({"exclude": ["ben@example.org"]})
    metrics = measure(store=store, charter=charter).metrics
    assert metrics["messages.human"] == 2
    assert metrics["people.active"] == 1
    assert metrics["response.answered_share"] == 0.0


def test_period_filters_messages(slack_fixture: Any, tmp_path: Path) -> None:
    from datetime import date

    store = tmp_path / "store.duckdb"
    ingest([slack_fixture("zone_plus_0545")], store=store)
    assert measure(store=store, until=date(2026, 1, 5)).metrics["messages.human"] == 4
    assert measure(store=store, since=date(2026, 1, 6)).metrics["messages.human"] == 1


def test_scopes_suppress_groups_below_minimum_size(slack_fixture: Any, tmp_path: Path) -> None:
    from asyncmaturity.charter import parse_charter

    store = tmp_path / "store.duckdb"
    ingest([slack_fixture("conversation_kinds")], store=store)
    result = measure(store=store)
    assert result.scopes["conversation_kind"] == {}
    assert result.suppressed["conversation_kind"] == 4
    small = measure(store=store, charter=parse_charter({"min_group_size": 2}))
    assert set(small.scopes["conversation_kind"]) == set()  # one author per kind


def test_dms_never_appear_as_named_channels(tmp_path: Path) -> None:
    import json

    from asyncmaturity.charter import parse_charter
    from asyncmaturity.simulate.export import simulate_slack_export
    from asyncmaturity.simulate.params import SimulationParams

    export = tmp_path / "export"
    simulate_slack_export(export, SimulationParams(people=12, days=10, seed=2))
    # Names kept: group DMs then have a stored name that must still not become a channel.
    ingest([export], store=tmp_path / "s.duckdb", keep_text=True)
    result = measure(store=tmp_path / "s.duckdb", charter=parse_charter({"min_group_size": 2}))
    # DMs and group DMs are measured as kinds, yet no DM shows up under a name of its own.
    assert {"dm", "group dm"} <= set(result.scopes["conversation_kind"])
    channel_names = {
        c["name"]
        for listing in ("channels.json", "groups.json")
        for c in json.loads((export / listing).read_text())
    }
    assert result.scopes["channel"] and set(result.scopes["channel"]) <= channel_names


def test_a_store_without_messages_measures_zero_and_no_data(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "users.json").write_text('[{"id": "U1", "tz": "Europe/Berlin"}]')
    ingest([export], store=tmp_path / "s.duckdb")
    result = measure(store=tmp_path / "s.duckdb")
    assert result.metrics["messages.human"] == 0 and result.metrics["people.active"] == 0
    assert result.metrics["response.answered_share"] is None
    assert result.first is None and result.scopes["month"] == {}
