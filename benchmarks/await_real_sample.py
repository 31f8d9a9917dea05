"""Draw the messages of the real AWAIT sets from the archives in ``../shared/data``, seeded.

    .venv/bin/python benchmarks/await_real_sample.py OUT.jsonl
    .venv/bin/python benchmarks/await_real_sample.py --fresh OUT.jsonl   # the fifth dev round
    .venv/bin/python benchmarks/await_real_sample.py --fresh2 OUT.jsonl   # real_dev3
    .venv/bin/python benchmarks/await_real_sample.py --lists PIPERMAIL OUT.jsonl   # real_dev2
    .venv/bin/python benchmarks/await_real_sample.py --irc LOGS OUT.jsonl   # real_chat_dev

Writes one candidate a line (pointer, send time, zone, split, stratum and the text, for labelling
outside the repository). How the draw works is in ``benchmarks/await_eval/PROVENANCE.md``: every
user message of the Slack export and every list message whose author text (quotes, signature and
footer removed) has 1 to 1,500 characters is a candidate; candidates are shuffled with a fixed seed
in two strata, "time" (a time word: a weekday, today, tomorrow, tonight, deadline, "by/before/until
<something>", a date) and "rest", and taken in turn per archive: first the test split, then the dev
split, so the two never share a message.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from await_real import DATA, mbox_messages, mbox_sent

SEED = 20261207
TIME_WORD = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\btoday\b|\btomorrow\b|\btonight\b"
    r"|\bdeadline\b|\bend of\b|\bby (?:the )?(?:\d|next|this|end)|\bbefore (?:the )?(?:\d|next)"
    r"|\buntil\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}\b"
    r"|\bwithin \w+ (?:days?|hours?|weeks?)\b|\bthis week\b|\bnext week\b",
    re.IGNORECASE,
)
# (archive, test count per stratum, dev count per stratum)
PLAN = {
    "slack-houston-2016": {"time": (40, 15), "rest": (180, 145)},
    "mbox-twisted-2010": {"time": (45, 50), "rest": (140, 245)},
}


def slack_candidates() -> list[dict]:
    root = DATA / "slack-houston-2016"
    zones = {
        u["id"]: u.get("tz") or "America/Chicago"
        for u in json.loads((root / "users.json").read_text())
    }
    found = []
    for day in sorted(root.glob("*/*.json")):
        for m in json.loads(day.read_text(encoding="utf-8")):
            subtype = m.get("subtype")
            if subtype not in (None, "file_comment") or m.get("bot_id"):
                continue
            text = m.get("text") or ""
            if subtype == "file_comment":
                text = (m.get("comment") or {}).get("comment") or ""
            if not text.strip():
                continue
            user = m.get("user") or (m.get("comment") or {}).get("user")
            zone = zones.get(user, "America/Chicago")
            sent = datetime.fromtimestamp(float(m["ts"]), ZoneInfo(zone)).replace(tzinfo=None)
            found.append(
                {
                    "source": {
                        "archive": root.name,
                        "file": str(day.relative_to(root)),
                        "key": m["ts"],
                    },
                    "sent_at": sent.isoformat(timespec="minutes"),
                    "timezone": zone,
                    "text": text,
                }
            )
    return found


def mbox_candidates() -> list[dict]:
    root = DATA / "mbox-twisted-2010"
    found = []
    for month in sorted(root.glob("*.txt.gz")):
        for key, (message, text) in mbox_messages(month).items():
            if not 0 < len(text) <= 1500:
                continue
            sent, zone = mbox_sent(message)
            found.append(
                {
                    "source": {"archive": root.name, "file": month.name, "key": key},
                    "sent_at": sent,
                    "timezone": zone,
                    "subject": message.get("Subject"),
                    "text": text,
                }
            )
    return found


def write_rows(out: Path, rows: list[dict]) -> None:
    """Write `rows` to `out`, one JSON object a line, for labelling outside the repository."""
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


def main(out: Path) -> None:
    rng = random.Random(SEED)
    rows = []
    for archive, candidates in (
        ("slack-houston-2016", slack_candidates()),
        ("mbox-twisted-2010", mbox_candidates()),
    ):
        for stratum, (n_test, n_dev) in PLAN[archive].items():
            pool = [
                c for c in candidates if bool(TIME_WORD.search(c["text"])) == (stratum == "time")
            ]
            rng.shuffle(pool)
            for split, chosen in (("test", pool[:n_test]), ("dev", pool[n_test : n_test + n_dev])):
                rows += [{**c, "split": split, "stratum": stratum} for c in chosen]
            print(archive, stratum, len(pool), file=sys.stderr)
    write_rows(out, rows)


# The fifth dev round: a fresh estimate drawn after the fourth round's rules, from messages in no
# labelled file (checked by pointer), both strata together, with its own seed.
FRESH_SEED = SEED + 5
FRESH_COUNT = 45


def taken_pointers() -> set[tuple[str, str]]:
    """(file, key) of every message a labelled set under await_eval/ already names."""
    taken = set()
    for labelled in (Path(__file__).resolve().parent / "await_eval").glob("*.jsonl"):
        for line in labelled.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            source = record.get("source") or {"file": record.get("file"), "key": record.get("ts")}
            taken.add((source.get("file"), source.get("key")))
    return taken


def fresh(out: Path, taken: set[tuple[str, str]], seed: int, count: int) -> None:
    """Write `count` candidates per archive that `taken` does not hold, shuffled with `seed`."""
    rng = random.Random(seed)
    rows = []
    for candidates in (slack_candidates(), mbox_candidates()):
        pool = [c for c in candidates if (c["source"]["file"], c["source"]["key"]) not in taken]
        print(candidates[0]["source"]["archive"], "candidates", len(pool), file=sys.stderr)
        rng.shuffle(pool)
        rows += pool[:count]
    write_rows(out, rows)


# The third dev set (real_dev3.jsonl): a fresh draw of the same two archives after the rounds of
# en18r, the frozen test split's own kind of text, from messages in no labelled file (checked by
# pointer), both strata together, with its own seed; --fresh stays as it was drawn.
FRESH2_SEED = SEED + 32
FRESH2_COUNT = 125


# The second dev set (real_dev2.jsonl): list mail of the other years of the same archive
# (github.com/twisted/pipermail, MIT), drawn without the time stratum, which is the frozen
# real_windows.jsonl; WINDOW_PHRASE is that part's selection, read with TIME_WORD's wider net so
# that no message it could hold is drawn, and every pointer is checked by Message-ID as well.
LISTS_SEED = SEED + 29
LISTS_COUNT = 260
LIST_FOLDERS = ("twisted-python", "twisted-web")
WINDOW_PHRASE = re.compile(
    r"\b(?:by|before|until|till)\s+(?:the\s+)?(?:end\s+of|eod|eow|tomorrow|tonight|today"
    r"|next|this|\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)"
    r"|\bwithin\s+\w+\s+(?:hours?|days?|weeks?)\b|\bdeadline\b|\beod\b|\bend of (?:the )?day\b",
    re.IGNORECASE,
)


def taken_keys() -> set[str]:
    """Every message key (Slack ts, Message-ID) that a labelled set under await_eval/ names."""
    return {key for _, key in taken_pointers() if key}


def list_candidates(pipermail: Path) -> list[dict]:
    """Messages of twisted-python (2001-2022 but 2010) and twisted-web without time words.

    ``pipermail`` is a checkout of github.com/twisted/pipermail (its ``*.txt.gz`` month files);
    a message cross-posted to both lists is a candidate once, under the first folder read.
    """
    found: dict[str, dict] = {}
    for folder in LIST_FOLDERS:
        for month in sorted((pipermail / folder).glob("*.txt.gz")):
            year = month.name[:4]
            if not "2001" <= year <= "2022" or (folder == "twisted-python" and year == "2010"):
                continue
            for key, (message, text) in mbox_messages(month).items():
                if key in found or not 0 < len(text) <= 1500:
                    continue
                if TIME_WORD.search(text) or WINDOW_PHRASE.search(text):
                    continue
                try:
                    sent, zone = mbox_sent(message)
                except (TypeError, ValueError):  # a Date header no zone can hold: no send time
                    continue
                found[key] = {
                    "source": {
                        "archive": "inline",
                        "origin": "github.com/twisted/pipermail",
                        "file": f"{folder}/{month.name}",
                        "key": key,
                    },
                    "sent_at": sent,
                    "timezone": zone,
                    "subject": message.get("Subject"),
                    "text": text,
                }
    return list(found.values())


def lists(pipermail: Path, out: Path) -> None:
    """Write LISTS_COUNT list candidates that no labelled set holds, shuffled with LISTS_SEED."""
    taken = taken_keys()
    pool = [c for c in list_candidates(pipermail) if c["source"]["key"] not in taken]
    random.Random(LISTS_SEED).shuffle(pool)
    print("list candidates", len(pool), file=sys.stderr)
    write_rows(out, pool[:LISTS_COUNT])


# A chat dev set (real_chat_dev.jsonl): the #duraspace IRC channel's logs, 2009-2018
# (github.com/duraspace/irclogs, the logs under CC BY 4.0), one line a message, as a Slack export
# holds one message a record. The logger's clock is UTC ("It's 2000 UTC" is logged at [20:00]).
IRC_SEED = SEED + 30
IRC_COUNT = 160
IRC_LINE = re.compile(
    r'<span class="irc-date">\[(\d{1,2}):(\d{2})\]</span> '
    r'<span class="irc-black">&lt;([^&<>]+)&gt; (.*)</span><br />$'
)
IRC_LINK = re.compile(r'<a href="[^"]*">([^<]*)</a>')


def irc_candidates(logs: Path) -> list[dict]:
    """Every line a person wrote in the logs (bots left out), its text unescaped, 1-1,500 chars.

    ``logs`` is the repository's ``original-logs`` folder (one HTML-marked file a day).
    """
    found = []
    for day in sorted(logs.glob("*.log")):
        lines = day.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, start=1):
            match = IRC_LINE.match(line)
            # Bots: the logger, and kompewter, which prints the titles of links said.
            if not match or "bot" in match.group(3).lower() or match.group(3) == "kompewter":
                continue
            text = html.unescape(IRC_LINK.sub(r"\1", match.group(4))).strip()
            if not 0 < len(text) <= 1500:
                continue
            hour, minute = int(match.group(1)), int(match.group(2))
            found.append(
                {
                    "source": {
                        "archive": "inline",
                        "origin": "github.com/duraspace/irclogs",
                        "file": f"original-logs/{day.name}",
                        "key": f"line-{number}",
                    },
                    "sent_at": f"{day.stem}T{hour:02d}:{minute:02d}",
                    "timezone": "UTC",
                    "nick": match.group(3),
                    "text": text,
                }
            )
    return found


def irc(logs: Path, out: Path) -> None:
    """Write IRC_COUNT chat lines of the logs folder `logs`, shuffled with IRC_SEED."""
    pool = irc_candidates(logs)
    random.Random(IRC_SEED).shuffle(pool)
    print("irc candidates", len(pool), file=sys.stderr)
    write_rows(out, pool[:IRC_COUNT])


def cli() -> None:
    """Parse the command line (see the module's docstring) and write the draw it names."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    # Run before the round is added to real_dev.jsonl: afterwards its own messages are taken.
    mode.add_argument("--fresh", action="store_true", help="the fifth dev round's draw")
    mode.add_argument("--fresh2", action="store_true", help="real_dev3's draw")
    mode.add_argument("--lists", type=Path, metavar="PIPERMAIL", help="real_dev2's draw")
    mode.add_argument("--irc", type=Path, metavar="LOGS", help="real_chat_dev's draw")
    parser.add_argument("out", type=Path, metavar="OUT.jsonl", help="the file to write")
    args = parser.parse_args()
    if args.irc:
        irc(args.irc, args.out)
    elif args.lists:
        lists(args.lists, args.out)
    elif args.fresh2:
        fresh(args.out, taken_pointers(), FRESH2_SEED, FRESH2_COUNT)
    elif args.fresh:
        fresh(args.out, taken_pointers(), FRESH_SEED, FRESH_COUNT)
    else:
        main(args.out)


if __name__ == "__main__":
    cli()
