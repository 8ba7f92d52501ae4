"""The demo rolls: every demo part gets electors, and the persona booth a revision."""

from __future__ import annotations

from boothwise.geography.models import Part
from boothwise.rolls.demo import demo_rolls_load
from boothwise.rolls.models import RollChange, Voter
from boothwise.test import BaseTestCase


class DemoRollsTests(BaseTestCase):
    def test_every_part_of_ac_100_and_101_gets_a_roll_and_one_a_revision(self):
        parts = Part.objects.filter(ac__state__abbr="RJ", ac__number__in=(100, 101))
        count = parts.count()  # 100/1, 100/2, 100/19A and 101/1 (the persona booth)
        result = demo_rolls_load(seed=3, per_part=70)
        self.assertEqual(result.parts, count)
        self.assertEqual(result.electors, 70 * count)
        for part in parts:
            self.assertTrue(Voter.objects.filter(part=part).exists(), part)
        revision = result.imports[-1]
        self.assertIn("revision", revision.file_name)
        self.assertEqual(
            (revision.created, revision.updated, revision.deleted), (4, 2, 3)
        )
        kinds = sorted(
            RollChange.objects.filter(roll_import=revision).values_list(
                "kind", flat=True
            )
        )
        self.assertEqual(kinds, ["added"] * 4 + ["changed"] * 2 + ["deleted"] * 3)
        # The part's existing numbers are used as they are: no "Part 19a" made up.
        self.assertEqual(Part.objects.filter(name__startswith="Part ").count(), 0)
