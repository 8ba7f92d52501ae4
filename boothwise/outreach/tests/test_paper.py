"""Entering visits from a printed walk list by household code."""

from __future__ import annotations

import uuid

from django.urls import reverse

from boothwise.outreach.models import Answer, Visit
from boothwise.outreach.selectors import door_code, door_from_code
from boothwise.outreach.tests.helpers import OutreachTestCase


class DoorCodeTests(OutreachTestCase):
    def test_the_check_letter_catches_a_mistyped_digit_and_swapped_digits(self):
        for serial in (7, 12, 123, 1234):
            code = door_code(serial)
            self.assertEqual(door_from_code(code.lower()), serial)
            digits, letter = code[:-1], code[-1]
            for i in range(len(digits)):
                wrong = digits[:i] + str((int(digits[i]) + 1) % 10) + digits[i + 1 :]
                if wrong[0] != "0":
                    self.assertIsNone(door_from_code(wrong + letter))
            if len(digits) > 1 and digits[0] != digits[1] and digits[1] != "0":
                self.assertIsNone(
                    door_from_code(digits[1] + digits[0] + digits[2:] + letter)
                )


class PaperEntryTests(OutreachTestCase):
    def test_the_booth_enters_a_paper_visit_once_for_the_worker(self):
        self.client.force_login(self.w.chetan)
        url = reverse("outreach:paper-entry", args=[self.campaign.pk, self.part.pk])
        self.assertContains(
            self.client.get(url, {"code": "1A"}), "This code is not right"
        )
        page = self.client.get(url, {"code": door_code(1)})
        self.assertContains(page, "12/3-ब")
        data = {
            "client_uuid": str(uuid.uuid4()),
            "worker": self.w.pooja.person.pk,
            "visited_on": page.context["form"].initial["visited_on"].isoformat(),
            "outcome": "met",
            "support_1": "5",
            "support_3": "2",
            "issues": ["water"],
            "notes": "",
            "grievance": "",
        }
        target = f"{url}?code={door_code(1)}"
        self.assertEqual(self.client.post(target, data).status_code, 302)
        self.assertEqual(self.client.post(target, data).status_code, 302)  # resent
        visit = Visit.objects.get()
        self.assertEqual(
            (visit.source, visit.worker, visit.by),
            ("paper", self.w.pooja.person, self.w.chetan),
        )
        self.assertEqual(
            sorted(Answer.objects.values_list("serial_no", "kind")),
            [(1, "issues"), (1, "support"), (3, "support")],
        )
