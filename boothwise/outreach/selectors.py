"""Reads of the public contact programme: campaigns, walk lists, coverage, flags.

Every voter-scoped queryset here (electors, visits, answers, follow-ups) is narrowed by
accounts.access (`visible`) with VIEW_VOTERS, so support levels and grievances are read
only inside the viewer's scope. "Latest" answers are the newest answer per elector and
question kind; older ones stay in the table as history.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from boothwise.accounts.access import (
    AnyUser,
    scope_for,
    user_can,
    visible,
    voter_scope_q,
)
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.geography.models import Part
from boothwise.organisation.models import Person, Unit
from boothwise.outreach.models import (
    Answer,
    Assignment,
    Campaign,
    FollowUp,
    Question,
    SurveyVersion,
    Visit,
)
from boothwise.outreach.services import ROLL_PAGE_SIZE, page_of
from boothwise.rolls.models import Voter

VIEW = Action.VIEW_VOTERS
RECORD = Action.RECORD_VISIT
# A visit recorded further than this from the polling station is flagged.
FAR_METRES = 3000
# The same answers at this many doors by one user are flagged as pasted.
PASTE_MIN = 4
CODE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters, none that reads as a digit


def scoped(
    user: AnyUser, queryset: QuerySet[Any], action: Action = VIEW
) -> QuerySet[Any]:
    """A voter-scoped queryset (electors, visits, answers, follow-ups) narrowed exactly
    as `visible()` narrows it, with the scope's filter built once per user and action:
    a coverage page filters a dozen querysets with it."""
    cache: dict[Action, Q | None] = user.__dict__.setdefault("_outreach_scope_q", {})
    if action not in cache:
        scope = scope_for(user, action)
        cache[action] = None if scope.is_empty else voter_scope_q(scope)
    condition = cache[action]
    return queryset.none() if condition is None else queryset.filter(condition)


def door_code(serial_no: int) -> str:
    """The door's code on the paper walk list: its first serial and a check letter.

    The weights 2, 3, 4 … are coprime with 23, so a mistyped digit or two swapped
    neighbouring digits give another letter and the entry form catches them.
    """
    digits = str(serial_no)
    total = sum((i + 2) * int(d) for i, d in enumerate(reversed(digits)))
    return f"{digits}{CODE_LETTERS[total % 23]}"


def door_from_code(code: str) -> int | None:
    """The serial a code stands for, or None when the check letter does not match."""
    code = code.strip().upper().replace(" ", "").replace("-", "")
    if len(code) < 2 or not code[:-1].isdigit() or int(code[:-1]) < 1:
        return None
    serial = int(code[:-1])
    return serial if door_code(serial) == code else None


# Campaigns ---------------------------------------------------------------------------


def campaigns_visible(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns over a unit the user sees, or over a unit above a booth they see."""
    units = visible(user, Action.VIEW_ORGANISATION, Unit.objects.all())
    booths = units.filter(
        level=Unit.Level.BOOTH, path__startswith=OuterRef("unit__path")
    )
    through = Campaign.units.through.objects.filter(
        Q(unit__in=units) | Q(Exists(booths))
    )
    return Campaign.objects.filter(id__in=through.values("campaign_id"))


def campaign_access(user: AnyUser, campaign_id: Any) -> Campaign:
    campaign: Campaign = _one(campaigns_visible(user), campaign_id)
    return campaign


