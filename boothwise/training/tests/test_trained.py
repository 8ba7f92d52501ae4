"""Who is trained: every topic the level's curriculum requires, attended."""

from __future__ import annotations

import uuid

from django.urls import reverse

from boothwise.training import selectors, services
from boothwise.training.models import Curriculum, Level
from boothwise.training.tests.helpers import TrainingTestCase, t


class TrainedTests(TrainingTestCase):
    def trained(self, person):
        return selectors.trained_levels([person.pk]).get(person.pk, {})

    def test_attending_every_required_session_trains_for_the_level(self):
        [invitation] = self.invite(self.state_ws, self.ramesh)
        sessions = self.sessions(self.state_ws)
        self.attend(invitation, *sessions[:2])
        self.assertEqual(self.trained(self.ramesh), {})
        self.attend(invitation, sessions[2])
        levels = self.trained(self.ramesh)
        self.assertEqual(set(levels), {Level.STATE})
        self.assertEqual(levels[Level.STATE].on, self.state_ws.date)
        self.assertEqual(levels[Level.STATE].workshop_id, self.state_ws.pk)

    def test_a_withdrawn_check_in_does_not_count(self):
        [invitation] = self.invite(self.state_ws, self.ramesh)
        sessions = self.sessions(self.state_ws)
        self.attend(invitation, *sessions)
        services.attendance_mark(
            by=self.w.asha,
            session=sessions[1],
            invitation=invitation,
            client_uuid=uuid.uuid4(),
            kind="withdrawn",
        )
        self.assertEqual(self.trained(self.ramesh), {})

    def test_a_missed_topic_can_be_made_up_at_another_workshop_of_the_level(self):
        [state_inv] = self.invite(self.state_ws, self.ramesh)
        [city_inv] = self.invite(self.city_ws, self.ramesh)
        self.attend(state_inv, *self.sessions(self.state_ws)[:2])
        # The city workshop is of a lower level: it does not complete the state level.
        self.attend(city_inv, self.sessions(self.city_ws)[2])
        self.assertEqual(set(self.trained(self.ramesh)), set())
        second = services.workshop_create(
            by=self.w.asha,
            title="दूसरी प्रदेश कार्यशाला",
            level=Level.STATE,
            unit=self.w.state,
            date=self.city_ws.date,
            venue="x",
            parent=self.state_ws,
        )
        [again] = self.invite(second, self.ramesh)
        self.attend(again, self.sessions(second)[2])
        self.assertEqual(self.trained(self.ramesh)[Level.STATE].workshop_id, second.pk)

    def test_the_curriculum_decides_and_a_change_applies_at_once(self):
        [invitation] = self.invite(self.state_ws, self.ramesh)
        self.attend(invitation, *self.sessions(self.state_ws)[:2])
        curriculum = Curriculum.objects.get(level=Level.STATE)
        curriculum.required_topics.remove(self.topics["voting_day"])
        self.assertEqual(set(self.trained(self.ramesh)), {Level.STATE})

    def test_workshop_counts_trained_only_from_its_own_sessions(self):
        invitations = self.invite(self.state_ws, self.ramesh, self.kamla)
        self.attend(invitations[0], *self.sessions(self.state_ws))
        self.attend(invitations[1], self.sessions(self.state_ws)[0])
        stats = selectors.workshop_stats([self.state_ws])[self.state_ws.pk]
        self.assertEqual((stats.invited, stats.attended, stats.trained), (2, 2, 1))

    def test_an_agenda_missing_a_required_topic_is_flagged(self):
        services.session_remove(by=self.w.dev, session=self.sessions(self.city_ws)[2])
        self.client.force_login(self.w.dev)
        response = self.client.get(
            reverse("training:workshop-detail", args=[self.city_ws.pk])
        )
        self.assertEqual(
            [topic.code for topic in response.context["gaps"]], ["voting_day"]
        )
        self.assertContains(response, "no one can be trained at this workshop yet")


class PersonPageTests(TrainingTestCase):
    def test_the_person_page_shows_trained_status_and_history(self):
        [invitation] = self.invite(self.state_ws, self.ramesh)
        self.attend(invitation, *self.sessions(self.state_ws))
        self.invite(self.city_ws, self.ramesh)
        self.client.force_login(self.w.bina)
        url = reverse("organisation:person-detail", args=[self.ramesh.pk])
        response = self.client.get(url)
        self.assertContains(response, "Trained: State")
        self.assertContains(response, "Invited as Booth president")
        self.assertContains(response, "attended 3 of 3 sessions")
        self.assertContains(response, "attended 0 of 3 sessions")
        # Bina cannot open the state or city workshops: named, not linked.
        self.assertNotContains(
            response, reverse("training:workshop-detail", args=[self.state_ws.pk])
        )
        self.client.force_login(self.w.asha)
        response = self.client.get(url)
        self.assertContains(
            response, reverse("training:workshop-detail", args=[self.state_ws.pk])
        )

    def test_someone_untrained_is_shown_as_such(self):
        self.client.force_login(self.w.dev)
        response = self.client.get(
            reverse("organisation:person-detail", args=[self.kamla.pk])
        )
        self.assertContains(response, "Not trained yet")


class SessionEditTests(TrainingTestCase):
    def test_the_organiser_adds_the_speaker_to_a_copied_session(self):
        session = self.sessions(self.city_ws)[0]
        self.client.force_login(self.w.dev)
        url = reverse("training:session-edit", args=[session.pk])
        response = self.client.post(
            url,
            {
                "topic": session.topic_id,
                "speaker": "देव मीणा",
                "starts_at": "10:30",
                "ends_at": "11:30",
            },
        )
        self.assertEqual(response.status_code, 302)
        session.refresh_from_db()
        self.assertEqual((session.speaker, session.starts_at), ("देव मीणा", t("10:30")))
        self.client.force_login(self.w.bina)
        self.assertEqual(self.client.get(url).status_code, 404)
