"""The roll importer: formats, dirt, revisions, households, resume and the CLI."""

from __future__ import annotations

import codecs
import contextlib
import csv
import importlib
import importlib.util
import io
import json
import random
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from io import StringIO
from typing import Any
from unittest import mock, skipUnless

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TransactionTestCase
from django.utils import translation

from boothwise.core.models import AuditEvent
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.rolls import fastlane, importer
from boothwise.rolls.importer import ImportStats, RollFileError, roll_import
from boothwise.rolls.models import (
    Household,
    NameWord,
    RejectedRow,
    RollChange,
    RollImport,
    Voter,
    VoterWord,
)
from boothwise.rolls.phonetic import word_keys
from boothwise.test import BaseTestCase

HEADER = (
    "ac_no,part_no,section_no,serial_no,epic_no,name,relation_type,relative_name,"
    "house_no,age,gender,name_en,relative_name_en"
)
ROWS = [
    "100,1,1,1,ABC1234501,राकेश सांखला,F,मोहन लाल सांखला,12/3-ब,42,M,Rakesh Sankhla,Mohan Lal Sankhla",
    "100,1,1,2,ABC1234502,सीमा सांखला,पति,राकेश सांखला,12/3-ब,38,महिला,Seema Sankhla,Rakesh Sankhla",
    "100,1,1,3,ABC1234503,अंकित सांखला,पिता,राकेश सांखला,12/3 ब,19,पुरुष,,",
    "100,1,2,4,ABC1234504,गीता शर्मा,W,राम शर्मा,7,55,F,,",
    "100,2,1,1,ABC1234505,इमरान ख़ान,F,सलीम ख़ान,3A,30,M,Imran Khan,Salim Khan",
]


def word_keys_of(text: str) -> list[str]:
    return [key for word in text.split() for key in word_keys(word)]


@contextlib.contextmanager
def failing_batch(n: int, error: str) -> Iterator[None]:
    """Patch the importer so that the n-th batch it writes (in file order, whichever
    writer thread writes it) fails with RuntimeError(error)."""
    real_batch, real_commit = importer._Importer._batch, importer._Importer._commit
    written: list[int] = []  # the last line of each batch handed to a writer

    def counting_batch(self_, header, batch, resume_after):
        if batch.last_line > resume_after:
            written.append(batch.last_line)
        return real_batch(self_, header, batch, resume_after)

    def failing_commit(self_, rows, staged, rejected, last, *args):
        if len(written) >= n and last == written[n - 1]:
            raise RuntimeError(error)
        return real_commit(self_, rows, staged, rejected, last, *args)

    with (
        mock.patch.object(importer._Importer, "_batch", counting_batch),
        mock.patch.object(importer._Importer, "_commit", failing_commit),
    ):
        yield


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


