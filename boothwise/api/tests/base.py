"""An API test case: the persona world, plus one token per persona.

Routers' tests (outreach, voting day) subclass it with their own ``api_prefix`` and
call ``api_get``/``api_post``.
"""

from __future__ import annotations

import json
from typing import Any

from boothwise.accounts.tokens import api_token_create
from boothwise.organisation.models import Person
from boothwise.test import BaseTestCase

API = "/api/v1"


class ApiTestCase(BaseTestCase):
    #: Prepended to every path the helpers are given.
    api_prefix = API
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
        return self.client.get(
            self.api_prefix + path, params, headers=self.headers(persona)
        )

    def post(self, path: str, persona: str | None, data: Any) -> Any:
        return self.client.post(
            self.api_prefix + path,
            json.dumps(data, default=str),  # dates and UUIDs as strings
            content_type="application/json",
            headers=self.headers(persona),
        )

    # The names the routers' tests use (some of them define a page-level `post`).
    api_get = get
    api_post = post

    def person(self, username: str) -> Person:
        return Person.objects.get(user__username=username)
