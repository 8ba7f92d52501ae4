"""Signing in and choosing the language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from boothwise.test import PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    def test_anonymous_visitor_is_sent_to_the_login_page(self):
        response = self.client.get(reverse("organisation:home"))
        self.assertRedirects(
            response,
            reverse("accounts:login") + "?next=/",
            fetch_redirect_response=False,
        )

    def test_login_page_is_in_hindi_by_default(self):
        self.hindi_by_default()
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, '<html lang="hi">')

    def test_login_with_right_password_reaches_home(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "chetan", "password": PASSWORD}
        )
        self.assertRedirects(
            response, reverse("organisation:home"), fetch_redirect_response=False
        )

    def test_wrong_password_is_refused_with_a_message(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "chetan", "password": "nope"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="errorlist"')


class LanguageTests(BaseTestCase):
    def test_switching_to_english_is_kept_on_the_user_and_in_a_cookie(self):
        self.client.force_login(self.w.chetan)
        response = self.client.post(
            reverse("accounts:language"), {"language": "en", "next": "/people/"}
        )
        self.assertRedirects(response, "/people/", fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        self.w.chetan.refresh_from_db()
        self.assertEqual(self.w.chetan.language, "en")

    def test_browsers_language_does_not_override_hindi(self):
        self.hindi_by_default()
        self.client.force_login(self.w.chetan)
        response = self.client.get(
            reverse("organisation:home"), HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertContains(response, '<html lang="hi">')

    def test_users_language_wins_over_the_cookie(self):
        self.hindi_by_default()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
        self.w.chetan.language = "en"
        self.w.chetan.save(update_fields=["language"])
        self.client.force_login(self.w.chetan)
        response = self.client.get(
            reverse("organisation:home"), HTTP_ACCEPT_LANGUAGE="hi"
        )
        self.assertContains(response, '<html lang="en">')

    def test_anonymous_switch_sets_only_the_cookie(self):
        self.hindi_by_default()
        response = self.client.post(reverse("accounts:language"), {"language": "en"})
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        page = self.client.get(reverse("accounts:login"))
        self.assertContains(page, '<html lang="en">')

    def test_next_pointing_to_another_site_is_ignored(self):
        response = self.client.post(
            reverse("accounts:language"),
            {"language": "en", "next": "https://evil.example/"},
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_unknown_language_changes_nothing(self):
        self.client.force_login(self.w.chetan)
        self.client.post(reverse("accounts:language"), {"language": "fr"})
        self.w.chetan.refresh_from_db()
        self.assertEqual(self.w.chetan.language, "")
