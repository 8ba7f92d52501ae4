"""The outreach part of API v1, mounted at /api/v1/outreach/ by boothwise/api/api.py.

It authenticates a bearer token like the rest of the API, and also the browser session
of a signed-in user, so the offline walk list (a page of this site) can sync with the
cookie it already has. A session request that writes must carry the CSRF token
(header `X-CSRFToken`), exactly as a form would; a request without a session cookie
never reaches the CSRF check and gets the API's usual 401.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Query, Router

from boothwise.accounts.access import access_part, access_unit, visible
from boothwise.accounts.permissions import Action
from boothwise.api.auth import SessionCsrfAuth, TokenAuth, request_user
from boothwise.api.schemas import ErrorOut, InvalidOut
from boothwise.outreach import schemas as s
from boothwise.outreach import selectors, services
from boothwise.outreach.models import FollowUp
from boothwise.outreach.selectors import VIEW
from boothwise.outreach.services import RECORD

router = Router(auth=[TokenAuth(), SessionCsrfAuth()], tags=["outreach"])

ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 403: ErrorOut}


def _language() -> str:
    return "hi" if (translation.get_language() or "hi").startswith("hi") else "en"


@router.get("/campaigns", response={200: s.CampaignList, **ERRORS})
def outreach_campaign_list(request: HttpRequest) -> s.CampaignList:
    """Campaigns over units in the caller's scope, newest first."""
    campaigns = list(
        selectors.campaigns_visible(request_user(request)).prefetch_related("units")
    )
    today = timezone.localdate()
    return s.CampaignList(
        count=len(campaigns),
        items=[s.campaign_out(c, today=today) for c in campaigns],
    )


@router.get("/campaigns/{campaign_id}", response={200: s.CampaignDetailOut, **ERRORS})
def outreach_campaign_detail(
    request: HttpRequest, campaign_id: int
) -> s.CampaignDetailOut:
    """One campaign with its talking points and the current survey version."""
    campaign = selectors.campaign_access(request_user(request), campaign_id)
    version = selectors.current_version(campaign)
    return s.campaign_detail_out(campaign, version, today=timezone.localdate())


@router.get(
    "/campaigns/{campaign_id}/walklists", response={200: list[s.WalkListRef], **ERRORS}
)
def outreach_walk_lists(request: HttpRequest, campaign_id: int) -> list[s.WalkListRef]:
    """Where the caller can walk in this campaign: assigned parts, then their own."""
    user = request_user(request)
    campaign = selectors.campaign_access(user, campaign_id)
    return [s.walk_list_ref(e) for e in selectors.my_walk_lists(user, [campaign])]


@router.get(
    "/campaigns/{campaign_id}/parts/{part_id}/walklist",
    response={200: s.WalkListOut, **ERRORS},
)
def outreach_walk_list(
    request: HttpRequest, campaign_id: int, part_id: int, all: bool = False
) -> s.WalkListOut:
    """The doors of one part in roll order, each with its electors and the latest
    answers. A worker with assignments gets those doors unless `all=true`."""
    user = request_user(request)
    campaign = selectors.campaign_access(user, campaign_id)
    part = access_part(user, part_id, action=VIEW)
    if not services.campaign_covers_part(campaign, part):
        raise Http404
    work = None
    if not all:
        own = [
            a
            for a in selectors.assignments_of(user, campaign).prefetch_related(
                "households"
            )
            if a.part_id == part.pk
        ]
        work = selectors.work_filter(own)
    doors = selectors.walk_list(user, campaign, part, work)
    version = selectors.current_version(campaign)
    can_record = visible(user, RECORD, type(part).objects.filter(pk=part.pk)).exists()
    return s.WalkListOut(
        campaign_id=campaign.pk,
        survey_version_id=version.pk,
        part=s.part_ref(part),
        can_record=can_record,
        assigned_only=work is not None and not work.everything,
        doors=[s.door_out(d) for d in doors],
    )


@router.post("/visits", response={200: s.SyncOut, **WRITE_ERRORS})
def outreach_visits_sync(request: HttpRequest, data: s.SyncIn) -> s.SyncOut:
    """Store a batch of visits from a phone's outbox. Safe to replay: a known
    `client_uuid` answers as the first time and writes nothing."""
    items = [
        services.VisitIn(
            client_uuid=i.client_uuid,
            campaign_id=i.campaign_id,
            part_id=i.part_id,
            serial_no=i.serial_no,
            outcome=i.outcome,
            at=i.at,
            survey_version_id=i.survey_version_id,
            answers=[
                services.AnswerIn(a.serial_no, a.kind, a.value) for a in i.answers
            ],
            notes=i.notes,
            grievance=i.grievance,
            grievance_issue=i.grievance_issue,
            latitude=_coordinate(i.latitude),
            longitude=_coordinate(i.longitude),
            device=i.device,
        )
        for i in data.items
    ]
    return s.sync_out(services.visits_sync(by=request_user(request), items=items))


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


@router.get(
    "/campaigns/{campaign_id}/coverage", response={200: s.CoverageOut, **ERRORS}
)
def outreach_coverage(
    request: HttpRequest, campaign_id: int, unit: int
) -> s.CoverageOut:
    """Coverage of the campaign in one unit, as far as the caller's scope goes."""
    user = request_user(request)
    campaign = selectors.campaign_access(user, campaign_id)
    place = access_unit(user, unit, action=VIEW)
    return s.coverage_out(
        campaign, selectors.coverage(user, campaign, place, _language())
    )


@router.get("/followups", response={200: s.FollowUpList, **ERRORS})
def outreach_followup_list(
    request: HttpRequest, filters: Query[s.FollowUpFilters]
) -> s.FollowUpList:
    """Grievances to follow up, in scope; open ones first, by due date."""
    user = request_user(request)
    campaign = (
        selectors.campaign_access(user, filters.campaign)
        if filters.campaign is not None
        else None
    )
    followups = selectors.followups_visible(
        user, campaign=campaign, status=filters.status or ""
    )
    items = list(followups[filters.offset : filters.offset + filters.limit])
    return s.FollowUpList(
        count=followups.count(), items=[s.followup_out(f) for f in items]
    )


@router.post(
    "/followups/{followup_id}/close", response={200: s.FollowUpOut, **WRITE_ERRORS}
)
def outreach_followup_close(
    request: HttpRequest, followup_id: int, data: s.CloseIn
) -> s.FollowUpOut:
    """Close a grievance with how it was resolved (the booth team or the block)."""
    user = request_user(request)
    followup = selectors.followup_access(user, followup_id)
    one = FollowUp.objects.filter(pk=followup.pk)
    if not (
        visible(user, RECORD, one).exists()
        or visible(user, Action.MANAGE_POSTS, one).exists()
    ):
        raise PermissionDenied(
            _("Only the booth team or a leader over it closes this.")
        )
    followup = services.followup_close(by=user, followup=followup, note=data.note)
    return s.followup_out(followup)
