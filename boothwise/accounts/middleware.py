"""Choose the interface language: the user's choice, else the cookie, else Hindi.

Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language on purpose:
field phones in India are very often set to English while their users read Hindi, and
DESIGN.md makes Hindi the default with English one tap away. API clients (/api/) are
the exception: their Accept-Language header is honoured.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_for(request: HttpRequest) -> str:
    supported = {code for code, _ in settings.LANGUAGES}
    chosen = getattr(request.user, "language", "") if hasattr(request, "user") else ""
    if chosen in supported:
        return str(chosen)
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in supported:
        return cookie
    if request.path.startswith("/api/"):
        # An API client states its language explicitly, and gets it.
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        request.LANGUAGE_CODE = language
        # override() restores the thread's language afterwards, so one request's choice
        # never leaks into the next piece of work on the same thread.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