class RollImportTests(BaseTestCase):
    def run_import(self, data: bytes, **kwargs) -> RollImport:
        kwargs.setdefault("by", self.w.arun)
        return roll_import(file=io.BytesIO(data), file_name="roll.csv", **kwargs)

    def voter(self, part: str, serial: int, ac: int = 100) -> Voter:
        return Voter.objects.get(
            part__ac__number=ac, part__number=part, serial_no=serial
        )

    def test_happy_path_counts_words_and_audit(self):
        ri = self.run_import(csv_bytes(*ROWS))
        self.assertEqual(ri.status, RollImport.Status.DONE)
        self.assertEqual((ri.created, ri.updated, ri.unchanged), (5, 0, 0))
        self.assertEqual((ri.rejected, ri.deleted, ri.rows_total), (0, 0, 5))
        self.assertEqual(ri.rows_done, 6)
        self.assertEqual(ri.ac, self.w.ac100)
        rakesh = self.voter("1", 1)
        self.assertEqual(rakesh.name_key, "rakes sankl")
        self.assertEqual(rakesh.relation_type, "F")
        self.assertEqual(rakesh.house_no, "12/3-ब")
        self.assertEqual(rakesh.name_en, "Rakesh Sankhla")
        self.assertEqual(rakesh.last_import, ri)
        keys = set(
            VoterWord.objects.filter(voter=rakesh, of_relative=False).values_list(
                "word__key", flat=True
            )
        )
        self.assertEqual(keys, {"rakes", "sankl"})
        self.assertTrue(NameWord.objects.filter(key="mohan").exists())
        self.assertFalse(RollChange.objects.exists())  # a first roll is no revision
        event = AuditEvent.objects.get(verb="roll.import")
        self.assertEqual(event.actor, self.w.arun)
        self.assertEqual(event.data["created"], 5)

    def test_hindi_gender_and_relation_words(self):
        self.run_import(
            csv_bytes(
                *ROWS[:3],
                "100,1,1,5,,सुनीता,माता,कमला,9,40,स्त्री,,",
                "100,1,1,6,,कमला,अन्य,कोई,9,60,पुरूष,,",
                "100,1,1,7,,किरण,Husband,x,9,30,तृतीय लिंग,,",
                "100,1,1,8,,Kiran,wife,x,9,30,Female,,",
            )
        )
        self.assertEqual(
            (self.voter("1", 2).relation_type, self.voter("1", 2).gender), ("H", "F")
        )
        self.assertEqual(
            (self.voter("1", 3).relation_type, self.voter("1", 3).gender), ("F", "M")
        )
        self.assertEqual(
            (self.voter("1", 5).relation_type, self.voter("1", 5).gender), ("M", "F")
        )
        self.assertEqual(
            (self.voter("1", 6).relation_type, self.voter("1", 6).gender), ("O", "M")
        )
        self.assertEqual(
            (self.voter("1", 7).relation_type, self.voter("1", 7).gender), ("H", "T")
        )
        self.assertEqual(
            (self.voter("1", 8).relation_type, self.voter("1", 8).gender), ("W", "F")
        )

    def test_reimport_of_the_same_file_changes_nothing(self):
        self.run_import(csv_bytes(*ROWS))
        before = list(Voter.objects.values())
        words = VoterWord.objects.count()
        again = self.run_import(csv_bytes(*ROWS))
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 5))
        self.assertEqual(again.deleted, 0)
        self.assertEqual(list(Voter.objects.values()), before)
        self.assertEqual(VoterWord.objects.count(), words)
        self.assertFalse(RollChange.objects.exists())

    def test_newer_roll_records_added_changed_and_deleted(self):
        self.run_import(csv_bytes(*ROWS))
        newer = [
            ROWS[0].replace(",42,", ",43,"),  # changed age
            ROWS[1],
            # serial 3 and 4 gone from part 1; part 2 is not in this file
            "100,1,1,5,ABC1234506,नेहा सांखला,F,राकेश सांखला,12/3-ब,18,F,,",
        ]
        ri = self.run_import(csv_bytes(*newer))
        self.assertEqual((ri.created, ri.updated, ri.unchanged), (1, 1, 1))
        self.assertEqual(ri.deleted, 2)
        changes = {
            (c.serial_no, c.kind): c for c in RollChange.objects.filter(roll_import=ri)
        }
        self.assertEqual(
            set(changes),
            {(5, "added"), (1, "changed"), (3, "deleted"), (4, "deleted")},
        )
        self.assertEqual(changes[(1, "changed")].before, {"age": 42})
        self.assertEqual(changes[(1, "changed")].after, {"age": 43})
        self.assertEqual(changes[(3, "deleted")].before["name"], "अंकित सांखला")
        gone = self.voter("1", 3)
        self.assertEqual(gone.status, Voter.Status.DELETED)  # kept, marked
        self.assertEqual(self.voter("2", 1).status, Voter.Status.ON_ROLL)
        self.assertEqual(self.voter("1", 1).age, 43)
        # The deleted elector coming back is a change back onto the roll.
        back = self.run_import(csv_bytes(*newer, ROWS[2]))
        self.assertEqual((back.updated, back.deleted), (1, 0))
        self.assertEqual(self.voter("1", 3).status, Voter.Status.ON_ROLL)

    def test_a_changed_name_replaces_its_words(self):
        self.run_import(csv_bytes(*ROWS))
        self.run_import(
            csv_bytes(
                ROWS[0]
                .replace("राकेश सांखला,F", "सुरेश सांखला,F")
                .replace("Rakesh Sankhla,Mohan", "Suresh Sankhla,Mohan"),
                *ROWS[1:],
            )
        )
        voter = self.voter("1", 1)
        self.assertEqual(voter.name_key, "sures sankl")
        keys = set(
            voter.words.filter(of_relative=False).values_list("word__key", flat=True)
        )
        self.assertIn("sures", keys)
        self.assertNotIn("rakes", keys)

    def test_each_rejection_reason_with_its_line(self):
        bad = [
            "999,1,1,10,,नाम,F,x,1,30,M,,",  # line 2: unknown AC
            "100,x1,1,10,,नाम,F,x,1,30,M,,",  # line 3: bad part
            "100,1,1,,,नाम,F,x,1,30,M,,",  # line 4: missing serial
            "100,1,1,abc,,नाम,F,x,1,30,M,,",  # line 5: invalid serial
            "100,1,1,11,,नाम,F,x,1,30,M,,",  # line 6: fine
            "100,1,1,11,,नाम,F,x,1,30,M,,",  # line 7: duplicate serial
            "100,1,1,12,,,F,x,1,30,M,,",  # line 8: missing name
            "100,1,1,13,,नाम,F,x,1,tees,M,,",  # line 9: age not a number
            "100,1,1,14,,नाम,F,x,1,30,X,,",  # line 10: unknown gender
            "100,1,1,15,,नाम,भाई,x,1,30,M,,",  # line 11: unknown relation
            "100,1,1,16,,नाम,F,x,1,30,M",  # line 12: wrong field count
            "100,1,x,17,,नाम,F,x,1,30,M,,",  # line 13: bad section
            "100,1,1,18,," + "क" * 151 + ",F,x,1,30,M,,",  # line 14: too long
        ]
        ri = self.run_import(csv_bytes(*bad))
        self.assertEqual(ri.created, 1)
        self.assertEqual(ri.rejected, 12)
        got = {r.line: (r.raw["code"], r.reason) for r in RejectedRow.objects.all()}
        codes = {line: code for line, (code, _reason) in got.items()}
        self.assertEqual(
            codes,
            {
                2: "unknown_ac",
                3: "bad_part_number",
                4: "bad_serial",
                5: "bad_serial",
                7: "duplicate_serial",
                8: "missing_name",
                9: "bad_age",
                10: "bad_gender",
                11: "bad_relation",
                12: "wrong_field_count",
                13: "bad_section",
                14: "too_long",
            },
        )
        self.assertEqual(got[2][1], "Unknown assembly constituency number 999 in RJ.")
        self.assertIn("first on line 6", got[7][1])
        self.assertIn("tees", got[9][1])
        self.assertIn("भाई", got[11][1])

    def test_dirty_but_usable_rows_are_kept(self):
        stats = ImportStats()
        ri = self.run_import(
            csv_bytes(
                "100,1,,1,ABC1234501,एक,F,x,0,673,M,,",
                "100,1,,2,ABC1234501,दो,F,x,0,0,M,,",  # repeated EPIC
                "100,1,,3,RJ/01/100/123456,तीन,F,x,0,44,M,,",  # legacy EPIC
                "100,1,,4,NILL,चार,F,x,0,44,M,,",
                "100,1,,5,,पाँच,,,,,,,",
                "100,1,,6,,छह,F,x,0,-4,M,,",
            ),
            stats=stats,
        )
        self.assertEqual((ri.created, ri.rejected), (6, 0))
        self.assertIsNone(self.voter("1", 6).age)
        # House number "0" means none: no household lumping them together.
        self.assertIsNone(self.voter("1", 1).household_id)
        self.assertIsNone(self.voter("1", 1).age)
        self.assertIsNone(self.voter("1", 2).age)
        self.assertEqual(self.voter("1", 2).epic_no, "ABC1234501")
        self.assertEqual(self.voter("1", 3).epic_no, "RJ/01/100/123456")
        self.assertEqual(len("RJ/01/100/123456"), 16)
        self.assertEqual(self.voter("1", 4).epic_no, "")
        self.assertIsNone(self.voter("1", 3).section_no)
        self.assertEqual(
            stats.as_dict(),
            {"repeated_epics": 1, "missing_epics": 3, "ages_dropped": 3},
        )
        self.assertEqual(
            ri.warnings,
            {
                "repeated_epics": 1,
                "missing_epics": ri.warnings["missing_epics"],
                "ages_dropped": 3,
            },
        )
        self.assertIn("1 row repeats the EPIC number", ri.warning_text())
        self.assertIn("3 ages outside 18–120", ri.warning_text())
        # Worded in the reader's language, not the importer's.
        with translation.override("hi"):
            self.assertIn("3 ", ri.warning_text())
            self.assertNotIn("ages outside", ri.warning_text())

    def test_nfd_input_is_stored_nfc_and_joiners_only_leave_the_key(self):
        # U+0929 (न + nukta) composes under NFC; so does é in the Latin name.
        nfd = unicodedata.normalize("NFD", "\u0929ीलम José")
        self.assertNotEqual(nfd, unicodedata.normalize("NFC", nfd))
        zwj = "राकेश\u200d सांखला"
        self.run_import(
            csv_bytes(
                f"100,1,1,1,,{nfd},F,x,1,30,F,,",
                f"100,1,1,2,,{zwj},F,x,1,30,M,,",
            )
        )
        zoya = self.voter("1", 1)
        self.assertEqual(zoya.name, unicodedata.normalize("NFC", nfd))
        rakesh = self.voter("1", 2)
        self.assertEqual(rakesh.name, zwj)
        self.assertEqual(rakesh.name_key, "rakes sankl")

    def test_households_group_by_house_key_within_part_and_section(self):
        self.run_import(csv_bytes(*ROWS))
        one, two, three = (self.voter("1", s) for s in (1, 2, 3))
        self.assertIsNotNone(one.household)
        self.assertEqual(one.household_id, two.household_id)
        self.assertEqual(one.household_id, two.household_id)
        self.assertEqual(one.household.house_key, "12/3-ब")
        self.assertNotEqual(self.voter("1", 4).household_id, one.household_id)
        # "12/3 ब" is another house than "12/3-ब": only spaces and case are folded.
        self.assertNotEqual(three.household_id, one.household_id)
        self.assertEqual(three.household.house_key, "12/3ब")
        self.assertEqual(Household.objects.count(), 4)
        # Re-import does not duplicate households, also without a section.
        self.run_import(
            csv_bytes("100,1,,9,,अ,F,x,5,30,M,,", "100,1,,10,,ब,F,x,5 ,30,M,,")
        )
        self.run_import(
            csv_bytes("100,1,,9,,अ,F,x,5,30,M,,", "100,1,,10,,ब,F,x,5 ,30,M,,")
        )
        self.assertEqual(Household.objects.filter(section_no__isnull=True).count(), 1)

    def test_unknown_part_of_a_known_ac_is_created_and_reported(self):
        ri = self.run_import(
            csv_bytes("100,7b,1,1,,नाम,F,x,1,30,M,,", "100,007B,1,2,,नाम,F,x,1,30,M,,")
        )
        part = Part.objects.get(ac=self.w.ac100, number="7B")
        self.assertEqual(part.name, "Part 7B")
        self.assertEqual(part.number_int, 7)
        self.assertEqual(ri.parts_created, ["100/7B"])
        self.assertEqual(ri.created, 2)

    def test_suffix_part_is_normalised_to_the_existing_part(self):
        ri = self.run_import(csv_bytes("100,19a,1,1,,नाम,F,x,1,30,M,,"))
        self.assertEqual(ri.parts_created, [])
        self.assertEqual(self.voter("19A", 1).part, self.w.booth_100_3.part)

    def test_malformed_files_write_no_voters(self):
        cases = [
            (b"\x89PNG\r\n\x1a\n\x00\x00binary", "binary data"),
            (
                HEADER.encode()
                + "\n100,1,1,1,,J\xf6rg,F,x,1,30,M,,\n".encode("latin-1"),
                "not UTF-8",
            ),
            (b"foo,bar\n1,2\n", "missing columns: ac_no"),
            (b"", "empty"),
            (b"  \n", "empty"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(RollFileError) as raised:
                    self.run_import(data)
                self.assertIn(message, str(raised.exception))
                ri = raised.exception.roll_import
                self.assertIsNotNone(ri)
                self.assertEqual(ri.status, RollImport.Status.FAILED)
                self.assertEqual(ri.message, str(raised.exception))
        self.assertFalse(Voter.objects.exists())
        self.assertFalse(RejectedRow.objects.exists())

    def test_resume_skips_committed_lines(self):
        rows = [f"100,1,1,{n},,नाम {n},F,x,{n},30,M,," for n in range(1, 11)]
        data = csv_bytes(*rows)
        real_commit = importer._Importer._commit
        with failing_batch(3, "disk full"), self.assertRaises(RuntimeError):
            self.run_import(data, batch_size=3)
        ri = RollImport.objects.get()
        self.assertEqual(ri.status, RollImport.Status.FAILED)
        self.assertIn("disk full", ri.message)
        self.assertEqual(ri.rows_done, 7)  # lines 2–7 committed
        self.assertEqual(Voter.objects.count(), 6)
        with mock.patch.object(importer._Importer, "_commit", autospec=True) as spy:
            spy.side_effect = real_commit
            resumed = self.run_import(data, batch_size=3, resume=ri)
        self.assertEqual([len(c.args[1]) for c in spy.call_args_list], [3, 1])
        self.assertEqual(resumed.pk, ri.pk)
        self.assertEqual(resumed.status, RollImport.Status.DONE)
        self.assertEqual((resumed.created, resumed.rows_done), (10, 11))
        self.assertEqual(Voter.objects.count(), 10)

    def test_first_roll_of_a_part_keeps_households_and_words_across_batches(self):
        """A first roll is loaded directly on PostgreSQL: batches and a resume agree."""
        rows = [
            "100,1,1,1,,राकेश सांखला,F,मोहन लाल,5,42,M,Rakesh Sankhla,",
            "100,1,1,2,,सीमा सांखला,H,राकेश सांखला,5,38,F,,",
            "100,1,1,3,,अंकित,F,राकेश,5 ,19,M,,",
            "100,1,2,4,,गीता,W,राम,5,55,F,,",
            "100,1,,5,,इमरान ख़ान,F,सलीम ख़ान,3A,30,M,Imran Khan,",
            "100,1,,6,,सलीम ख़ान,F,अली,3a,60,M,,",
        ]
        data = csv_bytes(*rows)
        with failing_batch(2, "network gone"), self.assertRaises(RuntimeError):
            self.run_import(data, batch_size=2)
        ri = RollImport.objects.get()
        self.assertEqual(Voter.objects.count(), 2)
        resumed = self.run_import(data, batch_size=2, resume=ri)
        self.assertEqual((resumed.created, resumed.status), (6, RollImport.Status.DONE))
        # House 5 of section 1 is one household although it spans three batches and
        # the resume; section 2 and the blank section are other households.
        first = self.voter("1", 1).household_id
        self.assertIsNotNone(first)
        self.assertEqual(
            [self.voter("1", n).household_id == first for n in range(1, 5)],
            [True, True, True, False],
        )
        self.assertEqual(
            self.voter("1", 5).household_id, self.voter("1", 6).household_id
        )
        self.assertEqual(Household.objects.count(), 3)
        # Every elector has exactly the word rows of both spellings of both names.
        for voter in Voter.objects.all():
            own = {*word_keys_of(voter.name), *word_keys_of(voter.name_en)}
            rel = {
                *word_keys_of(voter.relative_name),
                *word_keys_of(voter.relative_name_en),
            }
            stored = {
                (w.word.key, w.of_relative)
                for w in VoterWord.objects.filter(voter=voter).select_related("word")
            }
            self.assertEqual(
                stored, {(k, False) for k in own} | {(k, True) for k in rel}
            )
            self.assertEqual(voter.name_key, " ".join(word_keys_of(voter.name)))
        self.assertEqual(self.voter("1", 5).relative_key, self.voter("1", 6).name_key)

    def test_resume_refuses_another_file(self):
        ri = self.run_import(csv_bytes(*ROWS))
        with self.assertRaises(RollFileError):
            self.run_import(csv_bytes(*ROWS[:2]), resume=ri)

    def test_bom_crlf_and_path(self):
        data = b"\xef\xbb\xbf" + csv_bytes(*ROWS).replace(b"\n", b"\r\n")
        path = self.enterContext(_tempdir()) + "/roll.csv"
        with open(path, "wb") as f:
            f.write(data)
        ri = roll_import(file=path, by=None)
        self.assertEqual((ri.created, ri.file_name), (5, "roll.csv"))

    @skipUnless(importlib.util.find_spec("openpyxl"), "openpyxl is not installed")
    def test_xlsx_with_the_same_header(self):
        openpyxl = importlib.import_module("openpyxl")
        book = openpyxl.Workbook()
        sheet = book.active
        for record in csv.reader(StringIO("\n".join([HEADER, *ROWS]))):
            sheet.append([int(v) if v.isdigit() and len(v) < 5 else v for v in record])
        buffer = io.BytesIO()
        book.save(buffer)
        ri = roll_import(
            file=io.BytesIO(buffer.getvalue()), file_name="r.xlsx", by=None
        )
        self.assertEqual((ri.created, ri.rejected), (5, 0))
        self.assertEqual(self.voter("1", 1).age, 42)
        again = roll_import(
            file=io.BytesIO(buffer.getvalue()), file_name="r.xlsx", by=None
        )
        self.assertEqual(again.unchanged, 5)


class ImportRollCommandTests(BaseTestCase):
    def write(self, data: bytes) -> str:
        path = self.enterContext(_tempdir()) + "/roll.csv"
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_prints_the_report_and_progress(self):
        path = self.write(csv_bytes(*ROWS, "100,9z9,1,1,,x,F,x,1,30,M,,"))
        out, err = StringIO(), StringIO()
        call_command("import_roll", path, "--batch-size", "2", stdout=out, stderr=err)
        text = out.getvalue()
        self.assertIn("Created 5, updated 0, unchanged 0, deleted 0, rejected 1", text)
        self.assertIn("line 7: Bad part number 9z9", text)
        self.assertIn("6/6", err.getvalue())

    def test_json_report(self):
        path = self.write(csv_bytes(*ROWS))
        out = StringIO()
        call_command("import_roll", path, "--json", stdout=out, stderr=StringIO())
        report = json.loads(out.getvalue())
        self.assertEqual(report["created"], 5)
        self.assertEqual(report["warnings"]["repeated_epics"], 0)

    def test_malformed_file_is_an_error(self):
        path = self.write(b"foo\n1\n")
        with self.assertRaisesMessage(CommandError, "missing columns"):
            call_command("import_roll", path, stdout=StringIO(), stderr=StringIO())
        self.assertFalse(Voter.objects.exists())


def _tempdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory()


class PipelinedImportTests(TransactionTestCase):
    """Outside a transaction PostgreSQL imports write batches from a second thread."""

    serialized_rollback = True  # keep the ACs the data migration loaded

    def test_batches_written_by_the_writer_thread_are_all_there(self):
        ac = AssemblyConstituency.objects.get(state__abbr="RJ", number=100)
        Part.objects.create(ac=ac, number="1", number_int=1, name="Part 1")
        rows = [
            f"100,{1 + n // 4},1,{n % 4 + 1},RJ/{n},नाम {n},F,पिता {n},{n // 2},30,M,,"
            for n in range(20)
        ]
        ri = roll_import(file=io.BytesIO(csv_bytes(*rows)), by=None, batch_size=3)
        self.assertEqual(ri.status, RollImport.Status.DONE)
        self.assertEqual((ri.created, ri.rows_done), (20, 21))
        self.assertEqual(Voter.objects.filter(ac=ac).count(), 20)
        self.assertEqual(sorted(ri.parts_created), ["100/2", "100/3", "100/4", "100/5"])
        again = roll_import(file=io.BytesIO(csv_bytes(*rows)), by=None, batch_size=3)
        self.assertEqual((again.created, again.unchanged), (0, 20))

    @skipUnless(connection.vendor == "postgresql", "only PostgreSQL has the writer")
    def test_the_writer_thread_leaves_no_connection_behind(self):
        ac = AssemblyConstituency.objects.get(state__abbr="RJ", number=100)
        Part.objects.create(ac=ac, number="1", number_int=1, name="Part 1")
        rows = [
            f"100,1,1,{n + 1},RJ/{n},नाम {n},F,पिता {n},{n},30,M,," for n in range(9)
        ]
        ri = roll_import(file=io.BytesIO(csv_bytes(*rows)), by=None, batch_size=3)
        self.assertEqual(ri.created, 9)
        others = -1
        for _ in range(50):  # a closed session may linger a moment on the server
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                others = cursor.fetchone()[0]
            if others == 0:
                break
            time.sleep(0.1)
        self.assertEqual(others, 0)

    @skipUnless(connection.vendor == "postgresql", "only PostgreSQL has the writers")
    def test_a_batch_failing_beside_another_stores_only_whole_batches_in_order(self):
        """Two writers write first loads side by side, yet commit in file order: when
        one batch fails, the progress record names the last line of the batches
        before it, exactly those electors are stored, and a resume completes."""
        ac = AssemblyConstituency.objects.get(state__abbr="RJ", number=100)
        rows = [
            f"100,{1 + n // 10},1,{n % 10 + 1},RJ/{n},नाम {n},F,पिता {n},{n // 2},30,M,,"
            for n in range(60)
        ]
        data = csv_bytes(*rows)
        seen: list[int] = []
        with failing_batch(4, "disk full"), self.assertRaises(RuntimeError):
            roll_import(
                file=io.BytesIO(data),
                by=None,
                batch_size=7,
                progress=lambda done, total: seen.append(done),
            )
        ri = RollImport.objects.get()
        self.assertEqual(ri.rows_done, 1 + 3 * 7)  # batches 1–3: lines 2–22
        self.assertEqual(seen, [7, 14, 21])  # in order, whichever writer finished
        stored = sorted(
            Voter.objects.filter(ac=ac).values_list("part__number", "serial_no")
        )
        self.assertEqual(
            stored, sorted((str(1 + n // 10), n % 10 + 1) for n in range(21))
        )
        resumed = roll_import(file=io.BytesIO(data), by=None, batch_size=7, resume=ri)
        self.assertEqual((resumed.created, resumed.rows_done), (60, 61))
        self.assertEqual(Voter.objects.filter(ac=ac).count(), 60)
        self.assertEqual(
            VoterWord.objects.filter(ac=ac).values("voter").distinct().count(), 60
        )

    @skipUnless(connection.vendor == "postgresql", "only PostgreSQL has the writers")
    def test_progress_only_grows_and_ends_at_the_total(self):
        rows = [
            f"100,{1 + n // 5},1,{n % 5 + 1},,नाम {n},F,पिता {n},{n},30,M,,"
            for n in range(200)
        ]
        seen: list[tuple[int, int]] = []
        ri = roll_import(
            file=io.BytesIO(csv_bytes(*rows)),
            by=None,
            batch_size=3,
            progress=lambda done, total: seen.append((done, total)),
        )
        self.assertEqual(ri.created, 200)
        self.assertEqual([d for d, _t in seen], sorted({d for d, _t in seen}))
        self.assertEqual(seen[-1], (200, 200))

    @skipUnless(connection.vendor == "postgresql", "only PostgreSQL has the writers")
    def test_a_big_load_leaves_fresh_statistics_on_every_roll_table(self):
        tables = {"rolls_voter", "rolls_voterword", "rolls_household", "rolls_nameword"}
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            started = cursor.fetchone()[0]
        rows = [f"100,1,1,{n + 1},,नाम {n},F,पिता {n},{n},30,M,," for n in range(9)]
        with mock.patch.object(importer, "ANALYZE_AFTER", 5):  # 9 electors is "big"
            roll_import(file=io.BytesIO(csv_bytes(*rows)), by=None, batch_size=3)
        analyzed: set[str] = set()
        for _ in range(50):  # the writers' statistics reach the server as they close
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT relname FROM pg_stat_user_tables "
                    "WHERE relname = ANY(%s) AND last_analyze >= %s",
                    [sorted(tables), started],
                )
                analyzed = {name for (name,) in cursor.fetchall()}
            if analyzed == tables:
                break
            time.sleep(0.1)
        self.assertEqual(analyzed, tables)


class PlainLinesTests(BaseTestCase):
    """A CSV file without quotes is read line by line (fastlane.PlainLines); it must
    read exactly as the csv module reads it."""

    ALPHABET = [
        "a", "क", "़", "7", " ", "  ", "\t", ",", ",,", "\x1c", "\x85", "\u2028",
        "\u00a0", "\u200d", "\x0b", "\x0c", "\\", "'",
    ]  # fmt: skip
    ENDS = ["\n", "\r\n"]

    def read(self, data: bytes, plain: bool) -> tuple[list[str], int, list[Any]]:
        """Header, row count and records of `data`, read by lines or by the csv
        module."""
        if plain:
            header, records, total = importer._parse_csv(data)
            self.assertIsInstance(records, fastlane.PlainLines)
        else:
            with mock.patch.object(fastlane, "plain_lines", return_value=None):
                header, records, total = importer._parse_csv(data)
        return header, total, list(records())

    def random_file(self, seed: int) -> bytes:
        """A CSV file of random lines without quotes: blank ones, commas and odd white
        space, Devanagari, joiners, either line end, maybe a byte-order mark."""
        rng = random.Random(seed)
        lines = [HEADER]
        for _ in range(rng.randint(1, 30)):
            kind = rng.random()
            if kind < 0.15:
                lines.append("")
            elif kind < 0.3:
                lines.append(rng.choice([" ", ",,,", " , \t", "\x1c,\u2028"]))
            else:
                lines.append(
                    "".join(
                        rng.choice(self.ALPHABET) for _ in range(rng.randint(0, 25))
                    )
                )
        text = "".join(line + rng.choice(self.ENDS) for line in lines)
        if rng.random() < 0.3:
            text = text.rstrip("\r\n")  # no line end after the last line
        data = text.encode()
        return codecs.BOM_UTF8 + data if rng.random() < 0.2 else data

    def test_random_files_read_the_same_both_ways(self):
        for seed in range(40):
            data = self.random_file(seed)
            with self.subTest(seed=seed):
                self.assertEqual(
                    self.read(data, plain=True), self.read(data, plain=False)
                )

    def test_a_file_read_in_pieces_reads_as_one(self):
        """Big files are split into pieces at line ends; no line is lost, split or
        numbered wrongly where two pieces meet."""
        for seed in range(40, 60):
            data = self.random_file(seed)
            with self.subTest(seed=seed):
                whole = self.read(data, plain=True)
                with mock.patch.object(fastlane, "PIECE", 200):  # the header fits
                    self.assertEqual(self.read(data, plain=True), whole)
        with mock.patch.object(fastlane, "PIECE", 200):
            self.assertIsNone(fastlane.plain_lines(csv_bytes("1," + "x" * 300)))

    def test_a_line_longer_than_the_csv_modules_limit_takes_the_csv_module(self):
        """The limit counts characters: a Devanagari line of fewer characters than
        the limit but more bytes stays plain."""
        self.assertLess(len(HEADER), 300)
        old = csv.field_size_limit(300)
        try:
            hindi = csv_bytes("1," + "क" * 250)  # 750 bytes
            self.assertIsNotNone(fastlane.plain_lines(hindi))
            self.assertIsNone(fastlane.plain_lines(csv_bytes("1," + "x" * 400)))
        finally:
            csv.field_size_limit(old)

    def test_quotes_and_lone_carriage_returns_take_the_csv_module(self):
        self.assertIsNone(fastlane.plain_lines(csv_bytes('1,"a,b"')))
        self.assertIsNone(fastlane.plain_lines((HEADER + "\r1,2\r").encode()))
        cut = csv_bytes("1,x").replace(b",x", b",\xe0\xa4")  # half a Devanagari letter
        self.assertIsNone(fastlane.plain_lines(cut))
        self.assertIsNotNone(fastlane.plain_lines((HEADER + "\r\n1,2\r\n").encode()))
        # A quoted field with a line end in it is one row (line 2), as it should be.
        header, total, records = self.read(
            (HEADER + '\n100,1,1,1,,"राम\nलाल",F,x,1,30,M,,\n').encode(), plain=False
        )
        self.assertEqual((total, records[0][0], records[0][1][5]), (1, 2, "राम\nलाल"))
