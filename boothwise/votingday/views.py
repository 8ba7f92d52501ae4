"""HTML pages of polling day.

Each view: access (accounts/access.py) → form → service or selector → render. The
marking page is also the offline client's shell: it carries the booth's roll (serial,
name, EPIC) so serials resolve to names at once, with or without a network, and its
marks wait in an IndexedDB outbox (static/js/outbox.js) until they sync.
"""

from __future__ import annotations

import datetime
import re
import uuid
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boothwise.accounts.access import (
    access_ac,
    access_part,
    access_part_any,
    access_unit,
    scope_for,
    visible,
)
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.offline import service_worker_response
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.rolls.models import Voter
from boothwise.votingday import selectors, services
from boothwise.votingday.charts import turnout_chart
from boothwise.votingday.forms import (
    IncidentActionForm,
    IncidentForm,
    MarkEntryForm,
    TurnoutForm,
    UndoForm,
)
from boothwise.votingday.models import Nudge, TurnoutEntry, VotedMark
from boothwise.votingday.services import MARK, SUPERVISE

WAR_ROOM = Action.VIEW_WAR_ROOM
_EPIC_RE = re.compile(r"^[A-Z]{2,4}\d{4,}$|^[A-Z]{2}/\d+/\d+/\d+$")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mark = list(visible(user, MARK, Part.objects.select_related("ac"))[:100])
    supervise = list(
        visible(user, SUPERVISE, Part.objects.select_related("ac")).exclude(
            pk__in=[p.pk for p in mark]
        )[:100]
    )
    report_ids = set(
        visible(
            user,
            Action.REPORT_INCIDENT,
            Part.objects.filter(pk__in=[p.pk for p in mark]),
        ).values_list("pk", flat=True)
    )
    context = {
        "mark_parts": mark,
        "supervise_parts": supervise,
        "report_ids": report_ids,
    }
    return render(request, "votingday/home.html", context)


@require_http_methods(["GET", "POST"])
def mark(request: HttpRequest, part_id: int) -> HttpResponse:
    user = _user(request)
    part, action = access_part_any(request.user, part_id, MARK, SUPERVISE)
    can_mark = action == MARK
    results: list[services.MarkResult] = []
    candidates: list[object] = []
    form = MarkEntryForm(initial={"entry": uuid.uuid4(), "source": "desk"})
    if request.method == "POST":
        if not can_mark:
            raise Http404
        form = MarkEntryForm(request.POST)
        if form.is_valid():
            try:
                results, candidates = _enter(user, part, form.cleaned_data)
            except ValidationError as error:
                form.add_error("text", error)
            else:
                form = MarkEntryForm(
                    initial={
                        "entry": uuid.uuid4(),
                        "source": form.cleaned_data["source"],
                    }
                )
    can_supervise = (
        action == SUPERVISE
        or visible(user, SUPERVISE, Part.objects.filter(pk=part.pk)).exists()
    )
    config = {
        "part": part.pk,
        "user": user.pk,
        "syncUrl": reverse("api:votingday_marks_record"),
        "findUrl": reverse("api:votingday_find_voter", args=[part.pk]),
        "swUrl": reverse("votingday:service-worker"),
        "swScope": reverse("votingday:home"),
        "pageCache": PAGE_CACHE,
        "roll": selectors.booth_roll(user, part) if can_mark else [],
        "strings": _client_strings(),
    }
    context = {
        "part": part,
        "form": form,
        "can_mark": can_mark,
        "results": results,
        "candidates": candidates,
        "config": config,
        "marked": selectors.marks_of_part(user, part).count() if can_mark else None,
        "supervised": (
            list(selectors.marks_to_supervise(user, part)[:50]) if can_supervise else []
        ),
        "undo_form": UndoForm(),
    }
    return render(request, "votingday/mark.html", context)


