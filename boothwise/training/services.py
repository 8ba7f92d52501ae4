"""Writes of the training app. Each is atomic; organiser actions leave an audit event.

Callers pass objects that have passed the access checks of training/access.py (the
workshop is run by the caller, the posts and people are in their scope). Attendance rows
are the record of the desk itself (who checked whom in, when), so check-ins are not
duplicated into the audit trail.
"""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boothwise.accounts.access import AnyUser, current_posts_q
from boothwise.accounts.models import User
from boothwise.accounts.permissions import RANK
from boothwise.core.audit import audit_record
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.organisation.selectors import person_phone
from boothwise.organisation.services import person_create
from boothwise.training.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LEVEL_ORDER,
    LEVEL_UNITS,
    Attendance,
    Directive,
    Invitation,
    Level,
    OutboxMessage,
    Session,
    Topic,
    Workshop,
)

# OutboxMessage.error of a message that had nowhere to go; the pages translate it.
NO_PHONE = "no_phone"


def _actor(by: AnyUser | None) -> User | None:
    return by if isinstance(by, User) else None


def _new_codes(count: int, rng: random.Random | None = None) -> list[str]:
    """`count` invitation codes not yet used; `rng` makes them repeatable (the demo)."""
    choice = rng.choice if rng is not None else secrets.choice
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        fresh: list[str] = []
        for _i in range(count - len(codes)):
            code = "".join(choice(CODE_ALPHABET) for _j in range(CODE_LENGTH))
            if code not in seen:
                seen.add(code)
                fresh.append(code)
        taken: set[str] = set()
        for start in range(0, len(fresh), 500):
            batch = fresh[start : start + 500]
            taken.update(
                Invitation.objects.filter(code__in=batch).values_list("code", flat=True)
            )
        codes += [code for code in fresh if code not in taken]
    return codes


# Workshops and agenda ----------------------------------------------------------------


@transaction.atomic
def workshop_create(
    *,
    by: AnyUser | None,
    title: str,
    level: Level | str,
    unit: Unit,
    date: datetime.date,
    venue: str,
    parent: Workshop | None = None,
) -> Workshop:
    """Plan a workshop; with `parent`, "on the same lines": its agenda is copied."""
    level = Level(level)
    if unit.level not in LEVEL_UNITS[level]:
        raise ValidationError(
            _("A %(level)s workshop cannot be organised by a %(unit)s unit.")
            % {"level": level.label, "unit": unit.get_level_display()}
        )
    if parent is not None:
        if LEVEL_ORDER[parent.level] > LEVEL_ORDER[level]:
            raise ValidationError(
                _(
                    "A workshop can follow the lines of a workshop at its level or above."
                )
            )
        if not unit.path.startswith(parent.unit.path):
            raise ValidationError(
                _(
                    "The organising unit must lie within the unit of the parent workshop."
                )
            )
    workshop = Workshop(
        title=title.strip(),
        level=level,
        unit=unit,
        date=date,
        venue=venue.strip(),
        parent=parent,
        created_by=_actor(by),
    )
    workshop.full_clean()
    workshop.save()
    if parent is not None:
        Session.objects.bulk_create(
            Session(
                workshop=workshop,
                topic_id=s.topic_id,
                speaker="",
                starts_at=s.starts_at,
                ends_at=s.ends_at,
            )
            for s in parent.sessions.all()
        )
    audit_record(
        actor=by,
        verb="training.workshop_create",
        obj=workshop,
        scope_path=unit.path,
        data={
            "title": workshop.title,
            "level": level.value,
            "date": date.isoformat(),
            "parent": parent.pk if parent else None,
        },
    )
    return workshop


@transaction.atomic
def workshop_update(
    *,
    by: AnyUser | None,
    workshop: Workshop,
    title: str,
    date: datetime.date,
    venue: str,
) -> Workshop:
    """Change the title, date or venue (a workshop moved to another day or hall)."""
    before = {
        "title": workshop.title,
        "date": workshop.date.isoformat(),
        "venue": workshop.venue,
    }
    workshop.title = title.strip()
    workshop.date = date
    workshop.venue = venue.strip()
    workshop.full_clean()
    workshop.save(update_fields=["title", "date", "venue"])
    audit_record(
        actor=by,
        verb="training.workshop_update",
        obj=workshop,
        scope_path=workshop.unit.path,
        data={"before": before, "date": date.isoformat(), "venue": workshop.venue},
    )
    return workshop


