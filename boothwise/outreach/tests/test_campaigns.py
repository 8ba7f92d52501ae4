"""Leaders create campaigns and change surveys; others may not."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from boothwise.core.models import AuditEvent
from boothwise.outreach.models import Campaign, Question
from boothwise.outreach.tests.helpers import OutreachTestCase


class CampaignPagesTests(OutreachTestCase):
    def form(self, **overrides):
        today = timezone.localdate()
        data = {
            "name": "Booth chalo",
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=10)).isoformat(),
            "units": [self.w.block_north.pk],
            "talking_points_hi": "नमस्ते",
            "talking_points_en": "Hello",
            "issues": "water | पानी | Water\nroads | सड़क | Roads",
            "followup_days": 5,
        }
        data.update(overrides)
        return data

    def test_a_block_president_creates_a_campaign_over_her_block(self):
        self.client.force_login(self.w.bina)
        response = self.client.post(reverse("outreach:campaign-create"), self.form())
        campaign = Campaign.objects.get(name="Booth chalo")
        self.assertRedirects(
            response, reverse("outreach:campaign-detail", args=[campaign.pk])
        )
        self.assertEqual(list(campaign.units.all()), [self.w.block_north])
        question = Question.objects.get(version__campaign=campaign, kind="issues")
        self.assertEqual([c["code"] for c in question.choices], ["water", "roads"])
        self.assertTrue(
            AuditEvent.objects.filter(
                verb="outreach.campaign.create", actor=self.w.bina
            )
        )

    def test_units_outside_the_leaders_area_cannot_be_chosen(self):
        self.client.force_login(self.w.bina)
        response = self.client.post(
            reverse("outreach:campaign-create"), self.form(units=[self.w.jaipur.pk])
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Campaign.objects.filter(name="Booth chalo").exists())

    def test_booth_workers_and_outsiders_cannot_create_campaigns(self):
        for persona, expected in [
            (self.w.chetan, 403),
            (self.w.pooja, 403),
            (self.w.nobody, 403),
            (self.w.dev, 200),
            (self.w.zoya, 200),  # her own district, of course
        ]:
            with self.subTest(persona=persona.username):
                self.client.force_login(persona)
                response = self.client.get(reverse("outreach:campaign-create"))
                self.assertEqual(response.status_code, expected)

    def test_bad_issue_lines_are_explained(self):
        self.client.force_login(self.w.bina)
        response = self.client.post(
            reverse("outreach:campaign-create"), self.form(issues="Water only")
        )
        self.assertContains(response, "Line 1: write")

    def test_changing_the_survey_makes_a_new_version(self):
        url = reverse("outreach:survey-edit", args=[self.campaign.pk])
        self.client.force_login(self.w.chetan)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.w.dev)
        response = self.client.post(
            url, {"kinds": ["support", "issues"], "issues": "jobs | रोज़गार | Jobs"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.campaign.versions.count(), 2)
        latest = self.campaign.versions.get(number=2)
        self.assertEqual(
            sorted(latest.questions.values_list("kind", flat=True)),
            ["issues", "support"],
        )

    def test_campaign_page_renders_in_hindi_by_default(self):
        self.hindi_by_default()
        self.client.force_login(self.w.chetan)
        url = reverse("outreach:campaign-detail", args=[self.campaign.pk])
        response = self.client.get(url)
        self.assertContains(response, "हर घर तक पहुँचें।")
        self.assertContains(response, 'lang="hi"')
        self.assertEqual(self.client.get(reverse("outreach:home")).status_code, 200)


class CampaignApiTests(OutreachTestCase):
    def test_campaign_list_and_detail_shapes(self):
        listing = self.api_get("/campaigns", "pooja").json()
        self.assertEqual(listing["count"], 1)
        self.assertEqual(
            set(listing["items"][0]),
            {"id", "name", "starts_on", "ends_on", "running", "unit_ids"},
        )
        self.assertIs(listing["items"][0]["running"], True)
        detail = self.api_get(f"/campaigns/{self.campaign.pk}", "pooja").json()
        self.assertEqual(detail["talking_points_en"], "Reach every home.")
        survey = detail["survey"]
        self.assertEqual(survey["number"], 1)
        self.assertEqual(
            [q["kind"] for q in survey["questions"]],
            ["support", "issues", "come_back", "roll_correction", "new_voter"],
        )
        issues = survey["questions"][1]
        self.assertIs(issues["per_elector"], False)
        self.assertEqual(
            issues["choices"][0], {"code": "water", "hi": "पानी", "en": "Water"}
        )

    def test_walk_lists_of_a_page_incharge(self):
        lists = self.api_get(f"/campaigns/{self.campaign.pk}/walklists", "pooja").json()
        self.assertEqual([w["part"]["id"] for w in lists], [self.part.pk])
        self.assertEqual(lists[0]["part"]["booth_id"], self.w.booth_100_1.pk)
