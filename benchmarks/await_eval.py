"""Score the AWAIT linter and the friction signals against the hand-labelled sets.

    .venv/bin/python benchmarks/await_eval.py                    # the main set (messages.jsonl)
    .venv/bin/python benchmarks/await_eval.py --set heldout      # the held-out set
    .venv/bin/python benchmarks/await_eval.py --set all          # main + held-out together
    .venv/bin/python benchmarks/await_eval.py --set friction     # the four friction signals
    .venv/bin/python benchmarks/await_eval.py --set real         # real messages, frozen test split
    .venv/bin/python benchmarks/await_eval.py --set real-dev     # real messages, the tuning split
    .venv/bin/python benchmarks/await_eval.py --set real-dev2    # list mail of other years, dev
    .venv/bin/python benchmarks/await_eval.py --set real-dev3    # a fresh draw of the test archives
    .venv/bin/python benchmarks/await_eval.py --set real-chat-dev # IRC chat lines (CC BY 4.0), dev
    .venv/bin/python benchmarks/await_eval.py --set lang-de      # German held-out (fr, es, pt, nl)
    .venv/bin/python benchmarks/await_eval.py --set lang-de-tune # German tuning part
    .venv/bin/python benchmarks/await_eval.py --set lang-fr-2    # French held-out part 2 (es too)
    .venv/bin/python benchmarks/await_eval.py --set lang-fr-3    # French dev part 3 (es too)
    .venv/bin/python benchmarks/await_eval.py --set lang-fr-4    # French dev part 4 (es too)
    .venv/bin/python benchmarks/await_eval.py --set lang-fr-5    # French dev part 5 (es too)
    .venv/bin/python benchmarks/await_eval.py --set lang-fr-h3   # French held-out part 3 (es too)
    .venv/bin/python benchmarks/await_eval.py --set lang-fr-h4   # French held-out part 4 (es too)
    .venv/bin/python benchmarks/await_eval.py --set lang         # the five held-out parts together
    .venv/bin/python benchmarks/await_eval.py --set real-windows # real messages with time words
    .venv/bin/python benchmarks/await_eval.py --set real-windows-dev  # ... their dev counterpart
    .venv/bin/python benchmarks/await_eval.py --json build/await_eval.json
    .venv/bin/python benchmarks/await_eval.py --errors action    # list the misses for one field

The sets live in ``benchmarks/await_eval/`` (definitions and rulings in ``README.md`` there):
``messages.jsonl`` (main, the rules are tuned on it), ``heldout.jsonl`` (written before tuning and
never tuned on), ``friction.jsonl``, and the real messages of ``real_test.jsonl`` (frozen before
any rule change, never tuned on) and ``real_dev.jsonl`` (the tuning split): these hold labels and a
pointer into the archives of ``../shared/data`` per message, whose texts the repository may not
hold; where those archives are absent the set is skipped with a line that says so. ``--file PATH`` scores another file in the format of the
chosen set. A set is validated first: every line must parse, ids must be unique and every field be
present with the right type; a broken set exits with status 2 and names the line.

Printed for the AWAIT sets: a Markdown table of precision, recall and F1 with TP/FP/FN/TN counts
for ``is_request`` (over all messages) and for each AWAIT element (over the messages labelled as
requests), with PASS/FAIL against the targets of issue 5 (precision >= 0.9 and recall >= 0.85 per
element), and the deadline accuracy: the share of messages with a labelled deadline whose resolved
deadline, read in the message's time zone, equals the label to the minute. For the friction set:
the same table for ``bare_greeting``, ``nudge``, ``clarification`` and ``sync_request`` as
:func:`asyncmaturity.await_protocol.rules.signals` computes them (the signals ``ingest`` stores). The exit
status is 0 whatever the scores; the report is the output.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from confusion import Counts

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SETS: dict[str, Path] = {
    "main": HERE / "await_eval" / "messages.jsonl",
    "heldout": HERE / "await_eval" / "heldout.jsonl",
    "friction": HERE / "await_eval" / "friction.jsonl",
    # Real messages: labels and pointers into ../shared/data (PROVENANCE.md there), no texts.
    "real": HERE / "await_eval" / "real_test.jsonl",
    "real-dev": HERE / "await_eval" / "real_dev.jsonl",
    # List mail of the other years of the same lists without time words (MIT), texts inline.
    "real-dev2": HERE / "await_eval" / "real_dev2.jsonl",
    # A third dev split drawn from the test split's own archives (pointers and labels, no texts).
    "real-dev3": HERE / "await_eval" / "real_dev3.jsonl",
    # Lines of a project's IRC channel (#duraspace, logs under CC BY 4.0), texts inline.
    "real-chat-dev": HERE / "await_eval" / "real_chat_dev.jsonl",
    # Real messages with time words from other years of the same list (MIT), texts inline.
    "real-windows": HERE / "await_eval" / "real_windows.jsonl",
    # Real messages with time words from other lists (MIT) and Bugzilla (MPL-2.0), texts inline:
    # the windows part's dev counterpart, the rules may be tuned on it.
    "real-windows-dev": HERE / "await_eval" / "real_windows_dev.jsonl",
    # Real Jira descriptions and comments (Apache-2.0), texts inline: a frozen test and a dev split.
    "tracker": HERE / "await_eval" / "tracker_test.jsonl",
    "tracker-dev": HERE / "await_eval" / "tracker_dev.jsonl",
    # Real Bugzilla descriptions and comments (MPL-2.0), texts inline: a second dev split.
    "tracker-dev2": HERE / "await_eval" / "tracker_dev2.jsonl",
    # The fixture's other Bugzilla texts (MPL-2.0), every description first: a third dev split.
    "tracker-dev3": HERE / "await_eval" / "tracker_dev3.jsonl",
}
# Five languages beyond English (windows and requests): a held-out part per language, written and
# committed before the rules were extended, and a tuning part.
LANGUAGES = ("de", "fr", "es", "pt", "nl")
for _lang in LANGUAGES:
    SETS[f"lang-{_lang}"] = HERE / "await_eval" / f"lang_{_lang}_heldout.jsonl"
    SETS[f"lang-{_lang}-tune"] = HERE / "await_eval" / f"lang_{_lang}.jsonl"
# The French and Spanish held-out parts were spent (the rules were tuned on their misses); fresh
# ones, written blind by someone who had not read the rules, replace them as the held-out parts.
SECOND_HELDOUT = ("fr", "es")
# Their later parts, each `lang-<code>-<part>` -> `lang_<code>_<stem>.jsonl`:
# * 2: the first fresh held-out part, scored four times while the rules were tuned on parts 3 and
#   4: spent for estimates;
# * 3, 4, 5: dev parts of 80 messages each, written before their writer read the rules and
#   committed before anything scored them (5 in other trades, settings and registers: hospital,
#   school, logistics, public administration, open source, retail, agencies; terse chat, formal
#   mail, SMS); the rules may be tuned on them;
# * h3: the second blind held-out part, scored three times while the rules were tuned on parts 4
#   and 5: spent for estimates;
# * h4: the third blind held-out part, the held-out part now.
LATER_PARTS = {
    "2": "heldout2",
    "3": "dev3",
    "4": "dev4",
    "5": "dev5",
    "h3": "heldout3",
    "h4": "heldout4",
}
DEV_PARTS = ("3", "4", "5")
for _part, _stem in LATER_PARTS.items():
    for _lang in SECOND_HELDOUT:
        SETS[f"lang-{_lang}-{_part}"] = HERE / "await_eval" / f"lang_{_lang}_{_stem}.jsonl"
# The sets whose records point into archives instead of carrying their text.
REAL_SETS = frozenset(
    {
        "real",
        "real-dev",
        "real-dev2",
        "real-dev3",
        "real-chat-dev",
        "real-windows",
        "real-windows-dev",
        "tracker",
        "tracker-dev",
        "tracker-dev2",
        "tracker-dev3",
    }
)
# A set name -> the AWAIT files it scores together.
AWAIT_SETS: dict[str, tuple[str, ...]] = {
    "main": ("main",),
    "heldout": ("heldout",),
    "all": ("main", "heldout"),
    "real": ("real",),
    "real-dev": ("real-dev",),
    "real-dev2": ("real-dev2",),
    "real-dev3": ("real-dev3",),
    "real-chat-dev": ("real-chat-dev",),
    **{f"lang-{lang}": (f"lang-{lang}",) for lang in LANGUAGES},
    **{f"lang-{lang}-tune": (f"lang-{lang}-tune",) for lang in LANGUAGES},
    **{
        f"lang-{lang}-{part}": (f"lang-{lang}-{part}",)
        for part in LATER_PARTS
        for lang in SECOND_HELDOUT
    },
    # The held-out parts not yet tuned on nor spent: the fourth part where the first three are.
    "lang": tuple(
        f"lang-{lang}-h4" if lang in SECOND_HELDOUT else f"lang-{lang}" for lang in LANGUAGES
    ),
    "lang-tune": (
        *(f"lang-{lang}-tune" for lang in LANGUAGES),
        *(f"lang-{lang}-{part}" for part in DEV_PARTS for lang in SECOND_HELDOUT),
    ),
    "real-windows": ("real-windows",),
    "real-windows-dev": ("real-windows-dev",),
    "tracker": ("tracker",),
    "tracker-dev": ("tracker-dev",),
    "tracker-dev2": ("tracker-dev2",),
    "tracker-dev3": ("tracker-dev3",),
}
FRICTION = ("bare_greeting", "nudge", "clarification", "sync_request")
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
FRICTION_REQUIRED: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "text": (str,),
    "note": (str, type(None)),
    **{name: (bool,) for name in FRICTION},
}


class InvalidSet(Exception):
    """The evaluation set cannot be used as it is."""


def _records(path: Path, required: dict[str, tuple[type, ...]]) -> list[tuple[str, dict[str, Any]]]:
    """The JSONL objects of `path` with where each is, fields and unique ids checked."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidSet(f"{path}: cannot read: {exc}") from exc
    records: list[tuple[str, dict[str, Any]]] = []
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
        for key, types in required.items():
            if key not in record:
                raise InvalidSet(f"{where}: missing field {key!r}")
            if not isinstance(record[key], types):
                raise InvalidSet(f"{where}: field {key!r} has type {type(record[key]).__name__}")
        rid = record["id"]
        if rid in seen:
            raise InvalidSet(f"{where}: duplicate id {rid!r} (first on line {seen[rid]})")
        seen[rid] = number
        records.append((where, record))
    if not records:
        raise InvalidSet(f"{path}: no messages")
    return records


