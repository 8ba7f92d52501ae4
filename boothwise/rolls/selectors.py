"""Reads for the roll pages and the roll API: one part's roll, an elector, imports,
revisions and the claims-and-objections list.

Every queryset here is narrowed by accounts.access (`visible`, `scope_for` and its `*_q`
filters), so a page in-charge reads only their serial range and an outsider nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boothwise.accounts.access import (
    AnyUser,
    Scope,
    acs_q,
    parts_q,
    scope_for,
    visible,
)
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.geography.models import AssemblyConstituency, Part, Section
from boothwise.rolls.models import (
    RejectedRow,
    RollChange,
    RollImport,
    VerificationMark,
    Voter,
)

VIEW = Action.VIEW_VOTERS

#: Findings that go on a Form 7 (objection to an entry), in the order the list groups
#: them: the dead first, then those who moved away, then those never found at home.
FORM7_KINDS = (
    VerificationMark.Kind.DEAD,
    VerificationMark.Kind.SHIFTED,
    VerificationMark.Kind.ABSENT,
)

#: Age bands of the profile: (label, lowest age, highest age).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("18–19", 18, 19),
    ("20–29", 20, 29),
    ("30–39", 30, 39),
    ("40–49", 40, 49),
    ("50–59", 50, 59),
    ("60–69", 60, 69),
    ("70–79", 70, 79),
    ("80+", 80, 200),
)
FIRST_TIME_AGES = (18, 19)

# The fields of a RollChange's before/after, labelled for people.
CHANGE_FIELD_LABELS: dict[str, Any] = {
    "section_no": gettext_lazy("section"),
    "epic_no": gettext_lazy("EPIC number"),
    "name": gettext_lazy("name"),
    "name_en": gettext_lazy("name in Latin letters"),
    "relation_type": gettext_lazy("relation"),
    "relative_name": gettext_lazy("relative"),
    "relative_name_en": gettext_lazy("relative in Latin letters"),
    "house_no": gettext_lazy("house number"),
    "age": gettext_lazy("age"),
    "gender": gettext_lazy("gender"),
    "status": gettext_lazy("status"),
}
_CHOICES: dict[str, dict[str, Any]] = {
    "relation_type": dict(Voter.Relation.choices),
    "gender": dict(Voter.Gender.choices),
    "status": dict(Voter.Status.choices),
}


# --------------------------------------------------------------------------------------
# Electors
# --------------------------------------------------------------------------------------


def voters_visible(user: AnyUser, action: Action = VIEW) -> QuerySet[Voter]:
    return visible(user, action, Voter.objects.select_related("ac", "part"))


def access_voter(user: AnyUser, voter_id: Any, *, action: Action = VIEW) -> Voter:
    """Elector `voter_id` if `user` may `action` them, else Http404 (missing or not).

    The same rule as accounts.access.access_*: out of scope looks exactly like missing.
    """
    try:
        voter = voters_visible(user, action).filter(pk=voter_id).first()
    except (TypeError, ValueError):
        raise Http404 from None
    if voter is None:
        raise Http404
    return voter


def may_act_on_voter(user: AnyUser, voter: Voter, action: Action) -> bool:
    """Whether `user` may `action` this elector (e.g. VERIFY_ROLL: show the form)."""
    return visible(user, action, Voter.objects.filter(pk=voter.pk)).exists()


def household_members(user: AnyUser, voter: Voter) -> list[Voter]:
    """The other electors of the voter's household that the user may see, by serial."""
    if voter.household_id is None:
        return []
    # Through the part: (part, serial) is indexed, the household column is not.
    members = Voter.objects.filter(
        ac_id=voter.ac_id, part_id=voter.part_id, household_id=voter.household_id
    )
    found = list(
        visible(user, VIEW, members).exclude(pk=voter.pk).order_by("serial_no")
    )
    for member in found:
        member.ac, member.part = (
            voter.ac,
            voter.part,
        )  # the same: spares two queries each
    return found


def voter_changes(user: AnyUser, voter: Voter) -> list[ChangeRow]:
    """What each roll changed for this serial number of this part, newest first."""
    changes = visible(
        user,
        VIEW,
        RollChange.objects.filter(part_id=voter.part_id, serial_no=voter.serial_no),
    ).select_related("roll_import")
    return change_rows(changes.order_by("-roll_import__started_at", "-id"))


def voter_marks(user: AnyUser, voter: Voter) -> list[VerificationMark]:
    """The verification marks of an elector, newest first, with who made them."""
    return list(
        visible(user, VIEW, VerificationMark.objects.filter(voter=voter))
        .select_related("by__person")
        .order_by("-at", "-id")
    )


