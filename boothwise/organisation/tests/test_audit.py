"""The audit trail page shows the events of the viewer's own area only."""

from __future__ import annotations

from django.urls import reverse

from boothwise.core.models import AuditEvent
from boothwise.organisation.services import person_create
from boothwise.organisation.tests.helpers import PagesTestCase


class AuditPageTests(PagesTestCase):
    url = reverse("organisation:audit")

    def events(self, user):
        self.client.force_login(user)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response, {
            (row["event"].verb, row["event"].object_type, row["event"].object_id)
            for row in response.context["rows"]
        }

    def test_state_president_sees_both_districts(self):
        response, _ = self.events(self.w.asha)
        self.assertContains(response, "ज़ोया ख़ान")
        self.assertContains(response, "चेतन सांखला")

    def test_zoya_sees_jaipur_and_nothing_of_ajmer(self):
        response, _ = self.events(self.w.zoya)
        self.assertContains(response, "ज़ोया ख़ान")
        self.assertContains(response, "Booth 50/1")
        for text in ("Ajmer", "चेतन", "पूजा", "Booth 100/1", "देव मीणा"):
            self.assertNotContains(response, text)

    def test_block_president_sees_her_block_and_its_pages(self):
        w = self.w
        _, seen = self.events(w.bina)
        self.assertIn(("post.appoint", "Post", str(w.chetan_post.pk)), seen)
        pooja_post = w.pooja.person.posts.get()
        self.assertIn(("post.appoint", "Post", str(pooja_post.pk)), seen)
        dev_post = w.dev.person.posts.get()
        self.assertNotIn(("post.appoint", "Post", str(dev_post.pk)), seen)
        self.assertNotIn(("unit.create", "Unit", str(w.booth_101_1.pk)), seen)

    def test_ac_incharge_sees_events_at_the_booths_and_pages_of_the_ac(self):
        w = self.w
        _, seen = self.events(w.arun)
        self.assertIn(("post.appoint", "Post", str(w.chetan_post.pk)), seen)
        self.assertIn(("unit.create", "Unit", str(w.booth_100_3.pk)), seen)
        self.assertIn(("post.appoint", "Post", str(w.arun.person.posts.get().pk)), seen)
        self.assertNotIn(("unit.create", "Unit", str(w.booth_101_1.pk)), seen)
        bina_post = w.bina.person.posts.get()
        self.assertNotIn(("post.appoint", "Post", str(bina_post.pk)), seen)

    def test_posts_without_the_audit_right_and_no_post_see_no_events(self):
        for persona in (self.w.chetan, self.w.pooja, self.w.nobody):
            with self.subTest(persona=persona.username):
                response, seen = self.events(persona)
                self.assertEqual(seen, set())
                self.assertContains(response, "No events in your area.")

    def test_audit_page_is_paginated_in_fixed_queries(self):
        for i in range(60):
            person_create(by=None, name=f"सदस्य {i}", unit=self.w.booth_100_1)
        self.client.force_login(self.w.asha)
        with self.assertNumQueries(5):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["rows"]), 50)
        # Events at a whole AC (arun's post) follow access.posts_q: only holders of
        # that AC see them, not the state president's unit subtree.
        at_ac_only = AuditEvent.objects.filter(scope_path="", part_id__isnull=True)
        self.assertEqual(at_ac_only.count(), 1)
        self.assertEqual(
            response.context["page"].paginator.count,
            AuditEvent.objects.count() - 1,
        )
