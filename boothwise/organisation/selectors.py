"""Reads of the party organisation. Every one starts from a scope-narrowed queryset.

The callers (views, later the API) first resolve the viewer's scope through
accounts/access.py; these functions own the joins and annotations, so a page makes a
fixed number of queries however many booths it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from boothwise.accounts.access import (
    AnyUser,
    Scope,
    can_manage_post,
    current_posts_q,
    parts_q,
    scope_for,
    visible,
)
from boothwise.accounts.models import User
from boothwise.accounts.permissions import PLACE_AC, PLACE_PAGE, POST_PLACES, Action
from boothwise.core.models import AuditEvent
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation.models import Person, Post, PostType, Unit

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

VIEW = Action.VIEW_ORGANISATION

# The standard booth committee: four office-bearers and six members.
COMMITTEE_OFFICES: tuple[PostType, ...] = (
    PostType.BOOTH_PRESIDENT,
    PostType.BLA2,
    PostType.BOOTH_YOUTH,
    PostType.BOOTH_WOMAN,
)
COMMITTEE_MEMBER_SLOTS = 6
COMMITTEE_SLOTS = len(COMMITTEE_OFFICES) + COMMITTEE_MEMBER_SLOTS


# Places ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a post is held: exactly one of a unit, an AC, or a part (a page of it)."""

    unit: Unit | None = None
    ac: AssemblyConstituency | None = None
    part: Part | None = None

    @property
    def kind(self) -> str:
        if self.unit is not None:
            return str(self.unit.level)
        if self.ac is not None:
            return PLACE_AC
        return PLACE_PAGE

    @property
    def home_unit(self) -> Unit | None:
        """The unit a person registered here belongs to (none for a whole AC)."""
        if self.unit is not None:
            return self.unit
        if self.part is not None:
            return booth_of(self.part)
        return None

    def kwargs(self) -> dict[str, Any]:
        return {"unit": self.unit, "ac": self.ac, "part": self.part}


def booth_of(part: Part) -> Unit | None:
    """The booth unit of a part, or None when the party has no booth there yet."""
    try:
        return part.booth
    except Unit.DoesNotExist:
        return None


def post_types_appointable(user: AnyUser, place: Place) -> list[PostType]:
    """Post types that may be held at `place` and that `user` may appoint there."""
    return [
        post_type
        for post_type in PostType
        if place.kind in POST_PLACES[post_type]
        and can_manage_post(user, post_type, **place.kwargs())
    ]


# Booth committees --------------------------------------------------------------------


class VacancyCounts(TypedDict):
    n_offices: int
    n_members: int
    vacancies: int


def booths_with_vacancies(
    booths: QuerySet[Unit],
) -> QuerySet[WithAnnotations[Unit, VacancyCounts]]:
    """Annotate booths with `n_offices`, `n_members` and `vacancies` (empty slots)."""
    current = current_posts_q("posts__")
    return booths.annotate(
        n_offices=Count(
            "posts__post_type",
            filter=current & Q(posts__post_type__in=COMMITTEE_OFFICES),
            distinct=True,
        ),
        n_members=Count(
            "posts",
            filter=current & Q(posts__post_type=PostType.BOOTH_MEMBER),
            distinct=True,
        ),
    ).annotate(
        vacancies=Value(len(COMMITTEE_OFFICES))
        - F("n_offices")
        + Greatest(Value(COMMITTEE_MEMBER_SLOTS) - F("n_members"), Value(0))
    )


@dataclass
class CommitteeCounts:
    """Booths and the state of their committees, summed over some set of booths."""

    booths: int = 0
    complete: int = 0
    vacancies: int = 0

    @property
    def incomplete(self) -> int:
        return self.booths - self.complete

    def add(self, vacancies: int) -> None:
        self.booths += 1
        self.complete += vacancies == 0
        self.vacancies += vacancies


def committee_counts(booths: QuerySet[Unit]) -> CommitteeCounts:
    """Totals over `booths` (one query)."""
    counts = CommitteeCounts()
    for vacancies in booths_with_vacancies(booths).values_list("vacancies", flat=True):
        counts.add(vacancies)
    return counts


def _path_prefixes(path: str) -> Iterable[str]:
    """ "1.4.31." → "1.", "1.4.", "1.4.31." """
    end = path.find(".")
    while end != -1:
        yield path[: end + 1]
        end = path.find(".", end + 1)


