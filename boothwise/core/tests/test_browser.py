"""Real-browser tests: headless Chromium drives the pages a booth in-charge uses."""

from __future__ import annotations

import os
import unittest

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.urls import reverse

from boothwise.core.browser import chromium, chromium_path
from boothwise.test import PASSWORD, build_world

_REQUIRED = os.environ.get("BOOTHWISE_REQUIRE_BROWSER") == "True"


@unittest.skipIf(
    chromium_path() is None and not _REQUIRED,
    "Chromium is not installed (apt-get install chromium); CI requires it",
)
class BoothInChargeBrowserTests(StaticLiveServerTestCase):
    # The AC/PC master data comes from a data migration; keep it across the flush.
    serialized_rollback = True

    def setUp(self):
        self.w = build_world()

    def test_booth_incharge_sees_own_booth_not_another_and_switches_language(self):
        w = self.w
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(self.live_server_url + reverse("accounts:login"))
            # Hindi is the default language.
            self.assertEqual(page.locator("html").get_attribute("lang"), "hi")
            page.fill("#id_username", "chetan")
            page.fill("#id_password", PASSWORD)
            page.locator("form.stack button[type=submit]").click()
            page.wait_for_load_state()

            own = reverse("organisation:booth-detail", args=[w.booth_100_1.id])
            response = page.goto(self.live_server_url + own)
            self.assertEqual(response.status, 200)
            self.assertIn("Govt School Makarwali", page.content())

            other = reverse("organisation:booth-detail", args=[w.booth_101_1.id])
            response = page.goto(self.live_server_url + other)
            self.assertEqual(response.status, 404)
            self.assertNotIn("Adarsh Nagar School", page.content())

            page.goto(self.live_server_url + own)
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state()
            self.assertEqual(page.locator("html").get_attribute("lang"), "en")
            # The choice is remembered on the user, across a new session.
            w.chetan.refresh_from_db()
            self.assertEqual(w.chetan.language, "en")
            page.context.clear_cookies()
            page.goto(self.live_server_url + reverse("accounts:login"))
            page.fill("#id_username", "chetan")
            page.fill("#id_password", PASSWORD)
            page.locator("form.stack button[type=submit]").click()
            page.wait_for_load_state()
            self.assertEqual(page.locator("html").get_attribute("lang"), "en")
