"""Working-hours arithmetic on local epoch seconds, in closed form (no loops, any engine).

A schedule is a daily span [start_s, start_s + len_s) on a set of weekdays (flags w0..w6, Monday
first). Business seconds since the epoch's Monday have a closed form, so the working time between
two instants is bs(later) - bs(earlier), both in the same person's local time. That is exact as long
as no clock change falls inside working hours (true of every zone in the IANA database today).

Days off (public holidays, out-of-office days: whole local dates without working hours) keep the
closed form. People with the same dates off share a *profile*; :func:`days_off_table` holds, per
profile and local day D of a range, ``off`` (D is a day off) and ``n0..n6`` (the profile's days
off in the range before D, by weekday). Days off before D remove len_s x sum(w_d x n_d) working
seconds, and D itself the part of its span already passed, so one equi-join on (profile, local
day) per instant (:func:`with_days_off`) gives ``business_seconds(..., days_off=prefix)``. That
count starts at the range's first day: only differences of instants inside the range mean
anything, which is all the metrics take. Without days off nothing is joined and the expressions
are the plain ones.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

DAY_S = 86400
# 1970-01-01 was a Thursday: three days after the Monday that starts week 0.
EPOCH_WEEKDAY = 3
EPOCH = date(1970, 1, 1)
SCHEDULE_COLUMNS = ("start_s", "len_s", "w0", "w1", "w2", "w3", "w4", "w5", "w6")
DAYS_OFF_COLUMNS = ("off", "n0", "n1", "n2", "n3", "n4", "n5", "n6")
# The schedule column naming a person's day-off profile, where the charter has days off.
PROFILE_COLUMN = "x_profile"


def _day_parts(
    local_s: ir.FloatingValue,
) -> tuple[ir.IntegerValue, ir.IntegerValue, ir.FloatingValue]:
    days = (local_s / DAY_S).floor().cast("int64")
    shifted = days + EPOCH_WEEKDAY
    weekday = ((shifted % 7) + 7) % 7
    week = ((shifted - weekday) / 7).cast("int64")
    second_of_day = local_s - days.cast("float64") * DAY_S
    return week, weekday, second_of_day


def _flag_on(t: ir.Table, weekday: ir.IntegerValue) -> ir.IntegerValue:
    return ibis.cases(*[(weekday == d, t[f"w{d}"]) for d in range(7)], else_=0)


def _into_day(t: ir.Table, weekday: ir.IntegerValue, second_of_day: ir.FloatingValue) -> ir.Value:
    """Working seconds of the day's span before `second_of_day` (0 on a day without work)."""
    into_day = (second_of_day - t.start_s).clip(lower=0, upper=t.len_s)
    return _flag_on(t, weekday).cast("float64") * into_day


def business_seconds(
    t: ir.Table, local_s: ir.FloatingValue, *, days_off: str | None = None
) -> ir.FloatingValue:
    """Working seconds from the epoch's first Monday to `local_s`, on the schedule columns of `t`.

    With `days_off`, the prefix of columns :func:`with_days_off` joined for this same `local_s`,
    the days off are not working time (and the origin is the day-off table's first day).
    """
    week, weekday, second_of_day = _day_parts(local_s)
    workdays_per_week = sum((t[f"w{d}"] for d in range(7)), ibis.literal(0))
    days_before = sum((t[f"w{d}"] * (weekday > d).cast("int64") for d in range(6)), ibis.literal(0))
    into_day = _into_day(t, weekday, second_of_day)
    seconds = (
        week.cast("float64") * (workdays_per_week * t.len_s).cast("float64")
        + (days_before * t.len_s).cast("float64")
        + into_day
    )
    if days_off is None:
        return seconds
    # The whole spans of the earlier days off, then the passed part of today's if it is one.
    whole = sum((t[f"w{d}"] * t[f"{days_off}n{d}"] for d in range(7)), ibis.literal(0))
    return (
        seconds - (whole * t.len_s).cast("float64") - t[f"{days_off}off"].cast("float64") * into_day
    )


def is_working_time(
    t: ir.Table, local_s: ir.FloatingValue, *, days_off: str | None = None
) -> ir.BooleanValue:
    """True when `local_s` falls inside the schedule of `t` (start inclusive, end exclusive) and,
    with `days_off` (as in :func:`business_seconds`), not on a day off."""
    _, weekday, second_of_day = _day_parts(local_s)
    inside = (
        (_flag_on(t, weekday) == 1)
        & (second_of_day >= t.start_s)
        & (second_of_day < t.start_s + t.len_s)
    )
    return inside if days_off is None else inside & (t[f"{days_off}off"] == 0)


def outside_hours(
    t: ir.Table, local_s: ir.FloatingValue, *, days_off: str | None = None
) -> ir.BooleanValue:
    """True outside the schedule of `t`, False inside; null on a day off (as in
    :func:`business_seconds`): the person was not working, so it is neither."""
    outside = ~is_working_time(t, local_s)
    if days_off is None:
        return outside
    return ibis.cases((t[f"{days_off}off"] == 1, ibis.null("boolean")), else_=outside)


