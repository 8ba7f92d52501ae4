"""The import's fast lane gives the same roll as the row-by-row path, dirt and all."""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from typing import Any, Literal
from unittest import mock, skipUnless

from django.db import connection
from django.test import override_settings

from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.rolls import fastlane
from boothwise.rolls.generator import write_roll
from boothwise.rolls.importer import FIELDS, ImportStats, roll_import
from boothwise.rolls.models import (
    Household,
    RejectedRow,
    RollImport,
    Voter,
    VoterWord,
)
from boothwise.rolls.tests.test_importer import failing_batch
from boothwise.test import BaseTestCase

VOTER_FIELDS = (*FIELDS, "name_key", "relative_key")


def dirty_roll(quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL) -> bytes:
    """A generated roll of two parts of AC 104 with every kind of dirt mixed in
    (with no quotes unless `quoting` asks for them)."""
    out = io.StringIO()
    write_roll(out, seed=7, ac=104, parts=2, per_part=1500)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}

    def put(n: int, **values: str) -> None:
        for name, value in values.items():
            body[n][col[name]] = value

    put(10, name="राकेश  सांखला ")  # double and trailing spaces
    put(11, name_en=unicodedata.normalize("NFD", "José Khan"))  # not NFC
    put(12, name="Ram\\Lal")  # a backslash
    put(13, name="राम\tलाल")  # a tab
    put(14, gender="X")  # unknown gender
    put(15, age="673")  # dropped age
    put(16, age="-5")  # dropped age, minus sign
    put(17, age="30.0")
    put(18, age="तीस")  # not a number
    put(19, section_no="")
    put(20, section_no="x")  # bad section
    put(21, part_no="01")  # same part, written another way
    put(22, ac_no="999")  # unknown AC
    put(23, epic_no="NIL")
    put(24, epic_no=body[25][col["epic_no"]])  # repeated EPIC
    put(26, house_no="0")  # no house number
    put(27, house_no=" 12 / A b ")
    put(28, relation_type="पति")
    put(29, relation_type="husband's name")
    put(30, name="")  # no name
    put(31, name="क" * 200)  # too long
    put(32, serial_no="0")
    put(33, serial_no=body[5][col["serial_no"]])  # repeats line 7, an earlier line
    # An odd row (slow) before a clean row (fast) of the same serial: the odd row is
    # first in the file, so the clean one is the repeat.
    put(40, name="मोहन लाल", age="30.0")
    put(41, serial_no=body[40][col["serial_no"]])
    body[50] = body[50][:5]  # too few fields
    body[51] = [*body[51], "extra"]  # one field too many
    put(60, house_no="१२/३")  # Devanagari digits
    put(61, ac_no="१०४")  # Devanagari digits in the AC number
    # That odd row claims a serial that a clean row on the next line repeats: the
    # fast lane must yield it to the earlier line.
    put(62, serial_no=body[61][col["serial_no"]])
    put(62, epic_no="abc 123 4567")  # lower case, spaces
    put(70, name="इमरान \u0959ान")  # a precomposed nukta letter: NFC decomposes it
    put(71, relative_name="\u0916\u093c\u0951ान")  # a nukta and a Vedic mark: NFC
    put(1600, part_no="3")  # a part that does not exist yet
    put(1601, part_no="3")
    put(1602, part_no="3", serial_no=body[1601][col["serial_no"]])  # repeat in it
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=quoting)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


SEEDS = (11, 12, 13)


