"""Electoral geography, fixed by the Election Commission: state → PC → AC → part → section."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reservation(models.TextChoices):
    GENERAL = "", _("General")
    SC = "SC", _("SC")
    ST = "ST", _("ST")
    # Sikkim's seats reserved for Bhutia-Lepcha and for the Sangha (monasteries).
    BL = "BL", _("BL")
    SANGHA = "SANGHA", _("Sangha")


class State(models.Model):
    code = models.CharField(_("ECI code"), max_length=3, unique=True)  # e.g. S20
    abbr = models.CharField(_("abbreviation"), max_length=3, unique=True)  # e.g. RJ
    name = models.CharField(_("name"), max_length=100)
    name_hi = models.CharField(_("name in Hindi"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self) -> str:
        return self.name


class ParliamentaryConstituency(models.Model):
    state = models.ForeignKey(State, models.PROTECT, related_name="pcs")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    reserved = models.CharField(
        _("reserved for"), max_length=6, choices=Reservation.choices, blank=True
    )

    class Meta:
        ordering = ["state", "number"]
        constraints = [
            models.UniqueConstraint(fields=["state", "number"], name="pc_state_number")
        ]
        verbose_name = _("parliamentary constituency")
        verbose_name_plural = _("parliamentary constituencies")

    def __str__(self) -> str:
        return f"{self.number} {self.name}{_reserved_suffix(self.reserved)}"


class AssemblyConstituency(models.Model):
    state = models.ForeignKey(State, models.PROTECT, related_name="acs")
    pc = models.ForeignKey(
        ParliamentaryConstituency, models.PROTECT, related_name="acs"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    name_hi = models.CharField(_("name in Hindi"), max_length=100, blank=True)
    reserved = models.CharField(
        _("reserved for"), max_length=6, choices=Reservation.choices, blank=True
    )

    class Meta:
        ordering = ["state", "number"]
        constraints = [
            models.UniqueConstraint(fields=["state", "number"], name="ac_state_number")
        ]
        verbose_name = _("assembly constituency")
        verbose_name_plural = _("assembly constituencies")

    def __str__(self) -> str:
        return f"{self.number} {self.name}{_reserved_suffix(self.reserved)}"


class Part(models.Model):
    """A part of the roll, which is also one polling station (the "booth")."""

    ac = models.ForeignKey(AssemblyConstituency, models.PROTECT, related_name="parts")
    # Text, because auxiliary stations carry suffixes: "19A".
    number = models.CharField(_("part number"), max_length=8)
    # The numeric head of `number`, so parts sort 2 < 10 < 19 < 19A < 20.
    number_int = models.PositiveIntegerField(editable=False)
    name = models.CharField(_("polling station"), max_length=300)
    address = models.CharField(_("address"), max_length=500, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["ac", "number_int", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ac", "number"], name="part_ac_number")
        ]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.number_int = part_number_int(self.number)
        super().save(*args, **kwargs)


class Section(models.Model):
    """A street, mohalla or village block within a part, as printed on the roll cover."""

    part = models.ForeignKey(Part, models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("section number"))
    name = models.CharField(_("name"), max_length=300, blank=True)

    class Meta:
        ordering = ["part", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["part", "number"], name="section_part_number"
            )
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


def _reserved_suffix(reserved: str) -> str:
    return f" ({reserved})" if reserved else ""


PART_NUMBER_RE = re.compile(r"^(\d{1,5})([A-Z]{0,2})$")


def part_number_int(number: str) -> int:
    """The numeric head of a part number: "19A" → 19. Invalid numbers give 0."""
    match = PART_NUMBER_RE.match(number)
    return int(match.group(1)) if match else 0


def normalise_part_number(text: str) -> str | None:
    """ "19a" → "19A", "007" → "7"; None when it is not a part number."""
    text = text.replace(" ", "").upper()
    match = PART_NUMBER_RE.match(text)
    if match is None or int(match.group(1)) == 0:
        return None
    return f"{int(match.group(1))}{match.group(2)}"
