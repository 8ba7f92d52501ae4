"""HTML pages of the public contact programme.

Each view: access (accounts/access.py, outreach.selectors) → form → service or selector
→ render. The walk list page is the offline client's shell: it is rendered here, cached
by the service worker (`service_worker`), and fills itself from the JSON API.
"""

from __future__ import annotations

import csv
import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boothwise.accounts.access import (
    access_part,
    access_unit,
    user_can,
    visible,
)
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.offline import service_worker_response
from boothwise.core.pdf import pdf_response
from boothwise.geography.models import Part
from boothwise.organisation.models import Unit
from boothwise.outreach import selectors, services
from boothwise.outreach.charts import days_chart
from boothwise.outreach.forms import (
    AssignmentForm,
    CampaignForm,
    DoorCodeForm,
    FollowUpCloseForm,
    PaperVisitForm,
    RequestPageForm,
    SurveyForm,
    issues_text,
)
from boothwise.outreach.models import Assignment, Campaign, FollowUp, Question, Visit
from boothwise.outreach.printing import walk_list_pdf
from boothwise.outreach.selectors import VIEW
from boothwise.outreach.services import RECORD, IssueChoice
from boothwise.rolls.models import Household

EXPORT = Action.EXPORT
MANAGE = Action.MANAGE_POSTS


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _language() -> str:
    return "hi" if (translation.get_language() or "hi").startswith("hi") else "en"


def _campaign_part(
    request: HttpRequest, campaign_id: int, part_id: int, action: Action = VIEW
) -> tuple[Campaign, Part]:
    """The campaign and part, both in scope and the part covered by the campaign."""
    campaign = selectors.campaign_access(request.user, campaign_id)
    part = access_part(request.user, part_id, action=action)
    if not services.campaign_covers_part(campaign, part):
        raise Http404
    return campaign, part


def _may_assign(request: HttpRequest, part: Part) -> bool:
    return visible(request.user, MANAGE, Unit.objects.filter(part=part)).exists()


def _campaign_units(user: User) -> list[Unit]:
    """Units the user may run a campaign over, outermost first (at most 300)."""
    units = visible(user, MANAGE, Unit.objects.exclude(level=Unit.Level.BOOTH))
    candidates = [
        u
        for u in units.order_by("path")[:300]
        if services.campaign_units_allowed(user, [u])
    ]
    if not candidates:
        booths = visible(user, MANAGE, Unit.objects.filter(level=Unit.Level.BOOTH))
        candidates = [
            u
            for u in booths.select_related("part").order_by("path")[:300]
            if services.campaign_units_allowed(user, [u])
        ]
    return candidates


# Home and campaigns ------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    campaigns = list(selectors.campaigns_visible(user).prefetch_related("units"))
    running = [c for c in campaigns if selectors.campaign_running(c)]
    context: dict[str, Any] = {
        "campaigns": campaigns,
        "running": running,
        "walk_lists": selectors.my_walk_lists(user, running)
        if user_can(user, RECORD)
        else [],
        "can_create": bool(_campaign_units(_user(request))),
        "open_followups": selectors.followups_visible(
            user, status=FollowUp.Status.OPEN
        ).count()
        if selectors.can_view(user)
        else 0,
    }
    return render(request, "outreach/home.html", context)


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = _campaign_units(user)
    if not units:
        raise PermissionDenied(_("Only a leader's post lets you run a campaign."))
    queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
    form = CampaignForm(request.POST or None, units=queryset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                by=user,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                units=list(data["units"]),
                talking_points_hi=data["talking_points_hi"],
                talking_points_en=data["talking_points_en"],
                issues=data["issues"],
                followup_days=data["followup_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign is ready."))
            return redirect("outreach:campaign-detail", campaign.pk)
    return render(request, "outreach/campaign_form.html", {"form": form})


def _coverage_unit(request: HttpRequest) -> tuple[Unit | None, list[Unit]]:
    """The unit coverage is shown for (?unit=), else the only one in scope."""
    if request.GET.get("unit"):
        return access_unit(request.user, request.GET["unit"], action=VIEW), []
    units = selectors.scope_units(request.user)
    if len(units) == 1:
        return units[0], []
    return None, units


