"""The Jinja environment of the server-rendered pages (templates shipped in the package)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def instant(moment: datetime | None) -> str:
    """An instant as pages show it: ``2026-03-05 10:00 UTC`` (a dash when there is none)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "—"


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
