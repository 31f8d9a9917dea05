"""The JSON API of the team charter, under ``/api/v1``: read it (members), replace it (team
admins), download it as the YAML file the CLI reads.

The body of `PUT` is the charter itself (the core's :class:`~asyncmaturity.charter.Charter`
model, every field optional with its default); an invalid field is 422 naming it. A save
writes canonical YAML to the database and, when the team has one, to its charter file.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from asyncmaturity.charter import Charter
from asyncmaturity.web.api import API_PREFIX, ERROR_RESPONSES
from asyncmaturity.web.deps import Db, ObjectId, TeamAdmin, TeamMember
from asyncmaturity.web.services import charter as charters

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)
YAML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/yaml": {}}, "description": "The charter file"}
}


@router.get("/teams/{team_id}/charter", tags=["charter"])
def get_charter(team_id: ObjectId, scope: TeamMember, db: Db) -> Charter:
    """The team's charter: its file when it has one, else the one kept in the database, else
    the defaults."""
    return charters.team_charter(db, team=scope.team).charter


@router.put("/teams/{team_id}/charter", tags=["charter"])
def put_charter(team_id: ObjectId, body: Charter, scope: TeamAdmin, db: Db) -> Charter:
    """Replace the team's charter (team admins); stored as canonical YAML, and written to the
    team's charter file when it has one."""
    return charters.save_charter(db, team=scope.team, charter=body).charter


@router.get(
    "/teams/{team_id}/charter.yaml",
    tags=["charter"],
    response_class=Response,
    responses=YAML_RESPONSE,
)
def charter_file(team_id: ObjectId, scope: TeamMember, db: Db) -> Response:
    """The charter as the canonical YAML file `asyncmaturity measure --charter FILE` reads."""
    found = charters.team_charter(db, team=scope.team)
    return Response(
        charters.canonical_yaml(found.charter, team=scope.team),
        media_type="application/yaml; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="charter-team-{scope.team.id}.yaml"'
        },
    )
