"""The day-level Poisson bootstrap: replicates agree with the exact metrics, weights are keyed by day,
quantiles from the log histogram stay within its resolution, and intervals behave."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.charter import Charter
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.bootstrap import (
    _BUCKETS_PER_E,
    DayWeights,
    _histogram_quantile,
    day_weights,
    interval,
    metric_replicates,
)
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.metrics.measure import compute
from asyncmaturity.simulate.export import simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.evidence import open_evidence
from asyncmaturity.store.ingest import ingest

# A value's bucket middle is within half a bucket, 1/80 on the log1p scale, of the value itself:
# |middle - v| <= (e^(1/80) - 1) * (1 + v), about 1.26% of 1 + v.
HALF_BUCKET = math.expm1(0.5 / _BUCKETS_PER_E)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Frames and exact metrics of a small simulated organization (store kept open)."""
    root = tmp_path_factory.mktemp("bootstrap")
    simulate_slack_export(root / "export", SimulationParams(people=12, days=14, seed=4))
    ingest([root / "export"], store=root / "s.duckdb")
    with open_evidence(root / "s.duckdb") as evidence:
        frames = build_frames(evidence, Charter())
        metrics, *_ = compute(frames)
        yield frames, metrics


def _sampled(kind: str) -> list[Any]:
    return [m for m in METRICS.values() if m.sample is not None and m.sample.kind == kind]


def test_unit_weights_reproduce_mean_and_sum_metrics_exactly(
    measured: tuple[Any, dict[str, Any]],
) -> None:
    frames, metrics = measured
    _, drawn = metric_replicates(frames, list(METRICS.values()), seed=0)
    # One replicate in which every day counts once: the sample itself.
    ones = DayWeights(days=drawn.days, weights=np.ones((1, len(drawn.days))))
    replicates, _ = metric_replicates(frames, list(METRICS.values()), ones)
    compared = 0
    for metric in _sampled("mean") + _sampled("sum"):
        exact = metrics[metric.id]
        if exact is None:
            assert replicates.get(metric.id, [None]) in ([None], [0.0]), metric.id
            continue
        assert replicates[metric.id][0] == pytest.approx(exact, rel=1e-12, abs=1e-12), metric.id
        compared += 1
    # Every chat share and count of the simulated store (12 of them) took part.
    assert compared >= 12
    assert replicates["messages.human"][0] == metrics["messages.human"]


def test_unit_weights_reproduce_quantile_metrics_within_a_bucket(
    measured: tuple[Any, dict[str, Any]],
) -> None:
    frames, metrics = measured
    _, drawn = metric_replicates(frames, list(METRICS.values()), seed=0)
    ones = DayWeights(days=drawn.days, weights=np.ones((1, len(drawn.days))))
    replicates, _ = metric_replicates(frames, _sampled("quantile"), ones)
    compared = 0
    for metric in _sampled("quantile"):
        exact = metrics[metric.id]
        if exact is None:
            continue
        value = replicates[metric.id][0]
        assert value is not None
        assert abs(value - exact) <= HALF_BUCKET * (1 + exact) + 1e-9, metric.id
        compared += 1
    assert compared == 4  # median and p90 of the wall-clock and business first reply


def test_a_replicate_that_draws_no_day_has_no_share_and_a_zero_count(
    measured: tuple[Any, dict[str, Any]],
) -> None:
    frames, _ = measured
    _, drawn = metric_replicates(frames, list(METRICS.values()), seed=0)
    zeros = DayWeights(days=drawn.days, weights=np.zeros((1, len(drawn.days))))
    replicates, _ = metric_replicates(frames, list(METRICS.values()), zeros)
    assert replicates["messages.dm_share"] == [None]
    assert replicates["messages.human"] == [0.0]
    assert replicates["response.first_reply.median_s"] == [None]


def test_replicates_are_deterministic_per_seed(measured: tuple[Any, dict[str, Any]]) -> None:
    frames, _ = measured
    chosen = [METRICS["messages.dm_share"], METRICS["response.first_reply.median_s"]]
    first, _ = metric_replicates(frames, chosen, seed=3)
    again, _ = metric_replicates(frames, chosen, seed=3)
    other, _ = metric_replicates(frames, chosen, seed=4)
    assert first == again
    assert first["messages.dm_share"] != other["messages.dm_share"]
    assert len(first["messages.dm_share"]) == 200


# -- the histogram quantile ---------------------------------------------------------------------


