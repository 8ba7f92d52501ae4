"""HTML pages of the party organisation: home, units, booths, people, posts, audit.

Each view: access (accounts/access.py) → form → service or selector → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from boothwise.accounts.access import (
    access_ac,
    access_booth,
    access_part,
    access_person,
    access_post,
    access_unit,
    can_manage_post,
)
from boothwise.accounts.permissions import Action
from boothwise.geography.models import Part
from boothwise.geography.selectors import osm_url
from boothwise.organisation import selectors, services
from boothwise.organisation.forms import PostAppointForm, PostRelieveForm, SearchForm
from boothwise.organisation.models import Post, PostType, Unit
from boothwise.organisation.selectors import Place, booth_of

VIEW = Action.VIEW_ORGANISATION
MANAGE = Action.MANAGE_POSTS
PER_PAGE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _page(
    request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE
) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def unit_url(unit: Unit) -> str:
    if unit.level == Unit.Level.BOOTH:
        return reverse("organisation:booth-detail", args=[unit.pk])
    return reverse("organisation:unit-detail", args=[unit.pk])


def part_url(part: Part) -> str:
    booth = booth_of(part)
    if booth is not None:
        return unit_url(booth)
    return reverse("geography:part-detail", args=[part.pk])


def place_url(place: Place) -> str:
    if place.unit is not None:
        return unit_url(place.unit)
    if place.ac is not None:
        return reverse("geography:ac-detail", args=[place.ac.pk])
    assert place.part is not None
    return part_url(place.part)


def post_place_url(post: Post) -> str:
    return place_url(Place(unit=post.unit, ac=post.ac, part=post.part))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    own_posts = selectors.posts_held_by(user)
    context: dict[str, Any] = {"own_posts": own_posts}
    if own_posts:
        tops = selectors.units_outermost(user)
        context |= {
            "stats": selectors.home_stats(user),
            "top_units": tops[:20],
            "more_units": tops.count() > 20,
            "weakest": selectors.booths_weakest(user),
        }
    return render(request, "organisation/home.html", context)


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.units_outermost(request.user))
    units = list(page.object_list)
    counts = selectors.committee_counts_by_unit(units)
    rows = [(unit, counts[unit.pk]) for unit in units]
    return render(request, "organisation/unit_list.html", {"page": page, "rows": rows})


@require_GET
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id, action=VIEW)
    if unit.level == Unit.Level.BOOTH:
        return redirect("organisation:booth-detail", unit.pk)
    children = selectors.unit_children(request.user, unit)
    counts = selectors.committee_counts_by_unit([unit, *children])
    context = {
        "unit": unit,
        "crumbs": selectors.unit_ancestors(request.user, unit),
        "totals": counts[unit.pk],
        "rows": [(child, counts[child.pk]) for child in children],
        "office_bearers": selectors.unit_office_bearers(unit),
        "may_appoint": bool(
            selectors.post_types_appointable(request.user, Place(unit=unit))
        ),
    }
    return render(request, "organisation/unit_detail.html", context)


@require_GET
def booth_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    booth = access_booth(request.user, unit_id, action=VIEW)
    assert booth.part is not None
    part = booth.part
    appointable = selectors.post_types_appointable(request.user, Place(unit=booth))
    page_appointable = selectors.post_types_appointable(request.user, Place(part=part))
    context = {
        "booth": booth,
        "part": part,
        "osm_url": osm_url(part),
        "crumbs": selectors.unit_ancestors(request.user, booth),
        "committee": selectors.booth_committee(booth),
        "appointable": {str(t) for t in appointable},
        "may_appoint_page": bool(page_appointable),
        "member_slots": selectors.COMMITTEE_MEMBER_SLOTS,
    }
    return render(request, "organisation/booth_detail.html", context)


@require_GET
@vary_on_headers("HX-Request")
def person_list(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.query()
    page = _page(request, selectors.people_search(request.user, query))
    template = "organisation/person_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page, "query": query})


@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id, action=VIEW)
    posts = selectors.person_posts(request.user, person)
    context = {
        "person": person,
        "phone": selectors.person_phone(person),
        "current": [(p, _may_relieve(request, p)) for p in posts.current],
        "past": posts.past,
    }
    return render(request, "organisation/person_detail.html", context)


def _may_relieve(request: HttpRequest, post: Post) -> bool:
    return can_manage_post(
        request.user,
        PostType(post.post_type),
        unit=post.unit,
        ac=post.ac,
        part=post.part,
    )


def _place_from_query(request: HttpRequest) -> Place:
    """The place named by ?unit=, ?ac= or ?part=, if the viewer may manage posts there."""
    given = [key for key in ("unit", "ac", "part") if request.GET.get(key)]
    if len(given) != 1:
        raise Http404
    key = given[0]
    value = request.GET[key]
    if key == "unit":
        return Place(unit=access_unit(request.user, value, action=MANAGE))
    if key == "ac":
        return Place(ac=access_ac(request.user, value, action=MANAGE))
    return Place(part=access_part(request.user, value, action=MANAGE))


@require_http_methods(["GET", "POST"])
def post_appoint(request: HttpRequest) -> HttpResponse:
    place = _place_from_query(request)
    post_types = selectors.post_types_appointable(request.user, place)
    if not post_types:
        raise PermissionDenied
    search = SearchForm(request.GET)
    preselect = request.GET.get("post_type")
    form = PostAppointForm(
        request.POST or None,
        initial={"post_type": preselect} if preselect else {},
        people=selectors.people_search(request.user),
        post_types=post_types,
        is_page=place.part is not None,
        can_register=place.home_unit is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = _appoint(request, place, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(person)s is now %(post)s.")
                % {"person": post.person.name, "post": post.get_post_type_display()},
            )
            return redirect(place_url(place))
    candidates = selectors.people_for_place(request.user, place, search.query())
    context = {
        "place": place,
        "place_url": place_url(place),
        "form": form,
        "search": search,
        "candidates": candidates[:100],
        "selected": str(form["person"].value() or ""),
    }
    return render(request, "organisation/post_appoint.html", context)


def _appoint(request: HttpRequest, place: Place, data: dict[str, Any]) -> Post:
    where = {
        **place.kwargs(),
        "post_type": data["post_type"],
        "start_date": data["start_date"],
        "serial_from": data.get("serial_from"),
        "serial_to": data.get("serial_to"),
    }
    if data.get("person") is not None:
        return services.post_appoint(by=request.user, person=data["person"], **where)
    home_unit = place.home_unit
    assert home_unit is not None
    return services.post_appoint_new_person(
        by=request.user,
        name=data["new_name"],
        name_en=data.get("new_name_en", ""),
        home_unit=home_unit,
        **where,
    )


@require_http_methods(["GET", "POST"])
def post_relieve(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id, action=MANAGE)
    if not _may_relieve(request, post):
        raise PermissionDenied
    form = PostRelieveForm(
        request.POST or None, initial={"next": request.GET.get("next", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_relieve(
                by=request.user,
                post=post,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_messages(error))
        else:
            messages.success(
                request,
                _("%(person)s has been relieved as %(post)s.")
                % {"person": post.person.name, "post": post.get_post_type_display()},
            )
            return redirect(_safe_next(request, form.cleaned_data["next"], post))
    context = {"post": post, "form": form, "place_url": post_place_url(post)}
    return render(request, "organisation/post_relieve.html", context)


def _error_messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


def _safe_next(request: HttpRequest, next_url: str, post: Post) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("organisation:person-detail", args=[post.person_id])


AUDIT_VERBS = {
    "unit.create": gettext_lazy("Unit created"),
    "person.create": gettext_lazy("Person registered"),
    "person.phone_set": gettext_lazy("Phone number stored with consent"),
    "post.appoint": gettext_lazy("Appointed"),
    "post.relieve": gettext_lazy("Relieved"),
}


@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.audit_events_visible(request.user))
    rows = [
        {
            "event": event,
            "what": AUDIT_VERBS.get(event.verb, event.verb),
            "post": _post_label(event.data.get("post_type")),
        }
        for event in page.object_list
    ]
    return render(request, "organisation/audit.html", {"page": page, "rows": rows})


def _post_label(value: Any) -> str:
    try:
        return str(PostType(value).label)
    except ValueError:
        return ""
