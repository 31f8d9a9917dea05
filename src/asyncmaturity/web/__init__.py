"""The asyncmaturity web app (`asyncmaturity serve`): survey campaigns, results and AWAIT checks
over the same library core as the CLI, as server-rendered pages and a JSON API.

Layout: :mod:`.settings` (one declarative settings model), :mod:`.models` and :mod:`.db` (SQLAlchemy
with Alembic migrations under ``migrations/``), :mod:`.services` (the domain verbs), :mod:`.deps`
(the session, CSRF and team-scope guards), :mod:`.api` and :mod:`.pages` (thin routes), :mod:`.app`
(the factory and the one error handler). The core never imports this package.

Example::

    from asyncmaturity.web import WebSettings, create_app
    app = create_app(WebSettings.from_env(database_url="team.db"))
"""

from __future__ import annotations

from asyncmaturity.web.app import create_app
from asyncmaturity.web.server import AdminAccount, serve
from asyncmaturity.web.settings import WebSettings

__all__ = ["AdminAccount", "WebSettings", "create_app", "serve"]
