"""Who sees what through the API: every endpoint × every persona.

Zoya (Jaipur) and nobody (no post) must see nothing of Ajmer: lists hold no Ajmer
item, and every Ajmer detail is a 404, the same as an id that does not exist.
"""

from __future__ import annotations

from boothwise.api.tests.base import ApiTestCase
from boothwise.organisation.models import Person, Post

AJMER_PERSONAS = ("asha", "dev", "arun", "bina", "chetan", "pooja")
OUTSIDERS = ("zoya", "nobody")
ALL = AJMER_PERSONAS + OUTSIDERS


def names(response):
    return {item["name"] for item in response.json()["items"]}


class ListScopeTests(ApiTestCase):
    def test_units_list_holds_exactly_the_units_in_scope(self):
        ajmer_booths = {"Booth 100/1", "Booth 100/2", "Booth 100/3", "Booth 101/1"}
        expected = {
            "asha": {
                "Rajasthan",
                "Ajmer",
                "Ajmer city",
                "Ajmer North 1",
                "Ajmer South 2",
                "Jaipur",
                "Jaipur block 1",
                "Booth 50/1",
            }
            | ajmer_booths,
            "dev": {"Ajmer city", "Ajmer North 1", "Ajmer South 2"} | ajmer_booths,
            "arun": {"Booth 100/1", "Booth 100/2", "Booth 100/3"},
            "bina": {"Ajmer North 1", "Booth 100/1", "Booth 100/2"},
            "chetan": {"Booth 100/1"},
            "pooja": {"Booth 100/1"},
            "zoya": {"Jaipur", "Jaipur block 1", "Booth 50/1"},
            "nobody": set(),
        }
        for persona in ALL:
            with self.subTest(persona=persona):
                response = self.get("/units", persona, limit=200)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(names(response), expected[persona])
                self.assertEqual(response.json()["count"], len(expected[persona]))

    def test_booths_list_holds_exactly_the_booths_in_scope(self):
        ajmer = {"Booth 100/1", "Booth 100/2", "Booth 100/3", "Booth 101/1"}
        expected = {
            "asha": ajmer | {"Booth 50/1"},
            "dev": ajmer,
            "arun": {"Booth 100/1", "Booth 100/2", "Booth 100/3"},
            "bina": {"Booth 100/1", "Booth 100/2"},
            "chetan": {"Booth 100/1"},
            "pooja": {"Booth 100/1"},
            "zoya": {"Booth 50/1"},
            "nobody": set(),
        }
        for persona in ALL:
            with self.subTest(persona=persona):
                self.assertEqual(names(self.get("/booths", persona)), expected[persona])

    def test_acs_list_holds_exactly_the_acs_in_scope(self):
        w = self.w
        expected = {
            "asha": {w.ac100.id, w.ac101.id, w.ac50.id},
            "dev": {w.ac100.id, w.ac101.id},
            "arun": {w.ac100.id},
            "bina": {w.ac100.id},
            "chetan": {w.ac100.id},
            "pooja": {w.ac100.id},
            "zoya": {w.ac50.id},
            "nobody": set(),
        }
        for persona in ALL:
            with self.subTest(persona=persona):
                items = self.get("/acs", persona).json()["items"]
                self.assertEqual({a["id"] for a in items}, expected[persona])

    def test_people_and_posts_lists_hold_nothing_of_ajmer_for_outsiders(self):
        ajmer_people = set(
            Person.objects.filter(
                unit__path__startswith=self.w.ajmer_district.path
            ).values_list("id", flat=True)
        )
        ajmer_posts = set(
            Post.objects.exclude(person__user=self.w.zoya).values_list("id", flat=True)
        )
        self.assertEqual(len(ajmer_people), 5)
        chetan = self.person("chetan")
        for persona in ALL:
            with self.subTest(persona=persona):
                people = {p["id"] for p in self.get("/people", persona).json()["items"]}
                posts = {p["id"] for p in self.get("/posts", persona).json()["items"]}
                if persona in OUTSIDERS:
                    self.assertEqual(people & ajmer_people, set())
                    self.assertEqual(posts & ajmer_posts, set())
                else:
                    self.assertIn(chetan.id, people)
                    self.assertIn(self.w.chetan_post.id, posts)
        zoya_people = self.get("/people", "zoya").json()["items"]
        self.assertEqual(
            {p["name_en"] for p in zoya_people}, {"Zoya Khan", "Naresh Kumar"}
        )
        for persona in ("nobody",):
            self.assertEqual(self.get("/people", persona).json()["count"], 0)
            self.assertEqual(self.get("/posts", persona).json()["count"], 0)

    def test_me_answers_everyone_with_only_their_own_posts(self):
        for persona in ALL:
            with self.subTest(persona=persona):
                body = self.get("/me", persona).json()
                self.assertEqual(body["username"], persona)
                self.assertEqual(len(body["posts"]), 0 if persona == "nobody" else 1)
        nobody = self.get("/me", "nobody").json()
        self.assertEqual(nobody["actions"], [])


