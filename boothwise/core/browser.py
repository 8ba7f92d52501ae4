"""Headless Chromium for page tests and screenshots: Debian's chromium via Playwright.

Playwright's own browser download does not work here (no network), so this always
launches `/usr/bin/chromium` (override with BOOTHWISE_CHROMIUM), with the flags that keep
it from calling home.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    path = os.environ.get("BOOTHWISE_CHROMIUM", "/usr/bin/chromium")
    return path if shutil.which(path) else None


@contextmanager
def chromium() -> Iterator[Any]:
    """Yield a launched Playwright Browser; closed on exit.

    Playwright's sync API runs an event loop, and Django keeps a separate database
    connection for code run inside it (a test's ORM calls between page steps): those
    are closed on exit too, or they would outlive the test.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


def _cut_off(route: Any) -> None:
    route.abort("internetdisconnected")


def set_offline(context: Any, offline: bool) -> None:
    """Take a browser context off the network, or put it back.

    Playwright's offline switch does not reach every request of a page that a service
    worker controls (microsoft/playwright#2311), so the page's API calls are also cut
    off by a route while offline.
    """
    if offline:
        context.route("**/api/**", _cut_off)
    else:
        context.unroute("**/api/**", _cut_off)
    context.set_offline(offline)
