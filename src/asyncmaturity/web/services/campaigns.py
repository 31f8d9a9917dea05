"""Survey campaigns: a framework's questionnaire behind a share link, answered at each member's pace.

The questionnaire is the one the CLI prints (`asyncmaturity survey questions --framework F`): the
chosen framework's items first, then every shipped framework's. Answers are saved as people go
and submitted once; figures follow :func:`asyncmaturity.survey.aggregate`.

Privacy against differencing: figures are published once, when the campaign is closed with at
least its minimum group size of submitted responses, and never change afterwards (a submitted
answer is final, a closed campaign takes no answers, and a published campaign cannot reopen), so
no two reads ever differ by one person's answers. Per-option counts are withheld, and the CSV
export (the form template's layout, which `asyncmaturity assess --survey` reads) lays each
question's answers out on their own, so that no row is one person's answers while every
question's figures stay exactly the campaign's.

Example::

    campaign = create_campaign(db, team=team, title="Spring check", framework="five-area",
                               min_group_size=5)
    save_answers(db, campaign=campaign, respondent=key, answers={"documentation.written_answers": 4},
                 submit=False)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asyncmaturity.frameworks import SHIPPED, Framework, combined_survey, shipped_frameworks
from asyncmaturity.survey import (
    DEFAULT_MIN_GROUP_SIZE,
    Response,
    SurveyDefinition,
    SurveyResponses,
    SurveyResults,
    aggregate,
    questionnaire,
)
from asyncmaturity.web.errors import Conflict, InvalidInput
from asyncmaturity.web.models import Campaign, CampaignStatus, SurveyResponse, Team, utcnow
from asyncmaturity.web.security import new_token

_SHARE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_GROUP_SIZE = 1000
# With two respondents, each reads the other's answers off the published means: three is the
# smallest group in which no respondent's own answers and the figures give away another's.
MIN_GROUP_SIZE = 3

Answer = float | str | None
ResponseStatus = Literal["not_started", "saved", "submitted"]


@dataclass(frozen=True)
class CampaignSummary:
    """A campaign with the number of submitted responses (a count reveals nobody)."""

    campaign: Campaign
    submitted: int


@dataclass(frozen=True)
class CampaignResults:
    """What may be shown of a campaign: always the counts; the figures only once published
    (closed with at least the minimum group size of submitted responses)."""

    submitted: int
    min_group_size: int
    closed: bool
    survey: SurveyResults | None

    @property
    def needed(self) -> int:
        """How many more submitted responses are needed before figures can be published."""
        return max(0, self.min_group_size - self.submitted)

    def survey_json(self) -> dict[str, Any] | None:
        """The published figures as the API shows them: per-option counts withheld."""
        if self.survey is None:
            return None
        return without_option_counts(self.survey.to_json())


def without_option_counts(survey: dict[str, Any]) -> dict[str, Any]:
    """A survey's JSON figures (`SurveyResults.to_json`, or an assessment's `survey`) with every
    item's per-option counts withheld: the means, scores and shares of a closed group remain."""
    organization = survey["organization"]
    teams = survey["teams"]
    return {
        **survey,
        "organization": {**organization, "items": _items_without_counts(organization["items"])},
        "teams": {
            name: {**team, "items": _items_without_counts(team["items"])}
            for name, team in teams.items()
        },
    }


def _items_without_counts(items: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item_id: {**figures, "distribution": None} for item_id, figures in items.items()}


def group_size(campaign: Campaign) -> int:
    """The submitted responses a campaign's figures need: its minimum group size, and never
    fewer than MIN_GROUP_SIZE (a campaign made before that floor may name 2)."""
    return max(campaign.min_group_size, MIN_GROUP_SIZE)


def is_published(campaign: Campaign, submitted: int) -> bool:
    """Whether a campaign's figures are published: closed with enough submitted responses."""
    return campaign.status == "closed" and submitted >= group_size(campaign)


def campaign_frameworks() -> list[Framework]:
    """The shipped frameworks a campaign can be built on: those that place a team (areas)."""
    return [f for f in shipped_frameworks().values() if f.kind == "areas" and f.survey is not None]


