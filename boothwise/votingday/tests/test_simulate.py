"""`boothwise votingday-simulate`: the demo's simulated polling day.

The world is the personas' (AC 100 has booths 100/1, 100/2 and 100/19A; only 100/1 has
a booth team: Chetan, and Pooja on serials 1–30), five more booths of AC 100 with no
team, and a generated roll of 300 electors per booth, of which booth 100/2 then loses
five in a newer roll. Chetan's door-to-door answers make serials 1–60 of booth 100/1
supporters.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from unittest import mock

from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from boothwise.geography.models import Part
from boothwise.organisation.models import Post, PostType, Unit
from boothwise.organisation.services import unit_create
from boothwise.rolls.generator import write_roll
from boothwise.rolls.importer import roll_import
from boothwise.rolls.models import Voter
from boothwise.test import BaseTestCase
from boothwise.votingday.models import (
    Incident,
    IncidentAction,
    Nudge,
    TurnoutEntry,
    VotedMark,
)
from boothwise.votingday.selectors import turnout_accepted
from boothwise.votingday.simulate import MarkEvent, day_plan
from boothwise.votingday.tests.helpers import support

DAY = datetime.date(2025, 11, 14)
PER_PART = 300
SUPPORTERS = 60  # serials 1–60 of booth 100/1
DELETED = (3, 40, 41, 77, 150)  # serials of part 100/2 missing from the newer roll
EXTRA_BOOTHS = ("20", "21", "22", "23", "24")  # with no booth team


def _csv(rows: list[dict[str, str]]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode())


def build_roll(w):
    for number in EXTRA_BOOTHS:
        part = Part.objects.create(ac=w.ac100, number=number, name=f"School {number}")
        unit_create(
            by=None,
            level=Unit.Level.BOOTH,
            name=f"Booth 100/{number}",
            parent=w.block_south,
            state=w.rajasthan,
            part=part,
        )
    out = io.StringIO()
    numbers = ["1", "2", "19A", *EXTRA_BOOTHS]
    write_roll(
        out, seed=5, ac=100, parts=len(numbers), per_part=PER_PART, part_numbers=numbers
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    roll_import(file=_csv(rows), file_name="ac100.csv", by=None)
    newer = [
        r for r in rows if r["part_no"] == "2" and int(r["serial_no"]) not in DELETED
    ]
    roll_import(file=_csv(newer), file_name="ac100-part2.csv", by=None)
    part = w.booth_100_1.part
    doors: dict[int, dict[int, int]] = {}
    households: dict[object, int] = {}
    for voter in Voter.objects.filter(part=part).order_by("serial_no"):
        door = households.setdefault(
            voter.household_id or voter.serial_no, voter.serial_no
        )
        level = 5 if voter.serial_no <= SUPPORTERS else 2
        doors.setdefault(door, {})[voter.serial_no] = level
    support(w, part, doors)


def simulate(*args):
    out = io.StringIO()
    call_command(
        "votingday_simulate", "--ac", "100", "--day", DAY.isoformat(), *args, stdout=out
    )
    return out.getvalue()


def at(hour, minute=0):
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=zone)


def planned_marks(w, until):
    plan = day_plan(ac=w.ac100, day=DAY, seed=2014)
    return {
        e.item.client_uuid
        for e in plan.events
        if isinstance(e, MarkEvent) and e.at <= until
    }


class FakeClock:
    """time for the replay: sleeping moves the clock on at once; Ctrl-C after n naps."""

    def __init__(self, interrupt_after):
        self.now = 0.0
        self.naps = interrupt_after

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.naps -= 1
        if self.naps < 0:
            raise KeyboardInterrupt
        self.now += seconds


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (VotedMark, TurnoutEntry, Incident, IncidentAction, Nudge, Post)
    }


class SimulatedDayTests(BaseTestCase):
    """The whole day of AC 100, simulated once at once."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_roll(cls.w)
        with translation.override("en"):
            cls.output = simulate("--instant")
        cls.parts = list(Part.objects.filter(ac=cls.w.ac100).order_by("number_int"))

    def test_the_run_reports_what_it_wrote(self):
        self.assertIn("12:00  marks", self.output)
        self.assertIn("Appointed 7 polling agents", self.output)
        self.assertRegex(
            self.output,
            r"Written: \d{4} marks, \d+ official turnout entries, 6 incidents, "
            r"\d+ incident actions, \d+ nudges\.",
        )

    def test_a_second_run_writes_nothing_new(self):
        before = counts()
        output = simulate("--instant")
        self.assertEqual(counts(), before)
        self.assertIn(
            "Written: 0 marks, 0 official turnout entries, 0 incidents, "
            "0 incident actions, 0 nudges.",
            output,
        )

    def test_every_booth_turns_out_within_the_planned_band(self):
        for part in self.parts:
            with self.subTest(part=part.number):
                electors = Voter.objects.filter(
                    part=part, status=Voter.Status.ON_ROLL
                ).count()
                official = turnout_accepted(part)[24]
                marked = VotedMark.objects.filter(part=part).count()
                self.assertTrue(0.35 <= official / electors <= 0.82, official)
                # The party marks most voters, never more than voted.
                self.assertTrue(0.8 * official <= marked <= official, marked)

    def test_official_figures_never_decrease_and_every_slot_is_accepted(self):
        mended = 0
        for part in self.parts:
            with self.subTest(part=part.number):
                accepted = turnout_accepted(part)
                self.assertEqual(sorted(accepted), [9, 11, 13, 15, 17, 24])
                figures = [accepted[slot] for slot in sorted(accepted)]
                self.assertEqual(figures, sorted(figures))
            mended += sum(
                1
                for slot in accepted
                if TurnoutEntry.objects.filter(part=part, slot=slot).count() == 4
            )
        self.assertGreater(mended, 0)  # a mistyped pair entered again later

    def test_nothing_is_marked_that_is_not_on_the_roll(self):
        deleted = Voter.objects.filter(status=Voter.Status.DELETED)
        self.assertEqual(deleted.count(), len(DELETED))
        self.assertFalse(VotedMark.objects.filter(voter__in=deleted).exists())
        for mark in VotedMark.objects.select_related("voter"):
            self.assertEqual(
                (mark.part_id, mark.serial_no, mark.voter.status),
                (mark.voter.part_id, mark.voter.serial_no, Voter.Status.ON_ROLL),
            )
        self.assertEqual(
            set(VotedMark.objects.values_list("ac", flat=True)), {self.w.ac100.pk}
        )

    def test_marks_come_from_the_desk_the_agents_copy_and_the_page(self):
        booth_1 = VotedMark.objects.filter(part=self.w.booth_100_1.part)
        self.assertEqual(
            set(booth_1.values_list("source", flat=True)),
            {"desk", "agent_copy", "page_incharge"},
        )
        # Pooja marks only her page; Chetan the rest.
        pooja = booth_1.filter(by=self.w.pooja)
        self.assertTrue(pooja.exists())
        self.assertLessEqual(max(pooja.values_list("serial_no", flat=True)), 30)
        self.assertEqual(
            set(booth_1.exclude(by=self.w.pooja).values_list("by", flat=True)),
            {self.w.chetan.pk},
        )

    def test_supporters_vote_more_often(self):
        marked = set(
            VotedMark.objects.filter(part=self.w.booth_100_1.part).values_list(
                "serial_no", flat=True
            )
        )
        backing = set(range(1, SUPPORTERS + 1))
        supporters = len(marked & backing) / SUPPORTERS
        others = len(marked - backing) / (PER_PART - SUPPORTERS)
        self.assertGreater(supporters, others + 0.1)

    def test_incidents_of_every_kind_are_reported_acted_on_and_some_closed(self):
        incidents = Incident.objects.order_by("kind")
        self.assertEqual([i.kind for i in incidents], sorted(Incident.Kind.values))
        self.assertEqual(len({i.part_id for i in incidents}), len(incidents))
        for incident in incidents:
            with self.subTest(kind=incident.kind):
                self.assertTrue(incident.actions.exists())
        evm = incidents.get(kind=Incident.Kind.EVM)
        self.assertEqual([a.closes for a in evm.actions.all()], [False, True])
        self.assertIsNotNone(evm.closed_at)
        self.assertTrue(incidents.filter(closed_at__isnull=True).exists())

    def test_two_booths_go_silent_for_an_hour(self):
        evm = Incident.objects.get(kind=Incident.Kind.EVM).part_id
        silent = set()
        for part in self.parts:
            times = sorted(
                VotedMark.objects.filter(
                    part=part, entered_at__range=(at(8), at(17))
                ).values_list("entered_at", flat=True)
            )
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            if max(gaps) >= datetime.timedelta(hours=1):
                silent.add(part.pk)
        silent.discard(evm)  # a booth whose machine failed may fall quiet too
        self.assertEqual(len(silent), 2)


