"""The public contact programme: campaigns, surveys, assignments, visits, follow-ups.

Field records (`Visit`, `Answer`) are append-only: a second visit to a door is a new
visit, and a changed answer is a new answer; the latest is shown, the rest is history.
Each visit carries the client's `client_uuid` (unique), so an offline outbox replaying a
batch writes nothing twice. Every voter-scoped row carries `ac`, `part` and `serial_no`
(a visit's `serial_no` is the first serial of the door it was made at), so
accounts.access.voter_scope_q() scopes them all.

A "door" is a household of the roll, or a lone elector whose house number forms no
household; it is identified within a part by its first serial number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation.models import Person, Unit
from boothwise.rolls.models import Household, Voter


class Campaign(models.Model):
    """A programme of door-to-door visits over some units, for a period."""

    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("units"))
    talking_points_hi = models.TextField(_("talking points in Hindi"), blank=True)
    talking_points_en = models.TextField(_("talking points in English"), blank=True)
    followup_days = models.PositiveSmallIntegerField(
        _("days to close a grievance"), default=7
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaign_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SurveyVersion(models.Model):
    """One version of a campaign's survey. Changing a question makes a new version."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="survey_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} v{self.number}"


class Question(models.Model):
    """A question of one survey version. Its kind fixes what an answer may hold."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("Support level (1–5)")
        ISSUES = "issues", _("Issues raised")
        COME_BACK = "come_back", _("Come back later")
        ROLL_CORRECTION = "roll_correction", _("Roll correction")
        NEW_VOTER = "new_voter", _("New voter to register")

    version = models.ForeignKey(SurveyVersion, models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text_hi = models.CharField(_("question in Hindi"), max_length=300)
    text_en = models.CharField(_("question in English"), max_length=300)
    # ISSUES: the campaign's list, [{"code": "water", "hi": "पानी", "en": "Water"}].
    choices = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="question_kind")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.kind}"

    @property
    def per_elector(self) -> bool:
        """Asked of each elector; the others are asked once per household."""
        return self.kind in PER_ELECTOR_KINDS


PER_ELECTOR_KINDS = frozenset(
    {Question.Kind.SUPPORT, Question.Kind.COME_BACK, Question.Kind.ROLL_CORRECTION}
)


class Assignment(models.Model):
    """Work given to a worker: a page (serial range) of a part, or some households."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="assignments")
    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        Person, models.PROTECT, related_name="+", verbose_name=_("worker")
    )
    serial_from = models.PositiveIntegerField(_("from serial"), null=True, blank=True)
    serial_to = models.PositiveIntegerField(_("to serial"), null=True, blank=True)
    households = models.ManyToManyField(Household, related_name="+", blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["part", "serial_from", "id"]
        indexes = [
            models.Index(fields=["campaign", "part", "status"], name="assignment_part")
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.part_id} {self.serial_from}-{self.serial_to}"


class Visit(models.Model):
    """One knock on one door: who, when, where, and what happened. Append-only."""

    class Outcome(models.TextChoices):
        MET = "met", _("Met")
        NOT_HOME = "not_home", _("Not at home")
        REFUSED = "refused", _("Refused")
        COME_BACK = "come_back", _("Come back later")

    class Source(models.TextChoices):
        APP = "app", _("Phone")
        PAPER = "paper", _("Paper walk list")

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="visits")
    survey_version = models.ForeignKey(
        SurveyVersion, models.PROTECT, null=True, blank=True, related_name="+"
    )
    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    serial_no = models.PositiveIntegerField()
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    voter = models.ForeignKey(
        Voter, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    worker = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("recorded at"))
    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    # Metres from the polling station, when both locations are known.
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    # A digest of the answers without the electors' identity: pasted answers repeat it.
    answers_key = models.CharField(max_length=32, blank=True)
    # Derived, set by the sync when the same user recorded many visits in minutes.
    flag_burst = models.BooleanField(default=False)
    client_uuid = models.UUIDField(unique=True)
    device = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["campaign", "ac", "part", "serial_no"], name="visit_door"
            ),
            models.Index(fields=["by", "at"], name="visit_by_at"),
            models.Index(fields=["campaign", "at"], name="visit_campaign_at"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}/{self.serial_no} {self.outcome}"


class Answer(models.Model):
    """One answer to one question, for one elector (or the household). Append-only."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="answers")
    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers")
    kind = models.CharField(max_length=20, choices=Question.Kind.choices)
    voter = models.ForeignKey(
        Voter, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    # The elector's serial; for a household question, the door's first serial.
    serial_no = models.PositiveIntegerField()
    value = models.JSONField()
    # The value as text for counting: "1"…"5", "yes", "dead"; blank for lists.
    choice = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "question", "serial_no"], name="answer_once_per_visit"
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign", "kind", "ac", "part", "serial_no", "at"],
                name="answer_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_id}/{self.serial_no}"


class FollowUp(models.Model):
    """A grievance heard at a door: a task with a due date, escalated when overdue."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    visit = models.OneToOneField(Visit, models.CASCADE, related_name="followup")
    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="followups")
    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    serial_no = models.PositiveIntegerField()
    issue = models.CharField(_("issue"), max_length=40, blank=True)
    text = models.TextField(_("grievance"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    escalated_to = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    close_note = models.CharField(_("how it was resolved"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="followup_due")]

    def __str__(self) -> str:
        return f"{self.part_id}/{self.serial_no} {self.status}"
