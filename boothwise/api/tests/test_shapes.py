"""The exact JSON of each kind of object, as docs/api.md shows it."""

from __future__ import annotations

from django.utils import timezone

from boothwise.accounts.permissions import ROLE_ACTIONS, Action
from boothwise.api.tests.base import ApiTestCase
from boothwise.organisation.models import Post, PostType
from boothwise.organisation.services import person_phone_set


class ShapeTests(ApiTestCase):
    def ref(self, username):
        person = self.person(username)
        return {"id": person.id, "name": person.name, "name_en": person.name_en}

    def chetan_post_json(self):
        w = self.w
        return {
            "id": w.chetan_post.id,
            "post_type": "booth_president",
            "post_type_label": "Booth president",
            "person": self.ref("chetan"),
            "place": {
                "kind": "booth",
                "unit_id": w.booth_100_1.id,
                "ac_id": None,
                "part_id": None,
                "name": "Booth 100/1",
            },
            "serial_from": None,
            "serial_to": None,
            "start_date": "2025-01-01",
            "end_date": None,
            "end_reason": "",
            "current": True,
        }

    def test_unit(self):
        w = self.w
        response = self.get(f"/units/{w.block_north.id}", "bina")
        self.assertEqual(
            response.json(),
            {
                "id": w.block_north.id,
                "level": "block",
                "name": "Ajmer North 1",
                "name_hi": "",
                "parent_id": w.ajmer_city.id,
                "part_id": None,
                "children_count": 2,
                "descendant_counts": {"booth": 2},
            },
        )
        city = self.get(f"/units/{w.ajmer_city.id}", "dev").json()
        self.assertEqual(city["children_count"], 2)
        self.assertEqual(city["descendant_counts"], {"block": 2, "booth": 4})
        booth = self.get("/units", "chetan").json()["items"][0]
        self.assertEqual(booth["part_id"], w.booth_100_1.part_id)

    def test_booth(self):
        w = self.w
        part = w.booth_100_1.part
        pooja_post = Post.objects.get(person__user=w.pooja)
        expected_list_item = {
            "id": w.booth_100_1.id,
            "name": "Booth 100/1",
            "part_id": part.id,
            "part_number": "1",
            "station_name": "Govt School Makarwali",
            "ac": {"id": w.ac100.id, "number": 100, "name": w.ac100.name},
            "block": {
                "id": w.block_north.id,
                "level": "block",
                "name": "Ajmer North 1",
            },
        }
        self.assertEqual(
            self.get("/booths", "chetan").json(),
            {"count": 1, "limit": 50, "offset": 0, "items": [expected_list_item]},
        )
        self.assertEqual(
            self.get(f"/booths/{w.booth_100_1.id}", "bina").json(),
            {
                **expected_list_item,
                "address": "",
                "latitude": 26.45,
                "longitude": 74.64,
                "committee": {
                    "president": {
                        "post_id": w.chetan_post.id,
                        "person": self.ref("chetan"),
                        "start_date": "2025-01-01",
                    },
                    "bla2": None,
                    "youth": None,
                    "woman": None,
                    "members": [],
                    "members_vacant": 6,
                    "filled": 1,
                    "vacant": 9,
                },
                "page_incharges": [
                    {
                        "post_id": pooja_post.id,
                        "person": self.ref("pooja"),
                        "serial_from": 1,
                        "serial_to": 30,
                        "start_date": "2025-01-01",
                    }
                ],
            },
        )

    def test_person(self):
        w = self.w
        chetan = self.person("chetan")
        self.assertEqual(
            self.get(f"/people/{chetan.id}", "bina").json(),
            {
                "id": chetan.id,
                "name": "चेतन सांखला",
                "name_en": "Chetan Sankhla",
                "unit": {
                    "id": w.booth_100_1.id,
                    "level": "booth",
                    "name": "Booth 100/1",
                },
                "phone": None,
                "posts": {"current": [self.chetan_post_json()], "past": []},
            },
        )
        item = self.get("/people", "chetan", q="Chetan").json()["items"][0]
        self.assertEqual(
            item,
            {
                "id": chetan.id,
                "name": "चेतन सांखला",
                "name_en": "Chetan Sankhla",
                "unit": {
                    "id": w.booth_100_1.id,
                    "level": "booth",
                    "name": "Booth 100/1",
                },
            },
        )

    def test_phone_is_shown_only_while_consent_stands(self):
        chetan = self.person("chetan")
        person_phone_set(
            by=self.w.bina, person=chetan, phone="9876543210", notice_version="v1"
        )
        url = f"/people/{chetan.id}"
        self.assertEqual(self.get(url, "bina").json()["phone"], "9876543210")
        chetan.phone_consent.withdrawn_at = timezone.now()
        chetan.phone_consent.save(update_fields=["withdrawn_at"])
        self.assertIsNone(self.get(url, "bina").json()["phone"])

    def test_post(self):
        w = self.w
        items = self.get("/posts", "chetan", unit=w.booth_100_1.id).json()["items"]
        self.assertEqual(items, [self.chetan_post_json()])
        pooja_post = Post.objects.get(person__user=w.pooja)
        page = next(
            p
            for p in self.get("/posts", "bina").json()["items"]
            if p["id"] == pooja_post.id
        )
        self.assertEqual(
            page["place"],
            {
                "kind": "page",
                "unit_id": None,
                "ac_id": w.ac100.id,
                "part_id": w.booth_100_1.part_id,
                "name": "1 Govt School Makarwali",
            },
        )
        self.assertEqual((page["serial_from"], page["serial_to"]), (1, 30))
        arun_post = self.get("/me", "arun").json()["posts"][0]
        self.assertEqual(
            arun_post["place"],
            {
                "kind": "ac",
                "unit_id": None,
                "ac_id": w.ac100.id,
                "part_id": None,
                "name": str(w.ac100),
            },
        )

    def test_me(self):
        actions = sorted(ROLE_ACTIONS[PostType.BOOTH_PRESIDENT])
        self.assertEqual(
            self.get("/me", "chetan").json(),
            {
                "id": self.w.chetan.id,
                "username": "chetan",
                "language": "en",
                "person": self.ref("chetan"),
                "posts": [{**self.chetan_post_json(), "actions": actions}],
                "actions": actions,
            },
        )
        self.assertEqual(self.get("/me", "nobody").json()["person"], self.ref("nobody"))

    def test_me_uses_the_users_language(self):
        self.w.dev.language = "hi"
        self.w.dev.save(update_fields=["language"])
        self.assertEqual(self.get("/me", "dev").json()["language"], "hi")
        self.assertIn(Action.MANAGE_POSTS, self.get("/me", "dev").json()["actions"])

    def test_ac(self):
        w = self.w
        pc = w.ac100.pc
        ac_json = {
            "id": w.ac100.id,
            "state": "RJ",
            "number": 100,
            "name": w.ac100.name,
            "name_hi": w.ac100.name_hi,
            "reserved": w.ac100.reserved,
            "pc": {"id": pc.id, "number": pc.number, "name": pc.name},
        }
        self.assertEqual(self.get("/acs", "chetan").json()["items"], [ac_json])
        part = w.booth_100_1.part
        self.assertEqual(
            self.get(f"/acs/{w.ac100.id}", "chetan").json(),
            {
                **ac_json,
                "parts": [
                    {
                        "id": part.id,
                        "number": "1",
                        "name": "Govt School Makarwali",
                        "booth_id": w.booth_100_1.id,
                    }
                ],
            },
        )
        parts = self.get(f"/acs/{w.ac100.id}", "arun").json()["parts"]
        self.assertEqual([p["number"] for p in parts], ["1", "2", "19A"])
