"""Input of the roll pages; the API validates the same fields with its own schemas."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from boothwise.geography.models import AssemblyConstituency
from boothwise.rolls.models import VerificationMark

SEARCH_MAX = 100


class RollUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roll file"),
        help_text=_(
            "CSV (saved as “CSV UTF-8”) or XLSX, with the columns ac_no, part_no, "
            "section_no, serial_no, epic_no, name, relation_type, relative_name, "
            "house_no, age, gender, name_en, relative_name_en."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xlsm"}),
    )


class AcChoiceField(forms.ModelChoiceField[AssemblyConstituency]):
    def label_from_instance(self, obj: AssemblyConstituency) -> str:
        return f"{obj.number} {obj.name}"


class VoterSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX)
    ac = AcChoiceField(
        label=_("Assembly constituency"),
        queryset=AssemblyConstituency.objects.none(),
        required=False,
        empty_label=_("All in my area"),
    )

    def __init__(
        self, *args: Any, acs: QuerySet[AssemblyConstituency], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ac"]
        assert isinstance(field, AcChoiceField)
        field.queryset = acs

    def query(self) -> str:
        return str(self.cleaned_data.get("q") or "") if self.is_valid() else ""

    def ac_id(self) -> int | None:
        if not self.is_valid() or self.cleaned_data.get("ac") is None:
            return None
        return int(self.cleaned_data["ac"].pk)


class VerificationForm(forms.Form):
    """One finding at the door. `client_uuid` is made when the form is shown, so the
    same form sent twice (a double tap, a resent request) writes one mark."""

    kind = forms.ChoiceField(
        label=_("Finding"),
        choices=VerificationMark.Kind.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)


class PartFilterForm(forms.Form):
    part = forms.IntegerField(required=False, min_value=1)

    def part_id(self) -> int | None:
        if not self.is_valid():
            return None
        value = self.cleaned_data.get("part")
        return int(value) if value is not None else None