@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_access(request.user, campaign_id)
    version = selectors.current_version(campaign)
    unit, choices = _coverage_unit(request)
    context: dict[str, Any] = {
        "campaign": campaign,
        "version": version,
        "talking_points": _talking_points(campaign),
        "running": selectors.campaign_running(campaign),
        "unit": unit,
        "unit_choices": choices,
        "may_edit": services.campaign_units_allowed(request.user, campaign.units.all()),
    }
    if unit is not None:
        cov = selectors.coverage(request.user, campaign, unit, _language())
        flag_counts, _rows = selectors.flagged_visits(request.user, campaign, unit, 0)
        context |= {
            "cov": cov,
            "chart": days_chart(cov.days),
            "workers": selectors.coverage_by_worker(
                request.user, campaign, unit, limit=25
            ),
            "flag_counts": flag_counts,
            "crumbs": _crumbs(request, unit),
            "may_export": user_can(request.user, EXPORT)
            and visible(request.user, EXPORT, Unit.objects.filter(pk=unit.pk)).exists(),
        }
        if unit.level == Unit.Level.BOOTH and unit.part is not None:
            context["booth_part"] = unit.part
    return render(request, "outreach/campaign_detail.html", context)


def _crumbs(request: HttpRequest, unit: Unit) -> list[Unit]:
    ids = [int(i) for i in unit.path.split(".") if i][:-1]
    return list(
        visible(request.user, VIEW, Unit.objects.filter(pk__in=ids)).order_by("depth")
    )


def _talking_points(campaign: Campaign) -> str:
    if _language() == "en":
        return campaign.talking_points_en or campaign.talking_points_hi
    return campaign.talking_points_hi or campaign.talking_points_en


@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_access(request.user, campaign_id)
    if not services.campaign_units_allowed(request.user, campaign.units.all()):
        raise PermissionDenied(_("Only the campaign's leaders change its survey."))
    version = selectors.current_version(campaign)
    issues_q = next(
        (q for q in version.questions.all() if q.kind == Question.Kind.ISSUES), None
    )
    current = [IssueChoice(**c) for c in issues_q.choices] if issues_q else []
    initial = {
        "kinds": [q.kind for q in version.questions.all()],
        "issues": issues_text(current),
    }
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.survey_version_create(
                by=_user(request),
                campaign=campaign,
                issues=form.cleaned_data["issues"],
                kinds=[
                    k for k in Question.Kind.values if k in form.cleaned_data["kinds"]
                ],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Survey version %(n)d is in use; earlier answers keep their version.")
                % {"n": new.number},
            )
            return redirect("outreach:campaign-detail", campaign.pk)
    context = {"campaign": campaign, "version": version, "form": form}
    return render(request, "outreach/survey_form.html", context)


