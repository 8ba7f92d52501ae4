"""The demo: `boothwise seed-demo` and `boothwise demo-logins`."""

from __future__ import annotations

import io
from collections import Counter

from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from boothwise.accounts.access import visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.models import AuditEvent
from boothwise.geography.models import Part
from boothwise.organisation.demo import (
    DEMO_PASSWORD,
    LOGINS,
    ajmer_stations,
    demo_plan,
    tidy_station_name,
)
from boothwise.organisation.models import Person, Post, PostType, Unit

V = Action.VIEW_ORGANISATION
BOOTH = Unit.Level.BOOTH


class DemoPlanTests(SimpleTestCase):
    def test_same_seed_same_plan_other_seed_other_people(self):
        first, again, other = demo_plan(7), demo_plan(7), demo_plan(8)
        self.assertEqual(first.fingerprint(), again.fingerprint())
        self.assertEqual(first, again)
        self.assertNotEqual(first.fingerprint(), other.fingerprint())
        self.assertNotEqual(
            [p.name for p in first.people], [p.name for p in other.people]
        )
        # The stations are real data, the same whatever the seed.
        self.assertEqual(first.stations, other.stations)

    def test_a_few_hundred_distinct_people_in_two_scripts(self):
        for seed in (1, 2, 3, 2014):
            with self.subTest(seed=seed):
                people = demo_plan(seed).people
                self.assertTrue(300 <= len(people) <= 600, len(people))
                self.assertEqual(len({p.name_en for p in people}), len(people))
                for person in people:
                    self.assertRegex(person.name, r"^[\u0900-\u097F ]+$")
                    self.assertRegex(person.name_en, r"^[A-Za-z ]+$")

    def test_real_stations_with_suffixes_for_repeated_parts(self):
        stations = ajmer_stations()
        self.assertEqual(len(stations), 369)
        keys = [(s.ac, s.number) for s in stations]
        self.assertEqual(len(set(keys)), 369)
        for number in ("19", "19A", "22", "22A", "68", "68A"):
            self.assertIn((100, number), keys)
        self.assertNotIn((100, "19B"), keys)
        self.assertTrue(all(s.latitude and s.longitude for s in stations))

    def test_tidy_station_name_drops_immediate_repeats_only(self):
        self.assertEqual(
            tidy_station_name("Govt Govt Sec Sec School, School, New buliding"),
            "Govt Sec School, New buliding",
        )
        self.assertEqual(tidy_station_name("room no no 4"), "room no 4")
        self.assertEqual(tidy_station_name("School School, Ajmer"), "School, Ajmer")
        self.assertEqual(tidy_station_name("Ward 5 5 Hall"), "Ward 5 5 Hall")


class SeedDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        out = io.StringIO()
        with translation.override("en"):
            call_command("seed_demo", "--seed", "2014", stdout=out)
        cls.output = out.getvalue()
        cls.plan = demo_plan(2014)

    def booths_seen(self, username):
        user = User.objects.get(username=username)
        return visible(user, V, Unit.objects.filter(level=BOOTH))

    def test_tree_city_with_four_blocks(self):
        city = Unit.objects.get(level=Unit.Level.CITY)
        self.assertEqual(city.name, "Ajmer city")
        self.assertEqual(city.parent.name, "Ajmer")
        self.assertEqual(city.parent.parent.level, Unit.Level.STATE)
        blocks = Unit.objects.filter(level=Unit.Level.BLOCK, parent=city)
        self.assertEqual(blocks.count(), 4)
        ajmer = Unit.objects.filter(level=BOOTH, path__startswith=city.path)
        self.assertEqual(ajmer.count(), 369)
        self.assertEqual(
            set(ajmer.values_list("part__ac__number", flat=True)), {100, 101}
        )
        for number in ("19A", "22A", "68A"):
            part = Part.objects.get(ac__number=100, ac__state__abbr="RJ", number=number)
            self.assertEqual(part.booth.level, BOOTH)
            self.assertIsNotNone(part.latitude)

    def test_a_block_spans_booths_of_both_acs(self):
        spanning = [
            block.name
            for block in Unit.objects.filter(level=Unit.Level.BLOCK)
            if Unit.objects.filter(path__startswith=block.path, level=BOOTH)
            .values("part__ac")
            .distinct()
            .count()
            == 2
        ]
        self.assertEqual(spanning, ["Ajmer Central"])

    def test_jaipur_is_synthetic_and_apart(self):
        jaipur = Unit.objects.get(level=Unit.Level.DISTRICT, name="Jaipur")
        booths = Unit.objects.filter(path__startswith=jaipur.path, level=BOOTH)
        self.assertEqual(booths.count(), 3)
        for booth in booths:
            self.assertEqual(booth.part.ac.number, 50)
            self.assertIn("synthetic", booth.part.name)

    def test_people_and_posts_match_the_plan(self):
        names = sorted(Person.objects.values_list("name", "name_en"))
        self.assertEqual(names, sorted((p.name, p.name_en) for p in self.plan.people))
        self.assertEqual(Post.objects.count(), len(self.plan.posts))
        self.assertTrue(300 <= len(names) <= 600)

    def test_committees_are_partly_filled(self):
        booths = Unit.objects.filter(level=BOOTH, path__startswith=self.city().path)
        current = Post.objects.filter(end_date__isnull=True)
        slots: Counter[str] = Counter()
        per_booth: dict[int, set[str]] = {}
        for unit_id, post_type in current.filter(unit__in=booths).values_list(
            "unit_id", "post_type"
        ):
            slots[post_type] += 1
            per_booth.setdefault(unit_id, set()).add(post_type)
        share = slots[PostType.BOOTH_PRESIDENT] / booths.count()
        self.assertTrue(0.5 <= share <= 0.75, share)
        self.assertLess(slots[PostType.BLA2], slots[PostType.BOOTH_PRESIDENT])
        self.assertLess(slots[PostType.BOOTH_YOUTH], slots[PostType.BLA2])
        self.assertLess(slots[PostType.BOOTH_WOMAN], slots[PostType.BLA2])
        full = {
            PostType.BOOTH_PRESIDENT,
            PostType.BLA2,
            PostType.BOOTH_YOUTH,
            PostType.BOOTH_WOMAN,
            PostType.BOOTH_MEMBER,
        }
        self.assertGreater(sum(1 for s in per_booth.values() if s >= full), 5)
        self.assertGreater(booths.count() - len(per_booth), 100)  # empty booths
        self.assertTrue(Post.objects.filter(end_date__isnull=False).exists())

    def test_leaders_and_page_incharges(self):
        for post_type, count in (
            (PostType.STATE_PRESIDENT, 1),
            (PostType.CITY_PRESIDENT, 1),
            (PostType.DISTRICT_PRESIDENT, 2),
            (PostType.BLOCK_PRESIDENT, 5),
            (PostType.AC_INCHARGE, 2),
        ):
            self.assertEqual(Post.objects.filter(post_type=post_type).count(), count)
        self.assertEqual(
            set(
                Post.objects.filter(post_type=PostType.AC_INCHARGE).values_list(
                    "ac__number", flat=True
                )
            ),
            {100, 101},
        )
        self.assertTrue(Post.objects.filter(post_type=PostType.TRAINER).exists())
        self.assertTrue(Post.objects.filter(post_type=PostType.SPOKESPERSON).exists())
        pages = Post.objects.filter(post_type=PostType.PAGE_INCHARGE)
        self.assertGreater(pages.count(), 10)
        for first, last in pages.values_list("serial_from", "serial_to"):
            assert first is not None and last is not None
            self.assertTrue(30 <= last - first + 1 <= 60)
            self.assertTrue(first >= 1 and last <= 1300)

    def test_each_persona_sees_what_it_should(self):
        city = self.city()
        central = Unit.objects.get(level=Unit.Level.BLOCK, name="Ajmer Central")
        central_booths = set(
            Unit.objects.filter(level=BOOTH, path__startswith=central.path)
        )
        booth_101_1 = Unit.objects.get(part__ac__number=100 + 1, part__number="1")
        expected = {
            "state": set(Unit.objects.filter(level=BOOTH)),
            "city": set(Unit.objects.filter(level=BOOTH, path__startswith=city.path)),
            "block": central_booths,
            "booth": {booth_101_1},
            "page": {booth_101_1},
            "outsider": set(Unit.objects.filter(level=BOOTH, part__ac__number=50)),
        }
        self.assertEqual({login.username for login in LOGINS}, set(expected))
        for username, booths in expected.items():
            with self.subTest(persona=username):
                self.assertEqual(set(self.booths_seen(username)), booths)
                self.assertTrue(authenticate(username=username, password=DEMO_PASSWORD))
        self.assertEqual(len(expected["state"]), 372)
        self.assertIn(booth_101_1, central_booths)
        self.assertEqual({b.part.ac.number for b in central_booths}, {100, 101})
        outsider = User.objects.get(username="outsider")
        self.assertFalse(
            visible(outsider, V, Unit.objects.filter(path__startswith=city.path))
        )
        self.assertFalse(
            visible(
                outsider, V, Person.objects.filter(unit__path__startswith=city.path)
            )
        )
        page = Post.objects.get(person__user__username="page")
        self.assertEqual(page.part, booth_101_1.part)

    def test_phones_only_with_consent(self):
        with_phone = Person.objects.exclude(phone="")
        self.assertTrue(0 < with_phone.count() < Person.objects.count() / 10)
        for person in with_phone:
            self.assertEqual(person.phone_consent.person, person)
            self.assertEqual(person.phone_consent.recorded_by.username, "state")

    def test_the_audit_trail_has_the_events(self):
        verbs = Counter(AuditEvent.objects.values_list("verb", flat=True))
        self.assertEqual(verbs["stations.import"], 1)
        self.assertEqual(verbs["unit.create"], Unit.objects.count())
        self.assertEqual(verbs["person.create"], Person.objects.count())
        self.assertEqual(verbs["post.appoint"], Post.objects.count())
        self.assertEqual(
            verbs["post.relieve"], Post.objects.filter(end_date__isnull=False).count()
        )
        self.assertGreater(verbs["person.phone_set"], 0)

    def test_output_names_the_password(self):
        self.assertIn(DEMO_PASSWORD, self.output)
        self.assertIn("demo only", self.output)

    def test_if_empty_is_a_no_op_and_a_plain_run_refuses(self):
        counts = (Unit.objects.count(), Person.objects.count(), Post.objects.count())
        out = io.StringIO()
        call_command("seed_demo", "--if-empty", stdout=out)
        self.assertIn("already has", out.getvalue())
        with self.assertRaises(CommandError) as caught:
            call_command("seed_demo", stdout=io.StringIO())
        self.assertEqual(caught.exception.returncode, 1)
        self.assertEqual(
            (Unit.objects.count(), Person.objects.count(), Post.objects.count()),
            counts,
        )

    def test_demo_logins_table(self):
        out = io.StringIO()
        call_command("demo_logins", stdout=out)
        text = out.getvalue()
        for login in LOGINS:
            self.assertIn(login.username, text)
        self.assertIn("http://127.0.0.1:8000/", text)
        self.assertIn("372 booths", text)
        self.assertIn("serials 1–", text)

    def test_demo_logins_name_the_address_the_server_answers_on(self):
        out = io.StringIO()
        call_command("demo_logins", url="http://127.0.0.1:8035/", stdout=out)
        text = out.getvalue()
        self.assertIn("Open http://127.0.0.1:8035/ and log in", text)
        self.assertNotIn("8000", text)

    def city(self):
        return Unit.objects.get(level=Unit.Level.CITY)


class DemoLoginsWithoutDemoTests(TestCase):
    def test_says_there_are_none(self):
        out = io.StringIO()
        call_command("demo_logins", stdout=out)
        self.assertIn("no demo logins", out.getvalue())
        self.assertIn("seed-demo", out.getvalue())
