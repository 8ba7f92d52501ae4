"""Writes of the public contact programme: campaigns, surveys, assignments, visits.

Callers check access first (accounts/access.py), as for every service; the sync
(`visits_sync`) checks each item itself, because one batch from a phone may touch many
doors and must answer item by item.

Field records are append-only. `visits_sync` is safe to replay: a `client_uuid` already
stored answers exactly as it did the first time and writes nothing, and the database's
unique constraints (visit uuid, one answer per visit, question and elector, one
follow-up per visit) keep a replay racing the original from writing twice.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.accounts.access import (
    AnyUser,
    current_posts_q,
    scope_for,
    visible,
)
from boothwise.accounts.models import User
from boothwise.accounts.permissions import RANK, Action, roles_for
from boothwise.core.audit import audit_record
from boothwise.geography.models import Part
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.outreach.models import (
    Answer,
    Assignment,
    Campaign,
    FollowUp,
    Question,
    SurveyVersion,
    Visit,
)
from boothwise.rolls.models import Household, Voter

RECORD = Action.RECORD_VISIT
# An ECI roll page holds 30 electors; a "page" of work is 30 serial numbers.
ROLL_PAGE_SIZE = 30
# Campaigns are created by leaders: mandal presidents and above.
CAMPAIGN_MIN_RANK = RANK[PostType.MANDAL_PRESIDENT]
# Phones' clocks drift; a visit from further in the future is taken as recorded now.
CLOCK_SLACK = datetime.timedelta(minutes=10)
# Many visits by one user within a few minutes are implausible door-to-door.
BURST_WINDOW = datetime.timedelta(minutes=5)
BURST_VISITS = 8
MAX_BATCH = 500
MAX_TEXT = 1000
AADHAAR_LIKE = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")
ROLL_CORRECTIONS = ("absent", "shifted", "dead")

# The standard survey: (kind, Hindi, English). Texts are content, kept per language.
DEFAULT_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (Question.Kind.SUPPORT, "समर्थन (1–5)", "Support (1–5)"),
    (Question.Kind.ISSUES, "परिवार ने कौन-से मुद्दे उठाए?", "Issues the household raised"),
    (Question.Kind.COME_BACK, "बाद में फिर मिलना है", "Come back later"),
    (Question.Kind.ROLL_CORRECTION, "सूची में सुधार", "Roll correction"),
    (
        Question.Kind.NEW_VOTER,
        "नए मतदाता जिनका नाम जुड़वाना है",
        "New voters to register",
    ),
)
DEFAULT_ISSUES: tuple[tuple[str, str, str], ...] = (
    ("water", "पानी", "Water"),
    ("roads", "सड़क", "Roads"),
    ("electricity", "बिजली", "Electricity"),
    ("jobs", "रोज़गार", "Jobs"),
    ("prices", "महँगाई", "Prices"),
    ("health", "स्वास्थ्य", "Health"),
    ("school", "स्कूल", "Schools"),
)


def text_check(text: str, *, label: str) -> str:
    """Free text, trimmed; refused when too long or holding an Aadhaar-like number."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("%(label)s is too long: at most %(n)d characters.")
            % {"label": label, "n": MAX_TEXT}
        )
    if AADHAAR_LIKE.search(text):
        raise ValidationError(
            _(
                "%(label)s looks like it holds an Aadhaar number. boothwise never "
                "stores Aadhaar numbers: remove it."
            )
            % {"label": label}
        )
    return text


def page_range(page: int) -> tuple[int, int]:
    """Serial numbers of roll page `page` (1-based)."""
    return (page - 1) * ROLL_PAGE_SIZE + 1, page * ROLL_PAGE_SIZE


def page_of(serial_no: int) -> int:
    return (serial_no - 1) // ROLL_PAGE_SIZE + 1


# Campaigns and surveys ---------------------------------------------------------------


@dataclass(frozen=True)
class IssueChoice:
    code: str
    hi: str
    en: str


def default_issues() -> list[IssueChoice]:
    return [IssueChoice(*row) for row in DEFAULT_ISSUES]


