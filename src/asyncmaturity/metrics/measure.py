"""Measure: one pass over the evidence, from which everything downstream is computed.

:func:`measure` opens the evidence once, builds the frames, and computes every registered metric
for the organization and each scope; on request it also computes, from the same frames, what an
assessment and a report need: bootstrap replicates, the coordination cost and the report's
distributions. Nothing downstream reads a store again.

Example::

    from asyncmaturity.metrics.measure import measure
    result = measure(store="team.duckdb")
    result.metrics["response.first_reply.median_s"]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from asyncmaturity import __version__
from asyncmaturity.charter import Charter
from asyncmaturity.metrics.assumptions import Assumption, assumptions_of
from asyncmaturity.metrics.bootstrap import metric_replicates
from asyncmaturity.metrics.cost import (
    CoordinationCost,
    CostAssumptions,
    coordination_cost,
    period_weeks,
)
from asyncmaturity.metrics.evidence_frames import meeting_notes, meeting_unknown
from asyncmaturity.metrics.figures import EvidenceFigures, evidence_figures
from asyncmaturity.metrics.frames import SCOPES, build_frames, period_bounds
from asyncmaturity.metrics.frameset import FRAMES, Frames, PeopleCounter
from asyncmaturity.metrics.norms import WorkingNorms, not_applicable
from asyncmaturity.metrics.record_systems import RecordSystems
from asyncmaturity.metrics.registry import METRICS, Metric
from asyncmaturity.metrics.visibility import (
    AspectVisibility,
    partial_notes,
    read_visibility,
    unknown_metrics,
)
from asyncmaturity.store.evidence import open_evidence
from asyncmaturity.vocabulary import Visibility

Value = float | int | None


@dataclass(frozen=True)
class Replicates:
    """Bootstrap replicates of the metrics that decompose by day (see :mod:`.bootstrap`)."""

    seed: int
    count: int
    metrics: dict[str, list[float | None]]


@dataclass
class MeasureResult:
    """One measurement: metric values for the whole store and per scope, with what was
    suppressed for privacy, and what else was asked of the same pass over the evidence."""

    metrics: dict[str, Value]
    scopes: dict[str, dict[str, dict[str, Value]]]
    suppressed: dict[str, int]  # per scope: groups with at least one family's figures withheld
    charter: Charter
    store: str
    counts: dict[str, int]
    first: datetime | None
    last: datetime | None
    since: str | None = None
    until: str | None = None
    notes: list[str] = field(default_factory=list)
    replicates: Replicates | None = None
    cost: CoordinationCost | None = None
    figures: EvidenceFigures | None = None
    # What the exports can see, and the metrics unknown because none shows what they need.
    visibility: dict[Visibility, AspectVisibility] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    # Those of `unknown` that do not apply to this team at all (not a gap in the evidence).
    not_applicable: list[str] = field(default_factory=list)
    # The defaults the figures lean on, where neither the charter nor the evidence said more.
    assumptions: list[Assumption] = field(default_factory=list)
    # Per mean or percentile metric: how many items its organization figure is drawn from.
    samples: dict[str, int] = field(default_factory=dict)
    # Whether the team keeps shared working hours and where its hours come from.
    norms: WorkingNorms = field(default_factory=lambda: WorkingNorms(shared=True, basis="default"))
    # Where the systems of record come from, with those detected in the team's own links.
    record_systems: RecordSystems = field(default_factory=RecordSystems)

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable form (the `measure --json` contract)."""
        return {
            "tool": {"name": "asyncmaturity", "version": __version__},
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "store": {"path": self.store, "counts": self.counts},
            "period": {
                "since": self.since,
                "until": self.until,
                "first_message": self.first.isoformat() if self.first else None,
                "last_message": self.last.isoformat() if self.last else None,
            },
            "metrics": self.metrics,
            "scopes": self.scopes,
            "privacy": {
                "min_group_size": self.charter.min_group_size,
                "suppressed_groups": self.suppressed,
            },
            "definitions": {
                m.id: {"label": m.label, "unit": m.unit, "definition": m.definition}
                for m in METRICS.values()
            },
            "visibility": {str(a): state.to_json() for a, state in self.visibility.items()},
            "unknown": self.unknown,
            "not_applicable": self.not_applicable,
            "assumptions": [a.to_json() for a in self.assumptions],
            "working_norms": self.norms.to_json(),
            "samples": self.samples,
            "record_systems": self.record_systems.to_json(),
            "notes": self.notes,
        }


