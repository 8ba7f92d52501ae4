"""The persona world plus a small training cascade, shared by the training tests.

- state workshop (Rajasthan, run by asha): the three topics the state curriculum
  requires, 10:00–14:00;
- Ajmer city workshop (run by dev) on its lines, agenda copied;
- extra cadre: Sunita (BLA-2 of booth 100/1, Devanagari name only), Ramesh (booth
  president of 100/2) and Kamla (booth president of 101/1, in the south block).

Nothing is invited or attended here; each test does what it is about.
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from boothwise.organisation.models import Person, Post, PostType
from boothwise.organisation.services import person_create, post_appoint
from boothwise.test import START, BaseTestCase
from boothwise.training import services
from boothwise.training.models import Invitation, Level, Session, Topic, Workshop

PERSONAS = ("asha", "dev", "arun", "bina", "chetan", "pooja", "zoya", "nobody")


def t(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


class TrainingTestCase(BaseTestCase):
    state_ws: Workshop
    city_ws: Workshop
    topics: dict[str, Topic]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        cls.topics = {topic.code: topic for topic in Topic.objects.all()}
        today = timezone.localdate()
        cls.state_ws = services.workshop_create(
            by=w.asha,
            title="प्रदेश चुनावी कार्यशाला",
            level=Level.STATE,
            unit=w.state,
            date=today,
            venue="बिड़ला सभागार, जयपुर",
        )
        for code, start, end in (
            ("election_strategy", "10:00", "11:00"),
            ("booth_management", "11:15", "12:30"),
            ("voting_day", "13:00", "14:00"),
        ):
            services.session_add(
                by=w.asha,
                workshop=cls.state_ws,
                topic=cls.topics[code],
                speaker="आशा शर्मा",
                starts_at=t(start),
                ends_at=t(end),
            )
        cls.city_ws = services.workshop_create(
            by=w.dev,
            title="अजमेर शहर कार्यशाला",
            level=Level.DISTRICT,
            unit=w.ajmer_city,
            date=today + datetime.timedelta(days=14),
            venue="जवाहर रंगमंच, अजमेर",
            parent=cls.state_ws,
        )
        cls.sunita = cls._holder("श्रीमती सुनीता देवी", "", w.booth_100_1, PostType.BLA2)
        cls.ramesh = cls._holder(
            "रमेश मीणा", "Ramesh Meena", w.booth_100_2, PostType.BOOTH_PRESIDENT
        )
        cls.kamla = cls._holder(
            "कमला देवी", "Kamla Devi", w.booth_101_1, PostType.BOOTH_PRESIDENT
        )

    @classmethod
    def _holder(cls, name: str, name_en: str, booth, post_type) -> Person:
        person = person_create(by=None, name=name, name_en=name_en, unit=booth)
        post_appoint(
            by=None, person=person, post_type=post_type, unit=booth, start_date=START
        )
        return person

    # Small helpers ---------------------------------------------------------------

    def person_of(self, user) -> Person:
        return Person.objects.get(user=user)

    def invite(self, workshop: Workshop, *people: Person) -> list[Invitation]:
        return [
            services.invitation_add(by=self.w.asha, workshop=workshop, person=p)
            for p in people
        ]

    def sessions(self, workshop: Workshop) -> list[Session]:
        return list(workshop.sessions.order_by("starts_at", "id"))

    def attend(self, invitation: Invitation, *sessions: Session, by=None) -> None:
        for session in sessions:
            services.attendance_mark(
                by=by or self.w.asha,
                session=session,
                invitation=invitation,
                client_uuid=uuid.uuid4(),
            )

    def post_of(self, person: Person) -> Post:
        return Post.objects.get(person=person)
