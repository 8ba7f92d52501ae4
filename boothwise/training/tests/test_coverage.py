"""Coverage: who holding which post is trained, by block and booth; exports."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from pypdf import PdfReader

from boothwise.core.models import AuditEvent
from boothwise.core.pdf import pdf_words
from boothwise.organisation.models import Person, PostType
from boothwise.organisation.services import person_create, post_appoint
from boothwise.test import START
from boothwise.training import selectors, services
from boothwise.training.models import Level
from boothwise.training.tests.helpers import TrainingTestCase


class CoverageWorld(TrainingTestCase):
    """Trained: Chetan (booth president 100/1) and Bina (block president North 1).
    Untrained: Sunita (BLA-2 100/1), Ramesh (booth president 100/2), Kamla (booth
    president 101/1), Pooja (page in-charge 100/1), Dev (city president)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        chetan = Person.objects.get(user=cls.w.chetan)
        bina = Person.objects.get(user=cls.w.bina)
        for person in (chetan, bina):
            invitation = services.invitation_add(
                by=cls.w.asha, workshop=cls.state_ws, person=person
            )
            for session in cls.state_ws.sessions.all():
                services.attendance_mark(
                    by=cls.w.asha,
                    session=session,
                    invitation=invitation,
                    client_uuid=f"00000000-0000-4000-8000-{session.pk:06d}{person.pk:06d}",
                )


