"""Writes to the party organisation. Each one is atomic and leaves an audit event.

Callers pass objects that have already passed the access check (accounts/access.py);
`post_appoint` and `post_relieve` also check seniority with `can_manage_post`, because
the rule "only a senior post may appoint a junior one" belongs to the write itself.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.accounts.access import AnyUser, can_manage_post, current_posts_q
from boothwise.accounts.models import User
from boothwise.accounts.permissions import (
    PLACE_AC,
    PLACE_PAGE,
    POST_PLACES,
    SINGLE_HOLDER,
)
from boothwise.core.audit import audit_record
from boothwise.geography.models import AssemblyConstituency, Part, State
from boothwise.organisation.models import Consent, Person, Post, PostType, Unit


@transaction.atomic
def unit_create(
    *,
    by: AnyUser | None,
    level: Unit.Level,
    name: str,
    parent: Unit | None,
    state: State,
    name_hi: str = "",
    part: Part | None = None,
) -> Unit:
    """Add a unit under `parent` (None only for a state unit) and give it its path."""
    if (parent is None) != (level == Unit.Level.STATE):
        raise ValidationError(_("Only a state unit has no parent unit."))
    unit = Unit(
        level=level,
        name=name,
        name_hi=name_hi,
        parent=parent,
        state=state,
        part=part,
        path=f"new-{uuid.uuid4()}",
        depth=0 if parent is None else parent.depth + 1,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = (parent.path if parent else "") + f"{unit.pk:07d}."
    unit.save(update_fields=["path"])
    audit_record(
        actor=by,
        verb="unit.create",
        obj=unit,
        scope_path=unit.path,
        ac_id=part.ac_id if part else None,
        data={"level": level, "name": name},
    )
    return unit


@transaction.atomic
def person_create(
    *,
    by: AnyUser | None,
    name: str,
    unit: Unit,
    name_en: str = "",
    user: User | None = None,
) -> Person:
    """Register a member of the cadre at their home unit."""
    person = Person(name=name.strip(), name_en=name_en.strip(), unit=unit, user=user)
    person.full_clean()
    person.save()
    audit_record(
        actor=by,
        verb="person.create",
        obj=person,
        scope_path=unit.path,
        data={"name": name},
    )
    return person


@transaction.atomic
def person_phone_set(
    *, by: User, person: Person, phone: str, notice_version: str
) -> Person:
    """Store a phone number together with the consent that allows it (DPDP Act 2023)."""
    consent = Consent.objects.create(
        person=person,
        purpose=Consent.Purpose.CONTACT,
        notice_version=notice_version,
        given_at=timezone.now(),
        recorded_by=by,
    )
    person.phone = phone
    person.phone_consent = consent
    person.full_clean()
    person.save(update_fields=["phone", "phone_consent"])
    audit_record(
        actor=by,
        verb="person.phone_set",
        obj=person,
        scope_path=person.unit.path,
        data={"notice_version": notice_version},
    )
    return person


def _place_kind(
    unit: Unit | None, ac: AssemblyConstituency | None, part: Part | None
) -> str:
    if unit is not None:
        return str(unit.level)
    if ac is not None:
        return PLACE_AC
    return PLACE_PAGE


@transaction.atomic
def post_appoint(
    *,
    by: AnyUser | None,
    person: Person,
    post_type: PostType,
    start_date: datetime.date,
    unit: Unit | None = None,
    ac: AssemblyConstituency | None = None,
    part: Part | None = None,
    serial_from: int | None = None,
    serial_to: int | None = None,
) -> Post:
    """Appoint `person` to `post_type` at one place: a unit, an AC or a page of a part.

    `by=None` is the system itself (demo seeding, imports) and skips the seniority check.
    """
    if sum(x is not None for x in (unit, ac, part)) != 1:
        raise ValidationError(_("A post is held at exactly one place."))
    if _place_kind(unit, ac, part) not in POST_PLACES[post_type]:
        raise ValidationError(_("This post cannot be held at this place."))
    if by is not None and not can_manage_post(
        by, post_type, unit=unit, ac=ac, part=part
    ):
        raise PermissionDenied(_("You cannot appoint to this post here."))
    if part is not None and (
        serial_from is None or serial_to is None or serial_from > serial_to
    ):
        raise ValidationError(_("A page needs a first and a last serial number."))
    holders = Post.objects.filter(current_posts_q(), unit=unit, ac=ac, part=part)
    if holders.filter(person=person, post_type=post_type).exists():
        raise ValidationError(_("This person already holds this post here."))
    if post_type in SINGLE_HOLDER and holders.filter(post_type=post_type).exists():
        raise ValidationError(
            _("This post is already filled here. Relieve the present holder first.")
        )
    if (
        part is not None
        and holders.filter(
            Q(serial_from__lte=serial_to) & Q(serial_to__gte=serial_from)
        ).exists()
    ):
        raise ValidationError(
            _("These serial numbers overlap another page in-charge's page.")
        )
    post = Post(
        person=person,
        post_type=post_type,
        unit=unit,
        ac=ac,
        part=part,
        serial_from=serial_from,
        serial_to=serial_to,
        start_date=start_date,
        appointed_by=by if isinstance(by, User) else None,
    )
    post.full_clean()
    post.save()
    _audit_post(by=by, verb="post.appoint", post=post)
    return post


@transaction.atomic
def post_relieve(
    *, by: AnyUser, post: Post, end_date: datetime.date, reason: str
) -> Post:
    """End a post on `end_date`, with the reason. The row stays, as history."""
    if post.end_date is not None and post.end_date <= timezone.localdate():
        raise ValidationError(_("This post has already ended."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for relieving."))
    if end_date < post.start_date:
        raise ValidationError(_("A post cannot end before it started."))
    if not can_manage_post(
        by, PostType(post.post_type), unit=post.unit, ac=post.ac, part=post.part
    ):
        raise PermissionDenied(_("You cannot relieve this post."))
    post.end_date = end_date
    post.end_reason = reason.strip()
    post.relieved_by = by if isinstance(by, User) else None
    post.full_clean()
    post.save(update_fields=["end_date", "end_reason", "relieved_by"])
    _audit_post(by=by, verb="post.relieve", post=post, reason=post.end_reason)
    return post


def _audit_post(*, by: AnyUser | None, verb: str, post: Post, reason: str = "") -> None:
    audit_record(
        actor=by,
        verb=verb,
        obj=post,
        scope_path=post.unit.path if post.unit else "",
        ac_id=post.ac_id or (post.part.ac_id if post.part else None),
        part_id=post.part_id,
        reason=reason,
        data={
            "person_id": post.person_id,
            "person": post.person.name,
            "post_type": post.post_type,
            "start_date": post.start_date.isoformat(),
            "end_date": post.end_date.isoformat() if post.end_date else None,
            "serial_from": post.serial_from,
            "serial_to": post.serial_to,
        },
    )


@transaction.atomic
def post_appoint_new_person(
    *,
    by: AnyUser,
    name: str,
    home_unit: Unit,
    post_type: PostType,
    start_date: datetime.date,
    name_en: str = "",
    unit: Unit | None = None,
    ac: AssemblyConstituency | None = None,
    part: Part | None = None,
    serial_from: int | None = None,
    serial_to: int | None = None,
) -> Post:
    """Register a new person at `home_unit` and appoint them, all or nothing."""
    person = person_create(by=by, name=name, name_en=name_en, unit=home_unit)
    return post_appoint(
        by=by,
        person=person,
        post_type=post_type,
        start_date=start_date,
        unit=unit,
        ac=ac,
        part=part,
        serial_from=serial_from,
        serial_to=serial_to,
    )
