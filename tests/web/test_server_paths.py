"""Server file paths a site admin gives a team (its charter file and evidence store) stay in the
app's data folder and never reach a file the app did not create: `..` segments, absolute paths
elsewhere and links that lead out are refused once resolved; an existing file the app did not
create is neither overwritten nor read, even when it appears after the path was set; and no
error shows what such a file holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from asyncmaturity.web.deps import CSRF_FIELD
from asyncmaturity.web.errors import InvalidInput
from asyncmaturity.web.models import Team, TeamWorkspace, User
from asyncmaturity.web.services import charter as charters

from .conftest import Factory, World

# What a foreign file holds: no response may show any of it.
FOREIGN = "deploy_token: hunter2-secret\nroot_password: swordfish\n"
FOREIGN_WORDS = ("deploy_token", "hunter2", "root_password", "swordfish")


def _site_admin_client(make: Factory, user: User) -> TestClient:
    with make.context.sessions() as db:
        found = db.get(User, user.id)
        assert found is not None
        found.is_site_admin = True
        db.commit()
    return make.client(user)


def _workspace(client: TestClient, team: Team, **paths: str) -> Any:
    return client.put(f"/api/v1/teams/{team.id}/workspace", json=paths)


def _shows_nothing_foreign(text: str) -> bool:
    return not any(word in text for word in FOREIGN_WORDS)


def _point_directly(make: Factory, team: Team, charter_path: str) -> None:
    """A workspace row as an earlier release may have stored it (no checks then)."""
    with make.context.sessions() as db:
        db.add(TeamWorkspace(team_id=team.id))
        db.flush()
        db.execute(
            update(TeamWorkspace)
            .where(TeamWorkspace.team_id == team.id)
            .values(charter_path=charter_path)
        )
        db.commit()


def test_dot_dot_segments_and_absolute_paths_out_of_the_data_folder_are_refused(
    make: Factory, world: World, server_folder: Path, tmp_path: Path
) -> None:
    admin = _site_admin_client(make, world.admin_a)
    outside = tmp_path / "outside.yaml"
    for paths in (
        {"charter_path": f"{server_folder}/../../outside.yaml"},
        {"charter_path": "../outside.yaml"},  # relative to the data folder
        {"charter_path": str(outside)},
        {"store_path": f"{server_folder}/../../../outside.duckdb"},
        {"store_path": str(tmp_path / "outside.duckdb")},
    ):
        response = _workspace(admin, world.team_a, **paths)
        assert response.status_code == 422, paths
        assert "outside the data folder" in response.json()["error"]["message"]
    page = admin.post(
        f"/teams/{world.team_a.id}/workspace",
        data={CSRF_FIELD: admin.csrf_token, "charter_path": f"{server_folder}/../../x.yaml"},  # type: ignore[attr-defined]
    )
    assert page.status_code == 422 and "outside the data folder" in page.text
    assert admin.get(f"/api/v1/teams/{world.team_a.id}/workspace").json()["charter_path"] is None
    assert not outside.exists()


def test_a_link_inside_the_data_folder_that_leads_out_is_refused(
    make: Factory, world: World, server_folder: Path, tmp_path: Path
) -> None:
    admin = _site_admin_client(make, world.admin_a)
    target = tmp_path / "target.yaml"
    (server_folder / "to-missing.yaml").symlink_to(target)  # a file the save would create
    (server_folder / "out").symlink_to(tmp_path, target_is_directory=True)
    (server_folder / "store.duckdb").symlink_to(tmp_path / "store.duckdb")
    for paths in (
        {"charter_path": str(server_folder / "to-missing.yaml")},
        {"charter_path": str(server_folder / "out" / "charter.yaml")},
        {"store_path": str(server_folder / "store.duckdb")},
    ):
        response = _workspace(admin, world.team_a, **paths)
        assert response.status_code == 422, paths
        assert "links followed" in response.json()["error"]["message"]
    assert not target.exists()


def test_an_existing_file_the_app_did_not_create_is_refused_without_showing_it(
    make: Factory, world: World, server_folder: Path
) -> None:
    admin = _site_admin_client(make, world.admin_a)
    foreign = server_folder / "ops.yaml"
    foreign.write_text(FOREIGN, encoding="utf-8")
    not_a_store = server_folder / "notes.duckdb"
    not_a_store.write_text(FOREIGN, encoding="utf-8")
    for paths in ({"charter_path": str(foreign)}, {"store_path": str(not_a_store)}):
        response = _workspace(admin, world.team_a, **paths)
        assert response.status_code == 409, paths
        assert response.json()["error"]["code"] == "foreign_file"
        assert _shows_nothing_foreign(response.text)
    assert foreign.read_text(encoding="utf-8") == FOREIGN
    assert not_a_store.read_text(encoding="utf-8") == FOREIGN


def test_a_charter_file_the_app_created_is_written_and_read_back(
    make: Factory, world: World, server_folder: Path
) -> None:
    admin = _site_admin_client(make, world.admin_a)
    created = server_folder / "team.yaml"
    assert _workspace(admin, world.team_a, charter_path=str(created)).status_code == 200
    charter_api = f"/api/v1/teams/{world.team_a.id}/charter"
    assert admin.put(charter_api, json={"min_group_size": 6}).status_code == 200
    assert admin.put(charter_api, json={"min_group_size": 7}).status_code == 200  # overwritten
    assert admin.get(charter_api).json()["min_group_size"] == 7
    # The app's own file may be pointed at again (another team's may not).
    assert _workspace(admin, world.team_a, charter_path=str(created)).status_code == 200
    other = _site_admin_client(make, world.admin_b)
    refused = _workspace(other, world.team_b, charter_path=str(created))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "foreign_file"


def test_a_foreign_file_put_in_place_after_the_path_was_set_is_neither_read_nor_overwritten(
    make: Factory, world: World, server_folder: Path, tmp_path: Path
) -> None:
    admin = _site_admin_client(make, world.admin_a)
    charter_api = f"/api/v1/teams/{world.team_a.id}/charter"
    later = server_folder / "later.yaml"
    assert _workspace(admin, world.team_a, charter_path=str(later)).status_code == 200
    later.write_text(FOREIGN, encoding="utf-8")  # someone else's file appears there
    read = admin.get(charter_api)
    assert read.status_code == 409 and read.json()["error"]["code"] == "foreign_file"
    written = admin.put(charter_api, json={"min_group_size": 9})
    assert written.status_code == 409 and _shows_nothing_foreign(written.text)
    page = admin.get(f"/teams/{world.team_a.id}/charter")
    assert page.status_code == 409 and "not created by the app" in page.text
    for text in (read.text, page.text):
        assert _shows_nothing_foreign(text)
    assert later.read_text(encoding="utf-8") == FOREIGN

    # The app's own file swapped for a link to a file elsewhere: not followed either way.
    owned = server_folder / "owned.yaml"
    assert _workspace(admin, world.team_a, charter_path=str(owned)).status_code == 200
    assert admin.put(charter_api, json={"min_group_size": 4}).status_code == 200
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(FOREIGN, encoding="utf-8")
    owned.unlink()
    owned.symlink_to(elsewhere)
    swapped = admin.put(charter_api, json={"min_group_size": 5})
    assert swapped.status_code == 409 and "leads elsewhere" in swapped.json()["error"]["message"]
    assert admin.get(charter_api).status_code == 409
    assert elsewhere.read_text(encoding="utf-8") == FOREIGN


def test_a_path_stored_before_these_checks_is_not_followed_out_or_echoed(
    make: Factory, world: World, server_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "passwd.yaml"
    target.write_text(FOREIGN, encoding="utf-8")
    _point_directly(make, world.team_a, f"{server_folder}/../../{tmp_path.name}/passwd.yaml")
    admin = make.client(world.admin_a)
    charter_api = f"/api/v1/teams/{world.team_a.id}/charter"
    for response in (
        admin.get(charter_api),
        admin.put(charter_api, json={"min_group_size": 3}),
        admin.get(f"/teams/{world.team_a.id}/charter"),
    ):
        assert response.status_code == 409 and _shows_nothing_foreign(response.text)
    assert target.read_text(encoding="utf-8") == FOREIGN


def test_a_pointed_store_is_checked_again_before_anything_is_written_into_it(
    make: Factory, world: World, server_folder: Path, tmp_path: Path
) -> None:
    admin = _site_admin_client(make, world.admin_a)
    store = server_folder / "evidence.duckdb"
    assert _workspace(admin, world.team_a, store_path=str(store)).status_code == 200
    elsewhere = tmp_path / "evidence.duckdb"
    elsewhere.write_text(FOREIGN, encoding="utf-8")
    store.symlink_to(elsewhere)  # put in its way after the path was set
    with make.context.sessions() as db:
        team = db.get(Team, world.team_a.id)
        assert team is not None
        settings = make.context.settings
        assert charters.store_path(db, team=team, settings=settings) == store  # reading names it
        with pytest.raises(InvalidInput, match="outside the data folder") as refused:
            charters.store_path(db, team=team, settings=settings, assign=True)
        assert _shows_nothing_foreign(str(refused.value))
    assert elsewhere.read_text(encoding="utf-8") == FOREIGN
