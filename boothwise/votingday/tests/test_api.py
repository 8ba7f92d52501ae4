from __future__ import annotations

import datetime

from django.utils import timezone

from boothwise.geography.models import Part
from boothwise.votingday.models import VotedMark
from boothwise.votingday.schemas import MarksResultOut
from boothwise.votingday.tests.helpers import VotingdayTestCase

FUTURE = datetime.timedelta(hours=1)


class MarksApiTests(VotingdayTestCase):
    def test_a_batch_is_stored_with_who_when_where_and_names_come_back(self):
        items = [self.item(s) for s in (3, 4, 5)]
        items[1]["source"] = "agent_copy"
        response = self.api_post("/marks", "chetan", {"items": items})
        self.assertEqual(response.status_code, 200)
        results = response.json()["results"]
        self.assertEqual([r["status"] for r in results], ["accepted"] * 3)
        self.assertEqual([r["serial_no"] for r in results], [3, 4, 5])
        self.assertTrue(all(r["name"] for r in results))
        mark = VotedMark.objects.get(serial_no=4)
        self.assertEqual(
            (mark.by, mark.source, mark.device, str(mark.client_uuid)),
            (self.w.chetan, "agent_copy", "phone-1", items[1]["client_uuid"]),
        )

    def test_every_kind_of_answer_has_the_documented_shape(self):
        self.api_post("/marks", "pooja", {"items": [self.item(7)]})
        items = [
            self.item(8),  # accepted
            self.item(7),  # already marked by Pooja
            self.item(999),  # not on the roll
            self.item(9, entered_at=(timezone.now() + FUTURE).isoformat()),
        ]
        answer = self.api_post("/marks", "chetan", {"items": items}).json()
        # Written without the schema's validation: it must still match the schema.
        self.assertEqual(
            MarksResultOut.model_validate(answer).model_dump(mode="json"), answer
        )
        self.assertEqual(
            [(r["status"], r["already"], bool(r["name"])) for r in answer["results"]],
            [
                ("accepted", False, True),
                ("accepted", True, True),
                ("rejected", False, False),
                ("rejected", False, False),
            ],
        )
        self.assertTrue(all(r["error"] for r in answer["results"][2:]))

    def test_an_entry_time_without_its_offset_is_refused_and_nothing_stored(self):
        items = [self.item(3), self.item(4, entered_at="2026-11-27T10:00:00")]
        response = self.api_post("/marks", "chetan", {"items": items})
        self.assertEqual(response.status_code, 422)
        self.assertIn("entered_at", response.content.decode())
        self.assertEqual(VotedMark.objects.count(), 0)

    def test_a_replayed_batch_creates_nothing_and_answers_the_same(self):
        items = [self.item(s) for s in range(1, 21)]
        first = self.api_post("/marks", "pooja", {"items": items}).json()
        second = self.api_post("/marks", "pooja", {"items": items}).json()
        self.assertEqual(first, second)
        self.assertEqual(VotedMark.objects.count(), 20)

    def test_a_repeated_uuid_within_a_batch_is_stored_once(self):
        item = self.item(6)
        response = self.api_post("/marks", "pooja", {"items": [item, item]})
        self.assertEqual(
            [r["status"] for r in response.json()["results"]], ["accepted"] * 2
        )
        self.assertEqual(VotedMark.objects.count(), 1)

    def test_a_second_entry_for_a_marked_elector_keeps_one_standing_mark(self):
        self.api_post("/marks", "pooja", {"items": [self.item(7)]})
        response = self.api_post("/marks", "chetan", {"items": [self.item(7)]})
        result = response.json()["results"][0]
        self.assertEqual((result["status"], result["already"]), ("accepted", True))
        self.assertEqual(VotedMark.objects.count(), 1)

    def test_another_booths_serials_are_refused_with_a_clear_message(self):
        other = Part.objects.get(ac__number=50, number="1")
        items = [self.item(1, part=other), self.item(31), self.item(2)]
        response = self.api_post("/marks", "pooja", {"items": items})
        results = response.json()["results"]
        self.assertEqual(
            [r["status"] for r in results], ["rejected", "rejected", "accepted"]
        )
        self.assertEqual(
            results[1]["error"],
            "Serial 31 is not on the roll of a booth you may mark.",
        )
        self.assertEqual(
            list(VotedMark.objects.values_list("serial_no", flat=True)), [2]
        )

    def test_someone_elses_uuid_is_not_revealed(self):
        item = self.item(8)
        self.api_post("/marks", "pooja", {"items": [item]})
        response = self.api_post("/marks", "chetan", {"items": [item]})
        self.assertEqual(response.json()["results"][0]["status"], "rejected")

    def test_a_future_entry_time_is_refused(self):
        later = timezone.now() + datetime.timedelta(hours=2)
        item = self.item(9, entered_at=later.isoformat())
        response = self.api_post("/marks", "pooja", {"items": [item]})
        self.assertEqual(response.json()["results"][0]["status"], "rejected")
        self.assertFalse(VotedMark.objects.exists())

    def test_at_most_100_marks_a_batch(self):
        items = [self.item(1 + i % 30) for i in range(101)]
        response = self.api_post("/marks", "chetan", {"items": items})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(VotedMark.objects.exists())

    def test_marks_of_a_part_within_scope(self):
        self.api_post("/marks", "chetan", {"items": [self.item(s) for s in (2, 31)]})
        response = self.api_get(f"/parts/{self.part.pk}/marks", "chetan")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            sorted(i["serial_no"] for i in response.json()["items"]), [2, 31]
        )
        pooja = self.api_get(f"/parts/{self.part.pk}/marks", "pooja").json()
        self.assertEqual([i["serial_no"] for i in pooja["items"]], [2])

    def test_voter_search_within_the_booth(self):
        response = self.api_get(f"/parts/{self.part.pk}/voters", "pooja", q="Seema")
        self.assertEqual(response.status_code, 200)
        serials = {h["serial_no"] for h in response.json()}
        self.assertTrue(serials and serials <= {1, 9, 17, 25}, serials)
