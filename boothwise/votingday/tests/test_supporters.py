from __future__ import annotations

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone

from boothwise.outreach import services as outreach
from boothwise.outreach.selectors import current_version
from boothwise.votingday.models import Nudge, VotedMark
from boothwise.votingday.services import MarkIn, marks_record
from boothwise.votingday.tests.helpers import VotingdayTestCase


class SupportersTests(VotingdayTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        campaign = outreach.campaign_create(
            by=cls.w.dev,
            name="संपर्क",
            starts_on=today - datetime.timedelta(days=10),
            ends_on=today + datetime.timedelta(days=10),
            units=[cls.w.ajmer_city],
        )
        version = current_version(campaign)
        now = timezone.now()

        def visit(door, levels, hours_ago):
            return outreach.VisitIn(
                client_uuid=uuid.uuid4(),
                campaign_id=campaign.pk,
                part_id=cls.part.pk,
                serial_no=door,
                outcome="met",
                at=now - datetime.timedelta(hours=hours_ago),
                survey_version_id=version.pk,
                answers=[outreach.AnswerIn(s, "support", level) for s, level in levels],
            )

        result = outreach.visits_sync(
            by=cls.w.chetan,
            items=[
                visit(1, [(1, 5), (2, 4), (3, 2)], 48),
                visit(4, [(4, 5)], 48),
                visit(4, [(4, 3)], 24),  # changed her mind: latest answer counts
                visit(7, [(7, 4), (8, 5)], 48),
                visit(31, [(31, 5)], 48),
            ],
        )
        assert all(r.status == "accepted" for r in result.results), result
        marks_record(
            by=cls.w.chetan,
            items=[MarkIn(uuid.uuid4(), cls.part.pk, 2, "desk", now)],
        )

    def url(self):
        return reverse("votingday:supporters", args=[self.part.pk])

    def waiting(self, response):
        return [
            [s.voter.serial_no for s in g.supporters]
            for g in response.context["view"].households
        ]

    def test_booth_sees_supporters_not_yet_voted_by_household(self):
        self.login("chetan")
        response = self.client.get(self.url())
        self.assertEqual(self.waiting(response), [[1], [7, 8], [31]])
        self.assertContains(response, "House 20")
        view = response.context["view"]
        self.assertEqual((view.waiting, view.voted), (4, 1))
        self.assertEqual(
            [(p.first, p.supporters, p.voted) for p in view.pages],
            [(1, 4, 1), (31, 1, 0)],
        )
        self.assertContains(response, "<progress", count=2)

    def test_page_in_charge_sees_only_her_page(self):
        self.login("pooja")
        response = self.client.get(self.url())
        self.assertEqual(self.waiting(response), [[1], [7, 8]])
        self.assertNotContains(response, "<progress")

    def test_a_supporter_who_votes_leaves_the_list(self):
        marks_record(
            by=self.w.pooja,
            items=[
                MarkIn(uuid.uuid4(), self.part.pk, 8, "page_incharge", timezone.now())
            ],
        )
        self.login("pooja")
        self.assertEqual(self.waiting(self.client.get(self.url())), [[1], [7]])

    def test_on_the_way_is_noted_append_only_and_marks_nobody(self):
        self.login("pooja")
        nudge = reverse("votingday:nudge", args=[self.part.pk, 7])
        self.client.post(nudge, {"kind": "reminded"})
        response = self.client.post(nudge, {"kind": "on_the_way"}, follow=True)
        self.assertEqual(
            list(Nudge.objects.order_by("id").values_list("kind", "by__username")),
            [("reminded", "pooja"), ("on_the_way", "pooja")],
        )
        self.assertContains(response, "On the way")
        self.assertEqual(self.waiting(response), [[1], [7, 8]])  # not a vote
        self.assertEqual(VotedMark.objects.count(), 1)

    def test_no_note_beyond_the_page(self):
        self.login("pooja")
        nudge = reverse("votingday:nudge", args=[self.part.pk, 31])
        self.assertEqual(self.client.post(nudge, {"kind": "reminded"}).status_code, 404)
        self.assertFalse(Nudge.objects.exists())

    def test_outsiders_see_and_note_nothing(self):
        nudge = reverse("votingday:nudge", args=[self.part.pk, 7])
        for persona in ("zoya", "nobody"):
            self.login(persona)
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(self.url()).status_code, 404)
                response = self.client.post(nudge, {"kind": "reminded"})
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Nudge.objects.exists())
