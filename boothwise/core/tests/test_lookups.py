"""``any_of`` and its array literal (core/lookups.py)."""

from __future__ import annotations

from django.test import TestCase

from boothwise.core.lookups import ids_in, pg_array
from boothwise.geography.models import AssemblyConstituency


def test_plain_values_go_to_postgresql_as_one_array() -> None:
    assert pg_array([3, 1, 2]) == "{3,1,2}"
    assert pg_array(["rakes", "sankl"]) == "{rakes,sankl}"
    assert pg_array([]) == "{}"
    # Anything that would need quoting goes as a list, for psycopg to quote.
    assert pg_array(["a}b", "c"]) == ["a}b", "c"]
    assert pg_array(["a b"]) == ["a b"]
    assert pg_array([-1, 2]) == [-1, 2]
    assert pg_array(["a", ""]) == ["a", ""]  # "{a,}" is malformed


class IdsInTests(TestCase):
    def test_the_listed_rows_and_no_others(self) -> None:
        acs = list(AssemblyConstituency.objects.order_by("id")[:5])
        wanted = [acs[0].id, acs[3].id, acs[4].id]
        found = AssemblyConstituency.objects.filter(ids_in("id", wanted))
        self.assertEqual(sorted(ac.id for ac in found), wanted)
        self.assertFalse(AssemblyConstituency.objects.filter(ids_in("id", [])).exists())
