"""The demo's public contact programme: a running campaign with five weeks of visits.

Called by `boothwise seed-demo` after the organisation demo. It picks the persona booth
(101/1) and eleven other Ajmer booths that have page in-charges, makes sure they have
electors (when no roll is loaded for them, it imports a synthetic one made by
bench/roll_generator.py, or skips with a message where that file is not there), creates
the campaign through the services, assigns each page in-charge their page, and records
visits through `visits_sync` exactly as phones would: day by day over the past five
weeks, with revisits, changed answers, grievances (some closed, some overdue and
escalated), and a few implausible patterns for the flags to find (a burst of visits
within minutes, visits far from the station, the same answers pasted at several doors).

Workers of these booths who have no login get one with an unusable password (they
cannot sign in); visits need a user who made them. Same seed, same demo.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import importlib.util
import io
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.accounts.access import current_posts_q
from boothwise.accounts.models import User
from boothwise.geography.models import Part
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.outreach.models import Campaign, FollowUp
from boothwise.outreach.selectors import walk_list
from boothwise.outreach.services import (
    AnswerIn,
    VisitIn,
    assignment_create,
    assignment_request,
    campaign_create,
    default_issues,
    followup_close,
    followups_escalate,
    page_of,
    page_range,
    visits_sync,
    worker_posts_q,
)
from boothwise.rolls.importer import roll_import
from boothwise.rolls.models import Voter

CAMPAIGN_NAME = "आमजन संपर्क अभियान 2025"
PERSONA_STATION = (101, "1")
MORE_BOOTHS = 11
DAYS = 35
ELECTORS_PER_BOOTH = 600
TALKING_POINTS_HI = (
    "हर घर तक पहुँचें: परिवार के हर मतदाता से मिलें।\n"
    "पिछले पाँच साल में बूथ क्षेत्र में हुए काम बताएं: सड़क, पानी, बिजली।\n"
    "मतदाता सूची में नाम जाँचें; नए मतदाताओं का नाम जुड़वाने में मदद करें।\n"
    "शिकायत सुनें और लिखें; उसका समाधान तय समय में करें।"
)
TALKING_POINTS_EN = (
    "Reach every home: meet every elector of the family.\n"
    "Tell what was done in the booth area in five years: roads, water, electricity.\n"
    "Check names on the roll; help new voters register.\n"
    "Listen to grievances and write them down; resolve them on time."
)
GRIEVANCES = (
    ("water", "नल में दो दिन से पानी नहीं आया"),
    ("roads", "गली की सड़क टूटी है, बारिश में कीचड़"),
    ("electricity", "ट्रांसफ़ॉर्मर बार-बार ख़राब होता है"),
    ("health", "पास के स्वास्थ्य केंद्र में डॉक्टर नहीं बैठते"),
    ("school", "स्कूल में शिक्षक कम हैं"),
)


@dataclass
class OutreachDemo:
    campaign: Campaign | None = None
    booths: int = 0
    electors_imported: int = 0
    visits: int = 0
    followups: int = 0
    escalated: int = 0
    message: str = ""
    booth_names: list[str] = field(default_factory=list)


def _roll_generator() -> Any:
    """bench/roll_generator.py's RollGenerator, or None (an installed package has no
    bench/ folder)."""
    path = Path(settings.BASE_DIR) / "bench" / "roll_generator.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("boothwise_roll_generator", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _demo_parts(more: int) -> list[Part]:
    """The persona booth and the Ajmer booths with the most page in-charges."""
    pages = (
        Post.objects.filter(current_posts_q(), post_type=PostType.PAGE_INCHARGE)
        .values("part_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
    )
    ids = [row["part_id"] for row in pages.order_by("-n", "part_id")[:more]]
    persona = Part.objects.filter(
        ac__number=PERSONA_STATION[0], number=PERSONA_STATION[1], ac__state__abbr="RJ"
    ).first()
    if persona is not None and persona.pk not in ids:
        ids.insert(0, persona.pk)
    return list(
        Part.objects.filter(pk__in=ids, booth__isnull=False)
        .select_related("ac", "booth")
        .order_by("ac__number", "number_int", "number")
    )


def _ensure_roll(parts: list[Part], seed: int) -> tuple[int, str]:
    """Electors for parts that have none, from the synthetic roll generator."""
    have = set(
        Voter.objects.filter(part__in=parts)
        .values_list("part_id", flat=True)
        .distinct()
    )
    missing = [p for p in parts if p.pk not in have]
    if not missing:
        return 0, ""
    generator_module = _roll_generator()
    if generator_module is None:
        return 0, _(
            "bench/roll_generator.py is not here, so booths without a roll were "
            "left out of the contact programme demo."
        )
    generator = generator_module.RollGenerator(seed)
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=generator_module.COLUMNS, lineterminator="\n"
    )
    writer.writeheader()
    count = 0
    for part in missing:
        for row in generator.rows(part.ac.number, 1, ELECTORS_PER_BOOTH):
            row["part_no"] = part.number  # the generator numbers its own parts
            writer.writerow(row)
            count += 1
    roll_import(
        file=io.BytesIO(out.getvalue().encode("utf-8")),
        file_name="demo-outreach-roll.csv",
        by=None,
    )
    return count, ""


def field_user(person: Person) -> User:
    """The person's login, or a new one that cannot sign in (the demo's field staff)."""
    existing = User.objects.filter(person__pk=person.pk).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(username=f"field-{person.pk}", password=None)
    person.user = user
    person.save(update_fields=["user"])
    return user


class _Simulator:
    def __init__(self, campaign: Campaign, seed: int) -> None:
        self.campaign = campaign
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=DAYS)
        self.version = campaign.versions.get(number=1)
        self.issues = [i.code for i in default_issues()]
        self.visits = 0

    def moment(self, day: datetime.date, seconds: int) -> datetime.datetime:
        local = datetime.datetime.combine(
            day, datetime.time(9, 0)
        ) + datetime.timedelta(seconds=seconds)
        return timezone.make_aware(local)

    def day(self) -> datetime.date:
        """A campaign day, busier towards today and on Sundays."""
        rng = self.rng
        offset = int(DAYS * (1 - rng.random() ** 1.6))
        day = self.start + datetime.timedelta(days=min(offset, DAYS))
        if day.weekday() != 6 and rng.random() < 0.15:
            day += datetime.timedelta(days=6 - day.weekday())
        return min(day, self.today)

    def answers(self, door: Any, lean: float) -> list[AnswerIn]:
        rng = self.rng
        answers = []
        for elector in door.electors:
            if rng.random() < 0.85:
                level = max(1, min(5, round(rng.gauss(lean, 1.1))))
                answers.append(AnswerIn(elector.serial_no, "support", level))
            if rng.random() < 0.04:
                answers.append(AnswerIn(elector.serial_no, "come_back", True))
            if rng.random() < 0.02:
                correction = rng.choice(("absent", "shifted", "dead"))
                answers.append(
                    AnswerIn(elector.serial_no, "roll_correction", correction)
                )
        if rng.random() < 0.6:
            picked = rng.sample(self.issues, k=rng.choice((1, 1, 2)))
            answers.append(AnswerIn(door.serial_no, "issues", picked))
        if rng.random() < 0.03:
            answers.append(AnswerIn(door.serial_no, "new_voter", 1))
        return answers

    def location(self, part: Part, far: bool) -> tuple[Decimal | None, Decimal | None]:
        if part.latitude is None or part.longitude is None or self.rng.random() < 0.4:
            return None, None
        spread = 0.004  # ~400 m around the station
        lat = part.latitude + Decimal(str(round(self.rng.uniform(-spread, spread), 6)))
        if far:
            lat += Decimal("0.045")  # ~5 km north: a visit recorded somewhere else
        lon = part.longitude + Decimal(str(round(self.rng.uniform(-spread, spread), 6)))
        return lat, lon

    def item(self, part: Part, plan: _Planned, at: datetime.datetime) -> VisitIn:
        lat, lon = self.location(part, plan.far)
        return VisitIn(
            client_uuid=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            campaign_id=self.campaign.pk,
            part_id=part.pk,
            serial_no=plan.door.serial_no,
            outcome=plan.outcome,
            at=at,
            survey_version_id=self.version.pk,
            answers=plan.answers if plan.outcome == "met" else [],
            notes=plan.notes,
            grievance=plan.grievance[1] if plan.grievance else "",
            grievance_issue=plan.grievance[0] if plan.grievance else "",
            latitude=lat,
            longitude=lon,
            device=f"demo-{part.pk}",
        )

    def plan(self, doors: list[Any], quirk: str) -> dict[datetime.date, list[_Planned]]:
        """Which door is visited on which day, with what result."""
        rng = self.rng
        lean = rng.uniform(2.6, 4.2)
        by_day: dict[datetime.date, list[_Planned]] = {}
        # The doors someone "filled in" without knocking: the first six of the most
        # common size (the digest compares doors of the same size).
        sizes = Counter(len(d.electors) for d in doors).most_common(1)
        size = sizes[0][0] if sizes else 0
        paste = {d.serial_no for d in doors if len(d.electors) == size}
        paste = set(sorted(paste)[:6]) if quirk == "pasted" else set()
        for index, door in enumerate(doors):
            burst = quirk == "burst" and index < 12
            if rng.random() > 0.85 and door.serial_no not in paste and not burst:
                continue  # not reached yet
            day = self.day()
            outcome = rng.choices(
                ("met", "not_home", "come_back", "refused"), (66, 20, 9, 5)
            )[0]
            answers = self.answers(door, lean)
            notes = ""
            if door.serial_no in paste:
                outcome, notes = "met", "सब ठीक है"
                answers = [AnswerIn(e.serial_no, "support", 5) for e in door.electors]
                answers.append(AnswerIn(door.serial_no, "issues", ["water"]))
            if burst:
                day = self.today - datetime.timedelta(days=2)
            grievance = None
            if outcome == "met" and rng.random() < 0.08:
                grievance = rng.choice(GRIEVANCES)
            far = quirk == "far" and index % 4 == 0
            by_day.setdefault(day, []).append(
                _Planned(door, outcome, answers, notes, grievance, far)
            )
            if outcome != "met" and rng.random() < 0.6:
                later = min(
                    day + datetime.timedelta(days=rng.randint(2, 9)), self.today
                )
                changed = self.answers(door, lean + rng.uniform(-0.5, 0.8))
                by_day.setdefault(later, []).append(_Planned(door, "met", changed))
        return by_day

    def walk(self, user: User, part: Part, doors: list[Any], quirk: str = "") -> None:
        """One worker's doors: a first round, then revisits of doors not met."""
        burst_day = self.today - datetime.timedelta(days=2)
        latest = self.now - datetime.timedelta(minutes=5)
        for day, plans in sorted(self.plan(doors, quirk).items()):
            seconds = self.rng.randint(0, 120) * 60
            times = []
            for _plan in plans:
                burst = quirk == "burst" and day == burst_day
                seconds += 25 if burst else self.rng.randint(5, 18) * 60
                times.append(self.moment(day, seconds))
            if times[-1] > latest:  # today's round ends before now
                times = [t - (times[-1] - latest) for t in times]
            items = [self.item(part, p, at) for p, at in zip(plans, times, strict=True)]
            for start in range(0, len(items), 200):
                result = visits_sync(by=user, items=items[start : start + 200])
                self.visits += result.created


