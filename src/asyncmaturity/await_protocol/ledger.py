"""The AWAIT request ledger: requests with an owner, a response window, an action and the
information needed, answered in a thread; due and overdue counted in the owner's working hours.

A request's urgency picks its window from the team charter (``request_windows``: normal 24,
urgent 4 working hours by default), counted on the owner's schedule (their time zone, working
days and hours, the holidays of their zone and their out-of-office days; see
:meth:`asyncmaturity.charter.Charter.schedule_for`). An *emergency* has no window: it is the
synchronous path the framework prescribes for what cannot wait, so it is escalated at once and
the requester is told to call or page the owner now.

Status is never stored; it follows from the times, at a given instant:

- ``closed``: the requester (or an admin) closed it;
- ``answered``: someone other than the requester replied;
- ``escalated``: its window passed unanswered (or it is an emergency) and the escalation ran;
- ``overdue``: its window passed unanswered and the escalation has not run yet;
- ``open``: otherwise.

Example::

    charter = Charter(holidays=[{"date": "2026-03-09"}])
    due = request_due_at(charter, created_at=datetime(2026, 3, 6, 16, tzinfo=UTC),
                         urgency="urgent", owner="dana@example.org")
    # Friday 16:00 UTC + 4 working hours, Monday a holiday: Tuesday 12:00 UTC
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol, TypeVar

from asyncmaturity.await_protocol.lint import ELEMENTS, Element, LintResult, analyse
from asyncmaturity.charter import Charter, due_at

Urgency = Literal["normal", "urgent", "emergency"]
URGENCIES: tuple[Urgency, ...] = ("normal", "urgent", "emergency")
RequestStatus = Literal["open", "answered", "overdue", "escalated", "closed"]
REQUEST_STATUSES: tuple[RequestStatus, ...] = ("open", "answered", "overdue", "escalated", "closed")
EMERGENCY_ADVICE = (
    "This is an emergency: call or page the owner now; a written request is not how an "
    "emergency gets handled."
)
"""What an emergency's requester is told first; who else was alerted is the web app's to say."""


class RequestTimes(Protocol):
    """What the ledger's rules read of a request (a :class:`LedgerEntry`, or a stored row)."""

    @property
    def urgency(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def answered_at(self) -> datetime | None: ...
    @property
    def escalated_at(self) -> datetime | None: ...
    @property
    def closed_at(self) -> datetime | None: ...


T = TypeVar("T", bound=RequestTimes)


@dataclass(frozen=True)
class LedgerEntry:
    """A request's times (aware instants), as the rules below read them."""

    urgency: Urgency
    created_at: datetime
    due_at: datetime | None = None
    answered_at: datetime | None = None
    escalated_at: datetime | None = None
    closed_at: datetime | None = None


def urgency_of(value: str) -> Urgency:
    """`value` as an urgency; ValueError when it is none of :data:`URGENCIES`."""
    if value not in URGENCIES:
        raise ValueError(f"unknown urgency {value!r}; use one of {', '.join(URGENCIES)}")
    return value


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def request_due_at(
    charter: Charter,
    *,
    created_at: datetime,
    urgency: str,
    owner: str | None,
    owner_timezone: str | None = None,
) -> datetime | None:
    """When a request made at `created_at` is due: the charter's window for `urgency`, in working
    hours on the schedule of `owner` (an e-mail address or a charter person id; None or a
    stranger to the charter: the charter's defaults). None for an emergency (no window).

    `owner_timezone` is the owner's zone where the caller knows one and the charter does not.
    A naive `created_at` is UTC; the result is an aware UTC instant.
    """
    if urgency == "emergency":
        return None
    urgency_of(urgency)
    schedule = charter.schedule_for(owner, source_timezone=owner_timezone)
    return due_at(_aware(created_at), charter.request_window_hours(urgency), schedule)


def is_overdue(request: RequestTimes, now: datetime) -> bool:
    """Whether the window has passed at `now` with no answer (and the request is still open).

    An emergency has no window and is never overdue: it is escalated at once instead.
    """
    if request.due_at is None or request.answered_at is not None or request.closed_at is not None:
        return False
    return _aware(now) >= _aware(request.due_at)


def request_status(request: RequestTimes, now: datetime) -> RequestStatus:
    """The request's status at `now` (see the module docstring for the order of the rules)."""
    if request.closed_at is not None:
        return "closed"
    if request.answered_at is not None:
        return "answered"
    if request.escalated_at is not None:
        return "escalated"
    if is_overdue(request, now):
        return "overdue"
    return "open"


def answered_within_window(request: RequestTimes) -> bool | None:
    """True when answered by its due time, False when answered later, None when unanswered or
    without a window (an emergency)."""
    if request.answered_at is None or request.due_at is None:
        return None
    return _aware(request.answered_at) <= _aware(request.due_at)


def needs_escalation(request: RequestTimes, now: datetime) -> bool:
    """Whether the request is to be escalated at `now`: never escalated, neither answered nor
    closed, and either an emergency (at once) or past its due time."""
    if request.escalated_at is not None or request.answered_at is not None:
        return False
    if request.closed_at is not None:
        return False
    return request.urgency == "emergency" or is_overdue(request, now)


def due_for_escalation(requests: Iterable[T], now: datetime) -> list[T]:
    """The requests of `requests` that :func:`needs_escalation` at `now`, in their order."""
    return [request for request in requests if needs_escalation(request, now)]


def first_answer(requester: object, replies: Iterable[tuple[object, datetime]]) -> datetime | None:
    """When a request was answered: the earliest reply (author, time) by someone other than
    `requester`; None when nobody else replied."""
    times = [_aware(at) for author, at in replies if author != requester]
    return min(times) if times else None


def request_text(title: str, action: str, information: str, links: Sequence[str] = ()) -> str:
    """The request as one message (what the AWAIT rules read): title, action, information, links.

    Each field is its own paragraph: the rules open a clause at a blank line (a single line
    break may be a wrapped e-mail line), and the action field is an ask of its own.
    """
    parts = [title.strip(), action.strip(), information.strip(), *(u.strip() for u in links)]
    return "\n\n".join(part for part in parts if part)


@dataclass(frozen=True)
class RequestCheck:
    """The AWAIT check of a ledger request: the text's own analysis, with ownership and the
    window supplied by the ledger's fields (the owner chosen, the due time the charter gives)."""

    text: LintResult
    elements: dict[str, Element]
    due_at: datetime | None

    @property
    def missing(self) -> list[str]:
        """The AWAIT elements the request still lacks."""
        return [name for name, element in self.elements.items() if not element.present]

    @property
    def complete(self) -> bool:
        """Whether all five elements are there."""
        return not self.missing

    @property
    def labels(self) -> dict[str, str]:
        """Element name -> its label ("Assign ownership"), in AWAIT order."""
        return dict(ELEMENTS)


def check_request(
    *,
    title: str,
    action: str,
    information: str,
    links: Sequence[str],
    owner: str | None,
    urgency: str,
    due: datetime | None,
    sent_at: datetime,
) -> RequestCheck:
    """Check a request against AWAIT before it is added: the text for the action, the information
    and thread discipline (:func:`asyncmaturity.await_protocol.lint.analyse`); the owner field for
    ownership; the charter's due time (or the emergency path) for the window."""
    result = analyse(request_text(title, action, information, links), sent_at=sent_at)
    elements = dict(result.elements)
    if owner:
        elements["assign_ownership"] = Element("assign_ownership", True, f"owner: {owner}")
    if due is not None:
        when = due.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        elements["window_for_response"] = Element("window_for_response", True, f"due {when}")
    elif urgency == "emergency":
        elements["window_for_response"] = Element(
            "window_for_response", True, "emergency: call or page now"
        )
    return RequestCheck(text=result, elements=elements, due_at=due)
