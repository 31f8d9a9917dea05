"""Survey differencing: reading a campaign's figures (API, page, CSV) before and after one more
person submits, saves or edits answers must show nothing that changed, so nothing about that
person's answers can be recovered; published figures are final; the CSV's rows are not people."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.survey import Response, SurveyResponses, aggregate, load_responses
from asyncmaturity.web.models import Campaign
from asyncmaturity.web.services.campaigns import campaign_survey, item_wise_rows

from .conftest import Factory, World
from .test_campaigns import ITEMS, _answers, make_membership

DEFINITION = campaign_survey("five-area")
FIGURES_ON_PAGE = re.compile(r'<table class="results">.*?</table>|<svg.*?</svg>', re.S)


def _seen(member: TestClient, admin: TestClient, cid: object) -> dict[str, Any]:
    """Everything the attacker can read of a campaign's answers, less the submitted count (a
    count reveals nobody): the results API, the figures on the campaign page, the CSV."""
    api = member.get(f"/api/v1/campaigns/{cid}/results").json()
    export = admin.get(f"/api/v1/campaigns/{cid}/responses.csv")
    return {
        "api": {k: v for k, v in api.items() if k not in ("submitted", "needed")},
        "member page": FIGURES_ON_PAGE.findall(member.get(f"/campaigns/{cid}").text),
        "admin page": FIGURES_ON_PAGE.findall(admin.get(f"/campaigns/{cid}").text),
        "csv": (export.status_code, export.text if export.status_code == 200 else ""),
    }


def _put(client: TestClient, cid: object, answers: Mapping[str, float], submit: bool) -> int:
    response = client.put(
        f"/api/v1/campaigns/{cid}/response", json={"answers": answers, "submit": submit}
    )
    return response.status_code


def test_differencing_reads_around_one_more_answer_recover_nothing(
    make: Factory, world: World
) -> None:
    admin, attacker = make.client(world.admin_a), make.client(world.member_a)
    people = [make.user(f"p{i}@a.example") for i in range(4)]
    with make.context.sessions() as db:
        db.add_all(make_membership(person, world.team_a.id) for person in people)
        db.commit()
    first, second, target, late = (make.client(person) for person in people)
    cid = admin.post(
        f"/api/v1/teams/{world.team_a.id}/campaigns", json={"title": "Q3", "min_group_size": 3}
    ).json()["id"]
    for client, level in ((admin, 3), (attacker, 3), (first, 3)):
        assert _put(client, cid, _answers(level), submit=True) == 200

    # At the group size but open: reads before and after one more submission are the same,
    # and show no figure at all.
    before = _seen(attacker, admin, cid)
    assert before["api"]["survey"] is None and before["csv"][0] == 409
    assert before["member page"] == before["admin page"] == []
    assert _put(target, cid, _answers(1), submit=True) == 200
    assert _seen(attacker, admin, cid) == before

    # Saving and editing answers that are not submitted changes nothing either.
    assert _put(second, cid, _answers(5), submit=False) == 200
    assert _seen(attacker, admin, cid) == before
    assert _put(second, cid, {ITEMS[0]: 1.0}, submit=False) == 200
    assert _seen(attacker, admin, cid) == before

    # Closing publishes the figures of the four submitted, once: nothing can change them after.
    assert admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "closed"}).status_code == 200
    published = _seen(attacker, admin, cid)
    figures = published["api"]["survey"]["organization"]["items"][ITEMS[0]]
    assert figures["n"] == 4 and figures["distribution"] is None
    assert published["member page"] and published["csv"][0] == 200
    assert _put(late, cid, _answers(5), submit=True) == 409
    assert _put(second, cid, {ITEMS[0]: 5.0}, submit=True) == 409
    assert _put(target, cid, {ITEMS[0]: 5.0}, submit=False) == 409
    reopened = admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "open"})
    assert reopened.status_code == 409 and "final" in reopened.json()["error"]["message"]
    page_admin = make.client(world.admin_a, csrf=False)
    by_page = page_admin.post(
        f"/campaigns/{cid}/status",
        data={"csrf_token": page_admin.csrf_token, "status": "open"},  # type: ignore[attr-defined]
    )
    assert by_page.status_code == 409
    assert _seen(attacker, admin, cid) == published


def test_a_group_of_two_is_refused_since_each_would_read_the_others_answers(
    make: Factory, world: World
) -> None:
    # Two respondents and a published mean: each subtracts their own answer and has the other's.
    admin = make.client(world.admin_a)
    response = admin.post(
        f"/api/v1/teams/{world.team_a.id}/campaigns", json={"title": "Pair", "min_group_size": 2}
    )
    assert response.status_code == 422
    form = admin.post(
        f"/teams/{world.team_a.id}/campaigns",
        data={"title": "Pair", "framework": "five-area", "min_group_size": "2"},
    )
    assert form.status_code == 422
    # A campaign stored before the floor with a group size of 2 still needs three to publish.
    legacy = make.campaign(world.team_a, title="Old pair", min_group_size=3)
    with make.context.sessions() as db:
        stored = db.get(Campaign, legacy.id)
        assert stored is not None
        stored.min_group_size = 2
        db.commit()
    for client in (admin, make.client(world.member_a)):
        assert _put(client, legacy.id, _answers(4), submit=True) == 200
    closed = admin.patch(f"/api/v1/campaigns/{legacy.id}", json={"status": "closed"})
    assert closed.status_code == 200
    results = admin.get(f"/api/v1/campaigns/{legacy.id}/results").json()
    assert results["survey"] is None and results["min_group_size"] == 3


def test_a_campaign_closed_below_the_group_size_shows_nothing_and_may_reopen(
    make: Factory, world: World
) -> None:
    admin, member = make.client(world.admin_a), make.client(world.member_a)
    cid = world.campaign_a.id  # minimum group size 3
    assert _put(member, cid, _answers(2), submit=True) == 200
    assert admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "closed"}).status_code == 200
    hidden = _seen(member, admin, cid)
    assert hidden["api"]["survey"] is None and hidden["csv"][0] == 409
    assert admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "open"}).status_code == 200
    assert _put(admin, cid, _answers(4), submit=True) == 200
    third = make.client(make.member(world.team_a, "third@a.example"))
    assert _put(third, cid, _answers(3), submit=True) == 200
    assert admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "closed"}).status_code == 200
    assert _seen(member, admin, cid)["api"]["survey"]["respondents"] == 3


def test_the_csv_rows_are_not_people_but_read_back_to_the_same_figures(
    make: Factory, world: World, tmp_path: Path
) -> None:
    admin = make.client(world.admin_a)
    cid = world.campaign_a.id
    mine = {ITEMS[0]: 1.0, ITEMS[1]: 5.0}
    theirs = {ITEMS[0]: 5.0, ITEMS[1]: 1.0}
    third = {ITEMS[0]: 3.0, ITEMS[1]: 2.0}
    assert _put(admin, cid, mine, submit=True) == 200
    assert _put(make.client(world.member_a), cid, theirs, submit=True) == 200
    third_client = make.client(make.member(world.team_a, "third@a.example"))
    assert _put(third_client, cid, third, submit=True) == 200
    admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "closed"})
    text = admin.get(f"/api/v1/campaigns/{cid}/responses.csv").text
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8")
    read = load_responses(path, DEFINITION)
    assert sorted(tuple(sorted(r.answers.items())) for r in read.rows) != sorted(
        tuple(sorted(a.items())) for a in (mine, theirs, third)
    )
    original = SurveyResponses(
        rows=[Response(team="Team Alpha", answers=a) for a in (mine, theirs, third)]
    )
    assert _figures(read) == _figures(original)


def _figures(responses: SurveyResponses) -> dict[str, Any]:
    result = aggregate(responses, DEFINITION, min_group_size=3).to_json()
    return {key: result[key] for key in ("respondents", "organization", "teams")}


_LIKERT = [item for item in DEFINITION.items if DEFINITION.scale_of(item).kind == "likert"][:4]
_RESPONSE = st.dictionaries(
    st.sampled_from([item.id for item in _LIKERT]),
    st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0]),
    min_size=1,
)


@settings(max_examples=60, deadline=None)
@given(answers=st.lists(_RESPONSE, min_size=1, max_size=12), data=st.data())
def test_item_wise_rows_keep_every_figure_and_depend_on_no_pairing(
    answers: list[dict[str, float]], data: st.DataObject
) -> None:
    rows = item_wise_rows(DEFINITION, answers)
    assert len(rows) == len(answers) and all(any(v is not None for v in row) for row in rows)
    laid_out = [
        Response(
            team="T",
            answers={
                item.id: value
                for item, value in zip(DEFINITION.items, row, strict=True)
                if value is not None
            },
        )
        for row in rows
    ]
    given_rows = [Response(team="T", answers=dict(a)) for a in answers]
    assert _figures(SurveyResponses(rows=laid_out)) == _figures(SurveyResponses(rows=given_rows))
    # Re-pair the answers among the respondents, item by item: the rows do not change, so they
    # carry no one's combination of answers.
    repaired: list[dict[str, float]] = [{} for _ in answers]
    for item in _LIKERT:
        holders = [i for i, a in enumerate(answers) if item.id in a]
        values = data.draw(st.permutations([answers[i][item.id] for i in holders]))
        for i, value in zip(holders, values, strict=True):
            repaired[i][item.id] = value
    assert item_wise_rows(DEFINITION, repaired) == rows
