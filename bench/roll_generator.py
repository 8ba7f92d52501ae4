"""Generate realistic synthetic electoral rolls in the canonical roll CSV.

Run: ``.venv/bin/python bench/roll_generator.py --ac 100 --parts 10 --per-part 1000
--seed 7 -o roll.csv`` (``-o -`` or no ``-o`` writes to standard output).

The generator lives in ``boothwise/rolls/generator.py`` (the demo uses it too).
Deterministic by ``--seed``. Names come from ``boothwise/organisation/names.py``
(Devanagari with their Latin spellings) and, by default (``--names real``), the 4,199
real first names of ``bench/data/name_pairs.tsv`` after them, with a real roll's spread:
the commonest first name about 2 % of its gender, a long tail, some 140 surnames whose
commonest is a few per cent, ranked differently in every roll. ``--names demo`` gives
the demo's few common names instead (the commonest first name ~13 % of men). Electors
live in households of 2–7 sharing a house number and a surname: a head with a
father's name, a spouse (relation H) and grown children (relation F, the head's
name). Ages run 18–95, weighted towards the
25–50 band. Some dirt, as on real rolls: ~1 % missing EPICs, a few repeated EPICs,
legacy 16-character EPICs with slashes, ages 0 and 673, house numbers such as
``12/3-ब``, blank sections, Hindi relation and gender words on a share of rows.
No real person's data is used.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")

import django  # noqa: E402

django.setup()

from boothwise.rolls.generator import (  # noqa: E402, F401 (re-exported for benches)
    COLUMNS,
    RollGenerator,
    read_names,
    write_roll,
)

NAME_PAIRS = ROOT / "bench" / "data" / "name_pairs.tsv"


def real_names() -> list[tuple[str, str]]:
    """The real first names the benchmarks' rolls draw on (``tail`` of the generator)."""
    return read_names(NAME_PAIRS)


def add_names_option(parser: argparse.ArgumentParser) -> None:
    """``--names real|demo``, read back by :func:`names_tail`."""
    parser.add_argument(
        "--names",
        choices=("real", "demo"),
        default="real",
        help="real: a real roll's spread of names (default); demo: the demo's few",
    )


def names_tail(names: str) -> list[tuple[str, str]]:
    """The generator's ``tail`` for a ``--names`` choice."""
    return real_names() if names == "real" else []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ac", type=int, default=100, help="first AC number")
    parser.add_argument("--acs", type=int, default=1, help="number of ACs")
    parser.add_argument("--parts", type=int, default=10, help="parts per AC")
    parser.add_argument("--per-part", type=int, default=1000, help="electors per part")
    parser.add_argument("-o", "--output", default="-", help="output file (- = stdout)")
    add_names_option(parser)
    args = parser.parse_args(argv)
    options = {
        "tail": names_tail(args.names),
        "seed": args.seed,
        "ac": args.ac,
        "parts": args.parts,
        "per_part": args.per_part,
        "acs": args.acs,
    }
    if args.output == "-":
        count = write_roll(sys.stdout, **options)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = write_roll(out, **options)
    print(f"{count} electors written", file=sys.stderr)


if __name__ == "__main__":
    main()
