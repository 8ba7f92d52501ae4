"""Import polling stations (parts) from the canonical polling-station CSV.

The format (docs/DESIGN: "Canonical import formats"): UTF-8 (a byte-order mark is
allowed), a header row, columns `ac_no, part_no, name, address, latitude, longitude`;
address and coordinates are optional.

Every row is validated before anything is written. A row that cannot be used is
rejected with its line number and the reason; the other rows are created, updated or
left unchanged in one transaction, so re-importing the same file changes nothing.
Coordinates outside the state are not used: the station is kept without them and the
row is reported as a warning. A blank address or blank coordinates leave what is
already stored alone (an import adds knowledge, it does not erase it). Stations that
are not in the file are never deleted: booths, posts and rolls point at them.

A file that cannot be read as this format at all (not UTF-8, binary, empty, wrong
columns) raises `StationFileError` and writes nothing.

Callers check access before calling, as for every service (accounts/access.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from boothwise.accounts.access import AnyUser
from boothwise.core.audit import audit_record
from boothwise.core.tabular import check_header, decode_csv_text
from boothwise.geography.bounds import Box, state_box
from boothwise.geography.models import (
    AssemblyConstituency,
    Part,
    State,
    normalise_part_number,
    part_number_int,
)

REQUIRED_COLUMNS = ("ac_no", "part_no", "name")
OPTIONAL_COLUMNS = ("address", "latitude", "longitude")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
COORDINATE_PLACES = Decimal("0.000001")  # Part.latitude/longitude keep 6 places
NAME_MAX = Part._meta.get_field("name").max_length or 300
ADDRESS_MAX = Part._meta.get_field("address").max_length or 500

# Reason codes, stable for scripts reading --json output.
UNKNOWN_AC = "unknown_ac"
BAD_PART_NUMBER = "bad_part_number"
DUPLICATE_PART = "duplicate_part"
MISSING_NAME = "missing_name"
TOO_LONG = "too_long"
BAD_COORDINATES = "bad_coordinates"
WRONG_FIELD_COUNT = "wrong_field_count"
OUTSIDE_STATE = "outside_state"
HALF_COORDINATES = "half_coordinates"


class StationFileError(Exception):
    """The file cannot be read as a polling-station CSV; nothing was written."""


@dataclass(frozen=True)
class RowIssue:
    """A rejected row, or a warning about a row that was kept."""

    line: int
    code: str
    reason: str
    ac_no: str = ""
    part_no: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "code": self.code,
            "reason": self.reason,
            "ac_no": self.ac_no,
            "part_no": self.part_no,
        }


@dataclass
class StationImportReport:
    state: str
    source: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The numbers of the report: for the audit event and the summary line."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "warnings": len(self.warnings),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [issue.as_dict() for issue in self.rejected],
            "warnings": [issue.as_dict() for issue in self.warnings],
        }


@dataclass
class _Station:
    line: int
    ac: AssemblyConstituency
    number: str
    name: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None


def stations_import(
    *,
    path: str | Path | None = None,
    file: IO[bytes] | None = None,
    state: State | str,
    by: AnyUser | None,
    dry_run: bool = False,
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> StationImportReport:
    """Import the polling stations of `state` from a CSV at `path` or in `file`.

    Raises StationFileError when the file is unreadable; otherwise returns the report.
    With `dry_run`, validates and reports what would change without writing.
    `progress(done, total)` is called now and then while rows are checked.
    """
    if (path is None) == (file is None):
        raise ValueError("Give exactly one of path and file.")
    if not isinstance(state, State):
        state = _state_by_abbr(state)
    if path is not None:
        source = source or str(path)
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise StationFileError(
                _("Cannot read %(path)s: %(error)s")
                % {"path": path, "error": error.strerror or error}
            ) from error
    else:
        assert file is not None
        source = source or str(getattr(file, "name", "") or "-")
        data = file.read()
    header, records = _parse(data)
    report = StationImportReport(state=state.abbr, source=source, dry_run=dry_run)
    stations = _validate(header, records, state, report, progress)
    with transaction.atomic():
        _write(stations, report)
        if not dry_run:
            audit_record(
                actor=by,
                verb="stations.import",
                obj=state,
                data={"source": source, **report.counts()},
            )
    return report


def _state_by_abbr(abbr: str) -> State:
    found = State.objects.filter(abbr=abbr.strip().upper()).first()
    if found is None:
        found = State.objects.filter(code=abbr.strip().upper()).first()
    if found is None:
        raise StationFileError(_("Unknown state: %(state)s.") % {"state": abbr})
    return found


def _parse(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decode and split the file; the header (lower-cased) and (line, fields) rows."""
    text = decode_csv_text(data, StationFileError)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        records: list[tuple[int, list[str]]] = []
        line = reader.line_num
        for fields in reader:
            start, line = line + 1, reader.line_num
            if fields and any(f.strip() for f in fields):
                records.append((start, fields))
    except csv.Error as error:
        raise StationFileError(
            _("The file is not valid CSV (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    header = check_header(
        header, required=REQUIRED_COLUMNS, allowed=COLUMNS, error=StationFileError
    )
    return header, records


def _validate(
    header: list[str],
    records: list[tuple[int, list[str]]],
    state: State,
    report: StationImportReport,
    progress: Callable[[int, int], None] | None,
) -> list[_Station]:
    acs = {ac.number: ac for ac in AssemblyConstituency.objects.filter(state=state)}
    box = state_box(state.abbr)
    seen: dict[tuple[int, str], int] = {}
    stations: list[_Station] = []
    report.rows = len(records)
    for done, (line, fields) in enumerate(records, 1):
        if progress is not None and (done % 500 == 0 or done == len(records)):
            progress(done, len(records))
        row = dict(zip(header, (f.strip() for f in fields), strict=False))
        ac_no, part_no = row.get("ac_no", ""), row.get("part_no", "")

        def reject(
            code: str,
            reason: str,
            line: int = line,
            ac: str = ac_no,
            part: str = part_no,
        ) -> None:
            report.rejected.append(RowIssue(line, code, reason, ac_no=ac, part_no=part))

        if len(fields) > len(header) and not any(
            f.strip() for f in fields[len(header) :]
        ):
            fields = fields[: len(header)]
        if len(fields) != len(header):
            reject(
                WRONG_FIELD_COUNT,
                _("The row has %(got)d fields; the header has %(want)d.")
                % {"got": len(fields), "want": len(header)},
            )
            continue
        ac = acs.get(int(ac_no)) if ac_no.isdigit() else None
        if ac is None:
            reject(
                UNKNOWN_AC,
                _("Unknown assembly constituency number %(ac)s in %(state)s.")
                % {"ac": ac_no or "(blank)", "state": state.abbr},
            )
            continue
        number = normalise_part_number(part_no)
        if number is None:
            reject(
                BAD_PART_NUMBER,
                _(
                    "Bad part number %(part)s: use digits with an optional "
                    "capital-letter suffix, such as 19 or 19A."
                )
                % {"part": part_no or "(blank)"},
            )
            continue
        key = (ac.number, number)
        if key in seen:
            reject(
                DUPLICATE_PART,
                _("Part %(part)s of AC %(ac)d appears twice (first on line %(first)d).")
                % {"part": number, "ac": ac.number, "first": seen[key]},
            )
            continue
        name, address = row.get("name", ""), row.get("address", "")
        if not name:
            reject(MISSING_NAME, _("The polling station has no name."))
            continue
        if len(name) > NAME_MAX or len(address) > ADDRESS_MAX:
            reject(
                TOO_LONG,
                _(
                    "The name or address is too long (at most %(name)d and "
                    "%(address)d characters)."
                )
                % {"name": NAME_MAX, "address": ADDRESS_MAX},
            )
            continue
        lat_text, lon_text = row.get("latitude", ""), row.get("longitude", "")
        latitude, longitude = _coordinate(lat_text), _coordinate(lon_text)
        if (lat_text and latitude is None) or (lon_text and longitude is None):
            reject(
                BAD_COORDINATES,
                _("The coordinates are not numbers: %(lat)s, %(lon)s.")
                % {"lat": lat_text or "(blank)", "lon": lon_text or "(blank)"},
            )
            continue
        seen[key] = line
        warn = RowIssue(line, "", "", ac_no=ac_no, part_no=number)
        if (latitude is None) != (longitude is None):
            report.warnings.append(
                _replace(
                    warn,
                    HALF_COORDINATES,
                    _(
                        "Only one of latitude and longitude is given; the station "
                        "is kept without coordinates."
                    ),
                )
            )
            latitude = longitude = None
        elif (
            latitude is not None
            and longitude is not None
            and not _plausible(latitude, longitude, box)
        ):
            hint = ""
            if _plausible(longitude, latitude, box):
                hint = " " + _("Are latitude and longitude swapped?")
            report.warnings.append(
                _replace(
                    warn,
                    OUTSIDE_STATE,
                    _(
                        "The coordinates %(lat)s, %(lon)s lie outside %(state)s; "
                        "the station is kept without them."
                    )
                    % {"lat": lat_text, "lon": lon_text, "state": state.name}
                    + hint,
                )
            )
            latitude = longitude = None
        stations.append(_Station(line, ac, number, name, address, latitude, longitude))
    return stations


def _replace(issue: RowIssue, code: str, reason: str) -> RowIssue:
    return RowIssue(issue.line, code, reason, issue.ac_no, issue.part_no)


def _coordinate(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_EVEN)


def _plausible(latitude: Decimal, longitude: Decimal, box: Box | None) -> bool:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return False
    return box is None or box.contains(latitude, longitude)


def _write(stations: list[_Station], report: StationImportReport) -> None:
    """Create new parts and update changed ones (counting them); writes unless dry."""
    existing = {
        (part.ac_id, part.number): part
        for part in Part.objects.filter(ac__in={s.ac.pk for s in stations})
    }
    new: list[Part] = []
    changed: list[Part] = []
    for station in stations:
        part = existing.get((station.ac.pk, station.number))
        if part is None:
            new.append(
                Part(
                    ac=station.ac,
                    number=station.number,
                    number_int=part_number_int(station.number),
                    name=station.name,
                    address=station.address,
                    latitude=station.latitude,
                    longitude=station.longitude,
                )
            )
            continue
        before = (part.name, part.address, part.latitude, part.longitude)
        part.name = station.name
        if station.address:
            part.address = station.address
        if station.latitude is not None:
            part.latitude, part.longitude = station.latitude, station.longitude
        if (part.name, part.address, part.latitude, part.longitude) != before:
            changed.append(part)
    report.created, report.updated = len(new), len(changed)
    report.unchanged = len(stations) - len(new) - len(changed)
    if report.dry_run:
        return
    Part.objects.bulk_create(new, batch_size=500)
    Part.objects.bulk_update(
        changed, ["name", "address", "latitude", "longitude"], batch_size=500
    )
