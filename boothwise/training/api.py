"""Training in API v1: workshops, their agenda, invitations and answers, attendance,
directives and coverage. Registered on the one NinjaAPI in boothwise/api/api.py (under
/training), so it shares its token auth, error shapes and OpenAPI document; only that
module imports this one.

The same access rules and services as the HTML pages: a workshop is read with
`view_organisation` over its organising unit (or by its invitees, who see the workshop
and their own invitation), and run with `manage_training` there. Out of scope is 404.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from boothwise.accounts.access import access_person, access_unit
from boothwise.accounts.permissions import Action
from boothwise.api.auth import request_user
from boothwise.api.schemas import (
    ErrorOut,
    InvalidOut,
    PageParams,
    PersonRef,
    UnitRef,
    person_ref,
    unit_ref,
)
from boothwise.organisation.models import Person, PostType
from boothwise.training import selectors, services
from boothwise.training.access import (
    access_directive,
    access_invitation,
    access_own_invitation,
    access_workshop,
    directives_visible,
    may_manage,
    workshops_in_scope,
    workshops_visible,
)
from boothwise.training.models import (
    Attendance,
    Directive,
    Invitation,
    Level,
    Session,
    Topic,
    Workshop,
)

router = Router(tags=["training"])

VIEW = Action.VIEW_ORGANISATION
MANAGE = Action.MANAGE_TRAINING
ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 403: ErrorOut}


# Shapes ----------------------------------------------------------------------------


class TopicOut(Schema):
    id: int
    code: str
    name: str
    name_hi: str
    required_for: list[Level]


class SessionOut(Schema):
    id: int
    topic: TopicOut
    speaker: str
    starts_at: datetime.time
    ends_at: datetime.time


class StatsOut(Schema):
    invited: int
    rsvp: dict[str, int]
    attended: int
    trained: int


class WorkshopOut(Schema):
    id: int
    title: str
    level: Level
    unit: UnitRef
    date: datetime.date
    venue: str
    parent_id: int | None
    # None for a workshop seen only as an invitee, from outside its organising unit.
    stats: StatsOut | None


class WorkshopDetailOut(WorkshopOut):
    sessions: list[SessionOut]
    children_ids: list[int]
    manages: bool
    own_invitation_id: int | None


class WorkshopPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[WorkshopOut]


class WorkshopFilters(PageParams):
    unit: int | None = None
    level: Level | None = None


class WorkshopIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    level: Level
    unit_id: int
    date: datetime.date
    venue: str = Field(..., min_length=1, max_length=300)
    parent_id: int | None = None


class SessionIn(Schema):
    topic: str = Field(..., description="topic code, e.g. booth_management")
    speaker: str = Field("", max_length=200)
    starts_at: datetime.time
    ends_at: datetime.time


class InvitationOut(Schema):
    id: int
    workshop_id: int
    person: PersonRef
    post_type: PostType | None
    place: str
    source: Invitation.Source
    rsvp: Invitation.Rsvp
    code: str
    sessions_present: list[int]


class InvitationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InvitationOut]


class InvitationFilters(PageParams):
    q: str | None = Field(None, max_length=100)
    rsvp: Invitation.Rsvp | None = None


class InviteIn(Schema):
    """Either `post_types` (with `within_unit_id`, default the organising unit) or
    `person_id`."""

    post_types: list[PostType] | None = None
    within_unit_id: int | None = None
    person_id: int | None = None


class InviteOut(Schema):
    invited: int
    already: int
    invitation: InvitationOut | None


class RsvpIn(Schema):
    rsvp: Invitation.Rsvp


class AttendanceOut(Schema):
    id: int
    session_id: int
    invitation_id: int
    person: PersonRef
    kind: Attendance.Kind
    by: str
    at: datetime.datetime
    client_uuid: uuid.UUID


class AttendancePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AttendanceOut]


class AttendanceIn(Schema):
    session_id: int
    invitation_id: int | None = None
    code: str | None = Field(None, max_length=8)
    client_uuid: uuid.UUID
    kind: Attendance.Kind = Attendance.Kind.PRESENT


class MarkOut(Schema):
    outcome: str
    attendance: AttendanceOut


class DirectiveOut(Schema):
    id: int
    workshop_id: int
    unit: UnitRef
    text: str
    due_date: datetime.date | None
    status: Directive.Status
    note: str


class DirectivePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DirectiveOut]


class DirectiveFilters(PageParams):
    status: Directive.Status | None = None
    unit: int | None = None


class DirectiveIn(Schema):
    unit_id: int
    text: str = Field(..., min_length=1, max_length=500)
    due_date: datetime.date | None = None


class DirectiveStatusIn(Schema):
    status: Directive.Status
    note: str = Field("", max_length=300)


class TallyOut(Schema):
    trained: int
    total: int


class CoverageRowOut(Schema):
    unit: UnitRef
    groups: dict[str, TallyOut]
    vacant: list[str]


class HolderOut(Schema):
    post_id: int
    post_type: PostType
    person: PersonRef
    place: str
    block_id: int | None
    booth_id: int | None
    trained_level: Level | None
    trained_on: datetime.date | None


class TreeNodeOut(Schema):
    workshop_id: int
    parent_id: int | None
    title: str
    level: Level
    unit: UnitRef
    date: datetime.date
    depth: int
    invited: int
    attended: int
    trained: int


class CoverageOut(Schema):
    unit: UnitRef
    totals: dict[str, TallyOut]
    rows_are: str
    rows: list[CoverageRowOut]
    untrained: list[HolderOut]
    cascade: list[TreeNodeOut]
    pending_directives: list[DirectiveOut]


class TrainedOut(Schema):
    level: Level
    on: datetime.date
    workshop_id: int


class PersonWorkshopOut(Schema):
    invitation_id: int
    workshop_id: int | None
    title: str
    date: datetime.date
    attended_sessions: int
    sessions: int


class PersonTrainingOut(Schema):
    person: PersonRef
    trained: list[TrainedOut]
    workshops: list[PersonWorkshopOut]


def topic_out(topic: Topic, required: dict[str, frozenset[int]]) -> TopicOut:
    return TopicOut(
        id=topic.pk,
        code=topic.code,
        name=topic.name,
        name_hi=topic.name_hi,
        required_for=[Level(lv) for lv in Level if topic.pk in required.get(lv, ())],
    )


def stats_out(stats: selectors.WorkshopStats) -> StatsOut:
    return StatsOut(
        invited=stats.invited,
        rsvp={r: stats.rsvp.get(r, 0) for r in Invitation.Rsvp.values},
        attended=stats.attended,
        trained=stats.trained,
    )


def workshop_out(
    workshop: Workshop, stats: selectors.WorkshopStats | None
) -> WorkshopOut:
    return WorkshopOut(
        id=workshop.pk,
        title=workshop.title,
        level=Level(workshop.level),
        unit=unit_ref(workshop.unit),
        date=workshop.date,
        venue=workshop.venue,
        parent_id=workshop.parent_id,
        stats=stats_out(stats) if stats is not None else None,
    )


def session_out(session: Session, required: dict[str, frozenset[int]]) -> SessionOut:
    return SessionOut(
        id=session.pk,
        topic=topic_out(session.topic, required),
        speaker=session.speaker,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )


def invitation_out(invitation: Invitation, present: set[int]) -> InvitationOut:
    post = invitation.post
    return InvitationOut(
        id=invitation.pk,
        workshop_id=invitation.workshop_id,
        person=person_ref(invitation.person),
        post_type=PostType(post.post_type) if post else None,
        place=selectors.place_label(post),
        source=Invitation.Source(invitation.source),
        rsvp=Invitation.Rsvp(invitation.rsvp),
        code=invitation.code,
        sessions_present=sorted(present),
    )


def attendance_out(row: Attendance) -> AttendanceOut:
    return AttendanceOut(
        id=row.pk,
        session_id=row.session_id,
        invitation_id=row.invitation_id,
        person=person_ref(row.person),
        kind=Attendance.Kind(row.kind),
        by=row.by.username,
        at=row.at,
        client_uuid=row.client_uuid,
    )


def directive_out(directive: Directive) -> DirectiveOut:
    return DirectiveOut(
        id=directive.pk,
        workshop_id=directive.workshop_id,
        unit=unit_ref(directive.unit),
        text=directive.text,
        due_date=directive.due_date,
        status=Directive.Status(directive.status),
        note=directive.note,
    )


def tally_out(tally: selectors.Tally) -> TallyOut:
    return TallyOut(trained=tally.trained, total=tally.total)


def holder_out(holder: selectors.Holder) -> HolderOut:
    trained = holder.trained
    return HolderOut(
        post_id=holder.post.pk,
        post_type=PostType(holder.post.post_type),
        person=person_ref(holder.post.person),
        place=selectors.place_label(holder.post),
        block_id=holder.block.pk if holder.block else None,
        booth_id=holder.booth.pk if holder.booth else None,
        trained_level=Level(trained.level) if trained else None,
        trained_on=trained.on if trained else None,
    )


def tree_node_out(node: selectors.TreeNode) -> TreeNodeOut:
    w = node.workshop
    return TreeNodeOut(
        workshop_id=w.pk,
        parent_id=w.parent_id,
        title=w.title,
        level=Level(w.level),
        unit=unit_ref(w.unit),
        date=w.date,
        depth=node.depth,
        invited=node.stats.invited,
        attended=node.stats.attended,
        trained=node.stats.trained,
    )


# Curriculum ------------------------------------------------------------------------


@router.get("/topics", response={200: list[TopicOut], 401: ErrorOut})
def topic_list(request: HttpRequest) -> list[TopicOut]:
    """The curriculum's topics, each with the levels that require it."""
    required = selectors.curriculum_required()
    return [topic_out(t, required) for t in selectors.topics_active()]


