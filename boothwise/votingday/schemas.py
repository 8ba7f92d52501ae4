"""The JSON shapes of the voting-day API (docs/api.md). Every field listed on purpose."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Field, Schema
from pydantic import AwareDatetime, BaseModel

from boothwise.rolls.models import Voter
from boothwise.votingday.models import VotedMark
from boothwise.votingday.services import MAX_BATCH, MarkResult


# The marking batch's shapes are plain pydantic models: ninja's Schema wraps every
# item in a getter for ORM objects, a cost paid 20 times a batch on the hottest path.
class MarkIn(BaseModel):
    client_uuid: uuid.UUID
    part_id: int
    serial_no: int = Field(..., ge=1)
    source: VotedMark.Source = VotedMark.Source.DESK
    # With its offset (as the marking page's outbox sends it): a bare local time is
    # refused with a 422, never guessed at.
    entered_at: AwareDatetime
    device: str = Field("", max_length=64)


class MarksIn(BaseModel):
    items: list[MarkIn] = Field(..., max_length=MAX_BATCH)


class MarkResultOut(BaseModel):
    client_uuid: uuid.UUID
    status: str
    mark_id: int | None
    serial_no: int
    name: str
    already: bool
    error: str


class MarksResultOut(BaseModel):
    results: list[MarkResultOut]


def results_json(results: list[MarkResult]) -> dict[str, Any]:
    """The answer to a batch of marks, in MarksResultOut's shape, as plain JSON values:
    polling day's hottest answer skips validating again what services just built
    (test_api checks it against the schema)."""
    return {
        "results": [
            {
                "client_uuid": str(r.client_uuid),
                "status": r.status,
                "mark_id": r.mark_id,
                "serial_no": r.serial_no,
                "name": r.name,
                "already": r.already,
                "error": r.error,
            }
            for r in results
        ]
    }


class MarkOut(Schema):
    id: int
    serial_no: int
    name: str
    source: str
    entered_at: datetime.datetime


class PartMarksOut(Schema):
    part_id: int
    count: int
    items: list[MarkOut]


def mark_out(mark: VotedMark) -> MarkOut:
    return MarkOut(
        id=mark.pk,
        serial_no=mark.serial_no,
        name=mark.voter.name,
        source=mark.source,
        entered_at=mark.entered_at,
    )


class VoterHitOut(Schema):
    serial_no: int
    name: str
    name_en: str
    epic_no: str


def voter_hit_out(voter: Voter) -> VoterHitOut:
    return VoterHitOut(
        serial_no=voter.serial_no,
        name=voter.name,
        name_en=voter.name_en,
        epic_no=voter.epic_no,
    )
