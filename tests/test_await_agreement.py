"""The label-agreement script of issue 18 (`benchmarks/await_agreement.py`) and its data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
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


def _labelled(ident: str, asks: bool, window: bool, deadline: str | None) -> dict[str, object]:
    elements = None if not asks else True
    return {
        "id": ident,
        "text": f"message {ident}",
        "sent_at": "2026-03-11T10:00:00",
        "timezone": "Europe/Paris",
        "is_request": asks,
        "assign": elements,
        "window": window if asks else None,
        "action": elements,
        "information": elements,
        "thread": elements,
        "deadline": deadline,
        "note": None,
    }


def test_compare_takes_a_pair_of_files_with_inline_texts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Seven messages. is_request: first T T T T T F F, second T T T T F F T: observed 5/7,
    # each says yes 5/7, chance (5/7)^2 + (2/7)^2 = 29/49, kappa (35/49 - 29/49) / (20/49) = 0.3.
    # Window over the four both call requests: first T T T F, second T T F F: observed 3/4,
    # chance 3/4 * 1/2 + 1/4 * 1/2 = 1/2, kappa (3/4 - 1/2) / (1/2) = 0.5; precision 2/2, recall
    # 2/3. Deadlines where both see a window: m1 the same instant written with and without
    # seconds (agrees), m2 a day apart (differs): 1 of 2.
    first = [
        _labelled("m1", True, True, "2026-03-13T17:00:00"),
        _labelled("m2", True, True, "2026-03-16T17:00:00"),
        _labelled("m3", True, True, "2026-03-12T12:00:00"),
        _labelled("m4", True, False, None),
        _labelled("m5", True, False, None),
        _labelled("m6", False, False, None),
        _labelled("m7", False, False, None),
    ]
    second = [
        _labelled("m1", True, True, "2026-03-13T17:00"),
        _labelled("m2", True, True, "2026-03-17T17:00:00"),
        _labelled("m3", True, False, None),
        _labelled("m4", True, False, None),
        _labelled("m5", False, False, None),
        _labelled("m6", False, False, None),
        _labelled("m7", True, False, None),
    ]
    first_path, second_path, out = (
        tmp_path / "first.jsonl",
        tmp_path / "second.jsonl",
        tmp_path / "o.json",
    )
    for path, records in ((first_path, first), (second_path, second)):
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    argv = ["compare", "--first", str(first_path), "--second", str(second_path)]
    assert await_agreement.main([*argv, "--json", str(out), "--texts"]) == 0
    result = json.loads(out.read_text())
    assert abs(result["is_request"]["kappa"] - 0.3) < 1e-12
    assert result["is_request"]["n"] == 7
    window = result["window"]
    assert window["n"] == 4 and abs(window["kappa"] - 0.5) < 1e-12
    assert window["second_vs_first"]["precision"] == 1.0
    assert abs(window["second_vs_first"]["recall"] - 2 / 3) < 1e-12
    assert window["disagreements"] == [{"id": "m3", "first": True, "second": False}]
    # Every element but the window agrees on all four requests: kappa undefined, not 1.
    assert result["assign"]["agreement"] == 1.0 and result["assign"]["kappa"] is None
    assert result["deadline"] == {
        "n": 2,
        "agreed": 1,
        "agreement": 0.5,
        "disagreements": [
            {"id": "m2", "first": "2026-03-16T17:00:00", "second": "2026-03-17T17:00:00"}
        ],
    }
    printed = capsys.readouterr().out
    # The disagreeing texts come from the records themselves, with no archive to resolve.
    assert (
        "message m3" in printed
        and "deadline, same instant where both see a window: 1 of 2" in printed
    )


def test_compare_refuses_ids_the_first_labelling_lacks() -> None:
    first = [_labelled("m1", True, False, None)]
    with pytest.raises(ValueError, match="not in the first"):
        await_agreement.compare(first, [_labelled("m9", True, False, None)])


def test_compare_defaults_to_the_real_dev_pair(tmp_path: Path) -> None:
    # Today's behaviour: without --first/--second the real dev split and its blind labelling.
    out = tmp_path / "dev.json"
    assert await_agreement.main(["compare", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    second = await_agreement.read_jsonl(await_agreement.AGREEMENT)
    assert result["is_request"]["n"] == len(second)
    assert result["deadline"]["n"] == 0


def test_bare_file_names_are_looked_up_in_the_evaluation_folder() -> None:
    found = await_agreement.labelled_file(Path("agreement_lang_fr2.jsonl"))
    assert found == await_agreement.HERE / "agreement_lang_fr2.jsonl" and found.exists()
