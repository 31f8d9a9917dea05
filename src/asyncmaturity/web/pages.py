"""Server-rendered pages: the same services as the API, formatted as HTML forms and tables.

No JavaScript: every change is a form post carrying the session's CSRF token in a hidden field,
answered by a redirect (post/redirect/get) so that reloading never posts twice. Forms shown
before a login exists (log in, accept an invitation) carry a double-submit token instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from starlette.datastructures import FormData

from asyncmaturity.await_protocol.lint import ELEMENTS, analyse
from asyncmaturity.report.svg import Bar, bar_chart
from asyncmaturity.survey import SurveyDefinition, SurveyResults
from asyncmaturity.units import format_axis_share
from asyncmaturity.web.deps import (
    CSRF_FIELD,
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
    WebContext,
    app_link,
    check_form_token,
    clear_flash,
    clear_session_cookie,
    client_address,
    form_cookie_token,
    set_flash,
    set_form_cookie,
    start_session,
    take_flash,
)
from asyncmaturity.web.errors import (
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
    WeakPassword,
    WebError,
    error_status_and_code,
)
from asyncmaturity.web.links import links_problem, public_link
from asyncmaturity.web.models import Campaign, CampaignStatus, Role
from asyncmaturity.web.services import accounts, campaigns
from asyncmaturity.web.templating import templates

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
ANSWER_PREFIX = "answer:"
FormText = Annotated[str, Form(max_length=20000)]


def render(
    request: Request,
    name: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A page from `name` with the user and the CSRF token every form of the layout needs."""
    return templates.TemplateResponse(
        request,
        name,
        {
            "principal": principal,
            "csrf_token": principal.session.csrf_token if principal else "",
            "csrf_field": CSRF_FIELD,
            **context,
        },
        status_code=status_code,
    )


def render_pre_login(
    request: Request, context: Context, name: str, status_code: int = 200, **values: Any
) -> Response:
    """A page whose form is posted before a login exists, with its double-submit token."""
    token = form_cookie_token(request)
    response = render(request, name, None, status_code, form_token=token, **values)
    set_form_cookie(response, request, context, token)
    return response


def redirect(url: str) -> RedirectResponse:
    """See other: the browser follows with a GET."""
    return RedirectResponse(url, status_code=303)


def redirect_with_flash(
    url: str, request: Request, context: WebContext, principal: Principal, **values: object
) -> RedirectResponse:
    """See other, leaving `values` for the page at `url` to show once (see :func:`set_flash`)."""
    response = redirect(url)
    set_flash(response, request, context, principal, values)
    return response


def render_flashed(
    request: Request,
    context: WebContext,
    principal: Principal,
    page: Callable[[dict[str, object]], Response],
) -> Response:
    """The page `page` draws with the values a form post left for it, shown this once."""
    response = page(take_flash(request, context, principal) or {})
    clear_flash(response, request, context)
    return response


def safe_next(value: str | None) -> str:
    """A same-site path to go to after login; anything else (another host) means home."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


# -- session --------------------------------------------------------------------------------


@router.get("/login", name="login_page")
def login_page(
    request: Request, principal: MaybeUser, context: Context, next: str | None = None
) -> Response:
    """The login form (a logged-in user goes straight on)."""
    if principal is not None:
        return redirect(safe_next(next))
    return render_pre_login(
        request, context, "login.html", next=safe_next(next), error=None, email=""
    )


@router.post("/login")
def login(
    request: Request,
    db: Db,
    context: Context,
    email: FormText,
    password: FormText,
    csrf_token: FormText = "",
    next: FormText = "/",
) -> Response:
    """Check the credentials, open a session and go on to `next`."""
    check_form_token(request, csrf_token)
    try:
        user = accounts.log_in(
            db,
            sessions=context.sessions,
            email=email,
            password=password,
            address=client_address(request),
            passwords=context.passwords,
            settings=context.settings,
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        status, _ = error_status_and_code(exc)
        response = render_pre_login(
            request,
            context,
            "login.html",
            status,
            next=safe_next(next),
            error=str(exc),
            email=email,
        )
        response.headers.update(exc.headers)
        return response
    response = redirect(safe_next(next))
    start_session(db, user, response, request, context)
    return response


@router.post("/logout")
def logout(principal: CurrentUser, request: Request, db: Db, context: Context) -> Response:
    """End the session and return to the login page."""
    accounts.close_session(db, session=principal.session)
    response = redirect("/login")
    clear_session_cookie(response, request, context)
    return response


# -- home and teams -------------------------------------------------------------------------


@router.get("/", name="home")
def home(request: Request, principal: CurrentUser, db: Db) -> Response:
    """The user's teams, and for site admins the form that creates one."""
    return render(request, "home.html", principal, teams=accounts.teams_of(db, user=principal.user))


@router.post("/teams")
def create_team(principal: SiteAdmin, db: Db, name: FormText) -> Response:
    """Create a team from the home page's form (site admins)."""
    team = accounts.create_team(db, name=name, creator=principal.user)
    return redirect(f"/teams/{team.id}")


