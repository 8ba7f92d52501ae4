"""The demo organisation: Ajmer city on its real polling stations, plus Jaipur.

Two steps, so the data can be checked without a database:

1. `demo_plan(seed)` turns the real polling-station list of AC 100 Ajmer North and
   AC 101 Ajmer South (2014, see geography/data/SOURCES.md) and a random generator into
   a plan: stations, units, synthetic people and their posts. Same seed, same plan
   (`DemoPlan.fingerprint()`).
2. `demo_seed(plan)` writes the plan through the ordinary services (stations_import,
   unit_create, person_create, post_appoint, post_relieve, person_phone_set), in one
   transaction, so the audit trail has every event. It refuses a database that
   already has party units.

The tree: Rajasthan → Ajmer district → Ajmer city → four blocks → 369 booths, one per
polling station; the block "Ajmer Central" spans booths of both ACs. Jaipur district →
one block → three synthetic booths on AC 50 Vidhyadhar Nagar, which the Ajmer personas
must not see and whose president must see nothing of Ajmer.

Station names: the 2014 list has OCR-like repetitions ("Govt Govt Sec Sec School");
an immediately repeated word is dropped ("Govt Sec School"), nothing else is changed.
Parts listed twice (a main and an auxiliary station whose suffix was lost) get the
suffix back: the second "19" becomes "19A" (a third would be "19B").

People are synthetic (organisation/names.py); phone numbers are synthetic, in the
+91 90000 0xxxx range, and each comes with a recorded consent.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boothwise.accounts.models import User
from boothwise.geography.models import AssemblyConstituency, Part, State
from boothwise.geography.stations import stations_import
from boothwise.organisation.models import Person, Post, PostType, Unit
from boothwise.organisation.names import NameMaker
from boothwise.organisation.selectors import COMMITTEE_MEMBER_SLOTS
from boothwise.organisation.services import (
    person_create,
    person_phone_set,
    post_appoint,
    post_relieve,
    unit_create,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

DEFAULT_SEED = 2014
DEMO_PASSWORD = "boothwise-demo"
NOTICE_VERSION = "demo-1"
STATIONS_CSV = (
    Path(__file__).resolve().parent.parent
    / "geography"
    / "data"
    / "polling_stations_ac100_ac101_2014.csv"
)
STATE_ABBR = "RJ"
JAIPUR_AC = 50

P = PostType
L = Unit.Level


@dataclass(frozen=True)
class DemoLogin:
    username: str
    persona: StrPromise


LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("state", gettext_lazy("State president of Rajasthan")),
    DemoLogin("city", gettext_lazy("President of Ajmer city")),
    DemoLogin(
        "block",
        gettext_lazy("President of block Ajmer Central, which spans AC 100 and AC 101"),
    ),
    DemoLogin(
        "booth", gettext_lazy("Booth president of booth 101/1 in block Ajmer Central")
    ),
    DemoLogin("page", gettext_lazy("Page in-charge of one page of part 101/1")),
    DemoLogin("outsider", gettext_lazy("District president of Jaipur")),
)

# Blocks of Ajmer city by part-number ranges (both ends included). Part numbers follow
# the map roughly, so the ranges are neighbourhoods; "central" joins the south of AC
# 100 and the north of AC 101.
BLOCKS: tuple[tuple[str, str, str, tuple[tuple[int, int, int], ...]], ...] = (
    ("north-1", "Ajmer North 1", "अजमेर उत्तर 1", ((100, 1, 95),)),
    ("central", "Ajmer Central", "अजमेर मध्य", ((100, 96, 9999), (101, 1, 30))),
    ("south-1", "Ajmer South 1", "अजमेर दक्षिण 1", ((101, 31, 95),)),
    ("south-2", "Ajmer South 2", "अजमेर दक्षिण 2", ((101, 96, 9999),)),
)
PERSONA_BOOTH = (101, "1")

# Share of booths per committee tier: complete, strong, partial, empty.
TIERS = (("complete", 4), ("strong", 12), ("partial", 38), ("empty", 46))
RELIEVE_REASONS = (
    "Moved out of the area",
    "Resigned for personal reasons",
    "Took up a block post",
)


@dataclass(frozen=True)
class PlanStation:
    ac: int
    number: str
    name: str
    address: str
    latitude: str
    longitude: str


@dataclass(frozen=True)
class PlanUnit:
    key: str
    level: str
    name: str
    name_hi: str
    parent: str | None
    station: tuple[int, str] | None = None


@dataclass(frozen=True)
class PlanPerson:
    key: str
    name: str
    name_en: str
    unit: str
    login: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PlanPost:
    person: str
    post_type: str
    start: str
    unit: str | None = None
    ac: int | None = None
    station: tuple[int, str] | None = None
    serial_from: int | None = None
    serial_to: int | None = None
    end: str | None = None
    end_reason: str = ""


@dataclass
class DemoPlan:
    seed: int
    stations: list[PlanStation] = field(default_factory=list)
    units: list[PlanUnit] = field(default_factory=list)
    people: list[PlanPerson] = field(default_factory=list)
    posts: list[PlanPost] = field(default_factory=list)

    def fingerprint(self) -> str:
        """A hash of the whole plan: equal plans, equal fingerprints."""
        text = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def booth_key(self, ac: int, number: str) -> str:
        return f"booth-{ac}-{number}"


class DemoRefused(Exception):
    """The database is not empty enough for the demo; nothing was written."""


# -- The plan ------------------------------------------------------------------------

_WORD = re.compile(r"\w", re.UNICODE)


def tidy_station_name(name: str) -> str:
    """Drop immediately repeated words: "Govt Govt Sec Sec School, School," → "Govt Sec
    School,". Only words with letters; numbers may legitimately repeat."""
    kept: list[str] = []
    for word in name.split():
        if kept and re.search(r"[A-Za-z]", word):
            prev = kept[-1]
            if word.rstrip(",.;:").lower() == prev.rstrip(",.;:").lower():
                # Keep the punctuation of either copy: "School School," → "School,".
                tail = word[len(word.rstrip(",.;:")) :]
                if tail and not prev.endswith(tail):
                    kept[-1] = prev.rstrip(",.;:") + tail
                continue
        kept.append(word)
    return " ".join(kept)


