"""Do two labellings of the real dev split agree enough for the AWAIT targets to be measurable?

    .venv/bin/python benchmarks/await_agreement.py draw --out /tmp/worksheet.jsonl
    .venv/bin/python benchmarks/await_agreement.py compare [--json OUT.json]
    .venv/bin/python benchmarks/await_agreement.py compare \
        --first lang_fr_heldout2.jsonl --second agreement_lang_fr2.jsonl

Issue 18 asks for precision 0.90 and recall 0.85 per element on real messages. Those figures
are only measurable if the labels themselves agree at least that well: a detector that copied
one labeller's view perfectly would score, against another labeller's, exactly the precision
and recall that one labelling gets against the other. This script measures that ceiling.

``draw`` picks a seeded sample of `real_dev.jsonl` (dev only; the frozen parts are never read),
stratified by archive kind (chat, e-mail) and by the existing request label, and writes a
worksheet holding each message's pointer and text but NOT its labels, in a shuffled order, for
a second labeller to label blind from the rulings in `await_eval/README.md` alone. The worksheet
holds archive text, so it is written outside the repository. The second labels go, with the
pointers, into `await_eval/agreement_dev.jsonl` (the format of `real_dev.jsonl`).

``compare`` joins that file with `real_dev.jsonl` by ``id`` and reports, per field, the
observed agreement, Cohen's kappa and the precision/recall of the second labelling scored
against the first (is_request over all drawn messages; each element over the messages both
labellings call a request, as `await_eval.py` scores elements), the deadline agreement (the
same instant, on the messages both labellings call a window), and lists the disagreements.
``--first`` and ``--second`` compare any two labellings of the same messages instead (a name
without a folder is looked up in `await_eval/` too): records with a ``text`` are read as they
are, records with a ``source`` pointer through `await_real.resolve`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from await_real import resolve

HERE = Path(__file__).resolve().parent / "await_eval"
DEV = HERE / "real_dev.jsonl"
AGREEMENT = HERE / "agreement_dev.jsonl"
FIELDS = ("is_request", "assign", "window", "action", "information", "thread")
SEED = 20261207
# Messages drawn per (kind, existing request label): 150 in all, requests over-represented
# against their share of the split so that each element has positives to agree on.
QUOTA = 38


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file, one per non-empty line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def draw(dev: list[dict[str, Any]], quota: int = QUOTA, seed: int = SEED) -> list[dict[str, Any]]:
    """A seeded sample of `dev`, `quota` per (kind, is_request) cell, shuffled, labels removed.

    Parameters: `dev` the labelled dev records, `quota` messages per cell, `seed` the draw's.
    """
    rng = random.Random(seed)
    picked: list[dict[str, Any]] = []
    for kind in ("chat", "e-mail"):
        for asks in (True, False):
            cell = [r for r in dev if r["kind"] == kind and bool(r["is_request"]) == asks]
            picked += rng.sample(cell, min(quota, len(cell)))
    rng.shuffle(picked)
    keep = ("id", "source", "kind", "stratum", "sent_at", "timezone")
    return [{name: record[name] for name in keep} for record in picked]


def kappa(first: list[bool], second: list[bool]) -> float | None:
    """Cohen's kappa of two boolean labellings of the same items (None where undefined).

    Parameters: `first`, `second` the labels, item by item.
    """
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p_first, p_second = sum(first) / n, sum(second) / n
    chance = p_first * p_second + (1 - p_first) * (1 - p_second)
    if chance == 1:
        return None
    return (observed - chance) / (1 - chance)


def precision_recall(truth: list[bool], other: list[bool]) -> dict[str, Any]:
    """Precision and recall of `other` scored against `truth`, each with its 95% Wilson interval.

    Parameters: `truth` the reference labels, `other` the labels scored, item by item.
    """
    tp = sum(t and o for t, o in zip(truth, other, strict=True))
    called, present = sum(other), sum(truth)
    return {
        "precision": tp / called if called else None,
        "precision_interval": wilson(tp, called),
        "recall": tp / present if present else None,
        "recall_interval": wilson(tp, present),
    }


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% for the default `z`; None without trials).

    Parameters: `successes` and `trials` the counts, `z` the normal quantile.
    """
    if trials == 0:
        return None
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    half /= 1 + z * z / trials
    return (centre - half, centre + half)


