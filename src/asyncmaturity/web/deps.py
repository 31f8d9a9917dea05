"""Request dependencies: the app context, the per-request transaction, the logged-in user with
CSRF checking, and the one team-scope guard every team-scoped route uses.

Route signatures read as typed lists of what they need::

    @router.get("/campaigns/{campaign_id}")
    def campaign(campaign_id: ObjectId, scope: TeamMember, db: Db) -> CampaignPublic: ...

Isolation: :data:`TeamMember` and :data:`TeamAdmin` resolve the route's scoped path parameter
(`team_id`, `campaign_id`, `share_token`, `request_id`; later waves register theirs with
:func:`scope_resolver`) to an object and its team, and answer 404, exactly as for a missing
object, when the user is not in that team. Inside the team, an action above the user's role is
403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.formparsers import MultiPartException

from asyncmaturity.web.db import DB_CONCURRENCY
from asyncmaturity.web.errors import Conflict, CsrfFailed, Forbidden, NotAuthenticated, NotFound
from asyncmaturity.web.links import public_link_or_path
from asyncmaturity.web.models import AuthSession, Campaign, LedgerRequest, Role, Team, User
from asyncmaturity.web.security import Passwords, new_token, respondent_key, same_secret
from asyncmaturity.web.services import accounts
from asyncmaturity.web.services.campaigns import campaign_by_share_token
from asyncmaturity.web.settings import WebSettings

SESSION_COOKIE = "asyncmaturity_session"
FORM_COOKIE = "asyncmaturity_form"
FLASH_COOKIE = "asyncmaturity_flash"
"""What a form post left for the page it redirects to (post/redirect/get), signed, read once."""
FLASH_MAX_AGE_S = 120
"""Double-submit token of the forms shown before a login exists (log in, accept an invitation)."""
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_ID = 2**31 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="The object's numeric id.")]
DecisionNumber = Annotated[
    int, Path(ge=0, le=MAX_ID, description="The record's number in the team's decision log.")
]
T = TypeVar("T")


@dataclass(frozen=True)
class WebContext:
    """What one app instance holds: its settings, database, secret key and password hasher."""

    settings: WebSettings
    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]
    secret: bytes
    passwords: Passwords


def get_context(request: Request) -> WebContext:
    """The context :func:`~asyncmaturity.web.app.create_app` stored on the app."""
    context: WebContext = request.app.state.context
    return context


Context = Annotated[WebContext, Depends(get_context)]


def get_db(request: Request, context: Context) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back when it raises.

    Scoped to the route function, so the commit happens before the response is sent: a client that
    got a 2xx can rely on the change being stored. GET requests never write, so they read without
    taking SQLite's write lock.
    """
    factory = context.readers if request.method in SAFE_METHODS else context.sessions
    with factory() as db:
        try:
            yield db
            db.commit()
        except IntegrityError:
            db.rollback()
            raise Conflict(
                "the change clashes with another one made at the same time; reload and try again"
            ) from None
        except BaseException:
            db.rollback()
            raise


# At most this many requests hold a database session at once; the others wait without taking a
# worker thread. Without the bound, requests that got a pooled connection wait for a thread while
# the threads wait for a connection (the pool holds DB_CONCURRENCY and a margin; see db.py).
Db = Annotated[Session, Depends(get_db, scope="function", max_concurrency=DB_CONCURRENCY)]


@dataclass(frozen=True)
class Principal:
    """The logged-in user and the session their cookie opened."""

    user: User
    session: AuthSession