# One booth's work --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def booth_work(request: HttpRequest, campaign_id: int, part_id: int) -> HttpResponse:
    campaign, part = _campaign_part(request, campaign_id, part_id)
    may_assign = _may_assign(request, part)
    workers = services.workers_for_part(part) if may_assign else []
    form = AssignmentForm(request.POST or None, workers=workers)
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied(_("Only the booth's in-charge assigns work."))
        if form.is_valid():
            data = form.cleaned_data
            households = list(
                Household.objects.filter(
                    pk__in=[
                        d.household_id
                        for d in selectors.walk_list(request.user, campaign, part)
                        if d.serial_no in data["codes"] and d.household_id
                    ]
                )
            )
            try:
                services.assignment_create(
                    by=_user(request),
                    campaign=campaign,
                    part=part,
                    worker=data["worker"],
                    serial_from=data["serial_from"],
                    serial_to=data["serial_to"],
                    households=households,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The work is assigned."))
                return redirect(request.path)
    assignments = list(
        Assignment.objects.filter(campaign=campaign, part=part)
        .exclude(status=Assignment.Status.DECLINED)
        .select_related("worker")
        .prefetch_related("households")
        .order_by("status", "serial_from")
    )
    pages = selectors.coverage_by_page(request.user, campaign, part)
    taken = {
        services.page_of(a.serial_from)
        for a in assignments
        if a.serial_from is not None and a.status != Assignment.Status.ENDED
    }
    context = {
        "campaign": campaign,
        "part": part,
        "pages": pages,
        "free_pages": [p for p, *_rest in pages if p not in taken],
        "assignments": assignments,
        "form": form,
        "may_assign": may_assign,
        "may_record": visible(
            request.user, RECORD, Part.objects.filter(pk=part.pk)
        ).exists(),
        "is_worker": any(
            w.user_id == request.user.pk for w in services.workers_for_part(part)
        ),
        "running": selectors.campaign_running(campaign),
    }
    return render(request, "outreach/booth_work.html", context)


@require_POST
def assignment_request(
    request: HttpRequest, campaign_id: int, part_id: int
) -> HttpResponse:
    campaign, part = _campaign_part(request, campaign_id, part_id, action=RECORD)
    form = RequestPageForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_request(
                by=_user(request),
                campaign=campaign,
                part=part,
                page=form.cleaned_data["page"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Asked. The booth in-charge will decide."))
    return redirect("outreach:booth-work", campaign.pk, part.pk)


@require_POST
def assignment_decide(request: HttpRequest, assignment_id: int) -> HttpResponse:
    parts = visible(request.user, MANAGE, Part.objects.all())
    assignment = (
        Assignment.objects.filter(pk=assignment_id, part__in=parts)
        .select_related("campaign", "part")
        .first()
    )
    if assignment is None or not _may_assign(request, assignment.part):
        raise Http404
    try:
        services.assignment_decide(
            by=_user(request),
            assignment=assignment,
            approve=request.POST.get("decision") == "approve",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("outreach:booth-work", assignment.campaign_id, assignment.part_id)


@require_GET
def door_detail(
    request: HttpRequest, campaign_id: int, part_id: int, serial_no: int
) -> HttpResponse:
    campaign, part = _campaign_part(request, campaign_id, part_id)
    door = next(
        (
            d
            for d in selectors.walk_list(request.user, campaign, part)
            if d.serial_no == serial_no
        ),
        None,
    )
    if door is None:
        raise Http404
    language = _language()
    history = [
        (
            visit,
            [
                (
                    a.serial_no,
                    a.question.get_kind_display(),
                    selectors.answer_text(a, language),
                )
                for a in sorted(
                    visit.answers.all(), key=lambda a: (a.serial_no, a.kind)
                )
            ],
        )
        for visit in selectors.door_history(request.user, campaign, part, serial_no)
    ]
    context = {"campaign": campaign, "part": part, "door": door, "history": history}
    return render(request, "outreach/door_detail.html", context)


# The walk list (offline client) ------------------------------------------------------


def _client_strings() -> dict[str, str]:
    """Every message the walk-list script shows, in the page's language."""
    return {
        "loading": _("Loading the walk list…"),
        "offline_cached": _("Offline: showing the walk list saved on this phone."),
        "no_copy": _(
            "This walk list is not saved on this phone yet. Open it once with a network."
        ),
        "waiting": _("%(n)s waiting to sync"),
        "all_synced": _("Everything is synced"),
        "sync_now": _("Sync now"),
        "syncing": _("Syncing…"),
        "sync_failed": _("Could not sync; will try again."),
        "login_again": _("Log in again to sync: your visits are kept on this phone."),
        "rejected": _("%(n)s not accepted: see the list"),
        "saved": _("Saved on this phone."),
        "household": _("Household %(code)s"),
        "house_no": _("House %(no)s"),
        "of": _("%(i)s of %(n)s"),
        "previous": _("Previous"),
        "next": _("Next"),
        "next_unvisited": _("Next not visited"),
        "search": _("Search name, serial or house"),
        "no_match": _("No household matches."),
        "visits_n": _("Visits: %(n)s"),
        "last": _("Last: %(outcome)s"),
        "support": _("Support"),
        "come_back": _("Come back for this elector"),
        "roll_correction": _("Roll correction"),
        "none": _("None"),
        "issues": _("Issues the household raised"),
        "new_voters": _("New voters to register"),
        "notes": _("Notes"),
        "grievance": _("Grievance to follow up"),
        "grievance_issue": _("About"),
        "share_location": _("Attach my location"),
        "save": _("Save visit"),
        "outcome_needed": _("Choose what happened at the door."),
        "visited_here": _("Recorded on this phone: %(outcome)s"),
        "age": _("age %(n)s"),
        "done": _("Visited"),
        "empty": _("No households in this walk list."),
        "absent": _("Absent"),
        "shifted": _("Shifted"),
        "dead": _("Dead"),
    }


@require_GET
def walk(request: HttpRequest, campaign_id: int, part_id: int) -> HttpResponse:
    campaign, part = _campaign_part(request, campaign_id, part_id, action=RECORD)
    version = selectors.current_version(campaign)
    language = _language()
    questions = [
        {
            "kind": q.kind,
            "text": q.text_hi if language == "hi" else q.text_en,
            "per_elector": q.per_elector,
            "choices": [{"code": c["code"], "label": c[language]} for c in q.choices],
        }
        for q in version.questions.all()
    ]
    api = reverse("api:outreach_walk_list", args=[campaign.pk, part.pk])
    config = {
        "campaign": campaign.pk,
        "part": part.pk,
        "user": request.user.pk,
        "version": version.pk,
        "running": selectors.campaign_running(campaign),
        "walkUrl": api + ("?all=1" if request.GET.get("all") else ""),
        "syncUrl": reverse("api:outreach_visits_sync"),
        "swUrl": reverse("outreach:service-worker"),
        "swScope": reverse("outreach:home"),
        "pageCache": PAGE_CACHE,
        "outcomes": [
            {"code": c, "label": str(label)} for c, label in Visit.Outcome.choices
        ],
        "questions": questions,
        "strings": _client_strings(),
    }
    context = {
        "campaign": campaign,
        "part": part,
        "config": config,
        "talking_points": _talking_points(campaign),
        "all": bool(request.GET.get("all")),
    }
    return render(request, "outreach/walk.html", context)


PAGE_CACHE = "bw-outreach-pages-v1"
SW_ASSETS = (
    "css/app.css",
    "favicon.svg",
    "vendor/htmx/htmx-2.0.8.min.js",
    "vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-devanagari-700-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-latin-400-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-latin-700-normal.woff2",
    "js/outbox.js",
    "outreach/walk.js",
)


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served at the outreach root so its scope covers the pages;
    it also keeps the outreach API's GET answers (the user's walk lists)."""
    return service_worker_response(
        request,
        name="outreach",
        scope=reverse("outreach:home"),
        assets=SW_ASSETS,
        page_cache=PAGE_CACHE,
        page_suffix="walk",
        api_prefix=reverse("api:outreach_campaign_list").rsplit("/campaigns", 1)[0],
    )


# Paper entry -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, campaign_id: int, part_id: int) -> HttpResponse:
    """Enter visits from a printed walk list: the household's code, then the door."""
    campaign, part = _campaign_part(request, campaign_id, part_id, action=RECORD)
    code_form = DoorCodeForm(request.GET or None)
    context: dict[str, Any] = {
        "campaign": campaign,
        "part": part,
        "code_form": code_form,
    }
    if not code_form.is_valid():
        return render(request, "outreach/paper_entry.html", context)
    serial = code_form.cleaned_data["code"]
    door = next(
        (
            d
            for d in selectors.walk_list(request.user, campaign, part)
            if d.serial_no == serial
        ),
        None,
    )
    if door is None:
        code_form.add_error("code", _("No household of this walk list has this code."))
        return render(request, "outreach/paper_entry.html", context)
    version = selectors.current_version(campaign)
    language = _language()
    issues = [
        (c["code"], c[language])
        for q in version.questions.all()
        if q.kind == Question.Kind.ISSUES
        for c in q.choices
    ]
    form = PaperVisitForm(
        request.POST or None,
        workers=services.workers_for_part(part),
        issues=issues,
        serials=[e.serial_no for e in door.electors],
        initial={"client_uuid": uuid.uuid4(), "visited_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        error = _paper_save(request, campaign, part, version.pk, door, form)
        if error is None:
            messages.success(
                request, _("Saved household %(code)s.") % {"code": door.code}
            )
            return redirect(
                reverse("outreach:paper-entry", args=[campaign.pk, part.pk])
            )
        form.add_error(None, error)
    electors = [(e, form[f"support_{e.serial_no}"]) for e in door.electors]
    context |= {"door": door, "form": form, "electors": electors}
    return render(request, "outreach/paper_entry.html", context)


def _paper_save(
    request: HttpRequest,
    campaign: Campaign,
    part: Part,
    version_id: int,
    door: selectors.Door,
    form: PaperVisitForm,
) -> str | None:
    data = form.cleaned_data
    at = timezone.make_aware(
        datetime.datetime.combine(data["visited_on"], datetime.time(12, 0))
    )
    answers = [
        services.AnswerIn(e.serial_no, Question.Kind.SUPPORT, form.support(e.serial_no))
        for e in door.electors
        if form.support(e.serial_no)
    ]
    if data["issues"]:
        answers.append(
            services.AnswerIn(door.serial_no, Question.Kind.ISSUES, data["issues"])
        )
    item = services.VisitIn(
        client_uuid=data["client_uuid"],
        campaign_id=campaign.pk,
        part_id=part.pk,
        serial_no=door.serial_no,
        outcome=data["outcome"],
        at=at,
        survey_version_id=version_id,
        answers=answers,
        notes=data["notes"],
        grievance=data["grievance"],
        worker_id=data["worker"].pk,
    )
    result = services.visits_sync(
        by=_user(request), items=[item], source_worker=data["worker"]
    )
    outcome = result.results[0]
    return None if outcome.status == "accepted" else outcome.error


# Printable walk list and exports -----------------------------------------------------


@require_GET
def walk_pdf(request: HttpRequest, campaign_id: int, part_id: int) -> HttpResponse:
    """A page of the walk list as PDF, with a code per household. Audited."""
    campaign = selectors.campaign_access(request.user, campaign_id)
    try:
        part = access_part(request.user, part_id, action=RECORD)
    except Http404:
        part = access_part(request.user, part_id, action=EXPORT)
    if not services.campaign_covers_part(campaign, part):
        raise Http404
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        raise Http404 from None
    doors = [
        d for d in selectors.walk_list(request.user, campaign, part) if d.page == page
    ]
    if not doors:
        raise Http404
    pdf = walk_list_pdf(campaign=campaign, part=part, page=page, doors=doors)
    services.export_audit(
        by=request.user,
        what="walk_pdf",
        campaign=campaign,
        rows=sum(len(d.electors) for d in doors),
        place=part,
    )
    return pdf_response(pdf, f"walk-{part.ac.number}-{part.number}-page-{page}.pdf")


@require_GET
def export_csv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The latest answers per elector in a unit, as CSV. Needs `export`; audited."""
    campaign = selectors.campaign_access(request.user, campaign_id)
    unit = access_unit(request.user, request.GET.get("unit"), action=EXPORT)
    answers = selectors.visits_for_export(request.user, campaign, unit)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"outreach-{campaign.pk}-{unit.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # spreadsheets read UTF-8 with a byte-order mark
    writer = csv.writer(response)
    writer.writerow(
        ["ac_no", "part_no", "serial_no", "name", "question", "answer", "at", "worker"]
    )
    rows = 0
    for a in answers.iterator(chunk_size=2000):
        worker = a.visit.worker
        writer.writerow(
            [
                a.part.ac.number,
                a.part.number,
                a.serial_no,
                a.voter.name if a.voter else "",
                a.kind,
                " ".join(a.value) if isinstance(a.value, list) else a.value,
                timezone.localtime(a.at).isoformat(timespec="minutes"),
                worker.name if worker else "",
            ]
        )
        rows += 1
    services.export_audit(
        by=request.user, what="answers_csv", campaign=campaign, rows=rows, place=unit
    )
    return response


@require_GET
def flags(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_access(request.user, campaign_id)
    unit = access_unit(request.user, request.GET.get("unit"), action=VIEW)
    counts, rows = selectors.flagged_visits(request.user, campaign, unit, limit=100)
    context = {
        "campaign": campaign,
        "unit": unit,
        "counts": counts,
        "rows": rows,
        "far_km": selectors.FAR_METRES // 1000,
        "burst_n": services.BURST_VISITS,
        "burst_minutes": int(services.BURST_WINDOW.total_seconds() // 60),
        "paste_n": selectors.PASTE_MIN,
    }
    return render(request, "outreach/flags.html", context)


# Follow-ups --------------------------------------------------------------------------


@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", FollowUp.Status.OPEN)
    if status not in FollowUp.Status.values:
        status = FollowUp.Status.OPEN
    # Escalation also happens here, so an overdue grievance reaches the block even
    # where no one runs the `outreach_escalate` command.
    visible_followups = visible(user, VIEW, FollowUp.objects.all())
    services.followups_escalate(scope=Q(pk__in=visible_followups.values("pk")))
    followups = selectors.followups_visible(user, status=status)
    context = {
        "status": status,
        "followups": followups[:200],
        "count": followups.count(),
        "today": timezone.localdate(),
    }
    return render(request, "outreach/followup_list.html", context)


@require_http_methods(["GET", "POST"])
def followup_close(request: HttpRequest, followup_id: int) -> HttpResponse:
    followup = selectors.followup_access(request.user, followup_id)
    one = FollowUp.objects.filter(pk=followup.pk)
    if not (
        visible(request.user, RECORD, one).exists()
        or visible(request.user, MANAGE, one).exists()
    ):
        raise PermissionDenied(
            _("Only the booth team or a leader over it closes this.")
        )
    form = FollowUpCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_close(
                by=_user(request), followup=followup, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up is closed."))
            return redirect("outreach:followup-list")
    return render(
        request, "outreach/followup_close.html", {"followup": followup, "form": form}
    )
