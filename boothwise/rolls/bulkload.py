"""A first load of the roll builds its costliest indexes once, at its end (PostgreSQL).

Keeping an index up row by row costs far more than building it once from the loaded
rows: for 20 lakh electors on the 2-core bench machine, inserting into the name-word
key took about three times as long as building it afterwards. So an import of at least
``ROLL_BULK_LOAD_ROWS`` rows into an empty roll (no electors stored at all, as when a
state's rolls are first loaded) drops the indexes in `DEFERRED` before its first batch,
recording each one's definition in `DeferredIndex`, and builds them again after its
last batch, before it reports itself done. Nothing needs them meanwhile: the roll was
empty, and the importer reads a part's electors by part and serial number, an index it
keeps. Searching the electors loaded so far is merely slow until the end.

Every import holds an advisory lock for its whole run: a first load holds it alone,
other imports share it. So no import writes beside a load whose indexes are missing;
one that finds such a load running stops at once, writes nothing, and says why. A load
that stops half-way leaves its `DeferredIndex` rows: resumed, it goes on without the
indexes and builds them at its end; any other import, and ``migrate``, builds them
first.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from boothwise.rolls.models import DeferredIndex, RollImport

# (table, index or constraint): the indexes a first load builds at its end. The
# elector's primary key and (part, serial) key stay: ids are appended in order, which
# costs little, and the importer reads parts by serial number.
DEFERRED = (
    ("rolls_voterword", "rolls_voterword_pkey"),
    ("rolls_voter", "rolls_voter_ac_house"),
    ("rolls_voter", "rolls_voter_epic_pattern"),
)
# The roll imports' advisory lock (any number of this database's own; "boothwis").
LOCK = 0x626F6F7468776973


class ImportBusy(Exception):
    """A first load of the roll is running; no other import may write now."""


def begin(ri: RollImport, rows: int) -> bool:
    """Take the imports' lock on this thread's connection for `ri`, which will write
    `rows` rows; True if `ri` is a first load, whose `DEFERRED` indexes are now
    dropped (build them with `build`). Release the lock with `end`.

    Raises ImportBusy, having written nothing, while a first load runs.
    """
    if connection.vendor != "postgresql":
        return False
    minimum = settings.ROLL_BULK_LOAD_ROWS
    if minimum and rows >= minimum and _try_lock(alone=True):
        restore(DeferredIndex.objects.exclude(roll_import=ri))
        if _first_load(ri):
            _drop(ri)
            return True
        _unlock(alone=True)
    if not _try_lock(alone=False):
        raise ImportBusy(busy_text())
    restore(DeferredIndex.objects.all())  # left by a first load that stopped
    return False


def busy_text() -> str:
    """Why an import beside a first load stops."""
    return _(
        "Another import is loading a whole roll for the first time and building its "
        "search indexes. Import this file again when it has finished."
    )


def build(ri: RollImport, writers: list[ThreadPoolExecutor]) -> None:
    """Build the indexes `ri` dropped, one table per writer connection at a time."""
    tables = sorted(
        set(
            DeferredIndex.objects.filter(roll_import=ri).values_list("table", flat=True)
        )
    )
    pending = [
        writers[n % len(writers)].submit(_restore_table, ri.pk, table)
        if writers
        else None
        for n, table in enumerate(tables)
    ]
    for table, future in zip(tables, pending, strict=True):
        if future is None:
            _restore_table(ri.pk, table)
        else:
            future.result()


def end(alone: bool) -> None:
    """Release the lock `begin` took (True: a first load's)."""
    if connection.vendor != "postgresql":
        return
    try:
        _unlock(alone)
    except DatabaseError:
        # The connection broke (the import's own error is on its way up): closing
        # the session is what releases its locks.
        connection.close()


def restore(rows: QuerySet[DeferredIndex]) -> int:
    """Build again the indexes of these `DeferredIndex` rows; how many were built.

    Each in its own transaction with the removal of its row, which is locked first:
    two imports starting at once build each index once.
    """
    if connection.vendor != "postgresql":
        return 0
    built = 0
    for name in list(rows.values_list("name", flat=True)):
        with transaction.atomic():
            row = DeferredIndex.objects.select_for_update().filter(name=name).first()
            if row is None:
                continue  # built meanwhile by another import
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NULL", [name])
                if cursor.fetchone()[0]:
                    cursor.execute(row.definition)
                    built += 1
            row.delete()
    return built


def _restore_table(ri_id: int, table: str) -> None:
    restore(DeferredIndex.objects.filter(roll_import_id=ri_id, table=table))


def _first_load(ri: RollImport) -> bool:
    """No electors are stored, or `ri` is a first load being resumed."""
    if DeferredIndex.objects.filter(roll_import=ri).exists():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM rolls_voter)")
        empty: bool = cursor.fetchone()[0]
        return empty


def _drop(ri: RollImport) -> None:
    """Drop the `DEFERRED` indexes that exist, recording how to build each again."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, name in DEFERRED:
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND conname = %s",
                [table, name],
            )
            constraint = cursor.fetchone()
            if constraint is not None:
                create = (
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} "
                    f"{constraint[0]}"
                )
                drop = f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}"
            else:
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = "
                    "current_schema() AND tablename = %s AND indexname = %s",
                    [table, name],
                )
                index = cursor.fetchone()
                if index is None:
                    continue  # dropped already (by this load, before it was resumed)
                create, drop = index[0], f"DROP INDEX {quote(name)}"
            DeferredIndex.objects.create(
                name=name, table=table, definition=create, roll_import=ri
            )
            cursor.execute(drop)


def _try_lock(alone: bool) -> bool:
    function = "pg_try_advisory_lock" if alone else "pg_try_advisory_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [LOCK])
        taken: bool = cursor.fetchone()[0]
        return taken


def _unlock(alone: bool) -> None:
    function = "pg_advisory_unlock" if alone else "pg_advisory_unlock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [LOCK])
