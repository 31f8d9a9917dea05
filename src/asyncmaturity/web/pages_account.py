"""Account pages: one's own password and logins (`/account`), and the team admin's forms on the
team page to reset a member's password, change a role and withdraw a pending invitation.

Every form posts and is answered by a redirect to a page (post/redirect/get); a refused change
shows the page again with the message next to the form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from asyncmaturity.web.deps import (
    Context,
    CurrentUser,
    Db,
    ObjectId,
    Principal,
    SiteAdmin,
    TeamAdmin,
)
from asyncmaturity.web.errors import WebError, error_status_and_code
from asyncmaturity.web.models import Role
from asyncmaturity.web.pages import FormText, MemberError, redirect, render, team_page_with
from asyncmaturity.web.security import MIN_PASSWORD_LENGTH
from asyncmaturity.web.services import accounts

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

# What the account page says after a change redirected back to it (?done=...).
ACCOUNT_NOTICES = {
    "password": "Password changed; your other logins ended.",
    "sessions": "Your other logins ended; this one stays.",
    "reset": "Password set; that account's logins ended. Give its owner the new password.",
}


def _account_page(
    request: Request,
    principal: Principal,
    db: Db,
    *,
    done: str | None = None,
    error: WebError | None = None,
    form: str | None = None,
    reset_email: str = "",
) -> Response:
    status = error_status_and_code(error)[0] if error is not None else 200
    return render(
        request,
        "account.html",
        principal,
        status,
        other_sessions=accounts.other_session_count(
            db, user=principal.user, session=principal.session
        ),
        done=ACCOUNT_NOTICES.get(done or ""),
        error=str(error) if error is not None else None,
        error_form=form,
        reset_email=reset_email,
        min_length=MIN_PASSWORD_LENGTH,
    )


@router.get("/account", name="account_page")
def account_page(
    request: Request,
    principal: CurrentUser,
    db: Db,
    done: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """One's own account: change the password, log out everywhere else; for site admins, set
    another account's password."""
    return _account_page(request, principal, db, done=done)


@router.post("/account/password")
def change_password(
    request: Request,
    principal: CurrentUser,
    db: Db,
    context: Context,
    current_password: FormText,
    new_password: FormText,
) -> Response:
    """Change one's own password; the other logins end."""
    try:
        accounts.change_password(
            db,
            user=principal.user,
            current=current_password,
            new=new_password,
            passwords=context.passwords,
            session=principal.session,
        )
    except WebError as exc:
        return _account_page(request, principal, db, error=exc, form="password")
    return redirect("/account?done=password")


@router.post("/account/sessions")
def close_other_sessions(principal: CurrentUser, db: Db) -> Response:
    """Log out everywhere else."""
    accounts.close_other_sessions(db, user=principal.user, keep=principal.session)
    return redirect("/account?done=sessions")


@router.post("/account/reset")
def reset_any_password(
    request: Request,
    principal: SiteAdmin,
    db: Db,
    context: Context,
    email: FormText,
    password: FormText,
) -> Response:
    """Set another account's password by its address (site admins)."""
    try:
        target = accounts.account_by_email(db, email=email)
        accounts.reset_password(
            db, actor=principal.user, target=target, password=password, passwords=context.passwords
        )
    except WebError as exc:
        return _account_page(request, principal, db, error=exc, form="reset", reset_email=email)
    return redirect("/account?done=reset")


@router.post("/teams/{team_id}/members/{user_id}/password")
def reset_member_password(
    team_id: ObjectId,
    user_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    password: FormText,
) -> Response:
    """Set a member's password (team admins, within the limits of the reset rule)."""
    target, _ = accounts.team_member(db, team=scope.team, user_id=user_id)
    try:
        accounts.reset_password(
            db, actor=scope.user, target=target, password=password, passwords=context.passwords
        )
    except WebError as exc:
        return team_page_with(request, scope, db, context, MemberError(user_id, "password", exc))
    return redirect(f"/teams/{scope.team.id}?done=password#members")


@router.post("/teams/{team_id}/members/{user_id}/role")
def set_member_role(
    team_id: ObjectId,
    user_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    role: Annotated[Role, Form()],
) -> Response:
    """Change a member's role (team admins; never the team's last admin to member)."""
    try:
        accounts.set_role(db, team=scope.team, user_id=user_id, role=role)
    except WebError as exc:
        return team_page_with(request, scope, db, context, MemberError(user_id, "role", exc))
    return redirect(f"/teams/{scope.team.id}?done=role#members")


@router.post("/teams/{team_id}/invites/{invite_id}/revoke")
def revoke_invite(team_id: ObjectId, invite_id: ObjectId, scope: TeamAdmin, db: Db) -> Response:
    """Withdraw a pending invitation (team admins)."""
    accounts.revoke_invite(db, team=scope.team, invite_id=invite_id)
    return redirect(f"/teams/{scope.team.id}?done=invite-revoked#invites")
