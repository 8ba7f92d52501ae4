"""Appointing and relieving through the API: same services, same audit trail."""

from __future__ import annotations

from typing import Any

from boothwise.api.tests.base import ApiTestCase
from boothwise.core.models import AuditEvent
from boothwise.organisation.models import Post
from boothwise.organisation.services import person_create


class AppointRelieveTests(ApiTestCase):
    def setUp(self):
        self.ramesh = person_create(
            by=None, name="रमेश", name_en="Ramesh", unit=self.w.booth_100_1
        )

    def appoint(self, persona, **data):
        return self.post("/posts", persona, {"person_id": self.ramesh.id} | data)

    def test_appoint_then_relieve_writes_the_audit_trail(self):
        w = self.w
        response = self.appoint(
            "bina", post_type="bla2", unit_id=w.booth_100_1.id, start_date="2025-06-01"
        )
        self.assertEqual(response.status_code, 201)
        body = response.json()
        post = Post.objects.get(pk=body["id"])
        self.assertEqual(post.appointed_by, w.bina)
        self.assertEqual(body["post_type"], "bla2")
        self.assertEqual(body["person"]["id"], self.ramesh.id)
        self.assertEqual(body["start_date"], "2025-06-01")
        self.assertIs(body["current"], True)
        appoint = AuditEvent.objects.get(verb="post.appoint", object_id=str(post.pk))
        self.assertEqual(appoint.actor, w.bina)

        committee = self.get(f"/booths/{w.booth_100_1.id}", "bina").json()["committee"]
        self.assertEqual(committee["bla2"]["post_id"], post.pk)
        self.assertEqual((committee["filled"], committee["vacant"]), (2, 8))

        response = self.post(
            f"/posts/{post.pk}/relieve",
            "bina",
            {"end_date": "2025-07-01", "reason": "Moved to Jaipur"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(
            (body["end_date"], body["end_reason"], body["current"]),
            ("2025-07-01", "Moved to Jaipur", False),
        )
        relieve = AuditEvent.objects.get(verb="post.relieve", object_id=str(post.pk))
        self.assertEqual((relieve.actor, relieve.reason), (w.bina, "Moved to Jaipur"))

    def test_page_incharge_by_serial_range(self):
        part_id = self.w.booth_100_1.part_id
        response = self.appoint(
            "bina",
            post_type="page_incharge",
            part_id=part_id,
            serial_from=31,
            serial_to=60,
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["place"]["kind"], "page")
        # Chetan's serials 20–40 overlap Pooja's page 1–30.
        response = self.appoint(
            "bina",
            person_id=self.person("chetan").id,
            post_type="page_incharge",
            part_id=part_id,
            serial_from=20,
            serial_to=40,
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json(),
            {"detail": "These serial numbers overlap another page in-charge's page."},
        )

    def test_refusals(self):
        w = self.w
        booth = w.booth_100_1.id
        cases: list[tuple[str, dict[str, Any], int, str]] = [
            # A page in-charge may appoint nobody: 403 with the service's reason.
            (
                "pooja",
                {"post_type": "bla2", "unit_id": booth},
                403,
                "You cannot appoint to this post here.",
            ),
            # A booth president cannot appoint a second booth president.
            (
                "chetan",
                {"post_type": "booth_president", "unit_id": booth},
                403,
                "You cannot appoint to this post here.",
            ),
            (
                "bina",
                {"post_type": "booth_president", "unit_id": booth},
                422,
                "This post is already filled here. Relieve the present holder first.",
            ),
            (
                "bina",
                {"post_type": "bla2"},
                422,
                "A post is held at exactly one place.",
            ),
            (
                "bina",
                {"post_type": "bla2", "unit_id": w.booth_101_1.id},
                404,
                "Not found.",
            ),
            (
                "zoya",
                {"post_type": "bla2", "unit_id": w.booth_50_1.id},
                404,
                "Not found.",
            ),
        ]
        for persona, data, status, detail in cases:
            with self.subTest(persona=persona, data=data):
                response = self.appoint(persona, **data)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response.json(), {"detail": detail})
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())
        self.assertFalse(
            AuditEvent.objects.filter(verb="post.appoint", actor__isnull=False).exists()
        )

    def test_bad_input_is_422_with_detail_and_errors(self):
        response = self.appoint("bina", post_type="king", unit_id=self.w.booth_100_1.id)
        self.assertEqual(response.status_code, 422)
        body = response.json()
        self.assertEqual(set(body), {"detail", "errors"})
        self.assertIn("post_type", body["detail"])
        self.assertEqual(body["errors"][0]["loc"], ["body", "data", "post_type"])

    def test_relieve_refusals(self):
        w = self.w
        url = f"/posts/{w.chetan_post.id}/relieve"
        response = self.post(url, "chetan", {"reason": "Tired"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": "You cannot relieve this post."})
        response = self.post(url, "bina", {"reason": "x", "end_date": "2024-01-01"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json(), {"detail": "A post cannot end before it started."}
        )
        self.assertEqual(self.post(url, "zoya", {"reason": "x"}).status_code, 404)
        self.assertEqual(
            self.post("/posts/999999/relieve", "bina", {"reason": "x"}).status_code, 404
        )
        w.chetan_post.refresh_from_db()
        self.assertIsNone(w.chetan_post.end_date)
