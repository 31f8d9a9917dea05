"""The label-agreement script of issue 18 (`benchmarks/await_agreement.py`) and its data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import await_agreement  # noqa: E402

labelling_pairs = st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40)


def test_kappa_of_a_hand_counted_table() -> None:
    # 10 items: both yes 4, both no 3, first only 2, second only 1. Observed agreement 7/10;
    # first says yes 6/10, second 5/10, so chance agreement 0.6*0.5 + 0.4*0.5 = 0.5 and
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    first = [True] * 4 + [False] * 3 + [True] * 2 + [False]
    second = [True] * 4 + [False] * 3 + [False] * 2 + [True]
    kappa = await_agreement.kappa(first, second)
    assert kappa is not None and abs(kappa - 0.4) < 1e-12


@given(labelling_pairs)
def test_kappa_is_symmetric_and_at_most_one(pairs: list[tuple[bool, bool]]) -> None:
    first, second = [a for a, _ in pairs], [b for _, b in pairs]
    forward, backward = await_agreement.kappa(first, second), await_agreement.kappa(second, first)
    assert (forward is None) == (backward is None)
    if forward is not None and backward is not None:
        assert abs(forward - backward) < 1e-12
        assert forward <= 1 + 1e-12


@given(labelling_pairs)
def test_precision_and_recall_swap_with_the_labellers(pairs: list[tuple[bool, bool]]) -> None:
    # The ceiling argument rests on this: scoring B against A is scoring A against B reversed.
    first, second = [a for a, _ in pairs], [b for _, b in pairs]
    forward = await_agreement.precision_recall(first, second)
    backward = await_agreement.precision_recall(second, first)
    assert forward["precision"] == backward["recall"]
    assert forward["recall"] == backward["precision"]
    tp = sum(a and b for a, b in pairs)
    if sum(second):
        assert forward["precision"] == tp / sum(second)


def test_wilson_interval_of_no_successes() -> None:
    # With no successes the upper bound is z^2 / (n + z^2): 1.96^2 / (10 + 1.96^2) = 0.2775.
    bounds = await_agreement.wilson(0, 10)
    assert bounds is not None
    assert abs(bounds[0]) < 1e-12
    assert abs(bounds[1] - 3.8416 / 13.8416) < 1e-9
    assert await_agreement.wilson(0, 0) is None


def test_agreement_file_points_into_the_dev_split_only() -> None:
    # The second labelling is of dev messages (never the frozen test parts) and holds no text.
    dev = {r["id"]: r for r in await_agreement.read_jsonl(await_agreement.DEV)}
    second = await_agreement.read_jsonl(await_agreement.AGREEMENT)
    assert len(second) >= 140
    assert all("text" not in record for record in second)
    assert all(dev[r["id"]]["source"] == r["source"] for r in second)
    assert len({r["id"] for r in second}) == len(second)
    frozen = {
        json.dumps(json.loads(line)["source"], sort_keys=True)
        for line in (BENCHMARKS / "await_eval" / "real_test.jsonl").read_text().splitlines()
    }
    assert not frozen & {json.dumps(r["source"], sort_keys=True) for r in second}
