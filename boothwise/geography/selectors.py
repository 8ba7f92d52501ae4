"""Reads of the electoral geography, narrowed to the viewer's scope.

States and PCs are not scoped rows themselves; a viewer sees those that contain an AC in
their scope (accounts.access.acs_q), and nothing else, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from boothwise.accounts.access import AnyUser, visible
from boothwise.accounts.permissions import Action
from boothwise.geography.models import (
    AssemblyConstituency,
    ParliamentaryConstituency,
    Part,
    State,
)

VIEW = Action.VIEW_ORGANISATION


def _acs(user: AnyUser) -> QuerySet[AssemblyConstituency]:
    return visible(user, VIEW, AssemblyConstituency.objects.all())


def _parts(user: AnyUser) -> QuerySet[Part]:
    return visible(user, VIEW, Part.objects.all())


def states_in_scope(user: AnyUser) -> QuerySet[State]:
    """States with an AC in scope, each with `n_acs`, the number of such ACs."""
    return (
        State.objects.filter(acs__in=_acs(user).values("pk"))
        .annotate(n_acs=Count("acs"))
        .order_by("name")
    )


def state_access(user: AnyUser, state_id: Any) -> State:
    """State `state_id` if it holds an AC in scope, else Http404."""
    has_ac = _acs(user).filter(state=OuterRef("pk"))
    state = State.objects.filter(Exists(has_ac), pk=state_id).first()
    if state is None:
        raise Http404
    return state


def pcs_in_scope(user: AnyUser, state: State) -> QuerySet[ParliamentaryConstituency]:
    """PCs of `state` with an AC in scope, each with `n_acs`."""
    return (
        ParliamentaryConstituency.objects.filter(
            state=state, acs__in=_acs(user).values("pk")
        )
        .annotate(n_acs=Count("acs"))
        .order_by("number")
    )


def pc_access(user: AnyUser, pc_id: Any) -> ParliamentaryConstituency:
    """PC `pc_id` if it holds an AC in scope, else Http404."""
    has_ac = _acs(user).filter(pc=OuterRef("pk"))
    pc = (
        ParliamentaryConstituency.objects.filter(Exists(has_ac), pk=pc_id)
        .select_related("state")
        .first()
    )
    if pc is None:
        raise Http404
    return pc


def acs_in_pc(
    user: AnyUser, pc: ParliamentaryConstituency
) -> QuerySet[AssemblyConstituency]:
    """ACs of `pc` in scope, each with `n_parts`, the number of its parts in scope."""
    return (
        _acs(user)
        .filter(pc=pc)
        .annotate(n_parts=Count("parts", filter=Q(parts__in=_parts(user).values("pk"))))
        .order_by("number")
    )


def parts_in_ac(user: AnyUser, ac: AssemblyConstituency) -> QuerySet[Part]:
    """Parts of `ac` in scope, with their booth unit and its parent (the block)."""
    return (
        _parts(user)
        .filter(ac=ac)
        .select_related("booth__parent")
        .order_by("number_int", "number")
    )


def osm_url(part: Part) -> str:
    """A plain link to the station on OpenStreetMap; the page embeds no map."""
    if part.latitude is None or part.longitude is None:
        return ""
    lat = format(part.latitude.normalize(), "f")
    lon = format(part.longitude.normalize(), "f")
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
