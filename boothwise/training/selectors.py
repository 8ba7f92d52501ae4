"""Reads of the training app: workshops, the desk, trained status and coverage.

Attendance is append-only, so "is this person present at this session" is the kind of
the latest row for the pair; `present_pairs` folds rows (ordered by id) into that set.
"Trained for a level" means: among the sessions of workshops of that level the person
attended, every topic the level's curriculum requires is covered. It is derived on each
read from attendance and the curriculum, so a change of curriculum applies at once.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boothwise.accounts.access import AnyUser, current_posts_q, scope_for, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.geography.models import AssemblyConstituency
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.organisation.selectors import person_phone, units_outermost
from boothwise.rolls.phonetic import word_keys
from boothwise.training.access import (
    directives_visible,
    workshops_visible,
)
from boothwise.training.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LEVEL_ORDER,
    LEVEL_UNITS,
    Attendance,
    Curriculum,
    Directive,
    Invitation,
    Level,
    OutboxMessage,
    Session,
    Topic,
    Workshop,
)

VIEW = Action.VIEW_ORGANISATION
MANAGE = Action.MANAGE_TRAINING
P = PostType

# Post types offered when inviting by post, and those ticked by default per level:
# the state trains district, city and block presidents, frontal and cell heads, MPs
# and MLAs; a city trains its booth presidents and BLA-2s; a block adds page in-charges.
INVITABLE: tuple[PostType, ...] = (
    P.DISTRICT_PRESIDENT,
    P.CITY_PRESIDENT,
    P.BLOCK_PRESIDENT,
    P.MANDAL_PRESIDENT,
    P.GENERAL_SECRETARY,
    P.FRONTAL_HEAD,
    P.CELL_HEAD,
    P.TRAINER,
    P.SPOKESPERSON,
    P.MP,
    P.MLA,
    P.AC_INCHARGE,
    P.BOOTH_PRESIDENT,
    P.BLA2,
    P.BOOTH_YOUTH,
    P.BOOTH_WOMAN,
    P.BOOTH_MEMBER,
    P.PAGE_INCHARGE,
)
INVITE_DEFAULTS: dict[str, tuple[PostType, ...]] = {
    Level.STATE: (
        P.DISTRICT_PRESIDENT,
        P.CITY_PRESIDENT,
        P.BLOCK_PRESIDENT,
        P.FRONTAL_HEAD,
        P.CELL_HEAD,
        P.MP,
        P.MLA,
    ),
    Level.DISTRICT: (P.BLOCK_PRESIDENT, P.BOOTH_PRESIDENT, P.BLA2),
    Level.BLOCK: (P.BOOTH_PRESIDENT, P.BLA2, P.PAGE_INCHARGE),
}


# Curriculum ---------------------------------------------------------------------------


def topics_active() -> QuerySet[Topic]:
    return Topic.objects.filter(active=True).order_by("position", "id")


def curriculum_required() -> dict[str, frozenset[int]]:
    """Required topic ids per level (one query)."""
    required: dict[str, set[int]] = defaultdict(set)
    rows = Curriculum.required_topics.through.objects.values_list(
        "curriculum__level", "topic_id"
    )
    for level, topic_id in rows:
        required[level].add(topic_id)
    return {level: frozenset(ids) for level, ids in required.items()}


@dataclass
class CurriculumRow:
    level: Level
    topics: list[Topic]


def curricula() -> list[CurriculumRow]:
    by_level = {
        c.level: c for c in Curriculum.objects.prefetch_related("required_topics")
    }
    return [
        CurriculumRow(level, list(by_level[level].required_topics.all()))
        for level in Level
        if level in by_level
    ]


def agenda_gaps(workshop: Workshop, sessions: Sequence[Session]) -> list[Topic]:
    """Required topics of the workshop's level that its agenda does not cover."""
    required = curriculum_required().get(workshop.level, frozenset())
    covered = {s.topic_id for s in sessions}
    return list(Topic.objects.filter(pk__in=required - covered))


