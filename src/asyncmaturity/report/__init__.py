"""The report: figures already aggregated by the core (:mod:`.model`) and their HTML rendering."""

from asyncmaturity.report.html import render_html
from asyncmaturity.report.model import ReportData
from asyncmaturity.report.sections import SECTIONS, ReportSection

__all__ = ["SECTIONS", "ReportData", "ReportSection", "render_html"]