async def sent_csrf_token(request: Request) -> str | None:
    """The CSRF token a state-changing request carries: the header, else the form field."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form()
        except (MultiPartException, ValueError, KeyError):
            return None
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


CsrfSent = Annotated[str | None, Depends(sent_csrf_token)]


def _principal(request: Request, db: Session, csrf: str | None) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    found = accounts.session_for(db, token=token) if token else None
    if found is None:
        return None
    principal = Principal(user=found[0], session=found[1])
    # Cookies ride along on cross-site requests; only this site's pages know the session's token.
    if request.method not in SAFE_METHODS and not same_secret(csrf, principal.session.csrf_token):
        raise CsrfFailed(
            f"missing or wrong CSRF token: send the session's token in the {CSRF_HEADER} header "
            f"or the {CSRF_FIELD} form field"
        )
    return principal


def current_principal(request: Request, db: Db, csrf: CsrfSent) -> Principal:
    """The logged-in user; NotAuthenticated without a valid session, CsrfFailed without the token."""
    principal = _principal(request, db, csrf)
    if principal is None:
        raise NotAuthenticated("log in first")
    return principal


def optional_principal(request: Request, db: Db, csrf: CsrfSent) -> Principal | None:
    """The logged-in user when there is one (CSRF still checked for them), else None."""
    return _principal(request, db, csrf)


CurrentUser = Annotated[Principal, Depends(current_principal)]
MaybeUser = Annotated[Principal | None, Depends(optional_principal)]


def site_admin(principal: CurrentUser) -> Principal:
    """The logged-in user when they are a site admin; Forbidden otherwise."""
    if not principal.user.is_site_admin:
        raise Forbidden("only a site admin can do this")
    return principal


SiteAdmin = Annotated[Principal, Depends(site_admin)]


# -- team scope -----------------------------------------------------------------------------

ScopeResolver = Callable[[Session, str], tuple[int, object] | None]
SCOPE_RESOLVERS: dict[str, ScopeResolver] = {}
"""Path parameter name -> resolver of its value to (team id, object); None when there is none."""


def scope_resolver(param: str) -> Callable[[ScopeResolver], ScopeResolver]:
    """Register how a path parameter names a team-owned object (one registry, one guard)."""

    def register(resolver: ScopeResolver) -> ScopeResolver:
        SCOPE_RESOLVERS[param] = resolver
        return resolver

    return register


def parse_id(raw: str) -> int | None:
    """A path id as an int in the column's range, else None (an unknown object, not a crash)."""
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if 1 <= value <= MAX_ID else None


@scope_resolver("team_id")
def _team(db: Session, raw: str) -> tuple[int, object] | None:
    key = parse_id(raw)
    team = db.get(Team, key) if key is not None else None
    return None if team is None else (team.id, team)


@scope_resolver("campaign_id")
def _campaign(db: Session, raw: str) -> tuple[int, object] | None:
    key = parse_id(raw)
    campaign = db.get(Campaign, key) if key is not None else None
    return None if campaign is None else (campaign.team_id, campaign)


@scope_resolver("share_token")
def _shared_campaign(db: Session, raw: str) -> tuple[int, object] | None:
    campaign = campaign_by_share_token(db, token=raw)
    return None if campaign is None else (campaign.team_id, campaign)


@scope_resolver("request_id")
def _ledger_request(db: Session, raw: str) -> tuple[int, object] | None:
    key = parse_id(raw)
    request = db.get(LedgerRequest, key) if key is not None else None
    return None if request is None else (request.team_id, request)


@dataclass(frozen=True)
class TeamScope:
    """A team-scoped request that passed the guard: who, which team, their role, which object."""

    principal: Principal
    team: Team
    role: Role
    target: object

    @property
    def user(self) -> User:
        """The logged-in user."""
        return self.principal.user

    def target_as(self, kind: type[T]) -> T:
        """The object the path names, as `kind`; NotFound when the path names something else."""
        if isinstance(self.target, kind):
            return self.target
        raise NotFound(f"no such {kind.__name__.lower()}")


def _team_scope(required: Role) -> Callable[..., TeamScope]:
    def guard(request: Request, db: Db, principal: CurrentUser) -> TeamScope:
        param = next((name for name in request.path_params if name in SCOPE_RESOLVERS), None)
        if param is None:
            raise LookupError(f"{request.url.path}: a team-scoped route needs a scoped parameter")
        found = SCOPE_RESOLVERS[param](db, str(request.path_params[param]))
        member = (
            accounts.membership(db, user_id=principal.user.id, team_id=found[0]) if found else None
        )
        if found is None or member is None:
            # The same answer for "no such object" and "another team's object": nothing leaks.
            raise NotFound(f"no such {param.removesuffix('_id').replace('_', ' ')}")
        if required == "admin" and member.role != "admin":
            raise Forbidden("only a team admin can do this")
        team = found[1] if isinstance(found[1], Team) else db.get(Team, found[0])
        assert team is not None  # the membership's foreign key guarantees it
        return TeamScope(
            principal=principal,
            team=team,
            role="admin" if member.role == "admin" else "member",
            target=found[1],
        )

    guard.__name__ = f"team_{required}"
    return guard


TeamMember = Annotated[TeamScope, Depends(_team_scope("member"))]
TeamAdmin = Annotated[TeamScope, Depends(_team_scope("admin"))]


