"""The synthetic roll generator: deterministic, households, and a real roll's spread."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from boothwise.organisation.names import POOLS
from boothwise.rolls.generator import RollGenerator, read_names, write_roll

NAME_PAIRS = Path(settings.BASE_DIR) / "bench" / "data" / "name_pairs.tsv"


@pytest.fixture(scope="module")
def tail() -> list[tuple[str, str]]:
    return read_names(NAME_PAIRS)


def _rows(
    seed: int, tail: list[tuple[str, str]], electors: int = 20_000
) -> list[dict[str, str]]:
    return list(RollGenerator(seed, tail).rows(150, electors // 1000, 1000))


def test_the_same_seed_writes_the_same_roll(tail: list[tuple[str, str]]) -> None:
    def written(seed: int) -> str:
        out = io.StringIO()
        write_roll(out, seed=seed, ac=150, parts=2, per_part=300, tail=tail)
        return out.getvalue()

    assert written(4) == written(4)
    assert written(4) != written(5)


def test_without_more_names_only_the_demo_names_are_used() -> None:
    demo_firsts = {
        latin
        for pool in POOLS
        for names in (pool.male, pool.female)
        for _, latin in names
    }
    demo_surnames = {latin for pool in POOLS for _, latin in pool.surnames}
    for row in RollGenerator(3).rows(150, 2, 1000):
        words = row["name_en"].split()
        assert words[-1] in demo_surnames
        assert " ".join(words[:-1]) in demo_firsts


def test_real_names_spread_like_a_real_roll(tail: list[tuple[str, str]]) -> None:
    rows = _rows(3, tail)
    men = Counter(
        row["name_en"].rsplit(" ", 1)[0]
        for row in rows
        if row["gender"] in ("M", "पुरुष")
    )
    surnames = Counter(row["name_en"].split()[-1] for row in rows)
    commonest_first = men.most_common(1)[0][1] / sum(men.values())
    commonest_surname = surnames.most_common(1)[0][1] / len(rows)
    # The demo's names alone: Rakesh is 13 % of men and Sharma 17 % of electors.
    assert 0.005 < commonest_first < 0.04
    assert 0.01 < commonest_surname < 0.09
    assert len(men) > 1000
    assert len(surnames) > 100
    # Every roll ranks its surnames in its own order: constituencies differ.
    other = Counter(row["name_en"].split()[-1] for row in _rows(4, tail))
    assert [s for s, _ in surnames.most_common(5)] != [
        s for s, _ in other.most_common(5)
    ]


def test_households_share_a_house_and_a_surname(tail: list[tuple[str, str]]) -> None:
    rows = _rows(5, tail, electors=3000)
    by_house: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        if row["house_no"] != "0":
            key = (row["part_no"], row["house_no"])
            by_house.setdefault(key, set()).add(row["name_en"].split()[-1])
    assert len(by_house) < len(rows) / 2  # households of several electors
    assert sum(len(names) == 1 for names in by_house.values()) > 0.9 * len(by_house)


def test_read_names_skips_incomplete_rows(tmp_path: Path) -> None:
    tsv = tmp_path / "names.tsv"
    tsv.write_text(
        "devanagari\tlatin\tsource\nराकेश\tRakesh\tx\n\tSuresh\tx\nसीमा\t\tx\n",
        encoding="utf-8",
    )
    assert read_names(tsv) == [("राकेश", "Rakesh")]
