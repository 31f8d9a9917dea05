"""Would a lexical learned layer (words plus the rules' features) beat the AWAIT rules on dev?

    .venv/bin/python benchmarks/await_lexical.py [--folds 5] [--json OUT.json]

Issue 18 allows a small learned model next to the rules. `await_learn.py` showed that a layer
over the rules' own features only copies them; this script adds what the rules cannot weigh:
the words. Per field (is_request over all messages, then each element over the labelled
requests, as `await_eval.py` scores them) it fits an L2 logistic regression (scikit-learn,
here only: the core does not depend on it) over binary word unigrams and bigrams (a vocabulary
built from the training folds only; mentions, links and numbers folded into one token each) plus
the 24 rule features of `await_learn.py`, and compares it with the rule's own verdict on the
same held-out folds.

Data: the sets the rules may be tuned on (main, real dev, tracker dev, the five languages'
tuning parts); the frozen parts are never read. Folds are stratified and grouped so that one
thread never sits in two folds: a Slack day file, an e-mail subject (the list thread), a Jira
issue; the hand-written sets have no threads (each message its own group).

Two operating points of the layer: the probability above 0.5, and a threshold set on the
training folds alone (by an inner grouped cross-validation) to reach the rule's recall there:
its precision is the figure to compare with the rule's at equal recall. The rules were tuned on
these same messages, so the comparison favours them; the layer would have to win anyway.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import await_eval
import await_learn
from await_real import DATA, mbox_messages

from asyncmaturity.await_protocol import rules

DEV_SETS = await_learn.DEV_SETS
FIELDS = ("is_request", "action", "assign", "information", "thread")
SEED = await_learn.SEED
# Folded before counting words: who is mentioned, which link and which number are particular to
# one message; that there is one may generalise.
_FOLDS = (
    (re.compile(r"<@[A-Z0-9]+>|\[~[^\]]+\]|(?<!\w)@[\w.-]+"), " zmention "),
    (re.compile(r"<?https?://\S+"), " zlink "),
    (re.compile(r"\b\d+(?:[.,:/]\d+)*\b"), " znumber "),
)
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw)\s*:\s*|\[[^\]]*\]\s*)+", re.IGNORECASE)


def normalised(text: str) -> str:
    """The text, lower-cased, with mentions, links and numbers folded into one token each.

    Parameters: `text`, the message as sent.
    """
    text = text[: rules.MAX_SIGNAL_CHARS]
    for pattern, token in _FOLDS:
        text = pattern.sub(token, text)
    return text.lower()


def thread_of(record: dict[str, Any]) -> str:
    """The group a record's fold keeps together: its thread, as far as the pointer tells."""
    source = record.get("source") or {}
    archive = source.get("archive")
    if archive and str(archive).startswith("slack-"):
        return f"slack:{source['file']}"
    if archive and str(archive).startswith("mbox-"):
        message = mbox_messages(DATA / archive / source["file"])[source["key"]][0]
        subject = _SUBJECT_PREFIX.sub("", str(message.get("Subject") or "")).strip().lower()
        return f"mail:{' '.join(subject.split())}"
    if archive == "inline":
        return f"jira:{source['key'].split('#')[0]}"
    return f"{record['set']}:{record['id']}"


def rule_verdicts(feats: list[dict[str, float]], field: str) -> list[int]:
    """The rule's own verdict per message, from the signals among `feats`."""
    if field == "thread":
        return [1 - int(f["signal_sync_request"]) for f in feats]
    return [int(f[f"signal_{await_learn.SIGNAL_OF[field]}"]) for f in feats]


def design(
    texts: list[str], numeric: np.ndarray, vocabulary: CountVectorizer | None
) -> tuple[sparse.csr_matrix, CountVectorizer]:
    """The feature matrix (words, then rule features) and the vocabulary (fit where None)."""
    # scikit-learn and SciPy come with the `bench` extra only: the helpers the tests read
    # (normalised, thread_of, threshold_for_recall) run without them.
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    if vocabulary is None:
        vocabulary = CountVectorizer(
            preprocessor=normalised, ngram_range=(1, 2), min_df=2, binary=True
        )
        words = vocabulary.fit_transform(texts)
    else:
        words = vocabulary.transform(texts)
    return sparse.hstack([words, sparse.csr_matrix(numeric)]).tocsr(), vocabulary


