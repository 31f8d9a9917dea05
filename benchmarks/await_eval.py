"""Score `asyncmaturity.await_lint.analyse` against the hand-labelled AWAIT evaluation set.

    .venv/bin/python benchmarks/await_eval.py
    .venv/bin/python benchmarks/await_eval.py --json build/await_eval.json
    .venv/bin/python benchmarks/await_eval.py --errors action    # list the misses for one field

The set (``benchmarks/await_eval/messages.jsonl``, definitions in ``README.md`` next to it) is
validated first: every line must parse, ids must be unique and every field be present with the
right type; a broken set exits with status 2 and names the line.

Printed: a Markdown table of precision, recall and F1 with TP/FP/FN/TN counts for ``is_request``
(over all messages) and for each AWAIT element (over the messages labelled as requests), with
PASS/FAIL against the targets of issue 5 (precision >= 0.9 and recall >= 0.85 per element), and the
deadline accuracy: the share of messages with a labelled deadline whose resolved deadline, read in
the message's time zone, equals the label to the minute. The exit status is 0 whatever the scores;
the report is the output.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SET = HERE / "await_eval" / "messages.jsonl"
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

# Label field in the set -> element names the lint may use for it (first one found wins).
ELEMENTS: dict[str, tuple[str, ...]] = {
    "assign": ("assign_ownership", "assign"),
    "window": ("window_for_response", "window"),
    "action": ("action_required", "action"),
    "information": ("information_complete", "information"),
    "thread": ("thread_discipline", "thread"),
}
PRECISION_TARGET = 0.9
RECALL_TARGET = 0.85
REQUIRED: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "text": (str,),
    "sent_at": (str,),
    "timezone": (str,),
    "is_request": (bool,),
    "deadline": (str, type(None)),
    "note": (str, type(None)),
    **{name: (bool, type(None)) for name in ELEMENTS},
}


class InvalidSet(Exception):
    """The evaluation set cannot be used as it is."""


def load_set(path: Path) -> list[dict[str, Any]]:
    """Read and validate the JSONL set; raise `InvalidSet` naming the first problem."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidSet(f"{path}: cannot read: {exc}") from exc
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidSet(f"{where}: not valid JSON: {exc}") from exc
        if not isinstance(record, dict):
            raise InvalidSet(f"{where}: expected a JSON object")
        for key, types in REQUIRED.items():
            if key not in record:
                raise InvalidSet(f"{where}: missing field {key!r}")
            if not isinstance(record[key], types):
                raise InvalidSet(f"{where}: field {key!r} has type {type(record[key]).__name__}")
        rid = record["id"]
        if rid in seen:
            raise InvalidSet(f"{where}: duplicate id {rid!r} (first on line {seen[rid]})")
        seen[rid] = number
        try:
            datetime.fromisoformat(record["sent_at"])
            ZoneInfo(record["timezone"])
            if record["deadline"] is not None:
                datetime.fromisoformat(record["deadline"])
        except (ValueError, KeyError) as exc:
            raise InvalidSet(f"{where}: bad sent_at, timezone or deadline: {exc}") from exc
        element_labels = [record[name] for name in ELEMENTS]
        if record["is_request"]:
            if any(label is None for label in element_labels):
                raise InvalidSet(f"{where}: a request needs true/false for all five elements")
        else:
            if any(label is not None for label in element_labels):
                raise InvalidSet(f"{where}: a non-request must have null element labels")
            if record["deadline"] is not None:
                raise InvalidSet(f"{where}: a non-request must have a null deadline")
        if record["deadline"] is not None and not record["window"]:
            raise InvalidSet(f"{where}: a deadline is labelled but window is false")
        records.append(record)
    if not records:
        raise InvalidSet(f"{path}: no messages")
    return records


@dataclass
class Score:
    field: str
    scope: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def passed(self) -> bool:
        return self.precision >= PRECISION_TARGET and self.recall >= RECALL_TARGET

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "n": self.tp + self.fp + self.fn + self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "pass": self.passed,
        }


def _element(result: Any, field: str) -> bool:
    for name in ELEMENTS[field]:
        if name in result.elements:
            return bool(result.elements[name].present)
    raise SystemExit(
        f"await_eval: the lint result has no element for {field!r} "
        f"(looked for {', '.join(ELEMENTS[field])}; it has {', '.join(result.elements)})"
    )


