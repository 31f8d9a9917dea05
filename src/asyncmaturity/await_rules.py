"""The AWAIT and coordination-friction rules, written once for Python and for DuckDB SQL.

`asyncmaturity lint` reads one draft in Python; `ingest` derives the same signals for every message
of every source in one set-based SQL statement, because message text is not kept by default. Both
read the patterns below, so a draft and an archived message with the same text get the same answer:
every pattern is RE2-compatible (no look-around, no back-references), Python compiles it with
`re.ASCII` so that `\\w`, `\\b`, `\\d` and `\\s` mean what they mean in RE2, and exclusions that a
look-ahead would express ("@here names nobody") are lists filtered after extraction. A test runs
both over the labelled evaluation set and over generated text and requires identical signals.

Signals (booleans; the rules are documented in `await_lint` and docs/await.md):

* `is_request`: the message asks someone for something.
* `await_assign`, `await_window`, `await_action`, `await_information`: four of the five AWAIT
  elements as the text shows them.
* `sync_request`: asks to move the exchange out of the thread to a call, huddle or DM ("quick
  call?", "DM me"); thread discipline is its negation for one message, and a friction indicator.
* `bare_greeting`: a greeting and nothing else ("hi", "Hey @sam, got a minute?"): the no-hello
  anti-pattern.
* `nudge`: a follow-up chaser ("any update?", "bump", "gentle reminder").
* `clarification`: asks back what was meant ("which PR?", "what do you mean?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from asyncmaturity.sources.features import URL_PATTERN


@dataclass(frozen=True)
class Rx:
    """One RE2-compatible pattern, usable from Python and inside DuckDB SQL."""

    pattern: str
    ignore_case: bool = True

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.ASCII | (re.IGNORECASE if self.ignore_case else 0))

    @property
    def options(self) -> str:
        return "i" if self.ignore_case else "c"

    def literal(self) -> str:
        """The pattern as an SQL string literal."""
        return "'" + self.pattern.replace("'", "''") + "'"

    def matches_sql(self, expr: str) -> str:
        return f"regexp_matches({expr}, {self.literal()}, '{self.options}')"

    def replace_sql(self, expr: str, replacement: str) -> str:
        return f"regexp_replace({expr}, {self.literal()}, '{replacement}', 'g{self.options}')"

    def extract_all_sql(self, expr: str, group: int) -> str:
        return f"regexp_extract_all({expr}, {self.literal()}, {group}, '{self.options}')"

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)


def _sql_list(words: frozenset[str]) -> str:
    return "[" + ", ".join("'" + w.replace("'", "''") + "'" for w in sorted(words)) + "]"


URL = Rx(URL_PATTERN)

# Mentions. Slack user and group mentions always name someone; an `@word` names someone unless
# it is a broadcast word. The character before `@` is consumed (RE2 has no look-behind), which is
# why replacements put group 1 back.
SLACK_MENTION = Rx(r"<@[UW][A-Z0-9]+(?:\|[^>]{0,80})?>|<!subteam\^[A-Z0-9]+(?:\|[^>]{0,80})?>")
AT_NAME = Rx(r"(?:^|[^\w.@])@(\w[\w.-]*)")
ANY_MENTION = Rx(r"(^|[^\w.@])@\w[\w.-]*|<[@!][^>]{0,100}>")
NOBODY = frozenset({"here", "channel", "everyone", "all", "anyone", "someone", "team"})
OWNER = Rx(
    r"\b(?:owner|assignee|dri|responsible)\s*:\s*@?(\w[\w.-]*)"
    r"|\bassigned to\s+@?(\w[\w.-]*)"
)
NOT_NAMES = frozenset(
    [
        "hi",
        "hey",
        "hello",
        "folks",
        "all",
        "team",
        "everyone",
        "anyone",
        "someone",
        "guys",
        "so",
        "also",
        "ok",
        "okay",
        "thanks",
        "morning",
        "please",
        "yes",
        "no",
        "well",
        "sorry",
        "and",
        "but",
        "quick",
        "question",
        "hiya",
        "friends",
        "people",
        "y'all",
        "yall",
    ]
)
NAMED_ASK = Rx(
    r"(?:^|[.!?\n]\s*)([A-Z][a-z]+(?: [A-Z][a-z]+)?),\s+"
    r"(?:(?:can|could|would|will) you|please|pls|would you mind|need you to)\b",
    ignore_case=False,
)

ACTION_VERBS = (
    r"review|approve|decide|confirm|answer|fix|merge|sign[- ]?off|send|update|comment|vote|"
    r"choose|pick|check|test|verify|look (?:at|into|over)|take a look|have a look|read|share|"
    r"reply|respond|schedule|draft|write|deploy|investigate|provide|fill (?:in|out)|submit|"
    r"weigh in|ack|acknowledge|triage|estimate|prioriti[sz]e|assign|add|create|file|book|prepare|"
    r"rebase|release|publish|edit|proofread|sign|accept|reject|resolve|close|rerun|run|"
    r"double[- ]check|clarify|explain|summari[sz]e|forward|ping|own|handle|cover|rank|rate"
)
ACTION = Rx(
    rf"\b(?:{ACTION_VERBS})\b"
    r"|\byour (?:approval|review|sign[- ]?off|decision|feedback|input|vote|answer|ok|ack)\b"
    r"|\bfor (?:approval|review|sign[- ]?off|a decision)\b"
)
# Run on the text with every mention replaced by a comma, so "@bob review" opens a clause.
IMPERATIVE = Rx(rf"(?:^|[.!?;:\n,])\s*(?:please\s+|pls\s+|kindly\s+)?(?:{ACTION_VERBS})\b")
NOT_ASKING = Rx(r"\bplease\s+(?:note|be aware|ignore|disregard)\b")
REQUEST = Rx(
    r"\?|\b(?:can|could|would|will) (?:you|u|someone|somebody|anyone)\b|\bwould you mind\b"
    r"|\bneed (?:you|someone|somebody) to\b|\bplease\b"
    r"|\bpls\b|\bplz\b|\blet me know\b|\blmk\b|\bthoughts\b|\bany (?:objections|concerns)\b"
    r"|\bwaiting (?:on|for) (?:you|your)\b"
    r"|\bneed (?:your|an?) (?:approval|review|decision|sign[- ]?off|input|answer|feedback)\b"
)

MOVE = Rx(
    r"\bdm me\b|\b(?:ping|message|msg) me (?:privately|directly|in (?:a )?dm)\b"
    r"|\b(?:hop|jump|get) on (?:a )?(?:quick )?(?:call|zoom|meet|huddle|teams call|phone)\b"
    r"|\bquick (?:call|sync|chat|huddle|zoom)\b|\b(?:call|phone|ring) me\b"
    r"|\bcan we (?:hop|jump|get) on(?: a)?(?: quick)?(?: (?:call|zoom|meet|huddle))?\b"
    r"|\btake (?:this|it) offline\b|\bhuddle\b"
    r"|\blet'?s (?:talk|chat|discuss) (?:live|offline|in person|1:1|f2f)\b"
)
CONTEXT = Rx(
    r"\[(?:attachment|file|image|screenshot)[^\]]*\]|\battached\b|\battachment\b|📎"
    r"|(?:^|[^\w&])#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b"
    r"|\b(?:context|background|details|why)\s*:|\btl;?dr\b|\bbecause\b|\bso that\b"
)
# A word is a run of non-blank characters; counted after links and mentions are removed.
WORD = Rx(r"[^ \t\n\r\f\v]+")
MIN_CONTEXT_WORDS = 15

_WEEKDAY = (
    r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?)"
)
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
PREP = r"(?:by|before|on|until|till|til|due(?: on| by)?|no later than|deadline:?|due date:?)"
NUM = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# Each window form, in the order `await_lint` resolves them; the groups feed the deadline.
WINDOWS: dict[str, Rx] = {
    "iso": Rx(rf"\b(?:{PREP}\s+)?(\d{{4}})-(\d{{2}})-(\d{{2}})(?:[T ](\d{{2}}):(\d{{2}}))?\b"),
    "eod": Rx(
        r"\b(?:eod|cob|end of (?:the )?(?:business |working )?day|close of business|today)\b"
    ),
    "eow": Rx(r"\b(?:eow|end of (?:the |this )?week)\b"),
    "tomorrow": Rx(r"\b(?:tomorrow|tmrw|tmr)\b"),
    "weekday": Rx(rf"\b{PREP}\s+(?:(this|next)\s+)?{_WEEKDAY}\b"),
    "within": Rx(
        rf"\b(?:within|in)\s+(?:the\s+next\s+)?{NUM}\s*"
        r"(h|hrs?|hours?|d|days?|business days?|working days?|weeks?|wks?)\b"
    ),
    "day_month": Rx(
        rf"\b{PREP}\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+(\d{{4}}))?\b"
    ),
    "month_day": Rx(rf"\b{PREP}\s+{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"),
    "numeric": Rx(rf"\b{PREP}\s+(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}|\d{{2}}))?\b"),
    "time": Rx(
        r"\b(?:by|before|until|till|no later than)\s+(?:the\s+)?(?:(noon|midday)|(\d{1,2})(?::(\d{2}))?\s*(am|pm)|(\d{1,2}):(\d{2}))"
        r"(?:\s+(?:standup|stand-up|meeting|sync|demo|call|deadline))?"
    ),
}
ANY_WINDOW = Rx("|".join(f"(?:{rx.pattern})" for rx in WINDOWS.values()))

BARE_GREETING = Rx(
    r"^\s*(?:hi|hey|hello|hiya|yo|morning|good (?:morning|afternoon|evening)|greetings)"
    r"(?:\s+there)?[\s,!.]*"
    r"(?:@\w[\w.-]*|<@[UW][A-Z0-9]+(?:\|[^>]{0,80})?>|[A-Z][a-z]+)?[\s,!.:]*"
    r"(?:(?:are )?you (?:there|around|free|busy)|got a (?:sec|second|min|minute)|"
    r"quick question|do you have a (?:sec|second|min|minute))?[\s!?.,:]*$"
)
NUDGE = Rx(
    r"\bany (?:update|news|progress)s?\b|\bbump(?:ing)?\b|\bfollowing up\b|\bfollow(?:-| )up on\b"
    r"|\b(?:gentle|friendly|quick) reminder\b|\bcircling back\b|\bjust checking in\b"
    r"|\bdid you (?:get|have) a chance\b|\bany (?:word|eta)\b|\bstill waiting\b"
)
CLARIFICATION = Rx(
    r"\bwhat do you mean\b|\bwhich (?:one|pr|ticket|issue|doc|file|version|branch|environment|env|"
    r"page|link|account|customer|invoice)s?\b[^.!]*\?|\b(?:can|could) you (?:clarify|elaborate)\b"
    r"|\b(?:do|did) you mean\b|\bmore context\b|\bwhat (?:exactly|is this about)\b"
    r"|\bnot sure what you\b|\bwhat are you referring to\b|\blink\s*\?"
)

SIGNALS = (
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


def _names(rx: Rx, text: str) -> list[str]:
    return [next((g for g in m.groups() if g), "") for m in rx.compiled.finditer(text)]


def without_mentions(plain: str, replacement: str = ",") -> str:
    """`plain` with every mention replaced (keeping the character before it)."""
    return ANY_MENTION.compiled.sub(lambda m: (m.group(1) or "") + replacement, plain)


def plain_text(text: str) -> str:
    """The text with links removed, so that a `?` in a link is no question.

    Vertical tabs become spaces: RE2's `\\s` leaves them out where Python's includes them.
    """
    return URL.compiled.sub(" ", text.replace("\v", " "))


def has_owner(plain: str) -> bool:
    """A person or team is named as the one to act (broadcast words name nobody)."""
    if SLACK_MENTION.search(plain):
        return True
    named = _names(AT_NAME, plain) + _names(OWNER, plain)
    if any(name.lower().rstrip(".") not in NOBODY for name in named):
        return True
    return any(name.lower() not in NOT_NAMES for name in _names(NAMED_ASK, plain))


def word_count(plain: str) -> int:
    """Words (runs of non-blank characters) once mentions are removed."""
    return len(WORD.compiled.findall(without_mentions(plain, " ")))


def signals(text: str) -> dict[str, bool]:
    """Every signal of one message text, as the ingest's SQL computes it.

    >>> signals("@dana can you review #42 by Friday?")["await_window"]
    True
    """
    plain = plain_text(text)
    asking = NOT_ASKING.compiled.sub(" ", plain)
    return {
        "is_request": bool(REQUEST.search(asking) or IMPERATIVE.search(without_mentions(asking))),
        "await_assign": has_owner(plain),
        "await_window": bool(ANY_WINDOW.search(plain)),
        "await_action": bool(ACTION.search(plain)),
        "await_information": bool(
            URL.search(text) or CONTEXT.search(plain) or word_count(plain) >= MIN_CONTEXT_WORDS
        ),
        "sync_request": bool(MOVE.search(plain)),
        "bare_greeting": bool(BARE_GREETING.search(plain)),
        "nudge": bool(NUDGE.search(plain)),
        "clarification": bool(CLARIFICATION.search(plain)),
    }


def _names_sql(rx: Rx, expr: str, groups: int, exclude: frozenset[str], strip_dot: bool) -> str:
    """SQL: does any name captured by `rx` (in any of its groups) fall outside `exclude`?"""
    parts = []
    for group in range(1, groups + 1):
        name = "rtrim(lower(n), '.')" if strip_dot else "lower(n)"
        parts.append(
            f"len(list_filter({rx.extract_all_sql(expr, group)}, "
            f"lambda n: n <> '' AND NOT list_contains({_sql_list(exclude)}, {name}))) > 0"
        )
    return " OR ".join(parts)


def signals_sql(text: str) -> str:
    """SELECT-list SQL for every signal of :data:`SIGNALS` over the SQL text expression `text`.

    Self-contained (patterns are inlined as literals); a NULL text gives false everywhere.
    """
    raw = f"coalesce({text}, '')"
    plain = URL.replace_sql(f"replace({raw}, chr(11), ' ')", " ")
    asking = NOT_ASKING.replace_sql(plain, " ")
    no_mentions = ANY_MENTION.replace_sql(asking, "\\1,")
    spaced = ANY_MENTION.replace_sql(plain, "\\1 ")
    words = f"len({WORD.extract_all_sql(spaced, 0)})"
    owner = " OR ".join(
        [
            SLACK_MENTION.matches_sql(plain),
            _names_sql(AT_NAME, plain, 1, NOBODY, strip_dot=True),
            _names_sql(OWNER, plain, 2, NOBODY, strip_dot=True),
            _names_sql(NAMED_ASK, plain, 1, NOT_NAMES, strip_dot=False),
        ]
    )
    return f"""
        ({REQUEST.matches_sql(asking)} OR {IMPERATIVE.matches_sql(no_mentions)}) AS is_request,
        ({owner}) AS await_assign,
        {ANY_WINDOW.matches_sql(plain)} AS await_window,
        {ACTION.matches_sql(plain)} AS await_action,
        ({URL.matches_sql(raw)} OR {CONTEXT.matches_sql(plain)}
            OR {words} >= {MIN_CONTEXT_WORDS}) AS await_information,
        {MOVE.matches_sql(plain)} AS sync_request,
        {BARE_GREETING.matches_sql(plain)} AS bare_greeting,
        {NUDGE.matches_sql(plain)} AS nudge,
        {CLARIFICATION.matches_sql(plain)} AS clarification"""
