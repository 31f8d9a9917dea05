"""Rendering: every way a result is shown, each from data and never from a store.

:mod:`.data` turns a measurement (and an assessment) into :class:`ReportData`; :mod:`.html`
renders it as one self-contained page whose sections (:mod:`.sections`, :mod:`.assessment`)
are registered in :data:`SECTIONS`; :mod:`.markdown` and :mod:`.terminal` render the assessment
as Markdown and terminal tables; :mod:`.docs` renders the reference docs from the registries.
"""

from __future__ import annotations

from asyncmaturity.report.data import ASSESSMENT_TITLE, REPORT_TITLE, report_data
from asyncmaturity.report.html import render_html
from asyncmaturity.report.model import ReportData
from asyncmaturity.report.sections import SECTIONS, ReportSection

__all__ = [
    "ASSESSMENT_TITLE",
    "REPORT_TITLE",
    "SECTIONS",
    "ReportData",
    "ReportSection",
    "render_html",
    "report_data",
]
