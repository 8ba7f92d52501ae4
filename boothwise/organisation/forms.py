"""Input of the organisation pages; shared with the API where the fields match."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boothwise.organisation.models import Person, PostType

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)

    def query(self) -> str:
        return str(self.cleaned_data["q"]) if self.is_valid() else ""


class PostAppointForm(forms.Form):
    """Appoint someone already registered, or register a new person, to one post."""

    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), required=False
    )
    new_name = forms.CharField(
        label=_("Or register a new person: name in Devanagari"),
        required=False,
        max_length=200,
    )
    new_name_en = forms.CharField(
        label=_("Name in Latin letters (optional)"), required=False, max_length=200
    )
    post_type = forms.ChoiceField(label=_("Post"))
    start_date = forms.DateField(label=_("From"), widget=_date_input())
    serial_from = forms.IntegerField(
        label=_("From serial"), min_value=1, required=False
    )
    serial_to = forms.IntegerField(label=_("To serial"), min_value=1, required=False)

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Person],
        post_types: list[PostType],
        is_page: bool,
        can_register: bool,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.is_page = is_page
        self.can_register = can_register
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = people
        post_type_field = self.fields["post_type"]
        assert isinstance(post_type_field, forms.ChoiceField)
        post_type_field.choices = [(t.value, t.label) for t in post_types]
        if len(post_types) == 1:
            self.initial.setdefault("post_type", post_types[0].value)
        if not is_page:
            del self.fields["serial_from"]
            del self.fields["serial_to"]
        if not can_register:
            del self.fields["new_name"]
            del self.fields["new_name_en"]

    def clean_post_type(self) -> PostType:
        return PostType(self.cleaned_data["post_type"])

    def clean_new_name(self) -> str:
        name = str(self.cleaned_data["new_name"]).strip()
        if name and not DEVANAGARI.search(name):
            raise forms.ValidationError(_("Write the name in Devanagari."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person") is None and not data.get("new_name"):
            if self.can_register:
                message = _("Choose a person or register a new one.")
            else:
                message = _("Choose a person.")
            self.add_error(None, message)
        elif data.get("person") is not None and data.get("new_name"):
            self.add_error(None, _("Choose a person or register a new one, not both."))
        if self.is_page:
            first, last = data.get("serial_from"), data.get("serial_to")
            if first is None or last is None:
                self.add_error(
                    None, _("A page needs a first and a last serial number.")
                )
            elif first > last:
                self.add_error(
                    "serial_to", _("The last serial number is before the first.")
                )
        return data


class PostRelieveForm(forms.Form):
    end_date = forms.DateField(label=_("Until"), widget=_date_input())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Kept in the post's history and the audit trail."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("end_date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for relieving."))
        return reason