# What the team page says after an account action redirected back to it (?done=...).
DONE_NOTICES = {
    "role": "Role changed.",
    "password": "Password reset: the member's logins ended; give them the new password.",
    "invite-revoked": "Invitation withdrawn: its link no longer works.",
}


@dataclass(frozen=True)
class MemberError:
    """Why a change to one member (`user_id`) was refused, shown beside that member's `form`."""

    user_id: int
    form: str  # "role" or "password"
    error: WebError


def _team_page(
    request: Request,
    scope: TeamMember,
    db: Db,
    context: WebContext,
    invite_url: str | None = None,
    invited: str | None = None,
    done: str | None = None,
    member_error: MemberError | None = None,
) -> Response:
    admin = scope.role == "admin"
    status = error_status_and_code(member_error.error)[0] if member_error else 200
    return render(
        request,
        "team.html",
        scope.principal,
        status_code=status,
        member_error=member_error,
        team=scope.team,
        role=scope.role,
        campaigns=campaigns.campaigns_of(db, team=scope.team),
        frameworks=campaigns.campaign_frameworks() if admin else [],
        members=accounts.members(db, team=scope.team) if admin else [],
        pending=accounts.pending_invites(db, team=scope.team) if admin else [],
        links_problem=links_problem(context.settings),
        done=DONE_NOTICES.get(done or ""),
        invite_url=invite_url,
        invited=invited,
    )


def team_page_with(
    request: Request, scope: TeamMember, db: Db, context: WebContext, member_error: MemberError
) -> Response:
    """The team page again, with why a change to one member was refused beside its form."""
    return _team_page(request, scope, db, context, member_error=member_error)