def campaign_units_allowed(by: AnyUser, units: Iterable[Unit]) -> bool:
    """Whether `by` may run a campaign over every one of `units`: a leader's post
    (mandal president or above) that grants manage_posts must cover each unit."""
    if isinstance(by, User) and by.is_superuser:
        return True
    units = list(units)
    leaders = [
        post
        for post in scope_for(by, Action.MANAGE_POSTS).posts
        if RANK[PostType(post.post_type)] >= CAMPAIGN_MIN_RANK
    ]
    for unit in units:
        covered = any(
            (post.unit is not None and unit.path.startswith(post.unit.path))
            or (
                post.ac_id is not None
                and unit.part is not None
                and unit.part.ac_id == post.ac_id
            )
            for post in leaders
        )
        if not covered:
            return False
    return bool(units)


@transaction.atomic
def campaign_create(
    *,
    by: User,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    units: Sequence[Unit],
    talking_points_hi: str = "",
    talking_points_en: str = "",
    issues: Sequence[IssueChoice] | None = None,
    followup_days: int = 7,
) -> Campaign:
    """Create a campaign with version 1 of the standard survey. Audited."""
    if not campaign_units_allowed(by, units):
        raise PermissionDenied(_("You cannot run a campaign over these units."))
    if ends_on < starts_on:
        raise ValidationError(_("The campaign cannot end before it starts."))
    if not name.strip():
        raise ValidationError(_("Give the campaign a name."))
    campaign = Campaign.objects.create(
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        talking_points_hi=talking_points_hi.strip(),
        talking_points_en=talking_points_en.strip(),
        followup_days=followup_days,
        created_by=by,
    )
    campaign.units.set(units)
    survey_version_create(
        by=by,
        campaign=campaign,
        issues=list(issues) if issues is not None else default_issues(),
    )
    audit_record(
        actor=by,
        verb="outreach.campaign.create",
        obj=campaign,
        scope_path=min((u.path for u in units), key=len),
        data={"name": campaign.name, "units": [u.pk for u in units]},
    )
    return campaign


@transaction.atomic
def survey_version_create(
    *,
    by: User,
    campaign: Campaign,
    issues: Sequence[IssueChoice],
    kinds: Sequence[str] | None = None,
    texts: dict[str, tuple[str, str]] | None = None,
) -> SurveyVersion:
    """A new version of the survey. Answers already given keep their own version."""
    kinds = (
        list(kinds) if kinds is not None else [k for k, _hi, _en in DEFAULT_QUESTIONS]
    )
    texts = texts or {}
    codes = [i.code for i in issues]
    if len(set(codes)) != len(codes) or not all(
        re.fullmatch(r"[a-z0-9_]{1,40}", c) for c in codes
    ):
        raise ValidationError(
            _("Issue codes must be unique: lower-case letters, digits and _.")
        )
    if Question.Kind.ISSUES in kinds and not issues:
        raise ValidationError(
            _("List at least one issue, or drop the issues question.")
        )
    last = campaign.versions.order_by("-number").first()
    version = SurveyVersion.objects.create(
        campaign=campaign, number=(last.number + 1) if last else 1, created_by=by
    )
    defaults = {kind: (hi, en) for kind, hi, en in DEFAULT_QUESTIONS}
    Question.objects.bulk_create(
        Question(
            version=version,
            kind=kind,
            text_hi=texts.get(kind, defaults[kind])[0],
            text_en=texts.get(kind, defaults[kind])[1],
            choices=[{"code": i.code, "hi": i.hi, "en": i.en} for i in issues]
            if kind == Question.Kind.ISSUES
            else [],
            order=order,
        )
        for order, kind in enumerate(kinds)
    )
    return version


def campaign_covers_part(campaign: Campaign, part: Part) -> bool:
    booth = Unit.objects.filter(part=part).only("path").first()
    if booth is None:
        return False
    return any(booth.path.startswith(u.path) for u in campaign.units.only("path"))


# Workers and assignments -------------------------------------------------------------


def worker_posts_q(part: Part) -> Q:
    """Current posts that let their holder visit doors of `part`."""
    return (
        current_posts_q()
        & Q(post_type__in=roles_for(RECORD))
        & (Q(unit__part=part) | Q(part=part))
    )