class DetailScopeTests(ApiTestCase):
    def assert_statuses(self, path, expected, method="get", data=None):
        for persona in ALL:
            with self.subTest(path=path, persona=persona):
                if method == "get":
                    response = self.get(path, persona)
                else:
                    response = self.post(path, persona, data or {})
                self.assertEqual(response.status_code, expected[persona])
                if response.status_code == 404:
                    self.assertEqual(response.json(), {"detail": "Not found."})

    def matrix(self, allowed, ok=200):
        return {p: ok if p in allowed else 404 for p in ALL}

    def test_unit_details(self):
        w = self.w
        self.assert_statuses(
            f"/units/{w.block_north.id}", self.matrix({"asha", "dev", "bina"})
        )
        self.assert_statuses(f"/units/{w.ajmer_district.id}", self.matrix({"asha"}))
        self.assert_statuses(f"/units/{w.booth_100_1.id}", self.matrix(AJMER_PERSONAS))
        self.assert_statuses(f"/units/{w.jaipur.id}", self.matrix({"asha", "zoya"}))

    def test_booth_details(self):
        w = self.w
        self.assert_statuses(f"/booths/{w.booth_100_1.id}", self.matrix(AJMER_PERSONAS))
        self.assert_statuses(
            f"/booths/{w.booth_101_1.id}", self.matrix({"asha", "dev"})
        )
        # A unit that is not a booth is not found at /booths/.
        self.assert_statuses(f"/booths/{w.block_north.id}", self.matrix(()))

    def test_person_details(self):
        self.assert_statuses(
            f"/people/{self.person('chetan').id}", self.matrix(AJMER_PERSONAS)
        )
        self.assert_statuses(
            f"/people/{self.person('zoya').id}", self.matrix({"asha", "zoya"})
        )

    def test_ac_details(self):
        w = self.w
        self.assert_statuses(f"/acs/{w.ac100.id}", self.matrix(AJMER_PERSONAS))
        self.assert_statuses(f"/acs/{w.ac101.id}", self.matrix({"asha", "dev"}))
        self.assert_statuses(f"/acs/{w.ac50.id}", self.matrix({"asha", "zoya"}))

    def test_missing_ids_look_like_out_of_scope_ones(self):
        for path in (
            "/units/999999",
            "/booths/999999",
            "/people/999999",
            "/acs/999999",
        ):
            self.assert_statuses(path, self.matrix(()))

    def test_appoint_needs_person_and_place_in_scope(self):
        # A state president's post cannot be held at a booth: in scope the service
        # refuses it (422) without writing, out of scope it is a 404 before that.
        data = {
            "person_id": self.person("chetan").id,
            "post_type": "state_president",
            "unit_id": self.w.booth_100_1.id,
        }
        self.assert_statuses(
            "/posts", self.matrix(AJMER_PERSONAS, ok=422), method="post", data=data
        )
        self.assertEqual(Post.objects.count(), 7)

    def test_relieve_needs_the_post_in_scope(self):
        # A blank reason is refused (422) before anything is written.
        self.assert_statuses(
            f"/posts/{self.w.chetan_post.id}/relieve",
            self.matrix(AJMER_PERSONAS, ok=422),
            method="post",
            data={"reason": ""},
        )
        zoya_post = Post.objects.get(person__user=self.w.zoya)
        self.assert_statuses(
            f"/posts/{zoya_post.id}/relieve",
            self.matrix({"asha", "zoya"}, ok=422),
            method="post",
            data={"reason": ""},
        )
        self.assertFalse(Post.objects.filter(end_date__isnull=False).exists())


