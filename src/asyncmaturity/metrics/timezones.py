"""Per-row local time, portably: a (zone, UTC day) table of offsets joined to the data.

Ibis has no per-row time-zone conversion, so local time is the UTC instant plus an offset looked up
by (zone, UTC day). Each row of the table holds the offset before and after the one clock change a
zone may have on that day, and the instant of the switch; that is exact for every instant, runs on
DuckDB and Spark alike, and is faster than a per-row conversion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pyarrow as pa

DAY = timedelta(days=1)


def _offset_s(zone: ZoneInfo, instant: datetime) -> int:
    offset = instant.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _switch_instant(zone: ZoneInfo, start: datetime, before: int) -> datetime:
    """The first second of [start, start + 1 day) whose offset differs from `before`."""
    low, high = 0, 86400
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_s(zone, start + timedelta(seconds=middle)) == before:
            low = middle
        else:
            high = middle
    return start + timedelta(seconds=high)


def offset_table(zones: Iterable[str], first_day: date, last_day: date) -> pa.Table:
    """One row per (zone, UTC day) from `first_day` to `last_day` inclusive.

    Columns: zone, day, offset_before (seconds east of UTC at the day's start), offset_after (at
    its end), switch_at (the UTC instant of the change, or null when the day has none).

    >>> t = offset_table(["Europe/Berlin"], date(2026, 3, 29), date(2026, 3, 29))
    >>> t.column("offset_before")[0].as_py(), t.column("offset_after")[0].as_py()
    (3600, 7200)
    >>> t.column("switch_at")[0].as_py()
    datetime.datetime(2026, 3, 29, 1, 0)
    """
    zone_col: list[str] = []
    day_col: list[date] = []
    before_col: list[int] = []
    after_col: list[int] = []
    switch_col: list[datetime | None] = []
    days = (last_day - first_day).days + 1
    for name in sorted(set(zones)):
        zone = ZoneInfo(name)
        start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
        current = _offset_s(zone, start)
        for index in range(days):
            day_start = start + index * DAY
            following = _offset_s(zone, day_start + DAY)
            zone_col.append(name)
            day_col.append(day_start.date())
            before_col.append(current)
            after_col.append(following)
            switch_col.append(
                _switch_instant(zone, day_start, current).replace(tzinfo=None)
                if following != current
                else None
            )
            current = following
    return pa.table(
        {
            "zone": pa.array(zone_col, pa.string()),
            "day": pa.array(day_col, pa.date32()),
            "offset_before": pa.array(before_col, pa.int64()),
            "offset_after": pa.array(after_col, pa.int64()),
            "switch_at": pa.array(switch_col, pa.timestamp("us")),
        }
    )


def instant_seconds(ts: ir.TimestampValue) -> ir.FloatingValue:
    """Seconds since the Unix epoch with the sub-second part, the same on every engine."""
    # Truncate first: some engines round a fractional epoch to the nearest second when casting.
    whole = ts.truncate("s").epoch_seconds().cast("float64")
    return whole + ts.microsecond().cast("float64") / 1e6


def with_local_seconds(
    table: ir.Table,
    *,
    ts: str,
    zone: str,
    offsets: ir.Table,
    out: str,
    seconds: str | None = None,
    carry: Sequence[str] = (),
) -> ir.Table:
    """Add column `out`: the instant in column `ts` as local epoch seconds in the zone named by `zone`.

    Rows whose (zone, day) is outside `offsets` get a null, so build the table over the data's range.

    Parameters:
        seconds: a column of `table` that already holds :func:`instant_seconds` of `ts`, so that
            it is not computed again (None: compute it).
        carry: further columns of `offsets` (facts of the UTC day) to add under their own names:
            the join looks each row's day up anyway, so they cost no computation per row.
    """
    o = offsets.select(
        **{
            f"{out}__zone": offsets.zone,
            f"{out}__day": offsets.day,
            f"{out}__before": offsets.offset_before,
            f"{out}__after": offsets.offset_after,
            f"{out}__switch": offsets.switch_at,
        },
        **{name: offsets[name] for name in carry},
    )
    joined = table.left_join(
        o, [table[zone] == o[f"{out}__zone"], table[ts].date() == o[f"{out}__day"]]
    )
    offset = ibis.cases(
        (
            joined[f"{out}__switch"].notnull() & (joined[ts] >= joined[f"{out}__switch"]),
            joined[f"{out}__after"],
        ),
        else_=joined[f"{out}__before"],
    )
    instant = instant_seconds(joined[ts]) if seconds is None else joined[seconds]
    return joined.mutate(**{out: instant + offset.cast("float64")}).drop(
        *[c for c in o.columns if c not in carry]
    )
