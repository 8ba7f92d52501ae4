"""After the poll: the booth report (page, CSV, PDF) and voter slips for supporters.

The fixture, on part 100/1 the day before today: supporters 1, 2 (voted at 8:xx) and 4
(did not vote; serial 3 is not a supporter); marks of serials 1, 2 between 8 and 9 and of
5 and 31 between 10 and 11 (31 is outside Pooja's page); official figures 3 at 9 am and
6 at 11 am; one EVM incident, acted on and closed.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import unittest
import uuid

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from boothwise.core.browser import chromium, chromium_path
from boothwise.core.models import AuditEvent
from boothwise.core.pdf import pdf_words
from boothwise.geography.models import Part
from boothwise.outreach.tests.helpers import load_roll
from boothwise.rolls.models import Voter
from boothwise.test import PASSWORD, build_world
from boothwise.votingday import services
from boothwise.votingday.models import VotedMark
from boothwise.votingday.services import MarkIn, marks_record
from boothwise.votingday.tests.helpers import VotingdayTestCase, support

PARTY = "Jan Seva Party"
_REQUIRED = os.environ.get("BOOTHWISE_REQUIRE_BROWSER") == "True"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return pdf_words("\n".join(page.extract_text() for page in reader.pages))


def sections(content: bytes) -> dict[str, list[list[str]]]:
    """The CSV's sections: heading → its rows (the header row first)."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    found: dict[str, list[list[str]]] = {"": [rows[0]]}  # the title, then the facts
    current = ""
    for previous, row in zip(rows, rows[1:], strict=False):
        if len(row) == 1 and not previous:
            current = row[0]
            found[current] = []
        elif row:
            found[current].append(row)
    return found


def build_fixture(w, part):
    """The module docstring's fixture on `part`; returns the day of the poll."""
    zone = timezone.get_current_timezone()
    day = timezone.localdate() - datetime.timedelta(days=1)

    def at(hour, minute):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)

    support(
        w,
        part,
        {1: {1: 5, 2: 4, 3: 2}, 4: {4: 5}},
        at=at(7, 0) - datetime.timedelta(days=2),
    )
    Voter.objects.filter(part=part, serial_no=4).update(
        epic_no="ABC1234567", name_en="Mohan Sankhla"
    )
    Part.objects.filter(pk=part.pk).update(address="Makarwali Road, Ajmer")
    marks = [(1, at(8, 10)), (2, at(8, 50)), (5, at(10, 5)), (31, at(10, 40))]
    results = marks_record(
        by=w.chetan,
        items=[MarkIn(uuid.uuid4(), part.pk, s, "desk", t) for s, t in marks],
    )
    assert all(r.status == "accepted" for r in results), results
    for slot, count in ((9, 3), (9, 3), (11, 6), (11, 6)):
        services.turnout_enter(by=w.chetan, part=part, slot=slot, count=count)
    incident = services.incident_report(
        by=w.chetan, part=part, kind="evm", severity=2, note="VVPAT रुका"
    )
    services.incident_act(by=w.bina, incident=incident, note="Machine replaced")
    services.incident_act(
        by=w.bina, incident=incident, note="Polling resumed", closes=True
    )
    return day


