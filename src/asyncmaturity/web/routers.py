"""Every router of the web app, in one place: the JSON API under ``/api/v1`` first, then the
HTML pages, in the order the app matches them."""

from __future__ import annotations

from fastapi import APIRouter

from asyncmaturity.web import (
    api,
    api_account,
    api_charter,
    api_dashboard,
    api_ledger,
    pages,
    pages_account,
    pages_charter,
    pages_dashboard,
    pages_ledger,
)

ROUTERS: tuple[APIRouter, ...] = (
    api.router,
    api_account.router,
    api_ledger.router,
    api_charter.router,
    api_dashboard.router,
    pages.router,
    pages_account.router,
    pages_ledger.router,
    pages_charter.router,
    pages_dashboard.router,
)
