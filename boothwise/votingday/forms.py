from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boothwise.votingday.models import Incident, TurnoutEntry, VotedMark


class MarkEntryForm(forms.Form):
    text = forms.CharField(
        label=_("Serials, EPIC or name"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "autofocus": True}
        ),
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=VotedMark.Source.choices, initial="desk"
    )
    # Set when the page is drawn: a resubmitted form marks nothing twice.
    entry = forms.UUIDField(widget=forms.HiddenInput)


class UndoForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the undo"), max_length=300)


class TurnoutForm(forms.Form):
    slot = forms.TypedChoiceField(
        label=_("Time"), choices=TurnoutEntry.Slot.choices, coerce=int
    )
    count = forms.IntegerField(label=_("Votes polled"), min_value=0)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=Incident.Kind.choices,
        widget=forms.RadioSelect,
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=Incident.Severity.choices,
        coerce=int,
        initial=Incident.Severity.HIGH,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    latitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )


class IncidentActionForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    closes = forms.BooleanField(label=_("Close the incident"), required=False)
