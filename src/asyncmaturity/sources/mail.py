"""E-mail archives (mbox files, Mailman/pipermail monthly archives, Maildir trees) as evidence.

Mailing lists are where many teams already work asynchronously, and their archives are large, so
the parser reads only what the metrics need, fast: an mbox is split at its ``From `` separator
lines in big blocks of bytes, only the header block of each message is parsed (a handful of
headers, picked by one regular expression), and the body is decoded only as far as its first
``text/plain`` part. Big archives are parsed in worker processes, one per CPU: a plain file in
byte ranges cut at separator lines, which each worker reads and splits itself; a compressed one
split in this process and handed out in chunks of messages (the rows, their order and the
counts do not depend on it). Everything after that (keys, people, features, threads) is
set-based SQL.

Rules (DESIGN.md, metric contract for e-mail):

- A message's key is md5('mail|' || Message-ID), the Message-ID normalised (angle brackets and
  white space stripped, lower-cased), so a message found in two archives counts once. A message
  without a Message-ID still counts: its key is md5('mail|' || sender address || UTC Date as
  ISO 8601 || subject).
- Date: the UTC instant is ``sent_at``; the header's own offset is ``local_offset_s`` (a Date with
  no zone, or ``-0000``, is UTC). A message whose Date is missing or cannot be parsed (year 0,
  year 99999, text) is skipped: counted under 'unparseable Date' with its file and message
  number (1-based), never stored. One whose Date lies outside the plausible range every source
  holds (before 1990, or ``ingest --earliest``, or more than a year after the time of ingest) is
  skipped too, counted under 'implausible Date' (a broken clock or a forgery would otherwise
  stretch every period); ``--strict`` makes either fatal.
- A message with a sender is a human message (the charter's exclusion list applies at measure
  time); one without any From header is a 'system' message. People are keyed by their e-mail
  address ('email:' || lower(address)), which links them to the same person in other sources.
  Pipermail's obfuscated ``name at host.org`` addresses are read as ``name@host.org``.
- Threads: the parent is the message named by In-Reply-To, else the last of References. Only when
  a message has neither header, a subject marked as a reply ("Re: X", after any list tags such as
  "[Twisted-Python]") joins the thread of the most recent earlier message whose subject, with
  reply/forward markers and tags stripped, is X (of several sent at that very time, the last in
  the archive), in the same list and the same ingest (subjects
  are not stored by default, so earlier ingests cannot be searched). A message whose parent is
  not in the store is a root; threads are resolved over the whole store after every mail ingest
  (:mod:`asyncmaturity.sources.mail_threads`), so a reply ingested before its parent is linked
  once the parent arrives.
- Conversations: one per list, kind 'mailing list', named by its List-Id (the part in angle
  brackets, lower-cased) or, without one, by the archive's file stem; a file named after a period
  (``2010-January.txt.gz``, ``2024-03.mbox``) takes its folder's name instead, so that monthly
  archives ingested one at a time make one list; so does a generic name such as ``mbox``. List
  names are stored like channel names.
- Maildir: every folder of a tree is read, at any depth: nested folders (``sub/cur``, as Dovecot's
  fs layout and mail clients keep them) and Maildir++ folders (``.Sent/``, ``.work.projects/`` inside
  a Maildir, as Dovecot and Courier keep them). Each folder is a conversation named by its path:
  a root that is itself a Maildir (a user's INBOX) keeps its own name and its folders are named
  under it (``alice``, ``alice/Sent``, ``alice/work/projects``: Maildir++'s dots are the folder
  separator); under a root that is not a Maildir, each folder is named by its path from the root.
  A message with a List-Id belongs to its list, as in an mbox. A folder with cur/ and new/ is a
  Maildir, and so is one with only one of them (git and zip drop empty folders) beside tmp/ or
  holding a file that starts like a message. Nothing is left out silently: a file in tmp/, a file
  outside cur/ and new/, a folder inside cur/ or new/ is counted in the ingest summary, named by
  its path, and so is a folder that cannot be listed and a symlink to a folder (not followed: it
  may loop). An entry of cur/ or new/ that cannot be read as a message file (a symlink loop, a
  broken symlink, a FIFO, a socket, a device, a file whose open fails) is skipped and counted
  under 'unreadable Maildir entry' with its path and why (``--strict`` makes it fatal); a FIFO is
  never opened. Left out without a word are only what is never mail: dot-files (the Maildir
  specification's rule), hidden folders outside a Maildir, and the servers' bookkeeping
  (Dovecot's ``dovecot*`` indexes and uid lists, Courier's ``courierimap*``, ``maildirfolder``,
  ``maildirsize``, ``subscriptions``).
- Features come from the message's own text: the first text/plain part (else the first text/html
  part, tags stripped), transfer encoding and declared charset decoded (errors replaced), at most
  :data:`MAX_TEXT_BYTES` of it, less what others wrote (quoted lines and the lines introducing
  them, forwarded and Outlook-quoted originals, the signature, list footers and pipermail's
  scrubbed-attachment notes: :func:`asyncmaturity.sources.mail_text.author_text`). Attachments are
  never decoded. With ``--keep-text`` that own text, the subject and display names are stored
  too (parsers up to mbox/2 and maildir/3 stored the whole decoded body).

Not read: Received chains, Cc/To (recipients are not evidence of a reply), attachments, and
Maildir's tmp/ folder (messages still being delivered: counted and named, as above).

mbox separators: a line starting ``From `` separates messages when a header block follows it,
dated or not (some writers put only the envelope sender on it): header lines and their folded
continuations up to a blank line, one of them a header every mail writer sets (From, Date,
Message-ID, Subject, To, Received, Return-Path, an X- header...). A body line "From now on, ..."
followed by text, or by "Note: ...", is text, never a split: pipermail archives leave such lines
unescaped, and stdlib's mailbox (which Perceval uses) splits messages there; mutt's dated-line
test would merge a message whose separator has no date into the one before. A single file given
as an mbox that is empty, or does not start with a ``From `` line (binary data, a ``.gz`` that is
not gzip data), is refused with one line naming it; a compressed file that ends early is refused
naming it too.
"""

from __future__ import annotations

import binascii
import bz2
import gzip
import lzma
import mmap
import multiprocessing
import os
import re
import zipfile
import zlib
from array import array
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.utils import parsedate_tz
from itertools import accumulate, chain, pairwise
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import duckdb
import numpy as np
import pyarrow as pa

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.archive import extracted
from asyncmaturity.sources.features import (
    feature_params,
    one_thread,
    signal_planning,
    text_features_sql,
)
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.mail_text import author_text
from asyncmaturity.sources.mail_threads import THREADS_TABLE, resolve_threads
from asyncmaturity.sources.reading import FOLDER, entry_problem
from asyncmaturity.store.database import AWAIT_SIGNAL_COLUMNS, identity_hash_sql, person_key_sql
from asyncmaturity.vocabulary import ConversationKind, MessageKind, Visibility

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

BLOCK_BYTES = 4 << 20  # read mbox files in blocks this big
MAX_MESSAGE_BYTES = 64 << 20  # beyond this a message keeps its head only (a bomb stays bounded)
MAX_TEXT_BYTES = 1 << 20  # text read from one message for its features
ROWS_PER_BATCH = 1_000  # messages parsed into one Arrow table (a chunk for one worker)
CHUNK_BYTES = 32 << 20  # an mbox chunk parsed at once holds at most about this many bytes
PARALLEL_MIN_BYTES = 1 << 20  # smaller mbox archives are parsed without worker processes
RANGE_BYTES = 1 << 20  # a plain mbox file is parsed by workers in byte ranges about this big
# The first range is this big and each next one twice its predecessor, up to RANGE_BYTES: the
# ingest waits for the first range's rows before it plans its statement (0.2 CPU-s), so a small
# first range lets the planning start soon after the workers do (a 1 MiB range is about 500
# messages, 25 ms of parsing; 64 KiB about 2 ms).
FIRST_RANGE_BYTES = 64 << 10
IN_FLIGHT_PER_WORKER = 3  # chunks handed to each parsing worker ahead of the one it parses
# Byte ranges carry no bytes, and their rows are small: more of them are handed out, so that the
# workers go on parsing while this process runs a long DuckDB statement.
RANGES_PER_WORKER = 16
# Messages whose keys and features one statement computes: each statement costs about 0.3 CPU-s
# beyond its rows (its patterns compiled at planning and again by its thread), 7% of a
# 100k-message ingest in batches of 50k. The parsed rows stream into it as the workers send
# them; it holds them (about 1 KiB a message) until it has read them all, as the AWAIT signals
# read each distinct text once.
STAGE_ROWS = 250_000
# A message's key: its Message-ID, or failing that its sender, time and subject.
MESSAGE_KEY_SQL = (
    "md5('mail|' || coalesce(message_id, coalesce(address, '') "
    "|| strftime(sent_at, '%Y-%m-%dT%H:%M:%S') || coalesce(subject, '')))"
)
MAX_PARTS = 64  # MIME parts looked at, per multipart level
PEEK_FILES = 40  # files sniffed when detecting an mbox folder

