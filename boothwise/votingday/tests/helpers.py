"""The voting-day test world: the personas' world and the outreach tests' small roll.

Part 100/1 (booth 100/1, Chetan's) has electors 1–32; Pooja's page is serials 1–30.
Parts 100/2, 101/1 and 50/1 (Zoya's Jaipur booth) have electors 1 and 2.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.test import override_settings
from django.utils import timezone

from boothwise.api.tests.base import ApiTestCase
from boothwise.geography.models import Part
from boothwise.outreach.tests.helpers import load_roll

API = "/api/v1/votingday"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class VotingdayTestCase(ApiTestCase):
    api_prefix = API
    part: Part

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_roll(cls.w.arun)
        assert cls.w.booth_100_1.part is not None
        cls.part = cls.w.booth_100_1.part

    def item(
        self, serial: int, part: Part | None = None, **extra: Any
    ) -> dict[str, Any]:
        return {
            "client_uuid": str(uuid.uuid4()),
            "part_id": (part or self.part).pk,
            "serial_no": serial,
            "source": "desk",
            "entered_at": timezone.now().isoformat(),
            "device": "phone-1",
            **extra,
        }

    def login(self, persona: str) -> None:
        self.client.force_login(getattr(self.w, persona))


def support(
    w: Any,
    part: Part,
    doors: dict[int, dict[int, int]],
    at: datetime.datetime | None = None,
) -> None:
    """Record outreach support answers at `part` (door → {serial: level 1–5}), as the
    booth's committee member Chetan, in a campaign over Ajmer city; visited at `at`
    (default an hour ago)."""
    from boothwise.outreach import services as outreach
    from boothwise.outreach.models import Campaign
    from boothwise.outreach.selectors import current_version

    today = timezone.localdate()
    campaign = Campaign.objects.filter(name="समर्थन").first() or (
        outreach.campaign_create(
            by=w.dev,
            name="समर्थन",
            starts_on=today - datetime.timedelta(days=10),
            ends_on=today + datetime.timedelta(days=10),
            units=[w.ajmer_city],
        )
    )
    version = current_version(campaign)
    result = outreach.visits_sync(
        by=w.chetan,
        items=[
            outreach.VisitIn(
                client_uuid=uuid.uuid4(),
                campaign_id=campaign.pk,
                part_id=part.pk,
                serial_no=door,
                outcome="met",
                at=at or timezone.now() - datetime.timedelta(hours=1),
                survey_version_id=version.pk,
                answers=[
                    outreach.AnswerIn(serial, "support", level)
                    for serial, level in levels.items()
                ],
            )
            for door, levels in doors.items()
        ],
    )
    assert all(r.status == "accepted" for r in result.results), result
