"""A bounded load test on loopback: 200 people submit at the same moment; none is lost."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from asyncmaturity.web.deps import CSRF_HEADER, SESSION_COOKIE
from asyncmaturity.web.models import Campaign, Membership, SurveyResponse, User
from asyncmaturity.web.services import accounts
from asyncmaturity.web.services.campaigns import campaign_survey

from .conftest import Factory, World

PEOPLE = 200


def _logged_in_people(make: Factory, world: World) -> list[tuple[str, str]]:
    """(session token, CSRF token) of PEOPLE new members of team A, made in one transaction."""
    sessions: list[tuple[str, str]] = []
    with make.context.sessions() as db:
        digest = make.context.passwords.hash("a shared test password")
        users = [User(email=f"load{i}@a.example", password_hash=digest) for i in range(PEOPLE)]
        db.add_all(users)
        db.flush()
        db.add_all(Membership(user_id=u.id, team_id=world.team_a.id, role="member") for u in users)
        for user in users:
            token, session = accounts.open_session(db, user=user, hours=1)
            sessions.append((token, session.csrf_token))
        db.commit()
    return sessions


async def _submit_all(base_url: str, path: str, people: list[tuple[str, str]]) -> list[int]:
    definition = campaign_survey("five-area")
    limits = httpx.Limits(max_connections=PEOPLE, max_keepalive_connections=PEOPLE)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:

        async def submit(index: int, token: str, csrf: str) -> int:
            level = 1 + index % 5
            answers = {
                item.id: float(level) if definition.scale_of(item).kind == "likert" else 1.0
                for item in definition.items
            }
            response = await client.put(
                path,
                json={"answers": answers, "submit": True},
                headers={"Cookie": f"{SESSION_COOKIE}={token}", CSRF_HEADER: csrf},
            )
            return response.status_code

        return await asyncio.gather(
            *(submit(i, token, csrf) for i, (token, csrf) in enumerate(people))
        )


def test_200_concurrent_submissions_are_all_stored(
    live_server: str, make: Factory, world: World
) -> None:
    people = _logged_in_people(make, world)
    campaign = world.campaign_a
    statuses = asyncio.run(
        _submit_all(live_server, f"/api/v1/campaigns/{campaign.id}/response", people)
    )
    assert statuses == [200] * PEOPLE
    with make.context.readers() as db:
        stored = db.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(
                SurveyResponse.campaign_id == campaign.id,
                SurveyResponse.submitted_at.is_not(None),
            )
        )
        respondents = db.scalar(select(func.count(func.distinct(SurveyResponse.respondent))))
    assert stored == PEOPLE and respondents == PEOPLE
    with make.context.sessions() as db:
        closed = db.get(Campaign, campaign.id)
        assert closed is not None
        closed.status = "closed"  # results are published once the campaign closes
        db.commit()
    token, _ = people[0]
    results = httpx.get(
        f"{live_server}/api/v1/campaigns/{campaign.id}/results",
        headers={"Cookie": f"{SESSION_COOKIE}={token}"},
    ).json()
    assert results["submitted"] == PEOPLE and results["shown"] is True
    first_item = campaign_survey("five-area").items[0].id
    assert results["survey"]["organization"]["items"][first_item]["n"] == PEOPLE