def marked_by(mark: VerificationMark) -> str:
    """Who made a mark, as a person's name (the username when no person is linked)."""
    person = getattr(mark.by, "person", None)
    return person.name if person is not None else mark.by.get_username()


# --------------------------------------------------------------------------------------
# One part's roll: households, relatives, profile
# --------------------------------------------------------------------------------------


@dataclass
class RollEntry:
    voter: Voter
    #: The household member whose name matches this elector's relative's name.
    relative: Voter | None = None
    #: The latest verification finding ("absent", "shifted", "dead", "found") or "".
    mark: str = ""


@dataclass
class HouseholdGroup:
    section_no: int | None
    house_no: str
    entries: list[RollEntry] = field(default_factory=list)
    section_name: str = ""


@dataclass
class Profile:
    total: int
    bands: list[tuple[str, int]]
    #: (code, label, count): M, F, T, and "" when the roll gives none.
    genders: list[tuple[str, str, int]]
    first_time: list[Voter]

    @property
    def bands_max(self) -> int:
        """The largest age band: bars are drawn relative to it."""
        return max((n for _label, n in self.bands), default=0)

    @property
    def genders_max(self) -> int:
        return max((n for _code, _label, n in self.genders), default=0)


@dataclass
class PartRoll:
    """What the booth roll page shows of one part, within the viewer's scope."""

    households: list[HouseholdGroup]
    profile: Profile
    sections: dict[int, str]
    deleted: int


def part_roll(user: AnyUser, part: Part) -> PartRoll:
    """The electors of `part` the user may see, grouped by household, with a profile.

    A part holds at most ~1,500 electors: they are read in one query and grouped here.
    """
    voters = list(
        visible(user, VIEW, Voter.objects.filter(part=part))
        .order_by("serial_no")
        .only(
            "id",
            "ac_id",
            "part_id",
            "section_no",
            "serial_no",
            "epic_no",
            "name",
            "name_en",
            "relation_type",
            "relative_name",
            "relative_name_en",
            "house_no",
            "household_id",
            "age",
            "gender",
            "name_key",
            "relative_key",
            "status",
        )
    )
    on_roll = [v for v in voters if v.status == Voter.Status.ON_ROLL]
    marks = latest_marks(user, part, [v.pk for v in on_roll])
    sections = dict(
        Section.objects.filter(part=part).values_list("number", "name")
        if on_roll
        else []
    )
    households = households_group(on_roll, marks)
    for household in households:
        if household.section_no is not None:
            household.section_name = sections.get(household.section_no, "")
    return PartRoll(
        households=households,
        profile=profile_of(on_roll),
        sections={k: v for k, v in sections.items() if v},
        deleted=len(voters) - len(on_roll),
    )


def latest_marks(user: AnyUser, part: Part, voter_ids: Sequence[int]) -> dict[int, str]:
    """voter id → the kind of their latest verification mark, for one part."""
    if not voter_ids:
        return {}
    latest: dict[int, str] = {}
    marks = visible(user, VIEW, VerificationMark.objects.filter(part=part)).order_by(
        "at", "id"
    )
    for voter_id, kind in marks.values_list("voter_id", "kind"):
        latest[voter_id] = kind
    return latest


def households_group(
    voters: Iterable[Voter], marks: dict[int, str] | None = None
) -> list[HouseholdGroup]:
    """Electors (in serial order) grouped by household, each group where its first
    member stands; electors without a house number stand alone. Within a household an
    elector's relative is linked to the member of that name (see `relative_in`)."""
    marks = marks or {}
    groups: list[HouseholdGroup] = []
    by_household: dict[int, HouseholdGroup] = {}
    for voter in voters:
        entry = RollEntry(voter=voter, mark=marks.get(voter.pk, ""))
        if voter.household_id is None:
            groups.append(HouseholdGroup(voter.section_no, voter.house_no, [entry]))
            continue
        group = by_household.get(voter.household_id)
        if group is None:
            group = HouseholdGroup(voter.section_no, voter.house_no)
            by_household[voter.household_id] = group
            groups.append(group)
        group.entries.append(entry)
    for group in groups:
        members = [e.voter for e in group.entries]
        for entry in group.entries:
            entry.relative = relative_in(entry.voter, members)
    return groups