@cache
def campaign_survey(framework: str) -> SurveyDefinition:
    """The questionnaire of a campaign on `framework`, as `survey questions --framework` builds it."""
    shipped = shipped_frameworks()
    if framework not in SHIPPED or framework not in {f.id for f in campaign_frameworks()}:
        choices = ", ".join(f.id for f in campaign_frameworks())
        raise InvalidInput(f"no survey framework {framework!r}; use one of {choices}")
    return combined_survey([shipped[framework], *shipped.values()])


def create_campaign(
    db: Session,
    *,
    team: Team,
    title: str,
    framework: str,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> Campaign:
    """A new open campaign of `team` with a fresh share-link token."""
    campaign_survey(framework)  # refuses an unknown framework before anything is stored
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("a campaign needs a title")
    if not MIN_GROUP_SIZE <= min_group_size <= MAX_GROUP_SIZE:
        raise InvalidInput(
            f"the minimum group size is between {MIN_GROUP_SIZE} and {MAX_GROUP_SIZE}"
        )
    campaign = Campaign(
        team_id=team.id,
        title=title,
        framework=framework,
        share_token=new_token(),
        min_group_size=min_group_size,
        status="open",
    )
    db.add(campaign)
    db.flush()
    return campaign


def campaigns_of(db: Session, *, team: Team) -> list[CampaignSummary]:
    """The team's campaigns, newest first, each with its count of submitted responses."""
    submitted = (
        select(SurveyResponse.campaign_id, func.count().label("n"))
        .where(SurveyResponse.submitted_at.is_not(None))
        .group_by(SurveyResponse.campaign_id)
        .subquery()
    )
    rows = db.execute(
        select(Campaign, func.coalesce(submitted.c.n, 0))
        .outerjoin(submitted, submitted.c.campaign_id == Campaign.id)
        .where(Campaign.team_id == team.id)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
    ).all()
    return [CampaignSummary(campaign=c, submitted=int(n)) for c, n in rows]


def campaign_by_share_token(db: Session, *, token: str) -> Campaign | None:
    """The campaign a share link names, if any (a malformed token names none)."""
    if not _SHARE_TOKEN.match(token):
        return None
    return db.scalar(select(Campaign).where(Campaign.share_token == token))


def set_status(db: Session, *, campaign: Campaign, status: CampaignStatus) -> Campaign:
    """Open or close a campaign; a closed one accepts no answers.

    A campaign whose figures are published cannot reopen (Conflict): one more answer would change
    them, and the difference would be that person's answers.
    """
    if (
        status == "open"
        and campaign.status == "closed"
        and is_published(campaign, submitted_count(db, campaign=campaign))
    ):
        raise Conflict(
            "this campaign's results are published and final: it cannot reopen, since one more "
            "answer would change them; start a new campaign instead"
        )
    campaign.status = status
    db.flush()
    return campaign


def submitted_count(db: Session, *, campaign: Campaign) -> int:
    """How many responses to `campaign` have been submitted."""
    return int(
        db.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(
                SurveyResponse.campaign_id == campaign.id, SurveyResponse.submitted_at.is_not(None)
            )
        )
        or 0
    )


def response_of(db: Session, *, campaign: Campaign, respondent: str) -> SurveyResponse | None:
    """The respondent's saved or submitted response, if they started one."""
    return db.scalar(
        select(SurveyResponse).where(
            SurveyResponse.campaign_id == campaign.id, SurveyResponse.respondent == respondent
        )
    )


def response_status(response: SurveyResponse | None) -> ResponseStatus:
    """Where a respondent stands: not started, saved (can resume) or submitted."""
    if response is None:
        return "not_started"
    return "submitted" if response.submitted_at is not None else "saved"


