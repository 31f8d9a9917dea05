"""The assessment use case, once for every interface: the CLI's `assess`, the web app's jobs and
the Python API run the same steps.

1. the previous assessment is the one given, else the newest of the history;
2. the evidence is opened once and measured once (:func:`asyncmaturity.metrics.measure.measure`:
   metrics, bootstrap replicates, coordination cost and, for the HTML report, its distributions);
3. the measurement and the survey are assessed (:func:`asyncmaturity.assess.assess`) into one
   typed document, compared with the previous one;
4. each renderer reads that document and the measurement's figures, never the store.

Example::

    from asyncmaturity.pipeline import AssessmentRequest, run_assessment
    outcome = run_assessment(AssessmentRequest(store="team.duckdb", survey="answers.csv"))
    outcome.document.overall.level, outcome.markdown()

5. a pilot (:func:`run_pilot`) checks its two periods, assesses each as above, and compares
   them per metric, criterion and area into one :class:`PilotDocument`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from asyncmaturity.assess import assess
from asyncmaturity.assess.compare import compare_assessments
from asyncmaturity.assess.document import AssessmentDocument, ComparisonDocument
from asyncmaturity.assess.evaluate import MIN_DECIDING_SAMPLE
from asyncmaturity.assess.pilot import (
    MIN_SHARED_PEOPLE,
    PeriodRequest,
    PilotDocument,
    check_evidence,
    check_people,
    check_periods,
    pilot_document,
)
from asyncmaturity.charter import Charter
from asyncmaturity.metrics.bootstrap import REPLICATES
from asyncmaturity.metrics.cost import CostAssumptions
from asyncmaturity.metrics.measure import MeasureResult, measure
from asyncmaturity.metrics.presence import active_people
from asyncmaturity.report import (
    ASSESSMENT_TITLE,
    REPORT_TITLE,
    ReportData,
    render_html,
    report_data,
)
from asyncmaturity.report.markdown import assessment_markdown
from asyncmaturity.report.pilot import pilot_html, pilot_markdown

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class AssessmentRequest:
    """What to assess and how.

    Attributes:
        store: a store file, a Parquet export folder, or (Spark) a URI; None for a survey alone.
        engine, spark_master, secret: how to read it (see
            :func:`asyncmaturity.store.evidence.open_evidence`).
        survey: survey responses (CSV or JSON); None for evidence alone.
        framework: a shipped areas framework id or a framework file.
        charter: the team's norms.
        since, until: the period (UTC; a date `until` includes that day).
        questions, columns, strict: the survey's own questions, header mapping and strictness.
        assumptions: the coordination-cost assumptions.
        history: earlier assessments, oldest first, for the trend.
        previous: the assessment whose roadmap targets to check (default: the newest of history).
        seed: the bootstrap seed.
        figures: aggregate the report's distributions (needed for the HTML report only).
        title: the report's title.
        store_name: how the document names the store (default: its location).
        survey_name: how the document names the survey (default: its file's location).
    """

    store: Path | str | None = None
    engine: str = "duckdb"
    spark_master: str | None = None
    secret: str | None = None
    survey: Path | str | None = None
    framework: str | Path = "five-area"
    charter: Charter = field(default_factory=Charter)
    since: date | datetime | None = None
    until: date | datetime | None = None
    questions: Sequence[Path] = ()
    columns: dict[str, str] | None = None
    strict: bool = False
    assumptions: CostAssumptions = field(default_factory=CostAssumptions)
    history: Sequence[AssessmentDocument] = ()
    previous: AssessmentDocument | None = None
    seed: int = 0
    figures: bool = True
    title: str = ASSESSMENT_TITLE
    store_name: str | None = None
    survey_name: str | None = None


@dataclass(frozen=True)
class AssessmentOutcome:
    """One assessment, the measurement it was made from, and everything rendered from them."""

    document: AssessmentDocument
    comparison: ComparisonDocument | None
    report: ReportData
    measurement: MeasureResult | None

    def json(self) -> str:
        """The assessment JSON (`assess --json`)."""
        return self.document.dumps()

    def markdown(self) -> str:
        """The assessment as Markdown."""
        return assessment_markdown(self.document)

    def html(self) -> str:
        """The single-file HTML report: the assessment, then the evidence figures."""
        return render_html(self.report)


def run_assessment(
    request: AssessmentRequest, *, progress: Progress | None = None
) -> AssessmentOutcome:
    """Measure the evidence once, assess it with the survey, compare with the previous
    assessment, and gather what the renderers read."""
    report = progress or _quiet
    previous = request.previous or (request.history[-1] if request.history else None)
    measurement: MeasureResult | None = None
    if request.store is not None:
        report("measuring", 0, 3)
        measurement = measure(
            store=request.store,
            charter=request.charter,
            since=request.since,
            until=request.until,
            engine=request.engine,
            spark_master=request.spark_master,
            secret=request.secret,
            replicates=REPLICATES,
            seed=request.seed,
            cost=request.assumptions,
            figures=request.figures,
        )
        if request.store_name is not None:
            measurement = replace(measurement, store=request.store_name)
    report("assessing", 1, 3)
    document = assess(
        measurement,
        request.survey,
        framework=request.framework,
        charter=request.charter,
        questions=request.questions,
        columns=request.columns,
        strict=request.strict,
        previous=previous,
        history=request.history,
        seed=request.seed,
    ).document()
    if request.survey_name is not None and document.survey is not None:
        survey = document.survey.model_copy(update={"origin": request.survey_name})
        document = document.model_copy(update={"survey": survey})
    comparison = compare_assessments(previous, document) if previous is not None else None
    report("writing the report", 2, 3)
    data = report_data(measurement, title=request.title, assessment=document, comparison=comparison)
    report("done", 3, 3)
    return AssessmentOutcome(
        document=document, comparison=comparison, report=data, measurement=measurement
    )


def run_report(
    *,
    store: Path | str,
    charter: Charter | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    secret: str | None = None,
    title: str = REPORT_TITLE,
) -> ReportData:
    """The evidence report's data: one measurement with its figures (`report --html`)."""
    measurement = measure(
        store=store,
        charter=charter,
        since=since,
        until=until,
        engine=engine,
        spark_master=spark_master,
        secret=secret,
        figures=True,
    )
    return report_data(measurement, title=title)


@dataclass(frozen=True)
class PilotRequest:
    """A six-week pilot of one store: a baseline period, then the pilot period.

    Attributes:
        store: the store file or Parquet export holding both periods.
        baseline, pilot: the periods (UTC; a date `until` includes that whole day).
        survey_before, survey_after: survey responses taken at the end of each period.
        assessment: everything else the assessments use (framework, charter, engine, seed...);
            its store, period and survey are those above.
        min_shared_people: the least share of the people active in either period who must be
            active in both.
    """

    store: Path | str
    baseline: PeriodRequest
    pilot: PeriodRequest
    survey_before: Path | str | None = None
    survey_after: Path | str | None = None
    assessment: AssessmentRequest = field(default_factory=AssessmentRequest)
    min_shared_people: float = MIN_SHARED_PEOPLE


@dataclass(frozen=True)
class PilotOutcome:
    """The pilot's result and the two assessments it compares."""

    document: PilotDocument
    before: AssessmentOutcome
    after: AssessmentOutcome

    def json(self) -> str:
        """The pilot JSON (`pilot --json`)."""
        return self.document.dumps()

    def markdown(self) -> str:
        """The pilot's result as Markdown."""
        return pilot_markdown(self.document)

    def html(self) -> str:
        """The pilot's result as one self-contained HTML page."""
        return pilot_html(self.document)


def run_pilot(request: PilotRequest, *, progress: Progress | None = None) -> PilotOutcome:
    """Check the periods, assess each (one measurement per period), check the evidence and the
    people of both, and compare them with verdicts that do not take noise for progress."""
    report = progress or _quiet
    checks = check_periods(request.baseline, request.pilot)
    base = replace(
        request.assessment,
        store=request.store,
        history=(),
        previous=None,
        figures=False,
    )
    report("assessing the baseline", 0, 3)
    before = run_assessment(
        replace(
            base,
            since=request.baseline.since,
            until=request.baseline.until,
            survey=request.survey_before,
        )
    )
    report("assessing the pilot", 1, 3)
    after = run_assessment(
        replace(
            base,
            since=request.pilot.since,
            until=request.pilot.until,
            survey=request.survey_after,
        )
    )
    checks.append(check_evidence(request.baseline, request.pilot, before.document, after.document))
    report("checking who took part", 2, 3)
    present = active_people(
        request.store,
        [(p.since, p.until) for p in (request.baseline, request.pilot)],
        charter=base.charter,
        engine=base.engine,
        spark_master=base.spark_master,
        secret=base.secret,
    )
    people_check, people = check_people(
        present[0], present[1], refuse_below=request.min_shared_people
    )
    checks.append(people_check)
    samples = tuple(o.measurement.samples if o.measurement else {} for o in (before, after))
    document = pilot_document(
        request.baseline,
        request.pilot,
        before.document,
        after.document,
        checks=checks,
        people=people,
        samples=(samples[0], samples[1]),
        min_items=MIN_DECIDING_SAMPLE,
    )
    report("done", 3, 3)
    return PilotOutcome(document=document, before=before, after=after)


def _quiet(stage: str, done: int, total: int) -> None:
    """Progress nobody listens to."""


__all__ = [
    "AssessmentOutcome",
    "AssessmentRequest",
    "PilotOutcome",
    "PilotRequest",
    "run_assessment",
    "run_pilot",
    "run_report",
]
