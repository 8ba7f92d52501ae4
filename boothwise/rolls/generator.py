"""Realistic synthetic electoral rolls in the canonical roll CSV (demo and benchmarks).

Deterministic by seed. Names come from ``boothwise/organisation/names.py`` (Devanagari
with their Latin spellings), first names drawn with a Zipf-like frequency so common names
repeat as on real rolls. Given more first names (``tail``; the benchmarks pass the real
name pairs of ``bench/data/name_pairs.tsv``), the spread is a real roll's: a long tail of
first names after the common ones (the commonest about 2 % of its gender, the 60
commonest about a third), some 140 surnames whose commonest is a few per cent, ranked
differently in every roll so that constituencies differ. Electors live in households
of 2–7 sharing a house number and a surname: a head with a father's name, a spouse
(relation H) and grown children (relation F, the head's name). Ages run 18–95, weighted
towards the 25–50 band. Some dirt, as on real rolls: ~1 % missing EPICs, a few repeated
EPICs, legacy 16-character EPICs with slashes, ages 0 and 673, house numbers such as
``12/3-ब``, blank sections, Hindi relation and gender words on a share of rows. No real
person's data is used.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from typing import IO, NamedTuple

from boothwise.organisation.names import (
    MORE_SURNAMES_A,
    MORE_SURNAMES_B,
    POOLS,
    Name,
)

COLUMNS = (
    "ac_no",
    "part_no",
    "section_no",
    "serial_no",
    "epic_no",
    "name",
    "relation_type",
    "relative_name",
    "house_no",
    "age",
    "gender",
    "name_en",
    "relative_name_en",
)
HINDI_RELATION = {"F": "पिता", "H": "पति", "M": "माता", "W": "पत्नी", "O": "अन्य"}
HINDI_GENDER = {"M": "पुरुष", "F": "महिला", "T": "तृतीय लिंग"}
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
HOUSE_SUFFIXES = ("", "", "", "", "A", "B", "/1", "/2", "/3-ब", "-क", " ख")


#: Endings of Devanagari first names read as a woman's (``tail`` names carry no gender).
FEMALE_ENDINGS = ("ा", "ी", "ि")


def _zipf(n: int) -> list[float]:
    return [1 / (i + 1) ** 0.9 for i in range(n)]


def _ranked(names: Sequence[Name], shift: int) -> tuple[list[Name], list[float]]:
    """``names`` with cumulative Zipf–Mandelbrot weights, 1/(rank + shift)^0.9: the
    shift flattens the head, as real name counts are flatter than Zipf's at the top."""
    weights = (1 / (rank + shift) ** 0.9 for rank in range(1, len(names) + 1))
    return list(names), list(accumulate(weights))


class _Spread(NamedTuple):
    """One pool's names for a roll with realistic frequencies, with cumulative weights."""

    male: tuple[list[Name], list[float]]
    female: tuple[list[Name], list[float]]
    surnames: tuple[list[Name], list[float]]


def read_names(path: str | Path) -> list[Name]:
    """(Devanagari, Latin) names of a TSV with ``devanagari`` and ``latin`` columns
    (``bench/data/name_pairs.tsv``), for ``tail``."""
    with open(path, encoding="utf-8", newline="") as tsv:
        return [
            (row["devanagari"], row["latin"])
            for row in csv.DictReader(tsv, delimiter="\t", quoting=csv.QUOTE_NONE)
            if row["devanagari"] and row["latin"]
        ]


