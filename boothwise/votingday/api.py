"""The voting-day part of API v1, mounted at /api/v1/votingday/ by boothwise/api/api.py.

Like the outreach router it takes a bearer token or the signed-in browser session (with
the CSRF token on writes), so the marking page's offline outbox syncs with its cookie.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from boothwise.accounts.access import access_part
from boothwise.api.auth import SessionCsrfAuth, TokenAuth, request_user
from boothwise.api.schemas import ErrorOut, InvalidOut
from boothwise.votingday import schemas as s
from boothwise.votingday import selectors, services
from boothwise.votingday.services import MARK

router = Router(auth=[TokenAuth(), SessionCsrfAuth()], tags=["votingday"])

ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}


@router.post("/marks", response={200: s.MarksResultOut, **ERRORS})
def votingday_marks_record(request: HttpRequest, data: s.MarksIn) -> JsonResponse:
    """Store a batch of up to 100 marks from a device's outbox. Safe to replay: a known
    `client_uuid` answers as the first time and writes nothing."""
    items = [
        services.MarkIn(
            client_uuid=i.client_uuid,
            part_id=i.part_id,
            serial_no=i.serial_no,
            source=i.source,
            entered_at=i.entered_at,
            device=i.device,
        )
        for i in data.items
    ]
    results = services.marks_record(by=request_user(request), items=items)
    return JsonResponse(s.results_json(results))


@router.get("/parts/{part_id}/marks", response={200: s.PartMarksOut, **ERRORS})
def votingday_part_marks(request: HttpRequest, part_id: int) -> s.PartMarksOut:
    """The standing marks of a booth that the caller may mark, newest first."""
    user = request_user(request)
    part = access_part(user, part_id, action=MARK)
    marks = list(selectors.marks_of_part(user, part))
    return s.PartMarksOut(
        part_id=part.pk, count=len(marks), items=[s.mark_out(m) for m in marks]
    )


@router.get("/parts/{part_id}/voters", response={200: list[s.VoterHitOut], **ERRORS})
def votingday_find_voter(
    request: HttpRequest, part_id: int, q: str
) -> list[s.VoterHitOut]:
    """Electors of the booth the caller may mark, best matching a name in either
    script (the roll's cross-script search), at most 8."""
    user = request_user(request)
    part = access_part(user, part_id, action=MARK)
    return [s.voter_hit_out(v) for v in selectors.find_in_booth(user, part, q[:100])]
