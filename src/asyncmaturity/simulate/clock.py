"""Time in the simulator: units, days since 1970-01-01 and their weekdays, Slack's ``ts`` text.

Instants are whole microseconds (``_us``) or seconds (``_s``) since 1970-01-01 UTC; a day is a
count of days since then, on the UTC clock or on a local one as each name says.
"""

from __future__ import annotations

from datetime import date
from typing import overload

from asyncmaturity.simulate.arrays import IntArray

US = 1_000_000
DAY_S = 86_400
DAY_US = DAY_S * US
EPOCH = date(1970, 1, 1)
# 1970-01-01 was a Thursday, three days after a Monday.
_EPOCH_WEEKDAY = 3


def epoch_day(day: date) -> int:
    """Days from 1970-01-01 to ``day``."""
    return (day - EPOCH).days


@overload
def weekday(day: int) -> int: ...


@overload
def weekday(day: IntArray) -> IntArray: ...


def weekday(day: int | IntArray) -> int | IntArray:
    """The weekday of each day since 1970-01-01, Monday 0 to Sunday 6."""
    return (day + _EPOCH_WEEKDAY) % 7


def slack_ts(us: int) -> str:
    """Slack's ``ts`` of an instant: whole seconds, a dot and six digits of microseconds."""
    return f"{us // US}.{us % US:06d}"


def slack_timestamps(us: IntArray) -> list[str]:
    """:func:`slack_ts` of every instant of ``us``, the divisions done for the whole array."""
    seconds, fractions = (us // US).tolist(), (us % US).tolist()
    return [f"{s}.{f:06d}" for s, f in zip(seconds, fractions, strict=True)]
