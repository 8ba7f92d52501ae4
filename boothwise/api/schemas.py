"""The JSON shapes of API v1, and the functions that build them from model rows.

Every field is listed here on purpose: no model is dumped wholesale, so a new column
never leaks into the API by accident. docs/api.md shows each shape; tests assert them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from ninja import Field, Schema

from boothwise.accounts.models import User
from boothwise.accounts.permissions import PLACE_AC, PLACE_PAGE, Action
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.organisation.selectors import (
    COMMITTEE_SLOTS,
    Committee,
    PersonPosts,
    person_phone,
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


# Errors and auth -------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str


class InvalidOut(Schema):
    """422: `errors` is there only when the request itself does not parse."""

    detail: str
    errors: list[FieldErrorOut] | None = None


class TokenIn(Schema):
    username: str
    password: str
    name: str = Field("API", min_length=1, max_length=100)


class TokenOut(Schema):
    token: str
    name: str


# Small references used inside other shapes -----------------------------------------


class PersonRef(Schema):
    id: int
    name: str
    name_en: str


class UnitRef(Schema):
    id: int
    level: Unit.Level
    name: str


class AcRef(Schema):
    id: int
    number: int
    name: str


def person_ref(person: Person) -> PersonRef:
    return PersonRef(id=person.pk, name=person.name, name_en=person.name_en)


def unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, level=Unit.Level(unit.level), name=unit.name)


def ac_ref(ac: AssemblyConstituency) -> AcRef:
    return AcRef(id=ac.pk, number=ac.number, name=ac.name)


# Lists -----------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


# Posts -----------------------------------------------------------------------------


class PlaceOut(Schema):
    """Where a post is held: a unit (kind = its level), an AC, or a page of a part."""

    kind: str
    unit_id: int | None
    ac_id: int | None
    part_id: int | None
    name: str


class PostOut(Schema):
    id: int
    post_type: PostType
    post_type_label: str
    person: PersonRef
    place: PlaceOut
    serial_from: int | None
    serial_to: int | None
    start_date: datetime.date
    end_date: datetime.date | None
    end_reason: str
    current: bool


class PostPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PostOut]


class PostFilters(PageParams):
    unit: int | None = None
    current: bool | None = None


class AppointIn(Schema):
    person_id: int
    post_type: PostType
    unit_id: int | None = None
    ac_id: int | None = None
    part_id: int | None = None
    serial_from: int | None = Field(None, ge=1)
    serial_to: int | None = Field(None, ge=1)
    start_date: datetime.date | None = None


class RelieveIn(Schema):
    end_date: datetime.date | None = None
    reason: str


def place_out(post: Post) -> PlaceOut:
    if post.unit is not None:
        return PlaceOut(
            kind=post.unit.level,
            unit_id=post.unit.pk,
            ac_id=None,
            part_id=None,
            name=post.unit.name,
        )
    if post.ac is not None:
        return PlaceOut(
            kind=PLACE_AC,
            unit_id=None,
            ac_id=post.ac.pk,
            part_id=None,
            name=str(post.ac),
        )
    assert post.part is not None  # the post_held_at_one_place constraint
    return PlaceOut(
        kind=PLACE_PAGE,
        unit_id=None,
        ac_id=post.part.ac_id,
        part_id=post.part.pk,
        name=str(post.part),
    )


def post_out(post: Post, *, today: datetime.date) -> PostOut:
    """`post` needs person, unit, ac and part loaded (select_related)."""
    return PostOut(
        id=post.pk,
        post_type=PostType(post.post_type),
        post_type_label=post.get_post_type_display(),
        person=person_ref(post.person),
        place=place_out(post),
        serial_from=post.serial_from,
        serial_to=post.serial_to,
        start_date=post.start_date,
        end_date=post.end_date,
        end_reason=post.end_reason,
        current=post.is_current(today),
    )


# Me --------------------------------------------------------------------------------


class MePostOut(PostOut):
    actions: list[Action]


class MeOut(Schema):
    id: int
    username: str
    language: str
    person: PersonRef | None
    posts: list[MePostOut]
    actions: list[Action]


def me_out(
    user: User,
    *,
    person: Person | None,
    posts: Iterable[tuple[Post, Iterable[Action]]],
    actions: Iterable[Action],
    language: str,
    today: datetime.date,
) -> MeOut:
    return MeOut(
        id=user.pk,
        username=user.username,
        language=language,
        person=person_ref(person) if person is not None else None,
        posts=[
            MePostOut(
                **post_out(post, today=today).model_dump(),
                actions=sorted(granted),
            )
            for post, granted in posts
        ],
        actions=sorted(actions),
    )


# Units -----------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    level: Unit.Level
    name: str
    name_hi: str
    parent_id: int | None
    part_id: int | None


class UnitDetailOut(UnitOut):
    children_count: int
    descendant_counts: dict[str, int]


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitOut]


class UnitFilters(PageParams):
    level: Unit.Level | None = None
    parent: int | None = None


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        level=Unit.Level(unit.level),
        name=unit.name,
        name_hi=unit.name_hi,
        parent_id=unit.parent_id,
        part_id=unit.part_id,
    )


def unit_detail_out(
    unit: Unit, *, children_count: int, descendant_counts: dict[str, int]
) -> UnitDetailOut:
    return UnitDetailOut(
        **unit_out(unit).model_dump(),
        children_count=children_count,
        descendant_counts=descendant_counts,
    )


# Booths ----------------------------------------------------------------------------


class BoothOut(Schema):
    id: int
    name: str
    part_id: int
    part_number: str
    station_name: str
    ac: AcRef
    block: UnitRef | None


class HolderOut(Schema):
    post_id: int
    person: PersonRef
    start_date: datetime.date


class CommitteeOut(Schema):
    president: HolderOut | None
    bla2: HolderOut | None
    youth: HolderOut | None
    woman: HolderOut | None
    members: list[HolderOut]
    members_vacant: int
    filled: int
    vacant: int


class PageInchargeOut(Schema):
    post_id: int
    person: PersonRef
    serial_from: int
    serial_to: int
    start_date: datetime.date


class BoothDetailOut(BoothOut):
    address: str
    latitude: float | None
    longitude: float | None
    committee: CommitteeOut
    page_incharges: list[PageInchargeOut]


class BoothPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BoothOut]


class BoothFilters(PageParams):
    ac: int | None = None
    block: int | None = None


def booth_out(booth: Unit, *, block: Unit | None) -> BoothOut:
    """`booth` needs part and part.ac loaded."""
    part = booth.part
    assert part is not None  # the unit_booth_has_part constraint
    return BoothOut(
        id=booth.pk,
        name=booth.name,
        part_id=part.pk,
        part_number=part.number,
        station_name=part.name,
        ac=ac_ref(part.ac),
        block=unit_ref(block) if block is not None else None,
    )


def holder_out(post: Post | None) -> HolderOut | None:
    if post is None:
        return None
    return HolderOut(
        post_id=post.pk, person=person_ref(post.person), start_date=post.start_date
    )


def committee_out(committee: Committee) -> CommitteeOut:
    offices = {slot.post_type: holder_out(slot.post) for slot in committee.offices}
    members = [holder_out(slot.post) for slot in committee.members]
    return CommitteeOut(
        president=offices[PostType.BOOTH_PRESIDENT],
        bla2=offices[PostType.BLA2],
        youth=offices[PostType.BOOTH_YOUTH],
        woman=offices[PostType.BOOTH_WOMAN],
        members=[m for m in members if m is not None],
        members_vacant=members.count(None),
        filled=COMMITTEE_SLOTS - committee.vacancies,
        vacant=committee.vacancies,
    )


def page_incharge_out(post: Post) -> PageInchargeOut:
    return PageInchargeOut(
        post_id=post.pk,
        person=person_ref(post.person),
        serial_from=post.serial_from or 0,
        serial_to=post.serial_to or 0,
        start_date=post.start_date,
    )


def booth_detail_out(
    booth: Unit,
    *,
    block: Unit | None,
    committee: Committee,
) -> BoothDetailOut:
    part = booth.part
    assert part is not None
    return BoothDetailOut(
        **booth_out(booth, block=block).model_dump(),
        address=part.address,
        latitude=float(part.latitude) if part.latitude is not None else None,
        longitude=float(part.longitude) if part.longitude is not None else None,
        committee=committee_out(committee),
        page_incharges=[page_incharge_out(p) for p in committee.pages],
    )


# People ----------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    name_en: str
    unit: UnitRef


class PersonPostsOut(Schema):
    current: list[PostOut]
    past: list[PostOut]


class PersonDetailOut(PersonOut):
    phone: str | None
    posts: PersonPostsOut


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PersonFilters(PageParams):
    q: str | None = Field(None, max_length=100)


def person_out(person: Person) -> PersonOut:
    """`person` needs unit loaded."""
    return PersonOut(
        id=person.pk,
        name=person.name,
        name_en=person.name_en,
        unit=unit_ref(person.unit),
    )


def person_detail_out(
    person: Person, *, posts: PersonPosts, today: datetime.date
) -> PersonDetailOut:
    phone = person_phone(person)
    return PersonDetailOut(
        **person_out(person).model_dump(),
        phone=phone or None,
        posts=PersonPostsOut(
            current=[post_out(p, today=today) for p in posts.current],
            past=[post_out(p, today=today) for p in posts.past],
        ),
    )


# Assembly constituencies -----------------------------------------------------------


class PcRef(Schema):
    id: int
    number: int
    name: str


class AcOut(Schema):
    id: int
    state: str
    number: int
    name: str
    name_hi: str
    reserved: str
    pc: PcRef


class PartOut(Schema):
    id: int
    number: str
    name: str
    booth_id: int | None


class AcDetailOut(AcOut):
    parts: list[PartOut]


class AcPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AcOut]


class AcFilters(PageParams):
    state: str | None = Field(None, max_length=3)


def ac_out(ac: AssemblyConstituency) -> AcOut:
    """`ac` needs state and pc loaded."""
    return AcOut(
        id=ac.pk,
        state=ac.state.abbr,
        number=ac.number,
        name=ac.name,
        name_hi=ac.name_hi,
        reserved=ac.reserved,
        pc=PcRef(id=ac.pc.pk, number=ac.pc.number, name=ac.pc.name),
    )


def ac_detail_out(
    ac: AssemblyConstituency, *, parts: Iterable[Part], booth_ids: dict[int, int]
) -> AcDetailOut:
    return AcDetailOut(
        **ac_out(ac).model_dump(),
        parts=[
            PartOut(
                id=part.pk,
                number=part.number,
                name=part.name,
                booth_id=booth_ids.get(part.pk),
            )
            for part in parts
        ],
    )
