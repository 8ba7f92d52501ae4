"""The voting-day test world: the personas' world and the outreach tests' small roll.

Part 100/1 (booth 100/1, Chetan's) has electors 1–32; Pooja's page is serials 1–30.
Parts 100/2, 101/1 and 50/1 (Zoya's Jaipur booth) have electors 1 and 2.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import override_settings
from django.utils import timezone

from boothwise.accounts.tokens import api_token_create
from boothwise.geography.models import Part
from boothwise.outreach.tests.helpers import load_roll
from boothwise.test import BaseTestCase

API = "/api/v1/votingday"
PERSONAS = ("asha", "dev", "arun", "bina", "chetan", "pooja", "zoya", "nobody")


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class VotingdayTestCase(BaseTestCase):
    part: Part
    keys: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_roll(cls.w.arun)
        assert cls.w.booth_100_1.part is not None
        cls.part = cls.w.booth_100_1.part
        users = {
            u.username: u
            for u in (cls.w.asha, cls.w.dev, cls.w.arun, cls.w.bina)
            + (cls.w.chetan, cls.w.pooja, cls.w.zoya, cls.w.nobody)
        }
        cls.keys = {
            name: api_token_create(user=users[name], name="tests")[1]
            for name in PERSONAS
        }

    def headers(self, persona: str | None) -> dict[str, str]:
        headers = {"Accept-Language": "en"}
        if persona is not None:
            headers["Authorization"] = f"Bearer {self.keys[persona]}"
        return headers

    def api_get(self, path: str, persona: str | None, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers(persona))

    def api_post(self, path: str, persona: str | None, data: Any) -> Any:
        return self.client.post(
            API + path,
            json.dumps(data, default=str),
            content_type="application/json",
            headers=self.headers(persona),
        )

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