def _real_records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The records of a real set with their text read from the archive each points into."""
    from await_real import ArchiveMissing, text_of

    without_text = {key: types for key, types in REQUIRED.items() if key != "text"}
    records = []
    for where, record in _records(path, {**without_text, "source": (dict,)}):
        try:
            text = record.get("text") or text_of(record["source"])
        except ArchiveMissing:
            raise
        except (OSError, KeyError, ValueError) as exc:
            raise InvalidSet(f"{where}: cannot read the message it points to: {exc!r}") from exc
        records.append((where, {**record, "text": text}))
    return records


def load_set(path: Path, real: bool = False) -> list[dict[str, Any]]:
    """Read and validate an AWAIT JSONL set; raise `InvalidSet` naming the first problem.

    A `real` set holds pointers (``source``) instead of texts; its texts are read from
    ``../shared/data`` (`await_real.ArchiveMissing` where that folder is absent).
    """
    records: list[dict[str, Any]] = []
    for where, record in _real_records(path) if real else _records(path, REQUIRED):
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
    return records


def load_friction(path: Path) -> list[dict[str, Any]]:
    """Read and validate the friction JSONL set; raise `InvalidSet` naming the first problem."""
    return [record for _, record in _records(path, FRICTION_REQUIRED)]


@dataclass(kw_only=True)
class Score(Counts):
    """The counts of one labelled field over one scope, with the targets."""

    field: str
    scope: str

    @property
    def passed(self) -> bool:
        return self.precision >= PRECISION_TARGET and self.recall >= RECALL_TARGET

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "n": self.tp + self.fp + self.fn + self.tn,
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


def _miss(errors: list[dict[str, Any]], rid: str, field: str, label: Any, predicted: Any) -> None:
    errors.append({"id": rid, "field": field, "label": label, "predicted": predicted})


def evaluate(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Score the AWAIT linter on labelled messages (see the module docstring)."""
    from asyncmaturity.await_protocol.lint import analyse

    request = Score(field="is_request", scope="all messages")
    elements = {name: Score(field=name, scope="labelled requests") for name in ELEMENTS}
    deadline_hits = deadline_total = 0
    errors: list[dict[str, Any]] = []
    for record in records:
        rid = record["id"]
        result = analyse(
            record["text"],
            sent_at=datetime.fromisoformat(record["sent_at"]),
            timezone=record["timezone"],
        )
        request.add(record["is_request"], bool(result.is_request))
        if bool(result.is_request) != record["is_request"]:
            _miss(errors, rid, "is_request", record["is_request"], bool(result.is_request))
        if not record["is_request"]:
            continue
        for name, score in elements.items():
            predicted = _element(result, name)
            score.add(record[name], predicted)
            if predicted != record[name]:
                _miss(errors, rid, name, record[name], predicted)
        if record["deadline"] is not None:
            deadline_total += 1
            want = datetime.fromisoformat(record["deadline"]).replace(second=0, microsecond=0)
            got = _local(result.deadline, record["timezone"])
            if got == want:
                deadline_hits += 1
            else:
                _miss(errors, rid, "deadline", record["deadline"], got.isoformat() if got else None)
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


