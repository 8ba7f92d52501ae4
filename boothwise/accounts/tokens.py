"""API tokens: create one (the plain key is shown once), find its user, revoke it.

Only the SHA-256 of a key is stored, so a leaked database does not leak usable keys.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from boothwise.accounts.access import (
    current_posts_params,
    current_posts_select,
    keep_current_posts,
)
from boothwise.accounts.models import ApiToken, User
from boothwise.core.audit import audit_record
from boothwise.core.rawsql import JoinedSelect

# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
# Enough of the key to tell tokens apart in a list ("bw_Xy1…"); ApiToken.prefix holds 8.
PREFIX_LENGTH = 8
# Every API request starts here: the token, its user and the user's current posts (for
# the access layer) come in one prepared statement, which also stands in for the health
# check of a kept connection (core/rawsql.py).
_BY_HASH = JoinedSelect(
    ApiToken,
    ["user"],
    "t.key_hash = %s",
    children=current_posts_select("t.user_id", alias="p"),
)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a new token for `user`; returns it with the plain key, which is not kept."""
    key = ApiToken.new_key()
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=key[:PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=user,
        verb="api_token.create",
        obj=token,
        data={"name": token.name, "prefix": token.prefix},
    )
    return token, key


def api_token_find(key: str) -> ApiToken | None:
    """The token for `key` if its user is active, else None. Notes when it was used."""
    if not key:
        return None
    found = _BY_HASH.fetch_with(
        [*current_posts_params(), ApiToken.hash_key(key)], first_of_request=True
    )
    if not found or not found[0][0].user.is_active:
        return None
    token, posts = found[0]
    keep_current_posts(token.user, posts)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    return token


def api_token_user(key: str) -> User | None:
    """The active user that `key` belongs to, or None for an unknown or revoked key."""
    token = api_token_find(key)
    return token.user if token is not None else None


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User | None = None) -> None:
    """Delete `token`; requests that present its key are refused from now on."""
    audit_record(
        actor=by if by is not None else token.user,
        verb="api_token.revoke",
        obj=token,
        data={"name": token.name, "prefix": token.prefix},
    )
    token.delete()