# A separator line is "From " followed by a header block: header lines, one of them a header
# that every mail writer sets (a body line "From now on..." followed by "Note: ..." is text).
HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
KNOWN_NAME = (
    rb"(?:from|date|message-id|subject|to|cc|sender|reply-to|in-reply-to|references"
    rb"|received|return-path|delivered-to|mime-version|content-type|list-id|x-[!-9;-~]+)[ \t]*:"
)
KNOWN_HEADER = re.compile(rb"(?i)" + KNOWN_NAME)
# A header block as most are, for a quick answer: header lines and folded lines up to a blank
# line ("\r\n" or "\n"); any other shape is looked at line by line.
# Possessive quantifiers (nothing given back could make a match) spare the engine its
# backtracking bookkeeping.
PLAIN_HEADER_BLOCK = re.compile(
    rb"[!-9;-~]++[ \t]*+:[^\n]*+\n(?:(?:[!-9;-~]++[ \t]*+:|[ \t])[^\n]*+\n)*+\r?\n"
)
KNOWN_HEADER_AFTER_NEWLINE = re.compile(rb"(?i)\n" + KNOWN_NAME)
SEPARATOR_LOOKAHEAD = 64 << 10  # header bytes looked at after a "From " line, at most
WANTED = (
    "from|date|message-id|in-reply-to|references|subject|list-id|content-type|"
    "content-transfer-encoding|content-disposition"
)
HEADER = re.compile(
    rb"^(" + WANTED.encode() + rb")[ \t]*+:[ \t]*+([^\n]*+(?:\n[ \t][^\n]*+)*+)", re.M | re.I
)
HEADER_END = re.compile(rb"\n\r?\n")
FOLD = re.compile(r"\r?\n[ \t]*")
ANGLE_ID = re.compile(r"<\s*([^<>\s]+)\s*>")
ADDRESS_IN_ANGLES = re.compile(r"<\s*([^<>\s]*)\s*>")
BARE_ADDRESS = re.compile(r"[^\s<>()\[\]\",;:]+@[^\s<>()\[\]\",;:]+")
# "name at host.org" (pipermail): the " at " between a name and a dotted host becomes "@".
# It starts with the space, a literal the engine searches for, and looks behind from after it.
OBFUSCATED_AT = re.compile(
    r" (?<=[^\s<>()\[\]\",;:@] )at (?=[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)"
)
COMMENT = re.compile(r"\(([^()]*)\)")
PARAM_CHARSET = re.compile(r"(?i)\bcharset\s*=\s*\"?([^\";\s]+)")
PARAM_BOUNDARY = re.compile(r"(?i)\bboundary\s*=\s*(?:\"([^\"]+)\"|([^;\s]+))")
SUBJECT_PREFIX = re.compile(
    r"^(?:\s*(?:(?:re|aw|sv|antw|fwd?|fw|tr|wg)\s*(?:\[\d+\])?\s*:|\[[^\]]*\]))+\s*", re.I
)
REPLY_MARK = re.compile(r"(?i)(?:^|[\s:\]])(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*:")
TAG = re.compile(r"<[^>]*>")
PERIOD_STEM = re.compile(
    r"(?i)^(?:\d{4}(?:[-_. ]?(?:\d{1,2}|q[1-4]|w\d{1,2}|[a-z]+))*|[a-z]+[-_. ]?\d{4})$"
)
# File stems that name no list (the folder does): mail clients' and exporters' generic names.
GENERIC_STEMS = {"mbox", "inbox", "mail", "mails", "archive", "messages", "all", "export"}
ARCHIVE_SUFFIXES = {".gz", ".bz2", ".xz", ".txt", ".mbox", ".mbx", ".mail", ".eml"}

STAGED_SCHEMA = pa.schema(
    [
        ("file_no", pa.int32()),
        ("msg_no", pa.int64()),
        ("message_id", pa.string()),
        ("parent_id", pa.string()),
        ("thread_headers", pa.bool_()),
        ("is_re", pa.bool_()),
        ("base_subject", pa.string()),
        ("subject", pa.string()),
        ("has_from", pa.bool_()),
        ("address", pa.string()),
        ("display_name", pa.string()),
        ("sent_at", pa.timestamp("us")),
        ("offset_s", pa.int32()),
        ("list_name", pa.string()),
        ("own_text", pa.string()),
    ]
)


@dataclass(frozen=True)
class MailFile:
    """One archive file (or Maildir message file) and what names it in reports and threads."""

    path: Path
    label: str  # the path shown in reports ("archive.zip!2010-January.txt")
    list_name: str  # the list its messages belong to unless they carry a List-Id


# --------------------------------------------------------------------------------------------
# Reading bytes: compressed files, mbox splitting


def _compression(path: Path) -> str | None:
    """'gzip', 'bzip2' or 'xz' when the content of `path` says so, else None (plain)."""
    with path.open("rb") as probe:
        magic = probe.read(6)
    if magic[:2] == b"\x1f\x8b":
        return "gzip"
    if magic[:3] == b"BZh":
        return "bzip2"
    if magic == b"\xfd7zXZ\x00":
        return "xz"
    return None


def _open(path: Path) -> IO[bytes]:
    """`path` for reading, decompressed when its content says gzip, bzip2 or xz."""
    compression = _compression(path)
    if compression == "gzip":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if compression == "bzip2":
        return bz2.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    return path.open("rb")


def _starts_like_mbox(path: Path) -> bool:
    """True when the file's (decompressed) content begins with an mbox "From " line."""
    try:
        with _open(path) as stream:
            head = stream.read(5)
    except (OSError, EOFError, lzma.LZMAError):
        return False
    return head == b"From "


def headers_follow(buf: bytes, start: int, eof: bool) -> bool | None:
    """Whether a message header block starts at `start` in `buf` (None: `buf` ends too soon).

    A header block is header lines ("Name: value") and their folded continuations up to a blank
    line (or :data:`SEPARATOR_LOOKAHEAD` bytes, or the end of the file), at least one of them a
    header every mail writer sets (:data:`KNOWN_HEADER`): "From now on:" or "Note: ..." in a
    body does not make one.
    """
    limit = start + SEPARATOR_LOOKAHEAD
    end = min(len(buf), limit)
    plain = PLAIN_HEADER_BLOCK.match(buf, start, end)
    if plain:
        return bool(
            KNOWN_HEADER.match(buf, start)
            or KNOWN_HEADER_AFTER_NEWLINE.search(buf, start, plain.end())
        )
    return headers_follow_by_line(buf, start, eof)


def headers_follow_by_line(buf: bytes, start: int, eof: bool) -> bool | None:
    """:func:`headers_follow`, looking at each line in turn (any header block)."""
    limit = start + SEPARATOR_LOOKAHEAD
    end = min(len(buf), limit)
    pos, lines, known = start, 0, False
    while pos < end:
        eol = buf.find(b"\n", pos, end)
        if eol < 0:
            if not eof and len(buf) < limit:
                return None
            eol = end  # the file's last line, or a header block too long to follow further
        line = buf[pos:eol].rstrip(b"\r")
        if not line:
            return known
        if line[:1] in (b" ", b"\t"):
            if not lines:
                return False
        elif HEADER_LINE.match(line):
            known = known or bool(KNOWN_HEADER.match(line))
        else:
            return False
        lines += 1
        pos = eol + 1
    if not eof and len(buf) < limit:
        return None
    return known


