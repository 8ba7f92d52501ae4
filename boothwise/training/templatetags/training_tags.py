"""Small template helpers for the training pages; reads go through selectors."""

from __future__ import annotations

from typing import Any

from django import template

from boothwise.organisation.models import Person, Post
from boothwise.training import selectors
from boothwise.training.models import Attendance, Session

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or None: `{{ counts|get:session.pk }}`."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def place(post: Post | None) -> str:
    """Where a post is held, as plain text."""
    return selectors.place_label(post)


@register.filter
def attendance_at(row: selectors.DeskRow, session: Session | None) -> Attendance | None:
    return row.at(session)


@register.simple_tag(takes_context=True)
def person_training(context: template.Context, person: Person) -> Any:
    """The person's trained levels and workshops, as the viewer may see them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.person_training(user, person)  # type: ignore[arg-type]
