"""Score the Level 4-5 assistants (`asyncmaturity.assist`) against the hand-labelled sets.

    .venv/bin/python benchmarks/assist_eval.py
    .venv/bin/python benchmarks/assist_eval.py --json build/assist_eval.json
    .venv/bin/python benchmarks/assist_eval.py --errors decisions   # list the misses of one part

Needs the `assist` extra. The sets (``benchmarks/assist_eval/*.jsonl``, format and rulings in the
``README.md`` next to them) are validated first; a broken set exits with status 2 naming the line.

Every set is split in two by a hash of its unit (duplicate group, new routing question, decision
thread): SHA-256 of the unit's name, even -> *tune*, odd -> *held-out*. Each assistant's one free
parameter is chosen on the tune half only, by a fixed rule (below), and the figures are reported
on both halves; the held-out figures are the honest ones.

* duplicates: pairs (question, paraphrase) are positives, (question, same-topic different
  question) negatives; precision/recall of "cosine >= threshold". Threshold: the one of 0.30,
  0.31 ... 0.95 with the best F1 on the tune half (ties: the higher threshold). Also hit@1: the
  share of paraphrases whose most similar question, among all the groups' questions, is their own;
  and the store-wide batch mode (`find_duplicates`): every group's question asked and answered
  first, every other question later; a paraphrase counts as found when it is paired with its own
  group's question, a different question as a false alarm when it is paired with any.
* routing: the archive of answered questions routes each new question; top-1 / top-3 accuracy is
  the share of new questions with a labelled expert at rank 1 / among the first 3. k: the one of
  1, 3, 5, 7, 10, 15, 20 with the best top-1 then top-3 accuracy on the tune half (ties: smaller
  k). Baseline: the people who answered most archive questions, whatever the question.
* decisions: message-level precision/recall of the combined classifier against the regex-only
  baseline (`DECISION_PATTERN`, the ingest's `decision_language`), rules alone and embeddings
  alone. Margin: the one of -0.10, -0.09 ... 0.30 with the best F0.5 of the combined classifier
  on the tune half (ties: the higher margin); F0.5 weighs precision twice as much as recall,
  since a false draft costs a reviewer's time and a real store holds fewer decisions than the
  set, so its precision is lower than the set's. Thread level: a draft is right when the message it
  quotes is labelled a decision; thread recall is the share of threads with a decision that get
  a draft.

The shipped defaults (`DEFAULT_THRESHOLD`, `DEFAULT_K`, `DEFAULT_MARGIN`) should equal the tuned
values; the report says when one does not. The exit status is 0 whatever the scores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SETS = HERE / "assist_eval"
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from confusion import Counts  # noqa: E402  (benchmarks/ is the script's folder)

from asyncmaturity.assist import (  # noqa: E402
    Message,
    Question,
    Thread,
    classify,
    draft_threads,
    embed,
    find_duplicates,
    model_encoder,
    route,
)
from asyncmaturity.assist.decisions import DEFAULT_MARGIN, regex_baseline  # noqa: E402
from asyncmaturity.assist.duplicates import DEFAULT_THRESHOLD  # noqa: E402
from asyncmaturity.assist.routing import DEFAULT_K  # noqa: E402

HALVES = ("tune", "held-out")
THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(66)]
KS = [1, 3, 5, 7, 10, 15, 20]
MARGINS = [round(-0.10 + 0.01 * i, 2) for i in range(41)]
START = datetime(2025, 1, 6, 9, 0)


class InvalidSet(Exception):
    """An evaluation set cannot be used as it is."""


def half(unit: str) -> str:
    """The half a unit belongs to: SHA-256 of its name, even -> tune, odd -> held-out."""
    return HALVES[int(hashlib.sha256(unit.encode()).hexdigest(), 16) % 2]


def read_jsonl(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The records of a JSONL set, each with its `file:line` for error messages."""
    records: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidSet(f"{where}: not valid JSON: {exc}") from exc
        if not isinstance(record, dict):
            raise InvalidSet(f"{where}: expected a JSON object")
        records.append((where, record))
    if not records:
        raise InvalidSet(f"{path.name}: no records")
    return records