def split_mbox(stream: IO[bytes], *, block_bytes: int | None = None) -> Iterator[bytes]:
    """The messages of an mbox stream, each starting with its "From " line.

    Reads blocks of `block_bytes` (default :data:`BLOCK_BYTES`); a line starting "From "
    separates messages only when a header block follows it (:func:`headers_follow`, see the
    module docs), dated or not. A message longer than :data:`MAX_MESSAGE_BYTES` keeps only its
    first that many bytes, so memory stays bounded whatever the input.
    """
    for _, raw in _split_at(stream, block_bytes or BLOCK_BYTES):
        yield raw


def _split_at(stream: IO[bytes], block_bytes: int) -> Iterator[tuple[int, bytes]]:
    """(offset in `stream` where it starts, bytes) of each message of :func:`split_mbox`."""
    buf = b""
    origin = 0  # the stream offset of buf[0]
    start = 0  # where the current message starts in buf
    scan = 0  # where the search for the next separator resumes
    head: tuple[int, bytes] | None = None  # the kept head of an over-long current message
    first = True
    while True:
        data = stream.read(block_bytes)
        eof = not data
        if first:
            stripped = data.lstrip(b"\r\n")
            origin, data = len(data) - len(stripped), stripped
            first = False
        buf = buf[start:] + data if start else buf + data
        origin += start
        scan -= start
        start = 0
        pos = max(scan, 0)
        while True:
            i = buf.find(b"\nFrom ", pos)
            if i < 0:
                scan = max(len(buf) - 5, start)
                break
            eol = buf.find(b"\n", i + 1)
            follows = headers_follow(buf, eol + 1, eof) if eol >= 0 else (False if eof else None)
            if follows is None:
                scan = i
                break
            if follows:
                if head is not None:
                    yield head
                    head = None
                else:
                    yield origin + start, buf[start : i + 1]
                start = i + 1
            pos = i + 1
        if eof:
            if head is not None:
                yield head
            elif buf[start:].strip():
                yield origin + start, buf[start:]
            return
        if head is None and len(buf) - start > MAX_MESSAGE_BYTES:
            head = origin + start, buf[start : start + MAX_MESSAGE_BYTES]
        if head is not None and len(buf) - start > SEPARATOR_LOOKAHEAD + 4096:
            # Keep only a tail in which the next separator line and its headers may begin.
            drop = len(buf) - SEPARATOR_LOOKAHEAD - 4096
            start, scan = drop, max(scan, drop)


def separates(buf: bytes | mmap.mmap, at: int) -> bool:
    """Whether the "\\nFrom " at `at` in `buf`, the whole of a file, separates two messages.

    The decision :func:`split_mbox` takes there reading the file from its start: it depends
    on the bytes after that line alone, so a file can be split into ranges at such lines and
    each range split on its own, giving the messages and bytes of the whole file's split.
    """
    eol = buf.find(b"\n", at + 1)
    if eol < 0:
        return False
    end = eol + 1 + SEPARATOR_LOOKAHEAD + 1
    return bool(headers_follow(buf[at:end], eol + 1 - at, end >= len(buf)))


# --------------------------------------------------------------------------------------------
# Parsing one message


def _header_text(raw: bytes) -> str:
    """A header value as text: unfolded, RFC 2047 words decoded, undecodable bytes replaced."""
    text = raw.decode("utf-8", "replace")
    if "\n" in text:
        text = FOLD.sub(" ", text)
    text = text.strip()
    if "=?" in text:
        # A bad encoded word keeps its raw form: not worth losing the message over.
        with suppress(ValueError, LookupError, UnicodeError, binascii.Error):
            text = str(make_header(decode_header(text)))
    return text


def normalise_id(value: str) -> str | None:
    """A Message-ID as a key: the first <...> (or the bare value), white space out, lower-cased."""
    found = ANGLE_ID.search(value)
    if found:
        return found.group(1).lower()
    bare = value.strip().strip("<>").strip()
    if not bare or any(c.isspace() for c in bare):
        return None
    return bare.lower()


def _last_reference(value: str) -> str | None:
    found = ANGLE_ID.findall(value)
    if found:
        return str(found[-1]).lower()
    tokens = [t for t in value.split() if "@" in t]
    return tokens[-1].strip("<>").lower() if tokens else None


def parse_sender(value: str) -> tuple[str | None, str | None]:
    """(lower-cased address, display name) of a From value; "name at host" is de-obfuscated.

    >>> parse_sender("glyph at twistedmatrix.com (Glyph Lefkowitz)")
    ('glyph@twistedmatrix.com', 'Glyph Lefkowitz')
    >>> parse_sender('"Doe, Jane" <Jane.Doe@Example.org>')
    ('jane.doe@example.org', 'Doe, Jane')
    """
    if "@" not in value and " at " in value:
        value = OBFUSCATED_AT.sub("@", value)
    angled = ADDRESS_IN_ANGLES.search(value)
    if angled and "@" in angled.group(1):
        address = angled.group(1)
        name = value[: angled.start()].strip().strip('"').strip() or None
    else:
        bare = BARE_ADDRESS.search(value)
        if bare is None:
            stripped = value.strip()
            return (stripped.lower() or None), None
        address = bare.group(0)
        comment = COMMENT.search(value)
        name = comment.group(1).strip() if comment else None
        if name is None:
            rest = (value[: bare.start()] + value[bare.end() :]).strip().strip('"').strip()
            name = rest or None
    return address.strip().lower(), (name or None)


def parse_date(value: str) -> tuple[int, int] | None:
    """(UTC epoch microseconds, offset seconds) of a Date value, or None when it is no date.

    The common RFC 5322 form is matched directly; anything else goes to the standard library's
    lenient parser (two-digit years, zone names, missing weekday commas...).

    >>> parse_date("Fri, 1 Jan 2010 05:05:00 -0500")
    (1262340300000000, -18000)
    >>> parse_date("Fri, 1 Jan 2010 05:05:00") == parse_date("Fri, 1 Jan 2010 05:05:00 GMT")
    True
    """
    fast = DATE_FAST.match(value)
    month = MONTHS.get(fast.group(2).lower()) if fast else None
    if fast and month:
        day, _, year, hour, minute, second, zone = fast.groups()
        offset = 0
        if zone:
            offset = int(zone[1:3]) * 3600 + int(zone[3:5]) * 60
            offset = -offset if zone[0] == "-" else offset
        parts = (int(year), month, int(day), int(hour), int(minute), int(second or 0))
    else:
        try:
            parsed = parsedate_tz(value)
        except (ValueError, IndexError, TypeError, OverflowError):
            return None
        if parsed is None:
            return None
        parts, offset = (
            (parsed[0], parsed[1], parsed[2], parsed[3], parsed[4], parsed[5]),
            parsed[9] or 0,
        )
    if abs(offset) >= 86400:
        return None
    try:
        moment = datetime(*parts)  # validates month, day, hour...; naive = UTC wall time
    except (ValueError, OverflowError, TypeError):
        return None
    since = moment - _EPOCH
    return (since.days * 86400 + since.seconds - offset) * 1_000_000, offset


_EPOCH = datetime(1970, 1, 1)
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
DATE_FAST = re.compile(
    r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d\d)(?::(\d\d))?"
    r"\s*([+-]\d{4})?\s*(?:\([^()]*\))?\s*$"
)


def _subject_parts(subject: str) -> tuple[str, bool]:
    """(base subject for matching, marked as a reply) of a decoded subject."""
    prefix = SUBJECT_PREFIX.match(subject)
    if prefix is None:
        return " ".join(subject.split()).lower(), False
    base = " ".join(subject[prefix.end() :].split()).lower()
    return base, bool(REPLY_MARK.search(prefix.group(0)))


def _decode_part(data: bytes, encoding: bytes | None) -> bytes:
    if encoding is None:
        return data
    name = encoding.strip().lower()
    try:
        if name == b"base64":
            return binascii.a2b_base64(data)
        if name == b"quoted-printable":
            return binascii.a2b_qp(data)
    except (binascii.Error, ValueError):
        return data
    return data


