"""Grievances become follow-ups, escalate to the block when overdue, and get closed."""

from __future__ import annotations

import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from boothwise.core.models import AuditEvent
from boothwise.outreach.models import FollowUp
from boothwise.outreach.services import followups_escalate
from boothwise.outreach.tests.helpers import OutreachTestCase


class FollowUpTests(OutreachTestCase):
    def setUp(self):
        super().setUp()
        self.sync(
            "chetan",
            self.item(1, grievance="नल में पानी नहीं", grievance_issue="water"),
            self.item(4, grievance="सड़क टूटी"),
        )
        self.late, self.on_time = FollowUp.objects.order_by("serial_no")
        self.late.due_on = timezone.localdate() - datetime.timedelta(days=2)
        self.late.save(update_fields=["due_on"])

    def test_the_command_escalates_overdue_follow_ups_to_the_block_once(self):
        out = StringIO()
        call_command("outreach_escalate", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue()), {"escalated": 1})
        self.late.refresh_from_db()
        self.on_time.refresh_from_db()
        self.assertEqual(self.late.escalated_to, self.w.block_north)
        self.assertIsNone(self.on_time.escalated_to)
        event = AuditEvent.objects.get(verb="outreach.followup.escalate")
        self.assertEqual(event.scope_path, self.w.block_north.path)
        self.assertEqual(followups_escalate(), 0)  # idempotent

    def test_the_block_sees_the_escalation_on_its_list(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(reverse("outreach:followup-list"))
        self.assertContains(response, "नल में पानी नहीं")
        self.assertContains(response, "escalated to Ajmer North 1")
        self.assertContains(response, "overdue since")

    def test_a_closed_follow_up_is_not_escalated(self):
        self.client.force_login(self.w.chetan)
        url = reverse("outreach:followup-close", args=[self.late.pk])
        self.assertEqual(
            self.client.post(url, {"note": "नल ठीक करवाया"}).status_code, 302
        )
        self.assertEqual(followups_escalate(), 0)
        self.late.refresh_from_db()
        self.assertEqual(
            (self.late.status, self.late.closed_by), ("closed", self.w.chetan)
        )
        self.assertTrue(AuditEvent.objects.filter(verb="outreach.followup.close"))

    def test_the_block_closes_an_escalated_follow_up_and_outsiders_cannot(self):
        url = reverse("outreach:followup-close", args=[self.late.pk])
        self.client.force_login(self.w.zoya)
        self.assertEqual(self.client.post(url, {"note": "x"}).status_code, 404)
        self.client.force_login(self.w.bina)
        self.assertEqual(self.client.post(url, {"note": ""}).status_code, 200)
        self.assertEqual(self.client.post(url, {"note": "ठीक हुआ"}).status_code, 302)
        self.late.refresh_from_db()
        self.assertEqual(
            (self.late.status, self.late.closed_by), ("closed", self.w.bina)
        )

    def test_api_lists_and_closes(self):
        listing = self.api_get("/followups", "bina", status="open").json()
        self.assertEqual(listing["count"], 2)
        first = listing["items"][0]
        self.assertEqual(
            set(first),
            {
                "id",
                "campaign_id",
                "part",
                "serial_no",
                "issue",
                "text",
                "due_on",
                "status",
                "escalated_to_unit_id",
                "escalated_at",
                "closed_at",
                "close_note",
            },
        )
        response = self.api_post(
            f"/followups/{self.late.pk}/close", "pooja", {"note": "हो गया"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "closed")
        again = self.api_post(
            f"/followups/{self.late.pk}/close", "pooja", {"note": "x"}
        )
        self.assertEqual(again.status_code, 422)
        self.assertEqual(
            self.api_post(
                f"/followups/{self.on_time.pk}/close", "zoya", {"note": "x"}
            ).status_code,
            404,
        )
