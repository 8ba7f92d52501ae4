"""Electoral rolls: electors, households, imports, revisions and verification.

Every row here carries `ac` (the partition and distribution key) and `part`, and rows
about one elector carry `serial_no`, so accounts.access.voter_scope_q() scopes them all.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from boothwise.geography.models import AssemblyConstituency, Part

# Ages outside this range are OCR noise on real rolls: stored as unknown.
AGE_MIN, AGE_MAX = 18, 120


class RollImport(models.Model):
    """One import of one roll file; its counters are the progress and the report."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ac = models.ForeignKey(
        AssemblyConstituency, models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    checksum = models.CharField(max_length=64, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    # The last data line whose batch is committed: a resumed import starts after it.
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    parts_created = models.JSONField(default=list, blank=True)
    # Counts of rows kept with a warning (repeated_epics, missing_epics, ages_dropped);
    # worded in the reader's language by warning_text(). `message` is for failures.
    warnings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    def warning_text(self) -> str:
        """The warnings as sentences in the active language ("" when none)."""
        w = self.warnings or {}
        notes = []
        if n := w.get("repeated_epics", 0):
            notes.append(
                ngettext(
                    "%(n)d row repeats the EPIC number of an earlier row (kept).",
                    "%(n)d rows repeat the EPIC number of an earlier row (kept).",
                    n,
                )
                % {"n": n}
            )
        if n := w.get("missing_epics", 0):
            notes.append(
                ngettext(
                    "%(n)d row has no EPIC number (kept).",
                    "%(n)d rows have no EPIC number (kept).",
                    n,
                )
                % {"n": n}
            )
        if n := w.get("ages_dropped", 0):
            notes.append(
                ngettext(
                    "%(n)d age outside %(low)d–%(high)d was stored as unknown.",
                    "%(n)d ages outside %(low)d–%(high)d were stored as unknown.",
                    n,
                )
                % {"n": n, "low": AGE_MIN, "high": AGE_MAX}
            )
        return " ".join(notes)


class RejectedRow(models.Model):
    """A quarantined line of an import, with the reason it was not used."""

    roll_import = models.ForeignKey(
        RollImport, models.CASCADE, related_name="rejected_rows"
    )
    line = models.PositiveIntegerField(_("line"))
    reason = models.CharField(_("reason"), max_length=300)
    raw = models.JSONField(default=dict)

    class Meta:
        ordering = ["roll_import", "line"]

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


class Household(models.Model):
    """Electors at one house number in one section of a part."""

    # No database foreign-key checks, as for electors: a roll import writes households
    # by the lakh with part and AC ids it has just read, and the checks cost a trigger
    # call per row; Django's PROTECT still guards deletes.
    ac = models.ForeignKey(
        AssemblyConstituency,
        models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    part = models.ForeignKey(
        Part,
        models.PROTECT,
        related_name="households",
        db_index=False,
        db_constraint=False,
    )
    section_no = models.PositiveSmallIntegerField(null=True, blank=True)
    house_no = models.CharField(_("house number"), max_length=60)
    house_key = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["part", "section_no", "house_key"], name="household_part_house"
            )
        ]

    def __str__(self) -> str:
        return self.house_no


