"""Outsiders see nothing and change nothing, on every page and endpoint."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone

from boothwise.votingday.models import MarkUndo, TurnoutEntry, VotedMark
from boothwise.votingday.services import MarkIn
from boothwise.votingday.services import marks_record as record
from boothwise.votingday.tests.helpers import VotingdayTestCase


class OutsiderTests(VotingdayTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        record(
            by=cls.w.chetan,
            items=[MarkIn(uuid.uuid4(), cls.part.pk, 3, "desk", timezone.now())],
        )
        cls.mark = VotedMark.objects.get()

    def pages(self):
        p = self.part.pk
        return [
            reverse("votingday:mark", args=[p]),
            reverse("votingday:turnout", args=[p]),
        ]

    def test_outsiders_get_404_on_every_page_and_change_nothing(self):
        for persona in ("zoya", "nobody"):
            self.login(persona)
            for url in self.pages():
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            response = self.client.post(
                self.pages()[0],
                {"text": "4", "source": "desk", "entry": str(self.mark.client_uuid)},
            )
            self.assertEqual(response.status_code, 404)
            response = self.client.post(self.pages()[1], {"slot": 9, "count": 5})
            self.assertEqual(response.status_code, 404)
            undo = reverse("votingday:mark-undo", args=[self.part.pk, self.mark.pk])
            self.assertEqual(self.client.post(undo, {"reason": "x"}).status_code, 404)
            home = self.client.get(reverse("votingday:home"))
            self.assertNotContains(home, f"/parts/{self.part.pk}/")
            self.assertNotContains(home, "Makarwali")
            if persona == "nobody":
                self.assertContains(home, "You have no booth to work on polling day.")
        self.assertEqual(VotedMark.objects.count(), 1)
        self.assertFalse(MarkUndo.objects.exists())
        self.assertFalse(TurnoutEntry.objects.exists())

    def test_outsiders_get_nothing_from_the_api(self):
        p = self.part.pk
        for persona in ("zoya", "nobody"):
            with self.subTest(persona=persona):
                for path in (f"/parts/{p}/marks", f"/parts/{p}/voters?q=Seema"):
                    self.assertEqual(self.api_get(path, persona).status_code, 404)
                response = self.api_post("/marks", persona, {"items": [self.item(4)]})
                self.assertEqual(response.json()["results"][0]["status"], "rejected")
        self.assertEqual(VotedMark.objects.count(), 1)

    def test_anonymous_gets_401_from_the_api_and_the_login_page_for_pages(self):
        self.assertEqual(
            self.api_get(f"/parts/{self.part.pk}/marks", None).status_code, 401
        )
        response = self.api_post("/marks", None, {"items": [self.item(4)]})
        self.assertEqual(response.status_code, 401)
        for url in self.pages():
            self.assertEqual(self.client.get(url).status_code, 302)
        self.assertEqual(VotedMark.objects.count(), 1)

    def test_the_service_worker_is_public_and_lists_the_marking_assets(self):
        response = self.client.get(reverse("votingday:service-worker"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "js/outbox.js")
        self.assertEqual(response["Service-Worker-Allowed"], "/votingday/")
