"""Accounts, teams, memberships, sessions and invitations.

Example::

    admin = create_user(db, email="ops@example.com", password=..., passwords=passwords,
                        is_site_admin=True)
    team = create_team(db, name="Platform", creator=admin)
    token, session = open_session(db, user=admin, hours=336)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from asyncmaturity.web.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from asyncmaturity.web.models import AuthSession, Invite, Membership, Role, Team, User, utcnow
from asyncmaturity.web.security import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Passwords,
    new_token,
    token_digest,
)

INVITE_GONE = "this invitation link is unknown, used or expired; ask for a new one"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class TeamRole:
    """A team seen by one user, with that user's role in it."""

    team: Team
    role: Role


def normalize_email(email: str) -> str:
    """The address as accounts store it (trimmed, lower case); InvalidInput when it is none."""
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise InvalidInput(f"{email!r} is not an e-mail address")
    return email


def check_password(password: str) -> str:
    """`password` when it is long enough to be a password, else InvalidInput saying so."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    return password


def user_by_email(db: Session, *, email: str) -> User | None:
    """The account with this address, if any."""
    return db.scalar(select(User).where(User.email == normalize_email(email)))


def emails_by_id(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """User id -> address of the given accounts (ids of gone accounts, and None, left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.execute(select(User.id, User.email).where(User.id.in_(wanted)))
    return {user_id: email for user_id, email in rows}


def create_user(
    db: Session, *, email: str, password: str, passwords: Passwords, is_site_admin: bool = False
) -> User:
    """A new account; Conflict when the address already has one."""
    email = normalize_email(email)
    if user_by_email(db, email=email) is not None:
        raise Conflict(f"an account for {email} already exists")
    user = User(
        email=email,
        password_hash=passwords.hash(check_password(password)),
        is_site_admin=is_site_admin,
    )
    db.add(user)
    db.flush()
    return user


def bootstrap_admin(db: Session, *, email: str, password: str, passwords: Passwords) -> User:
    """Make `email` a site admin with `password`, creating the account when it does not exist.

    This is the first-run step (`asyncmaturity serve --create-admin`), and the way back in for an
    operator who lost the password.
    """
    user = user_by_email(db, email=email)
    if user is None:
        return create_user(
            db, email=email, password=password, passwords=passwords, is_site_admin=True
        )
    user.password_hash = passwords.hash(check_password(password))
    user.is_site_admin = True
    return user


def authenticate(db: Session, *, email: str, password: str, passwords: Passwords) -> User:
    """The account these credentials open; NotAuthenticated, without saying which part was wrong."""
    try:
        user = user_by_email(db, email=email)
    except InvalidInput:
        user = None
    if not passwords.verify(user.password_hash if user else None, password) or user is None:
        raise NotAuthenticated("wrong e-mail address or password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    return user


def open_session(db: Session, *, user: User, hours: int) -> tuple[str, AuthSession]:
    """A new login for `user`: the cookie token (returned once, stored only as a digest) and its row."""
    token = new_token()
    now = utcnow()
    session = AuthSession(
        token_hash=token_digest(token),
        user_id=user.id,
        csrf_token=new_token(),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.add(session)
    # Expired logins of this user go now: the table holds live sessions, not a history.
    db.execute(
        delete(AuthSession).where(AuthSession.user_id == user.id, AuthSession.expires_at < now)
    )
    db.flush()
    return token, session


def session_for(db: Session, *, token: str) -> tuple[User, AuthSession] | None:
    """The user and session a cookie token belongs to, when it is known and not expired."""
    found = db.execute(
        select(User, AuthSession)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.token_hash == token_digest(token), AuthSession.expires_at > utcnow())
    ).first()
    return None if found is None else (found[0], found[1])


def close_session(db: Session, *, session: AuthSession) -> None:
    """Log out: the session's token stops working at once."""
    db.delete(session)


def create_team(db: Session, *, name: str, creator: User) -> Team:
    """A new team with `creator` as its admin; only site admins create teams."""
    if not creator.is_site_admin:
        raise Forbidden("only a site admin can create teams")
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("a team needs a name")
    if db.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise Conflict(f"a team named {name!r} already exists")
    team = Team(name=name)
    db.add(team)
    db.flush()
    db.add(Membership(user_id=creator.id, team_id=team.id, role="admin"))
    db.flush()
    return team


def teams_of(db: Session, *, user: User) -> list[TeamRole]:
    """The teams `user` belongs to, by name, with the role in each."""
    rows = db.execute(
        select(Team, Membership.role)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user.id)
        .order_by(Team.name)
    ).all()
    return [TeamRole(team=team, role=_role(role)) for team, role in rows]


def membership(db: Session, *, user_id: int, team_id: int) -> Membership | None:
    """The user's membership of the team, if any."""
    return db.get(Membership, (user_id, team_id))


def members(db: Session, *, team: Team) -> list[tuple[User, Role]]:
    """The team's members with their roles, admins first, then by address."""
    rows = db.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team.id)
        .order_by(Membership.role, User.email)
    ).all()
    return [(user, _role(role)) for user, role in rows]


def create_invite(
    db: Session, *, team: Team, email: str, role: Role, hours: int
) -> tuple[str, Invite]:
    """An invitation link token (returned once) for `email` to join `team` as `role`."""
    email = normalize_email(email)
    existing = user_by_email(db, email=email)
    if existing is not None and membership(db, user_id=existing.id, team_id=team.id) is not None:
        raise Conflict(f"{email} is already a member of {team.name}")
    token = new_token()
    now = utcnow()
    invite = Invite(
        team_id=team.id,
        email=email,
        role=role,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.add(invite)
    db.flush()
    return token, invite


def open_invite(db: Session, *, token: str) -> tuple[Invite, Team]:
    """The pending invitation of a link token and its team; NotFound when used, expired or unknown."""
    found = db.execute(
        select(Invite, Team)
        .join(Team, Team.id == Invite.team_id)
        .where(
            Invite.token_hash == token_digest(token),
            Invite.accepted_at.is_(None),
            Invite.expires_at > utcnow(),
        )
    ).first()
    if found is None:
        raise NotFound(INVITE_GONE)
    return found[0], found[1]


def accept_invite(
    db: Session, *, token: str, user: User | None, password: str | None, passwords: Passwords
) -> tuple[User, Team]:
    """Join the invited team: as the logged-in `user` (whose address must be the invited one), or
    as a new account with `password` when nobody is logged in. Returns the member and the team."""
    invite, team = open_invite(db, token=token)
    if user is None:
        if user_by_email(db, email=invite.email) is not None:
            raise Conflict(
                f"{invite.email} already has an account: log in, then open the link again"
            )
        if password is None:
            raise InvalidInput("choose a password for the new account")
        user = create_user(db, email=invite.email, password=password, passwords=passwords)
    elif user.email != invite.email:
        # Another account must not learn whose invitation this is, nor take it over.
        raise NotFound(INVITE_GONE)
    if membership(db, user_id=user.id, team_id=team.id) is None:
        db.add(Membership(user_id=user.id, team_id=team.id, role=invite.role))
    invite.accepted_at = utcnow()
    db.flush()
    return user, team


def _role(value: str) -> Role:
    return "admin" if value == "admin" else "member"
