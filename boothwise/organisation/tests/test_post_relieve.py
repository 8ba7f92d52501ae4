"""Relieving through the HTML form: confirmation, reason, audit, and refusals."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from boothwise.core.models import AuditEvent
from boothwise.organisation.models import Post
from boothwise.organisation.tests.helpers import PagesTestCase


class PostRelieveTests(PagesTestCase):
    def url(self):
        return reverse("organisation:post-relieve", args=[self.w.chetan_post.pk])

    def post(self):
        return Post.objects.get(pk=self.w.chetan_post.pk)

    def test_confirmation_page_names_the_person_and_defaults_to_today(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(self.url())
        self.assertContains(response, "चेतन सांखला")
        self.assertEqual(
            response.context["form"]["end_date"].value(), timezone.localdate()
        )

    def test_a_reason_is_required(self):
        self.client.force_login(self.w.bina)
        for reason in ("", "   "):
            with self.subTest(reason=reason):
                response = self.client.post(
                    self.url(),
                    {"end_date": timezone.localdate().isoformat(), "reason": reason},
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].has_error("reason"))
        self.assertIsNone(self.post().end_date)

    def test_block_president_relieves_the_booth_president(self):
        w = self.w
        self.client.force_login(w.bina)
        booth_url = reverse("organisation:booth-detail", args=[w.booth_100_1.pk])
        response = self.client.post(
            self.url(),
            {
                "end_date": timezone.localdate().isoformat(),
                "reason": "Moved to Jaipur",
                "next": booth_url,
            },
        )
        self.assertRedirects(response, booth_url, fetch_redirect_response=False)
        post = self.post()
        self.assertEqual(post.end_date, timezone.localdate())
        self.assertEqual(
            (post.end_reason, post.relieved_by), ("Moved to Jaipur", w.bina)
        )
        event = AuditEvent.objects.get(verb="post.relieve", object_id=str(post.pk))
        self.assertEqual((event.actor, event.reason), (w.bina, "Moved to Jaipur"))
        page = self.client.get(booth_url)
        self.assertContains(page, "चेतन सांखला has been relieved as Booth president.")
        self.assertIsNone(page.context["committee"].offices[0].post)
        person_page = self.client.get(
            reverse("organisation:person-detail", args=[post.person_id])
        )
        self.assertEqual(person_page.context["past"], [post])
        self.assertContains(person_page, "Reason: Moved to Jaipur")

    def test_an_unsafe_next_falls_back_to_the_person_page(self):
        self.client.force_login(self.w.bina)
        response = self.client.post(
            self.url(),
            {
                "end_date": timezone.localdate().isoformat(),
                "reason": "Resigned",
                "next": "https://evil.example/",
            },
        )
        self.assertRedirects(
            response,
            reverse("organisation:person-detail", args=[self.w.chetan_post.person_id]),
        )

    def test_end_before_start_is_refused_on_the_form(self):
        self.client.force_login(self.w.bina)
        response = self.client.post(
            self.url(), {"end_date": "2024-12-31", "reason": "Mistake"}
        )
        self.assertContains(response, "A post cannot end before it started.")
        self.assertIsNone(self.post().end_date)

    def test_no_one_relieves_their_own_rank_and_outsiders_see_nothing(self):
        data = {"end_date": timezone.localdate().isoformat(), "reason": "x"}
        for persona, status in [
            (self.w.chetan, 403),
            (self.w.zoya, 404),
            (self.w.pooja, 404),
        ]:
            with self.subTest(persona=persona.username):
                self.client.force_login(persona)
                self.assertEqual(self.client.post(self.url(), data).status_code, status)
        self.assertIsNone(self.post().end_date)
        self.assertFalse(AuditEvent.objects.filter(verb="post.relieve").exists())
