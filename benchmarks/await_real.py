"""Read the texts of the real AWAIT sets from the archives they point into.

The real sets (`benchmarks/await_eval/real_test.jsonl`, `real_dev.jsonl`) keep labels and a
pointer per message, never the text of an archive the repository may not hold (the exports in
``../shared/data``). A pointer is ``{"archive": ..., "file": ..., "key": ...}``:

* ``slack-houston-2016``: ``file`` is the day file (``general/2016-01-05.json``), ``key`` the
  message's ``ts``; the text is the message's ``text`` (a ``file_comment``'s comment text).
* ``mbox-twisted-2010``: ``file`` is the monthly archive (``2010-March.txt.gz``), ``key`` the
  ``Message-ID``; the text is the body as the author wrote it, read by the same function as
  ingest (:func:`asyncmaturity.sources.mail_text.author_text`: quotes and the lines introducing
  them, the signature, the list footer and forwarded originals removed), which is what the
  linter would see as the author's draft.
* ``inline``: the record carries its own ``text`` (tracker comments whose licence allows it).

`resolve` returns the records with ``text`` filled in, or raises `ArchiveMissing` where the data
folder is absent (a fresh clone): callers skip the set then.
"""

from __future__ import annotations

import gzip
import json
import mailbox
import tempfile
from email.message import Message
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from asyncmaturity.sources.mail_text import author_text

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


class ArchiveMissing(Exception):
    """The archive a real set points into is not on this machine."""


def _slack_day(path: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for message in json.loads(path.read_text(encoding="utf-8")):
        text = message.get("text") or ""
        if message.get("subtype") == "file_comment":
            text = (message.get("comment") or {}).get("comment") or text
        texts[str(message.get("ts"))] = text
    return texts


def _body(message: Message) -> str:
    part = message
    if message.is_multipart():
        part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


@lru_cache(maxsize=16)
def mbox_messages(path: Path) -> dict[str, tuple[Message, str]]:
    """Message-ID -> (message, author text) of one gzip'd pipermail archive."""
    with tempfile.NamedTemporaryFile(suffix=".mbox") as plain:
        plain.write(gzip.decompress(path.read_bytes()))
        plain.flush()
        box = mailbox.mbox(plain.name, create=False)
        found: dict[str, tuple[Message, str]] = {}
        for message in box:
            key = (message.get("Message-ID") or "").strip()
            if key and key not in found:
                found[key] = (message, author_text(_body(message)))
        box.close()
    return found


def mbox_sent(message: Message) -> tuple[str, str]:
    """The message's naive local send time and a zone for its UTC offset ("Etc/GMT+5")."""
    sent = parsedate_to_datetime(message["Date"])
    offset = sent.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    zone = "UTC" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
    return sent.replace(tzinfo=None).isoformat(timespec="minutes"), zone


def text_of(pointer: dict[str, str], data: Path = DATA) -> str:
    """The text a pointer names; `ArchiveMissing` where its archive is absent."""
    archive = data / pointer["archive"]
    if not archive.is_dir():
        raise ArchiveMissing(f"{archive} is not present")
    path = archive / pointer["file"]
    if pointer["archive"].startswith("slack-"):
        return _slack_day(path)[pointer["key"]]
    return mbox_messages(path)[pointer["key"]][1]


def resolve(records: list[dict[str, Any]], data: Path = DATA) -> list[dict[str, Any]]:
    """The records with ``text`` read through their ``source`` pointer (inline ones as they are)."""
    resolved = []
    for record in records:
        source = record["source"]
        if source["archive"] == "inline":
            resolved.append(record)
        else:
            resolved.append({**record, "text": text_of(source, data)})
    return resolved