class Voter(models.Model):
    """One elector of the roll, as printed. Names are data: never translated."""

    class Relation(models.TextChoices):
        FATHER = "F", _("Father")
        MOTHER = "M", _("Mother")
        HUSBAND = "H", _("Husband")
        WIFE = "W", _("Wife")
        OTHER = "O", _("Other")

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")
        THIRD = "T", _("Third gender")

    class Status(models.TextChoices):
        ON_ROLL = "on_roll", _("On the roll")
        DELETED = "deleted", _("Deleted from the roll")

    # Indexes are few on purpose (a state is 5 crore rows): (part, serial) and
    # (ac, house) lead with the columns the FK indexes would cover, and the EPIC
    # pattern index (migration 0002) also serves equality. The foreign keys of an
    # elector carry no database constraint: the importer, the only writer, sets them
    # from rows it has just read or created, and checking four of them per elector at
    # every commit cost a third of an import (on_delete still applies in Django).
    ac = models.ForeignKey(
        AssemblyConstituency,
        models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    part = models.ForeignKey(
        Part, models.PROTECT, related_name="voters", db_index=False, db_constraint=False
    )
    section_no = models.PositiveSmallIntegerField(_("section"), null=True, blank=True)
    serial_no = models.PositiveIntegerField(_("serial number"))
    epic_no = models.CharField(_("EPIC number"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("name in Latin letters"), max_length=150, blank=True)
    relation_type = models.CharField(max_length=1, choices=Relation.choices, blank=True)
    relative_name = models.CharField(_("relative"), max_length=150, blank=True)
    relative_name_en = models.CharField(max_length=150, blank=True)
    house_no = models.CharField(_("house number"), max_length=60, blank=True)
    household = models.ForeignKey(
        Household,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="voters",
        db_index=False,
        db_constraint=False,
    )
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True
    )
    name_key = models.CharField(max_length=150, blank=True)
    relative_key = models.CharField(max_length=150, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ON_ROLL
    )
    last_import = models.ForeignKey(
        RollImport,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["ac", "part", "serial_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["part", "serial_no"], name="voter_part_serial"
            )
        ]
        indexes = [
            models.Index(fields=["ac", "house_no"], name="rolls_voter_ac_house"),
            # On PostgreSQL it serves EPIC prefixes (LIKE 'ABC12%') and equality.
            models.Index(
                fields=["epic_no"],
                name="rolls_voter_epic_pattern",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial_no} {self.name}"


class NameWord(models.Model):
    """One distinct phonetic word key: the vocabulary that name search matches first."""

    key = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.key


class VoterWord(models.Model):
    """Which word keys occur in an elector's name (or relative's name).

    Derived data, rebuilt from the names by the importer (or
    ``search.voter_words_index``), about five rows per elector, and loaded by the
    crore: so on PostgreSQL it has one B-tree, the primary key (word, AC, elector,
    relation), which stage two of search reads without touching the table, and a BRIN
    index on the elector (an elector's words, for the few electors a revision changes;
    an import appends them in elector order, so the BRIN stays sharp and costs next to
    nothing to keep up). SQLite keeps the older pair of B-trees (rolls migration 0008).
    No database foreign-key checks (the importer writes ids it has just read).
    """

    pk = models.CompositePrimaryKey("word_id", "ac_id", "voter_id", "of_relative")
    voter = models.ForeignKey(
        Voter, models.CASCADE, related_name="words", db_constraint=False, db_index=False
    )
    word = models.ForeignKey(
        NameWord, models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    ac = models.ForeignKey(
        AssemblyConstituency,
        models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    of_relative = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.voter_id}:{self.word_id}"


class RollChange(models.Model):
    """What a newer roll changed for one serial number: the BLA-2's revision list."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Added")
        DELETED = "deleted", _("Deleted")
        CHANGED = "changed", _("Changed")

    roll_import = models.ForeignKey(RollImport, models.CASCADE, related_name="changes")
    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    serial_no = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["roll_import", "part", "serial_no"]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_id}/{self.serial_no}"


class VerificationMark(models.Model):
    """A booth team's finding at the door: absent, shifted or dead. Append-only."""

    class Kind(models.TextChoices):
        ABSENT = "absent", _("Absent")
        SHIFTED = "shifted", _("Shifted")
        DEAD = "dead", _("Dead")
        FOUND = "found", _("Found at home")

    voter = models.ForeignKey(Voter, models.CASCADE, related_name="verifications")
    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, models.PROTECT, related_name="+")
    serial_no = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField()
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.voter_id}"


class DeferredIndex(models.Model):
    """An index of the roll tables that a first load dropped, to build once at its end
    (``rolls/bulkload.py``), with the statement that builds it again. A row left
    behind means a load stopped before its end: the next import (or ``migrate``)
    builds the index again from here."""

    name = models.CharField(max_length=63, unique=True)
    table = models.CharField(max_length=63)
    definition = models.TextField()
    roll_import = models.ForeignKey(
        RollImport, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dropped_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["table", "name"]

    def __str__(self) -> str:
        return self.name
