"""Coverage counts what happened, within the viewer's scope, and the pages stay cheap."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from boothwise.core.models import AuditEvent
from boothwise.outreach.tests.helpers import OutreachTestCase


def support(serial, level):
    return {"serial_no": serial, "kind": "support", "value": level}


class CoverageTests(OutreachTestCase):
    def setUp(self):
        super().setUp()
        yesterday = timezone.now() - datetime.timedelta(days=1)
        self.sync(
            "chetan",
            self.item(
                1,
                answers=[
                    support(1, 5),
                    support(2, 4),
                    {"serial_no": 1, "kind": "issues", "value": ["water", "roads"]},
                ],
                at=yesterday,
            ),
            self.item(4, "not_home", at=yesterday),
            self.item(4, answers=[support(4, 2)]),  # the revisit met them
            self.item(7, "refused"),
            self.item(
                31,
                answers=[
                    support(31, 1),
                    {"serial_no": 31, "kind": "issues", "value": ["water"]},
                ],
            ),
        )
        # A later answer for elector 1 replaces the earlier one in the counts.
        self.sync("chetan", self.item(1, answers=[support(1, 3)]))

    def coverage(self, persona, unit):
        response = self.api_get(
            f"/campaigns/{self.campaign.pk}/coverage", persona, unit=unit.pk
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_booth_totals(self):
        total = self.coverage("chetan", self.w.booth_100_1)["total"]
        self.assertEqual(total["doors"], 15)  # 14 doors in serials 1–30, one beyond
        self.assertEqual(total["electors"], 32)
        self.assertEqual(total["visits"], 6)
        self.assertEqual(total["doors_visited"], 4)
        self.assertEqual(total["doors_met"], 3)  # doors 1, 4 and 31
        self.assertEqual(total["electors_reached"], 3 + 2 + 2)
        self.assertEqual(total["support"], {"1": 1, "2": 1, "3": 1, "4": 1, "5": 0})

    def test_city_rows_roll_up_by_block_and_issues_count_households(self):
        cov = self.coverage("dev", self.w.ajmer_city)
        rows = {r["name"]: r["tally"]["doors_met"] for r in cov["rows"]}
        self.assertEqual(rows, {"Ajmer North 1": 3, "Ajmer South 2": 0})
        issues = {i["code"]: i["households"] for i in cov["issues"]}
        self.assertEqual(issues, {"water": 2, "roads": 1})
        self.assertEqual(cov["days"][-1]["doors_met_to_date"], 3)
        self.assertEqual(sum(d["visits"] for d in cov["days"]), 6)

    def test_the_campaign_page_has_the_chart_and_a_fixed_number_of_queries(self):
        self.client.force_login(self.w.dev)
        url = reverse("outreach:campaign-detail", args=[self.campaign.pk])
        url += f"?unit={self.w.ajmer_city.pk}"
        self.client.get(url)  # warm the session
        with self.assertNumQueries(26):
            response = self.client.get(url)
        self.assertContains(response, "<svg")
        self.assertContains(response, "<polyline")
        self.assertContains(response, "Ajmer North 1")

    def test_booth_page_shows_pages_and_links_the_pdf(self):
        self.client.force_login(self.w.chetan)
        response = self.client.get(
            reverse("outreach:booth-work", args=[self.campaign.pk, self.part.pk])
        )
        self.assertContains(response, "1–30")
        self.assertContains(response, "31–60")
        self.assertContains(response, "walk.pdf?page=2")

    def test_door_history_keeps_every_visit(self):
        self.client.force_login(self.w.chetan)
        response = self.client.get(
            reverse("outreach:door-detail", args=[self.campaign.pk, self.part.pk, 1])
        )
        self.assertContains(response, "Support level (1–5): 5")
        self.assertContains(response, "Support level (1–5): 3")
        self.assertContains(response, "Issues raised: Roads, Water")

    def test_flag_page_lists_pasted_answers(self):
        items = [
            self.item(d, answers=[support(d, 5), support(d + 1, 5)], notes="सब ठीक")
            for d in (11, 13, 15, 17)
        ]
        self.sync("chetan", *items)
        self.client.force_login(self.w.bina)
        response = self.client.get(
            reverse("outreach:flags", args=[self.campaign.pk])
            + f"?unit={self.w.block_north.pk}"
        )
        self.assertEqual(response.context["counts"]["pasted"], 4)
        self.assertContains(response, "same answers")

    def test_csv_export_is_audited_and_scoped(self):
        self.client.force_login(self.w.bina)
        url = reverse("outreach:export-csv", args=[self.campaign.pk])
        response = self.client.get(url + f"?unit={self.w.block_north.pk}")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        body = response.content.decode("utf-8-sig")
        lines = body.strip().splitlines()
        self.assertEqual(
            lines[0], "ac_no,part_no,serial_no,name,question,answer,at,worker"
        )
        self.assertEqual(
            len(lines), 1 + 6
        )  # latest answers: 1,2,4,31 support; 2 issues
        event = AuditEvent.objects.get(verb="outreach.export.answers_csv")
        self.assertEqual((event.actor, event.data["rows"]), (self.w.bina, 6))

    def test_walk_list_pdf_is_audited(self):
        self.client.force_login(self.w.pooja)
        url = reverse("outreach:walk-pdf", args=[self.campaign.pk, self.part.pk])
        response = self.client.get(url + "?page=1")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        event = AuditEvent.objects.get(verb="outreach.export.walk_pdf")
        self.assertEqual(
            (event.actor, event.part_id, event.data["rows"]),
            (self.w.pooja, self.part.pk, 30),
        )
        # Page 2 (serials 31–60) is outside her page: nothing to print for her.
        self.assertEqual(self.client.get(url + "?page=2").status_code, 404)