def _clean(metric: Metric, value: Any) -> Value:
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return int(number) if metric.unit == "count" else number


SAMPLE_PREFIX = "__n__"
SCOPE_COLUMN = "__scope"
BY_PREFIX = "__by__"
VALUE_PREFIX = "__v"
PEOPLE_COLUMN = "__people"
# The scope of the whole organization: the one without a grouping column.
ORGANIZATION = next(scope for scope, by in SCOPES.items() if not by)


def _aggregate(frame: ir.Table, metrics: list[Metric]) -> ir.Table:
    """The organization's aggregates of `frame`: one row, even where the frame has none."""
    aggregates = {m.id: m.aggregate(frame) for m in metrics}
    # How many items each mean or percentile is drawn from (its non-null sampled values).
    aggregates |= {
        f"{SAMPLE_PREFIX}{m.id}": m.sample.value(frame).count()
        for m in metrics
        if m.sample is not None and m.sample.kind != "sum"
    }
    return frame.aggregate(**aggregates)


def _breakdowns(frame: ir.Table, parts: Parts) -> ir.Table:
    """The aggregates of `frame` for every breakdown scope of `parts`, as one table.

    One aggregation per scope, grouped by that scope's column alone, stacked: each reads the
    kept frame again, which costs far less than repeating every row once per scope and grouping
    them all by every scope's column at once (on DuckDB and, in one Spark job, on Spark too).
    A row whose grouping column is null belongs to no group of that scope.
    """
    scopes = {scope: part for scope, part in parts.items() if part[1]}
    columns = sorted({c for _, by, _ in scopes.values() for c in by})
    # Every scope groups the frame itself and drops the null group after the aggregation (the
    # engine pushes a filter on a grouping key below it): so each metric's aggregate is built
    # once per frame, not once per scope over a filtered copy, which on a small store was much
    # of the cost of building and compiling the query.
    built: dict[str, ir.Value] = {}
    tables = []
    for name, (metrics, by, counter) in sorted(scopes.items()):
        for m in metrics:
            if m.id not in built:
                built[m.id] = m.aggregate(frame)
        aggregates = {m.id: built[m.id] for m in metrics}
        if counter is not None:
            if PEOPLE_COLUMN not in built:
                built[PEOPLE_COLUMN] = counter(frame)
            aggregates[PEOPLE_COLUMN] = built[PEOPLE_COLUMN]
        grouped = frame.group_by(**{f"{BY_PREFIX}{c}": frame[c] for c in by}).aggregate(
            **aggregates
        )
        grouped = grouped.filter(*(grouped[f"{BY_PREFIX}{c}"].notnull() for c in by))
        tables.append(
            grouped.select(
                **{SCOPE_COLUMN: ibis.literal(name)},
                **{
                    f"{BY_PREFIX}{c}": grouped[f"{BY_PREFIX}{c}"]
                    if c in by
                    else ibis.null(frame[c].type())
                    for c in columns
                },
                **{column: grouped[column] for column in aggregates},
            )
        )
    return ibis.union(*tables)


FRAME_COLUMN = "__frame"
# What one frame's figures need: per scope, its metrics, its grouping columns and (in a breakdown)
# how to count its family's people.
Parts = dict[str, tuple[list[Metric], list[str], PeopleCounter | None]]


