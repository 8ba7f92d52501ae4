"""API authentication: bearer tokens (`Authorization: Bearer <key>`) everywhere, and
the browser session with Django's CSRF check for the routers that offline pages call
(outreach, voting day)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer, SessionAuth

from boothwise.accounts.models import ApiToken, User
from boothwise.accounts.tokens import api_token_find


class TokenAuth(HttpBearer):
    """Accept a key made by `api_token_create`; `request.auth` becomes its ApiToken."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        # HttpBearer.__call__ logs a malformed header in full under DEBUG; a header
        # that carries a key must never reach a log.
        scheme, _, key = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_find(token)
        if api_token is None:
            return None
        request.user = api_token.user
        # The session middleware picked the language before the user was known.
        if api_token.user.language:
            translation.activate(api_token.user.language)
            request.LANGUAGE_CODE = api_token.user.language
        return api_token


class SessionCsrfAuth(SessionAuth):
    """The signed-in browser session, with Django's CSRF check on writes."""

    def __call__(self, request: HttpRequest) -> User | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        result = super().__call__(request)
        return result if isinstance(result, User) and result.is_active else None


def request_token(request: HttpRequest) -> ApiToken:
    """The token the request was authenticated with (only on authenticated endpoints)."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise TypeError("request_token() needs an endpoint that requires a token")
    return token


def request_user(request: HttpRequest) -> User:
    """The caller: the token's user, or the session's user under SessionCsrfAuth."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, User):
        return auth
    return request_token(request).user
