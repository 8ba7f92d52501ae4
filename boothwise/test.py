"""The test world: a small organisation with named personas everyone knows.

Rajasthan → Ajmer district → Ajmer city → blocks "Ajmer North 1" and "Ajmer South 2";
booths on parts of AC 100 Ajmer North and AC 101 Ajmer South; and Jaipur district,
where Zoya works and from where she must see nothing of Ajmer.

| persona | post | place |
| --- | --- | --- |
| asha | state president | Rajasthan |
| dev | city president | Ajmer city |
| arun | AC in-charge | AC 100 Ajmer North |
| bina | block president | block Ajmer North 1 (booths 100/1, 100/2) |
| chetan | booth president | booth 100/1 |
| pooja | page in-charge | part 100/1, serials 1–30 |
| zoya | district president | Jaipur (booth 50/1) |
| nobody | (no post) | |
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import TestCase
from django.utils import translation

from boothwise.accounts.models import User
from boothwise.geography.models import AssemblyConstituency, Part, State
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.organisation.services import person_create, post_appoint, unit_create

PASSWORD = "correct horse battery staple"
START = datetime.date(2025, 1, 1)


@dataclass
class World:
    rajasthan: State
    ac100: AssemblyConstituency
    ac101: AssemblyConstituency
    ac50: AssemblyConstituency
    state: Unit
    ajmer_district: Unit
    ajmer_city: Unit
    block_north: Unit
    block_south: Unit
    jaipur: Unit
    jaipur_block: Unit
    booth_100_1: Unit
    booth_100_2: Unit
    booth_100_3: Unit
    booth_101_1: Unit
    booth_50_1: Unit
    asha: User
    dev: User
    arun: User
    bina: User
    chetan: User
    pooja: User
    zoya: User
    nobody: User
    chetan_post: Post


def _part(ac: AssemblyConstituency, number: str, name: str) -> Part:
    return Part.objects.create(
        ac=ac, number=number, name=name, latitude="26.4500", longitude="74.6400"
    )


def _persona(username: str, name: str, name_en: str, unit: Unit) -> tuple[User, Person]:
    user = User.objects.create_user(username=username, password=PASSWORD)
    person = person_create(by=None, name=name, name_en=name_en, unit=unit, user=user)
    return user, person


def build_world() -> World:
    rj = State.objects.get(abbr="RJ")
    ac100 = AssemblyConstituency.objects.get(state=rj, number=100)
    ac101 = AssemblyConstituency.objects.get(state=rj, number=101)
    ac50 = AssemblyConstituency.objects.get(state=rj, number=50)
    L = Unit.Level

    def unit(
        level: Any, name: str, parent: Unit | None, part: Part | None = None
    ) -> Unit:
        return unit_create(
            by=None, level=level, name=name, parent=parent, state=rj, part=part
        )

    state = unit(L.STATE, "Rajasthan", None)
    district = unit(L.DISTRICT, "Ajmer", state)
    city = unit(L.CITY, "Ajmer city", district)
    north = unit(L.BLOCK, "Ajmer North 1", city)
    south = unit(L.BLOCK, "Ajmer South 2", city)
    jaipur = unit(L.DISTRICT, "Jaipur", state)
    jaipur_block = unit(L.BLOCK, "Jaipur block 1", jaipur)
    b100_1 = unit(
        L.BOOTH, "Booth 100/1", north, _part(ac100, "1", "Govt School Makarwali")
    )
    b100_2 = unit(
        L.BOOTH, "Booth 100/2", north, _part(ac100, "2", "Govt School Lohagal")
    )
    b100_3 = unit(L.BOOTH, "Booth 100/3", south, _part(ac100, "19A", "Community Hall"))
    b101_1 = unit(
        L.BOOTH, "Booth 101/1", south, _part(ac101, "1", "Adarsh Nagar School")
    )
    b50_1 = unit(L.BOOTH, "Booth 50/1", jaipur_block, _part(ac50, "1", "Jaipur School"))

    asha, asha_p = _persona("asha", "आशा शर्मा", "Asha Sharma", state)
    dev, dev_p = _persona("dev", "देव मीणा", "Dev Meena", city)
    arun, arun_p = _persona("arun", "अरुण जैन", "Arun Jain", city)
    bina, bina_p = _persona("bina", "बीना गहलोत", "Bina Gehlot", north)
    chetan, chetan_p = _persona("chetan", "चेतन सांखला", "Chetan Sankhla", b100_1)
    pooja, pooja_p = _persona("pooja", "पूजा रावत", "Pooja Rawat", b100_1)
    zoya, zoya_p = _persona("zoya", "ज़ोया ख़ान", "Zoya Khan", jaipur)
    nobody, _ = _persona("nobody", "नरेश कुमार", "Naresh Kumar", jaipur_block)

    P = PostType
    post_appoint(
        by=None,
        person=asha_p,
        post_type=P.STATE_PRESIDENT,
        unit=state,
        start_date=START,
    )
    post_appoint(
        by=None, person=dev_p, post_type=P.CITY_PRESIDENT, unit=city, start_date=START
    )
    post_appoint(
        by=None, person=arun_p, post_type=P.AC_INCHARGE, ac=ac100, start_date=START
    )
    post_appoint(
        by=None,
        person=bina_p,
        post_type=P.BLOCK_PRESIDENT,
        unit=north,
        start_date=START,
    )
    chetan_post = post_appoint(
        by=None,
        person=chetan_p,
        post_type=P.BOOTH_PRESIDENT,
        unit=b100_1,
        start_date=START,
    )
    assert b100_1.part is not None
    post_appoint(
        by=None,
        person=pooja_p,
        post_type=P.PAGE_INCHARGE,
        part=b100_1.part,
        serial_from=1,
        serial_to=30,
        start_date=START,
    )
    post_appoint(
        by=None,
        person=zoya_p,
        post_type=P.DISTRICT_PRESIDENT,
        unit=jaipur,
        start_date=START,
    )
    return World(
        rajasthan=rj,
        ac100=ac100,
        ac101=ac101,
        ac50=ac50,
        state=state,
        ajmer_district=district,
        ajmer_city=city,
        block_north=north,
        block_south=south,
        jaipur=jaipur,
        jaipur_block=jaipur_block,
        booth_100_1=b100_1,
        booth_100_2=b100_2,
        booth_100_3=b100_3,
        booth_101_1=b101_1,
        booth_50_1=b50_1,
        asha=asha,
        dev=dev,
        arun=arun,
        bina=bina,
        chetan=chetan,
        pooja=pooja,
        zoya=zoya,
        nobody=nobody,
        chetan_post=chetan_post,
    )


class BaseTestCase(TestCase):
    """A TestCase with the world built once per class; `self.w` holds it."""

    w: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build_world()

    def setUp(self) -> None:
        super().setUp()
        # Assertions read English messages; Hindi is the product's default, and the
        # tests of that default clear this cookie (see `hindi_by_default`).
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.enterContext(translation.override("en"))

    def hindi_by_default(self) -> None:
        """Undo setUp's English: the client and the code get the default language."""
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        self.enterContext(translation.override(settings.LANGUAGE_CODE))

    def personas(self) -> dict[str, User]:
        w = self.w
        return {
            u.username: u
            for u in (
                w.asha,
                w.dev,
                w.arun,
                w.bina,
                w.chetan,
                w.pooja,
                w.zoya,
                w.nobody,
            )
        }
