"""The one place that decides what a user may see and do.

A user's scope for an action is the union of the places where they hold a current post
that grants the action (permissions.ROLE_ACTIONS): party-unit subtrees, whole assembly
constituencies, whole booths, and serial ranges of one part (a page in-charge's page).
Scope is always applied as a queryset filter (`*_q` functions), never as a Python loop
over rows, and out-of-scope objects raise Http404 exactly like missing ones, so ids
cannot be probed.

Voter-scoped tables of later apps carry `ac_id`, `part_id` and `serial_no`;
`voter_scope_q` builds their filter, leading with the AC so PostgreSQL can prune
AC partitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from boothwise.accounts.models import User
from boothwise.accounts.permissions import RANK, Action, roles_for
from boothwise.core.rawsql import JoinedSelect, quote
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation.models import Person, Post, PostType, Unit

AnyUser = User | AnonymousUser
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """Where one user may do one action. Empty means nowhere."""

    everything: bool = False
    unit_paths: tuple[str, ...] = ()
    ac_ids: frozenset[int] = frozenset()
    part_ids: frozenset[int] = frozenset()
    # (part_id, serial_from, serial_to) for page in-charges.
    pages: tuple[tuple[int, int, int], ...] = ()
    posts: tuple[Post, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.unit_paths
            or self.ac_ids
            or self.part_ids
            or self.pages
        )


def current_posts_q(prefix: str = "") -> Q:
    """Posts current today: started, and not ended (a post relieved today has ended)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": today}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": today})
    )


def current_posts_select(user_column: str, alias: str = "t") -> JoinedSelect[Post]:
    """The posts current today of the user in `user_column`, with unit and part, as
    hand-written SQL compiled once (core/rawsql.py): every scoped request starts here.
    It is `Post.objects.filter(current_posts_q(), person__user=…)`; its parameters are
    `current_posts_params()`.

    A user has at most one person (Person.user is one-to-one), so the person is a
    scalar subquery: PostgreSQL then reads the posts through their person index even
    when `user_column` is another table's column. With ``IN (SELECT …)`` correlated to
    the token's user it filtered every current post of the party instead, 0.3 s a
    request at 100,000 posts (accounts/tests/test_access.py, TokenPostsTests,
    checks the plan)."""
    a = alias
    return JoinedSelect(
        Post,
        ["unit", "part"],
        f"{a}.person_id = (SELECT pe.id FROM {quote(Person._meta.db_table)} pe "
        f"WHERE pe.user_id = {user_column}) "
        f"AND {a}.start_date <= %s AND ({a}.end_date IS NULL OR {a}.end_date > %s)",
        alias=alias,
    )


def current_posts_params() -> list[Any]:
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    return [today, today]


def keep_current_posts(user: User, posts: list[Post]) -> list[Post]:
    """Remember `posts` as `user`'s current posts for this request (read by
    `scope_for`), in Post's own order."""
    posts.sort(key=lambda p: (-p.start_date.toordinal(), p.pk))
    user._boothwise_posts = posts  # type: ignore[attr-defined]
    return posts


_POSTS_OF_USER = current_posts_select("%s")


def _current_posts(user: User) -> list[Post]:
    cache: list[Post] | None = getattr(user, "_boothwise_posts", None)
    if cache is None:
        cache = keep_current_posts(
            user, _POSTS_OF_USER.fetch([user.pk, *current_posts_params()])
        )
    return cache


def scope_for(user: AnyUser, action: Action) -> Scope:
    """The scope of `action` for `user`, from the posts they hold today."""
    if not isinstance(user, User) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    roles = roles_for(action)
    posts = tuple(p for p in _current_posts(user) if p.post_type in roles)
    unit_paths = []
    part_ids = set()
    for post in posts:
        if post.unit is None:
            continue
        if post.unit.level == Unit.Level.BOOTH and post.unit.part_id is not None:
            # A booth is a leaf of the tree: its part says all its path would, and
            # filters on part ids need no lookup of the units under a path.
            part_ids.add(post.unit.part_id)
            continue
        unit_paths.append(post.unit.path)
    return Scope(
        unit_paths=_outermost(unit_paths),
        ac_ids=frozenset(p.ac_id for p in posts if p.ac_id is not None),
        part_ids=frozenset(part_ids),
        pages=tuple(
            (p.part_id, p.serial_from or 0, p.serial_to or 0)
            for p in posts
            if p.part_id is not None
        ),
        posts=posts,
    )


