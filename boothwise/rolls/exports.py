"""CSV exports of the roll: the claims-and-objections list and a roll's revision.

Files are UTF-8 with a byte-order mark, so Excel shows Devanagari names, and are
streamed row by row. Callers check EXPORT access and write the audit event (every
export is audited, docs/permissions.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.rolls.models import RollChange, VerificationMark, Voter
from boothwise.rolls.selectors import change_rows, marked_by

BOM = "\ufeff"
CHUNK = 1000
_FORMULA_START = ("=", "+", "@", "\t", "\r")


class _Echo:
    """A file whose write() hands the line back, for csv.writer in a stream."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    """Values are data: a name starting with "=" must not become a spreadsheet formula."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_START)
        or (value.startswith("-") and not value[1:].replace(".", "").isdigit())
    ):
        return "'" + value
    return "" if value is None else value


def csv_response(
    file_name: str, header: list[str], rows: Iterable[list[Any]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def claims_header() -> list[str]:
    return [
        _("AC"),
        _("Part"),
        _("Serial number"),
        _("EPIC number"),
        _("Name"),
        _("Relative"),
        _("House number"),
        _("Age"),
        _("Gender"),
        _("Finding"),
        _("Note"),
        _("Marked by"),
        _("Marked on"),
    ]


def claims_rows(marks: QuerySet[VerificationMark]) -> Iterator[list[Any]]:
    """One row per elector, already grouped by finding (see selectors.claims_marks)."""
    for mark in marks.iterator(chunk_size=CHUNK):
        voter = mark.voter
        yield [
            mark.ac.number,
            mark.part.number,
            mark.serial_no,
            voter.epic_no,
            voter.name,
            voter.relative_name,
            voter.house_no,
            voter.age,
            voter.get_gender_display(),
            mark.get_kind_display(),
            mark.note,
            marked_by(mark),
            _local(mark.at),
        ]


def changes_header() -> list[str]:
    return [
        _("AC"),
        _("Part"),
        _("Serial number"),
        _("Change"),
        _("EPIC number"),
        _("Name"),
        _("Relative"),
        _("House number"),
        _("Age"),
        _("Gender"),
        _("What changed"),
    ]


def changes_rows(changes: QuerySet[RollChange]) -> Iterator[list[Any]]:
    """One row per change; an added or deleted entry with its values, a changed one
    with "field: before → after" for every field that changed."""
    chunk: list[RollChange] = []
    for change in changes.iterator(chunk_size=CHUNK):
        chunk.append(change)
        if len(chunk) >= CHUNK:
            yield from _changes_chunk(chunk)
            chunk = []
    yield from _changes_chunk(chunk)


def _changes_chunk(changes: list[RollChange]) -> Iterator[list[Any]]:
    genders = dict(Voter.Gender.choices)
    for row in change_rows(changes):
        change = row.change
        values = row.values
        gender = values.get("gender", "")
        yield [
            change.ac.number,
            change.part.number,
            change.serial_no,
            change.get_kind_display(),
            values.get("epic_no", ""),
            row.name,
            values.get("relative_name", ""),
            values.get("house_no", ""),
            values.get("age", ""),
            str(genders.get(gender, gender)),
            "; ".join(f"{f.label}: {f.before} → {f.after}" for f in row.fields),
        ]