@dataclass
class _Planned:
    door: Any
    outcome: str
    answers: list[AnswerIn]
    notes: str = ""
    grievance: tuple[str, str] | None = None
    far: bool = False


def outreach_demo_seed(
    *, seed: int = 2014, more_booths: int = MORE_BOOTHS
) -> OutreachDemo:
    """Load the demo campaign and its visits. Does nothing when a campaign exists.

    `more_booths` is how many booths besides the persona booth get visits.
    """
    demo = OutreachDemo()
    if Campaign.objects.exists():
        demo.message = (
            "An outreach campaign exists already; the demo campaign was not added."
        )
        return demo
    city_user = User.objects.filter(username="city").first()
    city = Unit.objects.filter(level=Unit.Level.CITY, name="Ajmer city").first()
    parts = _demo_parts(more_booths)
    if city_user is None or city is None or not parts:
        demo.message = _("The organisation demo is not loaded; no outreach demo.")
        return demo
    demo.electors_imported, demo.message = _ensure_roll(parts, seed)
    parts = [p for p in parts if Voter.objects.filter(part=p).exists()]
    today = timezone.localdate()
    campaign = campaign_create(
        by=city_user,
        name=CAMPAIGN_NAME,
        starts_on=today - datetime.timedelta(days=DAYS),
        ends_on=today + datetime.timedelta(days=21),
        units=[city],
        talking_points_hi=TALKING_POINTS_HI,
        talking_points_en=TALKING_POINTS_EN,
    )
    demo.campaign = campaign
    sim = _Simulator(campaign, seed)
    quirks = iter(("", "burst", "far", "pasted"))
    for part in parts:
        demo.booths += 1
        demo.booth_names.append(f"{part.ac.number}/{part.number}")
        _booth(sim, city_user, part, next(quirks, ""))
    demo.visits = sim.visits
    demo.escalated = _followups(sim)
    demo.followups = FollowUp.objects.filter(campaign=campaign).count()
    return demo