def _local(deadline: datetime | None, zone: str) -> datetime | None:
    """A resolved deadline as naive local time in the message's zone (labels are local)."""
    if deadline is None:
        return None
    if deadline.tzinfo is not None:
        deadline = deadline.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return deadline.replace(second=0, microsecond=0)


def evaluate(records: list[dict[str, Any]]) -> dict[str, Any]:
    from asyncmaturity.await_lint import analyse

    request = Score("is_request", "all messages")
    elements = {name: Score(name, "labelled requests") for name in ELEMENTS}
    deadline_hits = deadline_total = 0
    errors: list[dict[str, Any]] = []
    for record in records:
        result = analyse(
            record["text"],
            sent_at=datetime.fromisoformat(record["sent_at"]),
            timezone=record["timezone"],
        )
        request.add(record["is_request"], bool(result.is_request))
        if bool(result.is_request) != record["is_request"]:
            errors.append(
                {
                    "id": record["id"],
                    "field": "is_request",
                    "label": record["is_request"],
                    "predicted": bool(result.is_request),
                }
            )
        if not record["is_request"]:
            continue
        for name, score in elements.items():
            predicted = _element(result, name)
            score.add(record[name], predicted)
            if predicted != record[name]:
                errors.append(
                    {
                        "id": record["id"],
                        "field": name,
                        "label": record[name],
                        "predicted": predicted,
                    }
                )
        if record["deadline"] is not None:
            deadline_total += 1
            want = datetime.fromisoformat(record["deadline"]).replace(second=0, microsecond=0)
            got = _local(result.deadline, record["timezone"])
            if got == want:
                deadline_hits += 1
            else:
                errors.append(
                    {
                        "id": record["id"],
                        "field": "deadline",
                        "label": record["deadline"],
                        "predicted": got.isoformat() if got else None,
                    }
                )
    return {
        "messages": len(records),
        "requests": sum(1 for r in records if r["is_request"]),
        "targets": {"precision": PRECISION_TARGET, "recall": RECALL_TARGET},
        "is_request": request.to_json(),
        "elements": {name: score.to_json() for name, score in elements.items()},
        "deadline": {
            "labelled": deadline_total,
            "exact": deadline_hits,
            "accuracy": round(deadline_hits / deadline_total, 4) if deadline_total else None,
        },
        "all_elements_pass": all(score.passed for score in elements.values()),
        "errors": errors,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"AWAIT evaluation: {report['messages']} messages, {report['requests']} labelled requests",
        "",
        "| field | scope | n | TP | FP | FN | TN | precision | recall | F1 | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    rows = [report["is_request"], *report["elements"].values()]
    for row in rows:
        verdict = "PASS" if row["pass"] else "FAIL"
        if row["field"] == "is_request":
            verdict = f"({verdict})"  # the targets are per element; shown for reference
        lines.append(
            f"| {row['field']} | {row['scope']} | {row['n']} | {row['tp']} | {row['fp']} | "
            f"{row['fn']} | {row['tn']} | {row['precision']:.3f} | {row['recall']:.3f} | "
            f"{row['f1']:.3f} | {verdict} |"
        )
    d = report["deadline"]
    accuracy = f"{d['accuracy']:.3f}" if d["accuracy"] is not None else "n/a"
    lines += [
        "",
        f"Deadline accuracy (exact local minute, over labelled deadlines): {accuracy} "
        f"({d['exact']}/{d['labelled']})",
        f"Targets per element: precision >= {PRECISION_TARGET}, recall >= {RECALL_TARGET}; "
        f"all elements: {'PASS' if report['all_elements_pass'] else 'FAIL'}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="the labelled JSONL set")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the report as JSON")
    parser.add_argument(
        "--errors",
        metavar="FIELD",
        help="list the misses for one field (is_request, an element or deadline)",
    )
    args = parser.parse_args(argv)
    try:
        records = load_set(args.set)
    except InvalidSet as exc:
        print(f"await_eval: invalid evaluation set: {exc}", file=sys.stderr)
        return 2
    report = evaluate(records)
    print(markdown(report))
    if args.errors:
        texts = {r["id"]: r["text"] for r in records}
        print(f"\nMisses for {args.errors}:")
        for error in report["errors"]:
            if error["field"] == args.errors:
                print(
                    f"- {error['id']} label={error['label']} predicted={error['predicted']}: "
                    f"{texts[error['id']]!r}"
                )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
