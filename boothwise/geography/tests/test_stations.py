"""Importing polling stations from the canonical CSV (`boothwise import-stations`)."""

from __future__ import annotations

import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase

from boothwise.core.models import AuditEvent
from boothwise.geography.bounds import STATE_BOXES, in_state, state_box
from boothwise.geography.models import Part, State
from boothwise.geography.stations import (
    BAD_COORDINATES,
    BAD_PART_NUMBER,
    DUPLICATE_PART,
    HALF_COORDINATES,
    MISSING_NAME,
    OUTSIDE_STATE,
    UNKNOWN_AC,
    WRONG_FIELD_COUNT,
    StationFileError,
    stations_import,
)

HEADER = "ac_no,part_no,name,address,latitude,longitude\n"
GOOD = (
    HEADER
    + "100,1,Govt Sec School Makarwali,Makarwali,26.53866587,74.64083067\n"
    + "100,19,Govt Sec School Kotra room 3,,26.5,74.62\n"
    + "100,19A,Govt Sec School Kotra room 4,,26.5,74.62\n"
    + '101,2,"Adarsh Nagar School, Room 1",,,\n'
)


class StationImportTests(TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, content: str | bytes, name: str = "stations.csv") -> Path:
        path = Path(self.tmp.name) / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    def run_import(self, content: str | bytes, **kwargs):
        return stations_import(
            path=self.write(content), state=kwargs.pop("state", "RJ"), by=None, **kwargs
        )

    def test_happy_path_creates_parts_with_suffixes_and_coordinates(self):
        report = self.run_import(GOOD)
        self.assertEqual(
            (report.rows, report.created, report.updated, report.unchanged),
            (4, 4, 0, 0),
        )
        self.assertEqual(report.rejected, [])
        self.assertEqual(report.warnings, [])
        parts = Part.objects.filter(ac__state__abbr="RJ", ac__number=100)
        self.assertEqual([p.number for p in parts], ["1", "19", "19A"])
        first = parts.get(number="1")
        self.assertEqual(first.latitude, Decimal("26.538666"))
        self.assertEqual(first.longitude, Decimal("74.640831"))
        self.assertEqual(first.address, "Makarwali")
        self.assertEqual(parts.get(number="19A").number_int, 19)
        other = Part.objects.get(ac__state__abbr="RJ", ac__number=101, number="2")
        self.assertEqual(other.name, "Adarsh Nagar School, Room 1")
        self.assertIsNone(other.latitude)

    def test_reimport_changes_nothing_and_an_edit_is_an_update(self):
        self.run_import(GOOD)
        again = self.run_import(GOOD)
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 4))
        edited = GOOD.replace("room 4", "room no 4")
        report = self.run_import(edited)
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 1, 3))
        self.assertTrue(
            Part.objects.filter(number="19A", name__endswith="room no 4").exists()
        )

    def test_blank_coordinates_and_address_keep_what_is_stored(self):
        self.run_import(GOOD)
        report = self.run_import(HEADER + "100,1,Govt Sec School Makarwali,,,\n")
        self.assertEqual(report.unchanged, 1)
        part = Part.objects.get(ac__number=100, ac__state__abbr="RJ", number="1")
        self.assertEqual(part.address, "Makarwali")
        self.assertIsNotNone(part.latitude)

    def test_byte_order_mark_crlf_and_case_are_accepted(self):
        content = "\ufeff" + GOOD.replace("ac_no", "AC_NO ").replace("\n", "\r\n")
        report = self.run_import(content.encode("utf-8"))
        self.assertEqual(report.created, 4)
        self.assertEqual(report.rejected, [])

    def test_empty_columns_at_the_right_are_ignored(self):
        content = GOOD.replace("\n", ",,\n")
        report = self.run_import(content)
        self.assertEqual((report.created, report.rejected), (4, []))

    def test_dry_run_reports_but_writes_nothing(self):
        report = self.run_import(GOOD, dry_run=True)
        self.assertEqual(report.created, 4)
        self.assertFalse(Part.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(verb="stations.import").exists())

    def test_each_bad_row_is_rejected_with_its_line_and_reason(self):
        content = (
            HEADER
            + "100,5,Good School,,26.45,74.63\n"  # line 2
            + "999,1,Nowhere School,,,\n"  # 3 unknown AC in RJ
            + "abc,1,Nowhere School,,,\n"  # 4
            + "100,19-A,Dash School,,,\n"  # 5 bad part number
            + "100,A19,Letter School,,,\n"  # 6
            + "100,0,Zero School,,,\n"  # 7
            + "100,5,Again School,,,\n"  # 8 duplicate of line 2
            + "100,6,,,,\n"  # 9 missing name
            + "100,7,Bad Coordinates School,,north,74.6\n"  # 10
            + "100,8,NaN School,,nan,74.6\n"  # 11
            + "100,9,Short row\n"  # 12 wrong number of fields
        )
        report = self.run_import(content)
        self.assertEqual(report.created, 1)
        got = [(issue.line, issue.code) for issue in report.rejected]
        self.assertEqual(
            got,
            [
                (3, UNKNOWN_AC),
                (4, UNKNOWN_AC),
                (5, BAD_PART_NUMBER),
                (6, BAD_PART_NUMBER),
                (7, BAD_PART_NUMBER),
                (8, DUPLICATE_PART),
                (9, MISSING_NAME),
                (10, BAD_COORDINATES),
                (11, BAD_COORDINATES),
                (12, WRONG_FIELD_COUNT),
            ],
        )
        self.assertIn("999", report.rejected[0].reason)
        self.assertIn("line 2", report.rejected[5].reason)
        self.assertEqual(Part.objects.count(), 1)

    def test_an_ac_of_another_state_is_unknown_here(self):
        # AC 100 exists in Rajasthan; with --state DL the same number is another AC
        # or none, and UP has AC 403 which Rajasthan (200 ACs) does not.
        report = self.run_import(HEADER + "403,1,Some School,,,\n")
        self.assertEqual([i.code for i in report.rejected], [UNKNOWN_AC])
        report = self.run_import(HEADER + "403,1,Some School,,26.8,80.9\n", state="UP")
        self.assertEqual(report.created, 1)

    def test_lowercase_suffix_and_leading_zeros_are_normalised(self):
        report = self.run_import(HEADER + "100,019a,Aux School,,,\n")
        self.assertEqual(report.created, 1)
        self.assertTrue(Part.objects.filter(number="19A").exists())

    def test_coordinates_outside_the_state_are_reported_and_not_used(self):
        content = (
            HEADER
            + "100,1,Mumbai School,,19.07,72.88\n"
            + "100,2,Swapped School,,74.64,26.53\n"
            + "100,3,Half School,,26.5,\n"
        )
        report = self.run_import(content)
        self.assertEqual(report.created, 3)
        self.assertEqual(report.rejected, [])
        self.assertEqual(
            [(i.line, i.code) for i in report.warnings],
            [(2, OUTSIDE_STATE), (3, OUTSIDE_STATE), (4, HALF_COORDINATES)],
        )
        self.assertIn("swapped", report.warnings[1].reason)
        for part in Part.objects.all():
            self.assertIsNone(part.latitude)
            self.assertIsNone(part.longitude)

    def test_malformed_files_are_refused_and_change_nothing(self):
        self.run_import(GOOD)
        before = list(Part.objects.values_list("id", "name", "latitude"))
        events = AuditEvent.objects.count()
        cases: dict[str, str | bytes] = {
            "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "latin-1": (HEADER + "100,1,Sch\xe9ol changed,,,\n").encode("latin-1"),
            "wrong columns": "ac_id_09,booth_id_14,booth_name_14\n100,1,School\n",
            "missing column": "ac_no,name\n100,School\n",
            "repeated column": "ac_no,part_no,name,name\n100,1,School,School\n",
            "empty": b"",
            "blank": "\n \n",
        }
        expected_words = {
            "binary": "binary",
            "latin-1": "UTF-8",
            "wrong columns": "booth_id_14",
            "missing column": "part_no",
            "repeated column": "repeated",
            "empty": "empty",
            "blank": "empty",
        }
        for label, content in cases.items():
            with self.subTest(label), self.assertRaises(StationFileError) as caught:
                self.run_import(content)
            self.assertIn(expected_words[label], str(caught.exception))
        self.assertEqual(
            list(Part.objects.values_list("id", "name", "latitude")), before
        )
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_import_is_audited_with_its_counts(self):
        self.run_import(GOOD + "999,1,x,,,\n")
        event = AuditEvent.objects.get(verb="stations.import")
        self.assertEqual(event.object_type, "State")
        self.assertEqual(event.data["created"], 4)
        self.assertEqual(event.data["rejected"], 1)

    def test_file_object_instead_of_path(self):
        rj = State.objects.get(abbr="RJ")
        report = stations_import(file=io.BytesIO(GOOD.encode()), state=rj, by=None)
        self.assertEqual(report.created, 4)
        self.assertEqual(report.source, "-")


