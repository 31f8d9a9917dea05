"""AWAIT analysis of a single draft request: is it a request, and does it carry the five elements?

The WMI AWAIT protocol (reference/maturity-models.md): **A**ssign ownership, **W**indow for
response, **A**ction required, **I**nformation complete, **T**hread discipline. `analyse` reads one
draft with fixed, documented rules (compiled regular expressions, no model, no per-character loops),
so the same text always gives the same answer. Windows and requests are read in English, German,
French, Spanish, Portuguese and Dutch (see *Other languages* below), the action in part; the other
elements in English.

Rules
-----
URLs are removed before every rule except *Information complete*, so a `?` in a link is no question.
A mention counts as the start of a clause ("@bob approve this"), and so does the text after a
sentence mark, a comma, a spaced dash, a blank line, "and"/"then", with any emoji skipped ("@lena 🙏
approve"); a single line break does not (e-mail wraps sentences over lines).

* **Request** (`is_request`): a `?` (not in a guess offered as a question, "Maybe twistd's log
  rotation?", "Perhaps you want X?", nor in a tag question ", right?", "Really?" or "?!"); or a
  polite/imperative ask: "can/could/would/will you", "would you mind", "need you to",
  "please"/"kindly" (not "please note/be aware/be informed/ignore"), "I'd appreciate it if you",
  "I'd appreciate", "any help (is) appreciated", "if someone could", "get in touch", "get back to
  me", "wondering/curious if|how|why ...", "let me know", "lmk", "thoughts", "any objections/
  concerns" (not "unless I hear any objections"), "waiting on you", "need your review/approval/
  input/sign-off", "need the signed ...", "needs some love"; or a verb of the action list (or
  "reply", "ping", "look at") opening a clause (not after "and"/"then": "I have to install them
  and create a setup.py" states) and followed by what it acts on or by the clause's end ("Review
  the PR", "@juan review?", not "Test results: ..." or "Draft: ..."), or an ask for how to do
  something ("any ideas on how to fix ..."); or a task stated as the team's obligation, as a
  tracker issue states its work ("we need to ...", "we should ...", "Need to ...", "X needs to
  be updated", "is required to"; not an opinion, "I think we should ...", nor "should be fine");
  or a tracker's form or opening: a review request ("r?karlt"), an approval request, a bug
  report's "Steps to reproduce", a review's "Review of attachment N:", a crash report "filed from
  the Socorro interface", a text that opens with the work as a bare imperative ("Add support for
  ...", "Implement ...", "Create ...", "Rename ..."; not "Use ... instead", which advises) or with
  "get ..." ("get the single page approach under control"), and work proposed with "let's" and
  a verb of the action list with what it acts on ("let's add a bug link ...", not "let's move on").
  Anything else (FYIs, heads-ups, "shipped", "ack",
  "thanks!") is a statement, and so are a suggestion phrased as a question ("How about ...?",
  "Why not use ...?", "might I suggest ...?", "presumably ...?"), permission and conditional asks
  ("please feel free to", "if you really want that, please ..."), a question in parentheses (an
  aside: "abandoned (?) by its author"), and `?` that a list archive's encoding damage left in
  place of other characters ("Montr?al", "true ? but", "readable.?", a line of "?"), a leading
  question that offers a guess ("Aren't you adding two readers?") and an offer on a condition
  ("please let me know if there's anything I can do").
* **Assign ownership**: a Slack user or group mention (`<@U123>`, `<!subteam^S1|@design>`), a
  Jira mention (`[~jdoe]`), an
  `@name` or `@team` (an e-mail address is no mention), "owner:/assignee: X", "assigned to X", a
  team asked to help or look ("could the docs team review ...", "the .org team can help"; not
  "the whole team"), a
  capitalised name opening a clause before an ask ("Dana, can you ..."), a name in the greeting
  ("Hi Sven,", "Dear Mrs. Okafor,", "Hey Ola!") or a name opening a line before a comma or a dash
  ("Aiko, ...", "Kenji — ...", lower-case "tom, ..." too), a capitalised name thanked at the head
  of a reply or a paragraph ("Thanks Jason,") or after a question's comma ("How was it, Ju?").
  Code decorators, annotations and docstring fields ("@inlineCallbacks-decorated",
  "@Table(name = ...)", "@param") name nobody.
  `@here`, `@channel`, `@everyone`,
  `@all` and `<!here>` name nobody in particular and do not count, nor do generic greetings and
  sign-offs ("Hi team,", "Hey all,", "Dear colleagues,", "Dear Sir,", "Thanks,", "BR,"): see
  `asyncmaturity.await_protocol.rules.NOT_NAMES`.
* **Window for response**: a deadline or a response window. Read forms: "EOD"/"COB"/"end of
  (the) day"/"close of business"/"today"/"by tonight"; "EOW"/"end of (the) week"/"by|before (the|
  this) weekend"; "tomorrow"; "(by|before|
  until|due|no later than) [this|next] <weekday>" ("on Monday" is not read: it usually says when
  something happened); "within/in [the next] N minutes/hours/days/business days/weeks" (N a number
  or one..twelve; "48h" too); ISO dates (`2026-03-05`, with an optional `THH:MM`); month-name dates
  ("5 March", "March 5th", "5th of March", optional year), numeric dates ("25/3", "3/25/2026")
  and dd.mm. dates ("14.03.", "30.04.2026") after one of the prepositions above; a time of day
  after a preposition, with an optional zone ("by 3pm", "by 3pm CET", "before the 10:00 standup",
  "by noon"). "ASAP", "urgent" and "soon" set `urgent` but are **not** a window: they say hurry,
  not by when. A time word that dates something else is not read, to the end of its sentence: a
  log line's timestamp (seconds written), a build's date in parentheses ("Nightly 70.0a1
  (2019-08-09)"), a screenshot's name ("2017-08-10 at 9.56.11 AM"), the sender's plan or
  commitment, or another person's ("I'll be there until Wednesday", "we will try to merge it
  before next Monday", "She will do the check by tomorrow EOD", "Tomorrow I'm going to tag it",
  "my plan is to ..."), the sender's past ("I was trying it today", "I decided to do it today"),
  lazy consensus ("if nobody objects by tomorrow") and a release said to come ("10.1 will be out
  by Friday", "won't be available until Thursday"). The plan and the past are read on over
  e-mail's wrapped lines (a line that goes on in lower case).
  Numeric dates: the day/month order is taken only when it is unambiguous (one part above 12, or
  both equal); "by 5/3" is a window, but its deadline stays unresolved (`None`) and a note says so.
  dd.mm. dates are read day first (European usage), with a note. Use ISO dates or month names to
  be read exactly.
* **Deadline** (`deadline`): the first window in the text, resolved against `sent_at` read in
  `timezone` (a naive `sent_at` is local time there). A day without a time ends at the end of the
  working day (`end_of_day`, default 17:00); a time in the text ("Friday 3pm") replaces it.
  EOD/today/"by tonight": that day (the next day when `sent_at` is already past it); tomorrow: the
  next day; EOW and "before the weekend": the Friday of that week (of the next week on a
  weekend); "by Friday": the next Friday on or after `sent_at` (today only if the end of the
  working day is still ahead); "next Friday": the Friday of the following calendar week; "within
  N minutes/hours/days/weeks": `sent_at` plus that duration (business days skip Saturdays and
  Sundays); a date without a year: the next such date on or after the day sent; a time alone:
  that time today, or tomorrow when already past. A day named in the same sentence within 15
  characters of a time or of EOD sets its day ("by 3pm CET tomorrow", "EOD Friday", "Friday by
  3pm"). A time with a zone ("3pm ET", "9:00 UTC") is read in
  that zone and given in `timezone`; "CET"/"CEST" mean Central European local time (Berlin).
  Without `sent_at`, only dates with a year resolve.
* **Action required**: a verb of what to do (review, approve, decide, confirm, answer, fix, merge,
  sign off, send, update, check, test, run, export, translate, grant, proofread, ...: see
  `asyncmaturity.await_protocol.rules.ACTION_VERBS`) where it is asked for: after
  "can/could/would/will you|someone|everyone", "please", "kindly", "need you to", "I'd appreciate it
  if you could" (up to three words between), or opening a clause as above; an ask for "your
  approval/review/sign-off/decision/feedback/OK", "for review/approval", "need the signed ...", "a
  decision from you"; a verb that names what to do only where it is asked for ("could you try
  unpacking ...", "can you include an example?": try, mention, include, tell, show, ...); or a
  direct factual question opening a clause or a numbered item ("where is the VPN config?", "is the
  deploy done?", "do we need a DPA?", "how can I ...?", "why does ...?", "are you ...?", "anyone
  tried ...?", "1) Am I ...?", "will that be ...?", "what do you suggest?"; a question may wrap
  over e-mail lines, open after "but"/"so", a closing quote or a list bullet, and hold dots such
  as "9.0.0"), a verb of the list in a task stated as the team's obligation ("we need to verify
  ...", "the *-ds.xml support needs to be removed", "we need to get ..."), in a text that opens
  with it ("Add in jquery mobile support ..."), after "let's" ("let's add ..."), or put to the
  patch's author by a reviewer ("you need to change ...", "it might be better to rename ..."), an
  ask for how to do something ("any ideas on how to ..."), or an indirect one ("I'm wondering if ...", "curious who ..."). Vague asks name no action: "thoughts?", "any input?",
  "let me know", "what do we do here?", "can you help with this?", "(take a) look at this"; nor do
  the same words used as nouns ("any update?", "the flaky test", "dry run", "Draft:", "read-only")
  or where-to-reply phrases ("reply here", "ping me").
* **Information complete**: a link to a record (the ingest's URL pattern; links to a web search,
  YouTube, a GIF site or a link shortener such as bit.ly are no record:
  `asyncmaturity.await_protocol.rules.NON_RECORD_URL`), an
  attachment marker ("attached", "[file ...]", 📎), a ticket reference (`#123`, `ABC-123`, "ticket
  55781"), a file name (`plan.pdf`), an amount or a share ("2,400 EUR", "18k", "3.1%"), a context
  marker ("context:", "background:", "details:", "tl;dr", "because", "so that"), or at least 18
  words once links, mentions and filler are removed. Filler
  (`asyncmaturity.await_protocol.rules.FILLER`): the greeting, the sign-off, a signature line of
  one or two words ("Pet", "-J", "Jean-Paul"), the clause that says
  where to reply ("Reply here pls so everyone sees it", "DM me if anything is unclear"), "no
  rush"/"when you get a chance"-like phrases, pleasantries, vague asks and pointers to shared memory
  ("re the thing from yesterday", "about that doc", "the one we talked about").
* **Thread discipline**: for one draft, present unless it asks to move the conversation elsewhere:
  to a DM ("DM me", "pls reply by DM", "ping/message me privately", "send me a DM"), a phone or a
  chat app ("call me", "text me on WhatsApp", "give me a ring", "easier on the phone"), e-mail
  ("reply via email", "move this to email"), a call or a meeting ("hop on a call", "quick call?",
  "can we jump on", "I'll set up a zoom", "let's do a quick video call", "huddle?", "take this
  offline", "discuss it in person"). A negated ask ("please don't DM me") keeps it. Whether a team
  actually keeps replies in threads is an archive-level metric, measured by `asyncmaturity
  measure`, not here.

Other languages
---------------
Windows and requests are also read in German, French, Spanish, Portuguese and Dutch, by word
lists that do not clash across the five (a preposition, then a weekday or a date), so no language
is guessed (`asyncmaturity.await_protocol.rules.INTL_WINDOWS`, `REQUEST_INTL`):

* **Request**: besides a `?` (also after "¿"), polite asks without one: "bitte", "wir bitten
  um", "wäre super", "brauche ... ein Go/Feedback", "s'il te/vous plaît", "svp", "merci de
  <verb>", "veuillez", "por favor", "porfa", "le rogamos", "pedimos que", "seria ótimo",
  "alsjeblieft", "aub", "graag", "zou top zijn"; reminders and needs ("n'oublie pas de", "pense
  à", "il faudrait que tu", "hay que", "necesito que", "te pido que", "no olvides"); an imperative
  or an infinitive opening a clause or a list line ("Marta, envía ...", "à faire : vérifier ...",
  "- actualizar el changelog", "Échale un vistazo", "jette un œil"); a wish before the
  subjunctive ("j'aimerais que tu", "me gustaría que", "hace falta que"); an impersonal need
  right before an infinitive of the list ("il faudrait relancer", "hace falta revisar"); a hand
  asked for ("besoin d'un coup de main", "necesita un repaso"); the noun of an action awaited or
  needed ("j'attends ta validation"); not "bitte beachten", "merci pour/de votre ...", "veuillez
  trouver", "graag gedaan", nor "je jette un œil" (the writer's own look).
* **Window**: a preposition ("bis", "bis spätestens", "vor", "d'ici", "avant", "pour", "au plus
  tard", "para", "antes del", "hasta", "a más tardar", "até", "antes de", "voor", "vóór",
  "uiterlijk", "tot") before a weekday ("bis Freitag", "até sexta-feira", optionally "next":
  "nächsten", "prochain", "próximo", "volgende week"), a date ("12.03.", "12/03", "12-03", "16.
  März", "3 de marzo", "19 mars") or a clock time ("bis 15 Uhr", "avant 15h", "antes de las
  15:00", "voor 15.00"); a calendar week ("KW 12", "Ende KW 12", "semaine 12", "semana 12",
  "week 12"); "today" ("heute", "Feierabend", "aujourd'hui", "fin de journée", "hoy", "hoje",
  "vandaag", "einde van de dag"); "tomorrow" ("morgen", "demain", "mañana", "amanhã"; not
  "Guten Morgen", "esta mañana", "heute Morgen"; nor wishes: "schönes Wochenende", "schönen
  Feierabend", "buen fin de semana"); end of week ("Ende der Woche", "fin de la semaine", "fin de
  semana", "fim da semana", "einde van de week"; of next week: "fin de la semaine prochaine",
  "termine la semana que viene"); durations ("innerhalb von 2 Tagen", "sous 48h", "dans les 24
  heures", "en las próximas 24 horas", "em 3 dias úteis", "binnen 48 uur", "Délai : 10 jours",
  "en un plazo de diez días hábiles", "en un máximo de 2 horas"); the day after tomorrow
  ("après-demain", "pasado mañana"); a bare day of the month ending its clause ("avant le 3
  svp", "a más tardar el 15,", "antes del 10?"): the next such day.
  "am Freitag", "le vendredi", "el viernes" say when, as "on Friday" does, and are not read.
* **Action required**: an ask ("kannst du", "könnten Sie", "bitte", "peux-tu", "merci de",
  "¿puedes", "por favor", "você pode", "kun je", "graag", ...) followed in the same sentence by
  a verb of `asyncmaturity.await_protocol.rules.INTL_ACTION_VERBS` ("Kannst du bis Freitag den
  Bericht prüfen?": "prüfen"), or an asking verb opening a clause ("stuur me", "schickst du",
  "¿me mandas", "baixa", "deel"), a verb of the list before a polite word ("die Schulung planen,
  bitte"), a question asking for a fact (`INTL_QUESTION_OPENERS`: "Wo finde ich ...?", "Quel est
  ...?", "¿Dónde está ...?", "Quem assume ...?", "Wat is ...?", a verb first: "Hast du ...?",
  "Est-ce que ...?", "Heb je ...?"; not "Was meint ihr?", "Qu'en pensez-vous ?"), "already" in a
  question ("schon", "déjà", "ya", "já": "Läuft das Monitoring schon?"), or feedback that "would
  be great" ("Feedback bis KW12 wäre super"). French and Spanish also ask by a conditional or
  a future ("vous pourriez", "tu pourras", "¿te importaría", "¿me ayudas a"), a reminder or a need
  before the verb ("Il faudrait que tu signes", "Necesito que firmes"), an imperative or an
  infinitive opening a clause ("envía", "vérifier"), with a pronoun on the verb ("¿Puedes
  revisarlo?", only on a verb that names an action: "¿Podéis solucionarlo?" names none); "échale
  un vistazo", "jette un œil" name no action. They also ask by knowing
  ("Quelqu'un sait où ...?", "¿Alguien sabe dónde ...?"), an inversion ("La branche est-elle gelée
  ?", "Faut-il ...?", "passe-t-il"), a question on a definite subject with no comma or number
  before its mark ("Le build de nuit repasse ?"), a verb after "¿" ("¿Vuelve a funcionar ...?")
  or "qué" before a noun ("¿qué versión está ...?"), a question word after a preposition ("¿para
  cuándo?", "pour quand"), "une idée de pourquoi ...?", a wish or an impersonal need before the
  subjunctive or the infinitive ("j'aimerais que tu valides", "hace falta que revises", "il
  faudrait relancer ..."), the reader asked for the writer ("tu me fais un retour ?", "¿me
  confirmas si ...?", "¿alguien me explica ...?"), and the noun of an action (`INTL_ACTION_NOUNS`)
  before a polite word ("Vos retours sur la maquette svp", "La revisión del PR, por favor"),
  awaited or needed ("j'attends ta validation", "necesito tu visto bueno") or after "pour",
  "para", "zur", "ter" ("pour validation"); "régler" names an action with a bill ("régler la
  facture"), not with "ça". The evidence is the verb, the noun or the question word.
* **Information complete**: as in English, and an attachment ("ci-joint", "im Anhang",
  "adjunto", "em anexo", "in de bijlage"), a numbered reference ("n° 4471", "Nr. 6612"),
  "because" ("parce que", "weil", "porque", "omdat"), where the material is ("dans le dossier
  ...", "im Ordner ...", "en la carpeta ...", "na pasta ...", "in de map ..."), or a cause or a
  symptom among the words ("depuis", "Fehler", "falla", "falha", "faalt"). Filler also takes off
  the five languages' hopes for the reader's well-being, thanks, wishes and sign-offs, pointers
  to shared memory and infinitive instructions (`asyncmaturity.await_protocol.rules.FILLER_INTL`);
  an elision ("quelqu'un", "m'aider") is no quote, and a mark that French typography sets apart
  ("tu peux ... ?", " : ", " ! ") is no word.
* **Thread discipline**: absent where the draft moves the talk to a call, a private message or a
  meeting in person ("Ruf mich an", "per DM", "Appelle-moi", "en visio", "de vive voix",
  "Llámame", "por privado", "en persona", "Me liga", "pessoalmente", "Bel me", "privébericht").
* **Assign ownership**: as in English, with the five languages' greetings and titles ("Hallo
  Anna,", "Liebe Petra,", "Sehr geehrter Herr Schulz,", "Bonjour Marie,", "Chère Sophie,", "Hola
  Juan,", "Estimada Sra. López:", "Olá Pedro,", "Prezada Sra. Souza,", "Hoi Sanne,", "Geachte
  heer De Vries,"), names thanked ("Danke, Lukas!", "Merci Julie !", "Gracias, Marta.",
  "Obrigado, Carla!", "Dank je, Lotte!") and accented names ("Tomás,", "João,"); greetings and
  broadcast words name nobody ("Hola a todos,", "Hallo zusammen,", "Madame, Monsieur,").
* **Deadline**: as in English; numeric dates after these prepositions are read day first (all
  five languages write the day first: "avant le 12/03" is 12 March, with a note), while an
  English "by 12/03" stays ambiguous; a calendar week ends on its Friday (ISO week of the year
  sent, or of the next year when past); a time written the European way ("12 Uhr", "12h",
  "midi", "meio-dia") sets the hour of a named day ("bis Freitag 12 Uhr").
* **French and Spanish, lost marks, polite and implicit asks**: a request also where the "?"
  is lost ("tu peux m'aider ? je galère" reads as encoding damage; "Pablo D.?"): the French ask
  in question order or the conditional ("peux-tu", "tu pourrais"), "¿", "is it possible" and "do
  you think you can" ("serait-il possible de", "¿sería posible que", "tu penses pouvoir", "¿crees
  que podrás"), "tell me"/"let me know" ("dis-moi si", "fais-moi signe", "avísame"), thanks and
  prayers in advance ("je vous remercie de bien vouloir", "nous vous prions de", "le agradeceré
  que"), "a ver si alguien", "t'es dispo ?", a missing part ("il manque encore ta ...", "falta tu
  ..."); none for a question answered in the message ("... ? Non, ...", "¿...? No, ..."), one
  that announces or marvels ("Vous savez quoi ?", "¿Sabéis qué?", "¿Soy yo o ...?"). An action
  also in a choice ("A o la B ?", "... ou par mail ?"), the task handed over ("je te laisse
  valider", "te toca revisar"), the polite past subjunctive ("que me enviaran"), "¿me das el
  visto bueno?", voseo ("¿me mergeás?"), knowing or having ("tu sais si", "quelqu'un a le lien");
  none in asking for a moment, a call, a visit or ideas ("t'as 2 min pour un appel ?", "tu peux
  m'appeler ?", "passer à mon bureau", "Quelqu'un a une idée ?": `NOT_ACTION_INTL`). The thread
  is left also by being called or called back ("tu peux m'appeler", "me rappeler ?", "¿me podés
  llamar?"), a short call, a desk or a coffee ("pour un appel", "por mi mesa", "à la pause
  café"), a channel named for the answer ("par mail", "por correo", "por WhatsApp") and talk
  moved to a meeting ("on en parle en réunion"); a refused move ("pas en MP", "no por privado")
  keeps it. An owner also in a name opening the ask without a comma ("Max tu peux ...", "Sergio
  llámame"), after what the thanks are for ("Merci pour ton aide hier Clara !"), after "¡Hola";
  not "Buenas tardes,". Information leaves out the greeting, a signature after a blank line or
  a sign-off ("María José Fernández") and a deadline's clock time ("avant 14h": an hour is no
  fact about the matter), a clock or a day of the month inside the question ("on s'appelle à
  14h30 ?", "¿un café a las 9?", "ma demande du 12 : tu peux ...?": when the asked thing happens,
  `asyncmaturity.await_protocol.rules.INTL_ASKED_WHEN`; one in a statement stays a fact), and
  reads the options of a choice as context. A call or talk proposed
  for a day is the meeting the answer is due at, a window (the rulings' deadline: its start);
  "d'ici 16 h" is by four o'clock (an hour of the working day, 9 to 20), "d'ici 48 h" a duration;
  "antes de las 18" is 18:00.
* **French and Spanish, formal and regional forms**: a request also in "quelqu'un
  peut ...?", formal thanks that ask ("nous vous saurions gré de", "je vous serais
  reconnaissante de", "auriez-vous l'amabilité de") and "les solicito"; an action also after
  Latin American "ustedes" ("¿podrían revisar ...?") and voseo ("hacés el favor de", "¿me
  explicás?"), and where a named piece of work stands ("il en est où ?", "t'as pu avancer sur
  ...?"). The thread is left also by post, Telegram, Zoom or Meet ("par la poste", "por
  Telegram"), "par MP", "al privado", "passez me voir", "un call de 15 min"; a refused move to
  mail keeps it ("contesten aquí, no por correo"). An owner also after "Allô", "Oye" and the
  titles "Don", "Doña", "Maître", and in an accented name before the ask ("Élodie tu pourrais
  ..."); "Bonsoir," and "Porfa," name nobody. A window also in a clock after a meeting or "ce
  soir" ("avant la réunion de 15h", as "before the 4pm standup"), "d'ici au 15 décembre", "en el
  transcurso de esta semana"; "16 h" and "14 h 30" are clock times, a bare hour of 1 to 7 is in
  the afternoon ("antes de las 2" is 14:00), the clock at or after the window sets its hour, and
  a calendar week with no "end of" before it ("el consolidado de la semana 12") yields to any
  other window of the message.

Each element's `evidence` is the matched span (for the window, the words: "by Friday"; the
resolved instant is `deadline`; for the action, the verb or noun phrase asked for), the word count
for long context, or, for an absent thread discipline, the span that moves the talk elsewhere.
`urgent` and `notes` (ambiguous date, a dd.mm. date read day first, ASAP without a deadline) are
advice, not elements.

Batches (`analyse_batch`) are all or nothing, like ingest: the first malformed line raises
`InvalidDraft` naming the file and the line, and nothing is returned.

`missing` lists the absent elements, `complete` is `is_request and not missing`, and `suggestion`
is a rewrite template for an incomplete request that keeps what is there and names what is not:
"@owner, could you <action> <what> by <deadline>? Context: <link>".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asyncmaturity.await_protocol import rules
from asyncmaturity.errors import AsyncMaturityError, UnknownTimeZone

ELEMENTS: dict[str, str] = {
    "assign_ownership": "Assign ownership",
    "window_for_response": "Window for response",
    "action_required": "Action required",
    "information_complete": "Information complete",
    "thread_discipline": "Thread discipline",
}
END_OF_DAY = time(17, 0)


class InvalidDraft(AsyncMaturityError):
    """A batch of drafts cannot be read: missing file, a line that is not a draft object."""


@dataclass(frozen=True)
class Element:
    """One AWAIT element: present or not, with the span or value that shows it."""

    name: str
    present: bool
    evidence: str | None = None


@dataclass(frozen=True)
class LintResult:
    """The AWAIT analysis of one draft."""

    is_request: bool
    elements: dict[str, Element]
    deadline: datetime | None = None
    urgent: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def missing(self) -> list[str]:
        return [name for name, element in self.elements.items() if not element.present]

    @property
    def complete(self) -> bool:
        return self.is_request and not self.missing

    @property
    def suggestion(self) -> str | None:
        """A rewrite template for an incomplete request (None when complete or no request)."""
        if not self.is_request or self.complete:
            return None
        return suggest(self.elements)

    def to_json(self) -> dict[str, Any]:
        return {
            "is_request": self.is_request,
            "complete": self.complete,
            "elements": {
                name: {"present": e.present, "evidence": e.evidence}
                for name, e in self.elements.items()
            },
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "urgent": self.urgent,
            "missing": self.missing,
            "suggestion": self.suggestion,
            "notes": list(self.notes),
        }


_I = re.IGNORECASE
URGENT_RE = re.compile(r"\b(?:asap|urgent(?:ly)?|soon|right away|immediately)\b", _I)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PREP_START_RE = re.compile(
    rf"{rules.PREP}\s|(?:within|in)\s|{rules.PREP_INTL}|{rules.WITHIN_INTL}", re.ASCII | _I
)
# Action evidence that is a question ("where", "how can", "wondering if"), not a verb: the
# rewrite then asks for the answer.
_QUESTION_EVIDENCE_RE = re.compile(
    r"(?:where|when|who|whom|whose|which|how|why|what|is|are|am|do|does|did|has|have|should|"
    r"can|could|anyone|anybody|wondering|wonder|curious|keen|like to|want to)\b",
    _I,
)
# The five languages' question words, "already", inversions, verbs after "¿", "any idea why"
# and a definite subject (the action's evidence for a fact question).
_INTL_QUESTION_EVIDENCE = frozenset(
    word.lower()
    for word in [
        *rules.INTL_QUESTION_OPENERS,
        *rules.INTL_ALREADY,
        *rules.INTL_INVERSIONS,
        *rules.INTL_MARKED_QUESTION_VERBS,
        *rules.INTL_IDEA_WHY,
        *rules.INTL_DEFINITE,
    ]
)
# ... and "qué" before a noun and a verb ("qué versión está"), an inversion with "-t-" ("e-t-il"),
# the "or" of a choice ("o la B").
_INTL_QUESTION_EVIDENCE_RE = re.compile(rf"(?:{rules._QUE_FACT})$|\w-t-|(?:{rules._OR_INTL})", _I)
_NUMBERS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
TIME_RE = re.compile(rf"\b{rules.CLOCK}\b", _I)
# A day named next to a time or to "EOD" ("by 3pm CET tomorrow", "EOD Friday"): it sets the day.
DAY_NEAR_RE = re.compile(rf"\b(?:(tomorrow|tmrw|tmr)|(?:(this|next)\s+)?{rules.WEEKDAY})\b", _I)
NEAR = 15
# Zone abbreviations a time may carry; "CET" is said all year for Central European local time.
ZONES = {
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "utc": "UTC",
    "gmt": "UTC",
    "bst": "Europe/London",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "sgt": "Asia/Singapore",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or `UnknownTimeZone`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"{name!r} is not an IANA time zone") from None


def _clock(m: re.Match[str], base: int) -> tuple[time, ZoneInfo | None] | None:
    """A time of day and its zone (None: the sender's) from the :data:`rules.CLOCK` groups."""
    noon, hour, minute, meridiem, hour24, minute24, zone = m.groups()[base : base + 7]
    where = ZoneInfo(ZONES[zone.lower()]) if zone else None
    if noon:
        return time(12, 0), where
    if hour24 is not None:
        h, mi = int(hour24), int(minute24)
    else:
        h, mi = int(hour), int(minute or 0)
        if h < 1 or h > 12:
            return None
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    return (time(h, mi), where) if h < 24 and mi < 60 else None


def _at(
    day: date, clock: tuple[time, ZoneInfo | None] | None, end_of_day: time, zone: ZoneInfo
) -> datetime:
    """`day` (in the sender's zone) at the clock time, read in its own zone when it names one."""
    if clock is None:
        return datetime.combine(day, end_of_day, tzinfo=zone)
    at, where = clock
    return datetime.combine(day, at, tzinfo=where or zone).astimezone(zone)


def _weekday(today: date, name: str, qualifier: str | None, past_eod: bool) -> date:
    """The day a weekday name means: the next one (today while before EOD), or next week's."""
    target = _WEEKDAYS.index(name[:3].lower())
    if (qualifier or "").lower() == "next":
        return today + timedelta(days=7 - today.weekday() + target)
    ahead = (target - today.weekday()) % 7
    if ahead == 0 and past_eod:
        ahead = 7
    return today + timedelta(days=ahead)


def _day_near(text: str, m: re.Match[str]) -> re.Match[str] | None:
    """A day named next to the match `m` in the same sentence ("tomorrow", a weekday), if any."""
    near = next((d for d in DAY_NEAR_RE.finditer(text) if d.end() >= m.start() - NEAR), None)
    if near is None or near.start() > m.end() + NEAR:
        return None
    between = text[min(m.end(), near.end()) : max(m.start(), near.start())]
    return None if re.search(r"[.!?;\n]", between) else near


def _near_date(near: re.Match[str], today: date, past_eod: bool) -> date:
    if near.group(1):
        return today + timedelta(days=1)
    return _weekday(today, near.group(3), near.group(2), past_eod)


def _add_business_days(start: datetime, days: int) -> datetime:
    weeks, rest = divmod(days, 5)
    current = start + timedelta(weeks=weeks)
    while rest:
        current += timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    return current


def _year_date(year: int | None, month: int, day: int, sent: datetime | None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        if sent is None:
            return None
        found = date(sent.year, month, day)
        return found if found >= sent.date() else date(sent.year + 1, month, day)
    except ValueError:
        return None


def _next_month_day(today: date, day: int) -> date | None:
    """The next date after `today` whose day of the month is `day` ("avant le 3", "antes del 10")."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found > today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _within(m: re.Match[str], sent: datetime | None) -> datetime | None:
    """`sent` plus the duration of a "within N hours/days/business days/weeks" match."""
    raw, unit = m.group(1).lower(), m.group(2).lower()
    n = 1 if raw in ("a", "an") else _NUMBERS.get(raw)
    count = int(raw) if n is None else n
    if sent is None:
        return None
    if unit.startswith(("business", "working")):
        return _add_business_days(sent, count)
    if unit.startswith("h"):
        return sent + timedelta(hours=count)
    if unit.startswith("m"):
        return sent + timedelta(minutes=count)
    if unit.startswith("w"):
        return sent + timedelta(weeks=count)
    return sent + timedelta(days=count)


def _date(kind: str, m: re.Match[str], sent: datetime | None, notes: list[str]) -> date | None:
    """The day of a written date (ISO, month name, numeric, dd.mm.), noting what is unclear."""
    evidence = m.group(0).strip()
    if kind == "iso":
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            notes.append(f"{evidence!r} is not a calendar date")
            return None
    if kind in ("day_month", "month_day"):
        d, mon = (1, 2) if kind == "day_month" else (2, 1)
        month = _MONTHS.index(m.group(mon)[:3].lower()) + 1
        return _year_date(int(m.group(3)) if m.group(3) else None, month, int(m.group(d)), sent)
    a, b = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else None
    if year is not None and year < 100:
        year += 2000
    if kind == "dotted":
        notes.append(f"{evidence!r} read day first (dd.mm.)")
        return _year_date(year, b, a, sent)
    if a > 12 >= b or a == b:
        return _year_date(year, b, a, sent)
    if b > 12 >= a:
        return _year_date(year, a, b, sent)
    notes.append(f"{evidence!r}: day/month order is ambiguous; write an ISO date or a month name")
    return None


def _duration_last(kind: str, m: re.Match[str]) -> int:
    """0 for a time of the five languages whose hour is one of the working day (9 to 20), 1 else:
    it breaks the tie with a duration read from the same words ("d'ici 16 h")."""
    hour = m.group(3) if kind in ("intl_time", "intl_call_time") else None
    return 0 if hour is not None and 9 <= int(hour) <= 20 else 1


def _bare_week(kind: str, m: re.Match[str]) -> int:
    """1 for a calendar week written without "end of" before it ("semana 12"), 0 else."""
    if kind != "intl_calweek":
        return 0
    return 0 if re.match(r"(?:ende|fin|final|fim|eind|einde|end)\b", m.group(0), re.I) else 1


def _window(
    text: str, sent: datetime | None, end_of_day: time, zone: ZoneInfo
) -> tuple[str | None, datetime | None, list[str]]:
    """The first window in `text`: its span, the resolved deadline, notes."""
    found: list[tuple[int, str, re.Match[str]]] = []
    for kind, pattern in rules.WINDOWS.items():
        m = pattern.search(text)
        if m:
            found.append((m.start(), kind, m))
    if not found:
        return None, None, []
    # The first window; of two at the same place the longer ("fin de la semaine 12" is a
    # calendar week, not the end of this week); of a duration and a time as long, the time where
    # its hour is one of the working day ("d'ici 16 h" is by four o'clock, "d'ici 48 h" and "d'ici
    # 2 h" are durations). A calendar week without "end of" before it comes after every other
    # window: "el consolidado de la semana 12" dates what is asked for, and "antes del lunes"
    # after it is the window (issue 18, dev part 4).
    _, kind, m = min(
        found,
        key=lambda item: (
            _bare_week(item[1], item[2]),
            item[0],
            -len(item[2].group(0)),
            _duration_last(item[1], item[2]),
        ),
    )
    if kind.startswith("intl_"):
        return _intl_window(kind, m, sent, end_of_day, zone, text)
    near = _day_near(text, m) if kind in ("time", "eod") else None
    span = (min(m.start(), near.start()), max(m.end(), near.end())) if near else m.span()
    evidence = text[span[0] : span[1]].strip()
    notes: list[str] = []
    if kind == "within":
        return evidence, _within(m, sent), notes
    day: date | None = None
    clock = _clock(m, 0) if kind == "time" else None
    if kind == "iso" and m.group(4) is not None and int(m.group(4)) < 24 and int(m.group(5)) < 60:
        clock = (time(int(m.group(4)), int(m.group(5))), None)
    if kind in ("iso", "day_month", "month_day", "numeric", "dotted"):
        day = _date(kind, m, sent, notes)
    elif sent is not None:
        today = sent.date()
        past_eod = sent >= datetime.combine(today, end_of_day, tzinfo=zone)
        if near is not None:
            day = _near_date(near, today, past_eod)
        elif kind == "tomorrow":
            day = today + timedelta(days=1)
        elif kind == "time":
            if clock is None:
                return evidence, None, notes
            candidate = _at(today, clock, end_of_day, zone)
            return evidence, candidate if candidate > sent else candidate + timedelta(days=1), notes
        elif kind == "eod":
            day = today + timedelta(days=1) if past_eod else today
        elif kind == "eow":
            day = today + timedelta(days=(4 - today.weekday()) % 7)
        elif kind == "weekday":
            day = _weekday(today, m.group(2), m.group(1), past_eod)
    if day is None:
        return evidence, None, notes
    if clock is None:
        refine = TIME_RE.search(text)
        clock = _clock(refine, 0) if refine else None
    return evidence, _at(day, clock, end_of_day, zone), notes


# A clock time in the five other languages, to refine a day ("bis Freitag 12 Uhr", "d'ici
# vendredi 12h", "até amanhã ao meio-dia"): a colon, an "h" or an hour word is needed (a dot
# alone, "13.03.", is a date). French writes a space before the "h" too ("jeudi 16 h", "14 h 30").
INTL_CLOCK_RE = re.compile(
    r"\b(?:(\d{1,2}):(\d{2})|(\d{1,2})\s?h(?:\s?(\d{2}))?\b|(\d{1,2})\s*(?:uhr|heures?|horas?|uur)\b)"
    rf"|({rules.any_of(rules.INTL_NOON)})|\blas\s+(\d{{1,2}})(?::(\d{{2}}))?\b",
    re.ASCII | _I,
)


def _intl_clock(text: str) -> time | None:
    """The first clock time written the European way in `text`, if any."""
    m = INTL_CLOCK_RE.search(text)
    if m is None:
        return None
    if m.group(6):
        return time(12, 0)
    hour = m.group(1) or m.group(3) or m.group(5) or m.group(7)
    minute = m.group(2) or m.group(4) or m.group(8)
    h, mi = _afternoon(int(hour), minute), int(minute or 0)
    return time(h, mi) if h < 24 and mi < 60 else None


def _afternoon(hour: int, minute: str | None) -> int:
    """A bare hour of 1 to 7 read in the afternoon ("antes de las 2", "las 6 de la tarde"): no
    one asks for an answer before 2 a.m.; an hour with its minutes ("07:30") is as written."""
    return hour + 12 if minute is None and 1 <= hour <= 7 else hour


def _intl_duration(m: re.Match[str], sent: datetime | None) -> datetime | None:
    """`sent` plus an "innerhalb von 2 Tagen"/"sous 48h"/"binnen 3 werkdagen" duration."""
    raw, unit = m.group(1).lower(), rules.INTL_UNITS.get(" ".join(m.group(2).lower().split()))
    count = rules.INTL_NUMBERS.get(raw) or (int(raw) if raw.isdigit() else None)
    if sent is None or count is None or unit is None:
        return None
    if unit == "b":
        return _add_business_days(sent, count)
    step = {"h": timedelta(hours=1), "m": timedelta(minutes=1), "w": timedelta(weeks=1)}
    return sent + step.get(unit, timedelta(days=1)) * count


def _intl_window(
    kind: str, m: re.Match[str], sent: datetime | None, end_of_day: time, zone: ZoneInfo, text: str
) -> tuple[str | None, datetime | None, list[str]]:
    """A window written in German, French, Spanish, Portuguese or Dutch: span, deadline, notes.

    Resolved as the English forms are: a day ends at `end_of_day` unless a time is written; a
    calendar week ends on its Friday; numeric dates are read day first, as all five languages
    write them.
    """
    evidence = m.group(0).strip()
    notes: list[str] = []
    if kind == "intl_within":
        return evidence, _intl_duration(m, sent), notes
    clock: time | None = None
    day: date | None = None
    if kind == "intl_numeric":
        written = m.group(3) or m.group(5)
        year = int(written) if written else None
        if year is not None and year < 100:
            year += 2000
        notes.append(f"{evidence!r} read day first (dd/mm, as the message's language writes it)")
        day = _year_date(year, int(m.group(2) or m.group(4)), int(m.group(1)), sent)
    elif kind == "intl_day_month":
        month = rules.INTL_MONTHS[m.group(2).lower()]
        day = _year_date(int(m.group(3)) if m.group(3) else None, month, int(m.group(1)), sent)
    elif kind == "intl_calweek" and sent is not None:
        week = int(m.group(1))
        for year in (sent.year, sent.year + 1):
            try:
                friday = date.fromisocalendar(year, week, 5)
            except ValueError:
                return evidence, None, notes
            if friday >= sent.date():
                day = friday
                break
    elif kind in ("intl_time", "intl_call_time"):
        if m.group(4):
            clock = time(12, 0)
        else:
            minute = m.group(2) or m.group(6)
            h = _afternoon(int(m.group(1) or m.group(3) or m.group(5)), minute)
            mi = int(minute or 0)
            if h >= 24 or mi >= 60:
                return evidence, None, notes
            clock = time(h, mi)
        if sent is None:
            return evidence, None, notes
        candidate = datetime.combine(sent.date(), clock, tzinfo=zone)
        return evidence, candidate if candidate > sent else candidate + timedelta(days=1), notes
    elif sent is not None:
        today = sent.date()
        past_eod = sent >= datetime.combine(today, end_of_day, tzinfo=zone)
        if kind == "intl_tomorrow":
            day = today + timedelta(days=1)
        elif kind == "intl_day_after":
            day = today + timedelta(days=2)
        elif kind == "intl_month_day":
            day = _next_month_day(today, int(m.group(1)))
        elif kind == "intl_eod":
            day = today + timedelta(days=1) if past_eod else today
        elif kind == "intl_eow":
            day = today + timedelta(days=(4 - today.weekday()) % 7)
            # "la fin de la semaine prochaine": the Friday of the following week.
            if any(word in evidence.lower() for word in ("prochaine", "que viene", "próxima")):
                day += timedelta(days=7)
        elif kind == "intl_weekday":
            qualifier = " ".join((m.group(1) or m.group(3) or "").lower().split())
            target = rules.INTL_WEEKDAYS[m.group(2).lower()]
            if qualifier in rules.INTL_NEXT:
                day = today + timedelta(days=7 - today.weekday() + target)
            else:
                ahead = (target - today.weekday()) % 7
                day = today + timedelta(days=7 if ahead == 0 and past_eod else ahead)
    if day is None:
        return evidence, None, notes
    if kind != "intl_calweek":
        # The clock at or after the window first: one before it times something else ("el error
        # sale desde las 11:00. Lo necesito hoy antes de las 6").
        for part in (text[m.start() :], text):
            english = TIME_RE.search(part)
            refined = _clock(english, 0) if english else None
            if refined is not None:
                return evidence, _at(day, refined, end_of_day, zone), notes
            clock = _intl_clock(part)
            if clock is not None:
                break
    return evidence, datetime.combine(day, clock or end_of_day, tzinfo=zone), notes


def _ownership(plain: str) -> str | None:
    """The first span naming an owner, in the order the rules try them."""
    slack = rules.SLACK_MENTION.search(plain)
    if slack:
        return slack.group(0)
    for rx, exclude in (
        (rules.AT_NAME, rules.NOBODY),
        (rules.OWNER, rules.NOBODY),
        (rules.ADDRESSEE, rules.NOT_NAMES),
        (rules.NAMED_ASK, rules.NOT_NAMES),
        (rules.NAMED_ASK_INTL, rules.NOT_NAMES),
        (rules.THANKED, rules.NOT_NAMES),
    ):
        source = rules.without_decorators(plain) if rx is rules.AT_NAME else plain
        for m in rx.compiled.finditer(source):
            name = next((g for g in m.groups() if g), "")
            if name and name.lower().rstrip(".") not in exclude:
                if rx is rules.OWNER:
                    return m.group(0).strip().rstrip(".,;")
                return ("@" if rx is rules.AT_NAME else "") + name.rstrip(".")
    return None


def _information(text: str, plain: str) -> str | None:
    url = rules.record_link(text)
    if url:
        return url.group(0)
    marker = rules.CONTEXT.search(plain)
    if marker:
        return marker.group(0).strip()
    context = rules.context_words(plain)
    return f"{context[1]} words of context ({context[0]})" if context else None


def _move(asking: str) -> str | None:
    m = rules.move_match(asking)
    return m.group(0).strip() if m else None


def _action(plain: str) -> str | None:
    """The action asked for: the verb or noun phrase the rule captured."""
    m = rules.action_match(plain) or rules.intl_action(
        rules.without_mentions(rules.asking_text(plain))
    )
    return next((g for g in m.groups() if g), m.group(0)).strip() if m else None


def analyse(
    text: str,
    *,
    sent_at: datetime | None = None,
    timezone: str = "UTC",
    end_of_day: time = END_OF_DAY,
) -> LintResult:
    """Analyse one draft against AWAIT (rules in the module docstring).

    Whether each element is present is :func:`asyncmaturity.await_protocol.rules.signals`, the same
    answer `ingest` stores for an archived message; this adds the evidence and the deadline. Like
    ingest, it reads the first `MAX_SIGNAL_CHARS` (2,000) characters of the draft.

    >>> analyse("@dana can you review #42 by Friday?").missing
    []
    """
    zone = time_zone(timezone)
    sent = None
    if sent_at is not None:
        sent = sent_at.replace(tzinfo=zone) if sent_at.tzinfo is None else sent_at.astimezone(zone)
    text = text[: rules.MAX_SIGNAL_CHARS]
    found = rules.signals(text)
    plain = rules.plain_text(text)
    window, deadline, notes = _window(rules.window_text(plain), sent, end_of_day, zone)
    present = {
        "assign_ownership": (found["await_assign"], _ownership(plain)),
        "window_for_response": (found["await_window"], window),
        "action_required": (found["await_action"], _action(plain)),
        "information_complete": (found["await_information"], _information(text, plain)),
        "thread_discipline": (
            not found["sync_request"],
            _move(rules.asking_text(plain)),
        ),
    }
    elements = {name: Element(name, flag, evidence) for name, (flag, evidence) in present.items()}
    urgent = URGENT_RE.search(plain)
    if urgent and window is None:
        notes.append(f"{urgent.group(0)!r} says hurry, not by when: name a deadline")
    return LintResult(
        is_request=found["is_request"],
        elements=elements,
        deadline=deadline,
        urgent=urgent is not None,
        notes=tuple(notes),
    )


def suggest(elements: dict[str, Element]) -> str:
    """A rewrite template: what is there stays, what is missing is a <placeholder>."""

    def part(name: str, placeholder: str) -> str:
        element = elements[name]
        return (element.evidence or placeholder) if element.present else placeholder

    owner = part("assign_ownership", "@owner")
    action = part("action_required", "<action>").lower()
    if (
        _QUESTION_EVIDENCE_RE.match(action)
        or " ".join(action.split()) in _INTL_QUESTION_EVIDENCE
        or _INTL_QUESTION_EVIDENCE_RE.match(action)
    ):
        action = "answer"
    # A task stated in the passive names its work by the participle ("needs to be removed").
    action = rules.TASK_PARTICIPLES.get(action, action)
    action = rules.FORM_ACTIONS.get(action, action)
    deadline = part("window_for_response", "<deadline>")
    if not _PREP_START_RE.match(deadline):
        deadline = f"by {deadline}"
    info = elements["information_complete"]
    context = "<link>"
    if info.present and info.evidence:
        context = info.evidence if info.evidence.startswith("http") else "<as given>"
    template = f"{owner}, could you {action} <what> {deadline}? Context: {context}"
    if not elements["thread_discipline"].present:
        template += " (Reply in this thread.)"
    return template


def analyse_batch(path: Path, *, timezone: str = "UTC") -> list[LintResult]:
    """Analyse a JSON Lines file of `{"text": ..., "sent_at": ISO or null, "timezone": ...}`.

    All or nothing: the first malformed line raises `InvalidDraft` naming the file and the line,
    and no result is returned. Blank lines are skipped.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidDraft(f"{path}: cannot read ({exc.__class__.__name__})") from None
    results: list[LintResult] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidDraft(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InvalidDraft(f'{where}: expected an object with a "text" string')
        raw = record.get("sent_at")
        sent: datetime | None = None
        if raw is not None:
            try:
                sent = datetime.fromisoformat(raw) if isinstance(raw, str) else None
            except ValueError:
                sent = None
            if sent is None:
                raise InvalidDraft(f"{where}: sent_at {raw!r} is not an ISO date-time")
        name = record.get("timezone", timezone)
        if not isinstance(name, str):
            raise InvalidDraft(f"{where}: timezone must be a string")
        try:
            results.append(analyse(record["text"], sent_at=sent, timezone=name))
        except UnknownTimeZone as exc:
            raise InvalidDraft(f"{where}: {exc}") from None
    return results
