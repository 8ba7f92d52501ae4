"""Visits from the phone's outbox: batched, idempotent, scoped, append-only."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from boothwise.outreach.models import Answer, FollowUp, Question, Visit
from boothwise.outreach.services import (
    BURST_VISITS,
    AnswerIn,
    IssueChoice,
    VisitIn,
    survey_version_create,
    visits_sync,
)
from boothwise.outreach.tests.helpers import OutreachTestCase


def support(serial: int, level: int) -> dict[str, int | str]:
    return {"serial_no": serial, "kind": "support", "value": level}


class VisitsSyncTests(OutreachTestCase):
    def counts(self):
        return (Visit.objects.count(), Answer.objects.count(), FollowUp.objects.count())

    def test_replaying_the_same_batch_twice_creates_nothing_new(self):
        batch = [
            self.item(
                1, answers=[support(1, 5), support(2, 4)], grievance="नाली टूटी है"
            ),
            self.item(4, "not_home"),
            self.item(6, "refused"),
        ]
        first = self.sync("chetan", *batch)
        self.assertEqual(first["created"], 3)
        self.assertEqual([r["status"] for r in first["results"]], ["accepted"] * 3)
        self.assertEqual(self.counts(), (3, 2, 1))
        second = self.sync("chetan", *batch)
        self.assertEqual(second["created"], 0)
        self.assertEqual(second["results"], first["results"])
        self.assertEqual(self.counts(), (3, 2, 1))

    def test_a_uuid_repeated_inside_one_batch_is_stored_once(self):
        item = self.item(1)
        result = self.sync("pooja", item, dict(item, outcome="refused"))
        self.assertEqual(result["created"], 1)
        self.assertEqual(result["results"][0], result["results"][1])
        self.assertEqual(Visit.objects.get().outcome, "met")

    def test_the_first_write_of_a_uuid_wins_over_a_changed_replay(self):
        item = self.item(1, answers=[support(1, 5)])
        first = self.sync("chetan", item)
        changed = dict(item, outcome="refused", answers=[support(1, 1)])
        self.assertEqual(self.sync("chetan", changed)["results"], first["results"])
        self.assertEqual(Visit.objects.get().outcome, "met")
        self.assertEqual(Answer.objects.get().value, 5)

    def test_conflicting_answers_are_kept_as_history_and_the_latest_is_shown(self):
        earlier = timezone.now() - datetime.timedelta(hours=3)
        self.sync("pooja", self.item(1, answers=[support(1, 2)]))
        # A second phone syncs later a visit it recorded earlier: time decides.
        self.sync("chetan", self.item(1, answers=[support(1, 5)], at=earlier))
        self.assertEqual(
            sorted(Answer.objects.filter(serial_no=1).values_list("value", flat=True)),
            [2, 5],
        )
        walk = self.api_get(
            f"/campaigns/{self.campaign.pk}/parts/{self.part.pk}/walklist", "chetan"
        ).json()
        door = next(d for d in walk["doors"] if d["serial_no"] == 1)
        self.assertEqual(door["electors"][0]["latest"], {"support": 2})
        self.assertEqual(door["visits"], 2)

    def test_answers_keep_the_survey_version_they_were_given_against(self):
        old = self.campaign.versions.get(number=1)
        self.sync(
            "chetan", self.item(1, answers=[support(1, 4)], survey_version_id=old.pk)
        )
        new = survey_version_create(
            by=self.w.dev,
            campaign=self.campaign,
            issues=[IssueChoice("water", "पानी", "Water")],
            kinds=[Question.Kind.SUPPORT, Question.Kind.ISSUES],
        )
        # A phone still on version 1 syncs after the change.
        self.sync(
            "chetan", self.item(4, answers=[support(4, 3)], survey_version_id=old.pk)
        )
        self.sync(
            "chetan",
            self.item(
                7,
                survey_version_id=new.pk,
                answers=[{"serial_no": 7, "kind": "issues", "value": ["water"]}],
            ),
        )
        versions = dict(
            Answer.objects.values_list("serial_no", "question__version__number")
        )
        self.assertEqual(versions, {1: 1, 4: 1, 7: 2})
        result = self.sync(
            "chetan",
            self.item(
                11,
                survey_version_id=new.pk,
                answers=[{"serial_no": 11, "kind": "roll_correction", "value": "dead"}],
            ),
        )
        self.assertEqual(result["results"][0]["status"], "rejected")
        self.assertIn("no question roll_correction", result["results"][0]["error"])

    def test_a_page_incharge_cannot_record_outside_her_page(self):
        result = self.sync(
            "pooja",
            self.item(31),
            self.item(1, answers=[support(31, 5)]),
            self.item(1, part=self.w.booth_100_2.part),
        )
        self.assertEqual([r["status"] for r in result["results"]], ["rejected"] * 3)
        self.assertEqual({r["error"] for r in result["results"]}, {"Not found."})
        self.assertFalse(Visit.objects.exists())

    def test_a_visit_must_be_at_a_door_the_first_serial_of_its_household(self):
        result = self.sync("chetan", self.item(2))
        self.assertEqual(result["results"][0]["status"], "rejected")

    def test_a_visit_outside_the_campaign_dates_is_refused(self):
        long_ago = timezone.now() - datetime.timedelta(days=60)
        result = self.sync("chetan", self.item(1, at=long_ago))
        self.assertEqual(
            result["results"][0]["error"], "The campaign was not running on that day."
        )

    def test_notes_holding_an_aadhaar_number_are_refused(self):
        result = self.sync("chetan", self.item(1, notes="आधार 1234 5678 9012"))
        self.assertEqual(result["results"][0]["status"], "rejected")
        self.assertIn("Aadhaar", result["results"][0]["error"])
        self.assertFalse(Visit.objects.exists())

    def test_bad_answers_refuse_their_item_only(self):
        result = self.sync(
            "chetan",
            self.item(1, answers=[support(1, 9)]),
            self.item(4, answers=[{"serial_no": 4, "kind": "issues", "value": ["x"]}]),
            self.item(7, answers=[support(7, 3)]),
        )
        self.assertEqual(
            [r["status"] for r in result["results"]],
            ["rejected", "rejected", "accepted"],
        )

    def test_a_uuid_stored_by_someone_else_is_not_disclosed(self):
        item = self.item(1)
        self.sync("chetan", item)
        result = self.sync("zoya", item)["results"][0]
        self.assertEqual((result["status"], result["visit_id"]), ("rejected", None))

    def test_a_grievance_becomes_a_follow_up_due_after_the_campaign_days(self):
        at = timezone.now() - datetime.timedelta(days=1)
        self.sync(
            "chetan",
            self.item(1, grievance="पानी नहीं आता", grievance_issue="water", at=at),
        )
        followup = FollowUp.objects.get()
        self.assertEqual(followup.issue, "water")
        self.assertEqual(
            followup.due_on,
            timezone.localdate(at)
            + datetime.timedelta(days=self.campaign.followup_days),
        )

    def test_many_visits_within_minutes_are_flagged_not_refused(self):
        start = timezone.now() - datetime.timedelta(hours=1)
        doors = [1, 4, 6, 7, 11, 13, 15, 17, 19, 21]
        items = [
            self.item(d, "not_home", at=start + datetime.timedelta(seconds=20 * i))
            for i, d in enumerate(doors)
        ]
        self.assertGreater(len(items), BURST_VISITS)
        self.sync("chetan", *items)
        self.assertEqual(Visit.objects.filter(flag_burst=True).count(), len(items))
        calm = self.item(23, at=start - datetime.timedelta(days=1))
        self.sync("chetan", calm)
        self.assertIs(
            Visit.objects.get(client_uuid=calm["client_uuid"]).flag_burst, False
        )

    def test_distance_from_the_station_is_kept_when_location_is_shared(self):
        # The test stations sit at 26.45, 74.64; 0.1° of latitude is about 11 km.
        self.sync(
            "chetan",
            self.item(1, latitude=26.55, longitude=74.64),
            self.item(4, latitude=26.4501, longitude=74.6401),
            self.item(6),
        )
        distances = dict(Visit.objects.values_list("serial_no", "distance_m"))
        self.assertAlmostEqual(distances[1] or 0, 11_119, delta=50)
        self.assertLess(distances[4] or 0, 50)
        self.assertIsNotNone(distances[4])
        self.assertIsNone(distances[6])

    def test_a_phone_clock_ahead_of_the_server_is_taken_as_now(self):
        ahead = timezone.now() + datetime.timedelta(hours=5)
        self.sync("chetan", self.item(1, at=ahead))
        self.assertLess(Visit.objects.get().at, timezone.now())

    def test_the_service_takes_paper_entries_for_a_worker(self):
        pooja = self.w.pooja.person
        item = VisitIn(
            client_uuid=uuid.uuid4(),
            campaign_id=self.campaign.pk,
            part_id=self.part.pk,
            serial_no=1,
            outcome="met",
            at=timezone.now(),
            answers=[AnswerIn(1, "support", 4)],
            worker_id=pooja.pk,
        )
        result = visits_sync(by=self.w.chetan, items=[item], source_worker=pooja)
        self.assertEqual(result.results[0].status, "accepted")
        visit = Visit.objects.get()
        self.assertEqual(
            (visit.worker, visit.by, visit.source), (pooja, self.w.chetan, "paper")
        )
