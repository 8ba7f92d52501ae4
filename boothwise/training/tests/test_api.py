"""Training in API v1: shapes, writes, idempotent attendance, and scope."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.conf import settings

from boothwise.api.tests.base import API, ApiTestCase
from boothwise.training import services
from boothwise.training.models import Attendance, Invitation, Workshop
from boothwise.training.tests.helpers import TrainingTestCase

TRAINING_PATHS = {
    "/api/v1/training/topics": {"get"},
    "/api/v1/training/workshops": {"get", "post"},
    "/api/v1/training/workshops/{workshop_id}": {"get"},
    "/api/v1/training/workshops/{workshop_id}/sessions": {"get", "post"},
    "/api/v1/training/workshops/{workshop_id}/invitations": {"get", "post"},
    "/api/v1/training/invitations/{invitation_id}/rsvp": {"post"},
    "/api/v1/training/workshops/{workshop_id}/attendance": {"get", "post"},
    "/api/v1/training/directives": {"get"},
    "/api/v1/training/workshops/{workshop_id}/directives": {"post"},
    "/api/v1/training/directives/{directive_id}/status": {"post"},
    "/api/v1/training/coverage/{unit_id}": {"get"},
    "/api/v1/training/people/{person_id}": {"get"},
}


class TrainingApiTestCase(ApiTestCase, TrainingTestCase):
    pass


class OpenApiTests(TrainingApiTestCase):
    def test_every_training_operation_is_in_the_document_and_in_docs_api_md(self):
        schema = json.loads(self.client.get(API + "/openapi.json").content)
        found = {
            path: set(ops)
            for path, ops in schema["paths"].items()
            if path.startswith("/api/v1/training/")
        }
        self.assertEqual(found, TRAINING_PATHS)
        text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text(encoding="utf-8")
        for path, methods in TRAINING_PATHS.items():
            for method in methods:
                with self.subTest(operation=f"{method.upper()} {path}"):
                    self.assertIn(f"{method.upper()} {path}", text)


class WorkshopApiTests(TrainingApiTestCase):
    def test_list_holds_what_each_persona_may_see(self):
        expected = {
            "asha": {"प्रदेश चुनावी कार्यशाला", "अजमेर शहर कार्यशाला"},
            "dev": {"अजमेर शहर कार्यशाला"},
            "bina": set(),
            "zoya": set(),
            "nobody": set(),
        }
        for persona, titles in expected.items():
            with self.subTest(persona=persona):
                response = self.get("/training/workshops", persona)
                self.assertEqual(response.status_code, 200)
                got = {item["title"] for item in response.json()["items"]}
                self.assertEqual(got, titles)

    def test_detail_shape(self):
        response = self.get(f"/training/workshops/{self.city_ws.pk}", "dev")
        body = response.json()
        self.assertEqual(
            set(body),
            {
                "id",
                "title",
                "level",
                "unit",
                "date",
                "venue",
                "parent_id",
                "stats",
                "sessions",
                "children_ids",
                "manages",
                "own_invitation_id",
            },
        )
        self.assertEqual(body["level"], "district")
        self.assertEqual(body["parent_id"], self.state_ws.pk)
        self.assertIs(body["manages"], True)
        self.assertEqual(
            body["stats"],
            {
                "invited": 0,
                "rsvp": {"pending": 0, "yes": 0, "maybe": 0, "no": 0},
                "attended": 0,
                "trained": 0,
            },
        )
        first = body["sessions"][0]
        self.assertEqual(first["starts_at"], "10:00:00")
        self.assertEqual(first["topic"]["code"], "election_strategy")
        self.assertEqual(first["topic"]["name_hi"], "चुनावी रणनीति")
        self.assertEqual(first["topic"]["required_for"], ["state", "district"])

    def test_an_invitee_from_outside_gets_the_workshop_without_figures(self):
        services.invitation_add(
            by=self.w.asha, workshop=self.state_ws, person=self.person("chetan")
        )
        body = self.get(f"/training/workshops/{self.state_ws.pk}", "chetan").json()
        self.assertIsNone(body["stats"])
        self.assertIs(body["manages"], False)
        self.assertIsNotNone(body["own_invitation_id"])
        listed = self.get("/training/workshops", "chetan").json()["items"]
        self.assertEqual(
            [(w["id"], w["stats"]) for w in listed], [(self.state_ws.pk, None)]
        )

    def test_outsiders_get_404_for_the_workshops(self):
        for persona in ("zoya", "nobody", "bina"):
            for path in (
                f"/training/workshops/{self.city_ws.pk}",
                f"/training/workshops/{self.city_ws.pk}/sessions",
                f"/training/workshops/{self.city_ws.pk}/invitations",
                f"/training/workshops/{self.city_ws.pk}/attendance",
                f"/training/coverage/{self.w.ajmer_city.pk}",
            ):
                with self.subTest(persona=persona, path=path):
                    self.assertEqual(self.get(path, persona).status_code, 404)
        self.assertEqual(self.get("/training/workshops", None).status_code, 401)

    def test_create_on_the_same_lines_copies_the_agenda(self):
        response = self.post(
            "/training/workshops",
            "bina",
            {
                "title": "उत्तर 1 ब्लॉक कार्यशाला",
                "level": "block",
                "unit_id": self.w.block_north.pk,
                "date": "2030-02-01",
                "venue": "स्कूल",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["sessions"], [])
        # The city workshop is not visible to Bina: she cannot follow it...
        follow = {
            "title": "x",
            "level": "block",
            "unit_id": self.w.block_north.pk,
            "date": "2030-02-01",
            "venue": "x",
            "parent_id": self.city_ws.pk,
        }
        self.assertEqual(
            self.post("/training/workshops", "bina", follow).status_code, 404
        )
        # ...until she is invited to it.
        services.invitation_add(
            by=self.w.dev, workshop=self.city_ws, person=self.person("bina")
        )
        response = self.post("/training/workshops", "bina", follow)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(len(response.json()["sessions"]), 3)

    def test_zoya_cannot_create_at_ajmer(self):
        response = self.post(
            "/training/workshops",
            "zoya",
            {
                "title": "x",
                "level": "district",
                "unit_id": self.w.ajmer_city.pk,
                "date": "2030-02-01",
                "venue": "x",
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Workshop.objects.filter(title="x").exists())

    def test_sessions_are_added_by_topic_code(self):
        path = f"/training/workshops/{self.city_ws.pk}/sessions"
        response = self.post(
            path,
            "dev",
            {
                "topic": "public_contact",
                "speaker": "देव मीणा",
                "starts_at": "15:00",
                "ends_at": "16:00",
            },
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["topic"]["code"], "public_contact")
        bad = {"topic": "public_contact", "starts_at": "16:00", "ends_at": "15:00"}
        self.assertEqual(self.post(path, "dev", bad).status_code, 422)
        self.assertEqual(len(self.get(path, "dev").json()), 4)


class InvitationApiTests(TrainingApiTestCase):
    def test_invite_by_post_then_list_and_answer(self):
        path = f"/training/workshops/{self.city_ws.pk}/invitations"
        response = self.post(path, "dev", {"post_types": ["booth_president", "bla2"]})
        self.assertEqual(
            response.json(), {"invited": 4, "already": 0, "invitation": None}
        )
        listing = self.get(path, "dev", q="chetan").json()
        self.assertEqual(listing["count"], 1)
        item = listing["items"][0]
        self.assertEqual(item["post_type"], "booth_president")
        self.assertEqual(item["place"], "Booth 100/1")
        self.assertEqual(item["rsvp"], "pending")
        # Chetan answers for himself; he cannot read the list.
        answer = self.post(
            f"/training/invitations/{item['id']}/rsvp", "chetan", {"rsvp": "yes"}
        )
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["rsvp"], "yes")
        self.assertEqual(self.get(path, "chetan").status_code, 404)
        other = Invitation.objects.get(workshop=self.city_ws, person=self.kamla)
        self.assertEqual(
            self.post(
                f"/training/invitations/{other.pk}/rsvp", "chetan", {"rsvp": "no"}
            ).status_code,
            404,
        )

    def test_invite_one_person(self):
        path = f"/training/workshops/{self.city_ws.pk}/invitations"
        response = self.post(path, "dev", {"person_id": self.kamla.pk})
        body = response.json()
        self.assertEqual((body["invited"], body["already"]), (1, 0))
        self.assertEqual(body["invitation"]["person"]["name"], "कमला देवी")
        again = self.post(path, "dev", {"person_id": self.kamla.pk}).json()
        self.assertEqual((again["invited"], again["already"]), (0, 1))
        zoya = self.post(path, "dev", {"person_id": self.person("zoya").pk})
        self.assertEqual(zoya.status_code, 404)


class AttendanceApiTests(TrainingApiTestCase):
    def test_check_in_by_code_is_idempotent(self):
        [invitation] = self.invite(self.city_ws, self.kamla)
        session = self.sessions(self.city_ws)[0]
        path = f"/training/workshops/{self.city_ws.pk}/attendance"
        tap = str(uuid.uuid4())
        data = {
            "session_id": session.pk,
            "code": invitation.code.lower(),
            "client_uuid": tap,
        }
        first = self.post(path, "dev", data)
        self.assertEqual(first.status_code, 201)
        self.assertEqual(first.json()["outcome"], "created")
        self.assertEqual(first.json()["attendance"]["by"], "dev")
        replay = self.post(path, "dev", data)
        self.assertEqual(replay.status_code, 200)
        self.assertEqual(replay.json()["outcome"], "replayed")
        again = self.post(path, "dev", {**data, "client_uuid": str(uuid.uuid4())})
        self.assertEqual(again.json()["outcome"], "unchanged")
        self.assertEqual(Attendance.objects.count(), 1)
        log = self.get(path, "dev").json()
        self.assertEqual(log["count"], 1)
        self.assertEqual(log["items"][0]["client_uuid"], tap)

    def test_outsiders_check_no_one_in(self):
        [invitation] = self.invite(self.city_ws, self.kamla)
        session = self.sessions(self.city_ws)[0]
        for persona in ("zoya", "nobody", "bina", "chetan"):
            with self.subTest(persona=persona):
                response = self.post(
                    f"/training/workshops/{self.city_ws.pk}/attendance",
                    persona,
                    {
                        "session_id": session.pk,
                        "invitation_id": invitation.pk,
                        "client_uuid": str(uuid.uuid4()),
                    },
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Attendance.objects.exists())


class CoverageAndDirectiveApiTests(TrainingApiTestCase):
    def test_coverage_shape(self):
        [invitation] = self.invite(self.state_ws, self.person("chetan"))
        self.attend(invitation, *self.sessions(self.state_ws))
        body = self.get(f"/training/coverage/{self.w.block_north.pk}", "bina").json()
        self.assertEqual(body["rows_are"], "booth")
        self.assertEqual(body["totals"]["booth_presidents"], {"trained": 1, "total": 2})
        self.assertEqual(
            {h["person"]["name"] for h in body["untrained"]},
            {"बीना गहलोत", "रमेश मीणा", "श्रीमती सुनीता देवी", "पूजा रावत"},
        )
        row = next(r for r in body["rows"] if r["unit"]["name"] == "Booth 100/2")
        self.assertEqual(row["vacant"], ["bla2"])
        person = self.get(f"/training/people/{self.person('chetan').pk}", "bina").json()
        self.assertEqual(person["trained"][0]["level"], "state")
        # The state workshop is outside Bina's area: named, without its id.
        self.assertIsNone(person["workshops"][0]["workshop_id"])

    def test_directives_are_given_and_closed(self):
        created = self.post(
            f"/training/workshops/{self.city_ws.pk}/directives",
            "dev",
            {
                "unit_id": self.w.block_north.pk,
                "text": "ब्लॉक कार्यशाला करें",
                "due_date": "2030-01-01",
            },
        )
        self.assertEqual(created.status_code, 201)
        directive_id = created.json()["id"]
        self.assertEqual(self.get("/training/directives", "bina").json()["count"], 1)
        self.assertEqual(self.get("/training/directives", "zoya").json()["count"], 0)
        done = self.post(
            f"/training/directives/{directive_id}/status", "bina", {"status": "done"}
        )
        self.assertEqual(done.json()["status"], "done")
        self.assertEqual(
            self.post(
                f"/training/directives/{directive_id}/status",
                "zoya",
                {"status": "open"},
            ).status_code,
            404,
        )

    def test_topics(self):
        topics = self.get("/training/topics", "chetan").json()
        codes = [t["code"] for t in topics]
        self.assertIn("booth_management", codes)
        roll = next(t for t in topics if t["code"] == "roll_verification")
        self.assertEqual(roll["required_for"], ["block"])
