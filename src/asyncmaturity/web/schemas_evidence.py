"""The JSON API's models of the charter editor and the dashboard: the team's files on the server,
background jobs, kept assessments and their metrics. (The charter itself travels as the core's
:class:`~asyncmaturity.charter.Charter` model.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from asyncmaturity.assess.document import AssessmentDocument
from asyncmaturity.web.models import JobKind, JobStatus


class WorkspacePublic(BaseModel):
    """Where the team's charter file and evidence store are on the server."""

    charter_path: str | None = Field(
        description="The charter file the editor reads and writes (and the CLI's --charter "
        "reads); null: the charter lives in the database only."
    )
    store_path: str | None = Field(
        description="The DuckDB evidence store a site admin pointed the team at; null: the "
        "store the app keeps for the team."
    )
    store: Literal["pointed", "owned", "none"] = Field(
        description="Which store uploads go into: the pointed one, the app's own, or none yet."
    )
    store_exists: bool


class WorkspaceUpdate(BaseModel):
    """New paths (site admins who are team admins); empty or null clears one."""

    model_config = ConfigDict(extra="forbid")
    charter_path: str | None = Field(None, max_length=1000)
    store_path: str | None = Field(None, max_length=1000)


class JobPublic(BaseModel):
    """A background ingest or assessment and how far it got."""

    id: int
    team_id: int
    kind: JobKind
    status: JobStatus
    input_name: str | None = Field(description="The uploaded file's name (ingest jobs).")
    format: str | None = Field(description="The export format chosen; null: detected.")
    stage: str
    done: int
    total: int
    progress: float | None = Field(description="0..1 when the current stage reports a total.")
    summary: dict[str, Any] = Field(
        description="What a finished job did: records read, added, skipped (ingest); the "
        "levels and the new `assessment_id` (assess)."
    )
    error: str | None = Field(description="Why a failed job failed, in one line.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    url: str = Field(description="The job's page, which follows its progress.")


class JobsPublic(BaseModel):
    """The team's newest jobs first."""

    data: list[JobPublic]
    count: int


class SurveyCampaignPublic(BaseModel):
    """The survey campaign an assessment used."""

    id: int
    title: str
    responses: int = Field(description="Submitted responses: the respondents it counts.")


class AssessmentSummary(BaseModel):
    """One kept assessment."""

    id: int
    created_at: datetime
    job_id: int | None
    overall_level: int | None
    stage_level: int | None
    report_url: str | None = Field(description="The full HTML report (the newest one only).")
    survey_campaign: SurveyCampaignPublic | None = Field(
        None, description="The campaign whose answers joined the evidence; null: none."
    )


class AssessmentStart(BaseModel):
    """Which survey campaign joins the store's evidence in a new assessment."""

    model_config = ConfigDict(extra="forbid")
    campaign: int | Literal["latest", "none"] = Field(
        "latest",
        description="A campaign id; `latest`: the newest campaign that can join (none if no "
        "campaign can); `none`: the evidence alone.",
    )


class SurveyChoicePublic(BaseModel):
    """A campaign and whether it can join an assessment."""

    id: int
    title: str
    status: Literal["open", "closed"]
    submitted: int
    min_group_size: int
    usable: bool
    reason: str | None = Field(description="Why it cannot join; null when it can.")


class SurveyChoicesPublic(BaseModel):
    """The team's campaigns as surveys of its assessment, newest first."""

    data: list[SurveyChoicePublic]
    count: int
    default: int | None = Field(description="The campaign used unless another is chosen.")


class AssessmentsPublic(BaseModel):
    """The team's assessments, newest first."""

    data: list[AssessmentSummary]
    count: int


class AssessmentPublic(AssessmentSummary):
    """An assessment with its document, as `asyncmaturity assess --json` writes it."""

    document: AssessmentDocument


class MetricPublic(BaseModel):
    """One team-level figure of the newest assessment."""

    id: str
    label: str
    unit: str
    value: float | int | None
    text: str = Field(description="The value as the report writes it.")
    definition: str


class MetricsPublic(BaseModel):
    """The metrics of the team's newest assessment."""

    assessment_id: int
    created_at: datetime
    period: dict[str, str | None]
    data: list[MetricPublic]
    count: int