def _outermost(paths: list[str]) -> tuple[str, ...]:
    """Drop paths inside other paths of the list: they add nothing to the union."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _any(conditions: list[Q]) -> Q:
    """OR the conditions together; no condition matches nothing."""
    result = Q(pk__in=[])
    for condition in conditions:
        result |= condition
    return result


def _paths_q(field_name: str, paths: tuple[str, ...]) -> list[Q]:
    return [Q(**{f"{field_name}__startswith": path}) for path in paths]


def units_q(scope: Scope) -> Q:
    """Filter for Unit: the held subtrees, plus the booths of held ACs, booths and pages."""
    if scope.everything:
        return Q()
    page_parts = {part_id for part_id, _, _ in scope.pages}
    return _any(
        [
            *_paths_q("path", scope.unit_paths),
            Q(part__ac_id__in=scope.ac_ids),
            Q(part_id__in=scope.part_ids | page_parts),
        ]
    )


def parts_q(scope: Scope, prefix: str = "") -> Q:
    """Filter for Part (or, with a prefix such as "part__", for rows pointing at one)."""
    if scope.everything:
        return Q()
    page_parts = {part_id for part_id, _, _ in scope.pages}
    return _any(
        [
            *_paths_q(f"{prefix}booth__path", scope.unit_paths),
            Q(**{f"{prefix}ac_id__in": scope.ac_ids}),
            Q(**{f"{prefix}id__in": scope.part_ids | page_parts}),
        ]
    )


def acs_q(scope: Scope) -> Q:
    """Filter for AssemblyConstituency: held ACs and ACs with any part in scope."""
    if scope.everything:
        return Q()
    visible_parts = Part.objects.filter(parts_q(scope), ac_id=OuterRef("pk"))
    return Q(id__in=scope.ac_ids) | Q(Exists(visible_parts))


def voter_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Filter for voter-scoped rows that carry `ac_id`, `part_id` and `serial_no`.

    Whole ACs filter on the AC column alone; unit subtrees resolve to their parts (and
    those parts' ACs, for partition pruning); pages add a serial-number range.
    """
    if scope.everything:
        return Q()
    conditions = [Q(**{f"{prefix}ac_id__in": scope.ac_ids})]
    if scope.unit_paths:
        booths = Unit.objects.filter(
            _any(_paths_q("path", scope.unit_paths)), part__isnull=False
        )
        ac_ids = set(booths.values_list("part__ac_id", flat=True).distinct())
        conditions.append(
            Q(**{f"{prefix}ac_id__in": ac_ids})
            & Q(**{f"{prefix}part_id__in": booths.values("part_id")})
        )
    if scope.part_ids:
        conditions.append(Q(**{f"{prefix}part_id__in": scope.part_ids}))
    for part_id, serial_from, serial_to in scope.pages:
        conditions.append(
            Q(
                **{
                    f"{prefix}part_id": part_id,
                    f"{prefix}serial_no__gte": serial_from,
                    f"{prefix}serial_no__lte": serial_to,
                }
            )
        )
    return _any(conditions)


def voter_scope_sql(scope: Scope, alias: str) -> tuple[str, list[Any]]:
    """`voter_scope_q` as a hand-written SQL condition on the table aliased `alias`,
    and its parameters, for the one path that cannot afford the ORM's compile (marking
    on polling day). The same rows pass both; votingday/tests/test_scope_sql.py compares
    them for every persona and action."""
    if scope.everything:
        return "1 = 1", []
    conditions: list[str] = []
    params: list[Any] = []

    def one_of(column: str, values: frozenset[int]) -> None:
        conditions.append(f"{alias}.{column} IN ({', '.join(['%s'] * len(values))})")
        params.extend(sorted(values))

    if scope.ac_ids:
        one_of("ac_id", scope.ac_ids)
    if scope.unit_paths:
        # Paths are digits and dots (Unit.path), so LIKE needs no escaping.
        prefixes = " OR ".join(["u.path LIKE %s"] * len(scope.unit_paths))
        conditions.append(
            f"{alias}.part_id IN (SELECT u.part_id FROM {quote(Unit._meta.db_table)} u "
            f"WHERE u.part_id IS NOT NULL AND ({prefixes}))"
        )
        params.extend(f"{path}%" for path in scope.unit_paths)
    if scope.part_ids:
        one_of("part_id", scope.part_ids)
    for part_id, serial_from, serial_to in scope.pages:
        conditions.append(
            f"({alias}.part_id = %s AND {alias}.serial_no BETWEEN %s AND %s)"
        )
        params.extend([part_id, serial_from, serial_to])
    return "(" + (" OR ".join(conditions) or "1 = 0") + ")", params


def posts_q(scope: Scope) -> Q:
    """Filter for Post: posts held at a place in scope."""
    if scope.everything:
        return Q()
    visible_units = Unit.objects.filter(units_q(scope))
    # A post at a whole AC is seen by everyone who sees any booth of that AC: the block
    # president works with the AC in-charge of the booths in their block.
    return (
        Q(unit__in=visible_units)
        | Q(ac__in=AssemblyConstituency.objects.filter(acs_q(scope)))
        | Q(part__in=Part.objects.filter(parts_q(scope)))
    )


