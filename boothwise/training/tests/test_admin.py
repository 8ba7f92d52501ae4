"""The party maintains its curriculum in the admin; attendance there is browse-only."""

from __future__ import annotations

from django.urls import reverse

from boothwise.accounts.models import User
from boothwise.training.models import Attendance, Curriculum, Topic
from boothwise.training.tests.helpers import TrainingTestCase


class CurriculumAdminTests(TrainingTestCase):
    def setUp(self):
        super().setUp()
        admin = User.objects.create_superuser(username="root", password="x")
        self.client.force_login(admin)

    def test_a_topic_is_added_and_required_for_block_workshops(self):
        response = self.client.post(
            reverse("admin:training_topic_add"),
            {
                "code": "bla_duties",
                "name": "The BLA-2's duties",
                "name_hi": "बीएलए-2 के दायित्व",
                "position": 90,
                "active": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        topic = Topic.objects.get(code="bla_duties")
        block = Curriculum.objects.get(level="block")
        required = [t.pk for t in block.required_topics.all()] + [topic.pk]
        url = reverse("admin:training_curriculum_change", args=[block.pk])
        self.client.post(url, {"level": "block", "required_topics": required})
        self.assertIn(topic, block.required_topics.all())

    def test_attendance_cannot_be_changed_or_deleted_there(self):
        [invitation] = self.invite(self.state_ws, self.ramesh)
        self.attend(invitation, self.sessions(self.state_ws)[0])
        row = Attendance.objects.get()
        change = reverse("admin:training_attendance_change", args=[row.pk])
        self.assertEqual(
            self.client.get(
                reverse("admin:training_attendance_changelist")
            ).status_code,
            200,
        )
        self.client.post(change, {"kind": "withdrawn"})
        delete = reverse("admin:training_attendance_delete", args=[row.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        row.refresh_from_db()
        self.assertEqual(row.kind, "present")