class FilterTests(ApiTestCase):
    def test_units_filter_by_level_and_parent(self):
        w = self.w
        response = self.get("/units", "dev", level="block")
        self.assertEqual(names(response), {"Ajmer North 1", "Ajmer South 2"})
        response = self.get("/units", "dev", parent=w.block_south.id)
        self.assertEqual(names(response), {"Booth 100/3", "Booth 101/1"})
        # A parent out of scope gives nothing of its own, only what is in scope.
        self.assertEqual(
            names(self.get("/units", "zoya", parent=w.block_south.id)), set()
        )
        response = self.get("/units", "dev", level="kingdom")
        self.assertEqual(response.status_code, 422)

    def test_booths_filter_by_ac_and_block(self):
        w = self.w
        response = self.get("/booths", "dev", ac=w.ac101.id)
        self.assertEqual(names(response), {"Booth 101/1"})
        response = self.get("/booths", "dev", block=w.block_south.id)
        self.assertEqual(names(response), {"Booth 100/3", "Booth 101/1"})
        response = self.get("/booths", "arun", block=w.block_south.id)
        self.assertEqual(names(response), {"Booth 100/3"})
        self.assertEqual(
            names(self.get("/booths", "dev", block=w.booth_100_1.id)), set()
        )
        self.assertEqual(names(self.get("/booths", "zoya", ac=w.ac100.id)), set())

    def test_people_search_in_either_script(self):
        for q in ("चेतन", "chetan", "SANKHLA"):
            with self.subTest(q=q):
                items = self.get("/people", "bina", q=q).json()["items"]
                self.assertEqual([p["name_en"] for p in items], ["Chetan Sankhla"])
        self.assertEqual(self.get("/people", "zoya", q="chetan").json()["count"], 0)

    def test_posts_filter_by_unit_and_current(self):
        w = self.w
        items = self.get("/posts", "asha", unit=w.booth_100_1.id).json()["items"]
        self.assertEqual([p["id"] for p in items], [w.chetan_post.id])
        total = self.get("/posts", "asha").json()["count"]
        self.assertGreater(total, 1)
        self.assertEqual(
            self.get("/posts", "asha", current="true").json()["count"], total
        )
        self.assertEqual(self.get("/posts", "asha", current="false").json()["count"], 0)

    def test_acs_filter_by_state(self):
        self.assertEqual(self.get("/acs", "asha", state="rj").json()["count"], 3)
        self.assertEqual(self.get("/acs", "asha", state="GJ").json()["count"], 0)


class PaginationTests(ApiTestCase):
    def test_limit_and_offset(self):
        everything = self.get("/units", "asha", limit=200).json()
        page = self.get("/units", "asha", limit=2, offset=1).json()
        self.assertEqual(page["count"], 12)
        self.assertEqual((page["limit"], page["offset"]), (2, 1))
        self.assertEqual(page["items"], everything["items"][1:3])
        default = self.get("/units", "asha").json()
        self.assertEqual((default["limit"], default["offset"]), (50, 0))

    def test_limit_over_the_maximum_is_422(self):
        for params in ({"limit": 201}, {"limit": 0}, {"offset": -1}):
            with self.subTest(params=params):
                response = self.get("/booths", "asha", **params)
                self.assertEqual(response.status_code, 422)
                self.assertTrue(
                    response.json()["detail"].startswith("The request is not valid:")
                )

    def test_booth_list_query_count_does_not_grow_with_the_page(self):
        self.get("/booths", "asha")  # stamps last_used_at
        # The token with its user's posts, then the booths' count, page and parts.
        with self.assertNumQueries(4):
            self.get("/booths", "asha", limit=1)
        with self.assertNumQueries(4):
            self.get("/booths", "asha", limit=200)

    def test_units_are_in_tree_order(self):
        items = self.get("/units", "asha").json()["items"]
        self.assertEqual(items[0]["name"], "Rajasthan")
