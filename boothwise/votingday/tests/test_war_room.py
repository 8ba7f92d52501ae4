from __future__ import annotations

import dataclasses
import datetime
import uuid
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from boothwise.geography.models import Part
from boothwise.votingday import selectors
from boothwise.votingday.models import Incident, VotedMark
from boothwise.votingday.services import MarkIn, marks_record
from boothwise.votingday.tests.helpers import VotingdayTestCase


class WarRoomTests(VotingdayTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        cls.part2 = Part.objects.get(ac=cls.w.ac100, number="2")
        marks_record(
            by=cls.w.chetan,
            items=[
                MarkIn(uuid.uuid4(), cls.part.pk, s, "desk", now) for s in (1, 2, 3)
            ],
        )
        # Booth 100/2's last mark was an hour ago: silent.
        VotedMark.objects.create(
            voter=cls.part2.voters.get(serial_no=1),
            ac=cls.w.ac100,
            part=cls.part2,
            serial_no=1,
            source="desk",
            by=cls.w.bina,
            entered_at=now - datetime.timedelta(hours=1),
            client_uuid=uuid.uuid4(),
        )
        Incident.objects.create(
            ac=cls.w.ac100,
            part=cls.part,
            kind="slow",
            severity=1,
            reported_by=cls.w.chetan,
        )

    def url(self, **params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return reverse("votingday:war-room") + ("?" + query if query else "")

    def test_every_booth_of_the_ac_with_turnout_silence_and_incidents(self):
        self.login("arun")
        response = self.client.get(self.url(ac=self.w.ac100.pk))
        room = response.context["room"]
        rows = {r.part.number: r for r in room.rows}
        self.assertEqual(set(rows), {"1", "2", "19A"})
        self.assertEqual((rows["1"].marked, rows["1"].electors), (3, 32))
        self.assertEqual(
            [rows[n].silent for n in ("1", "2", "19A")], [False, True, True]
        )
        self.assertEqual((rows["1"].open_incidents, rows["2"].open_incidents), (1, 0))
        self.assertEqual((room.marked, room.raw_marks), (4, 4))
        self.assertContains(response, "equal to the raw count of marks")
        self.assertContains(response, 'hx-trigger="every 15s"')
        partial = self.client.get(
            self.url(ac=self.w.ac100.pk), headers={"HX-Request": "true"}
        )
        self.assertNotContains(partial, "<html")
        self.assertContains(partial, 'data-reconciled="1"')

    def test_a_city_scope_spans_its_acs_and_a_block_sees_its_booths(self):
        self.login("dev")
        room = self.client.get(self.url(unit=self.w.ajmer_city.pk)).context["room"]
        self.assertEqual(
            {(r.part.ac.number, r.part.number) for r in room.rows},
            {(100, "1"), (100, "2"), (100, "19A"), (101, "1")},
        )
        self.login("bina")
        room = self.client.get(self.url(ac=self.w.ac100.pk)).context["room"]
        self.assertEqual({r.part.number for r in room.rows}, {"1", "2"})

    def test_a_mismatch_between_screen_and_raw_marks_raises_the_alert(self):
        real = selectors.war_room

        def broken(parts, now):
            return dataclasses.replace(real(parts, now), raw_marks=99)

        self.login("arun")
        with mock.patch.object(selectors, "war_room", broken):
            response = self.client.get(self.url(ac=self.w.ac100.pk))
        self.assertContains(response, "the raw count is 99")
        self.assertContains(response, 'data-reconciled="0"')

    def test_outsiders_and_markers_get_nothing(self):
        for persona in ("zoya", "nobody", "chetan", "pooja"):
            self.login(persona)
            with self.subTest(persona=persona):
                for url in (
                    self.url(ac=self.w.ac100.pk),
                    self.url(unit=self.w.ajmer_city.pk),
                ):
                    self.assertEqual(self.client.get(url).status_code, 404)
        self.login("nobody")
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login("zoya")
        index = self.client.get(self.url())
        self.assertNotContains(index, "Ajmer")
