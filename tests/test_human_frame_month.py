"""The human frame's month is the UTC month of the message, which the frame takes from the
offsets row of the message's UTC day (joined for its local time anyway) rather than formatting
each message's time: an author whose clock is already, or still, in another month changes
nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from asyncmaturity.charter import Charter
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.evidence import open_evidence
from tests.stores import simulated_store

# Authors in Tokyo and Los Angeles, over the turn of a month: their local dates on the month's
# first and last days are in the other month for part of each day.
ZONES_EAST_AND_WEST_OVER_A_MONTH_END = SimulationParams(
    people=12,
    days=6,
    seed=3,
    start=date(2026, 3, 28),
    timezones=(("Asia/Tokyo", 0.5), ("America/Los_Angeles", 0.5)),
)


def _local_month(local_s: float) -> str:
    """The month of local epoch seconds `local_s`."""
    return (date(1970, 1, 1) + timedelta(days=int(local_s // 86400))).strftime("%Y-%m")


def test_month_is_the_utc_month_where_the_authors_clock_shows_another(tmp_path: Path) -> None:
    store = simulated_store(tmp_path, ZONES_EAST_AND_WEST_OVER_A_MONTH_END)
    with open_evidence(store) as evidence:
        rows = build_frames(evidence, Charter()).human.to_pyarrow().to_pylist()
    assert rows
    for row in rows:
        assert row["month"] == row["sent_at"].strftime("%Y-%m"), row
    # The fixture has messages whose local date is in another month than their UTC date.
    on_the_turn = [row for row in rows if _local_month(row["local_s"]) != row["month"]]
    assert on_the_turn
    assert {row["month"] for row in rows} == {"2026-03", "2026-04"}
