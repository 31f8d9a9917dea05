"""The Jinja environment of the server-rendered pages (templates shipped in the package)."""

from __future__ import annotations

from datetime import datetime

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from asyncmaturity.units import format_period, format_share, format_timestamp
from asyncmaturity.web.markdown import markdown_html
from asyncmaturity.web.services.webhooks import shown_contact


def instant(moment: datetime | None) -> str:
    """An instant as pages and reports show it: ``5 Mar 2026, 10:00 UTC`` (a dash when there is
    none)."""
    return format_timestamp(moment) if moment is not None else "—"


templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("asyncmaturity.web", "templates"),
        autoescape=select_autoescape(["html"]),
        # A misspelt variable fails the page test instead of rendering as nothing.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
templates.env.filters["instant"] = instant
templates.env.filters["period"] = format_period
templates.env.filters["share"] = format_share
# A webhook URL's path is its secret: members see where alerts went, not how to send more.
templates.env.filters["contact"] = lambda target, channel: shown_contact(channel, target)
templates.env.filters["markdown"] = markdown_html
