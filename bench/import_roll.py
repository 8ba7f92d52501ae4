"""Time the roll import end to end on the configured database.

Run: ``.venv/bin/python bench/import_roll.py [--rows 200000] [--seed 1]
[--batch-size 5000]``; set ``DATABASE_URL`` for PostgreSQL (the database must be
migrated). It generates a synthetic roll with ``bench/roll_generator.py`` into a
temporary file, removes earlier electors of the bench AC, imports the file with
``roll_import`` and prints electors per second; then re-imports the same file (which
must change nothing) and prints that rate too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")

import django  # noqa: E402

django.setup()

from roll_generator import write_roll  # noqa: E402

from boothwise.geography.models import AssemblyConstituency, Part  # noqa: E402
from boothwise.rolls.importer import roll_import  # noqa: E402
from boothwise.rolls.models import (  # noqa: E402
    Household,
    RollChange,
    Voter,
    VoterWord,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--per-part", type=int, default=1200)
    parser.add_argument("--ac", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()
    ac = AssemblyConstituency.objects.get(state__abbr="RJ", number=args.ac)
    parts = -(-args.rows // args.per_part)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as out:
        path = out.name
        t0 = time.perf_counter()
        count = write_roll(
            out, seed=args.seed, ac=args.ac, parts=parts, per_part=args.per_part
        )
    gen = time.perf_counter() - t0
    print(f"generated {count} rows in {gen:.1f}s ({path})")
    # A clean start: the first import creates every elector.
    VoterWord.objects.filter(ac=ac).delete()
    RollChange.objects.filter(ac=ac).delete()
    Voter.objects.filter(ac=ac).delete()
    Household.objects.filter(ac=ac).delete()
    Part.objects.filter(ac=ac, voters__isnull=True, name__startswith="Part ").delete()
    db = django.db.connection.vendor
    try:
        for label in ("first import", "re-import (unchanged)"):
            t0 = time.perf_counter()
            ri = roll_import(file=path, by=None, batch_size=args.batch_size)
            took = time.perf_counter() - t0
            print(
                f"{db} {label}: {count} rows in {took:.1f}s = "
                f"{count / took:,.0f} electors/s "
                f"(created {ri.created}, unchanged {ri.unchanged}, "
                f"updated {ri.updated}, rejected {ri.rejected})"
            )
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
