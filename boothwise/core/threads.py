"""Work a web process hands to a background thread (a roll import, a war-room check)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def in_thread(target: Callable[[], None], name: str) -> None:
    """Run `target` in a daemon thread that closes its own database connections at
    the end (the starting request's stay open)."""

    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    threading.Thread(target=run, name=name, daemon=True).start()
