"""Hand-written SQL for the few hottest paths: prepared statements and model instances
from one SELECT.

Compiling an ORM query costs a request about a millisecond of Python, and Django's
psycopg cursors put the parameters into the SQL text, which the server then parses and
plans whole each time. On polling day's marking path (bench/votingday_marks.py) the
token lookup, the caller's posts and the electors were most of a request's time that
way. `JoinedSelect` builds its SQL once from the models' own metadata and turns each
row into the model instance and its to-one relations, cached on it exactly as
``select_related`` would, so callers cannot tell the difference; `prepared_cursor`
runs such fixed statements prepared once per connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar, cast

import psycopg
from django.db import InterfaceError, OperationalError, connection, models

M = TypeVar("M", bound=models.Model)


class _PreparingCursor(psycopg.Cursor):
    """A psycopg cursor that binds parameters on the server and prepares every
    statement it runs (settings.py lets psycopg prepare only what asks)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        return super().execute(query, params, prepare=True)

    def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
        # psycopg keeps the statement's text only when it runs unprepared; Django's
        # query log (DEBUG, tests that capture queries) reads it from here.
        super()._send_query_prepared(name, pgq, **kwargs)
        self._query = pgq


@contextlib.contextmanager
def prepared_cursor(*, health_check: bool = True) -> Iterator[Any]:
    """A cursor for the fixed statements of the hottest paths: on PostgreSQL each is
    prepared once per connection and sent with its parameters apart.

    The caller's posts took 0.33 ms of the server's time through Django's cursor and
    0.03 ms prepared (measured here). The cursor is wrapped as Django wraps its own,
    so its queries are logged and counted and its errors are Django's. Elsewhere
    (SQLite) it is Django's cursor.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    if health_check:
        connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(  # type: ignore[attr-defined]
            _PreparingCursor(connection.connection)
        )
    with cursor:
        yield cursor


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return cast(list["models.Field[Any, Any]"], list(model._meta.concrete_fields))


def columns(model: type[models.Model], alias: str) -> list[str]:
    """The model's concrete columns as ``alias."column"``, in field order."""
    return [f"{alias}.{quote(f.column)}" for f in _fields(model)]


class JoinedSelect(Generic[M]):
    """``SELECT`` of `model` (aliased `alias`) with the to-one fields in `related` (LEFT
    JOINed) and a fixed ``WHERE``; run prepared.

    With `children`, another JoinedSelect whose ``WHERE`` may name this one's columns,
    each row comes with the rows of `children` that belong to it, in one statement
    (its joins, LEFT JOINed on its ``WHERE``); see `fetch_with`. Parameters go in the
    order their placeholders appear: the children's, then this one's.
    """

    def __init__(
        self,
        model: type[M],
        related: Sequence[str],
        where: str,
        *,
        alias: str = "t",
        children: JoinedSelect[Any] | None = None,
    ) -> None:
        self.model = model
        self.related = [
            cast("models.ForeignKey[Any, Any]", model._meta.get_field(name))
            for name in related
        ]
        self.where = where
        self.alias = alias
        self.children = children

    def _target(self, field: models.ForeignKey[Any, Any]) -> type[models.Model]:
        return cast(type[models.Model], field.related_model)

    @cached_property
    def fields(self) -> list[models.Field[Any, Any]]:
        """The selected columns' fields, in order: the model's, then each relation's."""
        fields = _fields(self.model)
        for field in self.related:
            fields += _fields(self._target(field))
        return fields

    def _columns_and_joins(self) -> tuple[list[str], str]:
        a = self.alias
        selected = columns(self.model, a)
        joins = [quote(self.model._meta.db_table) + f" {a}"]
        for n, field in enumerate(self.related):
            target = self._target(field)
            r = f"{a}r{n}"
            selected += columns(target, r)
            joins.append(
                f"LEFT JOIN {quote(target._meta.db_table)} {r} "
                f"ON {r}.{quote(target._meta.pk.column)} = {a}.{quote(field.column)}"
            )
        return selected, " ".join(joins)

    @cached_property
    def sql(self) -> str:
        selected, joins = self._columns_and_joins()
        if self.children is not None:
            inner, inner_joins = self.children._columns_and_joins()
            selected += inner
            joins += f" LEFT JOIN ({inner_joins}) ON {self.children.where}"
        return f"SELECT {', '.join(selected)} FROM {joins} WHERE {self.where}"

    @cached_property
    def converters(self) -> list[tuple[int, list[Any], Any]]:
        """(column index, converters, expression) for each column the backend converts
        (SQLite's text datetimes and uuids, for one), as the ORM's compiler does."""
        result = []
        for n, column in enumerate(self.fields):
            col = column.get_col(column.model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(
                connection
            )
            if found:
                result.append((n, found, col))
        return result

    def fetch(self, params: Sequence[Any]) -> list[M]:
        return [self._instance(row) for row in self._rows(params)]

    def fetch_with(
        self, params: Sequence[Any], *, first_of_request: bool = False
    ) -> list[tuple[M, list[Any]]]:
        """Each row with the rows of `children` that belong to it. With
        `first_of_request` the read stands in for the connection's health check
        (`_rows_first_of_request`)."""
        assert self.children is not None
        rows = (
            self._rows_first_of_request(params)
            if first_of_request
            else self._rows(params)
        )
        width = len(self.fields)
        result: dict[Any, tuple[M, list[Any]]] = {}
        for row in rows:
            key = row[0]
            if key not in result:
                result[key] = (self._instance(row[:width]), [])
            if row[width] is not None:
                result[key][1].append(self.children._instance(row[width:]))
        return list(result.values())

    def _rows_first_of_request(self, params: Sequence[Any]) -> list[Any]:
        """A kept connection is checked before a request's first statement (Django's
        CONN_HEALTH_CHECKS runs ``SELECT 1``), a round trip as dear as a read. Here the
        read goes first; if the connection died with a restarted database, the read
        fails, and is run once more on a new connection."""
        # Django's own flags (CONN_HEALTH_CHECKS), which its type stubs lack.
        db: Any = connection
        if (
            db.connection is None
            or not db.health_check_enabled
            or db.health_check_done
            or db.in_atomic_block
        ):
            return self._rows(params)
        try:
            rows = self._rows(params, health_check=False)
        except (OperationalError, InterfaceError):
            db.close()
            rows = self._rows(params)
        db.health_check_done = True
        return rows

    def _rows(self, params: Sequence[Any], health_check: bool = True) -> list[Any]:
        with prepared_cursor(health_check=health_check) as cursor:
            cursor.execute(self.sql, params)
            return list(cursor.fetchall())

    def _instance(self, row: Sequence[Any]) -> M:
        values = list(row[: len(self.fields)])
        for n, converters, col in self.converters:
            for converter in converters:
                values[n] = converter(values[n], col, connection)
        db = connection.alias
        fields = _fields(self.model)
        obj = self.model.from_db(db, [f.attname for f in fields], values[: len(fields)])
        start = len(fields)
        for field in self.related:
            target = self._target(field)
            target_fields = _fields(target)
            related_values = values[start : start + len(target_fields)]
            start += len(target_fields)
            related = (
                None
                if getattr(obj, field.attname) is None
                else target.from_db(
                    db, [f.attname for f in target_fields], related_values
                )
            )
            field.set_cached_value(obj, related)
        return obj