def days_off_table(
    days_off: Mapping[int, Collection[date]], first_day: date, last_day: date
) -> pa.Table:
    """One row per (profile, local day) from `first_day` to `last_day` inclusive.

    Columns: profile; day (local days since 1970-01-01); off (1 when the day is one of the
    profile's days off); n0..n6 (the profile's days off from `first_day` up to the day before,
    by weekday, Monday n0).

    >>> t = days_off_table({0: [date(2026, 3, 9)]}, date(2026, 3, 8), date(2026, 3, 10))
    >>> t.column("off").to_pylist(), t.column("n0").to_pylist()
    ([0, 1, 0], [0, 0, 1])
    """
    first = (first_day - EPOCH).days
    days = np.arange(first, (last_day - EPOCH).days + 1, dtype=np.int64)
    weekday = (days + EPOCH_WEEKDAY) % 7
    parts = []
    for profile, dates in sorted(days_off.items()):
        wanted = np.array(sorted((d - EPOCH).days for d in dates), dtype=np.int64)
        off = np.isin(days, wanted).astype(np.int64)
        columns = {"profile": np.full(len(days), profile, dtype=np.int64), "day": days, "off": off}
        for d in range(7):
            on_weekday = off * (weekday == d)
            columns[f"n{d}"] = np.cumsum(on_weekday) - on_weekday
        parts.append(pa.table(columns))
    schema = pa.schema([(name, pa.int64()) for name in ("profile", "day", *DAYS_OFF_COLUMNS)])
    return pa.concat_tables(parts) if parts else schema.empty_table()


def with_days_off(
    t: ir.Table, *, profile: str, local_s: str, days_off: ir.Table, prefix: str
) -> ir.Table:
    """Add the day-off columns of :data:`DAYS_OFF_COLUMNS`, named with `prefix`, of the local day
    of column `local_s` for the profile in column `profile` (0 where the table has no such row:
    a person without days off). `days_off` is :func:`days_off_table` over the data's range."""
    keys = (f"{prefix}key_profile", f"{prefix}key_day")
    table = days_off.select(
        **{keys[0]: days_off.profile, keys[1]: days_off.day},
        **{f"{prefix}{c}": days_off[c] for c in DAYS_OFF_COLUMNS},
    )
    day = (t[local_s] / DAY_S).floor().cast("int64")
    joined = t.left_join(table, [t[profile] == table[keys[0]], day == table[keys[1]]])
    return joined.mutate(
        **{f"{prefix}{c}": joined[f"{prefix}{c}"].coalesce(0) for c in DAYS_OFF_COLUMNS}
    ).drop(*keys)


@dataclass(frozen=True)
class DaysOff:
    """The day-off lookup over one range of local days; `table` is None without days off."""

    table: ir.Table | None

    @classmethod
    def over(
        cls, profiles: Mapping[int, Collection[date]], first_day: date, last_day: date
    ) -> DaysOff:
        """The lookup of `profiles` (see :func:`days_off_table`); nothing when it is empty."""
        if not profiles:
            return cls(None)
        return cls(ibis.memtable(days_off_table(profiles, first_day, last_day)))

    def mark(self, t: ir.Table, local_s: str, prefix: str = "d_") -> tuple[ir.Table, str | None]:
        """`t` with the day-off columns of the local day of `local_s` for the profile in column
        :data:`PROFILE_COLUMN`, and the `days_off` argument of the functions above (None, and
        `t` unchanged, without days off)."""
        if self.table is None:
            return t, None
        marked = with_days_off(
            t, profile=PROFILE_COLUMN, local_s=local_s, days_off=self.table, prefix=prefix
        )
        return marked, prefix

    @staticmethod
    def columns(prefix: str | None) -> list[str]:
        """The columns :meth:`mark` added under `prefix`, to drop them after use."""
        return [] if prefix is None else [f"{prefix}{c}" for c in DAYS_OFF_COLUMNS]


def hour_of_week(local_s: ir.FloatingValue) -> tuple[ir.IntegerValue, ir.IntegerValue]:
    """(weekday with Monday 0, hour 0-23) of a local instant."""
    _, weekday, second_of_day = _day_parts(local_s)
    return weekday, (second_of_day / 3600).floor().cast("int64")


def in_daily_spans(
    local_s: ir.FloatingValue, spans: list[tuple[frozenset[int], int, int]]
) -> ir.BooleanValue:
    """True when `local_s` falls in any (weekdays with Monday 0, start_s, end_s) span."""
    _, weekday, second_of_day = _day_parts(local_s)
    inside = ibis.literal(False)
    for days, start_s, end_s in spans:
        inside |= weekday.isin(sorted(days)) & (second_of_day >= start_s) & (second_of_day < end_s)
    return inside
