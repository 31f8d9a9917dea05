"""Human-readable figures by unit: durations, hours, shares, counts, changes, dates and axis ticks.

Every function returns plain text (no markup), so the reports, the terminal tables, the web
dashboard and the core's own sentences format a figure the same way.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Literal

NO_DATA = "no data"

Unit = Literal["count", "share", "seconds", "hours", "hours per person-week"]
"""What a figure measures, which decides how it reads: a metric's registered unit (metrics in
hours are weekly or total hours, never days), or "hours per person-week" for the cost estimate's
figures, whose label does not say it."""

_MINUTE = 60
_DAY = 86400


def is_missing(value: float | int | None) -> bool:
    """Tell whether a figure has no usable value (None, NaN or infinite)."""
    return value is None or not math.isfinite(value)


def format_duration(seconds: float) -> str:
    """Format a duration in seconds as "45 s", "12 min", "2 h 05 min" or "3.2 d"."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < _MINUTE:
        return f"{sign}{seconds:.0f} s"
    # Round to whole minutes first so that 3599.7 s reads "1 h 00 min", not "60 min".
    minutes = round(seconds / _MINUTE)
    if minutes < 60:
        return f"{sign}{minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{sign}{hours} h {rest:02d} min"
    return f"{sign}{seconds / _DAY:.1f} d"


def format_share(share: float, decimals: int = 1) -> str:
    """Format a share in [0, 1] as a percentage such as "42.0%"."""
    return f"{share * 100:.{decimals}f}%"


def format_count(count: float) -> str:
    """Format a count with thousands separators; a fractional count (a mean) keeps one decimal."""
    if float(count).is_integer():
        return f"{int(count):,}"
    return f"{count:,.1f}"


def format_counted(count: int, singular: str, plural: str | None = None) -> str:
    """Format a count of things as "1 criterion" or "3 criteria" (plural defaults to +"s")."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{format_count(count)} {word}"


def format_hours(hours: float) -> str:
    """Format an amount of hours as "12.5 h", "0.25 h" under one hour, "under 0.01 h" or "0 h"."""
    # Two decimals under an hour, so a saving of 0.04 h does not read "0.0 h"; a few seconds
    # must not read as no time at all.
    if hours == 0:
        return "0 h"
    if abs(hours) < 0.005:
        return "under 0.01 h"
    return f"{hours:,.1f} h" if abs(hours) >= 1 else f"{hours:.2f} h"


def format_money(amount: float, currency: str) -> str:
    """Format an amount of money as "1,234 EUR"."""
    return f"{amount:,.0f} {currency}"


def format_score(score: float | None) -> str:
    """Format a survey score (0 worst .. 1 best) as "0.68"; None is "no data"."""
    if score is None or is_missing(score):
        return NO_DATA
    return f"{score:.2f}"


def format_value(value: float | int | None, unit: Unit) -> str:
    """Format one figure by its unit; None is "no data"."""
    if value is None or is_missing(value):
        return NO_DATA
    if unit == "share":
        return format_share(value)
    if unit == "seconds":
        return format_duration(value)
    if unit == "hours":
        return format_hours(value)
    if unit == "hours per person-week":
        return f"{format_hours(value)} per person-week"
    return format_count(value)


def format_change(change: float | None, unit: Unit) -> str:
    """Format a signed difference of two figures: "+15 min", "-4.2 pp" (a share's change in
    percentage points), "+1,204"; None is "no data"."""
    if change is None or is_missing(change):
        return NO_DATA
    # No change carries no sign; a negative one carries its own minus sign.
    sign = "+" if change > 0 else ""
    if unit == "share":
        return f"{sign}{change * 100:.1f} pp"
    return sign + format_value(change, unit)


def humanize_metric_id(metric_id: str) -> str:
    """Turn an id such as "response.first_reply.median_s" into "Response first reply median"."""
    stem = metric_id
    for suffix in ("_share", "_s"):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    # Registry ids are dotted paths ("response.first_reply.median_s"): every separator is a space.
    words = " ".join(stem.replace(".", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else metric_id


def format_axis_number(value: float) -> str:
    """Format an axis tick compactly: at most two decimals and no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_axis_share(share: float) -> str:
    """Format a share axis tick compactly, such as "25%" or "2.5%"."""
    return f"{format_axis_number(share * 100)}%"


def format_date(iso: str | None) -> str:
    """Format an ISO date as "1 Mar 2024"; an unparsable value is shown as given."""
    if not iso:
        return NO_DATA
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


def format_timestamp(moment: datetime | str) -> str:
    """Format an instant or its ISO 8601 text as "2 Apr 2024, 10:00 UTC"; unparsable text is
    kept."""
    if isinstance(moment, str):
        text = moment
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
    # The model promises UTC, but an offset-bearing stamp must not be mislabelled as UTC.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def format_period(first: str | None, last: str | None) -> str:
    """Format the period of the evidence as "5 Jan 2026 to 6 Mar 2026" from ISO dates or
    timestamps; "no data" when neither is known."""
    if not first and not last:
        return NO_DATA
    return f"{format_date(first)} to {format_date(last)}"


def format_month(month: str) -> str:
    """Format "2024-03" as "Mar 2024"; an unparsable value is shown as given."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        return month
    return f"{first:%b %Y}"
