"""The JSON API's request and response models (what the OpenAPI spec documents).

One family per entity, as in `XCreate` (what a client sends) and `XPublic` (what it gets back);
lists come as ``{"data": [...], "count": n}``. Text inputs refuse control characters (a NUL
cannot be stored in PostgreSQL and has no place in a title or an address).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from asyncmaturity.await_protocol.ledger import RequestStatus, Urgency
from asyncmaturity.decisions.records import DecisionStatus
from asyncmaturity.web.models import CampaignStatus, Role
from asyncmaturity.web.security import MAX_PASSWORD_LENGTH
from asyncmaturity.web.services.campaigns import MAX_GROUP_SIZE, MIN_GROUP_SIZE, ResponseStatus

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
        5,
        ge=MIN_GROUP_SIZE,
        le=MAX_GROUP_SIZE,
        description="Responses needed before figures are shown.",
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
    """Aggregate figures, present only once the campaign is closed with `submitted` at least
    `min_group_size` (then final); per-option counts (`distribution`) are always null."""

    campaign_id: int
    submitted: int
    min_group_size: int
    needed: int = Field(description="More submitted responses needed before figures are shown.")
    shown: bool
    survey: dict[str, Any] | None = Field(
        description="The survey results (as `assess` embeds them, per-option counts withheld), "
        "or null until published."
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


# -- the AWAIT ledger -----------------------------------------------------------------------

LongText = Annotated[str, StringConstraints(max_length=20000)]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^https?://[^\s]+$")
]
ListEntry = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_CONTROL)
]
MAX_REQUEST_LINKS = 20


class LedgerRequestCreate(_In):
    """A new request: who owns it (a member's `owner_id`, or an `owner_name` outside the app),
    what to do, what they need to know, how urgent. `emergency` is the synchronous path: it is
    escalated at once and the answer tells you to call or page the owner."""

    title: Title
    action: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
    information: LongText = ""
    links: list[Url] = Field(default_factory=list, max_length=MAX_REQUEST_LINKS)
    urgency: Urgency = "normal"
    owner_id: int | None = Field(None, ge=1, le=2**31 - 1, description="A member of the team.")
    owner_name: Name | None = Field(None, description="An owner who is not a member.")
    thread_url: Url | None = Field(None, description="Where the exchange happens, if elsewhere.")


class RequestCheckPublic(BaseModel):
    """The AWAIT check of a request: each element, what is missing, and the due time it gets."""

    complete: bool
    missing: list[str]
    elements: dict[str, LintElement]
    due_at: datetime | None
    suggestion: str | None = Field(description="A rewrite of the text when it lacks something.")
    notes: list[str]


class LedgerReplyPublic(BaseModel):
    """A reply in a request's thread."""

    id: int
    author: str | None
    body: str
    created_at: datetime


class EscalationPublic(BaseModel):
    """One escalation delivery: a webhook POST or an e-mail to one address, and whether it
    worked (null while it is being sent)."""

    channel: Literal["webhook", "email"]
    target: str
    ok: bool | None
    detail: str
    attempted_at: datetime


class AlertPublic(BaseModel):
    """An emergency's escalation contact (a webhook URL or an e-mail address) and how the alert
    to it went."""

    channel: Literal["webhook", "email"]
    target: str
    state: Literal["delivered", "not delivered", "being sent"]


class LedgerRequestPublic(BaseModel):
    """A request with its status now (open, answered, overdue, escalated, closed)."""

    id: int
    team_id: int
    title: str
    action: str
    information: str
    links: list[str]
    urgency: Urgency
    status: RequestStatus
    overdue: bool
    owner: str
    owner_id: int | None
    requester: str | None
    thread_url: str | None
    created_at: datetime
    due_at: datetime | None = Field(description="Null for an emergency: it has no window.")
    answered_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    replies: int
    url: str


class LedgerRequestDetail(LedgerRequestPublic):
    """A request with its thread, its escalations and, for an emergency, what to do now."""

    thread: list[LedgerReplyPublic]
    escalations: list[EscalationPublic]
    advice: str | None = Field(
        description="For an emergency: call or page the owner now, and exactly who else was "
        "alerted and how, or that nobody was."
    )
    alerts: list[AlertPublic] | None = Field(
        None, description="For an emergency: each escalation contact and its alert's state."
    )
    escalation_settings_url: str | None = Field(
        None,
        description="For an emergency that alerted nobody: where a team admin sets the contacts.",
    )
    check: RequestCheckPublic | None = Field(
        None, description="The AWAIT check, in the answer to creating the request."
    )


class LedgerRequestsPublic(BaseModel):
    """A team's requests, newest first."""

    data: list[LedgerRequestPublic]
    count: int


class ReplyCreate(_In):
    """A reply in the thread; the first by anyone but the requester answers the request."""

    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]


