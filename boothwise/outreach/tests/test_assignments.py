"""The booth in-charge assigns pages or households; a worker asks for a free page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from boothwise.core.models import AuditEvent
from boothwise.outreach.models import Assignment
from boothwise.outreach.services import assignment_create, assignment_request
from boothwise.outreach.tests.helpers import OutreachTestCase


class AssignmentTests(OutreachTestCase):
    def url(self):
        return reverse("outreach:booth-work", args=[self.campaign.pk, self.part.pk])

    def test_booth_president_assigns_a_page_and_the_walk_list_narrows_to_it(self):
        self.client.force_login(self.w.chetan)
        response = self.client.post(
            self.url(),
            {"worker": self.w.pooja.person.pk, "serial_from": 1, "serial_to": 10},
        )
        self.assertEqual(response.status_code, 302)
        assignment = Assignment.objects.get()
        self.assertEqual(
            (assignment.status, assignment.created_by), ("active", self.w.chetan)
        )
        self.assertTrue(AuditEvent.objects.filter(verb="outreach.assignment.create"))
        walk = self.api_get(
            f"/campaigns/{self.campaign.pk}/parts/{self.part.pk}/walklist", "pooja"
        ).json()
        self.assertIs(walk["assigned_only"], True)
        self.assertEqual([d["serial_no"] for d in walk["doors"]], [1, 4, 6, 7])
        everything = self.api_get(
            f"/campaigns/{self.campaign.pk}/parts/{self.part.pk}/walklist",
            "pooja",
            all="true",
        ).json()
        self.assertEqual(len(everything["doors"]), 14)

    def test_households_are_assigned_by_their_codes(self):
        self.client.force_login(self.w.chetan)
        response = self.client.post(
            self.url(), {"worker": self.w.pooja.person.pk, "codes": "1C, 7X"}
        )
        self.assertContains(response, "7X is not a household code")
        from boothwise.outreach.selectors import door_code

        codes = f"{door_code(1)}, {door_code(7)}"
        self.client.post(self.url(), {"worker": self.w.pooja.person.pk, "codes": codes})
        assignment = Assignment.objects.get()
        self.assertEqual(
            sorted(h.house_no for h in assignment.households.all()), ["12/3-ब", "20"]
        )
        walk = self.api_get(
            f"/campaigns/{self.campaign.pk}/parts/{self.part.pk}/walklist", "pooja"
        ).json()
        self.assertEqual([d["serial_no"] for d in walk["doors"]], [1, 7])

    def test_a_worker_is_given_only_what_her_post_covers(self):
        with self.assertRaisesMessage(ValidationError, "holds no post that covers"):
            assignment_create(
                by=self.w.chetan,
                campaign=self.campaign,
                part=self.part,
                worker=self.w.pooja.person,
                serial_from=25,
                serial_to=40,
            )

    def test_ranges_of_one_campaign_do_not_overlap(self):
        assignment_create(
            by=self.w.chetan,
            campaign=self.campaign,
            part=self.part,
            worker=self.w.chetan.person,
            serial_from=1,
            serial_to=30,
        )
        with self.assertRaisesMessage(ValidationError, "already with"):
            assignment_create(
                by=self.w.chetan,
                campaign=self.campaign,
                part=self.part,
                worker=self.w.pooja.person,
                serial_from=20,
                serial_to=30,
            )

    def test_a_worker_asks_for_a_free_page_and_the_booth_approves(self):
        self.client.force_login(self.w.pooja)
        request_url = reverse(
            "outreach:assignment-request", args=[self.campaign.pk, self.part.pk]
        )
        self.client.post(request_url, {"page": 2})  # serials 31–60: not her page
        self.assertFalse(Assignment.objects.exists())
        self.client.post(request_url, {"page": 1})
        asked = Assignment.objects.get()
        self.assertEqual(
            (asked.status, asked.serial_from, asked.serial_to), ("requested", 1, 30)
        )
        # Pooja cannot approve her own request; Chetan can.
        decide = reverse("outreach:assignment-decide", args=[asked.pk])
        self.assertEqual(
            self.client.post(decide, {"decision": "approve"}).status_code, 404
        )
        self.client.force_login(self.w.chetan)
        self.assertContains(self.client.get(self.url()), "Approve")
        self.client.post(decide, {"decision": "approve"})
        asked.refresh_from_db()
        self.assertEqual(asked.status, "active")
        self.client.post(decide, {"decision": "end"})
        asked.refresh_from_db()
        self.assertEqual(asked.status, "ended")

    def test_an_assigned_page_cannot_be_asked_for(self):
        assignment_create(
            by=self.w.chetan,
            campaign=self.campaign,
            part=self.part,
            worker=self.w.chetan.person,
            serial_from=1,
            serial_to=30,
        )
        with self.assertRaisesMessage(ValidationError, "already assigned"):
            assignment_request(
                by=self.w.pooja, campaign=self.campaign, part=self.part, page=1
            )
