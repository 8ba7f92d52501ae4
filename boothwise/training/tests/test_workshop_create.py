"""Planning a workshop, and one "on the same lines" as a parent workshop."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from boothwise.core.models import AuditEvent
from boothwise.training import services
from boothwise.training.models import Level, Session, Workshop
from boothwise.training.tests.helpers import TrainingTestCase, t


class WorkshopCreateTests(TrainingTestCase):
    def test_same_lines_copies_the_agenda_and_records_the_parent(self):
        city = self.city_ws
        self.assertEqual(city.parent, self.state_ws)
        copied = [(s.topic.code, s.starts_at, s.speaker) for s in self.sessions(city)]
        self.assertEqual(
            copied,
            [
                ("election_strategy", t("10:00"), ""),
                ("booth_management", t("11:15"), ""),
                ("voting_day", t("13:00"), ""),
            ],
        )
        # The copy is independent: a change in the city agenda leaves the state one.
        services.session_add(
            by=self.w.dev,
            workshop=city,
            topic=self.topics["public_contact"],
            starts_at=t("15:00"),
            ends_at=t("16:00"),
        )
        self.assertEqual(self.state_ws.sessions.count(), 3)
        self.assertEqual(city.sessions.count(), 4)
        self.assertEqual(list(self.state_ws.children.all()), [city])

    def test_the_level_must_fit_the_organising_unit(self):
        with self.assertRaisesMessage(ValidationError, "cannot be organised by"):
            services.workshop_create(
                by=self.w.asha,
                title="x",
                level=Level.STATE,
                unit=self.w.ajmer_city,
                date=timezone.localdate(),
                venue="x",
            )

    def test_a_parent_must_be_at_or_above_the_level_and_hold_the_unit(self):
        block_ws = services.workshop_create(
            by=self.w.bina,
            title="ब्लॉक",
            level=Level.BLOCK,
            unit=self.w.block_north,
            date=timezone.localdate(),
            venue="x",
            parent=self.city_ws,
        )
        with self.assertRaisesMessage(ValidationError, "at its level or above"):
            services.workshop_create(
                by=self.w.dev,
                title="x",
                level=Level.DISTRICT,
                unit=self.w.ajmer_city,
                date=timezone.localdate(),
                venue="x",
                parent=block_ws,
            )
        with self.assertRaisesMessage(ValidationError, "within the unit of the parent"):
            services.workshop_create(
                by=self.w.asha,
                title="x",
                level=Level.BLOCK,
                unit=self.w.jaipur_block,
                date=timezone.localdate(),
                venue="x",
                parent=self.city_ws,
            )

    def test_creation_is_audited(self):
        event = AuditEvent.objects.get(
            verb="training.workshop_create", object_id=str(self.city_ws.pk)
        )
        self.assertEqual(event.actor, self.w.dev)
        self.assertEqual(event.scope_path, self.w.ajmer_city.path)
        self.assertEqual(event.data["parent"], self.state_ws.pk)


class WorkshopCreatePageTests(TrainingTestCase):
    url = reverse("training:workshop-create")

    def test_dev_plans_a_city_workshop_on_the_lines_of_one_he_is_invited_to(self):
        self.invite(self.state_ws, self.person_of(self.w.dev))
        self.client.force_login(self.w.dev)
        form = self.client.get(self.url, {"parent": self.state_ws.pk})
        self.assertEqual(form.status_code, 200)
        self.assertEqual(form.context["form"].initial["unit"], self.w.ajmer_city.pk)
        self.assertEqual(form.context["form"].initial["level"], Level.DISTRICT)
        date = timezone.localdate() + datetime.timedelta(days=30)
        response = self.client.post(
            f"{self.url}?parent={self.state_ws.pk}",
            {
                "title": "अजमेर शहर कार्यशाला 2",
                "level": "district",
                "unit": self.w.ajmer_city.pk,
                "date": date.isoformat(),
                "venue": "टाउन हॉल",
                "parent": self.state_ws.pk,
            },
        )
        workshop = Workshop.objects.get(title="अजमेर शहर कार्यशाला 2")
        self.assertRedirects(
            response, reverse("training:workshop-detail", args=[workshop.pk])
        )
        self.assertEqual(workshop.parent, self.state_ws)
        self.assertEqual(Session.objects.filter(workshop=workshop).count(), 3)

    def test_a_workshop_one_cannot_see_cannot_be_followed(self):
        # Dev is not invited to the state workshop and it is outside his area.
        self.client.force_login(self.w.dev)
        response = self.client.get(self.url, {"parent": self.state_ws.pk})
        self.assertEqual(response.status_code, 404)

    def test_units_offered_are_those_in_the_organisers_training_scope(self):
        for persona, expected in [
            ("dev", {"Ajmer city", "Ajmer North 1", "Ajmer South 2"}),
            ("bina", {"Ajmer North 1"}),
            ("zoya", {"Jaipur", "Jaipur block 1"}),
        ]:
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self.w, persona))
                response = self.client.get(self.url)
                units = response.context["form"].fields["unit"].queryset
                self.assertEqual({u.name for u in units}, expected)

    def test_zoya_cannot_plan_a_workshop_at_ajmer(self):
        self.client.force_login(self.w.zoya)
        response = self.client.post(
            self.url,
            {
                "title": "x",
                "level": "district",
                "unit": self.w.ajmer_city.pk,
                "date": timezone.localdate().isoformat(),
                "venue": "x",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("unit", response.context["form"].errors)
        self.assertFalse(Workshop.objects.filter(title="x").exists())

    def test_people_without_a_training_post_get_no_form(self):
        for persona in ("nobody", "chetan", "pooja", "arun"):
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self.w, persona))
                self.assertEqual(self.client.get(self.url).status_code, 404)


class WorkshopEditTests(TrainingTestCase):
    def test_the_organiser_moves_the_workshop_and_it_is_audited(self):
        url = reverse("training:workshop-edit", args=[self.city_ws.pk])
        self.client.force_login(self.w.dev)
        new_date = self.city_ws.date + datetime.timedelta(days=7)
        response = self.client.post(
            url,
            {
                "title": self.city_ws.title,
                "date": new_date.isoformat(),
                "venue": "टाउन हॉल",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.city_ws.refresh_from_db()
        self.assertEqual(
            (self.city_ws.date, self.city_ws.venue), (new_date, "टाउन हॉल")
        )
        event = AuditEvent.objects.get(verb="training.workshop_update")
        self.assertEqual(event.data["before"]["venue"], "जवाहर रंगमंच, अजमेर")
        for persona in ("bina", "zoya", "nobody"):
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self.w, persona))
                self.assertEqual(
                    self.client.post(
                        url, {"title": "x", "date": new_date.isoformat(), "venue": "x"}
                    ).status_code,
                    404,
                )
        self.city_ws.refresh_from_db()
        self.assertEqual(self.city_ws.venue, "टाउन हॉल")
