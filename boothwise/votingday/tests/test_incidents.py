from __future__ import annotations

import datetime
import io
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from boothwise.votingday.models import Incident, IncidentAction
from boothwise.votingday.selectors import incident_level
from boothwise.votingday.tests.helpers import VotingdayTestCase


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("evm.png", buffer.getvalue(), content_type="image/png")


class IncidentTests(VotingdayTestCase):
    def setUp(self):
        super().setUp()
        data_dir = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(DATA_DIR=Path(data_dir)))
        self.data_dir = Path(data_dir)
        self.report_url = reverse("votingday:incident-report", args=[self.part.pk])

    def report(self, persona="chetan", **extra):
        self.login(persona)
        data = {"kind": "evm", "severity": 2, "note": "VVPAT रुका", **extra}
        return self.client.post(self.report_url, data)

    def test_report_with_photo_and_location_then_act_and_close(self):
        response = self.report(photo=png(), latitude="26.450100", longitude="74.640200")
        incident = Incident.objects.get()
        self.assertRedirects(
            response, reverse("votingday:incident-detail", args=[incident.pk])
        )
        self.assertEqual(
            (
                incident.kind,
                incident.severity,
                incident.reported_by,
                str(incident.latitude),
            ),
            ("evm", 2, self.w.chetan, "26.450100"),
        )
        self.assertTrue((self.data_dir / "incidents" / incident.photo).is_file())
        photo = self.client.get(reverse("votingday:incident-photo", args=[incident.pk]))
        self.assertEqual(photo["Content-Type"], "image/png")

        detail = reverse("votingday:incident-detail", args=[incident.pk])
        self.login("bina")
        self.client.post(detail, {"note": "Sector officer called"})
        self.client.post(detail, {"note": "Machine replaced", "closes": "on"})
        incident.refresh_from_db()
        self.assertIsNotNone(incident.closed_at)
        self.assertEqual(
            list(IncidentAction.objects.values_list("note", "closes")),
            [("Sector officer called", False), ("Machine replaced", True)],
        )
        response = self.client.post(detail, {"note": "after closing"})
        self.assertNotContains(response, 'name="note"')  # no more actions
        self.assertEqual(IncidentAction.objects.count(), 2)

    def test_a_file_that_is_not_a_picture_is_refused(self):
        fake = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
        response = self.report(photo=fake)
        self.assertContains(response, "The photo must be a JPEG, PNG or WebP picture.")
        self.assertFalse(Incident.objects.exists())

    def test_an_incident_rises_from_booth_to_block_to_war_room_with_age(self):
        self.report()
        incident = Incident.objects.get()
        start = incident.reported_at
        minutes = datetime.timedelta(minutes=1)
        self.assertEqual(incident_level(incident, start + 5 * minutes), "booth")
        self.assertEqual(incident_level(incident, start + 15 * minutes), "block")
        self.assertEqual(incident_level(incident, start + 45 * minutes), "ac")
        incident.severity = Incident.Severity.CRITICAL
        self.assertEqual(incident_level(incident, start), "ac")

    def test_the_war_room_sees_open_incidents_oldest_escalated_first(self):
        self.report()
        self.report(kind="slow", severity=1)
        Incident.objects.filter(kind="evm").update(
            reported_at=timezone.now() - datetime.timedelta(minutes=40)
        )
        self.login("arun")
        response = self.client.get(reverse("votingday:incident-list"))
        rows = response.context["rows"]
        self.assertEqual(
            [(r["incident"].kind, r["level"]) for r in rows],
            [("evm", "ac"), ("slow", "booth")],
        )
        self.assertContains(response, "With the AC war room")

    def test_page_in_charge_cannot_report(self):
        response = self.report("pooja")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Incident.objects.exists())

    def test_outsiders_see_and_change_nothing(self):
        self.report(photo=png())
        incident = Incident.objects.get()
        detail = reverse("votingday:incident-detail", args=[incident.pk])
        photo = reverse("votingday:incident-photo", args=[incident.pk])
        for persona in ("zoya", "nobody"):
            self.login(persona)
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(self.report_url).status_code, 404)
                self.assertEqual(
                    self.client.post(
                        self.report_url, {"kind": "evm", "severity": 2}
                    ).status_code,
                    404,
                )
                self.assertEqual(self.client.get(detail).status_code, 404)
                self.assertEqual(self.client.get(photo).status_code, 404)
                self.assertEqual(
                    self.client.post(detail, {"note": "x", "closes": "on"}).status_code,
                    404,
                )
                listing = self.client.get(reverse("votingday:incident-list"))
                self.assertEqual(listing.context["rows"], [])
        self.assertEqual(Incident.objects.count(), 1)
        self.assertFalse(IncidentAction.objects.exists())
