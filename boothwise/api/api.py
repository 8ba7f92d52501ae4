"""API v1: routing, token auth and error shapes. No domain logic lives here.

Every read goes through accounts.access (`visible`, `access_*`) with VIEW_ORGANISATION,
so an object outside the caller's scope is a 404 exactly like a missing one. Writes call
the organisation services, which check seniority and write the audit trail.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation

from boothwise.accounts.access import (
    access_ac,
    access_booth,
    access_part,
    access_person,
    access_post,
    access_unit,
    current_posts_q,
    user_can,
    visible,
)
from boothwise.accounts.models import User
from boothwise.accounts.permissions import ROLE_ACTIONS, Action
from boothwise.accounts.tokens import api_token_create, api_token_revoke
from boothwise.api import schemas as s
from boothwise.api.auth import TokenAuth, request_token, request_user
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation import services
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.organisation.selectors import (
    booth_committee,
    people_search,
    person_posts,
    posts_held_by,
)
from boothwise.outreach.api import router as outreach_router
from boothwise.rolls.api import router as rolls_router
from boothwise.training.api import router as training_router
from boothwise.votingday.api import router as votingday_router

M = TypeVar("M", bound=Model)
V = Action.VIEW_ORGANISATION


class BoothwiseAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's own name ("booth_detail"), not one prefixed by its module."""
        return operation.view_func.__name__


api = BoothwiseAPI(
    title="boothwise API",
    version="1",
    description="Read the party organisation and appoint or relieve posts. "
    "See docs/api.md.",
    urls_namespace="api",
    auth=TokenAuth(),
    # Swagger UI would load from a CDN; field offices may have no route to one.
    docs_url=None,
)

ERRORS: dict[int, Any] = {401: s.ErrorOut, 404: s.ErrorOut, 422: s.InvalidOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 403: s.ErrorOut}


# Errors: always {"detail": "<one readable sentence>"} -------------------------------


