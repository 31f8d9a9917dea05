"""The report: figures aggregated by the core (:mod:`.data`, :mod:`.model`) and their HTML rendering."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from asyncmaturity.charter import Charter
from asyncmaturity.report.data import build_report_data
from asyncmaturity.report.html import empty_report_data, render_html
from asyncmaturity.report.model import ReportData
from asyncmaturity.report.sections import SECTIONS, ReportSection

ASSESSMENT_TITLE = "Asynchronous communication maturity assessment"


def render_assessment_html(
    document: dict[str, Any],
    *,
    store: Path | str | None,
    charter: Charter | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    comparison: dict[str, Any] | None = None,
    title: str = ASSESSMENT_TITLE,
) -> str:
    """The full report: the assessment's sections, then the evidence figures when a store is given."""
    charter = charter or Charter()
    if store is not None:
        data = build_report_data(
            store=store, charter=charter, since=since, until=until, title=title
        )
    else:
        period = document.get("period") or {}
        data = replace(
            empty_report_data(title, min_group_size=charter.min_group_size),
            period_start=(period.get("first") or "")[:10] or None,
            period_end=(period.get("last") or "")[:10] or None,
        )
    return render_html(replace(data, assessment=document, comparison=comparison))


__all__ = [
    "SECTIONS",
    "ReportData",
    "ReportSection",
    "build_report_data",
    "render_assessment_html",
    "render_html",
]
