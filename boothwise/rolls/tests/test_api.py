"""The roll in API v1: search, an elector, a part's roll, verification marks and
imports; the same scope as the pages, and Zoya and nobody see and change nothing."""

from __future__ import annotations

import json
import uuid

from django.utils import translation

from boothwise.api.tests.base import API, ApiTestCase
from boothwise.rolls.models import RollImport, VerificationMark, Voter
from boothwise.rolls.tests.test_views import import_roll, roll_lines

OUTSIDERS = ("zoya", "nobody")


class RollApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.enterClassContext(translation.override("en"))
        cls.ri = import_roll(roll_lines(), by=cls.w.arun)
        cls.part = cls.w.booth_100_1.part
        cls.rakesh = Voter.objects.get(part=cls.part, serial_no=1)
        cls.far = Voter.objects.get(part=cls.part, serial_no=35)


class SearchApiTests(RollApiTestCase):
    def test_a_latin_query_finds_the_devanagari_entry(self):
        response = self.get("/voters/search", "chetan", q="Rakesh Sankhla", limit=3)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["query"], "Rakesh Sankhla")
        first = body["items"][0]
        self.assertEqual(
            {k: v for k, v in first.items() if k != "score"},
            {
                "id": self.rakesh.pk,
                "ac": {"id": self.w.ac100.pk, "number": 100, "name": "Ajmer North"},
                "part_id": self.part.pk,
                "part_no": "1",
                "section_no": 1,
                "serial_no": 1,
                "epic_no": "ABC1234501",
                "name": "राकेश सांखला",
                "name_en": "Rakesh Sankhla",
                "relation_type": "F",
                "relative_name": "मोहन लाल सांखला",
                "relative_name_en": "Mohan Lal Sankhla",
                "house_no": "12/3-ब",
                "age": 42,
                "gender": "M",
                "status": "on_roll",
            },
        )
        self.assertGreater(first["score"], 0.9)
        self.assertLessEqual(len(body["items"]), 3)

    def test_outsiders_find_nothing(self):
        for persona in OUTSIDERS:
            with self.subTest(persona=persona):
                response = self.get("/voters/search", persona, q="ABC1234501")
                self.assertEqual(response.json(), {"query": "ABC1234501", "items": []})

    def test_bad_requests(self):
        self.assertEqual(self.get("/voters/search", None, q="x").status_code, 401)
        self.assertEqual(self.get("/voters/search", "chetan").status_code, 422)
        response = self.get("/voters/search", "chetan", q="x", limit=51)
        self.assertEqual(response.status_code, 422)


class VoterApiTests(RollApiTestCase):
    def test_detail_with_household_changes_and_marks(self):
        VerificationMark.objects.create(
            voter=self.rakesh,
            ac_id=self.rakesh.ac_id,
            part_id=self.part.pk,
            serial_no=1,
            kind="absent",
            note="",
            by=self.w.chetan,
            at="2025-05-01T10:00:00+05:30",
            client_uuid=uuid.uuid4(),
        )
        response = self.get(f"/voters/{self.rakesh.pk}", "chetan")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([m["serial_no"] for m in body["household"]], [2, 3])
        self.assertEqual(body["changes"], [])
        (mark,) = body["marks"]
        self.assertEqual(
            {k: mark[k] for k in ("kind", "kind_label", "by", "voter_id")},
            {
                "kind": "absent",
                "kind_label": "Absent",
                "by": "चेतन सांखला",
                "voter_id": self.rakesh.pk,
            },
        )

    def test_who_sees_an_elector(self):
        cases = [
            (self.rakesh, {"chetan": 200, "pooja": 200, "zoya": 404, "nobody": 404}),
            (self.far, {"chetan": 200, "pooja": 404, "zoya": 404, "nobody": 404}),
        ]
        for voter, expected in cases:
            for persona, status in expected.items():
                with self.subTest(serial=voter.serial_no, persona=persona):
                    response = self.get(f"/voters/{voter.pk}", persona)
                    self.assertEqual(response.status_code, status)
        self.assertEqual(
            self.get("/voters/999999", "asha").json(), {"detail": "Not found."}
        )


