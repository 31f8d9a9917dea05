"""The first reply per root is an arg-min over (time, key): ties in time go to the lower key."""

from __future__ import annotations

import ibis
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.metrics.frames import value_of_least

# Rows of (group, seconds, key): few groups and few distinct times, so that ties are common.
ROWS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.integers(min_value=0, max_value=3).map(float),
        st.text(alphabet="xyz", min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda row: (row[0], row[2]),
)


def _first_by_group(rows: list[tuple[str, float, str]]) -> dict[str, tuple[float, str]]:
    table = ibis.memtable(
        {
            "g": [r[0] for r in rows],
            "s": [r[1] for r in rows],
            "k": [r[2] for r in rows],
        }
    )
    first = table.group_by("g").aggregate(
        v=value_of_least(
            ibis.struct({"s": table.s, "k": table.k}), ibis.struct({"s": table.s, "k": table.k})
        )
    )
    frame = ibis.duckdb.connect().execute(first.unpack("v"))
    return {g: (s, k) for g, s, k in zip(frame["g"], frame["s"], frame["k"], strict=True)}


def test_a_tie_in_time_goes_to_the_lower_key() -> None:
    # Named after the quirk: two replies in the same second; "b" sorts before "c", whatever the
    # order of the rows.
    rows = [("root", 5.0, "c"), ("root", 5.0, "b"), ("root", 9.0, "a")]
    assert _first_by_group(rows) == {"root": (5.0, "b")}


@settings(max_examples=30, deadline=None)
@given(ROWS)
def test_value_of_least_is_the_brute_force_minimum(rows: list[tuple[str, float, str]]) -> None:
    # Brute force: per group, Python's min over (seconds, key) tuples.
    expected = {
        group: min((s, k) for g, s, k in rows if g == group) for group in {g for g, _, _ in rows}
    }
    assert _first_by_group(rows) == expected
