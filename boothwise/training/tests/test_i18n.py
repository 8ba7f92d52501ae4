"""Every training page renders in Hindi (the default) and in English."""

from __future__ import annotations

from django.urls import reverse

from boothwise.training import services
from boothwise.training.tests.helpers import TrainingTestCase


class HindiSmokeTests(TrainingTestCase):
    def urls(self):
        ws = self.city_ws.pk
        [invitation] = self.invite(self.city_ws, self.ramesh)
        self.attend(invitation, self.sessions(self.city_ws)[0])
        services.directive_create(
            by=self.w.dev, workshop=self.city_ws, unit=self.w.block_north, text="x"
        )
        services.reminders_queue(
            by=self.w.dev, workshop=self.city_ws, invitations=[invitation]
        )
        session = self.sessions(self.city_ws)[0]
        return [
            reverse("training:workshop-list"),
            reverse("training:curriculum"),
            reverse("training:workshop-create") + f"?parent={self.state_ws.pk}",
            reverse("training:workshop-detail", args=[ws]),
            reverse("training:session-edit", args=[session.pk]),
            reverse("training:workshop-edit", args=[ws]),
            reverse("training:invitation-list", args=[ws]),
            reverse("training:invitation-add", args=[ws]) + "?q=kamla",
            reverse("training:desk", args=[ws]) + "?q=रमेश",
            reverse("training:walk-in", args=[ws]) + "?q=kamla",
            reverse("training:call-list", args=[ws]),
            reverse("training:outbox", args=[ws]),
            reverse("training:directive-list"),
            reverse("training:coverage-home"),
            reverse("training:coverage", args=[self.w.ajmer_city.pk]),
            reverse("training:coverage", args=[self.w.block_north.pk]),
            reverse("training:coverage", args=[self.w.booth_100_1.pk]),
            reverse("organisation:person-detail", args=[self.ramesh.pk]),
        ]

    def test_every_page_renders_in_hindi_by_default_and_in_english(self):
        self.client.force_login(self.w.asha)
        urls = self.urls()
        self.hindi_by_default()
        for url in urls:
            with self.subTest(url=url, language="hi"):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="hi">')
                self.assertContains(response, "संगठन")
        self.client.cookies["django_language"] = "en"
        for url in urls:
            with self.subTest(url=url, language="en"):
                self.assertContains(
                    self.client.get(url, follow=True), '<html lang="en">'
                )
