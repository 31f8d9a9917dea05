"""The author's own text of an e-mail (sources/mail_text.py), alone and as ingest uses it.

Each case is named after the quirk it holds; the expected own text is written out by hand, and
the ingest figures are counted by hand from the fixture in the comments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.sources import mail_text
from asyncmaturity.sources.mail_text import author_text
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest

MAIL = Path(__file__).parent / "fixtures" / "mail"
REQUEST = "Bob, could you please review the patch in ticket #4321 by Friday? It blocks the release."


def test_reply_quoting_a_request_keeps_only_the_reply() -> None:
    body = (
        "I reviewed it, looks good to me.\n\n"
        "On Mon, Mar 1, 2010 at 9:00 AM, Ann Lee <ann@example.org> wrote:\n"
        f"> {REQUEST}\n"
        ">\n"
        ">> an older quote\n"
    )
    assert author_text(body) == "I reviewed it, looks good to me."


def test_top_posted_reply_above_a_quoted_original_with_wrapped_attribution() -> None:
    # Gmail wraps a long attribution: the "On ..." line and "<address> wrote:" both go.
    body = (
        "Done, merged.\r\n\r\n"
        "On Mon, Mar 1, 2010 at 9:00 AM, Ann Lee\r\n"
        "<ann@example.org> wrote:\r\n"
        f"> {REQUEST}\r\n"
    )
    assert author_text(body) == "Done, merged."


def test_bottom_posting_with_interleaved_quotes_keeps_every_answer() -> None:
    body = (
        "Ann Lee schrieb:\n"
        "> Can you review it?\n"
        "Yes.\n"
        "\n"
        "AL> And by Friday?\n"  # supercite quoting
        "  > (indented quote)\n"
        "Friday works.\n"
    )
    assert author_text(body) == "Yes.\n\nFriday works."


def test_signature_holding_a_link_is_left_out() -> None:
    assert author_text("See the ticket.\n-- \nAnn, https://example.org/~ann\n") == "See the ticket."
    assert author_text("See the ticket.\n--\nAnn\n") == "See the ticket."


def test_mailman_footer_is_left_out() -> None:
    body = (
        "Thanks!\n"
        "_______________________________________________\n"
        "Twisted-Python mailing list\n"
        "http://twistedmatrix.com/cgi-bin/mailman/listinfo/twisted-python\n"
    )
    assert author_text(body) == "Thanks!"


def test_outlook_original_message_and_header_block_are_left_out() -> None:
    original = "-----Original Message-----\nFrom: Ann\nSent: Monday\n\nCould you review it?\n"
    assert author_text("Will do.\n\n" + original) == "Will do."
    # Newer Outlook: no "Original Message" line, a rule of underscores and a header block.
    rule = "________________________________\nFrom: Ann\nSent: Monday\nCould you review it?\n"
    assert author_text("Will do.\n\n" + rule) == "Will do."
    # Without the rule, the header block alone ends the author's text.
    assert author_text("Will do.\nFrom: Ann\nDate: Monday\nCould you?\n") == "Will do."


def test_forwarded_message_and_pipermail_attachment_note_are_left_out() -> None:
    forwarded = "FYI\n\n---------- Forwarded message ----------\nFrom: Ann\nPlease review.\n"
    assert author_text(forwarded) == "FYI"
    assert author_text("FYI\nBegin forwarded message:\n\nPlease review.\n") == "FYI"
    scrubbed = "Patch attached.\n-------------- next part --------------\nA non-text part\n"
    assert author_text(scrubbed) == "Patch attached."


def test_attribution_left_last_once_its_quote_was_cut() -> None:
    assert author_text("Sounds good.\n\nOn Fri, 5 Mar 2010, Ann Lee\n") == "Sounds good."


def test_text_without_quotes_is_kept_whole() -> None:
    body = "Hi all,\n\nI wrote a patch: x > 3 now holds.\n\nCould you review it?"
    assert author_text(body) == body


def _messages(store: Path) -> dict[str, dict[str, Any]]:
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        cursor = opened.con.execute(
            "SELECT message_key, is_request, await_window, links, text_length, is_question, text"
            " FROM messages ORDER BY sent_at"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {("request", "reply")[i]: row for i, row in enumerate(rows)}


def test_ingest_reads_features_from_the_authors_own_text(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest([MAIL / "reply_quoting_request_with_signature_link_and_footer.mbox"], store=store)
    messages = _messages(store)
    request, reply = messages["request"], messages["reply"]
    # The request: its one sentence pair only; the signature's and the footer's links not counted.
    assert request["is_request"] and request["await_window"] and request["is_question"]
    assert (request["links"], request["text_length"]) == (0, len(REQUEST))
    # The reply quotes the whole request: its own text "I reviewed it, looks good to me." (32
    # characters) is no request, has no window, no question and no link.
    assert not reply["is_request"] and not reply["await_window"] and not reply["is_question"]
    assert (reply["links"], reply["text_length"]) == (0, 32)
    assert request["text"] is None and reply["text"] is None


def test_keep_text_stores_the_own_text(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest(
        [MAIL / "reply_quoting_request_with_signature_link_and_footer.mbox"],
        store=store,
        keep_text=True,
    )
    messages = _messages(store)
    assert messages["request"]["text"] == REQUEST
    assert messages["reply"]["text"] == "I reviewed it, looks good to me."


# Pieces of mail text around what the patterns look for: quote marks after blanks and short words,
# dashes and underscores, the cut lines' words in either case, colons, runs of newlines.
TEXT_PIECES = ["\n", "\n\n", "\r\n", " ", "\t", ">", "EF", "word", "-", "--", "_" * 15, "next part",
               "Original Message", "begin forwarded message:", "From: a", "Sent: b", "date:",
               "\u0130", "x", ":"]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=40).map("".join))
def test_fast_spellings_of_the_cut_quote_and_blank_patterns_match_as_their_plain_ones(
    text: str,
) -> None:
    """The patterns spelled for speed (possessive quantifiers, a look-ahead naming the first
    characters, a literal prefix) find exactly what their plain spellings find."""
    plain_cut = re.compile(
        r"\n(?:-+ ?(?:next part|original message|forwarded message|reply message) ?-+[ \t]*"
        r"|_{30,}[ \t]*"
        r"|begin forwarded message:[ \t]*"
        r"|from:[^\n]*\n(?:sent|date):[^\n]*)(?=\n|\Z)",
        re.IGNORECASE,
    )
    plain_quoted = re.compile(r"\n[ \t]*\w{0,4}>[^\n]*")
    plain_blank_run = re.compile(r"\n{3,}")
    text = "\n" + text
    cut, expected_cut = mail_text._CUT.search(text), plain_cut.search(text)
    assert (cut and cut.span()) == (expected_cut and expected_cut.span())
    assert mail_text._QUOTED.sub("", text) == plain_quoted.sub("", text)
    assert mail_text._BLANK_RUN.sub("\n\n", text) == plain_blank_run.sub("\n\n", text)
