"""The JSON API's request and response models (what the OpenAPI spec documents).

One family per entity, as in `XCreate` (what a client sends) and `XPublic` (what it gets back);
lists come as ``{"data": [...], "count": n}``. Text inputs refuse control characters (a NUL
cannot be stored in PostgreSQL and has no place in a title or an address).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from asyncmaturity.web.models import CampaignStatus, Role
from asyncmaturity.web.security import MAX_PASSWORD_LENGTH
from asyncmaturity.web.services.campaigns import MAX_GROUP_SIZE, ResponseStatus

_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_NO_CONTROL)
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_CONTROL)
]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320, pattern=_NO_CONTROL)
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """What went wrong: a stable code and a message that says how to fix it."""

    code: str = Field(examples=["not_found"])
    message: str


class ErrorBody(BaseModel):
    """The one error shape of the API."""

    error: ErrorDetail


class Health(BaseModel):
    """The service is up and its database answers."""

    status: Literal["ok"]
    version: str


class LoginRequest(_In):
    """Credentials for `POST /api/v1/session`."""

    email: Email
    password: Password


class MembershipPublic(BaseModel):
    """One team the user belongs to, with their role there."""

    team_id: int
    team_name: str
    role: Role


class UserPublic(BaseModel):
    """The logged-in account."""

    id: int
    email: str
    is_site_admin: bool
    teams: list[MembershipPublic]


class SessionPublic(BaseModel):
    """The current session: who, until when, and the CSRF token to send with every change."""

    user: UserPublic
    csrf_token: str = Field(description="Send as the X-CSRF-Token header on POST/PUT/PATCH/DELETE.")
    expires_at: datetime


class TeamCreate(_In):
    """A new team (site admins only); its creator becomes its admin."""

    name: Name


class TeamPublic(BaseModel):
    """A team and the caller's role in it."""

    id: int
    name: str
    role: Role


class TeamsPublic(BaseModel):
    """The caller's teams."""

    data: list[TeamPublic]
    count: int


class MemberPublic(BaseModel):
    """A member of a team (shown to the team's admins)."""

    user_id: int
    email: str
    role: Role


class MembersPublic(BaseModel):
    """A team's members."""

    data: list[MemberPublic]
    count: int


class InviteCreate(_In):
    """Invite someone by e-mail address to join the team with a role."""

    email: Email
    role: Role = "member"


class InvitePublic(BaseModel):
    """A new invitation; `url` carries its secret token and is shown only this once."""

    id: int
    email: str
    role: Role
    url: str
    expires_at: datetime


class InviteAccept(_In):
    """Accept an invitation: a password for the new account when nobody is logged in."""

    password: Password | None = None


class FrameworkPublic(BaseModel):
    """A framework a campaign can be built on, and how many questions its survey has."""

    id: str
    name: str
    questions: int


class FrameworksPublic(BaseModel):
    """The frameworks available to campaigns."""

    data: list[FrameworkPublic]
    count: int


class CampaignCreate(_In):
    """A new survey campaign of the team."""

    title: Title
    framework: Annotated[str, StringConstraints(max_length=100, pattern=_NO_CONTROL)] = "five-area"
    min_group_size: int = Field(
        5, ge=2, le=MAX_GROUP_SIZE, description="Responses needed before figures are shown."
    )


class CampaignUpdate(_In):
    """Open or close a campaign."""

    status: CampaignStatus


class CampaignPublic(BaseModel):
    """A campaign, its share link and how many responses were submitted."""

    id: int
    team_id: int
    title: str
    framework: str
    status: CampaignStatus
    min_group_size: int
    submitted: int
    share_url: str
    created_at: datetime


class CampaignsPublic(BaseModel):
    """A team's campaigns, newest first."""

    data: list[CampaignPublic]
    count: int


class SurveyPublic(BaseModel):
    """The campaign's questionnaire: scales and items, as `survey questions --format json`."""

    scales: list[dict[str, Any]]
    items: list[dict[str, Any]]


class ResponsePublic(BaseModel):
    """The caller's own answers to a campaign and where they stand."""

    status: ResponseStatus
    answers: dict[str, float]
    saved_at: datetime | None
    submitted_at: datetime | None


class ResponseUpdate(_In):
    """Answers to merge into the caller's response (null clears one); `submit` makes it final."""

    answers: dict[str, float | None] = Field(default_factory=dict)
    submit: bool = False


class ResultsPublic(BaseModel):
    """Aggregate figures, present only once `submitted` reaches `min_group_size`."""

    campaign_id: int
    submitted: int
    min_group_size: int
    needed: int = Field(description="More submitted responses needed before figures are shown.")
    shown: bool
    survey: dict[str, Any] | None = Field(
        description="The survey results (as `assess` embeds them), or null below the group size."
    )


class LintRequest(_In):
    """A draft request to check against AWAIT."""

    text: Annotated[str, StringConstraints(max_length=20000)]
    sent_at: datetime | None = Field(
        None, description="When it is sent; resolves 'by Friday'. Naive means `timezone` local."
    )
    timezone: Annotated[str, StringConstraints(max_length=64, pattern=_NO_CONTROL)] = "UTC"

    @field_validator("sent_at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        # Deadlines are computed from it; at the ends of the calendar the arithmetic overflows.
        if value is not None and not 1900 <= value.year <= 2999:
            raise ValueError("give a date between the years 1900 and 2999")
        return value


class LintElement(BaseModel):
    """One AWAIT element: present or not, with the words that show it."""

    present: bool
    evidence: str | None


class LintPublic(BaseModel):
    """The AWAIT analysis of the draft, as `asyncmaturity lint --json` prints it."""

    model_config = ConfigDict(extra="allow")
    is_request: bool
    complete: bool
    elements: dict[str, LintElement]
    deadline: str | None
    urgent: bool
    missing: list[str]
    suggestion: str | None
    notes: list[str]
