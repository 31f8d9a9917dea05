"""The team's own survey in its dashboard assessment: a campaign joins the store's evidence only
once its figures are published (closed, at least the minimum group size), by default the newest
that can; the document is the one `assess --survey` makes from the campaign's CSV, and records
which campaign it used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from asyncmaturity.pipeline import AssessmentRequest, run_assessment
from asyncmaturity.simulate.export import simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.web.deps import WebContext
from asyncmaturity.web.models import Campaign, Team
from asyncmaturity.web.services.campaigns import campaign_survey, save_answers
from asyncmaturity.web.services.charter import store_path

from .conftest import Factory, World
from .test_browser import _log_in
from .test_browser import page as page
from .test_dashboard import run, upload, zipped

RESPONDENTS = 5
"""As many as the charter's default minimum group size."""


@pytest.fixture(scope="module")
def slack_zip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small simulated organization's Slack export, zipped: enough messages for the data to
    decide criteria the survey also speaks to."""
    folder = tmp_path_factory.mktemp("simulated") / "export"
    simulate_slack_export(folder, SimulationParams(people=12, days=10, seed=5))
    return zipped(folder)


def answered_campaign(make: Factory, team: Team, title: str, respondents: int) -> Campaign:
    """A campaign of `team` that `respondents` people answered in full, still open: everyone
    agrees strongly with every statement, so the survey disagrees with the data somewhere."""
    campaign = make.campaign(team, title=title, min_group_size=3)
    with make.context.sessions() as db:
        stored = db.get(Campaign, campaign.id)
        assert stored is not None
        definition = campaign_survey("five-area")
        answers = {item.id: max(definition.scale_of(item).values) for item in definition.items}
        for index in range(respondents):
            save_answers(db, campaign=stored, respondent=f"r{index}", answers=answers, submit=True)
        db.commit()
    return campaign


def close(admin: TestClient, campaign: Campaign) -> None:
    response = admin.patch(f"/api/v1/campaigns/{campaign.id}", json={"status": "closed"})
    assert response.status_code == 200, response.text


def test_a_closed_campaign_joins_the_assessment_as_assess_survey_would(
    make: Factory, world: World, slack_zip: bytes, context: WebContext, tmp_path: Path
) -> None:
    admin, team = make.client(world.admin_a), world.team_a
    run(admin, upload(admin, team, slack_zip))
    spring = answered_campaign(make, team, "Spring check", RESPONDENTS)
    small = answered_campaign(make, team, "Small check", 3)
    close(admin, small)  # published at its own group size, but under the charter's 5

    # Open: it cannot join, and nothing can; the page and the API say why.
    choices = admin.get(f"/api/v1/teams/{team.id}/assessments/campaigns").json()
    assert choices["default"] is None and choices["count"] == 3
    reasons = {c["title"]: c["reason"] for c in choices["data"]}
    assert (
        "closed" in reasons["Spring check"] and "minimum group size of 5" in reasons["Small check"]
    )
    refused = admin.post(f"/api/v1/teams/{team.id}/assessments", json={"campaign": spring.id})
    assert refused.status_code == 409 and "cannot join" in refused.json()["error"]["message"]
    page = admin.get(f"/teams/{team.id}/dashboard").text
    assert 'id="no-survey"' in page and "Small check" in page
    alone = run(admin, admin.post(f"/api/v1/teams/{team.id}/assessments"))
    assert alone["summary"]["survey_campaign"] is None

    # Closed: the newest campaign that can join is the default one.
    close(admin, spring)
    choices = admin.get(f"/api/v1/teams/{team.id}/assessments/campaigns").json()
    assert choices["default"] == spring.id
    job = run(admin, admin.post(f"/api/v1/teams/{team.id}/assessments"))
    used = {"id": spring.id, "title": "Spring check", "responses": RESPONDENTS}
    assert job["summary"]["survey_campaign"] == used
    latest = admin.get(f"/api/v1/teams/{team.id}/assessments/latest").json()
    assert latest["survey_campaign"] == used
    survey: dict[str, Any] = latest["document"]["survey"]
    assert survey["origin"] == f"campaign {spring.id} \u201cSpring check\u201d (5 responses)"
    assert survey["respondents"] == RESPONDENTS
    assert all(f["distribution"] is None for f in survey["organization"]["items"].values())
    assert str(context.settings.data_dir) not in str(latest["document"])

    # The same document `assess --survey` makes from the campaign's CSV and the same store.
    csv = tmp_path / "answers.csv"
    csv.write_bytes(admin.get(f"/api/v1/campaigns/{spring.id}/responses.csv").content)
    with context.sessions() as db:
        store = store_path(db, team=db.get(Team, team.id), settings=context.settings)  # type: ignore[arg-type]
    assert store is not None
    cli = run_assessment(AssessmentRequest(store=store, survey=csv)).document
    scores = {k: f["score"] for k, f in survey["organization"]["items"].items()}
    assert scores == {k: f.score for k, f in cli.survey.organization.items.items()}  # type: ignore[union-attr]
    assert latest["document"]["disagreements"] == [d.model_dump() for d in cli.disagreements]
    assert latest["document"]["disagreements"], "the survey disagrees with the data"

    # Members see the survey next to the data on the dashboard, and which campaign it was.
    dashboard = make.client(world.member_a).get(f"/teams/{team.id}/dashboard").text
    assert 'id="survey-campaign"' in dashboard and "Spring check</a> (5 responses)" in dashboard
    assert "Where people and data disagree" in dashboard

    # The admin may leave the survey out, and cannot name another team's campaign.
    none = run(admin, admin.post(f"/api/v1/teams/{team.id}/assessments", json={"campaign": "none"}))
    assert none["summary"]["survey_campaign"] is None
    foreign = admin.post(
        f"/api/v1/teams/{team.id}/assessments", json={"campaign": world.campaign_b.id}
    )
    assert foreign.status_code == 422


def test_the_dashboard_form_offers_the_campaigns_that_can_join(
    make: Factory, world: World, slack_zip: bytes
) -> None:
    admin, team = make.client(world.admin_a, csrf=False), world.team_a
    run(make.client(world.admin_a), upload(make.client(world.admin_a), team, slack_zip))
    spring = answered_campaign(make, team, "Spring check", RESPONDENTS)
    close(make.client(world.admin_a), spring)
    page = admin.get(f"/teams/{team.id}/dashboard").text
    assert f'<option value="{spring.id}" selected>Spring check (5 responses)</option>' in page
    token = admin.csrf_token  # type: ignore[attr-defined]
    bad = admin.post(
        f"/teams/{team.id}/assessments", data={"csrf_token": token, "campaign": "spring"}
    )
    assert bad.status_code == 422 and "names no campaign" in bad.text
    queued = admin.post(
        f"/teams/{team.id}/assessments", data={"csrf_token": token, "campaign": str(spring.id)}
    )
    assert queued.status_code == 303 and queued.headers["location"].startswith("/jobs/")


@pytest.mark.browser
def test_members_answer_the_admin_closes_and_the_assessment_shows_survey_and_data(
    page: Any, make: Factory, world: World, slack_zip: bytes
) -> None:
    team = world.team_a
    run(make.client(world.admin_a), upload(make.client(world.admin_a), team, slack_zip))
    campaign = answered_campaign(make, team, "Spring check", RESPONDENTS - 1)
    share = f"/s/{campaign.share_token}"

    # The last member answers through the share link and submits.
    page.goto(share)
    _log_in(page, world.member_a.email)
    page.wait_for_url(f"**{share}")
    first = campaign_survey("five-area").items[0]
    page.locator(f"fieldset[data-item='{first.id}'] label.option").last.click()
    page.click("button:has-text('Submit')")
    page.wait_for_selector("#submitted")
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")

    # The admin closes the campaign: its results are published, final.
    _log_in(page, world.admin_a.email)
    page.goto(f"/campaigns/{campaign.id}")
    page.click("button:has-text('Close the campaign')")
    page.wait_for_selector("#results-shown")
    assert page.locator("button:has-text('Reopen the campaign')").count() == 0

    # The dashboard offers it as the survey and assesses the store with it.
    page.goto(f"/teams/{team.id}/dashboard")
    assert page.input_value("#survey-choice") == str(campaign.id)
    page.click("button:has-text('Run the assessment')")
    page.wait_for_selector("#job-status[data-status=done]", timeout=60000)
    page.click("#to-dashboard")
    assert "Spring check (5 responses)" in page.inner_text("#survey-campaign")
    survey = page.locator("#survey")
    assert "5 respondents" in survey.inner_text()
    assert "Where people and data disagree" in survey.inner_text()
    with page.expect_navigation():
        page.click("#report-link")
    assert "Where people and data disagree" in page.content()
