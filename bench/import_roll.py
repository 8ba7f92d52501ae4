"""Time the roll import end to end on the configured database.

Run: ``.venv/bin/python bench/import_roll.py [--rows 2000000] [--seed 1]
[--batch-size 20000] [--names real|demo]``; set ``DATABASE_URL`` for PostgreSQL (the
database must be migrated). The default size is the issue's: 20 lakh electors. It
generates a synthetic roll with ``bench/roll_generator.py`` (by default with a real
roll's spread of names, where nearly every full name is new to the importer's caches;
``--names demo`` repeats the demo's few names) into a temporary file, removes earlier
electors of the bench AC, imports the file with ``roll_import`` and prints electors
per second; then re-imports the same file (which must change nothing) and prints
that rate too. An import into an empty roll is a first load: it builds its costliest
indexes once at its end (``rolls/bulkload.py``, setting ``ROLL_BULK_LOAD_ROWS``), and
the line says how long that took.

On PostgreSQL it then measures, in the same run, the bare path the issue compares
against: the rows the import wrote (electors, households and name words, dumped with
COPY TO beforehand and not timed) are COPYed into empty copies of the tables and the
same indexes are built afterwards. It prints both rates and their ratio, and for each
of the two the CPU seconds PostgreSQL and this process used and the WAL written.
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

from loadtest import cpu_seconds  # noqa: E402
from roll_generator import add_names_option, names_tail, write_roll  # noqa: E402

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
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--per-part", type=int, default=1200)
    parser.add_argument("--ac", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=20000)
    add_names_option(parser)
    args = parser.parse_args()
    ac = AssemblyConstituency.objects.get(state__abbr="RJ", number=args.ac)
    parts = -(-args.rows // args.per_part)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as out:
        path = out.name
        t0 = time.perf_counter()
        count = write_roll(
            out,
            seed=args.seed,
            ac=args.ac,
            parts=parts,
            per_part=args.per_part,
            tail=names_tail(args.names),
        )
    gen = time.perf_counter() - t0
    print(f"generated {count} rows in {gen:.1f}s ({path})")
    # A clean start: the first import creates every elector.
    clear_ac(ac)
    db = django.db.connection.vendor
    firsts: list[float] = []
    try:
        for label in ("first import", "re-import (unchanged)"):
            before = usage()
            saved: list[float] = []
            t0 = time.perf_counter()
            ri = roll_import(
                file=path,
                by=None,
                batch_size=args.batch_size,
                notice=lambda text, saved=saved: saved.append(time.perf_counter()),
            )
            took = time.perf_counter() - t0
            firsts.append(took)
            indexes = (
                f"; rows saved after {saved[0] - t0:.1f}s, then indexes built"
                if saved
                else ""
            )
            print(
                f"{db} {label}: {count} rows in {took:.1f}s = "
                f"{count / took:,.0f} electors/s "
                f"(created {ri.created}, unchanged {ri.unchanged}, "
                f"updated {ri.updated}, rejected {ri.rejected}{indexes})"
                f"{used(before)}"
            )
        if db == "postgresql":
            bare, bare_used = bare_copy_rate(ac.pk)
            first = count / firsts[0]
            print(
                f"postgresql bare COPY + same indexes: {count} rows in "
                f"{count / bare:.1f}s = {bare:,.0f} electors/s{bare_used}; "
                f"import / bare = {first / bare:.2f}"
            )
    finally:
        os.unlink(path)


def usage() -> dict[str, float]:
    """CPU seconds so far (PostgreSQL, this process, the machine) and the WAL
    position in bytes (PostgreSQL only; empty elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
        wal = float(cursor.fetchone()[0])
    return {**cpu_seconds([]), "wal": wal}


def used(before: dict[str, float]) -> str:
    """What was used since `before` (see `usage`), as text for a result line."""
    if not before:
        return ""
    after = usage()
    cpu = {k: after[k] - before[k] for k in ("postgres", "bench", "idle")}
    return (
        f" [CPU s: PostgreSQL {cpu['postgres']:.1f}, this process "
        f"{cpu['bench']:.1f}, idle {cpu['idle']:.1f}; "
        f"WAL {(after['wal'] - before['wal']) / 1e6:,.0f} MB]"
    )


def clear_ac(ac: AssemblyConstituency) -> None:
    """Remove the bench AC's electors (and what hangs off them) before a fresh load.

    On PostgreSQL the deferred foreign-key checks of a mass delete would probe
    rolls_voter once per household without an index (the import never deletes
    households), so the bench, as the superuser, skips them for its own cleanup.
    """
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        VoterWord.objects.filter(ac=ac).delete()
        RollChange.objects.filter(ac=ac).delete()
        Voter.objects.filter(ac=ac).delete()
        Household.objects.filter(ac=ac).delete()
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in (
                "rolls_voterword",
                "rolls_rollchange",
                "rolls_verificationmark",
                "rolls_voter",
                "rolls_household",
            ):
                cursor.execute(f"DELETE FROM {table} WHERE ac_id = %s", [ac.pk])
    Part.objects.filter(ac=ac, voters__isnull=True, name__startswith="Part ").delete()
    if connection.vendor == "postgresql":
        # The import then writes into tables as a first load of a state finds them,
        # not beside the dead rows of the previous run (which autovacuum would clean
        # up while the import is timed).
        with connection.cursor() as cursor:
            for table in ("rolls_voter", "rolls_voterword", "rolls_household"):
                cursor.execute(f"VACUUM {table}")


# The indexes of the three roll tables, as the migrations create them.
BARE_INDEXES = (
    "ALTER TABLE bare_voter ADD PRIMARY KEY (id)",
    "CREATE UNIQUE INDEX ON bare_voter (part_id, serial_no)",
    "CREATE INDEX ON bare_voter (ac_id, house_no)",
    "CREATE INDEX ON bare_voter (epic_no varchar_pattern_ops)",
    "ALTER TABLE bare_household ADD PRIMARY KEY (id)",
    "CREATE UNIQUE INDEX ON bare_household (part_id, section_no, house_key)",
    "ALTER TABLE bare_voterword ADD PRIMARY KEY (word_id, ac_id, voter_id, of_relative)",
    "CREATE INDEX ON bare_voterword USING brin (voter_id)",
)


def bare_copy_rate(ac_id: int) -> tuple[float, str]:
    """Electors per second of COPY into empty tables plus building the same indexes,
    and what that used (`used`)."""
    from django.db import connection

    tables = {
        "voter": f"SELECT * FROM rolls_voter WHERE ac_id = {ac_id}",
        "household": f"SELECT * FROM rolls_household WHERE ac_id = {ac_id}",
        "voterword": f"SELECT * FROM rolls_voterword WHERE ac_id = {ac_id}",
    }
    dumps: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for name, query in tables.items():
            raw.execute(f"DROP TABLE IF EXISTS bare_{name}")
            raw.execute(
                f"CREATE TABLE bare_{name} (LIKE rolls_{name} INCLUDING DEFAULTS)"
            )
            chunks = []
            with raw.copy(f"COPY ({query}) TO STDOUT") as copy:
                for chunk in copy:
                    chunks.append(bytes(chunk))
            dumps[name] = b"".join(chunks)
        count = len(dumps["voter"].splitlines())
        before = usage()
        t0 = time.perf_counter()
        for name, data in dumps.items():
            with raw.copy(f"COPY bare_{name} FROM STDIN") as copy:
                copy.write(data)
        for statement in BARE_INDEXES:
            raw.execute(statement)
        took = time.perf_counter() - t0
        spent = used(before)
        for name in tables:
            raw.execute(f"DROP TABLE bare_{name}")
    return count / took, spent


if __name__ == "__main__":
    main()
