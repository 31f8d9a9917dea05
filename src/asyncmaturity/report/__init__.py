"""The report: figures aggregated by the core (:mod:`.data`, :mod:`.model`) and their HTML rendering."""

from asyncmaturity.report.data import build_report_data
from asyncmaturity.report.html import render_html
from asyncmaturity.report.model import ReportData
from asyncmaturity.report.sections import SECTIONS, ReportSection

__all__ = ["SECTIONS", "ReportData", "ReportSection", "build_report_data", "render_html"]