def _charset_text(data: bytes, content_type: str) -> str:
    charset = PARAM_CHARSET.search(content_type)
    name = charset.group(1).lower() if charset else "utf-8"
    if name in ("us-ascii", "ascii", "unknown-8bit", "x-unknown"):
        name = "utf-8"
    try:
        return data.decode(name, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _part_text(headers: dict[bytes, bytes], body: bytes, depth: int) -> tuple[str, bool] | None:
    """(text, is html) of the first text part of a message or part, or None when it has none."""
    content_type = _header_text(headers[b"content-type"]) if b"content-type" in headers else ""
    main = content_type.split(";", 1)[0].strip().lower()
    disposition = headers.get(b"content-disposition", b"").lstrip().lower()
    if main.startswith("multipart/"):
        boundary = PARAM_BOUNDARY.search(content_type)
        if boundary is None or depth > 3:
            return None
        return _multipart_text(body, (boundary.group(1) or boundary.group(2)).encode(), depth)
    if disposition.startswith(b"attachment"):
        return None
    if main not in ("", "text/plain", "text/html"):
        return None
    data = _decode_part(body[: 2 * MAX_TEXT_BYTES], headers.get(b"content-transfer-encoding"))
    return _charset_text(data[:MAX_TEXT_BYTES], content_type), main == "text/html"


def _multipart_text(body: bytes, boundary: bytes, depth: int) -> tuple[str, bool] | None:
    """The first text/plain part of a multipart body (else its first HTML part), unparsed rest."""
    delimiter = b"--" + boundary
    html: tuple[str, bool] | None = None
    pos = body.find(delimiter)
    for _ in range(MAX_PARTS):
        if pos < 0:
            break
        after = pos + len(delimiter)
        if body[after : after + 2] == b"--":
            break  # the closing delimiter
        line_end = body.find(b"\n", after)
        if line_end < 0:
            break
        following = body.find(b"\n" + delimiter, line_end)
        end = following if following >= 0 else len(body)
        split = HEADER_END.search(body, line_end, end)
        header_end = split.start() if split else end
        headers = _headers(body[line_end + 1 : header_end])
        content = body[split.end() : end] if split else b""
        found = _part_text(headers, content, depth + 1)
        if found is not None:
            if not found[1]:
                return found
            html = html or found
        pos = following + 1 if following >= 0 else -1
    return html


def _headers(block: bytes) -> dict[bytes, bytes]:
    """The wanted headers of a header block by lower-cased name, each its first value (raw)."""
    headers: dict[bytes, bytes] = {}
    # findall's tuples, not finditer's match objects: a third of the cost.
    for name, value in HEADER.findall(block):
        headers.setdefault(name.lower(), value)
    return headers


def _header_block(raw: bytes, start: int) -> tuple[bytes, bytes]:
    """(header block, body) of a message whose headers begin at `start`."""
    if raw.startswith((b"\n", b"\r\n"), start):
        return b"", raw[start:].lstrip(b"\r\n")
    lf = raw.find(b"\n\n", start)
    crlf = raw.find(b"\n\r\n", start, lf if lf >= 0 else len(raw))
    if crlf >= 0:
        return raw[start:crlf], raw[crlf + 3 :]
    if lf >= 0:
        return raw[start:lf], raw[lf + 2 :]
    return raw[start:], b""


@dataclass(frozen=True)
class Rejection:
    """Why a message is not stored: the reason it is counted under and what was found."""

    reason: str  # UNPARSEABLE_DATE or IMPLAUSIBLE_DATE
    detail: str


UNPARSEABLE_DATE = "unparseable Date"
IMPLAUSIBLE_DATE = "implausible Date"


def plausible_span(bounds: tuple[datetime, datetime]) -> tuple[int, int]:
    """(earliest, latest) plausible sent_at, UTC epoch microseconds, from the ingest's bounds.

    bounds: the naive UTC bounds every source holds record times to
        (:func:`asyncmaturity.sources.reading.plausible_range`, ``IngestContext.plausible``).
    """
    return _epoch_us(bounds[0]), _epoch_us(min(bounds[1], datetime(9999, 12, 31)))


def _epoch_us(moment: datetime) -> int:
    since = moment - _EPOCH
    return (since.days * 86400 + since.seconds) * 1_000_000 + since.microseconds


def parse_message(
    raw: bytes,
    start: int,
    file_no: int,
    msg_no: int,
    list_name: str,
    keep_text: bool,
    span: tuple[int, int] | None = None,
) -> tuple[Any, ...] | Rejection:
    """One row of :data:`STAGED_SCHEMA` for the message in `raw` (headers from `start`).

    Returns a :class:`Rejection` instead when its Date is missing, is no date, or lies outside
    `span` (earliest, latest sent_at in epoch microseconds; see :func:`plausible_span`).
    """
    block, body = _header_block(raw, start)
    headers = _headers(block)
    date_raw = headers.get(b"date")
    if date_raw is None:
        return Rejection(UNPARSEABLE_DATE, "no Date header")
    date = _header_text(date_raw)
    parsed = parse_date(date)
    if parsed is None:
        return Rejection(UNPARSEABLE_DATE, f"Date {date[:80]!r} is not a date")
    if span is not None and not span[0] <= parsed[0] <= span[1]:
        return Rejection(
            IMPLAUSIBLE_DATE, f"Date {date[:80]!r} is before 1990 or over a year after ingest"
        )
    message_id = headers.get(b"message-id")
    in_reply_to = headers.get(b"in-reply-to")
    references = headers.get(b"references")
    parent = None
    if in_reply_to is not None:
        parent = normalise_id(_header_text(in_reply_to))
    if parent is None and references is not None:
        parent = _last_reference(_header_text(references))
    subject = _header_text(headers[b"subject"]) if b"subject" in headers else ""
    base, is_re = _subject_parts(subject)
    sender = headers.get(b"from")
    address, name = parse_sender(_header_text(sender)) if sender is not None else (None, None)
    list_id = headers.get(b"list-id")
    if list_id is not None:
        listed = _header_text(list_id)
        angled = ANGLE_ID.search(listed)
        list_name = (angled.group(1) if angled else listed).lower() or list_name
    text = _part_text(headers, body, 0)
    body_text = "" if text is None else TAG.sub(" ", text[0]) if text[1] else text[0]
    return (
        file_no,
        msg_no,
        normalise_id(_header_text(message_id)) if message_id is not None else None,
        parent,
        in_reply_to is not None or references is not None,
        is_re,
        base,
        subject,
        sender is not None,
        address,
        name if keep_text else None,
        parsed[0],
        parsed[1],
        list_name,
        author_text(body_text),
    )


def _table(rows: list[tuple[Any, ...]]) -> pa.Table:
    """Rows of :data:`STAGED_SCHEMA` as an Arrow table (and `rows` emptied).

    The columns are built from their buffers: pyarrow's own conversion of Python objects
    imports pandas first (about 0.2 CPU-s per process), which nothing else the mbox ingest runs
    needs.
    """
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(STAGED_SCHEMA)
    rows.clear()
    return pa.Table.from_arrays(
        [_column(values, field.type) for values, field in zip(columns, STAGED_SCHEMA, strict=True)],
        schema=STAGED_SCHEMA,
    )


INT_CODES = {pa.int32(): "i", pa.int64(): "q", pa.timestamp("us"): "q"}


def _column(values: tuple[Any, ...], kind: pa.DataType) -> pa.Array:
    """An Arrow array of `kind` (a type of :data:`STAGED_SCHEMA`) holding `values`."""
    count = len(values)
    if kind in INT_CODES:  # never null
        data = pa.py_buffer(array(INT_CODES[kind], values))
        return pa.Array.from_buffers(kind, count, [None, data])
    if kind == pa.bool_():  # never null
        bits = np.packbits(np.array(values, dtype=bool), bitorder="little")
        return pa.Array.from_buffers(kind, count, [None, pa.py_buffer(bits)])
    encoded = [b"" if value is None else value.encode() for value in values]
    offsets = array("q", accumulate(map(len, encoded), initial=0))
    if offsets[-1] > 2**31 - 1:
        return pa.array(values, type=kind)  # over a string array's limit: pyarrow chunks it
    nulls = encoded.count(b"") and sum(value is None for value in values)
    validity = None
    if nulls:
        present = np.fromiter((value is not None for value in values), dtype=bool, count=count)
        validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.Array.from_buffers(
        kind,
        count,
        [validity, pa.py_buffer(array("i", offsets)), pa.py_buffer(b"".join(encoded))],
        null_count=nulls,
    )


# --------------------------------------------------------------------------------------------
# Archives into staged rows


@dataclass(frozen=True)
class _Chunk:
    """Consecutive messages of one mbox file, parsed together (in a worker process or not):
    the messages themselves, or the byte range of a plain file that holds them, which its worker
    reads and splits itself (so this process neither splits them nor sends their bytes)."""

    file_no: int
    label: str
    list_name: str
    keep_text: bool
    span: tuple[int, int] | None
    messages: list[bytes]  # empty for a range
    path: Path | None = None  # a range's file
    start: int = 0  # a range's first byte, where a message starts
    end: int = 0  # the byte after a range: where the next one starts, or the file's size


# A parsed chunk: its staged rows (msg_no counted from 1 within the chunk), (reason, msg_no,
# detail) of each message it rejected, and how many messages it held.
ChunkResult = tuple[pa.Table, list[tuple[str, int, str]], int]


def _chunk_messages(chunk: _Chunk) -> Iterator[bytes]:
    """The messages of `chunk`: its own, or those that start in its byte range."""
    if chunk.path is None:
        yield from chunk.messages
        return
    # A block just past the range's end (and the look-ahead of its last separator) is read at
    # once: a whole BLOCK_BYTES block would copy up to four times the range for nothing.
    block = min(BLOCK_BYTES, chunk.end - chunk.start + SEPARATOR_LOOKAHEAD + 4096)
    with chunk.path.open("rb") as stream:
        stream.seek(chunk.start)
        for offset, raw in _split_at(stream, block):
            if chunk.start + offset >= chunk.end:
                return
            yield raw


def _parse_chunk(chunk: _Chunk) -> ChunkResult:
    """(staged rows, each rejected message, how many messages) of a chunk (:data:`ChunkResult`)."""
    rows: list[tuple[Any, ...]] = []
    rejected: list[tuple[str, int, str]] = []
    count = 0
    try:
        for count, raw in enumerate(_chunk_messages(chunk), start=1):
            first_line = raw.find(b"\n")
            start = len(raw) if first_line < 0 else first_line + 1
            row = parse_message(
                raw, start, chunk.file_no, count, chunk.list_name, chunk.keep_text, chunk.span
            )
            if isinstance(row, Rejection):
                rejected.append((row.reason, count, row.detail))
            else:
                rows.append(row)
    except OSError as exc:
        raise InvalidExport(f"{chunk.label}: cannot read: {exc}") from None
    return _table(rows), rejected, count


def _chunks(
    files: list[MailFile], keep_text: bool, span: tuple[int, int] | None, ranges: bool
) -> Iterator[_Chunk]:
    """The messages of `files`, split, in chunks of up to :data:`ROWS_PER_BATCH` messages (or
    :data:`CHUNK_BYTES`), none spanning two files; with `ranges`, a plain (uncompressed) file
    in byte ranges instead (:func:`_ranges`)."""
    for file_no, file in enumerate(files):
        if ranges and _compression(file.path) is None:
            yield from _ranges(file_no, file, keep_text, span)
            continue
        messages: list[bytes] = []
        size = 0
        try:
            with _open(file.path) as stream:
                for raw in split_mbox(stream):
                    messages.append(raw)
                    size += len(raw)
                    if len(messages) >= ROWS_PER_BATCH or size >= CHUNK_BYTES:
                        yield _Chunk(file_no, file.label, file.list_name, keep_text, span, messages)
                        messages, size = [], 0
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
            raise InvalidExport(f"{file.label}: cannot read: {exc}") from None
        if messages:
            yield _Chunk(file_no, file.label, file.list_name, keep_text, span, messages)


def _ranges(
    file_no: int, file: MailFile, keep_text: bool, span: tuple[int, int] | None
) -> Iterator[_Chunk]:
    """A plain mbox file in byte ranges of about :data:`RANGE_BYTES`, each starting at a message.

    Each range after the first starts at the first separator line (:func:`separates`) past its
    predecessor's start plus its size; only there is the file looked at. The first range is
    :data:`FIRST_RANGE_BYTES` big and the next ones double up to :data:`RANGE_BYTES`.
    """
    bounds = [0]
    try:
        with file.path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size:
                with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                    # split_mbox drops the blank lines before the first message.
                    head = mm[:BLOCK_BYTES]
                    lead = len(head) - len(head.lstrip(b"\r\n"))
                    step = min(FIRST_RANGE_BYTES, RANGE_BYTES)
                    while bounds[-1] + step < size:
                        at = mm.find(b"\nFrom ", max(bounds[-1] + step - 1, lead))
                        while at >= 0 and not separates(mm, at):
                            at = mm.find(b"\nFrom ", at + 1)
                        if at < 0:
                            break
                        bounds.append(at + 1)
                        step = min(2 * step, RANGE_BYTES)
    except (OSError, ValueError) as exc:
        raise InvalidExport(f"{file.label}: cannot read: {exc}") from None
    bounds.append(size)
    for start, end in pairwise(bounds):
        yield _Chunk(
            file_no, file.label, file.list_name, keep_text, span, [], file.path, start, end
        )


def parse_workers(files: list[MailFile]) -> int:
    """How many processes parse `files`: one per usable CPU for big archives, else none (0:
    parse in this process, where starting workers would cost more than they save)."""
    if sum(f.path.stat().st_size for f in files) < PARALLEL_MIN_BYTES:
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cpus if cpus and cpus > 1 else 0


def _parsed(chunks: Iterator[_Chunk], workers: int) -> Iterator[tuple[_Chunk, ChunkResult]]:
    """(chunk, parse result) of each chunk, in order; `workers` processes parse them.

    At most a few chunks per worker are in flight, so memory stays bounded whatever the input;
    this process splits compressed archives (and, in an ingest, runs DuckDB) meanwhile.
    """
    if workers <= 0:
        for chunk in chunks:
            yield chunk, _parse_chunk(chunk)
        return
    # fork: workers start at once, with this module already imported; they only run Python
    # parsing, never the parent's DuckDB connection.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[tuple[_Chunk, Future[ChunkResult]]] = deque()
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(_parse_chunk, chunk)))
                ahead = IN_FLIGHT_PER_WORKER if chunk.path is None else RANGES_PER_WORKER
                if len(pending) >= ahead * workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()


