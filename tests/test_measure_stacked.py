"""The one query of a measurement (`_stacked`): each frame's organization and breakdown scopes
come from one aggregation each (on both engines), stacked on one schema.

Expected figures are computed here in plain Python from the same rows, scope by scope.
"""

from __future__ import annotations

import statistics
from typing import Any

import ibis
import ibis.expr.types as ir
import pytest

from asyncmaturity.metrics.measure import (
    BY_PREFIX,
    FRAME_COLUMN,
    PEOPLE_COLUMN,
    SAMPLE_PREFIX,
    SCOPE_COLUMN,
    Parts,
    _stacked,
)
from asyncmaturity.metrics.registry import Metric, Sample

COUNT = Metric("t.count", "rows", "count", "t", "rows", lambda t: t.count())
MEAN = Metric(
    "t.mean",
    "mean wait",
    "seconds",
    "t",
    "mean of wait_s",
    lambda t: t.wait_s.mean(),
    sample=Sample("mean", lambda t: t.wait_s),
)
MEDIAN = Metric(
    "t.median",
    "median wait",
    "seconds",
    "t",
    "median of wait_s",
    lambda t: t.wait_s.quantile(0.5),
    sample=Sample("quantile", lambda t: t.wait_s),
)
METRICS = [COUNT, MEAN, MEDIAN]

# A row without a channel belongs to no channel group but to its month; a null wait is left
# out of the mean and the median but counted as a row.
ROWS_WITH_A_CHANNELLESS_ROW_AND_A_NULL_WAIT = [
    {"person": "p1", "channel": "a", "month": "2026-01", "wait_s": 10.0},
    {"person": "p2", "channel": "a", "month": "2026-01", "wait_s": 30.0},
    {"person": "p1", "channel": "a", "month": "2026-02", "wait_s": None},
    {"person": "p3", "channel": "b", "month": "2026-02", "wait_s": 5.0},
    {"person": "p3", "channel": None, "month": "2026-02", "wait_s": 7.0},
]
SCHEMA = {"person": "string", "channel": "string", "month": "string", "wait_s": "float64"}


def people(table: ir.Table) -> ir.Scalar:
    """The frame's people counter: distinct people."""
    return table.person.nunique()


PARTS: Parts = {
    "organization": (METRICS, [], None),
    "channel": (METRICS, ["channel"], people),
    "month": (METRICS, ["month"], people),
}


def frame_of(rows: list[dict[str, Any]]) -> ir.Table:
    """`rows` as a table of :data:`SCHEMA` (typed even when empty)."""
    columns = {name: [row[name] for row in rows] for name in SCHEMA}
    return ibis.memtable(columns, schema=SCHEMA)


