"""The JSON API under ``/api/v1``: thin routes that parse input, call one service, format the output.

Authentication is the session cookie that `POST /api/v1/session` sets; every state-changing call
also sends the session's CSRF token in the ``X-CSRF-Token`` header (`GET /api/v1/session` returns
it). Errors are ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from asyncmaturity import __version__
from asyncmaturity.await_protocol.lint import analyse
from asyncmaturity.web.deps import (
    Context,
    CurrentUser,
    Db,
    MaybeUser,
    ObjectId,
    Principal,
    RespondentKey,
    SiteAdmin,
    TeamAdmin,
    TeamMember,
    app_link,
    clear_session_cookie,
    client_address,
    start_session,
)
from asyncmaturity.web.links import public_link
from asyncmaturity.web.models import Campaign, SurveyResponse
from asyncmaturity.web.schemas import (
    CampaignCreate,
    CampaignPublic,
    CampaignsPublic,
    CampaignUpdate,
    ErrorBody,
    FrameworkPublic,
    FrameworksPublic,
    Health,
    InviteAccept,
    InviteCreate,
    InvitePublic,
    LintPublic,
    LintRequest,
    LoginRequest,
    MemberPublic,
    MembershipPublic,
    MembersPublic,
    ResponsePublic,
    ResponseUpdate,
    ResultsPublic,
    SessionPublic,
    SurveyPublic,
    TeamCreate,
    TeamPublic,
    TeamsPublic,
    UserPublic,
)
from asyncmaturity.web.services import accounts, campaigns

API_PREFIX = "/api/v1"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "Not logged in"),
        (403, "Role too low, or CSRF token missing"),
        (404, "No such object (or another team's)"),
        (409, "The object's state refuses the change"),
        (413, "Request body too large"),
        (422, "Invalid input"),
    )
}

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)


@router.get("/health", tags=["service"])
def health(db: Db) -> Health:
    """Liveness: the app runs and its database answers (no login needed)."""
    db.execute(select(1))
    return Health(status="ok", version=__version__)


# -- session --------------------------------------------------------------------------------


def _session_public(db: Db, principal: Principal) -> SessionPublic:
    user = principal.user
    return SessionPublic(
        user=UserPublic(
            id=user.id,
            email=user.email,
            is_site_admin=user.is_site_admin,
            teams=[
                MembershipPublic(team_id=tr.team.id, team_name=tr.team.name, role=tr.role)
                for tr in accounts.teams_of(db, user=user)
            ],
        ),
        csrf_token=principal.session.csrf_token,
        expires_at=principal.session.expires_at,
    )


@router.post(
    "/session",
    tags=["session"],
    status_code=201,
    responses={429: {"model": ErrorBody, "description": "Too many failed logins: see Retry-After"}},
)
def log_in(
    body: LoginRequest, request: Request, response: Response, db: Db, context: Context
) -> SessionPublic:
    """Log in: sets the HttpOnly session cookie and returns the CSRF token for later changes.

    Repeated failures for one address or from one client make later attempts wait, then lock
    them out for a while: 429 with a Retry-After header, before any password is checked."""
    user = accounts.log_in(
        db,
        sessions=context.sessions,
        email=body.email,
        password=body.password,
        address=client_address(request),
        passwords=context.passwords,
        settings=context.settings,
    )
    session = start_session(db, user, response, request, context)
    return _session_public(db, Principal(user=user, session=session))


@router.get("/session", tags=["session"])
def current_session(principal: CurrentUser, db: Db) -> SessionPublic:
    """Who is logged in, their teams, and the CSRF token."""
    return _session_public(db, principal)


@router.delete("/session", tags=["session"], status_code=204)
def log_out(
    principal: CurrentUser, request: Request, response: Response, db: Db, context: Context
) -> None:
    """Log out: the session stops working at once and its cookie is cleared."""
    accounts.close_session(db, session=principal.session)
    clear_session_cookie(response, request, context)


# -- teams ----------------------------------------------------------------------------------


@router.get("/teams", tags=["teams"])
def list_teams(principal: CurrentUser, db: Db) -> TeamsPublic:
    """The caller's teams with their role in each (never anyone else's)."""
    data = [
        TeamPublic(id=tr.team.id, name=tr.team.name, role=tr.role)
        for tr in accounts.teams_of(db, user=principal.user)
    ]
    return TeamsPublic(data=data, count=len(data))


@router.post("/teams", tags=["teams"], status_code=201)
def create_team(body: TeamCreate, principal: SiteAdmin, db: Db) -> TeamPublic:
    """Create a team (site admins); the creator becomes its admin."""
    team = accounts.create_team(db, name=body.name, creator=principal.user)
    return TeamPublic(id=team.id, name=team.name, role="admin")


@router.get("/teams/{team_id}", tags=["teams"])
def get_team(team_id: ObjectId, scope: TeamMember) -> TeamPublic:
    """One of the caller's teams."""
    return TeamPublic(id=scope.team.id, name=scope.team.name, role=scope.role)


