"""The curriculum a new installation starts with (data migration 0002)."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from boothwise.training.models import Curriculum, Topic
from boothwise.training.tests.helpers import TrainingTestCase


class SeededCurriculumTests(TestCase):
    def test_the_issue_s_topics_exist_in_both_languages(self):
        topics = {t.code: t for t in Topic.objects.all()}
        self.assertEqual(topics["election_strategy"].name_hi, "चुनावी रणनीति")
        self.assertEqual(topics["booth_management"].name_hi, "बूथ स्तर पर माइक्रो मैनेजमेंट")
        self.assertEqual(topics["voting_day"].name_hi, "वोटिंग डे मैनेजमेंट")
        self.assertEqual(topics["public_contact"].name_hi, "आमजन संपर्क कार्यक्रम")
        self.assertEqual(
            topics["roll_verification"].name, "Electoral roll verification"
        )
        for topic in topics.values():
            with self.subTest(topic=topic.code):
                self.assertRegex(topic.name_hi, r"^[\u0900-\u097F ,एवं]+$")
                self.assertRegex(topic.name, r"^[A-Za-z' -]+$")

    def test_each_level_requires_its_core_topics(self):
        required = {
            c.level: sorted(t.code for t in c.required_topics.all())
            for c in Curriculum.objects.all()
        }
        self.assertEqual(
            required,
            {
                "state": ["booth_management", "election_strategy", "voting_day"],
                "district": ["booth_management", "election_strategy", "voting_day"],
                "block": ["booth_management", "roll_verification", "voting_day"],
            },
        )


class CurriculumPageTests(TrainingTestCase):
    def test_the_topic_shows_in_the_readers_language(self):
        self.client.force_login(self.w.chetan)
        english = self.client.get(reverse("training:curriculum"))
        self.assertContains(english, "Booth-level micro-management")
        self.hindi_by_default()
        hindi = self.client.get(reverse("training:curriculum"))
        self.assertContains(hindi, "बूथ स्तर पर माइक्रो मैनेजमेंट")
        self.assertEqual(self.topics["voting_day"].label, "वोटिंग डे मैनेजमेंट")