def evaluate_friction(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Score the four friction signals of `await_rules.signals` on labelled messages."""
    from asyncmaturity.await_protocol.rules import signals

    scores = {name: Score(field=name, scope="all messages") for name in FRICTION}
    errors: list[dict[str, Any]] = []
    for record in records:
        found = signals(record["text"])
        for name, score in scores.items():
            score.add(record[name], found[name])
            if found[name] != record[name]:
                _miss(errors, record["id"], name, record[name], found[name])
    return {
        "messages": len(records),
        "targets": {"precision": PRECISION_TARGET, "recall": RECALL_TARGET},
        "elements": {name: score.to_json() for name, score in scores.items()},
        "all_elements_pass": all(score.passed for score in scores.values()),
        "errors": errors,
    }


def load(name: str, file: Path | None = None) -> list[dict[str, Any]]:
    """The validated records of the set `name` (main, heldout, all or friction), or of `file`."""
    if name == "friction":
        return load_friction(file or SETS["friction"])
    if file is not None:
        return load_set(file, real=name in REAL_SETS)
    return [
        record
        for part in AWAIT_SETS[name]
        for record in load_set(SETS[part], real=part in REAL_SETS)
    ]


def report(name: str, file: Path | None = None) -> dict[str, Any]:
    """The report of one set: `evaluate` for the AWAIT sets, `evaluate_friction` for friction."""
    records = load(name, file)
    return evaluate_friction(records) if name == "friction" else evaluate(records)


def _table_row(row: dict[str, Any], verdict: str) -> str:
    return (
        f"| {row['field']} | {row['scope']} | {row['n']} | {row['tp']} | {row['fp']} | "
        f"{row['fn']} | {row['tn']} | {row['precision']:.3f} | {row['recall']:.3f} | "
        f"{row['f1']:.3f} | {verdict} |"
    )


def markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: the table, then (AWAIT sets) the deadline accuracy."""
    friction = "is_request" not in report
    title = (
        f"Friction signals: {report['messages']} messages"
        if friction
        else f"AWAIT evaluation: {report['messages']} messages, "
        f"{report['requests']} labelled requests"
    )
    lines = [
        title,
        "",
        "| field | scope | n | TP | FP | FN | TN | precision | recall | F1 | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    if not friction:
        # The targets are per element; is_request's verdict is shown for reference.
        row = report["is_request"]
        lines.append(_table_row(row, f"({'PASS' if row['pass'] else 'FAIL'})"))
    for row in report["elements"].values():
        lines.append(_table_row(row, "PASS" if row["pass"] else "FAIL"))
    lines.append("")
    if not friction:
        d = report["deadline"]
        accuracy = f"{d['accuracy']:.3f}" if d["accuracy"] is not None else "n/a"
        lines.append(
            f"Deadline accuracy (exact local minute, over labelled deadlines): {accuracy} "
            f"({d['exact']}/{d['labelled']})"
        )
    lines.append(
        f"Targets per {'signal' if friction else 'element'}: precision >= {PRECISION_TARGET}, "
        f"recall >= {RECALL_TARGET}; all: {'PASS' if report['all_elements_pass'] else 'FAIL'}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set",
        choices=[*AWAIT_SETS, "friction"],
        default="main",
        help="which labelled set to score (default: main)",
    )
    parser.add_argument(
        "--file", type=Path, metavar="PATH", help="score this JSONL file, in the set's format"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the report as JSON")
    parser.add_argument(
        "--errors",
        metavar="FIELD",
        help="list the misses for one field (is_request, an element, deadline or a signal)",
    )
    args = parser.parse_args(argv)
    from await_real import ArchiveMissing

    try:
        records = load(args.set, args.file)
    except ArchiveMissing as exc:
        print(f"await_eval: skipped set {args.set!r}: its archive is absent ({exc})")
        return 0
    except InvalidSet as exc:
        print(f"await_eval: invalid evaluation set: {exc}", file=sys.stderr)
        return 2
    result = evaluate_friction(records) if args.set == "friction" else evaluate(records)
    print(markdown(result))
    if args.errors:
        texts = {r["id"]: r["text"] for r in records}
        print(f"\nMisses for {args.errors}:")
        for error in result["errors"]:
            if error["field"] == args.errors:
                print(
                    f"- {error['id']} label={error['label']} predicted={error['predicted']}: "
                    f"{texts[error['id']]!r}"
                )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