def _stacked(tables: dict[str, tuple[ir.Table, Parts]]) -> list[dict[str, Any]]:
    """Every scope's aggregates of every frame in `tables` as rows tagged with frame and scope,
    from one query.

    One query (on Spark, one job) for all the frames and scopes: per frame one aggregation for
    the organization and one per breakdown scope (:func:`_breakdowns`). The aggregate
    tables are stacked on one schema: each scope's grouping column in a column of its own, and
    the values in columns shared by position and type; each row comes back keyed by its own
    table's columns (frame, scope, every grouping column, its metrics and counts).
    """
    # Per frame, its tables of aggregates, each with whether it is the organization's.
    aggregates: dict[str, list[tuple[ir.Table, bool]]] = {}
    for name, (frame, parts) in tables.items():
        found = aggregates.setdefault(name, [])
        if ORGANIZATION in parts:
            whole = _aggregate(frame, parts[ORGANIZATION][0])
            found.append((whole.mutate(**{SCOPE_COLUMN: ibis.literal(ORGANIZATION)}), True))
        if any(by for _, by, _ in parts.values()):
            # Breakdown tables never hold the organization (see _breakdowns).
            found.append((_breakdowns(frame, parts), False))
    grouping = sorted(
        {c for _, parts in tables.values() for _, by, _ in parts.values() for c in by}
    )
    types: dict[str, Any] = {}
    for name, found in aggregates.items():
        frame = tables[name][0]
        for column in grouping:
            if column in frame.columns:
                types.setdefault(column, frame[column].type())
        for table, _ in found:
            for column, dtype in table.schema().items():
                if column != SCOPE_COLUMN and not column.startswith(BY_PREFIX):
                    types.setdefault(column, dtype)
    # A table's k-th value of a type goes to the stacked column of that type and position, not
    # to a column of its own: one column per metric of every frame made each table carry every
    # other frame's columns as nulls, and building and compiling them was most of the query's
    # cost on a small store. The values are cast as before, so they read back unchanged.
    kinds: list[Any] = []
    slots: dict[str, Any] = {}
    names: dict[tuple[str, bool], dict[str, str]] = {}
    placed: list[tuple[str, ir.Table, dict[str, str]]] = []
    for name, found in aggregates.items():
        for table, whole in found:
            counts: dict[int, int] = {}
            at: dict[str, str] = {}
            for column in table.columns:
                if column == SCOPE_COLUMN or column.startswith(BY_PREFIX):
                    continue
                if types[column] not in kinds:
                    kinds.append(types[column])
                kind = kinds.index(types[column])
                position = counts[kind] = counts.get(kind, -1) + 1
                at[column] = f"{VALUE_PREFIX}{kind}_{position}"
                slots[at[column]] = types[column]
            own = {slot: column for column, slot in at.items()}
            names[(name, whole)] = own
            placed.append((name, table, own))
    stacked = [
        table.select(
            **{FRAME_COLUMN: ibis.literal(name), SCOPE_COLUMN: table[SCOPE_COLUMN]},
            **{
                f"{BY_PREFIX}{c}": table[f"{BY_PREFIX}{c}"].cast(types[c])
                if f"{BY_PREFIX}{c}" in table.columns
                else ibis.null(types[c])
                for c in grouping
            },
            **{
                slot: table[kept].cast(dtype) if (kept := own.get(slot)) else ibis.null(dtype)
                for slot, dtype in slots.items()
            },
        )
        for name, table, own in placed
    ]
    records: list[dict[str, Any]] = []
    for row in ibis.union(*stacked).to_pyarrow().to_pylist():
        frame, scope = row[FRAME_COLUMN], row[SCOPE_COLUMN]
        record: dict[str, Any] = {FRAME_COLUMN: frame, SCOPE_COLUMN: scope}
        record |= {f"{BY_PREFIX}{c}": row[f"{BY_PREFIX}{c}"] for c in grouping}
        for slot, column in names[(frame, scope == ORGANIZATION)].items():
            record[column] = row[slot]
        records.append(record)
    return records