# Workshops -------------------------------------------------------------------------


@router.get("/workshops", response={200: WorkshopPage, **ERRORS})
def workshop_list(
    request: HttpRequest, filters: Query[WorkshopFilters]
) -> WorkshopPage:
    """Workshops the caller can see (in scope, or invited to), newest first."""
    workshops = workshops_visible(request_user(request)).select_related("unit")
    if filters.unit is not None:
        workshops = workshops.filter(unit_id=filters.unit)
    if filters.level is not None:
        workshops = workshops.filter(level=filters.level)
    workshops = workshops.order_by("-date", "-id")
    items = list(workshops[filters.offset : filters.offset + filters.limit])
    stats = selectors.workshop_stats(_in_scope(request, items))
    return WorkshopPage(
        count=workshops.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[workshop_out(w, stats.get(w.pk)) for w in items],
    )


def _in_scope(request: HttpRequest, workshops: list[Workshop]) -> list[Workshop]:
    """Those of `workshops` whose figures the caller may see."""
    ids = set(
        workshops_in_scope(request_user(request))
        .filter(pk__in=[w.pk for w in workshops])
        .values_list("pk", flat=True)
    )
    return [w for w in workshops if w.pk in ids]


def _detail(request: HttpRequest, workshop: Workshop) -> WorkshopDetailOut:
    user = request_user(request)
    required = selectors.curriculum_required()
    own = Invitation.objects.filter(workshop=workshop, person__user=user).first()
    children = workshops_visible(user).filter(parent=workshop).order_by("date", "id")
    return WorkshopDetailOut(
        **workshop_out(
            workshop,
            selectors.workshop_stats(_in_scope(request, [workshop])).get(workshop.pk),
        ).model_dump(),
        sessions=[
            session_out(s, required) for s in selectors.workshop_sessions(workshop)
        ],
        children_ids=list(children.values_list("pk", flat=True)),
        manages=may_manage(user, workshop),
        own_invitation_id=own.pk if own else None,
    )