def parse_mbox(
    files: list[MailFile],
    *,
    keep_text: bool = False,
    report: SourceReport | None = None,
    span: tuple[int, int] | None = None,
    workers: int | None = None,
) -> Iterator[pa.Table]:
    """Arrow tables of :data:`STAGED_SCHEMA` rows, one row per message with a plausible Date.

    This is the whole parsing step of the mbox source (the rest is SQL); `file_no` in the rows is
    the index into `files`. Rejected messages are counted in `report`; `span` bounds the
    plausible Dates (:func:`plausible_span`; None: any date); `workers` is the number of parsing
    processes (None: :func:`parse_workers` decides; 0: this process alone). The rows, their
    order and the counts are the same however many workers parse.
    """
    report = report if report is not None else SourceReport()
    workers = parse_workers(files) if workers is None else workers
    rejected: dict[str, list[str]] = {}  # of the file being read
    file_no = 0

    def count_rejected() -> None:
        for reason, places in rejected.items():
            report.skip(reason, len(places), places)
        rejected.clear()

    before = 0  # messages of the file being read in the chunks before this one
    chunks = _chunks(files, keep_text, span, ranges=workers > 0)
    for chunk, (table, rejections, count) in _parsed(chunks, workers):
        if chunk.file_no != file_no:
            count_rejected()
            file_no, before = chunk.file_no, 0
        report.records_read += count
        for reason, msg_no, detail in rejections:
            where = f"{chunk.label} message {before + msg_no}: {detail}"
            rejected.setdefault(reason, []).append(where)
        if table.num_rows:
            yield _numbered_from(table, before) if before else table
        before += count
    count_rejected()


def _numbered_from(table: pa.Table, before: int) -> pa.Table:
    """`table` with its msg_no (counted within its chunk) counted within its file."""
    column = table.schema.get_field_index("msg_no")
    msg_no = table.column(column).combine_chunks()  # never null
    values = np.frombuffer(msg_no.buffers()[1], dtype=np.int64)
    numbers = values[msg_no.offset : msg_no.offset + len(msg_no)] + before
    shifted = pa.Array.from_buffers(pa.int64(), len(msg_no), [None, pa.py_buffer(numbers)])
    return table.set_column(column, STAGED_SCHEMA.field("msg_no"), shifted)


