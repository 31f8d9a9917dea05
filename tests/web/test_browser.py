"""Page tests in headless Chromium (Debian's, driven by Playwright) against a live server: log in
from a share link, answer, save, come back, finish and submit; a team admin starts a campaign; a
member adds a ledger request that its owner answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from asyncmaturity.web.models import Campaign
from asyncmaturity.web.services.campaigns import campaign_survey, save_answers

from ..test_report_html import CHROMIUM_ARGS as REPORT_CHROMIUM_ARGS
from .conftest import PASSWORD, PUBLIC_URL, Factory, World

CHROMIUM = Path("/usr/bin/chromium")
# The report's page tests' flags, plus an explicit --headless for Debian's chromium.
CHROMIUM_ARGS = ["--headless", *REPORT_CHROMIUM_ARGS]
pytestmark = pytest.mark.browser


@pytest.fixture
def page(live_server: str) -> Iterator[Any]:
    """A Chromium page that records console errors, page errors and failed requests."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (run `make browser`)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except sync_api.Error as exc:
            pytest.skip(f"chromium could not be started: {exc}")
        try:
            context = browser.new_context(base_url=live_server)
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
            page.set_default_timeout(15000)
            yield page
            # A test that shows a refused form on purpose lists the console line it causes.
            expected = getattr(page, "expected_console", ())
            assert [p for p in problems if p not in expected] == [], problems
        finally:
            browser.close()


def _log_in(page: Any, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    # Wait until the redirect after login has landed: a goto before that would abort it.
    with page.expect_navigation():
        page.click("button:has-text('Log in')")


def test_a_member_answers_saves_resumes_and_submits(page: Any, world: World) -> None:
    items = campaign_survey("five-area").items
    share = f"/s/{world.campaign_a.share_token}"
    page.goto(share)
    assert "/login?next=" in page.url  # a share link asks for a login first, then comes back
    _log_in(page, world.member_a.email)
    page.wait_for_url(f"**{share}")
    assert page.locator("fieldset.question").count() == len(items)

    first, second, third = (f"fieldset[data-item='{item.id}']" for item in items[:3])
    page.locator(f"{first} label.option").nth(3).click()
    page.locator(f"{second} label.option").nth(1).click()
    page.click("button:has-text('Save and continue later')")
    page.wait_for_selector("#saved")

    # Come back later: a fresh visit shows the saved answers checked.
    page.goto("/")
    page.goto(share)
    assert page.locator(f"{first} input").nth(3).is_checked()
    assert page.locator(f"{second} input").nth(1).is_checked()
    assert not page.locator(f"{third} input:checked").count()
    page.locator(f"{third} label.option").nth(0).click()
    page.click("button:has-text('Submit')")
    page.wait_for_selector("#submitted")
    assert page.locator("input[type=radio]").count() == 0

    page.goto(f"/campaigns/{world.campaign_a.id}")
    assert "You have submitted your answers" in page.inner_text("main")
    assert page.locator("#results-hidden").is_visible()  # 1 of 2: no figures yet


def test_an_admin_sees_results_starts_a_campaign_and_shares_its_link(
    page: Any, world: World, make: Factory
) -> None:
    with make.context.sessions() as db:
        campaign = db.get(Campaign, world.campaign_a.id)
        assert campaign is not None
        for respondent, level in (("first", 2), ("second", 5), ("third", 3)):
            answers = {item.id: level for item in campaign_survey("five-area").items[:6]}
            save_answers(db, campaign=campaign, respondent=respondent, answers=answers, submit=True)
        campaign.status = "closed"  # results are published once the campaign closes
        db.commit()
    page.goto("/")
    _log_in(page, world.admin_a.email)
    page.goto(f"/campaigns/{world.campaign_a.id}")
    chart = page.locator("svg.chart-svg")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("table.results tbody tr").count() == len(campaign_survey("five-area").items)
    page.goto("/")
    page.click(f"text={world.team_a.name}")
    page.fill("input[name=title]", "Browser campaign")
    page.fill("input[name=min_group_size]", "3")
    page.click("button:has-text('Start campaign')")
    page.wait_for_selector("#share-link")
    link = page.inner_text("#share-link")
    assert link.startswith(f"{PUBLIC_URL}/s/")  # the configured public URL, not the Host
    assert "0 of 3 responses submitted" in page.inner_text("#results-hidden")
    page.click("button:has-text('Close the campaign')")
    page.wait_for_selector("button:has-text('Reopen the campaign')")
    page.click("text=Check a request")
    page.fill("textarea[name=text]", "@dana can you review #42 by Friday?")
    page.click("button:has-text('Check')")
    assert "Complete." in page.inner_text("#lint-result")
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")


def test_a_member_asks_the_owner_answers_and_the_ledger_shows_it(page: Any, world: World) -> None:
    page.goto("/")
    _log_in(page, world.member_a.email)
    page.click(f"text={world.team_a.name}")
    page.click("#ledger-links >> text=Request ledger")
    create = "form[method=post][action$='/ledger']"
    page.fill(f"{create} input[name=title]", "Pricing tiers sign-off")
    page.select_option(f"{create} select[name=owner]", label=world.admin_a.email)
    page.fill(f"{create} textarea[name=action]", "Approve the three new pricing tiers")
    page.fill(f"{create} textarea[name=information]", "Numbers: https://docs.google.com/d/7")
    page.click("button:has-text('Check')")
    assert "Complete." in page.inner_text("#await-check")
    page.click("button:has-text('Add request')")
    page.wait_for_selector("#status:has-text('open')")
    request_url = page.url
    due = page.inner_text("#due")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC", due), due

    page.click("text=Request ledger")
    row = page.locator("#requests tbody tr", has_text="Pricing tiers sign-off")
    assert row.locator("td.due").inner_text() == due
    assert row.get_attribute("data-status") == "open"
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")

    _log_in(page, world.admin_a.email)
    page.goto(request_url)
    page.fill("textarea[name=body]", "Approved, go ahead.")
    page.click("button:has-text('Reply')")
    page.wait_for_selector("#status:has-text('answered')")
    assert "Approved, go ahead." in page.inner_text("#replies")
    page.click("text=Request ledger")
    answered = page.locator("#requests tbody tr", has_text="Pricing tiers sign-off")
    assert answered.get_attribute("data-status") == "answered"
