"""The training demo, loaded by `boothwise seed-demo` after the organisation demo.

The cascade of the election workshops, as it runs in a state:

- the **state workshop** in Jaipur for district, city and block presidents, frontal and
  cell heads, trainers and AC in-charges (the Jaipur district president included);
- the **Ajmer city workshop** "on the same lines", for its block presidents, booth
  presidents and BLA-2s;
- the **Ajmer Central block workshop** on the lines of the city's, for booth presidents,
  BLA-2s and page in-charges, with roll verification added to the agenda;
- the **Ajmer North 1 block workshop**, still to come: invitations sent, answers coming
  in, reminders in the outbox.

Answers and attendance are drawn from a seeded generator, so the same seed and the same
`today` give the same demo; dates are set around `today` (the day the demo is loaded),
so "held" and "coming up" stay true. Everything is written through the services, as
the organisers' own clicks would be: invitations by post, answers, check-ins by the
organiser at the session's time, walk-ins, directives and reminders.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from boothwise.accounts.access import current_posts_q
from boothwise.accounts.models import User
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.training import selectors, services
from boothwise.training.models import (
    Attendance,
    Directive,
    Invitation,
    Level,
    OutboxMessage,
    Session,
    Topic,
    Workshop,
)

DEFAULT_SEED = 2014
P = PostType

# How an answer turns into attendance: the chance of coming at all.
ATTEND_CHANCE = {
    Invitation.Rsvp.YES: 0.9,
    Invitation.Rsvp.MAYBE: 0.55,
    Invitation.Rsvp.PENDING: 0.3,
    Invitation.Rsvp.NO: 0.02,
}
# Of those who came, the share who stayed for every session.
STAYED_ALL = 0.85


class TrainingDemoRefused(Exception):
    """Workshops exist already, or the organisation demo is not loaded."""


@dataclass
class TrainingDemoResult:
    workshops: int
    invitations: int
    checkins: int
    walk_ins: int
    directives: int
    messages: int


class _Seeder:
    def __init__(self, seed: int, today: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.topics = {t.code: t for t in Topic.objects.all()}
        self.users = {
            u.username: u
            for u in User.objects.filter(username__in=["state", "city", "block"])
        }
        self.walk_ins = 0

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def holder(self, unit: Unit, post_type: PostType) -> str:
        post = (
            Post.objects.filter(current_posts_q(), unit=unit, post_type=post_type)
            .select_related("person")
            .order_by("id")
            .first()
        )
        return post.person.name if post else ""

    def agenda(self, workshop: Workshop, rows: list[tuple[str, str, str, str]]) -> None:
        by = self.users["state"]
        for code, start, end, speaker in rows:
            services.session_add(
                by=by,
                workshop=workshop,
                topic=self.topics[code],
                speaker=speaker,
                starts_at=datetime.time.fromisoformat(start),
                ends_at=datetime.time.fromisoformat(end),
            )

    def speakers(self, workshop: Workshop, names: dict[str, str], by: User) -> None:
        for session in workshop.sessions.select_related("topic").order_by("starts_at"):
            services.session_update(
                by=by,
                session=session,
                topic=session.topic,
                speaker=names.get(session.topic.code, ""),
                starts_at=session.starts_at,
                ends_at=session.ends_at,
            )

    def invite(
        self, workshop: Workshop, by: User, within: Unit, post_types: list[PostType]
    ) -> list[Invitation]:
        posts = selectors.posts_for_invitation(
            by, within=within, post_types=post_types
        ).order_by("id")
        services.invitations_by_posts(
            by=by, workshop=workshop, posts=list(posts), rng=self.rng
        )
        return list(workshop.invitations.select_related("person").order_by("id"))

    def answers(
        self, invitations: list[Invitation], by: User, weights: tuple[int, ...]
    ) -> None:
        choices = [
            Invitation.Rsvp.YES,
            Invitation.Rsvp.MAYBE,
            Invitation.Rsvp.NO,
            Invitation.Rsvp.PENDING,
        ]
        for invitation in invitations:
            answer = self.rng.choices(choices, weights=weights)[0]
            if answer != Invitation.Rsvp.PENDING:
                services.rsvp_set(by=by, invitation=invitation, rsvp=answer)

    def attend(
        self,
        workshop: Workshop,
        invitations: list[Invitation],
        by: User,
        always: frozenset[int] = frozenset(),
    ) -> int:
        """Check in those who came; `always` (person ids) came to every session."""
        sessions = list(workshop.sessions.order_by("starts_at", "id"))
        marks = 0
        for invitation in invitations:
            chance = ATTEND_CHANCE[Invitation.Rsvp(invitation.rsvp)]
            sure = invitation.person_id in always
            if self.rng.random() >= chance and not sure:
                continue
            attended = list(sessions)
            if len(sessions) > 1 and self.rng.random() >= STAYED_ALL and not sure:
                attended.remove(self.rng.choice(sessions))
            for session in attended:
                marks += self.check_in(workshop, session, invitation, by)
        return marks

    def check_in(
        self, workshop: Workshop, session: Session, invitation: Invitation, by: User
    ) -> int:
        start = datetime.datetime.combine(workshop.date, session.starts_at)
        at = timezone.make_aware(start) + datetime.timedelta(
            minutes=self.rng.randint(-20, 25), seconds=self.rng.randint(0, 59)
        )
        services.attendance_mark(
            by=by,
            session=session,
            invitation=invitation,
            client_uuid=self.uuid(),
            at=at,
        )
        return 1

    def add_walk_ins(
        self, workshop: Workshop, within: Unit, count: int, by: User
    ) -> int:
        """Booth committee members who came along uninvited with their president."""
        invited = workshop.invitations.values("person_id")
        candidates = list(
            Post.objects.filter(
                current_posts_q(),
                unit__path__startswith=within.path,
                post_type__in=[P.BOOTH_YOUTH, P.BOOTH_WOMAN, P.BOOTH_MEMBER],
            )
            .exclude(person_id__in=invited)
            .order_by("id")
            .values_list("person_id", flat=True)
            .distinct()
        )
        marks = 0
        for person in Person.objects.filter(
            pk__in=self.rng.sample(candidates, min(count, len(candidates)))
        ).order_by("pk"):
            invitation = services.walkin_register(
                by=by, workshop=workshop, person=person, rng=self.rng
            )
            self.walk_ins += 1
            for session in workshop.sessions.order_by("starts_at", "id"):
                marks += self.check_in(workshop, session, invitation, by)
        return marks


def _unit(level: str, name: str) -> Unit:
    unit = Unit.objects.filter(level=level, name=name).first()
    if unit is None:
        raise TrainingDemoRefused(f"The organisation demo has no {level} {name!r}.")
    return unit


@transaction.atomic
def training_demo_seed(
    *, seed: int = DEFAULT_SEED, today: datetime.date | None = None
) -> TrainingDemoResult:
    """Write the training demo on top of the organisation demo. Refuses to run twice."""
    if Workshop.objects.exists():
        raise TrainingDemoRefused("Workshops exist already; the demo adds none.")
    sd = _Seeder(seed, today or timezone.localdate())
    if set(sd.users) != {"state", "city", "block"}:
        raise TrainingDemoRefused("The organisation demo's logins are missing.")
    state_user, city_user, block_user = (
        sd.users[n] for n in ("state", "city", "block")
    )
    state = _unit(Unit.Level.STATE, "Rajasthan")
    city = _unit(Unit.Level.CITY, "Ajmer city")
    central = _unit(Unit.Level.BLOCK, "Ajmer Central")
    north = _unit(Unit.Level.BLOCK, "Ajmer North 1")
    jaipur = _unit(Unit.Level.DISTRICT, "Jaipur")
    checkins = 0

    # The state workshop, nine weeks ago.
    state_ws = services.workshop_create(
        by=state_user,
        title="प्रदेश चुनावी कार्यशाला",
        level=Level.STATE,
        unit=state,
        date=sd.day(-63),
        venue="बिड़ला सभागार, स्टैच्यू सर्किल, जयपुर",
    )
    sd.agenda(
        state_ws,
        [
            (
                "election_strategy",
                "10:00",
                "11:00",
                sd.holder(state, P.STATE_PRESIDENT),
            ),
            ("booth_management", "11:15", "12:30", sd.holder(state, P.TRAINER)),
            ("voting_day", "13:30", "14:30", sd.holder(state, P.GENERAL_SECRETARY)),
            ("public_contact", "14:45", "15:45", sd.holder(state, P.SPOKESPERSON)),
        ],
    )
    invited = sd.invite(
        state_ws,
        state_user,
        state,
        [*selectors.INVITE_DEFAULTS[Level.STATE], P.TRAINER, P.AC_INCHARGE],
    )
    sd.answers(invited, state_user, weights=(85, 5, 5, 5))
    # The demo's city and block presidents, who run the workshops below, were there.
    leaders = frozenset(
        Person.objects.filter(user__username__in=["city", "block"]).values_list(
            "pk", flat=True
        )
    )
    checkins += sd.attend(state_ws, _fresh(invited), state_user, always=leaders)

    # Ajmer city, on the same lines, seven weeks ago.
    city_ws = services.workshop_create(
        by=city_user,
        title="अजमेर शहर चुनावी कार्यशाला",
        level=Level.DISTRICT,
        unit=city,
        date=sd.day(-49),
        venue="जवाहर रंगमंच, अजमेर",
        parent=state_ws,
    )
    sd.speakers(
        city_ws,
        {
            "election_strategy": sd.holder(city, P.CITY_PRESIDENT),
            "booth_management": sd.holder(city, P.TRAINER),
            "voting_day": sd.holder(city, P.GENERAL_SECRETARY),
            "public_contact": sd.holder(city, P.SPOKESPERSON),
        },
        city_user,
    )
    invited = sd.invite(
        city_ws, city_user, city, list(selectors.INVITE_DEFAULTS[Level.DISTRICT])
    )
    sd.answers(invited, city_user, weights=(70, 10, 8, 12))
    checkins += sd.attend(city_ws, _fresh(invited), city_user)
    checkins += sd.add_walk_ins(city_ws, city, 3, city_user)

    # Ajmer Central, three weeks ago: the city's agenda plus roll verification.
    central_ws = services.workshop_create(
        by=block_user,
        title="अजमेर मध्य ब्लॉक कार्यशाला",
        level=Level.BLOCK,
        unit=central,
        date=sd.day(-21),
        venue="सामुदायिक भवन, वैशाली नगर, अजमेर",
        parent=city_ws,
    )
    trainer = sd.holder(central, P.TRAINER)
    president = sd.holder(central, P.BLOCK_PRESIDENT)
    sd.speakers(
        central_ws,
        {
            "election_strategy": president,
            "booth_management": trainer,
            "voting_day": trainer,
            "public_contact": president,
        },
        block_user,
    )
    sd.agenda(central_ws, [("roll_verification", "16:00", "17:00", trainer)])
    invited = sd.invite(
        central_ws, block_user, central, list(selectors.INVITE_DEFAULTS[Level.BLOCK])
    )
    sd.answers(invited, block_user, weights=(72, 10, 6, 12))
    checkins += sd.attend(central_ws, _fresh(invited), block_user)

    # Ajmer North 1, ten days from now: invited, answers coming in, reminders queued.
    north_ws = services.workshop_create(
        by=city_user,
        title="अजमेर उत्तर 1 ब्लॉक कार्यशाला",
        level=Level.BLOCK,
        unit=north,
        date=sd.day(10),
        venue="राजकीय उच्च माध्यमिक विद्यालय, अजमेर",
        parent=city_ws,
    )
    sd.agenda(
        north_ws, [("roll_verification", "16:00", "17:00", sd.holder(city, P.TRAINER))]
    )
    invited = sd.invite(
        north_ws, city_user, north, list(selectors.INVITE_DEFAULTS[Level.BLOCK])
    )
    sd.answers(invited, city_user, weights=(40, 10, 5, 45))
    report = services.reminders_queue(
        by=city_user,
        workshop=north_ws,
        invitations=list(
            north_ws.invitations.select_related("person__phone_consent").order_by("id")
        ),
    )

    directives = _directives(
        sd,
        state_ws,
        city_ws,
        central_ws,
        city,
        jaipur,
        state_user,
        city_user,
        block_user,
    )
    return TrainingDemoResult(
        workshops=Workshop.objects.count(),
        invitations=Invitation.objects.count(),
        checkins=checkins,
        walk_ins=sd.walk_ins,
        directives=directives,
        messages=report.queued + report.no_phone,
    )


def _fresh(invitations: list[Invitation]) -> list[Invitation]:
    """The invitations again, with the answers just recorded."""
    return list(
        Invitation.objects.filter(pk__in=[i.pk for i in invitations])
        .select_related("person")
        .order_by("id")
    )


def _directives(
    sd: _Seeder,
    state_ws: Workshop,
    city_ws: Workshop,
    central_ws: Workshop,
    city: Unit,
    jaipur: Unit,
    state_user: User,
    city_user: User,
    block_user: User,
) -> int:
    def fmt(day: datetime.date) -> str:
        return day.strftime("%d-%m-%Y")

    city_due = sd.day(-45)
    made = services.directive_create(
        by=state_user,
        workshop=state_ws,
        unit=city,
        text=f"अजमेर शहर {fmt(city_due)} से पहले शहर स्तरीय कार्यशाला आयोजित करे",
        due_date=city_due,
    )
    services.directive_status_set(
        by=city_user,
        directive=made,
        status=Directive.Status.DONE,
        note="कार्यशाला आयोजित हुई",
    )
    jaipur_due = sd.day(-35)
    services.directive_create(
        by=state_user,
        workshop=state_ws,
        unit=jaipur,
        text=f"जयपुर ज़िला {fmt(jaipur_due)} से पहले ज़िला स्तरीय कार्यशाला आयोजित करे",
        due_date=jaipur_due,
    )
    block_due = sd.day(14)
    for block in Unit.objects.filter(parent=city, level=Unit.Level.BLOCK).order_by(
        "path"
    ):
        made = services.directive_create(
            by=city_user,
            workshop=city_ws,
            unit=block,
            text=(
                f"{block.name_hi or block.name} ब्लॉक {fmt(block_due)} तक "
                "ब्लॉक कार्यशाला आयोजित करे"
            ),
            due_date=block_due,
        )
        if block.pk == central_ws.unit_id:
            services.directive_status_set(
                by=block_user, directive=made, status=Directive.Status.DONE
            )
    services.directive_create(
        by=city_user,
        workshop=city_ws,
        unit=city,
        text="हर बूथ पर बीएलए-2 की नियुक्ति पूरी करें",
        due_date=sd.day(30),
    )
    services.directive_create(
        by=block_user,
        workshop=central_ws,
        unit=central_ws.unit,
        text="हर बूथ पर पन्ना प्रमुखों की सूची बनाकर भेजें",
        due_date=sd.day(7),
    )
    return Directive.objects.count()


def training_demo_summary() -> dict[str, object]:
    """What the demo wrote, as plain data (for the determinism test and the report)."""
    return {
        "workshops": list(
            Workshop.objects.order_by("date", "id").values_list(
                "title", "date", "level"
            )
        ),
        "invitations": sorted(
            Invitation.objects.values_list("code", "person__name", "rsvp", "source")
        ),
        "attendance": sorted(
            Attendance.objects.values_list(
                "session__workshop__title",
                "session__topic__code",
                "person__name",
                "kind",
                "at",
                "client_uuid",
            )
        ),
        "directives": sorted(Directive.objects.values_list("text", "status")),
        "messages": sorted(
            OutboxMessage.objects.values_list("invitation__code", "status")
        ),
    }