UNREADABLE_ENTRY = "unreadable Maildir entry"


def parse_maildir(
    files: list[MailFile],
    *,
    keep_text: bool = False,
    report: SourceReport | None = None,
    span: tuple[int, int] | None = None,
) -> Iterator[pa.Table]:
    """Like :func:`parse_mbox`, for Maildir message files (one message each).

    A file that cannot be opened or read (gone, or its permissions forbid) is counted under
    :data:`UNREADABLE_ENTRY` and the rest are read.
    """
    report = report if report is not None else SourceReport()
    rows: list[tuple[Any, ...]] = []
    rejected: dict[str, list[str]] = {}
    for file_no, file in enumerate(files):
        report.records_read += 1
        try:
            with file.path.open("rb") as stream:
                raw = stream.read(MAX_MESSAGE_BYTES)
        except OSError as exc:
            rejected.setdefault(UNREADABLE_ENTRY, []).append(
                f"{file.label}: cannot read: {exc.strerror or exc}"
            )
            continue
        start = 0
        if raw.startswith(b"From "):  # some tools keep the mbox separator line
            start = raw.find(b"\n") + 1 or len(raw)
        row = parse_message(raw, start, file_no, 1, file.list_name, keep_text, span)
        if isinstance(row, Rejection):
            rejected.setdefault(row.reason, []).append(f"{file.label}: {row.detail}")
        else:
            rows.append(row)
            if len(rows) >= ROWS_PER_BATCH:
                yield _table(rows)
    for reason, places in rejected.items():
        report.skip(reason, len(places), places)
    if rows:
        yield _table(rows)


def _stem(name: str) -> str:
    stem = name
    while True:
        suffix = Path(stem).suffix.lower()
        if suffix not in ARCHIVE_SUFFIXES:
            return stem
        stem = stem[: -len(suffix)]


def _list_name(file_name: str, folder_name: str) -> str:
    """The list an archive file stands for when its messages carry no List-Id."""
    stem = _stem(file_name)
    if (PERIOD_STEM.match(stem) or stem.lower() in GENERIC_STEMS or not stem) and folder_name:
        return folder_name
    return stem or file_name


def _mbox_files(root: Path, label_root: str, root_name: str) -> tuple[list[MailFile], int]:
    """Every mbox file under `root` (by content, sorted by path) and how many others were seen.

    A file is labelled `label_root` followed by its path under `root`; `root_name` names the list
    of period-named files directly in `root`.
    """
    found: list[MailFile] = []
    others = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__MACOSX")))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            # Special files (FIFOs would block the reader) and broken links are others too.
            if not path.is_file() or not _starts_like_mbox(path):
                others += 1
                continue
            relative = path.relative_to(root).as_posix()
            parent = path.parent.name if path.parent != root else root_name
            found.append(MailFile(path, f"{label_root}{relative}", _list_name(name, parent)))
    return found, others


# What a Maildir folder's first message file starts with: an mbox "From " line or a header.
MESSAGE_START = re.compile(rb"From |[!-9;-~]+[ \t]*:")
# Files and folders mail servers keep beside the messages (Dovecot's indexes and uid lists,
# Courier's and Maildir++'s quota and folder marks): bookkeeping, never mail.
MAILDIR_BOOKKEEPING = re.compile(
    r"(?i)^(?:dovecot[-.].*|courierimap.*|courierpop3dsizelist|maildirfolder|maildirsize"
    r"|subscriptions|__MACOSX)$"
)
DETECT_FOLDERS = 200  # folders looked at when detecting a Maildir tree


@dataclass(frozen=True)
class MaildirTree:
    """The Maildir folders under a root, each with its name, and every file that is not read."""

    folders: list[tuple[Path, str]]  # (folder, the name its messages are filed under)
    not_read: list[str]  # "path (why)", for the ingest summary


def _holds_message(folder: Path) -> bool:
    """True when the first few files in `folder` include one that starts like a message."""
    try:
        names = sorted(e.name for e in os.scandir(folder) if Path(e.path).is_file())
    except OSError:
        return False
    for name in [n for n in names if not n.startswith(".")][:3]:
        try:
            with (folder / name).open("rb") as stream:
                head = stream.read(200)
        except OSError:
            continue
        if MESSAGE_START.match(head.lstrip(b"\r\n")):
            return True
    return False


def _is_maildir(path: Path) -> bool:
    """A folder with cur/ and new/, or (git and zip keep no empty folder) with one of them
    beside tmp/ or holding a message file."""
    cur, new = (path / "cur").is_dir(), (path / "new").is_dir()
    if cur and new:
        return True
    if not (cur or new):
        return False
    return (path / "tmp").is_dir() or _holds_message(path / ("cur" if cur else "new"))


def _part_of_maildir(path: Path) -> bool:
    """True for a Maildir's cur/, new/ or tmp/, whose files may start with an mbox "From " line
    (some tools keep it) without the folder being an mbox archive."""
    return path.name in ("cur", "new", "tmp") and _is_maildir(path.parent)


def _holds_maildir(path: Path) -> bool:
    """`path` is a Maildir or holds one, looking at :data:`DETECT_FOLDERS` folders at most."""
    queue = [path]
    for _ in range(DETECT_FOLDERS):
        if not queue:
            return False
        folder = queue.pop(0)
        if _is_maildir(folder):
            return True
        try:
            queue.extend(
                sorted(
                    Path(e.path)
                    for e in os.scandir(folder)
                    if e.is_dir() and not e.name.startswith(".") and e.name != "__MACOSX"
                )
            )
        except OSError:
            continue
    return False


def _folder_name(parts: tuple[str, ...]) -> str:
    """A Maildir folder's name from its path: Maildir++'s ".a.b" is folder a/b."""
    names = [
        part[1:].replace(".", "/").strip("/") if part.startswith(".") else part for part in parts
    ]
    return "/".join(name for name in names if name)


def maildir_tree(root: Path) -> MaildirTree:
    """Every Maildir folder at any depth under `root` (nested sub/cur folders and Maildir++'s
    dotted .sub/ folders alike), named by their path, and every file that is not read.

    The root, when it is a Maildir, keeps its own name and its folders are named under it
    ("alice", "alice/Sent"); otherwise each folder is named by its path under the root.
    """
    folders: list[tuple[Path, str]] = []
    not_read: list[str] = []
    root_is_maildir = _is_maildir(root)
    root_name = root.resolve().name.lstrip(".") or "maildir"
    base: tuple[str, ...] = (root_name,) if root_is_maildir else ()

    def unreadable(exc: OSError) -> None:
        not_read.append(f"{exc.filename} (a folder that cannot be read: {exc.strerror})")

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        relative = here.relative_to(root).parts
        is_maildir = root_is_maildir if here == root else _is_maildir(here)
        kept = []
        for name in sorted(dirs):
            if MAILDIR_BOOKKEEPING.match(name):
                continue
            if is_maildir and name in ("cur", "new"):
                continue
            if is_maildir and name == "tmp":
                try:
                    delivering = sorted(os.listdir(here / name))
                except OSError as exc:
                    unreadable(exc)
                    continue
                not_read.extend(
                    f"{here / name / entry} (in tmp/: still being delivered)"
                    for entry in delivering
                    if not entry.startswith(".")
                )
                continue
            # Hidden folders are Maildir++ folders inside a Maildir, anything else elsewhere.
            if name.startswith(".") and not is_maildir:
                continue
            if (here / name).is_symlink():
                # os.walk does not follow it (a link may loop back): say so rather than guess.
                not_read.append(f"{here / name} (a symlink to a folder: not followed)")
                continue
            kept.append(name)
        dirs[:] = kept
        if is_maildir:
            folders.append((here, _folder_name(base + relative) or root_name))
        not_read.extend(
            f"{here / name} (not in a Maildir's cur/ or new/)"
            for name in sorted(names)
            if not name.startswith(".") and not MAILDIR_BOOKKEEPING.match(name)
        )
    return MaildirTree(folders, not_read)


def not_read_note(not_read: list[str], shown: int = 3) -> str:
    """The detection line's note on files not read: how many, and the first few by path."""
    if not not_read:
        return ""
    more = f" and {len(not_read) - shown} more" if len(not_read) > shown else ""
    return f"; {len(not_read)} file(s) not read: {', '.join(not_read[:shown])}{more}"


