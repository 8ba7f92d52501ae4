"""The service worker that keeps one kind of page usable offline (walk list, marking).

Each app serves it at its own root (so its scope covers the app's pages) through
:func:`service_worker_response`, which renders ``templates/offline_sw.js``: the static
files the page needs (cache-first, named by their current URLs, so a new deployment
refreshes them), the app's pages matching ``page_suffix`` (network-first, the saved copy
when offline), and optionally the app's API GET answers (network-first). Records
themselves wait in the IndexedDB outbox (``static/js/outbox.js``), never in the cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse

SW_VERSION = "1"


def service_worker_response(
    request: HttpRequest,
    *,
    name: str,
    scope: str,
    assets: Sequence[str],
    page_cache: str,
    page_suffix: str,
    api_prefix: str = "",
) -> HttpResponse:
    """The rendered service worker for app ``name`` serving pages under ``scope``.

    ``page_suffix`` is the last path segment of the offline page (``walk`` for
    ``…/parts/12/walk/``); ``api_prefix`` (no trailing slash), when given, also keeps
    the app's API GET answers.
    """
    urls = [static(path) for path in assets]
    version = hashlib.sha256(json.dumps([SW_VERSION, urls]).encode()).hexdigest()[:12]
    response = render(
        request,
        "offline_sw.js",
        {
            "name": name,
            "assets_json": json.dumps(urls),
            "version": version,
            "page_cache": page_cache,
            "page_suffix": page_suffix,
            "api_prefix": api_prefix,
            "logout": reverse("accounts:logout"),
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response
