"""The simulated organization: its people, time zones, conversations, teams and accounts.

Drawn once from the seed, independent of the period's length: who works in which time zone
(:class:`Zones` classifies instants by each person's working hours), which channels, group DMs
and DMs exist and who is in them (:class:`Org`), and, for the calendar and the tracker, teams of
``team_size`` with their managers and the GitHub logins of about three in five people
(:class:`Staff`). Everyone has an e-mail address (``handle@example.org``), the same in the Slack
profile and in the calendar, so that the calendar's attendees are the chat's people; a GitHub
login stays a person of its own in the store, since the GitHub source reads no e-mail address.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from asyncmaturity.simulate.arrays import BoolArray, Csr, FloatArray, IntArray
from asyncmaturity.simulate.clock import DAY_S, DAY_US, US, weekday
from asyncmaturity.simulate.params import WORK_END_US, WORK_START_US, SimulationParams
from asyncmaturity.simulate.texts import words

EMAIL_DOMAIN = "example.org"
# Bots and Slackbot live in this zone, as a real export lists them.
BOT_TIMEZONE = "America/Los_Angeles"
BOT_LOGINS = ("dependabot[bot]", "github-actions[bot]")
ENGINEER_SHARE = 0.6  # share of people with a GitHub login
# A time zone key spreads zones far apart so one searchsorted looks up (zone, instant) pairs.
_ZONE_KEY = 1 << 36

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
                following = _offset_at(zone, instant + DAY_S)
                if following != current:
                    low, high = instant, instant + DAY_S
                    while high - low > 1:
                        middle = (low + high) // 2
                        if _offset_at(zone, middle) == current:
                            low = middle
                        else:
                            high = middle
                    keys.append(index * _ZONE_KEY + high)
                    values.append(following)
                    current = following
                instant += DAY_S
        self._keys = np.array(keys, dtype=np.int64)
        self._values = np.array(values, dtype=np.int64)

    def offset_us(self, zone: IntArray, utc_us: IntArray) -> IntArray:
        """Offset east of UTC, in microseconds, of each zone at each instant."""
        keys = zone * _ZONE_KEY + utc_us // US
        found = np.searchsorted(self._keys, keys, side="right") - 1
        result: IntArray = self._values[found] * US
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
        day = local // DAY_US
        second = local - day * DAY_US
        working_day = weekday(day) < 5
        result: BoolArray = working_day & (second >= WORK_START_US) & (second < WORK_END_US)
        return result


# --------------------------------------------------------------------------------------------
# People and conversations

_FIRST_NAMES = words(
    "Alice Bruno Chen Dana Emeka Farah Gita Hugo Ines Jonas Kavya Liam Mei Nadia Omar Priya "
    "Quinn Rosa Sami Tara Umar Vera Wen Ximena Yusuf Zoe Arjun Bianca Carlos Divya Elif Finn "
    "Grace Hana Ivan Jia Kofi Lena Mateo Nora Oscar Pooja Rafael Sara Tomas Uma Viktor Wanda "
    "Yara Zane Amara Bilal Clara Dev Eva Felix Greta Hiro Isla Jasper Kira Luca"
)
_LAST_NAMES = words(
    "Adams Baker Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kumar Lopez Muller "
    "Nakamura Okafor Patel Quispe Rossi Schmidt Tanaka Usman Varga Weber Xu Yilmaz Zhang "
    "Andersen Bose Cohen Diaz Evans Fontaine Gupta Hoffmann Iyer Jovanovic Kim Larsen Mehta "
    "Novak Oliveira Park Reddy Silva Thapa Ueda Vogel Walsh Young Zimmer Ahmed Becker Chopra "
    "Dahl Engel Ferreira Gomez Hansen Ivanova Joshi Keller Lindqvist"
)
_PUBLIC_NAMES = words(
    "general random engineering deploys support product design incidents data sales marketing "
    "platform mobile web security finance ops qa frontend backend growth docs announcements "
    "customer-success"
)
_PRIVATE_NAMES = words(
    "leads hiring security-private offsite-planning budget exec perf-reviews legal"
)
_TRIAGE_NAMES = {"engineering", "support", "incidents", "platform", "qa"}
_BOT_POST_NAMES = ("deploys", "incidents", "engineering", "ops")


_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base36(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 36)
        digits.append(_BASE36[digit])
    return "".join(reversed(digits))


class Ids:
    """Slack-looking ids: a prefix and ten base-36 characters, unique per prefix, seed-dependent."""

    def __init__(self, seed: int) -> None:
        self._offset = (seed * 2_654_435_761) % 36**9

    def make(self, prefix: str, serial: int) -> str:
        # Multiplying by a number prime to 36 permutes the residues, so ids stay unique.
        return prefix + "0" + _base36((serial * 1_000_003 + self._offset) % 36**9, 9)


@dataclass
class Conversation:
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
    emails: list[str]  # handle@EMAIL_DOMAIN: the Slack profile's and the calendar's address
    activity_cdf: FloatArray
    conversations: list[Conversation]
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


def build_org(params: SimulationParams, start_s: int) -> Org:
    """Draw people, memberships, DMs and group DMs from the seed (independent of ``days``)."""
    rng = np.random.default_rng([params.seed, 1])
    ids = Ids(params.seed)
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
    conversations: list[Conversation] = []
    year_ago = start_s - 400 * DAY_S

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
            Conversation(
                id=ids.make("C", c),
                name=name,
                kind="public",
                folder=name,
                created=year_ago + c * 3 * DAY_S + int(rng.integers(DAY_S)),
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
            Conversation(
                id=ids.make("G", g),
                name=name,
                kind="private",
                folder=name,
                created=year_ago + g * 5 * DAY_S + int(rng.integers(DAY_S)),
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
            Conversation(
                id=ids.make("G", 100_000 + m),
                name=name,
                kind="group_dm",
                folder=name,
                created=start_s - int(rng.integers(1, 300)) * DAY_S,
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
            Conversation(
                id=dm_id,
                name=dm_id,
                kind="dm",
                folder=dm_id,
                created=start_s - int(rng.integers(1, 600)) * DAY_S,
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
    joined_created = start_s - 2 * DAY_S + 12 * 3600
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
        emails=[f"{handle}@{EMAIL_DOMAIN}" for handle in handles],
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


def conversation_members(org: Org) -> Csr:
    """The human members of every conversation, in listing order (who may react to a message)."""
    return Csr.from_rows([[m for m in c.members if m < org.people] for c in org.conversations])


# --------------------------------------------------------------------------------------------
# Teams and GitHub logins


@dataclass
class Staff:
    """Teams and GitHub logins of the simulated people."""

    team: IntArray  # each person's team
    teams: Csr  # members of each team, its manager first
    engineers: IntArray  # people with a GitHub login, by index
    engineer_cdf: FloatArray  # cumulative activity of the engineers, to draw authors
    logins: list[str]  # per person ('' without a GitHub login), then the bots of BOT_LOGINS
    people: int

    @property
    def dependabot(self) -> int:
        """Login index of the dependency bot."""
        return self.people

    @property
    def ci_bot(self) -> int:
        """Login index of the CI bot."""
        return self.people + 1


def build_staff(params: SimulationParams, org: Org) -> Staff:
    """Draw teams and GitHub accounts from the seed (independent of ``days``)."""
    rng = np.random.default_rng([params.seed, 5])
    people = params.people
    # Sorted by zone, then shuffled within it: teams are mostly co-located.
    order = np.lexsort((rng.random(people), org.person_zone))
    n_teams = max(1, people // params.team_size)
    position_team = np.minimum(np.arange(people) // params.team_size, n_teams - 1)
    team = np.empty(people, dtype=np.int64)
    team[order] = position_team
    # Consecutive runs of `order` (the last one takes the remainder), the manager first.
    teams = Csr.from_rows(
        [chunk.tolist() for chunk in np.split(order, np.arange(1, n_teams) * params.team_size)]
    )
    engineer = rng.random(people) < ENGINEER_SHARE
    if engineer.sum() < 2:
        engineer[:2] = True
    engineers = np.flatnonzero(engineer).astype(np.int64)
    activity = np.diff(np.concatenate([[0.0], org.activity_cdf]))
    return Staff(
        team=team,
        teams=teams,
        engineers=engineers,
        engineer_cdf=np.cumsum(activity[engineers]),
        logins=[
            handle.replace(".", "-") if engineer[i] else "" for i, handle in enumerate(org.handles)
        ]
        + list(BOT_LOGINS),
        people=people,
    )
