"""Shared by the page tests: a faster persona world and the access-matrix runner."""

from __future__ import annotations

from django.test import TestCase, override_settings

from boothwise.accounts.models import User
from boothwise.test import BaseTestCase


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class PagesTestCase(BaseTestCase):
    """The persona world, built without slow password hashing (pages use force_login)."""


PERSONAS = ("asha", "dev", "arun", "bina", "chetan", "pooja", "zoya", "nobody")


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected status per persona: `default` for all but those named."""
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, unknown
    return {name: overrides.get(name, default) for name in PERSONAS}


def assert_matrix(
    case: TestCase,
    personas: dict[str, User],
    url: str,
    expected: dict[str, int],
) -> None:
    for name in PERSONAS:
        with case.subTest(url=url, persona=name):
            case.client.force_login(personas[name])
            response = case.client.get(url)
            case.assertEqual(response.status_code, expected[name])
    case.client.logout()
    with case.subTest(url=url, persona="anonymous"):
        response = case.client.get(url)
        case.assertEqual(response.status_code, 302)
        case.assertIn("/accounts/login/", response["Location"])