def _error(
    request: HttpRequest, status: int, detail: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request,
        401,
        _("Authentication required: send the header “Authorization: Bearer <token>”."),
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("You are not allowed to do this."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, " ".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = "; ".join(
        ".".join(str(part) for part in e.get("loc", ())) + ": " + str(e.get("msg", ""))
        for e in exc.errors
    )
    detail = _("The request is not valid: %(problems)s") % {"problems": problems}
    errors = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors]
    return _error(request, 422, detail, errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, exc.message)


def _page(queryset: QuerySet[M], params: s.PageParams) -> tuple[list[M], int]:
    items = list(queryset[params.offset : params.offset + params.limit])
    return items, queryset.count()


def _posts() -> QuerySet[Post]:
    return Post.objects.select_related("person", "unit", "ac", "part")


# Auth ------------------------------------------------------------------------------


@api.post(
    "/auth/token",
    auth=None,
    response={200: s.TokenOut, 401: s.ErrorOut, 422: s.InvalidOut},
    tags=["auth"],
)
def token_create(request: HttpRequest, data: s.TokenIn) -> s.TokenOut:
    """Exchange a username and password for a new token. The key is shown only once."""
    user = authenticate(request, username=data.username, password=data.password)
    if not isinstance(user, User):
        raise HttpError(401, _("Wrong username or password."))
    token, key = api_token_create(user=user, name=data.name)
    return s.TokenOut(token=key, name=token.name)


@api.delete("/auth/token", response={204: None, 401: s.ErrorOut}, tags=["auth"])
def token_revoke(request: HttpRequest) -> Status[None]:
    """Revoke the token this request was made with."""
    token = request_token(request)
    api_token_revoke(token=token, by=token.user)
    return Status(204, None)


# Me --------------------------------------------------------------------------------


@api.get("/me", response={200: s.MeOut, 401: s.ErrorOut}, tags=["me"])
def me(request: HttpRequest) -> s.MeOut:
    """Who the token belongs to, their current posts and what each post lets them do."""
    user = request_user(request)
    person = Person.objects.filter(user=user).first()
    posts = posts_held_by(user)
    if person is not None:
        for post in posts:
            post.person = person  # spares a query per post
    return s.me_out(
        user,
        person=person,
        posts=[(p, ROLE_ACTIONS[PostType(p.post_type)]) for p in posts],
        actions=[a for a in Action if user_can(user, a)],
        language=translation.get_language() or "",
        today=timezone.localdate(),
    )


# Units -----------------------------------------------------------------------------


@api.get("/units", response={200: s.UnitPage, **ERRORS}, tags=["units"])
def unit_list(request: HttpRequest, filters: Query[s.UnitFilters]) -> s.UnitPage:
    """Party units in the caller's scope, in tree order."""
    units = visible(request_user(request), V, Unit.objects.all())
    if filters.level is not None:
        units = units.filter(level=filters.level)
    if filters.parent is not None:
        units = units.filter(parent_id=filters.parent)
    items, count = _page(units, filters)
    return s.UnitPage(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        items=[s.unit_out(u) for u in items],
    )


@api.get("/units/{unit_id}", response={200: s.UnitDetailOut, **ERRORS}, tags=["units"])
def unit_detail(request: HttpRequest, unit_id: int) -> s.UnitDetailOut:
    """One unit, with how many units in scope sit directly and anywhere below it."""
    user = request_user(request)
    unit = access_unit(user, unit_id, action=V)
    below = visible(user, V, Unit.objects.filter(path__startswith=unit.path)).exclude(
        pk=unit.pk
    )
    counts = below.order_by().values_list("level").annotate(n=Count("id"))
    return s.unit_detail_out(
        unit,
        children_count=below.filter(parent=unit).count(),
        descendant_counts=dict(counts),
    )


# Booths ----------------------------------------------------------------------------


def _blocks_of(booths: list[Unit]) -> dict[int, Unit]:
    """The block above each booth (booth id → block), in one query."""
    ancestors = {
        booth.pk: [int(i) for i in booth.path.split(".") if i] for booth in booths
    }
    blocks = Unit.objects.filter(
        level=Unit.Level.BLOCK, id__in={i for ids in ancestors.values() for i in ids}
    ).in_bulk()
    return {
        booth_id: blocks[i]
        for booth_id, ids in ancestors.items()
        for i in ids
        if i in blocks
    }


@api.get("/booths", response={200: s.BoothPage, **ERRORS}, tags=["booths"])
def booth_list(request: HttpRequest, filters: Query[s.BoothFilters]) -> s.BoothPage:
    """Booths in scope, by AC and part number; filter by AC id or block unit id."""
    booths = visible(
        request_user(request),
        V,
        Unit.objects.filter(level=Unit.Level.BOOTH).select_related("part__ac"),
    ).order_by("part__ac__number", "part__number_int", "part__number")
    if filters.ac is not None:
        booths = booths.filter(part__ac_id=filters.ac)
    if filters.block is not None:
        block = Unit.objects.filter(pk=filters.block, level=Unit.Level.BLOCK).first()
        booths = booths.filter(path__startswith=block.path) if block else booths.none()
    items, count = _page(booths, filters)
    blocks = _blocks_of(items)
    return s.BoothPage(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        items=[s.booth_out(b, block=blocks.get(b.pk)) for b in items],
    )


@api.get(
    "/booths/{booth_id}", response={200: s.BoothDetailOut, **ERRORS}, tags=["booths"]
)
def booth_detail(request: HttpRequest, booth_id: int) -> s.BoothDetailOut:
    """One booth: its polling station, committee slots and page in-charges."""
    booth = access_booth(request_user(request), booth_id, action=V)
    return s.booth_detail_out(
        booth,
        block=_blocks_of([booth]).get(booth.pk),
        committee=booth_committee(booth),
    )


# People ----------------------------------------------------------------------------


@api.get("/people", response={200: s.PersonPage, **ERRORS}, tags=["people"])
def person_list(request: HttpRequest, filters: Query[s.PersonFilters]) -> s.PersonPage:
    """People in scope by name; `q` matches either script, anywhere in the name."""
    people = people_search(request_user(request), filters.q or "")
    items, count = _page(people, filters)
    return s.PersonPage(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        items=[s.person_out(p) for p in items],
    )


@api.get(
    "/people/{person_id}", response={200: s.PersonDetailOut, **ERRORS}, tags=["people"]
)
def person_detail(request: HttpRequest, person_id: int) -> s.PersonDetailOut:
    """One person with the posts in scope they hold, will hold and have held."""
    user = request_user(request)
    person = access_person(user, person_id, action=V)
    person = Person.objects.select_related("unit", "phone_consent").get(pk=person.pk)
    posts = person_posts(user, person)
    for post in (*posts.current, *posts.past):
        post.person = person  # spares a query per post: they are all this person's
    return s.person_detail_out(person, posts=posts, today=timezone.localdate())


# Posts -----------------------------------------------------------------------------


@api.get("/posts", response={200: s.PostPage, **ERRORS}, tags=["posts"])
def post_list(request: HttpRequest, filters: Query[s.PostFilters]) -> s.PostPage:
    """Posts held at places in scope; newest first."""
    posts = visible(request_user(request), V, _posts())
    if filters.unit is not None:
        posts = posts.filter(unit_id=filters.unit)
    if filters.current is True:
        posts = posts.filter(current_posts_q())
    elif filters.current is False:
        posts = posts.exclude(current_posts_q())
    items, count = _page(posts, filters)
    today = timezone.localdate()
    return s.PostPage(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        items=[s.post_out(p, today=today) for p in items],
    )


@api.post("/posts", response={201: s.PostOut, **WRITE_ERRORS}, tags=["posts"])
def post_create(request: HttpRequest, data: s.AppointIn) -> Status[s.PostOut]:
    """Appoint a person to a post at a unit, an AC, or a page (serial range) of a part."""
    user = request_user(request)
    person = access_person(user, data.person_id, action=V)
    unit = (
        access_unit(user, data.unit_id, action=V) if data.unit_id is not None else None
    )
    ac: AssemblyConstituency | None = (
        access_ac(user, data.ac_id, action=V) if data.ac_id is not None else None
    )
    part: Part | None = (
        access_part(user, data.part_id, action=V) if data.part_id is not None else None
    )
    post = services.post_appoint(
        by=user,
        person=person,
        post_type=data.post_type,
        start_date=data.start_date or timezone.localdate(),
        unit=unit,
        ac=ac,
        part=part,
        serial_from=data.serial_from,
        serial_to=data.serial_to,
    )
    post = _posts().get(pk=post.pk)
    return Status(201, s.post_out(post, today=timezone.localdate()))


@api.post(
    "/posts/{post_id}/relieve",
    response={200: s.PostOut, **WRITE_ERRORS},
    tags=["posts"],
)
def post_relieve(request: HttpRequest, post_id: int, data: s.RelieveIn) -> s.PostOut:
    """End a post, with the reason. The post stays in the history."""
    user = request_user(request)
    post = access_post(user, post_id, action=V)
    post = services.post_relieve(
        by=user,
        post=post,
        end_date=data.end_date or timezone.localdate(),
        reason=data.reason,
    )
    return s.post_out(post, today=timezone.localdate())


# Assembly constituencies -----------------------------------------------------------


def _acs() -> QuerySet[AssemblyConstituency]:
    return AssemblyConstituency.objects.select_related("state", "pc")


@api.get("/acs", response={200: s.AcPage, **ERRORS}, tags=["acs"])
def ac_list(request: HttpRequest, filters: Query[s.AcFilters]) -> s.AcPage:
    """Assembly constituencies in scope: held ACs and ACs with a booth in scope."""
    acs = visible(request_user(request), V, _acs())
    if filters.state:
        acs = acs.filter(state__abbr__iexact=filters.state)
    items, count = _page(acs, filters)
    return s.AcPage(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        items=[s.ac_out(a) for a in items],
    )


@api.get("/acs/{ac_id}", response={200: s.AcDetailOut, **ERRORS}, tags=["acs"])
def ac_detail(request: HttpRequest, ac_id: int) -> s.AcDetailOut:
    """One AC with its parts (polling stations) in scope."""
    user = request_user(request)
    ac = access_ac(user, ac_id, action=V)
    parts = list(visible(user, V, Part.objects.filter(ac=ac)))
    booth_ids = dict(Unit.objects.filter(part__in=parts).values_list("part_id", "id"))
    return s.ac_detail_out(ac, parts=parts, booth_ids=booth_ids)


# The electoral roll: boothwise/rolls/api.py ------------------------------------------

api.add_router("", rolls_router)


# The public contact programme: boothwise/outreach/api.py ----------------------------

api.add_router("/outreach", outreach_router)


# Training workshops: boothwise/training/api.py --------------------------------------

api.add_router("/training", training_router)


# Polling day: boothwise/votingday/api.py --------------------------------------------

api.add_router("/votingday", votingday_router)
