"""The tracker engine: a simulated organization's issues and pull requests, one day at a time.

With ``SimulationParams.work_items`` on, the organization of
:mod:`asyncmaturity.simulate.organization` also keeps a GitHub tracker, drawn from random streams
of its own so that the chat is the same with or without it. Issues and pull requests
(``work_items_per_person_day``, ``pull_request_share``) are opened in three repositories by the
people with a GitHub login and, ``dependency_bot_share`` of the pull requests, by a dependency
bot; ``decision_issue_share`` of the issues are decision records. ``issue_owner_share`` of
people's issues and ``pr_owner_share`` of their pull requests have an assignee, and
``pr_link_share`` of their pull requests say which item they fix. ``work_response_share`` of all
items get a comment or review by someone else after a log-normal delay
(median ``work_response_median_s``), then follow-up comments; a CI bot comments on pull requests.
``work_close_share`` are closed after a log-normal time (median ``work_close_median_s``), pull
requests mostly merged. What would happen after the export, a day after the period, does not
happen: such items stay open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from asyncmaturity.simulate.arrays import (
    IntArray,
    StrArray,
    draw_weighted,
    grouped_cumsum,
    lognormal,
)
from asyncmaturity.simulate.clock import DAY_S, DAY_US, US, weekday
from asyncmaturity.simulate.organization import Org, Staff, Zones
from asyncmaturity.simulate.params import (
    WORK_END_S,
    WORK_START_S,
    SimulationParams,
    export_time_s,
)
from asyncmaturity.simulate.texts import POOL_SIZE, render_pool

REPOSITORIES = ("acme/app", "acme/api", "acme/web")

# Work shape (see SimulationParams for the tunable parts).
CI_COMMENT_SHARE = 0.5
REVIEW_FIRST_SHARE = 0.7
FOLLOWUP_COMMENTS = 1.0
FOLLOWUP_GAP_MEDIAN_S = 2 * 3600.0
FOLLOWUP_GAP_SIGMA = 1.0
MERGED_SHARE = 0.85
RESPONSE_SIGMA = 1.2
CLOSE_SIGMA = 1.0
ISSUE, PULL_REQUEST, DECISION = 0, 1, 2
COMMENT, REVIEW, CLOSED, MERGED = 0, 1, 2, 3
REVIEW_STATES = ("APPROVED", "COMMENTED", "CHANGES_REQUESTED")
# Label sets (sorted, as the tracker source stores them): issues draw among the first five.
LABEL_SETS: tuple[tuple[str, ...], ...] = (
    (),
    ("bug",),
    ("enhancement",),
    ("bug", "priority: high"),
    ("documentation",),
    ("decision",),
    ("dependencies",),
)
_ISSUE_LABEL_SETS = 5
_DECISION_LABELS = 5
_DEPENDENCY_LABELS = 6


_ISSUE_TITLES = (
    "{w} page is slow to load",
    "Crash when exporting {w} data",
    "Add retries to the {w} client",
    "Document the {w} settings",
    "Flaky test in {w}",
    "Support bulk edits in {w}",
    "Error message for {w} is unclear",
)
_ISSUE_BODIES = (
    "Steps to reproduce: open {w} and wait a minute.",
    "We should make {w} easier to configure.",
    "Seen twice this week in production.",
    "Customers asked for this in the {w} survey.",
    "",
)
_DECISION_TITLES = (
    "Decision: keep {w} in the monolith",
    "Decision: adopt a queue for {w}",
    "Decision: drop the legacy {w} endpoint",
)
_DECISION_BODIES = (
    "We decided to keep {w} where it is for this quarter; comments welcome until Friday.",
    "Proposal and trade-offs for {w}. Approved unless someone objects.",
)
_PR_TITLES = (
    "Fix {w} timeout",
    "Refactor the {w} module",
    "Add tests for {w}",
    "Speed up {w} queries",
    "Update {w} docs",
)
_PR_BODIES = ("Part of the {w} work.", "Small cleanup in {w}.", "")
_COMMENTS = (
    "Looks good to me.",
    "Can you add a test for the {w} case?",
    "I can reproduce this on staging.",
    "Could you review this by Friday? It blocks the {w} release.",
    "Thanks, merging after CI.",
    "Why do we need a new dependency here?",
    "Let's discuss in the {w} sync.",
    "Fixed in the latest push.",
    "Any updates on this?",
    "What do you mean by the second point?",
    "@{login} please take a look when you can.",
)
_REVIEWS = (
    "",
    "LGTM",
    "Nice work on {w}.",
    "Please split this into two PRs.",
    "A few nits inline.",
)
_CI_COMMENTS = (
    "CI passed: https://ci.example.org/builds/{n}",
    "Coverage report: 87% of lines covered. https://ci.example.org/coverage/{n}",
    "Preview deployed to https://preview-{n}.example.org",
)


def _draw_engineers(rng: np.random.Generator, staff: Staff, n: int) -> IntArray:
    """Engineers drawn in proportion to their activity."""
    result: IntArray = staff.engineers[draw_weighted(rng, staff.engineer_cdf, n)]
    return result


@dataclass
class WorkDay:
    """The work items opened on one local day, and every event of them (flat)."""

    repo: IntArray
    number: IntArray
    kind: IntArray  # ISSUE, PULL_REQUEST or DECISION
    created_s: IntArray
    closed_s: IntArray  # -1: open
    merged_s: IntArray  # -1: not merged
    author: IntArray  # login index
    assignee: IntArray  # login index, -1 for none
    labels: IntArray  # index into LABEL_SETS
    link: IntArray  # number of the item a pull request fixes, -1 for none
    title: StrArray
    body: StrArray
    event_item: IntArray  # item (of this day) of each event
    event_kind: IntArray  # COMMENT, REVIEW, CLOSED or MERGED
    event_actor: IntArray  # login index
    event_s: IntArray
    event_id: IntArray  # a comment's or review's numeric id, -1 for state events
    event_text: StrArray  # body of a comment or review, None for state events
    event_state: IntArray  # a review's state (REVIEW_STATES), -1 otherwise

    def __len__(self) -> int:
        return len(self.repo)


@dataclass
class WorkTexts:
    """Text pools of the tracker; none holds an item reference ('#12') by accident."""

    issue_titles: StrArray
    issue_bodies: StrArray
    decision_titles: StrArray
    decision_bodies: StrArray
    pr_titles: StrArray
    pr_bodies: StrArray
    dependabot_titles: StrArray
    comments: StrArray
    reviews: StrArray
    ci_comments: StrArray


def build_work_texts(params: SimulationParams, staff: Staff) -> WorkTexts:
    """Render the tracker's text pools from the seed."""
    rng = np.random.default_rng([params.seed, 6, 1])
    login = staff.logins[int(staff.engineers[0])]

    def pool(templates: Sequence[str]) -> StrArray:
        return np.array(render_pool(rng, templates, POOL_SIZE, login=login), dtype=object)

    return WorkTexts(
        issue_titles=pool(_ISSUE_TITLES),
        issue_bodies=pool(_ISSUE_BODIES),
        decision_titles=pool(_DECISION_TITLES),
        decision_bodies=pool(_DECISION_BODIES),
        pr_titles=pool(_PR_TITLES),
        pr_bodies=pool(_PR_BODIES),
        dependabot_titles=pool(("Bump {lib} from 1.{n}.0 to 1.{n}.1",)),
        comments=pool(_COMMENTS),
        reviews=pool(_REVIEWS),
        ci_comments=pool(_CI_COMMENTS),
    )


