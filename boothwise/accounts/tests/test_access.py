"""The access layer: who sees which units, parts, ACs, people and posts."""

from __future__ import annotations

import datetime
import unittest
from collections import Counter

from django.db import connection
from django.http import Http404

from boothwise.accounts.access import (
    access_booth,
    can_manage_post,
    current_posts_params,
    current_posts_q,
    visible,
)
from boothwise.accounts.models import ApiToken
from boothwise.accounts.permissions import Action
from boothwise.accounts.tokens import _BY_HASH, api_token_create, api_token_find
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.test import BaseTestCase

V = Action.VIEW_ORGANISATION


class ScopeTests(BaseTestCase):
    def booths_seen(self, user):
        qs = visible(user, V, Unit.objects.filter(level=Unit.Level.BOOTH))
        return set(qs.values_list("name", flat=True))

    def test_each_persona_sees_exactly_their_booths(self):
        w = self.w
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
        for username, user in self.personas().items():
            with self.subTest(persona=username):
                self.assertEqual(self.booths_seen(user), expected[username])
        self.assertEqual(w.booth_100_3.part.number, "19A")

    def test_out_of_scope_booth_is_indistinguishable_from_missing(self):
        w = self.w
        self.assertEqual(
            access_booth(w.bina, w.booth_100_1.id, action=V), w.booth_100_1
        )
        for booth_id in (w.booth_101_1.id, w.booth_50_1.id, 999999, "x"):
            with self.subTest(booth_id=booth_id), self.assertRaises(Http404):
                access_booth(w.bina, booth_id, action=V)

    def test_block_president_sees_both_acs_but_only_own_parts(self):
        w = self.w
        acs = visible(w.bina, V, AssemblyConstituency.objects.all())
        self.assertEqual(set(acs), {w.ac100})
        parts = visible(w.bina, V, Part.objects.all())
        self.assertEqual(set(parts), {w.booth_100_1.part, w.booth_100_2.part})
        acs_dev = visible(w.dev, V, AssemblyConstituency.objects.all())
        self.assertEqual(set(acs_dev), {w.ac100, w.ac101})

    def test_outsider_sees_no_ajmer_people_or_posts(self):
        w = self.w
        people = set(
            visible(w.zoya, V, Person.objects.all()).values_list("name_en", flat=True)
        )
        self.assertEqual(people, {"Zoya Khan", "Naresh Kumar"})
        posts = visible(w.zoya, V, Post.objects.all())
        self.assertEqual({p.post_type for p in posts}, {PostType.DISTRICT_PRESIDENT})

    def test_person_without_a_post_sees_nothing(self):
        for model in (Unit, Part, AssemblyConstituency, Person, Post):
            with self.subTest(model=model.__name__):
                self.assertFalse(
                    visible(self.w.nobody, V, model.objects.all()).exists()
                )

    def test_relieved_post_grants_nothing(self):
        from django.utils import timezone

        from boothwise.organisation.services import post_relieve

        w = self.w
        post_relieve(
            by=w.bina, post=w.chetan_post, end_date=timezone.localdate(), reason="moved"
        )
        w.chetan._boothwise_posts = None
        with self.assertRaises(Http404):
            access_booth(w.chetan, w.booth_100_1.id, action=V)


class SeniorityTests(BaseTestCase):
    def test_appointments_need_a_senior_post_covering_the_place(self):
        w = self.w
        P = PostType
        cases = [
            (w.bina, P.BOOTH_PRESIDENT, w.booth_100_2, True),
            (w.bina, P.BOOTH_PRESIDENT, w.booth_101_1, False),  # other block
            (w.bina, P.BLOCK_PRESIDENT, w.block_north, False),  # not junior
            (w.chetan, P.BOOTH_MEMBER, w.booth_100_1, True),
            (w.chetan, P.BOOTH_MEMBER, w.booth_100_2, False),
            (
                w.arun,
                P.BLA2,
                w.booth_100_3,
                True,
            ),  # AC in-charge over a booth of the AC
            (w.arun, P.BLA2, w.booth_101_1, False),
            (w.zoya, P.BOOTH_MEMBER, w.booth_100_1, False),
            (w.pooja, P.BOOTH_MEMBER, w.booth_100_1, False),
            (w.dev, P.BLOCK_PRESIDENT, w.block_south, True),
        ]
        for user, post_type, unit, expected in cases:
            with self.subTest(user=user.username, post=post_type, unit=unit.name):
                self.assertIs(can_manage_post(user, post_type, unit=unit), expected)


class AcPostVisibilityTests(BaseTestCase):
    def test_ac_incharge_post_is_seen_by_everyone_who_sees_a_booth_of_the_ac(self):
        w = self.w
        arun_post = Post.objects.get(person__user=w.arun)
        for persona, expected in [
            (w.asha, True),
            (w.dev, True),
            (w.bina, True),
            (w.arun, True),
            (w.zoya, False),
            (w.nobody, False),
        ]:
            with self.subTest(persona=persona.username):
                seen = visible(
                    persona, V, Post.objects.filter(pk=arun_post.pk)
                ).exists()
                self.assertIs(seen, expected)


class TokenPostsTests(BaseTestCase):
    def test_a_token_brings_exactly_its_users_current_posts_in_post_order(self):
        relieved = Post.objects.filter(person__user=self.w.arun).first()
        assert relieved is not None
        Post.objects.filter(pk=relieved.pk).update(end_date=relieved.start_date)
        for username, user in self.personas().items():
            with self.subTest(persona=username):
                key = api_token_create(user=user, name="phone")[1]
                token = api_token_find(key)
                assert token is not None
                expected = list(
                    Post.objects.filter(current_posts_q(), person__user=user)
                )
                posts = token.user._boothwise_posts
                self.assertEqual(posts, expected)
                self.assertEqual(
                    [(p.unit, p.part) for p in posts],
                    [(p.unit, p.part) for p in expected],
                )
                self.assertNotIn(relieved, posts)

    @unittest.skipUnless(connection.vendor == "postgresql", "reads PostgreSQL's plan")
    def test_a_token_reads_its_users_posts_by_index_not_every_post(self):
        # A state's party has lakhs of posts; every API request starts with this read.
        people = Person.objects.bulk_create(
            Person(name=f"कार्यकर्ता {n}", unit=self.w.booth_100_1) for n in range(3000)
        )
        Post.objects.bulk_create(
            Post(
                person=p,
                post_type=PostType.BOOTH_MEMBER,
                unit=self.w.booth_100_1,
                start_date=datetime.date(2026, 1, 1),
            )
            for p in people
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        key = api_token_create(user=self.w.chetan, name="phone")[1]
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (ANALYZE, FORMAT JSON) {_BY_HASH.sql}",
                [*current_posts_params(), ApiToken.hash_key(key)],
            )
            plan = cursor.fetchone()[0][0]["Plan"]
        visited: Counter[str] = Counter()  # post rows read, by kind of plan node

        def walk(node):
            if node.get("Relation Name") == Post._meta.db_table:
                visited[node["Node Type"]] += node["Actual Rows"] * node["Actual Loops"]
            for child in node.get("Plans", []):
                walk(child)

        walk(plan)
        self.assertNotIn("Seq Scan", visited)
        self.assertLess(sum(visited.values()), 10)
