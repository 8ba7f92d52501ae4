from __future__ import annotations

import uuid
from io import StringIO

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from boothwise.geography.models import Part
from boothwise.votingday.models import BoothTally
from boothwise.votingday.services import MarkIn, marks_record
from boothwise.votingday.tests.helpers import VotingdayTestCase, support


class PrepareTests(VotingdayTestCase):
    def prepare(self, *args: str) -> str:
        out = StringIO()
        call_command("votingday_prepare", "--ac", "100", *args, stdout=out)
        return out.getvalue()

    def csv(self, text: str) -> str:
        path = self.tmp_path / "past.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def setUp(self) -> None:
        import pathlib
        import tempfile

        self.tmp = tempfile.TemporaryDirectory()
        self.tmp_path = pathlib.Path(self.tmp.name)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_counts_every_booth_of_the_ac_with_supporters_and_marks(self):
        support(self.w, self.part, {4: {4: 5, 5: 4}, 7: {7: 3}})
        marks_record(
            by=self.w.chetan,
            items=[MarkIn(uuid.uuid4(), self.part.pk, 4, "desk", timezone.now())],
        )
        out = self.prepare()
        self.assertIn("3 booths of AC 100 counted for the war room.", out)
        tally = BoothTally.objects.get(part_id=self.part.pk)
        self.assertEqual(
            (tally.electors, tally.supporters, tally.marked, tally.supporters_voted),
            (32, 2, 1, 1),
        )
        self.assertIsNotNone(tally.counted_at)

    def test_past_turnout_is_loaded_and_shown_in_the_war_room(self):
        path = self.csv("part_no,turnout_percent\n1,71.46\n2,64\n")
        out = self.prepare("--past-turnout", path)
        self.assertIn("Past turnout set for 2 booths.", out)
        self.login("arun")
        response = self.client.get(
            reverse("votingday:war-room") + f"?ac={self.w.ac100.pk}"
        )
        rows = {r.part.number: r for r in response.context["room"].rows}
        self.assertEqual(str(rows["1"].past_turnout), "71.5")
        self.assertIsNone(rows["19A"].past_turnout)
        self.assertContains(response, "71.5")

    def test_a_bad_past_turnout_file_changes_nothing_and_names_the_lines(self):
        path = self.csv("part_no,turnout_percent\n1,70\n99,50\n2,170\n")
        with self.assertRaises(CommandError) as caught:
            self.prepare("--past-turnout", path)
        self.assertIn("Line 3: there is no part 99 in this AC.", str(caught.exception))
        self.assertIn("Line 4: the turnout must be a percentage", str(caught.exception))
        self.assertFalse(BoothTally.objects.exclude(past_turnout=None).exists())
        with self.assertRaises(CommandError) as caught:
            self.prepare("--past-turnout", self.csv("booth,percent\n1,70\n"))
        self.assertIn("part_no and turnout_percent", str(caught.exception))

    def test_an_unknown_ac_is_refused(self):
        with self.assertRaises(CommandError) as caught:
            call_command("votingday_prepare", "--ac", "999", stdout=StringIO())
        self.assertIn("no AC 999", str(caught.exception))
        self.assertEqual(Part.objects.filter(ac__number=999).count(), 0)
