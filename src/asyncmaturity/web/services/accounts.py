"""Accounts, teams, memberships, sessions and invitations.

Example::

    admin = create_user(db, email="ops@example.com", password=..., passwords=passwords,
                        is_site_admin=True)
    team = create_team(db, name="Platform", creator=admin)
    token, session = open_session(db, user=admin, hours=336)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from asyncmaturity.web.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    WeakPassword,
)
from asyncmaturity.web.models import (
    AuthSession,
    Invite,
    LoginThrottle,
    Membership,
    Role,
    Team,
    User,
    utcnow,
)
from asyncmaturity.web.security import Passwords, new_token, token_digest, weak_password_reason
from asyncmaturity.web.services import throttle
from asyncmaturity.web.settings import WebSettings

INVITE_GONE = "this invitation link is unknown, used, withdrawn or expired; ask for a new one"
logger = logging.getLogger("asyncmaturity.web.login")
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


def check_password(password: str, *, email: str) -> str:
    """`password` when it may protect the account of `email`, else WeakPassword saying why."""
    reason = weak_password_reason(password, email=email)
    if reason is not None:
        raise WeakPassword(reason)
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
        password_hash=passwords.hash(check_password(password, email=email)),
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
    user.password_hash = passwords.hash(check_password(password, email=user.email))
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


# -- logging in and account management --------------------------------------------------------


def log_in(
    db: Session,
    *,
    sessions: sessionmaker[Session],
    email: str,
    password: str,
    address: str | None,
    passwords: Passwords,
    settings: WebSettings,
) -> User:
    """The account these credentials open, throttled per account and per client `address`:
    TooManyAttempts (before any hashing) while either is held back, else as :func:`authenticate`.
    A success forgets the account's failed logins."""
    attempt = throttle.reserve_login(sessions, email=email, address=address, settings=settings)
    try:
        user = authenticate(db, email=email, password=password, passwords=passwords)
    except NotAuthenticated:
        logger.warning("failed login for %r from %s", email[:320], address)
        raise
    throttle.login_succeeded(db, attempt, settings=settings)
    return user


def close_other_sessions(db: Session, *, user: User, keep: AuthSession | None) -> int:
    """End every login of `user` but `keep` (log out everywhere else); returns how many ended."""
    query = delete(AuthSession).where(AuthSession.user_id == user.id)
    if keep is not None:
        query = query.where(AuthSession.id != keep.id)
    ended = db.execute(query)
    return int(getattr(ended, "rowcount", 0) or 0)


def change_password(
    db: Session,
    *,
    user: User,
    current: str,
    new: str,
    passwords: Passwords,
    session: AuthSession,
) -> int:
    """Change the user's own password (the current one must be given); the user's other logins
    end. Returns how many ended."""
    if not passwords.verify(user.password_hash, current):
        raise InvalidInput("the current password is not right")
    user.password_hash = passwords.hash(check_password(new, email=user.email))
    return close_other_sessions(db, user=user, keep=session)


def team_member(db: Session, *, team: Team, user_id: int) -> tuple[User, Membership]:
    """A member of `team` and their membership; NotFound for anyone else."""
    found = db.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team.id, Membership.user_id == user_id)
    ).first()
    if found is None:
        raise NotFound("no such member")
    return found[0], found[1]


def account_by_email(db: Session, *, email: str) -> User:
    """The account with this address; NotFound when there is none."""
    user = user_by_email(db, email=email)
    if user is None:
        raise NotFound(f"no account has the address {normalize_email(email)}")
    return user


def other_session_count(db: Session, *, user: User, session: AuthSession) -> int:
    """How many live logins `user` has besides `session`."""
    return len(
        db.scalars(
            select(AuthSession.id).where(
                AuthSession.user_id == user.id,
                AuthSession.id != session.id,
                AuthSession.expires_at > utcnow(),
            )
        ).all()
    )


def check_may_reset(db: Session, *, actor: User, target: User) -> None:
    """Forbidden unless `actor` may set `target`'s password: a site admin may for anyone; a team
    admin for an account that is no site admin and belongs to no team the actor does not run, so
    a reset never opens a team (or the site) the actor has no admin rights over."""
    if actor.is_site_admin:
        return
    if target.id == actor.id:
        raise Forbidden("change your own password with your current one")
    if target.is_site_admin:
        raise Forbidden("only a site admin can reset a site admin's password")
    actor_admin_of = set(
        db.scalars(
            select(Membership.team_id).where(
                Membership.user_id == actor.id, Membership.role == "admin"
            )
        )
    )
    target_teams = set(
        db.scalars(select(Membership.team_id).where(Membership.user_id == target.id))
    )
    if not target_teams <= actor_admin_of:
        raise Forbidden(
            "this account belongs to a team you are not an admin of; ask a site admin to reset it"
        )


def reset_password(
    db: Session, *, actor: User, target: User, password: str, passwords: Passwords
) -> int:
    """Set another account's password (see :func:`check_may_reset` for who may); every login of
    that account ends and its failed logins are forgotten. Returns how many logins ended."""
    check_may_reset(db, actor=actor, target=target)
    target.password_hash = passwords.hash(check_password(password, email=target.email))
    db.execute(delete(LoginThrottle).where(LoginThrottle.key == throttle.account_key(target.email)))
    return close_other_sessions(db, user=target, keep=None)


def set_role(db: Session, *, team: Team, user_id: int, role: Role) -> Membership:
    """Make a member of `team` an admin or a plain member; Conflict when that would leave the team
    without an admin."""
    _, member = team_member(db, team=team, user_id=user_id)
    if member.role == "admin" and role != "admin":
        admins = db.scalars(
            select(Membership.user_id)
            .where(Membership.team_id == team.id, Membership.role == "admin")
            .with_for_update()
        ).all()
        if len(admins) <= 1:
            raise Conflict(f"{team.name} needs at least one admin; make someone else admin first")
    member.role = role
    db.flush()
    return member


def pending_invites(db: Session, *, team: Team) -> list[Invite]:
    """The team's invitations not yet accepted and not expired, oldest first."""
    return list(
        db.scalars(
            select(Invite)
            .where(
                Invite.team_id == team.id,
                Invite.accepted_at.is_(None),
                Invite.expires_at > utcnow(),
            )
            .order_by(Invite.created_at, Invite.id)
        )
    )


def revoke_invite(db: Session, *, team: Team, invite_id: int) -> Invite:
    """Withdraw a pending invitation of `team`: its link then answers as an unknown one."""
    invite = db.get(Invite, invite_id)
    if invite is None or invite.team_id != team.id or invite.accepted_at is not None:
        raise NotFound("no such pending invitation")
    db.delete(invite)
    db.flush()
    return invite
