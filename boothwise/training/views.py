"""HTML pages of training: workshops, agenda, invitations, the check-in desk, the call
list and outbox, directives, and coverage.

Each view: access (training/access.py, accounts/access.py) → form → service or
selector → render. Running a workshop needs `manage_training` over its organising unit;
seeing it needs `view_organisation` there, or an invitation to it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from boothwise.accounts.access import access_unit, user_can, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.pdf import pdf_response, render_pdf
from boothwise.organisation.models import Person, PostType, Unit
from boothwise.organisation.selectors import unit_ancestors
from boothwise.training import selectors, services
from boothwise.training.access import (
    access_directive,
    access_invitation,
    access_message,
    access_own_invitation,
    access_session,
    access_workshop,
    directives_visible,
    may_manage,
    workshops_in_scope,
)
from boothwise.training.forms import (
    CheckInForm,
    DirectiveForm,
    DirectiveStatusForm,
    InviteByPostForm,
    OutboxStatusForm,
    RsvpForm,
    SearchForm,
    SessionForm,
    WalkInForm,
    WorkshopEditForm,
    WorkshopForm,
)
from boothwise.training.models import (
    LEVEL_UNITS,
    Directive,
    Invitation,
    Level,
    Session,
    Workshop,
)
from boothwise.training.qr import qr_svg

VIEW = Action.VIEW_ORGANISATION
MANAGE = Action.MANAGE_TRAINING
PER_PAGE = 50
INVITATIONS_PER_PDF = 100


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware
    return request.user


def _int(value: str | None) -> int:
    """A posted id, or 0 (which matches nothing)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _safe_next(request: HttpRequest) -> str:
    """The posted `next` page when it is on this site, else ""."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _fail(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# Workshops ---------------------------------------------------------------------------


@require_GET
def workshop_list(request: HttpRequest) -> HttpResponse:
    workshops = selectors.workshops_list(request.user)
    # An invitee from outside the organising unit sees the workshop, not its figures.
    in_scope = set(
        workshops_in_scope(request.user)
        .filter(pk__in=[w.pk for w in workshops])
        .values_list("pk", flat=True)
    )
    stats = selectors.workshop_stats([w for w in workshops if w.pk in in_scope])
    today = timezone.localdate()
    rows = [(w, stats.get(w.pk)) for w in workshops]
    context = {
        "upcoming": [r for r in rows if r[0].date >= today][::-1],
        "past": [r for r in rows if r[0].date < today],
        "own": selectors.invitations_own(request.user),
        "may_create": selectors.units_for_workshop(request.user).exists(),
    }
    return render(request, "training/workshop_list.html", context)


@require_GET
def curriculum(request: HttpRequest) -> HttpResponse:
    context = {
        "topics": selectors.topics_active(),
        "curricula": selectors.curricula(),
    }
    return render(request, "training/curriculum.html", context)


@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    units = selectors.units_for_workshop(request.user)
    if not units.exists():
        raise Http404
    parent = None
    initial: dict[str, Any] = {}
    if request.GET.get("parent"):
        parent = access_workshop(request.user, request.GET["parent"], action=VIEW)
        initial = _initial_from_parent(parent, units)
    form = WorkshopForm(
        request.POST or None,
        initial=initial,
        units=units,
        parents=selectors.workshops_as_parents(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = services.workshop_create(
                by=request.user,
                title=data["title"],
                level=data["level"],
                unit=data["unit"],
                date=data["date"],
                venue=data["venue"],
                parent=data["parent"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The workshop has been planned."))
            return redirect("training:workshop-detail", workshop.pk)
    return render(
        request, "training/workshop_form.html", {"form": form, "parent": parent}
    )


def _initial_from_parent(parent: Workshop, units: Any) -> dict[str, Any]:
    """A workshop on the lines of `parent`: one level down, at the viewer's unit."""
    levels = list(Level)
    index = min(levels.index(Level(parent.level)) + 1, len(levels) - 1)
    level = levels[index]
    unit = units.filter(
        level__in=LEVEL_UNITS[level], path__startswith=parent.unit.path
    ).first()
    return {
        "parent": parent.pk,
        "level": level.value,
        "unit": unit.pk if unit else None,
        "title": parent.title,
    }


