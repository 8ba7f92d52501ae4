"""After the poll: the booth report page, its CSV and PDF, and voter slips as PDF.

The page opens to whoever may open the booth's turnout page (MARK_VOTED or
VIEW_WAR_ROOM there). The downloads take personal data out of the system, so they need
EXPORT over the booth, read within the EXPORT scope, and each leaves an audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from boothwise.accounts.access import access_part, access_part_any, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.audit import audit_record
from boothwise.core.pdf import pdf_response
from boothwise.geography.models import Part
from boothwise.rolls.exports import csv_response
from boothwise.votingday import reports

MARK = Action.MARK_VOTED
WAR_ROOM = Action.VIEW_WAR_ROOM
EXPORT = Action.EXPORT


class SlipsForm(forms.Form):
    WAITING, ALL = "waiting", "all"
    who = forms.ChoiceField(
        label=gettext_lazy("Slips for"),
        choices=[
            (WAITING, gettext_lazy("Supporters who have not voted yet")),
            (ALL, gettext_lazy("All supporters")),
        ],
        initial=WAITING,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label=gettext_lazy("Poll date (printed on the slips)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _audit(user: User, part: Part, what: str, **data: Any) -> None:
    """Every export is audited: who took which list of which booth, how many rows."""
    audit_record(
        actor=user,
        verb=f"votingday.export.{what}",
        obj=part,
        ac_id=part.ac_id,
        part_id=part.pk,
        data={"place": f"{part.ac.number}/{part.number}", **data},
    )


def _file_stem(part: Part, what: str) -> str:
    return f"{what}-{part.ac.number}-{part.number}"


@require_GET
def report(request: HttpRequest, part_id: int) -> HttpResponse:
    user = _user(request)
    part, action = access_part_any(user, part_id, MARK, WAR_ROOM)
    context = {
        "part": part,
        "report": reports.booth_report(user, part, action),
        "may_export": visible(user, EXPORT, Part.objects.filter(pk=part.pk)).exists(),
        "slips_form": SlipsForm(),
    }
    return render(request, "votingday/report.html", context)


@require_GET
def report_csv(request: HttpRequest, part_id: int) -> HttpResponseBase:
    user = _user(request)
    part = access_part(user, part_id, action=EXPORT)
    report = reports.booth_report(user, part, EXPORT)
    # Built here, not while streaming, so the request's language names the columns.
    rows = list(reports.report_csv_rows(report))
    _audit(
        user,
        part,
        "report_csv",
        rows=report.not_voted,
        supporters_not_voted=report.not_voted,
        incidents=len(report.incidents),
    )
    name = f"{_file_stem(part, 'booth-report')}-{report.day.isoformat()}.csv"
    return csv_response(name, [reports.report_title(report)], rows)


@require_GET
def report_pdf(request: HttpRequest, part_id: int) -> HttpResponse:
    user = _user(request)
    part = access_part(user, part_id, action=EXPORT)
    report = reports.booth_report(user, part, EXPORT)
    pdf = reports.report_pdf(report, translation.get_language() or "hi")
    _audit(
        user,
        part,
        "report_pdf",
        rows=report.not_voted,
        supporters_not_voted=report.not_voted,
        incidents=len(report.incidents),
    )
    name = f"{_file_stem(part, 'booth-report')}-{report.day.isoformat()}.pdf"
    return pdf_response(pdf, name, download=True)


@require_GET
def slips_pdf(request: HttpRequest, part_id: int) -> HttpResponseBase:
    """Voter slips for the booth's supporters. They carry no party name or symbol."""
    user = _user(request)
    part = access_part(user, part_id, action=EXPORT)
    query = request.GET.copy()
    query.setdefault("who", SlipsForm.WAITING)
    form = SlipsForm(query)
    if not form.is_valid():
        messages.error(request, _("Choose whose slips to print, and a valid date."))
        return redirect("votingday:report", part.pk)
    who = form.cleaned_data["who"]
    include_voted = who == SlipsForm.ALL
    poll_date: datetime.date | None = form.cleaned_data["date"]
    slips = reports.slip_voters(user, part, EXPORT, include_voted=include_voted)
    if not slips:
        messages.info(request, _("No supporter to print a slip for."))
        return redirect("votingday:report", part.pk)
    pdf = reports.slips_pdf(part, slips, poll_date, translation.get_language() or "hi")
    _audit(user, part, "slips_pdf", rows=len(slips), who=who)
    return pdf_response(pdf, f"{_file_stem(part, 'slips')}.pdf", download=True)
