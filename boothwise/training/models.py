"""Training workshops: the curriculum, workshops and their agenda, invitations by post,
attendance at the venue, directives given at a workshop, and the message outbox.

Attendance is append-only: a check-in is a new row, and so is its correction (a
"withdrawn" row); a person's attendance at a session is the latest row for the pair.
"Trained" is derived from attendance (selectors.trained_levels), never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from boothwise.organisation.models import Person, Post, Unit


class Level(models.TextChoices):
    """The level a workshop trains at; the cascade runs state → district/city → block."""

    STATE = "state", _("State")
    DISTRICT = "district", _("District / city")
    BLOCK = "block", _("Block")


# Which organising units hold a workshop of each level.
LEVEL_UNITS: dict[str, frozenset[str]] = {
    Level.STATE: frozenset({Unit.Level.STATE}),
    Level.DISTRICT: frozenset({Unit.Level.DISTRICT, Unit.Level.CITY}),
    Level.BLOCK: frozenset({Unit.Level.BLOCK, Unit.Level.MANDAL, Unit.Level.SECTOR}),
}
LEVEL_ORDER: dict[str, int] = {Level.STATE: 0, Level.DISTRICT: 1, Level.BLOCK: 2}

# Invitation codes: no 0/O or 1/I/L, since the code is read aloud and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class Topic(models.Model):
    """A subject of the party's curriculum, named in both languages (data, not UI)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name in English"), max_length=200)
    name_hi = models.CharField(_("name in Hindi"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        if (translation.get_language() or "").startswith("hi"):
            return self.name_hi or self.name
        return self.name or self.name_hi


class Curriculum(models.Model):
    """The topics a person must attend at workshops of one level to be trained for it."""

    level = models.CharField(_("level"), max_length=10, choices=Level, unique=True)
    required_topics = models.ManyToManyField(
        Topic, related_name="curricula", verbose_name=_("required topics")
    )

    class Meta:
        ordering = ["level"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def __str__(self) -> str:
        return str(self.get_level_display())


class Workshop(models.Model):
    """One workshop: who holds it, where, when; `parent` makes the cascade a tree."""

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level)
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="workshops",
        verbose_name=_("organising unit"),
    )
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=300)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("held on the lines of"),
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
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="workshop_unit_date")]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One slot of a workshop's agenda: a curriculum topic and who speaks on it."""

    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="sessions")
    topic = models.ForeignKey(
        Topic, models.PROTECT, related_name="sessions", verbose_name=_("topic")
    )
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
            ),
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.topic}"


class Invitation(models.Model):
    """A person invited to a workshop, with the post they were invited for and their
    answer. `code` is printed on the invitation (and in its QR code) for the desk."""

    class Source(models.TextChoices):
        BY_POST = "by_post", _("Invited by post")
        ADDED = "added", _("Added by the organiser")
        WALK_IN = "walk_in", _("Walk-in")

    class Rsvp(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        YES = "yes", _("Coming")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("Not coming")

    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="training_invitations"
    )
    # The post the person was invited for, as it was then; the post may end later.
    post = models.ForeignKey(
        Post, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.BY_POST)
    rsvp = models.CharField(
        _("answer"), max_length=10, choices=Rsvp, default=Rsvp.PENDING
    )
    rsvp_at = models.DateTimeField(null=True, blank=True)
    rsvp_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField(_("invitation code"), max_length=8, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"], name="invitation_one_per_person"
            ),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.code} {self.person}"


class Attendance(models.Model):
    """One check-in (or its withdrawal) at a session: who, by whom, when. Never edited.

    `client_uuid` comes from the form or device that made the tap, so a double tap or a
    replayed request adds nothing.
    """

    class Kind(models.TextChoices):
        PRESENT = "present", _("Present")
        WITHDRAWN = "withdrawn", _("Check-in withdrawn")

    session = models.ForeignKey(Session, models.PROTECT, related_name="attendance")
    person = models.ForeignKey(Person, models.PROTECT, related_name="attendance")
    invitation = models.ForeignKey(
        Invitation, models.PROTECT, related_name="attendance"
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PRESENT)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(
                fields=["session", "person"], name="attendance_session_person"
            ),
            models.Index(fields=["person"], name="attendance_person"),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} @ {self.session_id}"


class Directive(models.Model):
    """A task given at a workshop to a unit ("hold your own workshop before …")."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    workshop = models.ForeignKey(Workshop, models.PROTECT, related_name="directives")
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="training_directives",
        verbose_name=_("assigned to"),
    )
    text = models.CharField(_("directive"), max_length=500)
    due_date = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.OPEN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return self.text


class OutboxMessage(models.Model):
    """A message waiting to go to an invitee. No delivery channel exists yet: messages
    are queued, and an organiser marks them sent (e.g. after a phone call) or failed."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Reminder")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="outbox")
    invitation = models.ForeignKey(Invitation, models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=Kind)
    # Only a number held with a standing consent is copied here (DPDP Act 2023).
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED
    )
    error = models.CharField(_("problem"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workshop", "status"], name="outbox_workshop_status")
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.invitation_id}"
