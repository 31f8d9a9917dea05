"""The AWAIT rules give the same signals in Python (lint) and in DuckDB SQL (ingest)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from asyncmaturity.await_protocol.rules import (
    MAX_SIGNAL_CHARS,
    SIGNALS,
    fold_non_ascii_letters,
    signals,
    signals_sql,
)

EVAL_DIR = Path(__file__).parent.parent / "benchmarks" / "await_eval"
EVAL_SETS = (
    "messages.jsonl",
    "heldout.jsonl",
    "friction.jsonl",
    *(
        f"lang_{lang}{part}.jsonl"
        for lang in ("de", "fr", "es", "pt", "nl")
        for part in ("", "_heldout")
    ),
    "lang_fr_heldout2.jsonl",
    "lang_es_heldout2.jsonl",
    "lang_fr_heldout3.jsonl",
    "lang_es_heldout3.jsonl",
    "lang_fr_heldout4.jsonl",
    "lang_es_heldout4.jsonl",
    "lang_fr_dev3.jsonl",
    "lang_es_dev3.jsonl",
    "lang_fr_dev4.jsonl",
    "lang_es_dev4.jsonl",
    "lang_fr_dev5.jsonl",
    "lang_es_dev5.jsonl",
    # Real Jira texts (Apache-2.0), carried inline: CR LF line ends, wiki markup, [~mentions].
    "tracker_test.jsonl",
    "tracker_dev.jsonl",
    # Real Bugzilla texts (MPL-2.0), inline: review comments, "r?name", approval request forms.
    "tracker_dev2.jsonl",
    # The fixture's other Bugzilla texts (MPL-2.0), inline: bug reports, meta bugs, landings.
    "tracker_dev3.jsonl",
    # Real list mail and Bugzilla comments with time words (MIT, MPL-2.0), inline.
    "real_windows_dev.jsonl",
    # Real list mail of other years (MIT), inline: code, tracebacks, pipermail's "?" for non-ASCII.
    "real_dev2.jsonl",
    # Real IRC lines (CC BY 4.0), inline: "nick:" addressing, votes ("+1"), agenda items.
    "real_chat_dev.jsonl",
)

# Pieces the rules look for, so that generated text reaches every branch of every pattern.
FRAGMENTS = [
    "@here",
    "@dana",
    "@all.",
    "<@U07ABC12D>",
    "<!here>",
    "<!subteam^S1|@design>",
    "[~jdoe]",
    "@Table(",
    "\r\n\r\n",
    "we need to ",
    "needs to be updated",
    "we'll have to change ",
    "must still be remade",
    "\nShould probably use ",
    "also should note ",
    "Can you request uplift",
    "Please nominate this ",
    " r?karlt",
    "r?",
    "Montr?al",
    "Approval Request Comment",
    "Steps to reproduce:",
    "And why would it be?",
    "see if you can find ",
    "Just need to return ",
    "I'd like this backported",
    "I don't think we should ",
    " if you need more help",
    "network.disable.ipc",
    "Done.Review ",
    "The goal of this bug is to ",
    "Review of attachment 8476420:",
    "filed from the Socorro interface",
    "Add in ",
    "get the ",
    "let's add ",
    "Let's move on",
    "you need to change ",
    "it might be better to rename ",
    "@keyframes ",
    "the .org team can help ",
    "the whole team ",
    "We need a ",
    "we need a decision",
    "\nOr, ",
    "I think we should ",
    "Aren't you ",
    "please let me know if there's",
    "Dana, can you ",
    "Hi Sven,",
    "owner: @kim",
    "assigned to someone",
    "please note",
    "please ",
    "pls ",
    "?",
    "review",
    "approve",
    "your approval",
    "by Friday",
    "next Tuesday",
    "EOD",
    "2026-03-05T10:00",
    "by 5 March",
    "March 12th",
    "within 2 business days",
    "by 3pm",
    "by 14/3",
    "tomorrow",
    "https://github.com/o/r/pull/42?x=1",
    "#42",
    "ABC-123",
    "context:",
    "because",
    "[file a.pdf]",
    "quick call?",
    "DM me",
    "huddle",
    "hey",
    "hello @sam",
    "got a minute",
    "any update",
    "bump",
    "gentle reminder",
    "which PR?",
    "what do you mean",
    "link?",
    # The rules added for greetings, non-record links, DM phrasings, dd.mm. dates and friction.
    "Dear Mrs. Okafor,\n",
    "aiko, ",
    "Kenji — ",
    "Hey Ola! ",
    "\nKind regards,\nAna",
    "Thanks,\n",
    "https://www.youtube.com/watch?v=x",
    "https://giphy.com/gifs/x",
    "https://www.google.com/search?q=x",
    "re the thing from yesterday",
    "pls reply by DM",
    "text me on WhatsApp",
    "I'll set up a zoom",
    "ping me privately",
    "don't DM me",
    "huddle?",
    "by 14.03.",
    "by 3pm CET tomorrow",
    "in 10 min",
    "need the signed",
    "a decision from you",
    "where is the config?",
    "can everyone merge",
    "👋",
    "🙏 approve",
    "1,400 EUR",
    "plan.pdf",
    "ticket 55781",
    " - ",
    "ping",
    "^^",
    "following up on",
    "what's 'x'?",
    "you mean ",
    # The rules added for real archives (issue 18): e-mail questions, guesses, signatures.
    "How can I ",
    "wondering if ",
    "curious who ",
    "1) Am I ",
    "could you try ",
    "Maybe it's ",
    "perhaps you could ",
    ", right?",
    "Really?",
    "?!",
    "unless I hear any objections",
    "any help is appreciated",
    "if someone could ",
    "AFAICT, ",
    "9.0.0",
    "\n\nJean-Paul",
    # The third round (issue 18): encoding damage, suggestions, owners, windows that date
    # something else, wrapped questions.
    "That's true ? but ",
    " ?ideal? ",
    "Montr?al",
    "\n?\n",
    "de?: ",
    "line 1, in ?",
    "How about ",
    "Why not use ",
    "might I suggest ",
    "presumably ",
    "please feel free to ",
    "If you really want that, please ",
    "Thanks Jason,",
    "Thank you Werner!",
    "@inlineCallbacks-decorated",
    "Specifically, ",
    "I'll be there until Friday",
    "if nobody objects by tomorrow",
    "will be out by Friday",
    "2010-05-05 08:48:40",
    # Window machinery (issue 18, win18): "tonight", the weekend, a day before the sender's plan,
    # the sender's past, a build's date, a screenshot's name, a plan wrapped over lines.
    "by tonight",
    "tonight",
    "before this weekend",
    "Tomorrow I'm ",
    "I was trying ",
    "I decided to do it\ntoday",
    "(2019-08-09)",
    "2017-08-10 at 9.56.11",
    "my plan is to start the\nconversion ",
    "won't be\navailable until ",
    "in and ",
    "Are TCP\nconnects ",
    "but how can I ",
    "Will that be ",
    "what do you guys suggest",
    "Any ideas or directions on how to ",
    "twistedmatrix.com...preferably",
    ") what does ",
    "\n  * Where ",
    " (which I assume runs?) ",
    "readable.?  ",
    # Windows and requests in German, French, Spanish, Portuguese and Dutch (issue 18), with
    # upper-case accented letters: Python folds only ASCII case, RE2 all of it.
    # Owners and actions of the five languages (issue 18, lang18): greetings, titles, thanks,
    # accented names, fact questions, "already", trailing polite words, "Nr." before a number.
    "Hola ",
    "Olá ",
    "Bonjour Élodie,",
    "Sehr geehrte Frau ",
    "Danke, Lukas!",
    "Merci Julie !",
    "Hola a todos,",
    "Liebe Grüße\n",
    "¿Dónde ",
    "Wann ",
    "Est-ce que ",
    " schon?",
    " planen, bitte",
    "Feedback wäre super",
    "Nr. 4411 ",
    "bis Freitag",
    "BIS SPÄTESTENS FREITAG",
    "bis nächsten ",
    "Mittwoch",
    "Guten Morgen",
    "morgen",
    "MAÑANA",
    "esta mañana",
    "AMANHÃ",
    "demain",
    " d\u2019ici ",
    "jusqu'à ",
    "antes del ",
    "até ",
    "ATÉ À",
    "vóór ",
    "uiterlijk ",
    "sexta-feira",
    "SÁBADO",
    "12/03",
    "12.03.",
    "12-03",
    "16. März",
    "3 de marzo",
    "19 MARÇO",
    "KW12",
    "Ende KW 12",
    "fin de la semaine 12",
    "semana ",
    "innerhalb von 2 Tagen",
    "sous 48h",
    "dias úteis",
    "binnen drie werkdagen",
    "16h",
    "15 Uhr",
    "15.00 uur",
    "meio-dia",
    "heute",
    "aujourd'hui",
    "fin de journée",
    "bitte ",
    "bitte beachten",
    "Merci de valider ",
    "merci pour votre ",
    "s'il vous plaît",
    "por favor",
    "graag ",
    "graag gedaan",
    "alsjeblieft",
    "brauche bis morgen ein Go",
    # French and Spanish asks, the five languages' information and thread (issue 18, lang18b):
    # needs and reminders, imperatives and infinitives opening a clause or a list line, a pronoun
    # written onto the verb, attachments, references, where the material is, pleasantries,
    # French elisions (no quoted string), calls and private messages, wishes that are no window.
    "Il faudrait que tu ",
    "N'OUBLIEZ PAS DE ",
    "Necesito que ",
    "signes ",
    "Marta, envía ",
    "\n- vérifier ",
    "à faire : ",
    "¿Puedes revisarlo?",
    "Échale ",
    "CI-JOINT ",
    "n° 4471",
    "n.º 123 ",
    "parce que ",
    " weil ",
    "dans le dossier ",
    "im Team-Ordner ",
    "EN LA CARPETA ",
    "na pasta ",
    "in de gedeelde map ",
    "J'ESPÈRE QUE ",
    "espero que ",
    "Merci d'avance",
    " quelqu'un aurait l'occasion de m'aider ",
    " échoue depuis ",
    "Appelle-moi",
    "LLÁMAME",
    "bespreken we het even persoonlijk",
    "Schönes Wochenende",
    "bom fim de semana",
    # French and Spanish actions and French information (issue 18, lang18t): knowing where or
    # why, inversions, a question on a definite subject (not a topic before a comma, not a
    # date), "¿" before a verb, nouns of an action needed or before a polite word, impersonal
    # needs, pronouns on an infinitive, "régler" a bill or "ça", marks that are no words.
    "Quelqu'un sait ",
    "¿Alguien sabe dónde ",
    " est-elle ",
    "passe-t-il ",
    "Le build de nuit repasse ",
    "Les slides, ",
    "Le lundi 04 juillet 2010 ? ",
    "¿Vuelve ",
    "¿HA ",
    "¿Qué versión está ",
    "Vos retours ",
    " svp",
    "j'attends ta validation",
    "A LA ESPERA DE SU APROBACIÓN",
    "pour validation",
    "¿Alguien me explica ",
    "Il faudrait relancer ",
    "hace falta que revises ",
    "besoin d'un coup de main",
    ", jette un œil ",
    "Llamadme",
    "régler ça",
    "régler la ",
    "solucionarlo",
    "ENVIÁRMELO",
    "Dime si ",
    " ? ",
    " 🙏 ",
    " — ",
    "Tu me fais un retour ",
    "¿Me confirmas si ",
    ", ¿para cuándo?",
    "une idée de pourquoi ",
    "encargarte de ",
    # French and Spanish forms of issue 18's dev part 3 (lang18x): calls, channels and talk moved
    # to a meeting, refused moves, answered and announcing questions, asks without their mark,
    # a missing part, a choice, availability, names without a comma, "las 18".
    "tu peux m'appeler ",
    "me rappeler ?",
    "on en parle en réunion ",
    " par mail, ",
    "por correo ",
    "pas en MP ",
    "? Non, ",
    "¿Se ha roto? No, ",
    "Vous savez quoi ? ",
    "peux-tu ",
    "Il manque encore ta ",
    "Falta tu ",
    " ou B ?",
    " o la B?",
    "t'as 2 min ",
    "Quelqu'un a une idée ?",
    "Max tu peux ",
    "Merci pour ton aide hier Clara !",
    "¡Hola Inés! ",
    "Buenas tardes,",
    "antes de las 18",
    "d'ici 16 h ",
    "une visio demain",
    "besoin de ton go",
    "\n\nMaría José Fernández",
    "\n\n",
    "\n",
    "\v",
    ", ",
    ". ",
    " ",
    "é",
    "😀",
    "'",
    "\\",
    "\u00a0",
]
texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=st.characters(max_codepoint=126))),
    max_size=12,
).map("".join)


def sql_signals(con: duckdb.DuckDBPyConnection, items: list[str]) -> list[dict[str, bool]]:
    con.execute("CREATE OR REPLACE TEMP TABLE drafts (i INTEGER, text VARCHAR)")
    con.executemany("INSERT INTO drafts VALUES (?, ?)", list(enumerate(items)))
    rows = con.execute(f"SELECT {signals_sql('text')} FROM drafts ORDER BY i").fetchall()
    return [dict(zip(SIGNALS, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_every_labelled_message_gets_the_same_signals_in_sql(
    con: duckdb.DuckDBPyConnection,
) -> None:
    items = [
        json.loads(line)["text"]
        for name in EVAL_SETS
        for line in (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
        if line
    ]
    assert len(items) >= 550
    assert sql_signals(con, items) == [signals(text) for text in items]


@pytest.mark.parametrize(
    ("pattern", "folded"),
    [
        ("ça|[éè]t", "[çÇ]a|[éÉèÈ]t"),
        # Escapes, ranges and a class's leading "]" are left as they are; "ß" has no one-letter
        # other case.
        (r"\[é\]", r"\[[éÉ]\]"),
        ("[A-Za-zÀ-ÖØ-öø-ÿ]+", "[A-Za-zÀ-ÖØ-öø-ÿ]+"),
        ("[^]é]x", "[^]éÉ]x"),
        ("straße|Œuvre", "straße|[Œœ]uvre"),
    ],
)
def test_accented_letters_are_folded_for_python_as_re2_folds_them(
    pattern: str, folded: str
) -> None:
    assert fold_non_ascii_letters(pattern) == folded


def test_upper_case_accented_letters_get_the_same_signals_in_sql(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # RE2 folds every letter's case, Python's re.ASCII only ASCII's: a pattern's accented letters
    # must be written in both cases ("Ça", "ÉCHALE") for lint and ingest to agree.
    items = [
        json.loads(line)["text"].upper()
        for name in EVAL_SETS
        if name.startswith("lang_")
        for line in (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
        if line
    ]
    assert sum(any(not c.isascii() and c.isupper() for c in text) for text in items) >= 300
    assert sql_signals(con, items) == [signals(text) for text in items]


# Each example compiles every pattern twice (binding, then running: about a fifth of a second
# whatever the rows), so the examples are few and large: about 19 texts each (Hypothesis draws
# lists near twice their minimum size), as many texts in all as 150 examples of 1 to 40 (about
# 7.5 each) gave.
@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=10, max_size=100))
# Thirteen words, fourteen once the question is cut out ("14.03.?Are" splits in two).
@example(["assigned to someoneassigned to someone\rby 14.03.?Are TCP\nconnects but how can I "])
def test_generated_text_gets_the_same_signals_in_sql(items: list[str]) -> None:
    with duckdb.connect() as con:
        assert sql_signals(con, items) == [signals(text) for text in items]


def test_null_text_has_no_signal(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(f"SELECT {signals_sql('NULL::VARCHAR')}").fetchone()
    assert row == (False,) * len(SIGNALS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi", {"bare_greeting"}),
        ("Hey @sam, got a minute?", {"bare_greeting", "is_request", "await_assign"}),
        (
            "Sam, can you review the deck by Friday?",
            {"is_request", "await_assign", "await_action", "await_window"},
        ),
        # "update" as a noun names no action.
        ("any update on this?", {"is_request", "nudge"}),
        # A direct question asks for a specific answer.
        ("which PR?", {"is_request", "clarification", "await_action"}),
        ("quick call?", {"is_request", "sync_request"}),
        ("Please note the office is closed.", set()),
        (
            "@here please approve https://example.org/doc",
            {"is_request", "await_action", "await_information"},
        ),
    ],
)
def test_signal_examples(text: str, expected: set[str]) -> None:
    assert {name for name, on in signals(text).items() if on} == expected


# (text, signal, expected): one quirk of the rules each, expected values written by hand.
QUIRKS = [
    # Tracker text (issue 18, trk18): an issue that opens with its work as a bare imperative or
    # "get ...", work proposed with "let's", a review's form and a crash report ask; advice that
    # opens a list's answer, "let's move on" and a CSS at-rule do not.
    ("Add in offline support for the sync client.", "is_request", True),
    ("Add in offline support for the sync client.", "await_action", True),
    ("Rename the settings module, it clashes.", "is_request", True),
    ("get the build matrix under control", "is_request", True),
    ("get the build matrix under control", "await_action", False),
    ("Use the reactor's callLater instead.", "is_request", False),
    ("Test results: all green.", "is_request", False),
    ("We talked about it, let's add a changelog entry for every bug.", "is_request", True),
    ("We talked about it, let's add a changelog entry for every bug.", "await_action", True),
    ("Fine, let's move on.", "is_request", False),
    ("Review of attachment 1234:\n-----\n\nLeftover `console.log` here.", "is_request", True),
    ("This bug was filed from the Socorro interface and is report bp-1.", "is_request", True),
    ("Review of attachment 1:\n\nNote that you need to change the IID.", "await_action", True),
    ("So it might be better to rename your functions accordingly.", "await_action", True),
    ("You should probably just call flush() in a loop.", "await_action", True),
    ("We'll need to call this before the first paint.", "await_action", True),
    ("Can you call me?", "await_action", False),
    ("We need to get the fixes merged upstream.", "await_action", True),
    ("Not sure this is expected:\n@keyframes spin {\n}", "await_assign", False),
    ("Is there some way the .org team can help us out with this?", "await_assign", True),
    ("Could the docs team review the draft?", "await_assign", True),
    ("Can the whole team help with this?", "await_assign", False),
    # A link that ends the question leaves its question mark to the question (the link pattern
    # took it, and the text read as a statement).
    ("Is this the right doc https://docs.example.org/guide?", "is_request", True),
    ("El evento es este https://example.org/evento?", "is_request", True),
    ("Does the build still fail on https://ci.example.org/job/12?", "await_action", True),
    # French and Spanish asks without a question mark or a polite word (issue 18, lang18b).
    ("Il faudrait que tu signes le devis.", "await_action", True),
    ("Hay que renovar el dominio.", "is_request", True),
    ("Équipe, à faire :\n- mettre à jour la FAQ\n- corriger les liens", "is_request", True),
    ("Échale un vistazo cuando puedas.", "await_action", False),
    # A contraction or an elision is no quoted string: 14 words, no fact, a question only.
    (
        "Est-ce que quelqu'un aurait l'occasion de m'aider avec ce qu'on s'était dit pour "
        "l'équipe ?",
        "await_information",
        False,
    ),
    ("Kannst du das freigeben? Es liegt im Ordner Verträge.", "await_information", True),
    ("Kun je dit goedkeuren? Bel me even.", "sync_request", True),
    # A wish for the weekend is no end-of-week window.
    ("¿Puedes revisarlo? ¡Buen fin de semana!", "await_window", False),
    # Asks and non-asks in the five other languages (issue 18).
    ("Bitte die Liste bis Freitag aktualisieren.", "is_request", True),
    ("Info: Deployment am Donnerstag, bitte beachten.", "is_request", False),
    ("Merci de valider le budget.", "is_request", True),
    ("Merci pour votre aide hier !", "is_request", False),
    ("Merci de votre patience.", "is_request", False),
    ("Por favor, aprobad el presupuesto.", "is_request", True),
    ("Pedimos que nos envie os comentários.", "is_request", True),
    ("Graag de urenstaten invullen.", "is_request", True),
    ("Graag gedaan!", "is_request", False),
    ("Brauche bis morgen ein kurzes Go.", "is_request", True),
    ("Guten Morgen zusammen, Teammeeting um 10.", "await_window", False),
    ("Goedemorgen allemaal!", "await_window", False),
    ("Kannst du bis 12/03 antworten?", "await_window", True),
    ("Ich bin am Freitag im Büro.", "await_window", False),
    # Greeting names and names opening the message assign ownership; generic ones do not.
    ("Hi Sven,\n\ncan you review it?", "await_assign", True),
    ("Dear Mrs. Okafor,\n\nCould you send the SOW?", "await_assign", True),
    ("Kenji — please approve it", "await_assign", True),
    ("aiko, let me know", "await_assign", True),
    ("Hey Ola! Could you share the rubric?", "await_assign", True),
    ("Hi team, can you review it?", "await_assign", False),
    ("Dear Sir or Madam, could you confirm?", "await_assign", False),
    ("Please review it.\n\nThanks,\nClara", "await_assign", False),
    ("Best regards,\nMarkus", "await_assign", False),
    # Links to non-record sites give no context; a Drive file does.
    ("Can you decide? https://www.youtube.com/watch?v=x", "await_information", False),
    ("Can you decide? https://www.google.com/search?q=x", "await_information", False),
    ("Can you decide? https://giphy.com/gifs/this-is-fine", "await_information", False),
    ("Can you decide? https://drive.google.com/file/d/1x/view", "await_information", True),
    # Concrete facts count: an amount, a named file, a numbered record.
    ("Can you approve 2,400 EUR?", "await_information", True),
    ("Can you check plan.pdf?", "await_information", True),
    ("Can you reply to ticket 55781?", "await_information", True),
    # Greetings, sign-offs, thread instructions and pointers to shared memory are no context.
    (
        "Hello everyone,\n\nre the thing from yesterday can you fix that one when you get a "
        "chance? Reply here pls so everyone sees it.\n\nKind regards,\nS. Lindqvist",
        "await_information",
        False,
    ),
    # Moving the exchange out of the thread.
    ("could you confirm? pls reply by DM not here", "sync_request", True),
    ("text me on WhatsApp instead, I'm travelling", "sync_request", True),
    ("I'll set up a zoom, easier than typing", "sync_request", True),
    ("let's take this offline — ping me privately.", "sync_request", True),
    ("Let's move this to email so legal can be in cc.", "sync_request", True),
    ("Please don't DM me about it, ask in #help", "sync_request", False),
    ("The huddle room is booked all day.", "sync_request", False),
    ("Let's discuss in this thread so everyone can follow.", "sync_request", False),
    # Window forms: dd.mm. dates and a time with a zone; "on Monday" says when, not by when.
    ("can you fix it by 30.03?", "await_window", True),
    ("can you approve by 3pm CET tomorrow?", "await_window", True),
    ("It broke after the refactor on Monday, can you fix it?", "await_window", False),
    # Vague asks and nouns name no action; a verb where it is asked for does.
    ("let me know", "await_action", False),
    ("Can you help with this?", "await_action", False),
    ("any chance you could look at this?", "await_action", False),
    ("Ticket WEB-2291 has the test logs. any input?", "await_action", False),
    ("Draft: the release notes. thoughts?", "await_action", False),
    ("@juan review?", "await_action", True),
    ("@lena 🙏 approve my PTO", "await_action", True),
    ("need the signed contract", "await_action", True),
    ("Anyone knows where the VPN config is?", "await_action", True),
    # Questions as mailing lists ask them (issue 18): "how can I", wrapped over lines, dots in a
    # version, numbered, indirect; verbs that count only where asked for.
    ("Hi all,\n\nHow can I make twistd reload the code on change?", "await_action", True),
    ("Is it still possible to install version 9.0.0 of the\nlibrary?", "await_action", True),
    ("1) Am I doing something wrong here?", "await_action", True),
    ("I'm wondering if there is a pattern for stopping the app.", "await_action", True),
    ("Could you try unpacking the tarball in the root of your drive?", "await_action", True),
    ("Try the same code in the interpreter.", "is_request", False),
    ("anyone have opinions on Linear vs Jira?", "await_action", False),
    # Guesses, tag questions, exclamations and lazy consensus are no asks; a polite one is.
    ("Maybe twistd's log rotation?", "is_request", False),
    ("Perhaps you want the Agent API instead?", "is_request", False),
    ("Perhaps you could attach the traceback?", "is_request", True),
    ("Nobody reads the wiki anyway, right?", "is_request", False),
    ("Really? I thought it was fixed.", "is_request", False),
    ("What, a public tinder bot?!", "is_request", False),
    ("I plan to tag the release on Friday unless I hear any objections.", "is_request", False),
    ("The server logs the error twice. Any help is greatly appreciated.", "is_request", True),
    ("If someone could shed some light on this that would be great.", "is_request", True),
    # "and" opens no imperative, and a wrapped line is no new clause.
    ("I have to install them and create a setup.py first.", "is_request", False),
    (
        "The daemon reads the config once and a\nrestart is needed after a change.",
        "is_request",
        False,
    ),
    # A name before a comma addresses someone where a paragraph or the message starts, not on a
    # wrapped line; discourse words are no names.
    ("Two APIs are shown, nothing\nadventurous, the focus is on teaching.", "await_assign", False),
    ("Thanks for the notes.\n\nSven, could you review it?", "await_assign", True),
    ("AFAICT, the handler only rotates the log.", "await_assign", False),
    # 17 words and a signature line: the signature is no context (18 words are needed).
    (
        "Is there a way to make the reactor stop reading a socket while the other keeps "
        "going?\n\nJean-Paul",
        "await_information",
        False,
    ),
    # Statements stay statements.
    ("ack", "is_request", False),
    ("Test results from last night: 3 failed.", "is_request", False),
    ("Please be informed that the policy changed.", "is_request", False),
    ("The new onboarding flow needs some love by EOD", "is_request", True),
    # Friction: bare greetings with emoji or a pleasantry; chasers, not follow-ups.
    ("hey 👋", "bare_greeting", True),
    ("Hi Ana, hope you're well!", "bare_greeting", True),
    ("Hi all, the release notes are out: https://x.example/r", "bare_greeting", False),
    ("ping", "nudge", True),
    ("Sorry to chase, but we need the NDA today.", "nudge", True),
    ("Following up on yesterday's decision, here is the doc", "nudge", False),
    ("Please bump lodash to 4.17.21", "nudge", False),
    ("Still waiting for CI to finish.", "nudge", False),
    ("You mean the Brightwave tenant?", "clarification", True),
    ("Which option do you prefer, A or B?", "clarification", False),
    ("Can you clarify the refund policy in the FAQ?", "clarification", False),
    # Third round (issue 18): "?" left by a list archive's encoding damage is no question, a
    # real one beside it still is.
    ("That's true ? but each string is delivered one byte at a time.", "is_request", False),
    ("See the ?ideal? flow in the docs.", "is_request", False),
    ("We, Montr?al-Python, are proud to host the track.", "is_request", False),
    ("Thanks a lot for your answer.\n?\nregards", "is_request", False),
    ("?", "is_request", True),
    ('Traceback:\n  File "<stdin>", line 1, in ?\nValueError', "is_request", False),
    ("That's true ? but does it hold for UDP?", "is_request", True),
    # Suggestions, permission and conditional asks.
    ("How about calling pauseProducing() on the transport?", "is_request", False),
    ("Why not use TCP here?", "is_request", False),
    ("It didn't call excepthook. Why not?", "is_request", True),
    ("The name matters (might I suggest 'txsmpp'?).", "is_request", False),
    ("I'll open a ticket; presumably it would update the docstring?", "is_request", False),
    ("Please feel free to add your project to the wiki.", "is_request", False),
    ("If you really want that, please re-open the ticket.", "is_request", False),
    # Advice in the imperative reads as an ask: in team chat "post your weekly update" is one.
    ("Reminder: post your weekly update.", "is_request", True),
    ("Any ideas or directions on how to fix the errback handling.", "is_request", True),
    ("Any ideas or directions on how to fix the errback handling.", "await_action", True),
    # Owners: a name thanked at the head of a reply or a paragraph, or after a question's comma;
    # "Thanks again" names nobody, nor a decorator written onto a word, nor an opening adverb.
    ("Thanks Jason,\n\nhow will users identify themselves?", "await_assign", True),
    ("Some context.\n\nThank you Werner! Can someone explain this?", "await_assign", True),
    ("Thanks again, that fixed it. Any idea why?", "await_assign", False),
    ("How was it, Ju?", "await_assign", True),
    ("Is it done, right?", "await_assign", False),
    ("An @inlineCallbacks-decorated generator never returns. Why?", "await_assign", False),
    ("Hello!\n\nSpecifically, when is excepthook called?", "await_assign", False),
    # Windows that date something else: a log timestamp, the sender's plan, lazy consensus, a
    # release said to come; a response window in the same message is still read.
    ("2010-05-05 08:48:40-0400 [-] Log opened. Can you include an example?", "await_window", False),
    ("I'll be there until Wednesday. Who else is coming?", "await_window", False),
    ("We will try to merge it before next Monday. Can you test it?", "await_window", False),
    ("If nobody objects by tomorrow, I'll merge it. Thoughts?", "await_window", False),
    ("10.1 will be out by Friday; can you test the RC?", "await_window", False),
    ("I'll merge it later. Can you review it by Friday?", "await_window", True),
    ("connect in and run the app, can you check?", "await_window", False),
    # Window machinery (issue 18, win18): "by tonight" and "before this weekend" ask by a time; a
    # day that opens the sender's plan, the sender's past (wrapped over a line too), a build's
    # date in parentheses, a screenshot's name and another person's commitment date no answer.
    ("Can you make sure the codebase works by tonight?", "await_window", True),
    ("Meetup tonight at the library, who is coming?", "await_window", False),
    ("Could you merge those in before this weekend?", "await_window", True),
    ("Tomorrow I'm probably going to tag it. Any version preferences?", "await_window", False),
    ("I was trying the faucet today and it broke. Can anyone check?", "await_window", False),
    ("I decided to do it\ntoday. Anyone can point me to the docs?", "await_window", False),
    ("Today I'll tag it. Can you review it by Friday?", "await_window", True),
    ("Seen on Nightly 70.0a1 (2019-08-09). Is this known?", "await_window", False),
    ("Screen Shot 2017-08-10 at 9.56.11 AM.png\n\nIs this intentional?", "await_window", False),
    (
        "My plan is to start it\nsometime between tonight and\nWednesday. Help?",
        "await_window",
        False,
    ),
    ("She will do the sanity check by tomorrow EOD. Can you review?", "await_window", False),
    ("Most of it won't be\navailable until Thursday. Can you help?", "await_window", False),
    # Wrapped and broader factual questions name the answer as the action.
    ("Hi Guys,\n\nAre TCP connects in Twisted usually\nblocking?", "await_action", True),
    ("It works, but how can I clean up the avatar?", "await_action", True),
    ("Will that be installed on my system?", "await_action", True),
    ("I need header auth. What do you guys suggest?", "await_action", True),
    ('I got "negative fd" what does this mean?', "await_action", True),
    ("Two questions:\n  * Where are the names documented?", "await_action", True),
    # Fourth round: a question in parentheses is an aside; "?" after a full stop is damage.
    ("Use spawnProcess (which I assume runs in a thread?) instead.", "is_request", False),
    ("The project was abandoned (?) but is maintained again.", "is_request", False),
    ("pipes are detected as readable.?  This is Linux 2.6.", "is_request", False),
    (
        "Is there a reason these aren't linked on twistedmatrix.com...preferably the front?",
        "await_action",
        True,
    ),
    ("Was meint ihr?", "await_action", False),
    # Fifth round (issue 18): tracker text. A Jira mention names an owner, an annotation nobody;
    # a blank line ended with CR LF opens a clause; the team's obligation is a task.
    ("[~mfreer] can one of you provide the data?", "await_assign", True),
    ("[~mfreer] can one of you provide the data?", "await_action", True),
    ('Make them unique:\n\nMember.java: @Table(name = "MemberHTML5")', "await_assign", False),
    ("Quickstart #48\r\n\r\nCreate a basic cordova version of it.", "is_request", True),
    ("We need to remove the reference to the BOM from the quickstarts.", "is_request", True),
    ("We need to remove the reference to the BOM from the quickstarts.", "await_action", True),
    ("we need to figure out what we'll use as a CI server", "is_request", True),
    ("The *-ds.xml support needs to be removed on AS 7.0.0.", "await_action", True),
    ("The wiki pages are required to have initial content.", "is_request", True),
    ("I think we should go with variant B, fewer drop-offs.", "is_request", False),
    ("That should be fine now.", "is_request", False),
    ("Extension modules must be built in the same configuration.", "is_request", False),
    # ... and a leading question that offers a guess, an offer on a condition, are no asks.
    ("Aren't you adding two readers? One is added in __init__.", "is_request", False),
    ("Good luck. Please let me know if there's stuff I can do.", "is_request", False),
    ("Please let me know which port you use.", "is_request", True),
    # Owners in the five languages (issue 18, lang18): a greeting or a title before a name,
    # accented names, a name thanked; broadcast words, sign-offs and "Madame, Monsieur" name
    # nobody.
    ("Bonjour Élodie,\n\npouvez-vous valider le devis ?", "await_assign", True),
    ("Sehr geehrte Frau Öztürk,\n\nbitte bestätigen Sie den Termin.", "await_assign", True),
    ("Obrigado, João! Pode revisar o texto?", "await_assign", True),
    ("Geachte heer De Vries, wilt u tekenen?", "await_assign", True),
    ("Hola a todos, ¿quién cubre la guardia?", "await_assign", False),
    ("Hallo zusammen, wer hat Zeit?", "await_assign", False),
    ("Danke!\n\nLiebe Grüße\nMarkus", "await_assign", False),
    ("Madame, Monsieur,\n\nmerci de signer le bon de commande.", "await_assign", False),
    # Actions in the five languages: a fact question, "already" in a question, a verb before a
    # polite word, feedback that would be great, a verb after "Nr. 4411"; opinions asked for
    # name none.
    ("Wann startet die Migration?", "await_action", True),
    ("Das Backup ist schon durch?", "await_action", True),
    ("¿Dónde guardamos las facturas?", "await_action", True),
    ("Den Bericht bis Montag fertigstellen, bitte.", "await_action", True),
    ("Vos retours seraient top sur ce brouillon.", "await_action", True),
    ("Bitte Rechnung Nr. 4411 prüfen.", "await_action", True),
    ("Qu'en pensez-vous ?", "await_action", False),
    ("¿Qué os parece?", "await_action", False),
    ("Wat vinden jullie ervan?", "await_action", False),
    # French and Spanish actions (issue 18, lang18t): knowing where, when or why; an inversion;
    # a question on a definite subject, not one after a topic and a comma, nor a date's "?" lost
    # to encoding damage; "¿" before a verb or "qué" before a noun; explaining; a noun of the
    # action before a polite word, awaited, or "for" it; an impersonal need before the task; a
    # pronoun on an infinitive that names an action, not on "sort out"; "régler" a bill, not
    # "ça"; "tell me whether".
    ("Quelqu'un sait pourquoi le cron ne tourne plus ?", "await_action", True),
    ("¿Alguien sabe cuándo caduca el dominio?", "await_action", True),
    ("Faut-il relancer le job ce soir ?", "await_action", True),
    ("Le déploiement d'hier est terminé ?", "await_action", True),
    ("Les tests, tu peux regarder ?", "await_action", False),
    ("Le lundi 04 juillet 2010 ? 10:05, Jean a ?crit :", "await_action", False),
    ("¿Sigue caído el servidor de pruebas?", "await_action", True),
    ("¿Qué puerto usa el proxy?", "await_action", True),
    ("Quelqu'un peut m'expliquer comment purger la file ?", "await_action", True),
    ("¿Alguien me explica cómo se configura el proxy?", "await_action", True),
    ("La revisión del PR, por favor.", "await_action", True),
    ("J'attends ta validation sur le devis.", "is_request", True),
    ("J'attends ta validation sur le devis.", "await_action", True),
    ("Ci-joint le devis pour validation.", "await_action", True),
    ("Il faudrait relancer le fournisseur avant jeudi.", "is_request", True),
    ("Il faudrait relancer le fournisseur avant jeudi.", "await_action", True),
    ("Il faut compter deux jours de délai.", "is_request", False),
    ("¿Puedes revisarlo hoy?", "await_action", True),
    ("¿Podéis solucionarlo hoy?", "await_action", False),
    ("Vous pouvez régler ça demain ?", "await_action", False),
    ("Merci de régler la facture avant lundi.", "await_action", True),
    ("Dime si te va bien el jueves.", "await_action", True),
    ("Tu me fais un retour sur la maquette ?", "await_action", True),
    ("¿Me confirmas si vienes a la reunión?", "await_action", True),
    ("La revisión del contrato, ¿para cuándo?", "await_action", True),
    ("Quelqu'un a une idée de pourquoi le build échoue ?", "await_action", True),
    ("¿Puedes encargarte de la migración?", "await_action", True),
    ("¿Alguien puede encargarse?", "await_action", False),
    # Asks for a look or a hand name no action; "I'll take a look" asks nothing.
    ("Thomas, jette un œil au ticket quand tu peux.", "is_request", True),
    ("Thomas, jette un œil au ticket quand tu peux.", "await_action", False),
    ("Je jette un œil demain.", "is_request", False),
    ("Le rapport a besoin d'un coup de main avant vendredi.", "is_request", True),
    ("Mejor llamadme y lo vemos.", "sync_request", True),
    # French and Spanish forms (issue 18, lang18x, dev part 3): asked to call or call back, not
    # reminded; a channel named for the answer; talk moved to a meeting; a move refused.
    ("Tu peux m'appeler quand t'as 5 min ?", "sync_request", True),
    ("Tu peux m'appeler quand t'as 5 min ?", "await_action", False),
    ("Pouvez-vous me rappeler ? Je suis là jusqu'à 17h.", "sync_request", True),
    ("Pouvez-vous me rappeler le mot de passe du wifi ?", "sync_request", False),
    ("¿Me podés llamar antes de las 18?", "sync_request", True),
    ("Envoie-moi les relevés par mail, la banque les réclame.", "sync_request", True),
    ("Contéstame por WhatsApp que estoy fuera.", "sync_request", True),
    ("On en parle en réunion ? J'ai des doutes.", "sync_request", True),
    ("¿Lo hablamos en la reunión del lunes?", "sync_request", True),
    ("Réponds ici stp, pas en MP : on garde A ou B ?", "sync_request", False),
    ("Responded aquí, no por privado: ¿A o la B?", "sync_request", False),
    # A question answered in the message, or one that announces, asks nothing; "si" (if) after a
    # question answers nothing.
    ("Le build est cassé ? Non, c'était le cache.", "is_request", False),
    ("¿Se ha roto el build? No, era la caché.", "is_request", False),
    ("¿Puedes aprobar el presupuesto? Si quieres lo hablamos.", "is_request", True),
    ("Vous savez quoi ? On a passé les 10 000 utilisateurs 🎉", "is_request", False),
    ("¿Sabéis qué? ¡Hemos pasado los 10.000 usuarios!", "is_request", False),
    # Asks whose "?" is lost to the encoding-damage rule, or that have none.
    ("Merci pour hier ! Au fait tu peux m'aider avec le logo ? je galère", "is_request", True),
    ("¿Podrías dar de baja la cuenta de Pablo D.? Se fue el viernes.", "is_request", True),
    ("¿Podrías dar de baja la cuenta de Pablo D.? Se fue el viernes.", "await_action", True),
    ("@nico fais-moi signe quand la migration est finie", "is_request", True),
    ("@nico fais-moi signe quand la migration est finie", "await_action", False),
    ("Je vous remercie de bien vouloir signer le PV joint.", "await_action", True),
    ("Le agradeceré que firme el acta adjunta.", "await_action", True),
    ("Léa, je te laisse valider la maquette v3.", "await_action", True),
    ("Il manque encore ta note de frais de mars 😅", "is_request", True),
    ("Il manque encore ta note de frais de mars 😅", "await_action", True),
    ("Falta tu hoja de gastos de marzo", "await_action", True),
    ("@vincent besoin de ton go pour la mise en prod", "await_action", True),
    ("¿nos quedamos con la opción A o la B?", "await_action", True),
    ("Il faudrait que quelqu'un mette à jour la doc.", "await_action", True),
    # Asking for a moment, a call, a visit or ideas names no action.
    ("@theo t'as 2 min pour un appel ?", "await_action", False),
    ("¿Tenéis un rato para una videollamada?", "await_action", False),
    ("Quelqu'un a une idée ?", "await_action", False),
    ("Quelqu'un a le lien vers le tableau des astreintes ?", "await_action", True),
    # A name opening the ask without a comma, a name after what the thanks are for, "¡Hola";
    # "Buenas tardes" and "Je vous ..." name nobody.
    ("Max tu peux regarder stp", "await_assign", True),
    ("Sergio llámame cuanto antes", "await_assign", True),
    ("Merci pour ton aide hier Clara !! Au fait tu peux m'aider ?", "await_assign", True),
    ("¡Hola Inés! ¿Crees que podrás terminar las ilustraciones?", "await_assign", True),
    ("Buenas tardes,\n\n¿Me podría mantener al tanto?", "await_assign", False),
    ("Je vous remercie de bien vouloir signer le PV.", "await_assign", False),
    ("Danke für das Review!", "await_assign", False),
    # A call proposed for a day is the meeting the answer is due at (the rulings' deadline: its
    # start), and a meeting may be what the answer is due before.
    ("Benoît, on peut se faire une visio demain ?", "await_window", True),
    ("Tu m'envoies les slides pour la réunion de demain ?", "await_window", True),
    # A signature, a greeting and a deadline's clock time are no context; the options of a
    # choice are.
    (
        "Bonjour,\n\nJe me permets de vous relancer concernant le dossier de la semaine "
        "dernière. Pourriez-vous me tenir informée ?\n\nBien à vous,\nÉlodie Marchand",
        "await_information",
        False,
    ),
    (
        "Hola Andrés, ¿puedes pasarme el enlace del tablero de guardias de noviembre? Lo "
        "necesito antes de las 14:00",
        "await_information",
        False,
    ),
    (
        "Hello Mathis, petite question : le nouveau tarif s'applique aux contrats en cours ou "
        "seulement aux nouveaux ? Un client me pose la question.",
        "await_information",
        True,
    ),
    # A mark set apart by French typography is no word: thirteen words and a "?", with the
    # window's number the only fact.
    (
        "Tu peux mettre à jour la page des tarifs dans les 24 heures ?",
        "await_information",
        False,
    ),
    # List mail of other years (issue 18, en18r, real_dev2.jsonl). A line after a comma that
    # ends a wrapped line names nobody; a salutation is no name.
    (
        "Hi,\n\nThe client sends a string (txt,\n   pdf, or ppt) to the server.",
        "await_assign",
        False,
    ),
    ("Greetings,\n\nWhat is your licensing policy?", "await_assign", False),
    # A chat line opened by a nick and a colon addresses that person (IRC); a label does not.
    ("helix84: do you know if the wiki is open to edits?", "await_assign", True),
    ("PR: https://example.org/pull/12 pls review it", "await_assign", False),
    ("re: the deploy, can you check the logs?", "await_assign", False),
    ("fix: can you check the logs before the release?", "await_assign", False),
    ("bug: the export fails on empty channels, can someone look?", "await_assign", False),
    ("Hi Sven,\nTom, can you check the build?", "await_assign", True),
    # Pipermail's "?" for a lost dash before a signature's name, or a name's last letter.
    ("I completely missed the glossary, thanks :)\n\n? Jason", "is_request", False),
    ("As I said, it was Thomas Herv?. Web2 is separate.", "is_request", False),
    # Notes, permission, offers and exhortations on a condition are no asks.
    ("Lest anyone misunderstand, please take note: web is maintained.", "is_request", False),
    ("If you run meetups, please don't hesitate to contact the PSF.", "is_request", False),
    ("I also have a PR.\n\nIf you're interested, please review that PR.", "is_request", False),
    ("Hope that helps.. let me know if you've got more questions.", "is_request", False),
    ("Let's not make a big deal out of this, please.", "is_request", False),
    ("(or maybe to change the adapter to always try\nthe interface?)", "is_request", False),
    # Indirect questions and asks the action list did not read.
    ("Actually I wonder how you managed to use this patch.", "is_request", True),
    ("I would like to understand why it does not work in this case.", "await_action", True),
    ("So my question is how do I use a controller for this.", "await_action", True),
    ("My question is what is the correct way of dealing with this?", "await_action", True),
    ("I'd appreciate comments on the approach as well.", "await_action", True),
    ("Any clues as to what I'm doing wrong?", "await_action", True),
    ("What happens if the join fails?", "await_action", True),
    ("What do you mean by g will be called after f?", "await_action", True),
    ("Can you be more\nspecific about the protocol?", "await_action", True),
    ("It would be great if you could make sure those APIs are wrapped.", "await_action", True),
    ("This is a bug in Python. Someone should open a ticket for it.", "await_action", True),
    # The test split's own archives, drawn afresh (issue 18, en18s, real_dev3.jsonl). A sign-off
    # and a reply's opening remark are no names.
    ("Is the port configurable?\n\nTIA,\nRob", "await_assign", False),
    ("Interesting, why?\nIs the reactor not installed?", "await_assign", False),
    # Suggestions and leading questions after a comma or a "but", wrapped over lines too.
    ("Better yet, why not upgrade to the latest release?", "is_request", False),
    ("My knowledge is weak, but - couldn't you pass in\ncopies of the fds?", "is_request", False),
    (
        "This may be off topic but isn't there a wxReactor so\nyou can skip the thread?",
        "is_request",
        False,
    ),
    # Conditional offers and conditional asks.
    ("Good idea, lmk if I can help you pick a date", "is_request", False),
    (
        "We upgraded the site.\n\nIf you notice anything broken, please point it out.",
        "is_request",
        False,
    ),
    # A French attribution line's lost letters ("à", "é") are no question.
    (
        "Le lundi 06 septembre 2010 ? 08:28 +0000, Ana a ?crit :\n\nTry a newer version.",
        "is_request",
        False,
    ),
    # Problem reports and indirect questions.
    ("So, my question is, how can I make it return a value.", "await_action", True),
    ("I have no idea where to put the LoopingCall in this code.", "is_request", True),
    ("It is not clear to me how to add options to the app.", "is_request", True),
    ("Hi,\n\nI'm getting an error while starting my service.", "is_request", True),
    ("Still stuck, so if anyone has any ideas I'd love to hear them.", "is_request", True),
    # A gerund after "would you mind", and "give" where asked for.
    ("Once you figure it out, would you mind submitting a patch?", "await_action", True),
    ("Any chance you could give us a short example that fails?", "await_action", True),
    ("what did you see?", "await_action", True),
    # A how-to question with its mark left out still asks; a statement of the way does not.
    ("Is there a way to read files asynchronously using twisted.", "await_action", True),
    ("How do I add my own options to trial.\n\nThanks", "is_request", True),
    ("This is how we do it in the tests.", "is_request", False),
    # A Slack emoji's short code names no fact.
    (
        "or what method were you calling in the api for the data export? :simple_smile:",
        "await_information",
        False,
    ),
]


@pytest.mark.parametrize(("text", "signal", "expected"), QUIRKS)
def test_rule_quirks(text: str, signal: str, expected: bool) -> None:
    assert signals(text)[signal] is expected


def test_quirks_get_the_same_signals_in_sql(con: duckdb.DuckDBPyConnection) -> None:
    items = [text for text, _, _ in QUIRKS]
    assert sql_signals(con, items) == [signals(text) for text in items]


def test_real_sets_hold_pointers_and_labels_not_texts() -> None:
    # The archives' texts may not be stored in the repository (../shared/data/README.md): every
    # record points into one of them, and the test and dev splits share no message.
    keys: dict[str, set[tuple[str, str, str]]] = {}
    for name in ("real_test.jsonl", "real_dev.jsonl", "real_dev3.jsonl"):
        records = [json.loads(line) for line in (EVAL_DIR / name).read_text().splitlines()]
        assert all("text" not in record for record in records)
        assert {r["source"]["archive"] for r in records} == {
            "slack-houston-2016",
            "mbox-twisted-2010",
        }
        keys[name] = {
            (r["source"]["archive"], r["source"]["file"], r["source"]["key"]) for r in records
        }
        assert len(keys[name]) == len(records)
    assert len(keys["real_test.jsonl"]) >= 400
    assert not keys["real_test.jsonl"] & keys["real_dev.jsonl"]
    # The third dev split was drawn from messages no labelled file named (where_houston.jsonl's
    # file and ts included): at least 120 of each archive.
    named_elsewhere = set()
    for other in EVAL_DIR.glob("*.jsonl"):
        if other.name != "real_dev3.jsonl":
            for line in other.read_text().splitlines():
                record = json.loads(line)
                source = record.get("source") or {
                    "file": record.get("file"),
                    "key": record.get("ts"),
                }
                named_elsewhere.add((source.get("file"), source.get("key")))
    assert not {(file, key) for _, file, key in keys["real_dev3.jsonl"]} & named_elsewhere
    assert Counter(archive for archive, _, _ in keys["real_dev3.jsonl"]) >= Counter(
        {"slack-houston-2016": 120, "mbox-twisted-2010": 120}
    )


def test_tracker_sets_carry_their_texts_and_share_no_message() -> None:
    # Apache-2.0 allows the Jira texts to be kept (PROVENANCE.md): each record carries its text
    # and its origin; the frozen test split and the dev split share no message.
    keys: dict[str, set[str]] = {}
    for name in ("tracker_test.jsonl", "tracker_dev.jsonl"):
        records = [json.loads(line) for line in (EVAL_DIR / name).read_text().splitlines()]
        assert all(r["text"] and r["kind"] == "tracker" for r in records)
        assert {r["source"]["origin"] for r in records} == {"kpiwko/jira-miner"}
        keys[name] = {r["source"]["key"] for r in records}
        assert len(keys[name]) == len(records)
    assert len(keys["tracker_test.jsonl"]) >= 60
    assert not keys["tracker_test.jsonl"] & keys["tracker_dev.jsonl"]


def test_bugzilla_dev_split_carries_its_texts_from_several_bugs() -> None:
    # MPL-2.0 allows the Bugzilla texts of bugbug's fixture to be kept (PROVENANCE.md); the draw
    # took at most three texts of a bug, so no bug's idiom outweighs the rest.
    records = [
        json.loads(line) for line in (EVAL_DIR / "tracker_dev2.jsonl").read_text().splitlines()
    ]
    assert all(r["text"] and r["kind"] == "tracker" for r in records)
    assert {r["source"]["origin"] for r in records} == {"mozilla/bugbug"}
    bugs = Counter(r["source"]["key"].split("#")[0] for r in records)
    assert len(records) == len({r["source"]["key"] for r in records}) >= 100
    assert max(bugs.values()) <= 3


def test_third_tracker_dev_split_takes_no_bugzilla_text_another_set_holds() -> None:
    # The draw takes the fixture's descriptions no labelled set holds, then comments, at most two
    # a bug; a text already labelled in tracker_dev2 or the windows dev part would count twice.
    records = [
        json.loads(line) for line in (EVAL_DIR / "tracker_dev3.jsonl").read_text().splitlines()
    ]
    assert all(r["text"] and r["kind"] == "tracker" for r in records)
    assert {r["source"]["origin"] for r in records} == {"mozilla/bugbug"}
    keys = {r["source"]["key"] for r in records}
    assert len(keys) == len(records) >= 120
    for other in ("tracker_dev2.jsonl", "real_windows_dev.jsonl"):
        held = {
            json.loads(line)["source"]["key"]
            for line in (EVAL_DIR / other).read_text().splitlines()
        }
        assert not keys & held
    comments = Counter(
        r["source"]["key"].split("#")[0] for r in records if r["stratum"] == "comment"
    )
    assert max(comments.values()) <= 2
    assert sum(r["stratum"] == "description" for r in records) >= 30


def test_windows_dev_part_carries_its_texts_and_takes_none_of_the_frozen_ones() -> None:
    # MIT and MPL-2.0 allow the texts inline (PROVENANCE.md); the lists of the frozen windows
    # part (twisted-python, twisted-web) are not drawn from, nor a Bugzilla text of tracker_dev2.
    records = [
        json.loads(line) for line in (EVAL_DIR / "real_windows_dev.jsonl").read_text().splitlines()
    ]
    assert all(r["text"] and r["source"]["archive"] == "inline" for r in records)
    assert {r["source"]["origin"] for r in records} == {"twisted/pipermail", "mozilla/bugbug"}
    assert not any(
        r["source"]["file"].startswith(("twisted-python/", "twisted-web/")) for r in records
    )
    bugzilla = [
        json.loads(line)["source"]["key"]
        for line in (EVAL_DIR / "tracker_dev2.jsonl").read_text().splitlines()
    ]
    assert not {r["source"]["key"] for r in records} & set(bugzilla)
    assert len({r["source"]["key"] for r in records}) == len(records) >= 50


def test_second_real_dev_split_is_list_mail_no_other_set_holds_and_has_no_time_words() -> None:
    # The time stratum of the same lists is the frozen real_windows.jsonl: the draw keeps out every
    # message with a time word and every Message-ID that a labelled set already names.
    sys.path.insert(0, str(EVAL_DIR.parent))
    from await_real_sample import TIME_WORD, WINDOW_PHRASE

    records = [json.loads(line) for line in (EVAL_DIR / "real_dev2.jsonl").read_text().splitlines()]
    assert all(r["text"] and r["kind"] == "e-mail" for r in records)
    assert {r["source"]["origin"] for r in records} == {"github.com/twisted/pipermail"}
    assert {r["source"]["file"].split("/")[0] for r in records} == {"twisted-python", "twisted-web"}
    assert not any(r["source"]["file"].startswith("twisted-python/2010-") for r in records)
    keys = {r["source"]["key"] for r in records}
    assert len(keys) == len(records) >= 200
    others = {
        json.loads(line).get("source", {}).get("key")
        for other in EVAL_DIR.glob("*.jsonl")
        if other.name != "real_dev2.jsonl"
        for line in other.read_text().splitlines()
    }
    assert not keys & others
    assert not any(TIME_WORD.search(r["text"]) or WINDOW_PHRASE.search(r["text"]) for r in records)
    assert not any(r["window"] for r in records)


def test_real_chat_dev_split_carries_irc_lines_under_their_licence() -> None:
    # CC BY 4.0 allows the DuraSpace IRC lines to be kept with attribution (PROVENANCE.md); each
    # names its day file and line, once.
    records = [
        json.loads(line) for line in (EVAL_DIR / "real_chat_dev.jsonl").read_text().splitlines()
    ]
    assert all(r["text"] and r["kind"] == "chat" for r in records)
    assert {r["source"]["origin"] for r in records} == {"github.com/duraspace/irclogs"}
    pointers = {(r["source"]["file"], r["source"]["key"]) for r in records}
    assert len(pointers) == len(records) >= 150
    assert "CC BY 4.0" in (EVAL_DIR / "PROVENANCE.md").read_text()


def test_real_messages_get_the_same_signals_in_sql(
    con: duckdb.DuckDBPyConnection, shared_data: Path
) -> None:
    sys.path.insert(0, str(EVAL_DIR.parent))
    from await_real import resolve

    records = [
        json.loads(line)
        for name in ("real_test.jsonl", "real_dev.jsonl", "real_dev3.jsonl")
        for line in (EVAL_DIR / name).read_text().splitlines()
    ]
    items = [record["text"] for record in resolve(records, shared_data)]
    assert all(items)
    assert sql_signals(con, items) == [signals(text) for text in items]


@pytest.mark.parametrize(
    "ask_at", [MAX_SIGNAL_CHARS - 40, MAX_SIGNAL_CHARS - 5, MAX_SIGNAL_CHARS + 10]
)
def test_only_the_first_characters_are_read_in_python_and_sql(
    con: duckdb.DuckDBPyConnection, ask_at: int
) -> None:
    # An ask that starts past the cap is not read; one cut by the cap is read as far as it goes.
    text = "é" * ask_at + " @dana can you review #42 by Friday?"
    found = signals(text)
    assert sql_signals(con, [text]) == [found]
    assert found["is_request"] is (ask_at + 30 < MAX_SIGNAL_CHARS)


def test_every_set_the_benchmarks_score_is_one_the_scorer_knows() -> None:
    # `benchmarks/run.py` names the sets it scores and labels; the scorer resolves each name to
    # its files. A set registered in one and not the other crashed the AWAIT section.
    sys.path.insert(0, str(EVAL_DIR.parent))
    import await_eval
    import run

    # The friction set is scored by a scorer of its own (`load_friction`).
    assert set(run.AWAIT_SETS) - {"friction"} <= set(await_eval.AWAIT_SETS)
    assert set(await_eval.AWAIT_SETS) >= run.SPENT_PARTS
    for files in await_eval.AWAIT_SETS.values():
        assert all(part in await_eval.SETS for part in files)
