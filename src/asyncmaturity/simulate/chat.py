"""The chat engine: a simulated organization's messages, one local calendar day at a time.

The model, with known ground truth (see :func:`asyncmaturity.simulate.params.expected_metrics`):

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

Generation is vectorised with NumPy per day. :class:`ChatRun` hands records on once their UTC day
can receive no more (replies may land days after their root), so memory is bounded by a few days
of messages; replies to the last days' roots may land after the period, as if the export were
taken once every thread had its replies. The same parameters always give the same records (with
the same NumPy and Python versions). The Slack writer (:mod:`asyncmaturity.simulate.slack_writer`)
and the Parquet writer (:mod:`asyncmaturity.simulate.parquet`) both consume a :class:`ChatRun`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from asyncmaturity.simulate.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    StrArray,
    draw_weighted,
    grouped_cumsum,
    lognormal,
)
from asyncmaturity.simulate.clock import (
    DAY_S,
    DAY_US,
    US,
    epoch_day,
    slack_timestamps,
    weekday,
)
from asyncmaturity.simulate.organization import Org, Zones, build_org
from asyncmaturity.simulate.params import (
    UNANSWERED_SELF_REPLIES_EXTRA,
    WORK_END_US,
    WORK_START_US,
    SimulationParams,
    human_per_root,
    period_days,
    validate_params,
)
from asyncmaturity.simulate.texts import HERE, LINK, PLAIN, Texts, build_texts

# Thread shape (see SimulationParams for the tunable parts).
FOLLOWUP_BY_AUTHOR = 0.4  # share of follow-up replies written by the root's author
FOLLOWUP_GAP_MEDIAN_S = 900.0
FOLLOWUP_GAP_SIGMA = 1.0
SELF_REPLY_GAP_MEDIAN_S = 600.0
SELF_REPLY_GAP_SIGMA = 1.0
MAX_REPLY_DELAY_S = 30 * DAY_S  # clipping this far out leaves every quantile below it untouched
MAX_GAP_S = 2 * DAY_S
GROUP_DM_SHARE = 0.25  # share of DM-kind roots that go to a group DM when the author is in one
CANDIDATES = 6  # members sampled per answer when looking for one whose hours fit
TIME_TRIES = 4  # root times tried per answered root when looking for an answer that fits
# Decorations that change no metric in the contract.
FILE_SHARE_SHARE = 0.03
ME_MESSAGE_SHARE = 0.005
THREAD_BROADCAST_SHARE = 0.05
SLACKBOT_SHARE_OF_BOTS = 0.1
APP_BOT_SHARE_OF_BOTS = 0.2


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
    segment = draw_weighted(rng, weights, n)
    result: FloatArray = starts[segment] + rng.random(n) * (ends[segment] - starts[segment])
    return result


# Record kinds (Batch.kind).
ROOT, REPLY, DEPLOY_BOT, APP_BOT, SLACKBOT, JOIN = 0, 1, 2, 3, 4, 5
# Subtypes of human messages (Batch.sub).
NO_SUBTYPE, FILE_SHARE, ME_MESSAGE, BROADCAST = 0, 1, 2, 3
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
    thread: StrArray  # a root's thread fields as a JSON fragment, or ""

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
        self.start_day = epoch_day(params.start)
        self._steer(params)
        self.unposted = self.rng.permutation(params.people).astype(np.int64)
        self.triage = np.zeros(len(org.conversations), dtype=np.bool_)
        self.triage[org.triage_channels] = True

    def _steer(self, params: SimulationParams) -> None:
        """Set the daily rates of ``params`` and start the counters that steer the shares anew
        (at the start, and where a planted change puts other parameters in force)."""
        self.in_force = params
        working, weekend = period_days(params)
        roots = params.people * params.messages_per_person_day * working / human_per_root(params)
        after = params.after_hours_share
        weekend_share = params.weekend_share if weekend else 0.0
        self.roots_weekday = roots * (1 - weekend_share * after) / working if working else 0.0
        self.roots_weekend = roots * weekend_share * after / weekend if weekend else 0.0
        denominator = 1 - weekend_share * after
        self.after_weekday = (1 - weekend_share) * after / denominator if denominator > 0 else 1.0
        self.humans = 0
        self.humans_after = 0
        self.bots = 0

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
        result: IntArray = ((day * DAY_S + second) * US).astype(np.int64)
        return result

    def _move(self, users: IntArray, ts: IntArray, to_after: bool) -> IntArray:
        """Later instants that fall outside (``to_after``) or inside the users' working hours."""
        zone = self._zone(users)
        local = self.zones.local_us(zone, ts)
        day = local // DAY_US
        n = len(ts)
        if to_after:
            # Working now: the same day's evening.
            target = day * DAY_US + WORK_END_US + (self.rng.random(n) * 2.5 * 3600 * US)
        else:
            second = local - day * DAY_US
            day_of_week = weekday(day)
            morning = (day_of_week < 5) & (second < WORK_START_US)
            skip = np.where(day_of_week == 4, 3, np.where(day_of_week == 5, 2, 1))
            next_day = np.where(morning, day, day + skip)
            target = next_day * DAY_US + WORK_START_US + self.rng.random(n) * 1.5 * 3600 * US
        moved = self.zones.utc_us(zone, target.astype(np.int64))
        result: IntArray = np.maximum(moved, ts + US)
        return result

    # -- one day ------------------------------------------------------------------------------

    def day(self, k: int, pending: Batch) -> Batch:
        """All records generated on local day ``k`` of the period, made unique against ``pending``."""
        day = self.start_day + k
        if self.p.in_force(day) is not self.in_force:
            self._steer(self.p.in_force(day))
        p, org, rng, zones = self.in_force, self.org, self.rng, self.zones
        weekend = weekday(day) >= 5
        n = int(rng.poisson(self.roots_weekend if weekend else self.roots_weekday))

        # Roots: who, when, where.
        author = draw_weighted(rng, org.activity_cdf, n)
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
        delay_s = lognormal(
            rng, p.reply_delay_median_s, p.reply_delay_sigma, na, 1.0, MAX_REPLY_DELAY_S
        )
        delay_us = (delay_s * US).astype(np.int64)
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
        gaps = lognormal(
            rng, FOLLOWUP_GAP_MEDIAN_S, FOLLOWUP_GAP_SIGMA, len(f_root), 1.0, MAX_GAP_S
        )
        tf = np.repeat(t1, nf) + grouped_cumsum((gaps * US).astype(np.int64), nf)
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
        gaps = lognormal(
            rng, SELF_REPLY_GAP_MEDIAN_S, SELF_REPLY_GAP_SIGMA, len(s_root), 1.0, MAX_GAP_S
        )
        t_self = np.repeat(t0[iu], ns) + grouped_cumsum((gaps * US).astype(np.int64), ns)

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
        t_triage = t0[it] + (rng.uniform(2.0, 20.0, len(it)) * US).astype(np.int64)

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
        for cat in (PLAIN, HERE, LINK):
            for reply in (False, True):
                mask = (category == cat) & (is_reply == reply)
                start, size = self.texts.human[(cat, reply)]
                text[mask] = start + rng.integers(size, size=int(mask.sum()))
        sub = np.zeros(nh, dtype=np.int64)
        draw = rng.random(nh)
        sub[~is_reply & (draw < FILE_SHARE_SHARE)] = FILE_SHARE
        me = ~is_reply & (draw >= FILE_SHARE_SHARE) & (draw < FILE_SHARE_SHARE + ME_MESSAGE_SHARE)
        me &= category == PLAIN
        sub[me] = ME_MESSAGE
        me_start, me_size = self.texts.me
        text[me] = me_start + rng.integers(me_size, size=int(me.sum()))
        sub[is_reply & (draw < THREAD_BROADCAST_SHARE)] = BROADCAST
        if p.await_request_share is not None:
            # Only drawn when asked for, so the default simulation stays byte-identical.
            plain_root = (category == PLAIN) & ~me & ~is_reply & ~self.texts.is_decision[text]
            ask = plain_root & (rng.random(nh) < p.await_request_share)
            ask_start, ask_size = self.texts.await_request
            text[ask] = ask_start + rng.integers(ask_size, size=int(ask.sum()))
        if p.decision_record_share is not None:
            # Only drawn when asked for, so the default simulation stays byte-identical.
            plain_decision = (category == PLAIN) & ~me & self.texts.is_decision[text]
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
            SLACKBOT,
            np.where(
                bot_draw < SLACKBOT_SHARE_OF_BOTS + APP_BOT_SHARE_OF_BOTS, APP_BOT, DEPLOY_BOT
            ),
        )
        bot_conv = np.where(
            bot_kind == SLACKBOT,
            org.general,
            np.where(
                bot_kind == APP_BOT,
                org.triage_channels[rng.integers(len(org.triage_channels), size=nb)],
                org.bot_channel,
            ),
        )
        bot_user = np.where(
            bot_kind == SLACKBOT,
            org.slackbot,
            np.where(bot_kind == APP_BOT, org.triagebot, org.deploybot),
        )
        bot_text = np.empty(nb, dtype=np.int64)
        for kind, (start, size) in (
            (SLACKBOT, self.texts.slackbot),
            (APP_BOT, self.texts.triage),
            (DEPLOY_BOT, self.texts.deploy),
        ):
            mask = bot_kind == kind
            bot_text[mask] = start + rng.integers(size, size=int(mask.sum()))
        bot_ts = day * DAY_US + rng.integers(DAY_US, size=nb)
        triage_start, triage_size = self.texts.triage
        triage_text = triage_start + rng.integers(triage_size, size=len(it))

        # channel_join records of the channel opened just before the period.
        join_user = np.zeros(0, dtype=np.int64)
        join_ts = np.zeros(0, dtype=np.int64)
        if k == 0 and org.joined_channel is not None:
            members = org.conversations[org.joined_channel].members
            join_user = np.array([m for m in members if m < p.people], dtype=np.int64)
            join_ts = (
                org.joined_created_s * US
                + np.arange(len(join_user), dtype=np.int64) * 37 * US
                + rng.integers(US, size=len(join_user))
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
                    np.full(n, ROOT),
                    np.full(nr, REPLY),
                    np.full(nt, APP_BOT),
                    bot_kind,
                    np.full(nj, JOIN),
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

        human = batch.kind <= REPLY
        self.humans += int(human.sum())
        self.humans_after += int(
            (~zones.in_hours(self._zone(batch.user[human]), batch.ts[human])).sum()
        )
        self.bots += int(((batch.kind >= DEPLOY_BOT) & (batch.kind <= SLACKBOT)).sum())
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
        root_ts = slack_timestamps(batch.ts[roots_at])
        latest = slack_timestamps(batch.ts[order[ends - 1]])
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
            done = pending.ts // DAY_US < self.start_day + k
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
    validate_params(params)
    start_day = epoch_day(params.start)
    start_s = start_day * DAY_S
    # The offset tables cover every instant a record can take: from the channel opened before the
    # period to the longest reply delay, follow-up gaps and moves into working hours after it.
    zone_low = start_s - 4 * DAY_S
    zone_high = start_s + (params.days + 120) * DAY_S + MAX_REPLY_DELAY_S
    org = build_org(params, start_s)
    zones = Zones(org.zone_names, zone_low, zone_high)
    texts = build_texts(params, org.user_ids)
    simulator = _Simulator(params, org, zones, texts, render_threads=render_threads)
    return ChatRun(params, org, zones, texts, simulator, start_day, start_s)
