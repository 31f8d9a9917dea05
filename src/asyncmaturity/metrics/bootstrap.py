"""Bootstrap replicates of the registered metrics, so a before/after change is not sold as progress
when it is noise.

The resampling unit is the UTC day (a cluster bootstrap: messages of one day are not independent).
Each replicate gives every day a Poisson(1) weight (the Poisson bootstrap, which needs no
resampling of rows), and each metric is recomputed from per-day sufficient statistics that one
grouped query returns (:class:`asyncmaturity.metrics.Sample`): sums and counts for shares and
counts, a fine log-scale histogram for quantiles. Replicates are deterministic for a given seed
and set of days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from asyncmaturity.metrics.frameset import FRAMES, Frames
from asyncmaturity.metrics.registry import Metric, Sample

REPLICATES = 200
# Histogram resolution for quantiles: buckets of log1p(value) * 40, about 2.5% wide.
_BUCKETS_PER_E = 40.0

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class DayWeights:
    """Poisson(1) weights, one row per replicate, one column per day in `days`."""

    days: list[date]
    weights: FloatArray

    def column(self, day: date) -> FloatArray:
        """The weights of `day` in every replicate (zeros for a day not drawn)."""
        return self.weights[:, self.days.index(day)]


def day_weights(days: list[date], *, replicates: int = REPLICATES, seed: int = 0) -> DayWeights:
    """Weights keyed by the day itself, so a day gets the same weights in every metric and run."""
    ordered = sorted(set(days))
    columns = [
        np.random.default_rng([seed, day.toordinal()]).poisson(1.0, replicates).astype(np.float64)
        for day in ordered
    ]
    matrix = np.stack(columns, axis=1) if columns else np.zeros((replicates, 0))
    return DayWeights(days=ordered, weights=matrix)


def _bucket(value: ir.Value) -> ir.IntegerValue:
    numeric = value.cast("float64")
    bucket: ir.IntegerValue = (
        ((numeric.clip(lower=0.0) + 1.0).ln() * _BUCKETS_PER_E).floor().cast("int64")
    )
    return bucket


@dataclass(frozen=True)
class DayStatistics:
    """One metric's sufficient statistics by UTC day (as days since 1970-01-01).

    ``mean`` and ``sum`` samples: the sum (``sums``) and count (``counts``) of the values of each
    day; ``quantile`` samples: the count (``counts``) of each (day, ``buckets``) pair.
    """

    days: IntArray
    counts: FloatArray
    sums: FloatArray | None = None
    buckets: IntArray | None = None


def _epoch_days(column: pa.ChunkedArray) -> IntArray:
    return np.asarray(column.cast(pa.int32()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _floats(column: pa.ChunkedArray) -> FloatArray:
    # A day whose values are all null sums to null: nothing to add.
    filled = pc.fill_null(column.cast(pa.float64()), 0.0)
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.float64)


def _frame_statistics(
    table: ir.Table, samples: dict[str, Sample], day_column: str
) -> dict[str, DayStatistics]:
    """Per-day statistics of every sampled metric of one frame, in two grouped queries: sums and
    counts for shares and counts, (day, bucket) counts for quantiles."""
    day = table[day_column].date()
    ids = list(samples)
    found: dict[str, DayStatistics] = {}
    moments = [(i, s) for i, s in enumerate(samples.values()) if s.kind != "quantile"]
    if moments:
        rows = table.select(
            day=day, **{f"v{i}": sample.value(table).cast("float64") for i, sample in moments}
        )
        aggregates = {}
        for i, _ in moments:
            aggregates[f"s{i}"] = rows[f"v{i}"].sum()
            aggregates[f"n{i}"] = rows[f"v{i}"].count()
        by_day = rows.group_by("day").aggregate(**aggregates).to_pyarrow()
        by_day = by_day.filter(pc.is_valid(by_day["day"]))
        days = _epoch_days(by_day["day"])
        for i, _ in moments:
            found[ids[i]] = DayStatistics(
                days=days, counts=_floats(by_day[f"n{i}"]), sums=_floats(by_day[f"s{i}"])
            )
    quantiles = [(i, s) for i, s in enumerate(samples.values()) if s.kind == "quantile"]
    if quantiles:
        parts = [
            table.select(day=day, k=ibis.literal(i), bucket=_bucket(sample.value(table)))
            for i, sample in quantiles
        ]
        values = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
        values = values.filter(values.bucket.notnull(), values.day.notnull())
        counted = values.group_by(["k", "day", "bucket"]).aggregate(n=values.count())
        result = counted.to_pyarrow()
        which = np.asarray(result["k"].to_numpy(), dtype=np.int64)
        days = _epoch_days(result["day"])
        buckets = np.asarray(result["bucket"].to_numpy(), dtype=np.int64)
        counts = _floats(result["n"])
        for i, _ in quantiles:
            mine = which == i
            found[ids[i]] = DayStatistics(
                days=days[mine], counts=counts[mine], buckets=buckets[mine]
            )
    return found


def metric_replicates(
    frames: Frames,
    metrics: list[Metric],
    weights: DayWeights | None = None,
    *,
    seed: int = 0,
    replicates: int = REPLICATES,
) -> tuple[dict[str, list[float | None]], DayWeights]:
    """Bootstrap replicates of every metric that has a `sample`, over the days in the frames.

    Returns the replicates by metric id (None where a replicate has no data) and the weights used.
    """
    by_frame: dict[str, dict[str, Sample]] = {}
    for metric in metrics:
        if metric.sample is not None and FRAMES[metric.frame].day is not None:
            by_frame.setdefault(metric.frame, {})[metric.id] = metric.sample
    statistics: dict[str, DayStatistics] = {}
    for frame_name, samples in by_frame.items():
        table = frames.get(frame_name)
        day_column = FRAMES[frame_name].day
        if table is None or day_column is None:
            continue
        statistics.update(_frame_statistics(table, samples, day_column))
    if weights is None:
        seen = np.unique(
            np.concatenate([s.days for s in statistics.values()] or [np.zeros(0, np.int64)])
        )
        days = [_EPOCH + timedelta(days=int(offset)) for offset in seen]
        weights = day_weights(days, replicates=replicates, seed=seed)
    drawn = np.array([(day - _EPOCH).days for day in weights.days], dtype=np.int64)
    result: dict[str, list[float | None]] = {}
    for metric in metrics:
        if metric.id not in statistics or metric.sample is None:
            continue
        result[metric.id] = _replicate(metric.sample, statistics[metric.id], weights, drawn)
    return result, weights


def _replicate(
    sample: Sample, stats: DayStatistics, weights: DayWeights, drawn: IntArray
) -> list[float | None]:
    """One metric in every replicate; `drawn` holds the days of `weights`' columns."""
    count = weights.weights.shape[0]
    columns = np.searchsorted(drawn, stats.days)
    known = columns < len(drawn)
    known[known] = drawn[columns[known]] == stats.days[known]
    if not known.any():
        return [None] * count
    columns = columns[known]
    if sample.kind in ("sum", "mean"):
        assert stats.sums is not None
        w = weights.weights[:, columns]  # replicates x days
        sums = stats.sums[known]
        if sample.kind == "sum":
            return [float(v) for v in w @ sums]
        numerators, denominators = w @ sums, w @ stats.counts[known]
        return [
            float(n / d) if d > 0 else None for n, d in zip(numerators, denominators, strict=True)
        ]
    assert stats.buckets is not None
    buckets = stats.buckets[known]
    order = np.unique(buckets)
    # Values per (day, bucket), then each replicate's histogram as weights @ that matrix: the
    # weights and counts are whole numbers, so the sums are exact in any order.
    per_day = np.zeros((len(drawn), len(order)))
    np.add.at(per_day, (columns, np.searchsorted(order, buckets)), stats.counts[known])
    histogram = weights.weights @ per_day
    return [_histogram_quantile(h, order, sample.q) for h in histogram]


