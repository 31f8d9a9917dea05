"""The JSON API of account management: one's own password and other sessions, an admin's reset
of another account's password, members' roles, and a team's pending invitations."""

from __future__ import annotations

from fastapi import APIRouter

from asyncmaturity.web.api import API_PREFIX, ERROR_RESPONSES
from asyncmaturity.web.deps import Context, CurrentUser, Db, ObjectId, SiteAdmin, TeamAdmin
from asyncmaturity.web.schemas import MemberPublic
from asyncmaturity.web.schemas_account import (
    AccountPasswordReset,
    PasswordChange,
    PasswordReset,
    PendingInvitePublic,
    PendingInvitesPublic,
    RoleUpdate,
    SessionsClosed,
)
from asyncmaturity.web.services import accounts

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES, tags=["accounts"])


@router.put("/account/password")
def change_password(
    body: PasswordChange, principal: CurrentUser, db: Db, context: Context
) -> SessionsClosed:
    """Change one's own password (422 when the current one is wrong or the new one weak); every
    other login of the account ends, this one stays."""
    closed = accounts.change_password(
        db,
        user=principal.user,
        current=body.current_password,
        new=body.new_password,
        passwords=context.passwords,
        session=principal.session,
    )
    return SessionsClosed(sessions_closed=closed)


@router.delete("/account/sessions")
def close_other_sessions(principal: CurrentUser, db: Db) -> SessionsClosed:
    """Log out everywhere else: every login of the account but this one ends."""
    closed = accounts.close_other_sessions(db, user=principal.user, keep=principal.session)
    return SessionsClosed(sessions_closed=closed)


@router.post("/users/password-reset")
def reset_any_password(
    body: AccountPasswordReset, principal: SiteAdmin, db: Db, context: Context
) -> SessionsClosed:
    """Set the password of any account by its address (site admins); its logins end."""
    target = accounts.account_by_email(db, email=body.email)
    closed = accounts.reset_password(
        db, actor=principal.user, target=target, password=body.password, passwords=context.passwords
    )
    return SessionsClosed(sessions_closed=closed)


@router.put("/teams/{team_id}/members/{user_id}/password")
def reset_member_password(
    team_id: ObjectId,
    user_id: ObjectId,
    body: PasswordReset,
    scope: TeamAdmin,
    db: Db,
    context: Context,
) -> SessionsClosed:
    """Set a member's password (team admins; 403 for a site admin or a member of a team the
    caller does not run); the member's logins end."""
    target, _ = accounts.team_member(db, team=scope.team, user_id=user_id)
    closed = accounts.reset_password(
        db, actor=scope.user, target=target, password=body.password, passwords=context.passwords
    )
    return SessionsClosed(sessions_closed=closed)


@router.patch("/teams/{team_id}/members/{user_id}")
def set_member_role(
    team_id: ObjectId, user_id: ObjectId, body: RoleUpdate, scope: TeamAdmin, db: Db
) -> MemberPublic:
    """Make a member an admin or a plain member (team admins; 409 for the team's last admin)."""
    member = accounts.set_role(db, team=scope.team, user_id=user_id, role=body.role)
    user, _ = accounts.team_member(db, team=scope.team, user_id=member.user_id)
    return MemberPublic(user_id=user.id, email=user.email, role=body.role)


@router.get("/teams/{team_id}/invites")
def list_pending_invites(team_id: ObjectId, scope: TeamAdmin, db: Db) -> PendingInvitesPublic:
    """The team's invitations not yet accepted nor expired (team admins)."""
    data = [
        PendingInvitePublic(
            id=invite.id,
            email=invite.email,
            role="admin" if invite.role == "admin" else "member",
            created_at=invite.created_at,
            expires_at=invite.expires_at,
        )
        for invite in accounts.pending_invites(db, team=scope.team)
    ]
    return PendingInvitesPublic(data=data, count=len(data))


@router.delete("/teams/{team_id}/invites/{invite_id}", status_code=204)
def revoke_invite(team_id: ObjectId, invite_id: ObjectId, scope: TeamAdmin, db: Db) -> None:
    """Withdraw a pending invitation (team admins): its link then answers as an unknown one."""
    accounts.revoke_invite(db, team=scope.team, invite_id=invite_id)
