"""The training demo: a true cascade on top of the organisation demo, the same each time."""

from __future__ import annotations

import datetime

from django.test import TestCase

from boothwise.accounts.models import User
from boothwise.organisation.demo import demo_plan, demo_seed
from boothwise.organisation.models import Person, Unit
from boothwise.training import selectors
from boothwise.training.demo import (
    TrainingDemoRefused,
    training_demo_seed,
    training_demo_summary,
)
from boothwise.training.models import (
    Attendance,
    Directive,
    Invitation,
    OutboxMessage,
    Session,
    Workshop,
)

TODAY = datetime.date(2026, 11, 26)


class TrainingDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_seed(demo_plan())
        cls.result = training_demo_seed(today=TODAY)
        cls.summary = training_demo_summary()

    def test_the_cascade_state_city_and_two_blocks(self):
        tree = selectors.cascade_tree(
            User.objects.get(username="state"),
            within=Unit.objects.get(level=Unit.Level.STATE),
        )
        self.assertEqual(
            [(n.workshop.title, n.depth) for n in tree],
            [
                ("प्रदेश चुनावी कार्यशाला", 0),
                ("अजमेर शहर चुनावी कार्यशाला", 1),
                ("अजमेर मध्य ब्लॉक कार्यशाला", 2),
                ("अजमेर उत्तर 1 ब्लॉक कार्यशाला", 2),
            ],
        )
        state, city, central, north = (n.stats for n in tree)
        self.assertIn("जयपुर", tree[0].workshop.venue)
        self.assertGreater(city.invited, 200)
        self.assertGreater(city.attended, city.invited // 2)
        self.assertLess(city.trained, city.attended)
        self.assertGreater(central.trained, 0)
        self.assertEqual((north.attended, north.trained), (0, 0))
        self.assertGreater(north.invited, 0)
        self.assertEqual(tree[3].workshop.date, TODAY + datetime.timedelta(days=10))

    def test_coverage_of_the_city_shows_something_true(self):
        cov = selectors.coverage(
            User.objects.get(username="city"), Unit.objects.get(name="Ajmer city")
        )
        booth = cov.totals["booth_presidents"]
        self.assertTrue(0 < booth.trained < booth.total, (booth.trained, booth.total))
        self.assertEqual(len(cov.rows), 4)
        # Ajmer Central held its block workshop; Ajmer South 1 did not.
        rows = {r.unit.name: r.tallies["page_incharges"] for r in cov.rows}
        self.assertGreater(rows["Ajmer Central"].trained, 0)
        self.assertEqual(rows["Ajmer South 1"].trained, 0)
        # The city president, who ran the city workshop, was trained at the state one.
        city_president = Person.objects.get(user__username="city")
        self.assertIn(
            "state", selectors.trained_levels([city_president.pk])[city_president.pk]
        )

    def test_walk_ins_directives_and_reminders(self):
        # Walk-ins are committee members who came uninvited: no one new is registered,
        # so the organisation demo's people stay exactly its plan.
        self.assertEqual(self.result.walk_ins, 3)
        self.assertEqual(Person.objects.count(), len(demo_plan().people))
        self.assertEqual(
            Invitation.objects.filter(source=Invitation.Source.WALK_IN).count(), 3
        )
        self.assertEqual(Directive.objects.filter(status="open").count(), 6)
        self.assertTrue(OutboxMessage.objects.filter(status="queued").exists())
        self.assertTrue(OutboxMessage.objects.filter(status="failed").exists())
        self.assertFalse(
            Session.objects.filter(workshop__date__lt=TODAY, speaker="").exists()
        )

    def test_the_outsider_sees_only_her_state_invitation(self):
        outsider = User.objects.get(username="outsider")
        self.assertEqual(
            [w.title for w in selectors.workshops_list(outsider)],
            ["प्रदेश चुनावी कार्यशाला"],
        )
        self.assertEqual(
            [
                d.unit.name
                for d in selectors.directives_pending(
                    outsider, Unit.objects.get(name="Jaipur")
                )
            ],
            ["Jaipur"],
        )

    def test_refuses_to_run_twice(self):
        with self.assertRaises(TrainingDemoRefused):
            training_demo_seed(today=TODAY)

    def test_same_seed_same_demo(self):
        OutboxMessage.objects.all().delete()
        Attendance.objects.all().delete()
        Directive.objects.all().delete()
        Invitation.objects.all().delete()
        Session.objects.all().delete()
        for workshop in Workshop.objects.order_by("-id"):
            workshop.delete()
        training_demo_seed(today=TODAY)
        self.assertEqual(training_demo_summary(), self.summary)
