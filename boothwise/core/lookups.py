"""``field = ANY(array)``: one parameter for a long list of ids, on PostgreSQL.

Django's ``__in`` writes one placeholder per value, which psycopg must split and bind
one by one: for hundreds of ids (a search's candidates, a war room's 300 booths) that
costs more than the query itself. ``any_of`` is registered on integer fields and
foreign keys when the core app is ready; `ids_in` picks it where it exists. Its list
goes as one array literal (`pg_array`), which raw SQL can use too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from django.db import connection
from django.db.models import ForeignKey, IntegerField, Lookup, Q


class AnyOf(Lookup[Any]):
    """``field = ANY(%s)`` with the list as one array parameter (PostgreSQL only)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [pg_array(value)]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def register() -> None:
    IntegerField.register_lookup(AnyOf)
    ForeignKey.register_lookup(AnyOf)


def ids_in(field: str, ids: Collection[int]) -> Q:
    """``field IN ids``; on PostgreSQL as ``field = ANY(array)``."""
    lookup = "any_of" if connection.vendor == "postgresql" else "in"
    return Q(**{f"{field}__{lookup}": list(ids)})


def pg_array(values: Iterable[int | str]) -> str | list[int | str]:
    """``values`` as one PostgreSQL array literal (``{1,2,3}``) when they need no
    quoting, else as a list.

    Psycopg's client-side binding quotes a list element by element in Python, which
    for the hundreds of ids and spelling variants of a search cost more than the
    query's execution.
    """
    values = list(values)
    text = ",".join(map(str, values))
    if _PLAIN_ARRAY_RE.match(text):
        return "{" + text + "}"
    return values


#: Elements that need no quoting in an array literal: digits and lower-case letters,
#: none empty.
_PLAIN_ARRAY_RE = re.compile(r"^(?:[0-9a-z]+(?:,[0-9a-z]+)*)?$")
