"""The party's own organisation: units, cadre, posts, consent for contact details."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boothwise.geography.models import AssemblyConstituency, Part, State


class Unit(models.Model):
    """A node of the party tree: state → district/city → block → (mandal/sector) → booth.

    `path` is the materialised path of ids ("0000001.0000004.0000031."), so "everything
    under this unit" is one indexed `path__startswith` filter on SQLite and PostgreSQL.
    """

    class Level(models.TextChoices):
        STATE = "state", _("State")
        DISTRICT = "district", _("District")
        CITY = "city", _("City")
        BLOCK = "block", _("Block")
        MANDAL = "mandal", _("Mandal")
        SECTOR = "sector", _("Sector")
        BOOTH = "booth", _("Booth")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=200)
    name_hi = models.CharField(_("name in Hindi"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    state = models.ForeignKey(State, models.PROTECT, related_name="units")
    # A booth unit is the party's side of one polling station.
    part = models.OneToOneField(
        Part, models.PROTECT, null=True, blank=True, related_name="booth"
    )

    class Meta:
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="booth", part__isnull=False)
                | (~Q(level="booth") & Q(part__isnull=True)),
                name="unit_booth_has_part",
            ),
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_hi or self.name


class Person(models.Model):
    """A member of the cadre. Names as the person writes them, in both scripts."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="members", verbose_name=_("home unit")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    # Stored only together with the consent that allows it (DPDP Act 2023).
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    phone_consent = models.ForeignKey(
        "Consent", models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone_consent__isnull=False),
                name="person_phone_needs_consent",
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """A person's recorded consent to keep their contact details; append-only."""

    class Purpose(models.TextChoices):
        CONTACT = "contact", _("Contact by phone")

    person = models.ForeignKey(Person, models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.purpose} {self.notice_version}"


class PostType(models.TextChoices):
    STATE_PRESIDENT = "state_president", _("State president")
    DISTRICT_PRESIDENT = "district_president", _("District president")
    CITY_PRESIDENT = "city_president", _("City president")
    BLOCK_PRESIDENT = "block_president", _("Block president")
    MANDAL_PRESIDENT = "mandal_president", _("Mandal president")
    GENERAL_SECRETARY = "general_secretary", _("General secretary")
    SPOKESPERSON = "spokesperson", _("Spokesperson")
    FRONTAL_HEAD = "frontal_head", _("Frontal organisation head")
    CELL_HEAD = "cell_head", _("Cell head")
    TRAINER = "trainer", _("Trainer")
    MP = "mp", _("MP")
    MLA = "mla", _("MLA")
    AC_INCHARGE = "ac_incharge", _("AC in-charge")
    BOOTH_PRESIDENT = "booth_president", _("Booth president")
    BLA2 = "bla2", _("BLA-2")
    BOOTH_YOUTH = "booth_youth", _("Youth office-bearer")
    BOOTH_WOMAN = "booth_woman", _("Woman office-bearer")
    BOOTH_MEMBER = "booth_member", _("Booth committee member")
    POLLING_AGENT = "polling_agent", _("Polling agent")
    PAGE_INCHARGE = "page_incharge", _("Page in-charge")


class Post(models.Model):
    """A person holding a post, at one place, for a period. Ended, never deleted.

    The place is exactly one of: a party unit, an assembly constituency, or a
    serial-number range of one part (a page in-charge's page).
    """

    person = models.ForeignKey(Person, models.PROTECT, related_name="posts")
    post_type = models.CharField(_("post"), max_length=30, choices=PostType.choices)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="posts"
    )
    ac = models.ForeignKey(
        AssemblyConstituency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    part = models.ForeignKey(
        Part, models.PROTECT, null=True, blank=True, related_name="page_posts"
    )
    serial_from = models.PositiveIntegerField(_("from serial"), null=True, blank=True)
    serial_to = models.PositiveIntegerField(_("to serial"), null=True, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    relieved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["unit", "end_date"], name="post_unit_current")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, ac__isnull=True, part__isnull=True)
                    | Q(unit__isnull=True, ac__isnull=False, part__isnull=True)
                    | Q(
                        unit__isnull=True,
                        ac__isnull=True,
                        part__isnull=False,
                        serial_from__isnull=False,
                        serial_to__isnull=False,
                        serial_from__lte=models.F("serial_to"),
                    )
                ),
                name="post_held_at_one_place",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="post_ends_after_start",
            ),
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.get_post_type_display()}: {self.person}"

    def is_current(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date > on)