class SimulateCommandTests(BaseTestCase):
    """Runs that stop and carry on, the live replay, and refusals."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_roll(cls.w)

    def test_until_noon_writes_marks_only_before_noon(self):
        output = simulate("--instant", "--until", "12:00")
        times = list(VotedMark.objects.values_list("entered_at", flat=True))
        self.assertGreater(len(times), 50)
        self.assertLess(max(times), at(12))
        self.assertGreaterEqual(min(times), at(7))
        slots = set(TurnoutEntry.objects.values_list("slot", flat=True))
        self.assertIn(9, slots)
        self.assertLessEqual(slots, {9, 11})
        self.assertIn("12:00  marks", output)

    def test_a_stopped_day_carries_on_to_the_same_day(self):
        simulate("--instant", "--until", "10:30")
        morning = VotedMark.objects.count()
        output = simulate("--instant")
        self.assertIn("from 10:", output)  # it carried on, it did not start again
        written = set(VotedMark.objects.values_list("client_uuid", flat=True))
        self.assertEqual(written, planned_marks(self.w, at(23, 59)))
        self.assertGreater(len(written), morning)

    def test_booths_without_a_team_get_one_polling_agent(self):
        simulate("--instant", "--until", "09:00")
        agents = Post.objects.filter(post_type=PostType.POLLING_AGENT)
        self.assertEqual(
            sorted(agents.values_list("unit__part__number", flat=True)),
            sorted(["2", "19A", *EXTRA_BOOTHS]),
        )
        agent = agents.get(unit__part__number="2").person.user
        self.assertIs(agent.has_usable_password(), False)
        booth_2 = VotedMark.objects.filter(part__number="2", part__ac=self.w.ac100)
        self.assertEqual(set(booth_2.values_list("by", flat=True)), {agent.pk})
        simulate("--instant", "--until", "09:00")
        self.assertEqual(agents.count(), 7)

    def test_an_unknown_ac_is_refused(self):
        with self.assertRaisesMessage(CommandError, "There is no AC 999 in RJ."):
            call_command("votingday_simulate", "--ac", "999", stdout=io.StringIO())

    def test_a_day_still_to_come_is_refused(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with self.assertRaisesMessage(CommandError, "is still to come"):
            call_command(
                "votingday_simulate",
                "--ac",
                "100",
                "--day",
                tomorrow.isoformat(),
                stdout=io.StringIO(),
            )
        self.assertFalse(Post.objects.filter(post_type=PostType.POLLING_AGENT).exists())

    def test_the_speed_mode_replays_and_reports_the_clock(self):
        output = simulate("--speed", "20000", "--until", "09:00")
        self.assertIn("at 20000× speed", output)
        clocks = re.findall(r"^(\d\d:\d\d)  marks", output, re.MULTILINE)
        self.assertEqual(clocks, sorted(clocks))
        self.assertEqual(clocks[-1], "09:00")
        written = set(VotedMark.objects.values_list("client_uuid", flat=True))
        self.assertEqual(written, planned_marks(self.w, at(9)))

    def test_ctrl_c_stops_cleanly_and_the_next_run_carries_on(self):
        clock = FakeClock(interrupt_after=300)
        with mock.patch("boothwise.votingday.simulate.time", clock):
            output = simulate("--speed", "60", "--until", "11:00")
        self.assertIn("Run the same command again to carry on.", output)
        self.assertGreater(len(re.findall("  marks ", output)), 2)  # every 15 minutes
        stopped = VotedMark.objects.count()
        simulate("--instant", "--until", "11:00")
        written = set(VotedMark.objects.values_list("client_uuid", flat=True))
        self.assertEqual(written, planned_marks(self.w, at(11)))
        self.assertTrue(0 < stopped < len(written) / 2, stopped)
