"""Latency of name search (``boothwise.rolls.search.voters_search``) on synthetic rolls.

Run: ``.venv/bin/python bench/search.py [--voters 100000] [--acs 2] [--queries 400]
[--seed 1] [--rebuild]``. Without ``DATABASE_URL`` it uses its own SQLite file,
``/tmp/boothwise-bench-search.sqlite3``; with ``DATABASE_URL=postgres://…`` it uses that
database (migrated here if needed). Electors are made by ``bench/roll_generator.py``
(a real roll's spread of names: real first names, the commonest about 2 % of its
gender, surnames ranked differently in every AC) into the bench ACs (the last
``--acs`` ACs of RJ; 40 ACs of 2.5 lakh is a state of 1 crore) and loaded with the
importer, and kept for the next run (``--rebuild`` starts again).

On PostgreSQL the header shows ``shared_buffers``: at a crore of electors what search
reads (5.6 GB) must stay in memory, see docs/configuration.md.

Stage one's answers are cached per query word for a few minutes, as in the server;
``--cold`` clears the cache before every query to time the worst case.

Queries are sampled electors, typed as people type them: the Latin name, the
Devanagari name, the Latin name with one typo, the first name with the relative's
first name, an EPIC number, and a house number with a surname. Each kind is timed
within the elector's AC and across the state (no AC), as the system (no scope
filter); p50 and p95 in milliseconds are printed, with recall@5: the share of queries with
an elector of the sought name key (same first names for name + relative, same house
and surname for house + surname, same EPIC) among the first five hits.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/boothwise-bench-search.sqlite3")
# As served: DEBUG wraps every cursor to log its SQL, a cost no production search pays.
os.environ.setdefault("DEBUG", "False")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from roll_generator import real_names, write_roll  # noqa: E402

from boothwise.accounts.access import Scope  # noqa: E402
from boothwise.geography.models import AssemblyConstituency  # noqa: E402
from boothwise.rolls.importer import roll_import  # noqa: E402
from boothwise.rolls.models import Voter, VoterWord  # noqa: E402
from boothwise.rolls.search import voters_search  # noqa: E402

LAST_AC = 200
PER_PART = 1000
SYSTEM = Scope(everything=True)


def bench_acs(count: int) -> list[AssemblyConstituency]:
    """The last ``count`` ACs of Rajasthan (200 in all; the demo uses 100 and 101)."""
    first = max(LAST_AC + 1 - count, 102)
    return list(
        AssemblyConstituency.objects.filter(
            state__abbr="RJ", number__in=range(first, LAST_AC + 1)
        )
    )


def build(voters: int, acs: list[AssemblyConstituency], seed: int) -> None:
    """Generate a roll per bench AC and load it with the real importer."""
    ac_ids = [ac.id for ac in acs]
    VoterWord.objects.filter(ac_id__in=ac_ids).delete()
    Voter.objects.filter(ac_id__in=ac_ids).delete()
    per_ac = voters // len(acs)
    parts = max(1, per_ac // PER_PART)
    started = time.perf_counter()
    made = 0
    tail = real_names()
    for offset, ac in enumerate(acs):
        with tempfile.NamedTemporaryFile("w", suffix=".csv") as out:
            write_roll(
                out,
                seed=seed + offset,
                ac=ac.number,
                parts=parts,
                per_part=min(PER_PART, per_ac),
                tail=tail,
            )
            out.flush()
            ri = roll_import(file=out.name, by=None, batch_size=20_000)
        made += ri.created
        print(f"\r  {made:,} electors", end="", file=sys.stderr)
    with connection.cursor() as cursor:
        # Fresh statistics and (PostgreSQL) the visibility map, as autovacuum leaves a
        # table soon after a load: index-only scans need the map.
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )
    elapsed = time.perf_counter() - started
    print(
        f"\r  built {made:,} electors with the importer in {elapsed:.1f} s "
        f"({made / elapsed:,.0f}/s)",
        file=sys.stderr,
    )


def typo(text: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isalpha()]
    i = rng.choice(positions)
    kind = rng.choice(("delete", "substitute", "transpose"))
    if kind == "delete":
        return text[:i] + text[i + 1 :]
    if kind == "transpose" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def _first(key: str) -> str:
    return key.split()[0] if key else ""


def _last(key: str) -> str:
    return key.split()[-1] if key else ""


def _same_name(hit: Voter, voter: Voter) -> bool:
    return hit.name_key == voter.name_key


Maker = Callable[[Voter, random.Random], str]
#: Is a hit what the query meant? Synthetic rolls repeat names, so a name query is
#: answered by any elector of that name key, not only the sampled one.
Sought = Callable[[Voter, Voter], bool]
SOUGHT: dict[str, Sought] = {
    "epic": lambda hit, v: hit.epic_no == v.epic_no,
    "name + relative": lambda hit, v: (
        _first(hit.name_key) == _first(v.name_key)
        and _first(hit.relative_key) == _first(v.relative_key)
    ),
    "house + surname": lambda hit, v: (
        hit.house_no == v.house_no and _last(hit.name_key) == _last(v.name_key)
    ),
}
KINDS: dict[str, Maker] = {
    "latin name": lambda v, rng: v.name_en,
    "devanagari name": lambda v, rng: v.name,
    "latin, 1 typo": lambda v, rng: typo(v.name_en, rng),
    "name + relative": lambda v, rng: (
        f"{v.name_en.split()[0]} {v.relative_name_en.split()[0]}"
    ),
    "epic": lambda v, rng: v.epic_no,
    "house + surname": lambda v, rng: f"{v.house_no} {v.name_en.split()[-1]}",
}


def measure(sample: list[Voter], seed: int, cold: bool = False) -> None:
    print(
        f"{'query kind':<18}{'scope':<8}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'max ms':>9}{'recall@5':>10}"
    )
    for kind, make in KINDS.items():
        for where in ("AC", "state"):
            rng = random.Random(seed)
            times: list[float] = []
            good = 0
            for voter in sample:
                if kind == "epic" and not voter.epic_no:
                    continue
                query = make(voter, rng)
                ac_id = voter.ac_id if where == "AC" else None
                if cold:
                    cache.clear()  # no stage-one answer kept from earlier queries
                started = time.perf_counter()
                hits = voters_search(
                    user_or_scope=SYSTEM, query=query, ac_id=ac_id, limit=5
                )
                times.append((time.perf_counter() - started) * 1000)
                sought = SOUGHT.get(kind, _same_name)
                good += any(sought(hit.voter, voter) for hit in hits)
            if not times:
                continue
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(
                f"{kind:<18}{where:<8}{len(times):>5}{statistics.median(times):>9.1f}"
                f"{p95:>9.1f}{times[-1]:>9.1f}{good / len(times):>10.2f}"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--acs", type=int, default=2)
    parser.add_argument("--queries", type=int, default=300, help="per query kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="clear the cache before every query (no stage-one answer reused)",
    )
    args = parser.parse_args(argv)

    call_command("migrate", verbosity=0)
    acs = bench_acs(args.acs)
    have = Voter.objects.filter(ac__in=acs).count()
    if args.rebuild or abs(have - args.voters) > args.voters // 50:
        build(args.voters, acs, args.seed)
    total = Voter.objects.filter(ac__in=acs).count()
    memory = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW shared_buffers")
            row = cursor.fetchone()
            memory = f" (shared_buffers {row[0] if row else '?'})"
    print(
        f"database: {connection.vendor}{memory}; {total:,} electors in {len(acs)} ACs; "
        f"{VoterWord.objects.filter(ac__in=acs).count():,} voter words"
    )
    rng = random.Random(args.seed)
    ids = list(Voter.objects.filter(ac__in=acs).values_list("id", flat=True))
    chosen = rng.sample(ids, min(args.queries, len(ids)))
    # A list of a crore ids would be walked by every full garbage collection during
    # the timing (0.1–0.25 s pauses a server never has): keep only the sample.
    del ids
    gc.collect()
    sample = list(Voter.objects.filter(id__in=chosen).order_by("id"))
    # Warm up caches (phonetic lru caches, the database's pages).
    for voter in sample[:20]:
        voters_search(user_or_scope=SYSTEM, query=voter.name_en, ac_id=None)
    print("cache: cleared before every query" if args.cold else "cache: kept")
    measure(sample, args.seed, cold=args.cold)


if __name__ == "__main__":
    main()