@router.post("/workshops", response={201: WorkshopDetailOut, **WRITE_ERRORS})
def workshop_create(
    request: HttpRequest, data: WorkshopIn
) -> Status[WorkshopDetailOut]:
    """Plan a workshop at a unit in the caller's training scope; with `parent_id`, on
    the same lines as a workshop the caller can see (its agenda is copied)."""
    user = request_user(request)
    unit = access_unit(user, data.unit_id, action=MANAGE)
    parent = (
        access_workshop(user, data.parent_id, action=VIEW)
        if data.parent_id is not None
        else None
    )
    workshop = services.workshop_create(
        by=user,
        title=data.title,
        level=data.level,
        unit=unit,
        date=data.date,
        venue=data.venue,
        parent=parent,
    )
    return Status(201, _detail(request, workshop))


@router.get("/workshops/{workshop_id}", response={200: WorkshopDetailOut, **ERRORS})
def workshop_detail(request: HttpRequest, workshop_id: int) -> WorkshopDetailOut:
    """One workshop with its agenda; figures for everyone who may see it."""
    workshop = access_workshop(request_user(request), workshop_id, action=VIEW)
    return _detail(request, workshop)


# Agenda ----------------------------------------------------------------------------


@router.get(
    "/workshops/{workshop_id}/sessions", response={200: list[SessionOut], **ERRORS}
)
def session_list(request: HttpRequest, workshop_id: int) -> list[SessionOut]:
    """The agenda, in time order."""
    workshop = access_workshop(request_user(request), workshop_id, action=VIEW)
    required = selectors.curriculum_required()
    return [session_out(s, required) for s in selectors.workshop_sessions(workshop)]