def expected(rows: list[dict[str, Any]], column: str | None) -> dict[Any, dict[str, Any]]:
    """Per group of `column` (None: the organization), the figures computed row by row."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        if column is None or row[column] is not None:
            groups.setdefault(None if column is None else row[column], []).append(row)
    if column is None:
        groups.setdefault(None, [])
    figures = {}
    for group, members in groups.items():
        waits = [r["wait_s"] for r in members if r["wait_s"] is not None]
        figures[group] = {
            "t.count": len(members),
            "t.mean": statistics.fmean(waits) if waits else None,
            "t.median": statistics.median(waits) if waits else None,
            "people": len({r["person"] for r in members}),
            "samples": len(waits),
        }
    return figures


def found(records: list[dict[str, Any]], scope: str, column: str | None) -> dict[Any, Any]:
    """The figures of `scope` in the stacked `records`, per group of `column`."""
    figures = {}
    for record in records:
        if record[SCOPE_COLUMN] != scope:
            continue
        assert record[FRAME_COLUMN] == "t"
        group = None if column is None else record[f"{BY_PREFIX}{column}"]
        figures[group] = {m.id: record[m.id] for m in METRICS}
        if column is None:
            figures[group]["samples"] = record[f"{SAMPLE_PREFIX}{MEAN.id}"]
            assert record[f"{SAMPLE_PREFIX}{MEDIAN.id}"] == record[f"{SAMPLE_PREFIX}{MEAN.id}"]
        else:
            figures[group]["people"] = record[PEOPLE_COLUMN]
    return figures


def test_each_breakdown_scope_gets_the_figures_of_its_own_grouping() -> None:
    rows = ROWS_WITH_A_CHANNELLESS_ROW_AND_A_NULL_WAIT
    records = _stacked({"t": (frame_of(rows), PARTS)})
    organization = expected(rows, None)[None]
    del organization["people"]
    assert found(records, "organization", None) == {None: pytest.approx(organization)}
    for scope in ("channel", "month"):
        by_group = expected(rows, scope)
        for figures in by_group.values():
            del figures["samples"]
        groups = found(records, scope, scope)
        assert sorted(groups) == sorted(by_group)
        for group, figures in by_group.items():
            assert groups[group] == pytest.approx(figures), (scope, group)
    # The channelless row is in no channel group: a, b.
    assert sorted(found(records, "channel", "channel")) == ["a", "b"]


def test_an_empty_frame_still_gives_the_organization_its_zero_count() -> None:
    records = _stacked({"t": (frame_of([]), PARTS)})
    assert [r[SCOPE_COLUMN] for r in records] == ["organization"]
    assert found(records, "organization", None) == {
        None: {"t.count": 0, "t.mean": None, "t.median": None, "samples": 0}
    }


# A second frame whose values share the stacked columns with the first frame's (a count, then a
# float): each frame's rows must come back under their own metric names.
LONGEST = Metric(
    "u.longest", "longest wait", "seconds", "u", "max of wait_s", lambda t: t.wait_s.max()
)
U_COUNT = Metric("u.count", "rows", "count", "u", "rows", lambda t: t.count())
U_PARTS: Parts = {
    "organization": ([U_COUNT, LONGEST], [], None),
    "month": ([U_COUNT, LONGEST], ["month"], people),
}


def test_frames_sharing_the_stacked_columns_keep_their_own_figures() -> None:
    t_rows = ROWS_WITH_A_CHANNELLESS_ROW_AND_A_NULL_WAIT
    u_rows = [
        {"person": "p9", "channel": None, "month": "2026-03", "wait_s": 100.0},
        {"person": "p8", "channel": None, "month": "2026-03", "wait_s": 40.0},
        {"person": "p9", "channel": None, "month": "2026-04", "wait_s": None},
    ]
    records = _stacked({"t": (frame_of(t_rows), PARTS), "u": (frame_of(u_rows), U_PARTS)})
    by_frame: dict[tuple[str, str, Any], dict[str, Any]] = {}
    for record in records:
        group = record[f"{BY_PREFIX}month"] if record[SCOPE_COLUMN] == "month" else None
        if record[SCOPE_COLUMN] in ("organization", "month"):
            by_frame[(record[FRAME_COLUMN], record[SCOPE_COLUMN], group)] = record
    u_org = by_frame[("u", "organization", None)]
    assert (u_org["u.count"], u_org["u.longest"]) == (3, 100.0)
    assert "t.count" not in u_org and SAMPLE_PREFIX + MEAN.id not in u_org
    assert (
        by_frame[("u", "month", "2026-04")]["u.longest"],
        by_frame[("u", "month", "2026-04")][PEOPLE_COLUMN],
    ) == (None, 1)
    assert by_frame[("u", "month", "2026-03")]["u.count"] == 2
    t_org = by_frame[("t", "organization", None)]
    assert (t_org["t.count"], t_org["t.mean"], t_org[SAMPLE_PREFIX + MEAN.id]) == (5, 13.0, 4)
    assert "u.count" not in t_org
    assert by_frame[("t", "month", "2026-02")]["t.count"] == 3
