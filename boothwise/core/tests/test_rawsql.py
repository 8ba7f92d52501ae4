"""Hand-written hot-path SQL (core/rawsql.py): prepared statements whose first read of
a request stands in for Django's health check of a kept connection."""

from __future__ import annotations

from unittest import skipUnless

import psycopg
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from boothwise.accounts.models import User
from boothwise.accounts.tokens import api_token_create, api_token_find


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@skipUnless(connection.vendor == "postgresql", "prepared statements are PostgreSQL's")
class FirstReadOfRequestTests(TransactionTestCase):
    # Put the database back as it was (content types and all) for the browser tests.
    serialized_rollback = True

    def setUp(self) -> None:
        user = User.objects.create_user(username="agent", password=None)
        self.key = api_token_create(user=user, name="phone")[1]
        self.assertTrue(connection.health_check_enabled)

    def kill_own_backend(self) -> int:
        """Terminate this test's database session from outside, as a restart of
        PostgreSQL would, and start a new request on the dead kept connection."""
        pid = backend_pid()
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        connection.health_check_done = False
        return pid

    def test_a_token_is_found_on_a_new_connection_when_the_kept_one_died(self):
        self.assertIsNotNone(api_token_find(self.key))
        dead = self.kill_own_backend()
        token = api_token_find(self.key)
        self.assertIsNotNone(token)
        self.assertEqual(token.user.username, "agent")
        self.assertNotEqual(backend_pid(), dead)

    def test_a_live_kept_connection_is_used_as_it_is(self):
        pid = backend_pid()
        connection.health_check_done = False
        self.assertIsNotNone(api_token_find(self.key))
        self.assertTrue(connection.health_check_done)
        self.assertEqual(backend_pid(), pid)
        self.assertEqual(settings.DATABASES["default"]["CONN_HEALTH_CHECKS"], True)
