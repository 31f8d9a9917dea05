"""The charter editor: the form and the YAML mode write the file the CLI reads, invalid fields are
named next to them (and 422 in the API), members read but do not edit, other teams see nothing."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from asyncmaturity.charter import Charter, load_charter
from asyncmaturity.errors import InvalidCharter
from asyncmaturity.web.charter_form import charter_from_form, error_field, form_values
from asyncmaturity.web.deps import CSRF_FIELD
from asyncmaturity.web.models import Team, User
from asyncmaturity.web.services import ledger

from .conftest import Factory, World

# Every field of the charter away from its default.
FULL = {
    "timezone": "Europe/Berlin",
    "working_days": ["mon", "tue", "wed", "thu"],
    "working_hours": {"start": "08:30", "end": "16:30"},
    "holidays": [
        {"date": "2026-12-25", "name": "Christmas Day"},
        {"date": "2026-11-26", "name": "Thanksgiving", "timezone": "America/Chicago"},
    ],
    "response_windows": {"default": 16, "dm": 8, "urgent channel": 1.5},
    "request_windows": {"normal": 12, "urgent": 2},
    "urgent_channels": ["incidents"],
    "people": [
        {
            "id": "alice@example.com",
            "timezone": "America/Chicago",
            "working_days": ["mon", "tue", "wed", "thu", "fri"],
            "working_hours": {"start": "07:00", "end": "15:00"},
            "team": "platform",
            "out_of_office": [{"start": "2026-08-03", "end": "2026-08-14"}],
        },
        {"id": "bob@example.com", "out_of_office": [{"start": "2026-01-02", "end": "2026-01-02"}]},
    ],
    "exclude": ["deploy-bot@example.com"],
    "bots": ["U0BOT"],
    "min_group_size": 4,
    "focus_blocks": [{"days": ["mon", "wed"], "start": "09:00", "end": "11:00"}],
    "no_meeting_days": ["wed"],
    "record_systems": [r"notion\.so/"],
}


def _site_admin(make: Factory, user: User) -> None:
    with make.context.sessions() as db:
        found = db.get(User, user.id)
        assert found is not None
        found.is_site_admin = True
        db.commit()


def _post_form(client: TestClient, team: Team, values: dict[str, Any]) -> Any:
    data = {**values, CSRF_FIELD: client.csrf_token}  # type: ignore[attr-defined]
    return client.post(f"/teams/{team.id}/charter", data=data)


def test_the_form_shows_every_field_and_reads_back_the_same_charter() -> None:
    charter = Charter.model_validate(FULL)
    values = form_values(charter)
    assert charter_from_form(values) == charter
    assert values["holidays"].splitlines()[1] == "2026-11-26 | Thanksgiving | America/Chicago"
    assert values["out_of_office"].splitlines() == [
        "alice@example.com | 2026-08-03 | 2026-08-14",
        "bob@example.com | 2026-01-02 | 2026-01-02",
    ]
    ranged = charter_from_form({**values, "focus_blocks": "mon-wed 13:00-15:00"})
    assert ranged.focus_blocks[0].days == ["mon", "tue", "wed"]


def test_defaults_left_in_the_form_stay_unset_so_the_norms_are_detected() -> None:
    # A form saved as it first shows declares nothing: measure reads the working hours and the
    # record systems from the team's own messages.
    untouched = charter_from_form(form_values(Charter()))
    declared = {"working_days", "working_hours", "record_systems", "shared_working_hours"}
    assert not declared & untouched.model_fields_set
    assert form_values(Charter())["shared_working_hours"] == "detect"
    # The choice of shared working hours reads back as it was made.
    for choice, value in (("yes", True), ("no", False)):
        chosen = charter_from_form({**form_values(Charter()), "shared_working_hours": choice})
        assert chosen.shared_working_hours is value
        assert form_values(chosen)["shared_working_hours"] == choice
    with pytest.raises(InvalidCharter, match="field shared_working_hours"):
        charter_from_form({**form_values(Charter()), "shared_working_hours": "maybe"})
    # Hours of its own are declared, with the default days beside them.
    own = charter_from_form({**form_values(Charter()), "hours_start": "08:00"})
    assert {"working_days", "working_hours"} <= own.model_fields_set


def test_a_save_writes_the_file_the_cli_reads_and_edits_of_the_file_show(
    make: Factory, world: World, tmp_path: Path, server_folder: Path
) -> None:
    _site_admin(make, world.admin_a)
    admin = make.client(world.admin_a)
    charter_file = server_folder / "platform-charter.yaml"
    workspace = f"/api/v1/teams/{world.team_a.id}/workspace"
    assert admin.put(workspace, json={"charter_path": str(charter_file)}).status_code == 200
    saved = admin.put(f"/api/v1/teams/{world.team_a.id}/charter", json=FULL)
    assert saved.status_code == 200, saved.text
    expected = Charter.model_validate(FULL)
    assert load_charter(charter_file) == expected  # what `--charter FILE` sees
    assert Charter.model_validate(saved.json()) == expected
    download = admin.get(f"/api/v1/teams/{world.team_a.id}/charter.yaml")
    assert download.headers["content-type"].startswith("application/yaml")
    copy = tmp_path / "downloaded.yaml"
    copy.write_text(download.text, encoding="utf-8")
    assert load_charter(copy) == expected

    # Someone edits the file on the server (or the CLI's user does): the editor shows it.
    charter_file.write_text("timezone: Asia/Tokyo\nmin_group_size: 7\n", encoding="utf-8")
    read = admin.get(f"/api/v1/teams/{world.team_a.id}/charter").json()
    assert read["timezone"] == "Asia/Tokyo" and read["min_group_size"] == 7
    page = admin.get(f"/teams/{world.team_a.id}/charter")
    assert 'value="Asia/Tokyo"' in page.text and str(charter_file) in page.text


def test_the_form_saves_every_field_and_the_ledger_counts_with_it(
    make: Factory, world: World
) -> None:
    admin = make.client(world.admin_a)
    values = form_values(Charter.model_validate(FULL))
    response = _post_form(admin, world.team_a, values)
    assert response.status_code == 303
    assert response.headers["location"] == f"/teams/{world.team_a.id}/charter?saved=true"
    shown = admin.get(response.headers["location"])
    assert 'id="saved"' in shown.text and "Thanksgiving | America/Chicago" in shown.text
    assert 'name="window_dm" value="8"' in shown.text
    stored = admin.get(f"/api/v1/teams/{world.team_a.id}/charter").json()
    assert Charter.model_validate(stored) == Charter.model_validate(FULL)
    with make.context.readers() as db:  # the one charter of the team: the ledger's due times too
        team = db.get(Team, world.team_a.id)
        assert team is not None
        assert ledger.team_charter(db, team=team).request_windows == {"normal": 12, "urgent": 2}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone 'Mars/Olympus'"),
        (
            {"holidays": "2026-12-25\n\n2026-13-01 | Bad"},
            "holidays",
            "Public holidays, line 3: date: must be a date as YYYY-MM-DD (not '2026-13-01')",
        ),
        (
            {"people": "alice@example.com | | mon-fri | 9-5"},
            "people",
            "People, line 1: '9-5' is not a span of time such as 09:00-11:00",
        ),
        (
            {"out_of_office": "bob@example.com | 2026-08-03 | 2026-08-01"},
            "out_of_office",
            "before start",
        ),
        (
            {"window_dm": "-1"},
            "response_windows",
            "Response windows: dm: must be more than 0 (not '-1')",
        ),
        ({"working_days": []}, "working_days", "at least one working day"),
    ],
)
def test_an_invalid_field_is_named_next_to_it(
    make: Factory, world: World, change: dict[str, Any], field: str, words: str
) -> None:
    admin = make.client(world.admin_a)
    response = _post_form(admin, world.team_a, {**form_values(Charter()), **change})
    assert response.status_code == 422
    shown = html.unescape(response.text)
    assert f'id="error-{field}"' in shown and words in shown
    assert error_field(f"form: field {field}: x") == field
    # What was typed comes back, and nothing was saved.
    typed = next(iter(change.values()))
    if isinstance(typed, str):
        assert typed.splitlines()[0] in shown
    assert admin.get(f"/api/v1/teams/{world.team_a.id}/charter").json()["timezone"] == "UTC"


def test_the_api_and_the_yaml_mode_refuse_an_invalid_charter_naming_the_field(
    make: Factory, world: World
) -> None:
    admin = make.client(world.admin_a)
    url = f"/api/v1/teams/{world.team_a.id}/charter"
    refused = admin.put(url, json={"request_windows": {"emergency": 1}})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "invalid_request" and error["message"].startswith("request_windows")
    assert admin.put(url, json={"colour": "blue"}).status_code == 422

    page = f"/teams/{world.team_a.id}/charter/yaml"
    token = admin.csrf_token  # type: ignore[attr-defined]
    bad = admin.post(page, data={CSRF_FIELD: token, "charter_yaml": "min_group_size: 1\n"})
    assert bad.status_code == 422 and 'id="yaml-error"' in bad.text
    shown = html.unescape(bad.text)
    assert "The YAML, line 1, field min_group_size</a>: must be at least 2 (not 1)" in shown
    assert "min_group_size: 1" in shown
    broken = admin.post(page, data={CSRF_FIELD: token, "charter_yaml": "timezone: [\n"})
    assert broken.status_code == 422 and "not valid YAML" in broken.text
    good = admin.post(page, data={CSRF_FIELD: token, "charter_yaml": "dm: 1\n"})
    assert good.status_code == 422 and "field dm</a>: is not a charter field" in good.text
    saved = admin.post(page, data={CSRF_FIELD: token, "charter_yaml": "bots: [U1]\n"})
    assert saved.status_code == 303
    assert admin.get(url).json()["bots"] == ["U1"]


def test_members_read_the_charter_but_cannot_edit_and_other_teams_see_nothing(
    make: Factory, world: World
) -> None:
    admin = make.client(world.admin_a)
    assert admin.put(f"/api/v1/teams/{world.team_a.id}/charter", json=FULL).status_code == 200
    member = make.client(world.member_a)
    page = member.get(f"/teams/{world.team_a.id}/charter")
    assert page.status_code == 200 and 'id="read-only"' in page.text
    assert '<fieldset class="group" disabled>' in page.text and 'id="save-charter"' not in page.text
    assert member.get(f"/api/v1/teams/{world.team_a.id}/charter").json()["min_group_size"] == 4
    assert member.put(f"/api/v1/teams/{world.team_a.id}/charter", json={}).status_code == 403
    assert _post_form(member, world.team_a, form_values(Charter())).status_code == 403
    outsider = make.client(world.admin_b)
    for path in (f"/api/v1/teams/{world.team_a.id}/charter", f"/teams/{world.team_a.id}/charter"):
        response = outsider.get(path)
        assert response.status_code == 404 and "Europe/Berlin" not in response.text


def test_charter_paths_are_checked_and_only_site_admins_set_them(
    make: Factory, world: World, server_folder: Path
) -> None:
    admin = make.client(world.admin_a)
    url = f"/api/v1/teams/{world.team_a.id}/workspace"
    assert admin.put(url, json={"charter_path": str(server_folder / "c.yaml")}).status_code == 403
    _site_admin(make, world.admin_a)
    for path, words in (
        (str(server_folder / "charter.txt"), ".yaml or .yml"),
        (str(server_folder / "missing" / "charter.yaml"), "does not exist"),
        ("teams/charter.yaml", "keeps for itself"),
    ):
        response = admin.put(url, json={"charter_path": path})
        assert response.status_code == 422 and words in response.json()["error"]["message"]
    relative = f"{server_folder.name}/c.yaml"  # inside the data folder
    assert admin.put(url, json={"charter_path": relative}).json()["charter_path"] == str(
        (server_folder / "c.yaml").resolve()
    )
    cleared = admin.put(url, json={"charter_path": ""}).json()
    assert cleared["charter_path"] is None and cleared["store"] == "none"