def fit_layer(
    texts: list[str], numeric: np.ndarray, truth: np.ndarray, c: float
) -> tuple[LogisticRegression, CountVectorizer]:
    """A logistic regression over words and rule features, and its vocabulary."""
    x, vocabulary = design(texts, numeric, None)
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000, solver="liblinear")
    model.fit(x, truth)
    return model, vocabulary


def probabilities(
    model: LogisticRegression, vocabulary: CountVectorizer, texts: list[str], numeric: np.ndarray
) -> np.ndarray:
    """The layer's probability that the element is present, per message."""
    x, _ = design(texts, numeric, vocabulary)
    return np.asarray(model.predict_proba(x)[:, 1])


def threshold_for_recall(probs: np.ndarray, truth: np.ndarray, recall: float) -> float:
    """The highest threshold at which `probs` reach `recall` on `truth` (0.5 without positives).

    Parameters: `probs` out-of-fold probabilities, `truth` the 0/1 labels, `recall` the aim.
    """
    positives = np.sort(probs[truth == 1])[::-1]
    if len(positives) == 0:
        return 0.5
    needed = max(int(np.ceil(recall * len(positives))), 1)
    return float(positives[needed - 1])


def _splitter(folds: int, seed: int) -> StratifiedGroupKFold:
    from sklearn.model_selection import StratifiedGroupKFold

    return StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)


def cross_validate(
    records: list[dict[str, Any]],
    folds: int,
    c: float,
    words_only: bool = False,
    sets: tuple[str, ...] = DEV_SETS,
) -> dict[str, Any]:
    """Per field: rule and layer precision/recall/F1 over grouped held-out folds, pooled and per set.

    Parameters: `records` the dev messages (with ``set``), `folds` k, `c` the inverse L2 penalty,
    `words_only` to leave the rule features out of the layer (the rule's verdict is still scored),
    `sets` the names of the dev sets among `records`, each reported on its own.
    """
    feats = [await_learn.features(r["text"]) for r in records]
    names = sorted(feats[0])
    numeric_all = np.array([[f[n] for n in names] for f in feats])
    if words_only:
        numeric_all = np.zeros((len(records), 0))
    groups_all = [thread_of(r) for r in records]
    result: dict[str, Any] = {}
    for field in FIELDS:
        rows = [i for i, r in enumerate(records) if field == "is_request" or r["is_request"]]
        truth = np.array([int(bool(records[i][field])) for i in rows])
        rule = rule_verdicts([feats[i] for i in rows], field)
        if min(int(truth.sum()), int(len(truth) - truth.sum())) < folds:
            # Fewer examples of one class than folds: some training fold would hold none.
            result[field] = {"n": len(rows), "positives": int(truth.sum()), "skipped": True}
            continue
        texts = [records[i]["text"] for i in rows]
        numeric = numeric_all[rows]
        groups = [groups_all[i] for i in rows]
        at_half = np.zeros(len(rows), dtype=int)
        at_rule_recall = np.zeros(len(rows), dtype=int)
        for train, test in _splitter(folds, SEED).split(numeric, truth, groups):
            model, vocabulary = fit_layer(
                [texts[j] for j in train], numeric[train], truth[train], c
            )
            probs = probabilities(model, vocabulary, [texts[j] for j in test], numeric[test])
            at_half[test] = probs > 0.5
            # The threshold is chosen on the training folds alone, from their own out-of-fold
            # probabilities, to reach the rule's recall there.
            inner = np.zeros(len(train))
            inner_groups = [groups[j] for j in train]
            for inner_train, inner_test in _splitter(folds, SEED + 1).split(
                numeric[train], truth[train], inner_groups
            ):
                fit_rows, score_rows = train[inner_train], train[inner_test]
                inner_model, inner_vocabulary = fit_layer(
                    [texts[j] for j in fit_rows], numeric[fit_rows], truth[fit_rows], c
                )
                inner[inner_test] = probabilities(
                    inner_model,
                    inner_vocabulary,
                    [texts[j] for j in score_rows],
                    numeric[score_rows],
                )
            rule_recall = await_learn.scores(truth[train].tolist(), [rule[j] for j in train])[
                "recall"
            ]
            cut = threshold_for_recall(inner, truth[train], rule_recall)
            at_rule_recall[test] = probs >= cut
        result[field] = {"n": len(rows), "positives": int(truth.sum())}
        for name in ("pooled", *sets):
            part = [j for j, i in enumerate(rows) if name == "pooled" or records[i]["set"] == name]
            t = [int(truth[j]) for j in part]
            result[field][name] = {
                "n": len(part),
                "rules": await_learn.scores(t, [rule[j] for j in part]),
                "layer_0.5": await_learn.scores(t, [int(at_half[j]) for j in part]),
                "layer_at_rule_recall": await_learn.scores(
                    t, [int(at_rule_recall[j]) for j in part]
                ),
            }
    return result