def committee_counts_by_unit(units: Sequence[Unit]) -> dict[int, CommitteeCounts]:
    """For each unit, the totals over the booths in its subtree (one query).

    Booths are summed in Python: the database cannot sum a per-booth aggregate in the
    same query, and a unit's booths are at most a few thousand rows of two columns.
    """
    counts = {unit.pk: CommitteeCounts() for unit in units}
    if not units:
        return counts
    by_path = {unit.path: unit.pk for unit in units}
    under_any = Q(pk__in=[])
    for unit in units:
        under_any |= Q(path__startswith=unit.path)
    booths = Unit.objects.filter(under_any, level=Unit.Level.BOOTH)
    rows = booths_with_vacancies(booths).values_list("path", "vacancies")
    for path, vacancies in rows:
        for prefix in _path_prefixes(path):
            if prefix in by_path:
                counts[by_path[prefix]].add(vacancies)
    return counts


@dataclass
class Slot:
    post_type: PostType
    post: Post | None = None


@dataclass
class Committee:
    """One booth's team today: office-bearer and member slots, agents, page in-charges."""

    offices: list[Slot]
    members: list[Slot]
    agents: list[Post]
    pages: list[Post]
    others: list[Post] = field(default_factory=list)

    @property
    def vacancies(self) -> int:
        return sum(slot.post is None for slot in (*self.offices, *self.members))


def booth_committee(booth: Unit) -> Committee:
    """The current committee of `booth` (two queries)."""
    posts = list(
        Post.objects.filter(current_posts_q(), unit=booth)
        .select_related("person")
        .order_by("start_date", "id")
    )
    by_type: dict[str, list[Post]] = {}
    for post in posts:
        by_type.setdefault(post.post_type, []).append(post)
    offices = [
        Slot(post_type, next(iter(by_type.get(post_type, [])), None))
        for post_type in COMMITTEE_OFFICES
    ]
    member_posts: list[Post | None] = list(by_type.get(PostType.BOOTH_MEMBER, []))
    member_posts += [None] * (COMMITTEE_MEMBER_SLOTS - len(member_posts))
    members = [Slot(PostType.BOOTH_MEMBER, post) for post in member_posts]
    placed = {slot.post.pk for slot in (*offices, *members) if slot.post is not None}
    agents = by_type.get(PostType.POLLING_AGENT, [])
    placed |= {post.pk for post in agents}
    pages: list[Post] = []
    if booth.part_id is not None:
        pages = list(
            Post.objects.filter(current_posts_q(), part_id=booth.part_id)
            .select_related("person")
            .order_by("serial_from", "id")
        )
    return Committee(
        offices=offices,
        members=members,
        agents=agents,
        pages=pages,
        # A second holder of a one-holder office (old data) is still shown, not hidden.
        others=[post for post in posts if post.pk not in placed],
    )


# Units -------------------------------------------------------------------------------


def units_outermost(user: AnyUser) -> QuerySet[Unit]:
    """The units `user` can see whose parent they cannot: the tops of their scope."""
    seen = visible(user, VIEW, Unit.objects.all())
    return (
        seen.exclude(parent__in=visible(user, VIEW, Unit.objects.all()))
        .select_related("part__ac")
        .order_by("path")
    )


def unit_children(user: AnyUser, unit: Unit) -> list[Unit]:
    return list(
        visible(user, VIEW, Unit.objects.filter(parent=unit))
        .select_related("part__ac")
        .order_by("level", "name")
    )


@dataclass
class Crumb:
    unit: Unit
    in_scope: bool


