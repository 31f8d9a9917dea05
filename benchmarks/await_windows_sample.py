"""Draw the real window dev set: messages with time words from list mail and Bugzilla, seeded.

    .venv/bin/python benchmarks/await_windows_sample.py OUT.jsonl [--mirror GIT_DIR] [--bugs JSON]

Writes one candidate a line (pointer, send time, zone, stratum and the author's text, for
labelling). Two sources, both under licences that allow their texts inline (``PROVENANCE.md``):

* github.com/twisted/pipermail (MIT, "Copyright (c) 2022 Twisted Matrix Labs"), read from a bare
  git snapshot (``git show HEAD:<list>/<month>.txt.gz``), the lists of other communities only
  (divunal-author, divunal-devel, divunal-list, inheritance, reality): twisted-python and
  twisted-web hold the frozen windows part (``real_windows.jsonl``) and the 2010 splits. The
  archives of inheritance and divunal-list from 2005 on are left out: they hold spam alone (their
  1,300-odd messages with time words are offers, pills and bounces). A message kept in several
  monthly files counts once, by Message-ID (by its Date and From headers where it has none, as in
  the 1999-2000 archives). Text: ``await_real``'s author text; time: the Date header's offset.
* the Bugzilla fixture of mozilla/bugbug (its ``bugs.json``, MPL-2.0), the comments
  ``tracker_dev2.jsonl`` was drawn from, read and cleaned as that draw did (no bots, no "Invalid
  Bugs", quotes and "(In reply to ...)" removed), less the comments that set already holds.

A candidate has 1 to 1,500 characters of text and a time word: stratum "phrase" where it holds
the time phrase the frozen windows part was drawn with ("by/before/until <weekday, tomorrow, a
date, end of the day/week>", "within N hours/days/weeks", "deadline", "EOD"), stratum "word"
where it holds only a time word of the 2010 draw (``await_real_sample.TIME_WORD``: a weekday,
today, tomorrow, this/next week, ...). Every candidate is written, shuffled with seed 20261218.
"""

from __future__ import annotations

import argparse
import gzip
import json
import mailbox
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from await_real import _body, mbox_sent
from await_real_sample import TIME_WORD

from asyncmaturity.sources.mail_text import author_text

SEED = 20261218
MIRROR = Path("/work/.mirror/twisted+pipermail/repo")
LISTS = ("divunal-author", "divunal-devel", "divunal-list", "inheritance", "reality")
# From this year on these lists carried spam alone.
SPAM_FROM = {"inheritance": 2005, "divunal-list": 2005}
BUGS = Path("/work/.mirror/mozilla+bugbug/repo")
BUGS_FIXTURE = "tests/fixtures/bugs.json"
TAKEN = Path(__file__).resolve().parent / "await_eval" / "tracker_dev2.jsonl"
_BOT = re.compile(r"bot|intermittent|wptsync|orangefactor|treeherder|nobody@")
_IN_REPLY = re.compile(r"\(In reply to (?:[^\n]* )?comment #\d+\)")
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH}"
    r"|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}\b|the \d{1,2}(?:st|nd|rd|th)\b)"
)
TIME_PHRASE = re.compile(
    rf"\b(?:by|before|until|till) (?:(?:this|next|the|on) )?"
    rf"(?:{_DAY}|tomorrow|tonight|{_DATE}|(?:the )?end of (?:the )?(?:day|week|month))"
    r"|\bwithin (?:the next )?(?:\d+|a|an|one|two|three|four|five|six|seven|ten|a few|24|48)"
    r" ?(?:hours?|days?|weeks?|hrs?)\b"
    r"|\bdeadline|\bEOD\b",
    re.IGNORECASE,
)


_ENVELOPE = re.compile(rb"^From [^\n]*", re.MULTILINE)


def _git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout


def month_files(mirror: Path, name: str) -> list[str]:
    """The list's monthly archives, the gzip'd one where both forms are kept."""
    files = _git(mirror, "ls-tree", "--name-only", "HEAD", f"{name}/").decode().split()
    months = sorted({f.removesuffix(".gz") for f in files if f.endswith((".txt", ".txt.gz"))})
    kept = [m for m in months if int(m.split("/")[1][:4]) < SPAM_FROM.get(name, 9999)]
    return [m + ".gz" if m + ".gz" in files else m for m in kept]


def stratum(text: str) -> str | None:
    """The stratum of a text: "phrase" (the windows part's time phrase), "word" or none."""
    if TIME_PHRASE.search(text):
        return "phrase"
    return "word" if TIME_WORD.search(text) else None