def workers_for_part(part: Part) -> list[Person]:
    """People who may be given work on `part`: its booth team and page in-charges."""
    person_ids = Post.objects.filter(worker_posts_q(part)).values("person_id")
    return list(Person.objects.filter(id__in=person_ids).order_by("name"))


def worker_covers(person: Person, part: Part, serials: Iterable[int]) -> bool:
    """Whether `person`'s posts let them visit all of `serials` of `part`."""
    posts = list(Post.objects.filter(worker_posts_q(part), person=person))
    if any(p.unit_id is not None for p in posts):
        return True  # the booth team covers the whole part
    return all(
        any((p.serial_from or 0) <= s <= (p.serial_to or 0) for p in posts)
        for s in serials
    )


def _overlapping(
    campaign: Campaign, part: Part, serial_from: int, serial_to: int
) -> Assignment | None:
    return (
        Assignment.objects.filter(
            campaign=campaign,
            part=part,
            status=Assignment.Status.ACTIVE,
            serial_from__lte=serial_to,
            serial_to__gte=serial_from,
        )
        .select_related("worker")
        .first()
    )


@transaction.atomic
def assignment_create(
    *,
    by: User,
    campaign: Campaign,
    part: Part,
    worker: Person,
    serial_from: int | None = None,
    serial_to: int | None = None,
    households: Sequence[Household] = (),
) -> Assignment:
    """Give `worker` a serial range of `part`, or some of its households. Audited.

    The caller has checked that `by` may manage posts at the booth.
    """
    if not campaign_covers_part(campaign, part):
        raise ValidationError(_("This campaign does not cover this booth."))
    if (serial_from is None) == (not households):
        raise ValidationError(_("Give either a serial range or some households."))
    if serial_from is not None:
        if serial_to is None or serial_to < serial_from:
            raise ValidationError(_("The serial range is not in order."))
        serials: list[int] = [serial_from, serial_to]
        clash = _overlapping(campaign, part, serial_from, serial_to)
        if clash is not None:
            raise ValidationError(
                _("Serials %(a)d–%(b)d are already with %(name)s.")
                % {"a": clash.serial_from, "b": clash.serial_to, "name": clash.worker}
            )
    else:
        if any(h.part_id != part.pk for h in households):
            raise ValidationError(_("These households are not all of this booth."))
        serials = list(
            Voter.objects.filter(household__in=households).values_list(
                "serial_no", flat=True
            )
        )
    if not worker_covers(worker, part, serials):
        raise ValidationError(
            _("%(name)s holds no post that covers this work at this booth.")
            % {"name": worker}
        )
    assignment = Assignment.objects.create(
        campaign=campaign,
        ac_id=part.ac_id,
        part=part,
        worker=worker,
        serial_from=serial_from,
        serial_to=serial_to,
        created_by=by,
        decided_by=by,
        decided_at=timezone.now(),
    )
    if households:
        assignment.households.set(households)
    _audit_assignment(by, assignment, "outreach.assignment.create")
    return assignment


def _audit_assignment(by: User, assignment: Assignment, verb: str) -> None:
    audit_record(
        actor=by,
        verb=verb,
        obj=assignment,
        ac_id=assignment.ac_id,
        part_id=assignment.part_id,
        data={
            "campaign": assignment.campaign_id,
            "worker": assignment.worker_id,
            "serials": [assignment.serial_from, assignment.serial_to],
            "status": assignment.status,
        },
    )


