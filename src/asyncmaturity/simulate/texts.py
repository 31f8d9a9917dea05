"""Text pools of the simulator: topic words and templates, each pool rendered once per seed.

Records pick their text from a pool by index, so a text is rendered (and classified) once however
many records carry it. The chat's texts are all ASCII without quotes or backslashes, so that they
are valid JSON string contents as they are; :func:`render_pool` renders the calendar's and the
tracker's pools.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from asyncmaturity.simulate.arrays import BoolArray
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.sources.features import DECISION_PATTERN


def words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``: long word lists stay readable in source."""
    return tuple(text.split())


TOPICS = words(
    "billing onboarding search payments analytics auth pricing checkout notifications exports "
    "dashboard invoicing sso mobile-app api webhooks reporting caching migrations permissions "
    "audit-log signup pipeline scheduler importer release sandbox metrics alerts storage"
)

# --------------------------------------------------------------------------------------------
# Chat

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
PLAIN, HERE, LINK = 0, 1, 2
_CHAT_POOL_SIZE = 256


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


def build_texts(params: SimulationParams, user_ids: Sequence[str]) -> Texts:
    """Render the chat's pools, mentioning the people among ``user_ids`` (humans first)."""
    rng = np.random.default_rng([params.seed, 2])
    texts: list[str] = []

    def pool(templates: tuple[str, ...], size: int) -> tuple[int, int]:
        start = len(texts)
        for _ in range(size):
            template = templates[int(rng.integers(len(templates)))]
            mentions = rng.integers(params.people, size=2)
            topics = rng.integers(len(TOPICS), size=2)
            text = template.format(
                m=f"<@{user_ids[int(mentions[0])]}>",
                m2=f"<@{user_ids[int(mentions[1])]}>",
                w=TOPICS[int(topics[0])],
                w2=TOPICS[int(topics[1])],
                d=_DAYS[int(rng.integers(len(_DAYS)))],
                t=_TIMES[int(rng.integers(len(_TIMES)))],
                n=int(rng.integers(10, 5000)),
            )
            if not text.isascii() or '"' in text or "\\" in text:
                raise AssertionError(f"text template is not JSON-safe: {template!r}")
            texts.append(text)
        return start, size

    human = {
        (PLAIN, False): pool(_ROOT_PLAIN, _CHAT_POOL_SIZE),
        (PLAIN, True): pool(_REPLY_PLAIN, _CHAT_POOL_SIZE),
        (HERE, False): pool(_ROOT_HERE, _CHAT_POOL_SIZE // 4),
        (HERE, True): pool(_REPLY_HERE, _CHAT_POOL_SIZE // 4),
        (LINK, False): pool(_ROOT_LINK, _CHAT_POOL_SIZE),
        (LINK, True): pool(_REPLY_LINK, _CHAT_POOL_SIZE // 2),
    }
    return Texts(
        texts=texts,
        human=human,
        me=pool(_ME_TEXTS, len(_ME_TEXTS)),
        deploy=pool(_DEPLOY_TEXTS, _CHAT_POOL_SIZE // 2),
        triage=pool(_TRIAGE_TEXTS, _CHAT_POOL_SIZE // 4),
        slackbot=pool(_SLACKBOT_TEXTS, 8),
        decision_link=pool(_DECISION_LINK, _CHAT_POOL_SIZE // 4),
        await_request=pool(_AWAIT_REQUEST, _CHAT_POOL_SIZE // 4),
        is_decision=np.array(
            [re.search(DECISION_PATTERN, t, re.IGNORECASE) is not None for t in texts]
        ),
    )


# --------------------------------------------------------------------------------------------
# Calendar and tracker

LIBRARIES = words("requests urllib3 pydantic react webpack lodash eslint typescript jest axios")
# Texts per pool of render_pool.
POOL_SIZE = 64


def render_pool(
    rng: np.random.Generator, templates: Sequence[str], size: int, **fixed: str
) -> list[str]:
    """``size`` texts rendered from ``templates`` with topics and numbers drawn from ``rng``."""
    texts = []
    for _ in range(size):
        template = templates[int(rng.integers(len(templates)))]
        texts.append(
            template.format(
                w=TOPICS[int(rng.integers(len(TOPICS)))],
                n=int(rng.integers(1000, 100_000)),
                lib=LIBRARIES[int(rng.integers(len(LIBRARIES)))],
                **fixed,
            )
        )
    return texts
