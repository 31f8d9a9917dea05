"""Simulate the Slack workspace export of a made-up organization, with known ground truth.

The simulator is the demo's input and the benchmark's generator: it writes an unpacked Slack export
(``users.json``, ``channels.json``, ``groups.json``, ``dms.json``, ``mpims.json`` and one folder of
``YYYY-MM-DD.json`` day files per conversation) whose metric values are known in advance, see
:func:`expected_metrics`.

The model, one local calendar day at a time:

* Each person has a time zone (drawn in the proportions of ``timezones``) and works Monday to
  Friday 09:00-17:00 local time, the charter's default schedule.
* People post *root* messages. A root lands in a DM or group DM with probability ``dm_share``,
  otherwise in one of the author's channels. It is sent in working hours, or outside them (an
  evening, an early morning, or a weekend) with the probability that makes the after-hours share
  come out at ``after_hours_share``.
* A root starts a thread with probability ``thread_share``. A thread is *answered* with probability
  ``answered_share``: another member replies after a log-normal wall-clock delay (median
  ``reply_delay_median_s``, sigma ``reply_delay_sigma``); follow-up replies by the author or others
  come after that first answer. An unanswered thread holds only the author's own follow-ups (and
  perhaps a bot's auto-reply). Some answered threads also get a self-reply *before* the answer.
* For an answered root the delay is drawn first and kept; the root's time (among a few tries)
  and the answerer (among a few members) are then picked together so that the root and the answer
  fall in or out of working hours as drawn. The roots without an answer, whose times are free,
  and then the follow-up replies are steered so that the cumulative after-hours share tracks
  ``after_hours_share`` day by day.
* Bots (a legacy integration, an app with a bot user, and Slackbot) add ``bot_share`` of all
  message records; ``channel_join`` system records open a channel created just before the period.

Generation is vectorised with NumPy per day; messages are buffered until their UTC day can receive
no more messages (replies may land days after their root) and are then written, so memory is
bounded by a few days of messages. Replies to the last days' roots may land after the period: the
export is as if taken once every thread had its replies. The same parameters always give
byte-identical files (with the same NumPy and Python versions).

The same organization can also keep a calendar and an issue tracker
(:mod:`asyncmaturity.simulate.evidence`, which writes all three as export files), and be written
as evidence tables in Parquet with no export in between (:mod:`asyncmaturity.simulate.parquet`);
:class:`ChatRun` is the day-by-day chat both build on.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from asyncmaturity.sources.features import DECISION_PATTERN

__all__ = [
    "SimulationParams",
    "SimulationSummary",
    "expected_metrics",
    "simulate_slack_export",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

_US = 1_000_000
_DAY_S = 86_400
_DAY_US = _DAY_S * _US
_EPOCH = date(1970, 1, 1)
# 1970-01-01 was a Thursday, three days after a Monday.
_EPOCH_WEEKDAY = 3
# The charter's default working hours (Monday to Friday): the ground truth is stated in them.
WORK_START_S = 9 * 3600
WORK_END_S = 17 * 3600
_WORK_START_US = WORK_START_S * _US
_WORK_END_US = WORK_END_S * _US
# A time zone key spreads zones far apart so one searchsorted looks up (zone, instant) pairs.
_ZONE_KEY = 1 << 36

# Thread shape (see SimulationParams for the tunable parts).
UNANSWERED_SELF_REPLIES_EXTRA = 0.3  # an unanswered thread holds 1 + Poisson(0.3) self-replies
FOLLOWUP_BY_AUTHOR = 0.4  # share of follow-up replies written by the root's author
FOLLOWUP_GAP_MEDIAN_S = 900.0
FOLLOWUP_GAP_SIGMA = 1.0
SELF_REPLY_GAP_MEDIAN_S = 600.0
MAX_REPLY_DELAY_S = 30 * _DAY_S  # clipping this far out leaves every quantile below it untouched
MAX_GAP_S = 2 * _DAY_S
GROUP_DM_SHARE = 0.25  # share of DM-kind roots that go to a group DM when the author is in one
CANDIDATES = 6  # members sampled per answer when looking for one whose hours fit
TIME_TRIES = 4  # root times tried per answered root when looking for an answer that fits
# Decorations that change no metric in the contract.
FILE_SHARE_SHARE = 0.03
ME_MESSAGE_SHARE = 0.005
THREAD_BROADCAST_SHARE = 0.05
REACTION_SHARE = 0.1
EDITED_SHARE = 0.03
SLACKBOT_SHARE_OF_BOTS = 0.1
APP_BOT_SHARE_OF_BOTS = 0.2

_DEFAULT_TIMEZONES: tuple[tuple[str, float], ...] = (
    ("America/New_York", 0.3),
    ("Europe/Berlin", 0.3),
    ("Asia/Kolkata", 0.2),
    ("America/Los_Angeles", 0.1),
    ("Asia/Kathmandu", 0.1),
)


@dataclass(frozen=True)
class SimulationParams:
    """Everything that shapes a simulated organization; invalid values raise ``ValueError``.

    Attributes:
        people: human members of the workspace (at least 2).
        days: length of the period in calendar days, starting at ``start`` (local dates).
        seed: seed of every random draw; the same parameters give byte-identical files.
        start: first local calendar day of the period.
        channels: public channels; the first two are #general and #random (everyone is a member).
        messages_per_person_day: expected human messages per person per working day (Monday to
            Friday in the period); the expected total is ``people * messages_per_person_day *
            working_days``, weekend and after-hours messages included.
        dm_share: share of human messages sent in DMs and group DMs (a root lands there with this
            probability, and its thread follows it).
        thread_share: share of human root messages that start a thread (get at least one reply,
            possibly only from the author or a bot).
        answered_share: share of those threads that get a reply from a human other than the
            root's author. The share of *all* roots that are answered, the metric
            ``response.answered_share``, is therefore ``thread_share * answered_share``.
        reply_delay_median_s: median wall-clock seconds from a root to the first reply by another
            human, over answered roots.
        reply_delay_sigma: sigma of the log-normal distribution of that delay.
        after_hours_share: share of human messages (roots and replies) sent outside the author's
            working hours, Monday to Friday 09:00-17:00 in the author's ``users.json`` time zone.
        bot_share: share of bot records (a legacy integration, an app bot and Slackbot) among all
            message records that are not system records such as ``channel_join``.
        timezones: IANA time zones and their weights; people are allotted to zones in these
            proportions (largest remainder), the weights need not sum to one.
        private_channels: private channels (listed in ``groups.json``).
        group_dms: group DMs (``mpims.json``); ``None`` means one per ten people. Needs 3 people.
        dm_partners: average number of people each person has a DM conversation with.
        followup_replies: mean number of replies after the first answer in an answered thread.
        self_reply_before_share: share of answered threads in which the author adds a reply
            before the first answer arrives.
        weekend_share: share of after-hours roots that are posted on a weekend day, the rest in
            the evening or early morning of a working day.
        broadcast_share: share of human messages that notify a whole channel (``<!here>`` or
            ``<!channel>``).
        record_link_share: share of human messages linking to a system of record (GitHub issues
            and pull requests, Jira, Confluence, Google Docs, Notion, Linear) as the charter's
            default ``record_systems`` patterns recognise them; other messages may carry links
            that are not records (a repository's home page, a blog post).
        bot_thread_reply_share: share of threads in triage channels that get a bot auto-reply
            seconds after the root (ignored when ``bot_share`` is 0).
        decision_record_share: when set, this share of the plain messages that state a decision
            ('we decided', 'approved' ...) instead state it with a link to its record, which plants
            ``decisions.record_link_share`` (decisions in link messages always carry one). None
            leaves texts as drawn.
        await_request_share: when set, this share of the plain thread roots that state no
            decision are instead AWAIT-complete requests (an owner mentioned, a window, an action,
            a link to the record, nothing moving the talk elsewhere), which plants
            ``await.complete_share``. None leaves texts as drawn.
        meetings: also simulate a calendar (see :mod:`asyncmaturity.simulate.evidence`): weekly
            team meetings, daily stand-ups of some teams, weekly or fortnightly 1:1s of each
            manager with each report, fortnightly review meetings of a few teams' leads, and ad
            hoc meetings, with agendas, notes links, cancelled instances and declines. Off by
            default: the chat simulation is the same either way.
        work_items: also simulate a GitHub tracker: issues and pull requests by the people with
            a GitHub account (and a dependency bot), with comments, reviews, CI bot comments,
            closes and merges. Off by default.
        team_size: people per team (the last team takes the remainder); a team's first member
            is its manager. Teams are drawn mostly within a time zone.
        ad_hoc_meetings_per_person_day: expected ad hoc meetings organized per person per
            working day.
        meeting_cancel_share: share of recurring meeting instances that are cancelled.
        meeting_decline_share: share of invitations (the organizer's aside) declined, per
            instance.
        agenda_share: share of meetings whose invitation carries an agenda.
        notes_share: share of meetings whose invitation links notes or a recording.
        work_items_per_person_day: expected issues and pull requests opened per person per
            working day (authored by the people with a GitHub account, and a dependency bot).
        pull_request_share: share of work items that are pull requests (the rest are issues, a
            few of them decision records).
        work_response_median_s: median seconds from an item's creation to the first comment or
            review by another person, over the items that get one.
        work_response_share: share of items that get a comment or review by another person.
        work_close_median_s: median seconds from an item's creation to its close or merge.
        work_close_share: share of items closed or merged (pull requests mostly merged); a close
            that would fall after the export (a day after the period) leaves the item open.
    """

    people: int = 40
    days: int = 60
    seed: int = 0
    start: date = date(2026, 1, 5)
    channels: int = 8
    messages_per_person_day: float = 6.0
    dm_share: float = 0.2
    thread_share: float = 0.35
    answered_share: float = 0.8
    reply_delay_median_s: float = 1800.0
    reply_delay_sigma: float = 1.2
    after_hours_share: float = 0.1
    bot_share: float = 0.05
    timezones: tuple[tuple[str, float], ...] = _DEFAULT_TIMEZONES
    private_channels: int = 2
    group_dms: int | None = None
    dm_partners: int = 4
    followup_replies: float = 1.5
    self_reply_before_share: float = 0.1
    weekend_share: float = 0.25
    broadcast_share: float = 0.02
    record_link_share: float = 0.1
    bot_thread_reply_share: float = 0.1
    decision_record_share: float | None = None
    await_request_share: float | None = None
    meetings: bool = False
    work_items: bool = False
    team_size: int = 8
    ad_hoc_meetings_per_person_day: float = 0.15
    meeting_cancel_share: float = 0.05
    meeting_decline_share: float = 0.08
    agenda_share: float = 0.5
    notes_share: float = 0.3
    work_items_per_person_day: float = 0.2
    pull_request_share: float = 0.5
    work_response_median_s: float = 4 * 3600.0
    work_response_share: float = 0.8
    work_close_median_s: float = 2 * 86_400.0
    work_close_share: float = 0.75

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def group_dm_count(self) -> int:
        """Group DMs to create: ``group_dms``, or one per ten people; none with fewer than 3."""
        if self.people < 3:
            return 0
        return self.group_dms if self.group_dms is not None else max(1, self.people // 10)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _check_float(name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _validate(p: SimulationParams) -> None:
    """Raise ``ValueError`` naming the first parameter that is out of range."""
    _check_int("people", p.people, 2, 1_000_000)
    _check_int("days", p.days, 1, 3660)
    _check_int("seed", p.seed, 0, 2**63 - 1)
    _check_int("channels", p.channels, 1, 10_000)
    _check_int("private_channels", p.private_channels, 0, 10_000)
    if p.group_dms is not None:
        _check_int("group_dms", p.group_dms, 0, 1_000_000)
    _check_int("dm_partners", p.dm_partners, 1, 1_000)
    if not isinstance(p.start, date) or isinstance(p.start, datetime):
        raise ValueError(f"start must be a date, got {p.start!r}")
    if not date(1971, 1, 1) <= p.start <= date(2200, 1, 1):
        raise ValueError(f"start must be between 1971 and 2200, got {p.start}")
    _check_float("messages_per_person_day", p.messages_per_person_day, 0.0, 10_000.0)
    for name in (
        "dm_share",
        "thread_share",
        "answered_share",
        "after_hours_share",
        "self_reply_before_share",
        "weekend_share",
        "broadcast_share",
        "record_link_share",
        "bot_thread_reply_share",
    ):
        _check_float(name, getattr(p, name), 0.0, 1.0)
    _check_float("bot_share", p.bot_share, 0.0, 0.9)
    for optional in ("decision_record_share", "await_request_share"):
        if getattr(p, optional) is not None:
            _check_float(optional, getattr(p, optional), 0.0, 1.0)
    for flag in ("meetings", "work_items"):
        if not isinstance(getattr(p, flag), bool):
            raise ValueError(f"{flag} must be true or false, got {getattr(p, flag)!r}")
    _check_int("team_size", p.team_size, 2, 1_000)
    for name in (
        "meeting_cancel_share",
        "meeting_decline_share",
        "agenda_share",
        "notes_share",
        "pull_request_share",
        "work_response_share",
        "work_close_share",
    ):
        _check_float(name, getattr(p, name), 0.0, 1.0)
    _check_float("ad_hoc_meetings_per_person_day", p.ad_hoc_meetings_per_person_day, 0.0, 20.0)
    _check_float("work_items_per_person_day", p.work_items_per_person_day, 0.0, 100.0)
    _check_float("work_response_median_s", p.work_response_median_s, 1.0, 30 * _DAY_S)
    _check_float("work_close_median_s", p.work_close_median_s, 1.0, 365 * _DAY_S)
    _check_float("followup_replies", p.followup_replies, 0.0, 100.0)
    _check_float("reply_delay_median_s", p.reply_delay_median_s, 1.0, 7 * _DAY_S)
    _check_float("reply_delay_sigma", p.reply_delay_sigma, 0.0, 3.0)
    if p.broadcast_share + p.record_link_share > 1.0:
        raise ValueError("broadcast_share + record_link_share must not exceed 1")
    if not isinstance(p.timezones, tuple | list) or not p.timezones:
        raise ValueError("timezones must be a non-empty tuple of (IANA name, weight) pairs")
    for entry in p.timezones:
        if not (isinstance(entry, tuple | list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ValueError(f"timezones entry {entry!r} is not a (name, weight) pair")
        try:
            ZoneInfo(entry[0])
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {entry[0]!r} in timezones") from None
        _check_float(f"weight of {entry[0]}", entry[1], 0.0, 1e9)
    if sum(float(w) for _, w in p.timezones) <= 0:
        raise ValueError("timezones weights must have a positive sum")


@dataclass
class SimulationSummary:
    """What :func:`simulate_slack_export` wrote."""

    out_dir: Path
    messages: int  # every message record written: human, bot and system records
    human_messages: int  # records that the metrics count as human messages
    people: int  # human members
    conversations: int  # conversations listed (public, private, DMs, group DMs), used or not


def _period_days(params: SimulationParams) -> tuple[int, int]:
    """(working days, weekend days) of the period."""
    first = (params.start - _EPOCH).days
    weekdays = [(first + k + _EPOCH_WEEKDAY) % 7 for k in range(params.days)]
    working = sum(1 for w in weekdays if w < 5)
    return working, params.days - working


def _human_per_root(params: SimulationParams) -> float:
    """Expected human messages per root: the root plus its thread's human replies."""
    answered = 1.0 + params.followup_replies + params.self_reply_before_share
    unanswered = 1.0 + UNANSWERED_SELF_REPLIES_EXTRA
    threads = params.answered_share * answered + (1 - params.answered_share) * unanswered
    return 1.0 + params.thread_share * threads


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def expected_metrics(params: SimulationParams) -> dict[str, float]:
    """The metric values an export simulated with ``params`` should measure, by metric id.

    Shares and delays are what the simulation is built to produce; counts (``messages.*`` counts,
    ``threads.count``) are expectations with Poisson noise of about one over the square root of
    the number of roots. The definitions are the metric registry's (human messages, roots,
    replies; working hours Monday to Friday 09:00-17:00 in the author's zone):

    * ``people.active``: every person, as long as the run has at least ``people`` roots (the first
      roots are dealt out so that everyone posts).
    * ``hours.after_hours_share``: ``after_hours_share``; steered day by day, so it is exact to
      within a few messages, except near 0 where answers that no member is working to give (a
      weekend, a very long delay) must land outside hours (about 0.006 at 0).
    * ``response.answered_share``: ``thread_share * answered_share``.
    * ``response.first_reply.median_s``, ``p90_s`` and ``response.immediate_share`` (first reply
      within 300 s): quantiles of the log-normal delay.
    * ``messages.dm_share``, ``messages.broadcast_share``, ``messages.record_link_share``: the
      parameters of the same names (record links as the default ``record_systems`` match them).
    * ``messages.bot_share``: ``bot_share``, bot records (legacy ``bot_message`` integrations, app
      bots with a bot user, Slackbot) over bot plus human records.
    """
    working, _ = _period_days(params)
    human = params.people * params.messages_per_person_day * working
    roots = human / _human_per_root(params)
    threads = roots * params.thread_share
    median = params.reply_delay_median_s
    sigma = params.reply_delay_sigma
    if sigma > 0:
        immediate = _normal_cdf((math.log(300.0) - math.log(median)) / sigma)
    else:
        immediate = 1.0 if median <= 300.0 else 0.0
    return {
        "messages.human": human,
        "messages.thread_replies": human - roots,
        "threads.count": threads,
        "people.active": float(params.people),
        "hours.after_hours_share": params.after_hours_share,
        "messages.dm_share": params.dm_share,
        "messages.broadcast_share": params.broadcast_share,
        "messages.record_link_share": params.record_link_share,
        "messages.bot_share": params.bot_share,
        "response.answered_share": params.thread_share * params.answered_share,
        "response.first_reply.median_s": median,
        "response.first_reply.p90_s": median * math.exp(1.2815515655446004 * sigma),
        "response.immediate_share": immediate,
    }


# --------------------------------------------------------------------------------------------
# Time zones


def _offset_at(zone: ZoneInfo, instant_s: int) -> int:
    offset = datetime.fromtimestamp(instant_s, UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


class Zones:
    """UTC offsets of a few zones as sorted transition tables, looked up for whole arrays at once.

    Exact to the second between ``low_s`` and ``high_s``: the offset is sampled daily and every
    change is located by bisection, so the classification agrees with :mod:`zoneinfo`.
    """

    def __init__(self, names: Sequence[str], low_s: int, high_s: int) -> None:
        keys: list[int] = []
        values: list[int] = []
        for index, name in enumerate(names):
            zone = ZoneInfo(name)
            current = _offset_at(zone, low_s)
            keys.append(index * _ZONE_KEY)
            values.append(current)
            instant = low_s
            while instant < high_s:
                following = _offset_at(zone, instant + _DAY_S)
                if following != current:
                    low, high = instant, instant + _DAY_S
                    while high - low > 1:
                        middle = (low + high) // 2
                        if _offset_at(zone, middle) == current:
                            low = middle
                        else:
                            high = middle
                    keys.append(index * _ZONE_KEY + high)
                    values.append(following)
                    current = following
                instant += _DAY_S
        self._keys = np.array(keys, dtype=np.int64)
        self._values = np.array(values, dtype=np.int64)

    def offset_us(self, zone: IntArray, utc_us: IntArray) -> IntArray:
        """Offset east of UTC, in microseconds, of each zone at each instant."""
        keys = zone * _ZONE_KEY + utc_us // _US
        found = np.searchsorted(self._keys, keys, side="right") - 1
        result: IntArray = self._values[found] * _US
        return result

    def local_us(self, zone: IntArray, utc_us: IntArray) -> IntArray:
        """Local wall-clock time, as microseconds since the epoch on that clock."""
        return utc_us + self.offset_us(zone, utc_us)

    def utc_us(self, zone: IntArray, local_us: IntArray) -> IntArray:
        """The instant whose local time is ``local_us`` (an hour off only inside a clock change)."""
        guess = local_us - self.offset_us(zone, local_us)
        return local_us - self.offset_us(zone, guess)

    def in_hours(self, zone: IntArray, utc_us: IntArray) -> BoolArray:
        """Whether each instant is in working hours, Monday to Friday 09:00-17:00 local time."""
        local = self.local_us(zone, utc_us)
        day = local // _DAY_US
        second = local - day * _DAY_US
        weekday = (day + _EPOCH_WEEKDAY) % 7
        result: BoolArray = (weekday < 5) & (second >= _WORK_START_US) & (second < _WORK_END_US)
        return result


# Piecewise-uniform intraday profiles: (start hour, end hour, weight).
_IN_HOURS_PROFILE = (
    (9.0, 10.0, 0.9),
    (10.0, 11.0, 1.3),
    (11.0, 12.0, 1.3),
    (12.0, 13.0, 0.7),
    (13.0, 14.0, 0.9),
    (14.0, 15.0, 1.2),
    (15.0, 16.0, 1.1),
    (16.0, 17.0, 0.8),
)
_EVENING_PROFILE = (
    (6.5, 7.5, 0.06),
    (7.5, 9.0, 0.2),
    (17.0, 18.0, 0.26),
    (18.0, 19.0, 0.12),
    (19.0, 21.0, 0.14),
    (21.0, 23.5, 0.22),
)
_WEEKEND_PROFILE = ((8.0, 12.0, 0.3), (12.0, 18.0, 0.4), (18.0, 23.5, 0.3))


def _sample_profile(
    rng: np.random.Generator, profile: tuple[tuple[float, float, float], ...], n: int
) -> FloatArray:
    """Seconds after local midnight drawn from a piecewise-uniform profile."""
    starts = np.array([s for s, _, _ in profile]) * 3600.0
    ends = np.array([e for _, e, _ in profile]) * 3600.0
    weights = np.cumsum([w for _, _, w in profile])
    segment = np.searchsorted(weights, rng.random(n) * weights[-1], side="right")
    segment = np.minimum(segment, len(profile) - 1)
    result: FloatArray = starts[segment] + rng.random(n) * (ends[segment] - starts[segment])
    return result


# --------------------------------------------------------------------------------------------
# The organization


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``: long word lists stay readable in source."""
    return tuple(text.split())


_FIRST_NAMES = _words(
    "Alice Bruno Chen Dana Emeka Farah Gita Hugo Ines Jonas Kavya Liam Mei Nadia Omar Priya "
    "Quinn Rosa Sami Tara Umar Vera Wen Ximena Yusuf Zoe Arjun Bianca Carlos Divya Elif Finn "
    "Grace Hana Ivan Jia Kofi Lena Mateo Nora Oscar Pooja Rafael Sara Tomas Uma Viktor Wanda "
    "Yara Zane Amara Bilal Clara Dev Eva Felix Greta Hiro Isla Jasper Kira Luca"
)
_LAST_NAMES = _words(
    "Adams Baker Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kumar Lopez Muller "
    "Nakamura Okafor Patel Quispe Rossi Schmidt Tanaka Usman Varga Weber Xu Yilmaz Zhang "
    "Andersen Bose Cohen Diaz Evans Fontaine Gupta Hoffmann Iyer Jovanovic Kim Larsen Mehta "
    "Novak Oliveira Park Reddy Silva Thapa Ueda Vogel Walsh Young Zimmer Ahmed Becker Chopra "
    "Dahl Engel Ferreira Gomez Hansen Ivanova Joshi Keller Lindqvist"
)
_PUBLIC_NAMES = _words(
    "general random engineering deploys support product design incidents data sales marketing "
    "platform mobile web security finance ops qa frontend backend growth docs announcements "
    "customer-success"
)
_PRIVATE_NAMES = _words(
    "leads hiring security-private offsite-planning budget exec perf-reviews legal"
)
_TRIAGE_NAMES = {"engineering", "support", "incidents", "platform", "qa"}
_BOT_POST_NAMES = ("deploys", "incidents", "engineering", "ops")
_TZ_LABELS = {
    "America/New_York": "Eastern Standard Time",
    "America/Chicago": "Central Standard Time",
    "America/Denver": "Mountain Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "Europe/London": "Greenwich Mean Time",
    "Europe/Berlin": "Central European Time",
    "Europe/Paris": "Central European Time",
    "Asia/Kolkata": "India Standard Time",
    "Asia/Kathmandu": "Nepal Time",
    "Asia/Tokyo": "Japan Standard Time",
    "Australia/Sydney": "Australian Eastern Daylight Time",
    "UTC": "Coordinated Universal Time",
}
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base36(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 36)
        digits.append(_BASE36[digit])
    return "".join(reversed(digits))


class _Ids:
    """Slack-looking ids: a prefix and ten base-36 characters, unique per prefix, seed-dependent."""

    def __init__(self, seed: int) -> None:
        self._offset = (seed * 2_654_435_761) % 36**9

    def make(self, prefix: str, serial: int) -> str:
        # Multiplying by a number prime to 36 permutes the residues, so ids stay unique.
        return prefix + "0" + _base36((serial * 1_000_003 + self._offset) % 36**9, 9)


@dataclass
class Csr:
    """Rows of integer lists stored flat (compressed sparse rows), for vectorised sampling."""

    flat: IntArray
    offset: IntArray
    count: IntArray

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[int]]) -> Csr:
        count = np.array([len(r) for r in rows], dtype=np.int64)
        offset = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        flat = np.array([v for r in rows for v in r], dtype=np.int64)
        return cls(flat, offset, count)

    def sample(self, rows: IntArray, uniform: FloatArray) -> IntArray:
        """One uniform element of each row (``uniform`` in [0, 1), any shape broadcasting)."""
        if uniform.ndim == 2:
            slot = (uniform * self.count[rows][:, None]).astype(np.int64)
            result: IntArray = self.flat[self.offset[rows][:, None] + slot]
            return result
        slot = (uniform * self.count[rows]).astype(np.int64)
        result = self.flat[self.offset[rows] + slot]
        return result

    def index_of(self, rows: IntArray, uniform: FloatArray) -> IntArray:
        """Flat positions of one uniform element of each row (``uniform`` of shape (n, k))."""
        slot = (uniform * self.count[rows][:, None]).astype(np.int64)
        result: IntArray = self.offset[rows][:, None] + slot
        return result


@dataclass
class _Conversation:
    """One conversation of the export and how it is listed."""

    id: str
    name: str
    kind: str  # "public", "private", "group_dm" or "dm"
    folder: str
    created: int
    creator: int
    members: list[int]  # user indexes (humans, then bots)
    topic: str = ""
    purpose: str = ""


@dataclass
class Org:
    """People, bots and conversations, with lookup tables for vectorised sampling."""

    team_id: str
    people: int
    zone_names: list[str]
    person_zone: IntArray
    user_ids: list[str]  # humans, then deploybot, triagebot, Slackbot
    handles: list[str]
    real_names: list[str]
    activity_cdf: FloatArray
    conversations: list[_Conversation]
    channel_like: int  # conversations [0, channel_like) are channels and group DMs, then DMs
    members: Csr  # human members of channel-like conversations
    person_channels: Csr  # channels (public and private) per person, repeated by weight
    person_group_dms: Csr
    person_dm_partner: Csr
    person_dm_conv: Csr  # aligned with person_dm_partner
    dm_members: IntArray  # (n_dm, 2)
    general: int
    bot_channel: int
    triage_channels: IntArray
    joined_channel: int | None  # created just before the period, with channel_join records
    joined_created_s: int
    bot_ids: dict[str, str] = field(default_factory=dict)
    app_id: str = ""

    @property
    def deploybot(self) -> int:
        return self.people

    @property
    def triagebot(self) -> int:
        return self.people + 1

    @property
    def slackbot(self) -> int:
        return self.people + 2


def _allot_zones(rng: np.random.Generator, params: SimulationParams) -> tuple[list[str], IntArray]:
    """Zone names and each person's zone, in the proportions of the weights (largest remainder)."""
    names: list[str] = []
    weights: dict[str, float] = {}
    for name, weight in params.timezones:
        if name not in weights:
            names.append(name)
            weights[name] = 0.0
        weights[name] += float(weight)
    total = sum(weights.values())
    exact = [params.people * weights[n] / total for n in names]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(names)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: params.people - sum(counts)]:
        counts[i] += 1
    zones = np.repeat(np.arange(len(names), dtype=np.int64), counts)
    return names, rng.permutation(zones)


def _build_org(params: SimulationParams, start_s: int) -> Org:
    """Draw people, memberships, DMs and group DMs from the seed (independent of ``days``)."""
    rng = np.random.default_rng([params.seed, 1])
    ids = _Ids(params.seed)
    people = params.people
    zone_names, person_zone = _allot_zones(rng, params)

    pairs = rng.permutation(len(_FIRST_NAMES) * len(_LAST_NAMES))
    handles: list[str] = []
    real_names: list[str] = []
    for i in range(people):
        code = int(pairs[i % len(pairs)])
        first, last = _FIRST_NAMES[code // len(_LAST_NAMES)], _LAST_NAMES[code % len(_LAST_NAMES)]
        suffix = "" if i < len(pairs) else str(i // len(pairs) + 1)
        handles.append(f"{first.lower()}.{last.lower()}{suffix}")
        real_names.append(f"{first} {last}{suffix}")
    user_ids = [ids.make("U", i) for i in range(people + 2)] + ["USLACKBOT"]
    activity = rng.lognormal(0.0, 0.6, people)
    activity_cdf = np.cumsum(activity)

    everyone = list(range(people))
    conversations: list[_Conversation] = []
    year_ago = start_s - 400 * _DAY_S

    def pick_members(low: float, high: float) -> list[int]:
        share = rng.uniform(low, high)
        chosen = np.flatnonzero(rng.random(people) < share).tolist()
        while len(chosen) < min(2, people):
            extra = int(rng.integers(people))
            if extra not in chosen:
                chosen.append(extra)
        return sorted(chosen)

    for c in range(params.channels):
        name = _PUBLIC_NAMES[c] if c < len(_PUBLIC_NAMES) else f"proj-{c:03d}"
        members = everyone if c < 2 else pick_members(0.2, 0.6)
        conversations.append(
            _Conversation(
                id=ids.make("C", c),
                name=name,
                kind="public",
                folder=name,
                created=year_ago + c * 3 * _DAY_S + int(rng.integers(_DAY_S)),
                creator=members[0],
                members=list(members),
                topic=f"All things {name}",
                purpose=f"Discussion about {name}",
            )
        )
    for g in range(params.private_channels):
        name = _PRIVATE_NAMES[g] if g < len(_PRIVATE_NAMES) else f"private-{g:03d}"
        members = pick_members(0.1, 0.3)
        conversations.append(
            _Conversation(
                id=ids.make("G", g),
                name=name,
                kind="private",
                folder=name,
                created=year_ago + g * 5 * _DAY_S + int(rng.integers(_DAY_S)),
                creator=members[0],
                members=members,
                purpose=f"Private: {name}",
            )
        )
    channels_end = len(conversations)
    seen_groups: set[tuple[int, ...]] = set()
    for m in range(params.group_dm_count):
        size = int(rng.integers(3, min(5, people) + 1))
        members = sorted(int(x) for x in rng.choice(people, size=size, replace=False))
        if tuple(members) in seen_groups:
            continue
        seen_groups.add(tuple(members))
        name = "mpdm-" + "--".join(sorted(handles[x] for x in members)) + "-1"
        conversations.append(
            _Conversation(
                id=ids.make("G", 100_000 + m),
                name=name,
                kind="group_dm",
                folder=name,
                created=start_s - int(rng.integers(1, 300)) * _DAY_S,
                creator=members[0],
                members=members,
                purpose=f"Group messaging with: {', '.join('@' + handles[x] for x in members)}",
            )
        )
    channel_like = len(conversations)

    # DM partners: most people talk to colleagues in their own zone, some to anyone.
    by_zone = [np.flatnonzero(person_zone == z) for z in range(len(zone_names))]
    dm_pairs: set[tuple[int, int]] = set()
    draws = max(1, math.ceil(params.dm_partners / 2))
    for person in range(people):
        same = by_zone[int(person_zone[person])]
        for _ in range(draws):
            if len(same) > 1 and rng.random() < 0.6:
                other = int(same[rng.integers(len(same))])
            else:
                other = int(rng.integers(people))
            if other == person:
                other = (person + 1 + int(rng.integers(people - 1))) % people
            dm_pairs.add((min(person, other), max(person, other)))
    dm_list = sorted(dm_pairs)
    for index, (a, b) in enumerate(dm_list):
        dm_id = ids.make("D", index)
        conversations.append(
            _Conversation(
                id=dm_id,
                name=dm_id,
                kind="dm",
                folder=dm_id,
                created=start_s - int(rng.integers(1, 600)) * _DAY_S,
                creator=a,
                members=[a, b],
            )
        )

    # Bots: the legacy deploy integration posts in a deploy channel, the triage app in triage ones.
    names = [c.name for c in conversations[:channels_end]]
    bot_channel = next((names.index(n) for n in _BOT_POST_NAMES if n in names), 0)
    triage = [i for i, n in enumerate(names) if n in _TRIAGE_NAMES] or [bot_channel]
    conversations[bot_channel].members = sorted({*conversations[bot_channel].members, people})
    for t in triage:
        conversations[t].members = sorted({*conversations[t].members, people + 1})

    # A channel opened two days before the period starts, so its channel_join records are exported.
    joined: int | None = None
    joined_created = start_s - 2 * _DAY_S + 12 * 3600
    if params.channels >= 3:
        joined = params.channels - 1
        conversations[joined].created = joined_created

    person_channels: list[list[int]] = [[] for _ in range(people)]
    person_group_dms: list[list[int]] = [[] for _ in range(people)]
    for index, conv in enumerate(conversations[:channel_like]):
        weight = 2 if index == 0 else 1 if index == 1 else 3
        for member in conv.members:
            if member >= people:
                continue
            if conv.kind == "group_dm":
                person_group_dms[member].append(index)
            else:
                person_channels[member].extend([index] * weight)
    partners: list[list[int]] = [[] for _ in range(people)]
    partner_convs: list[list[int]] = [[] for _ in range(people)]
    for index, (a, b) in enumerate(dm_list):
        partners[a].append(b)
        partner_convs[a].append(channel_like + index)
        partners[b].append(a)
        partner_convs[b].append(channel_like + index)

    team_id = ids.make("T", 0)
    return Org(
        team_id=team_id,
        people=people,
        zone_names=zone_names,
        person_zone=person_zone,
        user_ids=user_ids,
        handles=handles,
        real_names=real_names,
        activity_cdf=activity_cdf,
        conversations=conversations,
        channel_like=channel_like,
        members=Csr.from_rows(
            [[m for m in c.members if m < people] for c in conversations[:channel_like]]
        ),
        person_channels=Csr.from_rows(person_channels),
        person_group_dms=Csr.from_rows(person_group_dms),
        person_dm_partner=Csr.from_rows(partners),
        person_dm_conv=Csr.from_rows(partner_convs),
        dm_members=np.array(dm_list, dtype=np.int64).reshape(-1, 2),
        general=0,
        bot_channel=bot_channel,
        triage_channels=np.array(triage, dtype=np.int64),
        joined_channel=joined,
        joined_created_s=joined_created,
        bot_ids={"deploybot": ids.make("B", 0), "triagebot": ids.make("B", 1)},
        app_id=ids.make("A", 0),
    )


# --------------------------------------------------------------------------------------------
# Message texts: pools rendered once, all ASCII without quotes or backslashes so that they are
# valid JSON string contents as they are.

_TOPICS = _words(
    "billing onboarding search payments analytics auth pricing checkout notifications exports "
    "dashboard invoicing sso mobile-app api webhooks reporting caching migrations permissions "
    "audit-log signup pipeline scheduler importer release sandbox metrics alerts storage"
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next week")
_TIMES = ("10am", "11:30", "2pm", "3pm", "4:30pm", "noon")

_ROOT_PLAIN = (
    "Has anyone looked at the {w} migration yet?",
    "{m} can you review the {w} proposal when you get a chance?",
    "We decided to move the {w} launch to {d}.",
    "Heads up: the {w} dashboard is slow today.",
    "Quick question: who owns the {w} service now?",
    "Posted the notes from the {w} sync, comments welcome.",
    "I'm picking up the {w} bug after lunch.",
    "Is the {w} release still on track for {d}?",
    "Decision: we will keep the {w} API as it is this quarter.",
    "Thanks {m} for the help with {w}!",
    "Draft of the {w} announcement is ready, feedback by {d} please.",
    "The {w} tests are flaky again, looking into it.",
    "Can we handle the {w} review in comments instead of a meeting?",
    "FYI I'll be offline {d} afternoon.",
    "Interesting read on writing things down: <https://example.com/blog/async-writing|async>",
    "The {w} code lives in <https://github.com/acme/{w}>, README first.",
    "Who can pair with me on {w} this week?",
    "What's the status of the {w} rollout?",
    "We agreed to drop the old {w} endpoint at the end of the month.",
    "Q&amp;A for the {w} launch is on {d} at {t}.",
    "Summary of today: {w} is done, {w2} is next.",
    "Does anyone know why {w} retries twice?",
    "{m} {m2} could you two sync on {w} before {d}?",
    "Wrote up the trade-offs for {w} vs {w2}, happy to discuss.",
)
_REPLY_PLAIN = (
    "Sounds good to me.",
    "On it.",
    "I can take a look on {d}.",
    "+1, let's do it.",
    "Done, thanks!",
    "Not sure, {m} would know.",
    "Good catch, fixed.",
    "Agreed.",
    "I'll write it up.",
    "Let me check and get back to you.",
    "Looks good, approved.",
    "Can we discuss this in the {w} sync?",
    "Yes, it's still on track.",
    "That works for me.",
    "Thanks!",
    "We decided to go with the simpler {w} option.",
    "Why do we need {w2} for this?",
    "Works on my machine, can you share the logs?",
)
_ROOT_HERE = (
    "<!here> the {w} release goes out at {t}.",
    "<!here> please fill in the {w} survey by {d}.",
    "<!here> standup notes for today are posted.",
    "<!channel> reminder: {w} demo on {d} at {t}.",
    "<!here> is anyone else seeing {w} errors?",
    "<!here> we decided to freeze {w} changes until {d}.",
)
_REPLY_HERE = (
    "<!here> update: this is fixed now.",
    "<!here> {w} is back to normal.",
    "<!channel> please read the thread above before {d}.",
)
_ROOT_LINK = (
    "Opened <https://github.com/acme/app/issues/{n}> for the {w} bug.",
    "PR is up: <https://github.com/acme/app/pull/{n}>",
    "Spec is here: <https://acme.atlassian.net/wiki/spaces/ENG/pages/{n}|{w} spec>",
    "Tracking in <https://acme.atlassian.net/browse/ENG-{n}>",
    "Notes: <https://docs.google.com/document/d/1x{n}abc/edit|{w} notes>",
    "Decision log updated: <https://www.notion.so/acme/{w}-decisions-{n}>",
    "We decided to go with option B, see <https://github.com/acme/app/discussions/{n}>.",
    "Can someone review <https://github.com/acme/app/pull/{n}>?",
    "{m} the {w} ticket is <https://linear.app/acme/issue/ENG-{n}>",
)
_DECISION_LINK = (
    "We decided to go with {w}, recorded in <https://github.com/acme/app/issues/{n}>.",
    "Decision: {w} stays as it is, see <https://acme.atlassian.net/wiki/spaces/ENG/pages/{n}|record>.",
    "Let's go with option B for {w}, ADR in <https://github.com/acme/app/pull/{n}>.",
    "Approved, logged in <https://www.notion.so/acme/{w}-decisions-{n}>.",
)
# Requests with all five AWAIT elements under the rules of `asyncmaturity lint`.
_AWAIT_REQUEST = (
    "{m} could you review <https://github.com/acme/app/pull/{n}> by Friday? It changes the {w} "
    "retry logic.",
    "{m} please approve the {w} budget by EOD tomorrow. Plan: "
    "<https://docs.google.com/document/d/1x{n}abc/edit|{w} plan>",
    "{m} can you confirm the {w} rollout date within 2 business days? Details in "
    "<https://acme.atlassian.net/browse/ENG-{n}>",
    "{m} please decide between {w} and {w2} by Thursday, trade-offs: "
    "<https://www.notion.so/acme/{w}-{n}>",
    "{m} could you sign off the {w} release notes before Wednesday 3pm? Draft: "
    "<https://github.com/acme/app/pull/{n}>",
)
_REPLY_LINK = (
    "Fixed in <https://github.com/acme/app/pull/{n}>",
    "Filed <https://linear.app/acme/issue/ENG-{n}>",
    "Added it to <https://acme.atlassian.net/browse/ENG-{n}>",
    "Wrote it down in <https://docs.google.com/document/d/1x{n}abc/edit|the doc>",
)
_ME_TEXTS = (
    "is heads down until lunch",
    "is out today, back tomorrow",
    "is on call this week",
    "is travelling, replies may be slow",
)
_DEPLOY_TEXTS = (
    "Deployed app v1.{n} to production.",
    "Deployed app v1.{n} to staging.",
    "Deploy of app v1.{n} to production failed: <https://ci.example.org/builds/{n}|build log>",
    "Rolled back app to v1.{n}.",
)
_TRIAGE_TEXTS = (
    "Thanks for the report! Ticket created: <https://acme.atlassian.net/browse/SUP-{n}>",
    "Auto-triage: labelled {w}, on-call has been notified.",
    "New ticket SUP-{n} opened for {w}.",
)
_SLACKBOT_TEXTS = (
    "Reminder: post your weekly update.",
    "Reminder: {w} retro on {d}.",
)

# Text categories of human messages; each category has a root pool and a reply pool.
_PLAIN, _HERE, _LINK = 0, 1, 2
_POOL_SIZE = 256


@dataclass
class Texts:
    """Rendered text pools and where each begins in ``texts``."""

    texts: list[str]
    human: dict[tuple[int, bool], tuple[int, int]]  # (category, is_reply) -> (start, size)
    me: tuple[int, int]
    deploy: tuple[int, int]
    triage: tuple[int, int]
    slackbot: tuple[int, int]
    decision_link: tuple[int, int]
    await_request: tuple[int, int]
    is_decision: BoolArray  # per text: states a decision (the Slack source's pattern)


def _build_texts(params: SimulationParams, org: Org) -> Texts:
    rng = np.random.default_rng([params.seed, 2])
    texts: list[str] = []

    def pool(templates: tuple[str, ...], size: int) -> tuple[int, int]:
        start = len(texts)
        for _ in range(size):
            template = templates[int(rng.integers(len(templates)))]
            mentions = rng.integers(org.people, size=2)
            words = rng.integers(len(_TOPICS), size=2)
            text = template.format(
                m=f"<@{org.user_ids[int(mentions[0])]}>",
                m2=f"<@{org.user_ids[int(mentions[1])]}>",
                w=_TOPICS[int(words[0])],
                w2=_TOPICS[int(words[1])],
                d=_DAYS[int(rng.integers(len(_DAYS)))],
                t=_TIMES[int(rng.integers(len(_TIMES)))],
                n=int(rng.integers(10, 5000)),
            )
            if not text.isascii() or '"' in text or "\\" in text:
                raise AssertionError(f"text template is not JSON-safe: {template!r}")
            texts.append(text)
        return start, size

    human = {
        (_PLAIN, False): pool(_ROOT_PLAIN, _POOL_SIZE),
        (_PLAIN, True): pool(_REPLY_PLAIN, _POOL_SIZE),
        (_HERE, False): pool(_ROOT_HERE, _POOL_SIZE // 4),
        (_HERE, True): pool(_REPLY_HERE, _POOL_SIZE // 4),
        (_LINK, False): pool(_ROOT_LINK, _POOL_SIZE),
        (_LINK, True): pool(_REPLY_LINK, _POOL_SIZE // 2),
    }
    return Texts(
        texts=texts,
        human=human,
        me=pool(_ME_TEXTS, len(_ME_TEXTS)),
        deploy=pool(_DEPLOY_TEXTS, _POOL_SIZE // 2),
        triage=pool(_TRIAGE_TEXTS, _POOL_SIZE // 4),
        slackbot=pool(_SLACKBOT_TEXTS, 8),
        decision_link=pool(_DECISION_LINK, _POOL_SIZE // 4),
        await_request=pool(_AWAIT_REQUEST, _POOL_SIZE // 4),
        is_decision=np.array(
            [re.search(DECISION_PATTERN, t, re.IGNORECASE) is not None for t in texts]
        ),
    )


# --------------------------------------------------------------------------------------------
# Messages

# Record kinds.
_ROOT, _REPLY, _DEPLOY_BOT, _APP_BOT, _SLACKBOT, _JOIN = 0, 1, 2, 3, 4, 5
# Subtypes of human messages.
_NO_SUBTYPE, _FILE_SHARE, _ME_MESSAGE, _BROADCAST = 0, 1, 2, 3
_COLUMNS = ("conv", "ts", "kind", "user", "sub", "text", "root", "thread_ts", "parent", "thread")


@dataclass
class Batch:
    """Message records as columns.

    ``root`` is the row of a reply's root within the day's batch, -1 for a non-reply; once batches
    are concatenated only its sign is meaningful (``thread_ts`` and ``parent`` carry the link).
    """

    conv: IntArray
    ts: IntArray
    kind: IntArray
    user: IntArray
    sub: IntArray
    text: IntArray
    root: IntArray
    thread_ts: IntArray
    parent: IntArray
    thread: npt.NDArray[np.object_]  # a root's thread fields as a JSON fragment, or ""

    @classmethod
    def empty(cls) -> Batch:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, z, z, z, z, np.zeros(0, dtype=object))

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, rows: IntArray | BoolArray) -> Batch:
        """The records at ``rows`` (indexes or a mask)."""
        columns: dict[str, Any] = {name: getattr(self, name)[rows] for name in _COLUMNS}
        return Batch(**columns)

    @staticmethod
    def concat(parts: Sequence[Batch]) -> Batch:
        """All records of ``parts``, in order."""
        if not parts:
            return Batch.empty()
        columns: dict[str, Any] = {
            name: np.concatenate([getattr(p, name) for p in parts]) for name in _COLUMNS
        }
        return Batch(**columns)


def _ts(us: int) -> str:
    return f"{us // _US}.{us % _US:06d}"


def _grouped_cumsum(values: IntArray, counts: IntArray) -> IntArray:
    """Running sums of ``values`` restarting at each group of ``counts`` consecutive entries."""
    total = np.cumsum(values)
    ends = np.cumsum(counts)
    before = np.concatenate([[0], total])[ends - counts]
    result: IntArray = total - np.repeat(before, counts)
    return result


class _Simulator:
    """Generates one local day at a time and keeps counters that steer the shares onto target."""

    def __init__(
        self,
        params: SimulationParams,
        org: Org,
        zones: Zones,
        texts: Texts,
        *,
        render_threads: bool = True,
    ) -> None:
        self.p = params
        self.org = org
        self.zones = zones
        self.texts = texts
        # The JSON thread fragments of roots are only for the Slack export; no draw depends on
        # them, so leaving them out changes no record.
        self.render_threads = render_threads
        self.rng = np.random.default_rng([params.seed, 3])
        self.start_day = (params.start - _EPOCH).days
        working, weekend = _period_days(params)
        roots = params.people * params.messages_per_person_day * working / _human_per_root(params)
        after = params.after_hours_share
        weekend_share = params.weekend_share if weekend else 0.0
        self.roots_weekday = roots * (1 - weekend_share * after) / working if working else 0.0
        self.roots_weekend = roots * weekend_share * after / weekend if weekend else 0.0
        denominator = 1 - weekend_share * after
        self.after_weekday = (1 - weekend_share) * after / denominator if denominator > 0 else 1.0
        self.unposted = self.rng.permutation(params.people).astype(np.int64)
        self.humans = 0
        self.humans_after = 0
        self.bots = 0
        self.triage = np.zeros(len(org.conversations), dtype=np.bool_)
        self.triage[org.triage_channels] = True

    # -- helpers ------------------------------------------------------------------------------

    def _zone(self, users: IntArray) -> IntArray:
        result: IntArray = self.org.person_zone[users]
        return result

    def _other_member(self, conv: IntArray, author: IntArray) -> IntArray:
        """A uniformly drawn member of each conversation other than its author."""
        org = self.org
        out = np.empty(len(conv), dtype=np.int64)
        dm = conv >= org.channel_like
        if dm.any():
            pair = org.dm_members[conv[dm] - org.channel_like]
            out[dm] = np.where(pair[:, 0] == author[dm], pair[:, 1], pair[:, 0])
        cl = ~dm
        if cl.any():
            rows, who = conv[cl], author[cl]
            cand = org.members.sample(rows, self.rng.random((len(rows), CANDIDATES)))
            valid = cand != who[:, None]
            first = valid.argmax(axis=1)
            chosen = cand[np.arange(len(rows)), first]
            out[cl] = np.where(valid.any(axis=1), chosen, self._fallback_member(rows, who))
        return out

    def _fallback_member(self, rows: IntArray, author: IntArray) -> IntArray:
        """The first listed member that is not the author (every conversation has two)."""
        members = self.org.members
        first = members.flat[members.offset[rows]]
        second = members.flat[members.offset[rows] + 1]
        result: IntArray = np.where(first != author, first, second)
        return result

    def _local_times(self, day: int, after: BoolArray, weekend: bool) -> IntArray:
        """Local wall-clock instants on ``day``: a weekend time, or in or out of working hours."""
        second = np.empty(len(after))
        if weekend:
            second[:] = _sample_profile(self.rng, _WEEKEND_PROFILE, len(after))
        else:
            second[~after] = _sample_profile(self.rng, _IN_HOURS_PROFILE, int((~after).sum()))
            second[after] = _sample_profile(self.rng, _EVENING_PROFILE, int(after.sum()))
        result: IntArray = ((day * _DAY_S + second) * _US).astype(np.int64)
        return result

    def _move(self, users: IntArray, ts: IntArray, to_after: bool) -> IntArray:
        """Later instants that fall outside (``to_after``) or inside the users' working hours."""
        zone = self._zone(users)
        local = self.zones.local_us(zone, ts)
        day = local // _DAY_US
        n = len(ts)
        if to_after:
            # Working now: the same day's evening.
            target = day * _DAY_US + _WORK_END_US + (self.rng.random(n) * 2.5 * 3600 * _US)
        else:
            second = local - day * _DAY_US
            weekday = (day + _EPOCH_WEEKDAY) % 7
            morning = (weekday < 5) & (second < _WORK_START_US)
            skip = np.where(weekday == 4, 3, np.where(weekday == 5, 2, 1))
            next_day = np.where(morning, day, day + skip)
            target = next_day * _DAY_US + _WORK_START_US + self.rng.random(n) * 1.5 * 3600 * _US
        moved = self.zones.utc_us(zone, target.astype(np.int64))
        result: IntArray = np.maximum(moved, ts + _US)
        return result

    # -- one day ------------------------------------------------------------------------------

    def day(self, k: int, pending: Batch) -> Batch:
        """All records generated on local day ``k`` of the period, made unique against ``pending``."""
        p, org, rng, zones = self.p, self.org, self.rng, self.zones
        day = self.start_day + k
        weekend = (day + _EPOCH_WEEKDAY) % 7 >= 5
        n = int(rng.poisson(self.roots_weekend if weekend else self.roots_weekday))

        # Roots: who, when, where.
        author = np.searchsorted(
            org.activity_cdf, rng.random(n) * org.activity_cdf[-1], side="right"
        ).astype(np.int64)
        author = np.minimum(author, p.people - 1)
        dealt = min(n, len(self.unposted))
        author[:dealt] = self.unposted[:dealt]
        self.unposted = self.unposted[dealt:]
        dm_kind = rng.random(n) < p.dm_share
        group = (
            dm_kind & (rng.random(n) < GROUP_DM_SHARE) & (org.person_group_dms.count[author] > 0)
        )
        direct = dm_kind & ~group
        conv = np.full(n, -1, dtype=np.int64)
        channel = ~dm_kind
        conv[channel] = org.person_channels.sample(author[channel], rng.random(int(channel.sum())))
        conv[group] = org.person_group_dms.sample(author[group], rng.random(int(group.sum())))
        threaded = rng.random(n) < p.thread_share
        answered = threaded & (rng.random(n) < p.answered_share)
        t0 = np.zeros(n, dtype=np.int64)

        # Answered roots: the delay is drawn first and kept; the root's time (among a few tries)
        # and the answerer (among a few members) are then picked together so that both the root
        # and the answer fall in or out of working hours as drawn.
        ia = np.flatnonzero(answered)
        na = len(ia)
        a_author = author[ia]
        a_after = np.ones(na, dtype=np.bool_) if weekend else rng.random(na) < self.after_weekday
        delay_s = np.clip(
            p.reply_delay_median_s * np.exp(p.reply_delay_sigma * rng.standard_normal(na)),
            1.0,
            MAX_REPLY_DELAY_S,
        )
        delay_us = (delay_s * _US).astype(np.int64)
        want_in = rng.random(na) >= p.after_hours_share
        local = self._local_times(day, np.repeat(a_after, TIME_TRIES), weekend)
        t0_try = zones.utc_us(np.repeat(self._zone(a_author), TIME_TRIES), local).reshape(
            na, TIME_TRIES
        )
        uniform = rng.random((na, CANDIDATES))
        cand = np.empty((na, CANDIDATES), dtype=np.int64)
        cand_conv = np.repeat(conv[ia][:, None], CANDIDATES, axis=1)
        a_direct = direct[ia]
        if a_direct.any():
            slots = org.person_dm_partner.index_of(a_author[a_direct], uniform[a_direct])
            cand[a_direct] = org.person_dm_partner.flat[slots]
            cand_conv[a_direct] = org.person_dm_conv.flat[slots]
        if (~a_direct).any():
            cand[~a_direct] = org.members.sample(conv[ia][~a_direct], uniform[~a_direct])
        valid = cand != a_author[:, None]
        shape = (na, TIME_TRIES, CANDIDATES)
        fits = zones.in_hours(
            np.broadcast_to(self._zone(cand)[:, None, :], shape).ravel(),
            np.broadcast_to((t0_try + delay_us[:, None])[:, :, None], shape).ravel(),
        ).reshape(shape)
        ok = valid[:, None, :] & (fits == want_in[:, None, None])
        rows = np.arange(na)
        ok_try = ok.any(axis=2)
        tried = np.where(ok_try.any(axis=1), ok_try.argmax(axis=1), 0)
        ok = ok[rows, tried]
        pick = np.where(ok.any(axis=1), ok.argmax(axis=1), valid.argmax(axis=1))
        t0[ia] = t0_try[rows, tried]
        t1 = t0[ia] + delay_us
        replier = cand[rows, pick]
        lonely = ~valid.any(axis=1)
        if lonely.any():
            replier[lonely] = self._fallback_member(conv[ia][lonely], a_author[lonely])
        conv[ia[a_direct]] = cand_conv[rows, pick][a_direct]
        rest = np.flatnonzero(direct & (conv < 0))
        if len(rest):
            slots = org.person_dm_partner.index_of(author[rest], rng.random((len(rest), 1)))[:, 0]
            conv[rest] = org.person_dm_conv.flat[slots]

        # The author's reply before the answer arrives.
        before = rng.random(na) < p.self_reply_before_share
        ib = ia[before]
        tb = t0[ib] + ((t1[before] - t0[ib]) * rng.uniform(0.05, 0.95, len(ib))).astype(np.int64)
        tb = np.maximum(tb, t0[ib] + 1)

        # Follow-ups in answered threads.
        nf = rng.poisson(p.followup_replies, na)
        f_root = np.repeat(ia, nf)
        gaps = np.clip(
            FOLLOWUP_GAP_MEDIAN_S * np.exp(FOLLOWUP_GAP_SIGMA * rng.standard_normal(len(f_root))),
            1.0,
            MAX_GAP_S,
        )
        tf = np.repeat(t1, nf) + _grouped_cumsum((gaps * _US).astype(np.int64), nf)
        by_author = rng.random(len(f_root)) < FOLLOWUP_BY_AUTHOR
        f_user = np.where(
            by_author, author[f_root], self._other_member(conv[f_root], author[f_root])
        )
        iu = np.flatnonzero(threaded & ~answered)
        ns = 1 + rng.poisson(UNANSWERED_SELF_REPLIES_EXTRA, len(iu))
        s_root = np.repeat(iu, ns)
        batch_humans = n + na + len(ib) + len(f_root) + len(s_root)
        target = math.floor(p.after_hours_share * (self.humans + batch_humans) + 0.5)
        fixed_after = int(
            a_after.sum()
            + (~zones.in_hours(self._zone(replier), t1)).sum()
            + (~zones.in_hours(self._zone(author[ib]), tb)).sum()
            + (~zones.in_hours(self._zone(f_user), tf)).sum()
        )

        # Roots without an answer have free times: on a working day, as many of them go outside
        # working hours as the day's target still needs (their own replies mostly follow them).
        io = np.flatnonzero(~answered)
        no = len(io)
        if weekend:
            o_after = np.ones(no, dtype=np.bool_)
        else:
            per_root = 1.0 + len(s_root) / no if no else 1.0
            wanted = (target - self.humans_after - fixed_after) / per_root
            count = min(max(math.floor(wanted + 0.5), 0), no)
            o_after = np.zeros(no, dtype=np.bool_)
            o_after[rng.choice(no, size=count, replace=False)] = True
        t0[io] = zones.utc_us(self._zone(author[io]), self._local_times(day, o_after, weekend))
        gaps = np.clip(
            SELF_REPLY_GAP_MEDIAN_S * np.exp(rng.standard_normal(len(s_root))), 1.0, MAX_GAP_S
        )
        t_self = np.repeat(t0[iu], ns) + _grouped_cumsum((gaps * _US).astype(np.int64), ns)

        # Steer the free replies so that the after-hours share lands on target.
        s_user = np.concatenate([f_user, author[s_root]])
        s_ts = np.concatenate([tf, t_self])
        s_in = zones.in_hours(self._zone(s_user), s_ts)
        fixed_after = int(
            (~zones.in_hours(self._zone(author), t0)).sum()
            + (~zones.in_hours(self._zone(replier), t1)).sum()
            + (~zones.in_hours(self._zone(author[ib]), tb)).sum()
        )
        need = min(max(target - self.humans_after - fixed_after, 0), len(s_ts))
        have = int((~s_in).sum())
        if need != have:
            to_after = need > have
            pool = np.flatnonzero(s_in if to_after else ~s_in)
            chosen = np.sort(rng.choice(pool, size=abs(need - have), replace=False))
            s_ts[chosen] = self._move(s_user[chosen], s_ts[chosen], to_after)

        # Bot auto-replies in triage channels, seconds after the root.
        bot_on = p.bot_share > 0
        it = np.flatnonzero(
            threaded
            & self.triage[np.maximum(conv, 0)]
            & (conv < org.channel_like)
            & (rng.random(n) < p.bot_thread_reply_share)
            & bot_on
        )
        t_triage = t0[it] + (rng.uniform(2.0, 20.0, len(it)) * _US).astype(np.int64)

        # Assemble: roots, answers, early self-replies, free replies, bot replies.
        reply_root = np.concatenate([ia, ib, f_root, s_root])
        reply_user = np.concatenate([replier, author[ib], s_user])
        reply_ts = np.concatenate([t1, tb, s_ts])
        nh = n + len(reply_root)
        category = np.searchsorted(
            np.cumsum([1 - p.broadcast_share - p.record_link_share, p.broadcast_share]),
            rng.random(nh),
            side="right",
        )
        is_reply = np.arange(nh) >= n
        text = np.empty(nh, dtype=np.int64)
        for cat in (_PLAIN, _HERE, _LINK):
            for reply in (False, True):
                mask = (category == cat) & (is_reply == reply)
                start, size = self.texts.human[(cat, reply)]
                text[mask] = start + rng.integers(size, size=int(mask.sum()))
        sub = np.zeros(nh, dtype=np.int64)
        draw = rng.random(nh)
        sub[~is_reply & (draw < FILE_SHARE_SHARE)] = _FILE_SHARE
        me = ~is_reply & (draw >= FILE_SHARE_SHARE) & (draw < FILE_SHARE_SHARE + ME_MESSAGE_SHARE)
        me &= category == _PLAIN
        sub[me] = _ME_MESSAGE
        me_start, me_size = self.texts.me
        text[me] = me_start + rng.integers(me_size, size=int(me.sum()))
        sub[is_reply & (draw < THREAD_BROADCAST_SHARE)] = _BROADCAST
        if p.await_request_share is not None:
            # Only drawn when asked for, so the default simulation stays byte-identical.
            plain_root = (category == _PLAIN) & ~me & ~is_reply & ~self.texts.is_decision[text]
            ask = plain_root & (rng.random(nh) < p.await_request_share)
            ask_start, ask_size = self.texts.await_request
            text[ask] = ask_start + rng.integers(ask_size, size=int(ask.sum()))
        if p.decision_record_share is not None:
            # Only drawn when asked for, so the default simulation stays byte-identical.
            plain_decision = (category == _PLAIN) & ~me & self.texts.is_decision[text]
            swap = plain_decision & (rng.random(nh) < p.decision_record_share)
            link_start, link_size = self.texts.decision_link
            text[swap] = link_start + rng.integers(link_size, size=int(swap.sum()))

        # Bots fill up to their share of records, counting the auto-replies already made.
        humans_after_batch = self.humans + nh
        bot_target = math.floor(p.bot_share / (1 - p.bot_share) * humans_after_batch + 0.5)
        nb = max(bot_target - self.bots - len(it), 0)
        bot_draw = rng.random(nb)
        bot_kind = np.where(
            bot_draw < SLACKBOT_SHARE_OF_BOTS,
            _SLACKBOT,
            np.where(
                bot_draw < SLACKBOT_SHARE_OF_BOTS + APP_BOT_SHARE_OF_BOTS, _APP_BOT, _DEPLOY_BOT
            ),
        )
        bot_conv = np.where(
            bot_kind == _SLACKBOT,
            org.general,
            np.where(
                bot_kind == _APP_BOT,
                org.triage_channels[rng.integers(len(org.triage_channels), size=nb)],
                org.bot_channel,
            ),
        )
        bot_user = np.where(
            bot_kind == _SLACKBOT,
            org.slackbot,
            np.where(bot_kind == _APP_BOT, org.triagebot, org.deploybot),
        )
        bot_text = np.empty(nb, dtype=np.int64)
        for kind, (start, size) in (
            (_SLACKBOT, self.texts.slackbot),
            (_APP_BOT, self.texts.triage),
            (_DEPLOY_BOT, self.texts.deploy),
        ):
            mask = bot_kind == kind
            bot_text[mask] = start + rng.integers(size, size=int(mask.sum()))
        bot_ts = day * _DAY_US + rng.integers(_DAY_US, size=nb)
        triage_start, triage_size = self.texts.triage
        triage_text = triage_start + rng.integers(triage_size, size=len(it))

        # channel_join records of the channel opened just before the period.
        join_user = np.zeros(0, dtype=np.int64)
        join_ts = np.zeros(0, dtype=np.int64)
        if k == 0 and org.joined_channel is not None:
            members = org.conversations[org.joined_channel].members
            join_user = np.array([m for m in members if m < p.people], dtype=np.int64)
            join_ts = (
                org.joined_created_s * _US
                + np.arange(len(join_user), dtype=np.int64) * 37 * _US
                + rng.integers(_US, size=len(join_user))
            )

        nr = len(reply_root)
        nt, nj = len(it), len(join_user)
        batch = Batch(
            conv=np.concatenate(
                [
                    conv,
                    conv[reply_root],
                    conv[it],
                    bot_conv,
                    np.full(nj, org.joined_channel or 0, dtype=np.int64),
                ]
            ).astype(np.int64),
            ts=np.concatenate([t0, reply_ts, t_triage, bot_ts, join_ts]).astype(np.int64),
            kind=np.concatenate(
                [
                    np.full(n, _ROOT),
                    np.full(nr, _REPLY),
                    np.full(nt, _APP_BOT),
                    bot_kind,
                    np.full(nj, _JOIN),
                ]
            ).astype(np.int64),
            user=np.concatenate(
                [author, reply_user, np.full(nt, org.triagebot), bot_user, join_user]
            ).astype(np.int64),
            sub=np.concatenate([sub, np.zeros(nt + nb + nj, dtype=np.int64)]),
            text=np.concatenate([text, triage_text, bot_text, np.zeros(nj, dtype=np.int64)]).astype(
                np.int64
            ),
            root=np.concatenate([np.full(n, -1), reply_root, it, np.full(nb + nj, -1)]).astype(
                np.int64
            ),
            thread_ts=np.zeros(nh + nt + nb + nj, dtype=np.int64),
            parent=np.full(nh + nt + nb + nj, -1, dtype=np.int64),
            thread=np.full(nh + nt + nb + nj, "", dtype=object),
        )
        self._make_unique(batch, pending)
        self._link_threads(batch)

        human = batch.kind <= _REPLY
        self.humans += int(human.sum())
        self.humans_after += int(
            (~zones.in_hours(self._zone(batch.user[human]), batch.ts[human])).sum()
        )
        self.bots += int(((batch.kind >= _DEPLOY_BOT) & (batch.kind <= _SLACKBOT)).sum())
        return batch

    @staticmethod
    def _make_unique(batch: Batch, pending: Batch) -> None:
        """Nudge new timestamps by a microsecond until (conversation, ts) is unique.

        Only the new batch moves: written and pending records keep their ts, so thread links to
        them stay valid. A nudge is one microsecond, far too small to change any measured figure.
        """
        old = len(pending)
        while True:
            conv = np.concatenate([pending.conv, batch.conv])
            ts = np.concatenate([pending.ts, batch.ts])
            order = np.lexsort((np.arange(len(ts)), ts, conv))
            same = (conv[order][1:] == conv[order][:-1]) & (ts[order][1:] == ts[order][:-1])
            if not same.any():
                return
            # In a tie the later row in the stable order is always new (old rows are unique).
            batch.ts[order[1:][same] - old] += 1

    def _link_threads(self, batch: Batch) -> None:
        """Fill replies' thread_ts and parent, and each root's reply_count, users and latest."""
        replies = np.flatnonzero(batch.root >= 0)
        if not len(replies):
            return
        roots = batch.root[replies]
        batch.thread_ts[replies] = batch.ts[roots]
        batch.parent[replies] = batch.user[roots]
        order = replies[np.lexsort((batch.ts[replies], roots))]
        root_of = batch.root[order]
        starts = np.flatnonzero(np.concatenate([[True], root_of[1:] != root_of[:-1]]))
        ends = np.concatenate([starts[1:], [len(order)]])
        roots_at = root_of[starts]
        batch.thread_ts[roots_at] = batch.ts[roots_at]
        if not self.render_threads:
            return
        quoted = [f'"{u}"' for u in self.org.user_ids]
        root_ts = [_ts(t) for t in batch.ts[roots_at].tolist()]
        latest = [_ts(t) for t in batch.ts[order[ends - 1]].tolist()]
        users = batch.user[order].tolist()
        for start, end, root, own, last in zip(
            starts.tolist(), ends.tolist(), roots_at.tolist(), root_ts, latest, strict=True
        ):
            distinct = list(dict.fromkeys(users[start:end]))
            batch.thread[root] = (
                f',"thread_ts":"{own}","reply_count":{end - start},'
                f'"reply_users_count":{len(distinct)},"latest_reply":"{last}",'
                f'"reply_users":[{",".join([quoted[u] for u in distinct])}],'
                '"is_locked":false,"subscribed":false'
            )


# --------------------------------------------------------------------------------------------
# Writing

_EMOJI = (
    "+1",
    "eyes",
    "white_check_mark",
    "tada",
    "pray",
    "raised_hands",
    "thinking_face",
    "heart",
)
_FILE_KINDS = (
    ("png", "image/png", "PNG", "screenshot"),
    ("pdf", "application/pdf", "PDF", "spec"),
    ("csv", "text/csv", "CSV", "export"),
    ("txt", "text/plain", "Plain Text", "notes"),
)


def join_text(user_id: str) -> str:
    """The text of a ``channel_join`` record of ``user_id``."""
    return f"<@{user_id}> has joined the channel"


# What the Slack source makes of each record kind (kind, then subtype by kind and human subtype).
_KIND_NAMES = np.array(["human", "human", "bot", "bot", "bot", "system"], dtype=object)
_SUBTYPE_NAMES = np.array(
    [None, "file_share", "me_message", "thread_broadcast", "bot_message", "channel_join"],
    dtype=object,
)


@dataclass
class StoreView:
    """Records as the Slack source stores them: kind, subtype, reply flag, thread root, text."""

    kind: npt.NDArray[np.object_]  # 'human', 'bot' or 'system'
    subtype: npt.NDArray[np.object_]  # None or the record's subtype
    is_reply: BoolArray
    root_ts: IntArray  # the thread root's ts (a record's own when it is not a reply)
    text: IntArray  # index into Texts.texts, or len(texts) + user for a channel_join record
    deploy: BoolArray  # records of the legacy integration (bot_id, no user)


def store_view(b: Batch, texts: Texts) -> StoreView:
    """How the Slack source reads each record of ``b`` (as rendered by the Slack writer)."""
    sub = np.where(
        b.kind <= _REPLY, b.sub, np.where(b.kind == _DEPLOY_BOT, 4, np.where(b.kind == _JOIN, 5, 0))
    )
    is_reply = b.root >= 0
    join = b.kind == _JOIN
    return StoreView(
        kind=_KIND_NAMES[b.kind],
        subtype=_SUBTYPE_NAMES[sub],
        is_reply=is_reply,
        root_ts=np.where(is_reply, b.thread_ts, b.ts),
        text=np.where(join, len(texts.texts) + b.user, b.text),
        deploy=b.kind == _DEPLOY_BOT,
    )


def conversation_members(org: Org) -> Csr:
    """The human members of every conversation, in listing order (who may react to a message)."""
    return Csr.from_rows([[m for m in c.members if m < org.people] for c in org.conversations])


def file_order(batch: Batch) -> tuple[Batch, IntArray]:
    """The records in the order of the export's files (conversation, UTC day, ts) and their days."""
    day = batch.ts // _DAY_US
    order = np.lexsort((batch.ts, day, batch.conv))
    ordered: IntArray = day[order]
    return batch.take(order), ordered


@dataclass
class Decorations:
    """What a flush adds to its human records beyond the simulation: edits and reactions.

    Drawn once per flush by :func:`decorate`, so the Slack export and the direct Parquet tables
    carry the same edited flags and reaction counts.
    """

    py_seed: int  # seed of the Slack writer's Python draws (file details, edit times)
    human: IntArray  # rows of human records
    edited: IntArray  # rows of edited records
    reacted: IntArray  # rows of records with reactions
    hexes: bytes  # 16 bytes per human record, its client_msg_id
    emojis: IntArray  # (reacted, 2): emoji of each reaction, -1 for none
    who: IntArray  # (reacted, 2, 2): the people behind each reaction, -1 for none

    def edited_mask(self, n: int) -> BoolArray:
        """Per record of the flush: edited."""
        mask = np.zeros(n, dtype=np.bool_)
        mask[self.edited] = True
        return mask

    def reaction_counts(self, n: int) -> IntArray:
        """Per record of the flush: the sum of its reactions' counts (distinct people each)."""
        counts = np.zeros(n, dtype=np.int64)
        counts[self.reacted] = (self.who >= 0).sum(axis=(1, 2))
        return counts


def decorate(b: Batch, seed: int, flush_key: int, members: Csr) -> Decorations:
    """The decorations of one flush of records in file order (see :class:`Decorations`)."""
    rng = np.random.default_rng([seed, 4, flush_key])
    py_seed = int(rng.integers(2**63))
    human = np.flatnonzero(b.kind <= _REPLY)
    decoration = rng.random(len(human))
    edited = human[decoration < EDITED_SHARE]
    reacted = human[(decoration >= EDITED_SHARE) & (decoration < EDITED_SHARE + REACTION_SHARE)]
    hexes = rng.bytes(16 * len(human))
    # One emoji, a second one time in five; one member reacts with each, and a second draw (with
    # replacement, so perhaps the same member) two times in five: one or two people, rarely more.
    n = len(reacted)
    first = rng.integers(len(_EMOJI), size=n)
    second = (first + 1 + rng.integers(len(_EMOJI) - 1, size=n)) % len(_EMOJI)
    emojis = np.stack([first, np.where(rng.random(n) < 0.2, second, -1)], axis=1)
    who = members.sample(b.conv[reacted], rng.random((n, 4))).reshape(n, 2, 2)
    again = (rng.random((n, 2)) < 0.4) & (who[:, :, 1] != who[:, :, 0])
    who[:, :, 1] = np.where(again, who[:, :, 1], -1)
    who[emojis[:, 1] < 0, 1, :] = -1
    return Decorations(py_seed, human, edited, reacted, hexes, emojis.astype(np.int64), who)


class _Writer:
    """Renders records to JSON text and writes one file per conversation and UTC day."""

    def __init__(self, out_dir: Path, params: SimulationParams, org: Org, texts: Texts) -> None:
        self.out_dir = out_dir
        self.p = params
        self.org = org
        self.texts = texts.texts
        self.user_ids = np.array(org.user_ids, dtype=object)
        self.folders = [str(out_dir / c.folder) for c in org.conversations]
        self.made: set[int] = set()
        self.files = 0
        self.records = 0
        self.humans = 0
        self.ids = _Ids(params.seed)
        self.members = conversation_members(org)

    def write(self, batch: Batch, flush_key: int) -> None:
        """Write every record of ``batch`` (whole UTC days that will receive nothing more)."""
        if not len(batch):
            return
        b, day = file_order(batch)
        lines = self._render(b, decorate(b, self.p.seed, flush_key, self.members))
        change = np.flatnonzero((b.conv[1:] != b.conv[:-1]) | (day[1:] != day[:-1])) + 1
        starts = np.concatenate([[0], change]).tolist()
        ends = [*starts[1:], len(b)]
        names = {
            int(d): (_EPOCH + timedelta(days=int(d))).isoformat() + ".json" for d in np.unique(day)
        }
        convs = b.conv[starts].tolist()
        days = day[starts].tolist()
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        for start, end, conv, d in zip(starts, ends, convs, days, strict=True):
            folder = self.folders[conv]
            if conv not in self.made:
                os.makedirs(folder, exist_ok=True)
                self.made.add(conv)
            # Plain os calls: tens of thousands of small files make file objects the bottleneck.
            fd = os.open(f"{folder}/{names[d]}", flags, 0o644)
            try:
                os.write(fd, ("[\n" + ",\n".join(lines[start:end]) + "\n]\n").encode())
            finally:
                os.close(fd)
        self.records += len(b)
        self.humans += int((b.kind <= _REPLY).sum())

    def _render(self, b: Batch, decorations: Decorations) -> list[str]:
        """One JSON object per record, in the order of ``b``."""
        n = len(b)
        ids = self.user_ids
        team = self.org.team_id
        ts = [
            f"{s}.{f:06d}"
            for s, f in zip((b.ts // _US).tolist(), (b.ts % _US).tolist(), strict=True)
        ]
        user = ids[b.user].tolist()
        texts = self.texts
        text = [texts[t] for t in b.text.tolist()]
        extra: list[str] = b.thread.tolist()
        # File details and edit times are drawn with Python's generator, seeded from NumPy's: a
        # call per draw is much cheaper there, and the seed keeps the files reproducible.
        py_rng = random.Random(decorations.py_seed)

        replies = np.flatnonzero(b.root >= 0).tolist()
        thread_ts = b.thread_ts[replies]
        thread_str = [
            f"{s}.{f:06d}"
            for s, f in zip((thread_ts // _US).tolist(), (thread_ts % _US).tolist(), strict=True)
        ]
        parent = ids[b.parent[replies]].tolist()
        broadcast = (b.sub[replies] == _BROADCAST).tolist()
        for i, root_ts, root_user, shown in zip(
            replies, thread_str, parent, broadcast, strict=True
        ):
            extra[i] = f',"thread_ts":"{root_ts}","parent_user_id":"{root_user}"'
            if shown:
                extra[i] += (
                    f',"root":{{"type":"message","user":"{root_user}","ts":"{root_ts}",'
                    f'"thread_ts":"{root_ts}"}}'
                )
        for i in np.flatnonzero(b.sub == _FILE_SHARE).tolist():
            ext, mime, pretty, title = _FILE_KINDS[py_rng.randrange(len(_FILE_KINDS))]
            self.files += 1
            created = ts[i].partition(".")[0]
            extra[i] += (
                f',"files":[{{"id":"{self.ids.make("F", self.files)}","created":{created},'
                f'"timestamp":{created},"name":"{title}-{self.files}.{ext}","title":"{title}",'
                f'"mimetype":"{mime}","filetype":"{ext}","pretty_type":"{pretty}",'
                f'"user":"{user[i]}","mode":"hosted","is_external":false,"is_public":true,'
                f'"size":{py_rng.randrange(2_000, 2_000_000)}}}],"upload":true,'
                '"display_as_bot":false'
            )
        human = decorations.human
        edited = decorations.edited
        for i, t in zip(edited.tolist(), b.ts[edited].tolist(), strict=True):
            at = t + py_rng.randrange(5, 600) * _US
            extra[i] += f',"edited":{{"user":"{user[i]}","ts":"{at // _US}.{at % _US:06d}"}}'
        for i, emojis, who in zip(
            decorations.reacted.tolist(),
            decorations.emojis.tolist(),
            decorations.who.tolist(),
            strict=True,
        ):
            reactions = []
            for emoji, people in zip(emojis, who, strict=True):
                if emoji < 0:
                    continue
                names = ",".join(f'"{u}"' for u in sorted(str(ids[x]) for x in people if x >= 0))
                count = sum(x >= 0 for x in people)
                reactions.append(f'{{"name":"{_EMOJI[emoji]}","users":[{names}],"count":{count}}}')
            extra[i] += ',"reactions":[' + ",".join(reactions) + "]"

        hexes = decorations.hexes.hex()
        sub_fragment = (
            "",
            '"subtype":"file_share",',
            '"subtype":"me_message",',
            '"subtype":"thread_broadcast",',
        )
        h_index = human.tolist()
        rendered = [
            f'{{"client_msg_id":"{hexes[j : j + 8]}-{hexes[j + 8 : j + 12]}-4{hexes[j + 13 : j + 16]}-'
            f'a{hexes[j + 17 : j + 20]}-{hexes[j + 20 : j + 32]}","type":"message",'
            f'{sub_fragment[s]}"text":"{text[i]}","user":"{user[i]}","ts":"{ts[i]}",'
            f'"team":"{team}"{extra[i]}}}'
            for j, i, s in zip(
                range(0, 32 * len(h_index), 32), h_index, b.sub[human].tolist(), strict=True
            )
        ]
        lines: list[str] = [""] * n
        for i, line in zip(h_index, rendered, strict=True):
            lines[i] = line
        org = self.org
        kind = b.kind.tolist()
        for i in np.flatnonzero(b.kind > _REPLY).tolist():
            k = kind[i]
            if k == _DEPLOY_BOT:
                lines[i] = (
                    f'{{"type":"message","subtype":"bot_message","text":"{text[i]}",'
                    f'"ts":"{ts[i]}","bot_id":"{org.bot_ids["deploybot"]}",'
                    f'"username":"deploybot","icons":{{"emoji":":rocket:"}}{extra[i]}}}'
                )
            elif k == _APP_BOT:
                bot_id = org.bot_ids["triagebot"]
                lines[i] = (
                    f'{{"type":"message","text":"{text[i]}","user":"{user[i]}","ts":"{ts[i]}",'
                    f'"bot_id":"{bot_id}","app_id":"{org.app_id}","team":"{team}",'
                    f'"bot_profile":{{"id":"{bot_id}","app_id":"{org.app_id}",'
                    f'"name":"triagebot","deleted":false,"team_id":"{team}"}}{extra[i]}}}'
                )
            elif k == _SLACKBOT:
                lines[i] = (
                    f'{{"type":"message","text":"{text[i]}","user":"USLACKBOT",'
                    f'"ts":"{ts[i]}","team":"{team}"{extra[i]}}}'
                )
            else:
                lines[i] = (
                    f'{{"type":"message","subtype":"channel_join","ts":"{ts[i]}",'
                    f'"user":"{user[i]}","text":"{join_text(user[i])}"}}'
                )
        return lines

    def write_listings(self, start_s: int) -> None:
        """users.json and the four conversation listings, pretty-printed as Slack writes them."""
        org = self.org
        p = self.p
        at = datetime.fromtimestamp(start_s, UTC)
        users: list[dict[str, Any]] = []
        for i in range(p.people):
            zone_name = org.zone_names[int(org.person_zone[i])]
            zone = ZoneInfo(zone_name)
            offset = at.astimezone(zone).utcoffset()
            users.append(
                {
                    "id": org.user_ids[i],
                    "team_id": org.team_id,
                    "name": org.handles[i],
                    "deleted": False,
                    "real_name": org.real_names[i],
                    "tz": zone_name,
                    "tz_label": _TZ_LABELS.get(zone_name, at.astimezone(zone).tzname() or ""),
                    "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
                    "profile": {
                        "real_name": org.real_names[i],
                        "display_name": org.real_names[i].split()[0],
                        "email": f"{org.handles[i]}@example.org",
                        "team": org.team_id,
                    },
                    "is_admin": i == 0,
                    "is_owner": i == 0,
                    "is_bot": False,
                    "is_app_user": False,
                    "updated": start_s - 86_400 * (1 + i % 200),
                }
            )
        for index, (name, bot_id) in enumerate(org.bot_ids.items()):
            users.append(
                {
                    "id": org.user_ids[p.people + index],
                    "team_id": org.team_id,
                    "name": name,
                    "deleted": False,
                    "real_name": name,
                    "tz": "America/Los_Angeles",
                    "tz_label": "Pacific Standard Time",
                    "tz_offset": -28800,
                    "profile": {
                        "real_name": name,
                        "display_name": name,
                        "bot_id": bot_id,
                        "api_app_id": org.app_id if name == "triagebot" else "",
                        "always_active": True,
                        "team": org.team_id,
                    },
                    "is_admin": False,
                    "is_owner": False,
                    "is_bot": True,
                    "is_app_user": False,
                    "updated": start_s - 86_400 * 30,
                }
            )
        # Slackbot is listed as a person (is_bot false), as real exports list it.
        users.append(
            {
                "id": "USLACKBOT",
                "team_id": org.team_id,
                "name": "slackbot",
                "deleted": False,
                "real_name": "Slackbot",
                "tz": "America/Los_Angeles",
                "tz_label": "Pacific Standard Time",
                "tz_offset": -28800,
                "profile": {
                    "real_name": "Slackbot",
                    "display_name": "Slackbot",
                    "team": org.team_id,
                },
                "is_admin": False,
                "is_owner": False,
                "is_bot": False,
                "is_app_user": False,
                "updated": 0,
            }
        )
        listings: dict[str, list[dict[str, Any]]] = {
            "channels.json": [],
            "groups.json": [],
            "dms.json": [],
            "mpims.json": [],
        }
        for conv in org.conversations:
            members = [org.user_ids[m] for m in conv.members]
            creator = org.user_ids[conv.creator]
            if conv.kind == "dm":
                listings["dms.json"].append(
                    {"id": conv.id, "created": conv.created, "members": members}
                )
                continue
            record: dict[str, Any] = {
                "id": conv.id,
                "name": conv.name,
                "created": conv.created,
                "creator": creator,
                "is_archived": False,
            }
            if conv.kind == "public":
                record["is_general"] = conv.name == "general"
            record["members"] = members
            record["topic"] = {"value": conv.topic, "creator": creator, "last_set": conv.created}
            record["purpose"] = {
                "value": conv.purpose,
                "creator": creator,
                "last_set": conv.created,
            }
            target = {"public": "channels.json", "private": "groups.json"}.get(
                conv.kind, "mpims.json"
            )
            listings[target].append(record)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / "users.json").write_text(json.dumps(users, indent=4) + "\n")
        for name, records in listings.items():
            (self.out_dir / name).write_text(json.dumps(records, indent=4) + "\n")


@dataclass
class ChatRun:
    """The chat simulation of one parameter set: the organization, and its records day by day."""

    params: SimulationParams
    org: Org
    zones: Zones
    texts: Texts
    simulator: _Simulator
    start_day: int  # the first local day of the period, in days since 1970-01-01
    start_s: int

    def flushes(self) -> Iterator[tuple[int, Batch, int]]:
        """(day, finished records, flush key) after each local day of the period, then the rest.

        ``day`` is the local day just generated (0 to ``days - 1``), then ``days`` for the last
        flush, which holds the replies that land after the period. Records are finished when
        their UTC day can receive no more; the flush key seeds the writers' decorations.
        """
        pending = Batch.empty()
        days = self.params.days
        for k in range(days):
            batch = self.simulator.day(k, pending)
            pending = Batch.concat([pending, batch])
            # No zone is more than 14 hours ahead of UTC and no root is posted before 06:30
            # local, so later local days only add records from this UTC day on: the days
            # before are final.
            done = pending.ts // _DAY_US < self.start_day + k
            finished = Batch.empty()
            if done.any():
                finished = pending.take(done)
                pending = pending.take(~done)
            yield k, finished, self.start_day + k
        yield days, pending, self.start_day + days


def chat_run(params: SimulationParams, *, render_threads: bool = True) -> ChatRun:
    """Draw the organization of ``params`` and set up its chat simulation.

    Parameters:
        params: the simulation's parameters (validated).
        render_threads: build the Slack JSON fragments of thread roots (only the Slack writer
            reads them).
    """
    _validate(params)
    start_day = (params.start - _EPOCH).days
    start_s = start_day * _DAY_S
    # The offset tables cover every instant a record can take: from the channel opened before the
    # period to the longest reply delay, follow-up gaps and moves into working hours after it.
    zone_low = start_s - 4 * _DAY_S
    zone_high = start_s + (params.days + 120) * _DAY_S + MAX_REPLY_DELAY_S
    org = _build_org(params, start_s)
    zones = Zones(org.zone_names, zone_low, zone_high)
    texts = _build_texts(params, org)
    simulator = _Simulator(params, org, zones, texts, render_threads=render_threads)
    return ChatRun(params, org, zones, texts, simulator, start_day, start_s)


def check_output_folder(out_dir: Path) -> None:
    """Raise ``ValueError`` unless ``out_dir`` is missing or an empty folder."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ValueError(f"{out_dir}: output folder exists and is not empty")


def write_slack_export(
    run: ChatRun,
    out_dir: Path,
    on_day: Callable[[int], None] | None = None,
) -> SimulationSummary:
    """Write the Slack export of ``run`` to ``out_dir``; ``on_day(k)`` follows each local day."""
    params = run.params
    writer = _Writer(out_dir, params, run.org, run.texts)
    writer.write_listings(run.start_s)
    for k, finished, key in run.flushes():
        writer.write(finished, key)
        if on_day is not None and k < params.days:
            on_day(k)
    return SimulationSummary(
        out_dir=out_dir,
        messages=writer.records,
        human_messages=writer.humans,
        people=params.people,
        conversations=len(run.org.conversations),
    )


def simulate_slack_export(
    out_dir: Path,
    params: SimulationParams,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationSummary:
    """Write the unpacked Slack export of a simulated organization to ``out_dir``.

    ``out_dir`` must be missing or empty (``ValueError`` otherwise). ``progress(done_days,
    total_days)`` is called as each local day is generated and every finished UTC day written.
    The metric values the export should measure are :func:`expected_metrics` of ``params``.
    Only the chat is written: :func:`asyncmaturity.simulate.evidence.simulate_export` writes the
    meetings and work items of ``params`` beside it.
    """
    _validate(params)
    out_dir = Path(out_dir)
    check_output_folder(out_dir)
    run = chat_run(params)
    on_day = (lambda k: progress(k + 1, params.days)) if progress is not None else None
    return write_slack_export(run, out_dir, on_day)