@transaction.atomic
def session_add(
    *,
    by: AnyUser | None,
    workshop: Workshop,
    topic: Topic,
    starts_at: datetime.time,
    ends_at: datetime.time,
    speaker: str = "",
) -> Session:
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."))
    session = Session.objects.create(
        workshop=workshop,
        topic=topic,
        speaker=speaker.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    audit_record(
        actor=by,
        verb="training.session_add",
        obj=session,
        scope_path=workshop.unit.path,
        data={"workshop": workshop.pk, "topic": topic.code},
    )
    return session


@transaction.atomic
def session_update(
    *,
    by: AnyUser | None,
    session: Session,
    topic: Topic,
    starts_at: datetime.time,
    ends_at: datetime.time,
    speaker: str = "",
) -> Session:
    """Change a session's topic, slot or speaker (a copied agenda gets its speakers).
    The topic of a session people attended stays: their training counts on it."""
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."))
    if topic.pk != session.topic_id and session.attendance.exists():
        raise ValidationError(
            _("People have been checked in to this session; its topic cannot change.")
        )
    session.topic = topic
    session.speaker = speaker.strip()
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.save(update_fields=["topic", "speaker", "starts_at", "ends_at"])
    audit_record(
        actor=by,
        verb="training.session_update",
        obj=session,
        scope_path=session.workshop.unit.path,
        data={"workshop": session.workshop_id, "topic": topic.code},
    )
    return session


@transaction.atomic
def session_remove(*, by: AnyUser | None, session: Session) -> None:
    """Take a session off the agenda; one with attendance is history and stays."""
    if session.attendance.exists():
        raise ValidationError(
            _("People have been checked in to this session; it cannot be removed.")
        )
    audit_record(
        actor=by,
        verb="training.session_remove",
        obj=session,
        scope_path=session.workshop.unit.path,
        data={"workshop": session.workshop_id, "topic": session.topic.code},
    )
    session.delete()


# Invitations -------------------------------------------------------------------------


@dataclass
class InviteReport:
    invited: int
    already: int


def _rank(post: Post) -> int:
    return RANK.get(PostType(post.post_type), 0)


@transaction.atomic
def invitations_by_posts(
    *,
    by: AnyUser | None,
    workshop: Workshop,
    posts: Iterable[Post],
    rng: random.Random | None = None,
) -> InviteReport:
    """Invite the holders of `posts` (already narrowed to the organiser's scope).

    A person holding several of the posts is invited once, for their senior post; people
    already invited are left as they are.
    """
    by_person: dict[int, Post] = {}
    for post in posts:
        held = by_person.get(post.person_id)
        if held is None or _rank(post) > _rank(held):
            by_person[post.person_id] = post
    already = set(workshop.invitations.values_list("person_id", flat=True)) & set(
        by_person
    )
    new = [
        post
        for person_id, post in sorted(by_person.items())
        if person_id not in already
    ]
    codes = _new_codes(len(new), rng)
    Invitation.objects.bulk_create(
        Invitation(
            workshop=workshop,
            person_id=post.person_id,
            post=post,
            source=Invitation.Source.BY_POST,
            code=code,
            invited_by=_actor(by),
        )
        for post, code in zip(new, codes, strict=True)
    )
    if new:
        audit_record(
            actor=by,
            verb="training.invite_by_post",
            obj=workshop,
            scope_path=workshop.unit.path,
            data={
                "invited": len(new),
                "post_types": sorted({p.post_type for p in new}),
            },
        )
    return InviteReport(invited=len(new), already=len(already))


@transaction.atomic
def invitation_add(
    *,
    by: AnyUser | None,
    workshop: Workshop,
    person: Person,
    post: Post | None = None,
    source: Invitation.Source = Invitation.Source.ADDED,
    rng: random.Random | None = None,
) -> Invitation:
    """Invite one person by name; inviting someone already invited changes nothing."""
    existing = workshop.invitations.filter(person=person).first()
    if existing is not None:
        return existing
    if post is None:
        # Recorded as the post they held when invited, like an invitation by post.
        held = Post.objects.filter(current_posts_q(), person=person)
        post = max(held, key=_rank, default=None)
    invitation = Invitation.objects.create(
        workshop=workshop,
        person=person,
        post=post,
        source=source,
        code=_new_codes(1, rng)[0],
        invited_by=_actor(by),
        rsvp=Invitation.Rsvp.YES
        if source == Invitation.Source.WALK_IN
        else Invitation.Rsvp.PENDING,
    )
    audit_record(
        actor=by,
        verb="training.invite",
        obj=invitation,
        scope_path=workshop.unit.path,
        data={"workshop": workshop.pk, "person": person.pk, "source": source},
    )
    return invitation


@transaction.atomic
def invitation_remove(*, by: AnyUser | None, invitation: Invitation) -> None:
    """Withdraw an invitation; once the person has been checked in it is history."""
    if invitation.attendance.exists():
        raise ValidationError(
            _("%(name)s has been checked in; the invitation stays on record.")
            % {"name": invitation.person.name}
        )
    audit_record(
        actor=by,
        verb="training.uninvite",
        obj=invitation,
        scope_path=invitation.workshop.unit.path,
        data={"workshop": invitation.workshop_id, "person": invitation.person_id},
    )
    invitation.delete()


def rsvp_set(
    *, by: AnyUser | None, invitation: Invitation, rsvp: Invitation.Rsvp | str
) -> Invitation:
    """Record the invitee's answer (told to the organiser, or given by themselves)."""
    invitation.rsvp = Invitation.Rsvp(rsvp)
    invitation.rsvp_at = timezone.now()
    invitation.rsvp_by = _actor(by)
    invitation.save(update_fields=["rsvp", "rsvp_at", "rsvp_by"])
    return invitation


# The desk ----------------------------------------------------------------------------


@dataclass
class Mark:
    attendance: Attendance
    # "created": a new row; "replayed": this client_uuid was seen before; "unchanged":
    # the person's state at the session already was the requested one.
    outcome: str


def _latest(session: Session, person_id: int) -> Attendance | None:
    return (
        Attendance.objects.filter(session=session, person_id=person_id)
        .order_by("-id")
        .first()
    )


def attendance_mark(
    *,
    by: User,
    session: Session,
    invitation: Invitation,
    client_uuid: uuid.UUID | str,
    kind: Attendance.Kind | str = Attendance.Kind.PRESENT,
    at: datetime.datetime | None = None,
) -> Mark:
    """Check `invitation`'s person in to `session` (or withdraw a check-in). Append-only
    and idempotent: a replayed `client_uuid`, or a state that already holds, adds no row.
    """
    if invitation.workshop_id != session.workshop_id:
        raise ValidationError(_("This invitation is for another workshop."))
    client_uuid = uuid.UUID(str(client_uuid))
    kind = Attendance.Kind(kind)
    seen = Attendance.objects.filter(client_uuid=client_uuid).first()
    if seen is not None:
        return Mark(seen, "replayed")
    try:
        with transaction.atomic():
            latest = _latest(session, invitation.person_id)
            current = latest.kind if latest is not None else Attendance.Kind.WITHDRAWN
            if latest is not None and current == kind:
                return Mark(latest, "unchanged")
            if latest is None and kind == Attendance.Kind.WITHDRAWN:
                raise ValidationError(_("This person was not checked in."))
            row = Attendance.objects.create(
                session=session,
                person_id=invitation.person_id,
                invitation=invitation,
                kind=kind,
                by=by,
                at=at or timezone.now(),
                client_uuid=client_uuid,
            )
    except IntegrityError:
        # The same tap arrived twice at once; the other request wrote the row.
        return Mark(Attendance.objects.get(client_uuid=client_uuid), "replayed")
    if kind == Attendance.Kind.PRESENT and invitation.rsvp != Invitation.Rsvp.YES:
        # Someone who came evidently said yes in the end.
        rsvp_set(by=by, invitation=invitation, rsvp=Invitation.Rsvp.YES)
    return Mark(row, "created")


@transaction.atomic
def walkin_register(
    *,
    by: User,
    workshop: Workshop,
    person: Person | None = None,
    name: str = "",
    name_en: str = "",
    unit: Unit | None = None,
    rng: random.Random | None = None,
) -> Invitation:
    """Someone came without an invitation: invite them on the spot (registering them
    as a new person at `unit` if they are not in the organisation yet)."""
    if person is None:
        if not name.strip() or unit is None:
            raise ValidationError(_("Give the walk-in's name and home unit."))
        person = person_create(by=by, name=name, name_en=name_en, unit=unit)
    return invitation_add(
        by=by,
        workshop=workshop,
        person=person,
        source=Invitation.Source.WALK_IN,
        rng=rng,
    )


# Directives --------------------------------------------------------------------------


@transaction.atomic
def directive_create(
    *,
    by: AnyUser | None,
    workshop: Workshop,
    unit: Unit,
    text: str,
    due_date: datetime.date | None = None,
) -> Directive:
    """A task given at `workshop` to `unit`, which must lie within the organising unit."""
    if not unit.path.startswith(workshop.unit.path):
        raise ValidationError(
            _("A directive goes to a unit within the workshop's organising unit.")
        )
    directive = Directive(
        workshop=workshop,
        unit=unit,
        text=text.strip(),
        due_date=due_date,
        created_by=_actor(by),
    )
    directive.full_clean()
    directive.save()
    audit_record(
        actor=by,
        verb="training.directive_create",
        obj=directive,
        scope_path=unit.path,
        data={"workshop": workshop.pk, "text": directive.text},
    )
    return directive


@transaction.atomic
def directive_status_set(
    *,
    by: AnyUser | None,
    directive: Directive,
    status: Directive.Status | str,
    note: str = "",
) -> Directive:
    status = Directive.Status(status)
    directive.status = status
    directive.note = note.strip()[:300]
    closed = status != Directive.Status.OPEN
    directive.closed_at = timezone.now() if closed else None
    directive.closed_by = _actor(by) if closed else None
    directive.save(update_fields=["status", "note", "closed_at", "closed_by"])
    audit_record(
        actor=by,
        verb="training.directive_status",
        obj=directive,
        scope_path=directive.unit.path,
        data={"status": status.value, "note": directive.note},
    )
    return directive


# Outbox ------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    queued: int
    no_phone: int
    skipped: int


def reminder_text(invitation: Invitation, workshop: Workshop) -> str:
    """The reminder in Hindi, the language of the cadre (names are data)."""
    with translation.override("hi"):
        return _(
            "%(name)s ji, a reminder: %(title)s on %(date)s at %(venue)s. "
            "Please bring your invitation code %(code)s."
        ) % {
            "name": invitation.person.name,
            "title": workshop.title,
            "date": workshop.date.strftime("%d-%m-%Y"),
            "venue": workshop.venue,
            "code": invitation.code,
        }


@transaction.atomic
def reminders_queue(
    *, by: AnyUser | None, workshop: Workshop, invitations: Sequence[Invitation]
) -> ReminderReport:
    """Queue a reminder for each invitee who has not said no and has none queued.

    A person without a phone number held with consent gets a failed message saying so,
    so the call list shows whom to reach another way.
    """
    waiting = set(
        OutboxMessage.objects.filter(
            workshop=workshop,
            kind=OutboxMessage.Kind.REMINDER,
            status=OutboxMessage.Status.QUEUED,
        ).values_list("invitation_id", flat=True)
    )
    now = timezone.now()
    messages = []
    skipped = 0
    for invitation in invitations:
        if invitation.rsvp == Invitation.Rsvp.NO or invitation.pk in waiting:
            skipped += 1
            continue
        phone = person_phone(invitation.person)
        messages.append(
            OutboxMessage(
                workshop=workshop,
                invitation=invitation,
                kind=OutboxMessage.Kind.REMINDER,
                phone=phone,
                body=reminder_text(invitation, workshop),
                status=OutboxMessage.Status.QUEUED
                if phone
                else OutboxMessage.Status.FAILED,
                error="" if phone else NO_PHONE,
                created_by=_actor(by),
                status_at=None if phone else now,
            )
        )
    OutboxMessage.objects.bulk_create(messages)
    no_phone = sum(1 for m in messages if not m.phone)
    if messages:
        audit_record(
            actor=by,
            verb="training.reminders_queue",
            obj=workshop,
            scope_path=workshop.unit.path,
            data={"queued": len(messages) - no_phone, "no_phone": no_phone},
        )
    return ReminderReport(
        queued=len(messages) - no_phone, no_phone=no_phone, skipped=skipped
    )


def outbox_status_set(
    *,
    by: AnyUser | None,
    message: OutboxMessage,
    status: OutboxMessage.Status | str,
    error: str = "",
) -> OutboxMessage:
    """Record what became of a message (by hand today; by a delivery channel later)."""
    message.status = OutboxMessage.Status(status)
    message.error = error.strip()[:300]
    message.status_at = timezone.now()
    message.save(update_fields=["status", "error", "status_at"])
    return message


# Exports -----------------------------------------------------------------------------


def export_record(
    *,
    by: AnyUser | None,
    what: str,
    obj: Workshop | Unit,
    rows: int,
    file_format: str,
) -> None:
    """Every export of names leaves an audit event: who took which list, when."""
    unit = obj.unit if isinstance(obj, Workshop) else obj
    audit_record(
        actor=by,
        verb="training.export",
        obj=obj,
        scope_path=unit.path,
        data={"what": what, "rows": rows, "format": file_format},
    )
