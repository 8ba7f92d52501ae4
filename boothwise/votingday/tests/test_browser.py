"""The marking page in headless Chromium on a phone: typed serials show their names at
once, marks wait offline (surviving a reload) and reach the server exactly once."""

from __future__ import annotations

import os
import time
import unittest

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.urls import reverse

from boothwise.core.browser import chromium, chromium_path, set_offline
from boothwise.outreach.tests.helpers import load_roll
from boothwise.rolls.models import Voter
from boothwise.test import PASSWORD, build_world
from boothwise.votingday.models import VotedMark

_REQUIRED = os.environ.get("BOOTHWISE_REQUIRE_BROWSER") == "True"
PENDING = "() => document.querySelector('#vd-sync').dataset.pending === '%s'"


@unittest.skipIf(
    chromium_path() is None and not _REQUIRED,
    "Chromium is not installed (apt-get install chromium); CI requires it",
)
class MarkingPageBrowserTests(StaticLiveServerTestCase):
    # The AC/PC master data comes from a data migration; keep it across the flush.
    serialized_rollback = True

    def setUp(self):
        self.w = build_world()
        load_roll(self.w.arun)
        self.part = self.w.booth_100_1.part
        self.url = self.live_server_url + reverse("votingday:mark", args=[self.part.pk])

    def wait_for(self, page, script, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if page.evaluate(script):
                return
            time.sleep(0.2)
        self.fail(f"timed out waiting for: {script}")

    def type_entry(self, page, text):
        page.fill("#id_text", text)
        page.keyboard.press("Enter")

    def test_typed_serials_show_names_and_offline_marks_sync_exactly_once(self):
        names = dict(
            Voter.objects.filter(part=self.part).values_list("serial_no", "name")
        )
        with chromium() as browser:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto(self.live_server_url + reverse("accounts:login"))
            page.fill("#id_username", "chetan")
            page.fill("#id_password", PASSWORD)
            page.locator("form.stack button[type=submit]").click()
            page.wait_for_load_state()

            page.goto(self.url)
            self.wait_for(page, PENDING % "0")
            self.type_entry(page, "12 15 16 30-32")
            self.wait_for(
                page, "() => document.querySelectorAll('#vd-recent li').length === 6"
            )
            recent = page.inner_text("#vd-recent")
            for serial in (12, 15, 16, 30, 31, 32):
                self.assertIn(names[serial], recent)
            self.wait_for(page, PENDING % "0")
            self.assertEqual(VotedMark.objects.count(), 6)

            # A serial not on the booth's roll is refused on the spot.
            self.type_entry(page, "900")
            self.wait_for(page, "() => !document.querySelector('#vd-message').hidden")
            self.assertIn("900", page.inner_text("#vd-message"))

            # The page is kept by the service worker for when the network is gone.
            self.wait_for(
                page,
                """() => navigator.serviceWorker.controller !== null &&
                   caches.open('bw-votingday-pages-v1').then(c => c.keys())
                     .then(keys => keys.length >= 1)""",
            )
            set_offline(context, True)
            page.reload()
            page.wait_for_selector("#vd-form")
            self.type_entry(page, "1-3")
            self.wait_for(page, PENDING % "3")
            self.assertIn(names[2], page.inner_text("#vd-recent"))
            self.assertIn("3", page.inner_text("#vd-sync-text"))
            page.reload()  # the outbox is in IndexedDB, not in memory
            page.wait_for_selector("#vd-form")
            self.wait_for(page, PENDING % "3")
            self.assertEqual(VotedMark.objects.count(), 6)

            set_offline(context, False)
            page.evaluate("() => window.dispatchEvent(new Event('online'))")
            self.wait_for(page, PENDING % "0")
            page.goto("about:blank")  # stop the page's timers before the server goes
            context.close()

        marks = VotedMark.objects.order_by("serial_no")
        self.assertEqual(
            [m.serial_no for m in marks], [1, 2, 3, 12, 15, 16, 30, 31, 32]
        )
        self.assertEqual({m.by for m in marks}, {self.w.chetan})
        self.assertEqual(len({m.device for m in marks}), 1)
