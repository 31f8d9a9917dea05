"""Working hours read from the team's own messages: planted hours found, a volunteer community
found to keep none, the charter overriding each part, and the arithmetic against brute force."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import ibis
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from asyncmaturity.charter import Charter
from asyncmaturity.metrics.frames import _activity
from asyncmaturity.metrics.measure import MeasureResult, measure
from asyncmaturity.metrics.norms import detect_hours, quiet_days
from asyncmaturity.simulate.export import simulate_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.ingest import ingest

MONDAY = datetime(2026, 3, 2)

# (user id, zone, local weekdays, local hours): one message at each hour of each day.
PLANTED = {
    # Ann works afternoons and evenings in Houston, Monday to Friday: 13:00-21:00.
    "UANN": ("America/Chicago", range(5), range(13, 21)),
    # Bob works early in Berlin, Tuesday to Saturday: 06:00-14:00.
    "UBOB": ("Europe/Berlin", range(1, 6), range(6, 14)),
    # Carl wrote five messages, Monday at 10:00 UTC: too few for hours of his own.
    "UCARL": ("UTC", [0] * 5, [10]),
}


def _write_planted(folder: Path) -> Path:
    """A Slack export of one week of :data:`PLANTED` messages in one channel."""
    users = [
        {"id": uid, "name": uid.lower(), "real_name": uid[1:].title(), "tz": zone}
        for uid, (zone, _, _) in PLANTED.items()
    ]
    (folder / "general").mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps(users))
    channel = {"id": "C1", "name": "general", "created": 1700000000, "members": list(PLANTED)}
    (folder / "channels.json").write_text(json.dumps([channel]))
    by_day: dict[str, list[dict[str, str]]] = {}
    for uid, (zone, days, hours) in PLANTED.items():
        for n, day in enumerate(days):
            for hour in hours:
                local = (MONDAY + timedelta(days=day, hours=hour, seconds=n)).replace(
                    tzinfo=ZoneInfo(zone)
                )
                sent = local.astimezone(UTC)
                record = {"type": "message", "user": uid, "text": "ok", "ts": f"{sent.timestamp()}"}
                by_day.setdefault(sent.date().isoformat(), []).append(record)
    for day, records in by_day.items():
        (folder / "general" / f"{day}.json").write_text(json.dumps(records))
    return folder


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("planted")
    store = folder / "store.duckdb"
    ingest([_write_planted(folder / "export")], store=store)
    return store


def _norms(result: MeasureResult) -> dict[str, object]:
    norms: dict[str, object] = result.to_json()["working_norms"]
    return norms


def test_planted_hours_are_found_per_person(planted: Path) -> None:
    result = measure(store=planted)
    norms = _norms(result)
    # 85 messages: Ann 40, Bob 40, Carl 5. The two quietest days, Saturday (Bob's 8) and Sunday
    # (none), hold 8/85 = 9% of them: shared hours.
    assert norms["shared_working_hours"] is True and norms["basis"] == "detected"
    assert norms["quiet_days"] == ["sat", "sun"]
    assert norms["quiet_days_share"] == pytest.approx(8 / 85)
    assert norms["people_by_own_messages"] == 2 and norms["people_by_team_messages"] == 1
    # The team's days: Monday (13) to Saturday (8), each over 85/14. Its hours, each person's
    # local hour counted on those days: 5 at 06-09, 10 at 10 (Bob and Carl), 5 at 11-12, 10 at
    # 13 (Bob and Ann), 5 at 14-20; every 8-hour span from 06:00 to 10:00 holds 50: the earliest.
    team = norms["team"]
    assert team == {
        "working_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
        "working_hours": {"start": "06:00", "end": "14:00"},
        "messages": 85,
        "inside_share": 50 / 85,
    }
    # Everyone is inside their own hours; Carl's 10:00 is inside the team's.
    assert result.metrics["hours.after_hours_share"] == 0.0
    (hours,) = [a for a in result.assumptions if a.id == "working-hours"]
    assert hours.basis == "detected" and "2 people by their own messages" in hours.text


def test_declared_hours_stop_the_detection(planted: Path) -> None:
    # On Monday to Friday 09:00-17:00: Ann's 17-20 (4 of 8 a day, 20), Bob's 06-08 (3 a day, 15)
    # and the rest of his Saturday (5) are outside; Carl's 10:00 is inside: 40 of 85.
    for charter in (
        Charter(working_hours={"start": "09:00", "end": "17:00"}),
        Charter(shared_working_hours=True),
    ):
        result = measure(store=planted, charter=charter)
        assert _norms(result)["basis"] == "charter"
        assert result.metrics["hours.after_hours_share"] == pytest.approx(40 / 85)


def test_a_charter_can_declare_no_shared_hours(planted: Path) -> None:
    result = measure(store=planted, charter=Charter(shared_working_hours=False))
    norms = _norms(result)
    assert norms["shared_working_hours"] is False and norms["basis"] == "charter"
    for metric_id in ("hours.after_hours_share", "focus.hours_per_person_week"):
        assert result.metrics[metric_id] is None
        assert "charter says so" in result.unknown[metric_id]
    assert not [a for a in result.assumptions if a.id == "working-hours"]


def test_too_few_messages_keep_the_stated_default(tmp_path: Path) -> None:
    export = _write_planted(tmp_path / "export")
    for day in (export / "general").iterdir():
        records = json.loads(day.read_text())
        day.write_text(json.dumps(records[:2]))
    ingest([export], store=tmp_path / "s.duckdb")
    result = measure(store=tmp_path / "s.duckdb")
    assert _norms(result)["basis"] == "default"
    (hours,) = [a for a in result.assumptions if a.id == "working-hours"]
    assert hours.basis == "default"


@pytest.fixture(scope="module")
def volunteers(tmp_path_factory: pytest.TempPathFactory) -> MeasureResult:
    """A simulated volunteer community: most messages after work, many at weekends."""
    folder = tmp_path_factory.mktemp("volunteers")
    params = SimulationParams(people=12, days=28, seed=5, after_hours_share=0.7, weekend_share=0.6)
    simulate_export(folder / "export", params)
    ingest([folder / "export"], store=folder / "s.duckdb")
    return measure(store=folder / "s.duckdb")


def test_a_volunteer_community_keeps_no_shared_hours(volunteers: MeasureResult) -> None:
    norms = _norms(volunteers)
    assert norms["shared_working_hours"] is False and norms["basis"] == "detected"
    assert isinstance(norms["quiet_days_share"], float) and norms["quiet_days_share"] > 0.15
    assert volunteers.metrics["hours.after_hours_share"] is None
    assert volunteers.unknown["hours.after_hours_share"].startswith("not applicable")
    # Response windows run on the wall clock.
    metrics = volunteers.metrics
    assert metrics["response.first_reply.business.median_s"] == pytest.approx(
        metrics["response.first_reply.median_s"]
    )


def _brute_window(histogram: np.ndarray, hours: int) -> tuple[int, int]:
    total = histogram.sum()
    days = [d for d in range(7) if histogram[d].sum() * 14 >= total]
    best, start = -1, 0
    for s in range(24 - hours + 1):
        inside = sum(int(histogram[d, h]) for d in days for h in range(s, s + hours))
        if inside > best:
            best, start = inside, s
    return start, best


@settings(max_examples=200, deadline=None)
@given(
    histogram=arrays(np.int64, (7, 24), elements=st.integers(0, 4)),
    hours=st.integers(1, 24),
)
def test_detected_hours_are_the_best_span_by_brute_force(histogram: np.ndarray, hours: int) -> None:
    found = detect_hours(histogram, hours * 3600)
    if histogram.sum() == 0:
        assert found is None
        return
    assert found is not None
    start, inside = _brute_window(histogram, hours)
    assert (found.start_s, found.end_s) == (start * 3600, (start + hours) * 3600)
    assert found.inside_share == pytest.approx(inside / histogram.sum())
    total = histogram.sum()
    assert found.working_days == {d for d in range(7) if histogram[d].sum() * 14 >= total}


@settings(max_examples=200, deadline=None)
@given(histogram=arrays(np.int64, (7, 24), elements=st.integers(0, 3)))
def test_quiet_days_are_the_quietest_pair_by_brute_force(histogram: np.ndarray) -> None:
    by_day = histogram.sum(axis=1)
    pairs = [int(by_day[d] + by_day[(d + 1) % 7]) for d in range(7)]
    (first, second), share = quiet_days(histogram)
    assert second == (first + 1) % 7
    assert pairs[first] == min(pairs) and first == pairs.index(min(pairs))
    total = int(by_day.sum())
    assert share == pytest.approx(pairs[first] / total if total else 0.0)


def test_activity_counts_known_unknown_and_anonymous_authors_apart() -> None:
    """The detection's histogram keys a known person by their key through their dense id, an
    author the people table lacks by their own key, and an author-less message by null."""
    people = pa.table(
        {
            "person_key": ["kberlin", "knozone"],
            "person_id": pa.array([0, 1], pa.int64()),
            "tz": ["Europe/Berlin", None],
        }
    )
    rows = [
        # Berlin is UTC+1 in January: Monday 09:30 and 09:45 there, one bucket.
        ("kberlin", datetime(2026, 1, 5, 8, 30), None),
        ("kberlin", datetime(2026, 1, 5, 8, 45), None),
        # No zone of their own: the charter's (Europe/Berlin here), Tuesday 14:10 there.
        ("knozone", datetime(2026, 1, 6, 13, 10), None),
        # Not in the people table: the charter's zone, Wednesday 15:00 there...
        ("kstranger", datetime(2026, 1, 7, 14, 0), None),
        # ...or the e-mail's own offset (+02:00): Thursday 01:59.
        ("kstranger", datetime(2026, 1, 7, 23, 59), 7200),
        (None, datetime(2026, 1, 5, 12, 0), None),
    ]
    in_scope = ibis.memtable(
        pa.table(
            {
                "author_key": pa.array([r[0] for r in rows], pa.string()),
                "sent_at": pa.array([r[1] for r in rows], pa.timestamp("us")),
                "local_offset_s": pa.array([r[2] for r in rows], pa.int32()),
            }
        )
    )
    charter = Charter(timezone="Europe/Berlin")
    activity = _activity(in_scope, people, charter, datetime(2026, 1, 5), datetime(2026, 1, 8))
    found = sorted(
        ((r["person_key"] or ""), r["weekday"], r["hour"], r["messages"])
        for r in activity.to_pylist()
    )
    assert found == [
        ("", 0, 13, 1),
        ("kberlin", 0, 9, 2),
        ("knozone", 1, 14, 1),
        ("kstranger", 2, 15, 1),
        ("kstranger", 3, 1, 1),
    ]
