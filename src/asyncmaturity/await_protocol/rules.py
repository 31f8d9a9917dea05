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
* `asks_where`: asks where something lives ("where can I find the runbook?", "does anyone have
  the link?", "which channel do I ask in?", "I can't find the onboarding doc"): a "where is
  this?" question (`WHERE_FORMS` names each form).

Windows, requests and (in part) the action are also read in German, French, Spanish, Portuguese
and Dutch: the block "Windows and requests in German, ..." below (`INTL_WINDOWS`, `REQUEST_INTL`,
`ACTION_INTL` and the two after it), kept apart from the English patterns, which it does not
change; owners by greetings, titles and thanks of the five languages beside the English ones
(`_GREETING_INTL`, `THANKED`, `NOT_NAMES`).

The labelled sets and their rulings are in `benchmarks/await_eval/` (README.md there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from asyncmaturity.vocabulary import AWAIT_SIGNAL_COLUMNS

# A link in message text; the sources count links and links to a system of record with it.
# Punctuation that closes a sentence is not the link's ("see https://x/y?", "at https://x/y."),
# as autolinkers read it; a question whose link ends it stays a question.
URL_PATTERN = r"https?://[^\s<>|)\]\"']*[^\s<>|)\]\"'.,;:!?]"


def fold_non_ascii_letters(pattern: str) -> str:
    """`pattern` with each literal non-ASCII letter matching its other case too.

    RE2 (DuckDB) folds every letter's case under its ``i`` flag; Python's ``re`` folds only ASCII
    letters under ``re.ASCII``, which keeps ``\\b``, ``\\w`` and ``\\s`` as RE2 reads them. Without
    this, "IDÉE" matched a lower-case pattern in the ingest's SQL but not in `lint`. Ranges in a
    class are left as written (those here span both cases already).

    Example: ``fold_non_ascii_letters("ça|[éè]t")`` is ``"[çÇ]a|[éÉèÈ]t"``.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class and i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            out.append(pattern[i : i + 3])
            i += 3
            continue
        other = char.swapcase()
        if ord(char) > 127 and len(other) == 1 and other != char:
            out.append(char + other if in_class else f"[{char}{other}]")
        else:
            out.append(char)
            if char == "[" and not in_class:
                in_class = True
                # A "]" first in a class (after an optional "^") is a literal, not its end.
                start = i + 2 if pattern[i + 1 : i + 2] == "^" else i + 1
                if pattern[start : start + 1] == "]":
                    out.append(pattern[i + 1 : start + 1])
                    i = start
            elif char == "]" and in_class:
                in_class = False
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Rx:
    """One RE2-compatible pattern, usable from Python and inside DuckDB SQL."""

    pattern: str
    ignore_case: bool = True

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        if not self.ignore_case:
            return re.compile(self.pattern, re.ASCII)
        return re.compile(fold_non_ascii_letters(self.pattern), re.ASCII | re.IGNORECASE)

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
# A shortened link ("https://bit.ly/3xYz") hides which record it is: the receiver learns where
# the material is only by following it, so it is no record either (issue 18, dev part 5).
NON_RECORD_URL = Rx(
    r"https?://(?:www\.|m\.|media\.)?(?:google\.(?:com|co\.[a-z]{2}|[a-z]{2})|bing\.com"
    r"|duckduckgo\.com|youtube\.com|youtu\.be|giphy\.com|tenor\.com|gfycat\.com|lmgtfy\.com)"
    r"(?:[/?#][^\s<>|)\]\"']*)?"
    # A shortener's host is followed by its code ("/3xYz"), not by more host ("t.company.com").
    r"|https?://(?:bit\.ly|tinyurl\.com|goo\.gl|ow\.ly|t\.co|is\.gd|buff\.ly|rebrand\.ly"
    r"|cutt\.ly)/[^\s<>|)\]\"']*"
)

# Mentions. Slack user and group mentions always name someone; an `@word` names someone unless
# it is a broadcast word. The character before `@` is consumed (RE2 has no look-behind), which is
# why replacements put group 1 back; a Slack mention is tried first, so its `<` is no such
# character. Jira writes a mention as "[~user]" (wiki markup), which names someone as Slack's does.
SLACK_MENTION = Rx(
    r"<@[UW][A-Z0-9]+(?:\|[^>]{0,80})?>|<!subteam\^[A-Z0-9]+(?:\|[^>]{0,80})?>"
    r"|\[~[\w.@-]{1,80}\]"
)
AT_NAME = Rx(r"(?:^|[^\w.@])@(\w[\w.-]*)")
ANY_MENTION = Rx(r"<[@!][^>]{0,100}>|\[~[\w.@-]{1,80}\]|(^|[^\w.@])@\w[\w.-]*")
# Code in a message names nobody either: Python decorators ("@inlineCallbacks") and docstring
# fields ("@param", "@rtype") pasted into a mail, and CSS at-rules pasted into a bug report
# ("@keyframes anim {", "@media print").
CODE_NAMES = frozenset(
    {"inlinecallbacks", "deferred", "classmethod", "staticmethod", "property", "abstractmethod"}
    | {"implementer", "override", "dataclass", "contextmanager", "wraps", "param", "type"}
    | {"return", "returns", "rtype", "raise", "raises", "ivar", "cvar", "see", "since", "note"}
    | {"keyframes", "media", "font-face", "supports", "import", "charset"}
)
NOBODY = (
    frozenset({"here", "channel", "everyone", "all", "anyone", "someone", "team"})
    # "the whole team can help" names no team in particular.
    | frozenset({"whole", "entire", "same", "other", "rest"})
    | CODE_NAMES
)
# A decorator or docstring field written onto more ("@inlineCallbacks-decorated generator"), and
# an annotation with its arguments ("@Table(name = ...)"): removed before `@names` are read.
DECORATOR = Rx(r"@(?:" + "|".join(sorted(CODE_NAMES)) + r")\b|@\w+\(")
OWNER = Rx(
    r"\b(?:owner|assignee|dri|responsible)\s*:\s*@?(\w[\w.-]*)"
    # Bugzilla and Phabricator ask a reviewer by name: "r?karlt".
    r"|(?:\bassigned to\s+@?|\br\?)(\w[\w.-]*)"
    # A team asked to help ("Is there someway the .org team can help us out with this?").
    r"|\b(?:(?:can|could|would)\s+)?the\s+(\.?\w[\w.-]*)\s+team\s+(?:(?:can|could|would|might)\s+)?"
    r"(?:help|assist|look|review|check)\b"
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
        # Connectives that open a line of an e-mail before a comma ("Or, some legal-but-unusual
        # behavior ..."): no one is addressed.
        "or",
        "still",
        "plus",
        "thus",
        "hence",
        "therefore",
        "besides",
        "yet",
        "indeed",
        "exactly",
        "true",
        "fine",
        "oops",
        "yup",
        "ps",
        "edit",
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
        "specifically",
        "additionally",
        "alternatively",
        "apparently",
        "certainly",
        "clearly",
        "currently",
        "essentially",
        "eventually",
        "frankly",
        "fortunately",
        "generally",
        "incidentally",
        "initially",
        "interestingly",
        "naturally",
        "normally",
        "originally",
        "presumably",
        "previously",
        "recently",
        "seriously",
        "similarly",
        "typically",
        "usually",
        "secondly",
        "lastly",
        # A mail's salutation and a reply's opening word before a comma ("Greetings,",
        # "Alright, it's a bug").
        "greetings",
        "alright",
        # A sign-off ("TIA,": thanks in advance) and a reply's opening remark ("Interesting,
        # why?"): issue 18, real_dev3.
        "tia",
        "interesting",
        # Labels that open a chat line before a colon ("re: the deploy", "todo: ..."), and
        # commit-message types ("fix: ...", "feat: ...") pasted into chat and trackers: a nick
        # before a colon addresses someone, these name nobody.
        "re",
        "todo",
        *["fwd", "fw", "wip", "tldr", "nb", "q", "eta", "bug", "fix", "feat", "chore", "docs"],
        *["refactor", "perf", "test", "tests", "build", "ci", "revert", "idea", "issue"],
        *["problem", "context", "summary", "agenda", "action", "next", "hint", "tip", "info"],
        *["warning", "error", "answer", "result", "example", "output", "solution", "plan"],
        *["proposal", "goal", "reason", "cause", "workaround", "topic", "subject", "ask"],
        # The five languages' greetings, thanks, sign-offs and broadcast words ("Hola a todos,",
        # "Bonjour à tous,", "Hallo zusammen,", "Olá pessoal,", "Hoi allemaal,", "Liebe Grüße",
        # "Beste groeten", "Madame, Monsieur,").
        "a",
        "à",
        "moin",
        "servus",
        "zusammen",
        "alle",
        "allerseits",
        "leute",
        "kollegen",
        "damen",
        "herren",
        "grüße",
        "grüsse",
        "gruß",
        "danke",
        "bonjour",
        "salut",
        "madame",
        "monsieur",
        "mesdames",
        "messieurs",
        "tous",
        "toutes",
        "équipe",
        "coucou",
        "oye",
        "buenas",
        "merci",
        "cordialement",
        "hola",
        "todos",
        "todas",
        "equipo",
        "chicos",
        "gente",
        "gracias",
        "saludos",
        "olá",
        "oi",
        "pessoal",
        "galera",
        "equipe",
        "obrigado",
        "obrigada",
        "abraços",
        "hoi",
        "allemaal",
        "iedereen",
        "jongens",
        "collega's",
        "bedankt",
        "groeten",
        # The part of a greeting after "Buenas" ("Buenas tardes,"), sign-offs opening a line,
        # and words that open a French or Spanish sentence before "tu"/"vous" ("Alors tu ...").
        *["tardes", "noches", "días", "dias", "atentamente", "estimados", "estimadas"],
        *["señores", "salutations", "amicalement", "bises", "abrazos", "alors", "donc", "bon"],
        *["sinon", "et", "ok", "oui", "non", "dis", "si", "bueno", "pues", "entonces", "vale"],
        *["y", "perdón", "pardon", "désolé", "enfin", "mais", "aussi", "también", "ahora"],
        # Greetings and fillers opening a line before a comma ("Bonsoir, est-ce que ...",
        # "Porfa, alguien ...": issue 18, dev part 4).
        *["bonsoir", "allô", "allo", "dites", "porfa"],
    ]
)
# A name thanked at the head of a reply or of a paragraph ("Thanks Jason,", "Thank you
# Werner!"): in a list the reply's questions are that person's to answer. Capitalised, so
# "Thanks again" names nobody.
THANKED = Rx(
    r"(?:^|\n[ \t\r]*\n)\s*¡?(?:[Tt]hanks|[Tt]hank you|[Mm]any thanks|[Dd]anke|[Vv]ielen [Dd]ank"
    r"|[Mm]erci|[Gg]racias|[Oo]brigad[oa]|[Vv]aleu|[Bb]edankt|[Dd]ank (?:je|u))(?:,[ \t]*|[ \t]+)"
    r"(?:(?:a lot|so much|very much|again)[ \t]+)?"
    "([A-Z\u00c0-\u00d6\u00d8-\u00de][a-z\u00df-\u00f6\u00f8-\u00ff]+)"
    r"(?:[ \t]+[A-Z][a-z]+)?"
    r"[ \t]*[,!.:\n]"
    # ... or after what the thanks are for, before "!" ("Merci pour ton aide hier Clara !",
    # "¡Gracias por lo de ayer, Paula!"); not in German, whose nouns are capitalised too.
    r"|(?:^|\n[ \t\r]*\n)\s*¡?(?:[Mm]erci|[Gg]racias|[Oo]brigad[oa]|[Bb]edankt)"
    r" (?:pour|por|pelo|pela|voor)\b[^.!?\n]{0,40}?[ ,]"
    "([A-Z\u00c0-\u00d6\u00d8-\u00de][a-z\u00df-\u00f6\u00f8-\u00ff]+)[ \t]*!",
    ignore_case=False,
)
# A name before an ask ("Tom, can you ...") or after a question's comma ("How was it, Ju??").
NAMED_ASK = Rx(
    r"(?:^|[.!?\n]\s*)([A-Z][a-z]+(?: [A-Z][a-z]+)?),\s+"
    r"(?:(?:can|could|would|will) you|please|pls|would you mind|need you to)\b"
    r"|,[ \t]+([A-Z][a-z]+)[ \t]*\?",
    ignore_case=False,
)
# In French and Spanish chat the name opens the message without a comma before the ask ("Max tu
# peux regarder", "Yasmine appelle-moi", "Sergio llámame"). Apart from NAMED_ASK: joined to it,
# it doubled the cost of the rare patterns' loose union that every text is read for in SQL.
NAMED_ASK_INTL = Rx(
    "(?:^|[.!?\n]\\s*)([A-Z\u00c0-\u00d6\u00d8-\u00de][a-z\u00df-\u00f6\u00f8-\u00ff]+"
    r"(?: [A-Z][a-z]+)?)\s+(?:(?:tu peux|tu pourrais|vous pouvez"
    r"|vous pourriez|peux-tu|pourrais-tu|pouvez-vous|pourriez-vous|puedes|podrías|podés|podéis"
    r"|appelle-moi|appelez-moi|envoie-moi"
    # issue 18, dev part 5: "Yvan tu veux pas ...", "Armelle t'as eu ...", "Tati pudiste ...".
    r"|tu veux|t'as|t'aurais|pudiste)\b|llámame|llámeme|mándame|envíame|pásame)",
    ignore_case=False,
)
# En and em dashes, and typographic quotes (written as escapes: they look like ASCII ones).
DASHES = "\u2013\u2014"
# A hand pointing right (an escape: RE2 and Python read the character itself alike).
POINTING_HAND = "\U0001f449"
# What opens an item of a list: a hyphen, an asterisk, a bullet.
BULLETS = "-*\u2022"
OPEN_QUOTES = "'\"\u2018\u201c"
CLOSE_QUOTES = "'\"\u2019\u201d"
# Greetings and titles of German, French, Spanish, Portuguese and Dutch too ("Liebe Petra,",
# "Bonjour Marie,", "Hola Juan,", "Olá Pedro,", "Hoi Sanne,", "Geachte heer De Vries,"); each
# non-ASCII letter is written in both cases, as Python's `re.ASCII` folds only ASCII case.
_GREETING_INTL = (
    r"moin|servus|gr[üÜ]ezi|guten tag|lieber?|sehr geehrter?|bonjour|bonsoir|salut|coucou"
    r"|ch[èÈ]re|cher|buen(?:os|as) (?:d[íÍ]as|tardes)|buenas|hola|estimad[oa]|querid[oa]"
    r"|ol[áÁ]|oi|bom dia|boa tarde|prezad[oa]|hoi|beste|geachte|goedemorgen|goedemiddag"
    r"|all[ôÔ]|oye"
    # issue 18, dev part 5: "Oiga Don Beto,", "Dis donc Amandine,", Colombian "Qué más Sebastián,".
    r"|oiga|dis donc|qu[éÉ] m[áÁ]s"
)
_GREETING_EN = r"hi|hey|hello|hallo|hiya|dear|good (?:morning|afternoon|evening)|morning"
_GREETING = rf"(?:{_GREETING_EN}|{_GREETING_INTL})"
_TITLE = (
    r"(?:(?:(?:mr|mrs|ms|miss|mx|dr|prof|herr|frau|monsieur|madame|mme|sr|sra|srta|se[ñÑ]ora?"
    r"|senhora?|dona|heer|mevrouw|mevr|dhr|don|do[ñÑ]a|ma[îÎ]tre|profe|lic)\.?|m\.)\s+)?"
)
# A name's letters: ASCII and the accented Latin letters of the five languages ("Tomás", "João").
_NAME_START = "[a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]"
_NAME_REST = "[\\w'\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff-]"
# A name in the greeting ("Hi Sven,", "Dear Mrs. Okafor,", "Hey Ola!") or opening a line before
# a comma or a dash ("Aiko, ...", "Kenji — ...", lower-case "tom, ..." too). Group 1 or 2. The
# second form counts only on a line that opens the message or a paragraph or follows a sentence
# end: a line of a wrapped e-mail paragraph that starts "adventurous, the focus ..." addresses
# nobody.
ADDRESSEE = Rx(
    rf"(?:^|\n)[ \t]*¡?{_GREETING}[ \t]+{_TITLE}({_NAME_START}{_NAME_REST}*)"
    rf"(?:[ \t]+{_NAME_START}{_NAME_REST}*)?[ \t]*(?:[,!:.\n{DASHES}]|\s-{{1,2}}\s)"
    rf"|(?:^|\n[ \t\r]*\n|[.!?][ \t\r]*\n)[ \t]*{_TITLE}({_NAME_START}{_NAME_REST}*)"
    r"(?:-san|-sama)?[ \t]*"
    # A pointing hand after the name points the ask at it ("Théo 👉 compte-rendu du conseil";
    # issue 18, dev part 5).
    rf"(?:[,{DASHES}{POINTING_HAND}]|\s-{{1,2}}\s)"
    # A chat line opened by a nick and a colon ("helix84: do you know ..."), IRC's mention: in
    # lower case, as nicks are typed, so that a label ("PR: ...", "Figma: ...") names nobody.
    r"|^[ \t]*(?-i:([a-z][a-z0-9_'-]*)):[ \t]"
)

# Emoji and their joiners: "hey 👋" is as bare as "hey", "@lena 🙏 approve" opens with "approve".
EMOJI = "[\u2600-\u27bf\U0001f300-\U0001faff\ufe0f\u200d]"
# Where a clause starts: after a sentence mark, a comma, a spaced dash, "and" or "then", and any
# blanks or emoji that follow.
# A line break opens a clause only after a blank line: e-mail wraps sentences over lines. A blank
# line may hold a carriage return (Jira and Windows mail end lines with CR LF).
# A dot opens a clause where no word follows it at once: "network.disable.ipc" is one name.
_STOP = r"(?:[!?;:,]|\.(?:[^\w]|$))"
_OPENER = rf"(?:^|{_STOP}|\n[ \t\r]*\n|\s[-{DASHES}])(?:\s|{EMOJI})*"
_CLAUSE = rf"(?:^|{_STOP}|\n[ \t\r]*\n|\s[-{DASHES}]|\band\b|\bthen\b)(?:\s|{EMOJI})*"

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
    r"elaborate|be\s+more\s+(?:specific|precise|explicit)|"
    r"export|import|grant|give (?:\w+ )?(?:access|feedback|permission|an? (?:answer|estimate))|"
    r"place|order|pay|restart|rotate|extend|clean up|remove|delete|revoke|revert|roll ?back|"
    r"upgrade|install|enable|disable|reset|set up|configure|migrate|renew|cancel|invite|"
    r"finali[sz]e|figur(?:e|ing) out|find(?:ing)? out|work(?:ing)? out|"
    r"return|post|push|upload|sort out|agree on|sign up|follow up with|escalate|swap|replace|"
    # A release manager's asks on a tracker ("Please nominate this for Aurora approval").
    r"nominate|backport|uplift|"
    r"tell (?:me|us) (?:which|what|where|when|who|whether|if|how)|"
    r"let (?:me|us) know (?:which|where|when|who|whether|how (?:much|many|long))"
)
_ASK = (
    r"(?:can|could|would|will) (?:you|u|someone|somebody|some1|anyone|anybody|everyone|everybody|"
    r"one of you|either of you|whoever)|would you mind|need (?:you|someone|somebody) to|please|pls"
    r"|plz|kindly|(?:can|could|shall) we|help (?:me|us)"
    r"|(?:like|want|ask|asking|appreciate it if|grateful if) (?:you|someone)(?: to| could| can)?"
    r"|any chance (?:that )?(?:[\w']+ ){0,3}?(?:could|can|would|will|to)"
    # REQUEST's conditional ask ("if you could make sure ..."), and a task put to anyone
    # ("Someone should open a ticket").
    r"|if (?:you|someone|somebody|anyone|anybody) (?:could|can)"
    r"|(?:someone|somebody) (?:should|needs to)"
)
# A task stated as the team's obligation, as a tracker issue states its work ("We need to verify
# ...", "we should disable ...", "Need to get this worked in", "The *-ds.xml support needs to be
# removed", "The wiki pages are required to have ..."): an ask addressed to whoever takes it.
# The passive counts with a participle of work done on a thing, not "should be fine".
# Each participle with the verb a suggestion puts back ("needs to be removed": "could you remove").
_TASK_WORK = (
    "updated:update, removed:remove, reviewed:review, verified:verify, fixed:fix, added:add, "
    "created:create, changed:change, moved:move, merged:merge, released:release, deployed:deploy, "
    "documented:document, tested:test, checked:check, upgraded:upgrade, migrated:migrate, "
    "deleted:delete, replaced:replace, filled out:fill out, filled in:fill in, written:write, "
    "addressed:address, investigated:investigate, enabled:enable, disabled:disable, synced:sync, "
    "sync'd:sync, integrated:integrate, resolved:resolve, renamed:rename, approved:approve, "
    "signed:sign, reworked:rework, cleaned up:clean up, worked out:work out, "
    "figured out:figure out, decided:decide, determined:determine, discussed:discuss, "
    "looked at:look at, looked into:look into, set up:set up, configured:configure, "
    "installed:install, translated:translate, linked:link, published:publish, filtered:filter, "
    "expanded:expand, prepared:prepare, defined:define, refactored:refactor, rewritten:rewrite, "
    "implemented:implement, reverted:revert, corrected:correct, remade:remake, "
    "backported:backport, uplifted:uplift, labeled:label, labelled:label, noted:note, "
    "handled:handle, improved:improve, rebased:rebase, landed:land, shown:show"
)
TASK_PARTICIPLES: dict[str, str] = dict(pair.split(":") for pair in _TASK_WORK.split(", "))
# A tracker's forms name their work by the form: the verb a rewrite asks for.
FORM_ACTIONS: dict[str, str] = {
    "r?": "review",
    "approval request": "approve",
    "a": "provide",
    "an": "provide",
}
_TASK = (
    r"we(?:'ll| will)? (?:(?:really|also|either|probably|first|then|just|definitely|now) )?"
    r"(?:need|should|have to)"
)
TASK_PASSIVE = (
    r"(?:needs?|should|must|has|have) (?:still |also |\w+ly )?(?:to )?(?:be|get) (?:\w+ly )?("
    + "|".join(sorted(TASK_PARTICIPLES, key=len, reverse=True))
    + ")"
)
# Verbs that name what to do where they are asked for ("could you try unpacking ...", "can you
# include an example?") but are advice, not asks, at the start of a clause ("Try the same code").
# So are the verbs of tracker work, which a list's mail uses to describe ("..., implement it with
# Twisted's classes"), where the team is asked ("we'll have to change this", "Can you request
# uplift?").
_ASKED_VERBS = (
    r"try|mention|include|tell|show|point|recommend|suggest|unsubscribe|use|request|change|"
    r"rename|move|implement|refactor|document|remake|skip|note|make|handle|put|open|give|"
    # Work got done ("We need to get the changes ... integrated", "we need to get the sample
    # rate from the decoder").
    r"get"
)
# A function to call is work too where the team or the patch's author is told to ("We'll need to
# call this if ...", "You should probably just call Decode(kAudio) in a loop"); where a person is
# asked ("can you call me?") it is a phone call, which names no action.
_TASK_VERBS = rf"{ACTION_VERBS}|{_ASKED_VERBS}|call"
# After a bare imperative verb: what it acts on, or the end of the clause (not a colon, which
# makes "Draft:" or "Update:" a label).
_OBJECT = (
    r"(?:\s+(?:the|a|an|this|that|these|those|it|them|him|her|me|us|my|our|your|their|his|all|"
    r"both|each|one|some|any|whether|if|and|or|by|before|asap|now|today|tomorrow|pls|please|"
    r"when|what|which|how|where|who|up|out|off|over|through|to|with|for|needed|required)\b"
    r"|\s*[#@?!.,\n]|\s*$)"
)
# Words that open a direct question asking for a fact, a confirmation or a choice (a yes/no
# question on a subject, "what does ...", "any idea how ..."); not the vague ones ("can you help
# with this?", "what do we do here?"), nor "can/could/would you" with a verb outside the list.
QUESTION_OPENERS = (
    r"(?:where|when|who|whom|whose|which|how (?:much|many|long|often|can|could|do|does|did|"
    r"should|would|will|to|is|are|come|about)|why|"
    r"what(?:'s| is| are| was| were| would| could| should| does| can| will| happens| happened)|"
    r"what do you mean|what did (?:you|they|he|she|we|it)|"
    r"what [\w-]+ (?:is|are|was|were|would|could|should|does|did|do you|do they|can|will)|"
    r"what (?:do|would|should) you (?:guys |all |folks |people )?"
    r"(?:suggest|recommend|advise|propose)|"
    r"(?:do you |you )?(?:want|wanna) to|so,? (?:i guess |you mean |then )?|"
    r"any (?:idea|clues?|hints?|pointers?|way|reason|chance) (?:as to )?"
    r"(?:how|why|what|where|when|if|whether|on|of|to|for)|"
    r"(?:is|are|were|did) [\w'-]+|was (?:the|it|this|that|there|a|an|he|she|i|you)|"
    r"(?:will|would) (?:the|this|that|these|those|it|they|there|i|we|he|she)|"
    r"i (?:assume|take it|suppose|guess)|do (?:we|they|you|i|people)|does|"
    r"has|have (?:we|you|they|i|the|any)|should (?:we|i)|can (?:i|this|it)|"
    r"could (?:i|this|it)|am i|(?:does |did |has |is )?(?:anyone|anybody) (?:else |here )?"
    r"(?:going|care|cares|using|use|used|tried|seen|heard|running|working))\b"
).replace(" ", r"\s+")
# An ask for how to do something, with or without a question mark ("Any ideas or directions
# on how to fix the issue ..."): a request, and the action asked is the answer.
# A task with its subject left out, as a tracker's task list writes it ("Should probably use
# JBDS", "also should note potential for XSS", "Just need to return an empty array"): what
# opens a clause before a verb of work (not "should be fine").
_SHOULD = r"(?:also\s+|just\s+)?(?:should|needs?\s+to)\s+(?:\w+ly\s+|also\s+|still\s+|just\s+)?"
# The sender's wish for work done ("I'd like this backported").
_LIKE_DONE = (
    r"\b(?:i'?d|i would) like (?:this|it|that|these|those|them) (?:\w+ly )?("
    + "|".join(sorted(TASK_PARTICIPLES, key=len, reverse=True))
    + r")\b"
)
# A tracker issue whose text opens with the work as a bare imperative, as its title would ("Add
# in jquery mobile support for phones."): only at the text's start, and with verbs that seldom
# open a statement as a noun ("Test results: ...", "Update: ..." do) nor a list's answer ("Use
# spawnProcess instead" advises).
TITLE_IMPERATIVE = (
    r"^\s*(add|implement|create|remove|investigate|provide|document|rename|integrate|"
    r"introduce|port|list out)\s+(?:in\s+)?[\w\"'`]"
)
# Work the team is proposed ("let's add a bug link for every line", "Let's use this bug to
# figure out ..."), with what it acts on: not "let's move on", nor the sender's exhortations
# that NOT_ASKING_MORE removes first.
LETS_WORK = rf"\blet'?s\s+(?:just\s+|also\s+|now\s+)?({ACTION_VERBS}|{_ASKED_VERBS}){_OBJECT}"
HOW_TO_ASK = (
    r"any (?:ideas?|hints?|pointers?|suggestions?|directions?|advice|tips?)(?:\s+or\s+\w+)?"
    r"\s+(?:on\s+|about\s+|as\s+to\s+)?how\s+(?:to|i\s+(?:can|could|should))"
    # The question's own words where the mark is left out ("Is there a way to read files
    # asynchronously using twisted.", "How do I implement user defined options ... .").
    r"|(?:is there (?:a|any) way|is it possible)\s+to|how\s+(?:do|can|could|should)\s+(?:i|we|one)"
)
ACTION = Rx(
    rf"\b(?:{_ASK})\s+(?:[\w']+\s+){{0,3}}?({ACTION_VERBS}|{_ASKED_VERBS}|ack)\b"
    # "Would you mind" takes its verb as a gerund ("would you mind submitting a patch?").
    r"|\bwould you mind (\w{2,}ing)\b"
    rf"|\b{_TASK}\s+(?:to\s+)?(?:[\w']+\s+){{0,2}}?({_TASK_VERBS})\b|\b{TASK_PASSIVE}\b"
    # A clause-opening verb, or one after a subjectless "should" / "need to" (`_SHOULD`): one
    # alternative, as a second one opening at every clause start cost RE2 and Python a pass more.
    rf"|{_CLAUSE}(?:{_SHOULD}({ACTION_VERBS}|{_ASKED_VERBS})\b|({ACTION_VERBS}){_OBJECT})"
    r"|\b(your (?:approval|review|sign[- ]?off|decision|feedback|vote|answer|ok|okay|ack|"
    r"go-ahead|green light|signature))\b"
    r"|\b(for (?:approval|review|sign[- ]?off|a decision|signature)|approval request)\b"
    r"|\b(r\?)[a-z]"
    # A bug that states its goal ("The goal of this bug is to encapsulate ...").
    r"|\bthe goal of this (?:bug|issue|ticket|task|story|epic) is to (\w+)"
    rf"|{_LIKE_DONE}|{TITLE_IMPERATIVE}|{LETS_WORK}"
    # A reviewer's change put to the patch's author ("Note that you need to change ...", "You
    # should probably just call ...", "it might be better to rename your functions").
    r"|\b(?:you(?:'ll| will)? (?:should|need to|must|have to)|it (?:might|would) be better to)"
    rf"\s+(?:(?:\w+ly|just|also)\s+){{0,2}}({_TASK_VERBS})\b"
    # Read from "we" on, so that "we need a decision" is this and not the thing needed below.
    r"|\b(?:we (?:\w+ )?)?needs? (?:the |a |an )?(signed|approval|sign[- ]?off|signature|a decision)\b"
    # A thing the team needs made ("We need a wiki page that ...").
    rf"|\b{_TASK} (an?)\b"
    r"|\b(a decision from you)\b"
    # A direct factual question ("where is the VPN config?", "is the deploy done?").
    # A question may wrap over lines (e-mail: the words of `QUESTION_OPENERS` are separated by
    # any blanks) and hold dots that end no sentence ("9.0.0", "twistedmatrix.com...preferably");
    # a dot or line break followed by a word character keeps the scan cheap in RE2's DFA.
    rf"|(?:{_CLAUSE}|\b(?:knows?|tell me|wondering|idea|sure|or|but|so)\s+|\b\d[.)]\s+"
    rf"|[){CLOSE_QUOTES}]\s+|\n[ \t]*[{BULLETS}][ \t]+)({QUESTION_OPENERS})"
    r"(?:[^.!?\n]|[.\n][^\s.!?]|\.\.+[^\s.!?]){0,200}\?"
    # An indirect question ("I'm wondering if there is ...", "keen to know whether ...").
    # An ask for how to do something, question mark or not ("Any ideas or directions on how to
    # fix the issue ...").
    rf"|\b({HOW_TO_ASK})\b"
    # Feedback asked on posted work ("I'd appreciate comments on the approach", "I'd appreciate
    # any suggestions/comments").
    r"|\b(appreciate (?:any |some |your )?(?:suggestions(?:/| or | and ))?"
    r"(?:comments|feedback|critiques?|reviews?))\b"
    r"|\b((?:wondering|wonder|curious|keen to know|(?:like|want) to (?:know|understand)"
    r"|my questions? (?:is|are)[:,]?) (?:if|whether|how|"
    r"why|what|where|which|who)|(?:would be|i'?d be)\s+(?:most\s+|very\s+|really\s+)?interested\s+"
    r"(?:in|to)\s+(?:see|seeing|hear|hearing|know|knowing|get|getting))\b"
)
# Every verb that makes a clause-opening imperative an ask (for `is_request`), vague ones too.
ASK_VERBS = rf"{ACTION_VERBS}|reply|respond|ping|look at|take a look|have a look"
# Run on the text with every mention replaced by a comma, so "@bob review" opens a clause;
# "and"/"then" open no imperative here: "I have to install them and create a setup.py" states.
IMPERATIVE = Rx(rf"{_OPENER}(?:please\s+|pls\s+|kindly\s+)?(?:{ASK_VERBS}){_OBJECT}")
NOT_ASKING = Rx(
    r"\b(?:please|pls|plz|kindly)\s+(?:(?:take )?note|be (?:aware|informed|advised)|ignore|"
    r"disregard|understand)\b"
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
# More that only looks like an ask, removed in passes of its own after NOT_ASKING: RE2 builds
# one automaton per pattern, and these bounded scans joined to NOT_ASKING's multiplied its
# states (the union cost six times its parts in DuckDB; each pass is a cheap scan).
NOT_ASKING_MORE = Rx(
    # A suggestion phrased as a question ("How about calling pauseProducing()?", "Why not use
    # TCP?", "might I suggest 'txsmpp'?") and a guess the sender checks with nobody
    # ("presumably it would ...?").
    r"(?:^|[.!?(,\n]\s*)(?:how about|why not\s+\w)[^?\n]{0,200}\?+"
    r"|\b(?:might|may|can|could) i suggest\b[^?\n]{0,200}\?+"
    r"|\bpresumably\b(?:[^.!?\n]|[.\n][^\s.!?]){0,200}\?+"
    # A question that argues ("And why would it be?", "Why would you say there's no way?"),
    # and advice to look for oneself ("see if you can find any of the differences").
    r"|(?:^|[.!?\n]\s*)(?:and\s+|but\s+|so\s+)?why would\b[^?\n]{0,200}\?+|\bsee if (?:you|we) can\b"
    # Permission and conditional asks ("please feel free to ...", "If you really want to do that,
    # please re-open this ticket", "If you notice anything broken, please point it out").
    r"|\b(?:please |pls )?(?:feel free|(?:don'?t|do not) hesitate)\b"
    # A question in parentheses is an aside ("abandoned (?) by its author", "(which I assume
    # runs in a thread?)").
    r"|\([^()?]{0,120}\?+\s*\)"
    r"|\bif you(?:'re| are)? (?:really |still )?(?:want|wish|need|like|prefer|care|interested"
    r"|notice|spot|find|know of)\b"
    r"[^.?!\n]{0,100}?,"
    r"\s*(?:please|pls)\b[^.?!\n]{0,100}"
    # An opinion on what the team should do is no task ("I think we should go with B").
    r"|\b(?:i think|i guess|i believe|i feel|imho|imo|maybe|perhaps|i don'?t think|i do not think)"
    r" we (?:should|need)\b"
    # A conditional ask with its condition after it ("Please ask in a forum ... if you need more
    # help"), as the one with its condition first.
    r"|\b(?:please|pls)\b[^.?!\n]{0,100}?\bif you (?:really |still )?(?:want|wish|need|like|prefer)\b"
    # An offer on a condition ("please let me know if there's anything I can do").
    r"|\b(?:(?:please\s+)?let (?:me|us) know|lmk) if (?:there(?:'s| is| are)|you(?:'ve)? (?:have|"
    r"got|need|want|run|see|hit|find)|anything|something|(?:i|we) (?:can|could))\b"
    # An exhortation the sender joins ("Let's not make a big deal out of this, please", "now
    # let's please do that continuously"): a proposal, no ask.
    r"|\blet'?s (?:please\b|not\b[^.?!\n]{0,100}?\bplease\b)"
    # A leading question that offers a guess ("Aren't you adding two readers?").
    r"|(?:^|[.!?\n]\s*|\b(?:but|and|so)\s+(?:-\s+)?)(?:aren't|isn't|doesn't|wouldn't|shouldn't"
    r"|couldn't) (?:you|it|that|this|there|they)\b(?:[^.!?\n]|[.\n][^\s.!?]){0,200}\?+"
)
ENCODING_DAMAGE = Rx(
    # Characters a list archive lost to encoding damage, which print as "?" (pipermail): inside
    # a word ("Montr?al"), opening a word ("?s", a quote "?ideal?"), between lower-case words
    # where a dash was ("true ? but"), before a colon, alone on a line between others (a
    # message that is only "?" asks back), or after a full stop (a lost closing quote).
    # Bugzilla's review request "r?karlt" is no damage: a lone "r" before the "?".
    r"(?:^|\s)\?\w[^?\n]{0,200}?\?|[^\Wr]\?\w|\wr\?\w|(?-i:\s\?[ \t]+[a-z])|\?+:"
    r"|\n[ \t]*\?+[ \t]*\n|\w\.\?+"
    # A signature's dash before the name ("? Jason" on the last lines), a name's last letter
    # before a full stop ("Thomas Herv?.", "Good catch Pawe?.").
    r"|\n[ \t]*\?[ \t]+\w+[ \t]*(?:\n|$)|[^\Wr]\?\.(?:\s|$)"
    # A Python 2 traceback's frame outside any function ('File "<stdin>", line 1, in ?').
    r"|\bline \d+, in \?"
    # A French attribution line's lost "à" between a date and a clock and its lost "é" ("Le
    # lundi 06 septembre 2010 ? 08:28 ..., X a ?crit :").
    r"|\d \? \d{1,2}:\d\d|\ba \?crit\b"
)
# In French and Spanish, what only looks like an ask or a move: a question the message answers
# itself ("Le build est cassé ? Non, c'était le cache", "¿Se ha roto? No, era la caché"), a
# question that announces ("Vous savez quoi ?", "¿Sabéis qué?") or marvels ("C'est moi ou ...?",
# "¿Soy yo o ...?"), and a move refused ("pas en MP", "no por privado"). A pass of its own after
# ENCODING_DAMAGE, as the passes above; its scans are unbounded (RE2's automaton for a scan of
# up to 200 characters cost 19 us a message), and each stops at the first mark or line end, so
# Python reads each character of a sentence once per start.
NOT_ASKING_ROMANCE = Rx(
    r"(?:^|[.!?\n]\s*)[^.!?\n]*\?+\s*(?:non|oui|nan|ouais)\s*[,.!]"
    r"|¿[^?\n]*\?+\s*(?:no|sí|si)\s*[,.!]"
    r"|\b(?:vous savez|tu sais|devinez|devine) quoi\s*\?+"
    r"|¿?\b(?:sabéis|sabes|sabés|adivinad|adivina) qué\s*\?+"
    r"|\bc'est moi ou\b[^?\n]*\?+|¿?\bsoy yo o\b[^?\n]*\?+"
    r"|\b(?:pas|non|no|ni) (?:(?:en mp|en dm|par dm|par mp|por privado|en privado|por dm|"
    r"por md|por correo|por mail|par mail|par e-mail|par courriel)\b|en privé)"
    # A past call only mentioned ("como hablamos por teléfono", "lo aprobó por teléfono"; issue
    # 18, dev part 5) does not move the exchange.
    r"|\b(?:como\s+(?:hablamos|quedamos|comentamos)|lo\s+(?:apro|confirm)[óÓ])\s+por\s+"
    r"tel[éÉ]fono\b"
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
    # Ideas or comments sought from whoever has them ("if anyone has any ideas I'd love to hear
    # them", "If anyone has any comments on this application, let me know").
    r"|\bif (?:somebody|someone|anyone|anybody) has any (?:ideas?|suggestions?|thoughts|comments"
    r"|clues?|pointers|hints)\b"
    r"|\bget back to (?:me|us)\b|\b(?:wondering|curious) (?:if|whether|how|why|what|who)\b"
    # An indirect question ("I wonder how ...", "I would like to understand why ...", "So my
    # question is how do I ...").
    r"|\b(?:i wonder|(?:like|want) to (?:know|understand)|my questions? (?:is|are)[:,]?)"
    r" (?:if|whether|how|why|what|who)\b"
    # Being stuck on a named point, a problem report's ask ("I have no idea where to put a
    # LoopingCall", "It is not clear to me how to do that").
    r"|\b(?:have|had) no idea (?:what|where|how|why|whether)\b"
    # A problem report that shows the error, a request with no action named (the list exists for
    # help: "I'm getting an error while starting ...", "I got the following error ...").
    r"|\b(?:i'?m|i am) getting (?:this\s*:|the following\b|an? (?:error|exception|traceback|crash"
    r"|segfault|warning)\b)|\bi get this\s*:|\bi (?:get|got) (?:the following|an (?:error|exception))\b"
    r"|\b(?:i'?m|i am) (?:still )?not clear\b|\bnot clear to me\b"
    r"|\b(?:would be|i'?d be)\s+(?:most\s+|very\s+|really\s+)?interested\s+(?:in|to)\s+(?:see|seeing|"
    r"hear|hearing|know|knowing|get|getting)\b"
    r"|\bthanks? (?:you )?(?:in advance )?for any (?:help|input|advice|pointers|hints|suggestions)\b"
    rf"|\b{HOW_TO_ASK}\b"
    rf"|\b{_TASK}\b|\b{TASK_PASSIVE}\b|\b(?:is|are) required to\b|{_LIKE_DONE}"
    rf"|{_OPENER}(?:(?:also\s+|just\s+)?needs?\s+to\b|{_SHOULD}(?:{ACTION_VERBS}|{_ASKED_VERBS})\b)"
    # A tracker's forms that ask: a review request ("r?karlt"), an uplift's approval request,
    # and a bug report's template (a problem report, as on a list).
    r"|\br\?[a-z]|\bapproval request\b|\bsteps to reproduce\b"
    r"|\bthe goal of this (?:bug|issue|ticket|task|story|epic) is to\b"
    # A review's comments on a patch ("Review of attachment 8476420:" heads Splinter's form),
    # and a crash report filed from the crash-stats site: each asks for a change, as a problem
    # report does.
    r"|\breview of attachment \d+:|\bfiled from the socorro interface\b"
    # A title-like opening "get ..." asks for work too ("get the single page approach under
    # control"), but names no action the lint could put back.
    rf"|{TITLE_IMPERATIVE}|^\s*get\s+[\w\"'`]|{LETS_WORK}"
)

_APOSTROPHE = "['\u2019]"


def _ci(fragment: str) -> str:
    """`fragment` with each cased non-ASCII letter written as a class of both its cases."""
    return "".join(
        f"[{c.lower()}{c.upper()}]" if not c.isascii() and c.lower() != c.upper() else c
        for c in fragment
    )


def _phrase(words: str, bound_start: bool = True) -> str:
    """One plain phrase as a pattern: blanks match any blanks, apostrophes either kind.

    `bound_start` False leaves out the leading `\\b`, for units written onto a number ("48h").
    """
    body = r"\s+".join(_ci(re.escape(part)).replace("'", _APOSTROPHE) for part in words.split())
    start = r"\b" if bound_start and words[0].isascii() and words[0].isalnum() else ""
    end = r"\b" if words[-1].isascii() and words[-1].isalnum() else ""
    return start + body + end


def any_of(phrases: Iterable[str], bound_start: bool = True) -> str:
    """A group matching any of `phrases`, longest first (so "jours ouvrés" wins over "jours")."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "(?:" + "|".join(_phrase(p, bound_start) for p in ordered) + ")"


# Asks that name the task as a reminder or a need ("n'oublie pas de", "pense à", "il faudrait
# que tu", "hay que", "necesito que", "te pido que", "no olvides"): an ask with no question mark
# and no polite word, read for requests and, before a verb of the list, for the action.
INTL_NEED_ASKS = [
    *["n'oublie pas de", "n'oubliez pas de", "n'oublie pas d'", "n'oubliez pas d'", "pense à"],
    *[
        "pensez à",
        "il faudrait que tu",
        "il faudrait que vous",
        "il faut que tu",
        "il faut que vous",
    ],
    *["j'ai besoin que tu", "j'ai besoin que vous", "hay que", "necesito que", "necesitamos que"],
    *["te pido que", "os pido que", "le pido que", "les pido que", "no olvides", "no olvidéis"],
    *["no olvide", "no se olvide de", "preciso que", "precisamos que", "não esqueça de"],
    *["não se esqueça de", "não esqueçam de", "vergiss nicht", "vergesst nicht", "denk dran"],
    *["denkt dran", "denk daran", "denkt daran", "vergeet niet", "denk eraan"],
    # A wish or a need put to the reader, then the subjunctive ("j'aimerais que tu valides",
    # "j'aurais besoin que vous signiez", "hace falta que revises", "me gustaría que firmes").
    *["j'aurais besoin que", "j'aimerais que tu", "j'aimerais que vous", "je voudrais que tu"],
    *["je voudrais que vous", "hace falta que", "haría falta que", "me gustaría que"],
    *["quisiera que", "quiero que"],
    # The need put to whoever takes it, then the subjunctive ("il faudrait que quelqu'un mette
    # à jour la doc"), as the English "need someone to".
    *["il faudrait que quelqu'un", "il faut que quelqu'un", "faudrait que quelqu'un"],
]
# A need stated without a person, then the task in the infinitive ("il faudrait valider le
# devis", "faudrait relancer le fournisseur", "hace falta revisar el contrato"): a task put to
# whoever takes it, as the English "we need to ...". Read only before one of the infinitives.
INTL_IMPERSONAL_NEEDS = [
    *["il faut", "il faudrait", "il faudra", "faudrait", "hace falta", "haría falta"],
    *["es necesario", "sería necesario", "habría que", "tendríamos que", "on doit", "on devrait"],
    *["tenemos que"],
    # The task handed over, then the infinitive ("je te laisse valider la maquette", "te toca
    # revisar el acta").
    *["je te laisse", "je vous laisse", "te toca", "os toca", "le toca"],
]
# Second-person imperatives in French, Spanish and Portuguese that ask by themselves where they
# open a clause ("Marta, envía el acta", "Escríbeme por privado", "vérifiez les accès"). Not the
# forms that are also English words or nouns opening a line ("revise", "prepare", "firma:").
INTL_IMPERATIVES = [
    *["envoie", "envoyez", "écris-moi", "écrivez-moi", "vérifie", "vérifiez", "valide"],
    *["validez", "relis", "relisez", "réserve", "réservez", "mets à jour", "mettez à jour"],
    *["transmets", "transmettez", "signe", "signez", "corrige", "corrigez", "complète"],
    *["complétez", "remplis", "remplissez", "préviens", "prévenez", "envía", "envíame"],
    *["envíe", "envíen", "enviad", "manda", "mándame", "mandad", "escríbeme", "escríbame"],
    *["revisa", "revisad", "valida", "validad", "aprueba", "aprobad", "firmad", "confirma"],
    *["confirmad", "corrija", "sube", "subid", "rellena", "rellenad"],
    *["avisa", "avisad", "envie", "envia", "me manda", "confere", "assina", "me chama"],
    # Voseo and Latin American imperatives ("mandame", "revisá", "agrega", "chequea").
    *["mandame", "pasame", "enviame", "revisá", "confirmá", "mandá", "firmá", "completá"],
    *["agrega", "agreguen", "chequea", "checa", "revisen", "manden", "fijate si", "fíjate si"],
    *["revisame", "chequeen", "checken"],
]
# "Take a look" asks (a request) but names no outcome (no action): "échale un vistazo", "jette
# un œil quand tu peux".
INTL_LOOK_IMPERATIVES = [
    *["échale", "échenle", "echa un vistazo", "echad un vistazo", "echa un ojo", "dale un vistazo"],
    *["dadle un vistazo", "jette un œil", "jetez un œil", "jette un oeil", "jetez un oeil"],
    *["jette un coup d'œil", "jetez un coup d'œil", "jette un coup d'oeil", "jetez un coup d'oeil"],
]
# Nouns that name the action asked for (as "your approval", "for review"): feedback, an approval,
# a signature, an answer, a decision ("vos retours ... svp", "la revisión del PR, por favor",
# "necesito tu visto bueno", "pour validation", "zur Freigabe").
INTL_ACTION_NOUNS = [
    *["retours", "retour", "remarques", "commentaires", "validation", "approbation", "accord"],
    *["feu vert", "signature", "relecture", "confirmation", "réponse", "décision", "comentarios"],
    *["observaciones", "aprobación", "validación", "visto bueno", "firma", "revisión", "respuesta"],
    *["confirmación", "decisión", "comentários", "aprovação", "validação", "assinatura", "revisão"],
    *["confirmação", "resposta", "decisão", "feedback", "rückmeldung", "freigabe", "zustimmung"],
    *["unterschrift", "bestätigung", "antwort", "entscheidung", "reactie", "goedkeuring"],
    *["akkoord", "handtekening", "bevestiging", "antwoord", "beslissing"],
]
# The nouns of actions that open an ask in French and Spanish chat, before what they are on.
INTL_OPENING_NOUNS = [
    *["validation", "relecture", "arbitrage", "approbation", "signature", "vérification"],
    *["correction", "traduction", "confirmation", "décision", "aprobación", "revisión"],
    *["decisión", "validación", "firma", "corrección", "traducción", "confirmación"],
    "verificación",
]
# Needing or awaiting one of them from the reader ("j'attends ta validation", "besoin de votre
# accord", "a la espera de su firma", "brauche deine Freigabe"), as "waiting on your ...".
INTL_AWAITING = [
    *["besoin de", "besoin d'", "j'attends", "attendons", "en attente de", "en attente d'"],
    *["necesito", "necesitamos", "espero", "esperamos", "a la espera de", "preciso de"],
    *["precisamos de", "aguardo", "aguardamos", "brauche", "brauchen", "warte auf", "warten auf"],
    *["wacht op", "wachten op"],
    # issue 18, dev part 5: terse chat drops the "de" ("besoin validation du planning"); the
    # conditional ("necesitaríamos su visto bueno").
    *["besoin", "necesitaríamos", "necesitaría"],
]
INTL_DETERMINERS = [
    *["ton", "ta", "tes", "votre", "vos", "le", "la", "les", "l'", "une", "un", "tu", "tus", "su"],
    *["sus", "vuestro", "vuestra", "vuestros", "vuestras", "el", "los", "las", "una", "seu", "sua"],
    *["seus", "suas", "teu", "tua", "o", "a", "os", "as", "um", "uma", "dein", "deine", "deinen"],
    *["eure", "euren", "euer", "ihre", "ihren", "die", "den", "das", "eine", "ein", "je", "jouw"],
    *["uw", "jullie", "de", "het", "een"],
]
# Awaited, "go" and "OK" name an approval too ("besoin de ton go", "necesito tu OK").
_AWAITED = (
    rf"{any_of(INTL_AWAITING)}\s*(?:{any_of(INTL_DETERMINERS)}\s*)?"
    rf"({any_of([*INTL_ACTION_NOUNS, 'go', 'ok'])})"
)
# Asks for a hand, no outcome named (a request, no action), as "needs some love": "les slides
# ont besoin d'un coup de main", "el informe necesita un repaso", "necesito ayuda con ...".
INTL_HELP_WANTED = [
    *["besoin d'un coup de main", "besoin d'un petit coup de main", "besoin d'un coup de pouce"],
    *["besoin d'aide", "necesita un repaso", "necesitan un repaso", "necesita una mano"],
    *["necesitan una mano", "necesito una mano", "necesito ayuda", "necesitamos ayuda"],
]
# Instructions in the infinitive, French, Spanish and Portuguese, where they open a clause or a
# line of a list ("à faire : vérifier les sauvegardes", "- actualizar el changelog"). Not the
# infinitives that are English nouns ("installer", "archiver", "informer", "tester").
ROMANCE_INFINITIVES = [
    *["vérifier", "valider", "envoyer", "relire", "mettre à jour", "lancer", "prévenir"],
    *["corriger", "signer", "compléter", "remplir", "préparer", "publier", "créer", "ajouter"],
    *["supprimer", "réserver", "relancer", "contacter", "appeler", "planifier", "finaliser"],
    *["traduire", "nettoyer", "déployer", "configurer", "transmettre", "partager", "revisar"],
    *["renvoyer", "retourner", "rendre", "finir", "désactiver", "entregar", "arreglar"],
    *["ampliar", "cargar", "reclamar"],
    *["validar", "enviar", "actualizar", "lanzar", "avisar", "corregir", "firmar", "completar"],
    *["rellenar", "preparar", "publicar", "crear", "añadir", "eliminar", "reservar", "contactar"],
    *["planificar", "terminar", "traducir", "limpiar", "desplegar", "configurar", "compartir"],
    *["descargar", "subir", "probar", "confirmar", "aprobar", "comprobar", "atualizar"],
    *["corrigir", "assinar", "preencher", "criar", "adicionar", "verificar", "testar"],
    *["aprovar", "conferir", "compartilhar", "baixar"],
]
# The same in the five languages: a call, a private message, in person ("Ruf mich an",
# "Appelle-moi", "en visio", "Llámame", "por privado", "Me liga", "Bel me", "privébericht").
MOVE_INTL = [
    *["ruf mich an", "ruf mich kurz an", "rufen sie mich an", "per dm", "per pn"],
    *["privatnachricht", "persönlich besprechen", "persönlich klären", "in einem call"],
    *["in einem kurzen call", "appelle-moi", "appelez-moi", "en visio", "par visio"],
    *["message privé", "en mp", "en privé", "de vive voix", "par téléphone", "llámame"],
    *["llámeme", "por privado", "en privado", "por mensaje privado", "en persona"],
    *["en una llamada", "por teléfono", "videollamada", "me liga", "me ligue", "no privado"],
    *["pessoalmente", "numa chamada", "por telefone", "bel me", "bel mij", "privébericht"],
    *["persoonlijk bespreken", "in een call", "in een korte call", "llamadme", "llamadnos"],
    *["llámanos", "llámenme", "appelle-nous", "appelez-nous", "en dm", "par dm", "por dm"],
    *["por md", "par mp", "al privado"],
]
# Asked to call the writer ("tu peux m'appeler", "¿me podés llamar?", "llamarme"), or to the
# writer's desk, a coffee, a short call ("pour un appel", "una llamada rápida"): read by
# MOVE_MORE_INTL, not taken out of the words as FILLER_INTL takes MOVE_INTL's clause (its
# automaton there cost the ingest's SQL 4 us a message, issue 18, lang18x). Each opens with an
# ASCII letter ("à mon bureau" cost Python's engine half of MOVE again).
INTL_CALLED = [
    *["m'appeler", "nous appeler", "me téléphoner", "m'appelles", "llamarme", "llamarnos"],
    *["me llamas", "me llamás", "me llames", "me llamen", "devolver la llamada"],
    *["devolverme la llamada", "devuélveme la llamada", "me puedes llamar", "me podés llamar"],
    *["me podrías llamar", "me pueden llamar", "me podrían llamar", "pour un appel"],
    *["un appel rapide", "un petit appel", "un coup de fil", "un coup de téléphone", "une visio"],
    *["para una llamada", "una llamada rápida", "una llamadita", "passer me voir", "passe me voir"],
    *["passer à mon bureau", "passe à mon bureau", "pause café", "autour d'un café", "por mi mesa"],
    *["por mi despacho"],
    *["pásate por", "en el café", "tomando un café", "on s'appelle", "je t'appelle"],
    *["un petit call", "on se fait un call", "te llamo", "os llamo", "hablamos por teléfono"],
    # issue 18, dev part 4: the plural of a visit, a call "de 15 min", the coffee machine.
    *["passez me voir", "passez à mon bureau", "pour un call", "un call de", "machine à café"],
    *["por mi sitio"],
    # issue 18, dev part 5: a phone line offered ("je suis dispo au téléphone", "estoy al
    # teléfono todo el día"), talk on the phone, a visit to an office, a call returned, coffee.
    *["dispo au téléphone", "disponible au téléphone", "jaser au téléphone"],
    *["parler au téléphone", "estoy al teléfono", "disponible al teléfono"],
    *["acercarse a mi oficina", "pasar por mi oficina", "pase por mi oficina", "passes me voir"],
    *["me devuelve la llamada", "devuélvame la llamada", "pour un café", "a un café"],
    *["nos llamamos", "hacemos una llamada"],
]
# The answer asked for by mail, text or a chat app ("par mail", "por correo", "por WhatsApp"):
# apart from MOVE_INTL, as what follows them in the sentence is often the matter ("par mail, la
# banque les réclame ..."), which FILLER_INTL keeps.
INTL_CHANNELS = [
    *["par mail", "par e-mail", "par email", "par courriel", "par texto", "par sms"],
    *["par whatsapp", "por correo", "por mail", "por email", "por e-mail", "por whatsapp"],
    "por sms",
    # issue 18, dev part 4: by post, Telegram, a video call's app, to an e-mail address.
    *["par courrier", "par la poste", "par telegram", "por telegram", "par zoom", "por zoom"],
    *["por meet", "escríbeme al correo", "escribime al correo", "a mi correo"],
    "par voie postale",
]

# An attachment and "because" in the five languages ("ci-joint", "im Anhang", "adjunto", "em
# anexo", "in de bijlage"; "parce que", "weil", "porque", "omdat").
INTL_ATTACHED = [
    *["ci-joint", "ci-jointe", "ci-joints", "pièce jointe", "pièces jointes", "anhang", "anbei"],
    *["adjunto", "adjunta", "adjuntos", "en anexo", "em anexo", "anexo", "bijlage", "bijgevoegd"],
]
INTL_BECAUSE = ["parce que", "parce qu'", "puisque", "weil", "porque", "omdat"]
# Moving the exchange out of the thread: to a call, a meeting, a DM, a phone, e-mail, a chat app.
_CALL = (
    r"(?:call|zoom|meet|meeting|huddle|teams call|video call|phone call|hangout|chat|sync|1:1|"
    r"catch-?up)"
)
_ELSEWHERE = (
    r"(?:dms?|pm|private(?:ly)?|directly|e-?mail|mail|phone|whatsapp|signal|telegram|sms|text|"
    r"(?:a |the )?(?:call|zoom|huddle|phone))"
)
_MOVE_EN = (
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
# "Me rappeler" without an object calls back ("Pouvez-vous me rappeler ?", "me rappeler au sujet
# de ..."); with one it reminds ("me rappeler le mot de passe"). Talk moved to a meeting ("on en
# parle en réunion", "lo hablamos en la reunión del lunes"). Read by MOVE only, as INTL_CALLED.
_CALL_BACK = (
    r"\b(?:me|nous)\s+rappeler\s*(?:[?!.,]|$|(?:au sujet|à propos|quand|dès|demain|avant|après"
    r"|vers|sur mon|au \d)\b)"
    # A number to call ("appelez le 01 23 ...", "llame al 600 ..."; issue 18, dev part 5).
    r"|\b(?:appelez|appelle|appeler|llame|llama|llamar|llamen)\s+(?:le|au|al|el)\s+\+?\d"
)
_TALK_AT_MEETING = (
    r"\b(?:parle|parler|parlons|reparle|reparler|discute|discuter|discutons|voit|voir|hablamos"
    r"|hablarlo|hablar|comentamos|comentarlo|vemos|verlo)\b[^.!?\n]{0,40}(?:\ben| à la|\blors de la|"
    r"\ben la|\ben el|\bdurante la|\bau) (?:réunion|reunión|daily|point|visio|pause|descanso)\b"
)
_MOVE_INTL = rf"{any_of(MOVE_INTL)}|\bbespreken\b[^.!?\n]{{0,30}}\bpersoonlijk\b"
MOVE = Rx(f"{_MOVE_EN}|{_MOVE_INTL}")
# The French and Spanish moves of dev part 3 (issue 18, lang18x), apart from MOVE: joined to it
# they cost Python's engine 26 us a message on every text; apart, only where one of the words
# they all hold occurs (MOVE_MORE_GATE, found by substring: a call, a phone, mail, a desk, a
# coffee, a meeting; as a pattern the test cost 21 us).
MOVE_MORE_INTL = Rx(f"{any_of([*INTL_CALLED, *INTL_CHANNELS])}|{_CALL_BACK}|{_TALK_AT_MEETING}")
MOVE_MORE_GATE = (
    *["appel", "phon", "fil", "visio", "call", "llam", "fono", "mail", "correo", "courriel"],
    *["texto", "sms", "whatsapp", "bureau", "voir", "caf", "mesa", "despacho", "sate", "union"],
    *["unión", "daily", "point", "rappeler", "courrier", "la poste", "telegram", "zoom"],
    *["por meet", "sitio", "oficina", "pause", "descanso", "postale"],
)


def move_match(asking: str) -> re.Match[str] | None:
    """The first words that move the exchange out of the thread, read on `asking`."""
    m = MOVE.search(asking)
    if m is None:
        lower = asking.lower()
        if any(word in lower for word in MOVE_MORE_GATE):
            m = MOVE_MORE_INTL.search(asking)
    return m


CONTEXT = Rx(
    r"\[(?:attachment|file|image|screenshot)[^\]]*\]|\battached\b|\battachment\b|📎"
    r"|(?:^|[^\w&])#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b"
    r"|\b(?:context|background|details|why)\s*:|\btl;?dr\b|\bbecause\b|\bso that\b"
    # Concrete facts: an amount or a share, a named file, a numbered record.
    r"|\b\d[\d,.]*\s?(?:%|k\b|eur\b|usd\b|gbp\b|chf\b|€)|[€$£]\s?\d[\d,.]*"
    r"|\b[\w-]+\.(?:pdf|docx?|xlsx?|csv|pptx?|zip|png|jpe?g|md|txt|json|ya?ml|sql|log)\b"
    r"|\b(?:ticket|invoice|order|case|incident|request|user|customer|account|po|pr|issue|ref)\.?"
    r"\s*(?:#|no\.?|id|number)?\s*\d{3,}\b"
    # The five languages: an attachment, a numbered reference ("n° 4471", "Nr. 6612"), "because",
    # and where the material is ("dans le dossier ...", "im Ordner ...", "en la carpeta ...").
    rf"|{any_of(INTL_ATTACHED)}|(?:\bn\s?[°º]|\bn\.\s?º|\bnr\.?)\s*\d{{3,}}\b|{any_of(INTL_BECAUSE)}"
    r"|\bdans (?:le|la|les|notre|votre|ton|ce) (?:[a-z-]+ )?(?:dossier|r[eéÉ]pertoire|"
    r"drive|wiki|canal)\b|\bsur (?:le|la|les|notre|votre|ton|ce) (?:[a-z-]+ )?(?:drive|wiki|"
    r"canal)\b|\b(?:im|ins|in (?:den|das|dem|unserem|unseren)) (?:[a-z]+ )?"
    r"(?:[a-z]+-)?(?:ordner|verzeichnis|laufwerk|wiki|kanal)\b|\ben (?:la|el|nuestra|nuestro|tu|su) "
    r"(?:[a-z]+ )?(?:carpeta|drive|wiki|canal)\b|\b(?:na|nessa|nesta) (?:[a-z]+ )?(?:pasta|wiki)\b"
    r"|\bno (?:[a-z]+ )?canal\b|\b(?:in|op) (?:de|het|onze|je|jullie) (?:[a-z]+ )?(?:map|drive|"
    r"wiki|kanaal)\b"
)
# Words that say nothing about the matter in the five languages (FILLER_INTL): a hope for the reader's
# well-being to the end of its sentence, thanks, wishes and sign-offs, "when you have a moment",
# pointers to shared memory ("le truc dont on a parlé", "lo que hablamos"), and instructions in
# the infinitive ("à faire : vérifier ..."), which say what to do, not why.
INTL_HOPE = ["j'espère que", "ich hoffe", "espero que", "ik hoop dat"]
INTL_PLEASANTRIES = [
    *["merci d'avance", "merci beaucoup", "bonne journée", "bonne fin de semaine", "bonne soirée"],
    *["bon week-end", "à bientôt", "cordialement", "bien à vous", "vielen dank im voraus"],
    *[
        "vielen dank",
        "danke dir",
        "viele grüße",
        "liebe grüße",
        "beste grüße",
        "schönen feierabend",
    ],
    *["mit freundlichen grüßen", "schönes wochenende", "mil gracias", "muchas gracias"],
    *["gracias de antemano", "un abrazo", "un saludo", "saludos", "buen finde", "atentamente"],
    *["buen fin de semana", "obrigado desde já", "muito obrigado", "muito obrigada", "um abraço"],
    *["abraços", "valeu", "bom fim de semana", "atenciosamente", "alvast bedankt", "dank je"],
    *["bedankt", "groetjes", "met vriendelijke groet", "fijne avond", "fijn weekend"],
    *["quand tu as un moment", "quand vous avez un moment", "quand tu peux", "wenn du zeit hast"],
    *["cuando puedas", "cuando tengas un momento", "quando puder", "als je tijd hebt"],
    *["pas d'urgence", "keine eile", "sin prisa", "sem pressa", "geen haast", "dès que possible"],
    *["so schnell wie möglich", "lo antes posible", "o mais rápido possível", "zo snel mogelijk"],
    *["le truc dont on a parlé", "ce dont on a parlé", "wegen der sache von gestern"],
    *["die sache von gestern", "sobre lo que hablamos", "lo que hablamos", "sobre aquilo que"],
    *["aquilo que falamos", "over dat ding van gisteren", "dat ding van gisteren"],
    *["saludos cordiales", "cordiales saludos", "un cordial saludo", "bien cordialement"],
    *["salutations distinguées", "notre échange", "notre discussion", "notre conversation"],
    *["je me permets de vous relancer", "le escribo de nuevo"],
]
# Words that say nothing about the matter, removed before the words are counted: the greeting,
# the sign-off, the clause that says where to reply, "no rush"-like phrases, pleasantries and
# pointers to shared memory ("re the thing from yesterday"). The greeting is an English one: the
# five languages' greetings cost RE2 more here than the one or two words they would take off.
FILLER = Rx(
    rf"^\s*(?:{_GREETING_EN})\b[^\n,!:]{{0,30}}[,!:]?"
    r"|(?:^|\n)[ \t]*(?:(?:kind|best|warm|many|with (?:best|kind|warm))\s+(?:regards|wishes)|"
    r"regards|best|cheers|thanks(?: (?:a lot|again|in advance|so much))?|thank you(?: (?:in "
    r"advance|so much|very much))?|many thanks|thx|ty|br|all the best|sincerely|yours(?: "
    r"sincerely| truly)?)[ \t]*[,!.]?[^\n]{0,12}(?:\n[^\n]{0,40}){0,3}\s*$"
    rf"|(?:{_MOVE_EN}|\b(?:reply|respond|answer|questions?|discuss(?:ion)?|"
    r"comments?) (?:here|in (?:this|the) thread)\b|🧵)[^.!?\n]{0,200}[.!?]*"
    r"|\b(?:when you (?:get|have) a (?:chance|sec|second|min|minute|moment)|at your (?:earliest )?"
    r"convenience|no rush|soon-?ish|as soon as possible|asap|if possible|thank you in advance|"
    r"i hope (?:this|my) (?:e-?mail|mail|message) finds you well|hope you(?:'re| are) (?:well|"
    r"doing well))\b"
    r"|\b(?:re:?|about|regarding)\s+(?:the|that|this) (?:thing|issue|doc|one|topic|stuff|matter)"
    r"(?: from (?:yesterday|today|earlier|before|last \w+|the \w+))?"
    r"|\bthe (?:one|thing|doc|issue) we (?:talked|spoke|discussed|chatted) about\b"
    # A Slack emoji's short code, which names no fact though its underscore looks like code
    # (":simple_smile:", ":slightly_smiling_face:").
    r"|:[a-z][a-z0-9+-]*_[a-z0-9_+-]*:"
    # A signature: a last line of one or two words, a name or initials ("Pet", "-J", "Jean-Paul").
    r"|\n[ \t]*(?:--?|~)?[ \t]*[a-z][\w.'-]{0,20}(?: [a-z][\w.'-]{0,20})?[ \t]*\s*$"
    # Asks that say nothing about the matter.
    r"|\b(?:(?:can|could) you help(?: me)? with (?:this|that|it)|let me know|any (?:input|ideas|"
    r"thoughts)|thoughts|ideas|what do (?:we|i) do (?:here|now)|it would be great to have it)\b"
)
# A word is a run of non-blank characters (WORD) with something besides the marks that French
# typography sets apart in it (LETTER): "tu peux ... ?" made the "?" a fourteenth word. Other
# marks standing alone (a dash, an emoticon, an ellipsis) still count, as before.
_NOT_IN_WORDS = "?!:;\u00ab\u00bb\u00a1\u00bf"
_LETTER = rf"[^ \t\n\r\f\v{_NOT_IN_WORDS}]"
_NOT_LETTER = rf"[ \t\n\r\f\v{_NOT_IN_WORDS}]"
WORD = Rx(r"[^ \t\n\r\f\v]+")
LETTER = Rx(_LETTER, ignore_case=False)
# Complete information is context the receiver needs, not length: where the material is (a
# record link, an attachment, a reference: CONTEXT), or what and why in words. A long question
# alone tells only what is asked, so words count as context in two ways: statements besides the
# questions (background, what was tried, what changed), or a text that names a concrete fact
# (FACT: a number, a version, a file or code name, a proper name mid-sentence, a quoted string,
# a cause or a symptom).
MIN_CONTEXT_WORDS = 14
# "Or" between named options in French, Portuguese and Spanish (Spanish "o" before an article or a
# preposition: Portuguese "o" is an article): the options of a choice are context, and a choice
# asked for names an action.
_OR_INTL = r"\bou\b|\bo\s+(?:el|la|los|las|un|una|en|por|con|bien|al|solo|sólo)\b"
# "since", "error", "fails" in the five languages.
INTL_SYMPTOMS = [
    *["depuis", "erreur", "échoue", "échouent", "plante", "seit", "fehler", "fehlgeschlagen"],
    *["desde", "falla", "fallan", "fallo", "erro", "falha", "falham", "sinds", "fout", "faalt"],
    "mislukt",
]
# A question sentence, removed before the statement words are counted (it may wrap over lines).
QUESTION = Rx(r"[^.!?]{0,300}\?+")
# A sentence that states the task as an obligation ("We need a wiki page that ...", "It should
# not be specific to JSF"): a tracker's ask, removed like a question, so that a long task
# statement alone is not read as its own context.
# It starts at a sentence's start (tried at every character, the scan cost Python 120 us a
# text), and a sentence is bounded by its stops alone: a counted repetition costs RE2 states.
# The same in French and Spanish: a sentence that states the ask as a need, a wish or a polite
# formula ("Faudrait voir avec la compta pour ...", "hay que entregarla antes del lunes", "le
# agradecería que nos devolviera ...", "ce serait top si tu pouvais ..."): the ask, not its
# context (issue 18, info18: four dev messages of parts 3 and 4).
INTL_OBLIGATIONS = [
    *["merci de", "merci d'", "il faut", "il faudrait", "faudrait", "ce serait top si"],
    *["je vous serais reconnaissant", "je vous serais reconnaissante", "hay que"],
    *["le agradecería", "les agradecería", "le solicito", "les solicito", "sería ideal que"],
]
OBLIGATION = Rx(
    r"(?:^|[.!?\n])[^.!?\n]*?(?:\b(?:need|needs|should|required to)\b"
    rf"|{any_of(INTL_OBLIGATIONS)})[^.!?\n]*"
)
FACT = Rx(
    rf"\d|\w[._/]\w|\b[a-z]+[A-Z]\w*|(?:^|[^a-zA-Z])[`{OPEN_QUOTES}][^`{OPEN_QUOTES}"
    rf"{CLOSE_QUOTES}\n]{{2,40}}[`{CLOSE_QUOTES}]|(?i:\b(?:since|after|because|due to|as of|error|"
    r"exception|traceback|tried|getting|fails?|failed|broken|down|changed)\b)"
    rf"|(?i:{any_of(INTL_SYMPTOMS)}|{_OR_INTL})",
    ignore_case=False,
)
# A French or Spanish clock time or day of the month inside a question ("on s'appelle à 14h30 ?",
# "¿un café mañana a las 9?", "ma demande du 12 : peux-tu ... ?") says when the asked thing
# happens, which the question itself names: no fact the recipient needs (issue 18, dev parts 4
# and 5). It is removed, the rest of its question kept (group 1), before FACT is read; a clock
# in a statement ("les auditeurs arrivent à 14 h 30") still tells why the time matters. The
# words are French and Spanish only ("a las", "du", "del día"; "14h30" is how French writes a
# clock), so the other languages read the same facts as before.
INTL_ASKED_WHEN = Rx(
    r"(?:\b\d{1,2}\s?h(?:\s?\d{2})?\b|\ba\s+las?\s+\d{1,2}(?:[:h.]\d{2})?\b"
    r"|\b(?:du|del(?:\s+d[ií]a)?)\s+\d{1,2}(?:er)?\b)([^.!?:/\d][^.!?]*\?|\?|\s?:[^.!?]*\?)"
)
# "At least MIN_CONTEXT_WORDS words" as one match, for SQL: far cheaper there than listing the
# words (Python counts them: the same answer, and linear in its backtracking engine).
# Each word is read from its first character that is no such mark to the blank after it, and
# what follows up to the next such character is passed over: fourteen of them, a blank between
# each two, are fourteen words.
MANY_WORDS = Rx(
    rf"(?:{_LETTER}[^ \t\n\r\f\v]*[ \t\n\r\f\v]{_NOT_LETTER}*){{{MIN_CONTEXT_WORDS - 1}}}{_LETTER}",
    ignore_case=False,
)

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
# A number word ends at a word boundary: "in and" is no "in an d(ay)".
NUM = r"(\d+|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)"
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
    # "by tonight" names today without a time, as "today" does; "tonight" alone dates an event
    # in chat ("meetup tonight"), not an answer.
    "eod": Rx(
        r"\b(?:eod|cob|end of (?:the )?(?:business |working )?day|close of business|today"
        r"|(?:by|before|until|till) tonight)\b"
    ),
    # "by the weekend", "before this weekend": the end of the week, as "Wochenende" is.
    "eow": Rx(rf"\b(?:eow|end of (?:the |this )?week|{PREP}\s+(?:the\s+|this\s+)?weekend)\b"),
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
# --- Windows and requests in German, French, Spanish, Portuguese and Dutch (issue 18) ---
# One block per kind of phrase, each listing the five languages' words; the words of different
# languages do not clash where they are read (a preposition, then a weekday or a date), so no
# language needs guessing to find a window. Numeric dates after these prepositions are read day
# first (12/03 = 12 March): every one of the five languages writes the day first. Words are plain
# phrases turned into patterns by `_any`: each non-ASCII letter becomes a class of both its cases
# (Python's `re.ASCII` folds only ASCII case, RE2 folds all, so both must be written), and `\b`
# is put only next to an ASCII letter or digit (`\b` beside "é" never holds in either engine).


# An apostrophe, typed or typographic.
# Weekday -> Monday 0 ... Sunday 6; month -> 1..12; number words -> value.
INTL_WEEKDAYS: dict[str, int] = {
    **dict.fromkeys(["montag", "lundi", "lunes", "segunda", "maandag"], 0),
    **dict.fromkeys(["dienstag", "mardi", "martes", "terça", "terca", "dinsdag"], 1),
    **dict.fromkeys(["mittwoch", "mercredi", "miércoles", "miercoles", "quarta", "woensdag"], 2),
    **dict.fromkeys(["donnerstag", "jeudi", "jueves", "quinta", "donderdag"], 3),
    **dict.fromkeys(["freitag", "vendredi", "viernes", "sexta", "vrijdag"], 4),
    **dict.fromkeys(["samstag", "samedi", "sábado", "sabado", "zaterdag"], 5),
    **dict.fromkeys(["sonntag", "dimanche", "domingo", "zondag"], 6),
}
INTL_MONTHS: dict[str, int] = {
    **dict.fromkeys(["januar", "jänner", "janvier", "enero", "janeiro", "januari"], 1),
    **dict.fromkeys(["februar", "février", "fevrier", "febrero", "fevereiro", "februari"], 2),
    **dict.fromkeys(["märz", "maerz", "mars", "marzo", "março", "marco", "maart"], 3),
    **dict.fromkeys(["april", "avril", "abril"], 4),
    **dict.fromkeys(["mai", "mayo", "maio", "mei"], 5),
    **dict.fromkeys(["juni", "juin", "junio", "junho"], 6),
    **dict.fromkeys(["juli", "juillet", "julio", "julho"], 7),
    **dict.fromkeys(["august", "août", "aout", "agosto", "augustus"], 8),
    **dict.fromkeys(["september", "septembre", "septiembre", "setiembre", "setembro"], 9),
    **dict.fromkeys(["oktober", "octobre", "octubre", "outubro"], 10),
    **dict.fromkeys(["november", "novembre", "noviembre", "novembro"], 11),
    **dict.fromkeys(["dezember", "décembre", "decembre", "diciembre", "dezembro", "december"], 12),
}
INTL_NUMBERS: dict[str, int] = {
    **dict.fromkeys(["ein", "eine", "einem", "einer", "einen", "un", "une", "uno", "una"], 1),
    **dict.fromkeys(["um", "uma", "een", "één"], 1),
    **dict.fromkeys(["zwei", "deux", "dos", "dois", "duas", "twee"], 2),
    **dict.fromkeys(["drei", "trois", "tres", "três", "drie"], 3),
    **dict.fromkeys(["vier", "quatre", "cuatro", "quatro"], 4),
    **dict.fromkeys(["fünf", "cinq", "cinco", "vijf"], 5),
    # French and Spanish durations written in words up to ten ("un plazo de diez días hábiles",
    # issue 18, dev part 5).
    **dict.fromkeys(["six", "seis"], 6),
    **dict.fromkeys(["sept", "siete"], 7),
    **dict.fromkeys(["huit", "ocho"], 8),
    **dict.fromkeys(["neuf", "nueve"], 9),
    **dict.fromkeys(["dix", "diez"], 10),
}
# "next <weekday>": the weekday of the following calendar week, as the English "next Tuesday".
INTL_NEXT = frozenset(
    [
        "nächsten",
        "nächste",
        "nächster",
        "prochain",
        "prochaine",
        "próximo",
        "próxima",
        "proximo",
        "proxima",
        "que viene",
        "que vem",
        "volgende",
        "volgende week",
    ]
)
_INTL_QUALIFIERS = [*INTL_NEXT, "kommenden", "kommende", "diesen", "diese", "ce", "este", "esta"]
_INTL_QUALIFIERS += ["deze", "aanstaande"]
INTL_PREPOSITIONS = (
    # German
    [
        "bis",
        "bis zum",
        "bis zur",
        "bis am",
        "bis spätestens",
        "bis spätestens am",
        "spätestens",
        "spätestens am",
        "spätestens bis",
        "vor",
        "vor dem",
        "fällig am",
        "fällig bis",
        "frist:",
        # French
        "d'ici",
        "d'ici à",
        "d'ici au",
        "avant",
        "avant le",
        "pour",
        "au plus tard",
        "jusqu'à",
        "jusqu'au",
        "échéance :",
        "échéance:",
        # Spanish
        "para",
        "antes de",
        "antes del",
        "hasta",
        "a más tardar",
        "como tarde",
        "como muy tarde",
        "plazo:",
        # Portuguese
        "até",
        "antes da",
        "antes do",
        "no máximo até",
        "o mais tardar",
        "prazo:",
        # Dutch
        "voor",
        "vóór",
        "uiterlijk",
        "uiterlijk op",
        "tot",
        "tot en met",
        "ten laatste",
        "tegen",
    ]
)
PREP_INTL = any_of(INTL_PREPOSITIONS)
_ARTICLE_INTL = (
    r"(?:\s+"
    + any_of(
        [
            "le",
            "la",
            "el",
            "los",
            "las",
            "o",
            "a",
            "as",
            "à",
            "às",
            "ao",
            "den",
            "dem",
            "het",
            "dia",
        ]
    )
    + r"){0,2}"
)
_WEEKDAY_INTL = rf"({any_of(INTL_WEEKDAYS)})(?:-feira\b|\s+feira\b)?"
_MONTH_INTL = f"({any_of(INTL_MONTHS)})"
_NUM_INTL = rf"(\d+|{any_of(INTL_NUMBERS)})"
# Duration units: hours, minutes, business days, days, weeks in the five languages.
INTL_UNITS: dict[str, str] = {
    **dict.fromkeys(["stunde", "stunden", "std", "heure", "heures", "hora", "horas", "uur"], "h"),
    **dict.fromkeys(["uren", "h"], "h"),
    **dict.fromkeys(["minute", "minuten", "minutes", "min", "minuto", "minutos"], "m"),
    **dict.fromkeys(["werktag", "werktage", "werktagen", "arbeitstag", "arbeitstage"], "b"),
    **dict.fromkeys(["arbeitstagen", "jours ouvrés", "jours ouvrables", "jours ouvres"], "b"),
    **dict.fromkeys(["días hábiles", "dias habiles", "días laborables", "dias laborables"], "b"),
    **dict.fromkeys(["dias úteis", "dias uteis", "werkdag", "werkdagen"], "b"),
    **dict.fromkeys(["tag", "tage", "tagen", "jour", "jours", "día", "días", "dia", "dias"], "d"),
    **dict.fromkeys(["dag", "dagen"], "d"),
    **dict.fromkeys(["woche", "wochen", "semaine", "semaines", "semana", "semanas"], "w"),
    **dict.fromkeys(["week", "weken"], "w"),
}
WITHIN_INTL = any_of(
    [
        "innerhalb",
        "innerhalb von",
        "innerhalb der nächsten",
        "binnen",
        "in",
        "in den nächsten",
        "dans",
        "dans les",
        "dans les prochaines",
        "sous",
        "d'ici",
        "en",
        "en las próximas",
        "en los próximos",
        "en un plazo de",
        "dentro de",
        "dentro de las próximas",
        "em",
        "nas próximas",
        "nos próximos",
        "no prazo de",
        "in de komende",
        "in de volgende",
        # A time limit stated as such ("Délai : 10 jours", "Plazo: 10 días", "en un máximo de 2
        # horas"; issue 18, dev part 5); "délai" without its colon is a property ("délai 48 h").
        *["délai :", "délai:", "dans un délai de", "plazo:", "plazo :", "en un máximo de"],
    ]
)
# A clock time in the five languages: 15:00, 15h, 15h30, 15 Uhr, 15.00 uur, midi: groups hour,
# minute (first form), hour (second form), noon word.
_CLOCK_INTL = (
    r"(?:(\d{1,2})(?::|h|\.)(\d{2})(?:\s*(?:uhr|h|uur)\b)?|(\d{1,2})\s*"
    + any_of(["uhr", "h", "heures", "heure", "horas", "hora", "uur"], bound_start=False)
    + "|("
    + any_of(["mittag", "midi", "mediodía", "mediodia", "meio-dia", "meio dia", "middag"])
    # Spanish writes the hour after "las" without a unit ("antes de las 18", "a las 9:30").
    + r")|\blas\s+(\d{1,2})(?::(\d{2}))?\b)"
)
# Meetings and parts of the day a clock time may follow after "avant"/"antes de".
INTL_MEETINGS = [
    *["réunion", "point", "call", "démo", "visio", "comité", "présentation", "ce soir"],
    *["reunión", "llamada", "demo", "presentación", "esta tarde", "esta noche"],
    # issue 18, dev part 5: a visit (a doctor's round, a client's) at a time.
    *["visite", "visita"],
]
_BY_DAY_ES = ["a más tardar el", "a mas tardar el", "antes del", "para el", "hasta el"]
INTL_NOON = frozenset(["mittag", "midi", "mediodía", "mediodia", "meio-dia", "meio dia", "middag"])
INTL_WINDOWS: dict[str, Rx] = {
    "intl_weekday": Rx(
        rf"{PREP_INTL}{_ARTICLE_INTL}\s+(?:({any_of(_INTL_QUALIFIERS)})\s+)?{_WEEKDAY_INTL}"
        rf"(?:\s+({any_of(INTL_NEXT)}))?"
    ),
    # dd.mm. (the final dot belongs to the date), dd/mm or dd-mm, an optional year: groups day,
    # month and year after a dot, month and year after a slash or a hyphen.
    "intl_numeric": Rx(
        rf"{PREP_INTL}{_ARTICLE_INTL}\s+(0?[1-9]|[12]\d|3[01])"
        r"(?:\.(0?[1-9]|1[0-2])\b(?:\.(\d{4}|\d{2})\b|\.)?"
        r"|[/-](0?[1-9]|1[0-2])\b(?:[/-](\d{4}|\d{2})\b)?)"
    ),
    "intl_day_month": Rx(
        rf"{PREP_INTL}{_ARTICLE_INTL}\s+(?:{any_of(INTL_WEEKDAYS)}\s+)?(0?[1-9]|[12]\d|3[01])"
        r"(?:\.|er\b)?\s+(?:de\s+)?"
        rf"{_MONTH_INTL}(?:\s+(?:de\s+)?(\d{{4}})\b)?"
    ),
    # A calendar week (KW 12, semaine 12, semana 12, week 12): its Friday. "Ende"/"fin de la"
    # before it belong to the match, so that it is longer than "fin de la semaine" at the same place.
    "intl_calweek": Rx(
        r"(?:"
        + any_of(["ende", "fin", "final", "fim", "eind", "einde", "end"])
        + r"\s+(?:"
        + any_of(["of", "de", "da", "do", "del", "van", "der", "la", "the"])
        + r"\s+){0,2})?\b(?:kw|kalenderwoche|cw|semaine|semana|week|wk)\.?\s*(\d{1,2})\b"
    ),
    "intl_within": Rx(rf"{WITHIN_INTL}\s+{_NUM_INTL}\s*({any_of(INTL_UNITS, bound_start=False)})"),
    # "Avant la réunion de 15h", "avant ce soir 18h": the meeting's or the evening's time, as the
    # English "before the 4pm standup" (issue 18, dev part 4).
    "intl_time": Rx(
        rf"{PREP_INTL}{_ARTICLE_INTL}\s+(?:{any_of(INTL_MEETINGS)}[^.!?\n\d]{{0,30}}?\s)?"
        rf"{_CLOCK_INTL}"
    ),
    # A call proposed at a time ("en visio vers 15h", "on s'appelle à 14h30", "¿nos llamamos a
    # las 14:30?"): the meeting the request is for, its start the deadline (issue 18, dev part 5).
    "intl_call_time": Rx(
        any_of(["on s'appelle", "en visio", "une visio", "nos llamamos", "una videollamada"])
        + r"[^.!?\n\d]{0,20}?\s"
        + any_of(["à", "vers", "a", "tipo", "hacia"])
        + r"\s+"
        + _CLOCK_INTL
    ),
    "intl_eod": Rx(
        any_of(
            [
                "heute",
                "feierabend",
                "tagesende",
                "ende des tages",
                "aujourd'hui",
                "fin de journée",
                "fin de la journée",
                "fin de journee",
                "fin de la journee",
                "hoy",
                "fin del día",
                "final del día",
                "fin del dia",
                "final del dia",
                "hoje",
                "fim do dia",
                "final do dia",
                "vandaag",
                "einde van de dag",
                "eind van de dag",
            ]
        )
    ),
    # The day after tomorrow; before "intl_tomorrow", whose word it holds at a later place.
    "intl_day_after": Rx(
        any_of(["après-demain", "apres-demain", "après demain", "pasado mañana", "pasado manana"])
    ),
    # A bare day of the month after "avant le", "pour le", "a más tardar el", "antes del" that
    # ends its clause ("avant le 3 svp", "a más tardar el 15, firmamos el 16"): the next such
    # day (issue 18, dev parts 4 and 5). Only where a mark, the line's end or a polite or
    # deadline word follows: "pour le 15 personnes" or "el 3 de" are no day.
    "intl_month_day": Rx(
        any_of([*["avant le", "pour le", "d'ici le", "au plus tard le", "jusqu'au"], *_BY_DAY_ES])
        + r"\s+(0?[1-9]|[12]\d|3[01])(?:er)?(?:\s*[,.;!?)]|\s*$|\s+"
        + any_of(["svp", "stp", "porfa", "por favor", "au plus tard", "como tarde", "sinon"])
        + ")"
    ),
    "intl_eow": Rx(
        any_of(
            [
                "ende der woche",
                "ende dieser woche",
                "wochenende",
                "fin de semaine",
                "fin de la semaine",
                "fin de semana",
                "fin de la semana",
                "final de la semana",
                "transcurso de esta semana",
                "transcurso de la semana",
                "fim da semana",
                "final da semana",
                "fim de semana",
                "einde van de week",
                "eind van de week",
                "einde van deze week",
                "eind van deze week",
                # The end of next week: its Friday (issue 18, dev part 5).
                *["fin de la semaine prochaine", "fin de semaine prochaine"],
                *["fin de la semana que viene", "fin de la semana próxima"],
                *["termine la semana que viene", "acabe la semana que viene"],
            ]
        )
    ),
    "intl_tomorrow": Rx(any_of(["morgen", "demain", "mañana", "manana", "amanhã", "amanha"])),
}
WINDOWS.update(INTL_WINDOWS)
# Read after FILLER, apart: RE2's automaton for the two joined cost four times their sum, and
# removing the matches of a larger FILLER cost 25 us more per message in SQL. The clause that
# moves the exchange elsewhere, as in FILLER, but not the question mark that ends it ("tu peux
# m'envoyer ... en privé stp ?" is a question, not a statement); the greeting and a signature of
# one to three words, the first a capital, after a blank line or a sign-off's comma ("Élodie
# Marchand", "María José Fernández"; not a wrapped paragraph's last line); and a deadline's clock
# time in French and Spanish ("avant 14h", "antes de las 18"): an hour says nothing about the
# matter. After the prepositions that open with an ASCII letter (INTL_BY): "échéance :" cost
# Python's engine 50 us a message here, the others 14. A date stays a fact: taking dates out
# too (issue 18, lang18x) cost the dev part 3 as many true positives as false ones.
INTL_BY = [word for word in INTL_PREPOSITIONS if word[0].isascii()]
_CAPITAL = "[A-Z\u00c0-\u00de]"
FILLER_INTL = Rx(
    rf"(?:{_MOVE_INTL})[^.!?\n]{{0,200}}[.!]*"
    rf"|{any_of(INTL_HOPE)}[^.!?\n]*[.!?]*|{any_of(INTL_PLEASANTRIES)}"
    rf"|{_OPENER}{any_of(ROMANCE_INFINITIVES)}[^.!?\n]*"
    rf"|^\s*(?:{_GREETING_INTL})\b[^\n,!:]{{0,30}}[,!:]?"
    rf"|(?:\n[ \t]*\n|[,!][ \t]*\n)[ \t]*(?-i:{_CAPITAL})[^\s\d.]{{0,20}}"
    r"(?:[ \t]+[^\s\d.]{1,20}){0,2}\s*$"
    rf"|{any_of(INTL_BY)}{_ARTICLE_INTL}\s+{_CLOCK_INTL}"
)
# Words that look like a window but greet or say when in the day ("Guten Morgen", "esta mañana"):
# replaced before windows are read.
NOT_WINDOW = Rx(
    any_of(
        [
            "guten morgen",
            "goede morgen",
            "goeden morgen",
            "por la mañana",
            "de la mañana",
            "esta mañana",
            "en la mañana",
            "por la manana",
            "esta manana",
            *["heute morgen", "seit heute", "schönes wochenende", "schönen feierabend"],
            *["bon week-end", "bonne fin de semaine", "buen fin de semana", "buen finde"],
            *["bom fim de semana", "ótimo fim de semana", "desde hoje", "hoje de manhã"],
            *["fijn weekend", "prettig weekend"],
        ]
    )
    + r"|^\s*morgen\s*[,!]"
    # A time word that dates something else than the answer (issue 18, real lists): a log line's
    # timestamp (seconds written), a build's date in parentheses and a screenshot's name, a day
    # that opens the sender's plan ("Tomorrow I'm going to ..."), the sender's past ("I was
    # trying it today"), the sender's own plan or commitment or another person's ("I'll be there
    # until Wednesday", "we will try to merge it before next Monday", "she will do it by
    # tomorrow EOD", "my plan is to ..."), lazy consensus ("if nobody objects by tomorrow"), and
    # a release or a result said to come ("10.1 will be out by Friday", "won't be available
    # until"). Each is removed to the end of its sentence: an unbounded tail (nothing follows
    # it, so Python does not backtrack), as bounded ones joined in one pattern cost RE2 thirty
    # times as much. The past and "my plan" read on over wrapped e-mail lines that go on in lower
    # case (a real list's sentences wrap; a new line in capitals is a new sentence in chat too);
    # the past stops at a comma, which in chat often opens the ask ("I tried it today, can you
    # ...").
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}| at \d{1,2}\.\d{2}\.\d{2})|\(\d{4}-\d{2}-\d{2}\)"
    r"|\b(?:today|tomorrow|tonight)\s*,?\s+(?:i|we)(?:'m|'ll|'re| am| will| are| shall)\b[^.!?\n]*"
    r"|\b(?:i|we)\s+(?:(?:was|were)\s+(?:trying|working|testing|playing|looking|reading|running|"
    r"using|talking)|tried|decided|started|noticed|spent|installed|upgraded|restored|managed)\b"
    r"[^.!?\n,;]*(?:\n(?-i:[a-z(])[^.!?\n,;]*)*"
    r"|\b(?:my|our) plan is to\b[^.!?\n]*(?:\n(?-i:[a-z(])[^.!?\n]*)*"
    r"|\b(?:i|we|he|she|they)(?:'ll| will| shall| am going to| are going to|'m going to|'re going to| plan to|"
    r" intend to| hope to| expect to| aim to)\s+(?:(?:probably|likely|then|also|just|definitely|"
    r"hopefully|try to|be able to)\s+){0,2}(?:release|ship|send|do|merge|publish|post|start|"
    r"finish|tag|cut|announce|make|land|deploy|review|update|write|upload|commit|put|push|fix|"
    r"look|check|try|work|get|be|go|leave|travel|stay|keep|wait|open|file|close|see|meet|come|"
    r"join|return)\b[^.!?\n]*"
    r"|\b(?:if|unless|as long as)\s+(?:nobody|no one|no-one|noone|there (?:are|is) no|there'?s no|"
    r"i (?:don'?t|do not) hear|we (?:don'?t|do not) hear|i hear no|we hear no|no objections?|"
    r"someone|somebody|anyone|anybody)\b[^.!?\n]*"
    r"|\b(?:will|should|would|shall|is|are|'ll|won't|will not)\s+(?:be\s+)?(?:out|released|available|ready|tagged|"
    r"frozen|branched|cut|shipped|published|uploaded|merged|landed)\s+(?:by|before|until|till|"
    r"on|in)\b[^.!?\n]*"
)


def window_text(plain: str) -> str:
    """`plain` without greetings and times of day that read like windows ("Guten Morgen")."""
    return NOT_WINDOW.compiled.sub(" ", plain)


# French and Spanish asks that are requests with or without their question mark: the French ask
# in question order or the conditional (a "?" before a lower-case word reads as encoding damage,
# `ENCODING_DAMAGE`: "tu peux m'aider ? je galère"), "is it possible", "do you think you can",
# "tell me" and "let me know" ("dis-moi si ...", "fais-moi signe", "avísame"), thanks or prayers
# in advance ("je vous remercie de bien vouloir", "nous vous prions de", "le agradeceré que"),
# "a ver si alguien puede", and asking whether the reader is free ("t'es dispo ?").
INTL_ASKS_ANYHOW = [
    *["peux-tu", "pourrais-tu", "pouvez-vous", "pourriez-vous", "tu pourrais", "vous pourriez"],
    *["tu peux", "serait-il possible", "est-il possible de", "sería posible que"],
    *["crees que podrás", "crees que puedes", "tu penses pouvoir", "vous pensez pouvoir"],
    *["dis-moi", "dites-moi", "dime", "decidme", "dígame", "díganme", "fais-moi signe"],
    *["faites-moi signe", "tiens-moi au courant", "tenez-moi au courant", "tiens-moi informé"],
    *["tenez-moi informé", "avísame", "avíseme", "avisadme", "me avisas", "me avisás"],
    *["mantenme al tanto", "tenme al tanto", "remercie de bien vouloir", "vous prions de"],
    *["remercions de bien vouloir", "agradeceré que", "le agradeceré", "te agradeceré"],
    *["a ver si alguien", "a ver si puedes", "a ver si podéis", "a ver si podés", "a ver si me"],
    *["a ver si nos", "dispo pour", "t'es dispo", "tu es dispo", "vous êtes dispo", "es-tu dispo"],
    # issue 18, dev part 5: handing a task over.
    *["je te laisse la main", "te dejo a cargo"],
    *["veux-tu", "voudrais-tu", "voudriez-vous", "te dérangerait de", "vous dérangerait de"],
    *["harías el favor de", "hazme el favor de", "serías tan amable de", "sería tan amable de"],
    # issue 18, dev part 4: someone asked, formal thanks that ask, "les solicito".
    *["quelqu'un peut", "quelqu'un pourrait", "qqun peut", "qqn peut", "saurions gré de"],
    *["saurais gré de", "serais reconnaissant", "serions reconnaissants", "le solicito"],
    *["les solicito", "le solicitamos", "les solicitamos", "hacés el favor de"],
    *["serais reconnaissante", "auriez-vous l'amabilité", "aurais-tu la gentillesse"],
]
# A need stated as a fact about the reader's part: "il manque encore ta note de frais", "falta tu
# hoja de gastos" (send it), as the English "still need your ...".
INTL_MISSING = (
    r"\b(?:il (?:me |nous )?)?(manque|manquent) (?:encore |toujours )?(?:ta|ton|tes|votre|vos)\b"
    r"|\b(falta|faltan) (?:todavía |aún )?(?:tu|tus|su|sus|vuestro|vuestra|vuestros|vuestras)\b"
)
# Asks in the five languages that carry no question mark: polite words ("bitte", "s'il te
# plaît", "por favor", "alsjeblieft", "graag"), "merci de <verb>", "wir bitten um", "le
# rogamos", "pedimos que", and "<that> would be great". Read on the text with mentions as
# commas, after NOT_ASKING_INTL removed what only looks like an ask ("bitte beachten", "merci
# pour votre aide", "graag gedaan").
REQUEST_INTL = Rx(
    any_of(
        [
            "bitte",
            "bitten um",
            "bitte um",
            "wäre super",
            "wäre toll",
            "wäre klasse",
            "wäre nett",
            "wäre prima",
            "wäre hilfreich",
            "gib mir bescheid",
            "gebt mir bescheid",
            "sag bescheid",
            "sagt bescheid",
            "s'il te plaît",
            "s'il vous plaît",
            "s'il te plait",
            "s'il vous plait",
            "svp",
            "stp",
            "veuillez",
            "seraient top",
            "serait top",
            "serait super",
            "serait génial",
            "serait parfait",
            "je vous prie de",
            "por favor",
            "porfa",
            "por fa",
            "le rogamos",
            "les rogamos",
            "os ruego",
            "te ruego",
            "le ruego",
            "sería genial",
            "serían geniales",
            "sería ideal",
            "agradecería",
            "por gentileza",
            "pedimos que",
            "peço que",
            "solicitamos que",
            "solicito que",
            "seria ótimo",
            "seria otimo",
            "seria ideal",
            "alsjeblieft",
            "alstublieft",
            "aub",
            "a.u.b.",
            "graag",
            "zou top zijn",
            "zou fijn zijn",
            "zou mooi zijn",
        ]
    )
    + f"|{any_of(INTL_ASKS_ANYHOW)}|{INTL_MISSING}|¿"
    + rf"|\bmerci\s+d(?:e\s+|{_APOSTROPHE})(?:bien\s+vouloir\s+)?(?:nous\s+|me\s+|m{_APOSTROPHE})?"
    + r"[^\s,.!?]{0,30}(?:er|ir|re)\b"
    + f"|{any_of(INTL_NEED_ASKS)}|{_OPENER}¿?{any_of([*INTL_IMPERATIVES, *INTL_LOOK_IMPERATIVES, *ROMANCE_INFINITIVES])}"
    + f"|{any_of(INTL_HELP_WANTED)}|{_AWAITED}"
    + rf"|{any_of(INTL_IMPERSONAL_NEEDS)}\s+(?:[^\s,.!?]+\s+)?{any_of(ROMANCE_INFINITIVES)}"
    + r"|\bbrauche\s+(?:[^\s,.!?]+\s+){0,4}?"
    + any_of(["go", "ok", "okay", "freigabe", "feedback", "rückmeldung", "antwort", "input"])
    # The noun of an action opening a clause, then a deadline in the same sentence ("Arbitrage
    # entre les deux transporteurs ... pour le 15 au plus tard", "Aprobación del presupuesto ...
    # a más tardar el 3"; issue 18, dev part 5).
    + rf"|{_OPENER}¿?{any_of(INTL_OPENING_NOUNS)}\s+{any_of(['du', 'de', 'des', 'entre', 'del'])}"
    + r"[^.!?\n]{0,80}?"
    + any_of(["avant", "pour le", "d'ici", "au plus tard", "a más tardar", "antes de", "para el"])
)
NOT_ASKING_INTL = Rx(
    any_of(
        [
            "bitte beachten",
            "bitte beachtet",
            "bitte beachte",
            "bitte ignorieren",
            "bitte schön",
            "bitte sehr",
            "merci pour",
            "merci de votre",
            "merci de vos",
            "merci de ton",
            "merci de ta",
            "merci de tes",
            "veuillez trouver",
            "veuillez noter",
            "graag gedaan",
            "ignorad por favor",
            "por favor ignorad",
            "por favor, ignorad",
        ]
    )
)


def intl_asking_text(clauses: str) -> str:
    """`clauses` without phrases that only look like asks in the five languages."""
    return NOT_ASKING_INTL.compiled.sub(" ", clauses)


# The action asked for in the five languages: an ask ("kannst du", "pourrais-tu", "¿puedes",
# "você pode", "kun je", "bitte", "merci de", "por favor", "graag", ...) and, later in the same
# sentence, a verb that names what to do (German puts it at the end: "Kannst du bis Freitag den
# Bericht prüfen?"). Group 1 is the verb.
_ASK_INTL = any_of(
    [
        "kannst du",
        "könntest du",
        "könnt ihr",
        "könntet ihr",
        "können sie",
        "könnten sie",
        "kann jemand",
        "könnte jemand",
        "würdest du",
        "würden sie",
        "bitte",
        "wir bitten um",
        "schaffst du es",
        "peux-tu",
        "pourrais-tu",
        "pouvez-vous",
        "pourriez-vous",
        "tu peux",
        "tu pourrais",
        "vous pouvez",
        "quelqu'un peut",
        "quelqu'un pourrait",
        "peut-il",
        "merci de",
        "merci d'",
        "svp",
        "stp",
        "puedes",
        "podrías",
        "podéis",
        "podría",
        "puede",
        "alguien puede",
        "alguien podría",
        "por favor",
        "porfa",
        "le rogamos",
        "você pode",
        "você poderia",
        "você consegue",
        "vocês podem",
        "poderia",
        "pode",
        "alguém pode",
        "alguém poderia",
        "pedimos que",
        "solicitamos que",
        "solicito que",
        "kun je",
        "kunt u",
        "zou je",
        "zou u",
        "kunnen jullie",
        "wil je",
        "wilt u",
        "kan iemand",
        "zou iemand",
        "graag",
        "alsjeblieft",
        "aub",
        *["vous pourriez", "tu pourras", "vous pourrez", "pourras-tu", "pourrez-vous"],
        *["te importaría", "le importaría", "os importaría", "me ayudas a", "me ayudáis a"],
        # Someone asked to do it for the writer ("¿alguien me explica ...?"), a plan put as a
        # question ("tu vas relancer ...?", "¿vas a enviar ...?").
        *["alguien me", "alguien nos", "tu vas", "vous allez", "vas a", "vais a"],
        # The reader asked to do it for the writer ("tu me fais un retour ?", "vous nous
        # confirmez ...", "ça te dit de relire ...?", "¿te animas a revisar ...?").
        # "Ça" is left out: an ask that opens with a letter outside ASCII has no word boundary
        # before it in Python, and one such alternative cost the list four times as much there.
        *["tu me", "tu m'", "vous me", "vous m'", "tu nous", "vous nous", "te dit de"],
        *["vous dit de", "te animas a", "os animáis a"],
        # Is it possible, do you think you can, thanks and prayers in advance, "a ver si", "we
        # could", voseo ("¿me podés ...?").
        *["serait-il possible de", "serait-il possible d'", "est-il possible de"],
        *["sería posible que", "tu penses pouvoir", "vous pensez pouvoir", "crees que podrás"],
        *["crees que puedes"],
        *["agradeceré que", "agradecería que", "agradeceríamos que", "vous prie de"],
        *["vous prions de", "remercie de bien vouloir", "remercions de bien vouloir"],
        *["les rogamos", "os rogamos", "le ruego", "te ruego", "podríamos", "on pourrait"],
        *["pourrait-on", "qqun peut", "qqn peut", "podés", "a ver si"],
        # Wanting and favours ("veux-tu m'envoyer", "ça te dérangerait de", "¿me harías el favor
        # de", "¿serías tan amable de", "¿querés").
        *["veux-tu", "voudrais-tu", "voudriez-vous", "tu veux bien", "vous voulez bien"],
        *["te dérangerait de", "vous dérangerait de", "harías el favor de", "hazme el favor de"],
        *["haces el favor de", "serías tan amable de", "sería tan amable de", "quieres", "querés"],
        # issue 18, dev part 4: Latin American "ustedes" ("¿podrían revisar ...?", "¿me pueden
        # indicar ...?"), formal thanks that ask, voseo favours.
        *["podrían", "pueden", "saurions gré de", "saurais gré de", "serais reconnaissant"],
        *["serions reconnaissants", "le solicito", "les solicito", "hacés el favor de"],
        *["serais reconnaissante", "auriez-vous l'amabilité de", "te animás a", "agradecería"],
        *["agradeceríamos"],
        # issue 18, dev part 5: a formal invitation to act, thinking one can, "¿será que me
        # puede ...?" (Colombian), formal thanks in advance.
        *["vous invitons à", "vous invitons à", "penses-tu pouvoir", "pensez-vous pouvoir"],
        *["será que me puede", "será que me puedes", "será que puede", "le agradecemos"],
        *["les agradecemos", "le solicitamos", "les solicitamos", "quelqu'un aurait"],
        *INTL_NEED_ASKS,
        *INTL_IMPERSONAL_NEEDS,
    ]
)
INTL_ACTION_VERBS = [
    # German
    "prüfen",
    "überprüfen",
    "reviewen",
    "freigeben",
    "genehmigen",
    "schicken",
    "senden",
    "zusenden",
    "verschicken",
    "bestätigen",
    "korrigieren",
    "aktualisieren",
    "übersetzen",
    "testen",
    "erneuern",
    "anlegen",
    "eintragen",
    "einreichen",
    "abgeben",
    "ausfüllen",
    "unterschreiben",
    "gegenzeichnen",
    "gegenlesen",
    "korrektur lesen",
    "beantworten",
    "entscheiden",
    "planen",
    "erstellen",
    "bezahlen",
    "begleichen",
    "einrichten",
    "abgleichen",
    "bereinigen",
    "ergänzen",
    "fertigstellen",
    "durchgehen",
    "schick",
    "schicke",
    "prüf",
    "prüfe",
    "bescheid geben",
    "rückmeldung",
    "durchsehen",
    "starten",
    "neu starten",
    "hochladen",
    "erfassen",
    "stellen",
    "teilen",
    "teil",
    "herunterladen",
    "runterladen",
    "verschieben",
    "verschiebt",
    # French
    "relire",
    "valider",
    "vérifier",
    "revérifier",
    "envoyer",
    "approuver",
    "confirmer",
    "corriger",
    "mettre à jour",
    "traduire",
    "tester",
    "renouveler",
    "créer",
    "remplir",
    "compléter",
    "signer",
    "retourner",
    "renvoyer",
    "payer",
    "planifier",
    "finaliser",
    "nettoyer",
    "rapprocher",
    "passer",
    "ajouter",
    "me dire",
    "répondre",
    "faire part",
    "envoie",
    "envoyez",
    "valide",
    "vérifie",
    "relis",
    "redémarrer",
    "téléverser",
    "saisir",
    "télécharger",
    "partager",
    "transmettre",
    "publier",
    "archiver",
    "repousser",
    "reporter",
    "décaler",
    *ROMANCE_INFINITIVES,
    "expliquer",
    "faire parvenir",
    *["dire", "indiquer", "préciser", "communiquer", "fournir", "commander", "annuler"],
    *["mettre en place", "fusionner", "rédiger", "écrire", "trancher", "choisir", "décider"],
    *["chiffrer", "estimer", "livrer", "t'occuper de", "vous occuper de", "te charger de"],
    *["t'occuper du", "t'occuper des", "vous occuper du", "vous occuper des", "te charger du"],
    *["vous charger de", "confirmez", "indiquez"],
    # subjunctives after "il faudrait que tu", "j'ai besoin que tu", "j'aimerais que vous"
    *["signes", "envoies", "valides", "vérifies", "corriges", "relises", "confirmes"],
    *["mettes à jour", "remplisses", "complètes", "prépares", "ajoutes", "traduises", "testes"],
    *["répondes", "transmettes", "partages", "publies", "approuves", "renouvelles", "relances"],
    *["signiez", "envoyiez", "validiez", "vérifiiez", "corrigiez", "relisiez", "confirmiez"],
    *["mettiez à jour", "remplissiez", "complétiez", "prépariez", "ajoutiez", "traduisiez"],
    *["testiez", "répondiez", "transmettiez", "partagiez", "publiiez", "approuviez"],
    *["renouveliez", "relanciez", "régliez", "règles"],
    # and the third person after "il faudrait que quelqu'un"; more verbs of work
    *["mette à jour", "fasse", "relise", "réponde", "merger", "désactiver", "activer", "finir"],
    "rendre",
    # Spanish
    "revisar",
    "aprobar",
    "validar",
    "comprobar",
    "enviar",
    "enviarme",
    "confirmar",
    "corregir",
    "actualizar",
    "traducir",
    "probar",
    "renovar",
    "crear",
    "crea",
    "rellenar",
    "completar",
    "firmar",
    "devolver",
    "pagar",
    "organizar",
    "organiza",
    "terminar",
    "limpiar",
    "cuadrar",
    "poner",
    "añadir",
    "envía",
    "mándame",
    "revisa",
    "valida",
    "aprueba",
    "poned",
    "aprobad",
    "añadid",
    "rellenad",
    "completad",
    "pagad",
    "limpiad",
    "actualizad",
    "terminad",
    "enviadme",
    "reenviarnos",
    "devolvérnoslo",
    "reiniciar",
    "subir",
    "registrar",
    "descargar",
    "compartir",
    "envíe",
    "envíen",
    *["revise", "revisen", "aplazar", "aplazad", "averiguar", "investigar", "mirar por qué"],
    *["ver por qué", "dar el visto bueno"],
    *["explicar", "explica", "explicas", "explicáis", "hacer llegar", "hacernos llegar"],
    *["indicar", "decir", "borrar", "mandar", "cancelar", "escribir", "redactar", "contestar"],
    *["decidir", "elegir", "fusionar", "estimar", "encargarte de", "ocuparte de", "dar acceso"],
    *["encargarte del", "ocuparte del"],
    *["hacerme llegar"],
    # subjunctives after "necesito que", "te pido que", "le rogamos que", "hace falta que"
    *["firmes", "envíes", "revises", "confirmes", "mandes", "apruebes", "valides", "firme"],
    *["firméis", "firmen", "enviéis", "reviséis", "confirme", "confirméis", "confirmen"],
    *["mande", "mandéis", "manden", "apruebe", "aprobéis", "aprueben", "validéis", "validen"],
    *["actualices", "actualice", "actualicéis", "actualicen", "corrijas", "corrijáis"],
    *["corrijan", "completes", "completéis", "completen", "rellenes", "rellene", "rellenéis"],
    *["rellenen", "prepares", "preparéis", "preparen", "añadas", "añada", "añadáis", "añadan"],
    *["traduzcas", "traduzca", "traduzcáis", "traduzcan", "subas", "suba", "subáis", "suban"],
    *["compartas", "comparta", "compartáis", "compartan", "respondas", "responda", "respondáis"],
    *["respondan", "contestes", "conteste", "contestéis", "contesten", "pagues", "pague"],
    *["paguéis", "paguen", "compruebes", "compruebe", "comprobéis", "comprueben", "pruebes"],
    *["pruebe", "probéis", "prueben", "devuelvas", "devuelva", "devolváis", "devuelvan"],
    *["hagas llegar", "haga llegar", "hagáis llegar", "hagan llegar", "reenvíes", "reenvíe"],
    # the polite past subjunctive ("¿sería posible que me enviaran ...?"), the formal present
    # ("les rogamos nos comuniquen"); more verbs of work, imperatives of "vosotros"
    *["enviara", "enviaran", "mandara", "mandaran", "revisara", "revisaran", "firmara"],
    *["firmaran", "confirmara", "confirmaran", "comunique", "comuniquen", "indique", "indiquen"],
    *["mergear", "ampliar", "entregar", "entregad", "cargar", "cargad", "mover", "arreglar"],
    *["sacar", "dar de baja", "dar de alta", "reclamar"],
    # More verbs of work, French and Spanish (not those that are English words: "installer",
    # "modifier").
    *["imprimer", "scanner", "organiser", "convoquer", "inscrire", "réinitialiser", "débloquer"],
    *["ouvrir", "fermer", "accepter", "refuser", "rembourser", "facturer", "remplacer"],
    *["rajouter", "enlever", "retirer", "déplacer", "imprimir", "escanear", "convocar"],
    *["inscribir", "restablecer", "desbloquear", "instalar", "abrir", "cerrar", "aceptar"],
    *["rechazar", "reembolsar", "facturar", "modificar", "cambiar", "reemplazar", "quitar"],
    *["retirar", "agendar", "programar", "agregar", "chequear", "checar"],
    # issue 18, dev part 4: fetching, sending, authorising, clearing up, telling.
    *["récupérer", "adresser", "autoriser", "contresigner", "autorizar", "aclarar", "aclara"],
    *["aclaras", "aclarás", "explicás", "devolviera", "devolvieran", "me diga", "me digan"],
    *["checker", "demander à", "faire suivre", "chequeen"],
    *["publiques", "publique", "publiquéis", "publiquen", "reserves", "reservéis", "reserven"],
    # Portuguese
    "aprovar",
    "verificar",
    "verifica",
    "atualizar",
    "traduzir",
    "testar",
    "criar",
    "crie",
    "preencher",
    "assinar",
    "finalizar",
    "limpar",
    "conciliar",
    "colocar",
    "adicionar",
    "envie",
    "manda",
    "conferir",
    "adiar",
    "adiem",
    "responder",
    "reenviar",
    "aprovem",
    "finalizem",
    "preencham",
    "completem",
    "paguem",
    "limpem",
    "atualizem",
    "adicionem",
    "coloquem",
    "respondam",
    "organize",
    "devolvê-lo",
    "enviar",
    "baixar",
    "compartilhar",
    # German and Dutch "explain"
    "erklären",
    "uitleggen",
    # Dutch
    "goedkeuren",
    "controleren",
    "controleer",
    "checken",
    "sturen",
    "versturen",
    "toesturen",
    "bevestigen",
    "corrigeren",
    "bijwerken",
    "vertalen",
    "vernieuwen",
    "aanmaken",
    "invullen",
    "aanvullen",
    "ondertekenen",
    "retourneren",
    "betalen",
    "afronden",
    "opschonen",
    "afstemmen",
    "zetten",
    "nalezen",
    "nakijken",
    "stuur",
    "zet",
    "keur",
    "maak",
    "weten",
    "herstarten",
    "uploaden",
    "registreren",
    "verzetten",
    "downloaden",
    "delen",
    "deel",
    # issue 18, dev part 5: taking a task over, doing what is needed, lending, filing a paper,
    # reminding of a fact ("tu peux me rappeler le code ?"), handling, forwarding a document;
    # "verifier" as typed without its accent.
    *["reprendre", "faire le nécessaire", "prêter", "déposer", "verifier", "me rappeler le"],
    *["me rappeler la", "me rappeler les", "gestionar", "quedarte con", "prestar", "remitir"],
    *["cargarla", "cargarlo", "cargarlos", "cargarlas", "quedar con"],
]
# A verb that opens a clause and asks by itself, or a second person asking ("stuur me",
# "schickst du mir", "tu m'envoies", "¿me mandas", "me enviem", "laat je me ... weten"). Not the
# Dutch "download": English release notes open lines with it ("Download the tarball at ...").
INTL_ASKING_VERBS = [
    *INTL_IMPERATIVES,
    *ROMANCE_INFINITIVES,
    *["me pasas", "me pasáis", "me lo mandas", "me lo pasas", "me lo envías", "das el visto bueno"],
    *["tu valides", "tu confirmes", "vous validez", "vous confirmez", "você me manda"],
    "você aprova",
    "schickst du",
    "gibst du",
    "sendest du",
    "prüfst du",
    "stuur",
    "stuur je",
    "zet",
    "controleer",
    "plan",
    "keur",
    "envoyez-moi",
    "envoie-moi",
    "tu m'envoies",
    "tu me dis",
    "enviadme",
    "envíame",
    "mándame",
    "me mandas",
    "me dices",
    "me dizes",
    "me diz",
    "me enviem",
    "me envie",
    "me manda",
    "laat je me",
    "laat me",
    "você me diz",
    "vocês me dizem",
    "lad",
    "teil",
    "télécharge",
    "partage",
    "descarga",
    "comparte",
    "compártelo",
    "baixa",
    "compartilha",
    "deel",
    # Imperatives with their pronoun ("revísalo", "envíamelo", "explique-moi"), and "tell me
    # whether, when, where ..." ("dime si", "dis-moi quand"), as the English "tell me which".
    *["revísalo", "revísala", "envíalo", "envíala", "envíamelo", "mándalo", "mándamelo", "fírmalo"],
    *["apruébalo", "súbelo", "confírmalo", "confírmame", "pásame", "pásamelo", "explícame"],
    *["explícanos", "me explicas", "nos explicas", "me explicáis", "envoie-le", "envoie-la"],
    "me explicás",
    *["envoyez-le", "envoyez-la", "valide-le", "validez-le", "relis-le", "relisez-le"],
    *["explique-moi", "expliquez-moi", "explique-nous", "expliquez-nous", "confirme-moi"],
    *["confirmez-moi", "dime si", "dime qué", "dime cuándo", "dime dónde", "dime cuál"],
    *["dime quién", "dime cómo", "decidme si", "dígame si", "dis-moi si", "dites-moi si"],
    *["dis-moi quand", "dites-moi quand", "dis-moi où", "dites-moi où", "dis-moi quel"],
    *["dites-moi quel", "dis-moi quelle", "dites-moi quelle", "dis-moi comment"],
    "dites-moi comment",
    # The second person asked in a question ("¿Me confirmas si ...?", "¿Te encargas tú de ...?").
    *["me confirmas", "me indicas", "me envías", "me revisas", "me firmas", "me compartes"],
    *["me reenvías", "nos confirmas", "nos indicas", "nos envías", "nos mandas", "nos pasas"],
    *["te encargas", "te ocupas", "os encargáis", "os ocupáis", "vous vous occupez"],
    *["tu t'occupes", "tu te charges", "vous vous chargez"],
    # "¿Me das el visto bueno?", imperatives of "vosotros" with their pronoun, and voseo
    # ("¿me pasás el link?", "¿me mergeás la rama?").
    *["me das", "nos das", "me dais", "mandadme", "pasadme", "confirmadme", "me pasás"],
    *["me mandás", "me confirmás", "me mergeás", "me decís", "me enviás", "me revisás"],
    # issue 18, dev part 5: "usted" asking ("¿me envía ...?", "¿nos indica ...?"), lending,
    # reminding, handing a task over ("je te laisse la main sur", "te dejo a cargo de"), the
    # present asking ("Tu contactes le transporteur ... ?", "¿Contactás a ...?").
    *["me envía", "nos indica", "me indica", "me presta", "me prestas", "me prestás"],
    *["me recuerdas", "me recordás", "je te laisse la main", "te dejo a cargo", "tu contactes"],
    "contactás",
]
# Words that open a question asking for a fact, a confirmation or a choice, as the English
# `QUESTION_OPENERS`: where, when, who, which, how much, why, "what is", and a verb first ("Hast
# du ...?", "Est-ce que ...?", "¿Hay ...?", "Heb je ...?"). Not the vague ones ("Was meint ihr?",
# "Qu'en pensez-vous ?", "¿Qué os parece?", "O que vocês acham?", "Wat vinden jullie?"). German
# "wie" (how) and Dutch "wie" (who) are read only before the words that make each a fact question.
INTL_QUESTION_OPENERS = [
    # German
    *["wo", "wann", "wer", "welche", "welcher", "welches", "welchen", "warum", "wieso", "weshalb"],
    *["wie lautet", "wie viel", "wie viele", "wie lange", "wie heißt", "wie oft", "wie spät"],
    *["was ist", "was sind", "was kostet", "hast du", "habt ihr", "haben sie", "hat jemand"],
    *["ist", "sind", "gibt es", "läuft", "funktioniert", "weißt du", "wisst ihr", "kennst du"],
    *["weiß jemand", "weiss jemand"],
    # French
    *["où", "quand", "qui", "quel", "quelle", "quels", "quelles", "combien", "pourquoi"],
    *["est-ce que", "est-ce qu'", "as-tu", "avez-vous", "tu as", "vous avez", "y a-t-il"],
    *["quelqu'un sait", "quelqu'un connaît", "savez-vous", "sais-tu", "pour quand", "à qui"],
    *["à quelle heure", "avec qui", "de qui", "depuis quand", "jusqu'à quand", "à quel"],
    *["à quelle", "dans quel", "dans quelle", "sur quel", "sur quelle", "de quel", "de quelle"],
    *["tu sais", "vous savez", "quelqu'un a", "qqun a", "t'as", "tu aurais", "vous auriez"],
    # issue 18, dev part 5: who holds something ("c'est toi qui as ...?"), knowing how to say,
    # having ("t'aurais pas le numéro ?"), whether a way exists ("y aurait-il moyen d'avoir").
    *["c'est toi qui", "c'est vous qui", "tu saurais", "vous sauriez", "t'aurais pas"],
    *["tu n'aurais pas", "y aurait-il moyen", "c quoi"],
    # Spanish
    *["dónde", "cuándo", "quién", "quiénes", "cuál", "cuáles", "cuánto", "cuánta", "cuántos"],
    *["cuántas", "por qué", "hay", "está", "están", "tienes", "tenéis", "recibiste", "sabes"],
    *["sabéis", "funciona", "alguien sabe", "sabe alguien", "alguien conoce", "para cuándo"],
    *["hasta cuándo", "desde cuándo", "a qué hora", "a quién", "con quién", "de quién", "en qué"],
    *["de qué", "alguien tiene", "tenés", "sabés"],
    *["eres tú quien", "es usted quien", "sabrías", "sabría", "no tendrá", "no tendrás"],
    *["habría forma", "habría manera", "usted no tendrá", "les llegaron", "les llegó"],
    *["te llegó", "le llegó", "alguien ha visto", "alguien las ha visto", "alguien lo ha visto"],
    *["alguien los ha visto", "alguien la ha visto"],
    # Portuguese
    *["onde", "quando", "quem", "qual", "quais", "quanto", "quantos", "quantas", "por que"],
    *["você recebeu", "vocês receberam", "você tem", "vocês têm", "você sabe", "vocês sabem"],
    *["tem", "há", "estão", "alguém sabe"],
    # Dutch
    *["waar", "wanneer", "welke", "welk", "hoeveel", "hoe laat", "hoe lang", "waarom", "wat is"],
    *["wat zijn", "wat was", "heb je", "hebben jullie", "heeft iemand", "weet iemand", "weet je"],
    *["weten jullie", "draait", "werkt", "staat", "zijn"],
    *["wie neemt", "wie kan", "wie heeft", "wie is", "wie doet", "wie pakt", "wie wil", "wie gaat"],
    *["wie zorgt", "wie regelt", "wie weet"],
]
# "Already" in a question asks whether something is done ("Läuft das Monitoring schon?", "On a
# déjà une date ?", "¿Ya hay fecha?", "A versão 2.3 já foi publicada?"): a fact question.
INTL_ALREADY = ["schon", "bereits", "déjà", "ya", "já"]
# Where a named piece of work stands, asked with the question word last or as progress ("le jeu
# de données, il en est où ?", "t'as pu avancer sur le devis ?"): its state, a fact (issue 18, dev
# part 4).
INTL_STATUS = ["en est où", "en sont où", "en êtes où", "en es où", "pu avancer"]
# French inversions of a third person ("La branche est-elle gelée ?", "Le build passe-t-il ?",
# "Faut-il relancer ?"): a yes/no question on a subject, wherever they stand in it. Not "peut-il"
# (an ask, as "can someone": "Quelqu'un peut-il m'aider ?" names no action).
# Each opens with an ASCII letter: Python's engine skips ahead to a word's start only where
# every alternative of a list opens with one ("était-il" cost the question form twice as much).
INTL_INVERSIONS = [
    *["est-il", "est-elle", "sont-ils", "sont-elles", "ont-ils", "ont-elles", "faut-il"],
    *["doit-on", "doit-il", "doit-elle", "devons-nous", "avons-nous", "sommes-nous", "sait-on"],
]
_T_INVERSION = r"\w-t-(?:il|elle|on)\b"
# "Any idea why ...?" wherever it stands ("Quelqu'un a une idée de pourquoi ...?", "¿Alguna
# idea de por qué ...?"), as the English "any idea how/why".
INTL_IDEA_WHY = [
    *["idée de pourquoi", "idée pourquoi", "idée de comment", "idée d'où", "idée de quand"],
    *["idea de por qué", "idea de cómo", "idea de dónde", "idea de cuándo", "idea de si"],
]
# Spanish yes/no questions put the verb first, marked by "¿" ("¿Vuelve a funcionar la build?",
# "¿Ha llegado el pedido?", "¿Son correctos los datos?"): read only after "¿", as several are
# English words too ("has", "son", "van").
INTL_MARKED_QUESTION_VERBS = [
    *["vuelve", "vuelven", "sigue", "siguen", "es", "son", "fue", "fueron", "va", "van", "queda"],
    *["quedan", "existe", "existen", "ha", "han", "has", "habéis", "hemos", "tenemos", "falta"],
    *["faltan", "se ha", "se han", "se puede", "hubo", "llegó", "llegaron", "salió", "terminó"],
    *["pasó", "arranca", "compila", "corre", "anda", "carga", "tienen", "tiene"],
]
# "¿Qué versión ...?", "¿qué hora es?": "qué" before a noun and a verb of being or having, not the
# vague "¿Qué os parece?", "¿Qué opináis?".
_QUE_FACT = (
    _phrase("qué")
    + r"\s+[^\s,.!?¿]+\s+"
    + any_of(["es", "está", "son", "están", "era", "fue", "hay", "tiene", "tienen", "usa"])
    + f"|{any_of(['qué es', 'qué son', 'qué pasó', 'qué ha pasado', 'qué falta', 'qué fecha'])}"
)
# A question whose sentence opens with a definite subject and holds no comma: a yes/no question
# said as a statement ("Le build de nuit repasse ?", "Maxime, le monitoring est actif ?", "¿La
# rama está congelada?"). A comma sets a topic before an ask ("Les slides, tu peux regarder ?"),
# and a number a date: "Le dimanche 04 juillet 2010 ? 10:05" is a mail's attribution line whose
# "à" was lost to encoding damage.
INTL_DEFINITE = ["le", "la", "les", "l'", "el", "los", "las"]
# A question offering a choice asks to choose ("¿nos quedamos con la opción A o la B?", "le
# formulaire ou le mail ?"): French and Portuguese "ou", Spanish "o" before an article or a
# preposition (Portuguese "o" is an article).
_CHOICE = rf"((?:{_OR_INTL})\s*[^\s.!?]*)[^.!?\n]{{0,200}}\?"
INTL_WOULD_BE_GREAT = [
    *["wäre super", "wäre toll", "wäre klasse", "wäre prima", "wäre hilfreich", "wäre nett"],
    *["serait top", "serait super", "serait génial", "serait parfait", "seraient top"],
    *["seraient super", "sería genial", "sería ideal", "serían geniales", "seria ótimo"],
    *["seria otimo", "seria ideal", "zou top zijn", "zou fijn zijn", "zou mooi zijn"],
]
# A polite word after the verb ("die Schulung planen, bitte", "teil ihn mit dem Team, bitte").
INTL_POLITE_AFTER = [
    *["bitte", "svp", "stp", "s'il te plaît", "s'il vous plaît", "por favor", "porfa"],
    *["aub", "alsjeblieft", "alstublieft"],
]
# Within one sentence: a dot inside a number or a name ("19. März", "1.250", "v2.pdf") ends none,
# nor one before a number ("Rechnung Nr. 6612", "factuur nr. 6612").
_SENTENCE_SCAN = r"(?:\d+\.|[^.!?\n]|\.[^\s.!?])"
_SENTENCE_SCAN_NUMBERED = r"(?:\d+\.|[^.!?\n]|\.[^\s.!?]|\.[ \t]\d)"
# Up to a question's mark: unbounded, as RE2's automaton for a bounded scan after a list of
# words costs more; its alternatives are disjoint, so Python reads each start once.
_TO_QUESTION_MARK = r"(?:[^.!?\n]|\.[^\s.!?])*\?"
# The action in the five languages is read by four patterns, tried in turn (`intl_action`):
# RE2's automaton for their union cost fifteen times the passes (issue 18,
# `benchmarks/await_cost.py`). Group 1 or 2 is the word that decided. A Spanish infinitive may
# carry its pronoun ("¿Puedes revisarlo?", "comprobarlo").
# Only an infinitive that names an action: "¿Podéis solucionarlo?" ("sort it out") names none.
SPANISH_ACTION_INFINITIVES = [
    *["revisar", "validar", "enviar", "mandar", "actualizar", "corregir", "firmar", "completar"],
    *["rellenar", "preparar", "publicar", "crear", "añadir", "eliminar", "reservar", "traducir"],
    *["limpiar", "desplegar", "configurar", "compartir", "descargar", "subir", "probar"],
    *["confirmar", "aprobar", "comprobar", "devolver", "pagar", "organizar", "reiniciar"],
    *["registrar", "renovar", "reenviar", "investigar", "averiguar", "aplazar", "explicar"],
    *["pasar", "terminar", "contactar", "planificar", "lanzar", "indicar", "decir", "borrar"],
    *["cancelar", "escribir", "contestar", "responder", "decidir", "entregar", "ampliar"],
    *["arreglar", "sacar", "mover", "cargar", "reclamar", "mergear", "imprimir", "escanear"],
    *["abrir", "cerrar", "reembolsar", "facturar", "modificar", "cambiar", "agregar", "agendar"],
    *["programar", "instalar", "desbloquear", "autorizar", "aclarar"],
]
_CLITIC_INFINITIVE = (
    rf"\b(?:{'|'.join(_ci(verb[:-2]) for verb in SPANISH_ACTION_INFINITIVES)})"
    r"(?:[aáÁ]r|[eéÉ]r|[iíÍ]r)(?:(?:me|te|nos|se)(?:lo|la|los|las)?|lo|la|los|las|le|les)\b"
)
# "Régler" pays a bill ("régler la facture"); "régler ça" sorts something out, no action named.
_SETTLE = _phrase("régler") + r"\s+" + any_of(["la", "le", "les", "l'", "cette", "ces", "vos"])
ACTION_INTL = Rx(
    rf"{_ASK_INTL}{_SENTENCE_SCAN_NUMBERED}{{0,120}}?({any_of(INTL_ACTION_VERBS)}|{_CLITIC_INFINITIVE}"
    rf"|{_SETTLE}|{any_of(INTL_ACTION_NOUNS)})"
)
# An asking verb opening a clause: apart from the ask before a verb, as the automaton for the
# two joined cost 2.5 times their sum once the imperatives and infinitives were listed.
ACTION_INTL_OPENING = Rx(rf"{_OPENER}¿?({any_of(INTL_ASKING_VERBS)})")
# A fact question: a question word or a verb first, "already" or an inversion in a question, or
# a question on a definite subject.
ACTION_INTL_QUESTION = Rx(
    rf"(?:{_OPENER}(?:¿?({any_of(INTL_QUESTION_OPENERS)}|{_QUE_FACT})"
    rf"|¿({any_of(INTL_MARKED_QUESTION_VERBS)}))"
    rf"|({any_of([*INTL_ALREADY, *INTL_INVERSIONS, *INTL_IDEA_WHY, *INTL_STATUS])}|{_T_INVERSION})){_TO_QUESTION_MARK}"
    rf"|{_OPENER}¿?({any_of(INTL_DEFINITE)})[^,;:.!?\n0-9]*\?"
    rf"|{_CHOICE}"
)
# The ask after what it asks: a verb before a polite word, the noun of an action before a polite
# word or "would be great" ("Vos retours sur la maquette svp", "Feedback bis KW12 wäre super").
ACTION_INTL_TRAILING = Rx(
    rf"({any_of(INTL_ACTION_VERBS)}){_SENTENCE_SCAN}{{0,60}}?{any_of(INTL_POLITE_AFTER)}"
    rf"|({any_of(INTL_ACTION_NOUNS)}){_SENTENCE_SCAN}{{0,80}}?"
    rf"(?:{any_of(INTL_WOULD_BE_GREAT)}|{any_of(INTL_POLITE_AFTER)})"
)
# Each match of ACTION_INTL_TRAILING ends in one of these: Python reads it only where one occurs,
# as its backtracking engine tries each of the hundreds of verbs at every position of a text (400
# us a message, most of `signals`' time in the five languages). RE2's automaton needs no such test.
TRAILING_ENDS = Rx(any_of([*INTL_POLITE_AFTER, *INTL_WOULD_BE_GREAT]))
# The noun of an action needed or awaited ("j'attends ta validation", "pour validation").
ACTION_INTL_AWAITED = Rx(
    rf"{_AWAITED}|{any_of(['pour', 'para', 'zur', 'ter'])}\s+({any_of(INTL_ACTION_NOUNS)})"
    f"|{INTL_MISSING}"
    # The noun of the action opening the ask, of what it is on ("Validation du devis avant le
    # 3", "¿Revisión del PR #88 para esta noche?", "Arbitrage entre les deux transporteurs";
    # issue 18, dev part 5).
    rf"|{_OPENER}¿?({any_of(INTL_OPENING_NOUNS)})\s+{any_of(['du', 'de', 'des', 'entre', 'del'])}"
)
INTL_ACTION_FORMS = (
    ACTION_INTL,
    ACTION_INTL_OPENING,
    ACTION_INTL_QUESTION,
    ACTION_INTL_TRAILING,
    ACTION_INTL_AWAITED,
)
# In SQL the forms are read only where the loose union of their pair matches (a cheap test that
# most English texts fail): the four in one union outgrew the memory RE2 gives its automaton once
# the nouns of actions and the questions on a subject were added, and cost twenty times the two
# pairs (issue 18, lang18t: 176 against 6 us per message, `benchmarks/await_cost.py`'s texts).
INTL_ACTION_PAIRS = (
    (ACTION_INTL, ACTION_INTL_TRAILING),
    (ACTION_INTL_OPENING, ACTION_INTL_QUESTION, ACTION_INTL_AWAITED),
)
# The first pair's test is not its loose union: with the French and Spanish asks and verbs of dev
# part 3 (issue 18, lang18x) that outgrew RE2's automaton (140 us a message). Each of its
# matches holds an ask (ACTION_INTL opens with one) or ends in a polite word or "would be
# great" (TRAILING_ENDS): a list of phrases, 1.5 us.
INTL_ASK_OR_POLITE = Rx(f"{_ASK_INTL}|{TRAILING_ENDS.pattern}")


def _intl_action_gate(pair: tuple[Rx, ...]) -> Rx:
    """A pattern that every match of any of `pair`'s forms matches: where it fails, none can."""
    return INTL_ASK_OR_POLITE if pair[0] is ACTION_INTL else _loose_union(pair)


# What names no action though it holds a verb of the lists or a fact question's opener: asking
# whether the reader has a moment ("t'as 2 min pour un appel ?", "¿tenéis un rato ...?") or an
# idea ("Quelqu'un a une idée ?", "¿Alguien tiene alguna idea?", as the English "ideas?"), to be
# called ("tu peux m'appeler ?") or to drop by ("passer à mon bureau", "pasarte por mi mesa"):
# removed before the five languages' action is read.
INTL_CALLED_OR_VISITED = [
    *["m'appeler", "nous appeler", "passer à mon bureau", "passer me voir", "passer au bureau"],
    *["pasarte por", "pasaros por", "devolver la llamada", "devolverme la llamada"],
]
NOT_ACTION_INTL = Rx(
    r"\b(?:t'as|tu as|as-tu|vous avez|avez-vous|tienes|tenés|tenéis|tiene|tienen)\s+"
    r"(?:(?:un|une|una|deux|cinq|dos|cinco|\d+)\s*)?(?:petit\s+)?(?:ratito|rato|moment|minutes?"
    rf"|min|mn|instant|sec|momento|minutos?|segundo|hueco)\b|{any_of(INTL_CALLED_OR_VISITED)}"
    r"|\b(?:quelqu'un a|qqun a|alguien tiene|t'as|tu as|vous avez|tienes|tenéis)\s+"
    r"(?:une |des |alguna |una |algunas )?(?:idées?|ideas?)\s*\?"
)


def intl_action(clauses: str) -> re.Match[str] | None:
    """The first action asked for in the five languages, read on `clauses` (mentions as commas)
    once what names none (:data:`NOT_ACTION_INTL`) is removed."""
    clauses = NOT_ACTION_INTL.compiled.sub(" ", clauses)
    for rx in INTL_ACTION_FORMS:
        if rx is ACTION_INTL_TRAILING and not TRAILING_ENDS.search(clauses):
            continue
        m = rx.search(clauses)
        if m:
            return m
    return None


# For SQL, the English imperative and the five languages' asks read on the same text as one
# pattern: one pass of RE2 over the text instead of two, at about the cost of either. The
# action is read in two passes: since its questions read wrapped lines, one automaton for both
# cost three times the two (issue 18, `benchmarks/await_cost.py`).
ASK_ANY_LANGUAGE = Rx(f"(?:{IMPERATIVE.pattern})|(?:{REQUEST_INTL.pattern})")


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

# "Where is this?" questions: someone asks where a thing lives (a doc, a link, a file, the
# channel to ask in) rather than finding it themselves: the business guide's findability signal,
# the opposite of search success. Each form is named so that a reader sees which one fired; a
# thing is one of WHERE_THINGS, so "where is big bend?" (a place) or "where are we on the
# release?" (a status) ask no such question.
WHERE_THINGS = (
    r"(?:links?|urls?|docs?|documents?|documentation|pages?|wiki|files?|folders?|drive|sheets?|"
    r"spreadsheets?|slides?|decks?|repos?|repository|recordings?|notes|minutes|templates?|"
    r"forms?|dashboards?|boards?|tickets?|invites?|invitations?|calendar|agenda|specs?|readme|"
    r"passwords?|credentials|channels?|threads?|code|notebooks?|datasets?|reports?|playbooks?|"
    r"runbooks?|handbook|guides?|policy|policies|contracts?|checklists?|roadmap|address|logins?|"
    r"portal|site|website|details|info|instructions)"
)
# "'s" with a straight or a typographic apostrophe (the character itself: RE2 has no \u escape).
_APOSTROPHE_S = "['\u2019]s"
_WHERE_DETERMINER = r"(?:the|our|your|their|that|this|these|those|my|its|any|all)"
WHERE_FORMS: dict[str, Rx] = {
    # "where do I find ...", "where should we post this", "where can I get the slides"
    "where_can": Rx(
        r"\bwhere (?:can|could|do|does|did|should|would|will|may|might) (?:i|we|you|u|one|"
        r"people|someone|they|it|this|that|these|those|new (?:folks|people|hires)) "
        r"(?:[\w']+ ){0,2}?(?:find|get|see|locate|look|check|access|download|grab|read|view|post|"
        r"put|ask|file|submit|report|store|keep|upload|request|sign up|register)\b"
    ),
    # "where is the onboarding doc?", "where's it?", "where are the slides?"
    "where_is": Rx(
        rf"\bwhere(?:{_APOSTROPHE_S}| is| are| was| were|s) (?:(?:it|they)\b[^.!?\n]{{0,200}}\?"
        rf"|{_WHERE_DETERMINER} (?:[\w-]+ ){{0,3}}?{WHERE_THINGS}\b)"
    ),
    # "where to find", "not sure where I can get", "where it is documented"
    "where_to": Rx(
        r"\bwhere (?:to|i can|we can|you can|one can|i could|i'd|i would) (?:find|get|look|see|"
        r"download|access|read)\b"
        rf"|\bwhere (?:does|do|did) {_WHERE_DETERMINER} (?:[\w-]+ ){{0,3}}?{WHERE_THINGS}\b"
        r"|\bwhere (?:it|that|this|they|these|those|the [\w-]+) (?:is|are|was|were|lives?|sits?)"
        r" (?:kept|stored|documented|located|saved|posted|hosted|written down|filed|tracked)\b"
    ),
    # "does anyone have the link", "do we have a bio link", "did you get the notes"
    "have_the": Rx(
        r"\b(?:does|do|did) (?:anyone|anybody|someone|somebody|you|u|any of you|we|y'?all) "
        r"(?:still |already )?(?:have|has|got) (?:a|an|the|any|our|that|this|your) "
        rf"(?:[\w-]+ ){{0,3}}?{WHERE_THINGS}\b"
    ),
    # "anyone know where ...", "wondering where", "point me to"
    "know_where": Rx(
        r"\b(?:anyone|anybody|someone|somebody|you|u|y'?all|who) (?:knows?|remembers?) where\b"
        r"|\b(?:wondering|any idea|idea|tell me|show me|remind me) where\b"
        r"|\bpoint (?:me|us) (?:to|at|towards?|in the (?:right )?direction)\b"
    ),
    # "I can't find the runbook", "looking for the link to the form"
    "cannot_find": Rx(
        r"\b(?:can'?t|cannot|can not|couldn'?t|could not|unable to|having trouble|struggling to)"
        r" (?:find|locate|finding|locating) (?:where\b|(?:the|a|an|our|your|their|this|that) "
        rf"(?:[\w-]+ ){{0,3}}?{WHERE_THINGS}\b)"
        rf"|\blooking for (?:the|a|an|our|your|that|this) (?:[\w-]+ ){{0,3}}?{WHERE_THINGS}\b"
    ),
    # "is there a link for the slides?", "is the code up anywhere?"
    "is_there": Rx(
        rf"\bis there (?:a|an|any) (?:[\w-]+ ){{0,2}}?{WHERE_THINGS}\b[^.!\n]{{0,200}}\?"
        r"|\b(?:up|posted|available|online|stored|kept|documented|written down|saved|shared) "
        r"(?:anywhere|somewhere)\b[^.!\n]{0,200}\?"
    ),
    # "which channel should I ask in?", "what's the link?", "link?"
    "which_place": Rx(
        r"\b(?:which|what) (?:channel|folder|drive|repo|repository|wiki|space|directory|site|"
        r"server|bucket|board|tab|url|link|address)\b[^.!\n]{0,200}\?"
        rf"|\bwhat(?:{_APOSTROPHE_S}| is| was) (?:the|our|your) (?:[\w-]+ ){{0,3}}?(?:link|url|address|"
        r"channel|wiki|repo|folder|login|password|page)\b"
        r"|\b(?:link|url)s? (?:to|for) [^.!\n]{0,200}\?|\b(?:link|url)s?\s*(?:pls|please|plz)?\s*\?"
    ),
    # "can you share the slides?", "could someone send me the recording"
    "send_me": Rx(
        r"\b(?:can|could|would) (?:you|u|someone|somebody|anyone|anybody) (?:please |pls )?"
        r"(?:send|share|post|drop|paste|forward|give) (?:me |us )?(?:the|a|that|this|your) "
        r"(?:[\w-]+ ){0,3}?(?:links?|urls?|docs?|documents?|files?|slides|decks?|recordings?|"
        r"notes|sheets?|spreadsheets?|address|invites?|repos?)\b"
    ),
}
WHERE_QUESTION = Rx("|".join(f"(?:{rx.pattern})" for rx in WHERE_FORMS.values()))


def where_form(plain: str) -> str | None:
    """The first "where is this?" form (a key of :data:`WHERE_FORMS`) that `plain` asks, if any.

    Parameters: `plain`, the text with links removed (:func:`plain_text`).

    >>> where_form("does anyone have the link to the onboarding doc?")
    'have_the'
    """
    return next((name for name, rx in WHERE_FORMS.items() if rx.search(plain)), None)


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


def without_decorators(plain: str) -> str:
    """`plain` without code decorators and docstring fields, which look like `@names`."""
    return DECORATOR.compiled.sub(" ", plain)


def has_owner(plain: str) -> bool:
    """A person or team is named as the one to act (broadcast words name nobody)."""
    if SLACK_MENTION.search(plain):
        return True
    named = _names(AT_NAME, without_decorators(plain)) + _names(OWNER, plain)
    if any(name.lower().rstrip(".") not in NOBODY for name in named):
        return True
    addressed = _names(NAMED_ASK, plain) + _names(NAMED_ASK_INTL, plain) + _names(ADDRESSEE, plain)
    addressed += _names(THANKED, plain)
    return any(name.lower() not in NOT_NAMES for name in addressed)


def content(plain: str) -> str:
    """`plain` without mentions and filler: the words that may tell what the matter is."""
    return FILLER_INTL.compiled.sub(" ", FILLER.compiled.sub(" ", without_mentions(plain, " ")))


def count_words(text: str) -> int:
    """How many words `text` has: runs of non-blanks that are not only marks such as "?" or "!"."""
    return sum(1 for word in WORD.compiled.findall(text) if LETTER.search(word))


def context_words(plain: str) -> tuple[str, int] | None:
    """How the words give context, if they do: ("statements", n) or ("fact: ...", n).

    Statements besides the questions count first; else a text of as many words that names a
    concrete fact. Both need :data:`MIN_CONTEXT_WORDS` words once mentions and filler are gone.
    """
    matter = content(plain)
    words = count_words(matter)
    # Removing a question can split a word ("14.03.?Are"), so the statements may count one more
    # than the text has: the text's own words are the bar, as in the SQL.
    if words < MIN_CONTEXT_WORDS:
        return None
    statements = count_words(OBLIGATION.compiled.sub(" ", QUESTION.compiled.sub(" ", matter)))
    if statements >= MIN_CONTEXT_WORDS:
        return "statements", statements
    fact = FACT.search(INTL_ASKED_WHEN.compiled.sub(r" \1", matter))
    if fact:
        return f"fact {fact.group(0).strip()!r}", words
    return None


def asking_text(plain: str) -> str:
    """`plain` without phrases that look like asks but are not ("please note", "don't DM me")."""
    for rx in (NOT_ASKING, NOT_ASKING_MORE, ENCODING_DAMAGE):
        plain = rx.compiled.sub(" ", plain)
    # Each match of NOT_ASKING_ROMANCE holds a "?" or a refused move's "mp", "dm", "md" or
    # "priv": Python reads it only there (17 us a message on every text otherwise).
    lower = plain.lower()
    if "?" in plain or any(
        word in lower
        for word in ("mp", "dm", "md", "priv", "no por", "ni por", "pas par", "non par", "por tel")
    ):
        plain = NOT_ASKING_ROMANCE.compiled.sub(" ", plain)
    return plain


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
        "is_request": bool(
            REQUEST.search(asking)
            or IMPERATIVE.search(clauses)
            or (REQUEST_INTL.search(clauses) and REQUEST_INTL.search(intl_asking_text(clauses)))
        ),
        "await_assign": has_owner(plain),
        "await_window": bool(ANY_WINDOW.search(plain) and ANY_WINDOW.search(window_text(plain))),
        "await_action": bool(ACTION.search(clauses) or intl_action(clauses)),
        "await_information": bool(
            record_link(text) or CONTEXT.search(plain) or context_words(plain)
        ),
        "sync_request": bool(move_match(asking)),
        "bare_greeting": bool(BARE_GREETING.search(plain)),
        "nudge": bool(NUDGE.search(plain)),
        "clarification": bool(CLARIFICATION.search(plain)),
        "asks_where": bool(WHERE_QUESTION.search(plain)),
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
    return f"CASE WHEN {_loose(rx).matches_sql(expr)} THEN {' OR '.join(parts)} ELSE false END"


def _removed_sql(rx: Rx, expr: str, replacement: str, keep_first: bool = False) -> str:
    """SQL: `expr` with every match of `rx` replaced, replacing only where `rx` matches at all.

    Finding the matches' bounds for a replacement costs RE2 many times more than deciding
    whether there is one (twenty times for FILLER), and most texts hold none; the test is the
    pattern's :func:`_loose` form, cheaper to compile and to run. `keep_first` puts the
    pattern's group 1 back before `replacement`. `expr` is read three times: a column.
    """
    replacement = "\\1" + replacement if keep_first else replacement
    found = _loose(rx).matches_sql(expr)
    return f"CASE WHEN {found} THEN {_replaced_sql(rx, expr, replacement)} ELSE {expr} END"


def _replaced_sql(rx: Rx, expr: str, replacement: str) -> str:
    """SQL: `expr` with every match of `rx` replaced, its alternatives with very long counted
    repetitions (:data:`_SPLIT_FROM` repeats) replaced apart from the others where only one of
    the two parts can match.

    Joined with other alternatives, such a repetition makes RE2's automata for finding where
    each match starts and ends outgrow their memory (FILLER: 53 us per message, against 6 and 3
    for its two parts alone). A part that matches nowhere in a text matches at no position
    that a global replacement tries, so dropping it changes no replacement: each part is
    tested in its :func:`_loose` form, and the whole pattern is read where both may match.
    Group numbers would change: a `replacement` that refers to a group gets the whole pattern.
    `expr` should be a name: it is read up to five times.
    """
    alternatives = _alternatives(rx.pattern)
    long = [a for a in alternatives if _relaxed(a, _SPLIT_FROM) != a]
    rest = [a for a in alternatives if _relaxed(a, _SPLIT_FROM) == a]
    if not long or not rest or "\\" in replacement:
        return rx.replace_sql(expr, replacement)
    long_rx, rest_rx = (Rx("|".join(part), rx.ignore_case) for part in (long, rest))
    return (
        f"CASE WHEN NOT {_loose(long_rx).matches_sql(expr)} "
        f"THEN {rest_rx.replace_sql(expr, replacement)} "
        f"WHEN NOT {_loose(rest_rx).matches_sql(expr)} THEN {long_rx.replace_sql(expr, replacement)} "
        f"ELSE {rx.replace_sql(expr, replacement)} END"
    )


def _first_true_sql(conditions: Iterable[str]) -> str:
    """SQL: whether any of `conditions` (never NULL) holds, read in order up to the first that does.

    In a projection DuckDB evaluates every operand of an OR on every row, and a CASE's branches
    only on the rows they are reached by.
    """
    return "CASE " + " ".join(f"WHEN {c} THEN true" for c in conditions) + " ELSE false END"


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (its parts between unnested `|`).

    A pattern that opens with flags for all of it (``(?i)``) is one alternative: they would
    apply to the first part alone.
    """
    if re.match(r"\(\?[a-zA-Z]+\)", pattern):
        return [pattern]
    parts: list[str] = []
    depth = start = 0
    # Escapes and classes are stepped over whole (:data:`_STRUCTURE`): only the parentheses
    # and bars outside them are looked at.
    for found in _STRUCTURE.finditer(pattern):
        char = found.group(1)
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start : found.start()])
            start = found.end()
    parts.append(pattern[start:])
    return parts


# An escape or a character class (a `]` right after `[` or `[^` is a member; an unclosed class
# runs to the end), stepped over whole.
_ESCAPE_OR_CLASS = r"\\.?|\[\^?\]?(?:\\.?|[^\]\\])*+\]?"
# What `_alternatives` looks at: a parenthesis or a bar (group 1), or what hides them.
_STRUCTURE = re.compile(rf"{_ESCAPE_OR_CLASS}|([()|])", re.DOTALL)
# A counted repetition up to so many repeats is widened by `_relaxed`: RE2's automaton for an
# unanchored search holds a state per repeat count of every start still alive.
_RELAXED_FROM = 20
# A counted repetition up to so many repeats is replaced apart by `_replaced_sql`.
_SPLIT_FROM = 100
# What `_relaxed` looks at: a counted repetition (its bounds in groups 1 and 2), or the escapes
# and classes before it, stepped over whole with every character that cannot start one of them.
_RELAXABLE = re.compile(
    rf"(?:{_ESCAPE_OR_CLASS}|[^\\\[{{]|\{{(?!\d*,\d+\}}))++|\{{(\d*),(\d+)\}}", re.DOTALL
)


def _relaxed(pattern: str, least: int = _RELAXED_FROM) -> str:
    """`pattern` with every counted repetition of `least` or more repeats unbounded
    (``{0,200}`` becomes ``*``): it matches every text the pattern matches, and more.

    One pass of :data:`_RELAXABLE` over the pattern: the signal SQL relaxes about a hundred
    patterns of up to 13,000 characters each time it is written, for every ingest.
    """

    def widened(found: re.Match[str]) -> str:
        most = found.group(2)
        if most is None or int(most) < least:  # a run without one, or a short one
            return found.group(0)
        fewest = int(found.group(1) or 0)
        return f"{{{fewest},}}" if fewest else "*"

    return _RELAXABLE.sub(widened, pattern)


def _loose(rx: Rx) -> Rx:
    """`rx` with its long counted repetitions unbounded (:func:`_relaxed`): a test that fails
    only where `rx` cannot match."""
    return Rx(_relaxed(rx.pattern), rx.ignore_case)


def _staged_matches_sql(rx: Rx, expr: str) -> str:
    """SQL: does `rx` match `expr`, its alternatives with long counted repetitions read last?

    The alternatives without them are one pattern; the others only where that one fails, and
    then only where their :func:`_relaxed` form (a cheap automaton) matches too: the same answer
    as ``rx.matches_sql(expr)``, many times cheaper where a counted repetition makes RE2's
    automaton large. `expr` should be a name: it is read up to three times.
    """
    alternatives = _alternatives(rx.pattern)
    counted = [a for a in alternatives if _relaxed(a) != a]
    if not counted:
        return rx.matches_sql(expr)
    plain = [a for a in alternatives if _relaxed(a) == a]
    strict = Rx("|".join(counted), rx.ignore_case)
    staged = _gated_sql(_loose(strict).matches_sql(expr), strict.matches_sql(expr))
    if not plain:
        return staged
    return _first_true_sql([Rx("|".join(plain), rx.ignore_case).matches_sql(expr), staged])


def _loose_union(patterns: Iterable[Rx]) -> Rx:
    """One pattern that matches every text that any of `patterns` matches (and maybe more): their
    :func:`_relaxed` forms joined, ignoring case, one RE2 pass to tell where none can match."""
    return Rx("|".join(f"(?:{_relaxed(rx.pattern)})" for rx in patterns))


# Patterns over the plain text that most messages match none of: one pass of their loose union
# (`_loose_union`) tells where none can match, and each is read only where one may.
RARE_ON_PLAIN: tuple[Rx, ...] = (BARE_GREETING, NUDGE, CLARIFICATION, WHERE_QUESTION)
RARE_ON_PLAIN += (OWNER, NAMED_ASK)


def _gated_sql(gate: str, condition: str) -> str:
    """SQL: `condition`, read only where the boolean `gate` holds (false elsewhere)."""
    return f"CASE WHEN {gate} THEN {condition} ELSE false END"


def signals_sql(text: str) -> str:
    """SELECT-list SQL for every signal of :data:`SIGNALS` over the SQL text expression `text`.

    Self-contained (patterns are inlined as literals); a NULL text gives false everywhere. Only
    the first :data:`MAX_SIGNAL_CHARS` characters are read, as in :func:`signals`.

    One scalar subquery gives a struct of the signals, unnested into a column each. Inside it,
    each intermediate text (`plain`, `asking`, `clauses`, the words that may give context) is a
    column of a nested SELECT, computed once per text: DuckDB shares no subexpression that only
    a CASE's later branches read, and a text written out at each use is compiled and computed at
    each use. The subquery also computes each distinct text once. A signal that is a disjunction
    is a CASE that reads its cheap parts first (:func:`_first_true_sql`), a phrase is removed
    only where it occurs (:func:`_removed_sql`, :func:`_loose_union`), and a pattern with long
    counted repetitions is read in stages (:func:`_staged_matches_sql`).
    """
    raw, plain, asking, clauses = "_am_raw", "_am_plain", "_am_asking", "_am_clauses"
    record, unmentioned, matter = "_am_record", "_am_unmentioned", "_am_matter"
    english_removed, intl_clauses = "_am_english_removed", "_am_intl_clauses"
    rare = "_am_rare"
    # Every link has "://" in it: a text without one keeps its every character.
    links = f"contains({raw}, '://')"
    # Each removal is the identity on a text that none of the three patterns matches.
    not_asking = (NOT_ASKING, NOT_ASKING_MORE, ENCODING_DAMAGE, NOT_ASKING_ROMANCE)
    removed = plain
    for rx in not_asking:
        removed = rx.replace_sql(removed, " ")
    # The words give context with enough of them besides the questions, or with a fact among
    # enough of them. "Enough words" is the bar for both and is tested first (as in
    # `context_words`: cutting a question out can split a word), and a question is removed only
    # from a text that has a question mark. They are read only where no link to a record and
    # no phrase gives context (else NULL).
    levels = [
        {raw: f"replace(left(coalesce({text}, ''), {MAX_SIGNAL_CHARS}), chr(11), ' ')"},
        {
            plain: f"CASE WHEN {links} THEN {URL.replace_sql(raw, ' ')} ELSE {raw} END",
            record: f"CASE WHEN {links} "
            f"THEN {URL.matches_sql(NON_RECORD_URL.replace_sql(raw, ' '))} ELSE false END",
        },
        {
            rare: _loose_union(RARE_ON_PLAIN).matches_sql(plain),
            asking: f"CASE WHEN {_loose_union(not_asking).matches_sql(plain)} THEN {removed} "
            f"ELSE {plain} END",
            unmentioned: f"CASE WHEN {record} THEN NULL WHEN {CONTEXT.matches_sql(plain)} THEN NULL "
            f"ELSE {_removed_sql(ANY_MENTION, plain, ' ', keep_first=True)} END",
        },
        {
            clauses: _removed_sql(ANY_MENTION, asking, ",", keep_first=True),
            english_removed: _removed_sql(FILLER, unmentioned, " "),
        },
        # The five languages' filler is removed after the English filler, as in `content`; what
        # names no action in them, before their action is read, as in `intl_action`.
        {
            matter: _removed_sql(FILLER_INTL, english_removed, " "),
            intl_clauses: _removed_sql(NOT_ACTION_INTL, clauses, " "),
        },
    ]
    # The obligations are removed in one pass: a gated removal (`_removed_sql`) would read the
    # question-free text, an expression, three times.
    statements = MANY_WORDS.matches_sql(
        OBLIGATION.replace_sql(
            f"CASE WHEN contains({matter}, '?') THEN {QUESTION.replace_sql(matter, ' ')} "
            f"ELSE {matter} END",
            " ",
        )
    )
    asked_when_removed = FACT.matches_sql(INTL_ASKED_WHEN.replace_sql(matter, r" \1"))
    information = (
        f"CASE WHEN {matter} IS NULL THEN true WHEN NOT {MANY_WORDS.matches_sql(matter)} "
        f"THEN false WHEN {asked_when_removed} THEN true "
        f"ELSE {statements} END"
    )
    owner = _first_true_sql(
        [
            SLACK_MENTION.matches_sql(plain),
            # A name after "@" needs an "@", which removing decorators never adds.
            f"contains({plain}, '@') AND "
            + _names_sql(AT_NAME, DECORATOR.replace_sql(plain, " "), 1, NOBODY, strip_dot=True),
            f"{rare} AND " + _names_sql(OWNER, plain, 3, NOBODY, strip_dot=True),
            f"{rare} AND " + _names_sql(NAMED_ASK, plain, 2, NOT_NAMES, strip_dot=False),
            _names_sql(NAMED_ASK_INTL, plain, 1, NOT_NAMES, strip_dot=False),
            _names_sql(ADDRESSEE, plain, 3, NOT_NAMES, strip_dot=False),
            _names_sql(THANKED, plain, 2, NOT_NAMES, strip_dot=False),
        ]
    )
    # The phrases that only look like a window or an ask are removed only where the pattern
    # matches at all (a removal never makes a match): each removal is a pass over the text.
    window = (
        f"CASE WHEN {ANY_WINDOW.matches_sql(plain)} "
        f"THEN {ANY_WINDOW.matches_sql(NOT_WINDOW.replace_sql(plain, ' '))} ELSE false END"
    )
    ask = (
        f"CASE WHEN {ASK_ANY_LANGUAGE.matches_sql(clauses)} THEN {IMPERATIVE.matches_sql(clauses)} "
        f"OR {REQUEST_INTL.matches_sql(NOT_ASKING_INTL.replace_sql(clauses, ' '))} ELSE false END"
    )
    # English and the five languages apart: on long texts RE2's automaton for the two patterns
    # joined costs more than the two passes; the five languages' forms are read only where the
    # loose union of their pair (`INTL_ACTION_PAIRS`) matches.
    action = _first_true_sql(
        [
            _staged_matches_sql(ACTION, clauses),
            *(
                _gated_sql(
                    _intl_action_gate(pair).matches_sql(intl_clauses),
                    _first_true_sql([_staged_matches_sql(rx, intl_clauses) for rx in pair]),
                )
                for pair in INTL_ACTION_PAIRS
            ),
        ]
    )
    found = {
        "is_request": f"CASE WHEN {REQUEST.matches_sql(asking)} THEN true ELSE {ask} END",
        "await_assign": owner,
        "await_window": window,
        "await_action": action,
        "await_information": information,
        # One pass of RE2 for both (cheaper than two), as `move_match` reads them.
        "sync_request": Rx(f"{MOVE.pattern}|{MOVE_MORE_INTL.pattern}").matches_sql(asking),
        "bare_greeting": _gated_sql(rare, BARE_GREETING.matches_sql(plain)),
        "nudge": _gated_sql(rare, NUDGE.matches_sql(plain)),
        "clarification": _gated_sql(rare, CLARIFICATION.matches_sql(plain)),
        "asks_where": _gated_sql(rare, WHERE_QUESTION.matches_sql(plain)),
    }
    relation = ""
    for level in levels:
        columns = ", ".join(f"{sql} AS {name}" for name, sql in level.items())
        relation = f"SELECT *, {columns} FROM ({relation})" if relation else f"SELECT {columns}"
    struct = ", ".join(f"'{name}': {found[name]}" for name in SIGNALS)
    return f"unnest([(SELECT {{{struct}}} FROM ({relation}))], recursive := true)"
