"""NumPy building blocks of the vectorised simulation: array types, rows stored flat, groups, draws.

A *group* is a run of consecutive entries of a flat array; ``counts`` gives the groups' sizes in
order, and a group may be empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.object_]


def group_starts(counts: IntArray) -> IntArray:
    """Index of each group's first entry in a flat array of groups of ``counts`` entries."""
    sizes = np.asarray(counts, dtype=np.int64)
    starts: IntArray = np.cumsum(sizes) - sizes
    return starts


def grouped_cumsum(values: IntArray, counts: IntArray) -> IntArray:
    """Running sums of ``values`` restarting at each group of ``counts`` consecutive entries."""
    sizes = np.asarray(counts, dtype=np.int64)
    total = np.cumsum(np.asarray(values, dtype=np.int64))
    # The sum of the entries before each group; an empty last group starts one past the end,
    # hence the leading zero rather than indexing `total - values`.
    before = np.concatenate([np.zeros(1, dtype=np.int64), total])[group_starts(sizes)]
    result: IntArray = total - np.repeat(before, sizes)
    return result


def draw_weighted(rng: np.random.Generator, cdf: FloatArray, n: int) -> IntArray:
    """``n`` indexes drawn in proportion to the weights whose running sums are ``cdf``."""
    slot = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    result: IntArray = np.minimum(slot, len(cdf) - 1).astype(np.int64)
    return result


def lognormal(
    rng: np.random.Generator, median: float, sigma: float, n: int, low: float, high: float
) -> FloatArray:
    """``n`` log-normal draws around ``median`` (of the log's sigma ``sigma``), clipped to [low, high]."""
    result: FloatArray = np.clip(median * np.exp(sigma * rng.standard_normal(n)), low, high)
    return result


@dataclass
class Csr:
    """Rows of integer lists stored flat (compressed sparse rows), for vectorised sampling."""

    flat: IntArray
    offset: IntArray
    count: IntArray

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[int]]) -> Csr:
        count = np.array([len(r) for r in rows], dtype=np.int64)
        flat = np.array([v for r in rows for v in r], dtype=np.int64)
        return cls(flat, group_starts(count), count)

    def row(self, index: int) -> list[int]:
        """The elements of row ``index``."""
        start = int(self.offset[index])
        values: list[int] = self.flat[start : start + int(self.count[index])].tolist()
        return values

    def sample(self, rows: IntArray, uniform: FloatArray) -> IntArray:
        """One uniform element of each row (``uniform`` in [0, 1), any shape broadcasting)."""
        if uniform.ndim == 2:
            slot = (uniform * self.count[rows][:, None]).astype(np.int64)
            result: IntArray = self.flat[self.offset[rows][:, None] + slot]
            return result
        slot = (uniform * self.count[rows]).astype(np.int64)
        result = self.flat[self.offset[rows] + slot]
        return result

    def index_of(self, rows: IntArray, uniform: FloatArray) -> IntArray:
        """Flat positions of one uniform element of each row (``uniform`` of shape (n, k))."""
        slot = (uniform * self.count[rows][:, None]).astype(np.int64)
        result: IntArray = self.offset[rows][:, None] + slot
        return result

    def positions(self, rows: IntArray) -> IntArray:
        """Flat positions of every element of ``rows``, row by row."""
        counts = self.count[rows]
        base = np.repeat(self.offset[rows] - group_starts(counts), counts)
        result: IntArray = base + np.arange(int(counts.sum()), dtype=np.int64)
        return result
