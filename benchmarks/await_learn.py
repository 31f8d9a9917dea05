"""Would a small learned layer over the AWAIT rules beat them? Cross-validated on dev data only.

    .venv/bin/python benchmarks/await_learn.py [--folds 5] [--json OUT.json]

Issue 18 allows a learned model over features (weights shipped as package data). This script
asks whether one is worth shipping: per field (is_request over all messages, each element over
the labelled requests, as `await_eval.py` scores them) it fits an L2 logistic regression over
features the rules already compute (which rule parts fired) and the message's shape (length,
question marks, lines, links, where the first ask sits), and compares it with the rule's own
verdict on the same held-out folds: stratified k-fold over the union of the sets the rules may
be tuned on (main, real dev, tracker dev, the five languages' tuning parts). The frozen parts
are never read. A layer is worth shipping only where its cross-validated F1 beats the rule's.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import await_eval

from asyncmaturity.await_protocol import rules

# The sets the rules may be tuned on; the frozen test parts are not among them.
DEV_SETS = ("main", "real-dev", "tracker-dev", "lang-tune")
FIELDS = ("is_request", "assign", "action", "information", "thread")
SIGNAL_OF = {
    "is_request": "is_request",
    "assign": "await_assign",
    "action": "await_action",
    "information": "await_information",
}
SEED = 20261207


def features(text: str) -> dict[str, float]:
    """The rule parts that fire on `text` and its shape, as numbers (booleans are 0/1).

    Parameters: `text`, the message as sent.
    """
    text = text[: rules.MAX_SIGNAL_CHARS]
    plain = rules.plain_text(text)
    asking = rules.asking_text(plain)
    clauses = rules.without_mentions(asking)
    signal = rules.signals(text)
    words = len(rules.WORD.compiled.findall(plain))
    lines = text.count("\n") + 1
    first_ask = rules.REQUEST.search(asking)
    return {
        **{f"signal_{name}": float(value) for name, value in signal.items()},
        "request_phrase": float(bool(first_ask)),
        "imperative": float(bool(rules.IMPERATIVE.search(clauses))),
        "question_mark": float("?" in asking),
        "question_marks": min(asking.count("?"), 5) / 5,
        "removed_non_ask": float(asking != plain),
        "ask_position": (first_ask.start() / max(len(asking), 1)) if first_ask else 1.0,
        "log_words": math.log1p(words) / 7,
        "lines": min(lines, 40) / 40,
        "link": float(bool(rules.URL.search(text))),
        "record_link": float(bool(rules.record_link(text))),
        "mention": float(bool(rules.ANY_MENTION.search(plain))),
        "context_words": float(bool(rules.context_words(plain))),
        "quoted_code": min(sum(line.startswith((" ", "\t")) for line in text.split("\n")), 20) / 20,
    }


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Weights (bias last) of an L2-regularised logistic regression, by Newton's method.

    Parameters: `x` the feature matrix, `y` the 0/1 labels, `l2` the penalty (not on the bias),
    `steps` the Newton iterations.
    """
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + penalty @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(weights)), gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    return weights


def predict(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """0/1 predictions of a fitted layer: the weighted sum above zero."""
    return (np.hstack([x, np.ones((len(x), 1))]) @ weights > 0).astype(int)


def scores(truth: list[int], predicted: list[int]) -> dict[str, float]:
    """Precision, recall and F1 of `predicted` against `truth` (0 where undefined)."""
    tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t and p)
    fp = sum(1 for t, p in zip(truth, predicted, strict=True) if p and not t)
    fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def folds_of(labels: list[int], k: int) -> list[int]:
    """A fold number per example, stratified by label, seeded."""
    rng = random.Random(SEED)
    fold = [0] * len(labels)
    for value in (0, 1):
        members = [i for i, label in enumerate(labels) if label == value]
        rng.shuffle(members)
        for n, i in enumerate(members):
            fold[i] = n % k
    return fold


def cross_validate(records: list[dict[str, Any]], k: int) -> dict[str, Any]:
    """Per field: the rule's and the layer's precision/recall/F1 over k held-out folds."""
    feats = [features(r["text"]) for r in records]
    names = sorted(feats[0])
    matrix = np.array([[f[n] for n in names] for f in feats])
    result: dict[str, Any] = {}
    for field in FIELDS:
        rows = [i for i, r in enumerate(records) if field == "is_request" or r["is_request"]]
        truth = [int(bool(records[i][field])) for i in rows]
        if field == "thread":
            rule = [1 - int(feats[i]["signal_sync_request"]) for i in rows]
        else:
            rule = [int(feats[i][f"signal_{SIGNAL_OF[field]}"]) for i in rows]
        fold = folds_of(truth, k)
        learned = [0] * len(rows)
        x = matrix[rows]
        y = np.array(truth)
        for held in range(k):
            train = [j for j in range(len(rows)) if fold[j] != held]
            test = [j for j in range(len(rows)) if fold[j] == held]
            weights = fit(x[train], y[train])
            for j, value in zip(test, predict(weights, x[test]), strict=True):
                learned[j] = int(value)
        result[field] = {
            "n": len(rows),
            "positives": sum(truth),
            "rules": scores(truth, rule),
            "learned": scores(truth, learned),
        }
        # The same held-out predictions on each set alone: the pooled figure is dominated by
        # the main set, which the rules were written on.
        for name in DEV_SETS:
            part = [j for j, i in enumerate(rows) if records[i]["set"] == name]
            result[field][name] = {
                "rules": scores([truth[j] for j in part], [rule[j] for j in part]),
                "learned": scores([truth[j] for j in part], [learned[j] for j in part]),
            }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", type=Path, metavar="OUT")
    args = parser.parse_args(argv)
    records = [{**r, "set": name} for name in DEV_SETS for r in await_eval.load(name)]
    result = cross_validate(records, args.folds)
    print(f"Dev data: {len(records)} messages ({', '.join(DEV_SETS)}), {args.folds}-fold CV")
    print("| field | n | positives | rules P/R/F1 | learned P/R/F1 | learned beats rules |")
    print("|---|---:|---:|---|---|---|")
    for field, row in result.items():
        r, m = row["rules"], row["learned"]
        print(
            f"| {field} | {row['n']} | {row['positives']} | "
            f"{r['precision']:.3f}/{r['recall']:.3f}/{r['f1']:.3f} | "
            f"{m['precision']:.3f}/{m['recall']:.3f}/{m['f1']:.3f} | "
            f"{'yes' if m['f1'] > r['f1'] else 'no'} |"
        )
    print("\nThe same held-out predictions per set (rules -> learned, P/R):")
    for field, row in result.items():
        parts = [
            f"{name} {row[name]['rules']['precision']:.3f}/{row[name]['rules']['recall']:.3f}"
            f" -> {row[name]['learned']['precision']:.3f}/{row[name]['learned']['recall']:.3f}"
            for name in DEV_SETS
        ]
        print(f"- {field}: " + "; ".join(parts))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
