"""Working-hours arithmetic on local epoch seconds, in closed form (no loops, any engine).

A schedule is a daily span [start_s, start_s + len_s) on a set of weekdays (flags w0..w6, Monday
first). Business seconds since the epoch's Monday have a closed form, so the working time between
two instants is bs(later) - bs(earlier), both in the same person's local time. That is exact as long
as no clock change falls inside working hours (true of every zone in the IANA database today).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

DAY_S = 86400
# 1970-01-01 was a Thursday: three days after the Monday that starts week 0.
EPOCH_WEEKDAY = 3
SCHEDULE_COLUMNS = ("start_s", "len_s", "w0", "w1", "w2", "w3", "w4", "w5", "w6")


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


def business_seconds(t: ir.Table, local_s: ir.FloatingValue) -> ir.FloatingValue:
    """Working seconds from the epoch's first Monday to `local_s`, on the schedule columns of `t`."""
    week, weekday, second_of_day = _day_parts(local_s)
    workdays_per_week = sum((t[f"w{d}"] for d in range(7)), ibis.literal(0))
    days_before = sum((t[f"w{d}"] * (weekday > d).cast("int64") for d in range(6)), ibis.literal(0))
    into_day = (second_of_day - t.start_s).clip(lower=0, upper=t.len_s)
    return (
        week.cast("float64") * (workdays_per_week * t.len_s).cast("float64")
        + (days_before * t.len_s).cast("float64")
        + _flag_on(t, weekday).cast("float64") * into_day
    )


def is_working_time(t: ir.Table, local_s: ir.FloatingValue) -> ir.BooleanValue:
    """True when `local_s` falls inside the schedule of `t` (start inclusive, end exclusive)."""
    _, weekday, second_of_day = _day_parts(local_s)
    return (
        (_flag_on(t, weekday) == 1)
        & (second_of_day >= t.start_s)
        & (second_of_day < t.start_s + t.len_s)
    )


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