# --------------------------------------------------------------------------------------------
# The sources


# A list archive, or one person's Maildir, shows the messages of its list or mailbox: never the
# direct and group mail exchanged among the team beside it.
MAIL_SEES = {Visibility.DIRECT_MESSAGES: False, Visibility.GROUP_MESSAGES: False}


class MboxSource:
    """mbox archives: a file, a compressed file, a zip of them, or a folder of them."""

    name = "mbox"
    family = SourceFamily.MAIL
    summary = (
        "E-mail archives in mbox format, Mailman/pipermail monthly archives included "
        '(threads by In-Reply-To/References, "Re:" subject fallback only without them)'
    )
    parser_version = "mbox/3"
    accepts = (
        "an mbox file (plain, .gz, .bz2 or .xz), a .zip of them, or a folder of them, "
        'recognised by content (a first line starting "From "); a "From " line separates '
        "messages when a header block follows it, dated or not; an empty or non-mbox file is "
        "refused naming it; a message whose Date cannot be read, or lies before 1990 or over a "
        "year after ingest, is skipped and counted"
    )

    real_samples = (
        "apache/incubator-ponymail-foal@88ce2a3c6abf156fa9fc61bf8e2783c509befe2d:"
        "test/resources/users_ponymail_apache_org_2022-01.mbox",
    )

    def detect(self, path: Path) -> bool:
        """A file whose content starts with "From ", or a folder or zip holding such files."""
        if path.is_file():
            if path.suffix.lower() == ".zip":
                return _zip_holds_mbox(path)
            return _starts_like_mbox(path)
        if path.is_dir() and not _holds_maildir(path) and not _part_of_maildir(path):
            return _folder_holds_mbox(path)
        return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read every mbox archive at `path` and add its new messages to the store."""
        report = SourceReport(sees=dict(MAIL_SEES))
        with ExitStack() as stack:
            if path.is_file() and path.suffix.lower() == ".zip":
                root = stack.enter_context(extracted(path))
                files, others = _mbox_files(root, f"{path}!", _stem(path.stem))
            elif path.is_file():
                refusal = _not_an_mbox(path)
                if refusal:
                    raise InvalidExport(f"{path}: {refusal}")
                files, others = [MailFile(path, str(path), _list_name(path.name, _folder(path)))], 0
            else:
                files, others = _mbox_files(path, f"{path}/", path.resolve().name)
            if not files:
                raise InvalidExport(
                    f'{path}: no mbox archive found (no file starts with a "From " line); '
                    "pass --format to choose another reader"
                )
            span = plausible_span(ctx.plausible)
            # The statements read one archive's messages, in a few row groups at most.
            stack.enter_context(one_thread(ctx.con))
            _stage(ctx, parse_mbox(files, keep_text=ctx.keep_text, report=report, span=span), files)
            report.detected = (
                f"mbox: {len(files)} archive file(s), {report.records_read:,} messages"
                + (f", {others} other file(s) ignored" if others else "")
            )
            _insert(ctx, path)
        return report


class MaildirSource:
    """Maildir folders: cur/ and new/ hold one message per file; folders nest at any depth."""

    name = "maildir"
    family = SourceFamily.MAIL
    summary = (
        "E-mail in Maildir folders (cur/ new/ tmp/), trees of them at any depth and Maildir++ "
        "folders (.Sent/, .work.projects/ as Dovecot and Courier keep them), each folder a "
        "conversation"
    )
    parser_version = "maildir/4"
    accepts = (
        "a Maildir folder (cur/, new/, tmp/) or any folder holding Maildirs, nested or "
        "Maildir++; an entry of cur/ or new/ that is no readable file (symlink loop, broken "
        "link, FIFO, socket) is skipped and counted with its path, Dates as for mbox"
    )

    real_samples = (
        "staktrace/maildir@11bacb3cf542611c0b6cf4c70c9595bfe52aa45c:testdata/",
        (
            "written by Dovecot 2.3.19.1's dovecot-lda, delivering the six real messages of the "
            "ponymail mbox sample into a Maildir++ tree and a LAYOUT=fs nested tree (no public "
            "tree with messages has a fitting licence: djcb/mu's is GPL-3.0, vividn/vulthor's "
            "AGPL-3.0): dovecot_lda_ponymail/"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A folder that is a Maildir (cur/ and new/) or holds one within its first folders."""
        return path.is_dir() and _holds_maildir(path)

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read every message file in every Maildir folder under `path` and add the new ones."""
        report = SourceReport(sees=dict(MAIL_SEES))
        tree = maildir_tree(path) if path.is_dir() else MaildirTree([], [])
        if not tree.folders:
            raise InvalidExport(f"{path}: not a Maildir (no cur/ and new/ folders)")
        files: list[MailFile] = []
        unreadable: list[str] = []
        for maildir, list_name in tree.folders:
            for sub in ("cur", "new"):
                prefix = maildir / sub
                if not prefix.is_dir():
                    continue
                try:
                    names = sorted(os.listdir(prefix))
                except OSError as exc:
                    report.skip("unreadable Maildir folder", 1, [f"{prefix}: {exc.strerror}"])
                    continue
                for name in names:
                    if name.startswith("."):
                        continue  # not a message, by the Maildir specification
                    problem = entry_problem(prefix / name)
                    if problem is None:
                        files.append(MailFile(prefix / name, str(prefix / name), list_name))
                    elif problem == FOLDER:
                        tree.not_read.append(f"{prefix / name} (a folder inside {sub}/)")
                    else:
                        unreadable.append(f"{prefix / name}: {problem}")
        report.records_read += len(unreadable)
        report.skip(UNREADABLE_ENTRY, len(unreadable), unreadable)
        span = plausible_span(ctx.plausible)
        nested = len(tree.folders) - 1
        report.detected = (
            f"Maildir: {len(tree.folders)} folder(s)"
            + (f" ({', '.join(name for _, name in tree.folders)})" if nested else "")
            + f", {len(files):,} messages"
            + not_read_note(tree.not_read)
        )
        with one_thread(ctx.con):  # as for mbox archives
            messages = parse_maildir(files, keep_text=ctx.keep_text, report=report, span=span)
            _stage(ctx, messages, files)
            _insert(ctx, path)
        return report


def _not_an_mbox(path: Path) -> str | None:
    """Why the file `path` is not an mbox archive (empty, not the format), or None when it is."""
    try:
        with path.open("rb") as probe:
            magic = probe.read(2)
        with _open(path) as stream:
            head = stream.read(256).lstrip(b"\r\n")
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
        return f"cannot read: {exc}"
    if head.startswith(b"From "):
        return None
    if not head:
        return "empty: no messages in it"
    if path.suffix.lower() == ".gz" and magic != b"\x1f\x8b":
        return 'not gzip data, nor an mbox archive (no "From " line first)'
    return 'not an mbox archive: it does not start with a "From " line'


def _folder(path: Path) -> str:
    return path.resolve().parent.name


def _zip_holds_mbox(path: Path) -> bool:
    """Sniff the first :data:`PEEK_FILES` members of a zip (gzipped ones decompressed)."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist()[:PEEK_FILES] if not i.is_dir()]
            for info in members[:PEEK_FILES]:
                with zf.open(info) as member:
                    head = member.read(5)
                if head[:2] == b"\x1f\x8b":  # a gzipped archive inside the zip
                    with zf.open(info) as member, gzip.GzipFile(fileobj=member) as inner:
                        head = inner.read(5)
                if head == b"From ":
                    return True
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return False
    return False


def _folder_holds_mbox(path: Path) -> bool:
    """Sniff up to :data:`PEEK_FILES` files, top level first, then one level down."""
    peeked = 0
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
        for entry in entries:
            # Path.is_file, unlike DirEntry's, reads a symlink loop as "not a file" (no OSError).
            if entry.name.startswith(".") or not Path(entry.path).is_file():
                continue
            if _starts_like_mbox(Path(entry.path)):
                return True
            peeked += 1
            if peeked >= PEEK_FILES:
                return False
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir():
                continue
            for child in sorted(os.scandir(entry.path), key=lambda e: e.name):
                if child.name.startswith(".") or not Path(child.path).is_file():
                    continue
                if _starts_like_mbox(Path(child.path)):
                    return True
                peeked += 1
                if peeked >= PEEK_FILES:
                    return False
    except OSError:
        return False
    return False


