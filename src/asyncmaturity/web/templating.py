"""The Jinja environment of the server-rendered pages (templates shipped in the package)."""

from __future__ import annotations

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

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
