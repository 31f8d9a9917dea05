"""Every server-rendered page, enumerated from `app.routes`, shows the trail to it: the home page,
the page's team (linked to the team's page), the section and the object, each step a link that
opens for the same user, and the current page last, named as the page's title names it and not
a link. A new page without a trail fails here unless it is listed, with why, in NO_TRAIL."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from fastapi import FastAPI

from .conftest import Factory, World
from .test_authorization import PUBLIC
from .test_authorization import path_values as path_values
from .test_every_page import fill, page_templates

# Pages without a trail, each with why.
NO_TRAIL = {
    "/": "the home page is the trail's first step",
    "/teams/{team_id}/report": "the standalone report document, as `assess --html` writes it",
}


@dataclass(frozen=True)
class Crumb:
    """One step of a trail: its text, and its link (None for the current page)."""

    text: str
    href: str | None
    current: bool


class TrailParser(HTMLParser):
    """The steps of the page's breadcrumb trail (<nav class="crumbs">), and its <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.crumbs: list[Crumb] = []
        self.trails = 0
        self.title = ""
        self._in_nav = self._in_title = False
        self._step: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "nav" and "crumbs" in (found.get("class") or "").split():
            self._in_nav = True
            self.trails += 1
        elif self._in_nav and tag == "li":
            self._step, self._text = {}, []
        elif self._step is not None and tag == "a":
            self._step["href"] = found.get("href")
        elif self._step is not None and found.get("aria-current") == "page":
            self._step["current"] = "page"

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "nav":
            self._in_nav = False
        elif tag == "li" and self._step is not None:
            text = " ".join("".join(self._text).split())
            self.crumbs.append(Crumb(text, self._step.get("href"), "current" in self._step))
            self._step = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._step is not None:
            self._text.append(data)


def trail_of(html: str) -> TrailParser:
    """The parsed trail and title of a page."""
    parser = TrailParser()
    parser.feed(html)
    return parser


def test_every_page_shows_its_trail_from_home_through_its_team(
    app: FastAPI, make: Factory, world: World, path_values: dict[str, str]
) -> None:
    admin = make.client(world.admin_a)
    team_page = f"/teams/{world.team_a.id}"
    private = [
        template
        for template in page_templates(app)
        if ("GET", template) not in PUBLIC and template not in NO_TRAIL
    ]
    assert len(private) >= 12, private
    for template in private:
        path = fill(template, path_values)
        response = admin.get(path)
        assert response.status_code == 200, path
        found = trail_of(response.text)
        assert found.trails == 1, f"{path}: {found.trails} trails"
        *links, current = found.crumbs
        assert links and links[0] == Crumb("Teams", "/", False), f"{path}: {found.crumbs}"
        if template != "/lint":
            # The team, linked to its page, is the second step (the last on the team's page).
            team_step = found.crumbs[1]
            assert team_step.text == world.team_a.name, f"{path}: {found.crumbs}"
            assert team_step.href == (None if path == team_page else team_page), path
        assert current.href is None and current.current, f"{path}: the last step is {current}"
        assert current.text and current.text in found.title, f"{path}: {current} vs {found.title}"
        for link in links:
            assert not link.current, f"{path}: {link}"
            assert link.href and link.href != path, f"{path}: {link}"
            assert admin.get(link.href).status_code == 200, f"{path}: {link}"


def test_the_trail_names_the_object_and_links_its_section(
    make: Factory, world: World, path_values: dict[str, str]
) -> None:
    member = make.client(world.member_a)
    team = f"/teams/{world.team_a.id}"
    decision = f"{team}/decisions/{path_values['number']}"
    expected: dict[str, list[tuple[str, str | None]]] = {
        f"/requests/{path_values['request_id']}": [
            ("Request ledger", f"{team}/ledger"),
            ("Alpha secret pricing request", None),
        ],
        decision: [("Decision log", f"{team}/decisions")],
        f"/s/{world.campaign_a.share_token}": [
            (world.campaign_a.title, f"/campaigns/{world.campaign_a.id}"),
            ("Answer", None),
        ],
        f"{team}/charter": [("Charter", None)],
        f"{team}/dashboard": [("Dashboard", None)],
        f"{team}/ledger": [("Request ledger", None)],
        f"{team}/decisions": [("Decision log", None)],
    }
    for path, steps in expected.items():
        crumbs = trail_of(member.get(path).text).crumbs
        assert [(c.text, c.href) for c in crumbs[2 : 2 + len(steps)]] == steps, path
