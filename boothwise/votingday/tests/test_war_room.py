from __future__ import annotations

import datetime
import uuid
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boothwise.geography.models import Part
from boothwise.votingday import selectors
from boothwise.votingday.models import BoothTally, Incident, VotedMark
from boothwise.votingday.services import MarkIn, mark_undo, marks_record
from boothwise.votingday.tests.helpers import VotingdayTestCase, support


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
        with mock.patch.object(selectors, "is_polling", return_value=True):
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

    def test_each_booth_row_shows_its_figures_escaped(self):
        Part.objects.filter(pk=self.part2.pk).update(name="<b>Girls & Boys</b>")
        selectors.war_room(Part.objects.filter(pk=self.part2.pk), timezone.now())
        BoothTally.objects.filter(part=self.part).update(past_turnout=61.5)
        self.login("arun")
        with mock.patch.object(selectors, "is_polling", return_value=True):
            html = self.client.get(
                self.url(ac=self.w.ac100.pk), headers={"HX-Request": "true"}
            ).content.decode()
        rows = {
            row.split('data-part="')[1].split('"')[0]: row
            for row in html.split("<tr")[2:]
        }
        first, second = rows[str(self.part.pk)], rows[str(self.part2.pk)]
        self.assertIn("<td>3 / 32</td>", first)
        self.assertIn("<td>61.5</td>", first)
        self.assertIn(reverse("votingday:incident-list"), first)
        self.assertNotIn("vd-silent", first)
        self.assertIn("&lt;b&gt;Girls &amp; Boys&lt;/b&gt;", second)
        self.assertNotIn("<b>Girls", html)
        self.assertTrue(second.startswith(' class="vd-silent"'))
        self.assertIn('<span class="badge warn">silent</span>', second)
        self.assertIn("<td>—</td>", second)  # no past turnout known for booth 2
        self.assertIn(reverse("votingday:report", args=[self.part2.pk]), second)

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

    def test_no_booth_is_silent_outside_polling_hours(self):
        self.login("arun")
        with mock.patch.object(selectors, "is_polling", return_value=False):
            response = self.client.get(self.url(ac=self.w.ac100.pk))
        self.assertFalse(any(r.silent for r in response.context["room"].rows))
        self.assertContains(response, "outside polling hours")
        self.assertNotContains(response, "booths silent 45 min")
        zone = timezone.get_current_timezone()
        day = timezone.localdate()

        def at(hour, minute=0):
            return datetime.datetime.combine(
                day, datetime.time(hour, minute), tzinfo=zone
            )

        self.assertEqual(
            [selectors.is_polling(at(h, m)) for h, m in ((6, 0), (7, 40), (7, 45))],
            [False, False, True],
        )
        self.assertEqual(
            [selectors.is_polling(at(h, m)) for h, m in ((13, 0), (17, 59), (18, 0))],
            [True, True, False],
        )

    def test_a_mismatch_between_tallies_and_raw_marks_raises_the_alert(self):
        self.login("arun")
        self.client.get(self.url(ac=self.w.ac100.pk))  # counts the booths
        BoothTally.objects.filter(part_id=self.part.pk).update(marked=F("marked") + 95)
        # The check is kept for a minute; the next one finds the drift.
        response = self.client.get(self.url(ac=self.w.ac100.pk))
        self.assertContains(response, 'data-reconciled="1"')
        cache.clear()
        response = self.client.get(self.url(ac=self.w.ac100.pk))
        self.assertContains(response, "add up to 99 marks but the raw count is 4")
        self.assertContains(response, 'data-reconciled="0"')
        # Counting again from the raw marks mends it, and says so.
        response = self.client.post(
            reverse("votingday:war-room-count") + f"?ac={self.w.ac100.pk}",
            follow=True,
        )
        self.assertContains(response, "3 booths counted again.")
        self.assertContains(response, 'data-reconciled="1"')

    def test_an_old_check_is_shown_while_a_fresh_one_is_made_in_the_background(self):
        self.login("arun")
        url = self.url(ac=self.w.ac100.pk)
        self.client.get(url)  # counts the booths and checks them in the request
        BoothTally.objects.filter(part_id=self.part.pk).update(marked=F("marked") + 95)
        inline = mock.patch.object(
            selectors, "_in_background", side_effect=lambda task, *a: task(*a)
        )
        with mock.patch.object(selectors, "RECONCILE_EVERY", 0), inline as later:
            stale = self.client.get(url)  # answers with the kept check ...
            self.assertContains(stale, 'data-reconciled="1"')
            self.assertEqual(later.call_count, 1)  # ... and checks afresh
        fresh = self.client.get(url)
        self.assertContains(fresh, "add up to 99 marks but the raw count is 4")
        # One fresh check at a time: while one runs, views do not start another.
        with (
            mock.patch.object(selectors, "RECONCILE_EVERY", 0),
            mock.patch.object(selectors, "_in_background") as later,
        ):
            self.client.get(url)
            self.client.get(url)
            self.assertEqual(later.call_count, 1)

    def test_once_counted_the_war_room_reads_no_voter_or_mark_rows(self):
        self.login("arun")
        self.client.get(self.url(ac=self.w.ac100.pk))
        marks_record(
            by=self.w.chetan,
            items=[MarkIn(uuid.uuid4(), self.part.pk, 4, "desk", timezone.now())],
        )
        cache.clear()  # the reconciliation is kept a minute; check afresh

        def touching(queries):
            return [
                q["sql"]
                for q in queries.captured_queries
                if "rolls_voter" in q["sql"] or "votingday_votedmark" in q["sql"]
            ]

        with CaptureQueriesContext(connection) as queries:
            room = self.client.get(self.url(ac=self.w.ac100.pk)).context["room"]
        self.assertEqual((room.marked, room.tallied, room.raw_marks), (5, 5, 5))
        # Only the reconciliation's count, which the partial index answers.
        self.assertEqual(len(touching(queries)), 1, touching(queries))
        self.assertIn("COUNT(*)", touching(queries)[0])
        self.assertNotIn("rolls_voter", touching(queries)[0])
        # Within the minute the check is not repeated: the marks are not read at all.
        with CaptureQueriesContext(connection) as queries:
            again = self.client.get(self.url(ac=self.w.ac100.pk)).context["room"]
        self.assertEqual(touching(queries), [])
        self.assertEqual(again.checked_at, room.checked_at)

    def test_supporters_waiting_follow_marks_and_undo(self):
        support(self.w, self.part, {4: {4: 5, 5: 4}, 7: {7: 2}})
        self.login("arun")
        rows = {
            r.part.number: r
            for r in self.client.get(self.url(ac=self.w.ac100.pk)).context["room"].rows
        }
        self.assertEqual(rows["1"].supporters_waiting, 2)
        results = marks_record(
            by=self.w.chetan,
            items=[
                MarkIn(uuid.uuid4(), self.part.pk, s, "desk", timezone.now())
                for s in (4, 7)
            ],
        )
        tally = BoothTally.objects.get(part_id=self.part.pk)
        self.assertEqual((tally.marked, tally.supporters_voted), (5, 1))
        mark_id = results[0].mark_id
        assert mark_id is not None
        mark_undo(by=self.w.arun, mark_id=mark_id, reason="wrong serial")
        tally.refresh_from_db()
        self.assertEqual((tally.marked, tally.supporters_voted), (4, 0))
        room = self.client.get(self.url(ac=self.w.ac100.pk)).context["room"]
        self.assertTrue(room.reconciled)
        self.assertEqual(room.supporters_waiting, 2)

    def test_counting_again_needs_the_war_room(self):
        url = reverse("votingday:war-room-count") + f"?ac={self.w.ac100.pk}"
        for persona in ("zoya", "nobody", "chetan"):
            self.login(persona)
            with self.subTest(persona=persona):
                self.assertEqual(self.client.post(url).status_code, 404)
        self.assertFalse(BoothTally.objects.exclude(counted_at=None).exists())

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