class WorkModel:
    """Draws each working day's new issues and pull requests with their whole history."""

    def __init__(
        self, params: SimulationParams, org: Org, zones: Zones, staff: Staff, start_day: int
    ) -> None:
        self.p = params
        self.org = org
        self.zones = zones
        self.staff = staff
        self.start_day = start_day
        self.texts = build_work_texts(params, staff)
        self.rng = np.random.default_rng([params.seed, 6, 2])
        self.next_number = np.zeros(len(REPOSITORIES), dtype=np.int64)
        self.next_id = 1_000_000
        # Nothing happens after the export, taken a day after the period.
        self.export_s = export_time_s(params)

    def _other_engineer(self, person: IntArray) -> IntArray:
        """An engineer drawn by activity, the next one in the list where that is ``person``."""
        drawn = _draw_engineers(self.rng, self.staff, len(person))
        engineers = self.staff.engineers
        position = np.searchsorted(engineers, drawn)
        following = engineers[(position + 1) % len(engineers)]
        result: IntArray = np.where(drawn == person, following, drawn)
        return result

    def day(self, k: int) -> WorkDay:
        """The items opened on day ``k`` of the period (none at weekends)."""
        day = self.start_day + k
        p, rng, staff = self.p.in_force(day), self.rng, self.staff
        n = int(rng.poisson(p.work_items_per_person_day * p.people)) if weekday(day) < 5 else 0
        repo = rng.integers(len(REPOSITORIES), size=n)
        pull = rng.random(n) < p.pull_request_share
        decision = ~pull & (rng.random(n) < p.decision_issue_share)
        bot = pull & (rng.random(n) < p.dependency_bot_share)
        kind = np.where(pull, PULL_REQUEST, np.where(decision, DECISION, ISSUE)).astype(np.int64)
        person = _draw_engineers(rng, staff, n)
        author = np.where(bot, staff.dependabot, person)
        # Numbers in opening order, issues and pull requests sharing each repository's sequence.
        number = np.zeros(n, dtype=np.int64)
        for r in range(len(REPOSITORIES)):
            mine = np.flatnonzero(repo == r)
            number[mine] = self.next_number[r] + 1 + np.arange(len(mine))
            self.next_number[r] += len(mine)
        zone = self.org.person_zone[person]
        local = day * DAY_US + rng.integers(WORK_START_S, WORK_END_S, size=n) * US
        created = np.where(
            bot,
            day * DAY_S + rng.integers(DAY_S, size=n),
            self.zones.utc_us(zone, local) // US,
        ).astype(np.int64)

        assigned = (
            np.where(pull, rng.random(n) < p.pr_owner_share, rng.random(n) < p.issue_owner_share)
            & ~bot
        )
        assignee = np.where(
            assigned, np.where(pull, person, self._other_engineer(person)), -1
        ).astype(np.int64)
        labels = np.where(
            kind == DECISION,
            _DECISION_LABELS,
            np.where(bot, _DEPENDENCY_LABELS, rng.integers(_ISSUE_LABEL_SETS, size=n)),
        )
        labels = np.where(pull & ~bot, 0, labels).astype(np.int64)
        links = pull & ~bot & (number > 1) & (rng.random(n) < p.pr_link_share)
        link = np.where(links, 1 + (rng.random(n) * np.maximum(number - 1, 1)).astype(np.int64), -1)
        texts = self.texts
        pick = rng.integers(POOL_SIZE, size=(n, 2))
        title = np.where(
            kind == ISSUE,
            texts.issue_titles[pick[:, 0]],
            np.where(
                kind == DECISION,
                texts.decision_titles[pick[:, 0]],
                np.where(bot, texts.dependabot_titles[pick[:, 0]], texts.pr_titles[pick[:, 0]]),
            ),
        )
        body = np.where(
            kind == ISSUE,
            texts.issue_bodies[pick[:, 1]],
            np.where(
                kind == DECISION, texts.decision_bodies[pick[:, 1]], texts.pr_bodies[pick[:, 1]]
            ),
        ).astype(object)
        if links.any():
            fixes = np.array([f"Fixes #{x}." for x in link[links].tolist()], dtype=object)
            body[links] = np.where(body[links] == "", fixes, body[links] + "\n\n" + fixes)
        body[bot] = "Bumps the dependency. Release notes are in the changelog."

        # The first response, by another engineer: a review on most pull requests.
        responded = rng.random(n) < p.work_response_share
        responder = self._other_engineer(person)
        first_s = created + lognormal(
            rng, p.work_response_median_s, RESPONSE_SIGMA, n, 60.0, 30 * DAY_S
        ).astype(np.int64)
        as_review = pull & (rng.random(n) < REVIEW_FIRST_SHARE)
        # Follow-ups after it, by the author or the responder.
        follow = np.where(responded, rng.poisson(FOLLOWUP_COMMENTS, n), 0)
        f_item = np.repeat(np.arange(n, dtype=np.int64), follow)
        gaps = lognormal(
            rng, FOLLOWUP_GAP_MEDIAN_S, FOLLOWUP_GAP_SIGMA, len(f_item), 60.0, 7 * DAY_S
        ).astype(np.int64)
        f_s = np.repeat(first_s, follow) + grouped_cumsum(gaps, follow)
        f_by_author = (rng.random(len(f_item)) < 0.5) & ~bot[f_item]
        f_actor = np.where(f_by_author, author[f_item], responder[f_item])
        # CI comments on people's pull requests, minutes after opening.
        ci = pull & ~bot & (rng.random(n) < CI_COMMENT_SHARE)
        c_item = np.flatnonzero(ci).astype(np.int64)
        c_s = created[c_item] + rng.integers(120, 1200, size=len(c_item))

        # Closing: after the last response; a merge for most closed pull requests.
        last = np.maximum(created, np.where(responded, first_s, created))
        if len(f_item):
            np.maximum.at(last, f_item, f_s)
        close_after_s = lognormal(rng, p.work_close_median_s, CLOSE_SIGMA, n, 60.0, 365 * DAY_S)
        close_s = np.maximum(created + close_after_s.astype(np.int64), last + 60)
        closed = (rng.random(n) < p.work_close_share) & (close_s < self.export_s)
        merged = closed & pull & (rng.random(n) < MERGED_SHARE)
        closer = np.where(
            pull, np.where(responded, responder, person), np.where(assignee >= 0, assignee, author)
        )
        closer = np.where(bot & ~responded, responder, closer)

        respond_item = np.flatnonzero(responded).astype(np.int64)
        close_item = np.flatnonzero(closed).astype(np.int64)
        merge_item = np.flatnonzero(merged).astype(np.int64)
        event_item = np.concatenate([respond_item, f_item, c_item, close_item, merge_item])
        nf, nc = len(f_item), len(c_item)
        event_kind = np.concatenate(
            [
                np.where(as_review[respond_item], REVIEW, COMMENT),
                np.where(pull[f_item] & (rng.random(nf) < 0.3), REVIEW, COMMENT),
                np.full(nc, COMMENT),
                np.full(len(close_item), CLOSED),
                np.full(len(merge_item), MERGED),
            ]
        ).astype(np.int64)
        event_actor = np.concatenate(
            [
                responder[respond_item],
                f_actor,
                np.full(nc, staff.ci_bot),
                closer[close_item],
                closer[merge_item],
            ]
        ).astype(np.int64)
        event_s = np.concatenate(
            [first_s[respond_item], f_s, c_s, close_s[close_item], close_s[merge_item]]
        ).astype(np.int64)
        keep = event_s < self.export_s
        event_item, event_kind = event_item[keep], event_kind[keep]
        event_actor, event_s = event_actor[keep], event_s[keep]
        talk = np.flatnonzero(event_kind <= REVIEW)
        event_s[talk] = _unique_seconds(event_item[talk], event_actor[talk], event_s[talk])
        ne = len(event_item)
        event_id = np.full(ne, -1, dtype=np.int64)
        event_id[talk] = self.next_id + np.arange(len(talk))
        self.next_id += len(talk)
        text_pick = rng.integers(POOL_SIZE, size=ne)
        event_text = np.full(ne, None, dtype=object)
        comments = event_kind == COMMENT
        event_text[comments] = texts.comments[text_pick[comments]]
        ci_rows = comments & (event_actor == staff.ci_bot)
        event_text[ci_rows] = texts.ci_comments[text_pick[ci_rows]]
        reviews = event_kind == REVIEW
        event_text[reviews] = texts.reviews[text_pick[reviews]]
        event_state = np.where(reviews, rng.integers(len(REVIEW_STATES), size=ne), -1)
        return WorkDay(
            repo=repo.astype(np.int64),
            number=number,
            kind=kind,
            created_s=created,
            closed_s=np.where(closed, close_s, -1).astype(np.int64),
            merged_s=np.where(merged, close_s, -1).astype(np.int64),
            author=author.astype(np.int64),
            assignee=assignee,
            labels=labels,
            link=link.astype(np.int64),
            title=title.astype(object),
            body=body,
            event_item=event_item,
            event_kind=event_kind,
            event_actor=event_actor,
            event_s=event_s,
            event_id=event_id,
            event_text=event_text,
            event_state=event_state.astype(np.int64),
        )


def _unique_seconds(item: IntArray, actor: IntArray, seconds: IntArray) -> IntArray:
    """Nudge times by a second until (item, actor, second) is unique: reviews are keyed by it."""
    seconds = seconds.copy()
    while True:
        order = np.lexsort((np.arange(len(seconds)), seconds, actor, item))
        a, b = order[:-1], order[1:]
        same = (item[a] == item[b]) & (actor[a] == actor[b]) & (seconds[a] == seconds[b])
        if not same.any():
            return seconds
        seconds[b[same]] += 1
