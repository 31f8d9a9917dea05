"""Human-readable figures by unit: durations, shares, counts, dates and axis ticks.

Every function returns plain text (no markup), so the reports, the terminal tables, the web
dashboard and the core's own sentences format a figure the same way.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

NO_DATA = "no data"

_MINUTE = 60
_HOUR = 3600
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


def format_value(value: float | int | None, unit: str) -> str:
    """Format one figure by its unit ("count", "share", "seconds", "hours"); None is "no data"."""
    if value is None or not math.isfinite(value):
        return NO_DATA
    if unit == "share":
        return format_share(value)
    if unit == "seconds":
        return format_duration(value)
    if unit == "hours":
        return format_duration(value * _HOUR)
    return format_count(value)


def unit_for_metric_id(metric_id: str) -> str:
    """Infer a metric's unit from its id suffix: "_share" is a share, "_s" seconds, else a count."""
    if metric_id.endswith("_share"):
        return "share"
    if metric_id.endswith("_s"):
        return "seconds"
    return "count"


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


def format_timestamp(iso: str) -> str:
    """Format an ISO 8601 UTC timestamp as "2 Apr 2024, 10:00 UTC"; unparsable text is kept."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    # The model promises UTC, but an offset-bearing stamp must not be mislabelled as UTC.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def format_month(month: str) -> str:
    """Format "2024-03" as "Mar 2024"; an unparsable value is shown as given."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        return month
    return f"{first:%b %Y}"
