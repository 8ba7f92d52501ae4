"""Who reads and writes what: every outreach endpoint against every persona.

Zoya (Jaipur) and `nobody` must not read or write Ajmer's visits through any page or
API endpoint; out of scope is 404, exactly like a missing id.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from boothwise.organisation.tests.helpers import PERSONAS, expect
from boothwise.outreach.models import FollowUp, Visit
from boothwise.outreach.services import assignment_request
from boothwise.outreach.tests.helpers import OutreachTestCase

AJMER = ("asha", "dev", "arun", "bina", "chetan", "pooja")


class OutreachAccessTests(OutreachTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.serial_31_visit = None

    def setUp(self):
        super().setUp()
        result = self.sync(
            "chetan",
            self.item(
                1,
                answers=[{"serial_no": 1, "kind": "support", "value": 5}],
                grievance="सड़क खराब",
            ),
            self.item(31, answers=[{"serial_no": 31, "kind": "support", "value": 1}]),
        )
        self.visit_ids = [r["visit_id"] for r in result["results"]]
        self.followup = FollowUp.objects.get()

    def pages(self):
        c, p = self.campaign.pk, self.part.pk
        return {
            "campaign": reverse("outreach:campaign-detail", args=[c]),
            "campaign-unit": reverse("outreach:campaign-detail", args=[c])
            + f"?unit={self.w.booth_100_1.pk}",
            "booth-work": reverse("outreach:booth-work", args=[c, p]),
            "walk": reverse("outreach:walk", args=[c, p]),
            "door": reverse("outreach:door-detail", args=[c, p, 1]),
            "paper": reverse("outreach:paper-entry", args=[c, p]),
            "flags": reverse("outreach:flags", args=[c])
            + f"?unit={self.w.booth_100_1.pk}",
            "export": reverse("outreach:export-csv", args=[c])
            + f"?unit={self.w.booth_100_1.pk}",
            "close": reverse("outreach:followup-close", args=[self.followup.pk]),
        }

    def check(self, url, expected):
        for name in PERSONAS:
            with self.subTest(url=url, persona=name):
                self.client.force_login(self.personas()[name])
                response = self.client.get(url)
                self.assertEqual(
                    response.status_code, expected[name], response.content[:300]
                )
                if response.status_code == 404:
                    self.assertNotIn("राकेश", response.content.decode())

    def test_campaign_page(self):
        self.check(self.pages()["campaign"], expect(200, zoya=404, nobody=404))

    def test_coverage_of_booth_100_1(self):
        self.check(
            self.pages()["campaign-unit"], expect(404, **dict.fromkeys(AJMER, 200))
        )

    def test_booth_work_page(self):
        self.check(self.pages()["booth-work"], expect(404, **dict.fromkeys(AJMER, 200)))

    def test_walk_list_page_needs_record_visit(self):
        self.check(self.pages()["walk"], expect(404, chetan=200, pooja=200))

    def test_door_history(self):
        self.check(self.pages()["door"], expect(404, **dict.fromkeys(AJMER, 200)))

    def test_paper_entry_needs_record_visit(self):
        self.check(self.pages()["paper"], expect(404, chetan=200, pooja=200))

    def test_flags(self):
        self.check(self.pages()["flags"], expect(404, **dict.fromkeys(AJMER, 200)))

    def test_export_needs_export(self):
        # Pooja may read her page but not export; leaders and the booth president may.
        self.check(
            self.pages()["export"],
            expect(404, asha=200, dev=200, arun=200, bina=200, chetan=200),
        )

    def test_closing_a_follow_up(self):
        # Leaders above the block read it but only the booth team or the block closes it.
        self.check(
            self.pages()["close"],
            expect(404, asha=200, dev=200, arun=200, bina=200, chetan=200, pooja=200),
        )

    def test_home_and_followups_show_nothing_of_ajmer_to_outsiders(self):
        for name in ("zoya", "nobody"):
            self.client.force_login(self.personas()[name])
            for url in (reverse("outreach:home"), reverse("outreach:followup-list")):
                with self.subTest(persona=name, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    text = response.content.decode()
                    self.assertNotIn(self.campaign.name, text)
                    self.assertNotIn("सड़क खराब", text)

    def test_anonymous_is_sent_to_login(self):
        for name, url in self.pages().items():
            with self.subTest(page=name):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/login/", response["Location"])

    def test_outsiders_cannot_write_through_pages(self):
        c, p = self.campaign.pk, self.part.pk
        posts = [
            (
                reverse("outreach:booth-work", args=[c, p]),
                {"worker": self.w.pooja.person.pk, "serial_from": 1, "serial_to": 30},
            ),
            (reverse("outreach:assignment-request", args=[c, p]), {"page": 1}),
            (reverse("outreach:paper-entry", args=[c, p]) + "?code=1", {}),
            (
                reverse("outreach:followup-close", args=[self.followup.pk]),
                {"note": "done"},
            ),
            (reverse("outreach:survey-edit", args=[c]), {"kinds": ["support"]}),
        ]
        for name in ("zoya", "nobody"):
            self.client.force_login(self.personas()[name])
            for url, data in posts:
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.post(url, data).status_code, 404)
        self.assertEqual(FollowUp.objects.get().status, "open")
        self.assertEqual(Visit.objects.count(), 2)

    def test_assignment_decisions_by_outsiders_are_404(self):
        a = assignment_request(
            by=self.w.pooja, campaign=self.campaign, part=self.part, page=1
        )
        url = reverse("outreach:assignment-decide", args=[a.pk])
        for name in ("zoya", "nobody", "pooja"):
            self.client.force_login(self.personas()[name])
            with self.subTest(persona=name):
                self.assertEqual(
                    self.client.post(url, {"decision": "approve"}).status_code, 404
                )
        a.refresh_from_db()
        self.assertEqual(a.status, "requested")

    # API -------------------------------------------------------------------------------

    def test_api_reads_are_404_or_empty_for_outsiders(self):
        c, p = self.campaign.pk, self.part.pk
        for name in ("zoya", "nobody"):
            with self.subTest(persona=name):
                self.assertEqual(self.api_get("/campaigns", name).json()["count"], 0)
                self.assertEqual(self.api_get("/followups", name).json()["count"], 0)
                for path in (
                    f"/campaigns/{c}",
                    f"/campaigns/{c}/walklists",
                    f"/campaigns/{c}/parts/{p}/walklist",
                    f"/campaigns/{c}/coverage?unit={self.w.booth_100_1.pk}",
                ):
                    response = self.client.get(
                        "/api/v1/outreach" + path, headers=self.headers(name)
                    )
                    self.assertEqual(response.status_code, 404, path)
                    self.assertEqual(response.json(), {"detail": "Not found."})

    def test_api_writes_by_outsiders_change_nothing(self):
        for name in ("zoya", "nobody"):
            with self.subTest(persona=name):
                result = self.sync(
                    name,
                    self.item(
                        4, answers=[{"serial_no": 4, "kind": "support", "value": 1}]
                    ),
                )
                self.assertEqual(result["results"][0]["status"], "rejected")
                self.assertEqual(result["results"][0]["error"], "Not found.")
                response = self.api_post(
                    f"/followups/{self.followup.pk}/close", name, {"note": "x"}
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(Visit.objects.count(), 2)
        self.assertEqual(FollowUp.objects.get().status, "open")

    def test_api_without_credentials_is_401(self):
        self.assertEqual(self.api_get("/campaigns", None).status_code, 401)
        self.assertEqual(self.api_post("/visits", None, {"items": []}).status_code, 401)

    def test_page_incharge_reads_only_her_page_through_the_api(self):
        walk = self.api_get(
            f"/campaigns/{self.campaign.pk}/parts/{self.part.pk}/walklist", "pooja"
        ).json()
        serials = [e["serial_no"] for d in walk["doors"] for e in d["electors"]]
        self.assertEqual(serials, list(range(1, 31)))
        coverage = self.api_get(
            f"/campaigns/{self.campaign.pk}/coverage",
            "pooja",
            unit=self.w.booth_100_1.pk,
        ).json()
        # The serial-31 visit and its "support 1" are outside her page.
        self.assertEqual(coverage["total"]["visits"], 1)
        self.assertEqual(coverage["total"]["support"]["1"], 0)
        chetan = self.api_get(
            f"/campaigns/{self.campaign.pk}/coverage",
            "chetan",
            unit=self.w.booth_100_1.pk,
        ).json()
        self.assertEqual(chetan["total"]["visits"], 2)

    def test_session_api_writes_need_the_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.w.chetan)
        body = '{"items": []}'
        response = client.post(
            "/api/v1/outreach/visits", body, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        client.get(reverse("outreach:walk", args=[self.campaign.pk, self.part.pk]))
        token = client.cookies["csrftoken"].value
        response = client.post(
            "/api/v1/outreach/visits",
            body,
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"created": 0, "results": []})

    def test_visits_before_today_still_count_for_escalation_scope(self):
        # A follow-up overdue in Ajmer is escalated when Bina reads the list, and Zoya's
        # reading of hers touches nothing of Ajmer.
        FollowUp.objects.update(
            due_on=timezone.localdate() - datetime.timedelta(days=1)
        )
        self.client.force_login(self.w.zoya)
        self.client.get(reverse("outreach:followup-list"))
        self.assertIsNone(FollowUp.objects.get().escalated_at)
        self.client.force_login(self.w.bina)
        self.client.get(reverse("outreach:followup-list"))
        self.assertEqual(FollowUp.objects.get().escalated_to, self.w.block_north)