def save_answers(
    db: Session,
    *,
    campaign: Campaign,
    respondent: str,
    answers: Mapping[str, Answer],
    submit: bool,
) -> SurveyResponse:
    """Merge `answers` into the respondent's response and, with `submit`, submit it.

    An answer is an option value or label of the item's scale (what a form posts); None or a
    blank string clears it. A submitted response is final (Conflict), a closed campaign takes no
    answers (Conflict), and an unknown item or an answer outside the scale is InvalidInput.
    """
    if campaign.status != "open":
        raise Conflict("this campaign is closed and takes no more answers")
    definition = campaign_survey(campaign.framework)
    read = _read_answers(definition, answers)
    response = response_of(db, campaign=campaign, respondent=respondent)
    if response is not None and response.submitted_at is not None:
        raise Conflict("your answers were submitted already and cannot change")
    merged = dict(response.answers) if response is not None else {}
    for item_id, value in read.items():
        if value is None:
            merged.pop(item_id, None)
        else:
            merged[item_id] = value
    if submit and not merged:
        raise InvalidInput("answer at least one question before submitting")
    now = utcnow()
    if response is None:
        response = SurveyResponse(campaign_id=campaign.id, respondent=respondent, answers=merged)
        db.add(response)
    response.answers = merged
    response.saved_at = now
    if submit:
        response.submitted_at = now
    db.flush()
    return response


def _read_answers(
    definition: SurveyDefinition, answers: Mapping[str, Answer]
) -> dict[str, float | None]:
    read: dict[str, float | None] = {}
    for item_id, raw in answers.items():
        try:
            scale = definition.scale_of(item_id)
        except KeyError:
            raise InvalidInput(f"{item_id!r} is not a question of this survey") from None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            read[item_id] = None
            continue
        try:
            read[item_id] = scale.read_answer(raw)
        except ValueError:
            raise InvalidInput(
                f"{item_id}: {str(raw)[:40]!r} is not an answer ({scale.describe()})"
            ) from None
    return read


def _submitted_responses(db: Session, *, campaign: Campaign, team: Team) -> SurveyResponses:
    # Ordered by the respondent hash: the order says nothing about when or who.
    rows = db.scalars(
        select(SurveyResponse)
        .where(SurveyResponse.campaign_id == campaign.id, SurveyResponse.submitted_at.is_not(None))
        .order_by(SurveyResponse.respondent)
    ).all()
    return SurveyResponses(
        rows=[
            Response(team=team.name, answers={k: float(v) for k, v in row.answers.items()})
            for row in rows
        ],
        origin=f"campaign {campaign.id}",
    )


def campaign_results(db: Session, *, campaign: Campaign, team: Team) -> CampaignResults:
    """The campaign's figures once published (closed with enough submissions); before, counts."""
    count = submitted_count(db, campaign=campaign)
    closed = campaign.status == "closed"
    if not is_published(campaign, count):
        return CampaignResults(count, group_size(campaign), closed, None)
    responses = _submitted_responses(db, campaign=campaign, team=team)
    survey = aggregate(
        responses, campaign_survey(campaign.framework), min_group_size=group_size(campaign)
    )
    return CampaignResults(count, group_size(campaign), closed, survey)


