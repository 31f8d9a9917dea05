"""AWAIT analysis of one draft (`asyncmaturity lint`): hand-written expectations per rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncmaturity.await_protocol.lint import (
    ELEMENTS,
    InvalidDraft,
    analyse,
    analyse_batch,
)
from asyncmaturity.cli import app
from asyncmaturity.errors import UnknownTimeZone

runner = CliRunner()
# A Wednesday, mid-morning.
SENT = datetime(2026, 3, 4, 10, 0)
COMPLETE = "@alice, could you review the migration PR by Friday? https://git.example/pr/7"


# --- is it a request? -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Can you take a look at the doc",
        "Could you send me the numbers",
        "@bob review the PR",
        "Please approve the budget",
        "Would you mind checking the config",
        "I need you to sign off on this",
        "Let me know if the plan works",
        "Thoughts?",
        "Is the deploy done?",
        "Review needed on #42",
        "Any objections to merging today",
        "We need your approval for the vendor",
    ],
)
def test_requests(text: str) -> None:
    assert analyse(text).is_request is True


@pytest.mark.parametrize(
    "text",
    [
        "FYI we shipped v2 today.",
        "Heads up: the deploy freeze starts tomorrow.",
        "Heads up: please note the deploy freeze",
        "Shipped!",
        "thanks!",
        "I reviewed it yesterday, all good.",
        "The dashboard lives at https://dash.example/x?tab=2",
        "Mail me at bob@example.com",
        "ack",
        "Test results from last night: 3 failed.",
        "Please be informed that the travel policy changes in April.",
        "Pls ignore my last message, wrong channel",
    ],
)
def test_statements_are_not_requests(text: str) -> None:
    result = analyse(text)
    assert result.is_request is False
    assert result.complete is False
    assert result.suggestion is None


# --- Assign ownership -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "present", "evidence"),
    [
        ("@alice can you review this?", True, "@alice"),
        ("<@U024BE7LH> please approve", True, "<@U024BE7LH>"),
        ("<@U024BE7LH|dana> please approve", True, "<@U024BE7LH|dana>"),
        ("<!subteam^S012AB|@design> can you check?", True, "<!subteam^S012AB|@design>"),
        ("@platform-team please review the RFC", True, "@platform-team"),
        ("Dana, can you approve the budget?", True, "Dana"),
        ("Owner: Priya. Please fix the flaky test", True, "Owner: Priya"),
        ("Assigned to @ravi: update the runbook?", True, "@ravi"),
        ("assigned to Kim, please merge", True, "assigned to Kim"),
        ("@here can you review this?", False, None),
        ("<!here> can you review this?", False, None),
        ("@channel please vote", False, None),
        ("Hi, can you review this?", False, None),
        ("Can someone look at this?", False, None),
        ("Please mail bob@example.com the deck", False, None),
        # Greeting names and names opening the message, lower-case too.
        ("Hi Sven,\n\ncan you review it?", True, "Sven"),
        ("hi Sven, can you review it by end of day?", True, "Sven"),
        ("Dear Mrs. Okafor,\n\nCould you send the signed SOW?", True, "Okafor"),
        ("Kenji — please decide on that", True, "Kenji"),
        ("aiko, can you merge it?", True, "aiko"),
        ("Tom,\n\nthe release notes - let me know.", True, "Tom"),
        ("Hey Ola! Could you share the rubric?", True, "Ola"),
        ("Hi team, can you fix that one?", False, None),
        ("Hello everyone, can you review it?", False, None),
        ("Dear colleagues, please approve the plan", False, None),
        ("Please review it.\n\nThanks,\nClara", False, None),
        ("Please review it.\n\nBR, Ahmed", False, None),
    ],
)
def test_assign_ownership(text: str, present: bool, evidence: str | None) -> None:
    element = analyse(text).elements["assign_ownership"]
    assert (element.present, element.evidence) == (present, evidence)


# --- Window for response --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence", "deadline"),
    [
        ("Can you review by Friday?", "by Friday", "2026-03-06T17:00:00+00:00"),
        ("Can you review by Fri?", "by Fri", "2026-03-06T17:00:00+00:00"),
        ("Can you review by next Friday?", "by next Friday", "2026-03-13T17:00:00+00:00"),
        ("Can you review by Wednesday?", "by Wednesday", "2026-03-04T17:00:00+00:00"),
        ("Can you review by Monday?", "by Monday", "2026-03-09T17:00:00+00:00"),
        ("Can you review by Friday 3pm?", "by Friday", "2026-03-06T15:00:00+00:00"),
        ("Approve by EOD please", "EOD", "2026-03-04T17:00:00+00:00"),
        ("Approve by end of day please", "end of day", "2026-03-04T17:00:00+00:00"),
        ("Approve by COB please", "COB", "2026-03-04T17:00:00+00:00"),
        ("Can you answer today?", "today", "2026-03-04T17:00:00+00:00"),
        ("Can you confirm by EOW?", "EOW", "2026-03-06T17:00:00+00:00"),
        ("Can you confirm by end of the week?", "end of the week", "2026-03-06T17:00:00+00:00"),
        ("Can you merge tomorrow?", "tomorrow", "2026-03-05T17:00:00+00:00"),
        ("Can you merge tomorrow at 9:30?", "tomorrow", "2026-03-05T09:30:00+00:00"),
        ("Please reply within 2 days", "within 2 days", "2026-03-06T10:00:00+00:00"),
        ("Please reply within 48 hours", "within 48 hours", "2026-03-06T10:00:00+00:00"),
        ("Please reply within two weeks", "within two weeks", "2026-03-18T10:00:00+00:00"),
        ("Please reply in 3 business days", "in 3 business days", "2026-03-09T10:00:00+00:00"),
        ("Please reply within 24h", "within 24h", "2026-03-05T10:00:00+00:00"),
        ("Sign off by 3pm?", "by 3pm", "2026-03-04T15:00:00+00:00"),
        ("Sign off by 9am?", "by 9am", "2026-03-05T09:00:00+00:00"),
        ("Sign off by noon?", "by noon", "2026-03-04T12:00:00+00:00"),
        (
            "Review before the 10:30 standup?",
            "before the 10:30 standup",
            "2026-03-04T10:30:00+00:00",
        ),
        ("Decide by 2026-03-05 please", "by 2026-03-05", "2026-03-05T17:00:00+00:00"),
        ("Decide by 2026-03-05T12:00 please", "by 2026-03-05T12:00", "2026-03-05T12:00:00+00:00"),
        ("Decide by 5 March please", "by 5 March", "2026-03-05T17:00:00+00:00"),
        ("Decide by the 5th of March?", "by the 5th of March", "2026-03-05T17:00:00+00:00"),
        ("Decide by March 5th?", "by March 5th", "2026-03-05T17:00:00+00:00"),
        ("Decide by Mar 5, 2027?", "by Mar 5, 2027", "2027-03-05T17:00:00+00:00"),
        ("Decide by 1 March?", "by 1 March", "2027-03-01T17:00:00+00:00"),
        ("Decide by 25/3?", "by 25/3", "2026-03-25T17:00:00+00:00"),
        ("Decide by 3/25?", "by 3/25", "2026-03-25T17:00:00+00:00"),
        ("Decide by 5/3?", "by 5/3", None),
        # dd.mm. dates are read day first.
        ("Decide by 14.03.?", "by 14.03.", "2026-03-14T17:00:00+00:00"),
        ("Decide by 03.04?", "by 03.04", "2026-04-03T17:00:00+00:00"),
        ("Decide by 30.04.2027", "by 30.04.2027", "2027-04-30T17:00:00+00:00"),
        # A day next to a time or to EOD sets the day.
        ("Approve by 3pm tomorrow?", "by 3pm tomorrow", "2026-03-05T15:00:00+00:00"),
        ("Approve EOD tomorrow?", "EOD tomorrow", "2026-03-05T17:00:00+00:00"),
        ("Approve by end of day Friday?", "end of day Friday", "2026-03-06T17:00:00+00:00"),
        ("Friday by 3pm?", "Friday by 3pm", "2026-03-06T15:00:00+00:00"),
        ("Approve by EOD. It broke on Monday.", "EOD", "2026-03-04T17:00:00+00:00"),
        ("Review before the 4pm standup?", "before the 4pm standup", "2026-03-04T16:00:00+00:00"),
        ("Can you join in 30 min?", "in 30 min", "2026-03-04T10:30:00+00:00"),
        # A time word that dates the sender's plan is not read; the ask's window is (Wednesday
        # sent: "by Friday" is the Friday of that week, at the end of the working day).
        (
            "I'll be there until Thursday. Can you review it by Friday?",
            "by Friday",
            "2026-03-06T17:00:00+00:00",
        ),
        # "by tonight" is today without a time; "before this weekend" the end of the week; the
        # sender's past ("I was trying ... today") dates no answer, the ask's window is read.
        (
            "Can you make sure it builds by tonight?",
            "by tonight",
            "2026-03-04T17:00:00+00:00",
        ),
        (
            "Could you merge those in before this weekend?",
            "before this weekend",
            "2026-03-06T17:00:00+00:00",
        ),
        (
            "I was trying it today and it broke. Can you check by Friday?",
            "by Friday",
            "2026-03-06T17:00:00+00:00",
        ),
    ],
)
def test_window_resolved(text: str, evidence: str, deadline: str | None) -> None:
    result = analyse(text, sent_at=SENT)
    element = result.elements["window_for_response"]
    assert element.present is True
    assert element.evidence == evidence
    assert (result.deadline.isoformat() if result.deadline else None) == deadline


@pytest.mark.parametrize(
    "text",
    [
        "Can you review this ASAP?",
        "Urgent: please approve",
        "Could you look at it soon?",
        "Can you review when you get a chance?",
        "Please review the March report",
        "It broke after the refactor on Monday, can you fix it?",
        "Tomorrow I'm probably going to tag it. Any version preferences?",
        "I had it on my list and I decided to do it\ntoday. Anyone can point me to the docs?",
        "Seen on Nightly 70.0a1 (2019-08-09). Is this known?",
    ],
)
def test_no_window(text: str) -> None:
    result = analyse(text, sent_at=SENT)
    assert result.elements["window_for_response"].present is False
    assert result.deadline is None
    assert "window_for_response" in result.missing


@pytest.mark.parametrize(
    ("text", "element", "evidence"),
    [
        # Issue 18, third round: lint names what decided each new reading.
        ("Thanks Jason,\n\nhow will users identify themselves?", "assign_ownership", "Jason"),
        ("How was it, Ju?", "assign_ownership", "Ju"),
        ("Hi Guys,\n\nAre TCP connects\nusually blocking?", "action_required", "Are TCP"),
        ("Any ideas on how to fix the errback?", "action_required", "Any ideas on how to"),
    ],
)
def test_lint_explains_the_third_round_readings(text: str, element: str, evidence: str) -> None:
    found = analyse(text, sent_at=SENT).elements[element]
    assert found.present is True
    assert found.evidence == evidence


def test_asap_is_urgency_not_a_window() -> None:
    result = analyse("@bob can you merge this ASAP? https://x.example/1", sent_at=SENT)
    assert result.urgent is True
    assert result.missing == ["window_for_response"]
    assert result.notes == ("'ASAP' says hurry, not by when: name a deadline",)


def test_ambiguous_numeric_date_has_a_note() -> None:
    result = analyse("Decide by 5/3?", sent_at=SENT)
    assert result.notes == (
        "'by 5/3': day/month order is ambiguous; write an ISO date or a month name",
    )


def test_deadline_in_the_senders_time_zone() -> None:
    sent = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    result = analyse("Can you review by EOD?", sent_at=sent, timezone="Europe/Berlin")
    assert result.deadline is not None
    assert result.deadline.isoformat() == "2026-03-04T17:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "timezone", "deadline"),
    [
        # "CET" is Central European local time, in a CET zone the sender's own.
        ("Can you approve by 3pm CET tomorrow?", "Europe/Berlin", "2026-03-05T15:00:00+01:00"),
        ("Can you approve it tomorrow 10:00 CET?", "Europe/Paris", "2026-03-05T10:00:00+01:00"),
        # Another zone's time is converted to the sender's.
        ("Can you approve by 3pm ET?", "Europe/Berlin", "2026-03-04T21:00:00+01:00"),
        ("Can you approve by 9:00 UTC tomorrow?", "Asia/Tokyo", "2026-03-05T18:00:00+09:00"),
    ],
)
def test_time_with_a_zone(text: str, timezone: str, deadline: str) -> None:
    result = analyse(text, sent_at=SENT, timezone=timezone)
    assert result.deadline is not None
    assert result.deadline.isoformat() == deadline


def test_dotted_date_has_a_note() -> None:
    assert analyse("Decide by 14.03.?", sent_at=SENT).notes == (
        "'by 14.03.' read day first (dd.mm.)",
    )


def test_eod_after_end_of_day_is_the_next_day() -> None:
    result = analyse("Can you review by EOD?", sent_at=datetime(2026, 3, 4, 18, 30))
    assert result.deadline is not None
    assert result.deadline.isoformat() == "2026-03-05T17:00:00+00:00"


def test_custom_end_of_day() -> None:
    result = analyse("Can you review by Friday?", sent_at=SENT, end_of_day=time(18, 0))
    assert result.deadline is not None
    assert result.deadline.isoformat() == "2026-03-06T18:00:00+00:00"


def test_without_sent_at_only_dated_windows_resolve() -> None:
    relative = analyse("Can you review by Friday?")
    assert relative.elements["window_for_response"].present is True
    assert relative.deadline is None
    dated = analyse("Can you review by 2026-03-05?")
    assert dated.deadline is not None
    assert dated.deadline.isoformat() == "2026-03-05T17:00:00+00:00"


def test_unknown_time_zone() -> None:
    with pytest.raises(UnknownTimeZone):
        analyse("Can you?", timezone="Mars/Olympus")


# --- Action required ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Can you review this?", "review"),
        ("Please approve the budget", "approve"),
        ("Could you decide between A and B?", "decide"),
        ("Can you confirm the date?", "confirm"),
        ("Please sign off on the release", "sign off"),
        ("Can you merge #12?", "merge"),
        ("Could you vote in the poll?", "vote"),
        ("We need your approval on the contract", "your approval"),
        ("Sending this for review, @kim?", "for review"),
        ("@juan review?", "review"),
        ("@lena 🙏 approve my PTO?", "approve"),
        ("Could you kindly send us the signed SOW?", "send"),
        ("can everyone merge their open PRs today?", "merge"),
        ("<@U07ABC12D> need the signed contract ASAP!!", "signed"),
        ("we need a decision from you: renew or not?", "a decision"),
        ("Anyone knows where the VPN config is?", "where"),
        ("Kindly do the needful and update the tracker", "update"),
    ],
)
def test_action_present(text: str, evidence: str) -> None:
    element = analyse(text).elements["action_required"]
    assert (element.present, element.evidence) == (True, evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Thoughts?",
        "@dana can you help?",
        "Any news on this?",
        "Hello?",
        # Vague asks name no action.
        "Can you take a look?",
        "any chance you could look at this?",
        "Can you help with this?",
        "@jonas let me know no rush.",
        "what do we do here?",
        # Verbs used as nouns are no action.
        "any update on the flaky checkout test?",
        "Ticket WEB-2291 has the logs from the dry run. any input?",
        "Draft: https://x.example/notes — thoughts?",
        "She needs read-only access, ideas?",
        # Where to reply is no action.
        "any input? pls reply by DM not here",
    ],
)
def test_action_absent(text: str) -> None:
    result = analyse(text)
    assert result.is_request is True
    assert result.elements["action_required"].present is False


# --- Information complete -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Review https://git.example/pr/7 please", "https://git.example/pr/7"),
        ("Please review the attached deck", "attached"),
        ("Please review [file: plan.pdf]", "[file: plan.pdf]"),
        ("Can you fix #431?", "#431"),
        ("Can you fix OPS-1234?", "OPS-1234"),
        ("Context: the vendor raised prices. Approve?", "Context:"),
        ("Approve the switch because the vendor raised prices?", "because"),
        # Words are context as statements besides the question (18 counted by hand: the first
        # sentence) or as a text that names a concrete fact (18 words, "9:00" the fact).
        (
            "The weekly sync clashes with the evening in Sydney, so the folks there have to stay "
            "up late. Can you approve moving it?",
            "18 words of context (statements)",
        ),
        (
            "Can you approve moving the weekly sync from 9:00 to 11:00 on Thursdays for the folks "
            "in Sydney?",
            "18 words of context (fact '9')",
        ),
        ("Can you approve 2,400 EUR for Hansen GmbH?", "2,400 EUR"),
        ("Can you check the numbers in Q2_plan.xlsx?", "Q2_plan.xlsx"),
        ("Can you answer ticket 55781?", "ticket 55781"),
        (
            "MSA redline: https://drive.google.com/file/d/1x/view ok?",
            "https://drive.google.com/file/d/1x/view",
        ),
    ],
)
def test_information_present(text: str, evidence: str) -> None:
    element = analyse(text).elements["information_complete"]
    assert (element.present, element.evidence) == (True, evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Can you review this?",
        "@bob thoughts?",
        # A long question alone tells what is asked, not what the receiver needs to act.
        "Can you approve moving the weekly sync to later in the week so more of the people in "
        "other places can join?",
        "Approve by Friday please",
        # Links to non-record sites are no context.
        "@priya.k any chance you could look at this? https://www.google.com/search?q=deadlock",
        "see https://www.youtube.com/watch?v=dQw4w9WgXcQ could you confirm?",
        "see https://giphy.com/gifs/this-is-fine please decide on that by next Tuesday",
        # Pointers to shared memory, greetings, sign-offs and where to reply are no context.
        "quick one: re the thing from yesterday what do we do here when you get a chance?",
        "@here about that doc can you review it soon-ish pls? DM me if anything is unclear.",
        "Dear Mrs. Okafor,\n\nLet me know. It would be great to have it EOD today.\n\n"
        "Thank you in advance!\nYuki",
        "Hi team, can you fix that one when you get a chance? I'll set up a zoom, easier than "
        "typing",
    ],
)
def test_information_absent(text: str) -> None:
    assert analyse(text).elements["information_complete"].present is False


# --- Thread discipline ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Can you review? DM me", "DM me"),
        ("Quick call?", "Quick call"),
        ("Can we hop on a call about the launch?", "Can we hop on a call"),
        ("can we jump on tomorrow?", "can we jump on"),
        ("Let's take this offline, ok?", "take this offline"),
        ("Could you call me about it?", "call me"),
        ("could you confirm? pls reply by DM not here", "reply by DM"),
        ("text me on WhatsApp instead, I'm travelling", "text me on WhatsApp"),
        ("I'll set up a zoom, easier than typing", "I'll set up a zoom"),
        ("let's take this offline — ping me privately.", "take this offline"),
        ("can you ping me privately?", "ping me privately"),
        ("Let's discuss the budget in person", "discuss the budget in person"),
        ("Let's move this to email, legal wants to be in cc.", "move this to email"),
    ],
)
def test_thread_discipline_absent(text: str, evidence: str) -> None:
    element = analyse(text).elements["thread_discipline"]
    assert (element.present, element.evidence) == (False, evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Can you reply in this thread?",
        "Please don't DM me about it, ask in #help instead",
        "The huddle room is booked, can you book another one?",
        "The API call times out, can you fix it?",
    ],
)
def test_thread_discipline_present(text: str) -> None:
    element = analyse(text).elements["thread_discipline"]
    assert (element.present, element.evidence) == (True, None)


# --- The whole result -----------------------------------------------------------------------


def test_complete_request() -> None:
    result = analyse(COMPLETE, sent_at=SENT)
    assert result.is_request is True
    assert result.missing == []
    assert result.complete is True
    assert result.suggestion is None
    assert result.deadline is not None
    assert result.deadline.isoformat() == "2026-03-06T17:00:00+00:00"


def test_suggestion_keeps_what_is_there() -> None:
    result = analyse("Can someone review this?")
    assert result.missing == ["assign_ownership", "window_for_response", "information_complete"]
    assert result.suggestion == "@owner, could you review <what> by <deadline>? Context: <link>"
    moved = analyse("@bob review https://x.example/1 before the 10:00 standup, or quick call?")
    assert moved.missing == ["thread_discipline"]
    assert moved.suggestion == (
        "@bob, could you review <what> before the 10:00 standup? "
        "Context: https://x.example/1 (Reply in this thread.)"
    )


def test_suggestion_asks_for_the_answer_to_a_question() -> None:
    # The action found is a question opener, not a verb: "could you how can ..." would be no
    # sentence, so the rewrite asks for the answer.
    result = analyse("How can I make twistd reload the code?")
    assert result.elements["action_required"].evidence == "How can"
    assert result.suggestion == "@owner, could you answer <what> by <deadline>? Context: <link>"


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Das Backup ist schon durch?", "schon"),
        ("¿Dónde está la plantilla?", "Dónde"),
        # A definite subject, an inversion, a verb after "¿", "qué" before a noun (lang18t).
        ("Le build de nuit repasse ?", "Le"),
        ("Le build passe-t-il ?", "Le"),
        ("Faut-il relancer le job ?", "Faut-il"),
        ("Antoine, le job tourne-t-il encore, d'après toi ?", "e-t-il"),
        ("¿Sigue caído el servidor?", "Sigue"),
        ("Andrés — ¿qué versión está en producción?", "qué versión está"),
    ],
)
def test_a_fact_question_in_another_language_is_suggested_as_an_answer(
    text: str, evidence: str
) -> None:
    # The evidence is the question word or "already", which no "could you ..." can take.
    result = analyse(text)
    assert result.elements["action_required"].evidence == evidence
    assert "could you answer <what>" in result.suggestion


def test_task_in_the_passive_is_explained_by_its_participle_and_suggested_by_its_verb() -> None:
    # Tracker text states work as an obligation: lint shows the words that decided ("removed",
    # the Jira mention) and the rewrite asks for the verb ("could you remove").
    result = analyse("[~mfreer] the *-ds.xml support needs to be removed.")
    assert result.is_request is True
    assert result.elements["assign_ownership"].evidence == "[~mfreer]"
    assert result.elements["action_required"].evidence == "removed"
    assert result.suggestion == "[~mfreer], could you remove <what> by <deadline>? Context: <link>"


@pytest.mark.parametrize(
    ("text", "owner", "action", "suggested"),
    [
        # Bugzilla's review request names the reviewer; "?" after a lone "r" is no lost character.
        (
            "Bug 1572878 - Compute the reverb on the main thread. r?karlt",
            "r?karlt",
            "r?",
            "could you review",
        ),
        (
            "Approval Request Comment\n[User impact if declined]: potential null crash",
            None,
            "Approval Request",
            "could you approve",
        ),
        # The team's obligation with "will", and a task with its subject left out.
        (
            "I'm sure we'll have to change this: the form breaks.",
            None,
            "change",
            "could you change",
        ),
        ("Also should note potential for XSS attacks", None, "note", "could you note"),
        ("Those files should still be remade.", None, "remade", "could you remake"),
        ("Just need to return an empty array.", None, "return", "could you return"),
        ("I'd like this backported. Yes.", None, "backported", "could you backport"),
        (
            "The goal of this bug is to encapsulate that manipulation.",
            None,
            "encapsulate",
            "could you encapsulate",
        ),
        ("We need a wiki page for mobile web basics.", None, "a", "could you provide"),
    ],
)
def test_tracker_forms_name_their_owner_and_action(
    text: str, owner: str | None, action: str, suggested: str
) -> None:
    result = analyse(text)
    assert result.is_request is True
    assert result.elements["assign_ownership"].evidence == owner
    assert result.elements["action_required"].evidence == action
    assert suggested in (result.suggestion or "")


@pytest.mark.parametrize(
    "text",
    [
        # A bug report's template is a problem report: a request that names no action.
        "Steps to reproduce:\n1. Visit the page\n\nActual results:\nTab crashes.",
        "Montr?al is lovely in June.",
    ],
)
def test_bug_report_template_asks_without_an_action(text: str) -> None:
    result = analyse(text)
    assert result.elements["action_required"].present is False
    assert result.is_request is text.startswith("Steps")


def test_tracker_verbs_describe_at_a_clause_start_and_ask_after_an_ask() -> None:
    # "implement" is a task only where asked: a talk's outline that lists it asks nothing.
    outline = "- example: invent a protocol, implement\nit with Twisted's classes"
    assert analyse(outline).is_request is False
    assert (
        analyse("Could you implement it with Twisted's classes?")
        .elements["action_required"]
        .evidence
        == "implement"
    )


@pytest.mark.parametrize(
    "text",
    [
        # A question that argues, advice to look for oneself.
        "I don't think we should be changing it from what people already expect.",
        "Please ask in a forum like r/FirefoxCSS if you need more help.",
        # A dotted name holds no clause: "disable" inside it is no imperative.
        "No user should touch network.disable.ipc.security, it will go away.",
        "Quite so.  And why would it be?  That's not what `for` does.",
        "Start wireshark and see if you can find any of the differences.",
    ],
)
def test_list_advice_and_arguing_questions_are_not_requests(text: str) -> None:
    assert analyse(text).is_request is False


@pytest.mark.parametrize("opener", ["Or", "Still", "Plus", "Yet", "PS"])
def test_a_connective_opening_a_line_addresses_nobody(opener: str) -> None:
    text = f"The code is attached.\n{opener}, could you run it on Debian?"
    assert analyse(text).elements["assign_ownership"].present is False


def test_url_question_mark_is_not_a_question() -> None:
    assert analyse("Dashboard: https://dash.example/x?tab=2").is_request is False


# --- CLI ------------------------------------------------------------------------------------


def test_cli_complete_exits_0() -> None:
    result = runner.invoke(app, ["lint", COMPLETE, "--sent-at", "2026-03-04T10:00"])
    assert result.exit_code == 0, result.output
    assert "✓ Window for response: by Friday -> 6 Mar 2026, 17:00 UTC" in result.output
    assert "✗" not in result.output


def test_cli_incomplete_exits_1_with_checklist() -> None:
    result = runner.invoke(app, ["lint", "Can someone review this?"])
    assert result.exit_code == 1, result.output
    assert "✗ Assign ownership" in result.output
    assert "✓ Action required: review" in result.output
    assert "Suggestion: @owner, could you review <what> by <deadline>?" in result.output


def test_cli_not_a_request_exits_0() -> None:
    result = runner.invoke(app, ["lint", "FYI: shipped v2"])
    assert result.exit_code == 0, result.output
    assert "Not a request" in result.output


def test_cli_stdin_and_json_shape() -> None:
    result = runner.invoke(
        app,
        ["lint", "-", "--json", "--sent-at", "2026-03-04T10:00", "--timezone", "Europe/Berlin"],
        input="@kim please approve by tomorrow https://x.example/9\n",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) == {
        "is_request",
        "complete",
        "elements",
        "deadline",
        "urgent",
        "missing",
        "suggestion",
        "notes",
    }
    assert list(document["elements"]) == list(ELEMENTS)
    assert document["elements"]["assign_ownership"] == {"present": True, "evidence": "@kim"}
    assert document["deadline"] == "2026-03-05T17:00:00+01:00"
    assert (document["is_request"], document["complete"], document["missing"]) == (True, True, [])
    assert document["suggestion"] is None


def test_cli_json_incomplete_exits_1() -> None:
    result = runner.invoke(app, ["lint", "Thoughts?", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["missing"] == [
        "assign_ownership",
        "window_for_response",
        "action_required",
        "information_complete",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["lint"],
        ["lint", "x", "--sent-at", "Friday"],
        ["lint", "x", "--timezone", "Mars/Olympus"],
        ["lint", "x", "--batch", "drafts.jsonl"],
    ],
)
def test_cli_usage_errors_exit_2(args: list[str]) -> None:
    assert runner.invoke(app, args).exit_code == 2


def test_cli_batch(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.jsonl"
    lines = [
        {"text": COMPLETE, "sent_at": "2026-03-04T10:00:00+00:00"},
        {"text": "FYI shipped"},
        {
            "text": "Can you approve by EOD?",
            "sent_at": "2026-03-04T10:00",
            "timezone": "Asia/Tokyo",
        },
    ]
    drafts.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", "--batch", str(drafts)])
    assert result.exit_code == 1, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["is_request"], r["complete"]) for r in rows] == [
        (True, True),
        (False, False),
        (True, False),
    ]
    assert rows[0]["deadline"] == "2026-03-06T17:00:00+00:00"
    assert rows[2]["deadline"] == "2026-03-04T17:00:00+09:00"


def test_cli_batch_all_complete_exits_0(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(json.dumps({"text": COMPLETE}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", "--batch", str(drafts)])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: not JSON"),
        ('{"sent_at": "2026-03-04"}', 'line 2: expected an object with a "text" string'),
        (
            '{"text": "hi?", "sent_at": "Friday"}',
            "line 2: sent_at 'Friday' is not an ISO date-time",
        ),
        ('{"text": "hi?", "timezone": "Mars/Olympus"}', "line 2: 'Mars/Olympus' is not an IANA"),
    ],
)
def test_cli_bad_batch_line(tmp_path: Path, line: str, message: str) -> None:
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(json.dumps({"text": COMPLETE}) + "\n" + line + "\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", "--batch", str(drafts)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {drafts} {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    with pytest.raises(InvalidDraft):
        analyse_batch(drafts)


def test_batch_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lint", "--batch", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")


@pytest.mark.parametrize("text", ["@a " * 5000, "<@U1|" * 3000, "owner:" * 5000, "by 5 " * 5000])
def test_adversarial_input_stays_fast(text: str) -> None:
    import time as clock

    started = clock.perf_counter()
    analyse(text, sent_at=SENT)
    assert clock.perf_counter() - started < 1.0


# --- windows in German, French, Spanish, Portuguese and Dutch ---------------------------------

# Wednesday 2026-03-11, 10:00 in Berlin. Hand-computed: Friday is two days on (the 13th) at the
# end of the working day; ISO week 12 of 2026 runs Monday 16 to Sunday 22 March (1 January 2026
# is a Thursday, so week 1 starts Monday 29 December 2025, and 29 Dec + 11 weeks = 16 March), its
# Friday is the 20th; durations count from 10:00 to the minute; business days skip the weekend.
SENT_BERLIN = datetime(2026, 3, 11, 10, 0)


@pytest.mark.parametrize(
    ("text", "evidence", "deadline"),
    [
        ("Kannst du bis Freitag den Bericht prüfen?", "bis Freitag", "2026-03-13T17:00:00+01:00"),
        ("Bitte bis 12.03. freigeben.", "bis 12.03.", "2026-03-12T17:00:00+01:00"),
        ("Feedback bitte bis Ende KW 12.", "Ende KW 12", "2026-03-20T17:00:00+01:00"),
        ("Kannst du das bis KW12 erledigen?", "KW12", "2026-03-20T17:00:00+01:00"),
        (
            "Bitte innerhalb von 2 Tagen prüfen.",
            "innerhalb von 2 Tagen",
            "2026-03-13T10:00:00+01:00",
        ),
        ("Schick es mir bis morgen 12 Uhr, bitte.", "morgen", "2026-03-12T12:00:00+01:00"),
        ("Bitte bis nächsten Dienstag.", "bis nächsten Dienstag", "2026-03-17T17:00:00+01:00"),
        ("Bitte bis Feierabend.", "Feierabend", "2026-03-11T17:00:00+01:00"),
        ("Tu peux relire d'ici vendredi ?", "d'ici vendredi", "2026-03-13T17:00:00+01:00"),
        # 12/03 in a French message: day first, 12 March.
        ("Merci de valider avant le 12/03.", "avant le 12/03", "2026-03-12T17:00:00+01:00"),
        ("Tu peux corriger sous 48h ?", "sous 48h", "2026-03-13T10:00:00+01:00"),
        # "d'ici" before an hour of the working day is a time (by four o'clock), before 48 h or
        # 2 h a duration; Spanish writes the hour after "las" with no unit.
        ("Tu peux valider d'ici 16 h ?", "d'ici 16 h", "2026-03-11T16:00:00+01:00"),
        ("Tu peux valider d'ici 48 h ?", "d'ici 48 h", "2026-03-13T10:00:00+01:00"),
        ("Tu peux valider d'ici 2 h ?", "d'ici 2 h", "2026-03-11T12:00:00+01:00"),
        ("¿Me lo mandas antes de las 18?", "antes de las 18", "2026-03-11T18:00:00+01:00"),
        ("¿Me lo mandas antes de las 9:30?", "antes de las 9:30", "2026-03-12T09:30:00+01:00"),
        (
            "¿Me lo mandas el viernes a las 12? Antes del viernes.",
            "Antes del viernes",
            "2026-03-13T12:00:00+01:00",
        ),
        ("Merci de répondre avant 15h.", "avant 15h", "2026-03-11T15:00:00+01:00"),
        (
            "Vos retours avant vendredi prochain svp.",
            "avant vendredi prochain",
            "2026-03-20T17:00:00+01:00",
        ),
        (
            "Merci de finir d'ici la fin de la semaine.",
            "fin de la semaine",
            "2026-03-13T17:00:00+01:00",
        ),
        # 3 March is past on the 11th: the next 3 March, a year on.
        ("¿Puedes enviarlo para el 3 de marzo?", "para el 3 de marzo", "2027-03-03T17:00:00+01:00"),
        ("¿Puedes enviarlo para mañana?", "mañana", "2026-03-12T17:00:00+01:00"),
        (
            "¿Lo revisas antes del 16 de marzo?",
            "antes del 16 de marzo",
            "2026-03-16T17:00:00+01:00",
        ),
        (
            "¿Puedes probarlo en las próximas 24 horas?",
            "en las próximas 24 horas",
            "2026-03-12T10:00:00+01:00",
        ),
        ("Por favor, para la semana 12.", "semana 12", "2026-03-20T17:00:00+01:00"),
        ("Você pode revisar até sexta-feira?", "até sexta-feira", "2026-03-13T17:00:00+01:00"),
        ("Por favor, aprovem até 12/03.", "até 12/03", "2026-03-12T17:00:00+01:00"),
        # Thursday, Friday, Monday: three business days from Wednesday 10:00.
        ("Você consegue em 3 dias úteis?", "em 3 dias úteis", "2026-03-16T10:00:00+01:00"),
        ("Me manda até amanhã ao meio-dia?", "amanhã", "2026-03-12T12:00:00+01:00"),
        ("Kun je het voor vrijdag reviewen?", "voor vrijdag", "2026-03-13T17:00:00+01:00"),
        ("Graag goedkeuren vóór 12-03.", "vóór 12-03", "2026-03-12T17:00:00+01:00"),
        ("Kun je binnen 48 uur reageren?", "binnen 48 uur", "2026-03-13T10:00:00+01:00"),
        (
            "Graag aanvullen voor volgende week dinsdag.",
            "voor volgende week dinsdag",
            "2026-03-17T17:00:00+01:00",
        ),
        ("Graag uiterlijk week 12.", "week 12", "2026-03-20T17:00:00+01:00"),
        ("Kun je het vandaag nog sturen?", "vandaag", "2026-03-11T17:00:00+01:00"),
    ],
)
def test_window_in_five_languages(text: str, evidence: str, deadline: str) -> None:
    result = analyse(text, sent_at=SENT_BERLIN, timezone="Europe/Berlin")
    assert result.is_request
    window = result.elements["window_for_response"]
    assert window.present and window.evidence == evidence
    assert result.deadline is not None and result.deadline.isoformat() == deadline


@pytest.mark.parametrize(
    "text",
    [
        # Greetings and times of day, not windows.
        "Guten Morgen Anna, kannst du das Dokument prüfen?",
        "Goede morgen, kun je de lijst nakijken?",
        "¿Revisaste el informe esta mañana?",
        # "am Freitag" says when, as the English "on Friday" does.
        "Kannst du am Freitag das Meeting leiten?",
    ],
)
def test_no_window_in_five_languages(text: str) -> None:
    result = analyse(text, sent_at=SENT_BERLIN, timezone="Europe/Berlin")
    assert not result.elements["window_for_response"].present


def test_numeric_date_day_first_has_a_note_but_english_stays_ambiguous() -> None:
    french = analyse("Merci de valider avant le 05/04.", sent_at=SENT_BERLIN, timezone="UTC")
    assert french.deadline == datetime(2026, 4, 5, 17, 0, tzinfo=UTC)
    assert any("day first" in note for note in french.notes)
    english = analyse("Can you approve it by 05/04?", sent_at=SENT_BERLIN, timezone="UTC")
    assert english.deadline is None


def test_cli_explains_the_german_window() -> None:
    result = runner.invoke(
        app,
        [
            "lint",
            "Kannst du bis Freitag den Bericht prüfen?",
            "--sent-at",
            "2026-03-11T10:00",
            "--timezone",
            "Europe/Berlin",
        ],
    )
    assert "Window for response: bis Freitag" in result.output
    # Friday 13 March 17:00 in Berlin (CET, UTC+1) is 16:00 UTC.
    assert "13 Mar 2026, 16:00 UTC" in result.output


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Kannst du bis Freitag den Bericht prüfen?", "prüfen"),
        # A dot inside a date or a number ends no sentence.
        ("Könnten Sie die Bestellung bis 19. März bestätigen?", "bestätigen"),
        ("Merci de valider le budget.", "valider"),
        ("Por favor, aprobad el presupuesto.", "aprobad"),
        ("Você pode revisar o contrato?", "revisar"),
        ("Kun je het contract nalezen?", "nalezen"),
        ("Stuur me de cijfers, aub.", "Stuur"),
    ],
)
def test_action_in_five_languages(text: str, evidence: str) -> None:
    element = analyse(text).elements["action_required"]
    assert element.present and element.evidence == evidence


@pytest.mark.parametrize(
    "text", ["Gedanken dazu?", "Kann mir da jemand helfen?", "Des idées ?", "¿Qué os parece?"]
)
def test_vague_asks_name_no_action_in_five_languages(text: str) -> None:
    assert not analyse(text).elements["action_required"].present


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        # French and Spanish asks in their other forms (issue 18, lang18b): a conditional or a
        # future, a need or a reminder before the verb, an imperative or an infinitive opening a
        # clause, a pronoun written onto the verb.
        ("Pourriez-vous mettre à jour la FAQ ?", "mettre à jour"),
        ("Il faudrait que tu envoies le planning à Paul.", "envoies"),
        ("N'oubliez pas de remplir le formulaire.", "remplir"),
        ("À faire : corriger les traductions.", "corriger"),
        ("¿Te importaría confirmar la reserva?", "confirmar"),
        ("Necesito que firmes el acuerdo.", "firmes"),
        ("Hay que actualizar el inventario.", "actualizar"),
        ("¿Puedes enviarlo hoy?", "enviarlo"),
        ("Carmen, envía las fotos al cliente.", "envía"),
        ("¿Me ayudas a traducir el folleto?", "traducir"),
    ],
)
def test_french_and_spanish_asks_name_their_action(text: str, evidence: str) -> None:
    result = analyse(text)
    element = result.elements["action_required"]
    assert result.is_request and element.present and element.evidence == evidence


def test_a_look_is_asked_for_but_names_no_action() -> None:
    result = analyse("Échale un vistazo al borrador.")
    assert result.is_request and not result.elements["action_required"].present


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Ci-joint le planning, tu peux le relire ?", "Ci-joint"),
        ("Kannst du die Rechnung Nr. 5521 prüfen?", "Nr. 5521"),
        ("Por favor, revisa el contrato porque vence el viernes.", "porque"),
        ("Você pode revisar? Está na pasta Jurídico.", "na pasta"),
        ("Kun je de offerte nakijken? Hij staat in de gedeelde map Sales.", "in de gedeelde map"),
    ],
)
def test_information_in_five_languages(text: str, evidence: str) -> None:
    element = analyse(text).elements["information_complete"]
    assert element.present and element.evidence == evidence


@pytest.mark.parametrize(
    "text",
    [
        # Pleasantries and thanks are no context, however many words they take.
        "Bonjour Paul, j'espère que tout va bien de ton côté et que la semaine commence bien ! "
        "Tu peux regarder ça quand tu as un moment ? Merci d'avance !",
        "Hola, espero que estéis todos genial y que el viaje de vuelta fuera tranquilo y "
        "agradable. ¿Lo revisas cuando puedas? ¡Un abrazo!",
        # French elisions are no quoted string (no fact), and the question is all there is.
        "Est-ce que quelqu'un aurait l'occasion de m'aider avec ce qu'on s'était dit pour "
        "l'équipe ?",
    ],
)
def test_information_absent_in_five_languages(text: str) -> None:
    assert not analyse(text).elements["information_complete"].present


@pytest.mark.parametrize(
    "text",
    [
        # A clock or a day of the month inside the question says when the asked thing happens,
        # which the question names: no fact, however long the question (issue 18, info18).
        "Margot, on se retrouve à la cafétéria à 15h30 pour parler du nouveau stand du salon ?",
        "¿Os apetece quedar mañana a las 13:45 para hablar un rato del nuevo catálogo de otoño?",
        "Je reviens vers toi au sujet de ma demande du 9 : tu peux regarder les badges de l'équipe ?",
        # A sentence that states the ask as a need or a polite formula is the ask, not its
        # context, however long.
        "Faudrait passer voir le service juridique avant la fin du mois pour la convention de stage",
        "Sr. Medina, le agradecería que nos enviara la carta de aceptación firmada durante esta semana.",
        # A shortened link hides which record it is.
        "@lucas regarde ça stp https://bit.ly/9QwE",
        "@lucía mira esto https://tinyurl.com/4kd8 porfa",
    ],
)
def test_a_time_asked_about_or_a_short_link_is_no_information(text: str) -> None:
    assert not analyse(text).elements["information_complete"].present


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        # A clock in a statement tells why the time matters, and stays a fact.
        (
            "Qui peut installer les chaises dans la grande salle ? Les invités du conseil "
            "arrivent à 14h30.",
            "fact '1'",
        ),
        # A number in the question that is no time stays a fact ("version 3.2").
        (
            "¿Alguien puede comprobar si la versión 3.2 de la aplicación ya está instalada en "
            "las tabletas?",
            "fact '3'",
        ),
    ],
)
def test_a_clock_outside_the_question_is_still_a_fact(text: str, evidence: str) -> None:
    element = analyse(text).elements["information_complete"]
    assert element.present and evidence in element.evidence


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Tu peux valider ? Appelle-moi après.", "Appelle-moi"),
        ("¿Lo vemos? Llámame.", "Llámame"),
        ("Kannst du das prüfen? Ruf mich an.", "Ruf mich an"),
        ("Você aprova? Me liga depois.", "Me liga"),
        ("Kun je dit goedkeuren? Bel me even.", "Bel me"),
    ],
)
def test_thread_left_in_five_languages(text: str, evidence: str) -> None:
    element = analyse(text).elements["thread_discipline"]
    assert not element.present and element.evidence == evidence


@pytest.mark.parametrize(
    "text", ["Kannst du das prüfen? Schönes Wochenende!", "¿Puedes revisarlo? ¡Buen fin de semana!"]
)
def test_a_wish_for_the_weekend_is_no_window(text: str) -> None:
    assert not analyse(text).elements["window_for_response"].present


# French and Spanish forms of issue 18's dev part 4 (lang18y).
@pytest.mark.parametrize(
    ("text", "evidence", "deadline"),
    [
        # "16 h" with a space sets the hour of the named day.
        ("Tu peux relire d'ici jeudi 16 h ?", "d'ici jeudi", "2026-03-12T16:00:00+01:00"),
        # A bare hour of 1 to 7 is in the afternoon; one with its minutes stays as written.
        ("¿Me lo confirmas antes de las 2?", "antes de las 2", "2026-03-11T14:00:00+01:00"),
        ("¿Me lo confirmas antes de las 07:30?", "antes de las 07:30", "2026-03-12T07:30:00+01:00"),
        # The clock at or after the window, not the one that times the error.
        (
            "Sale el error desde las 09:00. ¿Lo arreglas hoy antes de las 6?",
            "hoy",
            "2026-03-11T18:00:00+01:00",
        ),
        # The week dates the figures; the weekday after it is the window.
        (
            "Mándame el consolidado de la semana 12 a más tardar el lunes 16 a las 8.",
            "a más tardar el lunes",
            "2026-03-16T08:00:00+01:00",
        ),
        (
            "Merci de signer avant le mercredi 18 mars à midi.",
            "avant le mercredi 18 mars",
            "2026-03-18T12:00:00+01:00",
        ),
        (
            "Tu peux m'aider avant la réunion de 15h ?",
            "avant la réunion de 15h",
            "2026-03-11T15:00:00+01:00",
        ),
        (
            "¿Me devuelves el contrato en el transcurso de esta semana?",
            "transcurso de esta semana",
            "2026-03-13T17:00:00+01:00",
        ),
        (
            "Merci de nous le renvoyer d'ici au 20 mars.",
            "d'ici au 20 mars",
            "2026-03-20T17:00:00+01:00",
        ),
    ],
)
def test_dev_part_4_windows(text: str, evidence: str, deadline: str) -> None:
    result = analyse(text, sent_at=SENT_BERLIN, timezone="Europe/Berlin")
    window = result.elements["window_for_response"]
    assert window.present and window.evidence == evidence
    assert result.deadline is not None and result.deadline.isoformat() == deadline


@pytest.mark.parametrize(
    ("text", "moved_by"),
    [
        ("¿Me lo mandas por Telegram?", "por Telegram"),
        ("Tu me fais un topo par MP ?", "par MP"),
        ("Merci de me le renvoyer par la poste.", "par la poste"),
        ("¿Lo vemos por Zoom mañana?", "por Zoom"),
        ("Dispo pour un call de 15 min ?", "pour un call"),
        ("Tu as un call de 10 min cet aprèm ?", "un call de"),
        ("Escríbanme al privado, porfa.", "al privado"),
        # A refused move keeps the thread.
        ("Contesten aquí, no por correo: ¿A o B?", None),
    ],
)
def test_dev_part_4_thread(text: str, moved_by: str | None) -> None:
    thread = analyse(text).elements["thread_discipline"]
    assert thread.present is (moved_by is None)
    assert thread.evidence == moved_by


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("Don Ernesto, ¿puede autorizar la orden?", "Ernesto"),
        ("Élodie tu pourrais vérifier les accès ?", "Élodie"),
        ("Allô Geneviève, peux-tu m'envoyer la soumission?", "Geneviève"),
        ("Oye Nacho, ¿puedes revisar el acta?", "Nacho"),
        ("Bonsoir, quelqu'un sait où est le badge ?", None),
        ("Porfa, alguien que me diga cómo se pide.", None),
    ],
)
def test_dev_part_4_owner(text: str, owner: str | None) -> None:
    assign = analyse(text).elements["assign_ownership"]
    assert assign.present is (owner is not None)
    assert assign.evidence == owner


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Chloé, le rapport, il en est où ?", "en est où"),
        ("Nous vous saurions gré de nous faire part de votre décision.", "faire part"),
        ("¿Podrían revisar el pedido 4471?", "revisar"),
        ("@ops quelqu'un peut récupérer les badges ? merci", "récupérer"),
        ("Les solicito me indiquen el estado del expediente.", "indiquen"),
        # Being called back names no action, though "podrían" asks.
        ("¿Me podrían devolver la llamada?", None),
    ],
)
def test_dev_part_4_action(text: str, evidence: str | None) -> None:
    result = analyse(text)
    action = result.elements["action_required"]
    assert result.is_request
    assert action.present is (evidence is not None)
    assert action.evidence == evidence


def test_a_case_is_no_folder() -> None:
    # "sur le dossier X" is about a case; "dans le dossier X" says where the material is.
    about = analyse("Tu me fais un topo sur le dossier Renault ?")
    inside = analyse("Tu peux relire le contrat ? Il est dans le dossier Renault.")
    assert not about.elements["information_complete"].present
    assert inside.elements["information_complete"].evidence == "dans le dossier"
