"""The JSON API's models of account management: one's own password and sessions, an admin's
reset of another account, members' roles and pending invitations."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from asyncmaturity.web.models import Role
from asyncmaturity.web.schemas import Email, Password, _In


class PasswordChange(_In):
    """Change one's own password: the current one, and the new one (the password rule applies)."""

    current_password: Password
    new_password: Password


class PasswordReset(_In):
    """An admin sets another account's password (the password rule applies)."""

    password: Password


class AccountPasswordReset(PasswordReset):
    """A site admin sets the password of the account with this address."""

    email: Email


class SessionsClosed(BaseModel):
    """How many logins the change ended."""

    sessions_closed: int


class RoleUpdate(_In):
    """A member's new role in the team."""

    role: Role


class PendingInvitePublic(BaseModel):
    """An invitation not yet accepted (its link is never shown again)."""

    id: int
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


class PendingInvitesPublic(BaseModel):
    """A team's pending invitations, oldest first."""

    data: list[PendingInvitePublic]
    count: int