def compare(dev: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, Any]:
    """Per field: n, positives per labelling, agreement, kappa, precision/recall, disagreements.

    The last entry, ``deadline``, is the agreement on the deadline's instant over the messages
    both labellings call a request with a window.

    Parameters: `dev` the existing labels (first labelling), `second` the blind labels.
    """
    first_by_id = {r["id"]: r for r in dev}
    unknown = [r["id"] for r in second if r["id"] not in first_by_id]
    if unknown:
        raise ValueError(
            f"{len(unknown)} ids of the second labelling are not in the first: {unknown[:5]}"
        )
    pairs = [(first_by_id[r["id"]], r) for r in second]
    result: dict[str, Any] = {}
    for field in FIELDS:
        if field == "is_request":
            scope = pairs
        else:
            scope = [(a, b) for a, b in pairs if a["is_request"] and b["is_request"]]
        first = [bool(a[field]) for a, _ in scope]
        other = [bool(b[field]) for _, b in scope]
        agreed = sum(x == y for x, y in zip(first, other, strict=True))
        result[field] = {
            "n": len(scope),
            "first_positives": sum(first),
            "second_positives": sum(other),
            "agreement": agreed / len(scope) if scope else None,
            "kappa": kappa(first, other),
            "second_vs_first": precision_recall(first, other),
            "disagreements": [
                {"id": a["id"], "first": bool(a[field]), "second": bool(b[field])}
                for a, b in scope
                if bool(a[field]) != bool(b[field])
            ],
        }
    result["deadline"] = deadline_agreement(pairs)
    return result


def deadline_agreement(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """How often two labellings that both see a window put its deadline at the same instant.

    Both deadlines are naive local times in the same message's zone, so equal instants are
    equal local times; parsing first lets "17:00" and "17:00:00" agree.

    Parameters: `pairs` the (first, second) records of each message.
    """
    scope = [
        (a, b)
        for a, b in pairs
        if a["is_request"] and b["is_request"] and a["window"] and b["window"]
    ]
    differing = [
        {"id": a["id"], "first": a["deadline"], "second": b["deadline"]}
        for a, b in scope
        if _instant(a["deadline"]) != _instant(b["deadline"])
    ]
    agreed = len(scope) - len(differing)
    return {
        "n": len(scope),
        "agreed": agreed,
        "agreement": agreed / len(scope) if scope else None,
        "disagreements": differing,
    }


def _instant(deadline: str | None) -> datetime | None:
    return None if deadline is None else datetime.fromisoformat(deadline)


def labelled_file(name: Path) -> Path:
    """The labelled file `name` names: as given where it exists, else in `await_eval/`.

    Parameters: `name` a path, or a bare file name of the evaluation folder.
    """
    return name if name.exists() or name.parent != Path() else HERE / name


def with_texts(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with their texts: inline where they carry one, else read by pointer.

    Parameters: `records` labelled records, each with a ``text`` or a ``source``.
    """
    if all("text" in record for record in records):
        return records
    return resolve(records)


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _interval(bounds: tuple[float, float] | None) -> str:
    return "" if bounds is None else f" [{bounds[0]:.2f}, {bounds[1]:.2f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("draw", help="write the blind worksheet (texts, no labels)")
    drawing.add_argument("--out", type=Path, required=True)
    comparing = commands.add_parser("compare", help="agreement of the two labellings")
    comparing.add_argument(
        "--first", type=Path, default=DEV, help="the existing labels (default: real dev)"
    )
    comparing.add_argument(
        "--second", type=Path, default=AGREEMENT, help="the blind labels of the same ids"
    )
    comparing.add_argument("--json", type=Path, metavar="OUT")
    comparing.add_argument("--texts", action="store_true", help="print disagreeing texts")
    args = parser.parse_args(argv)
    if args.command == "draw":
        sheet = resolve(draw(read_jsonl(DEV)))
        args.out.write_text("".join(json.dumps(r) + "\n" for r in sheet), encoding="utf-8")
        print(f"{len(sheet)} messages written to {args.out} (labels withheld)")
        return 0
    first_path, second_path = labelled_file(args.first), labelled_file(args.second)
    second = read_jsonl(second_path)
    result = compare(read_jsonl(first_path), second)
    print(
        f"Second, blind labelling ({second_path.name}) of {len(second)} messages "
        f"against the existing one ({first_path.name})"
    )
    print(
        "| field | n | positives (existing / blind) | agreement | kappa "
        "| blind vs existing: precision [95%] | recall [95%] |"
    )
    print("|---|---:|---|---:|---:|---|---|")
    fields = {field: row for field, row in result.items() if field in FIELDS}
    for field, row in fields.items():
        pr = row["second_vs_first"]
        print(
            f"| {field} | {row['n']} | {row['first_positives']} / {row['second_positives']} | "
            f"{_figure(row['agreement'])} | {_figure(row['kappa'])} | "
            f"{_figure(pr['precision'])}{_interval(pr['precision_interval'])} | "
            f"{_figure(pr['recall'])}{_interval(pr['recall_interval'])} |"
        )
    deadlines = result["deadline"]
    print(
        f"\ndeadline, same instant where both see a window: {deadlines['agreed']} of "
        f"{deadlines['n']} ({_figure(deadlines['agreement'])})"
    )
    texts = {r["id"]: r["text"] for r in with_texts(second)} if args.texts else {}
    for field, row in fields.items():
        for case in row["disagreements"]:
            print(f"- {field} {case['id']}: existing {case['first']}, blind {case['second']}")
            if texts:
                print("    " + texts[case["id"]][:600].replace("\n", "\n    "))
    for case in deadlines["disagreements"]:
        print(f"- deadline {case['id']}: existing {case['first']}, blind {case['second']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