@router.post(
    "/workshops/{workshop_id}/sessions", response={201: SessionOut, **WRITE_ERRORS}
)
def session_create(
    request: HttpRequest, workshop_id: int, data: SessionIn
) -> Status[SessionOut]:
    """Add a session: a curriculum topic (by code), a speaker and a time slot."""
    user = request_user(request)
    workshop = access_workshop(user, workshop_id, action=MANAGE)
    topic = selectors.topics_active().filter(code=data.topic).first()
    if topic is None:
        raise Http404
    session = services.session_add(
        by=user,
        workshop=workshop,
        topic=topic,
        speaker=data.speaker,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )
    return Status(201, session_out(session, selectors.curriculum_required()))


# Invitations -----------------------------------------------------------------------


def _present_by_person(
    workshop: Workshop, invitations: list[Invitation]
) -> dict[int, set[int]]:
    rows = selectors.desk_rows(workshop, invitations)
    return {row.invitation.pk: row.present for row in rows}


@router.get(
    "/workshops/{workshop_id}/invitations", response={200: InvitationPage, **ERRORS}
)
def invitation_list(
    request: HttpRequest, workshop_id: int, filters: Query[InvitationFilters]
) -> InvitationPage:
    """Invitees (organisers only), by name; `q` matches either script or the code."""
    workshop = access_workshop(request_user(request), workshop_id, action=MANAGE)
    invitations = selectors.invitations_for_workshop(
        workshop, rsvp=filters.rsvp or "", query=filters.q or ""
    )
    items = list(invitations[filters.offset : filters.offset + filters.limit])
    present = _present_by_person(workshop, items)
    return InvitationPage(
        count=invitations.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[invitation_out(i, present[i.pk]) for i in items],
    )