def unit_ancestors(user: AnyUser, unit: Unit) -> list[Crumb]:
    """The units above `unit`, outermost first; only those in scope will be links."""
    ids = [int(x) for x in unit.path.split(".")[:-1] if x][:-1]
    if not ids:
        return []
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    seen = set(
        visible(user, VIEW, Unit.objects.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )
    return [Crumb(ancestors[pk], pk in seen) for pk in ids if pk in ancestors]


def unit_office_bearers(unit: Unit) -> list[Post]:
    return list(
        Post.objects.filter(current_posts_q(), unit=unit)
        .select_related("person")
        .order_by("post_type", "start_date")
    )


# Home --------------------------------------------------------------------------------


@dataclass
class HomeStats:
    committees: CommitteeCounts
    people: int
    posts: int


def home_stats(user: AnyUser) -> HomeStats:
    """Headline numbers of the viewer's whole scope (three queries)."""
    booths = visible(user, VIEW, Unit.objects.filter(level=Unit.Level.BOOTH))
    return HomeStats(
        committees=committee_counts(booths),
        people=visible(user, VIEW, Person.objects.all()).count(),
        posts=visible(user, VIEW, Post.objects.filter(current_posts_q())).count(),
    )


def booths_weakest(user: AnyUser, *, limit: int = 5) -> list[Unit]:
    """The booths in scope with the most empty committee slots."""
    booths = visible(user, VIEW, Unit.objects.filter(level=Unit.Level.BOOTH))
    return list(
        booths_with_vacancies(booths)
        .filter(vacancies__gt=0)
        .select_related("part__ac", "parent")
        .order_by("-vacancies", "path")[:limit]
    )


def posts_held_by(user: AnyUser) -> list[Post]:
    """The viewer's own current posts, with what their links need."""
    if not isinstance(user, User):
        return []
    return list(
        Post.objects.filter(current_posts_q(), person__user=user)
        .select_related("unit", "ac", "part__ac", "part__booth")
        .order_by("start_date", "id")
    )


# People ------------------------------------------------------------------------------


def people_search(user: AnyUser, query: str = "") -> QuerySet[Person]:
    """People in scope whose name, in either script, contains `query`."""
    people = visible(user, VIEW, Person.objects.all()).select_related("unit")
    query = query.strip()
    if query:
        people = people.filter(Q(name__icontains=query) | Q(name_en__icontains=query))
    return people.order_by("name", "id")


def people_for_place(user: AnyUser, place: Place, query: str = "") -> QuerySet[Person]:
    """Candidates for a post at `place`: a search over everyone in scope, else the
    people whose home unit is in the place's subtree."""
    if query.strip():
        return people_search(user, query)
    people = people_search(user)
    home = place.home_unit
    if home is not None:
        return people.filter(unit__path__startswith=home.path)
    if place.ac is not None:
        return people.filter(unit__part__ac=place.ac)
    return people.none()


@dataclass
class PersonPosts:
    current: list[Post]
    past: list[Post]


def person_posts(user: AnyUser, person: Person) -> PersonPosts:
    """The posts of `person` that `user` may see, current (or upcoming) and past."""
    today = timezone.localdate()
    posts = (
        visible(user, VIEW, Post.objects.filter(person=person))
        .select_related("unit__part", "ac", "part__ac", "part__booth", "relieved_by")
        .order_by("-start_date", "-id")
    )
    current: list[Post] = []
    past: list[Post] = []
    for post in posts:
        ended = post.end_date is not None and post.end_date <= today
        (past if ended else current).append(post)
    return PersonPosts(current=current, past=past)


def person_phone(person: Person) -> str:
    """The phone number, only while a contact consent stands (DPDP Act 2023)."""
    consent = person.phone_consent
    if not person.phone or consent is None or consent.withdrawn_at is not None:
        return ""
    return person.phone


# Audit -------------------------------------------------------------------------------


def audit_events_q(scope: Scope) -> Q:
    """Filter for AuditEvent: events under the viewer's units, ACs, booths and pages."""
    if scope.everything:
        return Q()
    page_parts = {part_id for part_id, _, _ in scope.pages}
    booths = Unit.objects.filter(
        Q(part__ac_id__in=scope.ac_ids) | Q(part_id__in=scope.part_ids | page_parts),
        level=Unit.Level.BOOTH,
    )
    condition = Q(pk__in=[])
    for path in scope.unit_paths:
        condition |= Q(scope_path__startswith=path)
    if scope.ac_ids:
        condition |= Q(ac_id__in=scope.ac_ids)
        condition |= Q(scope_path__in=booths.values("path"))
    elif scope.part_ids or page_parts:
        condition |= Q(scope_path__in=booths.values("path"))
    # Events at a page carry no unit path; reach them through the part.
    condition |= Q(part_id__in=Part.objects.filter(parts_q(scope)).values("id"))
    return condition


def audit_events_visible(user: AnyUser) -> QuerySet[AuditEvent]:
    """The audit trail within the viewer's VIEW_AUDIT scope, newest first."""
    scope = scope_for(user, Action.VIEW_AUDIT)
    if scope.is_empty:
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(audit_events_q(scope))
        .select_related("actor")
        .order_by("-at", "-id")
    )