def relative_in(voter: Voter, members: Sequence[Voter]) -> Voter | None:
    """The member of the household whose name is the elector's relative's name.

    Names are compared by their phonetic keys, which are the same in both scripts: the
    whole key first; failing that, a relative printed by first names only ("राकेश"
    for "राकेश सांखला") matches the one member whose name starts with those words.
    """
    key = voter.relative_key
    if not key:
        return None
    others = [m for m in members if m.pk != voter.pk and m.name_key]
    exact = [m for m in others if m.name_key == key]
    if exact:
        return exact[0]
    words = key.split()
    starts = [m for m in others if m.name_key.split()[: len(words)] == words]
    return starts[0] if len(starts) == 1 else None


def profile_of(voters: Sequence[Voter]) -> Profile:
    """Counts by age band and gender, and the first-time voters (aged 18–19)."""
    bands = [
        (label, sum(1 for v in voters if v.age is not None and low <= v.age <= high))
        for label, low, high in AGE_BANDS
    ]
    bands.append((_("unknown"), sum(1 for v in voters if v.age is None)))
    genders_seen = Counter(v.gender for v in voters)
    genders = [
        (str(code), str(label), genders_seen[code])
        for code, label in Voter.Gender.choices
    ]
    if genders_seen[""]:
        genders.append(("", _("not given"), genders_seen[""]))
    return Profile(
        total=len(voters),
        bands=bands,
        genders=genders,
        first_time=[v for v in voters if v.age in FIRST_TIME_AGES],
    )


# --------------------------------------------------------------------------------------
# Revisions (RollChange) as rows people can read
# --------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ChangeRow:
    change: RollChange
    #: The entry as the change leaves it (as it was, for a deletion).
    values: dict[str, Any]
    fields: list[FieldChange]
    #: The elector of this serial number today (a deleted one stays, marked deleted).
    voter_id: int | None = None

    @property
    def name(self) -> str:
        return str(self.values.get("name", ""))


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    choices = _CHOICES.get(name)
    if choices is not None and value in choices:
        return str(choices[value])
    return str(value)


_ENTRY_FIELDS = ("epic_no", "name", "relative_name", "house_no", "age", "gender")


def change_rows(changes: Iterable[RollChange]) -> list[ChangeRow]:
    """Each change with the entry's values, the elector's id and, for a changed entry,
    before → after per changed field. A changed entry's other values are today's. One
    query for all the changes given."""
    changes = list(changes)
    current: dict[tuple[int, int], dict[str, Any]] = {}
    if changes:
        for values in Voter.objects.filter(
            part_id__in={c.part_id for c in changes},
            serial_no__in={c.serial_no for c in changes},
        ).values("id", "part_id", "serial_no", *_ENTRY_FIELDS):
            current[(values["part_id"], values["serial_no"])] = values
    rows = []
    for change in changes:
        today = current.get((change.part_id, change.serial_no), {})
        if change.kind != RollChange.Kind.CHANGED:
            values = change.after or change.before
            fields = []
        else:
            values = {**today, **change.after}
            fields = [
                FieldChange(
                    label=str(label),
                    before=_shown(name, change.before.get(name)),
                    after=_shown(name, change.after.get(name)),
                )
                for name, label in CHANGE_FIELD_LABELS.items()
                if name in change.before or name in change.after
            ]
        rows.append(ChangeRow(change, values, fields, voter_id=today.get("id")))
    return rows


def changes_for_import(
    user: AnyUser, ri: RollImport, *, part_id: int | None = None
) -> QuerySet[RollChange]:
    changes = visible(user, VIEW, RollChange.objects.filter(roll_import=ri))
    if part_id is not None:
        changes = changes.filter(part_id=part_id)
    return changes.select_related("part", "ac").order_by(
        "part__number_int", "part__number", "serial_no", "id"
    )


def changes_for_part(user: AnyUser, part: Part) -> QuerySet[RollChange]:
    """Every roll change of a part the user may see, the newest roll first."""
    return (
        visible(user, VIEW, RollChange.objects.filter(part=part))
        .select_related("part", "ac", "roll_import")
        .order_by("-roll_import__started_at", "-roll_import_id", "serial_no", "id")
    )


def change_counts(changes: QuerySet[RollChange]) -> dict[str, int]:
    counts = dict.fromkeys(RollChange.Kind.values, 0)
    for kind, n in _count_by(changes, "kind"):
        counts[kind] = n
    return counts


def _count_by(queryset: QuerySet[Any], name: str) -> list[tuple[Any, int]]:
    return list(queryset.order_by().values_list(name).annotate(n=Count("id")))