def respondent_of(scope: TeamMember, context: Context) -> str:
    """The user's anonymous respondent key for the campaign the path names."""
    campaign = scope.target_as(Campaign)
    return respondent_key(context.secret, campaign_id=campaign.id, user_id=scope.user.id)


RespondentKey = Annotated[str, Depends(respondent_of)]


def app_link(request: Request, name: str, **params: object) -> str:
    """The link to the named route under the configured public URL, or its path alone without
    one: never built from the request's Host header, which the client chooses."""
    path = request.app.url_path_for(name, **params)
    return public_link_or_path(get_context(request).settings, str(path))


def client_address(request: Request) -> str | None:
    """The client's IP address (behind a trusted proxy, the one it forwarded), for throttling."""
    return request.client.host if request.client else None


# -- cookies --------------------------------------------------------------------------------


def _secure(request: Request, settings: WebSettings) -> bool:
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


def set_session_cookie(
    response: Response, request: Request, context: WebContext, token: str
) -> None:
    """Hand the browser its session: HttpOnly (no script reads it), SameSite=Lax, Secure per settings."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=context.settings.session_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request, context.settings),
    )


def start_session(
    db: Session, user: User, response: Response, request: Request, context: WebContext
) -> AuthSession:
    """Log `user` in: a new server-side session, its token handed over in the cookie."""
    token, session = accounts.open_session(db, user=user, hours=context.settings.session_hours)
    set_session_cookie(response, request, context, token)
    return session


def clear_session_cookie(response: Response, request: Request, context: WebContext) -> None:
    """Remove the session cookie (logout)."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request, context.settings),
    )


def form_cookie_token(request: Request) -> str:
    """The double-submit token of pre-login forms: the browser's, or a new one to set."""
    return request.cookies.get(FORM_COOKIE) or new_token()


def set_form_cookie(response: Response, request: Request, context: WebContext, token: str) -> None:
    """Store the pre-login form token in the browser (SameSite=Strict: never sent cross-site)."""
    response.set_cookie(
        FORM_COOKIE,
        token,
        max_age=3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request, context.settings),
    )


def check_form_token(request: Request, sent: str | None) -> None:
    """Refuse a pre-login form whose token is not the one in the browser's form cookie.

    A cross-site page can post the form but cannot read or set this site's cookie, so it cannot
    make the two agree (login CSRF: logging a victim into the attacker's account).
    """
    expected = request.cookies.get(FORM_COOKIE)
    if not expected or not same_secret(sent, expected):
        raise CsrfFailed("the form expired or came from another site; reload the page and retry")


def _flash_serializer(context: WebContext, principal: Principal) -> URLSafeTimedSerializer:
    # Salted with the session: a flash is good only in the browser session whose post left it.
    return URLSafeTimedSerializer(context.secret, salt=f"flash:{principal.session.id}")


def set_flash(
    response: Response,
    request: Request,
    context: WebContext,
    principal: Principal,
    values: dict[str, object],
) -> None:
    """Leave `values` for the page `response` redirects to, in a signed cookie of that path.

    Args:
        response: the redirect (its Location names the page that shows the values).
        request: the form post (for the cookie's Secure flag).
        context: the app context (its secret key signs the cookie).
        principal: the logged-in user (the cookie is good only in their session).
        values: JSON-serializable values the page shows once.
    """
    response.set_cookie(
        FLASH_COOKIE,
        _flash_serializer(context, principal).dumps(values),
        max_age=FLASH_MAX_AGE_S,
        path=response.headers["location"].split("?", 1)[0],
        httponly=True,
        samesite="lax",
        secure=_secure(request, context.settings),
    )


def take_flash(
    request: Request, context: WebContext, principal: Principal
) -> dict[str, object] | None:
    """The values a form post left for this page, when they are there, signed and fresh."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        found = _flash_serializer(context, principal).loads(raw, max_age=FLASH_MAX_AGE_S)
    except BadSignature:  # also an expired one (SignatureExpired is a BadSignature)
        return None
    return found if isinstance(found, dict) else None


def clear_flash(response: Response, request: Request, context: WebContext) -> None:
    """Forget the flash of this page once it is shown, so a reload does not show it again."""
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(
            FLASH_COOKIE,
            path=request.url.path,
            httponly=True,
            samesite="lax",
            secure=_secure(request, context.settings),
        )