@transaction.atomic
def assignment_request(
    *, by: User, campaign: Campaign, part: Part, page: int
) -> Assignment:
    """A worker asks for an unassigned page of their booth; the booth decides."""
    person = Person.objects.filter(user=by).first()
    if person is None:
        raise ValidationError(_("Your login is not linked to a party member."))
    serial_from, serial_to = page_range(page)
    if not campaign_covers_part(campaign, part):
        raise ValidationError(_("This campaign does not cover this booth."))
    if not worker_covers(person, part, [serial_from, serial_to]):
        raise ValidationError(_("Your posts do not cover this page."))
    if _overlapping(campaign, part, serial_from, serial_to) is not None:
        raise ValidationError(_("This page is already assigned."))
    if Assignment.objects.filter(
        campaign=campaign,
        part=part,
        worker=person,
        serial_from=serial_from,
        status=Assignment.Status.REQUESTED,
    ).exists():
        raise ValidationError(_("You have already asked for this page."))
    assignment = Assignment.objects.create(
        campaign=campaign,
        ac_id=part.ac_id,
        part=part,
        worker=person,
        serial_from=serial_from,
        serial_to=serial_to,
        status=Assignment.Status.REQUESTED,
        created_by=by,
    )
    _audit_assignment(by, assignment, "outreach.assignment.request")
    return assignment


@transaction.atomic
def assignment_decide(*, by: User, assignment: Assignment, approve: bool) -> Assignment:
    """Approve or decline a request; end an active assignment with approve=False."""
    status = assignment.status
    if approve:
        if status != Assignment.Status.REQUESTED:
            raise ValidationError(_("Only a request can be approved."))
        assert assignment.serial_from is not None and assignment.serial_to is not None
        clash = _overlapping(
            assignment.campaign,
            assignment.part,
            assignment.serial_from,
            assignment.serial_to,
        )
        if clash is not None:
            raise ValidationError(_("This page is already assigned."))
        assignment.status = Assignment.Status.ACTIVE
    elif status == Assignment.Status.REQUESTED:
        assignment.status = Assignment.Status.DECLINED
    elif status == Assignment.Status.ACTIVE:
        assignment.status = Assignment.Status.ENDED
    else:
        raise ValidationError(_("This assignment is already closed."))
    assignment.decided_by = by
    assignment.decided_at = timezone.now()
    assignment.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_assignment(by, assignment, f"outreach.assignment.{assignment.status}")
    return assignment


# Visits ------------------------------------------------------------------------------


@dataclass
class AnswerIn:
    serial_no: int
    kind: str
    value: Any


@dataclass
class VisitIn:
    """One outbox item, as the phone (or the paper-entry form) sends it."""

    client_uuid: uuid.UUID
    campaign_id: int
    part_id: int
    serial_no: int
    outcome: str
    at: datetime.datetime
    survey_version_id: int | None = None
    answers: list[AnswerIn] = field(default_factory=list)
    notes: str = ""
    grievance: str = ""
    grievance_issue: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    device: str = ""
    worker_id: int | None = None


@dataclass
class ItemResult:
    client_uuid: uuid.UUID
    status: str  # "accepted" or "rejected"
    visit_id: int | None = None
    error: str = ""


@dataclass
class SyncResult:
    results: list[ItemResult]
    created: int


@dataclass
class _Door:
    part: Part
    serial_no: int
    household_id: int | None
    voter_id: int | None
    electors: dict[int, int]  # serial → voter id


class _Reject(Exception):
    pass


