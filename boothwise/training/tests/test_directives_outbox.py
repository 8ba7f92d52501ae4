"""Directives given at a workshop, and reminders through the message outbox."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from boothwise.core.models import AuditEvent
from boothwise.organisation.services import person_phone_set
from boothwise.training import services
from boothwise.training.models import Directive, OutboxMessage
from boothwise.training.services import NO_PHONE
from boothwise.training.tests.helpers import TrainingTestCase


class DirectiveTests(TrainingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.directive = services.directive_create(
            by=cls.w.asha,
            workshop=cls.state_ws,
            unit=cls.w.ajmer_city,
            text="अजमेर शहर अपनी कार्यशाला आयोजित करे",
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )

    def test_recorded_from_the_workshop_page(self):
        self.client.force_login(self.w.dev)
        url = reverse("training:directive-create", args=[self.city_ws.pk])
        self.client.post(
            url,
            {
                "text": "हर बूथ पर बीएलए-2 नियुक्त करें",
                "unit": self.w.block_north.pk,
                "due_date": "2030-01-31",
            },
        )
        directive = Directive.objects.get(text="हर बूथ पर बीएलए-2 नियुक्त करें")
        self.assertEqual(
            (directive.workshop, directive.unit, directive.status),
            (self.city_ws, self.w.block_north, "open"),
        )
        # A unit outside the workshop's organising unit is refused.
        with self.assertRaisesMessage(ValidationError, "within the workshop"):
            services.directive_create(
                by=self.w.asha,
                workshop=self.city_ws,
                unit=self.w.jaipur,
                text="x",
            )

    def test_the_unit_it_is_assigned_to_sees_and_closes_it(self):
        self.client.force_login(self.w.dev)
        listing = self.client.get(reverse("training:directive-list"))
        self.assertEqual(list(listing.context["page"].object_list), [self.directive])
        self.assertContains(listing, "Overdue")
        url = reverse("training:directive-status", args=[self.directive.pk])
        self.client.post(url, {"status": "done", "note": "आयोजित"})
        self.directive.refresh_from_db()
        self.assertEqual(
            (self.directive.status, self.directive.closed_by), ("done", self.w.dev)
        )
        event = AuditEvent.objects.get(verb="training.directive_status")
        self.assertEqual(event.data, {"status": "done", "note": "आयोजित"})

    def test_outsiders_and_juniors_neither_see_nor_close_it(self):
        url = reverse("training:directive-status", args=[self.directive.pk])
        for persona in ("zoya", "nobody", "chetan", "bina"):
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self.w, persona))
                listing = self.client.get(reverse("training:directive-list"))
                self.assertEqual(list(listing.context["page"].object_list), [])
                self.assertEqual(
                    self.client.post(url, {"status": "done"}).status_code, 404
                )
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.status, "open")


class OutboxTests(TrainingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        person_phone_set(
            by=cls.w.asha, person=cls.ramesh, phone="+919000000001", notice_version="1"
        )
        cls.ramesh_inv, cls.kamla_inv, cls.sunita_inv = (
            services.invitation_add(by=cls.w.dev, workshop=cls.city_ws, person=p)
            for p in (cls.ramesh, cls.kamla, cls.sunita)
        )
        services.rsvp_set(by=cls.w.dev, invitation=cls.sunita_inv, rsvp="no")

    def queue(self):
        self.client.force_login(self.w.dev)
        return self.client.post(reverse("training:reminders", args=[self.city_ws.pk]))

    def test_reminders_are_queued_in_hindi_with_the_code(self):
        self.queue()
        message = OutboxMessage.objects.get(invitation=self.ramesh_inv)
        self.assertEqual((message.status, message.phone), ("queued", "+919000000001"))
        self.assertIn("रमेश मीणा", message.body)
        self.assertIn(self.ramesh_inv.code, message.body)
        self.assertIn(self.city_ws.venue, message.body)

    def test_no_number_no_message_and_those_who_said_no_are_left_alone(self):
        response = self.queue()
        self.assertRedirects(
            response,
            reverse("training:outbox", args=[self.city_ws.pk]),
            fetch_redirect_response=False,
        )
        kamla = OutboxMessage.objects.get(invitation=self.kamla_inv)
        self.assertEqual(
            (kamla.status, kamla.error, kamla.phone), ("failed", NO_PHONE, "")
        )
        self.assertFalse(
            OutboxMessage.objects.filter(invitation=self.sunita_inv).exists()
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, "No phone number held with consent.")

    def test_queueing_twice_adds_no_second_waiting_reminder(self):
        self.queue()
        self.queue()
        self.assertEqual(
            OutboxMessage.objects.filter(
                invitation=self.ramesh_inv, status="queued"
            ).count(),
            1,
        )

    def test_a_message_sent_by_hand_is_marked_sent(self):
        self.queue()
        message = OutboxMessage.objects.get(invitation=self.ramesh_inv)
        self.client.post(
            reverse("training:outbox-status", args=[message.pk]), {"status": "sent"}
        )
        message.refresh_from_db()
        self.assertEqual(message.status, "sent")
        self.assertIsNotNone(message.status_at)
        self.client.force_login(self.w.zoya)
        response = self.client.post(
            reverse("training:outbox-status", args=[message.pk]), {"status": "failed"}
        )
        self.assertEqual(response.status_code, 404)

    def test_the_call_list_shows_numbers_only_with_consent_and_is_audited(self):
        self.client.force_login(self.w.dev)
        response = self.client.get(
            reverse("training:call-list", args=[self.city_ws.pk])
        )
        self.assertContains(response, "tel:+919000000001")
        self.assertContains(response, "no number", count=2)
        csv_response = self.client.get(
            reverse("training:call-list-csv", args=[self.city_ws.pk])
        )
        lines = csv_response.content.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[0], "code,name,name_en,post,place,phone,rsvp")
        self.assertEqual(len(lines), 4)
        pdf = self.client.get(reverse("training:call-list-pdf", args=[self.city_ws.pk]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        formats = sorted(
            AuditEvent.objects.filter(verb="training.export").values_list(
                "data__format", flat=True
            )
        )
        self.assertEqual(formats, ["csv", "html", "pdf"])