class ImportStationsCommandTests(TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def call(self, *args: str) -> str:
        out = io.StringIO()
        call_command("import_stations", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def test_readable_report(self):
        path = self.dir / "s.csv"
        path.write_text(GOOD + "100,x,Bad,,,\n", encoding="utf-8")
        out = self.call(str(path))
        self.assertIn(
            "Rows read: 5. Created 4, updated 0, unchanged 0, rejected 1", out
        )
        self.assertIn("line 6 (AC 100, part x)", out)

    def test_json_report_and_dry_run(self):
        path = self.dir / "s.csv"
        path.write_text(GOOD, encoding="utf-8")
        data = json.loads(self.call(str(path), "--json", "--dry-run"))
        self.assertEqual(data["created"], 4)
        self.assertTrue(data["dry_run"])
        self.assertFalse(Part.objects.exists())

    def test_unreadable_file_exits_with_1(self):
        path = self.dir / "s.csv"
        path.write_bytes(b"\x00\x01\x02")
        with self.assertRaises(CommandError) as caught:
            self.call(str(path))
        self.assertEqual(caught.exception.returncode, 1)
        with self.assertRaises(CommandError) as caught:
            self.call(str(self.dir / "missing.csv"))
        self.assertEqual(caught.exception.returncode, 1)
        self.assertFalse(Part.objects.exists())

    def test_unknown_state(self):
        path = self.dir / "s.csv"
        path.write_text(GOOD, encoding="utf-8")
        with self.assertRaises(CommandError):
            self.call(str(path), "--state", "XX")


class BoundsTests(TestCase):
    def test_every_state_in_the_geography_has_a_box(self):
        abbrs = set(State.objects.values_list("abbr", flat=True))
        self.assertEqual(len(abbrs), 35)
        self.assertEqual(abbrs - set(STATE_BOXES), set())


class BoxTests(SimpleTestCase):
    def test_rajasthan(self):
        box = state_box("rj")
        assert box is not None
        self.assertEqual(
            (box.lat_min, box.lat_max, box.lon_min, box.lon_max),
            (23.0, 30.2, 69.4, 78.3),
        )
        self.assertTrue(in_state("RJ", 26.45, 74.63))  # Ajmer
        self.assertTrue(in_state("RJ", 26.91, 75.79))  # Jaipur
        self.assertFalse(in_state("RJ", 22.57, 88.36))  # Kolkata
        self.assertTrue(in_state("WB", 22.57, 88.36))

    def test_boxes_are_well_formed(self):
        for abbr, box in STATE_BOXES.items():
            with self.subTest(abbr):
                self.assertLess(box.lat_min, box.lat_max)
                self.assertLess(box.lon_min, box.lon_max)
                self.assertTrue(box.lat_min >= 6 and box.lat_max <= 37.5)
                self.assertTrue(box.lon_min >= 68 and box.lon_max <= 97.5)
