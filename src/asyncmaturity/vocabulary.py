"""The closed vocabularies of the canonical evidence: the values sources write into the store's
kind, response and role columns, and that metrics and the charter read back; and the names of the
AWAIT signal columns.

Each is a :class:`~enum.StrEnum`, so a member is its stored string: it compares and hashes equal
to it, and formats as it in SQL text (``f"kind = '{MessageKind.HUMAN}'"`` is ``kind = 'human'``).

Example::

    if kind == ConversationKind.GROUP_DM: ...
    window = charter.window_hours(ConversationKind.DM)
"""

from __future__ import annotations

from enum import StrEnum


class ConversationKind(StrEnum):
    """What a conversation is (``conversations.kind``), and the keys of the charter's response
    windows; ``issue tracker`` and ``urgent channel`` are the kinds metrics give tracker requests
    and the charter's urgent channels."""

    PUBLIC_CHANNEL = "public channel"
    PRIVATE_CHANNEL = "private channel"
    DM = "dm"
    GROUP_DM = "group dm"
    MAILING_LIST = "mailing list"
    ISSUE_TRACKER = "issue tracker"
    URGENT_CHANNEL = "urgent channel"


class MessageKind(StrEnum):
    """Who or what wrote a message (``messages.kind``), by DESIGN.md's human-message rule."""

    HUMAN = "human"
    BOT = "bot"
    SYSTEM = "system"


class MeetingResponse(StrEnum):
    """An invitee's answer to a meeting (``attendance.response``)."""

    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"
    NEEDS_ACTION = "needs-action"


class AttendanceRole(StrEnum):
    """Whether an invitee is expected at a meeting (``attendance.role``)."""

    REQUIRED = "required"
    OPTIONAL = "optional"


class WorkItemKind(StrEnum):
    """What a work item is (``work_items.kind``): tracker items, decision records and the AWAIT
    ledger's requests."""

    ISSUE = "issue"
    PULL_REQUEST = "pull_request"
    MERGE_REQUEST = "merge_request"
    DECISION = "decision"
    REQUEST = "request"


class WorkEventKind(StrEnum):
    """What happened to a work item (``work_events.kind``); the last five are the ledger's."""

    COMMENT = "comment"
    REVIEW = "review"
    STATE = "state"
    ASSIGNMENT = "assignment"
    REQUEST = "request"
    DUE = "due"
    ESCALATION = "escalation"
    RATIONALE = "rationale"
    DECIDERS = "deciders"


class Visibility(StrEnum):
    """What an export may or may not show (``visibility.aspect``): a source records, for each
    export, which of these it can see, so that a metric needing what no export shows is unknown
    rather than zero."""

    # Chat or mail messages at all: a calendar or a tracker export shows none.
    MESSAGES = "messages"
    DIRECT_MESSAGES = "direct messages"
    GROUP_MESSAGES = "group messages"
    PRIVATE_CHANNELS = "private channels"
    ATTENDEES = "attendees"
    ASSIGNEES = "assignees"
    # Replies in threads: a chat export from before its platform had threads (Slack's came in
    # January 2017) cannot show whether the team would keep its replies in them.
    THREADS = "threaded replies"


# What the AWAIT rules (asyncmaturity.await_protocol.rules.SIGNALS) read in a message's text: the
# store's signal columns, kept when the text is not. Defined here, not beside the schema, so that
# the rules (and `lint`) load without DuckDB.
AWAIT_SIGNAL_COLUMNS = (
    "is_request",
    "await_assign",
    "await_window",
    "await_action",
    "await_information",
    "sync_request",
    "bare_greeting",
    "nudge",
    "clarification",
)
