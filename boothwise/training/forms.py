"""Input of the training pages. The querysets of choices come from the views, already
narrowed to the viewer's scope."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from boothwise.organisation.models import PostType, Unit
from boothwise.training.models import (
    Attendance,
    Directive,
    Invitation,
    Level,
    OutboxMessage,
    Topic,
    Workshop,
)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


class WorkshopChoiceField(forms.ModelChoiceField[Workshop]):
    def label_from_instance(self, obj: Workshop) -> str:
        return f"{obj.title} · {obj.date:%d-%m-%Y} · {obj.unit.name}"


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    unit = UnitChoiceField(label=_("Organising unit"), queryset=Unit.objects.none())
    date = forms.DateField(label=_("Date"), widget=_date_input())
    venue = forms.CharField(label=_("Venue"), max_length=300)
    parent = WorkshopChoiceField(
        label=_("On the same lines as"),
        queryset=Workshop.objects.none(),
        required=False,
        help_text=_(
            "The agenda is copied from this workshop; speakers are left empty."
        ),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        parents: QuerySet[Workshop],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = parents


class WorkshopEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=_date_input())
    venue = forms.CharField(label=_("Venue"), max_length=300)


class SessionForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none())
    speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)
    starts_at = forms.TimeField(label=_("Starts at"), widget=_time_input())
    ends_at = forms.TimeField(label=_("Ends at"), widget=_time_input())

    def __init__(self, *args: Any, topics: QuerySet[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topic"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = topics

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts."))
        return data


class InviteByPostForm(forms.Form):
    post_types = forms.MultipleChoiceField(
        label=_("Posts to invite"), widget=forms.CheckboxSelectMultiple
    )
    within = UnitChoiceField(label=_("Within"), queryset=Unit.objects.none())

    def __init__(
        self,
        *args: Any,
        post_types: list[PostType],
        units: QuerySet[Unit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["post_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t.value, t.label) for t in post_types]
        within = self.fields["within"]
        assert isinstance(within, forms.ModelChoiceField)
        within.queryset = units


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)

    def query(self) -> str:
        return str(self.cleaned_data["q"]) if self.is_valid() else ""


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        choices=[c for c in Invitation.Rsvp.choices if c[0] != Invitation.Rsvp.PENDING]
    )


class CheckInForm(forms.Form):
    session = forms.IntegerField()
    invitation = forms.IntegerField()
    kind = forms.ChoiceField(
        choices=Attendance.Kind.choices, initial=Attendance.Kind.PRESENT
    )
    # Made when the button is drawn, so a double tap sends the same uuid twice.
    client_uuid = forms.UUIDField()
    q = forms.CharField(required=False, max_length=100)

    @staticmethod
    def new_uuid() -> uuid.UUID:
        return uuid.uuid4()


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name in Devanagari"), max_length=200)
    name_en = forms.CharField(
        label=_("Name in Latin letters (optional)"), max_length=200, required=False
    )
    unit = UnitChoiceField(label=_("Home unit"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class DirectiveForm(forms.Form):
    text = forms.CharField(
        label=_("Directive"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = UnitChoiceField(label=_("Assigned to"), queryset=Unit.objects.none())
    due_date = forms.DateField(label=_("Due by"), widget=_date_input(), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class DirectiveStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Directive.Status.choices)
    note = forms.CharField(max_length=300, required=False)


class OutboxStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            c
            for c in OutboxMessage.Status.choices
            if c[0] != OutboxMessage.Status.QUEUED
        ]
    )