@router.get("/teams/{team_id}/members", tags=["teams"])
def list_members(team_id: ObjectId, scope: TeamAdmin, db: Db) -> MembersPublic:
    """The team's members and roles (team admins)."""
    data = [
        MemberPublic(user_id=user.id, email=user.email, role=role)
        for user, role in accounts.members(db, team=scope.team)
    ]
    return MembersPublic(data=data, count=len(data))


@router.post(
    "/teams/{team_id}/invites",
    tags=["teams"],
    status_code=201,
    responses={503: {"model": ErrorBody, "description": "No public URL to build the link from"}},
)
def create_invite(
    team_id: ObjectId,
    body: InviteCreate,
    scope: TeamAdmin,
    request: Request,
    db: Db,
    context: Context,
) -> InvitePublic:
    """Invite an address to the team; the returned `url` (under the configured public URL, never
    the request's Host) is the only copy of the link."""
    public_link(context.settings, "/")  # refused before the invitation exists, not after
    token, invite = accounts.create_invite(
        db, team=scope.team, email=body.email, role=body.role, hours=context.settings.invite_hours
    )
    return InvitePublic(
        id=invite.id,
        email=invite.email,
        role=body.role,
        url=public_link(context.settings, f"/invite/{token}"),
        expires_at=invite.expires_at,
    )


@router.post("/invites/{token}", tags=["teams"])
def accept_invite(
    token: str,
    body: InviteAccept,
    principal: MaybeUser,
    request: Request,
    response: Response,
    db: Db,
    context: Context,
) -> SessionPublic:
    """Accept an invitation: logged in, join with this account; else create one with `password`
    and log in."""
    user, _ = accounts.accept_invite(
        db,
        token=token,
        user=principal.user if principal else None,
        password=body.password,
        passwords=context.passwords,
    )
    if principal is None:
        principal = Principal(
            user=user, session=start_session(db, user, response, request, context)
        )
    return _session_public(db, principal)


# -- campaigns ------------------------------------------------------------------------------


@router.get("/frameworks", tags=["campaigns"])
def list_frameworks(principal: CurrentUser) -> FrameworksPublic:
    """The frameworks a campaign can be built on."""
    data = [
        FrameworkPublic(id=f.id, name=f.name, questions=len(campaigns.campaign_survey(f.id).items))
        for f in campaigns.campaign_frameworks()
    ]
    return FrameworksPublic(data=data, count=len(data))


def campaign_public(
    request: Request, db: Db, campaign: Campaign, submitted: int | None = None
) -> CampaignPublic:
    """A campaign as the API shows it, with its absolute share link and submitted count."""
    if submitted is None:
        submitted = campaigns.submitted_count(db, campaign=campaign)
    return CampaignPublic(
        id=campaign.id,
        team_id=campaign.team_id,
        title=campaign.title,
        framework=campaign.framework,
        status="open" if campaign.status == "open" else "closed",
        min_group_size=campaign.min_group_size,
        submitted=submitted,
        share_url=app_link(request, "answer_page", share_token=campaign.share_token),
        created_at=campaign.created_at,
    )


@router.get("/teams/{team_id}/campaigns", tags=["campaigns"])
def list_campaigns(
    team_id: ObjectId, scope: TeamMember, request: Request, db: Db
) -> CampaignsPublic:
    """The team's campaigns, newest first."""
    data = [
        campaign_public(request, db, s.campaign, s.submitted)
        for s in campaigns.campaigns_of(db, team=scope.team)
    ]
    return CampaignsPublic(data=data, count=len(data))


@router.post("/teams/{team_id}/campaigns", tags=["campaigns"], status_code=201)
def create_campaign(
    team_id: ObjectId, body: CampaignCreate, scope: TeamAdmin, request: Request, db: Db
) -> CampaignPublic:
    """Start a campaign (team admins): share its `share_url` with the team."""
    campaign = campaigns.create_campaign(
        db,
        team=scope.team,
        title=body.title,
        framework=body.framework,
        min_group_size=body.min_group_size,
    )
    return campaign_public(request, db, campaign, 0)


