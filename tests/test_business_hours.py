"""The closed-form working-time arithmetic against a brute-force minute counter (hypothesis)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.metrics.business import business_seconds, is_working_time
from asyncmaturity.metrics.timezones import offset_table, with_local_seconds

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Pacific/Chatham",
]
START = datetime(2025, 12, 20, tzinfo=UTC)


def brute_force_working_minutes(
    start: datetime,
    end: datetime,
    zone: str,
    start_min: int,
    end_min: int,
    days: set[int],
    off: Collection[date] = (),
) -> int:
    """Count, minute by minute, the minutes of [start, end) inside the local schedule and not on
    a local date `off`."""
    tz = ZoneInfo(zone)
    count = 0
    moment = start
    while moment < end:
        local = moment.astimezone(tz)
        minute_of_day = local.hour * 60 + local.minute
        if (
            local.weekday() in days
            and start_min <= minute_of_day < end_min
            and local.date() not in off
        ):
            count += 1
        moment += timedelta(minutes=1)
    return count


schedules = st.tuples(
    st.integers(min_value=0, max_value=22 * 60),  # start minute
    st.integers(min_value=30, max_value=10 * 60),  # length in minutes
    st.sets(st.integers(min_value=0, max_value=6), min_size=1),
).filter(lambda s: s[0] + s[1] <= 24 * 60)
cases = st.lists(
    st.tuples(
        st.sampled_from(ZONES),
        st.integers(min_value=0, max_value=120 * 24 * 60),  # start, minutes after START
        st.integers(min_value=0, max_value=3 * 24 * 60),  # duration in minutes
    ),
    min_size=1,
    max_size=4,
)


def _run(
    rows: list[tuple[str, int, int]], schedule: tuple[int, int, set[int]]
) -> list[tuple[float, bool]]:
    start_min, length_min, days = schedule
    table = pa.table(
        {
            "row": list(range(len(rows))),
            "zone": [z for z, _, _ in rows],
            "t0": [(START + timedelta(minutes=a)).replace(tzinfo=None) for _, a, _ in rows],
            "t1": [(START + timedelta(minutes=a + d)).replace(tzinfo=None) for _, a, d in rows],
            "start_s": [start_min * 60] * len(rows),
            "len_s": [length_min * 60] * len(rows),
            **{f"w{d}": [int(d in days)] * len(rows) for d in range(7)},
        }
    )
    con = ibis.duckdb.from_connection(duckdb.connect())
    offsets = ibis.memtable(offset_table(ZONES, date(2025, 12, 18), date(2026, 5, 1)))
    t = ibis.memtable(table)
    t = with_local_seconds(t, ts="t0", zone="zone", offsets=offsets, out="l0")
    t = with_local_seconds(t, ts="t1", zone="zone", offsets=offsets, out="l1")
    t = t.mutate(
        working=business_seconds(t, t.l1) - business_seconds(t, t.l0),
        inside=is_working_time(t, t.l0),
    )
    result = con.to_pyarrow(t.select("row", "working", "inside").order_by("row"))
    return list(
        zip(result.column("working").to_pylist(), result.column("inside").to_pylist(), strict=True)
    )


@settings(max_examples=30, deadline=None)
@given(rows=cases, schedule=schedules)
def test_business_seconds_equal_brute_force_minutes(
    rows: list[tuple[str, int, int]], schedule: tuple[int, int, set[int]]
) -> None:
    start_min, length_min, days = schedule
    for (zone, offset, duration), (working, inside) in zip(rows, _run(rows, schedule), strict=True):
        t0 = START + timedelta(minutes=offset)
        expected = brute_force_working_minutes(
            t0, t0 + timedelta(minutes=duration), zone, start_min, start_min + length_min, days
        )
        assert working == expected * 60, (zone, t0, duration)
        local = t0.astimezone(ZoneInfo(zone))
        minute = local.hour * 60 + local.minute
        assert inside == (local.weekday() in days and start_min <= minute < start_min + length_min)


def test_offset_table_marks_the_switch_instant() -> None:
    table = offset_table(["America/New_York"], date(2026, 3, 8), date(2026, 3, 9))
    rows = table.to_pylist()
    assert rows[0]["offset_before"] == -5 * 3600 and rows[0]["offset_after"] == -4 * 3600
    assert rows[0]["switch_at"] == datetime(2026, 3, 8, 7, 0)  # 02:00 EST
    assert rows[1]["switch_at"] is None
