"""Render :class:`ReportData` as one self-contained, offline HTML page.

The page has inline CSS and inline SVG only: no script, no font, no image and no URL to fetch,
which a Content-Security-Policy of ``default-src 'none'`` also enforces in the browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from asyncmaturity.report.model import ReportData
from asyncmaturity.report.sections import SECTIONS, ReportSection
from asyncmaturity.units import format_period, format_timestamp

# The template is named *.html.j2, which select_autoescape would not recognise: force escaping.
_ENV = Environment(
    loader=PackageLoader("asyncmaturity.report", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class _RenderedSection:
    """A section's heading and its already-escaped body, as the template consumes them."""

    id: str
    title: str
    body: Markup


def render_html(data: ReportData, sections: Sequence[ReportSection] = SECTIONS) -> str:
    """Render the report as a single HTML document, one block per registered section."""
    ids = [section.id for section in sections]
    if len(set(ids)) != len(ids):
        raise ValueError(f"report section ids must be unique, got {ids}")
    sections = [section for section in sections if section.applies(data)]
    # Section renderers escape user data themselves; their output is trusted markup.
    rendered = [(s.id, s.title, Markup(s.render(data))) for s in sections]
    meta = [
        ("Period", format_period(data.period_start, data.period_end)),
        ("Sources", ", ".join(data.sources) if data.sources else "none"),
        ("Minimum group size", f"{data.min_group_size} people"),
    ]
    return render_page(data.title, meta=meta, sections=rendered, generated_at=data.generated_at)


def render_page(
    title: str,
    *,
    meta: Sequence[tuple[str, str]],
    sections: Sequence[tuple[str, str, Markup]],
    generated_at: str,
) -> str:
    """One report page in the report's layout: a masthead of (label, value) pairs, a table of
    contents, and the sections as (id, title, escaped body)."""
    template = _ENV.get_template("report.html.j2")
    return template.render(
        title=title,
        meta=meta,
        sections=[_RenderedSection(*section) for section in sections],
        generated_at=generated_at,
        generated=format_timestamp(generated_at),
    )