class RollGenerator:
    """Households of electors, deterministic by ``seed``; with ``tail`` (more first
    names), with a real roll's spread of names (see the module's docstring)."""

    def __init__(self, seed: int, tail: Sequence[Name] = ()) -> None:
        self.rng = random.Random(seed)
        self.pool_weights = [p.weight for p in POOLS]
        self.epic_counter = self.rng.randrange(1_000_000, 2_000_000)
        self.prefix = "".join(self.rng.choice(LETTERS) for _ in range(3))
        self.issued: list[str] = []
        self.spread = self._spread(random.Random(seed + 1), tail) if tail else None

    @staticmethod
    def _spread(rng: random.Random, tail: Sequence[Name]) -> list[_Spread]:
        """Per pool: its own first names, then the tail's in an order of this roll;
        its surnames and more, ranked for this roll."""
        more = (MORE_SURNAMES_A, MORE_SURNAMES_B)
        spreads = []
        for pool, extra in zip(POOLS, more, strict=True):
            known = {name for names in (pool.male, pool.female) for name, _ in names}
            rest = [name for name in tail if name[0] not in known]
            rng.shuffle(rest)
            female = [name for name in rest if name[0].endswith(FEMALE_ENDINGS)]
            male = [name for name in rest if not name[0].endswith(FEMALE_ENDINGS)]
            surnames = [*pool.surnames, *extra]
            rng.shuffle(surnames)
            spreads.append(
                _Spread(
                    male=_ranked([*pool.male, *male], shift=5),
                    female=_ranked([*pool.female, *female], shift=5),
                    surnames=_ranked(surnames, shift=3),
                )
            )
        return spreads

    def _first(self, pool_index: int, female: bool) -> Name:
        if self.spread is not None:
            spread = self.spread[pool_index]
            names, cumulative = spread.female if female else spread.male
            return self.rng.choices(names, cum_weights=cumulative)[0]
        pool = POOLS[pool_index]
        own = pool.female if female else pool.male
        return self.rng.choices(own, weights=_zipf(len(own)))[0]

    def _surname(self, pool_index: int) -> Name:
        if self.spread is not None:
            names, cumulative = self.spread[pool_index].surnames
            return self.rng.choices(names, cum_weights=cumulative)[0]
        surnames = POOLS[pool_index].surnames
        return self.rng.choices(surnames, weights=_zipf(len(surnames)))[0]

    def _age(self, low: int, high: int) -> int:
        low, high = max(18, low), min(95, high)
        if low >= high:
            return low
        # Triangular, weighted to the young end: rolls have more 25–50 than 80+.
        return int(self.rng.triangular(low, high, low + (high - low) * 0.25))

    def _epic(self, ac: int) -> str:
        r = self.rng.random()
        if r < 0.01:
            return ""
        if r < 0.013 and self.issued:
            return self.rng.choice(self.issued)  # a repeated EPIC
        self.epic_counter += 1
        if r < 0.05:
            epic = f"RJ/{ac % 100:02d}/{ac:03d}/{self.epic_counter % 1_000_000:06d}"
        else:
            epic = f"{self.prefix}{self.epic_counter:07d}"
        if len(self.issued) < 10_000:
            self.issued.append(epic)
        return epic

    def household(self) -> list[dict[str, str]]:
        """2–7 electors (rarely one) sharing a surname: head, spouse, children."""
        rng = self.rng
        pool_index = rng.choices(range(len(POOLS)), weights=self.pool_weights)[0]
        surname = self._surname(pool_index)
        size = rng.choices(range(1, 8), weights=(4, 20, 22, 22, 16, 10, 6))[0]
        members: list[dict[str, str]] = []

        def person(
            first: Name, gender: str, age: int, rel: str, relative: Name
        ) -> None:
            members.append(
                {
                    "name": f"{first[0]} {surname[0]}",
                    "name_en": f"{first[1]} {surname[1]}",
                    "gender": gender,
                    "age": str(age),
                    "relation_type": rel,
                    "relative_name": relative[0],
                    "relative_name_en": relative[1],
                }
            )

        head_female = rng.random() < 0.08  # widows heading a household
        head = self._first(pool_index, head_female)
        head_age = self._age(35, 90) if size > 2 else self._age(22, 90)
        father = self._first(pool_index, False)
        father_full = (f"{father[0]} {surname[0]}", f"{father[1]} {surname[1]}")
        head_full = (f"{head[0]} {surname[0]}", f"{head[1]} {surname[1]}")
        if head_female:
            person(head, "F", head_age, "H", father_full)
        else:
            person(head, "M", head_age, "F", father_full)
        if size >= 2 and not head_female:
            spouse = self._first(pool_index, True)
            person(spouse, "F", self._age(head_age - 8, head_age + 1), "H", head_full)
        while len(members) < size:
            female = rng.random() < 0.48
            child = self._first(pool_index, female)
            for _retry in range(5):
                if child not in (head, father):
                    break
                child = self._first(pool_index, female)
            age = self._age(18, head_age - 20)
            rel = "M" if head_female else "F"
            person(child, "F" if female else "M", age, rel, head_full)
            if rng.random() < 0.002:
                members[-1]["gender"] = "T"
        return members

    def rows(
        self,
        ac: int,
        parts: int,
        per_part: int,
        part_numbers: Sequence[str] | None = None,
    ) -> Iterator[dict[str, str]]:
        """Rows for ``parts`` parts numbered 1…n (about 3 % written as ``19a``), or
        for the given ``part_numbers`` exactly as given."""
        rng = self.rng
        numbers = part_numbers or [str(part) for part in range(1, parts + 1)]
        for part_no in numbers:
            if part_numbers is None and rng.random() <= 0.03:
                part_no = f"{part_no}a"
            serial = 0
            house = rng.randrange(1, 40)
            while serial < per_part:
                house += rng.randrange(1, 4)
                house_no = f"{house}{rng.choice(HOUSE_SUFFIXES)}"
                if rng.random() < 0.01:
                    house_no = "0"
                for member in self.household():
                    if serial >= per_part:
                        break
                    serial += 1
                    section = str(1 + (serial - 1) // 150)
                    if rng.random() < 0.01:
                        section = ""
                    row = {
                        "ac_no": str(ac),
                        "part_no": part_no,
                        "section_no": section,
                        "serial_no": str(serial),
                        "epic_no": self._epic(ac),
                        "house_no": house_no,
                        **member,
                    }
                    r = rng.random()
                    if r < 0.001:
                        row["age"] = "0"
                    elif r < 0.0015:
                        row["age"] = "673"
                    if rng.random() < 0.3:
                        row["relation_type"] = HINDI_RELATION[row["relation_type"]]
                        row["gender"] = HINDI_GENDER[row["gender"]]
                    yield row


def write_roll(
    out: IO[str],
    *,
    seed: int,
    ac: int,
    parts: int,
    per_part: int,
    acs: int = 1,
    part_numbers: Sequence[str] | None = None,
    tail: Sequence[Name] = (),
) -> int:
    """Write a roll CSV to `out`; returns the number of electors written. ``tail``:
    more first names, for a real roll's spread of names (see :class:`RollGenerator`)."""
    generator = RollGenerator(seed, tail)
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for offset in range(acs):
        for row in generator.rows(ac + offset, parts, per_part, part_numbers):
            writer.writerow(row)
            count += 1
    return count
