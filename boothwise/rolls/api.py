"""The electoral roll in API v1: search, an elector, a part's roll, verification marks
and imports. Registered on the one NinjaAPI in boothwise/api/api.py, so it shares its
token auth, error shapes and OpenAPI document; this module is part of the API layer and
is imported only from there.

The same selectors and services as the HTML pages, and the same access rules:
VIEW_VOTERS to read, VERIFY_ROLL to mark, IMPORT_ROLL to read an import. Out of scope
is 404, like missing.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from boothwise.accounts.access import access_part
from boothwise.accounts.permissions import Action
from boothwise.api.auth import request_user
from boothwise.api.schemas import AcRef, ErrorOut, InvalidOut, PageParams, ac_ref
from boothwise.geography.models import Part
from boothwise.rolls import jobs, selectors
from boothwise.rolls.models import RollImport, VerificationMark, Voter
from boothwise.rolls.search import voters_search
from boothwise.rolls.services import roll_import_report
from boothwise.rolls.verification import verification_mark

router = Router(tags=["rolls"])

ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
SEARCH_MAX_LIMIT = 50
REJECTED_SHOWN = 200


# Shapes ----------------------------------------------------------------------------


class VoterOut(Schema):
    id: int
    ac: AcRef
    part_id: int
    part_no: str
    section_no: int | None
    serial_no: int
    epic_no: str
    name: str
    name_en: str
    relation_type: str
    relative_name: str
    relative_name_en: str
    house_no: str
    age: int | None
    gender: str
    status: str


class SearchHitOut(VoterOut):
    score: float


class SearchOut(Schema):
    query: str
    items: list[SearchHitOut]


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=100)
    ac: int | None = None
    limit: int = Field(5, ge=1, le=SEARCH_MAX_LIMIT)


class MarkOut(Schema):
    id: int
    voter_id: int
    kind: VerificationMark.Kind
    kind_label: str
    note: str
    by: str
    at: datetime.datetime
    client_uuid: uuid.UUID


class ChangeOut(Schema):
    import_id: int
    imported_at: datetime.datetime
    kind: str
    before: dict[str, Any]
    after: dict[str, Any]


class VoterDetailOut(VoterOut):
    household: list[VoterOut]
    changes: list[ChangeOut]
    marks: list[MarkOut]


class RollItemOut(VoterOut):
    household_id: int | None
    relative_id: int | None
    mark: str


class BandOut(Schema):
    band: str
    count: int


class ProfileOut(Schema):
    total: int
    ages: list[BandOut]
    genders: dict[str, int]
    first_time: int


class PartRef(Schema):
    id: int
    number: str
    name: str
    ac: AcRef


class PartRollOut(Schema):
    part: PartRef
    profile: ProfileOut
    count: int
    limit: int
    offset: int
    items: list[RollItemOut]


class VerificationIn(Schema):
    voter_id: int
    kind: VerificationMark.Kind
    client_uuid: uuid.UUID
    note: str = Field("", max_length=300)
    at: datetime.datetime | None = None


class VerificationOut(MarkOut):
    created: bool


class RejectedRowOut(Schema):
    line: int
    code: str
    reason: str


class ImportOut(Schema):
    id: int
    file: str
    status: str
    state: str
    message: str
    rows: int
    rows_done: int
    rows_read: int
    percent: int
    created: int
    updated: int
    unchanged: int
    deleted: int
    rejected: int
    parts_created: list[str]
    changes: dict[str, int]
    rejected_rows: list[RejectedRowOut]


def voter_out(voter: Voter) -> dict[str, Any]:
    """`voter` needs ac and part loaded."""
    return {
        "id": voter.pk,
        "ac": ac_ref(voter.ac),
        "part_id": voter.part_id,
        "part_no": voter.part.number,
        "section_no": voter.section_no,
        "serial_no": voter.serial_no,
        "epic_no": voter.epic_no,
        "name": voter.name,
        "name_en": voter.name_en,
        "relation_type": voter.relation_type,
        "relative_name": voter.relative_name,
        "relative_name_en": voter.relative_name_en,
        "house_no": voter.house_no,
        "age": voter.age,
        "gender": voter.gender,
        "status": voter.status,
    }


def mark_out(mark: VerificationMark) -> dict[str, Any]:
    return {
        "id": mark.pk,
        "voter_id": mark.voter_id,
        "kind": mark.kind,
        "kind_label": mark.get_kind_display(),
        "note": mark.note,
        "by": selectors.marked_by(mark),
        "at": mark.at,
        "client_uuid": mark.client_uuid,
    }


# Endpoints -------------------------------------------------------------------------


@router.get("/voters/search", response={200: SearchOut, **ERRORS})
def voter_search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    """Electors in scope best matching `q` (a name in either script, with typos; an
    EPIC, house number, relative's name or age), best first."""
    hits = voters_search(
        user_or_scope=request_user(request),
        query=params.q,
        ac_id=params.ac,
        limit=params.limit,
    )
    items = [
        SearchHitOut(**voter_out(hit.voter), score=round(hit.score, 4)) for hit in hits
    ]
    return SearchOut(query=params.q, items=items)


@router.get("/voters/{voter_id}", response={200: VoterDetailOut, **ERRORS})
def voter_detail(request: HttpRequest, voter_id: int) -> VoterDetailOut:
    """One elector with the household members in scope, the roll changes of their
    serial number, and the verification marks, newest first."""
    user = request_user(request)
    voter = selectors.access_voter(user, voter_id)
    members = selectors.household_members(user, voter)
    return VoterDetailOut(
        **voter_out(voter),
        household=[VoterOut(**voter_out(m)) for m in members],
        changes=[
            ChangeOut(
                import_id=row.change.roll_import_id,
                imported_at=row.change.roll_import.started_at,
                kind=row.change.kind,
                before=row.change.before,
                after=row.change.after,
            )
            for row in selectors.voter_changes(user, voter)
        ],
        marks=[MarkOut(**mark_out(m)) for m in selectors.voter_marks(user, voter)],
    )


@router.get("/parts/{part_id}/roll", response={200: PartRollOut, **ERRORS})
def part_roll(
    request: HttpRequest, part_id: int, page: Query[PageParams]
) -> PartRollOut:
    """A part's electors in scope, in serial order, paged, with household, relative
    and latest finding, and the age and gender profile of all of them."""
    user = request_user(request)
    part = access_part(user, part_id, action=Action.VIEW_VOTERS)
    roll = selectors.part_roll(user, part)
    entries = sorted(
        (e for h in roll.households for e in h.entries),
        key=lambda e: e.voter.serial_no,
    )
    items = []
    for entry in entries[page.offset : page.offset + page.limit]:
        entry.voter.ac, entry.voter.part = part.ac, part
        items.append(
            RollItemOut(
                **voter_out(entry.voter),
                household_id=entry.voter.household_id,
                relative_id=entry.relative.pk if entry.relative else None,
                mark=entry.mark,
            )
        )
    return PartRollOut(
        part=_part_ref(part),
        profile=_profile_out(roll.profile),
        count=len(entries),
        limit=page.limit,
        offset=page.offset,
        items=items,
    )


def _part_ref(part: Part) -> PartRef:
    return PartRef(id=part.pk, number=part.number, name=part.name, ac=ac_ref(part.ac))


def _profile_out(profile: selectors.Profile) -> ProfileOut:
    ages = [BandOut(band=label, count=n) for label, n in profile.bands[:-1]]
    ages.append(BandOut(band="unknown", count=profile.bands[-1][1]))
    genders = {code: n for code, _label, n in profile.genders if code}
    return ProfileOut(
        total=profile.total,
        ages=ages,
        genders=genders,
        first_time=len(profile.first_time),
    )


@router.post(
    "/verifications",
    response={200: VerificationOut, 201: VerificationOut, **ERRORS},
)
def verification_create(
    request: HttpRequest, data: VerificationIn
) -> Status[VerificationOut]:
    """Record a finding at the door. Idempotent by `client_uuid`: 201 the first time,
    200 with the stored mark (and nothing written) when the same uuid comes again."""
    user = request_user(request)
    voter = selectors.access_voter(user, data.voter_id, action=Action.VERIFY_ROLL)
    mark, created = verification_mark(
        by=user,
        voter=voter,
        kind=data.kind,
        client_uuid=data.client_uuid,
        note=data.note,
        at=data.at,
    )
    mark = VerificationMark.objects.select_related("by__person").get(pk=mark.pk)
    return Status(
        201 if created else 200, VerificationOut(**mark_out(mark), created=created)
    )


@router.get("/imports/{import_id}", response={200: ImportOut, **ERRORS})
def import_detail(request: HttpRequest, import_id: int) -> ImportOut:
    """A roll import's progress and report: counts, parts created, warnings, the first
    rejected rows and the revision's counts. `state` tells a live import ("running")
    from one whose process died ("interrupted")."""
    ri: RollImport = selectors.access_import(request_user(request), import_id)
    report = roll_import_report(ri, rejected_limit=REJECTED_SHOWN)
    rows_read, percent = selectors.import_progress(ri)
    return ImportOut(
        **report,
        state=jobs.import_state(ri),
        rows_read=rows_read,
        percent=percent,
    )