def change_parts(user: AnyUser, ri: RollImport) -> list[Part]:
    """The parts an import changed that the user may see (the revision's filter)."""
    part_ids = (
        visible(user, VIEW, RollChange.objects.filter(roll_import=ri))
        .order_by()
        .values("part_id")
        .distinct()
    )
    return list(
        Part.objects.filter(id__in=part_ids)
        .select_related("ac")
        .order_by("ac__number", "number_int", "number")
    )


# --------------------------------------------------------------------------------------
# Imports
# --------------------------------------------------------------------------------------


def acs_whole(scope: Scope) -> QuerySet[AssemblyConstituency]:
    """ACs that lie wholly in `scope`: held as an AC, or every part of them in scope
    (a state or city president's booths). Only they may gain new parts by an import,
    and only their importers read an import's report (its rejected rows can name any
    part of the AC)."""
    if scope.everything:
        return AssemblyConstituency.objects.all()
    outside = Part.objects.filter(ac_id=OuterRef("pk")).exclude(parts_q(scope))
    return AssemblyConstituency.objects.filter(acs_q(scope)).filter(
        Q(id__in=scope.ac_ids) | ~Exists(outside)
    )


def imports_q(user: AnyUser) -> Q:
    """Filter for RollImport: imports the user made, and imports of an AC that lies
    wholly in the user's IMPORT_ROLL scope."""
    scope = scope_for(user, Action.IMPORT_ROLL)
    if scope.everything:
        return Q()
    if scope.is_empty:
        return Q(pk__in=[])
    own = Q(by=user) if isinstance(user, User) else Q(pk__in=[])
    return own | Q(ac__in=acs_whole(scope))


def imports_visible(user: AnyUser) -> QuerySet[RollImport]:
    return RollImport.objects.filter(imports_q(user)).select_related("ac", "by__person")


def access_import(user: AnyUser, import_id: Any) -> RollImport:
    try:
        ri = imports_visible(user).filter(pk=import_id).first()
    except (TypeError, ValueError):
        raise Http404 from None
    if ri is None:
        raise Http404
    return ri


def rejected_rows(ri: RollImport) -> QuerySet[RejectedRow]:
    return ri.rejected_rows.order_by("line", "id")


def import_progress(ri: RollImport) -> tuple[int, int]:
    """(rows read, percent) of an import: `rows_done` is the last committed *line*
    of the file (the header is line 1), so it is turned into a row count here."""
    total = ri.rows_total
    if ri.status == RollImport.Status.DONE:
        return total, 100
    if not total:
        return 0, 0
    done = max(0, min(total, ri.rows_done - 1))
    return done, min(99, done * 100 // total)


# --------------------------------------------------------------------------------------
# Claims and objections: electors whose latest finding is dead, shifted or absent
# --------------------------------------------------------------------------------------


def claims_marks(
    user: AnyUser,
    *,
    ac: AssemblyConstituency | None = None,
    part: Part | None = None,
    action: Action = Action.EXPORT,
) -> QuerySet[VerificationMark]:
    """The latest mark of every elector in scope whose latest finding is a Form 7 one,
    grouped by finding (dead, shifted, absent), then by part and serial number."""
    later = VerificationMark.objects.filter(voter_id=OuterRef("voter_id")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
    )
    marks = VerificationMark.objects.all()
    if ac is not None:
        marks = marks.filter(ac=ac)
    if part is not None:
        marks = marks.filter(ac_id=part.ac_id, part=part)
    kind_order = Case(
        *(When(kind=kind, then=Value(i)) for i, kind in enumerate(FORM7_KINDS)),
        output_field=IntegerField(),
    )
    return (
        visible(user, action, marks)
        .filter(kind__in=FORM7_KINDS, voter__status=Voter.Status.ON_ROLL)
        .exclude(Exists(later))
        .select_related("voter", "part", "ac", "by__person")
        .annotate(kind_order=kind_order)
        .order_by(
            "kind_order", "ac__number", "part__number_int", "part__number", "serial_no"
        )
    )


def claims_counts(marks: QuerySet[VerificationMark]) -> list[tuple[str, str, int]]:
    """(kind, label, count) for every Form 7 finding, zeros included."""
    found = dict(_count_by(marks, "kind"))
    labels = dict(VerificationMark.Kind.choices)
    return [(k.value, str(labels[k]), found.get(k.value, 0)) for k in FORM7_KINDS]


def acs_for(user: AnyUser, action: Action) -> QuerySet[AssemblyConstituency]:
    """ACs with anything in the user's `action` scope, by number."""
    return visible(user, action, AssemblyConstituency.objects.all()).order_by(
        "state__abbr", "number"
    )
