"""Polling day: who has voted, and the presiding officer's turnout figures.

Nothing marks an elector as having voted except an explicit entry (`VotedMark`), made
by a named user from a named device; nothing is inferred. Marks are never edited or
deleted: a wrong mark is undone by a supervisor with a reason (`MarkUndo`), and the undo
is itself a record. Each mark carries the client's `client_uuid` (unique) so an offline
outbox replaying a batch writes nothing twice, and `ac`, `part`, `serial_no` so
accounts.access.voter_scope_q() scopes it.

Official turnout is entered twice (`TurnoutEntry`, append-only); a slot's figure is
accepted only when its two latest entries match, as in the Election Commission's app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.rolls.models import Voter


class VotedMark(models.Model):
    """One elector marked as having voted. Append-only."""

    class Source(models.TextChoices):
        DESK = "desk", _("Help desk")
        AGENT_COPY = "agent_copy", _("Agent's marked copy")
        PAGE_INCHARGE = "page_incharge", _("Page in-charge")

    # Polling day's hottest table carries no database foreign keys and no index per
    # key: each checked key locked its row (FOR KEY SHARE) at every commit, and every
    # mark of an AC locked the same AC and part rows, which with the four lone-column
    # indexes that the composite ones below make redundant was half the cost of
    # storing a batch (bench/votingday_marks.py). Marks are written by one statement
    # that takes the elector from the roll in the same request (services.marks_record);
    # electors, booths, ACs and users are never deleted while marks point at them
    # (PROTECT, which Django still checks on delete).
    voter = models.ForeignKey(
        Voter, models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    ac = models.ForeignKey(
        AssemblyConstituency,
        models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    part = models.ForeignKey(
        Part, models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    serial_no = models.PositiveIntegerField()
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    device = models.CharField(max_length=64, blank=True)
    # When the worker entered it on the device; `received_at` is when it arrived.
    entered_at = models.DateTimeField(_("entered at"))
    received_at = models.DateTimeField(auto_now_add=True)
    client_uuid = models.UUIDField(unique=True)
    # Derived: set in the same transaction as the MarkUndo row, never cleared.
    undone = models.BooleanField(default=False)

    class Meta:
        ordering = ["-entered_at", "-id"]
        # Every index is paid for by every mark. A booth's marks (a page in-charge's
        # serial range within them, too) are found from its part; an index on
        # (ac, part, serial) was dropped in migration 0004.
        indexes = [
            models.Index(fields=["part", "entered_at"], name="mark_part_time"),
            # The war room's reconciliation counts standing marks from this index alone.
            models.Index(
                fields=["part"], condition=Q(undone=False), name="mark_part_standing"
            ),
        ]
        constraints = [
            # At most one standing mark per elector; undone marks stay as history.
            models.UniqueConstraint(
                fields=["voter"], condition=Q(undone=False), name="mark_one_standing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_id}/{self.serial_no}"


class MarkUndo(models.Model):
    """A supervisor's undo of a mark, with the reason. Append-only."""

    mark = models.OneToOneField(VotedMark, models.PROTECT, related_name="undo")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"undo {self.mark_id}"


class TurnoutEntry(models.Model):
    """One entry of the presiding officer's turnout for a slot. Append-only."""

    class Slot(models.IntegerChoices):
        H9 = 9, _("9 am")
        H11 = 11, _("11 am")
        H13 = 13, _("1 pm")
        H15 = 15, _("3 pm")
        H17 = 17, _("5 pm")
        CLOSE = 24, _("Close of poll")

    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    slot = models.PositiveSmallIntegerField(_("time"), choices=Slot.choices)
    count = models.PositiveIntegerField(_("votes polled"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["part", "slot", "-at", "-id"]
        indexes = [models.Index(fields=["part", "slot"], name="turnout_part_slot")]

    def __str__(self) -> str:
        return f"{self.part_id} {self.slot}: {self.count}"


class Nudge(models.Model):
    """A page in-charge's note that a supporter was reminded, or is on the way to vote.

    Append-only; it never marks anyone as having voted.
    """

    class Kind(models.TextChoices):
        REMINDED = "reminded", _("Reminded")
        ON_THE_WAY = "on_the_way", _("On the way")

    voter = models.ForeignKey(Voter, models.PROTECT, related_name="+")
    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    serial_no = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["ac", "part", "serial_no"], name="nudge_elector")
        ]

    def __str__(self) -> str:
        return f"{self.part_id}/{self.serial_no} {self.kind}"


class Incident(models.Model):
    """A polling-day incident at a booth. It rises booth → block → AC war room with age
    until someone closes it; what was done is recorded in `IncidentAction` rows."""

    class Kind(models.TextChoices):
        EVM = "evm", _("EVM or VVPAT malfunction")
        SLOW = "slow", _("Slow polling")
        BOGUS = "bogus", _("Bogus voting")
        TURNED_AWAY = "turned_away", _("Voters turned away")
        VIOLENCE = "violence", _("Violence or intimidation")
        MCC = "mcc", _("Model Code violation")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        HIGH = 2, _("High")
        CRITICAL = 3, _("Critical")

    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.HIGH
    )
    note = models.TextField(_("note"), blank=True)
    # A file under DATA_DIR/incidents/, served only through the access check.
    photo = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    # Set with the closing action, in the same transaction.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["ac", "closed_at"], name="incident_ac_open")]

    def __str__(self) -> str:
        return f"{self.part_id} {self.kind}"


class IncidentAction(models.Model):
    """Something done about an incident. Append-only; the last one may close it."""

    incident = models.ForeignKey(Incident, models.PROTECT, related_name="actions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    note = models.TextField(_("what was done"))
    closes = models.BooleanField(_("close the incident"), default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at}"


class PollSupporter(models.Model):
    """An elector counted as a supporter for polling day (latest support answer 4–5).

    Derived from outreach answers by selectors-side `tally_count()`, so marking can tell
    a supporter's mark without reading answers; rebuilt whenever a booth is counted.
    """

    voter = models.OneToOneField(Voter, models.CASCADE, related_name="+")
    ac = models.ForeignKey(AssemblyConstituency, models.CASCADE, related_name="+")
    part = models.ForeignKey(Part, models.CASCADE, related_name="+")
    serial_no = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["part"], name="pollsupporter_part")]

    def __str__(self) -> str:
        return f"{self.part_id}/{self.serial_no} {self.level}"


class BoothTally(models.Model):
    """Running totals of one booth's polling day, for the war room.

    `marked`, `supporters_voted` and `last_mark_at` move in the same transaction as
    every mark and undo (services.marks_record, mark_undo); `electors` and `supporters`
    are counted from the roll and the outreach answers when the booth is counted
    (`counted_at`, services.tally_count), which also recounts the marks. The war room
    reads only these rows, and checks their sum against the raw marks.
    """

    part = models.OneToOneField(Part, models.CASCADE, related_name="+")
    ac = models.ForeignKey(AssemblyConstituency, models.CASCADE, related_name="+")
    electors = models.PositiveIntegerField(default=0)
    supporters = models.PositiveIntegerField(default=0)
    marked = models.IntegerField(default=0)
    supporters_voted = models.IntegerField(default=0)
    last_mark_at = models.DateTimeField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    # The booth's turnout at the last comparable election, in percent, where known.
    past_turnout = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        indexes = [models.Index(fields=["ac"], name="boothtally_ac")]

    def __str__(self) -> str:
        return f"{self.part_id}: {self.marked}/{self.electors}"
