"""Pages that looked broken to a new user: a level chart that drew nothing when every area is at
level 0, and charter errors that were out of sight. Checked in the HTML, and in Chromium where
the question is what the user sees (a visible bar, an error in the first screen)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from asyncmaturity.web.deps import CSRF_FIELD
from asyncmaturity.web.models import TeamAssessment

from .conftest import Factory, World
from .test_browser import _log_in
from .test_browser import page as page
from .test_dashboard import run, upload
from .test_dashboard import slack_zip as slack_zip

UNPROCESSABLE = (
    "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
)
# The texts of the page's charts that reach outside their chart (cut off by the viewBox), and
# the shortened ones without a tooltip that gives their whole text.
CUT_OFF_TEXT = """() => [...document.querySelectorAll("svg")].flatMap((svg) => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].flatMap((text) => {
    const r = text.getBoundingClientRect();
    const outside = r.left < box.left - 1 || r.right > box.right + 1 ||
      r.top < box.top - 1 || r.bottom > box.bottom + 1;
    const shortened = text.textContent.includes("\u2026") && !text.querySelector("title");
    return outside || shortened ? [text.textContent] : [];
  });
})"""
LEVELS_SVG = re.compile(r'id="levels".*?(<svg.*?</svg>)', re.S)


@pytest.fixture
def zero_levels(make: Factory, world: World, slack_zip: bytes) -> TestClient:
    """Team A's newest assessment with every area at level 0 but the last one, unknown; a client
    of team A's admin."""
    admin = make.client(world.admin_a)
    run(admin, upload(admin, world.team_a, slack_zip))
    run(admin, admin.post(f"/api/v1/teams/{world.team_a.id}/assessments"))
    with make.context.sessions() as db:
        kept = db.scalars(select(TeamAssessment)).one()
        document = dict(kept.document)
        names = {level["value"]: level["name"] for level in document["framework"]["levels"]}
        areas = [{**area, "level": 0, "level_name": names[0]} for area in document["areas"]]
        areas[-1] = {**areas[-1], "level": None, "level_name": "unknown"}
        document["areas"] = areas
        db.execute(
            update(TeamAssessment).where(TeamAssessment.id == kept.id).values(document=document)
        )
        db.commit()
    return admin


def test_a_level_of_zero_is_drawn_and_unknown_differs_from_it(
    zero_levels: TestClient, world: World
) -> None:
    page = zero_levels.get(f"/teams/{world.team_a.id}/dashboard").text
    found = LEVELS_SVG.search(page)
    assert found is not None
    svg = found.group(1)
    # The axis runs over the framework's whole scale (0 to 3 here), not 0 to 1.
    top = re.search(r"<desc>Levels 0 to (\d+) ", svg)
    assert top is not None and int(top.group(1)) > 1
    assert f">{top.group(1)}</text>" in svg and ">0</text>" in svg
    bars = re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)" rx="2"', svg)
    gaps = re.findall(r'stroke-dasharray="3 3"', svg)
    assert len(bars) >= 4 and all(float(height) >= 3 for height in bars), bars
    assert len(gaps) == 1 and "unknown" in svg


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_chromium_shows_zero_levels_and_a_charter_error_at_the_top(
    page: Any, zero_levels: TestClient, world: World
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/login")
    _log_in(page, world.admin_a.email)
    page.goto(f"/teams/{world.team_a.id}/dashboard")
    bars = page.locator("#levels svg rect[rx='2']")
    assert bars.count() >= 4
    for index in range(bars.count()):
        box = bars.nth(index).bounding_box()
        assert box is not None and box["height"] >= 2 and box["width"] > 10, box
    page.locator("#levels").screenshot(path="/tmp/asyncmaturity-zero-levels.png")
    assert page.evaluate(CUT_OFF_TEXT) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # An invalid entry on the YAML's fourth line: the error opens the page, one-based line.
    page.goto(f"/teams/{world.team_a.id}/charter")
    page.click("#yaml-mode summary")
    page.fill(
        "#charter-yaml",
        "timezone: UTC\nholidays:\n  - date: 2026-12-25\n  - date: 2026-12-26\n    day: 1\n",
    )
    page.expected_console = [UNPROCESSABLE]  # the refused save answers 422, as it should
    with page.expect_navigation():
        page.click("#save-yaml")
    error = page.locator("#charter-error")
    assert error.is_visible() and error.bounding_box()["y"] < 800 * 0.5  # type: ignore[index]
    text = error.inner_text()
    assert "The YAML, line 5, field holidays: day: is not a field of this entry" in text, text
    assert "5 │     day: 1" in text
    assert page.locator("#charter-error-link").get_attribute("href") == "#charter-yaml"
    page.screenshot(path="/tmp/asyncmaturity-charter-error.png")


def test_a_form_error_links_to_its_field_and_says_the_typed_line(
    make: Factory, world: World
) -> None:
    from asyncmaturity.charter import Charter
    from asyncmaturity.web.charter_form import form_values

    admin = make.client(world.admin_a, csrf=False)
    values = {**form_values(Charter()), "holidays": "2026-12-25\n# bank holidays\n2026-02-30"}
    response = admin.post(
        f"/teams/{world.team_a.id}/charter",
        data={CSRF_FIELD: admin.csrf_token, **values},  # type: ignore[attr-defined]
    )
    assert response.status_code == 422
    top = response.text[response.text.index('id="charter-error"') :]
    top = top[: top.index("</div>")]
    assert '<a href="#field-holidays" id="charter-error-link">Public holidays, line 3</a>' in top
    assert "must be a date as YYYY-MM-DD (not &#39;2026-02-30&#39;)" in top
    # The error comes before the form, near the title.
    assert response.text.index('id="charter-error"') < response.text.index('id="charter-form"')