def _histogram_quantile(
    counts: FloatArray, buckets: npt.NDArray[np.int64], q: float
) -> float | None:
    """The `q` quantile, linear-interpolated between order statistics like the metrics' own
    (quantile_cont), of the values a weighted histogram holds; each value is its bucket's middle.

    The weights are whole numbers (Poisson draws), so the histogram is a multiset of `total`
    values: the quantile sits at rank q * (total - 1) among them.
    """
    total = counts.sum()
    if total <= 0:
        return None
    cumulative = np.cumsum(counts)
    rank = max(q * (total - 1), 0.0)
    below = math.floor(rank)
    last = len(buckets) - 1
    # Buckets holding the order statistics either side of the rank (zero-count buckets never do).
    lower = min(int(np.searchsorted(cumulative, below, side="right")), last)
    upper = min(int(np.searchsorted(cumulative, below + 1, side="right")), last)
    # A bucket's geometric middle on the log1p scale.
    low_value = math.expm1((buckets[lower] + 0.5) / _BUCKETS_PER_E)
    high_value = math.expm1((buckets[upper] + 0.5) / _BUCKETS_PER_E)
    return float(low_value + (rank - below) * (high_value - low_value))


def interval(
    before: Sequence[float | None],
    after: Sequence[float | None],
    point: float,
    *,
    level: float = 0.95,
) -> tuple[float, float] | None:
    """A percentile interval for `after - before`, centred on the exact `point` difference.

    Replicates of the two periods are independent draws, paired by index. Centring on the point
    estimate removes the small bias of bucketed quantile replicates. None when too few replicates
    have data on both sides.
    """
    differences = np.array(
        [a - b for a, b in zip(after, before, strict=False) if a is not None and b is not None]
    )
    if len(differences) < 20:
        return None
    centred = differences - float(np.median(differences))
    low, high = np.quantile(centred, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(point + low), float(point + high)


__all__ = [
    "REPLICATES",
    "DayWeights",
    "day_weights",
    "interval",
    "metric_replicates",
]
