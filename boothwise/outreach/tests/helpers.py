"""The outreach test world: the personas' world, a small roll, and a running campaign.

Part 100/1 (booth 100/1; Chetan's booth, Pooja's page is serials 1–30):

| door (first serial) | house | electors |
| --- | --- | --- |
| 1 | 12/3-ब | 1, 2, 3 |
| 4 | 14 | 4, 5 |
| 6 | 0 (no household) | 6 |
| 7 | 20 | 7, 8, 9, 10 |
| 11, 13, … 29 | 21 … 30 | pairs 11–12 … 29–30 |
| 31 | 41 | 31, 32 (outside Pooja's page) |

Parts 100/2, 101/1 and 50/1 (Zoya's Jaipur booth) have one household of two each.
"""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

from django.test import override_settings
from django.utils import timezone

from boothwise.api.tests.base import ApiTestCase
from boothwise.geography.models import Part
from boothwise.outreach.models import Campaign
from boothwise.outreach.services import campaign_create
from boothwise.rolls.tests.test_importer import HEADER, csv_bytes, roll_import

API = "/api/v1/outreach"
FIRST = ("राकेश", "सीमा", "अंकित", "गीता", "मोहन", "कमला", "सुनील", "पूजा")


def _row(ac: int, part: str, serial: int, house: str) -> str:
    name = f"{FIRST[serial % len(FIRST)]} सांखला"
    gender = "F" if serial % 2 else "M"
    return f"{ac},{part},1,{serial},,{name},F,मोहन लाल,{house},{20 + serial},{gender},,"


def roll_rows() -> list[str]:
    rows = [_row(100, "1", s, "12/3-ब") for s in (1, 2, 3)]
    rows += [_row(100, "1", s, "14") for s in (4, 5)]
    rows += [_row(100, "1", 6, "0")]
    rows += [_row(100, "1", s, "20") for s in (7, 8, 9, 10)]
    rows += [_row(100, "1", s, str(21 + (s - 11) // 2)) for s in range(11, 31)]
    rows += [_row(100, "1", s, "41") for s in (31, 32)]
    rows += [_row(100, "2", s, "3A") for s in (1, 2)]
    rows += [_row(101, "1", s, "5") for s in (1, 2)]
    rows += [_row(50, "1", s, "7") for s in (1, 2)]
    return rows


def load_roll(by: Any) -> None:
    roll_import(
        file=io.BytesIO(csv_bytes(*roll_rows(), header=HEADER)),
        file_name="roll.csv",
        by=by,
    )


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class OutreachTestCase(ApiTestCase):
    api_prefix = API
    campaign: Campaign
    part: Part

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_roll(cls.w.arun)
        today = timezone.localdate()
        cls.campaign = campaign_create(
            by=cls.w.dev,
            name="आमजन संपर्क 2025",
            starts_on=today - datetime.timedelta(days=20),
            ends_on=today + datetime.timedelta(days=20),
            units=[cls.w.ajmer_city],
            talking_points_hi="हर घर तक पहुँचें।",
            talking_points_en="Reach every home.",
        )
        assert cls.w.booth_100_1.part is not None
        cls.part = cls.w.booth_100_1.part

    def item(
        self,
        serial: int = 1,
        outcome: str = "met",
        answers: list[dict[str, Any]] | None = None,
        part: Part | None = None,
        at: datetime.datetime | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        return {
            "client_uuid": str(uuid.uuid4()),
            "campaign_id": self.campaign.pk,
            "part_id": (part or self.part).pk,
            "serial_no": serial,
            "outcome": outcome,
            "at": (at or timezone.now()).isoformat(),
            "answers": answers or [],
            **extra,
        }

    def sync(self, persona: str, *items: dict[str, Any]) -> dict[str, Any]:
        response = self.api_post("/visits", persona, {"items": list(items)})
        self.assertEqual(response.status_code, 200, response.content)
        result: dict[str, Any] = response.json()
        return result
