"""The demo campaign: weeks of visits that the coverage pages and flags can show."""

from __future__ import annotations

import datetime

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from boothwise.accounts.models import User
from boothwise.organisation.demo import demo_plan, demo_seed
from boothwise.organisation.models import Unit
from boothwise.outreach.demo import outreach_demo_seed, outreach_demo_summary
from boothwise.outreach.models import Assignment, FollowUp, Visit
from boothwise.outreach.selectors import coverage, flagged_visits


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class OutreachDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_seed(demo_plan())
        cls.demo = outreach_demo_seed(seed=2014, more_booths=3)

    def test_a_running_campaign_with_visits_over_weeks(self):
        self.assertEqual(self.demo.booths, 4)
        self.assertIn("101/1", self.demo.booth_names)
        self.assertGreater(self.demo.visits, 100)
        days = {
            timezone.localdate(at) for at in Visit.objects.values_list("at", flat=True)
        }
        self.assertGreater(len(days), 15)
        self.assertGreater(max(days) - min(days), datetime.timedelta(days=21))
        self.assertLessEqual(max(days), timezone.localdate())
        self.assertIn("Contact programme", outreach_demo_summary(self.demo))

    def test_the_city_sees_coverage_and_every_kind_of_flag(self):
        city_user = User.objects.get(username="city")
        city = Unit.objects.get(level=Unit.Level.CITY, name="Ajmer city")
        cov = coverage(city_user, self.demo.campaign, city, "en")
        self.assertGreater(cov.total.doors_met, 50)
        self.assertGreater(cov.total.surveyed, 100)
        self.assertTrue(cov.issues)
        self.assertGreater(cov.days[-1][3], 50)
        counts, _rows = flagged_visits(city_user, self.demo.campaign, city)
        self.assertGreater(counts["burst"], 0)
        self.assertGreater(counts["far"], 0)
        self.assertGreater(counts["pasted"], 0)

    def test_follow_ups_closed_open_and_escalated(self):
        statuses = set(FollowUp.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {"open", "closed"})
        self.assertTrue(FollowUp.objects.filter(escalated_to__level=Unit.Level.BLOCK))

    def test_persona_logins_have_work(self):
        page = User.objects.get(username="page")
        self.client.force_login(page)
        response = self.client.get(reverse("outreach:home"))
        self.assertContains(response, "/walk/")
        self.assertTrue(Assignment.objects.filter(worker__user=page, status="active"))
        self.assertTrue(Assignment.objects.filter(status="requested"))

    def test_a_second_run_adds_nothing(self):
        again = outreach_demo_seed(seed=2014, more_booths=3)
        self.assertIsNone(again.campaign)
        self.assertEqual(Visit.objects.count(), self.demo.visits)