@router.get("/teams/{team_id}", name="team_page")
def team_page(
    team_id: ObjectId,
    request: Request,
    scope: TeamMember,
    db: Db,
    context: Context,
    done: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """A team: its campaigns; for its admins, members, pending invitations and the forms to
    invite, to manage members and to start a campaign (and, once after an invitation, its link)."""

    def page(flash: dict[str, object]) -> Response:
        invite_url, invited = flash.get("invite_url"), flash.get("invited")
        return _team_page(
            request,
            scope,
            db,
            context,
            invite_url=invite_url if isinstance(invite_url, str) else None,
            invited=invited if isinstance(invited, str) else None,
            done=done,
        )

    return render_flashed(request, context, scope.principal, page)


@router.post("/teams/{team_id}/campaigns")
def create_campaign(
    team_id: ObjectId,
    scope: TeamAdmin,
    db: Db,
    title: FormText,
    framework: FormText,
    min_group_size: Annotated[
        int, Form(ge=campaigns.MIN_GROUP_SIZE, le=campaigns.MAX_GROUP_SIZE)
    ] = 5,
) -> Response:
    """Start a campaign (team admins) and show it with its share link."""
    campaign = campaigns.create_campaign(
        db, team=scope.team, title=title, framework=framework, min_group_size=min_group_size
    )
    return redirect(f"/campaigns/{campaign.id}")


@router.post("/teams/{team_id}/invites")
def create_invite(
    team_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    email: FormText,
    role: Annotated[Role, Form()] = "member",
) -> Response:
    """Invite someone (team admins); the link is shown on the team's page once, never stored."""
    public_link(context.settings, "/")  # refused before the invitation exists, not after
    token, _ = accounts.create_invite(
        db, team=scope.team, email=email, role=role, hours=context.settings.invite_hours
    )
    url = public_link(context.settings, f"/invite/{token}")
    return redirect_with_flash(
        f"/teams/{team_id}", request, context, scope.principal, invite_url=url, invited=email
    )


# -- campaigns ------------------------------------------------------------------------------


def _results_chart(results: SurveyResults) -> Markup | None:
    """The report's bar chart of area scores (0 worst .. 100% best), when any area has one."""
    bars = [
        Bar(
            label=area.replace("_", " ").capitalize(),
            value=group.score,
            value_text=format_axis_share(group.score) if group.score is not None else "no data",
            tooltip=f"{group.items} question(s)",
        )
        for area, group in results.areas.items()
    ]
    if not any(bar.value is not None for bar in bars):
        return None
    svg = bar_chart(
        bars,
        title="Survey score by area",
        description="Mean score of each area's questions, 0% worst to 100% best.",
        axis_format=format_axis_share,
        height=260,
    )
    return Markup(svg)


@router.get("/campaigns/{campaign_id}", name="campaign_page")
def campaign_page(
    campaign_id: ObjectId,
    request: Request,
    scope: TeamMember,
    respondent: RespondentKey,
    db: Db,
) -> Response:
    """A campaign: share link, the user's own progress, and results once the group is large enough."""
    campaign = scope.target_as(Campaign)
    results = campaigns.campaign_results(db, campaign=campaign, team=scope.team)
    mine = campaigns.response_of(db, campaign=campaign, respondent=respondent)
    definition = campaigns.campaign_survey(campaign.framework)
    return render(
        request,
        "campaign.html",
        scope.principal,
        team=scope.team,
        role=scope.role,
        campaign=campaign,
        share_url=app_link(request, "answer_page", share_token=campaign.share_token),
        status=campaigns.response_status(mine),
        results=results,
        chart=_results_chart(results.survey) if results.survey else None,
        items=definition.items,
    )


@router.post("/campaigns/{campaign_id}/status")
def set_campaign_status(
    campaign_id: ObjectId,
    scope: TeamAdmin,
    db: Db,
    status: Annotated[CampaignStatus, Form()],
) -> Response:
    """Close or reopen a campaign (team admins)."""
    campaigns.set_status(db, campaign=scope.target_as(Campaign), status=status)
    return redirect(f"/campaigns/{campaign_id}")


def _answer_values(form: FormData, definition: SurveyDefinition) -> dict[str, str]:
    """The answers a posted survey form carries, by item id (unanswered questions are absent)."""
    found: dict[str, str] = {}
    for item in definition.items:
        value = form.get(ANSWER_PREFIX + item.id)
        if isinstance(value, str) and value.strip():
            found[item.id] = value
    return found


@router.get("/s/{share_token}", name="answer_page")
def answer_page(
    share_token: str,
    request: Request,
    scope: TeamMember,
    respondent: RespondentKey,
    db: Db,
    saved: bool = False,
) -> Response:
    """The questionnaire behind a share link, prefilled with the user's saved answers."""
    campaign = scope.target_as(Campaign)
    mine = campaigns.response_of(db, campaign=campaign, respondent=respondent)
    definition = campaigns.campaign_survey(campaign.framework)
    return render(
        request,
        "answer.html",
        scope.principal,
        team=scope.team,
        campaign=campaign,
        definition=definition,
        answers={k: float(v) for k, v in (mine.answers if mine else {}).items()},
        status=campaigns.response_status(mine),
        saved=saved,
        answer_prefix=ANSWER_PREFIX,
    )


async def posted_form(request: Request) -> FormData:
    """The posted form as a whole (the survey form's field names come from the questionnaire)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


@router.post("/s/{share_token}")
def save_answers_form(
    share_token: str,
    scope: TeamMember,
    respondent: RespondentKey,
    db: Db,
    form: PostedForm,
    action: Annotated[str, Form(pattern="^(save|submit)$")] = "save",
) -> Response:
    """Save the posted answers (save and resume later), or submit them; then show the form again."""
    campaign = scope.target_as(Campaign)
    campaigns.save_answers(
        db,
        campaign=campaign,
        respondent=respondent,
        answers=_answer_values(form, campaigns.campaign_survey(campaign.framework)),
        submit=action == "submit",
    )
    return redirect(f"/s/{share_token}" + ("" if action == "submit" else "?saved=true"))


# -- invitations ----------------------------------------------------------------------------


@router.get("/invite/{token}", name="invite_page")
def invite_page(
    token: str, request: Request, principal: MaybeUser, db: Db, context: Context
) -> Response:
    """An invitation: join with the current account, or choose a password for a new one."""
    invite, team = accounts.open_invite(db, token=token)
    if principal is not None:
        if principal.user.email != invite.email:
            raise NotFound(accounts.INVITE_GONE)
        return render(request, "invite.html", principal, team=team, invite=invite, has_account=True)
    has_account = accounts.user_by_email(db, email=invite.email) is not None
    return render_pre_login(
        request, context, "invite.html", team=team, invite=invite, has_account=has_account
    )


@router.post("/invite/{token}")
def accept_invite(
    token: str,
    request: Request,
    principal: MaybeUser,
    db: Db,
    context: Context,
    password: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    """Join the team; without a login, create the account with the chosen password and log in."""
    if principal is None:
        check_form_token(request, csrf_token)
    try:
        user, team = accounts.accept_invite(
            db,
            token=token,
            user=principal.user if principal else None,
            password=password or None,
            passwords=context.passwords,
        )
    except WeakPassword as exc:
        invite, team = accounts.open_invite(db, token=token)
        return render_pre_login(
            request,
            context,
            "invite.html",
            422,
            team=team,
            invite=invite,
            has_account=False,
            error=str(exc),
        )
    response = redirect(f"/teams/{team.id}")
    if principal is None:
        start_session(db, user, response, request, context)
    return response


# -- AWAIT ----------------------------------------------------------------------------------


@router.get("/lint", name="lint_page")
def lint_page(request: Request, principal: CurrentUser) -> Response:
    """A form to check a draft request against AWAIT before sending it."""
    return render(request, "lint.html", principal, text="", result=None, elements=ELEMENTS)


@router.post("/lint")
def lint(
    request: Request,
    principal: CurrentUser,
    text: FormText,
    timezone: Annotated[str, Form(max_length=64)] = "UTC",
) -> Response:
    """Show what the draft has and lacks, with a rewrite template."""
    # The page checks a draft about to be sent, so "by Friday" resolves against now.
    result = analyse(text, timezone=timezone.strip() or "UTC", sent_at=datetime.now(UTC))
    return render(request, "lint.html", principal, text=text, result=result, elements=ELEMENTS)