def candidates(mirror: Path) -> list[dict]:
    """Every message of the lists with a time phrase in 1-1,500 characters of author text."""
    found: list[dict] = []
    seen: set[str] = set()
    for name in LISTS:
        for path in month_files(mirror, name):
            raw = _git(mirror, "show", f"HEAD:{path}")
            if path.endswith(".gz"):
                raw = gzip.decompress(raw)
            # A few envelope lines carry non-ASCII bytes, which the mailbox module refuses.
            raw = _ENVELOPE.sub(
                lambda m: m.group().decode("latin-1").encode("ascii", "replace"), raw
            )
            with tempfile.NamedTemporaryFile(suffix=".mbox") as plain:
                plain.write(raw)
                plain.flush()
                box = mailbox.mbox(plain.name, create=False)
                for message in box:
                    if not message.get("Date"):
                        continue
                    # The 1999-2000 archives keep no Message-ID: the Date and From headers
                    # name the message there.
                    key = str(message.get("Message-ID") or "").strip() or (
                        f"Date: {message['Date']}; From: {message.get('From')}"
                    )
                    if key in seen:
                        continue
                    seen.add(key)
                    text = author_text(_body(message))
                    kind = stratum(text)
                    if not 0 < len(text) <= 1500 or kind is None:
                        continue
                    sent, zone = mbox_sent(message)
                    found.append(
                        {
                            "source": {
                                "archive": "inline",
                                "origin": "twisted/pipermail",
                                "file": path,
                                "key": key,
                            },
                            "kind": "e-mail",
                            "stratum": kind,
                            "sent_at": sent,
                            "timezone": zone,
                            "date_header": str(message["Date"]),
                            "subject": str(message.get("Subject")),
                            "text": text,
                        }
                    )
                box.close()
    return found


def bugzilla_text(text: str) -> str:
    """A comment less its quoted lines and reply attribution, blank runs shortened."""
    lines = [
        line
        for line in text.split("\n")
        if not line.startswith(">") and not _IN_REPLY.fullmatch(line.strip())
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def bugzilla_records(bugs: Path, taken: set[str]) -> Iterator[dict]:
    """The bugbug fixture's human texts whose key `taken` lacks, in file order, as records.

    Parameters:
        bugs: a bare git snapshot of mozilla/bugbug.
        taken: the keys labelled sets hold already.

    A text is a description (comment 0) or a comment of a bug outside "Invalid Bugs", by no bot,
    of 1 to 1,500 characters once its quotes are removed; its stratum is "description" or
    "comment".
    """
    fixture = _git(bugs, "show", f"HEAD:{BUGS_FIXTURE}").decode("utf-8")
    for line in fixture.splitlines():
        bug = json.loads(line)
        if bug.get("product") == "Invalid Bugs":
            continue
        for number, comment in enumerate(bug["comments"]):
            if _BOT.search(comment.get("author") or ""):
                continue
            text = bugzilla_text(comment["text"])
            place = "description" if number == 0 else f"comment-{number}"
            key = f"bug-{bug['id']}#{place}"
            if key in taken or not 0 < len(text) <= 1500:
                continue
            yield {
                "source": {
                    "archive": "inline",
                    "origin": "mozilla/bugbug",
                    "file": BUGS_FIXTURE,
                    "key": key,
                },
                "kind": "tracker",
                "stratum": "description" if number == 0 else "comment",
                "sent_at": comment["creation_time"].removesuffix("Z")[:16],
                "timezone": "Etc/UTC",
                "subject": bug.get("summary"),
                "text": text,
            }


def bugzilla_candidates(bugs: Path) -> list[dict]:
    """Comments of the bugbug fixture with a time word that tracker_dev2.jsonl does not hold."""
    taken = {
        json.loads(line)["source"]["key"] for line in TAKEN.read_text(encoding="utf-8").splitlines()
    }
    return [
        record | {"stratum": kind}
        for record in bugzilla_records(bugs, taken)
        if (kind := stratum(record["text"])) is not None
    ]


def main(out: Path, mirror: Path, bugs: Path) -> None:
    rows = candidates(mirror) + bugzilla_candidates(bugs)
    random.Random(SEED).shuffle(rows)
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    print(len(rows), "candidates", file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("out", type=Path, metavar="OUT.jsonl", help="the file to write")
    parser.add_argument("--mirror", type=Path, default=MIRROR, help="the pipermail snapshot")
    parser.add_argument(
        "--bugs", type=Path, default=BUGS, metavar="GIT_DIR", help="bugbug's snapshot"
    )
    args = parser.parse_args()
    main(args.out, args.mirror, args.bugs)
