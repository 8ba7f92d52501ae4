"""A first load of the roll builds its costliest indexes at its end (PostgreSQL)."""

from __future__ import annotations

import io
import tempfile
from io import StringIO
from typing import Any
from unittest import skipUnless

from django.core.management import call_command
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings
from django.utils.translation import gettext as _

from boothwise.accounts.access import Scope
from boothwise.geography.models import AssemblyConstituency
from boothwise.rolls import bulkload
from boothwise.rolls.importer import RollFileError, roll_import
from boothwise.rolls.models import DeferredIndex, RollImport, Voter, VoterWord
from boothwise.rolls.search import voters_search
from boothwise.rolls.tests.test_importer import csv_bytes, failing_batch

DEFERRED = {name for _table, name in bulkload.DEFERRED}


def roll(ac: int, count: int) -> bytes:
    """A roll of `count` electors of AC `ac`, ten to a part."""
    return csv_bytes(
        *(
            f"{ac},{1 + n // 10},1,{n % 10 + 1},ABC{ac:03d}{n:04d},मोहन {n},M,"
            f"सोहन {n},{n // 2},30,M,Mohan {n},"
            for n in range(count)
        )
    )


def roll_indexes() -> dict[str, str]:
    """Name → definition of the indexes of the elector and name-word tables, read on
    the calling thread's connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [["rolls_voter", "rolls_voterword"]],
        )
        return dict(cursor.fetchall())


@skipUnless(connection.vendor == "postgresql", "a first load is PostgreSQL's")
@override_settings(ROLL_BULK_LOAD_ROWS=20)
class FirstLoadTests(TransactionTestCase):
    serialized_rollback = True  # keep the ACs the data migration loaded

    def setUp(self) -> None:
        self.indexes = roll_indexes()
        self.assertLessEqual(DEFERRED, set(self.indexes))

    def tearDown(self) -> None:
        # A failing test must not leave the next one without indexes.
        bulkload.restore(DeferredIndex.objects.all())

    def load(self, data: bytes, **kwargs: Any) -> tuple[RollImport, list[set[str]]]:
        """Import `data` outside a transaction (the writers' way); the indexes seen
        after each committed batch."""
        seen: list[set[str]] = []
        ri = roll_import(
            file=io.BytesIO(data),
            by=None,
            batch_size=7,
            progress=lambda done, total: seen.append(set(roll_indexes())),
            **kwargs,
        )
        return ri, seen

    def test_a_first_load_builds_the_deferred_indexes_once_at_its_end(self):
        notices: list[str] = []
        ri, seen = self.load(roll(100, 60), notice=notices.append)
        self.assertEqual(ri.status, RollImport.Status.DONE)
        self.assertEqual((ri.created, ri.rejected), (60, 0))
        self.assertEqual(len(seen), 9)
        for names in seen:  # no batch kept them up
            self.assertFalse(DEFERRED & names, names)
        self.assertEqual(roll_indexes(), self.indexes)  # the same definitions
        self.assertFalse(DeferredIndex.objects.exists())
        self.assertEqual(
            notices, [_("All rows are saved. Building the search indexes…")]
        )
        self.assertEqual(VoterWord.objects.values("voter").distinct().count(), 60)
        ac = AssemblyConstituency.objects.get(state__abbr="RJ", number=100)
        found = voters_search(
            user_or_scope=Scope(everything=True), query="ABC1000017", ac_id=ac.pk
        )
        self.assertEqual([hit.voter.name for hit in found], ["मोहन 17"])
        # The lock is free again: another connection takes it alone.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [bulkload.LOCK])
                self.assertTrue(cursor.fetchone()[0])
        finally:
            other.close()

    def test_an_import_into_a_roll_with_electors_keeps_its_indexes_up(self):
        self.load(roll(100, 30))
        ri, seen = self.load(roll(101, 60))
        self.assertEqual(ri.created, 60)
        for names in seen:
            self.assertLessEqual(DEFERRED, names)

    def test_a_small_first_load_keeps_its_indexes_up(self):
        with override_settings(ROLL_BULK_LOAD_ROWS=61):
            ri, seen = self.load(roll(100, 60))
        self.assertEqual(ri.created, 60)
        for names in seen:
            self.assertLessEqual(DEFERRED, names)

    def test_a_first_load_that_stopped_goes_on_without_them_when_resumed(self):
        data = roll(100, 60)
        with failing_batch(4, "power cut"), self.assertRaises(RuntimeError):
            self.load(data)
        ri = RollImport.objects.get()
        self.assertEqual(ri.status, RollImport.Status.FAILED)
        self.assertFalse(DEFERRED & set(roll_indexes()))
        self.assertEqual(
            set(DeferredIndex.objects.values_list("name", flat=True)), DEFERRED
        )
        resumed, seen = self.load(data, resume=ri)
        self.assertEqual(
            (resumed.status, resumed.created), (RollImport.Status.DONE, 60)
        )
        self.assertTrue(seen)
        for names in seen:
            self.assertFalse(DEFERRED & names, names)
        self.assertEqual(roll_indexes(), self.indexes)
        self.assertFalse(DeferredIndex.objects.exists())
        self.assertEqual(Voter.objects.count(), 60)

    def test_another_import_builds_what_a_stopped_load_left_before_its_first_batch(
        self,
    ):
        with failing_batch(2, "power cut"), self.assertRaises(RuntimeError):
            self.load(roll(100, 60))
        with override_settings(ROLL_BULK_LOAD_ROWS=0):
            ri, seen = self.load(roll(101, 30))
        self.assertEqual(ri.created, 30)
        for names in seen:
            self.assertLessEqual(DEFERRED, names)
        self.assertEqual(roll_indexes(), self.indexes)
        self.assertFalse(DeferredIndex.objects.exists())

    def test_migrate_builds_what_a_stopped_load_left(self):
        with failing_batch(2, "power cut"), self.assertRaises(RuntimeError):
            self.load(roll(100, 60))
        self.assertTrue(DeferredIndex.objects.exists())
        call_command("migrate", verbosity=0)
        self.assertEqual(roll_indexes(), self.indexes)
        self.assertFalse(DeferredIndex.objects.exists())

    def test_an_import_beside_a_first_load_stops_and_writes_nothing(self):
        loading = connections.create_connection("default")
        try:
            with loading.cursor() as cursor:  # a first load running elsewhere
                cursor.execute("SELECT pg_advisory_lock(%s)", [bulkload.LOCK])
            with self.assertRaises(RollFileError) as raised:
                self.load(roll(100, 60))
        finally:
            loading.close()
        self.assertEqual(str(raised.exception), bulkload.busy_text())
        ri = RollImport.objects.get()
        self.assertEqual(ri.status, RollImport.Status.FAILED)
        self.assertIn(bulkload.busy_text(), ri.message)
        self.assertFalse(Voter.objects.exists())
        self.assertEqual(roll_indexes(), self.indexes)
        # Resumed once the load has finished, it imports the whole file.
        resumed, _seen = self.load(roll(100, 60), resume=ri)
        self.assertEqual(resumed.created, 60)

    def test_the_command_line_says_when_it_builds_the_indexes(self):
        with tempfile.NamedTemporaryFile(suffix=".csv") as file:
            file.write(roll(100, 60))
            file.flush()
            out, err = StringIO(), StringIO()
            call_command(
                "import_roll", file.name, "--batch-size", "7", stdout=out, stderr=err
            )
        self.assertIn(
            _("All rows are saved. Building the search indexes…"), err.getvalue()
        )
        self.assertEqual(Voter.objects.count(), 60)
        self.assertEqual(roll_indexes(), self.indexes)
