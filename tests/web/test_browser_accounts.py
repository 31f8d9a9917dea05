"""The account pages in headless Chromium against a live server: a member changes their password
from the account page and logs in with the new one; a team admin invites someone, sees the
invitation pending and withdraws it. What they add fits a phone's width; the account page shows
its trail. (The withdrawn link answering 404 is checked in-process, test_accounts.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import PASSWORD, PUBLIC_URL, Factory, World
from .test_browser import _log_in
from .test_browser import page as page

pytestmark = [
    pytest.mark.browser,
    # One backend is enough for how the pages look; SQLite keeps it fast.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
NEW_PASSWORD = "violet kettle under moonlight"
PHONE = {"width": 390, "height": 844}


def _fits(page: Any, selector: str) -> None:
    """Every element of `selector` lies within the window and shows all of its content."""
    clipped = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth
                || el.scrollWidth > el.clientWidth + 1)
            .map((el) => el.outerHTML.slice(0, 80))""",
        selector,
    )
    assert clipped == [], clipped


def _trail(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("nav.crumbs li").all_inner_texts()]


def test_a_member_changes_their_password_on_the_account_page(page: Any, world: World) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/login")
    _log_in(page, world.member_a.email)
    page.click(f"header.site a:has-text('{world.member_a.email}')")
    page.wait_for_url("**/account")
    assert _trail(page) == ["Teams", "Your account"]
    assert page.locator("nav.crumbs [aria-current=page]").inner_text() == "Your account"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _fits(page, "header.site *, main *")
    page.fill("input[name=current_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Change password')")
    assert page.url.endswith("/account?done=password")
    assert "Password changed" in page.inner_text("[role=status]")
    _fits(page, "main *")
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")
    page.fill("input[name=email]", world.member_a.email)
    page.fill("input[name=password]", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Log in')")
    assert page.url.endswith("/")


def test_an_admin_sees_a_pending_invitation_and_withdraws_it(
    page: Any, world: World, make: Factory
) -> None:
    long_address = "a.very.long.name.for.a.new.colleague@department.a.example"
    page.set_viewport_size(PHONE)
    page.goto("/login")
    _log_in(page, world.admin_a.email)
    page.goto(f"/teams/{world.team_a.id}")
    assert world.team_a.name in page.inner_text("h1")
    page.fill("input[name=email][type=email]", long_address)
    page.click("button:has-text('Create invitation link')")
    link = page.inner_text("code.link-box")
    assert link.startswith(f"{PUBLIC_URL}/invite/")
    page.goto(f"/teams/{world.team_a.id}")
    rows = page.locator("ul.invites li")
    assert rows.count() == 1 and long_address in rows.first.inner_text()
    _fits(page, "#members ~ *:not(table) *")
    with page.expect_navigation():
        rows.first.locator("button:has-text('Withdraw')").click()
    assert "Invitation withdrawn" in page.inner_text("[role=status]")
    assert page.locator("ul.invites").count() == 0
    assert "No pending invitation." in page.inner_text("main")