class CoverageTests(CoverageWorld):
    def test_city_totals_and_rows_by_block(self):
        cov = selectors.coverage(self.w.dev, self.w.ajmer_city)
        totals = {k: (t.trained, t.total) for k, t in cov.totals.items()}
        self.assertEqual(
            totals,
            {
                "presidents": (1, 2),
                "booth_presidents": (1, 3),
                "bla2": (0, 1),
                "page_incharges": (0, 1),
            },
        )
        self.assertEqual(cov.rows_are, "block")
        rows = {
            r.unit.name: {k: (t.trained, t.total) for k, t in r.tallies.items()}
            for r in cov.rows
        }
        self.assertEqual(
            rows["Ajmer North 1"],
            {
                "presidents": (1, 1),
                "booth_presidents": (1, 2),
                "bla2": (0, 1),
                "page_incharges": (0, 1),
            },
        )
        self.assertEqual(rows["Ajmer South 2"]["booth_presidents"], (0, 1))
        self.assertEqual(
            {h.post.person.name for h in cov.untrained},
            {"देव मीणा", "श्रीमती सुनीता देवी", "रमेश मीणा", "कमला देवी", "पूजा रावत"},
        )

    def test_block_rows_are_booths_with_vacancies_flagged(self):
        cov = selectors.coverage(self.w.bina, self.w.block_north)
        self.assertEqual(cov.rows_are, "booth")
        rows = {r.unit.name: r for r in cov.rows}
        self.assertEqual(set(rows), {"Booth 100/1", "Booth 100/2"})
        self.assertEqual(rows["Booth 100/1"].tallies["booth_presidents"].trained, 1)
        self.assertEqual(rows["Booth 100/1"].tallies["page_incharges"].total, 1)
        self.assertEqual(rows["Booth 100/2"].vacant, ["bla2"])

    def test_the_booth_president_sees_the_coverage_of_his_booth_only(self):
        self.client.force_login(self.w.chetan)
        own = self.client.get(
            reverse("training:coverage", args=[self.w.booth_100_1.pk])
        )
        self.assertEqual(own.status_code, 200)
        self.assertEqual(
            {h.post.person.name for h in own.context["cov"].holders},
            {"चेतन सांखला", "श्रीमती सुनीता देवी", "पूजा रावत"},
        )
        other = reverse("training:coverage", args=[self.w.booth_100_2.pk])
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_coverage_page_lists_the_untrained_and_the_cascade(self):
        self.client.force_login(self.w.asha)
        response = self.client.get(reverse("training:coverage", args=[self.w.state.pk]))
        self.assertContains(response, "Not yet trained (")
        self.assertContains(response, "कमला देवी")
        tree = response.context["tree"]
        self.assertEqual(
            [(n.workshop.title, n.depth) for n in tree],
            [("प्रदेश चुनावी कार्यशाला", 0), ("अजमेर शहर कार्यशाला", 1)],
        )
        self.assertEqual((tree[0].stats.invited, tree[0].stats.trained), (2, 2))

    def test_coverage_page_keeps_its_query_count(self):
        self.client.force_login(self.w.dev)
        url = reverse("training:coverage", args=[self.w.ajmer_city.pk])
        self.client.get(url)
        with self.assertNumQueries(17):
            self.client.get(url)
        person = person_create(by=None, name="नया बीएलए", unit=self.w.booth_101_1)
        post_appoint(
            by=None,
            person=person,
            post_type=PostType.BLA2,
            unit=self.w.booth_101_1,
            start_date=START,
        )
        with self.assertNumQueries(17):
            self.client.get(url)

    def test_the_landing_page_goes_straight_to_a_single_unit(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(reverse("training:coverage-home"))
        self.assertRedirects(
            response,
            reverse("training:coverage", args=[self.w.block_north.pk]),
            fetch_redirect_response=False,
        )


class CoverageExportTests(CoverageWorld):
    def test_csv_lists_everyone_with_trained_status_and_is_audited(self):
        self.client.force_login(self.w.dev)
        response = self.client.get(
            reverse("training:coverage-csv", args=[self.w.ajmer_city.pk])
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 7)
        chetan = next(r for r in rows if r["name"] == "चेतन सांखला")
        self.assertEqual(
            (chetan["trained"], chetan["trained_level"], chetan["block"]),
            ("yes", Level.STATE, "Ajmer North 1"),
        )
        event = AuditEvent.objects.get(verb="training.export")
        self.assertEqual(
            (event.actor, event.data),
            (self.w.dev, {"what": "coverage", "rows": 7, "format": "csv"}),
        )
        self.assertEqual(event.scope_path, self.w.ajmer_city.path)

    def test_pdf_is_in_hindi_with_names_and_is_audited(self):
        self.hindi_by_default()
        self.client.force_login(self.w.dev)
        response = self.client.get(
            reverse("training:coverage-pdf", args=[self.w.ajmer_city.pk])
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = "".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(response.content)).pages
        )
        self.assertIn(pdf_words("श्रीमती सुनीता देवी"), pdf_words(text))
        self.assertIn(pdf_words("कमला देवी"), pdf_words(text))
        self.assertTrue(
            AuditEvent.objects.filter(
                verb="training.export", data__format="pdf"
            ).exists()
        )

    def test_exports_need_the_export_action(self):
        # An MLA sees the booths of the AC but may not export lists.
        mla = person_create(by=None, name="विधायक जी", unit=self.w.ajmer_city)
        from boothwise.accounts.models import User

        user = User.objects.create_user(username="mla", password="x")
        mla.user = user
        mla.save(update_fields=["user"])
        post_appoint(
            by=None,
            person=mla,
            post_type=PostType.MLA,
            ac=self.w.ac100,
            start_date=START,
        )
        self.client.force_login(user)
        booth = self.w.booth_100_1.pk
        self.assertEqual(
            self.client.get(reverse("training:coverage", args=[booth])).status_code, 200
        )
        for name in ("coverage-csv", "coverage-pdf"):
            with self.subTest(name=name):
                url = reverse(f"training:{name}", args=[booth])
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(verb="training.export").exists())

    def test_zoya_and_nobody_export_nothing(self):
        for persona in ("zoya", "nobody"):
            for name in ("coverage-csv", "coverage-pdf", "coverage"):
                with self.subTest(persona=persona, name=name):
                    self.client.force_login(getattr(self.w, persona))
                    url = reverse(f"training:{name}", args=[self.w.ajmer_city.pk])
                    self.assertEqual(self.client.get(url).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(verb="training.export").exists())
