"""The AWAIT and coordination-friction rules, written once for Python and for DuckDB SQL.

`asyncmaturity lint` reads one draft in Python; `ingest` derives the same signals for every message
of every source in one set-based SQL statement, because message text is not kept by default. Both
read the patterns below, so a draft and an archived message with the same text get the same answer:
every pattern is RE2-compatible (no look-around, no back-references, no possessive or atomic
groups), Python compiles it with `re.ASCII` so that `\\w`, `\\b`, `\\d` and `\\s` mean what they
mean in RE2, and exclusions that a look-ahead would express are either lists filtered after
extraction ("@here names nobody", `NOT_NAMES`) or phrases replaced before matching ("please note",
"don't DM me", links to non-record sites, filler before words are counted). Scans up to a
sentence mark are bounded (`{0,200}`) so that Python's backtracking engine stays linear on long
texts. A test runs both over the labelled evaluation sets and over generated text and requires
identical signals.

Signals (booleans; the rules are documented in `asyncmaturity.await_protocol.lint` and
docs/await.md):

* `is_request`: the message asks someone for something.
* `await_assign`, `await_window`, `await_action`, `await_information`: four of the five AWAIT
  elements as the text shows them.
* `sync_request`: asks to move the exchange out of the thread to a call, huddle, DM, phone or
  e-mail ("quick call?", "DM me", "text me on WhatsApp", "I'll set up a zoom"); thread discipline
  is its negation for one message, and a friction indicator.
* `bare_greeting`: a greeting and nothing else ("hi", "hey 👋", "Hey @sam, got a minute?", "Hi
  Ana, hope you're well!"): the no-hello anti-pattern. A greeting with content is not bare.
* `nudge`: a chaser for an earlier ask ("any update?", "bump", "ping", "gentle reminder", "sorry
  to chase", "following up ... ?"); not a follow-up that delivers ("following up on the decision,
  here is the doc"), an event reminder, or "bump" a version.
* `clarification`: asks back what was meant ("which PR?", "what do you mean?", "you mean the EU
  tenant?", "link?"); not a question asking to choose ("which option do you prefer?").

The labelled sets and their rulings are in `benchmarks/await_eval/` (README.md there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from asyncmaturity.vocabulary import AWAIT_SIGNAL_COLUMNS

# A link in message text; the sources count links and links to a system of record with it.
URL_PATTERN = r"https?://[^\s<>|)\]\"']+"


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
# Links to sites that hold no record of the work (a web search, a video, a GIF): no context.
NON_RECORD_URL = Rx(
    r"https?://(?:www\.|m\.|media\.)?(?:google\.(?:com|co\.[a-z]{2}|[a-z]{2})|bing\.com"
    r"|duckduckgo\.com|youtube\.com|youtu\.be|giphy\.com|tenor\.com|gfycat\.com|lmgtfy\.com)"
    r"(?:[/?#][^\s<>|)\]\"']*)?"
)

# Mentions. Slack user and group mentions always name someone; an `@word` names someone unless
# it is a broadcast word. The character before `@` is consumed (RE2 has no look-behind), which is
# why replacements put group 1 back; a Slack mention is tried first, so its `<` is no such
# character.
SLACK_MENTION = Rx(r"<@[UW][A-Z0-9]+(?:\|[^>]{0,80})?>|<!subteam\^[A-Z0-9]+(?:\|[^>]{0,80})?>")
AT_NAME = Rx(r"(?:^|[^\w.@])@(\w[\w.-]*)")
ANY_MENTION = Rx(r"<[@!][^>]{0,100}>|(^|[^\w.@])@\w[\w.-]*")
# Code in a message names nobody either: Python decorators ("@inlineCallbacks") and docstring
# fields ("@param", "@rtype") pasted into a mail.
NOBODY = frozenset(
    {"here", "channel", "everyone", "all", "anyone", "someone", "team"}
    | {"inlinecallbacks", "deferred", "classmethod", "staticmethod", "property", "abstractmethod"}
    | {"implementer", "override", "dataclass", "contextmanager", "wraps", "param", "type"}
    | {"return", "returns", "rtype", "raise", "raises", "ivar", "cvar", "see", "since", "note"}
)
OWNER = Rx(
    r"\b(?:owner|assignee|dri|responsible)\s*:\s*@?(\w[\w.-]*)"
    r"|\bassigned to\s+@?(\w[\w.-]*)"
)
# Words that open a line or follow a greeting like a name but name nobody in particular.
NOT_NAMES = frozenset(
    [
        "hi",
        "hey",
        "hello",
        "hallo",
        "hiya",
        "yo",
        "folks",
        "all",
        "team",
        "everyone",
        "everybody",
        "anyone",
        "someone",
        "somebody",
        "whoever",
        "nobody",
        "guys",
        "y'all",
        "yall",
        "people",
        "friends",
        "there",
        "colleagues",
        "sir",
        "madam",
        "customer",
        "customers",
        "hiring",
        "recruiter",
        "recruiters",
        "members",
        "partners",
        "devs",
        "crew",
        "gang",
        "so",
        "also",
        "ok",
        "okay",
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "regards",
        "kind",
        "best",
        "warm",
        "many",
        "br",
        "morning",
        "afternoon",
        "evening",
        "please",
        "pls",
        "yes",
        "no",
        "well",
        "sorry",
        "and",
        "but",
        "quick",
        "question",
        "btw",
        "fyi",
        "psa",
        "note",
        "reminder",
        "update",
        "status",
        "hmm",
        "oh",
        "sure",
        "great",
        "cool",
        "nice",
        "right",
        "actually",
        "anyway",
        "honestly",
        "done",
        "agreed",
        "noted",
        "welcome",
        "congrats",
        "lol",
        "wow",
        "good",
        "urgent",
        "important",
        "again",
        "now",
        "then",
        "today",
        "tomorrow",
        # Discourse words that open a line like a name in list and chat replies.
        "list",
        "otoh",
        "however",
        "yep",
        "yeah",
        "nope",
        "ah",
        "erm",
        "first",
        "finally",
        "unfortunately",
        "meanwhile",
        "basically",
        "otherwise",
        "instead",
        "here",
        "afaict",
        "afaik",
        "imho",
        "imo",
        "fwiw",
        "iirc",
        "ideally",
        "hopefully",
        "personally",
        "obviously",
        "luckily",
        "sadly",
        "anyways",
        "regardless",
    ]
)
NAMED_ASK = Rx(
    r"(?:^|[.!?\n]\s*)([A-Z][a-z]+(?: [A-Z][a-z]+)?),\s+"
    r"(?:(?:can|could|would|will) you|please|pls|would you mind|need you to)\b",
    ignore_case=False,
)
# En and em dashes, and typographic quotes (written as escapes: they look like ASCII ones).
DASHES = "\u2013\u2014"
OPEN_QUOTES = "'\"\u2018\u201c"
CLOSE_QUOTES = "'\"\u2019\u201d"
_GREETING = r"(?:hi|hey|hello|hallo|hiya|dear|good (?:morning|afternoon|evening)|morning)"
_TITLE = r"(?:(?:mr|mrs|ms|miss|mx|dr|prof)\.?\s+)?"
# A name in the greeting ("Hi Sven,", "Dear Mrs. Okafor,", "Hey Ola!") or opening a line before
# a comma or a dash ("Aiko, ...", "Kenji — ...", lower-case "tom, ..." too). Group 1 or 2. The
# second form counts only on a line that opens the message or a paragraph or follows a sentence
# end: a line of a wrapped e-mail paragraph that starts "adventurous, the focus ..." addresses
# nobody.
ADDRESSEE = Rx(
    rf"(?:^|\n)[ \t]*{_GREETING}[ \t]+{_TITLE}([a-z][\w'-]*)(?:[ \t]+[a-z][\w'-]*)?"
    rf"[ \t]*(?:[,!:.\n{DASHES}]|\s-{{1,2}}\s)"
    rf"|(?:^|\n[ \t]*\n|[.!?,][ \t]*\n)[ \t]*{_TITLE}([a-z][\w'-]*)(?:-san|-sama)?[ \t]*"
    rf"(?:[,{DASHES}]|\s-{{1,2}}\s)"
)

# Emoji and their joiners: "hey 👋" is as bare as "hey", "@lena 🙏 approve" opens with "approve".
EMOJI = "[\u2600-\u27bf\U0001f300-\U0001faff\ufe0f\u200d]"
# Where a clause starts: after a sentence mark, a comma, a spaced dash, "and" or "then", and any
# blanks or emoji that follow.
# A line break opens a clause only after a blank line: e-mail wraps sentences over lines.
_OPENER = rf"(?:^|[.!?;:,]|\n[ \t]*\n|\s[-{DASHES}])(?:\s|{EMOJI})*"
_CLAUSE = rf"(?:^|[.!?;:,]|\n[ \t]*\n|\s[-{DASHES}]|\band\b|\bthen\b)(?:\s|{EMOJI})*"

# What to do: an action verb. A verb counts where it is asked for (after "can you", "please",
# "need you to", ...; at the start of a clause, followed by what it acts on), and so do the
# nouns of an approval sought ("your approval", "for review", "need the signed ...").
ACTION_VERBS = (
    r"review|approve|decide|confirm|answer|fix|merge|sign[- ]?off|send|update|comment|vote|"
    r"choose|pick|check|test|verify|look (?:into|over)|read|share|reply to|respond to|"
    r"schedule|draft|write|deploy|investigate|provide|fill (?:in|out)|submit|"
    r"weigh in|acknowledge|triage|estimate|prioriti[sz]e|assign|add|create|file|book|prepare|"
    r"rebase|release|publish|edit|proofread|sign|countersign|accept|reject|resolve|close|rerun|run|"
    r"double[- ]check|clarify|explain|summari[sz]e|forward|own|handle|cover|rank|rate|translate|"
    r"export|import|grant|give (?:\w+ )?(?:access|feedback|permission|an? (?:answer|estimate))|"
    r"place|order|pay|restart|rotate|extend|clean up|remove|delete|revoke|revert|roll ?back|"
    r"upgrade|install|enable|disable|reset|set up|configure|migrate|renew|cancel|invite|"
    r"finali[sz]e|figur(?:e|ing) out|find(?:ing)? out|work(?:ing)? out|"
    r"return|post|push|upload|sort out|agree on|sign up|follow up with|escalate|swap|replace|"
    r"tell (?:me|us) (?:which|what|where|when|who|whether|if|how)|"
    r"let (?:me|us) know (?:which|where|when|who|whether|how (?:much|many|long))"
)
_ASK = (
    r"(?:can|could|would|will) (?:you|u|someone|somebody|some1|anyone|anybody|everyone|everybody|"
    r"one of you|either of you|whoever)|would you mind|need (?:you|someone|somebody) to|please|pls"
    r"|plz|kindly|(?:can|could|shall) we|help (?:me|us)"
    r"|(?:like|want|ask|asking|appreciate it if|grateful if) (?:you|someone)(?: to| could| can)?"
    r"|any chance (?:that )?(?:[\w']+ ){0,3}?(?:could|can|would|will|to)"
)
# Verbs that name what to do where they are asked for ("could you try unpacking ...", "can you
# include an example?") but are advice, not asks, at the start of a clause ("Try the same code").
_ASKED_VERBS = r"try|mention|include|tell|show|point|recommend|suggest|unsubscribe"
# After a bare imperative verb: what it acts on, or the end of the clause (not a colon, which
# makes "Draft:" or "Update:" a label).
_OBJECT = (
    r"(?:\s+(?:the|a|an|this|that|these|those|it|them|him|her|me|us|my|our|your|their|his|all|"
    r"both|each|one|some|any|whether|if|and|or|by|before|asap|now|today|tomorrow|pls|please|"
    r"when|what|which|how|where|who|up|out|off|over|through|to|with|for|needed|required)\b"
    r"|\s*[#@?!.,\n]|\s*$)"
)
ACTION = Rx(
    rf"\b(?:{_ASK})\s+(?:[\w']+\s+){{0,3}}?({ACTION_VERBS}|{_ASKED_VERBS}|ack)\b"
    rf"|{_CLAUSE}({ACTION_VERBS}){_OBJECT}"
    r"|\b(your (?:approval|review|sign[- ]?off|decision|feedback|vote|answer|ok|okay|ack|"
    r"go-ahead|green light|signature))\b"
    r"|\b(for (?:approval|review|sign[- ]?off|a decision|signature))\b"
    r"|\bneeds? (?:the |a |an )?(signed|approval|sign[- ]?off|signature|a decision)\b"
    r"|\b(a decision from you)\b"
    # A direct factual question ("where is the VPN config?", "is the deploy done?").
    # A question may wrap over lines (e-mail) and hold dots that end no sentence ("9.0.0"); a
    # dot or line break followed by a word character keeps the scan cheap in RE2's DFA.
    rf"|(?:{_CLAUSE}|\b(?:knows?|tell me|wondering|idea|sure|or)\s+|\b\d[.)]\s+)((?:where|when|who|whom|"
    r"whose|which|how (?:much|many|long|often|can|could|do|does|did|should|would|will|to|is|are|"
    r"come|about)|why|what(?:'s| is| are| was| were| would| could| should| does| can| will)|"
    r"what [\w-]+ (?:is|are|was|were|would|could|should|does|did|do you|do they|can|will)|(?:do you |you )?(?:want|wanna) to|so,? (?:i guess |you mean |then )?|"
    r"any (?:idea|clue|hints?|pointers?|way|reason|chance) (?:how|why|what|where|when|if|whether|"
    r"on|of|to|for)|"
    r"is (?:the|it|this|that|there|our|a|an)|are (?:the|we|there|you)|"
    r"i (?:assume|take it|suppose|guess)|do (?:we|they|you)|does|"
    r"did (?:we|they|the|you)|has|have (?:we|you)|should (?:we|i)|can (?:i|this|it)|"
    r"could (?:i|this|it)|is it|am i|(?:does |did |has |is )?(?:anyone|anybody) (?:else |here )?"
    r"(?:going|care|cares|using|use|used|tried|seen|heard|running|working))\b)"
    r"(?:[^.!?\n]|[.\n][^\s.!?]){0,200}\?"
    # An indirect question ("I'm wondering if there is ...", "keen to know whether ...").
    r"|\b((?:wondering|wonder|curious|keen to know|like to know|want to know) (?:if|whether|how|"
    r"why|what|where|which|who)|(?:would be|i'?d be)\s+(?:most\s+|very\s+|really\s+)?interested\s+"
    r"(?:in|to)\s+(?:see|seeing|hear|hearing|know|knowing|get|getting))\b"
)
# Every verb that makes a clause-opening imperative an ask (for `is_request`), vague ones too.
ASK_VERBS = rf"{ACTION_VERBS}|reply|respond|ping|look at|take a look|have a look"
# Run on the text with every mention replaced by a comma, so "@bob review" opens a clause;
# "and"/"then" open no imperative here: "I have to install them and create a setup.py" states.
IMPERATIVE = Rx(rf"{_OPENER}(?:please\s+|pls\s+|kindly\s+)?(?:{ASK_VERBS}){_OBJECT}")
NOT_ASKING = Rx(
    r"\b(?:please|pls|plz|kindly)\s+(?:note|be (?:aware|informed|advised)|ignore|disregard)\b"
    r"|\b(?:don'?t|do not|no need to|never) (?:dm|call|text|ping|message|email|e-mail) me\b"
    # A guess offered as a question ("Maybe twistd's log rotation?", "Perhaps you want X?"); a
    # polite ask ("perhaps you could attach ...?") is not one.
    r"|\b(?:maybe|perhaps)\s+(?:it|it's|its|this|that|these|they|there|the|your|doing|using|"
    r"you (?:want|need|are|have)|you're|we (?:could|can|should)|i(?:'ll| will| could)|\w+'s)\b"
    r"[^?\n]{0,200}\?+"
    # Tag questions and exclamations that argue or marvel ("..., right?", "Really?", "what?!").
    r"|,?\s*right\s*\?+|(?:^|[.!?\n]\s*)really\s*\?+|\?+!+|\?\?+"
    # A suggestion phrased as a question ("We could poll folks for a date?"); "could we" asks.
    r"|(?:^|[.!?\n]\s*)we could\b[^?\n]{0,200}\?+"
    # Lazy consensus: the sender goes ahead unless someone objects.
    r"|\bunless (?:i|we) hear (?:any |of any )?(?:objections?|concerns?|otherwise)\b"
)
REQUEST = Rx(
    r"\?|\b(?:can|could|would|will) (?:you|u|someone|somebody|anyone)\b|\bwould you mind\b"
    r"|\bneed (?:you|someone|somebody) to\b|\bplease\b"
    r"|\bpls\b|\bplz\b|\blet me know\b|\blmk\b|\bthoughts\b|\bany (?:objections|concerns)\b"
    r"|\bwaiting (?:on|for) (?:you|your)\b|\bkindly\b|\b(?:appreciate it|grateful) if you\b"
    r"|\bneed (?:your|an?) (?:approval|review|decision|sign[- ]?off|input|answer|feedback)\b"
    r"|\bneeds? (?:the |your )?signed\b|\bneeds? (?:some |a little )?love\b"
    # Asks for help or an answer without a question mark (mailing-list idiom).
    r"|\b(?:i'?d|i would|would) (?:really |greatly |much )?appreciate\b"
    r"|\b(?:help|input|hints?|pointers|advice|tips|suggestions|feedback) (?:is |are |would be |will be )?"
    r"(?:greatly |much |very much |really )?appreciated\b"
    r"|\bif (?:somebody|someone|anyone|anybody|you) (?:could|can)\b|\bget in touch\b"
    r"|\bget back to (?:me|us)\b|\b(?:wondering|curious) (?:if|whether|how|why|what|who)\b"
    r"|\b(?:would be|i'?d be)\s+(?:most\s+|very\s+|really\s+)?interested\s+(?:in|to)\s+(?:see|seeing|"
    r"hear|hearing|know|knowing|get|getting)\b"
    r"|\bthanks? (?:you )?(?:in advance )?for any (?:help|input|advice|pointers|hints|suggestions)\b"
)

# Moving the exchange out of the thread: to a call, a meeting, a DM, a phone, e-mail, a chat app.
_CALL = (
    r"(?:call|zoom|meet|meeting|huddle|teams call|video call|phone call|hangout|chat|sync|1:1|"
    r"catch-?up)"
)
_ELSEWHERE = (
    r"(?:dms?|pm|private(?:ly)?|directly|e-?mail|mail|phone|whatsapp|signal|telegram|sms|text|"
    r"(?:a |the )?(?:call|zoom|huddle|phone))"
)
MOVE = Rx(
    r"\bdm me\b|\bsend me a dm\b|\b(?:ping|message|msg|text|whatsapp|email|e-mail|mail|call|ring"
    r"|phone) me (?:privately|directly|in (?:a )?dms?|on (?:whatsapp|signal|telegram|my phone)|"
    r"via \w+)\b|\b(?:text|whatsapp) me\b|\bgive me a (?:call|ring|buzz)\b"
    rf"|\b(?:reply|respond|answer|write|get back to me)\s+(?:by|via|over|in|on)\s+{_ELSEWHERE}\b"
    r"|\b(?:reply|respond|answer) (?:privately|directly)\b"
    r"|\b(?:hop|jump|get) on (?:a |the )?(?:quick |short )?"
    rf"(?:video |phone |teams |zoom )?{_CALL}\b"
    rf"|\bquick (?:video |phone |teams |zoom )?{_CALL}\b|\b(?:call|phone|ring) me\b"
    r"|\bcan we (?:hop|jump|get) on(?: a)?(?: quick)?(?: (?:call|zoom|meet|huddle))?\b"
    rf"|\b(?:i'?ll|i will|let me|let'?s|we can|can we|could we|shall we|should we) (?:set up|"
    rf"schedule|book|arrange|organi[sz]e|do|have|grab) (?:a |an )?(?:quick |short |brief )?"
    rf"(?:video |phone |teams |zoom )?{_CALL}\b"
    r"|\btake (?:this|it|that) offline\b|^\s*huddle\b|\bhuddle\s*\?"
    r"|\b(?:a|quick|let'?s|can we|shall we|start a|join (?:the|my|a)) huddle\b"
    r"|\bhuddle (?:in \d|now|later|up)\b"
    r"|\b(?:move|take) (?:this|it|that|the (?:discussion|conversation)) (?:to|into|over to) "
    r"(?:dms?|a dm|e-?mail|a call|zoom|a meeting|private)\b"
    r"|\b(?:talk|chat|discuss|sync|go over|walk through)(?: [\w'-]+){0,4}? (?:live|offline|"
    r"in person|1:1|f2f|face to face|over the phone|on the phone|by phone|privately)\b"
    r"|\beasier (?:on|over|by) (?:the )?phone\b|\bto a (?:private |quick |short )?(?:call|zoom|"
    r"huddle|meeting)\b"
    r"|\blet'?s (?:talk|chat|discuss) (?:live|offline|in person|1:1|f2f)\b"
)
CONTEXT = Rx(
    r"\[(?:attachment|file|image|screenshot)[^\]]*\]|\battached\b|\battachment\b|📎"
    r"|(?:^|[^\w&])#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b"
    r"|\b(?:context|background|details|why)\s*:|\btl;?dr\b|\bbecause\b|\bso that\b"
    # Concrete facts: an amount or a share, a named file, a numbered record.
    r"|\b\d[\d,.]*\s?(?:%|k\b|eur\b|usd\b|gbp\b|chf\b|€)|[€$£]\s?\d[\d,.]*"
    r"|\b[\w-]+\.(?:pdf|docx?|xlsx?|csv|pptx?|zip|png|jpe?g|md|txt|json|ya?ml|sql|log)\b"
    r"|\b(?:ticket|invoice|order|case|incident|request|user|customer|account|po|pr|issue|ref)\.?"
    r"\s*(?:#|no\.?|id|number)?\s*\d{3,}\b"
)
# Words that say nothing about the matter, removed before the words are counted: the greeting,
# the sign-off, the clause that says where to reply, "no rush"-like phrases, pleasantries and
# pointers to shared memory ("re the thing from yesterday").
FILLER = Rx(
    rf"^\s*{_GREETING}\b[^\n,!:]{{0,30}}[,!:]?"
    r"|(?:^|\n)[ \t]*(?:(?:kind|best|warm|many|with (?:best|kind|warm))\s+(?:regards|wishes)|"
    r"regards|best|cheers|thanks(?: (?:a lot|again|in advance|so much))?|thank you(?: (?:in "
    r"advance|so much|very much))?|many thanks|thx|ty|br|all the best|sincerely|yours(?: "
    r"sincerely| truly)?)[ \t]*[,!.]?[^\n]{0,12}(?:\n[^\n]{0,40}){0,3}\s*$"
    rf"|(?:{MOVE.pattern}|\b(?:reply|respond|answer|questions?|discuss(?:ion)?|"
    r"comments?) (?:here|in (?:this|the) thread)\b|🧵)[^.!?\n]{0,200}[.!?]*"
    r"|\b(?:when you (?:get|have) a (?:chance|sec|second|min|minute|moment)|at your (?:earliest )?"
    r"convenience|no rush|soon-?ish|as soon as possible|asap|if possible|thank you in advance|"
    r"i hope (?:this|my) (?:e-?mail|mail|message) finds you well|hope you(?:'re| are) (?:well|"
    r"doing well))\b"
    r"|\b(?:re:?|about|regarding)\s+(?:the|that|this) (?:thing|issue|doc|one|topic|stuff|matter)"
    r"(?: from (?:yesterday|today|earlier|before|last \w+|the \w+))?"
    r"|\bthe (?:one|thing|doc|issue) we (?:talked|spoke|discussed|chatted) about\b"
    # A signature: a last line of one or two words, a name or initials ("Pet", "-J", "Jean-Paul").
    r"|\n[ \t]*(?:--?|~)?[ \t]*[a-z][\w.'-]{0,20}(?: [a-z][\w.'-]{0,20})?[ \t]*\s*$"
    # Asks that say nothing about the matter.
    r"|\b(?:(?:can|could) you help(?: me)? with (?:this|that|it)|let me know|any (?:input|ideas|"
    r"thoughts)|thoughts|ideas|what do (?:we|i) do (?:here|now)|it would be great to have it)\b"
)
# A word is a run of non-blank characters; counted after links, mentions and filler are removed.
WORD = Rx(r"[^ \t\n\r\f\v]+")
# Complete information is context the receiver needs, not length: where the material is (a
# record link, an attachment, a reference: CONTEXT), or what and why in words. A long question
# alone tells only what is asked, so words count as context in two ways: statements besides the
# questions (background, what was tried, what changed), or a text that names a concrete fact
# (FACT: a number, a version, a file or code name, a proper name mid-sentence, a quoted string,
# a cause or a symptom).
MIN_CONTEXT_WORDS = 14
# A question sentence, removed before the statement words are counted (it may wrap over lines).
QUESTION = Rx(r"[^.!?]{0,300}\?+")
FACT = Rx(
    rf"\d|\w[._/]\w|\b[a-z]+[A-Z]\w*|[`{OPEN_QUOTES}][^`{OPEN_QUOTES}"
    rf"{CLOSE_QUOTES}\n]{{2,40}}[`{CLOSE_QUOTES}]|(?i:\b(?:since|after|because|due to|as of|error|"
    r"exception|traceback|tried|getting|fails?|failed|broken|down|changed)\b)",
    ignore_case=False,
)
# "At least MIN_CONTEXT_WORDS words" as one match, for SQL: far cheaper there than listing the
# words (Python counts them: the same answer, and linear in its backtracking engine).
MANY_WORDS = Rx(rf"(?:[^ \t\n\r\f\v]+[ \t\n\r\f\v]+){{{MIN_CONTEXT_WORDS - 1}}}[^ \t\n\r\f\v]")

WEEKDAY = (
    r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?)"
)
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# "on <day>" is left out: "the refactor on Monday" says when something happened, not by when.
PREP = r"(?:by|before|until|till|til|due(?: on| by)?|no later than|deadline:?|due date:?)"
NUM = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# A clock time with an optional zone ("3pm CET", "10:00 UTC"): groups noon, hour, minute, am/pm,
# hour24, minute24, zone.
ZONE = r"(cet|cest|utc|gmt|et|est|edt|ct|cst|cdt|pt|pst|pdt|bst|ist|jst|sgt|aest|aedt)"
CLOCK = (
    r"(?:(noon|midday)|(\d{1,2})(?::(\d{2}))?\s*(am|pm)|(\d{1,2}):(\d{2}))"
    rf"(?:\s*{ZONE}\b)?"
)
# Each window form, in the order `asyncmaturity.await_protocol.lint` resolves them; the groups
# feed the deadline.
WINDOWS: dict[str, Rx] = {
    "iso": Rx(rf"\b(?:{PREP}\s+)?(\d{{4}})-(\d{{2}})-(\d{{2}})(?:[T ](\d{{2}}):(\d{{2}}))?\b"),
    "eod": Rx(
        r"\b(?:eod|cob|end of (?:the )?(?:business |working )?day|close of business|today)\b"
    ),
    "eow": Rx(r"\b(?:eow|end of (?:the |this )?week)\b"),
    "tomorrow": Rx(r"\b(?:tomorrow|tmrw|tmr)\b"),
    "weekday": Rx(rf"\b{PREP}\s+(?:(this|next)\s+)?{WEEKDAY}\b"),
    "within": Rx(
        rf"\b(?:within|in)\s+(?:the\s+next\s+)?{NUM}\s*"
        r"(h|hrs?|hours?|mins?|minutes?|d|days?|business days?|working days?|weeks?|wks?)\b"
    ),
    "day_month": Rx(
        rf"\b{PREP}\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+(\d{{4}}))?\b"
    ),
    "month_day": Rx(rf"\b{PREP}\s+{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"),
    "numeric": Rx(rf"\b{PREP}\s+(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}|\d{{2}}))?\b"),
    # dd.mm. (European): day first, a two-digit month, an optional year ("by 14.03.", "30.04.2026").
    "dotted": Rx(
        rf"\b{PREP}\s+(?:the\s+)?(0?[1-9]|[12]\d|3[01])\.(0[1-9]|1[0-2])\b(?:\.(\d{{4}}|\d{{2}})?)?"
    ),
    "time": Rx(
        rf"\b(?:by|before|until|till|no later than)\s+(?:the\s+)?{CLOCK}"
        r"(?:\s+(?:standup|stand-up|meeting|sync|demo|call|deadline))?"
    ),
}
ANY_WINDOW = Rx("|".join(f"(?:{rx.pattern})" for rx in WINDOWS.values()))

_SEP = rf"(?:[\s,!.:?]|{EMOJI})*"
BARE_GREETING = Rx(
    r"^\s*(?:hi|hey|hello|hallo|hiya|yo|morning|good (?:morning|afternoon|evening)|greetings)"
    rf"(?:\s+(?:there|hey|all))?{_SEP}"
    rf"(?:@\w[\w.-]*|<@[UW][A-Z0-9]+(?:\|[^>]{{0,80}})?>|{_TITLE}[A-Z][a-z]+)?{_SEP}"
    r"(?:(?:(?:are )?you (?:there|around|free|busy)|got a (?:sec|second|min|minute)|"
    r"quick question|do you have (?:a|\d+) (?:sec|second|min|minute)s?|"
    r"hope you(?:'re| are)? (?:well|doing well|had a (?:good|great|nice|lovely) \w+))"
    rf"{_SEP})*$"
)
NUDGE = Rx(
    r"\bany (?:updates?|news|progress|word|eta)(?: (?:on|here|from|regarding|re|about|for|with)\b"
    r"|\s*[?!.]|\s*$)"
    rf"|^\s*(?:ping|bump|bumping|nudge)(?:\s*[\^?!.]|\s+[-@<{DASHES}]|\s*$)"
    r"|\bbump(?:ing)? (?:this|that|it|the thread|my)\b"
    r"|\b(?:gentle|friendly|quick|kind|kindly|small|soft|second|another) (?:reminder|nudge|ping|"
    r"bump)\b|\b(?:just )?following up\b[^?]{0,200}\?|\bfollow(?:ing)?[- ]up on my\b"
    r"|\bcircling back\b|\b(?:just )?checking in (?:again )?on\b|\bjust checking in\b"
    r"|\bdid you (?:get|have) a chance\b|\bsorry to (?:chase|nag|bother you again|ping again)\b"
    r"|\bre-?sending (?:this|in case)\b|\bin case (?:this|it) got (?:lost|buried)\b"
    r"|\bstill (?:need|waiting (?:on|for)) (?:you|your|an? (?:answer|reply|response|decision)|"
    r"the|this|that)\b|(?:^|\s)\^+\s*(?:anyone|anybody|\?)|^\s*hello+\s*\?+\s+\S"
)
CLARIFICATION = Rx(
    r"\bwhat do you mean\b|\bwhich (?:one|pr|ticket|issue|doc|file|version|branch|environment|env|"
    r"page|link|account|customer|invoice)s?\b[^.!]{0,200}\?|^\s*which \w+(?: \w+)?\s*\?"
    r"|\b(?:can|could) you (?:please )?elaborate\b|\b(?:can|could) you (?:please )?clarify(?: "
    r"(?:what|which|who|whether|how|where|that|this|a bit|pls|please)\b|\s*[?.!]|\s*$)"
    r"|\b(?:do|did) you mean\b|(?:^|[.!?,]\s*)(?:you|u) mean\b[^.!]{0,200}\?|\bmore specific\b"
    r"|\b(?:give|share|need|provide|add|some|any) (?:me |us )?(?:some |a bit |a little )?more "
    r"context\b|\bmore context\s*\?|\bwhat (?:exactly|is this about)\b"
    rf"|\bwhat(?:'s| is) [{OPEN_QUOTES}][^{CLOSE_QUOTES}]{{1,40}}[{CLOSE_QUOTES}]\s*\?"
    r"|\bnot sure what you\b|\bwhat are you referring to\b|\blink\s*\?"
    r"|\b(?:do you have|can you (?:send|share)|is there) (?:a|the) link\b"
)

# The names of the signals, as the store's columns hold them.
SIGNALS = AWAIT_SIGNAL_COLUMNS


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


def record_link(text: str) -> re.Match[str] | None:
    """The first link to a record (not to a web search, a video or a GIF), if any."""
    return URL.search(NON_RECORD_URL.compiled.sub(" ", text.replace("\v", " ")))


def has_owner(plain: str) -> bool:
    """A person or team is named as the one to act (broadcast words name nobody)."""
    if SLACK_MENTION.search(plain):
        return True
    named = _names(AT_NAME, plain) + _names(OWNER, plain)
    if any(name.lower().rstrip(".") not in NOBODY for name in named):
        return True
    addressed = _names(NAMED_ASK, plain) + _names(ADDRESSEE, plain)
    return any(name.lower() not in NOT_NAMES for name in addressed)


def content(plain: str) -> str:
    """`plain` without mentions and filler: the words that may tell what the matter is."""
    return FILLER.compiled.sub(" ", without_mentions(plain, " "))


def context_words(plain: str) -> tuple[str, int] | None:
    """How the words give context, if they do: ("statements", n) or ("fact: ...", n).

    Statements besides the questions count first; else a text of as many words that names a
    concrete fact. Both need :data:`MIN_CONTEXT_WORDS` words once mentions and filler are gone.
    """
    matter = content(plain)
    statements = len(WORD.compiled.findall(QUESTION.compiled.sub(" ", matter)))
    if statements >= MIN_CONTEXT_WORDS:
        return "statements", statements
    words = len(WORD.compiled.findall(matter))
    fact = FACT.search(matter)
    if fact and words >= MIN_CONTEXT_WORDS:
        return f"fact {fact.group(0).strip()!r}", words
    return None


def asking_text(plain: str) -> str:
    """`plain` without phrases that look like asks but are not ("please note", "don't DM me")."""
    return NOT_ASKING.compiled.sub(" ", plain)


def action_match(plain: str) -> re.Match[str] | None:
    """The first asked-for action, read on the text with mentions opening clauses."""
    return ACTION.search(without_mentions(asking_text(plain)))


# Only the first characters of a message are read: a request states its ask up front, and the
# tail of a long e-mail (signatures, disclaimers, pasted logs) would cost time and add noise.
MAX_SIGNAL_CHARS = 2000


def signals(text: str) -> dict[str, bool]:
    """Every signal of one message text, as the ingest's SQL computes it.

    Only the first :data:`MAX_SIGNAL_CHARS` characters are read.

    >>> signals("@dana can you review #42 by Friday?")["await_window"]
    True
    """
    text = text[:MAX_SIGNAL_CHARS]
    plain = plain_text(text)
    asking = asking_text(plain)
    clauses = without_mentions(asking)
    return {
        "is_request": bool(REQUEST.search(asking) or IMPERATIVE.search(clauses)),
        "await_assign": has_owner(plain),
        "await_window": bool(ANY_WINDOW.search(plain)),
        "await_action": bool(ACTION.search(clauses)),
        "await_information": bool(
            record_link(text) or CONTEXT.search(plain) or context_words(plain)
        ),
        "sync_request": bool(MOVE.search(asking)),
        "bare_greeting": bool(BARE_GREETING.search(plain)),
        "nudge": bool(NUDGE.search(plain)),
        "clarification": bool(CLARIFICATION.search(plain)),
    }


def _names_sql(rx: Rx, expr: str, groups: int, exclude: frozenset[str], strip_dot: bool) -> str:
    """SQL: does any name captured by `rx` (in any of its groups) fall outside `exclude`?

    The names are listed only where `rx` matches at all, which most texts do not.
    """
    parts = []
    for group in range(1, groups + 1):
        name = "rtrim(lower(n), '.')" if strip_dot else "lower(n)"
        parts.append(
            f"len(list_filter({rx.extract_all_sql(expr, group)}, "
            f"lambda n: n <> '' AND NOT list_contains({_sql_list(exclude)}, {name}))) > 0"
        )
    return f"CASE WHEN {rx.matches_sql(expr)} THEN {' OR '.join(parts)} ELSE false END"


def signals_sql(text: str) -> str:
    """SELECT-list SQL for every signal of :data:`SIGNALS` over the SQL text expression `text`.

    Self-contained (patterns are inlined as literals); a NULL text gives false everywhere. Only
    the first :data:`MAX_SIGNAL_CHARS` characters are read, as in :func:`signals`.
    """
    raw = f"replace(left(coalesce({text}, ''), {MAX_SIGNAL_CHARS}), chr(11), ' ')"
    plain = URL.replace_sql(raw, " ")
    asking = NOT_ASKING.replace_sql(plain, " ")
    clauses = ANY_MENTION.replace_sql(asking, "\\1,")
    spaced = FILLER.replace_sql(ANY_MENTION.replace_sql(plain, "\\1 "), " ")
    # The matter is bound once (a one-element list and a lambda): the filler pass is the costly
    # part, and DuckDB would run it once per reference. Statements are a subset of the words,
    # so "enough words" is tested first.
    words = MANY_WORDS.matches_sql("m")
    statements = MANY_WORDS.matches_sql(QUESTION.replace_sql("m", " "))
    context = (
        f"list_transform([{spaced}], lambda m: {words} AND ({FACT.matches_sql('m')} "
        f"OR {statements}))[1]"
    )
    owner = " OR ".join(
        [
            SLACK_MENTION.matches_sql(plain),
            _names_sql(AT_NAME, plain, 1, NOBODY, strip_dot=True),
            _names_sql(OWNER, plain, 2, NOBODY, strip_dot=True),
            _names_sql(NAMED_ASK, plain, 1, NOT_NAMES, strip_dot=False),
            _names_sql(ADDRESSEE, plain, 2, NOT_NAMES, strip_dot=False),
        ]
    )
    record = URL.matches_sql(NON_RECORD_URL.replace_sql(raw, " "))
    return f"""
        ({REQUEST.matches_sql(asking)} OR {IMPERATIVE.matches_sql(clauses)}) AS is_request,
        ({owner}) AS await_assign,
        {ANY_WINDOW.matches_sql(plain)} AS await_window,
        {ACTION.matches_sql(clauses)} AS await_action,
        ({record} OR {CONTEXT.matches_sql(plain)}
            OR {context}) AS await_information,
        {MOVE.matches_sql(asking)} AS sync_request,
        {BARE_GREETING.matches_sql(plain)} AS bare_greeting,
        {NUDGE.matches_sql(plain)} AS nudge,
        {CLARIFICATION.matches_sql(plain)} AS clarification"""