@router.post(
    "/workshops/{workshop_id}/invitations", response={200: InviteOut, **WRITE_ERRORS}
)
def invitation_create(
    request: HttpRequest, workshop_id: int, data: InviteIn
) -> InviteOut:
    """Invite by post (every current holder within a unit and the caller's scope) or
    one person by id. Inviting someone already invited changes nothing."""
    user = request_user(request)
    workshop = access_workshop(user, workshop_id, action=MANAGE)
    if data.person_id is not None:
        person = access_person(user, data.person_id, action=MANAGE)
        before = workshop.invitations.filter(person=person).exists()
        invitation = services.invitation_add(by=user, workshop=workshop, person=person)
        invitation = selectors.invitations_for_workshop(workshop).get(pk=invitation.pk)
        return InviteOut(
            invited=0 if before else 1,
            already=1 if before else 0,
            invitation=invitation_out(invitation, set()),
        )
    if not data.post_types:
        raise Http404
    within = (
        access_unit(user, data.within_unit_id, action=MANAGE)
        if data.within_unit_id is not None
        else workshop.unit
    )
    if not within.path.startswith(workshop.unit.path):
        raise Http404
    posts = selectors.posts_for_invitation(
        user, within=within, post_types=[t.value for t in data.post_types]
    )
    report = services.invitations_by_posts(by=user, workshop=workshop, posts=posts)
    return InviteOut(invited=report.invited, already=report.already, invitation=None)


@router.post(
    "/invitations/{invitation_id}/rsvp", response={200: InvitationOut, **ERRORS}
)
def invitation_rsvp(
    request: HttpRequest, invitation_id: int, data: RsvpIn
) -> InvitationOut:
    """Record an answer: the organiser for anyone invited, an invitee for themselves."""
    user = request_user(request)
    try:
        invitation = access_invitation(user, invitation_id, action=MANAGE)
    except Http404:
        invitation = access_own_invitation(user, invitation_id)
    services.rsvp_set(by=user, invitation=invitation, rsvp=data.rsvp)
    invitation = selectors.invitations_for_workshop(invitation.workshop).get(
        pk=invitation.pk
    )
    return invitation_out(invitation, set())


# Attendance ------------------------------------------------------------------------


@router.get(
    "/workshops/{workshop_id}/attendance", response={200: AttendancePage, **ERRORS}
)
def attendance_list(
    request: HttpRequest, workshop_id: int, filters: Query[PageParams]
) -> AttendancePage:
    """Every check-in and withdrawal at the workshop, oldest first (append-only)."""
    workshop = access_workshop(request_user(request), workshop_id, action=MANAGE)
    rows = (
        Attendance.objects.filter(session__workshop=workshop)
        .select_related("person", "by")
        .order_by("id")
    )
    items = list(rows[filters.offset : filters.offset + filters.limit])
    return AttendancePage(
        count=rows.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[attendance_out(a) for a in items],
    )


@router.post(
    "/workshops/{workshop_id}/attendance",
    response={200: MarkOut, 201: MarkOut, **WRITE_ERRORS},
)
def attendance_create(
    request: HttpRequest, workshop_id: int, data: AttendanceIn
) -> Status[MarkOut]:
    """Check an invitee (by invitation id or code) in to a session, or withdraw a
    check-in. 201 when a row was written; 200 when the `client_uuid` was seen before or
    the person already was in that state (nothing written)."""
    user = request_user(request)
    workshop = access_workshop(user, workshop_id, action=MANAGE)
    session = workshop.sessions.filter(pk=data.session_id).first()
    lookup = (
        Q(pk=data.invitation_id)
        if data.invitation_id is not None
        else Q(code=(data.code or "").strip().upper())
    )
    invitation = workshop.invitations.filter(lookup).first()
    if session is None or invitation is None:
        raise Http404
    mark = services.attendance_mark(
        by=user,
        session=session,
        invitation=invitation,
        client_uuid=data.client_uuid,
        kind=data.kind,
    )
    row = Attendance.objects.select_related("person", "by").get(pk=mark.attendance.pk)
    status = 201 if mark.outcome == "created" else 200
    return Status(status, MarkOut(outcome=mark.outcome, attendance=attendance_out(row)))


# Directives ------------------------------------------------------------------------


