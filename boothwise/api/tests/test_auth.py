"""Tokens: made from a password, required everywhere else, revocable, never stored."""

from __future__ import annotations

import datetime
import hashlib
import io

from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from boothwise.accounts.models import ApiToken
from boothwise.accounts.tokens import api_token_create, api_token_user
from boothwise.api.tests.base import API, ApiTestCase
from boothwise.core.models import AuditEvent
from boothwise.test import PASSWORD

ENDPOINTS = [
    ("get", "/me"),
    ("get", "/units"),
    ("get", "/units/1"),
    ("get", "/booths"),
    ("get", "/booths/1"),
    ("get", "/people"),
    ("get", "/people/1"),
    ("get", "/posts"),
    ("post", "/posts"),
    ("post", "/posts/1/relieve"),
    ("get", "/acs"),
    ("get", "/acs/1"),
    ("delete", "/auth/token"),
]


class TokenCreateTests(ApiTestCase):
    def test_password_gives_a_token_that_works(self):
        response = self.post(
            "/auth/token",
            None,
            {"username": "asha", "password": PASSWORD, "name": "laptop"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(set(body), {"token", "name"})
        self.assertEqual(body["name"], "laptop")
        me = self.client.get(API + "/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
        self.assertEqual(me.json()["username"], "asha")

    def test_only_a_hash_of_the_key_is_stored(self):
        token, key = api_token_create(user=self.w.bina, name="phone")
        self.assertEqual(token.key_hash, hashlib.sha256(key.encode()).hexdigest())
        self.assertEqual(token.prefix, key[:8])
        self.assertFalse(ApiToken.objects.filter(key_hash=key).exists())
        self.assertTrue(
            AuditEvent.objects.filter(
                verb="api_token.create", actor=self.w.bina
            ).exists()
        )

    def test_wrong_password_is_401_with_a_message(self):
        for username, password in [("asha", "wrong"), ("nosuchuser", PASSWORD)]:
            with self.subTest(username=username):
                response = self.post(
                    "/auth/token", None, {"username": username, "password": password}
                )
                self.assertEqual(response.status_code, 401)
                self.assertEqual(
                    response.json(), {"detail": "Wrong username or password."}
                )

    def test_inactive_user_gets_no_token_and_old_tokens_stop_working(self):
        self.w.dev.is_active = False
        self.w.dev.save(update_fields=["is_active"])
        response = self.post(
            "/auth/token", None, {"username": "dev", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 401)
        self.assertEqual(self.get("/me", "dev").status_code, 401)

    def test_missing_field_is_422_with_a_sentence(self):
        response = self.post("/auth/token", None, {"username": "asha"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("password", response.json()["detail"])
        self.assertIsInstance(response.json()["errors"], list)


class TokenRequiredTests(ApiTestCase):
    def test_every_endpoint_needs_a_token(self):
        for method, path in ENDPOINTS:
            for header in (None, "Bearer nonsense", "Token " + self.keys["asha"]):
                with self.subTest(method=method, path=path, header=header):
                    extra = {"HTTP_AUTHORIZATION": header} if header else {}
                    response = getattr(self.client, method)(
                        API + path,
                        content_type="application/json",
                        HTTP_ACCEPT_LANGUAGE="en",
                        **extra,
                    )
                    self.assertEqual(response.status_code, 401)
                    self.assertEqual(response["WWW-Authenticate"], "Bearer")
                    self.assertEqual(
                        response.json(),
                        {
                            "detail": "Authentication required: send the header "
                            "“Authorization: Bearer <token>”."
                        },
                    )

    def test_session_login_does_not_authenticate_the_api(self):
        self.client.force_login(self.w.asha)
        self.assertEqual(self.client.get(API + "/me").status_code, 401)

    def test_csrf_does_not_apply_to_token_requests(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            API + "/auth/token",
            {"username": "bina", "password": PASSWORD},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200)
        response = client.post(
            API + f"/posts/{self.w.chetan_post.id}/relieve",
            {"reason": ""},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.keys['bina']}",
        )
        self.assertEqual(response.status_code, 422)


class TokenRevokeTests(ApiTestCase):
    def test_delete_revokes_the_presented_token_only(self):
        _, other_key = api_token_create(user=self.w.chetan, name="second phone")
        response = self.client.delete(
            API + "/auth/token", HTTP_AUTHORIZATION=f"Bearer {self.keys['chetan']}"
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.content, b"")
        self.assertEqual(self.get("/me", "chetan").status_code, 401)
        self.assertIsNone(api_token_user(self.keys["chetan"]))
        self.assertEqual(api_token_user(other_key), self.w.chetan)
        self.assertTrue(
            AuditEvent.objects.filter(
                verb="api_token.revoke", actor=self.w.chetan
            ).exists()
        )


class TokenUserTests(ApiTestCase):
    def test_last_used_is_written_at_most_once_a_minute(self):
        token = ApiToken.objects.get(user=self.w.pooja)
        self.assertIsNone(token.last_used_at)
        self.assertEqual(api_token_user(self.keys["pooja"]), self.w.pooja)
        token.refresh_from_db()
        first = token.last_used_at
        self.assertIsNotNone(first)
        api_token_user(self.keys["pooja"])
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, first)
        earlier = timezone.now() - datetime.timedelta(minutes=2)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
        api_token_user(self.keys["pooja"])
        token.refresh_from_db()
        assert token.last_used_at is not None
        self.assertGreater(token.last_used_at, earlier)

    def test_unknown_or_empty_key_has_no_user(self):
        for key in ("", "bw_unknown", self.keys["asha"] + "x"):
            with self.subTest(key=key):
                self.assertIsNone(api_token_user(key))


class ApiTokenCommandTests(ApiTestCase):
    def test_command_prints_a_working_key(self):
        out, err = io.StringIO(), io.StringIO()
        with translation.override("en"):
            call_command(
                "api_token", "arun", "--name", "war room", stdout=out, stderr=err
            )
        key = out.getvalue().strip()
        self.assertEqual(api_token_user(key), self.w.arun)
        self.assertEqual(
            ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).name, "war room"
        )
        self.assertIn("not shown again", err.getvalue())

    def test_unknown_user_is_an_error(self):
        with (
            translation.override("en"),
            self.assertRaisesMessage(CommandError, "No active user is called ghost."),
        ):
            call_command("api_token", "ghost", stdout=io.StringIO())


class UnknownPathTests(ApiTestCase):
    def test_unknown_api_path_is_a_json_404_without_login(self):
        for path in ("/nothing", "/me/", "/"):
            with self.subTest(path=path):
                response = self.client.get(
                    API + path, headers={"Accept-Language": "en"}
                )
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json(), {"detail": "Not found."})