def people_q(scope: Scope) -> Q:
    """Filter for Person: members of a unit in scope, or holders of a post in scope."""
    if scope.everything:
        return Q()
    held_here = Post.objects.filter(posts_q(scope), person_id=OuterRef("pk"))
    return Q(unit__in=Unit.objects.filter(units_q(scope))) | Q(Exists(held_here))


def visible(user: AnyUser, action: Action, queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` narrowed to what `user` may `action`; the model decides the filter."""
    scope = scope_for(user, action)
    if scope.is_empty:
        return queryset.none()
    model = queryset.model
    filters: dict[type[models.Model], Any] = {
        Unit: units_q,
        Part: parts_q,
        AssemblyConstituency: acs_q,
        Post: posts_q,
        Person: people_q,
    }
    if model in filters:
        return queryset.filter(filters[model](scope))
    if all(hasattr(model, name) for name in ("ac_id", "part_id", "serial_no")):
        return queryset.filter(voter_scope_q(scope))
    raise TypeError(f"No scope rule for {model.__name__}")


def _access(user: AnyUser, action: Action, queryset: QuerySet[M], pk: Any) -> M:
    try:
        obj = visible(user, action, queryset).filter(pk=pk).first()
    except (TypeError, ValueError, ValidationError):
        raise Http404 from None
    if obj is None:
        raise Http404
    return obj


def access_unit(user: AnyUser, unit_id: Any, *, action: Action) -> Unit:
    """Unit `unit_id` if `user` may `action` there, else Http404 (missing or not)."""
    return _access(
        user, action, Unit.objects.select_related("parent", "part__ac"), unit_id
    )


def access_booth(user: AnyUser, booth_id: Any, *, action: Action) -> Unit:
    """Booth unit `booth_id` if `user` may `action` there, else Http404."""
    queryset = Unit.objects.filter(level=Unit.Level.BOOTH).select_related(
        "parent", "part__ac__pc"
    )
    return _access(user, action, queryset, booth_id)


def access_part(user: AnyUser, part_id: Any, *, action: Action) -> Part:
    return _access(user, action, Part.objects.select_related("ac", "booth"), part_id)


def access_part_any(
    user: AnyUser, part_id: Any, *actions: Action
) -> tuple[Part, Action]:
    """The part and the first of `actions` that lets `user` at it; 404 if none does."""
    for action in actions:
        try:
            return access_part(user, part_id, action=action), action
        except Http404:
            continue
    raise Http404


def access_ac(user: AnyUser, ac_id: Any, *, action: Action) -> AssemblyConstituency:
    queryset = AssemblyConstituency.objects.select_related("state", "pc")
    return _access(user, action, queryset, ac_id)


def access_person(user: AnyUser, person_id: Any, *, action: Action) -> Person:
    return _access(user, action, Person.objects.select_related("unit"), person_id)


def access_post(user: AnyUser, post_id: Any, *, action: Action) -> Post:
    queryset = Post.objects.select_related("person", "unit", "ac", "part")
    return _access(user, action, queryset, post_id)


def user_can(user: AnyUser, action: Action) -> bool:
    """Whether `user` may do `action` anywhere at all (for menus and buttons)."""
    return not scope_for(user, action).is_empty


def can_manage_post(
    user: AnyUser,
    post_type: PostType,
    *,
    unit: Unit | None = None,
    ac: AssemblyConstituency | None = None,
    part: Part | None = None,
) -> bool:
    """Whether `user` may appoint or relieve a `post_type` at this place.

    One of the user's MANAGE_POSTS posts must cover the place and outrank the post.
    """
    if user.is_superuser:
        return True
    for held in scope_for(user, Action.MANAGE_POSTS).posts:
        if RANK[PostType(held.post_type)] <= RANK[post_type]:
            continue
        if _post_covers(held, unit=unit, ac=ac, part=part):
            return True
    return False


def _post_covers(
    held: Post,
    *,
    unit: Unit | None,
    ac: AssemblyConstituency | None,
    part: Part | None,
) -> bool:
    """Whether the place of post `held` contains the given place."""
    if unit is not None:
        if held.unit is not None:
            return unit.path.startswith(held.unit.path)
        return (
            held.ac_id is not None
            and unit.part is not None
            and unit.part.ac_id == held.ac_id
        )
    if ac is not None:
        if held.ac_id is not None:
            return held.ac_id == ac.pk
        return (
            held.unit is not None
            and Unit.objects.filter(
                path__startswith=held.unit.path, part__ac=ac
            ).exists()
        )
    if part is not None:
        if held.ac_id is not None:
            return held.ac_id == part.ac_id
        return (
            held.unit is not None
            and Unit.objects.filter(path__startswith=held.unit.path, part=part).exists()
        )
    return False