class PartRollApiTests(RollApiTestCase):
    def test_paged_roll_with_profile(self):
        url = f"/parts/{self.part.pk}/roll"
        body = self.get(url, "chetan", limit=10, offset=0).json()
        self.assertEqual(body["count"], 40)
        self.assertEqual([i["serial_no"] for i in body["items"]], list(range(1, 11)))
        self.assertEqual(body["part"]["number"], "1")
        self.assertEqual(body["profile"]["total"], 40)
        self.assertEqual(body["profile"]["first_time"], 2)
        self.assertEqual(body["profile"]["ages"][0], {"band": "18–19", "count": 2})
        self.assertEqual(sum(body["profile"]["genders"].values()), 40)
        seema = body["items"][1]
        self.assertEqual(seema["relative_id"], self.rakesh.pk)
        self.assertEqual(seema["household_id"], self.rakesh.household_id)
        last = self.get(url, "chetan", limit=10, offset=35).json()
        self.assertEqual([i["serial_no"] for i in last["items"]], [36, 37, 38, 39, 40])

    def test_page_incharge_gets_serials_1_to_30_and_outsiders_404(self):
        url = f"/parts/{self.part.pk}/roll"
        body = self.get(url, "pooja", limit=200).json()
        self.assertEqual(body["count"], 30)
        self.assertEqual(max(i["serial_no"] for i in body["items"]), 30)
        for persona in OUTSIDERS:
            with self.subTest(persona=persona):
                self.assertEqual(self.get(url, persona).status_code, 404)


class VerificationApiTests(RollApiTestCase):
    def mark(self, persona, **data):
        payload = {
            "voter_id": self.rakesh.pk,
            "kind": "shifted",
            "client_uuid": str(uuid.uuid4()),
            **data,
        }
        return self.post("/verifications", persona, payload)

    def test_a_replayed_mark_is_stored_once(self):
        same = str(uuid.uuid4())
        first = self.mark("chetan", client_uuid=same, note="moved to Jaipur")
        self.assertEqual(first.status_code, 201)
        self.assertIs(first.json()["created"], True)
        again = self.mark("chetan", client_uuid=same, note="moved to Jaipur")
        self.assertEqual(again.status_code, 200)
        self.assertIs(again.json()["created"], False)
        self.assertEqual(again.json()["id"], first.json()["id"])
        mark = VerificationMark.objects.get()
        self.assertEqual(
            (mark.kind, mark.by, mark.note),
            ("shifted", self.w.chetan, "moved to Jaipur"),
        )

    def test_outsiders_and_non_verifiers_write_nothing(self):
        for persona in (*OUTSIDERS, "pooja", "arun"):
            with self.subTest(persona=persona):
                response = self.mark(persona)
                self.assertEqual(response.status_code, 404)
        self.assertFalse(VerificationMark.objects.exists())

    def test_invalid_marks_are_refused(self):
        self.assertEqual(self.mark("chetan", kind="voted").status_code, 422)
        response = self.mark("chetan", note="1234-5678-9012")
        self.assertEqual(response.status_code, 422)
        self.assertIn("Aadhaar", response.json()["detail"])
        self.assertEqual(
            self.mark("chetan", at="2099-01-01T00:00:00Z").status_code, 422
        )
        self.assertFalse(VerificationMark.objects.exists())
        response = self.client.post(
            API + "/verifications",
            "not json",
            content_type="application/json",
            headers=self.headers("chetan"),
        )
        self.assertEqual(response.status_code, 400)


class ImportApiTests(RollApiTestCase):
    def test_report_with_progress(self):
        response = self.get(f"/imports/{self.ri.pk}", "arun")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(
            {k: body[k] for k in ("file", "status", "state", "rows", "created")},
            {
                "file": "roll.csv",
                "status": "done",
                "state": "done",
                "rows": 40,
                "created": 40,
            },
        )
        self.assertEqual((body["rows_read"], body["percent"]), (40, 100))
        self.assertEqual(body["changes"], {"added": 0, "changed": 0, "deleted": 0})
        self.assertEqual(body["rejected_rows"], [])

    def test_a_running_command_line_import_shows_its_progress(self):
        running = RollImport.objects.create(
            file_name="state.csv", by=self.w.arun, rows_total=200, rows_done=101
        )
        body = self.get(f"/imports/{running.pk}", "arun").json()
        self.assertEqual((body["state"], body["percent"]), ("running", 50))

    def test_outsiders_get_404(self):
        for persona in (*OUTSIDERS, "bina", "chetan", "pooja"):
            with self.subTest(persona=persona):
                response = self.get(f"/imports/{self.ri.pk}", persona)
                self.assertEqual(response.status_code, 404)


class OpenApiTests(RollApiTestCase):
    def test_roll_operations_are_in_the_openapi_document(self):
        schema = json.loads(self.client.get(API + "/openapi.json").content)
        paths = {p: set(ops) for p, ops in schema["paths"].items()}
        for path, ops in {
            "/api/v1/voters/search": {"get"},
            "/api/v1/voters/{voter_id}": {"get"},
            "/api/v1/parts/{part_id}/roll": {"get"},
            "/api/v1/verifications": {"post"},
            "/api/v1/imports/{import_id}": {"get"},
        }.items():
            with self.subTest(path=path):
                self.assertEqual(paths[path], ops)
                for op in ops:
                    self.assertIn("security", schema["paths"][path][op])