@router.get("/directives", response={200: DirectivePage, **ERRORS})
def directive_list(
    request: HttpRequest, filters: Query[DirectiveFilters]
) -> DirectivePage:
    """Directives given to, or at workshops of, units in the caller's scope."""
    directives = directives_visible(request_user(request)).select_related("unit")
    if filters.status is not None:
        directives = directives.filter(status=filters.status)
    if filters.unit is not None:
        directives = directives.filter(unit_id=filters.unit)
    directives = directives.order_by("due_date", "id")
    items = list(directives[filters.offset : filters.offset + filters.limit])
    return DirectivePage(
        count=directives.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[directive_out(d) for d in items],
    )


@router.post(
    "/workshops/{workshop_id}/directives",
    response={201: DirectiveOut, **WRITE_ERRORS},
)
def directive_create(
    request: HttpRequest, workshop_id: int, data: DirectiveIn
) -> Status[DirectiveOut]:
    """Record a directive given at the workshop to a unit within its organising unit."""
    user = request_user(request)
    workshop = access_workshop(user, workshop_id, action=MANAGE)
    unit = access_unit(user, data.unit_id, action=MANAGE)
    directive = services.directive_create(
        by=user, workshop=workshop, unit=unit, text=data.text, due_date=data.due_date
    )
    return Status(201, directive_out(directive))


@router.post(
    "/directives/{directive_id}/status", response={200: DirectiveOut, **ERRORS}
)
def directive_status(
    request: HttpRequest, directive_id: int, data: DirectiveStatusIn
) -> DirectiveOut:
    """Mark a directive done or cancelled, or reopen it."""
    user = request_user(request)
    directive = access_directive(user, directive_id, action=MANAGE)
    directive = services.directive_status_set(
        by=user, directive=directive, status=data.status, note=data.note
    )
    return directive_out(directive)


# Coverage and people ---------------------------------------------------------------


@router.get("/coverage/{unit_id}", response={200: CoverageOut, **ERRORS})
def coverage(request: HttpRequest, unit_id: int) -> CoverageOut:
    """Trained presidents, booth presidents, BLA-2s and page in-charges within a unit,
    by block or booth, the untrained by name, the cascade and pending directives."""
    user = request_user(request)
    unit = access_unit(user, unit_id, action=VIEW)
    cov = selectors.coverage(user, unit)
    return CoverageOut(
        unit=unit_ref(unit),
        totals={k: tally_out(t) for k, t in cov.totals.items()},
        rows_are=cov.rows_are,
        rows=[
            CoverageRowOut(
                unit=unit_ref(r.unit),
                groups={k: tally_out(t) for k, t in r.tallies.items()},
                vacant=r.vacant,
            )
            for r in cov.rows
        ],
        untrained=[holder_out(h) for h in cov.untrained],
        cascade=[tree_node_out(n) for n in selectors.cascade_tree(user, within=unit)],
        pending_directives=[
            directive_out(d) for d in selectors.directives_pending(user, unit)
        ],
    )


@router.get("/people/{person_id}", response={200: PersonTrainingOut, **ERRORS})
def person_training(request: HttpRequest, person_id: int) -> PersonTrainingOut:
    """A person's trained levels and the workshops they were invited to."""
    user = request_user(request)
    person: Person = access_person(user, person_id, action=VIEW)
    training = selectors.person_training(user, person)
    return PersonTrainingOut(
        person=person_ref(person),
        trained=[
            TrainedOut(level=Level(t.level), on=t.on, workshop_id=t.workshop_id)
            for t in training.trained
        ],
        workshops=[
            PersonWorkshopOut(
                invitation_id=w.invitation.pk,
                workshop_id=w.invitation.workshop_id if w.visible else None,
                title=w.invitation.workshop.title,
                date=w.invitation.workshop.date,
                attended_sessions=w.attended,
                sessions=w.sessions,
            )
            for w in training.workshops
        ],
    )