def random_dirt(seed: int) -> bytes:
    """A generated roll of three parts with a quarter of its rows dirtied at random:
    any mix of the kinds of dirt above, and serials repeated from anywhere in the
    file (earlier or later lines, the same batch or another)."""
    out = io.StringIO()
    write_roll(out, seed=seed, ac=104, parts=3, per_part=700)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    rng = random.Random(seed)
    values = {
        "name": ["", "क" * 200, "Ram\\Lal", "राम\tलाल", "  राम   लाल  "],
        "name_en": [unicodedata.normalize("NFD", "José"), "", "Ram  Lal"],
        "gender": ["X", "male", "Female", "", "तृतीय लिंग"],
        "age": ["673", "-5", "30.0", "तीस", "", "0", "045"],
        "section_no": ["", "x", "99999", "०१"],
        "part_no": ["01", "2 ", "3", "4", "0", "abc"],
        "ac_no": ["999", "१०४", " 104", ""],
        "epic_no": ["NIL", "na", "abc 12", "RJ/12/345/678901"],
        "house_no": ["0", " 1 / a ", "१२/३", "NA", "ß-1"],
        "relation_type": ["पति", "husband's name", "Z", ""],
        "serial_no": ["0", "abc", "", "७"],
    }

    def dirty(row: list[str]) -> list[str]:
        roll = rng.random()
        if roll < 0.05:
            return row[:5]
        if roll < 0.1:
            return [*row, rng.choice(["", "extra"])]
        if roll < 0.35:  # a serial (and part) repeated from anywhere in the file
            other = rng.choice(body)
            row[col["serial_no"]] = other[col["serial_no"]]
            row[col["part_no"]] = other[col["part_no"]]
            return row
        for _ in range(rng.choice((1, 2))):
            name = rng.choice(list(values))
            row[col[name]] = rng.choice(values[name])
        return row

    for n in rng.sample(range(len(body)), len(body) // 4):
        body[n] = dirty(list(body[n]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


@skipUnless(connection.vendor == "postgresql", "the fast lane is PostgreSQL's")
class FastLaneTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.ac = AssemblyConstituency.objects.get(state__abbr="RJ", number=104)
        for number in ("1", "2"):
            Part.objects.get_or_create(
                ac=self.ac,
                number=number,
                defaults={"number_int": int(number), "name": f"Part {number}"},
            )

    def load(
        self,
        data: bytes,
        fast: bool,
        fail_batch: int | None = None,
        batch_size: int = 1200,
    ) -> dict[str, Any]:
        """Import ``data`` (failing at batch ``fail_batch`` and resuming, if given),
        describe what was stored, and remove it again."""
        stats = ImportStats()
        with override_settings(ROLL_FAST_LANE=fast):
            resume = None
            if fail_batch is not None:
                with (
                    failing_batch(fail_batch, "power cut"),
                    self.assertRaises(RuntimeError),
                ):
                    roll_import(file=io.BytesIO(data), by=None, batch_size=700)
                resume = RollImport.objects.latest("pk")
                self.assertEqual(resume.rows_done, 1 + 700 * (fail_batch - 1))
            ri = roll_import(
                file=io.BytesIO(data),
                by=None,
                batch_size=batch_size if resume is None else 700,
                stats=stats,
                resume=resume,
            )
        self.assertEqual(ri.status, RollImport.Status.DONE)
        voters = {
            (v["part__number"], v["serial_no"]): v
            for v in Voter.objects.filter(ac=self.ac).values(
                "part__number",
                "serial_no",
                "household__section_no",
                "household__house_no",
                "household__house_key",
                *VOTER_FIELDS,
            )
        }
        words: dict[tuple[str, int], set[tuple[str, bool]]] = {}
        for part, serial, word, rel in VoterWord.objects.filter(ac=self.ac).values_list(
            "voter__part__number", "voter__serial_no", "word__key", "of_relative"
        ):
            words.setdefault((part, serial), set()).add((word, rel))
        snapshot = {
            "counts": (ri.created, ri.updated, ri.unchanged, ri.rejected),
            "parts_created": sorted(ri.parts_created),
            # A resumed import counts the warnings of the lines it wrote itself.
            "warnings": stats.as_dict() if fail_batch is None else None,
            "rejected": list(
                RejectedRow.objects.filter(roll_import=ri).values_list(
                    "line", "reason", "raw"
                )
            ),
            "voters": voters,
            "words": words,
            "households": sorted(
                Household.objects.filter(ac=self.ac).values_list(
                    "part__number", "section_no", "house_key", "house_no"
                ),
                key=str,
            ),
        }
        # Start again from nothing for the other way.
        VoterWord.objects.filter(ac=self.ac).delete()
        Voter.objects.filter(ac=self.ac).delete()
        Household.objects.filter(ac=self.ac).delete()
        Part.objects.filter(ac=self.ac).exclude(number__in=["1", "2"]).delete()
        return snapshot

    def load_counting(self, data: bytes, **kwargs: Any) -> tuple[dict[str, Any], int]:
        """`load` through the fast lane, and how many rows took it."""
        taken = []
        real_take = fastlane.take

        def counting_take(*args):
            fast, rest = real_take(*args)
            taken.append(0 if fast is None else fast.frame.height)
            return fast, rest

        with mock.patch.object(fastlane, "take", counting_take):
            return self.load(data, fast=True, **kwargs), sum(taken)

    def test_a_dirty_roll_comes_out_the_same_both_ways(self):
        data = dirty_roll()
        slow = self.load(data, fast=False)
        quick, taken = self.load_counting(data)
        self.assertGreater(taken, 2500)  # most rows took the fast lane
        self.assertEqual(quick["counts"], slow["counts"])
        self.assertEqual(quick["parts_created"], slow["parts_created"])
        self.assertEqual(quick["warnings"], slow["warnings"])
        self.assertEqual(quick["rejected"], slow["rejected"])
        self.assertEqual(quick["households"], slow["households"])
        self.assertEqual(quick["voters"].keys(), slow["voters"].keys())
        for key, voter in slow["voters"].items():
            self.assertEqual(quick["voters"][key], voter, key)
        self.assertEqual(quick["words"], slow["words"])
        # The dirt was seen: the odd row before its clean repeat kept the serial.
        reasons = {line: reason for line, reason, _raw in slow["rejected"]}
        self.assertIn("first on line 42", reasons[43])
        self.assertIn("first on line 63", reasons[64])
        self.assertEqual(slow["voters"][("1", 41)]["age"], 30)
        self.assertEqual(slow["voters"][("1", 12)]["name_en"], "José Khan")
        self.assertEqual(slow["voters"][("1", 71)]["name"], "इमरान \u0916\u093cान")
        self.assertEqual(slow["counts"][0], 3000 - len(reasons))

    def test_a_part_with_an_earlier_roll_is_compared_row_by_row(self):
        data = dirty_roll()
        with override_settings(ROLL_FAST_LANE=True):
            first = roll_import(file=io.BytesIO(data), by=None, batch_size=1200)
            again = roll_import(file=io.BytesIO(data), by=None, batch_size=1200)
        self.assertEqual(again.created, 0)
        self.assertEqual(again.unchanged, first.created)
        self.assertEqual(again.rejected, first.rejected)

    def test_a_resumed_fast_import_stores_what_one_run_stores(self):
        data = dirty_roll()
        whole = self.load(data, fast=True)
        resumed = self.load(data, fast=True, fail_batch=3)
        self.assertEqual(resumed["rejected"], whole["rejected"])
        self.assertEqual(resumed["households"], whole["households"])
        self.assertEqual(resumed["voters"], whole["voters"])
        self.assertEqual(resumed["words"], whole["words"])

    def test_randomly_dirty_rolls_come_out_the_same_both_ways(self):
        for seed in SEEDS:
            with self.subTest(seed=seed):
                data = random_dirt(seed)
                slow = self.load(data, fast=False, batch_size=300)
                quick, taken = self.load_counting(data, batch_size=300)
                self.assertGreater(slow["counts"][3], 100)  # it was dirty
                self.assertGreater(taken, 1000)
                for part in ("counts", "parts_created", "warnings", "rejected"):
                    self.assertEqual(quick[part], slow[part], part)
                self.assertEqual(quick["households"], slow["households"])
                self.assertEqual(quick["voters"], slow["voters"])
                self.assertEqual(quick["words"], slow["words"])

    def test_a_quoted_roll_comes_out_as_the_same_roll_unquoted(self):
        """Quotes send the file through the csv module and the fast lane's checks
        then start from Python rows instead of line texts: the same roll either way."""
        plain, quoted = dirty_roll(), dirty_roll(quoting=csv.QUOTE_ALL)
        self.assertIsNotNone(fastlane.plain_lines(plain))
        self.assertIsNone(fastlane.plain_lines(quoted))
        by_lines, taken_by_lines = self.load_counting(plain)
        by_rows, taken_by_rows = self.load_counting(quoted)
        self.assertGreater(taken_by_rows, 2500)
        self.assertEqual(taken_by_rows, taken_by_lines)
        self.assertEqual(by_rows, by_lines)