def outreach_demo_summary(demo: OutreachDemo) -> str:
    """One line for `seed-demo`'s output."""
    if demo.campaign is None:
        return demo.message
    summary = _(
        "Contact programme: campaign “%(name)s” in %(booths)d booths, %(visits)d "
        "visits, %(followups)d follow-ups (%(escalated)d escalated)."
    ) % {
        "name": demo.campaign.name,
        "booths": demo.booths,
        "visits": demo.visits,
        "followups": demo.followups,
        "escalated": demo.escalated,
    }
    return f"{summary} {demo.message}".strip()


def _booth(sim: _Simulator, city_user: User, part: Part, quirk: str) -> None:
    """Assign each page in-charge their page and walk it; the booth team walks more."""
    campaign = sim.campaign
    posts = list(
        Post.objects.filter(worker_posts_q(part))
        .select_related("person__user")
        .order_by("serial_from", "id")
    )
    everyone = walk_list(booth_reader(part), campaign, part)
    page_posts = [p for p in posts if p.part_id is not None]
    team = [p for p in posts if p.unit_id is not None]
    covered_to = 0
    for i, post in enumerate(page_posts):
        assert post.serial_from is not None and post.serial_to is not None
        assignment_create(
            by=city_user,
            campaign=campaign,
            part=part,
            worker=post.person,
            serial_from=post.serial_from,
            serial_to=post.serial_to,
        )
        covered_to = max(covered_to, post.serial_to)
        worker = field_user(post.person)
        doors = walk_list(worker, campaign, part)
        sim.walk(worker, part, doors, quirk if i == 0 else "")
    if team:
        # The booth president walks the next two pages beyond the page in-charges'.
        president = team[0]
        first, _last = page_range(page_of(covered_to) + 1)
        doors = [d for d in everyone if first <= d.serial_no < first + 60]
        # A page has about eight doors, too few to be sure of a burst of
        # BURST_VISITS: the president's two pages make one whatever the day.
        sim.walk(
            field_user(president.person),
            part,
            doors,
            quirk if quirk == "burst" else "",
        )
        if len(team) > 1:
            asker = field_user(team[-1].person)
            # A worker asks for the next free page; the booth has it to decide.
            with contextlib.suppress(ValidationError):
                assignment_request(
                    by=asker, campaign=campaign, part=part, page=page_of(first + 60)
                )


def booth_reader(part: Part) -> User:
    """A user who may read the whole part: its booth president's field login."""
    post = (
        Post.objects.filter(worker_posts_q(part), unit__isnull=False)
        .select_related("person__user")
        .first()
    )
    if post is not None:
        return field_user(post.person)
    page = (
        Post.objects.filter(worker_posts_q(part)).select_related("person__user").first()
    )
    assert page is not None
    return field_user(page.person)


def _followups(sim: _Simulator) -> int:
    """Close some grievances; the rest stay open, and the overdue go to the block."""
    rng = sim.rng
    for followup in FollowUp.objects.filter(campaign=sim.campaign).select_related(
        "part"
    ):
        if rng.random() < 0.45:
            closer = booth_reader(followup.part)
            followup_close(
                by=closer, followup=followup, note="समाधान हुआ, परिवार को बताया"
            )
    return followups_escalate()