def campaign_running(campaign: Campaign, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return campaign.starts_on <= today <= campaign.ends_on


def current_version(campaign: Campaign) -> SurveyVersion:
    version = (
        SurveyVersion.objects.filter(campaign=campaign)
        .prefetch_related("questions")
        .order_by("-number")
        .first()
    )
    assert version is not None, "every campaign has a survey version"
    return version


def _one(queryset: QuerySet[Any], pk: Any) -> Any:
    """One row of an already scope-narrowed queryset, or Http404."""
    try:
        obj = queryset.filter(pk=pk).first()
    except (TypeError, ValueError):
        raise Http404 from None
    if obj is None:
        raise Http404
    return obj


# Walk lists --------------------------------------------------------------------------


@dataclass
class Elector:
    id: int
    serial_no: int
    name: str
    name_en: str
    age: int | None
    gender: str
    relation_type: str
    relative_name: str
    latest: dict[str, Any] = field(default_factory=dict)


@dataclass
class Door:
    serial_no: int
    code: str
    page: int
    household_id: int | None
    house_no: str
    section_no: int | None
    electors: list[Elector] = field(default_factory=list)
    latest: dict[str, Any] = field(default_factory=dict)  # household questions
    visits: int = 0
    met: int = 0
    last_outcome: str = ""
    last_at: datetime.datetime | None = None
    open_followups: int = 0


@dataclass(frozen=True)
class WorkFilter:
    """Which doors of a part a walk list shows: serial ranges and/or households."""

    ranges: tuple[tuple[int, int], ...] = ()
    household_ids: frozenset[int] = frozenset()

    @property
    def everything(self) -> bool:
        return not self.ranges and not self.household_ids

    def keeps(self, door: Door) -> bool:
        if self.everything:
            return True
        if door.household_id is not None and door.household_id in self.household_ids:
            return True
        return any(a <= door.serial_no <= b for a, b in self.ranges)


def assignments_of(user: AnyUser, campaign: Campaign) -> QuerySet[Assignment]:
    """The user's own active and requested assignments in the campaign."""
    if not isinstance(user, User):
        return Assignment.objects.none()
    person = Person.objects.filter(user=user).first()
    if person is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(
        campaign=campaign,
        worker=person,
        status__in=[Assignment.Status.ACTIVE, Assignment.Status.REQUESTED],
    ).select_related("part__ac")


def work_filter(assignments: Iterable[Assignment]) -> WorkFilter:
    active = [a for a in assignments if a.status == Assignment.Status.ACTIVE]
    ranges = tuple(
        (a.serial_from, a.serial_to)
        for a in active
        if a.serial_from is not None and a.serial_to is not None
    )
    households = frozenset(
        h.pk for a in active if a.serial_from is None for h in a.households.all()
    )
    return WorkFilter(ranges=ranges, household_ids=households)


def walk_list(
    user: AnyUser,
    campaign: Campaign,
    part: Part,
    work: WorkFilter | None = None,
) -> list[Door]:
    """The doors of `part` the user may see, in roll order, with their electors, the
    latest answers, visit counts and open follow-ups. Four queries."""
    voters = scoped(
        user, Voter.objects.filter(part=part, status=Voter.Status.ON_ROLL)
    ).order_by("serial_no")
    doors: dict[Any, Door] = {}
    for v in voters.values(
        "id",
        "serial_no",
        "name",
        "name_en",
        "age",
        "gender",
        "relation_type",
        "relative_name",
        "household_id",
        "house_no",
        "section_no",
    ):
        key = v["household_id"] or ("solo", v["id"])
        door = doors.get(key)
        if door is None:
            door = doors[key] = Door(
                serial_no=v["serial_no"],
                code=door_code(v["serial_no"]),
                page=page_of(v["serial_no"]),
                household_id=v["household_id"],
                house_no=v["house_no"],
                section_no=v["section_no"],
            )
        door.electors.append(
            Elector(
                id=v["id"],
                serial_no=v["serial_no"],
                name=v["name"],
                name_en=v["name_en"],
                age=v["age"],
                gender=v["gender"],
                relation_type=v["relation_type"],
                relative_name=v["relative_name"],
            )
        )
    result = [d for d in doors.values() if work is None or work.keeps(d)]
    _fill_latest(user, campaign, part, result)
    return result


def _fill_latest(
    user: AnyUser, campaign: Campaign, part: Part, doors: list[Door]
) -> None:
    by_serial = {d.serial_no: d for d in doors}
    electors = {e.serial_no: e for d in doors for e in d.electors}
    answers = scoped(
        user, Answer.objects.filter(campaign=campaign, part=part)
    ).order_by("at", "id")
    for serial, kind, value in answers.values_list("serial_no", "kind", "value"):
        if kind in (Question.Kind.ISSUES, Question.Kind.NEW_VOTER):
            if serial in by_serial:
                by_serial[serial].latest[kind] = value
        elif serial in electors:
            electors[serial].latest[kind] = value
    visits = (
        scoped(user, Visit.objects.filter(campaign=campaign, part=part))
        .order_by()
        .values("serial_no")
        .annotate(
            n=Count("id"),
            met=Count("id", filter=Q(outcome=Visit.Outcome.MET)),
            last=Max("at"),
        )
    )
    last: dict[int, datetime.datetime] = {}
    for row in visits:
        door = by_serial.get(row["serial_no"])
        if door is not None:
            door.visits, door.met = row["n"], row["met"]
            door.last_at = last[row["serial_no"]] = row["last"]
    if last:
        outcomes = (
            scoped(user, Visit.objects.filter(campaign=campaign, part=part))
            .filter(serial_no__in=list(last), at__in=set(last.values()))
            .values_list("serial_no", "at", "outcome")
        )
        for serial, at, outcome in outcomes:
            if last.get(serial) == at:
                by_serial[serial].last_outcome = outcome
    followups = (
        scoped(
            user,
            FollowUp.objects.filter(
                campaign=campaign, part=part, status=FollowUp.Status.OPEN
            ),
        )
        .order_by()
        .values("serial_no")
        .annotate(n=Count("id"))
    )
    for row in followups:
        if row["serial_no"] in by_serial:
            by_serial[row["serial_no"]].open_followups = row["n"]


ROLL_CORRECTION_LABELS = {
    "absent": gettext_lazy("Absent"),
    "shifted": gettext_lazy("Shifted"),
    "dead": gettext_lazy("Dead"),
}


def answer_text(answer: Answer, language: str) -> str:
    """An answer as a person reads it: issue names, "yes", a correction's name."""
    value = answer.value
    if answer.kind == Question.Kind.ISSUES:
        labels = {c["code"]: c[language] for c in answer.question.choices}
        return ", ".join(str(labels.get(code, code)) for code in value)
    if answer.kind == Question.Kind.COME_BACK:
        return str(gettext_lazy("yes"))
    if answer.kind == Question.Kind.ROLL_CORRECTION:
        return str(ROLL_CORRECTION_LABELS.get(value, value))
    return str(value)


def door_history(
    user: AnyUser, campaign: Campaign, part: Part, serial_no: int
) -> list[Visit]:
    """Every visit to one door, newest first, with its answers and follow-up."""
    return list(
        scoped(
            user,
            Visit.objects.filter(campaign=campaign, part=part, serial_no=serial_no),
        )
        .select_related("worker", "by", "survey_version", "followup")
        .prefetch_related("answers__question")
    )


@dataclass
class WalkListEntry:
    campaign: Campaign
    part: Part
    assignments: list[Assignment]


def my_walk_lists(user: AnyUser, campaigns: Iterable[Campaign]) -> list[WalkListEntry]:
    """Where the user can walk in each running campaign: assigned parts first, then
    the parts their own posts let them visit."""
    entries: list[WalkListEntry] = []
    record_parts = list(
        visible(user, RECORD, Part.objects.select_related("ac", "booth"))[:20]
    )
    for campaign in campaigns:
        own = list(assignments_of(user, campaign).prefetch_related("households"))
        parts: dict[int, WalkListEntry] = {}
        for a in own:
            entry = parts.setdefault(a.part_id, WalkListEntry(campaign, a.part, []))
            entry.assignments.append(a)
        for part in record_parts:
            if part.pk not in parts and _covers(campaign, part):
                parts[part.pk] = WalkListEntry(campaign, part, [])
        entries.extend(parts.values())
    return entries


def _covers(campaign: Campaign, part: Part) -> bool:
    try:
        path = part.booth.path
    except Unit.DoesNotExist:
        return False
    return any(path.startswith(u.path) for u in campaign.units.all())


# Coverage ----------------------------------------------------------------------------


@dataclass
class Tally:
    doors: int = 0
    electors: int = 0
    visits: int = 0
    doors_visited: int = 0
    doors_met: int = 0
    electors_reached: int = 0
    support: Counter[str] = field(default_factory=Counter)
    open_followups: int = 0
    overdue_followups: int = 0
    flagged: int = 0

    def add(self, other: Tally) -> None:
        for name in (
            "doors",
            "electors",
            "visits",
            "doors_visited",
            "doors_met",
            "electors_reached",
            "open_followups",
            "overdue_followups",
            "flagged",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.support.update(other.support)

    @property
    def met_percent(self) -> int:
        return round(100 * self.doors_met / self.doors) if self.doors else 0

    @property
    def surveyed(self) -> int:
        return sum(self.support.values())

    def support_rows(self) -> list[tuple[str, int, int]]:
        """(level, count, percent of surveyed) for levels 5 down to 1."""
        total = self.surveyed
        return [
            (
                lvl,
                self.support[lvl],
                round(100 * self.support[lvl] / total) if total else 0,
            )
            for lvl in ("5", "4", "3", "2", "1")
        ]


def _latest_q(model_qs: QuerySet[Answer], per_door: bool = False) -> QuerySet[Answer]:
    """Only the newest answer per elector (or door) and kind."""
    newer = Answer.objects.filter(
        campaign_id=OuterRef("campaign_id"),
        kind=OuterRef("kind"),
        part_id=OuterRef("part_id"),
        serial_no=OuterRef("serial_no"),
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id")))
    return model_qs.filter(~Exists(newer))


def _part_tallies(
    user: AnyUser, campaign: Campaign, parts_filter: Q
) -> dict[int, Tally]:
    """One Tally per part in scope under `parts_filter` (a Q on `part__…`)."""
    today = timezone.localdate()
    tallies: dict[int, Tally] = defaultdict(Tally)
    voters = scoped(
        user, Voter.objects.filter(parts_filter, status=Voter.Status.ON_ROLL)
    )
    for row in (
        voters.order_by()
        .values("part_id")
        .annotate(
            n=Count("id"),
            hh=Count("household_id", distinct=True),
            solo=Count("id", filter=Q(household__isnull=True)),
        )
    ):
        t = tallies[row["part_id"]]
        t.electors, t.doors = row["n"], row["hh"] + row["solo"]
    visits = scoped(user, Visit.objects.filter(parts_filter, campaign=campaign))
    met = Q(outcome=Visit.Outcome.MET)
    for row in (
        visits.order_by()
        .values("part_id")
        .annotate(
            n=Count("id"),
            doors=Count("serial_no", distinct=True),
            met=Count("serial_no", distinct=True, filter=met),
            flagged=Count("id", filter=_flag_q()),
        )
    ):
        t = tallies[row["part_id"]]
        t.visits, t.doors_visited, t.doors_met = row["n"], row["doors"], row["met"]
        t.flagged = row["flagged"]
    met_visits = Visit.objects.filter(campaign=campaign, outcome=Visit.Outcome.MET)
    reached = voters.filter(
        Exists(met_visits.filter(household_id=OuterRef("household_id")))
        | Exists(met_visits.filter(voter_id=OuterRef("pk")))
    )
    for row in reached.order_by().values("part_id").annotate(n=Count("id")):
        tallies[row["part_id"]].electors_reached = row["n"]
    support = _latest_q(
        scoped(
            user,
            Answer.objects.filter(
                parts_filter, campaign=campaign, kind=Question.Kind.SUPPORT
            ),
        )
    )
    for row in support.order_by().values("part_id", "choice").annotate(n=Count("id")):
        tallies[row["part_id"]].support[row["choice"]] += row["n"]
    followups = scoped(
        user,
        FollowUp.objects.filter(
            parts_filter, campaign=campaign, status=FollowUp.Status.OPEN
        ),
    )
    for row in (
        followups.order_by()
        .values("part_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today)))
    ):
        t = tallies[row["part_id"]]
        t.open_followups, t.overdue_followups = row["n"], row["late"]
    return tallies


def _flag_q() -> Q:
    return Q(flag_burst=True) | Q(distance_m__gt=FAR_METRES)


@dataclass
class CoverageRow:
    label: str
    unit: Unit | None
    tally: Tally


@dataclass
class Coverage:
    unit: Unit
    total: Tally
    rows: list[CoverageRow]
    issues: list[tuple[str, str, int]]  # (code, label, households)
    days: list[tuple[datetime.date, int, int, int]]  # (day, visits, met, cum. met)


def coverage(user: AnyUser, campaign: Campaign, unit: Unit, language: str) -> Coverage:
    """Coverage of `campaign` in `unit` as far as the user's scope goes: totals, one
    row per child unit (or per booth), issues and the days."""
    parts_filter = Q(part__booth__path__startswith=unit.path)
    tallies = _part_tallies(user, campaign, parts_filter)
    booths = {
        b.part_id: b
        for b in visible(
            user,
            Action.VIEW_ORGANISATION,
            Unit.objects.filter(part_id__in=list(tallies)),
        )
    }
    children = list(
        visible(user, Action.VIEW_ORGANISATION, Unit.objects.filter(parent=unit))
    )
    rows: dict[int, CoverageRow] = {
        c.pk: CoverageRow(c.display_name, c, Tally()) for c in children
    }
    total = Tally()
    for part_id, tally in tallies.items():
        total.add(tally)
        booth = booths.get(part_id)
        if booth is None:
            continue
        child = next((c for c in children if booth.path.startswith(c.path)), None)
        if child is not None:
            rows[child.pk].tally.add(tally)
    return Coverage(
        unit=unit,
        total=total,
        rows=sorted(rows.values(), key=lambda r: r.unit.path if r.unit else ""),
        issues=_issues(user, campaign, parts_filter, language),
        days=_days(user, campaign, parts_filter),
    )


def _issues(
    user: AnyUser, campaign: Campaign, parts_filter: Q, language: str
) -> list[tuple[str, str, int]]:
    latest = _latest_q(
        scoped(
            user,
            Answer.objects.filter(
                parts_filter, campaign=campaign, kind=Question.Kind.ISSUES
            ),
        )
    )
    counts: Counter[str] = Counter()
    for value in latest.values_list("value", flat=True):
        counts.update(value)
    labels = {}
    for question in Question.objects.filter(
        version__campaign=campaign, kind=Question.Kind.ISSUES
    ).order_by("version__number"):
        for choice in question.choices:
            labels[choice["code"]] = choice["hi" if language == "hi" else "en"]
    return [(code, labels.get(code, code), n) for code, n in counts.most_common()]


def _days(
    user: AnyUser, campaign: Campaign, parts_filter: Q
) -> list[tuple[datetime.date, int, int, int]]:
    visits = scoped(user, Visit.objects.filter(parts_filter, campaign=campaign))
    daily = {
        row["day"]: row
        for row in visits.annotate(day=TruncDate("at"))
        .order_by()
        .values("day")
        .annotate(n=Count("id"), met=Count("id", filter=Q(outcome=Visit.Outcome.MET)))
    }
    first_met: Counter[datetime.date] = Counter(
        timezone.localdate(first)
        for first in visits.filter(outcome=Visit.Outcome.MET)
        .order_by()
        .values("part_id", "serial_no")
        .annotate(first=Min("at"))
        .values_list("first", flat=True)
    )
    today = timezone.localdate()
    start = campaign.starts_on
    end = min(campaign.ends_on, today)
    if daily:
        start = min(start, *daily)
    days = []
    cumulative = 0
    day = start
    while day <= end:
        cumulative += first_met[day]
        row = daily.get(day)
        days.append((day, row["n"] if row else 0, row["met"] if row else 0, cumulative))
        day += datetime.timedelta(days=1)
    return days


def coverage_by_page(
    user: AnyUser, campaign: Campaign, part: Part
) -> list[tuple[int, int, int, Tally]]:
    """(page, first serial, last serial, tally) for each roll page of one part."""
    doors = walk_list(user, campaign, part)
    pages: dict[int, Tally] = defaultdict(Tally)
    for door in doors:
        t = pages[door.page]
        t.doors += 1
        t.electors += len(door.electors)
        t.visits += door.visits
        t.doors_visited += 1 if door.visits else 0
        reached = door.met > 0
        t.doors_met += 1 if reached else 0
        t.electors_reached += len(door.electors) if reached else 0
        t.open_followups += door.open_followups
        for elector in door.electors:
            level = elector.latest.get(Question.Kind.SUPPORT)
            if level is not None:
                t.support[str(level)] += 1
    return [
        (page, (page - 1) * ROLL_PAGE_SIZE + 1, page * ROLL_PAGE_SIZE, pages[page])
        for page in sorted(pages)
    ]


@dataclass
class WorkerRow:
    worker_id: int | None
    name: str
    visits: int
    met: int
    flagged: int
    last_at: datetime.datetime | None


def coverage_by_worker(
    user: AnyUser, campaign: Campaign, unit: Unit, limit: int = 50
) -> list[WorkerRow]:
    visits = scoped(
        user,
        Visit.objects.filter(
            campaign=campaign, part__booth__path__startswith=unit.path
        ),
    )
    rows = (
        visits.order_by()
        .values("worker_id", "worker__name")
        .annotate(
            n=Count("id"),
            met=Count("id", filter=Q(outcome=Visit.Outcome.MET)),
            flagged=Count("id", filter=_flag_q()),
            last=Max("at"),
        )
        .order_by("-n")[:limit]
    )
    return [
        WorkerRow(
            r["worker_id"],
            r["worker__name"] or "",
            r["n"],
            r["met"],
            r["flagged"],
            r["last"],
        )
        for r in rows
    ]


# Implausible activity ----------------------------------------------------------------


@dataclass
class Flagged:
    visit: Visit
    reasons: list[str]


def flagged_visits(
    user: AnyUser, campaign: Campaign, unit: Unit, limit: int = 50
) -> tuple[Counter[str], list[Flagged]]:
    """Visits that look implausible, newest first, with the counts per reason:
    "burst" (many visits within minutes), "far" (recorded far from the station),
    "pasted" (the same answers at several doors by one user)."""
    visits = scoped(
        user,
        Visit.objects.filter(
            campaign=campaign, part__booth__path__startswith=unit.path
        ),
    )
    pasted_groups = (
        visits.exclude(answers_key="")
        .order_by()
        .values("by_id", "answers_key")
        .annotate(n=Count("id"))
        .filter(n__gte=PASTE_MIN)
        .values_list("answers_key", flat=True)
    )
    pasted_keys = set(pasted_groups)
    pasted_q = Q(answers_key__in=pasted_keys) if pasted_keys else Q(pk__in=[])
    counts: Counter[str] = Counter(
        burst=visits.filter(flag_burst=True).count(),
        far=visits.filter(distance_m__gt=FAR_METRES).count(),
        pasted=visits.filter(pasted_q).count(),
    )
    rows = (
        visits.filter(_flag_q() | pasted_q)
        .select_related("worker", "by", "part")
        .order_by("-at", "-id")[:limit]
    )
    flagged = []
    for visit in rows:
        reasons = []
        if visit.flag_burst:
            reasons.append("burst")
        if visit.distance_m is not None and visit.distance_m > FAR_METRES:
            reasons.append("far")
        if visit.answers_key in pasted_keys:
            reasons.append("pasted")
        flagged.append(Flagged(visit, reasons))
    return counts, flagged


# Follow-ups --------------------------------------------------------------------------


def followups_visible(
    user: AnyUser, *, campaign: Campaign | None = None, status: str = ""
) -> QuerySet[FollowUp]:
    followups = scoped(user, FollowUp.objects.all()).select_related(
        "campaign", "part__ac", "escalated_to", "visit__worker"
    )
    if campaign is not None:
        followups = followups.filter(campaign=campaign)
    if status:
        followups = followups.filter(status=status)
    return followups.order_by("status", "due_on", "id")


def followup_access(user: AnyUser, followup_id: Any) -> FollowUp:
    queryset = FollowUp.objects.select_related("campaign", "part__ac", "visit")
    followup: FollowUp = _one(scoped(user, queryset), followup_id)
    return followup


def scope_units(user: AnyUser) -> list[Unit]:
    """The outermost units where the user may read electors: coverage starts here."""
    units = visible(user, VIEW, Unit.objects.all()).select_related("part")
    paths: list[Unit] = []
    for unit in units.order_by("depth", "path")[:500]:
        if not any(unit.path.startswith(u.path) for u in paths):
            paths.append(unit)
    return paths[:50]


def can_view(user: AnyUser) -> bool:
    return user_can(user, VIEW)


def visits_for_export(
    user: AnyUser, campaign: Campaign, unit: Unit
) -> QuerySet[Answer]:
    """Latest answers per elector in the unit (the CSV export), in roll order."""
    return (
        _latest_q(
            scoped(
                user,
                Answer.objects.filter(
                    campaign=campaign, part__booth__path__startswith=unit.path
                ),
            )
        )
        .select_related("part__ac", "voter", "visit__worker")
        .order_by("ac_id", "part_id", "serial_no", "kind")
    )