def export_csv(db: Session, *, campaign: Campaign, team: Team) -> str:
    """The published answers as the CSV template `assess --survey` reads: a `team` column, then
    one ``<question> [<item id>]`` column per item holding option values (blank: unanswered).

    Refused (Conflict) until the figures are published. The rows are not people: each
    question's answers are laid out on their own (:func:`item_wise_rows`), so every question's
    figures are the campaign's while no row pairs one person's answers to two questions.
    """
    count = submitted_count(db, campaign=campaign)
    if not is_published(campaign, count):
        raise Conflict(unpublished_reason(campaign, count))
    definition = campaign_survey(campaign.framework)
    buffer = io.StringIO()
    # The header is the form template's own first row, so the export matches it by construction.
    buffer.write(questionnaire(definition, format="csv").split("\n", 1)[0] + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    responses = _submitted_responses(db, campaign=campaign, team=team).rows
    for row in item_wise_rows(definition, [response.answers for response in responses]):
        writer.writerow([team.name, *(_option_text(value) for value in row)])
    return buffer.getvalue()


def unpublished_reason(campaign: Campaign, submitted: int) -> str:
    """Why a campaign's figures are not published yet, in one sentence."""
    if submitted < group_size(campaign):
        return (
            f"{submitted} of {group_size(campaign)} responses submitted: results are "
            "published once the campaign is closed with at least the minimum group size"
        )
    return "results are published once the campaign is closed"


def item_wise_rows(
    definition: SurveyDefinition, answers: Sequence[Mapping[str, float]]
) -> list[list[float | None]]:
    """As many rows as `answers`, one column per item, holding each item's answers but not
    people's: an item's answers, in ascending order, fill consecutive rows, and each item starts
    where the previous one ended (wrapping around), so every row holds at least one answer
    whenever every response does.

    The rows depend only on each item's answers taken apart, never on which answers one person
    gave together, so they name no one's combination; every item's count, mean and distribution
    are those of `answers`.
    """
    size = len(answers)
    rows: list[list[float | None]] = [[None] * len(definition.items) for _ in range(size)]
    start = 0
    for column, item in enumerate(definition.items):
        values = sorted(given[item.id] for given in answers if item.id in given)
        for offset, value in enumerate(values):
            rows[(start + offset) % size][column] = value
        start = (start + len(values)) % size if size else 0
    return rows


def _option_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


# -- the survey of the dashboard's assessment -----------------------------------------------

SurveyPick = int | Literal["latest", "none"]
"""Which campaign joins an assessment: one by id, the newest that can, or none."""


@dataclass(frozen=True)
class SurveyChoice:
    """A campaign as a candidate survey of the dashboard's assessment, with why it cannot join
    (None when it can: its figures are published and reach the charter's minimum group size)."""

    campaign: Campaign
    submitted: int
    reason: str | None

    @property
    def usable(self) -> bool:
        """Whether the campaign can join an assessment."""
        return self.reason is None

    def record(self) -> dict[str, Any]:
        """What a kept assessment records of its campaign: id, title and responses."""
        return {"id": self.campaign.id, "title": self.campaign.title, "responses": self.submitted}

    def label(self) -> str:
        """How the assessment document names the survey."""
        return f"campaign {self.campaign.id} \u201c{self.campaign.title}\u201d ({self.submitted} responses)"


def survey_choices(db: Session, *, team: Team, min_group_size: int) -> list[SurveyChoice]:
    """The team's campaigns, newest first, each saying whether it can join an assessment made
    with a charter whose minimum group size is `min_group_size`."""
    choices = []
    for summary in campaigns_of(db, team=team):
        campaign, submitted = summary.campaign, summary.submitted
        reason: str | None = None
        if not is_published(campaign, submitted):
            reason = unpublished_reason(campaign, submitted)
        elif submitted < min_group_size:
            reason = (
                f"{submitted} responses, fewer than the charter's minimum group size of "
                f"{min_group_size}: the assessment would show none of its figures"
            )
        choices.append(SurveyChoice(campaign, submitted, reason))
    return choices


def read_pick(text: str) -> SurveyPick:
    """A form's choice of campaign: its id, `latest` (also when blank) or `none`."""
    chosen = text.strip() or "latest"
    if chosen == "latest":
        return "latest"
    if chosen == "none":
        return "none"
    if not chosen.isdigit():
        raise InvalidInput(f"{chosen[:40]!r} names no campaign: give its id, latest or none")
    return int(chosen)


def default_survey(choices: Sequence[SurveyChoice]) -> SurveyChoice | None:
    """The campaign an assessment uses unless told otherwise: the newest that can join."""
    return next((choice for choice in choices if choice.usable), None)


def pick_survey(
    db: Session, *, team: Team, min_group_size: int, pick: SurveyPick
) -> SurveyChoice | None:
    """The campaign `pick` names for an assessment (None: no survey, or none can join when the
    newest is asked for); InvalidInput for no such campaign, Conflict for one that cannot join."""
    if pick == "none":
        return None
    choices = survey_choices(db, team=team, min_group_size=min_group_size)
    if pick == "latest":
        return default_survey(choices)
    found = next((choice for choice in choices if choice.campaign.id == pick), None)
    if found is None:
        raise InvalidInput(f"the team has no campaign {pick}")
    if found.reason is not None:
        raise Conflict(
            f"campaign \u201c{found.campaign.title}\u201d cannot join the assessment: {found.reason}"
        )
    return found
