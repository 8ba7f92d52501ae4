"""Input of the outreach pages: campaigns, surveys, assignments, paper entry, closing."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boothwise.organisation.models import Person, Unit
from boothwise.outreach.models import Question, Visit
from boothwise.outreach.selectors import door_from_code
from boothwise.outreach.services import IssueChoice, default_issues


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def issues_text(issues: list[IssueChoice]) -> str:
    return "\n".join(f"{i.code} | {i.hi} | {i.en}" for i in issues)


def parse_issues(text: str) -> list[IssueChoice]:
    """One issue a line: "code | Hindi | English"."""
    issues = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise forms.ValidationError(
                _("Line %(n)d: write “code | Hindi | English”.") % {"n": number}
            )
        if not re.fullmatch(r"[a-z0-9_]{1,40}", parts[0]):
            raise forms.ValidationError(
                _("Line %(n)d: the code uses lower-case letters, digits and _ only.")
                % {"n": number}
            )
        issues.append(IssueChoice(*parts))
    codes = [i.code for i in issues]
    if len(set(codes)) != len(codes):
        raise forms.ValidationError(_("Each issue code may appear only once."))
    return issues


class IssuesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 6})

    def clean(self, value: Any) -> list[IssueChoice]:
        return parse_issues(str(super().clean(value) or ""))


def _unit_label(unit: Unit) -> str:
    return unit.display_name


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=_date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=_date_input())
    units = forms.ModelMultipleChoiceField(
        label=_("Units it covers"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    talking_points_hi = forms.CharField(
        label=_("Talking points in Hindi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "hi"}),
    )
    talking_points_en = forms.CharField(
        label=_("Talking points in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "en"}),
    )
    issues = IssuesField(
        label=_("Issues the survey lists"),
        help_text=_("One a line: code | Hindi | English, e.g. “water | पानी | Water”."),
    )
    followup_days = forms.IntegerField(
        label=_("Days to close a grievance before it goes to the block"),
        min_value=1,
        max_value=60,
        initial=7,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault("starts_on", today)
        kwargs["initial"].setdefault("issues", issues_text(default_issues()))
        super().__init__(*args, **kwargs)
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = units
        units_field.label_from_instance = _unit_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return data


class SurveyForm(forms.Form):
    """A new survey version: which questions, and the issue list."""

    kinds = forms.MultipleChoiceField(
        label=_("Questions"),
        choices=Question.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    issues = IssuesField(label=_("Issues the survey lists"), required=False)


class AssignmentForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Person.objects.none())
    serial_from = forms.IntegerField(
        label=_("From serial"), min_value=1, required=False
    )
    serial_to = forms.IntegerField(label=_("To serial"), min_value=1, required=False)
    codes = forms.CharField(
        label=_("Or households, by their codes"),
        required=False,
        help_text=_("The codes on the walk list, separated by commas: 12K, 15B"),
    )

    def __init__(self, *args: Any, workers: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)
        worker.queryset = Person.objects.filter(pk__in=[w.pk for w in workers])

    def clean_codes(self) -> list[int]:
        serials = []
        for code in re.split(r"[,\s]+", str(self.cleaned_data.get("codes") or "")):
            if not code:
                continue
            serial = door_from_code(code)
            if serial is None:
                raise forms.ValidationError(
                    _("%(code)s is not a household code on this walk list.")
                    % {"code": code}
                )
            serials.append(serial)
        return serials

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_range = data.get("serial_from") is not None
        if has_range == bool(data.get("codes")):
            raise forms.ValidationError(
                _("Give either a serial range or some household codes.")
            )
        if has_range and data.get("serial_to") is None:
            self.add_error("serial_to", _("Give the last serial too."))
        return data


class RequestPageForm(forms.Form):
    page = forms.IntegerField(label=_("Page"), min_value=1)


class DoorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Household code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )

    def clean_code(self) -> int:
        serial = door_from_code(str(self.cleaned_data["code"]))
        if serial is None:
            raise forms.ValidationError(
                _("This code is not right: check the number and the letter.")
            )
        return serial


class PaperVisitForm(forms.Form):
    """One door's visit from a paper walk list; per-elector support is added per door."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Person.objects.none())
    visited_on = forms.DateField(label=_("Visited on"), widget=_date_input())
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Visit.Outcome.choices, widget=forms.RadioSelect
    )
    issues = forms.MultipleChoiceField(
        label=_("Issues raised"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    grievance = forms.CharField(
        label=_("Grievance to follow up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        workers: list[Person],
        issues: list[tuple[str, str]],
        serials: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)
        worker.queryset = Person.objects.filter(pk__in=[w.pk for w in workers])
        issue_field = self.fields["issues"]
        assert isinstance(issue_field, forms.MultipleChoiceField)
        issue_field.choices = issues
        for serial in serials:
            self.fields[f"support_{serial}"] = forms.TypedChoiceField(
                label=str(serial),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "–"), *[(str(i), str(i)) for i in range(1, 6)]],
                widget=forms.RadioSelect,
            )

    def support(self, serial: int) -> int | None:
        value = self.cleaned_data.get(f"support_{serial}")
        return int(value) if value else None


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(
        label=_("How was it resolved?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