def heaviest_words(records: list[dict[str, Any]], field: str, c: float, top: int) -> list[str]:
    """The `top` words or bigrams of most weight either way in a layer fit on all of `records`.

    Parameters: `records` the dev messages, `field` the element, `c` the inverse L2 penalty.
    """
    rows = [r for r in records if field == "is_request" or r["is_request"]]
    feats = [await_learn.features(r["text"]) for r in rows]
    names = sorted(feats[0])
    numeric = np.array([[f[n] for n in names] for f in feats])
    truth = np.array([int(bool(r[field])) for r in rows])
    model, vocabulary = fit_layer([r["text"] for r in rows], numeric, truth, c)
    words = vocabulary.get_feature_names_out()
    weights = model.coef_[0][: len(words)]
    order = np.argsort(weights)
    return [f"{words[i]} {weights[i]:+.2f}" for i in (*order[::-1][:top], *order[:top])]


def _cell(score: dict[str, float]) -> str:
    return f"{score['precision']:.3f}/{score['recall']:.3f}/{score['f1']:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 penalty")
    parser.add_argument("--words-only", action="store_true", help="no rule features")
    parser.add_argument("--top", type=int, default=0, help="list the N heaviest words")
    parser.add_argument(
        "--sets", nargs="+", choices=DEV_SETS, default=list(DEV_SETS), help="dev sets to use"
    )
    parser.add_argument("--json", type=Path, metavar="OUT")
    args = parser.parse_args(argv)
    sets = tuple(args.sets)
    records = [{**r, "set": name} for name in sets for r in await_eval.load(name)]
    result = cross_validate(records, args.folds, args.c, args.words_only, sets)
    print(
        f"Dev data: {len(records)} messages ({', '.join(sets)}), {args.folds}-fold CV "
        f"grouped by thread, C={args.c}, "
        f"layer over {'words only' if args.words_only else 'words and rule features'}"
    )
    print("| field | part | n | rules P/R/F1 | layer p>0.5 P/R/F1 | layer at rule recall P/R/F1 |")
    print("|---|---|---:|---|---|---|")
    for field, row in result.items():
        if row.get("skipped"):
            print(f"| {field} | (too few of one class to cross-validate) | {row['n']} | | | |")
            continue
        for name in ("pooled", *sets):
            part = row[name]
            print(
                f"| {field} | {name} | {part['n']} | {_cell(part['rules'])} | "
                f"{_cell(part['layer_0.5'])} | {_cell(part['layer_at_rule_recall'])} |"
            )
    for field in FIELDS[: 2 if args.top else 0]:
        listed = ", ".join(heaviest_words(records, field, args.c, args.top))
        print(f"\n{field}: heaviest words beside the rule features (fit on all): {listed}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
