from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse

from boothwise.rolls.models import Voter
from boothwise.votingday.models import MarkUndo, VotedMark
from boothwise.votingday.services import parse_serials
from boothwise.votingday.tests.helpers import VotingdayTestCase


class ParseSerialsTests(VotingdayTestCase):
    def test_serials_and_ranges_in_typing_order_without_repeats(self):
        self.assertEqual(
            parse_serials("12 15 16 30-34"), [12, 15, 16, 30, 31, 32, 33, 34]
        )
        self.assertEqual(parse_serials("3,3 , 2-4"), [3, 2, 4])

    def test_a_name_is_not_serials_and_a_reversed_range_is_refused(self):
        self.assertIsNone(parse_serials("Seema"))
        self.assertIsNone(parse_serials("ABC1234567"))
        with self.assertRaises(ValidationError):
            parse_serials("34-30")
        with self.assertRaises(ValidationError):
            parse_serials("1-5000")


class MarkPageTests(VotingdayTestCase):
    def url(self, part=None):
        return reverse("votingday:mark", args=[(part or self.part).pk])

    def post(self, text, entry=None, source="desk"):
        return self.client.post(
            self.url(),
            {"text": text, "source": source, "entry": str(entry or uuid.uuid4())},
        )

    def test_typed_serials_are_marked_and_named_at_once(self):
        self.login("chetan")
        response = self.post("12 15 16 30-32")
        self.assertEqual(response.status_code, 200)
        marks = VotedMark.objects.order_by("serial_no")
        self.assertEqual([m.serial_no for m in marks], [12, 15, 16, 30, 31, 32])
        name = Voter.objects.get(part=self.part, serial_no=15).name
        self.assertContains(response, name)
        mark = marks[0]
        self.assertEqual(
            (mark.by, mark.source, mark.device, mark.ac_id),
            (self.w.chetan, "desk", "web", self.part.ac_id),
        )

    def test_a_range_marks_every_serial_in_it(self):
        self.login("chetan")
        self.post("1-32")
        self.assertEqual(VotedMark.objects.count(), 32)

    def test_resubmitting_the_same_form_marks_nothing_twice(self):
        self.login("chetan")
        entry = uuid.uuid4()
        self.post("1-3", entry)
        self.post("1-3", entry)
        self.assertEqual(VotedMark.objects.count(), 3)

    def test_epic_number_marks_its_elector(self):
        Voter.objects.filter(part=self.part, serial_no=7).update(epic_no="RJX1234567")
        self.login("chetan")
        response = self.post("rjx1234567")
        self.assertEqual(
            list(VotedMark.objects.values_list("serial_no", flat=True)), [7]
        )
        self.assertContains(response, Voter.objects.get(epic_no="RJX1234567").name)

    def test_an_epic_of_another_booth_is_refused_clearly(self):
        Voter.objects.filter(ac__number=50, serial_no=1).update(epic_no="JPR7654321")
        self.login("chetan")
        response = self.post("JPR7654321")
        self.assertContains(
            response, "EPIC JPR7654321 is not on this booth&#x27;s roll."
        )
        self.assertFalse(VotedMark.objects.exists())

    def test_a_name_offers_the_booths_electors_of_that_name_in_either_script(self):
        self.login("chetan")
        for query in ("सीमा सांखला", "Seema Sankhla"):
            with self.subTest(query=query):
                response = self.post(query)
                serials = {v.serial_no for v in response.context["candidates"]}
                # Serials 1, 9, 17 and 25 of this booth share the name.
                self.assertTrue(serials and serials <= {1, 9, 17, 25}, serials)
                self.assertContains(response, "सीमा सांखला")
        self.assertFalse(VotedMark.objects.exists())  # a choice, not a guess

    def test_serials_beyond_the_page_in_charges_page_are_refused(self):
        self.login("pooja")
        response = self.post("29-32")
        self.assertEqual(
            sorted(VotedMark.objects.values_list("serial_no", flat=True)), [29, 30]
        )
        self.assertContains(
            response, "Serial 31 is not on the roll of a booth you may mark."
        )

    def test_a_serial_not_on_the_roll_is_refused(self):
        self.login("chetan")
        response = self.post("900")
        self.assertContains(
            response, "Serial 900 is not on the roll of a booth you may mark."
        )
        self.assertFalse(VotedMark.objects.exists())

    def test_leaders_without_mark_voted_cannot_mark(self):
        self.login("arun")  # AC in-charge: supervises, does not mark
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="vd-form"')
        response = self.post("1")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(VotedMark.objects.exists())

    def test_the_page_carries_only_the_electors_the_user_may_mark(self):
        self.login("pooja")
        roll = self.client.get(self.url()).context["config"]["roll"]
        self.assertEqual([v["s"] for v in roll], list(range(1, 31)))

    def test_home_lists_the_booths_to_mark(self):
        self.login("chetan")
        response = self.client.get(reverse("votingday:home"))
        self.assertContains(response, self.url())
        report = reverse("votingday:incident-report", args=[self.part.pk])
        self.assertContains(response, report)
        self.login("pooja")  # marks, but does not report incidents
        response = self.client.get(reverse("votingday:home"))
        self.assertContains(response, self.url())
        self.assertNotContains(response, report)


class UndoTests(VotingdayTestCase):
    def setUp(self):
        super().setUp()
        self.login("pooja")
        self.client.post(
            reverse("votingday:mark", args=[self.part.pk]),
            {"text": "4", "source": "desk", "entry": str(uuid.uuid4())},
        )
        self.mark = VotedMark.objects.get()
        self.url = reverse("votingday:mark-undo", args=[self.part.pk, self.mark.pk])

    def test_a_supervisor_undoes_with_a_reason_and_the_undo_is_recorded(self):
        self.login("chetan")
        response = self.client.post(self.url, {"reason": "wrong serial, was 14"})
        self.assertRedirects(response, reverse("votingday:mark", args=[self.part.pk]))
        self.mark.refresh_from_db()
        self.assertIs(self.mark.undone, True)
        undo = MarkUndo.objects.get()
        self.assertEqual(
            (undo.mark, undo.by, undo.reason),
            (self.mark, self.w.chetan, "wrong serial, was 14"),
        )
        # The elector can be marked again; the undone mark stays as history.
        self.login("pooja")
        self.client.post(
            reverse("votingday:mark", args=[self.part.pk]),
            {"text": "4", "source": "desk", "entry": str(uuid.uuid4())},
        )
        self.assertEqual(VotedMark.objects.filter(serial_no=4).count(), 2)
        self.assertEqual(VotedMark.objects.filter(undone=False).count(), 1)

    def test_no_undo_without_a_reason(self):
        self.login("chetan")
        self.client.post(self.url, {"reason": "  "})
        self.mark.refresh_from_db()
        self.assertIs(self.mark.undone, False)
        self.assertFalse(MarkUndo.objects.exists())

    def test_the_marker_herself_cannot_undo(self):
        self.login("pooja")
        self.assertEqual(self.client.post(self.url, {"reason": "x"}).status_code, 404)
        self.mark.refresh_from_db()
        self.assertIs(self.mark.undone, False)

    def test_an_undone_mark_cannot_be_undone_again(self):
        self.login("chetan")
        self.client.post(self.url, {"reason": "mistake"})
        response = self.client.post(self.url, {"reason": "again"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(MarkUndo.objects.count(), 1)
