"""Every training page × every persona. Zoya (Jaipur) and nobody see nothing of the
state or Ajmer workshops and change nothing; anonymous visitors are sent to log in."""

from __future__ import annotations

import uuid

from django.urls import reverse

from boothwise.core.models import AuditEvent
from boothwise.training import services
from boothwise.training.models import (
    Attendance,
    Directive,
    Invitation,
    OutboxMessage,
    Session,
    Workshop,
)
from boothwise.training.tests.helpers import PERSONAS, TrainingTestCase


def expect(default: int, **overrides: int) -> dict[str, int]:
    return {name: overrides.get(name, default) for name in PERSONAS}


class AccessMatrixTests(TrainingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.invitation = services.invitation_add(
            by=cls.w.dev, workshop=cls.city_ws, person=cls.ramesh
        )
        cls.directive = services.directive_create(
            by=cls.w.dev, workshop=cls.city_ws, unit=cls.w.block_north, text="x"
        )
        services.reminders_queue(
            by=cls.w.dev, workshop=cls.city_ws, invitations=[cls.invitation]
        )
        cls.message = OutboxMessage.objects.get()
        cls.session = cls.city_ws.sessions.order_by("starts_at").first()

    def assert_matrix(self, url, expected):
        for name in PERSONAS:
            with self.subTest(url=url, persona=name):
                self.client.force_login(getattr(self.w, name))
                self.assertEqual(self.client.get(url).status_code, expected[name])
        self.client.logout()
        with self.subTest(url=url, persona="anonymous"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])

    def test_pages_that_run_the_city_workshop(self):
        ws = self.city_ws.pk
        # Running the city workshop: asha (state) and dev (city); nobody else.
        run = expect(404, asha=200, dev=200)
        for name in (
            "workshop-detail",
            "invitation-list",
            "invitation-add",
            "desk",
            "walk-in",
            "call-list",
            "outbox",
        ):
            # Bina and Chetan work below the city: they would see the workshop only
            # if invited to it, and they are not.
            self.assert_matrix(reverse(f"training:{name}", args=[ws]), run)
        self.assert_matrix(
            reverse("training:session-edit", args=[self.session.pk]), run
        )
        self.assert_matrix(
            reverse("training:invitation-pdf", args=[self.invitation.pk]), run
        )

    def test_exports_of_the_city_workshop(self):
        ws = self.city_ws.pk
        for name in ("call-list-csv", "call-list-pdf", "invitations-pdf"):
            with self.subTest(name=name):
                self.assert_matrix(
                    reverse(f"training:{name}", args=[ws]),
                    expect(404, asha=200, dev=200),
                )
        exported = set(
            AuditEvent.objects.filter(verb="training.export").values_list(
                "actor__username", flat=True
            )
        )
        self.assertEqual(exported, {"asha", "dev"})

    def test_the_state_workshop_is_the_state_presidents(self):
        url = reverse("training:workshop-detail", args=[self.state_ws.pk])
        self.assert_matrix(url, expect(404, asha=200))

    def test_lists_and_coverage(self):
        self.assert_matrix(reverse("training:workshop-list"), expect(200))
        self.assert_matrix(reverse("training:directive-list"), expect(200))
        self.assert_matrix(reverse("training:curriculum"), expect(200))
        self.assert_matrix(
            reverse("training:coverage", args=[self.w.ajmer_city.pk]),
            expect(404, asha=200, dev=200),
        )
        self.assert_matrix(
            reverse("training:coverage", args=[self.w.booth_100_1.pk]),
            expect(200, zoya=404, nobody=404),
        )
        self.assert_matrix(
            reverse("training:workshop-create"),
            expect(200, arun=404, chetan=404, pooja=404, nobody=404),
        )

    def test_zoya_and_nobody_see_no_ajmer_or_state_workshop_in_lists(self):
        for persona in ("zoya", "nobody"):
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self.w, persona))
                response = self.client.get(reverse("training:workshop-list"))
                self.assertEqual(response.context["upcoming"], [])
                self.assertEqual(response.context["past"], [])
                self.assertNotContains(response, "कार्यशाला")
                directives = self.client.get(reverse("training:directive-list"))
                self.assertEqual(list(directives.context["page"].object_list), [])

    def test_zoya_and_nobody_change_nothing(self):
        ws = self.city_ws.pk
        posts = [
            (
                reverse("training:session-add", args=[ws]),
                {
                    "topic": self.topics["voting_day"].pk,
                    "starts_at": "15:00",
                    "ends_at": "16:00",
                },
            ),
            (
                reverse("training:session-edit", args=[self.session.pk]),
                {
                    "topic": self.session.topic_id,
                    "speaker": "x",
                    "starts_at": "09:00",
                    "ends_at": "10:00",
                },
            ),
            (reverse("training:session-remove", args=[self.session.pk]), {}),
            (
                reverse("training:invite-by-post", args=[ws]),
                {"post_types": ["booth_president"], "within": self.w.ajmer_city.pk},
            ),
            (reverse("training:invitation-add", args=[ws]), {"person": self.kamla.pk}),
            (reverse("training:invitation-remove", args=[self.invitation.pk]), {}),
            (reverse("training:rsvp", args=[self.invitation.pk]), {"rsvp": "no"}),
            (reverse("training:reminders", args=[ws]), {}),
            (
                reverse("training:outbox-status", args=[self.message.pk]),
                {"status": "sent"},
            ),
            (
                reverse("training:check-in", args=[ws]),
                {
                    "session": self.session.pk,
                    "invitation": self.invitation.pk,
                    "kind": "present",
                    "client_uuid": str(uuid.uuid4()),
                },
            ),
            (
                reverse("training:walk-in", args=[ws]),
                {"name": "x", "unit": self.w.jaipur.pk},
            ),
            (
                reverse("training:directive-create", args=[ws]),
                {"text": "y", "unit": self.w.block_north.pk},
            ),
            (
                reverse("training:directive-status", args=[self.directive.pk]),
                {"status": "done"},
            ),
        ]
        before = self.snapshot()
        for persona in ("zoya", "nobody"):
            self.client.force_login(getattr(self.w, persona))
            for url, data in posts:
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(self.client.post(url, data).status_code, 404)
        self.assertEqual(self.snapshot(), before)

    def snapshot(self):
        return (
            list(Workshop.objects.values_list("pk", "title", "date")),
            list(Session.objects.values_list("pk", "speaker", "starts_at")),
            list(Invitation.objects.values_list("pk", "rsvp")),
            Attendance.objects.count(),
            list(Directive.objects.values_list("pk", "status")),
            list(OutboxMessage.objects.values_list("pk", "status")),
        )