def _histogram(values: list[float], weights: list[int]) -> tuple[Any, Any]:
    buckets = np.floor(np.log1p(np.array(values)) * _BUCKETS_PER_E).astype(np.int64)
    order = np.unique(buckets)
    counts = np.zeros(len(order))
    np.add.at(counts, np.searchsorted(order, buckets), np.array(weights, dtype=np.float64))
    return counts, order


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=0.0, max_value=1e7, allow_nan=False), min_size=1, max_size=60
    ),
    q=st.sampled_from([0.0, 0.1, 0.5, 0.9, 0.99, 1.0]) | st.floats(0.0, 1.0),
)
def test_histogram_quantile_is_within_a_bucket_of_the_linear_quantile(
    values: list[float], q: float
) -> None:
    counts, order = _histogram(values, [1] * len(values))
    exact = float(np.quantile(values, q))  # linear interpolation, like DuckDB's quantile_cont
    found = _histogram_quantile(counts, order, q)
    assert found is not None
    # Sparse samples are the hard case: [1, 1000] has median 500.5, not a value near 1 or 1000.
    assert abs(found - exact) <= HALF_BUCKET * (1 + exact) + 1e-9 * (1 + exact)


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=1e6, allow_nan=False), st.integers(0, 4)),
        min_size=1,
        max_size=40,
    ).filter(lambda pairs: sum(w for _, w in pairs) > 0),
    q=st.floats(0.0, 1.0),
)
def test_weighted_histogram_quantile_is_the_quantile_of_the_repeated_sample(
    data: list[tuple[float, int]], q: float
) -> None:
    # A Poisson weight w counts a value w times: the quantile of the sample with repeats.
    values, weights = [v for v, _ in data], [w for _, w in data]
    counts, order = _histogram(values, weights)
    exact = float(np.quantile(np.repeat(values, weights), q))
    found = _histogram_quantile(counts, order, q)
    assert found is not None
    assert abs(found - exact) <= HALF_BUCKET * (1 + exact) + 1e-9 * (1 + exact)


def test_histogram_quantile_of_nothing_is_none() -> None:
    assert _histogram_quantile(np.zeros(2), np.array([3, 7], dtype=np.int64), 0.5) is None


# -- day weights ---------------------------------------------------------------------------------


def test_day_weights_are_keyed_by_seed_and_day_alone() -> None:
    monday = date(2026, 3, 2)
    week = [monday + timedelta(days=i) for i in range(7)]
    full = day_weights(week, seed=7)
    # The same day gets the same column whichever other days are present, and in any order.
    alone = day_weights([week[3]], seed=7)
    shuffled = day_weights([week[5], week[3], week[3], week[0]], seed=7)
    assert np.array_equal(full.column(week[3]), alone.column(week[3]))
    assert np.array_equal(full.column(week[3]), shuffled.column(week[3]))
    assert shuffled.days == [week[0], week[3], week[5]]  # sorted, duplicates dropped
    assert np.array_equal(day_weights(week, seed=7).weights, full.weights)
    # Another seed, or another day, draws other weights.
    assert not np.array_equal(day_weights(week, seed=8).column(week[3]), full.column(week[3]))
    assert not np.array_equal(full.column(week[3]), full.column(week[4]))
    assert full.weights.shape == (200, 7)


def test_day_weights_are_poisson_one() -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(60)]
    weights = day_weights(days, seed=1).weights
    assert np.all(weights >= 0) and np.all(weights == np.round(weights))
    # 12,000 Poisson(1) draws: mean and variance 1 (standard error about 0.01 and 0.02).
    assert weights.mean() == pytest.approx(1.0, abs=0.05)
    assert weights.var() == pytest.approx(1.0, abs=0.1)
    assert day_weights([], seed=1).weights.shape == (200, 0)


# -- intervals -----------------------------------------------------------------------------------


def test_interval_needs_twenty_usable_replicates() -> None:
    before: list[float | None] = [1.0] * 19 + [None] * 5
    after: list[float | None] = [2.0] * 19 + [3.0] * 5
    # 19 pairs with data on both sides: too few.
    assert interval(before, after, 1.0) is None
    # A missing value on the after side also drops the pair.
    assert interval([1.0] * 25, [2.0] * 19 + [None] * 6, 1.0) is None
    assert interval([1.0] * 20, [2.0] * 20, 1.0) == (1.0, 1.0)


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    shift=st.floats(-50, 50, allow_nan=False),
    point=st.floats(-100, 100, allow_nan=False),
)
def test_interval_contains_the_point_change(seed: int, shift: float, point: float) -> None:
    rng = np.random.default_rng(seed)
    before = list(rng.normal(10, 3, 200))
    after = list(rng.normal(10 + shift, 3, 200))
    bounds = interval(before, after, point)
    assert bounds is not None
    low, high = bounds
    assert low <= point <= high
    # Its width is the spread of the replicate differences, whatever the centre.
    differences = np.array(after) - np.array(before)
    width = np.quantile(differences, 0.975) - np.quantile(differences, 0.025)
    assert high - low == pytest.approx(width)


def test_interval_excludes_zero_for_a_clear_shift() -> None:
    rng = np.random.default_rng(0)
    before = list(rng.normal(0.6, 0.02, 200))
    after = list(rng.normal(0.1, 0.02, 200))
    bounds = interval(before, after, -0.5)
    assert bounds is not None and bounds[1] < 0