@router.get("/campaigns/{campaign_id}", tags=["campaigns"])
def get_campaign(
    campaign_id: ObjectId, scope: TeamMember, request: Request, db: Db
) -> CampaignPublic:
    """One campaign of the caller's teams."""
    return campaign_public(request, db, scope.target_as(Campaign))


@router.get("/share/{share_token}", tags=["campaigns"])
def resolve_share_link(
    share_token: str, scope: TeamMember, request: Request, db: Db
) -> CampaignPublic:
    """The campaign a share link opens (members of its team only)."""
    return campaign_public(request, db, scope.target_as(Campaign))


@router.patch("/campaigns/{campaign_id}", tags=["campaigns"])
def update_campaign(
    campaign_id: ObjectId, body: CampaignUpdate, scope: TeamAdmin, request: Request, db: Db
) -> CampaignPublic:
    """Open or close a campaign (team admins)."""
    campaign = campaigns.set_status(db, campaign=scope.target_as(Campaign), status=body.status)
    return campaign_public(request, db, campaign)


@router.get("/campaigns/{campaign_id}/survey", tags=["campaigns"])
def get_survey(campaign_id: ObjectId, scope: TeamMember) -> SurveyPublic:
    """The campaign's questions and answer scales."""
    definition = campaigns.campaign_survey(scope.target_as(Campaign).framework)
    dumped = definition.model_dump(mode="json")
    return SurveyPublic(scales=dumped["scales"], items=dumped["items"])


def _response_public(response: SurveyResponse | None) -> ResponsePublic:
    return ResponsePublic(
        status=campaigns.response_status(response),
        answers=dict(response.answers) if response else {},
        saved_at=response.saved_at if response else None,
        submitted_at=response.submitted_at if response else None,
    )


@router.get("/campaigns/{campaign_id}/response", tags=["campaigns"])
def get_my_response(
    campaign_id: ObjectId, scope: TeamMember, respondent: RespondentKey, db: Db
) -> ResponsePublic:
    """The caller's own saved or submitted answers (to resume)."""
    found = campaigns.response_of(db, campaign=scope.target_as(Campaign), respondent=respondent)
    return _response_public(found)


@router.put("/campaigns/{campaign_id}/response", tags=["campaigns"])
def save_my_response(
    campaign_id: ObjectId,
    body: ResponseUpdate,
    scope: TeamMember,
    respondent: RespondentKey,
    db: Db,
) -> ResponsePublic:
    """Save answers (merged into earlier ones; null clears one) and, with `submit`, submit them."""
    saved = campaigns.save_answers(
        db,
        campaign=scope.target_as(Campaign),
        respondent=respondent,
        answers=body.answers,
        submit=body.submit,
    )
    return _response_public(saved)


@router.get("/campaigns/{campaign_id}/results", tags=["campaigns"])
def get_results(campaign_id: ObjectId, scope: TeamMember, db: Db) -> ResultsPublic:
    """Aggregate figures once published (the campaign closed with at least the minimum group
    size of submitted responses; final from then on); before, only the counts."""
    campaign = scope.target_as(Campaign)
    results = campaigns.campaign_results(db, campaign=campaign, team=scope.team)
    return ResultsPublic(
        campaign_id=campaign.id,
        submitted=results.submitted,
        min_group_size=results.min_group_size,
        needed=results.needed,
        shown=results.survey is not None,
        survey=results.survey_json(),
    )


@router.get(
    "/campaigns/{campaign_id}/responses.csv",
    tags=["campaigns"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The survey CSV"}},
)
def export_responses(campaign_id: ObjectId, scope: TeamAdmin, db: Db) -> Response:
    """The submitted answers as the CSV `asyncmaturity assess --survey` reads (team admins)."""
    campaign = scope.target_as(Campaign)
    text = campaigns.export_csv(db, campaign=campaign, team=scope.team)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign.id}.csv"'},
    )


# -- AWAIT ----------------------------------------------------------------------------------


@router.post("/lint", tags=["await"])
def lint(body: LintRequest, principal: CurrentUser) -> LintPublic:
    """Check a draft request for the AWAIT elements (as `asyncmaturity lint --json`)."""
    result = analyse(body.text, sent_at=body.sent_at, timezone=body.timezone)
    return LintPublic.model_validate(result.to_json())