class _Batch:
    """Everything one batch needs from the database, loaded in a few queries."""

    def __init__(self, user: User, items: Sequence[VisitIn]) -> None:
        self.user = user
        self.campaigns = {
            c.pk: c
            for c in Campaign.objects.filter(
                pk__in={i.campaign_id for i in items}
            ).prefetch_related("units")
        }
        self.versions: dict[int, SurveyVersion] = {}
        self.current: dict[int, SurveyVersion] = {}
        for version in SurveyVersion.objects.filter(
            campaign__in=self.campaigns
        ).prefetch_related("questions"):
            self.versions[version.pk] = version
            now = self.current.get(version.campaign_id)
            if now is None or version.number > now.number:
                self.current[version.campaign_id] = version
        self.parts = Part.objects.select_related("booth").in_bulk(
            {i.part_id for i in items}
        )
        self.doors = self._doors(items)

    def _doors(self, items: Sequence[VisitIn]) -> dict[tuple[int, int], _Door]:
        """The doors named in the batch, with the electors the user may visit."""
        wanted: dict[int, set[int]] = defaultdict(set)
        for item in items:
            wanted[item.part_id].add(item.serial_no)
        condition = Q(pk__in=[])
        for part_id, serials in wanted.items():
            condition |= Q(part_id=part_id, serial_no__in=serials)
        scoped = visible(
            self.user,
            RECORD,
            Voter.objects.filter(status=Voter.Status.ON_ROLL),
        )
        heads = list(
            scoped.filter(condition).values(
                "id", "part_id", "serial_no", "household_id"
            )
        )
        household_ids = {h["household_id"] for h in heads if h["household_id"]}
        members: dict[int, dict[int, int]] = defaultdict(dict)
        household_members = scoped.filter(
            part_id__in=list(wanted), household_id__in=household_ids
        )
        for row in household_members.values("id", "serial_no", "household_id"):
            members[row["household_id"]][row["serial_no"]] = row["id"]
        doors = {}
        for head in heads:
            part = self.parts.get(head["part_id"])
            if part is None:
                continue
            household_id = head["household_id"]
            electors = (
                members[household_id]
                if household_id
                else {head["serial_no"]: head["id"]}
            )
            if household_id and min(electors) != head["serial_no"]:
                continue  # not the first serial of its household: not a door
            doors[(part.pk, head["serial_no"])] = _Door(
                part=part,
                serial_no=head["serial_no"],
                household_id=household_id,
                voter_id=None if household_id else head["id"],
                electors=electors,
            )
        return doors

    def covers(self, campaign: Campaign, part: Part) -> bool:
        try:
            path = part.booth.path
        except Unit.DoesNotExist:
            return False
        return any(path.startswith(u.path) for u in campaign.units.all())


def _distance_m(part: Part, lat: Decimal, lon: Decimal) -> int | None:
    """Great-circle distance from the polling station, in metres."""
    if part.latitude is None or part.longitude is None:
        return None
    p1, p2 = math.radians(float(part.latitude)), math.radians(float(lat))
    dp = p2 - p1
    dl = math.radians(float(lon) - float(part.longitude))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(6_371_000 * 2 * math.asin(math.sqrt(a)))


