"""A real browser on a phone-sized screen: upload a roll, watch the progress bar fill and
the report appear, then find an elector of that Devanagari roll by typing Latin letters.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Any
from unittest import mock

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from django.urls import reverse

from boothwise.core.browser import chromium, chromium_path
from boothwise.rolls import jobs
from boothwise.rolls.importer import roll_import
from boothwise.rolls.models import RollImport
from boothwise.rolls.tests.test_importer import csv_bytes
from boothwise.rolls.tests.test_views import roll_lines
from boothwise.test import PASSWORD, build_world

_REQUIRED = os.environ.get("BOOTHWISE_REQUIRE_BROWSER") == "True"
PHONE = {"width": 390, "height": 844}


#: Set by the test once it has seen the bar; until then the import waits after its
#: first batch, so the bar is on screen whatever the machine's speed.
BAR_SEEN = threading.Event()


def slow_import(**kwargs: Any) -> RollImport:
    """The real import in small batches, waiting after the first one until the test has
    seen the bar and pausing after each, so that the bar moves; it runs in the real
    background thread."""

    def progress(done: int, total: int) -> None:
        BAR_SEEN.wait(timeout=20)
        time.sleep(0.3)

    kwargs["batch_size"] = 8
    return roll_import(**kwargs, progress=progress)


@unittest.skipIf(
    chromium_path() is None and not _REQUIRED,
    "Chromium is not installed (apt-get install chromium); CI requires it",
)
class RollBrowserTests(StaticLiveServerTestCase):
    # The AC/PC master data comes from a data migration; keep it across the flush.
    serialized_rollback = True

    def setUp(self):
        BAR_SEEN.clear()
        self.addCleanup(BAR_SEEN.set)  # never leave an import waiting
        self.w = build_world()
        data_dir = tempfile.mkdtemp(prefix="bw-rollsui-")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        self.enterContext(override_settings(DATA_DIR=Path(data_dir)))
        self.roll = Path(data_dir) / "part1.csv"
        self.roll.write_bytes(csv_bytes(*roll_lines(count=40)))

    def log_in(self, page, username: str) -> None:
        page.goto(self.live_server_url + reverse("accounts:login"))
        page.get_by_role("button", name="English").click()
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_load_state()

    def test_upload_watch_the_bar_and_find_a_voter_in_latin_letters(self):
        polls: list[str] = []
        with chromium() as browser:
            page = browser.new_page(viewport=PHONE)
            page.on(
                "request",
                lambda r: polls.append(r.url) if r.headers.get("hx-request") else None,
            )
            self.log_in(page, "arun")

            page.goto(self.live_server_url + reverse("rolls:import-upload"))
            page.set_input_files("#id_file", str(self.roll))
            with mock.patch.object(jobs, "roll_import", slow_import):
                page.locator("form.stack button[type=submit]").click()
                page.wait_for_load_state()
                # The page shows at once, with the bar, while the thread imports.
                bar = page.locator("#import-progress")
                self.assertTrue(bar.is_visible())
                self.assertIn("Importing", page.content())
                BAR_SEEN.set()
                # Polling swaps in the report when the import is done.
                page.wait_for_selector("#import-counts", timeout=30_000)
            self.assertGreater(len(polls), 1)
            self.assertFalse(page.locator("#import-progress").is_visible())
            counts = page.locator("#import-counts").inner_text()
            self.assertIn("40", counts)
            self.assertIn("new electors", counts)
            ri = RollImport.objects.get(file_name="part1.csv")
            self.assertEqual((ri.status, ri.created), (RollImport.Status.DONE, 40))
            # Polling stopped with the report: no more requests come.
            seen = len(polls)
            page.wait_for_timeout(1_500)
            self.assertEqual(len(polls), seen)

            page.goto(self.live_server_url + reverse("rolls:voter-search"))
            page.locator("#id_q").press_sequentially("rakes sankla", delay=40)
            first = page.locator("#results li").first
            first.wait_for(timeout=10_000)
            page.wait_for_function(
                "document.querySelector('#results').innerText.includes('राकेश सांखला')",
                timeout=10_000,
            )
            self.assertIn("राकेश सांखला", first.inner_text())
            self.assertIn("Rakesh Sankhla", first.inner_text())
            self.assertIn("q=rakes", page.url)  # the address follows the search
            first.locator("a.vname").click()
            page.wait_for_load_state()
            self.assertIn("ABC1234501", page.content())