def compute(
    frames: Frames, metrics: list[Metric] | None = None
) -> tuple[
    dict[str, Value], dict[str, dict[str, dict[str, Value]]], dict[str, int], dict[str, int]
]:
    """Compute `metrics` (all by default) for the organization and every scope of SCOPES.

    The fourth return value is, per mean or percentile metric of the organization, how many
    items (rows with a sampled value) its figure is drawn from.

    A scope applies to a frame that has its column (meetings and work items have months only). In
    a group, each evidence family (chat, meetings, work) with fewer people than the charter's
    min_group_size is withheld: chat counts message authors, meetings the people who attended one
    that month, work the human item authors. The third return value counts the withheld
    (group, family) pairs; a group with nothing left is dropped whole.
    """
    chosen = list(METRICS.values()) if metrics is None else metrics
    wanted = {FRAMES[m.frame].family for m in chosen}
    organization: dict[str, Value] = {}
    scopes: dict[str, dict[str, dict[str, Value]]] = {}
    suppressed: dict[str, int] = {}
    samples: dict[str, int] = {}
    minimum = frames.charter.min_group_size
    groups: dict[str, dict[str, dict[str, Value]]] = {scope: {} for scope in SCOPES}
    present: dict[str, dict[str, set[str]]] = {scope: {} for scope in SCOPES}
    people: dict[str, dict[tuple[str, str], int]] = {scope: {} for scope in SCOPES}
    tables: dict[str, tuple[ir.Table, Parts]] = {}
    for spec in FRAMES.values():
        selected = [m for m in chosen if m.frame == spec.name]
        parts: Parts = {}
        for scope, by in SCOPES.items():
            counter = spec.people if by and spec.family in wanted else None
            if selected or counter is not None:
                parts[scope] = (selected, by, counter)
        frame = frames.get(spec.name) if parts else None
        if frame is None:
            continue
        parts = {s: part for s, part in parts.items() if set(part[1]) <= set(frame.columns)}
        if parts:
            tables[spec.name] = (frame, parts)
    for row in _stacked(tables) if tables else []:
        spec = FRAMES[row[FRAME_COLUMN]]
        scope = row[SCOPE_COLUMN]
        by = SCOPES[scope]
        selected, _, counter = tables[spec.name][1][scope]
        group = str(row[f"{BY_PREFIX}{by[0]}"]) if by else ""
        values = groups[scope].setdefault(group, {})
        present[scope].setdefault(group, set()).add(spec.family)
        for m in selected:
            values[m.id] = _clean(m, row[m.id])
            if not by and f"{SAMPLE_PREFIX}{m.id}" in row:
                samples[m.id] = int(row[f"{SAMPLE_PREFIX}{m.id}"] or 0)
        if by and counter is not None:
            people[scope][(spec.family, group)] = int(row[PEOPLE_COLUMN] or 0)
    for scope, by in SCOPES.items():
        # Registry order, whichever frame a value came from.
        ordered = {g: {m.id: v.get(m.id) for m in chosen} for g, v in groups[scope].items()}
        if not by:
            organization = ordered.get("", {m.id: None for m in chosen})
            continue
        kept: dict[str, dict[str, Value]] = {}
        withheld = 0
        for group, values in sorted(ordered.items()):
            families = present[scope][group] & wanted
            shown = {f for f in families if people[scope].get((f, group), 0) >= minimum}
            # A group counts once, however many of its evidence families were withheld.
            withheld += bool(families - shown)
            if shown:
                kept[group] = {
                    m.id: values[m.id] if FRAMES[m.frame].family in shown else None for m in chosen
                }
        suppressed[scope] = withheld
        scopes[scope] = kept
    return organization, scopes, suppressed, samples


