"""Who may see and run which workshop, built only on accounts/access.py's scopes.

- A workshop is **seen** by everyone whose `view_organisation` scope holds its organising
  unit, and by each person invited to it (their own invitation, the date, venue and
  agenda; never the list of invitees).
- A workshop is **run** (agenda, invitations, check-in, directives, call list) by those
  whose `manage_training` scope holds its organising unit.
- A directive is seen with the workshop or with the unit it is assigned to, and its
  status may be changed by whoever runs either.

Missing and out-of-scope objects are both Http404, as everywhere else.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from boothwise.accounts.access import AnyUser, Scope, scope_for, units_q
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.organisation.models import Unit
from boothwise.training.models import (
    Directive,
    Invitation,
    OutboxMessage,
    Session,
    Workshop,
)

M = TypeVar("M", bound=models.Model)
VIEW = Action.VIEW_ORGANISATION
MANAGE = Action.MANAGE_TRAINING


def _units_in(scope: Scope) -> QuerySet[Unit]:
    return Unit.objects.filter(units_q(scope))


def _active(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def workshops_q(
    user: AnyUser, action: Action, prefix: str = "", *, invited: bool = True
) -> Q:
    """Filter for Workshop (or, with a prefix like "workshop__", rows pointing at one).

    With `invited=False`, only workshops whose organising unit is in scope: those whose
    figures the viewer may see, not merely their own invitation.
    """
    scope = scope_for(user, action)
    if scope.everything:
        return Q()
    condition = Q(pk__in=[])
    if not scope.is_empty:
        condition = Q(**{f"{prefix}unit__in": _units_in(scope)})
    active = _active(user)
    if invited and action == VIEW and active is not None:
        own = Invitation.objects.filter(
            workshop_id=OuterRef(f"{prefix}pk" if prefix else "pk"),
            person__user=active,
        )
        condition |= Q(Exists(own))
    return condition


def workshops_visible(user: AnyUser, action: Action = VIEW) -> QuerySet[Workshop]:
    return Workshop.objects.filter(workshops_q(user, action))


def workshops_in_scope(user: AnyUser) -> QuerySet[Workshop]:
    """Workshops organised within the viewer's area (figures and cascade shown)."""
    return Workshop.objects.filter(workshops_q(user, VIEW, invited=False))


def may_manage(user: AnyUser, workshop: Workshop) -> bool:
    """Whether `user` runs `workshop` (its organising unit is in their training scope)."""
    return workshops_visible(user, MANAGE).filter(pk=workshop.pk).exists()


def _get(queryset: QuerySet[M], pk: Any) -> M:
    try:
        obj = queryset.filter(pk=pk).first()
    except (TypeError, ValueError, ValidationError):
        raise Http404 from None
    if obj is None:
        raise Http404
    return obj


def access_workshop(user: AnyUser, workshop_id: Any, *, action: Action) -> Workshop:
    """Workshop `workshop_id` if `user` may `action` it, else Http404."""
    queryset = workshops_visible(user, action).select_related(
        "unit", "parent__unit", "created_by"
    )
    return _get(queryset, workshop_id)


def access_session(user: AnyUser, session_id: Any, *, action: Action) -> Session:
    queryset = Session.objects.filter(
        workshops_q(user, action, "workshop__")
    ).select_related("workshop__unit", "topic")
    return _get(queryset, session_id)


def access_invitation(
    user: AnyUser, invitation_id: Any, *, action: Action
) -> Invitation:
    """An invitation of a workshop `user` may `action`: organisers, not invitees."""
    scope = scope_for(user, action)
    if scope.is_empty:
        raise Http404
    queryset = Invitation.objects.filter(
        workshop__unit__in=_units_in(scope)
    ).select_related("workshop__unit", "person__unit", "post")
    return _get(queryset, invitation_id)


def access_own_invitation(user: AnyUser, invitation_id: Any) -> Invitation:
    """The user's own invitation (to answer it), else Http404."""
    active = _active(user)
    if active is None:
        raise Http404
    queryset = Invitation.objects.filter(person__user=active).select_related(
        "workshop__unit", "person"
    )
    return _get(queryset, invitation_id)


def directives_q(user: AnyUser, action: Action) -> Q:
    """Filter for Directive: by its workshop, or by the unit it is assigned to."""
    scope = scope_for(user, action)
    if scope.everything:
        return Q()
    if scope.is_empty:
        return Q(pk__in=[])
    units = _units_in(scope)
    return Q(unit__in=units) | Q(workshop__unit__in=units)


def directives_visible(user: AnyUser, action: Action = VIEW) -> QuerySet[Directive]:
    return Directive.objects.filter(directives_q(user, action))


def access_directive(user: AnyUser, directive_id: Any, *, action: Action) -> Directive:
    queryset = directives_visible(user, action).select_related("unit", "workshop__unit")
    return _get(queryset, directive_id)


def access_message(user: AnyUser, message_id: Any, *, action: Action) -> OutboxMessage:
    queryset = OutboxMessage.objects.filter(
        workshops_q(user, action, "workshop__")
    ).select_related("workshop", "invitation__person")
    return _get(queryset, message_id)
