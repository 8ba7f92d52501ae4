"""Test settings shared by every test: no network, no surprises."""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
