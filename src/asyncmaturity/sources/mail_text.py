"""The text an e-mail's sender wrote, apart from what the message carries of others' text.

A reply on a mailing list usually carries the message it answers: quoted lines, the line that
introduces them, the original pasted below an Outlook header, the list's footer and the sender's
signature. Every text feature of a mail message (length, links, links to a system of record,
question, decision language and the AWAIT signals) is computed on what :func:`author_text`
returns, so that a reply quoting a request is no request, a link quoted from the original counts
for its author only, and a signature's or footer's link counts for nobody. The labelled real set
of the AWAIT benchmark reads its e-mail texts through the same function, so it scores the text
ingest sees. With ``ingest --keep-text`` the stored text is this own text too: it is what the
metrics measured, and others' quoted text already lies in their own messages.

What is left out, in this order:

- everything from the first line that starts the text of someone else or of the list: pipermail's
  scrubbed-attachment note (``-------------- next part --------------``), the Mailman footer
  (a line of 47 underscores; any line of 30 or more, which also ends Outlook's reply), Outlook's ``-----Original Message-----`` and its header block
  without that line (``From: ...`` followed by ``Sent:`` or ``Date:``), Gmail's
  ``---------- Forwarded message ----------`` and Apple Mail's ``Begin forwarded message:``;
- the signature, from its ``-- `` line (or ``--``) on;
- quoted lines: ``> ...`` at any depth, and supercite's ``EF> ...`` (up to four word characters
  before the ``>``);
- attribution lines that introduce a quote ("On Mon, 1 Mar 2010, Ann wrote:", "Ann schrieb:",
  "... a écrit :", Gmail's "2010/3/1 Ann <ann@example.org>:"), with the "On ..." line above one
  wrapped over two lines, and an "On <date> ..." line left last once its quote is cut away.

The work is a few regular expressions over the whole body; Python looks only at the few lines
that end in a colon (candidate attributions) and at the last lines, never at every line. On the
Twisted list's 2010 archive this costs about 10 microseconds a message, a quarter of parsing.
"""

from __future__ import annotations

import re

# Where the author's text ends: a line that starts the list's, or someone else's, text.
# The look-ahead names the first characters of the alternatives: most lines are ruled out by it,
# before each alternative is tried ignoring case (a third of the search's cost).
_CUT = re.compile(
    r"\n(?=[-_bBfF])(?:-+ ?(?:next part|original message|forwarded message|reply message) ?-+[ \t]*"
    r"|_{30,}[ \t]*"
    r"|begin forwarded message:[ \t]*"
    r"|from:[^\n]*\n(?:sent|date):[^\n]*)(?=\n|\Z)",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"\n--[ ]?\n")
# A quoted line, matched from the newline before it: a literal first character keeps the search
# fast (a multi-line "^" pattern is tried at every position of the body).
# Possessive quantifiers: giving back a blank or a word character never makes a ">" follow.
_QUOTED = re.compile(r"\n[ \t]*+\w{0,4}+>[^\n]*+")
# A line that introduces a quote ends in a colon: "... wrote:", "... schrieb:", "... said:", "...
# a écrit :", or is a whole line of Gmail's "2010/3/1 Ann <ann@example.org>:". Lines ending in a
# colon are found first (a literal first character keeps that search fast), and only those are
# matched against the attribution's words: a pattern tried at every line start of every body
# costs ten times the whole rest of the extraction.
_LINE_END_COLON = re.compile(r":[ \t]*(?=\n|\Z)")
_SAYS_WORDS = ("wrote", "writes", "schrieb", "said", "a \u00e9crit")  # looked for first: cheap
_ATTRIBUTION_LINE = re.compile(
    r"(?i)[ \t]*(?:[^\n]{0,200}\b(?:wrote|writes|schrieb|said|a \u00e9crit)[ \t]*"
    r"|\d{4}/\d{1,2}/\d{1,2} [^\n]{0,120})\Z"
)
# An attribution whose quote was cut away, left last: "On Fri, 5 Mar 2010, Ann".
_DATED_ON = re.compile(r"[ \t]*On [^\n]{0,80}\d{4}")
# Spelled with a literal "\n\n\n" first, which the engine searches for fast ("\n{3,}" makes it
# try every newline): a third of the cost.
_BLANK_RUN = re.compile(r"\n\n\n+")


def author_text(body: str) -> str:
    """The part of a decoded e-mail body that its sender wrote (see the module docs).

    body: the message's plain text (any line endings).
    """
    if "\r" in body:
        body = body.replace("\r\n", "\n")
    text = "\n" + body
    cut = _CUT.search(text)
    if cut:
        text = text[: cut.start() + 1]
    cut = _SIGNATURE.search(text)
    if cut:
        text = text[: cut.start()]
    if ">" in text:
        text = _QUOTED.sub("", text)
    text = _without_attributions(text)
    text = text.rstrip()
    while True:
        line_start = text.rfind("\n") + 1
        if not _DATED_ON.match(text, line_start):
            break
        text = text[:line_start].rstrip()
    if "\n\n\n" in text:
        text = _BLANK_RUN.sub("\n\n", text)
    return text.strip()


def _without_attributions(text: str) -> str:
    """`text` (starting with a newline) less its attribution lines (see the module docs).

    A wrapped attribution also loses the "On ..." line above it, and every attribution the blank
    lines above it.
    """
    kept: list[str] = []
    done = 0  # text before this offset is settled
    for found in _LINE_END_COLON.finditer(text):
        start = text.rfind("\n", 0, found.start())  # the newline before the line
        before = text[start + 1 : found.start()]
        if start < done or not (
            before.rstrip().lower().endswith(_SAYS_WORDS) or before.lstrip()[:1].isdigit()
        ):
            continue
        if not _ATTRIBUTION_LINE.match(before):
            continue
        before = before.lstrip()
        wrapped = not before.lower().startswith("on ")
        while start > done:
            above = text.rfind("\n", done, start)
            if above < 0:
                break
            line = text[above + 1 : start]
            if line.strip():
                if wrapped and line.lstrip().lower().startswith("on "):
                    start = above
                break
            start = above
        kept.append(text[done:start])
        done = found.end()
    kept.append(text[done:])
    return "".join(kept)