def _enter(
    user: User, part: Part, data: dict[str, object]
) -> tuple[list[services.MarkResult], list[object]]:
    """Marks for what was typed: serials, one EPIC, or a name with one match."""
    text = str(data["text"]).strip()
    entry = data["entry"]
    assert isinstance(entry, uuid.UUID)
    serials = services.parse_serials(text)
    candidates: list[object] = []
    if serials is None:
        roll = selectors.booth_roll(user, part)
        upper = text.upper().replace(" ", "")
        if _EPIC_RE.match(upper):
            serials = [v["s"] for v in roll if v["epic"] == upper]  # type: ignore[misc]
            if not serials:
                raise ValidationError(
                    _("EPIC %(epic)s is not on this booth's roll.") % {"epic": upper}
                )
        else:
            found = selectors.find_in_booth(user, part, text)
            if len(found) != 1:
                if not found:
                    raise ValidationError(_("No elector of this booth by that name."))
                return [], list(found)
            serials = [found[0].serial_no]
    now = timezone.now()
    items = [
        services.MarkIn(
            client_uuid=uuid.uuid5(entry, str(serial)),
            part_id=part.pk,
            serial_no=serial,
            source=str(data["source"]),
            entered_at=now,
            device="web",
        )
        for serial in serials
    ]
    results: list[services.MarkResult] = []
    for start in range(0, len(items), services.MAX_BATCH):
        chunk = items[start : start + services.MAX_BATCH]
        results += services.marks_record(by=user, items=chunk)
    return results, candidates


@require_POST
def mark_undo(request: HttpRequest, part_id: int, mark_id: int) -> HttpResponse:
    user = _user(request)
    part = access_part(user, part_id, action=SUPERVISE)
    form = UndoForm(request.POST)
    if not VotedMark.objects.filter(pk=mark_id, part=part).exists():
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Give the reason for the undo."))
        return redirect("votingday:mark", part.pk)
    try:
        undo = services.mark_undo(
            by=user, mark_id=mark_id, reason=form.cleaned_data["reason"]
        )
    except VotedMark.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _("Mark of serial %(n)d undone.") % {"n": undo.mark.serial_no},
    )
    return redirect("votingday:mark", part.pk)


@require_http_methods(["GET", "POST"])
def turnout(request: HttpRequest, part_id: int) -> HttpResponse:
    user = _user(request)
    part, action = access_part_any(request.user, part_id, MARK, WAR_ROOM)
    can_enter = action == MARK
    form = TurnoutForm()
    if request.method == "POST":
        if not can_enter:
            raise Http404
        form = TurnoutForm(request.POST)
        if form.is_valid():
            try:
                services.turnout_enter(
                    by=user,
                    part=part,
                    slot=form.cleaned_data["slot"],
                    count=form.cleaned_data["count"],
                )
            except ValidationError as error:
                form.add_error("count", error)
            else:
                slot = form.cleaned_data["slot"]
                if slot in selectors.turnout_accepted(part):
                    messages.success(request, _("Both entries match: figure accepted."))
                else:
                    messages.info(
                        request,
                        _("Entry saved. Enter the same figure again to confirm."),
                    )
                return redirect("votingday:turnout", part.pk)
    accepted = selectors.turnout_accepted(part)
    pending = selectors.turnout_pending(part)
    day = _poll_day(user, part, action)
    party = selectors.marks_by_slot(user, part, action, day)
    rows = []
    for slot, label in TurnoutEntry.Slot.choices:
        official = accepted.get(slot)
        marks = party.get(slot)
        rows.append(
            {
                "slot": slot,
                "label": label,
                "official": official,
                "pending": pending.get(slot),
                "marks": marks,
                "gap": (
                    official - marks
                    if official is not None and marks is not None
                    else None
                ),
            }
        )
    context = {
        "part": part,
        "form": form,
        "can_enter": can_enter,
        "rows": rows,
        "day": day,
        "chart": turnout_chart(rows),
    }
    return render(request, "votingday/turnout.html", context)


def _poll_day(user: User, part: Part, action: Action) -> datetime.date:
    """The day of the booth's latest mark, else today."""
    latest = selectors.latest_mark_at(user, part, action)
    if latest is None:
        return timezone.localdate()
    return timezone.localtime(latest).date()


def _client_strings() -> dict[str, str]:
    return {
        "waiting": _("%(n)s waiting to send"),
        "allSent": _("All marks sent"),
        "offline": _("Offline: marks are kept on this phone"),
        "notOnRoll": _("Serial %(n)s is not on your list for this booth."),
        "epicNotFound": _("EPIC %(epic)s is not on this booth's roll."),
        "noName": _("No elector of this booth by that name."),
        "badRange": _("%(range)s is not a range of serial numbers."),
        "rejected": _("Refused by the server"),
        "already": _("already marked"),
        "pick": _("Tap the elector who voted:"),
    }


