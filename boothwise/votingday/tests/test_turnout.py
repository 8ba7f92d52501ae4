from __future__ import annotations

import datetime
import uuid
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from boothwise.votingday.models import TurnoutEntry
from boothwise.votingday.selectors import turnout_accepted
from boothwise.votingday.services import MarkIn, marks_record
from boothwise.votingday.tests.helpers import VotingdayTestCase


class TurnoutTests(VotingdayTestCase):
    def setUp(self):
        super().setUp()
        self.login("chetan")
        self.url = reverse("votingday:turnout", args=[self.part.pk])

    def enter(self, slot, count):
        return self.client.post(self.url, {"slot": slot, "count": count}, follow=True)

    def test_a_figure_is_accepted_only_when_entered_twice_alike(self):
        response = self.enter(9, 5)
        self.assertContains(response, "Enter the same figure again to confirm.")
        self.assertEqual(turnout_accepted(self.part), {})
        self.enter(9, 6)  # a mismatch: still not accepted
        self.assertEqual(turnout_accepted(self.part), {})
        response = self.enter(9, 6)
        self.assertContains(response, "Both entries match: figure accepted.")
        self.assertEqual(turnout_accepted(self.part), {9: 6})
        self.assertEqual(TurnoutEntry.objects.count(), 3)  # every entry kept

    def test_never_lower_than_an_earlier_accepted_figure(self):
        self.enter(9, 8)
        self.enter(9, 8)
        response = self.enter(11, 7)
        self.assertContains(response, "7 is lower than the 8 already accepted earlier.")
        self.assertEqual(TurnoutEntry.objects.filter(slot=11).count(), 0)

    def test_never_more_than_the_booths_electors(self):
        response = self.enter(9, 33)
        self.assertContains(response, "33 is more than the 32 electors of the booth.")
        self.assertFalse(TurnoutEntry.objects.exists())

    def test_the_gap_between_official_figure_and_party_marks_is_shown(self):
        zone = timezone.get_current_timezone()
        day = timezone.localdate() - datetime.timedelta(days=1)
        at = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=zone)
        marks_record(
            by=self.w.chetan,
            items=[
                MarkIn(uuid.uuid4(), self.part.pk, s, "desk", at) for s in (1, 2, 3)
            ],
        )
        self.enter(9, 10)
        self.enter(9, 10)
        response = self.client.get(self.url)
        row = next(r for r in response.context["rows"] if r["slot"] == 9)
        self.assertEqual((row["official"], row["marks"], row["gap"]), (10, 3, 7))
        self.assertContains(response, '<svg class="vd-chart"')
        self.assertContains(response, "vd-official")

    def test_war_room_viewers_see_the_curve_but_cannot_enter(self):
        self.login("arun")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="count"')
        self.assertEqual(self.enter(9, 4).status_code, 404)
        self.assertFalse(TurnoutEntry.objects.exists())

    def test_future_slots_have_no_party_count_yet(self):
        zone = timezone.get_current_timezone()
        morning = datetime.datetime.combine(
            timezone.localdate(), datetime.time(10, 0), tzinfo=zone
        )
        with mock.patch("django.utils.timezone.now", return_value=morning):
            rows = self.client.get(self.url).context["rows"]
        self.assertEqual([r["slot"] for r in rows if r["marks"] is not None], [9])