class LedgerSettingsPublic(BaseModel):
    """A team's ledger norms and escalation targets."""

    charter: str = Field(description="The team charter as YAML (docs/charter.md); empty: defaults.")
    webhook_urls: list[str]
    escalation_emails: list[str]


class LedgerSettingsUpdate(_In):
    """New ledger settings for the team (replacing the old ones)."""

    charter: Annotated[str, StringConstraints(max_length=65536)] = ""
    webhook_urls: list[Url] = Field(default_factory=list, max_length=20)
    escalation_emails: list[Email] = Field(default_factory=list, max_length=20)


class ExportTeam(BaseModel):
    """The team an export is of."""

    id: int
    name: str


class ExportReply(BaseModel):
    """A reply, as exported (`from`: its author's address)."""

    model_config = ConfigDict(populate_by_name=True)
    id: int
    author: str | None = Field(alias="from", serialization_alias="from")
    created_at: datetime
    body: str


class ExportRequest(BaseModel):
    """A request with its thread, as exported (people as e-mail addresses)."""

    id: int
    title: str
    action: str
    information: str
    links: list[str]
    urgency: Urgency
    requester: str | None
    owner: str | None
    owner_name: str | None
    thread_url: str | None
    created_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    replies: list[ExportReply]


class DecisionFields(BaseModel):
    """A decision record's fields, as the export and the API show them (links by number)."""

    number: int
    title: str
    status: DecisionStatus
    context: str
    decision: str
    consequences: str
    deciders: list[str]
    consulted: list[str]
    informed: list[str]
    tags: list[str]
    supersedes: int | None = Field(description="The number of the record this one replaces.")
    superseded_by: int | None
    work_item_url: str | None
    thread_url: str | None
    proposer: str | None
    created_at: datetime
    decided_at: datetime | None


class ExportDecision(DecisionFields):
    """A decision record, as exported."""


class LedgerExport(BaseModel):
    """The ledger and the decision log of a team: what `asyncmaturity ingest` reads as evidence."""

    format: Literal["asyncmaturity-ledger"]
    version: int
    generator: str
    exported_at: datetime
    team: ExportTeam
    requests: list[ExportRequest]
    decisions: list[ExportDecision]


# -- the decision log -----------------------------------------------------------------------

NewDecisionStatus = Literal["proposed", "accepted", "rejected", "deprecated"]


class DecisionCreate(_In):
    """A new record of the decision log (MADR's fields). `superseded` is not a starting status:
    supersede the old record with this one instead."""

    title: Title
    status: NewDecisionStatus = "proposed"
    context: LongText = Field("", description="Context and problem statement: the rationale.")
    decision: LongText = Field("", description="The decision outcome.")
    consequences: LongText = ""
    deciders: list[ListEntry] = Field(default_factory=list, max_length=50)
    consulted: list[ListEntry] = Field(default_factory=list, max_length=50)
    informed: list[ListEntry] = Field(default_factory=list, max_length=50)
    tags: list[ListEntry] = Field(default_factory=list, max_length=50)
    work_item_url: Url | None = None
    thread_url: Url | None = None


class DecisionUpdate(_In):
    """Changes to a record: only the fields given change."""

    title: Title | None = None
    status: NewDecisionStatus | None = None
    context: LongText | None = None
    decision: LongText | None = None
    consequences: LongText | None = None
    deciders: list[ListEntry] | None = Field(None, max_length=50)
    consulted: list[ListEntry] | None = Field(None, max_length=50)
    informed: list[ListEntry] | None = Field(None, max_length=50)
    tags: list[ListEntry] | None = Field(None, max_length=50)
    work_item_url: Url | None = None
    thread_url: Url | None = None


class DecisionPublic(DecisionFields):
    """A record of the decision log; `url` is its own page."""

    id: int
    team_id: int
    updated_at: datetime
    url: str


class DecisionsPublic(BaseModel):
    """A team's decision records, by number."""

    data: list[DecisionPublic]
    count: int


class DecisionImportPublic(BaseModel):
    """What an import of MADR files added, and the files it left out with why."""

    created: list[DecisionPublic]
    skipped: list[str]
