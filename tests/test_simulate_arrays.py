"""The simulator's per-group array helpers agree with plain Python loops, empty groups included."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from asyncmaturity.simulate.arrays import Csr, group_starts, grouped_cumsum

# Group sizes, empty groups and an empty list of groups among them.
COUNTS = st.lists(st.integers(min_value=0, max_value=4), max_size=12)


@st.composite
def groups(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    """Group sizes and as many values as they hold."""
    counts = draw(COUNTS)
    values = draw(
        st.lists(
            st.integers(min_value=-(10**9), max_value=10**9),
            min_size=sum(counts),
            max_size=sum(counts),
        )
    )
    return counts, values


def brute_grouped_cumsum(values: list[int], counts: list[int]) -> list[int]:
    """Running sums restarting at every group, one entry at a time."""
    sums: list[int] = []
    position = 0
    for count in counts:
        running = 0
        for value in values[position : position + count]:
            running += value
            sums.append(running)
        position += count
    return sums


@given(groups())
def test_grouped_cumsum_matches_a_loop(case: tuple[list[int], list[int]]) -> None:
    counts, values = case
    result = grouped_cumsum(np.array(values, dtype=np.int64), np.array(counts, dtype=np.int64))
    assert result.dtype == np.int64
    assert result.tolist() == brute_grouped_cumsum(values, counts)


def test_grouped_cumsum_of_nothing() -> None:
    # np.array([]) is float64: empty input of either dtype gives an empty int64 array.
    for counts in (np.array([]), np.zeros(0, dtype=np.int64), np.zeros(3, dtype=np.int64)):
        result = grouped_cumsum(np.array([]), counts)
        assert result.dtype == np.int64
        assert result.tolist() == []


@given(COUNTS)
def test_group_starts_matches_a_loop(counts: list[int]) -> None:
    starts = [sum(counts[:g]) for g in range(len(counts))]
    assert group_starts(np.array(counts, dtype=np.int64)).tolist() == starts


@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=99), max_size=4), max_size=8), st.data()
)
def test_csr_rows_and_positions(rows: list[list[int]], data: st.DataObject) -> None:
    csr = Csr.from_rows(rows)
    assert [csr.row(i) for i in range(len(rows))] == rows
    picked = data.draw(
        st.lists(st.integers(min_value=0, max_value=len(rows) - 1)) if rows else st.just([])
    )
    positions = csr.positions(np.array(picked, dtype=np.int64))
    assert csr.flat[positions].tolist() == [v for i in picked for v in rows[i]]