# Attendance --------------------------------------------------------------------------


def present_pairs(rows: Iterable[tuple[int, int, str]]) -> set[tuple[int, int]]:
    """(person, session) pairs whose latest row is "present"; rows ordered by id."""
    present: set[tuple[int, int]] = set()
    for person_id, session_id, kind in rows:
        if kind == Attendance.Kind.PRESENT:
            present.add((person_id, session_id))
        else:
            present.discard((person_id, session_id))
    return present


@dataclass(frozen=True)
class TrainedLevel:
    level: str
    on: datetime.date
    workshop_id: int

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)


def trained_levels(
    people: QuerySet[Any] | Sequence[int],
) -> dict[int, dict[str, TrainedLevel]]:
    """For each person (ids, or a `values("person_id")`-style subquery) trained for any
    level: level → when and where the last required topic was first attended.

    Two queries, however many people: the attendance rows and the curriculum.
    """
    rows = (
        Attendance.objects.filter(person_id__in=people)
        .order_by("id")
        .values_list(
            "person_id",
            "session_id",
            "kind",
            "session__topic_id",
            "session__workshop__level",
            "session__workshop__date",
            "session__workshop_id",
        )
    )
    info: dict[int, tuple[int, str, datetime.date, int]] = {}
    folded = []
    for person_id, session_id, kind, topic_id, level, date, workshop_id in rows:
        info[session_id] = (topic_id, level, date, workshop_id)
        folded.append((person_id, session_id, kind))
    required = curriculum_required()
    # person → level → topic → earliest (date, workshop)
    first: dict[int, dict[str, dict[int, tuple[datetime.date, int]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for person_id, session_id in present_pairs(folded):
        topic_id, level, date, workshop_id = info[session_id]
        seen = first[person_id][level].get(topic_id)
        if seen is None or (date, workshop_id) < seen:
            first[person_id][level][topic_id] = (date, workshop_id)
    result: dict[int, dict[str, TrainedLevel]] = {}
    for person_id, levels in first.items():
        for level, topics in levels.items():
            needed = required.get(level, frozenset())
            if needed and needed <= topics.keys():
                on, workshop_id = max(topics[t] for t in needed)
                result.setdefault(person_id, {})[level] = TrainedLevel(
                    level, on, workshop_id
                )
    return result


def best_trained(levels: dict[str, TrainedLevel] | None) -> TrainedLevel | None:
    """The highest level a person is trained for (state before district before block)."""
    if not levels:
        return None
    return min(levels.values(), key=lambda t: LEVEL_ORDER[t.level])


# Workshops ---------------------------------------------------------------------------


@dataclass
class WorkshopStats:
    invited: int = 0
    rsvp: dict[str, int] = field(default_factory=dict)
    attended: int = 0
    trained: int = 0

    @property
    def coming(self) -> int:
        return self.rsvp.get(Invitation.Rsvp.YES, 0)


def workshop_stats(workshops: Sequence[Workshop]) -> dict[int, WorkshopStats]:
    """Invited, answers, attended (anyone present at any session) and trained (present
    at sessions of this workshop covering its level's curriculum), in three queries."""
    stats = {w.pk: WorkshopStats() for w in workshops}
    if not workshops:
        return stats
    ids = list(stats)
    answers = (
        Invitation.objects.filter(workshop_id__in=ids)
        .values_list("workshop_id", "rsvp")
        .annotate(n=Count("id"))
        .order_by()
    )
    for workshop_id, rsvp, n in answers:
        stats[workshop_id].invited += n
        stats[workshop_id].rsvp[rsvp] = n
    rows = (
        Attendance.objects.filter(session__workshop_id__in=ids)
        .order_by("id")
        .values_list("person_id", "session_id", "kind", "session__topic_id")
    )
    topic_of: dict[int, int] = {}
    folded = []
    for person_id, session_id, kind, topic_id in rows:
        topic_of[session_id] = topic_id
        folded.append((person_id, session_id, kind))
    session_workshop = dict(
        Session.objects.filter(workshop_id__in=ids).values_list("id", "workshop_id")
    )
    topics: dict[tuple[int, int], set[int]] = defaultdict(set)
    for person_id, session_id in present_pairs(folded):
        topics[(session_workshop[session_id], person_id)].add(topic_of[session_id])
    required = curriculum_required()
    level_of = {w.pk: w.level for w in workshops}
    for (workshop_id, _person_id), covered in topics.items():
        stats[workshop_id].attended += 1
        needed = required.get(level_of[workshop_id], frozenset())
        if needed and needed <= covered:
            stats[workshop_id].trained += 1
    return stats


def workshops_list(user: AnyUser) -> list[Workshop]:
    return list(
        workshops_visible(user)
        .select_related("unit", "parent")
        .annotate(n_sessions=Count("sessions", distinct=True))
        .order_by("-date", "-id")
    )


def invitations_own(user: AnyUser) -> list[Invitation]:
    """The viewer's own invitations, upcoming first."""
    if not isinstance(user, User):
        return []
    today = timezone.localdate()
    return list(
        Invitation.objects.filter(person__user=user, workshop__date__gte=today)
        .select_related("workshop__unit", "post")
        .order_by("workshop__date", "id")
    )


def units_for_workshop(user: AnyUser, level: str | None = None) -> QuerySet[Unit]:
    """Units where `user` may organise a workshop (of `level`, if given)."""
    levels = (
        LEVEL_UNITS[level]
        if level is not None
        else frozenset().union(*LEVEL_UNITS.values())
    )
    return (
        visible(user, MANAGE, Unit.objects.filter(level__in=levels))
        .select_related("parent")
        .order_by("path")
    )


def workshops_as_parents(user: AnyUser) -> QuerySet[Workshop]:
    """Workshops the viewer may follow "on the same lines": any they can see."""
    return workshops_visible(user).select_related("unit").order_by("-date", "-id")


def workshop_sessions(workshop: Workshop) -> list[Session]:
    return list(workshop.sessions.select_related("topic").order_by("starts_at", "id"))


def session_current(
    sessions: Sequence[Session],
    workshop: Workshop,
    now: datetime.datetime | None = None,
) -> Session | None:
    """The session under way (or next) on the workshop's day; else the first."""
    if not sessions:
        return None
    now = timezone.localtime(now)
    if now.date() == workshop.date:
        for session in sessions:
            if now.time() < session.ends_at:
                return session
        return sessions[-1]
    return sessions[0]


# Cascade -----------------------------------------------------------------------------


@dataclass
class TreeNode:
    workshop: Workshop
    stats: WorkshopStats
    children: list[TreeNode] = field(default_factory=list)
    depth: int = 0


def cascade_tree(
    user: AnyUser, *, within: Unit | None = None, root: Workshop | None = None
) -> list[TreeNode]:
    """The cascade as a tree of workshops the viewer can see: those organised within
    `within`, or `root` and everything held on its lines below it. Flattened in tree
    order with depths, so a template can indent without recursion."""
    workshops = workshops_visible(user).select_related("unit", "parent")
    if within is not None:
        workshops = workshops.filter(unit__path__startswith=within.path)
    rows = list(workshops.order_by("date", "id"))
    if root is not None:
        keep = {root.pk}
        changed = True
        while changed:
            changed = False
            for w in rows:
                if w.parent_id in keep and w.pk not in keep:
                    keep.add(w.pk)
                    changed = True
        rows = [w for w in rows if w.pk in keep]
    stats = workshop_stats(rows)
    nodes = {w.pk: TreeNode(w, stats[w.pk]) for w in rows}
    roots: list[TreeNode] = []
    for w in rows:
        node = nodes[w.pk]
        parent = nodes.get(w.parent_id) if w.parent_id else None
        if parent is None or (root is not None and w.pk == root.pk):
            roots.append(node)
        else:
            parent.children.append(node)
    flat: list[TreeNode] = []

    def walk(node: TreeNode, depth: int) -> None:
        node.depth = depth
        flat.append(node)
        for child in node.children:
            walk(child, depth + 1)

    for node in roots:
        walk(node, 0)
    return flat


# Invitations and the desk -------------------------------------------------------------


def posts_for_invitation(
    user: AnyUser, *, within: Unit, post_types: Iterable[str]
) -> QuerySet[Post]:
    """Current posts of `post_types` within `within` that `user` may invite (their
    training scope): posts at units below it, pages of its booths, and its ACs."""
    if within.level == Unit.Level.STATE:
        acs = AssemblyConstituency.objects.filter(state_id=within.state_id)
    else:
        acs = AssemblyConstituency.objects.filter(
            parts__booth__path__startswith=within.path
        )
    under = (
        Q(unit__path__startswith=within.path)
        | Q(part__booth__path__startswith=within.path)
        | Q(ac__in=acs)
    )
    posts = Post.objects.filter(
        current_posts_q(), under, post_type__in=list(post_types)
    ).select_related("person")
    return visible(user, MANAGE, posts)


def people_invitable(user: AnyUser, workshop: Workshop, query: str) -> list[Person]:
    """People in the viewer's training scope, by name in either script, not yet invited."""
    people = visible(user, MANAGE, Person.objects.all()).exclude(
        training_invitations__workshop=workshop
    )
    return name_search(people.select_related("unit"), query, limit=20)


def invitations_for_workshop(
    workshop: Workshop, *, rsvp: str = "", query: str = ""
) -> QuerySet[Invitation]:
    invitations = workshop.invitations.select_related(
        "person__unit",
        "post__unit",
        "post__ac",
        "post__part__ac",
        "post__part__booth",
    ).order_by("person__name", "id")
    if rsvp:
        invitations = invitations.filter(rsvp=rsvp)
    query = query.strip()
    if query:
        invitations = invitations.filter(
            Q(person__name__icontains=query)
            | Q(person__name_en__icontains=query)
            | Q(code__iexact=query)
        )
    return invitations


CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def name_matcher(query: str) -> Callable[[str, str], int | None]:
    """A rank for (name, name_en), or None for no match. 0: every word typed is the
    start of a word of the name under the cross-script phonetic key, so "chet", "चेत"
    and "Chetan" all find चेतन सांखला; 1: the text only appears inside a name."""
    text = query.strip().casefold()
    keys = [k for k in word_keys(query) if k]

    def rank(name: str, name_en: str) -> int | None:
        if keys:
            words = word_keys(name) + word_keys(name_en)
            if all(any(w.startswith(k) for w in words) for k in keys):
                return 0
        if text and (text in name.casefold() or text in name_en.casefold()):
            return 1
        return None

    return rank


def _ranked(rows: Iterable[tuple[int, str, str]], query: str, limit: int) -> list[int]:
    """Ids of the best `limit` matches, best rank first, then in the given order."""
    rank = name_matcher(query)
    scored = []
    for position, (pk, name, name_en) in enumerate(rows):
        r = rank(name, name_en)
        if r is not None:
            scored.append((r, position, pk))
    return [pk for _r, _p, pk in sorted(scored)[:limit]]


def name_search(people: QuerySet[Person], query: str, *, limit: int) -> list[Person]:
    query = query.strip()
    if not query:
        return []
    ids = _ranked(
        people.order_by("name", "id").values_list("pk", "name", "name_en"),
        query,
        limit,
    )
    found = {p.pk: p for p in people.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def desk_search(workshop: Workshop, query: str, *, limit: int = 20) -> list[Invitation]:
    """Invitees by code (exact) or by name in either script; walk-ins included.

    The names of one workshop's invitees (hundreds, at most a few thousand) are matched
    in Python with the phonetic key, so Latin typing finds Devanagari-only names.
    """
    query = query.strip()
    if not query:
        return []
    invitations = invitations_for_workshop(workshop)
    code = query.upper().replace(" ", "")
    if CODE_RE.match(code):
        by_code = list(invitations.filter(code=code))
        if by_code:
            return by_code
    ids = _ranked(
        workshop.invitations.order_by("person__name", "id").values_list(
            "pk", "person__name", "person__name_en"
        ),
        query,
        limit,
    )
    found = {i.pk: i for i in invitations.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclass
class DeskRow:
    invitation: Invitation
    present: set[int]  # session ids
    latest: dict[int, Attendance]  # session id → the latest row

    def at(self, session: Session | None) -> Attendance | None:
        if session is None or session.pk not in self.present:
            return None
        return self.latest.get(session.pk)


def desk_rows(workshop: Workshop, invitations: Sequence[Invitation]) -> list[DeskRow]:
    """Each invitee with the sessions they are checked in to (one query)."""
    person_ids = [i.person_id for i in invitations]
    rows = list(
        Attendance.objects.filter(session__workshop=workshop, person_id__in=person_ids)
        .select_related("by__person")
        .order_by("id")
    )
    present = present_pairs((a.person_id, a.session_id, a.kind) for a in rows)
    latest: dict[tuple[int, int], Attendance] = {}
    for row in rows:
        latest[(row.person_id, row.session_id)] = row
    return [
        DeskRow(
            invitation=i,
            present={s for p, s in present if p == i.person_id},
            latest={s: a for (p, s), a in latest.items() if p == i.person_id},
        )
        for i in invitations
    ]


def session_counts(workshop: Workshop) -> dict[int, int]:
    """People present at each session of the workshop (one query)."""
    rows = (
        Attendance.objects.filter(session__workshop=workshop)
        .order_by("id")
        .values_list("person_id", "session_id", "kind")
    )
    counts: dict[int, int] = defaultdict(int)
    for _person_id, session_id in present_pairs(rows):
        counts[session_id] += 1
    return counts


# The call list -------------------------------------------------------------------------


def place_label(post: Post | None) -> str:
    """Where a post is held, as plain text (CSV, PDF)."""
    if post is None:
        return ""
    if post.unit is not None:
        return post.unit.name
    if post.ac is not None:
        return _("AC %(number)d %(name)s") % {
            "number": post.ac.number,
            "name": post.ac.name,
        }
    if post.part is not None:
        return _("Part %(number)s of AC %(ac)d, serials %(first)s–%(last)s") % {
            "number": post.part.number,
            "ac": post.part.ac.number,
            "first": post.serial_from,
            "last": post.serial_to,
        }
    return ""


@dataclass
class CallRow:
    invitation: Invitation
    phone: str
    place: str


def call_list(workshop: Workshop, *, rsvp: str = "") -> list[CallRow]:
    """Invitees to ring: name, post, place, answer, code and the phone number where a
    consent stands (DPDP Act 2023); no number otherwise."""
    invitations = invitations_for_workshop(workshop, rsvp=rsvp).select_related(
        "person__phone_consent"
    )
    return [
        CallRow(i, person_phone(i.person), place_label(i.post)) for i in invitations
    ]


def outbox_counts(workshop: Workshop) -> dict[str, int]:
    rows = (
        OutboxMessage.objects.filter(workshop=workshop)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


# A person's training -----------------------------------------------------------------


@dataclass
class PersonWorkshop:
    invitation: Invitation
    visible: bool
    attended: int
    sessions: int


@dataclass
class PersonTraining:
    trained: list[TrainedLevel]
    workshops: list[PersonWorkshop]


def person_training(user: AnyUser, person: Person) -> PersonTraining:
    """Trained levels and the workshops the person was invited to (four queries).

    Workshops the viewer cannot see are named but not linked.
    """
    invitations = list(
        person.training_invitations.select_related("workshop__unit", "post__unit")
        .annotate(n_sessions=Count("workshop__sessions", distinct=True))
        .order_by("-workshop__date", "-id")
    )
    rows = (
        Attendance.objects.filter(person=person)
        .order_by("id")
        .values_list("person_id", "session_id", "kind")
    )
    present = {session_id for _p, session_id in present_pairs(rows)}
    workshop_of = dict(
        Session.objects.filter(pk__in=present).values_list("id", "workshop_id")
    )
    attended: dict[int, int] = defaultdict(int)
    for session_id in present:
        attended[workshop_of[session_id]] += 1
    seen = set(
        workshops_visible(user)
        .filter(pk__in=[i.workshop_id for i in invitations])
        .values_list("pk", flat=True)
    )
    levels = trained_levels([person.pk]).get(person.pk, {})
    return PersonTraining(
        trained=sorted(levels.values(), key=lambda t: LEVEL_ORDER[t.level]),
        workshops=[
            PersonWorkshop(
                invitation=i,
                visible=i.workshop_id in seen,
                attended=attended[i.workshop_id],
                sessions=getattr(i, "n_sessions", 0),
            )
            for i in invitations
        ],
    )


# Coverage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    key: str
    label: Any
    post_types: tuple[PostType, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "presidents",
        gettext_lazy("Presidents"),
        (
            P.STATE_PRESIDENT,
            P.DISTRICT_PRESIDENT,
            P.CITY_PRESIDENT,
            P.BLOCK_PRESIDENT,
            P.MANDAL_PRESIDENT,
        ),
    ),
    Group("booth_presidents", gettext_lazy("Booth presidents"), (P.BOOTH_PRESIDENT,)),
    Group("bla2", gettext_lazy("BLA-2s"), (P.BLA2,)),
    Group("page_incharges", gettext_lazy("Page in-charges"), (P.PAGE_INCHARGE,)),
)
GROUP_OF: dict[str, str] = {t: g.key for g in GROUPS for t in g.post_types}


@dataclass
class Tally:
    trained: int = 0
    total: int = 0

    @property
    def untrained(self) -> int:
        return self.total - self.trained

    @property
    def percent(self) -> int:
        return round(100 * self.trained / self.total) if self.total else 0


@dataclass
class Holder:
    post: Post
    trained: TrainedLevel | None
    booth: Unit | None
    block: Unit | None

    @property
    def group(self) -> str:
        return GROUP_OF[self.post.post_type]


@dataclass
class CoverageRow:
    unit: Unit
    tallies: dict[str, Tally]
    # Booth rows: whether the booth has a president and a BLA-2 at all.
    vacant: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    unit: Unit
    totals: dict[str, Tally]
    rows: list[CoverageRow]
    rows_are: str  # "block", "booth" or ""
    holders: list[Holder]

    @property
    def untrained(self) -> list[Holder]:
        return [h for h in self.holders if h.trained is None]


def _tallies() -> dict[str, Tally]:
    return {g.key: Tally() for g in GROUPS}


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(x) for x in unit.path.split(".") if x]


def coverage(user: AnyUser, unit: Unit) -> Coverage:
    """Trained and untrained presidents, booth presidents, BLA-2s and page in-charges
    within `unit`, by block (above block level) or by booth (at block level).

    About five queries whatever the size: the posts, their holders' attendance and the
    curriculum, and the blocks and booths below the unit.
    """
    post_types = [t for g in GROUPS for t in g.post_types]
    in_scope = visible(
        user,
        VIEW,
        Post.objects.filter(
            Q(unit__path__startswith=unit.path)
            | Q(part__booth__path__startswith=unit.path),
            current_posts_q(),
            post_type__in=post_types,
        ),
    )
    posts = list(
        in_scope.select_related("person", "unit", "part__ac", "part__booth").order_by(
            "id"
        )
    )
    trained = trained_levels(in_scope.values("person_id"))
    below = Unit.objects.filter(
        path__startswith=unit.path, level__in=[Unit.Level.BLOCK, Unit.Level.BOOTH]
    ).select_related("part__ac")
    units = {u.pk: u for u in visible(user, VIEW, below)}
    blocks = {pk: u for pk, u in units.items() if u.level == Unit.Level.BLOCK}
    booths = {pk: u for pk, u in units.items() if u.level == Unit.Level.BOOTH}
    if unit.level == Unit.Level.BLOCK:
        blocks[unit.pk] = unit

    def block_of(u: Unit | None) -> Unit | None:
        if u is None:
            return None
        return next((blocks[i] for i in _ancestor_ids(u) if i in blocks), None)

    holders = []
    for post in posts:
        booth = post.unit if post.unit and post.unit.level == Unit.Level.BOOTH else None
        if post.part is not None:
            booth = getattr(post.part, "booth", None)
        place = booth or post.unit
        levels = trained.get(post.person_id)
        holders.append(Holder(post, best_trained(levels), booth, block_of(place)))
    holders.sort(key=_holder_order)
    return _coverage_rows(unit, holders, blocks, booths)


def _holder_order(h: Holder) -> tuple[str, int, str, str]:
    place = h.booth or h.post.unit
    return (
        h.block.path if h.block else "",
        place.depth if place else 99,
        place.path if place else "",
        h.post.person.name,
    )


def _coverage_rows(
    unit: Unit, holders: list[Holder], blocks: dict[int, Unit], booths: dict[int, Unit]
) -> Coverage:
    totals = _tallies()
    for h in holders:
        totals[h.group].total += 1
        totals[h.group].trained += h.trained is not None
    rows_are = ""
    rows: list[CoverageRow] = []
    if unit.level in (Unit.Level.BLOCK, Unit.Level.MANDAL, Unit.Level.SECTOR):
        rows_are = "booth"
        keyed = {
            pk: CoverageRow(b, _tallies())
            for pk, b in sorted(booths.items(), key=lambda kv: _booth_sort(kv[1]))
        }
        for h in holders:
            if h.booth is not None and h.booth.pk in keyed:
                tally = keyed[h.booth.pk].tallies[h.group]
                tally.total += 1
                tally.trained += h.trained is not None
        for row in keyed.values():
            if not row.tallies["booth_presidents"].total:
                row.vacant.append("booth_presidents")
            if not row.tallies["bla2"].total:
                row.vacant.append("bla2")
        rows = list(keyed.values())
    elif unit.level in (Unit.Level.STATE, Unit.Level.DISTRICT, Unit.Level.CITY):
        rows_are = "block"
        keyed = {
            pk: CoverageRow(b, _tallies())
            for pk, b in sorted(blocks.items(), key=lambda kv: kv[1].path)
        }
        for h in holders:
            if h.block is not None and h.block.pk in keyed:
                tally = keyed[h.block.pk].tallies[h.group]
                tally.total += 1
                tally.trained += h.trained is not None
        rows = list(keyed.values())
    return Coverage(unit, totals, rows, rows_are, holders)


def _booth_sort(booth: Unit) -> tuple[int, int, str]:
    part = booth.part
    if part is None:
        return (0, 0, booth.name)
    return (part.ac.number, part.number_int, part.number)


def directives_pending(user: AnyUser, unit: Unit) -> list[Directive]:
    """Open directives assigned within `unit`, soonest due first."""
    return list(
        directives_visible(user)
        .filter(unit__path__startswith=unit.path, status=Directive.Status.OPEN)
        .select_related("unit", "workshop")
        .order_by("due_date", "id")
    )


def coverage_units(user: AnyUser) -> QuerySet[Unit]:
    """Where coverage can be looked at: the outermost units in scope."""
    return units_outermost(user)


def may_export(user: AnyUser) -> bool:
    return not scope_for(user, Action.EXPORT).is_empty