PAGE_CACHE = "bw-votingday-pages-v1"
SW_ASSETS = (
    "css/app.css",
    "favicon.svg",
    "vendor/htmx/htmx-2.0.8.min.js",
    "js/outbox.js",
    "votingday/mark.js",
)


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker of the marking page, served at the voting-day root so its
    scope covers the pages."""
    return service_worker_response(
        request,
        name="votingday",
        scope=reverse("votingday:home"),
        assets=SW_ASSETS,
        page_cache=PAGE_CACHE,
        page_suffix="mark",
    )


@require_GET
def supporters(request: HttpRequest, part_id: int) -> HttpResponse:
    """Supporters of the booth (or the page in-charge's page) not yet voted."""
    user = _user(request)
    part = access_part(user, part_id, action=MARK)
    view = selectors.supporters(user, part)
    context = {
        "part": part,
        "view": view,
        "kinds": Nudge.Kind.choices,
    }
    if request.headers.get("HX-Request"):
        return render(request, "votingday/_supporters.html", context)
    return render(request, "votingday/supporters.html", context)


@require_POST
def nudge(request: HttpRequest, part_id: int, serial_no: int) -> HttpResponse:
    user = _user(request)
    part = access_part(user, part_id, action=MARK)
    try:
        services.nudge_record(
            by=user, part=part, serial_no=serial_no, kind=request.POST.get("kind", "")
        )
    except Voter.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("votingday:supporters", part.pk)


REPORT = Action.REPORT_INCIDENT
LEVEL_LABELS = {
    selectors.Level.BOOTH: gettext_lazy("With the booth"),
    selectors.Level.BLOCK: gettext_lazy("With the block"),
    selectors.Level.AC: gettext_lazy("With the AC war room"),
}


@require_http_methods(["GET", "POST"])
def incident_report(request: HttpRequest, part_id: int) -> HttpResponse:
    user = _user(request)
    part = access_part(user, part_id, action=REPORT)
    form = IncidentForm()
    if request.method == "POST":
        form = IncidentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = services.incident_report(
                    by=user,
                    part=part,
                    kind=data["kind"],
                    severity=data["severity"],
                    note=data["note"],
                    photo=data["photo"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Incident reported."))
                return redirect("votingday:incident-detail", incident.pk)
    return render(request, "votingday/incident_form.html", {"part": part, "form": form})


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    show_closed = request.GET.get("closed") == "1"
    incidents = selectors.incidents_visible(user)
    if not show_closed:
        incidents = incidents.filter(closed_at__isnull=True)
    rows = [
        {
            "incident": i,
            "level": selectors.incident_level(i, now),
            "minutes": int(
                ((i.closed_at or now) - i.reported_at).total_seconds() // 60
            ),
        }
        for i in incidents.order_by("reported_at")[:200]
    ]
    order = {selectors.Level.AC: 0, selectors.Level.BLOCK: 1, selectors.Level.BOOTH: 2}
    rows.sort(key=lambda r: (order[str(r["level"])], -int(str(r["minutes"]))))
    for row in rows:
        row["level_label"] = LEVEL_LABELS[str(row["level"])]
    return render(
        request,
        "votingday/incident_list.html",
        {"rows": rows, "show_closed": show_closed},
    )


@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = _user(request)
    incident = selectors.incident_access(user, incident_id)
    can_act = visible(user, REPORT, Part.objects.filter(pk=incident.part_id)).exists()
    form = IncidentActionForm()
    if request.method == "POST":
        if not can_act:
            raise Http404
        form = IncidentActionForm(request.POST)
        if form.is_valid():
            try:
                services.incident_act(
                    by=user,
                    incident=incident,
                    note=form.cleaned_data["note"],
                    closes=form.cleaned_data["closes"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("votingday:incident-detail", incident.pk)
    now = timezone.now()
    level = selectors.incident_level(incident, now)
    context = {
        "incident": incident,
        "actions": list(incident.actions.select_related("by")),
        "level_label": LEVEL_LABELS[level],
        "minutes": int(
            ((incident.closed_at or now) - incident.reported_at).total_seconds() // 60
        ),
        "form": form,
        "can_act": can_act and incident.closed_at is None,
    }
    return render(request, "votingday/incident_detail.html", context)


@require_GET
def incident_photo(request: HttpRequest, incident_id: int) -> FileResponse:
    incident = selectors.incident_access(_user(request), incident_id)
    if not incident.photo:
        raise Http404
    path = services.photo_dir() / incident.photo
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=PHOTO_TYPES[path.suffix])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


PHOTO_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def _war_room_parts(request: HttpRequest) -> tuple[object, QuerySet[Part]] | None:
    """The place (`?ac=` or `?unit=`) and its booths in the user's war-room scope;
    None when no place was asked for. 404 outside the scope."""
    user = _user(request)
    parts = visible(user, WAR_ROOM, Part.objects.all())
    if request.GET.get("ac"):
        ac = access_ac(user, request.GET["ac"], action=WAR_ROOM)
        return ac, parts.filter(ac=ac)
    if request.GET.get("unit"):
        unit = access_unit(user, request.GET["unit"], action=WAR_ROOM)
        return unit, parts.filter(booth__path__startswith=unit.path)
    return None


@require_GET
def war_room(request: HttpRequest) -> HttpResponse:
    """Every booth of an AC (`?ac=`) or a party unit such as a city (`?unit=`)."""
    user = _user(request)
    found = _war_room_parts(request)
    if found is None:
        scope = scope_for(user, WAR_ROOM)
        if scope.is_empty:
            raise Http404
        context = {
            "acs": list(
                visible(user, WAR_ROOM, AssemblyConstituency.objects.all()).order_by(
                    "number"
                )[:100]
            ),
            "units": [p.unit for p in scope.posts if p.unit is not None],
        }
        return render(request, "votingday/war_room_index.html", context)
    place, parts = found
    room = selectors.war_room(parts, timezone.now())
    context = {
        "room": room,
        "rows_html": _war_room_rows(room),
        "place": place,
        "query": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "votingday/_war_room.html", context)
    return render(request, "votingday/war_room.html", context)


def _war_room_rows(room: selectors.WarRoom) -> SafeString:
    """The war room's table rows. Its 300 or so rows refresh every 15 s on every
    screen of the war room, so they are formatted here in one pass with the standard
    library's escape (the template engine, and format_html, took longer than all the
    rest of the page)."""
    silent_class = ' class="vd-silent"'
    silent_badge = f' <span class="badge warn">{escape(_("silent"))}</span>'
    report_label, minutes = escape(_("Booth report")), escape(_("min"))
    incidents_url = escape(reverse("votingday:incident-list"))
    cells: list[str] = []
    for r in room.rows:
        past = ""
        if room.past_known:
            past = f"<td>{'—' if r.past_turnout is None else r.past_turnout}</td>"
        incidents = "0"
        if r.open_incidents:
            incidents = (
                f'<a href="{incidents_url}">{r.open_incidents}</a> · '
                f"{r.oldest_incident_min} {minutes}"
            )
        silent = r.silent
        cells.append(
            f'<tr{silent_class if silent else ""} data-part="{r.part_id}">'
            f'<td><a href="{escape(r.turnout_url)}">{escape(r.label)}</a> · '
            f'<a href="{escape(r.report_url)}" class="muted">{report_label}</a></td>'
            f"<td>{r.marked} / {r.electors}</td><td>{r.percent}</td>{past}"
            f"<td>{r.supporters_waiting}</td>"
            f"<td>{r.last_mark_hm or '—'}{silent_badge if silent else ''}</td>"
            f"<td>{incidents}</td></tr>\n"
        )
    return mark_safe("".join(cells))  # noqa: S308 (every text above is escaped)


@require_POST
def war_room_count(request: HttpRequest) -> HttpResponse:
    """Count the place's booths afresh: electors, supporters and marks."""
    found = _war_room_parts(request)
    if found is None:
        raise Http404
    _place, parts = found
    ids = list(parts.values_list("pk", flat=True))
    done = services.tally_count(ids)
    selectors.reconcile_forget(ids)
    messages.success(
        request,
        ngettext("%(n)d booth counted again.", "%(n)d booths counted again.", done)
        % {"n": done},
    )
    return redirect(reverse("votingday:war-room") + "?" + request.GET.urlencode())
