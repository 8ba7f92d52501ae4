"""The offline walk list in a real browser: headless Chromium goes offline, records
visits, reloads, comes back online, and the server has each visit exactly once."""

from __future__ import annotations

import datetime
import os
import time
import unittest

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.urls import reverse
from django.utils import timezone

from boothwise.core.browser import chromium, chromium_path, set_offline
from boothwise.outreach.models import Answer, Visit
from boothwise.outreach.services import campaign_create
from boothwise.outreach.tests.helpers import load_roll
from boothwise.test import PASSWORD, build_world

_REQUIRED = os.environ.get("BOOTHWISE_REQUIRE_BROWSER") == "True"


@unittest.skipIf(
    chromium_path() is None and not _REQUIRED,
    "Chromium is not installed (apt-get install chromium); CI requires it",
)
class OfflineWalkListBrowserTests(StaticLiveServerTestCase):
    # The AC/PC master data comes from a data migration; keep it across the flush.
    serialized_rollback = True

    def setUp(self):
        self.w = build_world()
        load_roll(self.w.arun)
        today = timezone.localdate()
        self.campaign = campaign_create(
            by=self.w.dev,
            name="संपर्क",
            starts_on=today - datetime.timedelta(days=3),
            ends_on=today + datetime.timedelta(days=3),
            units=[self.w.ajmer_city],
        )
        self.walk_url = self.live_server_url + reverse(
            "outreach:walk", args=[self.campaign.pk, self.w.booth_100_1.part_id]
        )

    def wait_for(self, page, script, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if page.evaluate(script):
                return
            time.sleep(0.2)
        self.fail(f"timed out waiting for: {script}")

    def pending(self, page):
        return page.get_attribute("#ow-sync", "data-pending")

    def record(self, page, outcome, level=None):
        page.locator(f".ow-outcomes .ow-choice[data-value='{outcome}']").click()
        if level is not None:
            page.locator(f".ow-elector .ow-choice[data-value='{level}']").first.click()
        page.locator(".ow-save").click()

    def test_visits_recorded_offline_survive_a_reload_and_sync_exactly_once(self):
        with chromium() as browser:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto(self.live_server_url + reverse("accounts:login"))
            page.fill("#id_username", "pooja")
            page.fill("#id_password", PASSWORD)
            page.locator("form.stack button[type=submit]").click()
            page.wait_for_load_state()

            # First visit online: the service worker saves the page and the walk list.
            page.goto(self.walk_url)
            page.wait_for_selector(".ow-doorform")
            self.wait_for(
                page,
                """() => navigator.serviceWorker.controller !== null &&
                   caches.open('bw-outreach-pages-v1').then(c => c.keys())
                     .then(keys => keys.length >= 2)""",
            )

            set_offline(context, True)
            page.reload()
            page.wait_for_selector(".ow-doorform")
            self.assertIs(page.is_visible("#ow-offline"), True)
            self.assertIn("सीमा सांखला", page.inner_text("#ow-door"))  # serial 1

            self.record(page, "met", level=4)
            self.wait_for(
                page, "() => document.querySelector('#ow-sync').dataset.pending === '1'"
            )
            self.record(page, "not_home")
            self.record(page, "refused")
            self.wait_for(
                page, "() => document.querySelector('#ow-sync').dataset.pending === '3'"
            )
            self.assertIn("3", page.inner_text("#ow-sync-text"))

            # Reload while still offline: the outbox is in IndexedDB, not in memory.
            page.reload()
            page.wait_for_selector(".ow-doorform")
            self.wait_for(
                page, "() => document.querySelector('#ow-sync').dataset.pending === '3'"
            )
            self.assertEqual(Visit.objects.count(), 0)

            # The network returns: the outbox empties by itself.
            set_offline(context, False)
            self.wait_for(
                page, "() => document.querySelector('#ow-sync').dataset.pending === '0'"
            )
            # The button sends again; the server must not take anything twice.
            page.locator("#ow-sync-btn").click()
            page.reload()
            page.wait_for_selector(".ow-doorform")
            self.wait_for(
                page, "() => document.querySelector('#ow-sync').dataset.pending === '0'"
            )
            # Stop the page's timers before the live server goes away.
            page.goto("about:blank")
            context.close()

        visits = list(Visit.objects.order_by("serial_no"))
        self.assertEqual(
            [(v.serial_no, v.outcome) for v in visits],
            [(1, "met"), (4, "not_home"), (6, "refused")],
        )
        self.assertEqual(len({v.client_uuid for v in visits}), 3)
        self.assertEqual({v.by for v in visits}, {self.w.pooja})
        self.assertEqual(
            list(Answer.objects.values_list("serial_no", "value")), [(1, 4)]
        )
