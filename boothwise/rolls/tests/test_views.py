"""The roll pages: who sees what, households, search, verification, imports with their
report and revision, the background job, and the claims-and-objections export."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from boothwise.core.models import AuditEvent
from boothwise.organisation.tests.helpers import PERSONAS, PagesTestCase, expect
from boothwise.rolls import jobs
from boothwise.rolls.importer import roll_import
from boothwise.rolls.models import RollImport, VerificationMark, Voter
from boothwise.rolls.tests.test_importer import HEADER, csv_bytes
from boothwise.test import build_world

FIRST_NAMES = [
    ("सुनीता", "Sunita", "F"),
    ("महेश", "Mahesh", "M"),
    ("कमला", "Kamla", "F"),
    ("दिनेश", "Dinesh", "M"),
    ("पुष्पा", "Pushpa", "F"),
    ("सुरेश", "Suresh", "M"),
]


def roll_lines(part: str = "1", ac: int = 100, count: int = 40) -> list[str]:
    """A small roll of one part: the Sankhla household first (serials 1–3, a father,
    his wife and a son named by first name only), then numbered neighbours; serial 35
    is a first-time voter outside page 1–30; section 2 from serial 21."""
    lines = [
        f"{ac},{part},1,1,ABC1234501,राकेश सांखला,F,मोहन लाल सांखला,12/3-ब,42,M,Rakesh Sankhla,Mohan Lal Sankhla",
        f"{ac},{part},1,2,ABC1234502,सीमा सांखला,H,राकेश सांखला,12/3-ब,38,F,Seema Sankhla,Rakesh Sankhla",
        f"{ac},{part},1,3,ABC1234503,अंकित सांखला,F,राकेश,12/3-ब,19,M,Ankit Sankhla,Rakesh",
    ]
    for serial in range(4, count + 1):
        name, name_en, gender = FIRST_NAMES[serial % len(FIRST_NAMES)]
        section = 1 if serial <= 20 else 2
        age = 18 if serial == 35 else 20 + (serial * 7) % 65
        house = str(20 + serial // 2)
        lines.append(
            f"{ac},{part},{section},{serial},XYZ{1000000 + serial},{name} मीणा {serial},"
            f"F,गोपाल मीणा,{house},{age},{gender},{name_en} Meena {serial},Gopal Meena"
        )
    return lines


def import_roll(lines: list[str], by=None, name: str = "roll.csv") -> RollImport:
    return roll_import(file=io.BytesIO(csv_bytes(*lines)), file_name=name, by=by)


def inline_jobs():
    """Run background jobs in the calling thread (a TestCase's data is not committed,
    so a real thread could not see it); the real thread is tested in JobThreadTests."""
    return mock.patch.object(jobs, "spawn", lambda job: job())


class RollPagesTestCase(PagesTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Importers store rejection reasons in the language of the import.
        cls.enterClassContext(translation.override("en"))
        cls.ri = import_roll(roll_lines(), by=cls.w.arun)
        cls.part = cls.w.booth_100_1.part
        cls.rakesh = Voter.objects.get(part=cls.part, serial_no=1)
        cls.ankit = Voter.objects.get(part=cls.part, serial_no=3)
        cls.far = Voter.objects.get(part=cls.part, serial_no=35)

    def setUp(self) -> None:
        super().setUp()
        data_dir = tempfile.mkdtemp(prefix="bw-rollsui-")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        self.enterContext(override_settings(DATA_DIR=Path(data_dir)))

    def login(self, persona: str) -> None:
        self.client.force_login(self.personas()[persona])

    def matrix(self, url: str, expected: dict[str, int], method: str = "get") -> None:
        for name in PERSONAS:
            with self.subTest(url=url, persona=name):
                self.login(name)
                response = getattr(self.client, method)(url)
                self.assertEqual(response.status_code, expected[name])


class AccessTests(RollPagesTestCase):
    def test_who_may_open_each_page(self):
        w = self.w
        part_id = self.part.pk
        ajmer = expect(200, zoya=404, nobody=404)
        cases = [
            (reverse("rolls:part-roll", args=[part_id]), ajmer),
            (reverse("rolls:part-changes", args=[part_id]), ajmer),
            (reverse("rolls:voter-detail", args=[self.rakesh.pk]), ajmer),
            # Serial 35 is outside Pooja's page (1–30).
            (
                reverse("rolls:voter-detail", args=[self.far.pk]),
                expect(200, pooja=404, zoya=404, nobody=404),
            ),
            (reverse("rolls:voter-search") + "?q=Rakesh", expect(200)),
            (
                reverse("rolls:import-list"),
                expect(200, chetan=403, pooja=403, nobody=403),
            ),
            (
                reverse("rolls:import-upload"),
                expect(200, chetan=403, pooja=403, nobody=403),
            ),
            # Bina holds two booths of AC 100, not the whole AC the import covers.
            (
                reverse("rolls:import-detail", args=[self.ri.pk]),
                expect(200, bina=404, chetan=404, pooja=404, zoya=404, nobody=404),
            ),
            (reverse("rolls:claims"), expect(200, pooja=403, nobody=403)),
            (
                reverse("rolls:claims") + f"?part={part_id}",
                expect(200, pooja=403, zoya=404, nobody=403),
            ),
            (
                reverse("rolls:claims") + f"?ac={w.ac100.pk}",
                expect(200, pooja=403, zoya=404, nobody=403),
            ),
            (
                reverse("rolls:part-changes-csv", args=[part_id]),
                expect(200, pooja=404, zoya=404, nobody=404),
            ),
            (
                reverse("rolls:claims-csv") + f"?part={part_id}",
                expect(200, pooja=403, zoya=404, nobody=403),
            ),
        ]
        for url, expected in cases:
            self.matrix(url, expected)

    def test_anonymous_is_sent_to_log_in(self):
        response = self.client.get(reverse("rolls:part-roll", args=[self.part.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_outsiders_see_no_ajmer_elector_anywhere(self):
        for persona in ("zoya", "nobody"):
            with self.subTest(persona=persona):
                self.login(persona)
                for url in (
                    reverse("rolls:voter-search") + "?q=Rakesh+Sankhla",
                    reverse("rolls:voter-search") + "?q=ABC1234501",
                    reverse("rolls:import-list"),
                    reverse("rolls:claims"),
                ):
                    response = self.client.get(url)
                    self.assertIn(response.status_code, (200, 403))
                    page = response.content.decode()
                    for secret in ("सांखला", "12/3-ब", "roll.csv", "Ajmer"):
                        self.assertNotIn(secret, page)


class PartRollTests(RollPagesTestCase):
    def url(self) -> str:
        return reverse("rolls:part-roll", args=[self.part.pk])

    def test_households_relatives_profile_and_first_time_voters(self):
        self.login("chetan")
        with self.assertNumQueries(8):
            response = self.client.get(self.url())
        roll = response.context["roll"]
        sankhla = roll.households[0]
        self.assertEqual(sankhla.house_no, "12/3-ब")
        self.assertEqual([e.voter.serial_no for e in sankhla.entries], [1, 2, 3])
        relatives = {e.voter.serial_no: e.relative for e in sankhla.entries}
        # Mohan Lal is not on this roll; Seema's husband and Ankit's father
        # ("राकेश", first name only) are Rakesh, serial 1.
        self.assertEqual(
            relatives, {1: None, 2: self.rakesh, 3: self.rakesh}, relatives
        )
        self.assertContains(response, f'href="#v{self.rakesh.pk}"', count=2)
        profile = roll.profile
        self.assertEqual(profile.total, 40)
        self.assertEqual(sum(n for _label, n in profile.bands), 40)
        self.assertEqual(dict(profile.bands)["18–19"], 2)
        self.assertEqual(sorted(v.serial_no for v in profile.first_time), [3, 35])
        genders = {code: n for code, _label, n in profile.genders}
        self.assertEqual(genders["M"] + genders["F"], 40)
        self.assertContains(response, "2 first-time voters (aged 18–19)")
        self.assertContains(response, "Section 2")

    def test_page_incharge_sees_only_serials_1_to_30(self):
        self.login("pooja")
        response = self.client.get(self.url())
        serials = [
            e.voter.serial_no
            for h in response.context["roll"].households
            for e in h.entries
        ]
        self.assertEqual(sorted(serials), list(range(1, 31)))
        self.assertEqual(response.context["roll"].profile.total, 30)
        self.assertNotContains(response, "Pushpa Meena 35")
        self.assertNotContains(response, "claims")

    def test_households_are_paginated_with_section_jumps(self):
        lines = roll_lines(part="2", count=250)
        import_roll(lines)
        self.login("bina")
        url = reverse("rolls:part-roll", args=[self.w.booth_100_2.part_id])
        first = self.client.get(url)
        self.assertEqual(first.context["pager"].page.paginator.num_pages, 2)
        self.assertEqual(len(first.context["pager"].page.object_list), 100)
        self.assertEqual(first.context["section_pages"], [(1, 1, ""), (2, 1, "")])
        second = self.client.get(url + "?page=2")
        self.assertContains(second, "Page 2 of 2")

    def test_a_part_without_a_roll_says_so(self):
        self.login("bina")
        response = self.client.get(
            reverse("rolls:part-roll", args=[self.w.booth_100_2.part_id])
        )
        self.assertContains(response, "No roll has been imported for this part yet")

    def test_booth_page_links_to_the_roll(self):
        self.login("chetan")
        response = self.client.get(
            reverse("organisation:booth-detail", args=[self.w.booth_100_1.pk])
        )
        self.assertContains(response, self.url())


class SearchTests(RollPagesTestCase):
    url = reverse("rolls:voter-search")

    def test_a_latin_name_finds_the_devanagari_entry(self):
        self.login("chetan")
        response = self.client.get(self.url, {"q": "rakes sankla"})
        hits = response.context["hits"]
        self.assertEqual(hits[0].voter, self.rakesh)
        self.assertContains(response, "राकेश सांखला")
        self.assertContains(response, "Rakesh Sankhla")
        self.assertContains(response, "AC 100 · part 1 · serial 1")
        self.assertContains(
            response, reverse("rolls:voter-detail", args=[self.rakesh.pk])
        )

    def test_typing_gets_only_the_results_fragment(self):
        self.login("chetan")
        response = self.client.get(
            self.url, {"q": "सीमा"}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, 'id="results"')
        self.assertNotContains(response, "<html")
        self.assertEqual(response.context["hits"][0].voter.serial_no, 2)

    def test_empty_and_no_result_states_help(self):
        self.login("chetan")
        empty = self.client.get(self.url)
        self.assertContains(empty, "Type a name as you would say it")
        none = self.client.get(self.url, {"q": "Xylophone Quartz"})
        self.assertContains(none, "No voter in your area matches")

    def test_page_incharge_finds_only_her_page(self):
        self.login("pooja")
        self.assertEqual(
            self.client.get(self.url, {"q": "Rakesh"}).context["hits"][0].voter,
            self.rakesh,
        )
        hits = self.client.get(self.url, {"q": "Pushpa Meena 35"}).context["hits"]
        self.assertNotIn(35, [h.voter.serial_no for h in hits])

    def test_ac_filter(self):
        import_roll(roll_lines(ac=101, part="1", count=5))
        self.login("dev")
        both = self.client.get(self.url, {"q": "Rakesh Sankhla"}).context["hits"]
        self.assertEqual({h.voter.ac.number for h in both[:2]}, {100, 101})
        only = self.client.get(
            self.url, {"q": "Rakesh Sankhla", "ac": str(self.w.ac101.pk)}
        )
        self.assertEqual({h.voter.ac.number for h in only.context["hits"]}, {101})
        self.assertContains(only, "All in my area")

    def test_a_user_without_the_roll_is_told_why(self):
        self.login("nobody")
        response = self.client.get(self.url, {"q": "Rakesh"})
        self.assertContains(response, "Your posts do not include the electoral roll")


class VoterPageTests(RollPagesTestCase):
    def url(self, voter: Voter) -> str:
        return reverse("rolls:voter-detail", args=[voter.pk])

    def verify(self, voter: Voter, kind: str = "absent", **extra):
        data = {"kind": kind, "note": "", "client_uuid": str(uuid.uuid4()), **extra}
        return self.client.post(
            reverse("rolls:voter-verify", args=[voter.pk]), data, follow=True
        )

    def test_details_household_and_verification_form(self):
        self.login("chetan")
        with self.assertNumQueries(9):
            response = self.client.get(self.url(self.rakesh))
        self.assertContains(response, "ABC1234501")
        self.assertContains(response, "मोहन लाल सांखला")
        members = [v.serial_no for v in response.context["members"]]
        self.assertEqual(members, [2, 3])
        self.assertContains(response, "What did you find at the door?")
        self.assertContains(response, 'name="client_uuid"')

    def test_only_verifiers_get_the_form(self):
        # An AC in-charge reads the roll but does not verify; a page in-charge neither.
        for persona in ("arun", "pooja"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(self.url(self.rakesh))
                self.assertIsNone(response.context["form"])
                self.assertNotContains(response, "What did you find at the door?")

    def test_a_mark_is_recorded_with_who_and_when(self):
        self.login("chetan")
        response = self.verify(self.rakesh, "shifted", note="गया जयपुर")
        self.assertContains(response, "Marked: Shifted.")
        mark = VerificationMark.objects.get()
        self.assertEqual(
            (mark.voter, mark.kind, mark.note, mark.by),
            (self.rakesh, "shifted", "गया जयपुर", self.w.chetan),
        )
        self.assertEqual(
            (mark.ac_id, mark.part_id, mark.serial_no),
            (self.w.ac100.pk, self.part.pk, 1),
        )
        self.assertContains(response, "by चेतन सांखला")

    def test_a_replayed_form_writes_one_mark_and_says_so(self):
        self.login("chetan")
        same = str(uuid.uuid4())
        self.verify(self.rakesh, "dead", client_uuid=same)
        again = self.verify(self.rakesh, "dead", client_uuid=same)
        self.assertContains(again, "This mark was already saved")
        self.assertEqual(VerificationMark.objects.count(), 1)

    def test_the_same_form_for_another_elector_is_refused(self):
        self.login("chetan")
        same = str(uuid.uuid4())
        self.verify(self.rakesh, client_uuid=same)
        response = self.verify(self.ankit, client_uuid=same)
        self.assertContains(
            response, "This form was already used for another elector", status_code=400
        )
        self.assertEqual(VerificationMark.objects.count(), 1)

    def test_a_note_with_an_aadhaar_number_is_refused(self):
        self.login("chetan")
        response = self.verify(self.rakesh, note="आधार 2345 6789 0123")
        self.assertContains(response, "Aadhaar", status_code=400)
        self.assertFalse(VerificationMark.objects.exists())

    def test_outsiders_and_non_verifiers_cannot_mark(self):
        for persona in ("zoya", "nobody", "pooja", "arun"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.verify(self.rakesh)
                self.assertEqual(response.status_code, 404)
        self.assertFalse(VerificationMark.objects.exists())

    def test_roll_changes_of_the_serial_are_listed(self):
        newer = roll_lines()
        newer[0] = newer[0].replace(",42,M,", ",43,M,")
        import_roll(newer, by=self.w.arun, name="roll-2025.csv")
        self.login("chetan")
        response = self.client.get(self.url(self.rakesh))
        self.assertContains(response, "roll-2025.csv")
        self.assertContains(response, "age: <del>42</del> → <ins>43</ins>", html=False)


class UploadTests(RollPagesTestCase):
    url = reverse("rolls:import-upload")

    def upload(self, data: bytes, name: str = "part1.csv"):
        with inline_jobs():
            return self.client.post(self.url, {"file": named(data, name)}, follow=True)

    def test_a_good_file_is_imported_and_its_report_shown(self):
        self.login("arun")
        lines = roll_lines(part="2", count=12)
        lines.append("100,2,1,13,,बिना उम्र,F,कोई,5,abc,M,,")
        response = self.upload(csv_bytes(*lines))
        ri = RollImport.objects.get(file_name="part1.csv")
        self.assertRedirects(response, reverse("rolls:import-detail", args=[ri.pk]))
        self.assertEqual(ri.status, RollImport.Status.DONE)
        self.assertEqual((ri.created, ri.rejected, ri.by), (12, 1, self.w.arun))
        self.assertEqual(response.context["state"], "done")
        self.assertContains(response, "new electors")
        self.assertContains(response, "The age abc is not a number.")
        self.assertEqual(jobs.upload_path(ri).read_bytes(), csv_bytes(*lines))
        self.assertFalse((jobs.uploads_dir() / f"import-{ri.pk}.alive").exists())

    def test_a_malformed_file_gets_a_clear_message_and_writes_nothing(self):
        self.login("arun")
        cases = [
            (b"\xff\xfe\x00b\x00i\x00n", "part.csv", "binary data"),
            ("नाम,उम्र\nराम,40\n".encode(), "part.csv", "missing columns: ac_no"),
            (
                csv_bytes("100,1,1,1", header=HEADER.replace(",gender", "")),
                "part.csv",
                "missing columns: gender",
            ),
            (csv_bytes(*roll_lines()[:2]), "part.pdf", "ending in .csv or .xlsx"),
            ("ac_no,part_no\n".encode("utf-16"), "part.csv", "binary data"),
        ]
        before = (RollImport.objects.count(), Voter.objects.count())
        for data, name, message in cases:
            with self.subTest(message=message):
                response = self.upload(data, name)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertEqual((RollImport.objects.count(), Voter.objects.count()), before)
        self.assertFalse(
            any(jobs.uploads_dir().glob("*")) if jobs.uploads_dir().exists() else False
        )

    def test_parts_outside_the_uploaders_area_are_refused(self):
        # Bina (block president) holds booths 100/1 and 100/2, not 101/1, and cannot
        # create new parts of AC 100; Zoya (Jaipur) holds nothing in Ajmer.
        cases = [
            ("bina", roll_lines(ac=101, part="1", count=3), "101/1"),
            ("bina", roll_lines(part="7", count=3), "100/7"),
            ("zoya", roll_lines(part="2", count=3), "100/2"),
        ]
        for persona, lines, shown in cases:
            with self.subTest(persona=persona, part=shown):
                self.login(persona)
                before = RollImport.objects.count()
                response = self.upload(csv_bytes(*lines))
                self.assertContains(response, "outside your area")
                self.assertContains(response, shown)
                self.assertEqual(RollImport.objects.count(), before)
        self.assertFalse(Voter.objects.filter(ac=self.w.ac101).exists())

    def test_an_xlsx_roll_is_imported_too(self):
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(HEADER.split(","))
        for line in roll_lines(part="2", count=6):
            sheet.append(line.split(","))
        buffer = io.BytesIO()
        book.save(buffer)
        self.login("bina")
        response = self.upload(buffer.getvalue(), "part2.xlsx")
        self.assertEqual(response.context["state"], "done")
        ri = RollImport.objects.get(file_name="part2.xlsx")
        self.assertEqual((ri.created, ri.rejected), (6, 0))
        self.assertEqual(jobs.upload_path(ri).suffix, ".xlsx")

    def test_who_holds_the_whole_ac_may_create_new_parts_of_it(self):
        # Dev (city president) holds every booth of AC 100, Arun the AC itself. Once
        # part 100/8 exists without a booth unit, only an AC holder covers AC 100.
        for persona, part in (("dev", "8"), ("arun", "7")):
            with self.subTest(persona=persona):
                self.login(persona)
                self.upload(csv_bytes(*roll_lines(part=part, count=3)), f"{part}.csv")
                ri = RollImport.objects.get(file_name=f"{part}.csv")
                self.assertEqual(ri.parts_created, [f"100/{part}"])
        self.login("asha")
        response = self.upload(csv_bytes(*roll_lines(part="9", count=3)))
        self.assertContains(response, "outside your area (100/9)")

    def test_nobody_cannot_upload(self):
        self.login("nobody")
        response = self.upload(csv_bytes(*roll_lines(count=3)))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(RollImport.objects.count(), 1)

    def test_a_job_that_crashes_is_recorded_as_failed(self):
        self.login("arun")
        with mock.patch.object(
            jobs, "roll_import", side_effect=RuntimeError("disk full")
        ):
            response = self.upload(csv_bytes(*roll_lines(part="2", count=3)))
        ri = RollImport.objects.get(file_name="part1.csv")
        self.assertEqual(ri.status, RollImport.Status.FAILED)
        self.assertIn("disk full", ri.message)
        self.assertContains(response, "disk full")


class ProcessKilled(Exception):
    pass


def kill(done: int, total: int) -> None:
    raise ProcessKilled


def named(data: bytes, name: str) -> io.BytesIO:
    """A file for the test client to upload under `name`."""
    stream = io.BytesIO(data)
    stream.name = name
    return stream


class ImportReportTests(RollPagesTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        newer = roll_lines()
        newer[0] = newer[0].replace(",42,M,", ",43,M,").replace("12/3-ब", "12/4")
        del newer[4]  # serial 5 is gone
        newer.append(
            "100,1,2,41,ABC7777777,नेहा सांखला,F,राकेश सांखला,12/3-ब,18,F,Neha Sankhla,"
        )
        newer.append("100,1,2,42,,,F,कोई,5,30,M,,")  # no name: rejected
        newer.append("100,2,1,1,ABC8888888,इमरान ख़ान,F,सलीम ख़ान,3A,30,M,Imran Khan,")
        cls.newer = import_roll(newer, by=cls.w.arun, name="roll-2025.csv")

    def url(self, **params) -> str:
        url = reverse("rolls:import-detail", args=[self.newer.pk])
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        return url

    def test_counts_rejected_rows_and_revision(self):
        self.login("arun")
        response = self.client.get(self.url())
        self.assertEqual(response.context["state"], "done")
        self.assertContains(response, "Import of roll-2025.csv")
        self.assertContains(response, "The elector has no name.")
        rejected = response.context["rejected_pager"].page.object_list
        self.assertEqual([r.line for r in rejected], [42])
        self.assertEqual(
            response.context["change_counts"],
            {"added": 1, "deleted": 1, "changed": 1},
        )
        rows = {r.change.serial_no: r for r in response.context["change_rows"]}
        self.assertEqual(rows[41].name, "नेहा सांखला")
        self.assertEqual(rows[5].change.kind, "deleted")
        changed = {f.label: (f.before, f.after) for f in rows[1].fields}
        self.assertEqual(
            changed, {"house number": ("12/3-ब", "12/4"), "age": ("42", "43")}
        )
        self.assertEqual(rows[1].name, "राकेश सांखला")
        self.assertContains(response, "Download as CSV")
        # Part 100/2's first roll is no revision.
        self.assertEqual([p.number for p in response.context["change_parts"]], ["1"])

    def test_revision_filtered_by_part(self):
        self.login("arun")
        response = self.client.get(self.url(part=self.w.booth_100_2.part_id))
        self.assertEqual(response.context["change_rows"], [])
        response = self.client.get(self.url(part=self.part.pk))
        self.assertEqual(len(response.context["change_rows"]), 3)

    def test_running_import_polls_and_finished_one_stops(self):
        running = RollImport.objects.create(
            file_name="big.csv", by=self.w.arun, rows_total=1000, rows_done=251
        )
        jobs.uploads_dir().mkdir(parents=True)
        (jobs.uploads_dir() / f"import-{running.pk}.csv").write_bytes(b"x")
        (jobs.uploads_dir() / f"import-{running.pk}.alive").touch()
        self.login("arun")
        url = reverse("rolls:import-detail", args=[running.pk])
        response = self.client.get(url, headers={"HX-Request": "true"})
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'hx-trigger="every 1s"')
        self.assertContains(response, 'value="25"')
        self.assertContains(response, "250 of 1,000 rows saved (25%).")
        # Every row saved, the import still running: it says what it is doing.
        RollImport.objects.filter(pk=running.pk).update(rows_done=1001)
        response = self.client.get(url, headers={"HX-Request": "true"})
        self.assertContains(response, 'hx-trigger="every 1s"')
        self.assertContains(response, "All rows are saved. Finishing the import")
        self.assertNotContains(response, "rows saved (")
        finished = self.client.get(self.url(), headers={"HX-Request": "true"})
        self.assertNotContains(finished, "every 1s")
        self.assertContains(finished, "new electors")

    def test_an_import_left_running_by_a_dead_process_is_interrupted_and_resumes(self):
        data = csv_bytes(*roll_lines(part="2", count=10))
        ri = RollImport.objects.create(file_name="part2.csv", by=self.w.arun)
        jobs.uploads_dir().mkdir(parents=True)
        (jobs.uploads_dir() / f"import-{ri.pk}.csv").write_bytes(data)
        # Its process committed a first batch of five rows, then was killed: a killed
        # process records nothing, so the import stays RUNNING, with no heartbeat.
        with self.assertRaises(ProcessKilled):
            roll_import(
                file=io.BytesIO(data), by=None, into=ri, batch_size=5, progress=kill
            )
        RollImport.objects.filter(pk=ri.pk).update(
            status=RollImport.Status.RUNNING, message="", finished_at=None
        )
        ri.refresh_from_db()
        self.assertEqual((ri.status, ri.rows_done), (RollImport.Status.RUNNING, 6))
        self.login("arun")
        url = reverse("rolls:import-detail", args=[ri.pk])
        response = self.client.get(url)
        self.assertEqual(response.context["state"], "interrupted")
        self.assertContains(response, "This import stopped before it finished")
        self.assertContains(response, "Resume the import")
        for outsider in ("zoya", "nobody", "bina"):
            self.login(outsider)
            response = self.client.post(reverse("rolls:import-resume", args=[ri.pk]))
            self.assertEqual(response.status_code, 404)
        ri.refresh_from_db()
        self.assertEqual(ri.status, RollImport.Status.RUNNING)  # nobody resumed it
        self.login("arun")
        with inline_jobs():
            response = self.client.post(
                reverse("rolls:import-resume", args=[ri.pk]), follow=True
            )
        self.assertContains(response, "The import continues from where it stopped.")
        resumed = AuditEvent.objects.get(verb="roll.import_resume")
        self.assertEqual((resumed.actor, resumed.object_id), (self.w.arun, str(ri.pk)))
        ri.refresh_from_db()
        self.assertEqual(ri.status, RollImport.Status.DONE)
        self.assertEqual(Voter.objects.filter(part=self.w.booth_100_2.part).count(), 10)
        self.assertEqual(response.context["state"], "done")

    def test_revision_csv_content_and_audit(self):
        self.login("arun")
        response = self.client.get(
            reverse("rolls:import-changes-csv", args=[self.newer.pk])
        )
        body = b"".join(response.streaming_content).decode("utf-8")
        self.assertTrue(body.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        self.assertEqual(rows[0][:4], ["AC", "Part", "Serial number", "Change"])
        by_serial = {r[2]: r for r in rows[1:]}
        self.assertEqual(by_serial["41"][3:6], ["Added", "ABC7777777", "नेहा सांखला"])
        self.assertEqual(by_serial["5"][3], "Deleted")
        self.assertIn("age: 42 → 43", by_serial["1"][10])
        event = AuditEvent.objects.get(verb="roll.export")
        self.assertEqual(event.actor, self.w.arun)
        self.assertEqual(event.data, {"list": "changes", "rows": 3, "part": None})

    def test_past_imports_are_listed_in_scope(self):
        self.login("arun")
        with self.assertNumQueries(5):
            response = self.client.get(reverse("rolls:import-list"))
        self.assertContains(response, "roll-2025.csv")
        self.assertContains(response, "roll.csv")
        self.login("bina")
        response = self.client.get(reverse("rolls:import-list"))
        self.assertNotContains(response, "roll-2025.csv")


class ClaimsTests(RollPagesTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        voters = {v.serial_no: v for v in Voter.objects.filter(part=cls.part)}
        now = timezone.now()

        def mark(serial, kind, minutes_ago, note=""):
            VerificationMark.objects.create(
                voter=voters[serial],
                ac_id=voters[serial].ac_id,
                part_id=cls.part.pk,
                serial_no=serial,
                kind=kind,
                note=note,
                by=cls.w.chetan,
                at=now - timezone.timedelta(minutes=minutes_ago),
                client_uuid=uuid.uuid4(),
            )

        mark(1, "absent", 30)
        mark(1, "found", 10)  # found later: off the list
        mark(2, "dead", 5, note="=cmd|' /C calc'!A0")
        mark(7, "shifted", 5, note="जयपुर चले गए")
        mark(9, "absent", 5)
        mark(9, "absent", 1)  # marked twice: listed once

    def test_page_lists_latest_findings_grouped_with_counts(self):
        self.login("chetan")
        with self.assertNumQueries(7):
            response = self.client.get(reverse("rolls:claims"), {"part": self.part.pk})
        self.assertEqual(
            response.context["counts"],
            [("dead", "Dead", 1), ("shifted", "Shifted", 1), ("absent", "Absent", 1)],
        )
        serials = [m.serial_no for m, _who in response.context["rows"]]
        self.assertEqual(serials, [2, 7, 9])
        self.assertContains(response, "Download CSV for Form 7")

    def test_csv_has_the_form7_columns_in_utf8_with_bom_and_is_audited(self):
        self.login("chetan")
        response = self.client.get(reverse("rolls:claims-csv"), {"part": self.part.pk})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        raw = b"".join(response.streaming_content)
        self.assertTrue(raw.startswith("\ufeff".encode()))
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        self.assertEqual(
            rows[0],
            [
                "AC",
                "Part",
                "Serial number",
                "EPIC number",
                "Name",
                "Relative",
                "House number",
                "Age",
                "Gender",
                "Finding",
                "Note",
                "Marked by",
                "Marked on",
            ],
        )
        self.assertEqual([r[2] for r in rows[1:]], ["2", "7", "9"])
        dead = rows[1]
        self.assertEqual(
            dead[:10],
            [
                "100",
                "1",
                "2",
                "ABC1234502",
                "सीमा सांखला",
                "राकेश सांखला",
                "12/3-ब",
                "38",
                "Female",
                "Dead",
            ],
        )
        # A note can never become a spreadsheet formula.
        self.assertEqual(dead[10], "'=cmd|' /C calc'!A0")
        self.assertEqual(dead[11], "चेतन सांखला")
        event = AuditEvent.objects.get(verb="roll.export")
        self.assertEqual(event.actor, self.w.chetan)
        self.assertEqual(event.part_id, self.part.pk)
        self.assertEqual(
            event.data,
            {
                "list": "claims",
                "rows": 3,
                "findings": {"dead": 1, "shifted": 1, "absent": 1},
            },
        )

    def test_outsiders_get_nothing_and_no_audit(self):
        for persona in ("zoya", "nobody"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(
                    reverse("rolls:claims-csv"), {"ac": self.w.ac100.pk}
                )
                self.assertIn(response.status_code, (403, 404))
        self.assertFalse(AuditEvent.objects.filter(verb="roll.export").exists())

    def test_landing_lists_acs_with_counts(self):
        self.login("arun")
        response = self.client.get(reverse("rolls:claims"))
        (ac, counts), *_ = response.context["acs"]
        self.assertEqual(ac, self.w.ac100)
        self.assertEqual([n for _k, _l, n in counts], [1, 1, 1])


class HindiTests(RollPagesTestCase):
    def test_every_roll_page_renders_in_hindi(self):
        self.hindi_by_default()
        self.login("asha")
        urls = [
            reverse("rolls:voter-search") + "?q=राकेश",
            reverse("rolls:voter-detail", args=[self.rakesh.pk]),
            reverse("rolls:part-roll", args=[self.part.pk]),
            reverse("rolls:part-changes", args=[self.part.pk]),
            reverse("rolls:import-list"),
            reverse("rolls:import-upload"),
            reverse("rolls:import-detail", args=[self.ri.pk]),
            reverse("rolls:claims"),
            reverse("rolls:claims") + f"?ac={self.w.ac100.pk}",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="hi">')


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class JobThreadTests(TransactionTestCase):
    """The real background thread, with committed data."""

    # The AC/PC master data comes from a data migration; keep it across the flush.
    serialized_rollback = True

    def setUp(self):
        self.w = build_world()
        data_dir = tempfile.mkdtemp(prefix="bw-rollsui-")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        self.enterContext(override_settings(DATA_DIR=Path(data_dir)))

    def test_upload_runs_in_a_background_thread_that_finishes(self):
        started = []
        real = jobs._spawn

        def spawn(job):
            started.append(True)
            real(job)

        self.client.force_login(self.w.arun)
        data = csv_bytes(*roll_lines(part="2", count=25))
        upload = named(data, "thread.csv")
        with mock.patch.object(jobs, "spawn", spawn):
            response = self.client.post(
                reverse("rolls:import-upload"), {"file": upload}
            )
        ri = RollImport.objects.get(file_name="thread.csv")
        self.assertRedirects(
            response,
            reverse("rolls:import-detail", args=[ri.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual(started, [True])
        deadline = timezone.now() + timezone.timedelta(seconds=30)
        while ri.status == RollImport.Status.RUNNING and timezone.now() < deadline:
            time.sleep(0.05)
            ri.refresh_from_db()
        self.assertEqual(ri.status, RollImport.Status.DONE)
        self.assertEqual(ri.created, 25)
        alive = jobs.uploads_dir() / f"import-{ri.pk}.alive"
        for _ in range(100):
            if not alive.exists():
                break
            time.sleep(0.05)
        self.assertFalse(alive.exists())
        self.assertEqual(jobs.import_state(ri), "done")