def require(where: str, record: dict[str, Any], fields: dict[str, type]) -> dict[str, Any]:
    """The record, after checking that each of `fields` is present with its type."""
    for key, kind in fields.items():
        if not isinstance(record.get(key), kind):
            raise InvalidSet(f"{where}: field {key!r} is missing or not a {kind.__name__}")
    if record.get("id") is not None and not isinstance(record["id"], str):
        raise InvalidSet(f"{where}: field 'id' is not a str")
    return record


ROUTING_FIELDS: dict[str, dict[str, type]] = {
    "people": {"people": dict},
    "archive": {"id": str, "question": str, "answered_by": list},
    "new": {"id": str, "question": str, "experts": list},
}


def load_sets(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The three sets, validated; raises `InvalidSet` naming the first problem."""
    groups = [
        require(
            where,
            r,
            {"id": str, "group": str, "question": str, "duplicates": list, "different": list},
        )
        for where, r in read_jsonl(folder / "duplicates.jsonl")
    ]
    routing = []
    for where, r in read_jsonl(folder / "routing.jsonl"):
        if r.get("kind") not in ROUTING_FIELDS:
            raise InvalidSet(f"{where}: kind must be one of {', '.join(ROUTING_FIELDS)}")
        routing.append(require(where, r, ROUTING_FIELDS[r["kind"]]))
    decisions = [
        require(
            where,
            r,
            {
                "id": str,
                "thread": str,
                "position": int,
                "author": str,
                "text": str,
                "decision": bool,
            },
        )
        for where, r in read_jsonl(folder / "decisions.jsonl")
    ]
    for name, records in (("duplicates", groups), ("routing", routing), ("decisions", decisions)):
        ids = Counter(r["id"] for r in records if "id" in r)
        repeated = [i for i, n in ids.items() if n > 1]
        if repeated:
            raise InvalidSet(f"{name}: duplicate id {repeated[0]!r}")
    people = [r for r in routing if r["kind"] == "people"]
    if len(people) != 1:
        raise InvalidSet("routing.jsonl: needs exactly one 'people' record")
    known = set(people[0]["people"])
    for record in routing:
        unknown = set(record.get("answered_by", []) + record.get("experts", [])) - known
        if unknown:
            raise InvalidSet(f"routing {record['id']}: unknown people {sorted(unknown)}")
    return {"duplicates": groups, "routing": routing, "decisions": decisions}


def caching(encoder: Callable[[Sequence[str]], Any]) -> Callable[[Sequence[str]], Any]:
    """The encoder, remembering each text's vector so that parameter sweeps embed once."""
    cache: dict[str, Any] = {}

    def encode(texts: Sequence[str]) -> Any:
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            cache.update(zip(missing, encoder(missing), strict=True))
        return np.stack([cache[t] for t in texts])

    return encode


def score(pairs: Sequence[tuple[bool, bool]]) -> Counts:
    counts = Counts()
    for truth, predicted in pairs:
        counts.add(truth, predicted)
    return counts


def evaluate_duplicates(groups: list[dict[str, Any]], encoder: Any) -> dict[str, Any]:
    pairs = [
        (g["group"], g["question"], other, label)
        for g in groups
        for label, key in ((True, "duplicates"), (False, "different"))
        for other in g[key]
    ]
    vectors = embed([t for _, a, b, _ in pairs for t in (a, b)], encoder)
    similarity = (vectors[0::2] * vectors[1::2]).sum(axis=1)
    rows = [
        {"group": g, "question": a, "other": b, "label": label, "similarity": float(s)}
        for (g, a, b, label), s in zip(pairs, similarity, strict=True)
    ]

    def counts(part: str, threshold: float) -> Counts:
        return score(
            [(r["label"], r["similarity"] >= threshold) for r in rows if half(r["group"]) == part]
        )

    # Best F1 on the tune half; among equals the higher threshold (fewer false alarms).
    chosen = max(reversed(THRESHOLDS), key=lambda t: counts("tune", t).f1)
    anchors = embed([g["question"] for g in groups], encoder)
    hits: dict[str, list[bool]] = {part: [] for part in HALVES}
    for i, g in enumerate(groups):
        if g["duplicates"]:
            found = (embed(g["duplicates"], encoder) @ anchors.T).argmax(axis=1)
            hits[half(g["group"])] += [int(j) == i for j in found]
    batch = batch_mode(groups, chosen, encoder)
    return {
        "threshold": chosen,
        "shipped_threshold": DEFAULT_THRESHOLD,
        "halves": {
            part: {
                "groups": sum(1 for g in groups if half(g["group"]) == part),
                "pairs": sum(1 for r in rows if half(r["group"]) == part),
                **counts(part, chosen).to_json(),
                "hit_at_1": round(sum(hits[part]) / len(hits[part]), 4),
                "batch": batch[part].to_json(),
            }
            for part in HALVES
        },
        "errors": [
            {**r, "half": half(r["group"])}
            for r in rows
            if (r["similarity"] >= chosen) != r["label"]
        ],
    }


def batch_mode(groups: list[dict[str, Any]], threshold: float, encoder: Any) -> dict[str, Counts]:
    """The store-wide mode on the set, scored per half of the groups.

    Every group's question is asked and answered first; every paraphrase and different question
    is asked later. A later question is right when it is flagged exactly if it is a paraphrase,
    and then paired with its own group's question.
    """
    answered_at = START + timedelta(minutes=1)
    questions = [
        Question(g["id"], "c", None, START, g["question"], ("x",), answered_at) for g in groups
    ]
    later: dict[str, tuple[str, bool]] = {}
    for g in groups:
        for label, key in ((True, "duplicates"), (False, "different")):
            for j, text in enumerate(g[key]):
                asked = Question(
                    f"{g['id']}-{key}-{j}", "c", None, START + timedelta(hours=1), text
                )
                questions.append(asked)
                later[asked.message_key] = (g["id"], label)
    flagged = {
        pair.question.message_key: pair.earlier.message_key
        for pair in find_duplicates(questions, threshold=threshold, encoder=encoder).pairs
    }
    halves = {g["id"]: half(g["group"]) for g in groups}
    counts = {part: Counts() for part in HALVES}
    for key, (group, label) in later.items():
        counts[halves[group]].add(label, flagged.get(key) == group if label else key in flagged)
    return counts


def evaluate_routing(records: list[dict[str, Any]], encoder: Any) -> dict[str, Any]:
    archive = [
        Question(
            r["id"], "c", None, START + timedelta(hours=i), r["question"], tuple(r["answered_by"])
        )
        for i, r in enumerate(x for x in records if x["kind"] == "archive")
    ]
    new = [r for r in records if r["kind"] == "new"]
    popular = [p for p, _ in Counter(p for q in archive for p in q.answerers).most_common()]

    def ranked(k: int) -> list[list[str]]:
        routings = route([r["question"] for r in new], archive, k=k, top=3, encoder=encoder)
        return [[c.person_key for c in routing.candidates] for routing in routings]

    def accuracy(part: str, rankings: list[list[str]], n: int) -> float:
        chosen = [
            bool(set(ranks[:n]) & set(r["experts"]))
            for r, ranks in zip(new, rankings, strict=True)
            if half(r["id"]) == part
        ]
        return round(sum(chosen) / len(chosen), 4)

    by_k = {k: ranked(k) for k in KS}
    chosen_k = max(
        KS,
        key=lambda k: (accuracy("tune", by_k[k], 1), accuracy("tune", by_k[k], 3), -k),
    )
    baseline = [popular[:3]] * len(new)
    return {
        "k": chosen_k,
        "shipped_k": DEFAULT_K,
        "archive": len(archive),
        "halves": {
            part: {
                "questions": sum(1 for r in new if half(r["id"]) == part),
                "top1": accuracy(part, by_k[chosen_k], 1),
                "top3": accuracy(part, by_k[chosen_k], 3),
                "baseline_top1": accuracy(part, baseline, 1),
                "baseline_top3": accuracy(part, baseline, 3),
            }
            for part in HALVES
        },
        "by_k": {
            k: {part: [accuracy(part, by_k[k], 1), accuracy(part, by_k[k], 3)] for part in HALVES}
            for k in KS
        },
        "errors": [
            {
                "id": r["id"],
                "half": half(r["id"]),
                "question": r["question"],
                "experts": r["experts"],
                "ranked": ranks,
            }
            for r, ranks in zip(new, by_k[chosen_k], strict=True)
            if not set(ranks[:1]) & set(r["experts"])
        ],
    }


def evaluate_decisions(messages: list[dict[str, Any]], encoder: Any) -> dict[str, Any]:
    texts = [m["text"] for m in messages]
    verdicts = {m: classify(texts, margin=m, encoder=encoder) for m in MARGINS}

    def counts(part: str, predict: Callable[[int], bool]) -> Counts:
        return score(
            [
                (m["decision"], predict(i))
                for i, m in enumerate(messages)
                if half(m["thread"]) == part
            ]
        )

    def combined(margin: float) -> Callable[[int], bool]:
        return lambda i: verdicts[margin][i].decision

    # F0.5: a false draft costs a reviewer's time; real stores hold fewer decisions than the set.
    chosen = max(reversed(MARGINS), key=lambda m: counts("tune", combined(m)).f05)
    final = verdicts[chosen]
    embedding_margin = max(
        reversed(MARGINS), key=lambda m: counts("tune", lambda i: final[i].margin >= m).f05
    )
    variants: dict[str, Callable[[int], bool]] = {
        "regex only (baseline)": lambda i: regex_baseline(texts[i]),
        "rules only": lambda i: final[i].reason in ("pattern", "cue"),
        f"embeddings only (margin {embedding_margin:+.2f})": (
            lambda i: final[i].margin >= embedding_margin
        ),
        f"rules + embeddings (margin {chosen:+.2f})": combined(chosen),
    }
    threads: dict[str, list[dict[str, Any]]] = {}
    for m in messages:
        threads.setdefault(m["thread"], []).append(m)
    labels = {m["id"]: m["decision"] for m in messages}
    thread_objects = [_thread(name, rows) for name, rows in threads.items()]
    drafts = draft_threads(thread_objects, margin=chosen, encoder=encoder).drafts
    drafted = {d.thread_root_key: d.message_key for d in drafts}
    thread_level: dict[str, dict[str, Any]] = {}
    for part in HALVES:
        names = [n for n in threads if half(n) == part]
        with_decision = [n for n in names if any(m["decision"] for m in threads[n])]
        part_drafts = [n for n in names if n in drafted]
        thread_level[part] = {
            "threads": len(names),
            "with_decision": len(with_decision),
            "drafts": len(part_drafts),
            "draft_precision": _ratio(
                sum(labels[drafted[n]] for n in part_drafts), len(part_drafts)
            ),
            "thread_recall": _ratio(sum(n in drafted for n in with_decision), len(with_decision)),
        }
    return {
        "margin": chosen,
        "shipped_margin": DEFAULT_MARGIN,
        "halves": {
            part: {
                "messages": sum(1 for m in messages if half(m["thread"]) == part),
                "decisions": sum(
                    1 for m in messages if half(m["thread"]) == part and m["decision"]
                ),
                "variants": {name: counts(part, f).to_json() for name, f in variants.items()},
                "threads": thread_level[part],
            }
            for part in HALVES
        },
        "errors": [
            {
                "id": m["id"],
                "half": half(m["thread"]),
                "text": m["text"],
                "label": m["decision"],
                "reason": v.reason,
                "margin": round(v.margin, 3),
            }
            for m, v in zip(messages, final, strict=True)
            if v.decision != m["decision"]
        ],
    }


def _thread(name: str, rows: list[dict[str, Any]]) -> Thread:
    ordered = sorted(rows, key=lambda m: m["position"])
    messages = tuple(
        Message(m["id"], m["author"], START + timedelta(minutes=m["position"]), m["text"], True)
        for m in ordered
    )
    return Thread("c", name, Message(name, None, START, ordered[0]["text"], True), messages)


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def markdown(report: dict[str, Any]) -> str:
    dup, rte, dec = report["duplicates"], report["routing"], report["decisions"]
    lines = [
        f"Assistant evaluation (model load {report['seconds']['model_load']:.1f} s; "
        "tune half chooses each parameter, held-out half is reported honestly)",
        "",
        f"Duplicate questions (threshold {dup['threshold']:.2f})",
        "",
        "| half | groups | pairs | TP | FP | FN | TN | precision | recall | F1 | hit@1 | "
        "batch precision | batch recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for part, row in dup["halves"].items():
        lines.append(
            f"| {part} | {row['groups']} | {row['pairs']} | {row['tp']} | {row['fp']} | "
            f"{row['fn']} | {row['tn']} | {row['precision']:.3f} | {row['recall']:.3f} | "
            f"{row['f1']:.3f} | {row['hit_at_1']:.3f} | {row['batch']['precision']:.3f} | "
            f"{row['batch']['recall']:.3f} |"
        )
    lines += [
        "",
        f"Predictive routing (k = {rte['k']}, archive of {rte['archive']} answered questions)",
        "",
        "| half | questions | top-1 | top-3 | baseline top-1 | baseline top-3 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for part, row in rte["halves"].items():
        lines.append(
            f"| {part} | {row['questions']} | {row['top1']:.3f} | {row['top3']:.3f} | "
            f"{row['baseline_top1']:.3f} | {row['baseline_top3']:.3f} |"
        )
    lines += [
        "",
        f"Decision detection (margin {dec['margin']:+.2f})",
        "",
        "| half | classifier | TP | FP | FN | TN | precision | recall | F1 | F0.5 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for part, row in dec["halves"].items():
        for name, c in row["variants"].items():
            lines.append(
                f"| {part} | {name} | {c['tp']} | {c['fp']} | {c['fn']} | {c['tn']} | "
                f"{c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['f0.5']:.3f} |"
            )
    lines += [
        "",
        "| half | threads | with a decision | drafts | draft precision | thread recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for part, row in dec["halves"].items():
        t = row["threads"]
        lines.append(
            f"| {part} | {t['threads']} | {t['with_decision']} | {t['drafts']} | "
            f"{_fmt(t['draft_precision'])} | {_fmt(t['thread_recall'])} |"
        )
    for name, key, shipped in (
        ("threshold", dup["threshold"], dup["shipped_threshold"]),
        ("k", rte["k"], rte["shipped_k"]),
        ("margin", dec["margin"], dec["shipped_margin"]),
    ):
        if key != shipped:
            lines.append(
                f"\nNOTE: the tuned {name} {key} differs from the shipped default {shipped}"
            )
    seconds = report["seconds"]
    lines.append(
        "\nSeconds: " + ", ".join(f"{name} {value:.1f}" for name, value in seconds.items())
    )
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "n/a"


def evaluate_all(sets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Every assistant scored on its labelled set, with the seconds each step took."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    encoder = caching(model_encoder())
    seconds["model_load"] = time.perf_counter() - started
    report: dict[str, Any] = {}
    for name, evaluate in (
        ("duplicates", evaluate_duplicates),
        ("routing", evaluate_routing),
        ("decisions", evaluate_decisions),
    ):
        started = time.perf_counter()
        report[name] = evaluate(sets[name], encoder)
        seconds[name] = time.perf_counter() - started
    report["seconds"] = {name: round(value, 2) for name, value in seconds.items()}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=Path, default=SETS, help="folder of the labelled sets")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the report as JSON")
    parser.add_argument(
        "--errors",
        choices=("duplicates", "routing", "decisions"),
        help="list the misses of one assistant",
    )
    parser.add_argument(
        "--half", choices=HALVES, help="with --errors: only the misses of this half"
    )
    args = parser.parse_args(argv)
    try:
        sets = load_sets(args.sets)
    except (InvalidSet, OSError) as exc:
        print(f"assist_eval: invalid evaluation set: {exc}", file=sys.stderr)
        return 2
    report = evaluate_all(sets)
    print(markdown(report))
    if args.errors:
        print(f"\nMisses of {args.errors}:")
        for error in report[args.errors]["errors"]:
            if args.half in (None, error["half"]):
                print(f"- {json.dumps(error, ensure_ascii=False)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