def ajmer_stations(path: Path = STATIONS_CSV) -> list[PlanStation]:
    """The real stations of AC 100 and 101, with suffixes for repeated part numbers."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    seen: Counter[tuple[int, str]] = Counter()
    stations = []
    for row in rows:
        ac, number = int(row["ac_id_09"]), str(int(row["booth_id_14"]))
        occurrence = seen[(ac, number)]
        seen[(ac, number)] += 1
        suffix = "" if occurrence == 0 else chr(ord("A") + occurrence - 1)
        stations.append(
            PlanStation(
                ac=ac,
                number=number + suffix,
                name=tidy_station_name(row["booth_name_14"]),
                address="",
                latitude=row["latitude"].strip(),
                longitude=row["longitude"].strip(),
            )
        )
    return stations


def jaipur_stations() -> list[PlanStation]:
    """Three made-up stations on AC 50 Vidhyadhar Nagar, marked as such."""
    return [
        PlanStation(
            ac=JAIPUR_AC,
            number=str(900 + i),
            name=f"DEMO synthetic polling station {900 + i} (not a real station)",
            address="Synthetic demo data, Vidhyadhar Nagar, Jaipur",
            latitude=f"{26.955 + 0.004 * i:.6f}",
            longitude=f"{75.775 + 0.003 * i:.6f}",
        )
        for i in (1, 2, 3)
    ]


def block_of(ac: int, number: str) -> str:
    head = int(re.match(r"\d+", number).group())  # type: ignore[union-attr]
    for key, _name, _name_hi, ranges in BLOCKS:
        if any(a == ac and lo <= head <= hi for a, lo, hi in ranges):
            return key
    raise ValueError(f"No block for part {ac}/{number}")


class _Planner:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = NameMaker(self.rng)
        self.plan = DemoPlan(seed=seed)
        self.phones = 0

    def unit(
        self,
        key: str,
        level: str,
        name: str,
        name_hi: str,
        parent: str | None,
        station: tuple[int, str] | None = None,
    ) -> str:
        self.plan.units.append(PlanUnit(key, level, name, name_hi, parent, station))
        return key

    def person(
        self,
        unit: str,
        *,
        female: bool | None = None,
        login: str = "",
        phone: bool | None = None,
    ) -> str:
        if female is None:
            female = self.rng.random() < 0.3
        name, name_en = self.names.make(female=female)
        if phone is None:
            phone = self.rng.random() < 0.04
        number = ""
        if phone:
            self.phones += 1
            number = f"+9190000{self.phones:05d}"
        key = f"person-{len(self.plan.people) + 1}"
        self.plan.people.append(PlanPerson(key, name, name_en, unit, login, number))
        return key

    def date(self, start: datetime.date, end: datetime.date) -> str:
        days = (end - start).days
        return (start + datetime.timedelta(days=self.rng.randint(0, days))).isoformat()

    def post(
        self,
        person: str,
        post_type: PostType,
        start: str,
        *,
        unit: str | None = None,
        ac: int | None = None,
        station: tuple[int, str] | None = None,
        serial_from: int | None = None,
        serial_to: int | None = None,
        end: str | None = None,
        end_reason: str = "",
    ) -> None:
        self.plan.posts.append(
            PlanPost(
                person,
                post_type.value,
                start,
                unit,
                ac,
                station,
                serial_from,
                serial_to,
                end,
                end_reason,
            )
        )


def demo_plan(seed: int = DEFAULT_SEED) -> DemoPlan:
    """The whole demo as data. Deterministic: the same seed gives the same plan."""
    pl = _Planner(seed)
    rng = pl.rng
    d = datetime.date
    ajmer = ajmer_stations()
    jaipur = jaipur_stations()
    pl.plan.stations = ajmer + jaipur

    state = pl.unit("rj", L.STATE, "Rajasthan", "राजस्थान", None)
    district = pl.unit("ajmer", L.DISTRICT, "Ajmer", "अजमेर", state)
    city = pl.unit("ajmer-city", L.CITY, "Ajmer city", "अजमेर शहर", district)
    for key, name, name_hi, _ranges in BLOCKS:
        pl.unit(key, L.BLOCK, name, name_hi, city)
    for s in ajmer:
        pl.unit(
            pl.plan.booth_key(s.ac, s.number),
            L.BOOTH,
            f"Booth {s.ac}/{s.number}",
            f"बूथ {s.ac}/{s.number}",
            block_of(s.ac, s.number),
            (s.ac, s.number),
        )
    jaipur_district = pl.unit("jaipur", L.DISTRICT, "Jaipur", "जयपुर", state)
    jaipur_block = pl.unit(
        "jaipur-vn-1", L.BLOCK, "Vidhyadhar Nagar 1", "विद्याधर नगर 1", jaipur_district
    )
    for s in jaipur:
        pl.unit(
            pl.plan.booth_key(s.ac, s.number),
            L.BOOTH,
            f"Booth {s.ac}/{s.number} (demo)",
            f"बूथ {s.ac}/{s.number} (डेमो)",
            jaipur_block,
            (s.ac, s.number),
        )

    # Leadership.
    lead_start = "2024-01-15"
    pl.post(
        pl.person(state, login="state", phone=True),
        P.STATE_PRESIDENT,
        lead_start,
        unit=state,
    )
    pl.post(pl.person(state), P.GENERAL_SECRETARY, lead_start, unit=state)
    pl.post(pl.person(state), P.SPOKESPERSON, "2024-02-01", unit=state)
    pl.post(pl.person(state), P.TRAINER, "2024-02-01", unit=state)
    pl.post(
        pl.person(district, phone=True),
        P.DISTRICT_PRESIDENT,
        "2024-02-10",
        unit=district,
    )
    pl.post(
        pl.person(city, login="city", phone=True),
        P.CITY_PRESIDENT,
        "2024-02-10",
        unit=city,
    )
    pl.post(pl.person(city), P.GENERAL_SECRETARY, "2024-02-20", unit=city)
    pl.post(pl.person(city), P.SPOKESPERSON, "2024-02-20", unit=city)
    pl.post(pl.person(city), P.TRAINER, "2024-03-01", unit=city)
    pl.post(pl.person(city, phone=True), P.AC_INCHARGE, "2024-03-01", ac=100)
    pl.post(pl.person(city, phone=True), P.AC_INCHARGE, "2024-03-01", ac=101)
    for key, *_rest in BLOCKS:
        login = "block" if key == "central" else ""
        pl.post(
            pl.person(key, login=login, phone=bool(login) or None),
            P.BLOCK_PRESIDENT,
            pl.date(d(2024, 3, 1), d(2024, 4, 30)),
            unit=key,
        )
    pl.post(pl.person(city), P.TRAINER, "2024-03-15", unit="central")

    # Booth committees.
    tiers = [tier for tier, _weight in TIERS]
    weights = [weight for _tier, weight in TIERS]
    for s in ajmer:
        station = (s.ac, s.number)
        persona = station == PERSONA_BOOTH
        tier = "complete" if persona else rng.choices(tiers, weights=weights)[0]
        _plan_booth(pl, pl.plan.booth_key(*station), station, tier, persona)

    # Jaipur: a district president who must see nothing of Ajmer, and thin booths.
    pl.post(
        pl.person(jaipur_district, login="outsider", phone=True),
        P.DISTRICT_PRESIDENT,
        "2024-02-10",
        unit=jaipur_district,
    )
    pl.post(pl.person(jaipur_block), P.BLOCK_PRESIDENT, "2024-04-01", unit=jaipur_block)
    for i, s in enumerate(jaipur):
        booth = pl.plan.booth_key(s.ac, s.number)
        if i < 2:
            pl.post(pl.person(booth), P.BOOTH_PRESIDENT, "2024-05-01", unit=booth)
        if i < 1:
            pl.post(pl.person(booth, female=False), P.BLA2, "2024-05-10", unit=booth)
    return pl.plan


def _plan_booth(
    pl: _Planner, booth: str, station: tuple[int, str], tier: str, persona: bool
) -> None:
    """The committee of one booth, filled as far as its tier goes."""
    rng = pl.rng
    d = datetime.date
    if tier == "empty":
        return
    start = pl.date(d(2024, 5, 1), d(2025, 6, 30))
    if tier != "complete" and rng.random() < 0.03:
        # An earlier president, relieved: posts are history, not overwritten.
        earlier = pl.date(d(2023, 1, 1), d(2023, 12, 31))
        pl.post(
            pl.person(booth),
            P.BOOTH_PRESIDENT,
            earlier,
            unit=booth,
            end=pl.date(d(2024, 1, 1), d(2024, 4, 30)),
            end_reason=rng.choice(RELIEVE_REASONS),
        )
    pl.post(
        pl.person(booth, login="booth" if persona else ""),
        P.BOOTH_PRESIDENT,
        start,
        unit=booth,
    )
    if tier == "partial":
        if rng.random() < 0.3:
            pl.post(pl.person(booth), P.BLA2, start, unit=booth)
        return
    pl.post(pl.person(booth), P.BLA2, start, unit=booth)
    if tier == "strong":
        if rng.random() < 0.5:
            pl.post(pl.person(booth, female=False), P.BOOTH_YOUTH, start, unit=booth)
        else:
            pl.post(pl.person(booth, female=True), P.BOOTH_WOMAN, start, unit=booth)
        if rng.random() < 0.3:
            pl.post(pl.person(booth), P.BOOTH_MEMBER, start, unit=booth)
        pages = 1 if rng.random() < 0.2 else 0
    else:
        pl.post(pl.person(booth), P.BOOTH_YOUTH, start, unit=booth)
        pl.post(pl.person(booth, female=True), P.BOOTH_WOMAN, start, unit=booth)
        # A complete committee fills every member slot; the dashboards count it so.
        for _ in range(COMMITTEE_MEMBER_SLOTS):
            pl.post(pl.person(booth), P.BOOTH_MEMBER, start, unit=booth)
        pages = rng.randint(2, 5)
    # Page in-charges on the first pages of the roll (serials 1 … ~1,200).
    electors = rng.randint(700, 1300)
    serial = 1
    page_start = pl.date(d.fromisoformat(start), d(2025, 9, 30))
    for i in range(pages):
        size = rng.randint(30, 60)
        last = min(serial + size - 1, electors)
        login = "page" if persona and i == 0 else ""
        pl.post(
            pl.person(booth, login=login),
            P.PAGE_INCHARGE,
            page_start,
            station=station,
            serial_from=serial,
            serial_to=last,
        )
        serial = last + 1


# -- Writing the plan ----------------------------------------------------------------


@dataclass
class DemoResult:
    units: int
    booths: int
    people: int
    posts: int
    phones: int
    logins: list[str]


@transaction.atomic
def demo_seed(plan: DemoPlan) -> DemoResult:
    """Write `plan` through the services, all or nothing. Refuses a non-empty database."""
    if Unit.objects.exists():
        raise DemoRefused(
            _(
                "The database already has party units; the demo only fills an "
                "empty database."
            )
        )
    logins = [p.login for p in plan.people if p.login]
    taken = sorted(
        User.objects.filter(username__in=logins).values_list("username", flat=True)
    )
    if taken:
        raise DemoRefused(
            _("These demo usernames are already taken: %(names)s.")
            % {"names": ", ".join(taken)}
        )
    state = State.objects.get(abbr=STATE_ABBR)
    acs = {
        ac.number: ac
        for ac in AssemblyConstituency.objects.filter(
            state=state, number__in={s.ac for s in plan.stations}
        )
    }
    report = stations_import(
        file=io.BytesIO(_stations_csv(plan.stations)),
        source="seed-demo",
        state=state,
        by=None,
    )
    if report.rejected or report.warnings:
        problems = report.rejected + report.warnings
        raise RuntimeError(f"Demo stations did not import cleanly: {problems}")
    parts = {
        (part.ac.number, part.number): part
        for part in Part.objects.filter(ac__in=acs.values()).select_related("ac")
    }

    units: dict[str, Unit] = {}
    for pu in plan.units:
        units[pu.key] = unit_create(
            by=None,
            level=Unit.Level(pu.level),
            name=pu.name,
            name_hi=pu.name_hi,
            parent=units[pu.parent] if pu.parent else None,
            state=state,
            part=parts[pu.station] if pu.station else None,
        )

    password = make_password(DEMO_PASSWORD)
    people: dict[str, Person] = {}
    users: dict[str, User] = {}
    for pp in plan.people:
        user = None
        if pp.login:
            first, _sep, last = pp.name_en.partition(" ")
            user = User.objects.create(
                username=pp.login, password=password, first_name=first, last_name=last
            )
            users[pp.login] = user
        people[pp.key] = person_create(
            by=None, name=pp.name, name_en=pp.name_en, unit=units[pp.unit], user=user
        )

    state_user = users["state"]
    for post in plan.posts:
        held = post_appoint(
            by=None,
            person=people[post.person],
            post_type=PostType(post.post_type),
            start_date=datetime.date.fromisoformat(post.start),
            unit=units[post.unit] if post.unit else None,
            ac=acs[post.ac] if post.ac else None,
            part=parts[post.station] if post.station else None,
            serial_from=post.serial_from,
            serial_to=post.serial_to,
        )
        if post.end:
            post_relieve(
                by=state_user,
                post=held,
                end_date=datetime.date.fromisoformat(post.end),
                reason=post.end_reason,
            )

    phones = 0
    for pp in plan.people:
        if pp.phone:
            person_phone_set(
                by=state_user,
                person=people[pp.key],
                phone=pp.phone,
                notice_version=NOTICE_VERSION,
            )
            phones += 1
    return DemoResult(
        units=len(units),
        booths=sum(1 for u in plan.units if u.level == L.BOOTH),
        people=len(people),
        posts=Post.objects.count(),
        phones=phones,
        logins=logins,
    )


def _stations_csv(stations: list[PlanStation]) -> bytes:
    """The stations in the canonical polling-station CSV, for stations_import."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ac_no", "part_no", "name", "address", "latitude", "longitude"])
    for s in stations:
        writer.writerow([s.ac, s.number, s.name, s.address, s.latitude, s.longitude])
    return out.getvalue().encode("utf-8")