# --------------------------------------------------------------------------------------------
# Staged rows into the canonical tables


def _stage(ctx: IngestContext, tables: Iterator[pa.Table], files: list[MailFile]) -> None:
    """Load parsed rows into _mail_staged, computing keys and text features as they come.

    One statement stages up to :data:`STAGE_ROWS` rows, read from a stream of the parsed Arrow
    tables (`tables`): it runs while they are parsed, not after.
    """
    con = ctx.con
    # The first table is asked for at once: that starts the workers, which parse on while the
    # statement is written (its signal SQL takes about 10 ms of Python) and planned (DuckDB
    # pulls no row before its plan is made). A plain file's first byte range is small
    # (FIRST_RANGE_BYTES), so its rows come back soon.
    parsed = iter(tables)
    first = next(parsed, None)
    if first is not None:
        parsed = chain([first], parsed)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _mail_files AS "
        "SELECT * FROM (SELECT unnest($no) AS file_no, unnest($origin) AS origin)",
        {"no": list(range(len(files))), "origin": [f.label for f in files]},
    )
    columns = [n for n in STAGED_SCHEMA.names if n != "own_text"]
    kept = "own_text" if ctx.keep_text else "NULL::VARCHAR"
    # Keys are computed here, where the rows are read anyway: no copy of them is made for it.
    select = (
        ", ".join(columns)
        + f", {kept} AS text, {MESSAGE_KEY_SQL} AS message_key, "
        + "md5('mail|' || list_name) AS conversation_key, "
        + text_features_sql("own_text")
    )
    params = feature_params(ctx)
    failed: list[BaseException] = []
    exhausted = False

    def stream() -> Iterator[pa.RecordBatch]:
        # The parsed rows of one statement: up to STAGE_ROWS of them, or the rest. DuckDB pulls
        # them as the workers parse them; the exception of a failed parse is kept to be raised
        # as it was, not as the DuckDB error that the statement fails with.
        nonlocal exhausted
        rows = 0
        try:
            for table in parsed:
                if table.num_rows:
                    yield from table.to_batches()
                    rows += table.num_rows
                    # Files done so far: the table's last row is in the latest file read.
                    done = int(table.column("file_no")[-1].as_py()) + 1
                    ctx.progress("mail files", done, len(files))
                if rows >= STAGE_ROWS:
                    return
            exhausted = True
        except BaseException as exc:
            failed.append(exc)
            raise

    into = "CREATE OR REPLACE TEMP TABLE _mail_staged AS"
    while not exhausted:
        # The statement is planned (its patterns compiled: as much as the rest of a small
        # archive's staging) and runs while the workers parse, reading the rows they send.
        con.register(
            "_mail_batch_arrow", pa.RecordBatchReader.from_batches(STAGED_SCHEMA, stream())
        )
        try:
            with signal_planning(con):
                con.execute(f"{into} SELECT {select} FROM _mail_batch_arrow", params)
        except duckdb.Error:
            if failed:
                raise failed[0] from None
            raise
        # Only now: after a failure the transaction is aborted, and so would this be.
        con.unregister("_mail_batch_arrow")
        into = "INSERT INTO _mail_staged"


def _insert(ctx: IngestContext, path: Path) -> None:
    con = ctx.con
    secret = {"secret": ctx.secret}
    # One row per message key (the first copy by file and position), and the subject fallback
    # for replies that carry neither In-Reply-To nor References. Most archives repeat no
    # message: theirs are all read where they were staged, not copied.
    counted = con.execute(
        "SELECT count(*) - count(DISTINCT message_key) FROM _mail_staged"
    ).fetchone()
    repeated = int(counted[0]) if counted else 0
    if repeated:
        ctx.duplicates["messages"] = ctx.duplicates.get("messages", 0) + repeated
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _mail_keyed AS
            SELECT * FROM _mail_staged
            QUALIFY row_number() OVER (PARTITION BY message_key ORDER BY file_no, msg_no) = 1
            """
        )
    else:
        con.execute("CREATE OR REPLACE TEMP VIEW _mail_keyed AS SELECT * FROM _mail_staged")
    # ASOF finds the time of the most recent earlier message; of several sent at that very
    # time, the last in archive order is the parent (ASOF alone would pick one at random).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _mail_parents AS
        WITH candidates AS (
            SELECT conversation_key, base_subject, sent_at, message_key, file_no, msg_no
            FROM _mail_keyed
        ), latest AS (
            SELECT r.message_key, r.conversation_key, r.base_subject, p.sent_at AS parent_at
            FROM (SELECT * FROM _mail_keyed
                  WHERE parent_id IS NULL AND NOT thread_headers AND is_re
                    AND base_subject <> '') r
            ASOF JOIN candidates p
              ON p.conversation_key = r.conversation_key AND p.base_subject = r.base_subject
             AND r.sent_at > p.sent_at
        )
        SELECT l.message_key, p.message_key AS parent_key
        FROM latest l JOIN candidates p
          ON p.conversation_key = l.conversation_key AND p.base_subject = l.base_subject
         AND p.sent_at = l.parent_at
        QUALIFY row_number() OVER (
            PARTITION BY l.message_key ORDER BY p.file_no DESC, p.msg_no DESC) = 1
        """
    )
    identity = "'email:' || address"
    ctx.insert_new(
        "people",
        f"""SELECT DISTINCT ON (address) {person_key_sql(identity)} AS person_key,
                   NULL::VARCHAR AS tz, false AS is_bot, NULL::VARCHAR AS team,
                   CASE WHEN $keep THEN display_name END AS display_name
            FROM _mail_keyed WHERE address IS NOT NULL
            ORDER BY address, display_name IS NULL, file_no, msg_no""",
        origin=str(path),
        params=secret,
    )
    ctx.insert_new(
        "identities",
        f"""SELECT DISTINCT {identity_hash_sql(identity)} AS identity_hash,
                   {person_key_sql(identity)} AS person_key, 'email' AS kind
            FROM _mail_keyed WHERE address IS NOT NULL""",
        origin=str(path),
        params=secret,
    )
    ctx.insert_new(
        "conversations",
        f"""SELECT DISTINCT conversation_key, '{ConversationKind.MAILING_LIST}' AS kind,
                  list_name AS name,
                  NULL::TIMESTAMP AS created
           FROM _mail_keyed""",
        origin=str(path),
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _mail_links AS
        SELECT k.message_key,
               coalesce(CASE WHEN k.parent_id IS NOT NULL THEN md5('mail|' || k.parent_id) END,
                        p.parent_key) AS parent_key
        FROM _mail_keyed k LEFT JOIN _mail_parents p USING (message_key)
        """
    )
    # Threads before the insert: new rows go in with their final thread fields, and only stored
    # replies whose parent has just arrived are updated.
    resolve_threads(con, new_rows="_mail_links")
    ctx.insert_new(
        "messages",
        f"""
        SELECT k.message_key, k.conversation_key,
               t.root_key AS thread_root_key, l.parent_key,
               CASE WHEN k.address IS NOT NULL THEN {person_key_sql(identity)} END AS author_key,
               k.sent_at, NOT t.is_reply AS is_root, t.is_reply,
               CASE WHEN k.has_from AND k.address IS NOT NULL THEN '{MessageKind.HUMAN}'
                    ELSE '{MessageKind.SYSTEM}' END AS kind,
               NULL::VARCHAR AS subtype,
               k.text_length, k.links, k.record_links, k.record_sites, 0 AS mentions,
               false AS broadcast,
               k.is_question, k.decision_language, false AS edited, 0 AS reactions,
               {", ".join(f"k.{name}" for name in AWAIT_SIGNAL_COLUMNS)},
               k.text, k.offset_s AS local_offset_s,
               CASE WHEN $keep THEN k.subject END AS subject,
               f.origin
        FROM _mail_keyed k
        JOIN _mail_links l USING (message_key)
        JOIN {THREADS_TABLE} t USING (message_key)
        JOIN _mail_files f USING (file_no)
        """,
        origin=None,
        params=secret,
    )
    con.execute(f"DROP {'TABLE' if repeated else 'VIEW'} _mail_keyed")
    for table in (THREADS_TABLE, "_mail_links", "_mail_parents", "_mail_staged", "_mail_files"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