def measure(
    *,
    store: Path | str,
    charter: Charter | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    secret: str | None = None,
    replicates: int = 0,
    seed: int = 0,
    cost: CostAssumptions | None = None,
    figures: bool = False,
) -> MeasureResult:
    """Compute every registered metric over the evidence for the period [since, until), in one
    opening of the evidence, with whatever else is asked of the same frames.

    Parameters:
        store: an evidence store written by `ingest`, or a Parquet folder written by
            `export --parquet` (or `simulate --parquet`); for Spark also a URI.
        charter: working norms; the documented defaults when omitted.
        since, until: UTC bounds on message time; a date `until` includes that whole day.
        engine: ``duckdb`` (default) or ``spark`` (a Parquet folder; the ``spark`` extra).
        spark_master: the Spark master URL; see :func:`asyncmaturity.store.evidence.open_evidence`.
        secret: a Parquet export's store secret, for a charter that names people.
        replicates: how many bootstrap replicates of the metrics to draw (0: none).
        seed: the bootstrap's seed.
        cost: estimate the coordination cost under these assumptions (None: no estimate).
        figures: also aggregate the report's distributions.
    """
    charter = charter or Charter()
    with open_evidence(store, engine=engine, spark_master=spark_master, secret=secret) as opened:
        frames = build_frames(opened, charter, since=since, until=until)
        visibility = read_visibility(opened)
        unknown = unknown_metrics(METRICS.values(), visibility)
        norms = frames.context.norms
        inapplicable = not_applicable(METRICS.values(), norms)
        unknown.update(inapplicable)
        organization, scopes, suppressed, samples = compute(frames)
        # What the exports cannot show comes first: it is the deeper reason.
        unknown = {**meeting_unknown(frames), **unknown}
        _forget(unknown, organization, scopes)
        notes = partial_notes(visibility)
        unmatched = frames.context.unmatched_charter_ids
        if unmatched:
            notes.append(
                f"{len(unmatched)} people named in the charter are not in the store; their "
                "entries had no effect"
            )
        systems = frames.context.record_systems
        if systems.unrecorded and systems.source != "charter":
            notes.append(
                f"{systems.unrecorded:,} human messages were ingested before the store kept the "
                "sites their links point at (schema 5): no system of record is detected from "
                "them; ingest the exports into a new store to detect one"
            )
        notes += meeting_notes(frames)
        drawn = None
        if replicates:
            known = [m for m in METRICS.values() if m.id not in unknown]
            by_metric, _ = metric_replicates(frames, known, seed=seed, replicates=replicates)
            drawn = Replicates(seed=seed, count=replicates, metrics=by_metric)
        estimate = None
        if cost is not None:
            start, end = period_bounds(since, until)
            weeks = period_weeks(frames.first, frames.last, start, end)
            estimate = coordination_cost(
                frames,
                organization,
                cost,
                weeks=weeks,
                direct_messages_seen=visibility[Visibility.DIRECT_MESSAGES].visible,
            )
        return MeasureResult(
            metrics=organization,
            scopes=scopes,
            suppressed=suppressed,
            charter=charter,
            store=str(store),
            counts=opened.counts(),
            first=frames.first,
            last=frames.last,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            notes=notes,
            replicates=drawn,
            cost=estimate,
            figures=evidence_figures(frames) if figures else None,
            visibility=visibility,
            unknown=unknown,
            not_applicable=sorted(inapplicable),
            assumptions=assumptions_of(frames.context, METRICS.values(), cost),
            norms=norms,
            samples={m: n for m, n in samples.items() if m not in unknown},
            record_systems=frames.context.record_systems,
        )


def _forget(
    unknown: dict[str, str],
    organization: dict[str, Value],
    scopes: dict[str, dict[str, dict[str, Value]]],
) -> None:
    """Null the values of `unknown` metrics everywhere: what no export shows is not 0."""
    for values in (organization, *(g for groups in scopes.values() for g in groups.values())):
        for metric_id in unknown:
            if metric_id in values:
                values[metric_id] = None
