"""An API test case: the persona world, plus one token per persona."""

from __future__ import annotations

import json
from typing import Any

from boothwise.accounts.tokens import api_token_create
from boothwise.organisation.models import Person
from boothwise.test import BaseTestCase

API = "/api/v1"


class ApiTestCase(BaseTestCase):
    keys: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.keys = {
            username: api_token_create(user=user, name="tests")[1]
            for username, user in {
                u.username: u
                for u in (
                    cls.w.asha,
                    cls.w.dev,
                    cls.w.arun,
                    cls.w.bina,
                    cls.w.chetan,
                    cls.w.pooja,
                    cls.w.zoya,
                    cls.w.nobody,
                )
            }.items()
        }

    def headers(self, persona: str | None) -> dict[str, str]:
        # English messages: the default language is Hindi, translated by the lead.
        headers = {"Accept-Language": "en"}
        if persona is not None:
            headers["Authorization"] = f"Bearer {self.keys[persona]}"
        return headers

    def get(self, path: str, persona: str | None, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers(persona))

    def post(self, path: str, persona: str | None, data: dict[str, Any]) -> Any:
        return self.client.post(
            API + path,
            json.dumps(data),
            content_type="application/json",
            headers=self.headers(persona),
        )

    def person(self, username: str) -> Person:
        return Person.objects.get(user__username=username)