def _answer_value(question: Question, value: Any) -> tuple[Any, str] | None:
    """The stored value and its counting text; None for "nothing to store"."""
    kind = question.kind
    if kind == Question.Kind.SUPPORT:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise _Reject(_("Support must be a whole number from 1 to 5."))
        return value, str(value)
    if kind == Question.Kind.ISSUES:
        codes = {c["code"] for c in question.choices}
        if not isinstance(value, list) or not all(v in codes for v in value):
            raise _Reject(_("An issue is not on this campaign's list."))
        return (sorted(set(value)), "") if value else None
    if kind == Question.Kind.COME_BACK:
        if not isinstance(value, bool):
            raise _Reject(_("“Come back later” is yes or no."))
        return (True, "yes") if value else None
    if kind == Question.Kind.ROLL_CORRECTION:
        if value not in ROLL_CORRECTIONS:
            raise _Reject(_("A roll correction is absent, shifted or dead."))
        return value, str(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 20:
        raise _Reject(_("New voters to register is a number from 0 to 20."))
    return (value, str(value)) if value else None


class _Prepared:
    def __init__(self, visit: Visit, answers: list[Answer], followup: FollowUp | None):
        self.visit = visit
        self.answers = answers
        self.followup = followup


def _prepare(
    batch: _Batch, item: VisitIn, worker: Person | None, now: datetime.datetime
) -> _Prepared:
    """Check one item and build its rows, or raise _Reject with the reason."""
    not_found = _("Not found.")
    campaign = batch.campaigns.get(item.campaign_id)
    door = batch.doors.get((item.part_id, item.serial_no))
    if campaign is None or door is None or not batch.covers(campaign, door.part):
        raise _Reject(not_found)
    if item.outcome not in Visit.Outcome.values:
        raise _Reject(_("Unknown outcome %(o)s.") % {"o": item.outcome})
    at = item.at if timezone.is_aware(item.at) else timezone.make_aware(item.at)
    if at > now + CLOCK_SLACK:
        at = now  # a phone clock running ahead of the server's
    if not campaign.starts_on <= timezone.localdate(at) <= campaign.ends_on:
        raise _Reject(_("The campaign was not running on that day."))
    version = batch.versions.get(item.survey_version_id or 0)
    if version is None or version.campaign_id != campaign.pk:
        version = batch.current[campaign.pk]
    try:
        notes = text_check(item.notes, label=_("The note"))
        grievance = text_check(item.grievance, label=_("The grievance"))
    except ValidationError as error:
        raise _Reject(" ".join(error.messages)) from error
    distance = None
    if item.latitude is not None and item.longitude is not None:
        if not (-90 <= item.latitude <= 90 and -180 <= item.longitude <= 180):
            raise _Reject(_("The location is not valid."))
        distance = _distance_m(door.part, item.latitude, item.longitude)
    visit = Visit(
        campaign=campaign,
        survey_version=version,
        ac_id=door.part.ac_id,
        part=door.part,
        serial_no=door.serial_no,
        household_id=door.household_id,
        voter_id=door.voter_id,
        outcome=item.outcome,
        notes=notes,
        worker=worker,
        by=batch.user,
        at=at,
        source=Visit.Source.APP if item.worker_id is None else Visit.Source.PAPER,
        latitude=item.latitude if item.longitude is not None else None,
        longitude=item.longitude if item.latitude is not None else None,
        distance_m=distance,
        client_uuid=item.client_uuid,
        device=item.device[:64],
    )
    answers = _answers(campaign, version, door, item, at)
    visit.answers_key = _answers_key(door, answers, notes)
    followup = None
    if grievance:
        issues = {c["code"] for q in version.questions.all() for c in q.choices}
        if item.grievance_issue and item.grievance_issue not in issues:
            raise _Reject(_("An issue is not on this campaign's list."))
        followup = FollowUp(
            campaign=campaign,
            ac_id=door.part.ac_id,
            part=door.part,
            serial_no=door.serial_no,
            issue=item.grievance_issue,
            text=grievance,
            due_on=timezone.localdate(at)
            + datetime.timedelta(days=campaign.followup_days),
        )
    return _Prepared(visit, answers, followup)


def _answers(
    campaign: Campaign,
    version: SurveyVersion,
    door: _Door,
    item: VisitIn,
    at: datetime.datetime,
) -> list[Answer]:
    questions = {q.kind: q for q in version.questions.all()}
    answers: dict[tuple[int, int], Answer] = {}
    for given in item.answers:
        question = questions.get(given.kind)
        if question is None:
            raise _Reject(_("The survey has no question %(k)s.") % {"k": given.kind})
        if question.per_elector:
            voter_id: int | None = door.electors.get(given.serial_no)
            if voter_id is None:
                raise _Reject(_("Not found."))
        elif given.serial_no != door.serial_no:
            raise _Reject(_("A household question is answered once, for the door."))
        else:
            voter_id = None
        stored = _answer_value(question, given.value)
        if stored is None:
            continue
        answers[(question.pk, given.serial_no)] = Answer(
            campaign=campaign,
            question=question,
            kind=question.kind,
            voter_id=voter_id,
            ac_id=door.part.ac_id,
            part=door.part,
            serial_no=given.serial_no,
            value=stored[0],
            choice=stored[1],
            at=at,
        )
    return list(answers.values())


def _answers_key(door: _Door, answers: list[Answer], notes: str) -> str:
    """The answers as the same-looking door would give them: electors by position."""
    if not answers and not notes:
        return ""
    position = {serial: i for i, serial in enumerate(sorted(door.electors))}
    shape = sorted(
        (a.kind, position.get(a.serial_no, -1), json.dumps(a.value)) for a in answers
    )
    digest = hashlib.blake2b(
        json.dumps([len(door.electors), shape, notes.lower()]).encode(), digest_size=16
    )
    return digest.hexdigest()


def visits_sync(
    *, by: User, items: Sequence[VisitIn], source_worker: Person | None = None
) -> SyncResult:
    """Store a batch of visits from one device; answer item by item, in order.

    A visit is accepted only at a door whose electors `by` may visit (RECORD_VISIT),
    in a running campaign that covers the booth. Replays answer as before and write
    nothing. `source_worker` is the worker a paper entry is recorded for (the
    items then carry `worker_id`); otherwise the worker is `by`'s own person.
    """
    if len(items) > MAX_BATCH:
        raise ValidationError(
            _("Send at most %(n)d visits at a time.") % {"n": MAX_BATCH}
        )
    now = timezone.now()
    existing = _existing(by, list({i.client_uuid for i in items}))
    unique: dict[uuid.UUID, VisitIn] = {}
    for item in items:
        if item.client_uuid not in existing:
            unique.setdefault(item.client_uuid, item)  # the first of a repeated uuid
    fresh = list(unique.values())
    own = source_worker or Person.objects.filter(user=by).first()
    prepared: dict[uuid.UUID, _Prepared] = {}
    rejected: dict[uuid.UUID, str] = {}
    if fresh:
        batch = _Batch(by, fresh)
        for item in fresh:
            try:
                prepared[item.client_uuid] = _prepare(batch, item, own, now)
            except _Reject as error:
                rejected[item.client_uuid] = str(error)
    created = _write(by, list(prepared.values())) if prepared else {}
    existing.update(created)
    results = []
    for item in items:
        key = item.client_uuid
        if key in existing and existing[key] is not None:
            results.append(ItemResult(key, "accepted", existing[key]))
        else:
            reason = rejected.get(key) or _("Not found.")
            results.append(ItemResult(key, "rejected", None, reason))
    return SyncResult(results=results, created=len([k for k in created if created[k]]))


def _existing(by: User, uuids: list[uuid.UUID]) -> dict[uuid.UUID, int | None]:
    """Stored visits among `uuids`: their id when `by` may see them, else None."""
    rows = list(
        Visit.objects.filter(client_uuid__in=uuids).values_list("client_uuid", "id")
    )
    if not rows:
        return {}
    mine = set(
        visible(by, RECORD, Visit.objects.filter(id__in=[r[1] for r in rows]))
        .filter(by=by)
        .values_list("id", flat=True)
    )
    return {u: (pk if pk in mine else None) for u, pk in rows}


@transaction.atomic
def _write(by: User, prepared: list[_Prepared]) -> dict[uuid.UUID, int | None]:
    """Insert the visits, then their answers and follow-ups; conflicts are skipped."""
    Visit.objects.bulk_create([p.visit for p in prepared], ignore_conflicts=True)
    ids = dict(
        Visit.objects.filter(
            client_uuid__in=[p.visit.client_uuid for p in prepared], by=by
        ).values_list("client_uuid", "id")
    )
    answers = []
    followups = []
    for p in prepared:
        visit_id = ids.get(p.visit.client_uuid)
        if visit_id is None:
            continue  # the same uuid arrived from another user at the same moment
        for answer in p.answers:
            answer.visit_id = visit_id
            answers.append(answer)
        if p.followup is not None:
            p.followup.visit_id = visit_id
            followups.append(p.followup)
    Answer.objects.bulk_create(answers, ignore_conflicts=True, batch_size=1000)
    FollowUp.objects.bulk_create(followups, ignore_conflicts=True)
    _flag_bursts(by, [p.visit.at for p in prepared])
    return {p.visit.client_uuid: ids.get(p.visit.client_uuid) for p in prepared}


def _flag_bursts(by: User, times: list[datetime.datetime]) -> None:
    """Flag `by`'s visits that fall in any BURST_WINDOW holding BURST_VISITS or more."""
    if not times:
        return
    rows = list(
        Visit.objects.filter(
            by=by,
            at__gte=min(times) - BURST_WINDOW,
            at__lte=max(times) + BURST_WINDOW,
        )
        .order_by("at", "id")
        .values_list("id", "at", "flag_burst")
    )
    flagged: set[int] = set()
    start = 0
    for end in range(len(rows)):
        while rows[end][1] - rows[start][1] > BURST_WINDOW:
            start += 1
        if end - start + 1 >= BURST_VISITS:
            flagged.update(r[0] for r in rows[start : end + 1] if not r[2])
    if flagged:
        Visit.objects.filter(id__in=flagged).update(flag_burst=True)


# Follow-ups --------------------------------------------------------------------------


def block_of_parts(part_ids: Iterable[int]) -> dict[int, Unit]:
    """The unit a follow-up escalates to, per part: the block above its booth (or
    the booth's parent where no block sits above it)."""
    booths = list(Unit.objects.filter(part_id__in=set(part_ids)).only("path", "part"))
    ancestor_ids = {int(i) for b in booths for i in b.path.split(".") if i}
    ancestors = Unit.objects.filter(id__in=ancestor_ids).in_bulk()
    result = {}
    for booth in booths:
        chain = [ancestors[int(i)] for i in booth.path.split(".") if i]
        blocks = [u for u in chain if u.level == Unit.Level.BLOCK]
        target = blocks[-1] if blocks else (chain[-2] if len(chain) > 1 else chain[-1])
        assert booth.part_id is not None
        result[booth.part_id] = target
    return result


def followups_escalate(
    *, today: datetime.date | None = None, scope: Q | None = None
) -> int:
    """Escalate open follow-ups past their due date to the block. Returns how many.

    Idempotent: a follow-up is escalated once. `scope` narrows the rows (a page
    escalates what its viewer sees); the command escalates everything.
    """
    today = today or timezone.localdate()
    overdue = FollowUp.objects.filter(
        status=FollowUp.Status.OPEN, due_on__lt=today, escalated_at__isnull=True
    )
    if scope is not None:
        overdue = overdue.filter(scope)
    rows = list(overdue.only("id", "part_id", "ac_id", "due_on")[:5000])
    if not rows:
        return 0
    targets = block_of_parts(r.part_id for r in rows)
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for row in rows:
            target = targets.get(row.part_id)
            updated = FollowUp.objects.filter(
                pk=row.pk, escalated_at__isnull=True, status=FollowUp.Status.OPEN
            ).update(escalated_to=target, escalated_at=now)
            if not updated:
                continue
            count += 1
            audit_record(
                actor=None,
                verb="outreach.followup.escalate",
                obj=row,
                scope_path=target.path if target else "",
                ac_id=row.ac_id,
                part_id=row.part_id,
                reason=_("Not closed by %(due)s.") % {"due": row.due_on.isoformat()},
                data={"to": target.pk if target else None},
            )
    return count


@transaction.atomic
def followup_close(*, by: User, followup: FollowUp, note: str) -> FollowUp:
    """Close a follow-up with how it was resolved. Audited."""
    if followup.status == FollowUp.Status.CLOSED:
        raise ValidationError(_("This follow-up is already closed."))
    note = text_check(note, label=_("The note"))
    if not note:
        raise ValidationError(_("Say how the grievance was resolved."))
    followup.status = FollowUp.Status.CLOSED
    followup.closed_at = timezone.now()
    followup.closed_by = by
    followup.close_note = note[:500]
    followup.save(update_fields=["status", "closed_at", "closed_by", "close_note"])
    audit_record(
        actor=by,
        verb="outreach.followup.close",
        obj=followup,
        ac_id=followup.ac_id,
        part_id=followup.part_id,
        reason=followup.close_note,
    )
    return followup


def export_audit(
    *, by: AnyUser, what: str, campaign: Campaign, rows: int, place: Any
) -> None:
    """Every export of personal data leaves an audit event (who, what, where, rows)."""
    ac_id = getattr(place, "ac_id", None)
    part_id = place.pk if isinstance(place, Part) else None
    scope_path = place.path if isinstance(place, Unit) else ""
    audit_record(
        actor=by,
        verb=f"outreach.export.{what}",
        obj=campaign,
        scope_path=scope_path,
        ac_id=ac_id,
        part_id=part_id,
        data={"rows": rows, "place": str(place)},
    )


def door_serials(household_ids: Iterable[int]) -> dict[int, int]:
    """The first serial of each household: its door number in the walk list."""
    return dict(
        Voter.objects.filter(household_id__in=set(household_ids))
        .values_list("household_id")
        .annotate(first=Min("serial_no"))
        .values_list("household_id", "first")
    )
