"""The check-in desk: finding invitees, checking them in (append-only, idempotent),
undoing a check-in, and walk-ins."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse

from boothwise.organisation.models import Person
from boothwise.training import selectors, services
from boothwise.training.models import Attendance, Invitation
from boothwise.training.tests.helpers import TrainingTestCase


class DeskSearchTests(TrainingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.chetan_inv, cls.sunita_inv, cls.ramesh_inv = (
            services.invitation_add(by=cls.w.asha, workshop=cls.state_ws, person=p)
            for p in (
                Person.objects.get(user=cls.w.chetan),
                cls.sunita,
                cls.ramesh,
            )
        )

    def found(self, query):
        return [i.person.name for i in selectors.desk_search(self.state_ws, query)]

    def test_finds_by_name_in_either_script(self):
        for query in ("चेतन", "Chetan", "chet", "cheta", "sankhla chetan"):
            with self.subTest(query=query):
                self.assertEqual(self.found(query), ["चेतन सांखला"])

    def test_latin_typing_finds_a_name_written_only_in_devanagari(self):
        # Sunita has no Latin name on record; the phonetic key bridges the scripts.
        self.assertEqual(self.found("sunita"), ["श्रीमती सुनीता देवी"])
        self.assertEqual(self.found("Suneeta Devi"), ["श्रीमती सुनीता देवी"])

    def test_finds_by_invitation_code_in_any_case(self):
        code = self.ramesh_inv.code
        self.assertEqual(self.found(code.lower()), ["रमेश मीणा"])
        self.assertEqual(self.found(f" {code[:3]} {code[3:]} "), ["रमेश मीणा"])

    def test_people_not_invited_are_not_found(self):
        self.assertEqual(self.found("Kamla"), [])
        self.assertEqual(self.found(""), [])

    def test_the_desk_search_keeps_its_query_count(self):
        self.client.force_login(self.w.asha)
        url = reverse("training:desk", args=[self.state_ws.pk])
        self.client.get(url, {"q": "a"})
        with self.assertNumQueries(10):
            response = self.client.get(url, {"q": "a"}, headers={"HX-Request": "true"})
        self.assertEqual(len(response.context["rows"]), 2)
        self.attend(self.chetan_inv, *self.sessions(self.state_ws))
        with self.assertNumQueries(10):
            self.client.get(url, {"q": "a"}, headers={"HX-Request": "true"})


class CheckInTests(TrainingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        [cls.invitation] = [
            services.invitation_add(
                by=cls.w.asha, workshop=cls.state_ws, person=cls.ramesh
            )
        ]

    def setUp(self):
        super().setUp()
        self.session = self.sessions(self.state_ws)[0]
        self.url = reverse("training:check-in", args=[self.state_ws.pk])

    def post(self, kind="present", client_uuid=None, htmx=True):
        data = {
            "session": self.session.pk,
            "invitation": self.invitation.pk,
            "kind": kind,
            "client_uuid": str(client_uuid or uuid.uuid4()),
            "q": "ramesh",
        }
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(self.url, data, headers=headers)

    def test_one_tap_checks_in_and_shows_who_did_it(self):
        self.client.force_login(self.w.asha)
        response = self.post()
        self.assertContains(response, "Checked in at")
        self.assertContains(response, "आशा शर्मा")
        self.assertContains(response, 'id="desk-count" hx-swap-oob="true"')
        self.assertContains(response, "1 of 1 invitees checked in to this session")
        row = Attendance.objects.get()
        self.assertEqual(
            (row.person, row.session, row.by, row.kind),
            (self.ramesh, self.session, self.w.asha, "present"),
        )
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.rsvp, Invitation.Rsvp.YES)

    def test_a_double_tap_is_recorded_once(self):
        self.client.force_login(self.w.asha)
        tap = uuid.uuid4()
        self.post(client_uuid=tap)
        self.post(client_uuid=tap)
        # A second desk tapping the same person with its own uuid adds nothing either.
        self.post()
        self.assertEqual(Attendance.objects.count(), 1)

    def test_undo_is_a_new_row_and_the_person_is_no_longer_present(self):
        self.client.force_login(self.w.asha)
        self.post()
        response = self.post(kind="withdrawn")
        self.assertContains(response, "Check in:")
        self.assertEqual(
            list(Attendance.objects.order_by("id").values_list("kind", flat=True)),
            ["present", "withdrawn"],
        )
        self.assertEqual(selectors.session_counts(self.state_ws), {})
        self.post()
        self.assertEqual(Attendance.objects.count(), 3)
        self.assertEqual(selectors.session_counts(self.state_ws), {self.session.pk: 1})

    def test_without_javascript_the_desk_reloads_on_the_invitee(self):
        self.client.force_login(self.w.asha)
        response = self.post(htmx=False)
        desk = reverse("training:desk", args=[self.state_ws.pk])
        self.assertRedirects(
            response,
            f"{desk}?session={self.session.pk}&q={self.invitation.code}",
            fetch_redirect_response=False,
        )

    def test_an_invitation_of_another_workshop_is_refused(self):
        [other] = self.invite(self.city_ws, self.kamla)
        with self.assertRaisesMessage(ValidationError, "another workshop"):
            services.attendance_mark(
                by=self.w.asha,
                session=self.session,
                invitation=other,
                client_uuid=uuid.uuid4(),
            )
        self.client.force_login(self.w.asha)
        response = self.client.post(
            self.url,
            {
                "session": self.session.pk,
                "invitation": other.pk,
                "kind": "present",
                "client_uuid": str(uuid.uuid4()),
            },
        )
        self.assertEqual(response.status_code, 404)

    def test_only_the_organisers_check_people_in(self):
        for persona in ("dev", "bina", "chetan", "zoya", "nobody"):
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self.w, persona))
                self.assertEqual(self.post().status_code, 404)
        self.assertFalse(Attendance.objects.exists())


class WalkInTests(TrainingTestCase):
    def setUp(self):
        super().setUp()
        self.session = self.sessions(self.city_ws)[0]
        self.url = reverse("training:walk-in", args=[self.city_ws.pk])
        self.client.force_login(self.w.dev)

    def test_a_new_person_is_registered_invited_and_checked_in(self):
        response = self.client.post(
            f"{self.url}?session={self.session.pk}",
            {
                "name": "गीता कुमारी",
                "name_en": "Geeta Kumari",
                "unit": self.w.booth_101_1.pk,
                "session": self.session.pk,
                "client_uuid": str(uuid.uuid4()),
            },
        )
        self.assertEqual(response.status_code, 302)
        invitation = self.city_ws.invitations.get(person__name="गीता कुमारी")
        self.assertEqual(invitation.source, Invitation.Source.WALK_IN)
        self.assertEqual(invitation.person.unit, self.w.booth_101_1)
        self.assertEqual(
            list(Attendance.objects.values_list("person__name", "session")),
            [("गीता कुमारी", self.session.pk)],
        )

    def test_someone_already_in_the_organisation_is_found_and_checked_in(self):
        found = self.client.get(
            self.url, {"q": "kamla", "session": str(self.session.pk)}
        )
        self.assertEqual([p.name for p in found.context["people"]], ["कमला देवी"])
        self.client.post(
            self.url,
            {
                "person": self.kamla.pk,
                "session": self.session.pk,
                "client_uuid": str(uuid.uuid4()),
            },
        )
        self.assertTrue(self.city_ws.invitations.filter(person=self.kamla).exists())
        self.assertEqual(Attendance.objects.get().person, self.kamla)

    def test_a_walk_in_cannot_be_registered_outside_the_organisers_area(self):
        response = self.client.post(
            self.url,
            {
                "name": "x",
                "unit": self.w.booth_50_1.pk,
                "session": self.session.pk,
                "client_uuid": str(uuid.uuid4()),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("unit", response.context["form"].errors)
        zoya = Person.objects.get(user=self.w.zoya)
        response = self.client.post(self.url, {"person": zoya.pk})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.city_ws.invitations.exists())