@require_http_methods(["GET", "POST"])
def workshop_edit(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    form = WorkshopEditForm(
        request.POST or None,
        initial={
            "title": workshop.title,
            "date": workshop.date,
            "venue": workshop.venue,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.workshop_update(
            by=request.user, workshop=workshop, **form.cleaned_data
        )
        messages.success(request, _("The workshop has been updated."))
        return redirect("training:workshop-detail", workshop.pk)
    context = {"workshop": workshop, "form": form}
    return render(request, "training/workshop_edit.html", context)


@require_GET
def workshop_detail(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=VIEW)
    manages = may_manage(request.user, workshop)
    sessions = selectors.workshop_sessions(workshop)
    own = (
        Invitation.objects.filter(workshop=workshop, person__user=request.user).first()
        if isinstance(request.user, User)
        else None
    )
    context: dict[str, Any] = {
        "workshop": workshop,
        "manages": manages,
        "sessions": sessions,
        "own": own,
        "gaps": selectors.agenda_gaps(workshop, sessions),
        "parent_visible": workshop.parent_id is not None
        and selectors.workshops_as_parents(request.user)
        .filter(pk=workshop.parent_id)
        .exists(),
        "may_follow": selectors.units_for_workshop(request.user).exists(),
        "today": timezone.localdate(),
    }
    if manages:
        context |= _manage_context(request, workshop, sessions)
    return render(request, "training/workshop_detail.html", context)


def _manage_context(
    request: HttpRequest, workshop: Workshop, sessions: list[Session]
) -> dict[str, Any]:
    counts = selectors.session_counts(workshop)
    return {
        "stats": selectors.workshop_stats([workshop])[workshop.pk],
        "session_rows": [(s, counts.get(s.pk, 0)) for s in sessions],
        "tree": selectors.cascade_tree(request.user, root=workshop),
        "directives": list(
            workshop.directives.select_related("unit").order_by("due_date", "id")
        ),
        "session_form": SessionForm(topics=selectors.topics_active()),
        "directive_form": DirectiveForm(units=_directive_units(request, workshop)),
    }


def _directive_units(request: HttpRequest, workshop: Workshop) -> Any:
    return visible(
        request.user,
        MANAGE,
        Unit.objects.filter(path__startswith=workshop.unit.path).exclude(
            level=Unit.Level.BOOTH
        ),
    ).order_by("path")


# Agenda ------------------------------------------------------------------------------


@require_POST
def session_add(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    form = SessionForm(request.POST, topics=selectors.topics_active())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.session_add(
                by=request.user,
                workshop=workshop,
                topic=data["topic"],
                speaker=data["speaker"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        except ValidationError as error:
            _fail(request, error)
    else:
        for field_errors in form.errors.values():
            for problem in field_errors:
                messages.error(request, str(problem))
    return redirect(reverse("training:workshop-detail", args=[workshop.pk]) + "#agenda")


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id, action=MANAGE)
    form = SessionForm(
        request.POST or None,
        initial={
            "topic": session.topic_id,
            "speaker": session.speaker,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
        },
        topics=selectors.topics_active(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_update(
                by=request.user,
                session=session,
                topic=data["topic"],
                speaker=data["speaker"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            url = reverse("training:workshop-detail", args=[session.workshop_id])
            return redirect(url + "#agenda")
    context = {"session": session, "workshop": session.workshop, "form": form}
    return render(request, "training/session_form.html", context)


@require_POST
def session_remove(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id, action=MANAGE)
    try:
        services.session_remove(by=request.user, session=session)
    except ValidationError as error:
        _fail(request, error)
    url = reverse("training:workshop-detail", args=[session.workshop_id])
    return redirect(url + "#agenda")


# Invitations -------------------------------------------------------------------------


def _invite_units(request: HttpRequest, workshop: Workshop) -> Any:
    return visible(
        request.user,
        MANAGE,
        Unit.objects.filter(path__startswith=workshop.unit.path).exclude(
            level=Unit.Level.BOOTH
        ),
    ).order_by("path")


@require_GET
@vary_on_headers("HX-Request")
def invitation_list(request: HtmxHttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    search = SearchForm(request.GET)
    query = search.query()
    rsvp = request.GET.get("rsvp", "")
    if rsvp not in Invitation.Rsvp.values:
        rsvp = ""
    invitations = selectors.invitations_for_workshop(workshop, rsvp=rsvp, query=query)
    page = Paginator(invitations, PER_PAGE).get_page(request.GET.get("page"))
    stats = selectors.workshop_stats([workshop])[workshop.pk]
    context = {
        "workshop": workshop,
        "page": page,
        "query": query,
        "rsvp": rsvp,
        "search": search,
        "stats": stats,
        "rsvp_choices": Invitation.Rsvp.choices,
        "invite_form": InviteByPostForm(
            initial={
                "post_types": [
                    t.value for t in selectors.INVITE_DEFAULTS[workshop.level]
                ],
                "within": workshop.unit_id,
            },
            post_types=list(selectors.INVITABLE),
            units=_invite_units(request, workshop),
        ),
        "outbox": selectors.outbox_counts(workshop),
        "pdf_batches": _pdf_batches(stats.rsvp.get(rsvp, 0) if rsvp else stats.invited),
    }
    template = "training/invitation_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _pdf_batches(count: int) -> list[tuple[int, int, int]]:
    """(batch number, first, last) of the invitation PDFs for `count` invitees."""
    return [
        (n + 1, start + 1, min(start + INVITATIONS_PER_PDF, count))
        for n, start in enumerate(range(0, count, INVITATIONS_PER_PDF))
    ]


@require_POST
def invite_by_post(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    form = InviteByPostForm(
        request.POST,
        post_types=list(selectors.INVITABLE),
        units=_invite_units(request, workshop),
    )
    if form.is_valid():
        posts = selectors.posts_for_invitation(
            request.user,
            within=form.cleaned_data["within"],
            post_types=form.cleaned_data["post_types"],
        )
        report = services.invitations_by_posts(
            by=request.user, workshop=workshop, posts=posts
        )
        messages.success(
            request,
            _("%(invited)d people invited; %(already)d were already invited.")
            % {"invited": report.invited, "already": report.already},
        )
    else:
        messages.error(request, _("Choose at least one post and a unit."))
    return redirect("training:invitation-list", workshop.pk)


@require_http_methods(["GET", "POST"])
def invitation_add(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Find a person in the organiser's scope by name and invite them."""
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    if request.method == "POST":
        people = visible(request.user, MANAGE, Person.objects.all())
        person = people.filter(pk=_int(request.POST.get("person"))).first()
        if person is None:
            raise Http404
        services.invitation_add(by=request.user, workshop=workshop, person=person)
        messages.success(
            request, _("%(name)s has been invited.") % {"name": person.name}
        )
        return redirect("training:invitation-list", workshop.pk)
    search = SearchForm(request.GET)
    query = search.query()
    context = {
        "workshop": workshop,
        "search": search,
        "query": query,
        "people": selectors.people_invitable(request.user, workshop, query),
    }
    return render(request, "training/invitation_add.html", context)


@require_POST
def invitation_remove(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, invitation_id, action=MANAGE)
    try:
        services.invitation_remove(by=request.user, invitation=invitation)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("The invitation of %(name)s has been withdrawn.")
            % {"name": invitation.person.name},
        )
    return redirect("training:invitation-list", invitation.workshop_id)


def _invitation_for_answer(request: HttpRequest, invitation_id: int) -> Invitation:
    """The organiser records an answer; an invitee gives their own."""
    try:
        return access_invitation(request.user, invitation_id, action=MANAGE)
    except Http404:
        return access_own_invitation(request.user, invitation_id)


@require_POST
def rsvp(request: HtmxHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_for_answer(request, invitation_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        raise Http404
    services.rsvp_set(
        by=request.user, invitation=invitation, rsvp=form.cleaned_data["rsvp"]
    )
    if request.htmx:
        return render(request, "training/_rsvp.html", {"invitation": invitation})
    messages.success(request, _("The answer has been recorded."))
    return redirect(
        _safe_next(request)
        or reverse("training:workshop-detail", args=[invitation.workshop_id])
    )


# Printed invitations -----------------------------------------------------------------


def _invitation_pdf_context(
    request: HttpRequest, workshop: Workshop, invitations: list[Invitation]
) -> dict[str, Any]:
    desk = request.build_absolute_uri(reverse("training:desk", args=[workshop.pk]))
    return {
        "workshop": workshop,
        "sessions": selectors.workshop_sessions(workshop),
        "cards": [
            (i, qr_svg(f"{desk}?q={i.code}"), selectors.place_label(i.post))
            for i in invitations
        ],
        "site_name": _site_name(),
    }


def _site_name() -> str:
    return str(settings.SITE_NAME)


@require_GET
def invitation_pdf(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_for_answer(request, invitation_id)
    invitation = (
        selectors.invitations_for_workshop(invitation.workshop)
        .select_related("workshop__unit")
        .get(pk=invitation.pk)
    )
    context = _invitation_pdf_context(request, invitation.workshop, [invitation])
    pdf = render_pdf("training/invitations_pdf.html", context, request=request)
    return pdf_response(pdf, f"invitation-{invitation.code}.pdf")


@require_GET
def invitations_pdf(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """All invitations (or those with one answer), one per A5 page, for printing."""
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    rsvp = request.GET.get("rsvp", "")
    everyone = selectors.invitations_for_workshop(
        workshop, rsvp=rsvp if rsvp in Invitation.Rsvp.values else ""
    )
    # A few hundred A5 pages take WeasyPrint a while; print in batches.
    batch = Paginator(everyone, INVITATIONS_PER_PDF).get_page(request.GET.get("page"))
    invitations = list(batch.object_list)
    context = _invitation_pdf_context(request, workshop, invitations)
    pdf = render_pdf("training/invitations_pdf.html", context, request=request)
    services.export_record(
        by=request.user,
        what="invitations",
        obj=workshop,
        rows=len(invitations),
        file_format="pdf",
    )
    return pdf_response(pdf, f"invitations-{workshop.pk}-{batch.number}.pdf")


# Call list and outbox ------------------------------------------------------------------


@require_GET
def call_list(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """A printable list of invitees to ring, with the numbers held with consent."""
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    rsvp = request.GET.get("rsvp", "")
    if rsvp not in Invitation.Rsvp.values:
        rsvp = ""
    rows = selectors.call_list(workshop, rsvp=rsvp)
    services.export_record(
        by=request.user,
        what="call_list",
        obj=workshop,
        rows=len(rows),
        file_format="html",
    )
    context = {
        "workshop": workshop,
        "rows": rows,
        "rsvp": rsvp,
        "rsvp_choices": Invitation.Rsvp.choices,
    }
    return render(request, "training/call_list.html", context)


CALL_HEADER = (
    "code",
    "name",
    "name_en",
    "post",
    "place",
    "phone",
    "rsvp",
)


@require_GET
def call_list_csv(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    rows = selectors.call_list(workshop)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CALL_HEADER)
    for row in rows:
        i = row.invitation
        writer.writerow(
            [
                i.code,
                i.person.name,
                i.person.name_en,
                i.post.get_post_type_display() if i.post else i.get_source_display(),
                row.place,
                row.phone,
                i.rsvp,
            ]
        )
    services.export_record(
        by=request.user,
        what="call_list",
        obj=workshop,
        rows=len(rows),
        file_format="csv",
    )
    return _csv_response(out.getvalue(), f"call-list-{workshop.pk}.csv")


@require_GET
def call_list_pdf(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    rsvp = request.GET.get("rsvp", "")
    rows = selectors.call_list(
        workshop, rsvp=rsvp if rsvp in Invitation.Rsvp.values else ""
    )
    pdf = render_pdf(
        "training/call_list_pdf.html",
        {"workshop": workshop, "rows": rows},
        request=request,
    )
    services.export_record(
        by=request.user,
        what="call_list",
        obj=workshop,
        rows=len(rows),
        file_format="pdf",
    )
    return pdf_response(pdf, f"call-list-{workshop.pk}.pdf")


def _csv_response(text: str, filename: str) -> HttpResponse:
    # A byte-order mark lets spreadsheet programs read the Devanagari as UTF-8.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def reminders(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    invitations = list(
        workshop.invitations.select_related("person__phone_consent").order_by("id")
    )
    report = services.reminders_queue(
        by=request.user, workshop=workshop, invitations=invitations
    )
    messages.success(
        request,
        _(
            "%(queued)d reminders queued; %(no_phone)d invitees have no phone number "
            "held with consent (see the call list); %(skipped)d skipped (said no, or a "
            "reminder is already waiting)."
        )
        % {
            "queued": report.queued,
            "no_phone": report.no_phone,
            "skipped": report.skipped,
        },
    )
    return redirect("training:outbox", workshop.pk)


@require_GET
def outbox(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    page = Paginator(
        workshop.outbox.select_related("invitation__person").order_by("-id"), PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "workshop": workshop,
        "page": page,
        "counts": selectors.outbox_counts(workshop),
        "no_phone": services.NO_PHONE,
    }
    return render(request, "training/outbox.html", context)


@require_POST
def outbox_status(request: HttpRequest, message_id: int) -> HttpResponse:
    message = access_message(request.user, message_id, action=MANAGE)
    form = OutboxStatusForm(request.POST)
    if form.is_valid():
        services.outbox_status_set(
            by=request.user, message=message, status=form.cleaned_data["status"]
        )
    return redirect("training:outbox", message.workshop_id)


# The check-in desk -------------------------------------------------------------------


def _desk_session(
    request: HttpRequest, workshop: Workshop, sessions: list[Session]
) -> Session | None:
    wanted = request.GET.get("session") or request.POST.get("session")
    for session in sessions:
        if str(session.pk) == wanted:
            return session
    return selectors.session_current(sessions, workshop)


@require_GET
@vary_on_headers("HX-Request")
def desk(request: HtmxHttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    sessions = selectors.workshop_sessions(workshop)
    session = _desk_session(request, workshop, sessions)
    search = SearchForm(request.GET)
    query = search.query()
    found = selectors.desk_search(workshop, query)
    context = {
        "workshop": workshop,
        "sessions": sessions,
        "session": session,
        "query": query,
        "rows": selectors.desk_rows(workshop, found),
        "counts": selectors.session_counts(workshop),
        "invited": workshop.invitations.count(),
        "new_uuid": CheckInForm.new_uuid,
    }
    template = "training/desk.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_POST
def check_in(request: HtmxHttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    session = (
        workshop.sessions.select_related("topic").filter(pk=data["session"]).first()
    )
    invitation = (
        selectors.invitations_for_workshop(workshop)
        .filter(pk=data["invitation"])
        .first()
    )
    if session is None or invitation is None:
        raise Http404
    services.attendance_mark(
        by=_user(request),
        session=session,
        invitation=invitation,
        client_uuid=data["client_uuid"],
        kind=data["kind"],
    )
    if request.htmx:
        row = selectors.desk_rows(workshop, [invitation])[0]
        context = {
            "workshop": workshop,
            "sessions": selectors.workshop_sessions(workshop),
            "session": session,
            "row": row,
            "query": data["q"],
            "new_uuid": CheckInForm.new_uuid,
            # The counter above the search box is refreshed out of band.
            "oob": True,
            "counts": selectors.session_counts(workshop),
            "invited": workshop.invitations.count(),
        }
        return render(request, "training/_desk_row.html", context)
    url = reverse("training:desk", args=[workshop.pk])
    return redirect(f"{url}?session={session.pk}&q={invitation.code}")


@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Register someone who came without an invitation, and check them in."""
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    sessions = selectors.workshop_sessions(workshop)
    session = _desk_session(request, workshop, sessions)
    units = visible(
        request.user, MANAGE, Unit.objects.filter(path__startswith=workshop.unit.path)
    ).order_by("path")
    search = SearchForm(request.GET)
    query = search.query()
    form = WalkInForm(
        request.POST or None, initial={"unit": workshop.unit_id}, units=units
    )
    if request.method == "POST":
        invitation = _walk_in_register(request, workshop, form)
        if invitation is not None:
            if session is not None:
                services.attendance_mark(
                    by=_user(request),
                    session=session,
                    invitation=invitation,
                    client_uuid=request.POST.get("client_uuid")
                    or CheckInForm.new_uuid(),
                )
            messages.success(
                request,
                _("%(name)s is registered as a walk-in (code %(code)s).")
                % {"name": invitation.person.name, "code": invitation.code},
            )
            url = reverse("training:desk", args=[workshop.pk])
            return redirect(
                f"{url}?session={session.pk if session else ''}&q={invitation.code}"
            )
    context = {
        "workshop": workshop,
        "session": session,
        "form": form,
        "search": search,
        "query": query,
        "people": selectors.people_invitable(request.user, workshop, query),
        "new_uuid": CheckInForm.new_uuid,
    }
    return render(request, "training/walk_in.html", context)


def _walk_in_register(
    request: HttpRequest, workshop: Workshop, form: WalkInForm
) -> Invitation | None:
    person_id = request.POST.get("person")
    try:
        if person_id:
            people = visible(request.user, MANAGE, Person.objects.all())
            person = people.filter(pk=_int(person_id)).first()
            if person is None:
                raise Http404
            return services.walkin_register(
                by=_user(request), workshop=workshop, person=person
            )
        if form.is_valid():
            return services.walkin_register(
                by=_user(request),
                workshop=workshop,
                name=form.cleaned_data["name"],
                name_en=form.cleaned_data["name_en"],
                unit=form.cleaned_data["unit"],
            )
    except ValidationError as error:
        form.add_error(None, error.messages)
    return None


# Directives --------------------------------------------------------------------------


@require_POST
def directive_create(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, workshop_id, action=MANAGE)
    form = DirectiveForm(request.POST, units=_directive_units(request, workshop))
    if form.is_valid():
        try:
            services.directive_create(
                by=request.user,
                workshop=workshop,
                unit=form.cleaned_data["unit"],
                text=form.cleaned_data["text"],
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("The directive has been recorded."))
    else:
        messages.error(request, _("Write the directive and choose a unit."))
    url = reverse("training:workshop-detail", args=[workshop.pk])
    return redirect(url + "#directives")


@require_GET
def directive_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Directive.Status.OPEN)
    if status not in Directive.Status.values:
        status = Directive.Status.OPEN
    directives = (
        directives_visible(request.user)
        .filter(status=status)
        .select_related("unit", "workshop")
        .order_by("due_date", "id")
    )
    page = Paginator(directives, PER_PAGE).get_page(request.GET.get("page"))
    managed = set(
        directives_visible(request.user, MANAGE)
        .filter(pk__in=[d.pk for d in page.object_list])
        .values_list("pk", flat=True)
    )
    context = {
        "page": page,
        "status": status,
        "statuses": Directive.Status.choices,
        "managed": managed,
        "today": timezone.localdate(),
    }
    return render(request, "training/directive_list.html", context)


@require_POST
def directive_status(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = access_directive(request.user, directive_id, action=MANAGE)
    form = DirectiveStatusForm(request.POST)
    if form.is_valid():
        services.directive_status_set(
            by=request.user,
            directive=directive,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The directive has been updated."))
    return redirect(_safe_next(request) or reverse("training:directive-list"))


# Coverage ----------------------------------------------------------------------------


@require_GET
def coverage_home(request: HttpRequest) -> HttpResponse:
    units = list(selectors.coverage_units(request.user)[:50])
    if len(units) == 1:
        return redirect("training:coverage", units[0].pk)
    return render(request, "training/coverage_home.html", {"units": units})


def _coverage_context(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    cov = selectors.coverage(request.user, unit)
    return {
        "unit": unit,
        "cov": cov,
        "groups": selectors.GROUPS,
        "untrained": cov.untrained,
        "tree": selectors.cascade_tree(request.user, within=unit),
        "directives": selectors.directives_pending(request.user, unit),
        "today": timezone.localdate(),
    }


UNTRAINED_ON_PAGE = 300


@require_GET
def coverage(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id, action=VIEW)
    context = _coverage_context(request, unit)
    context |= {
        "crumbs": unit_ancestors(request.user, unit),
        "untrained_shown": context["untrained"][:UNTRAINED_ON_PAGE],
        "may_export": user_can(request.user, Action.EXPORT)
        and _may_export_unit(request, unit),
    }
    return render(request, "training/coverage.html", context)


def _may_export_unit(request: HttpRequest, unit: Unit) -> bool:
    try:
        access_unit(request.user, unit.pk, action=Action.EXPORT)
    except Http404:
        return False
    return True


def _export_unit(request: HttpRequest, unit_id: int) -> Unit:
    unit = access_unit(request.user, unit_id, action=VIEW)
    if not _may_export_unit(request, unit):
        raise PermissionDenied(_("Your post does not allow exporting lists."))
    return unit


COVERAGE_HEADER = (
    "block",
    "booth",
    "post",
    "place",
    "name",
    "name_en",
    "trained",
    "trained_level",
    "trained_on",
)


@require_GET
def coverage_csv(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _export_unit(request, unit_id)
    cov = selectors.coverage(request.user, unit)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COVERAGE_HEADER)
    for h in cov.holders:
        writer.writerow(
            [
                h.block.name if h.block else "",
                h.booth.name if h.booth else "",
                PostType(h.post.post_type).label,
                selectors.place_label(h.post),
                h.post.person.name,
                h.post.person.name_en,
                "yes" if h.trained else "no",
                h.trained.level if h.trained else "",
                h.trained.on.isoformat() if h.trained else "",
            ]
        )
    services.export_record(
        by=request.user,
        what="coverage",
        obj=unit,
        rows=len(cov.holders),
        file_format="csv",
    )
    return _csv_response(out.getvalue(), f"training-coverage-{unit.pk}.csv")


@require_GET
def coverage_pdf(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _export_unit(request, unit_id)
    context = _coverage_context(request, unit)
    context |= {"site_name": _site_name(), "generated": timezone.localtime()}
    pdf = render_pdf("training/coverage_pdf.html", context, request=request)
    services.export_record(
        by=request.user,
        what="coverage",
        obj=unit,
        rows=len(context["cov"].holders),
        file_format="pdf",
    )
    return pdf_response(pdf, f"training-coverage-{unit.pk}.pdf")
