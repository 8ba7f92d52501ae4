"""The JSON shapes of the outreach API (docs/api.md), and the functions that build them.

Every field is listed on purpose; no model is dumped wholesale.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Field, Schema

from boothwise.geography.models import Part
from boothwise.outreach.models import Campaign, FollowUp, Question, SurveyVersion
from boothwise.outreach.selectors import Coverage, Door, Tally, WalkListEntry
from boothwise.outreach.services import MAX_BATCH, SyncResult


class IssueOut(Schema):
    code: str
    hi: str
    en: str


class QuestionOut(Schema):
    kind: Question.Kind
    text_hi: str
    text_en: str
    per_elector: bool
    choices: list[IssueOut]


class SurveyOut(Schema):
    id: int
    number: int
    questions: list[QuestionOut]


class CampaignOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    running: bool
    unit_ids: list[int]


class CampaignDetailOut(CampaignOut):
    talking_points_hi: str
    talking_points_en: str
    followup_days: int
    survey: SurveyOut


class CampaignList(Schema):
    count: int
    items: list[CampaignOut]


def campaign_out(campaign: Campaign, *, today: datetime.date) -> CampaignOut:
    return CampaignOut(
        id=campaign.pk,
        name=campaign.name,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        running=campaign.starts_on <= today <= campaign.ends_on,
        unit_ids=sorted(u.pk for u in campaign.units.all()),
    )


def survey_out(version: SurveyVersion) -> SurveyOut:
    return SurveyOut(
        id=version.pk,
        number=version.number,
        questions=[
            QuestionOut(
                kind=Question.Kind(q.kind),
                text_hi=q.text_hi,
                text_en=q.text_en,
                per_elector=q.per_elector,
                choices=[IssueOut(**c) for c in q.choices],
            )
            for q in version.questions.all()
        ],
    )


def campaign_detail_out(
    campaign: Campaign, version: SurveyVersion, *, today: datetime.date
) -> CampaignDetailOut:
    base = campaign_out(campaign, today=today)
    return CampaignDetailOut(
        **base.dict(),
        talking_points_hi=campaign.talking_points_hi,
        talking_points_en=campaign.talking_points_en,
        followup_days=campaign.followup_days,
        survey=survey_out(version),
    )


class WalkPartRef(Schema):
    id: int
    ac_number: int
    number: str
    name: str
    booth_id: int | None


def part_ref(part: Part) -> WalkPartRef:
    booth = getattr(part, "booth", None)
    return WalkPartRef(
        id=part.pk,
        ac_number=part.ac.number,
        number=part.number,
        name=part.name,
        booth_id=booth.pk if booth is not None else None,
    )


class AssignmentOut(Schema):
    id: int
    status: str
    serial_from: int | None
    serial_to: int | None
    household_ids: list[int]


class WalkListRef(Schema):
    part: WalkPartRef
    assignments: list[AssignmentOut]


def walk_list_ref(entry: WalkListEntry) -> WalkListRef:
    return WalkListRef(
        part=part_ref(entry.part),
        assignments=[
            AssignmentOut(
                id=a.pk,
                status=a.status,
                serial_from=a.serial_from,
                serial_to=a.serial_to,
                household_ids=sorted(h.pk for h in a.households.all()),
            )
            for a in entry.assignments
        ],
    )


class ElectorOut(Schema):
    id: int
    serial_no: int
    name: str
    name_en: str
    age: int | None
    gender: str
    relation_type: str
    relative_name: str
    latest: dict[str, Any]


class DoorOut(Schema):
    serial_no: int
    code: str
    page: int
    household_id: int | None
    house_no: str
    section_no: int | None
    electors: list[ElectorOut]
    latest: dict[str, Any]
    visits: int
    last_outcome: str
    last_at: datetime.datetime | None
    open_followups: int


class WalkListOut(Schema):
    campaign_id: int
    survey_version_id: int
    part: WalkPartRef
    can_record: bool
    assigned_only: bool
    doors: list[DoorOut]


def door_out(door: Door) -> DoorOut:
    return DoorOut(
        serial_no=door.serial_no,
        code=door.code,
        page=door.page,
        household_id=door.household_id,
        house_no=door.house_no,
        section_no=door.section_no,
        electors=[
            ElectorOut(
                id=e.id,
                serial_no=e.serial_no,
                name=e.name,
                name_en=e.name_en,
                age=e.age,
                gender=e.gender,
                relation_type=e.relation_type,
                relative_name=e.relative_name,
                latest=e.latest,
            )
            for e in door.electors
        ],
        latest=door.latest,
        visits=door.visits,
        last_outcome=door.last_outcome,
        last_at=door.last_at,
        open_followups=door.open_followups,
    )


class AnswerIn(Schema):
    serial_no: int
    kind: str
    value: Any


class VisitIn(Schema):
    client_uuid: uuid.UUID
    campaign_id: int
    part_id: int
    serial_no: int = Field(..., description="the door's first serial number")
    outcome: str
    at: datetime.datetime
    survey_version_id: int | None = None
    answers: list[AnswerIn] = []
    notes: str = ""
    grievance: str = ""
    grievance_issue: str = ""
    latitude: float | None = None
    longitude: float | None = None
    device: str = ""


class SyncIn(Schema):
    items: list[VisitIn] = Field(..., max_length=MAX_BATCH)


class ItemOut(Schema):
    client_uuid: uuid.UUID
    status: str
    visit_id: int | None
    error: str


class SyncOut(Schema):
    created: int
    results: list[ItemOut]


def sync_out(result: SyncResult) -> SyncOut:
    return SyncOut(
        created=result.created,
        results=[
            ItemOut(
                client_uuid=r.client_uuid,
                status=r.status,
                visit_id=r.visit_id,
                error=r.error,
            )
            for r in result.results
        ],
    )


class TallyOut(Schema):
    doors: int
    electors: int
    visits: int
    doors_visited: int
    doors_met: int
    electors_reached: int
    support: dict[str, int]
    open_followups: int
    overdue_followups: int
    flagged: int


def tally_out(t: Tally) -> TallyOut:
    return TallyOut(
        doors=t.doors,
        electors=t.electors,
        visits=t.visits,
        doors_visited=t.doors_visited,
        doors_met=t.doors_met,
        electors_reached=t.electors_reached,
        support={lvl: t.support[lvl] for lvl in ("1", "2", "3", "4", "5")},
        open_followups=t.open_followups,
        overdue_followups=t.overdue_followups,
        flagged=t.flagged,
    )


class CoverageRowOut(Schema):
    unit_id: int | None
    name: str
    tally: TallyOut


class IssueCountOut(Schema):
    code: str
    label: str
    households: int


class DayOut(Schema):
    day: datetime.date
    visits: int
    met: int
    doors_met_to_date: int


class CoverageOut(Schema):
    campaign_id: int
    unit_id: int
    total: TallyOut
    rows: list[CoverageRowOut]
    issues: list[IssueCountOut]
    days: list[DayOut]


def coverage_out(campaign: Campaign, cov: Coverage) -> CoverageOut:
    return CoverageOut(
        campaign_id=campaign.pk,
        unit_id=cov.unit.pk,
        total=tally_out(cov.total),
        rows=[
            CoverageRowOut(
                unit_id=r.unit.pk if r.unit else None,
                name=r.label,
                tally=tally_out(r.tally),
            )
            for r in cov.rows
        ],
        issues=[
            IssueCountOut(code=c, label=lbl, households=n) for c, lbl, n in cov.issues
        ],
        days=[
            DayOut(day=d, visits=v, met=m, doors_met_to_date=c)
            for d, v, m, c in cov.days
        ],
    )


class FollowUpOut(Schema):
    id: int
    campaign_id: int
    part: WalkPartRef
    serial_no: int
    issue: str
    text: str
    due_on: datetime.date
    status: str
    escalated_to_unit_id: int | None
    escalated_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    close_note: str


class FollowUpList(Schema):
    count: int
    items: list[FollowUpOut]


class FollowUpFilters(Schema):
    campaign: int | None = None
    status: FollowUp.Status | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class CloseIn(Schema):
    note: str = Field(..., min_length=1, max_length=500)


def followup_out(f: FollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=f.pk,
        campaign_id=f.campaign_id,
        part=part_ref(f.part),
        serial_no=f.serial_no,
        issue=f.issue,
        text=f.text,
        due_on=f.due_on,
        status=f.status,
        escalated_to_unit_id=f.escalated_to_id,
        escalated_at=f.escalated_at,
        closed_at=f.closed_at,
        close_note=f.close_note,
    )
