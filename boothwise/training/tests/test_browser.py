"""The check-in desk in a real browser, on a phone-sized screen: type a name, tap once,
see the check-in recorded."""

from __future__ import annotations

import datetime
import os
import unittest

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.urls import reverse
from django.utils import timezone

from boothwise.core.browser import chromium, chromium_path
from boothwise.organisation.models import Person
from boothwise.test import PASSWORD, build_world
from boothwise.training import services
from boothwise.training.models import Attendance, Level, Topic

_REQUIRED = os.environ.get("BOOTHWISE_REQUIRE_BROWSER") == "True"
PHONE = {"width": 390, "height": 844}


@unittest.skipIf(
    chromium_path() is None and not _REQUIRED,
    "Chromium is not installed (apt-get install chromium); CI requires it",
)
class CheckInDeskBrowserTests(StaticLiveServerTestCase):
    # The AC/PC master data and the curriculum come from data migrations.
    serialized_rollback = True

    def setUp(self):
        self.w = build_world()
        topics = {t.code: t for t in Topic.objects.all()}
        self.workshop = services.workshop_create(
            by=self.w.asha,
            title="प्रदेश चुनावी कार्यशाला",
            level=Level.STATE,
            unit=self.w.state,
            date=timezone.localdate(),
            venue="जयपुर",
        )
        for code, start in (("election_strategy", 10), ("booth_management", 11)):
            services.session_add(
                by=self.w.asha,
                workshop=self.workshop,
                topic=topics[code],
                starts_at=datetime.time(start),
                ends_at=datetime.time(start, 50),
            )
        for user in (self.w.chetan, self.w.bina):
            services.invitation_add(
                by=self.w.asha,
                workshop=self.workshop,
                person=Person.objects.get(user=user),
            )

    def login(self, page):
        page.goto(self.live_server_url + reverse("accounts:login"))
        page.fill("#id_username", "asha")
        page.fill("#id_password", PASSWORD)
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_load_state()

    def test_find_by_typing_and_check_in_with_one_tap_on_a_phone(self):
        with chromium() as browser:
            page = browser.new_page(viewport=PHONE)
            self.login(page)
            desk = reverse("training:desk", args=[self.workshop.pk])
            page.goto(self.live_server_url + desk)
            # The first session, chosen with one tap on its chip.
            page.locator(".chips.sessions .chip").first.click()
            page.wait_for_load_state()
            # Typed in Latin letters, as on a phone keyboard; the name is Devanagari.
            page.locator("#id_q").press_sequentially("chet", delay=60)
            row = page.locator(".desk-row", has_text="चेतन सांखला")
            row.wait_for(state="visible", timeout=10_000)
            self.assertEqual(page.locator(".desk-row").count(), 1)
            # The page fits the phone: nothing to scroll sideways.
            width = page.evaluate("document.scrollingElement.scrollWidth")
            self.assertLessEqual(width, PHONE["width"])

            row.locator("button.big").click()
            page.locator(".desk-row.in .checked").wait_for(
                state="visible", timeout=10_000
            )
            self.assertIn("आशा शर्मा", page.locator(".desk-row.in").inner_text())
            self.assertIn("1", page.locator("#desk-count").inner_text())

        attendance = Attendance.objects.get()
        self.assertEqual(attendance.person.user, self.w.chetan)
        self.assertEqual(attendance.by, self.w.asha)
        self.assertEqual(attendance.session.topic.code, "election_strategy")

    def test_a_scanned_code_opens_the_desk_on_the_invitee(self):
        code = self.workshop.invitations.get(person__user=self.w.bina).code
        with chromium() as browser:
            page = browser.new_page(viewport=PHONE)
            self.login(page)
            desk = reverse("training:desk", args=[self.workshop.pk])
            page.goto(f"{self.live_server_url}{desk}?q={code}")
            rows = page.locator(".desk-row")
            self.assertEqual(rows.count(), 1)
            self.assertIn("बीना गहलोत", rows.inner_text())
