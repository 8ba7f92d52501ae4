"""The demo's simulated polling day: marks, official turnout, incidents and nudges for
every booth of one AC, written through the voting-day services at any speed.

`day_plan()` turns the roll, the booth teams and the contact programme's support
answers into a time-ordered list of events; the same seed and day give the same plan.
`Replay` writes the events whose time has come and skips those already written, so a
second run writes nothing twice and carries on where the last one stopped:

- marks carry uuid5 client UUIDs (seed, day, part, serial), which `marks_record`
  ignores when they come again;
- turnout entries, incidents, actions and nudges carry no client UUID; a planned one
  counts as written when the database holds it already (the n-th entry of a booth's
  slot, an incident of the booth with the same kind, reporter and note, ...).

Simulated times are real times of the chosen day. Marks carry theirs as `entered_at`;
the other records are stamped by their services with the time they are written. The
services refuse marks entered in the future, so on today the replay never runs ahead of
the clock. Booths with nobody who may mark get a polling agent (a synthetic person with
a login that cannot sign in), appointed through the organisation services.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.accounts.access import current_posts_q, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action, roles_for
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.organisation.names import NameMaker
from boothwise.organisation.services import person_create, post_appoint
from boothwise.outreach.demo import field_user
from boothwise.rolls.models import Voter
from boothwise.votingday import services
from boothwise.votingday.models import (
    Incident,
    IncidentAction,
    Nudge,
    TurnoutEntry,
    VotedMark,
)
from boothwise.votingday.selectors import latest_support

MARK = Action.MARK_VOTED
REPORT = Action.REPORT_INCIDENT
NAMESPACE = uuid.UUID("0b6f3c2e-5d1a-4e8b-9a77-3f4c2d1e6a90")
MINUTE = 60.0
HOUR = 3600.0
OPENS = datetime.time(7, 0)
POLL_SECONDS = 11 * HOUR  # 7:00–18:00
# Share of the day's voters per hour from 7:00: a morning peak (8–11), a lull after
# lunch (13–15) and a late rise (15–18).
HOURLY = (0.080, 0.115, 0.125, 0.120, 0.095, 0.075, 0.060, 0.060, 0.080, 0.095, 0.095)
SUPPORTER_LIFT = 0.15  # supporters (support 4–5) vote this much more often
LOW_SHARE = 0.08  # booths with a turnout below the usual band

# Who sits at the help desk and who carries the agent's marked copy, best first.
DESK_POSTS = (
    PostType.BOOTH_MEMBER,
    PostType.BOOTH_WOMAN,
    PostType.BOOTH_YOUTH,
    PostType.BOOTH_PRESIDENT,
    PostType.BLA2,
    PostType.POLLING_AGENT,
)
AGENT_POSTS = (
    PostType.POLLING_AGENT,
    PostType.BLA2,
    PostType.BOOTH_YOUTH,
    PostType.BOOTH_MEMBER,
    PostType.BOOTH_WOMAN,
    PostType.BOOTH_PRESIDENT,
)


@dataclass(frozen=True)
class IncidentKind:
    kind: str
    severity: int
    note: str
    # When it is reported, in hours after the poll opens (earliest, latest).
    window: tuple[float, float]
    # (what was done, minutes after the report, closes the incident)
    actions: tuple[tuple[str, float, bool], ...]


K = Incident.Kind
S = Incident.Severity
EVM_FAILURE = IncidentKind(
    K.EVM,
    S.CRITICAL,
    "ईवीएम ने काम करना बंद कर दिया, मतदान रुका हुआ है, लंबी कतार",
    (2.5, 4.5),
    (("सेक्टर अधिकारी और आरओ को सूचना दी, इंजीनियर आ रहे हैं", 9, False),),
)
EVM_REPAIRED = "ईवीएम बदली गई, मतदान फिर शुरू हुआ"
OTHER_INCIDENTS = (
    IncidentKind(
        K.MCC,
        S.LOW,
        "मतदान केंद्र के 100 मीटर के भीतर पार्टी के झंडे और पर्चे",
        (1.0, 2.5),
        (("पीठासीन अधिकारी को बताया, झंडे हटवाए", 35, True),),
    ),
    IncidentKind(
        K.SLOW,
        S.HIGH,
        "मतदान बहुत धीमा, एक ही मतदान अधिकारी, कतार सड़क तक",
        (3.0, 4.5),
        (("पीठासीन अधिकारी से बात की, दूसरा अधिकारी बैठाया गया", 40, True),),
    ),
    IncidentKind(
        K.TURNED_AWAY,
        S.HIGH,
        "कुछ मतदाताओं को पर्ची होने पर भी नाम न मिलने की बात कहकर लौटाया",
        (4.5, 6.0),
        (("बीएलओ को बुलाया, सूची में नाम जाँच रहे हैं", 25, False),),
    ),
    IncidentKind(
        K.BOGUS,
        S.CRITICAL,
        "किसी और के नाम पर वोट डालने की कोशिश, अभिकर्ता ने आपत्ति की",
        (6.5, 8.0),
        (
            ("पीठासीन अधिकारी के पास चुनौती दर्ज कराई", 12, False),
            ("पुलिस ने व्यक्ति को केंद्र से हटाया", 45, True),
        ),
    ),
    IncidentKind(
        K.VIOLENCE,
        S.CRITICAL,
        "बूथ के बाहर दो गुटों में झगड़ा, मतदाता डरे हुए",
        (9.0, 10.2),
        (("थाने और सेक्टर अधिकारी को सूचना दी", 6, False),),
    ),
)


class SimulationRefused(Exception):
    """The simulation cannot run on this AC or day; nothing was written."""


# -- Who works where ---------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    user: User
    first: int
    last: int
    device: str


@dataclass(frozen=True)
class Team:
    """The people of one booth on polling day."""

    desk: User
    agent: User
    pages: tuple[Page, ...]
    # Who takes the booth's incidents: its block president, else the AC in-charge
    # (a login is made for them only when an incident needs one).
    taker: Person | None

    def page_of(self, serial: int) -> Page | None:
        return next((p for p in self.pages if p.first <= serial <= p.last), None)


def _login(person: Person) -> User:
    return person.user if person.user is not None else field_user(person)


def _pick(posts: list[Post], order: Sequence[PostType], avoid: Post | None) -> Post:
    ranked = sorted(
        posts, key=lambda p: (order.index(PostType(p.post_type)), p.start_date, p.pk)
    )
    return next((p for p in ranked if p != avoid), ranked[0])


def _appoint_agent(booth: Unit, day: datetime.date, seed: int) -> Post:
    """A polling agent for a booth with nobody who may mark (deterministic name)."""
    assert booth.part is not None
    rng = random.Random(f"{seed}/agent/{booth.part.ac_id}/{booth.part.number}")
    female = rng.random() < 0.3
    name, name_en = NameMaker(rng).make(female=female)
    with transaction.atomic():
        person = person_create(by=None, name=name, name_en=name_en, unit=booth)
        post = post_appoint(
            by=None,
            person=person,
            post_type=PostType.POLLING_AGENT,
            start_date=min(day, timezone.localdate()),
            unit=booth,
        )
    field_user(person)
    return Post.objects.select_related("person__user").get(pk=post.pk)


def _takers(ac: AssemblyConstituency) -> tuple[list[tuple[str, Person]], Person | None]:
    """Block presidents (by their block's path) and the AC in-charge."""
    blocks = [
        (post.unit.path, post.person)
        for post in Post.objects.filter(
            current_posts_q(), post_type=PostType.BLOCK_PRESIDENT, unit__isnull=False
        ).select_related("unit", "person__user")
        if post.unit is not None
    ]
    incharge = (
        Post.objects.filter(current_posts_q(), post_type=PostType.AC_INCHARGE, ac=ac)
        .select_related("person__user")
        .order_by("start_date", "id")
        .first()
    )
    return blocks, incharge.person if incharge else None


def booth_teams(
    ac: AssemblyConstituency, day: datetime.date, seed: int
) -> tuple[dict[int, Team], int]:
    """part id → the booth's team, for every booth of `ac`; and how many polling agents
    were appointed for booths that had nobody who may mark."""
    marking = roles_for(MARK)
    blocks, incharge = _takers(ac)
    booths = Unit.objects.filter(
        level=Unit.Level.BOOTH, part__ac=ac, state=ac.state
    ).select_related("part")
    teams: dict[int, Team] = {}
    appointed = 0
    for booth in booths.order_by("part__number_int", "part__number"):
        assert booth.part is not None
        posts = list(
            Post.objects.filter(
                current_posts_q(), unit=booth, post_type__in=marking
            ).select_related("person__user")
        )
        if not posts:
            posts = [_appoint_agent(booth, day, seed)]
            appointed += 1
        agent = _pick(posts, AGENT_POSTS, None)
        desk = _pick(posts, DESK_POSTS, agent)
        number = booth.part.number
        pages = tuple(
            Page(
                _login(p.person),
                p.serial_from or 0,
                p.serial_to or 0,
                f"page-{number}-{i}",
            )
            for i, p in enumerate(
                Post.objects.filter(
                    current_posts_q(), part=booth.part, post_type=PostType.PAGE_INCHARGE
                )
                .select_related("person__user")
                .order_by("serial_from", "id"),
                1,
            )
        )
        teams[booth.part.pk] = Team(
            desk=_login(desk.person),
            agent=_login(agent.person),
            pages=pages,
            taker=next(
                (p for path, p in blocks if booth.path.startswith(path)), incharge
            ),
        )
    return teams, appointed


# -- The plan ----------------------------------------------------------------------


@dataclass(frozen=True)
class MarkEvent:
    at: datetime.datetime
    by: User
    item: services.MarkIn


@dataclass(frozen=True)
class TurnoutEvent:
    at: datetime.datetime
    by: User
    part: Part
    slot: int
    count: int
    nth: int  # the n-th entry of this booth's slot, from 0


@dataclass(frozen=True)
class IncidentEvent:
    at: datetime.datetime
    by: User
    part: Part
    kind: str
    severity: int
    note: str
    located: bool

    @property
    def key(self) -> tuple[int, str, int, str]:
        return (self.part.pk, self.kind, self.by.pk, self.note)


@dataclass(frozen=True)
class ActionEvent:
    at: datetime.datetime
    by: User
    incident: IncidentEvent
    note: str
    closes: bool
    nth: int


@dataclass(frozen=True)
class NudgeEvent:
    at: datetime.datetime
    by: User
    part: Part
    voter_id: int
    serial_no: int
    kind: str


Event = MarkEvent | TurnoutEvent | IncidentEvent | ActionEvent | NudgeEvent


@dataclass(frozen=True)
class Quirks:
    """What sets one booth's day apart."""

    low: bool = False
    # Seconds after the opening: no marks entered (the desk phone died, the agent left).
    silent: tuple[float, float] | None = None
    # Seconds after the opening: the machine fails, and is replaced.
    evm: tuple[float, float] | None = None
    incident: IncidentKind | None = None


@dataclass
class DayPlan:
    ac: AssemblyConstituency
    day: datetime.date
    seed: int
    parts: list[Part]
    electors: int
    events: list[Event]
    agents_appointed: int = 0

    def at(self, clock: datetime.time) -> datetime.datetime:
        zone = timezone.get_current_timezone()
        return datetime.datetime.combine(self.day, clock, tzinfo=zone)

    @property
    def opens(self) -> datetime.datetime:
        return self.at(OPENS)

    @property
    def ends(self) -> datetime.datetime:
        """The time of the day's last event (the close-of-poll entries)."""
        return self.events[-1].at if self.events else self.opens


def _quirks(parts: list[Part], rng: random.Random) -> dict[int, Quirks]:
    """part id → quirks: one booth's machine fails, two go silent, five report other
    incidents, some turn out less. Drawn in part-number order, so by seed alone."""
    order = [p.pk for p in sorted(parts, key=lambda p: (p.number_int, p.number))]
    rng.shuffle(order)
    quirks: dict[int, Quirks] = {}
    for i, part_id in enumerate(order):
        low = rng.random() < LOW_SHARE
        if i == 0:
            fails = rng.uniform(*EVM_FAILURE.window) * HOUR
            quirks[part_id] = Quirks(
                evm=(fails, fails + rng.uniform(45, 75) * MINUTE), incident=EVM_FAILURE
            )
        elif i in (1, 2):
            start = rng.uniform(3.5, 7.5) * HOUR
            quirks[part_id] = Quirks(
                low=low, silent=(start, start + rng.uniform(60, 100) * MINUTE)
            )
        elif i - 3 < len(OTHER_INCIDENTS):
            quirks[part_id] = Quirks(low=low, incident=OTHER_INCIDENTS[i - 3])
        else:
            quirks[part_id] = Quirks(low=low)
    return quirks


def day_plan(*, ac: AssemblyConstituency, day: datetime.date, seed: int) -> DayPlan:
    """The whole simulated day of `ac`. Appoints polling agents where a booth has
    nobody who may mark (the only writes); everything else is read."""
    other = (
        VotedMark.objects.filter(ac=ac)
        .exclude(entered_at__date=day)
        .order_by("-entered_at")
        .first()
    )
    if other is not None:
        raise SimulationRefused(
            _(
                "AC %(ac)d already has marks of another polling day (%(day)s). "
                "boothwise keeps one polling day per database: simulate on a fresh "
                "demo database."
            )
            % {"ac": ac.number, "day": timezone.localdate(other.entered_at)}
        )
    if not Voter.objects.filter(ac=ac, status=Voter.Status.ON_ROLL).exists():
        raise SimulationRefused(_no_roll(ac))
    teams, appointed = booth_teams(ac, day, seed)
    parts = list(
        Part.objects.filter(pk__in=teams).select_related("ac").order_by("number_int")
    )
    rng = random.Random(f"{seed}/{day.isoformat()}/{ac.number}")
    plan = DayPlan(ac, day, seed, [], 0, [], appointed)
    electors_of: dict[int, list[tuple[int, int]]] = {}
    for part in parts:
        electors_of[part.pk] = list(
            visible(
                teams[part.pk].desk,
                MARK,
                Voter.objects.filter(
                    ac_id=ac.pk, part=part, status=Voter.Status.ON_ROLL
                ).order_by("serial_no"),
            ).values_list("id", "serial_no")
        )
    plan.parts = [p for p in parts if electors_of[p.pk]]
    if not plan.parts:
        raise SimulationRefused(_no_roll(ac))
    quirks = _quirks(plan.parts, rng)
    for part in plan.parts:
        team = teams[part.pk]
        booth = _BoothDay(plan, part, team, quirks[part.pk])
        support = latest_support(team.desk, part)
        plan.events += booth.events(electors_of[part.pk], support)
        plan.electors += len(electors_of[part.pk])
    plan.events.sort(key=lambda e: e.at)
    return plan


def _no_roll(ac: AssemblyConstituency) -> str:
    return _(
        "AC %(ac)d has no booth with electors on the roll. Load the demo "
        "(boothwise seed-demo) or import a roll first."
    ) % {"ac": ac.number}


@dataclass
class _Voter:
    voter_id: int
    serial: int
    supporter: bool
    t: float = 0.0  # seconds after the opening


@dataclass
class _Entry:
    """One mark as it will be entered: when, whose, from where."""

    t: float  # seconds after the opening
    voter: _Voter
    source: str
    by: User
    device: str


class _BoothDay:
    """Plans one booth's day; every random draw comes from the booth's own generator,
    so one booth's plan does not change when another booth's does."""

    def __init__(self, plan: DayPlan, part: Part, team: Team, quirks: Quirks) -> None:
        self.plan = plan
        self.part = part
        self.team = team
        self.quirks = quirks
        self.opens = plan.opens
        key = f"{plan.seed}/{plan.day.isoformat()}/{plan.ac.number}/{part.number}"
        self.rng = random.Random(key)
        # Device names: one help-desk phone and one agent's phone per booth.
        self.desk = f"desk-{part.number}"
        self.agent = f"agent-{part.number}"

    def at(self, seconds: float) -> datetime.datetime:
        return self.opens + datetime.timedelta(seconds=round(seconds, 1))

    def events(
        self, electors: list[tuple[int, int]], support: dict[int, int]
    ) -> list[Event]:
        rng = self.rng
        turnout = rng.uniform(0.38, 0.52) if self.quirks.low else rng.uniform(0.55, 0.8)
        voters = self.who_votes(electors, support, turnout)
        self.vote_times(voters)
        events: list[Event] = []
        events += self.marks(voters)
        events += self.turnout(voters, len(electors))
        events += self.incident()
        events += self.nudges(voters, electors, support)
        return events

    def who_votes(
        self, electors: list[tuple[int, int]], support: dict[int, int], turnout: float
    ) -> list[_Voter]:
        """Supporters vote more often; the others less, so the booth keeps its turnout."""
        supporters = {v for v, level in support.items() if level >= 4}
        count = len(electors)
        backing = sum(1 for v, _s in electors if v in supporters)
        lifted = min(0.95, turnout + SUPPORTER_LIFT)
        rest = turnout
        if count > backing:
            rest = (turnout * count - lifted * backing) / (count - backing)
        rest = min(0.95, max(0.05, rest))
        return [
            _Voter(v, serial, v in supporters)
            for v, serial in electors
            if self.rng.random() < (lifted if v in supporters else rest)
        ]

    def vote_times(self, voters: list[_Voter]) -> None:
        """The double-hump day; an EVM failure stops the queue, some leave."""
        rng = self.rng
        weights = [w * rng.uniform(0.85, 1.15) for w in HOURLY]
        hours = rng.choices(range(len(HOURLY)), weights=weights, k=len(voters))
        for voter, hour in zip(voters, hours, strict=True):
            voter.t = (hour + rng.random()) * HOUR
        if self.quirks.evm is not None:
            fails, repaired = self.quirks.evm
            for voter in list(voters):
                if fails <= voter.t < repaired:
                    if rng.random() < 0.25:
                        voters.remove(voter)  # gave up and went home
                    else:
                        waited = repaired + (voter.t - fails) * 1.5
                        voter.t = min(waited, POLL_SECONDS - rng.uniform(0, 300))

    def marks(self, voters: list[_Voter]) -> list[Event]:
        """Desk marks one at a time, agent's copies in batches, page in-charges' own."""
        rng = self.rng
        capture = rng.uniform(0.86, 0.97)
        mode = rng.choices(("both", "agent", "desk"), (70, 20, 10))[0]
        entries: list[_Entry] = []
        carried: list[_Voter] = []
        for voter in sorted(voters, key=lambda v: v.t):
            if rng.random() > capture:
                continue  # nobody of the party saw this voter
            page = self.team.page_of(voter.serial)
            if voter.supporter and page is not None and rng.random() < 0.35:
                late = voter.t + rng.uniform(5, 40) * MINUTE
                entries.append(
                    _Entry(late, voter, "page_incharge", page.user, page.device)
                )
            elif mode == "desk" or (mode == "both" and rng.random() < 0.55):
                soon = voter.t + rng.uniform(0.5, 4) * MINUTE
                entries.append(_Entry(soon, voter, "desk", self.team.desk, self.desk))
            else:
                carried.append(voter)
        entries = self.hold_back(entries) + self.agent_trips(carried)
        return [self.mark(entry) for entry in entries]

    def mark(self, entry: _Entry) -> MarkEvent:
        plan = self.plan
        day = plan.day.isoformat()
        key = f"{plan.seed}/{day}/{plan.ac.number}/{self.part.number}/{entry.voter.serial}"
        at = self.at(entry.t)
        item = services.MarkIn(
            client_uuid=uuid.uuid5(NAMESPACE, key),
            part_id=self.part.pk,
            serial_no=entry.voter.serial,
            source=entry.source,
            entered_at=at,
            device=entry.device,
        )
        return MarkEvent(at, entry.by, item)

    def hold_back(self, entries: list[_Entry]) -> list[_Entry]:
        """In a silent spell nothing is entered; the desk catches up after it."""
        if self.quirks.silent is None:
            return entries
        start, end = self.quirks.silent
        late = 0
        for entry in sorted(entries, key=lambda e: e.t):
            if start <= entry.t < end:
                late += 1
                entry.t = end + 90 + 12 * late
        return entries

    def agent_trips(self, carried: list[_Voter]) -> list[_Entry]:
        """Every 30–60 minutes the agent comes out and enters the marked copy, in roll
        order, in batches of 10–30; the last copy comes out after the close."""
        rng = self.rng
        trips = []
        t = rng.uniform(30, 60) * MINUTE
        silent = self.quirks.silent
        while t < POLL_SECONDS:
            if silent is None or not silent[0] <= t < silent[1]:
                trips.append(t)
            t += rng.uniform(30, 60) * MINUTE
        trips.append(POLL_SECONDS + rng.uniform(5, 20) * MINUTE)
        entries: list[_Entry] = []
        waiting = sorted(carried, key=lambda v: v.t)
        for trip in trips:
            copy = [v for v in waiting if v.t < trip - 2 * MINUTE]
            waiting = waiting[len(copy) :]
            copy.sort(key=lambda v: v.serial)
            at = trip
            while copy:
                size = rng.randint(10, 30)
                batch, copy = copy[:size], copy[size:]
                entries += [
                    _Entry(at + 4 * i, voter, "agent_copy", self.team.agent, self.agent)
                    for i, voter in enumerate(batch)
                ]
                at += rng.uniform(1, 3) * MINUTE
        return entries

    def turnout(self, voters: list[_Voter], electors: int) -> list[Event]:
        """The presiding officer's figures, relayed and entered twice; now and then the
        second entry is mistyped and the pair is entered again later."""
        rng = self.rng
        events: list[Event] = []
        for slot in TurnoutEntry.Slot.values:
            hour = min(slot, 18) - OPENS.hour
            count = sum(1 for v in voters if v.t < hour * HOUR)
            first = hour * HOUR + rng.uniform(15, 45) * MINUTE
            times = [first, first + rng.uniform(1, 3) * MINUTE]
            counts = [count, count]
            slip = rng.choice((1, 9, 10))
            if rng.random() < 0.12 and count + slip <= electors:
                fixed = times[1] + rng.uniform(15, 40) * MINUTE
                times += [fixed, fixed + rng.uniform(1, 2) * MINUTE]
                counts = [count, count + slip, count, count]
            events += [
                TurnoutEvent(self.at(t), self.team.agent, self.part, slot, n, nth)
                for nth, (t, n) in enumerate(zip(times, counts, strict=True))
            ]
        return events

    def incident(self) -> list[Event]:
        """The booth's incident, if it has one: reported by the agent, acted on (and
        perhaps closed) by the block president or the AC in-charge."""
        kind = self.quirks.incident
        if kind is None:
            return []
        rng = self.rng
        if self.quirks.evm is not None:
            fails, repaired = self.quirks.evm
            reported = fails + rng.uniform(2, 6) * MINUTE
            actions = (
                *kind.actions,
                (EVM_REPAIRED, (repaired - reported) / MINUTE, True),
            )
        else:
            reported = rng.uniform(*kind.window) * HOUR
            actions = kind.actions
        taker = self.team.agent
        if self.team.taker is not None:
            taker = _login(self.team.taker)
        event = IncidentEvent(
            self.at(reported),
            self.team.agent,
            self.part,
            kind.kind,
            kind.severity,
            kind.note,
            located=rng.random() < 0.5,
        )
        return [
            event,
            *(
                ActionEvent(
                    self.at(reported + minutes * MINUTE),
                    taker,
                    event,
                    note,
                    closes,
                    nth,
                )
                for nth, (note, minutes, closes) in enumerate(actions)
            ),
        ]

    def nudges(
        self,
        voters: list[_Voter],
        electors: list[tuple[int, int]],
        support: dict[int, int],
    ) -> list[Event]:
        """A few supporters on the pages are reminded after lunch; some set out soon."""
        rng = self.rng
        if not self.team.pages:
            return []
        voted = {v.voter_id: v.t for v in voters}
        late = [
            (voter_id, serial)
            for voter_id, serial in electors
            if support.get(voter_id, 0) >= 4
            and self.team.page_of(serial) is not None
            and voted.get(voter_id, POLL_SECONDS) >= 8 * HOUR
        ]
        events: list[Event] = []
        for voter_id, serial in rng.sample(late, k=min(len(late), rng.randint(1, 4))):
            page = self.team.page_of(serial)
            assert page is not None
            reminded = rng.uniform(6.5, 7.75) * HOUR
            events.append(
                NudgeEvent(
                    self.at(reminded),
                    page.user,
                    self.part,
                    voter_id,
                    serial,
                    "reminded",
                )
            )
            votes = voted.get(voter_id)
            if votes is not None and votes - reminded > 20 * MINUTE:
                leaves = max(
                    reminded + 5 * MINUTE, votes - rng.uniform(10, 25) * MINUTE
                )
                events.append(
                    NudgeEvent(
                        self.at(leaves),
                        page.user,
                        self.part,
                        voter_id,
                        serial,
                        "on_the_way",
                    )
                )
        return events


# -- The replay --------------------------------------------------------------------


@dataclass
class Tally:
    """What one run wrote."""

    marks: int = 0
    refused: int = 0
    turnout: int = 0
    incidents: int = 0
    actions: int = 0
    nudges: int = 0
    problems: list[str] = field(default_factory=list)


class Replay:
    """Writes a plan's events up to `until` through the services, skipping what an
    earlier run wrote; `say` gets the progress lines."""

    REPORT_EVERY = datetime.timedelta(minutes=15)

    def __init__(
        self, plan: DayPlan, *, until: datetime.datetime, say: Callable[[str], None]
    ) -> None:
        self.plan = plan
        self.until = until
        self.say = say
        self.tally = Tally()
        self.incidents: dict[tuple[int, str, int, str], Incident] = {}
        self.buffers: dict[int, tuple[User, list[services.MarkIn]]] = {}
        self.pending, self.resumes_at = self._pending()
        self.clock = self.resumes_at

    def _pending(self) -> tuple[list[Event], datetime.datetime]:
        """The planned events not written yet, and the time the last run got to."""
        plan = self.plan
        marks = [e.item.client_uuid for e in plan.events if isinstance(e, MarkEvent)]
        written: set[uuid.UUID] = set()
        for start in range(0, len(marks), 2000):
            written.update(
                VotedMark.objects.filter(
                    client_uuid__in=marks[start : start + 2000]
                ).values_list("client_uuid", flat=True)
            )
        entries = Counter(
            TurnoutEntry.objects.filter(part__in=plan.parts).values_list("part", "slot")
        )
        since = plan.at(datetime.time(0))
        for incident in Incident.objects.filter(
            part__in=plan.parts, reported_at__gte=since
        ):
            key = (
                incident.part_id,
                incident.kind,
                incident.reported_by_id,
                incident.note,
            )
            self.incidents.setdefault(key, incident)
        acted = Counter(
            IncidentAction.objects.filter(
                incident__in=list(self.incidents.values())
            ).values_list("incident", flat=True)
        )
        nudged = set(
            Nudge.objects.filter(part__in=plan.parts, at__gte=since).values_list(
                "voter", "kind", "by"
            )
        )

        def done(e: Event) -> bool:
            if isinstance(e, MarkEvent):
                return e.item.client_uuid in written
            if isinstance(e, TurnoutEvent):
                return e.nth < entries[(e.part.pk, e.slot)]
            if isinstance(e, IncidentEvent):
                return e.key in self.incidents
            if isinstance(e, ActionEvent):
                incident = self.incidents.get(e.incident.key)
                return incident is not None and (
                    incident.closed_at is not None or e.nth < acted[incident.pk]
                )
            return (e.voter_id, e.kind, e.by.pk) in nudged

        pending: list[Event] = []
        reached = plan.opens
        for event in plan.events:
            if done(event):
                reached = max(reached, event.at)
            elif event.at <= self.until:
                pending.append(event)
        return pending, reached

    # Writing ---------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        if isinstance(event, MarkEvent):
            user, items = self.buffers.setdefault(event.by.pk, (event.by, []))
            items.append(event.item)
            if len(items) >= services.MAX_BATCH:
                self.flush()
        elif isinstance(event, TurnoutEvent):
            self._turnout(event)
        elif isinstance(event, IncidentEvent):
            self._incident(event)
        elif isinstance(event, ActionEvent):
            self._action(event)
        else:
            self._nudge(event)
        self.clock = max(self.clock, event.at)

    def flush(self) -> None:
        """Send every user's waiting marks, as their phones would, a batch at a time."""
        buffers, self.buffers = self.buffers, {}
        for user, items in buffers.values():
            for result in services.marks_record(by=user, items=items):
                if result.status != "accepted":
                    self.tally.refused += 1
                elif not result.already:
                    self.tally.marks += 1

    def _turnout(self, event: TurnoutEvent) -> None:
        try:
            services.turnout_enter(
                by=event.by, part=event.part, slot=event.slot, count=event.count
            )
        except ValidationError as error:
            self.tally.problems.append(
                _("Booth %(number)s: %(problem)s")
                % {"number": event.part.number, "problem": " ".join(error.messages)}
            )
        else:
            self.tally.turnout += 1

    def _incident(self, event: IncidentEvent) -> None:
        part = event.part
        located = event.located and part.latitude is not None
        self.incidents[event.key] = services.incident_report(
            by=event.by,
            part=part,
            kind=event.kind,
            severity=event.severity,
            note=event.note,
            latitude=part.latitude if located else None,
            longitude=part.longitude if located else None,
        )
        self.tally.incidents += 1

    def _action(self, event: ActionEvent) -> None:
        incident = self.incidents.get(event.incident.key)
        if incident is None:
            return
        if not visible(
            event.by, REPORT, Part.objects.filter(pk=incident.part_id)
        ).exists():
            return
        try:
            services.incident_act(
                by=event.by, incident=incident, note=event.note, closes=event.closes
            )
        except ValidationError:
            return  # closed by someone in the meantime
        self.tally.actions += 1

    def _nudge(self, event: NudgeEvent) -> None:
        try:
            services.nudge_record(
                by=event.by, part=event.part, serial_no=event.serial_no, kind=event.kind
            )
        except Voter.DoesNotExist:
            return
        self.tally.nudges += 1

    # Running ---------------------------------------------------------------------

    def run_instant(self) -> None:
        """Everything up to `until` at once, with a progress line per simulated hour.

        Marks go in full batches of each user's (the services take 100 at a time), so
        their order of arrival differs from the live replay's; their times do not."""
        every = datetime.timedelta(hours=1)
        report_at = self.plan.opens + every
        while report_at <= self.clock:  # carrying on from an earlier run
            report_at += every
        for event in self.pending:
            while event.at >= report_at:
                self.clock = max(self.clock, report_at)
                self.report(report_at)
                report_at += every
            self.apply(event)
        self.flush()
        self.pending = []
        self.clock = max(self.clock, min(self.until, self.plan.ends))
        self.report(self.clock)

    def run_live(self, speed: float) -> None:
        """Replay `speed` times faster than real time, never ahead of the real clock;
        sleeps between events and reports every 15 simulated minutes."""
        start = self.clock
        began = time.monotonic()
        reported = start
        waiting = False
        queue = self.pending
        while queue:
            now = timezone.now()
            clock = start + datetime.timedelta(
                seconds=(time.monotonic() - began) * speed
            )
            held = clock >= now  # the replay has caught up with the real clock
            clock = min(clock, now, self.until)
            due = 0
            while due < len(queue) and queue[due].at <= clock:
                self.apply(queue[due])
                due += 1
            queue = queue[due:]
            self.pending = queue
            self.flush()
            if not queue:
                # Everything up to `until` is written: the replay stands there (or at
                # the real clock, if that comes first), not at the last event's time.
                clock = max(clock, min(self.until, self.plan.ends, now))
            self.clock = max(self.clock, clock)
            if clock - reported >= self.REPORT_EVERY or not queue:
                self.report(self.clock)
                reported = clock
            if queue:
                gap = (queue[0].at - clock).total_seconds()
                if held and gap > 300 and not waiting:
                    self.say(
                        _("Waiting for the clock: the next event is at %(clock)s.")
                        % {"clock": timezone.localtime(queue[0].at).strftime("%H:%M")}
                    )
                waiting = held and gap > 300
                time.sleep(min(1.0, max(0.01, gap if held else gap / speed)))

    def report(self, clock: datetime.datetime) -> None:
        plan = self.plan
        # Marks still waiting in a batch count as marked: they are on the way.
        marked = VotedMark.objects.filter(
            ac=plan.ac, part__in=plan.parts, undone=False
        ).count() + sum(len(items) for _user, items in self.buffers.values())
        open_incidents = Incident.objects.filter(
            part__in=plan.parts, closed_at__isnull=True
        ).count()
        percent = 100 * marked / plan.electors if plan.electors else 0.0
        self.say(
            _(
                "%(clock)s  marks %(marks)d  turnout %(percent).1f%%  "
                "open incidents %(incidents)d"
            )
            % {
                "clock": timezone.localtime(clock).strftime("%H:%M"),
                "marks": marked,
                "percent": percent,
                "incidents": open_incidents,
            }
        )