class BoothReportTests(VotingdayTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.day = build_fixture(cls.w, cls.part)
        cls.mohan = Voter.objects.get(part=cls.part, serial_no=4).name
        cls.seema = Voter.objects.get(part=cls.part, serial_no=1).name

    def url(self, name, **query):
        url = reverse(f"votingday:{name}", args=[self.part.pk])
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return url

    def downloads(self):
        return [self.url("report-csv"), self.url("report-pdf"), self.url("slips-pdf")]

    # Access ----------------------------------------------------------------------------

    def test_outsiders_get_404_on_every_report_url_and_nothing_is_audited(self):
        for persona in ("zoya", "nobody"):
            self.login(persona)
            for url in [self.url("report"), *self.downloads()]:
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(verb__startswith="votingday."))

    def test_who_may_open_the_report(self):
        for persona, status in [
            ("chetan", 200),  # booth president: marks there
            ("pooja", 200),  # page in-charge: her page
            ("arun", 200),  # AC in-charge: war room
            ("bina", 200),  # block president: war room
            ("zoya", 404),
            ("nobody", 404),
        ]:
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(
                    self.client.get(self.url("report")).status_code, status
                )

    def test_without_export_there_is_no_download_and_no_audit(self):
        self.login("pooja")  # may mark her page, may not export
        page = self.client.get(self.url("report"))
        self.assertNotContains(page, self.url("report-csv"))
        self.assertNotContains(page, self.url("slips-pdf"))
        for url in self.downloads():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(verb__startswith="votingday."))

    # The page --------------------------------------------------------------------------

    def test_report_shows_hours_beside_official_figures_supporters_and_incidents(self):
        self.login("chetan")
        response = self.client.get(self.url("report"))
        report = response.context["report"]
        self.assertEqual(report.day, self.day)
        hours = {h.hour: (h.marks, h.cumulative, h.official) for h in report.hours}
        self.assertEqual(list(hours), list(range(7, 18)))
        self.assertEqual(hours[7], (0, 0, None))
        self.assertEqual(hours[8], (2, 2, 3))  # read at 9 am: official 3, marks 2
        self.assertEqual(hours[10], (2, 4, 6))
        self.assertEqual(hours[17], (0, 4, None))
        self.assertEqual((report.marked, report.electors), (4, 32))
        self.assertEqual(
            [[s.voter.serial_no for s in h.supporters] for h in report.households],
            [[4]],
        )
        self.assertEqual((report.supporters, report.supporters_voted), (3, 2))
        self.assertContains(response, "House 14")
        self.assertContains(response, self.mohan)
        self.assertContains(response, "Mohan Sankhla")
        self.assertNotContains(response, self.seema)  # voted: not on the list
        self.assertContains(response, "EVM or VVPAT malfunction")
        self.assertContains(response, "Machine replaced")
        self.assertContains(response, "Polling resumed")
        self.assertContains(response, self.url("report-csv"))
        self.assertContains(response, self.url("slips-pdf"))

    def test_the_page_reads_in_a_fixed_number_of_queries(self):
        self.login("chetan")
        with CaptureQueriesContext(connection) as before:
            self.client.get(self.url("report"))
        for kind in ("slow", "bogus"):
            incident = services.incident_report(
                by=self.w.chetan, part=self.part, kind=kind, severity=1
            )
            services.incident_act(by=self.w.bina, incident=incident, note="Seen")
        marks_record(
            by=self.w.chetan,
            items=[
                MarkIn(uuid.uuid4(), self.part.pk, s, "desk", timezone.now())
                for s in (6, 7, 8)
            ],
        )
        with self.assertNumQueries(len(before.captured_queries)):
            report = self.client.get(self.url("report")).context["report"]
        self.assertEqual((len(report.incidents), report.marked), (3, 7))

    def test_page_in_charge_report_covers_only_her_page(self):
        self.login("pooja")
        report = self.client.get(self.url("report")).context["report"]
        self.assertEqual(report.marked, 3)  # serial 31 is not on her page
        self.assertEqual(report.electors, 30)
        self.assertEqual(report.incidents, [])  # incidents are not hers to see

    def test_war_room_viewer_sees_supporters_and_incidents(self):
        self.login("arun")
        report = self.client.get(self.url("report")).context["report"]
        self.assertEqual(report.marked, 4)
        self.assertEqual(report.not_voted, 1)
        self.assertEqual(len(report.incidents), 1)

    def test_turnout_supporters_and_war_room_link_to_the_report(self):
        self.login("chetan")
        for name in ("turnout", "supporters"):
            with self.subTest(page=name):
                self.assertContains(self.client.get(self.url(name)), self.url("report"))
        self.login("arun")
        war_room = reverse("votingday:war-room") + f"?ac={self.w.ac100.pk}"
        self.assertContains(self.client.get(war_room), self.url("report"))

    # Downloads -------------------------------------------------------------------------

    def test_csv_has_the_counts_and_is_audited(self):
        self.login("chetan")
        response = self.client.get(self.url("report-csv"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        found = sections(response.getvalue())
        self.assertIn("Booth report", found[""][0][0])
        facts = {row[0]: row[1] for row in found[""][1:]}
        self.assertEqual(facts["Electors"], "32")
        self.assertEqual(facts["Marked as voted"], "4")
        self.assertEqual(facts["Supporters who did not vote"], "1")
        self.assertEqual(facts["Incidents"], "1")

        hours = found["Turnout by hour"]
        self.assertEqual(
            hours[0][:4], ["Hour", "Party marks", "Cumulative", "Official figure"]
        )
        by_hour = {row[0]: row[1:] for row in hours[1:]}
        self.assertEqual(by_hour["08:00–09:00"], ["2", "2", "3", "1"])
        self.assertEqual(by_hour["10:00–11:00"], ["2", "4", "6", "2"])
        self.assertEqual(by_hour["09:00–10:00"], ["0", "2", "", ""])
        self.assertEqual(sum(int(r[1]) for r in hours[1:] if r[1]), 4)

        waiting = found["Supporters who did not vote"]
        self.assertEqual(
            waiting[1:], [["14", "4", self.mohan, "Mohan Sankhla", "24", "Male", "5"]]
        )

        incidents = found["Incidents"]
        self.assertEqual(len(incidents), 2)
        self.assertEqual(incidents[1][1], "EVM or VVPAT malfunction")
        self.assertIn("Closed", incidents[1][3])
        self.assertIn("bina: Machine replaced", incidents[1][6])

        event = AuditEvent.objects.get(verb="votingday.export.report_csv")
        self.assertEqual(
            (
                event.actor,
                event.part_id,
                event.ac_id,
                event.data["supporters_not_voted"],
            ),
            (self.w.chetan, self.part.pk, self.part.ac_id, 1),
        )

    def test_pdf_has_hindi_headings_the_names_in_both_scripts_and_is_audited(self):
        self.hindi_by_default()
        self.login("chetan")
        response = self.client.get(self.url("report-pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        # Text extraction loses some conjuncts (प्त in समाप्ति), so the check reads
        # headings whose letters all come back; the title is whatever the catalogue
        # says (Hindi once translated).
        with translation.override("hi"):
            title = gettext("Booth report")
        for heading in ("आधिकारिक आँकड़ा", "मकान", "अंतर", title):
            with self.subTest(heading=heading):
                self.assertIn(pdf_words(heading), text)
        self.assertNotIn("Party marks", text)
        self.assertIn(pdf_words(self.mohan), text)
        self.assertIn("Mohan Sankhla", text)
        self.assertIn("Machine replaced", text)
        self.assertTrue(
            AuditEvent.objects.filter(
                verb="votingday.export.report_pdf", actor=self.w.chetan
            ).exists()
        )

    def test_pdf_follows_an_english_request(self):
        self.login("chetan")
        text = pdf_text(self.client.get(self.url("report-pdf")).content)
        self.assertIn("Booth report", text)
        self.assertIn("Turnout by hour", text)
        self.assertNotIn(pdf_words("आधिकारिक आँकड़ा"), text)

    # Voter slips -----------------------------------------------------------------------

    @override_settings(SITE_NAME=PARTY)
    def test_slips_name_the_elector_and_never_the_party(self):
        self.login("chetan")
        date = (self.day + datetime.timedelta(days=7)).isoformat()
        response = self.client.get(self.url("slips-pdf", who="waiting", date=date))
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        text = pdf_words("\n".join(p.extract_text() for p in reader.pages))
        self.assertIn(pdf_words(self.mohan), text)
        self.assertIn("Mohan Sankhla", text)
        self.assertIn("ABC1234567", text)
        self.assertIn("Govt School Makarwali", text)
        self.assertIn("Makarwali Road, Ajmer", text)
        self.assertIn("serial 4", text)
        self.assertIn(
            dateformat.format(self.day + datetime.timedelta(days=7), "j F Y"), text
        )
        self.assertNotIn(pdf_words(self.seema), text)  # has voted
        metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
        for party in (PARTY, "boothwise"):
            with self.subTest(party=party):
                self.assertNotIn(party.casefold(), text.casefold())
                self.assertNotIn(party.casefold(), metadata.casefold())
        event = AuditEvent.objects.get(verb="votingday.export.slips_pdf")
        self.assertEqual((event.actor, event.data["rows"]), (self.w.chetan, 1))

    def test_slips_for_all_supporters_include_those_who_voted(self):
        self.login("arun")
        response = self.client.get(self.url("slips-pdf", who="all"))
        text = pdf_text(response.content)
        for serial in (1, 2, 4):
            name = Voter.objects.get(part=self.part, serial_no=serial).name
            with self.subTest(serial=serial):
                self.assertIn(pdf_words(name), text)
        self.assertIn("serial 1", text)
        self.assertIn("Sima Sankhla", text)  # no Latin name on the roll: spelled out
        self.assertNotIn("serial 3", text)  # support 2: not a supporter
        event = AuditEvent.objects.get(verb="votingday.export.slips_pdf")
        self.assertEqual((event.actor, event.data["rows"]), (self.w.arun, 3))

    def test_a_bad_date_prints_nothing(self):
        self.login("chetan")
        response = self.client.get(
            self.url("slips-pdf", date="31-02-2026"), follow=True
        )
        self.assertRedirects(response, self.url("report"))
        self.assertContains(response, "Choose whose slips to print, and a valid date.")
        self.assertFalse(AuditEvent.objects.filter(verb="votingday.export.slips_pdf"))

    def test_no_slips_when_every_supporter_has_voted(self):
        marks_record(
            by=self.w.chetan,
            items=[MarkIn(uuid.uuid4(), self.part.pk, 4, "desk", timezone.now())],
        )
        self.login("chetan")
        response = self.client.get(self.url("slips-pdf"), follow=True)
        self.assertRedirects(response, self.url("report"))
        self.assertContains(response, "No supporter to print a slip for.")
        self.assertFalse(AuditEvent.objects.filter(verb="votingday.export.slips_pdf"))

    def test_an_undone_mark_puts_the_supporter_back_on_the_list(self):
        mark = VotedMark.objects.get(part=self.part, serial_no=2)
        services.mark_undo(by=self.w.chetan, mark_id=mark.pk, reason="wrong serial")
        self.login("chetan")
        report = self.client.get(self.url("report")).context["report"]
        self.assertEqual(report.marked, 3)
        self.assertEqual(report.hours[1].marks, 1)  # 8:00–9:00
        self.assertEqual(
            [
                (h.house_no, [s.voter.serial_no for s in h.supporters])
                for h in report.households
            ],
            [("12/3-ब", [2]), ("14", [4])],
        )


@unittest.skipIf(
    chromium_path() is None and not _REQUIRED,
    "Chromium is not installed (apt-get install chromium); CI requires it",
)
class ReportPageBrowserTests(StaticLiveServerTestCase):
    # The AC/PC master data comes from a data migration; keep it across the flush.
    serialized_rollback = True

    def test_the_report_reads_on_a_phone_without_sideways_scrolling(self):
        w = build_world()
        load_roll(w.arun)
        part = w.booth_100_1.part
        build_fixture(w, part)
        with chromium() as browser:
            page = browser.new_context(
                viewport={"width": 390, "height": 844}
            ).new_page()
            page.goto(self.live_server_url + reverse("accounts:login"))
            page.fill("#id_username", "chetan")
            page.fill("#id_password", PASSWORD)
            page.locator("form.stack button[type=submit]").click()
            page.wait_for_load_state()
            page.goto(
                self.live_server_url + reverse("votingday:report", args=[part.pk])
            )
            shots = os.environ.get("BOOTHWISE_SCREENSHOTS")
            if shots:
                page.screenshot(path=f"{shots}/votingday-report.png", full_page=True)
            self.assertLessEqual(
                page.evaluate("document.documentElement.scrollWidth"), 390
            )
            self.assertIn("Mohan Sankhla", page.inner_text("main"))
