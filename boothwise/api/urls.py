"""URLs of API v1, mounted at /api/v1/ by boothwise/urls.py.

The API authenticates each request with its own bearer token, so its views are
exempt from LoginRequiredMiddleware (which would redirect to the login page).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _

from boothwise.api.api import api

_patterns, _namespace, app_name = api.urls


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown API paths answer in JSON too, not with the HTML error page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


def _root_in_json(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    # ninja reverses "api-root" to find its own prefix, so the name must stay.
    if isinstance(pattern, URLPattern) and pattern.name == "api-root":
        return path("", not_found, name="api-root")
    return pattern


def _exempt_from_login(patterns: list[URLPattern | URLResolver]) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt_from_login(pattern.url_patterns)
        else:
            pattern.callback.login_required = False  # type: ignore[attr-defined]


urlpatterns = [*map(_root_in_json, _patterns), re_path(r"^(?P<path>.*)$", not_found)]
_exempt_from_login(urlpatterns)
