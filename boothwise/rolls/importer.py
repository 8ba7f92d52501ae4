"""Import electoral rolls from the canonical roll CSV or XLSX (docs/DESIGN.md).

The file: UTF-8 (a byte-order mark is allowed) or an XLSX workbook whose first sheet has
the same header row; columns ``ac_no, part_no, section_no, serial_no, epic_no, name,
relation_type, relative_name, house_no, age, gender, name_en, relative_name_en``
(``section_no``, ``name_en`` and ``relative_name_en`` optional).

What is kept and what is quarantined:

* A row that cannot be used is stored as a `RejectedRow` with its line number and the
  reason: unknown AC, bad part number (``19a`` is read as ``19A``), missing or invalid
  serial number, a serial repeated within one part of the file, missing name, a name
  too long for the roll, an age that is not a number, unknown gender or relation words.
* Kept with a warning (counted in the report and the audit event): an age outside
  18–120 (0, 673 and negative ages are OCR noise on real rolls) is stored as unknown
  (``age=None``);
  an EPIC number repeated in the file (real rolls have them) is kept on every row;
  ``NIL``/``NA`` EPICs are stored blank. Legacy 16-character EPICs with slashes are kept.
* Households: electors with the same house key (house number upper-cased, spaces
  removed) in the same part and section share one `Household`; ``0``/``NA`` house
  numbers form none.
* Names and house numbers are NFC-normalised and their spaces collapsed; invisible
  joiners (ZWJ/ZWNJ) stay in the stored name and only the phonetic keys drop them.
  House numbers are text (``12/3-ब``).

Writing: parts of a known AC that do not exist yet are created (named "Part N") and
listed in ``RollImport.parts_created``. Electors are written in batches, each batch in
its own transaction that also advances ``RollImport.rows_done`` (the last committed
line), so a failed import can be resumed with ``roll_import(..., resume=old)``. An
elector whose fields equal the stored ones is left alone, so re-importing a file changes
nothing. When a part already had a roll, the differences are recorded as `RollChange`
rows (added, changed, deleted); electors of a part present in the file whose serial is
not in the file are marked deleted, never removed.

A file that cannot be read as a roll at all (binary, not UTF-8, not CSV, wrong columns,
empty) raises `RollFileError`; nothing but a FAILED `RollImport` with the message is
written.

Callers check access before calling, as for every service (accounts/access.py).
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import io
import operator
import re
import sys
import threading
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.accounts.access import AnyUser
from boothwise.accounts.models import User
from boothwise.core.audit import audit_record
from boothwise.core.tabular import check_header, decode_csv_text
from boothwise.geography.models import (
    AssemblyConstituency,
    Part,
    State,
    normalise_part_number,
    part_number_int,
)
from boothwise.rolls import bulkload
from boothwise.rolls.models import (
    AGE_MAX,
    AGE_MIN,
    Household,
    RejectedRow,
    RollChange,
    RollImport,
    Voter,
    VoterWord,
)
from boothwise.rolls.phonetic import word_keys
from boothwise.rolls.search import vocabulary_index_refresh, word_ids_for

if TYPE_CHECKING:
    from boothwise.rolls import fastlane

REQUIRED_COLUMNS = (
    "ac_no",
    "part_no",
    "serial_no",
    "epic_no",
    "name",
    "relation_type",
    "relative_name",
    "house_no",
    "age",
    "gender",
)
OPTIONAL_COLUMNS = ("section_no", "name_en", "relative_name_en")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

NAME_MAX = 150
HOUSE_MAX = 60
EPIC_MAX = 20
KEY_MAX = 60
SECTION_MAX = 32767
ANALYZE_AFTER = 50_000  # electors created by one import
PIPELINE_SWITCH_INTERVAL = 0.0005  # seconds; see _Importer.run
WRITERS = 2  # PostgreSQL connections writing batches; see _Importer.run

# The fields an import compares and writes; equal values mean "unchanged".
FIELDS = (
    "section_no",
    "epic_no",
    "name",
    "name_en",
    "relation_type",
    "relative_name",
    "relative_name_en",
    "house_no",
    "age",
    "gender",
    "status",
)

# Reason codes, stable for scripts.
WRONG_FIELD_COUNT = "wrong_field_count"
UNKNOWN_AC = "unknown_ac"
BAD_PART_NUMBER = "bad_part_number"
BAD_SECTION = "bad_section"
BAD_SERIAL = "bad_serial"
DUPLICATE_SERIAL = "duplicate_serial"
MISSING_NAME = "missing_name"
TOO_LONG = "too_long"
BAD_AGE = "bad_age"
BAD_GENDER = "bad_gender"
BAD_RELATION = "bad_relation"

GENDERS = {
    "m": "M",
    "male": "M",
    "पुरुष": "M",
    "पुरूष": "M",
    "f": "F",
    "female": "F",
    "महिला": "F",
    "स्त्री": "F",
    "t": "T",
    "tg": "T",
    "third gender": "T",
    "transgender": "T",
    "तृतीय लिंग": "T",
    "अन्य": "T",
}
RELATIONS = {
    "f": "F",
    "father": "F",
    "पिता": "F",
    "s/o": "F",
    "d/o": "F",
    "m": "M",
    "mother": "M",
    "माता": "M",
    "h": "H",
    "husband": "H",
    "पति": "H",
    "w/o": "H",
    "w": "W",
    "wife": "W",
    "पत्नी": "W",
    "o": "O",
    "other": "O",
    "others": "O",
    "अन्य": "O",
}
NO_HOUSE = frozenset({"0", "00", "NA", "N/A", "NIL", "-", "--", "."})
NO_EPIC = frozenset({"NIL", "NILL", "NA", "N/A", "NONE", "-", "0"})
_SPACES = re.compile(r"\s+")
_RELATION_SUFFIX = re.compile(r"(?:'s)?\s*(?:name|का नाम)$")
_ZIP_MAGIC = b"PK\x03\x04"


class RollFileError(Exception):
    """The file cannot be read as a roll; nothing but a FAILED RollImport was written."""

    def __init__(self, message: str, roll_import: RollImport | None = None) -> None:
        super().__init__(message)
        self.roll_import = roll_import


@dataclass
class ImportStats:
    """What the stored RollImport does not keep: warnings about rows that were kept."""

    repeated_epics: int = 0
    missing_epics: int = 0
    ages_dropped: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "repeated_epics": self.repeated_epics,
            "missing_epics": self.missing_epics,
            "ages_dropped": self.ages_dropped,
        }


@dataclass
class _Staged:
    lines: list[str]  # COPY text lines for rolls_stage
    part_ids: list[int]
    had_roll: list[int]  # parts that had a roll before this import
    # Electors of parts without a roll before this import, in COPY text for
    # rolls_voter, rolls_household and rolls_voterword: nothing to compare, so
    # they are loaded directly (ids reserved from the tables' sequences). Lines of
    # the row-by-row path are text; the fast lane's come as UTF-8 bytes, which it
    # gets from polars (decoding them only for the driver to encode them again
    # cost about a second and a half of a 20-lakh import).
    fresh_voters: list[str | bytes] = field(default_factory=list)
    fresh_households: list[str | bytes] = field(default_factory=list)
    fresh_words: list[str | bytes] = field(default_factory=list)
    fresh_count: int = 0  # electors in fresh_voters


@dataclass
class _Row:
    line: int
    ac: AssemblyConstituency
    part_no: str
    serial_no: int
    values: dict[str, Any]


Progress = Callable[[int, int], None]


def roll_import(
    *,
    file: str | Path | IO[bytes],
    file_name: str = "",
    by: AnyUser | None,
    state: str = "RJ",
    batch_size: int = 5000,
    progress: Progress | None = None,
    resume: RollImport | None = None,
    into: RollImport | None = None,
    stats: ImportStats | None = None,
    notice: Callable[[str], None] | None = None,
) -> RollImport:
    """Import one roll file; returns its RollImport (the report).

    ``file`` is a path or a binary file object. ``progress(done, total)`` is called after
    every committed batch. ``resume`` continues a failed or interrupted import of the
    same file after its last committed line. ``into`` is a RUNNING RollImport the
    caller created beforehand (a web upload shows its progress page at once and runs
    the import in the background); its checksum is filled in here. ``stats``, when
    given, receives the
    warning counts that are not stored on the RollImport. ``notice(text)`` is told of
    a long step after the last batch (a first load building its indexes).
    """
    stats = stats if stats is not None else ImportStats()
    try:
        data, file_name = _read(file, file_name)
    except RollFileError as error:
        if into is not None:
            _fail(into, str(error))
            error.roll_import = into
        raise
    # The checksum is computed while the file is read as a roll (both without the GIL).
    with ThreadPoolExecutor(1, "roll-checksum") as hasher:
        digest = hasher.submit(hashlib.sha256, data)
        unreadable: RollFileError | None = None
        try:
            header, total, records = _parse(data, file_name)
        except RollFileError as error:
            unreadable = error
        checksum = digest.result().hexdigest()
    if resume is not None:
        ri = resume
        ri.refresh_from_db()  # the committed counters, not a failed batch's
        if ri.checksum != checksum:
            raise RollFileError(
                _("This is not the file of import %(id)d; it cannot be resumed.")
                % {"id": ri.pk},
                ri,
            )
        ri.status = RollImport.Status.RUNNING
        ri.message = ""
        ri.finished_at = None
        ri.save(update_fields=["status", "message", "finished_at"])
    elif into is not None:
        ri = into
        ri.checksum = checksum
        ri.file_name = ri.file_name or file_name[:255]
        ri.save(update_fields=["checksum", "file_name"])
    else:
        ri = RollImport.objects.create(
            file_name=file_name[:255],
            checksum=checksum,
            by=by if isinstance(by, User) else None,
        )
    if unreadable is not None:
        _fail(ri, str(unreadable))
        unreadable.roll_import = ri
        raise unreadable
    try:
        _Importer(ri, state, batch_size, progress, stats, notice).run(
            header, total, records
        )
    except Exception as error:
        _fail(ri, _("The import stopped: %(error)s") % {"error": error})
        raise
    return ri


def _batches(records: Records, size: int) -> Iterator[Batch]:
    """The file's data rows in batches of `size`."""
    batches = getattr(records, "batches", None)  # fastlane.PlainLines
    if batches is not None:
        yield from batches(size)
        return
    batch: list[Record] = []
    for record in records():
        batch.append(record)
        if len(batch) >= size:
            yield Batch(batch)
            batch = []
    if batch:
        yield Batch(batch)


def _fail(ri: RollImport, message: str) -> None:
    ri.status = RollImport.Status.FAILED
    ri.message = message
    ri.finished_at = timezone.now()
    ri.save(update_fields=["status", "message", "finished_at"])


def _read(file: str | Path | IO[bytes], file_name: str) -> tuple[bytes, str]:
    if isinstance(file, str | Path):
        file_name = file_name or Path(file).name
        try:
            return Path(file).read_bytes(), file_name
        except OSError as error:
            raise RollFileError(
                _("Cannot read %(path)s: %(error)s")
                % {"path": file, "error": error.strerror or error}
            ) from error
    file_name = file_name or Path(str(getattr(file, "name", "") or "-")).name
    return file.read(), file_name


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------

Record = tuple[int, list[str]]  # (line number, fields)
Records = Callable[[], Iterator[Record]]


class Batch:
    """Consecutive data rows of a file, as (line, fields) records.

    Rows of a plain CSV file (`fastlane.PlainLines`) come as a frame of line numbers
    and line texts instead, which the fast lane reads by column; they are split into
    records only when asked for (the rows the fast lane does not take).
    """

    def __init__(self, records: list[Record] | None = None, lines: Any = None) -> None:
        self._records = records
        self.lines = lines  # a polars frame (line, text), or None
        self._by_line: dict[int, list[str]] | None = None
        if records is not None:
            self.first_line, self.last_line = records[0][0], records[-1][0]
        else:
            numbers = lines["line"]
            self.first_line, self.last_line = numbers[0], numbers[-1]

    def __len__(self) -> int:
        return len(self._records) if self._records is not None else self.lines.height

    @property
    def records(self) -> list[Record]:
        if self._records is None:
            self._records = list(_line_records(self.lines))
        return self._records

    def fields(self, line: int) -> list[str]:
        """The fields of one line of the batch."""
        if self._by_line is None:
            self._by_line = dict(self.records)
        return self._by_line[line]

    def without(self, lines: set[int]) -> list[Record]:
        """The records of the batch whose line is not in `lines`, in order."""
        if self._records is not None or not lines:
            return [r for r in self.records if r[0] not in lines]
        import polars as pl

        return list(
            _line_records(self.lines.filter(~pl.col("line").is_in(list(lines))))
        )


def _line_records(lines: Any) -> Iterator[Record]:
    """(line, fields) of a frame of plain CSV lines (no quotes: split at commas)."""
    for line, text in lines.iter_rows():
        yield line, text.split(",")


def _parse(data: bytes, file_name: str) -> tuple[list[str], int, Records]:
    """The header, the number of data rows, and a way to iterate (line, fields)."""
    if not data or data.isspace():  # data.strip() would copy the whole file
        raise RollFileError(_("The file is empty."))
    total: int | None = None
    if data.startswith(_ZIP_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
        header, rows = _parse_xlsx(data)
    else:
        header, rows, total = _parse_csv(data)
    header = check_header(
        header, required=REQUIRED_COLUMNS, allowed=COLUMNS, error=RollFileError
    )
    if total is None:
        total = sum(1 for _record in rows())
    return header, total, rows


def _parse_csv(data: bytes) -> tuple[list[str], Records, int]:
    """The header, the data rows, and how many there are (blank lines skipped)."""
    from boothwise.rolls import fastlane

    plain = fastlane.plain_lines(data)
    if plain is not None:
        return plain.header, plain, plain.total
    text = decode_csv_text(data, RollFileError)

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader, None)
        line = reader.line_num
        for fields in reader:
            start, line = line + 1, reader.line_num
            if fields and (fields[0].strip() or "".join(fields).strip()):
                yield start, fields

    reader = csv.reader(io.StringIO(text, newline=""))
    total = 0
    try:
        header = next(reader)
        for fields in reader:
            # As `any(f.strip() for f in fields)` without a generator per row (a
            # large share of a fast import's time).
            if fields and (fields[0].strip() or "".join(fields).strip()):
                total += 1
    except csv.Error as error:
        raise RollFileError(
            _("The file is not valid CSV (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    return header, rows, total


def _parse_xlsx(data: bytes) -> tuple[list[str], Records]:
    try:
        openpyxl: Any = importlib.import_module("openpyxl")
    except ImportError as error:
        raise RollFileError(
            _("XLSX files need the openpyxl package; save the roll as CSV UTF-8.")
        ) from error
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise RollFileError(
            _("The file is not a readable XLSX workbook (%(error)s).")
            % {"error": error}
        ) from error
    header = [_cell(v) for v in first]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(
            sheet.iter_rows(min_row=2, values_only=True), 2
        ):
            fields = [_cell(v) for v in values]
            if any(f.strip() for f in fields):
                yield number, fields

    return header, rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """NFC, single spaces, trimmed. Joiners are kept: they are part of the spelling."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def house_key(house_no: str) -> str:
    """The household key of a house number: upper-case, without spaces.

    "0", "NA" and the like mean "no house number" on real rolls: they give no key, so
    such electors are not lumped into one household.
    """
    key = "".join(house_no.split()).upper()[:HOUSE_MAX]
    return "" if key in NO_HOUSE else key


def _word(text: str) -> str:
    text = clean_text(text).lower().rstrip(".:")
    return _RELATION_SUFFIX.sub("", text).strip()


# --------------------------------------------------------------------------------------
# Importing
# --------------------------------------------------------------------------------------


class _Importer:
    def __init__(
        self,
        ri: RollImport,
        state: str,
        batch_size: int,
        progress: Progress | None,
        stats: ImportStats,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.ri = ri
        self.state = State.objects.filter(abbr=state.strip().upper()).first()
        if self.state is None:
            raise RollFileError(_("Unknown state: %(state)s.") % {"state": state}, ri)
        self.acs = {
            ac.number: ac
            for ac in AssemblyConstituency.objects.filter(state=self.state)
        }
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.stats = stats
        self.parts: dict[tuple[int, str], Part] = {
            (p.ac_id, p.number): p for p in Part.objects.filter(ac__state=self.state)
        }
        # (ac id, part number) → serial → first line: serials present in the file.
        self.present: dict[tuple[int, str], dict[int, int]] = {}
        self.epics: set[str] = set()
        self.words: dict[str, list[str]] = {}  # one spelled word → its keys
        self.name_keys: dict[str, list[str]] = {}  # one spelled name → its keys
        self.copy_texts: dict[str, str] = {}
        self.copy_words: dict[tuple[str, str], str] = {}
        self.sequences: dict[str, str] = {}  # table → its id sequence
        self.word_patterns: dict[tuple[str, str, int, bool], str] = {}
        # Households of fresh parts: (part id, section, house key) → id.
        self.fresh_households: dict[tuple[int, Any, str], int] = {}
        self.households_loaded: set[int] = set()  # fresh parts whose were read
        self.word_ids: dict[str, int] = {}
        self.had_roll: dict[int, bool] = {}  # part id → had electors before
        self.acs_seen: set[int] = set()
        # Rolls repeat names, house numbers and words a great deal: clean each once.
        self.header: list[str] | None = None
        self.columns: tuple[int, ...] | None = None  # COLUMNS → header index
        self.getter: Callable[[list[str]], tuple[str, ...]] = operator.itemgetter(0)
        self.cleaned: dict[str, str] = {}
        self.part_numbers: dict[str, str | None] = {}
        self.words_seen: dict[tuple[int, str], str | None] = {}
        # (name, name_en) → key text and word ids; and lines of fast-lane rows
        # (boothwise/rolls/fastlane.py) whose serial an earlier line took back.
        self.pair_words: dict[tuple[str, str], tuple[str, list[int]]] = {}
        self.bumped: set[int] = set()
        # The fast lane's frame of every word met, a row per key (fastlane._word_keys).
        self.word_frame: Any = None
        self.fast_lane = connection.vendor == "postgresql" and settings.ROLL_FAST_LANE
        self.reporting = threading.Lock()
        self.reported = 0  # rows reported to `progress`
        self.notice = notice

    def _set_header(self, header: list[str]) -> None:
        if self.columns is None or self.header is not header:
            self.header = header
            # A missing optional column reads the "" appended after the row's fields.
            width = len(header)
            self.columns = tuple(
                header.index(name) if name in header else width for name in COLUMNS
            )
            self.getter = operator.itemgetter(*self.columns)

    def _reject(
        self,
        rejected: list[RejectedRow],
        header: list[str],
        line: int,
        fields: list[str],
        code: str,
        reason: str,
    ) -> None:
        raw = dict(zip(header, (f.strip() for f in fields), strict=False))
        rejected.append(
            RejectedRow(
                roll_import=self.ri,
                line=line,
                reason=reason[:300],
                raw={"code": code, **raw},
            )
        )
        self.stats.rejected.append({"line": line, "code": code, "reason": reason})

    def _reject_duplicate(
        self,
        rejected: list[RejectedRow],
        header: list[str],
        line: int,
        fields: list[str],
        serial: int,
        part_no: str,
        first: int,
    ) -> None:
        self._reject(
            rejected,
            header,
            line,
            fields,
            DUPLICATE_SERIAL,
            _(
                "Serial number %(serial)d appears twice in part %(part)s "
                "(first on line %(first)d)."
            )
            % {"serial": serial, "part": part_no, "first": first},
        )

    def _ac(self, number: str) -> AssemblyConstituency | None:
        """The state's AC of a trimmed AC number, if there is one."""
        return self.acs.get(int(number)) if number.isdigit() else None

    def _part_number(self, text: str) -> str | None:
        part_no = self.part_numbers.get(text, "")
        if part_no == "":
            part_no = normalise_part_number(text)
            self.part_numbers[text] = part_no
        return part_no

    def _clean(self, text: str) -> str:
        cleaned = self.cleaned.get(text)
        if cleaned is None:
            cleaned = clean_text(text)
            if len(self.cleaned) < 500_000:
                self.cleaned[text] = cleaned
        return cleaned

    def _lookup(self, table: dict[str, str], text: str) -> str | None:
        key = (id(table), text)
        if key not in self.words_seen:
            self.words_seen[key] = table.get(_word(text))
        return self.words_seen[key]

    # -- the loop --------------------------------------------------------------------

    def run(self, header: list[str], total: int, records: Records) -> None:
        ri = self.ri
        resume_after = ri.rows_done
        if ri.rows_total != total:
            ri.rows_total = total
            ri.save(update_fields=["rows_total"])
        # On PostgreSQL outside a transaction, batches are written by other threads
        # (each with its own connection) while this one reads and checks the next
        # batch: the database and Python then work at the same time. Two writers let
        # the database use both cores on a first load (one server process per
        # connection); each batch is still one transaction, and they commit in file
        # order (`_commit`).
        pipelined = connection.vendor == "postgresql" and not connection.in_atomic_block
        try:
            bulk = bulkload.begin(ri, total - resume_after if pipelined else 0)
        except bulkload.ImportBusy as busy:
            raise RollFileError(str(busy), ri) from busy
        writers = (
            [ThreadPoolExecutor(1, f"roll-import-{n}") for n in range(WRITERS)]
            if pipelined
            else []
        )
        # A writer hands each chunk of COPY data to the server without the GIL and
        # then waits for this thread to give it back: at Python's default of 5 ms a
        # turn it spent more time waiting than sending. Handed back sooner, a first
        # import of 20 lakh electors takes about a tenth less time.
        switch = sys.getswitchinterval()
        if pipelined:
            sys.setswitchinterval(min(switch, PIPELINE_SWITCH_INTERVAL))
        in_flight: deque[Future[None]] = deque()
        done = written = 0
        try:
            for batch in _batches(records, self.batch_size):
                done += len(batch)
                write = self._batch(header, batch, resume_after)
                if write is None:
                    continue
                if not writers:
                    self._commit(*write, done, total, None)
                    continue
                # This batch was checked while two were being written; it is handed
                # on when the older of them has committed.
                if len(in_flight) == WRITERS:
                    in_flight.popleft().result()  # committed (or raises)
                writer = writers[written % WRITERS]
                written += 1
                previous = in_flight[-1] if in_flight else None
                in_flight.append(
                    writer.submit(self._commit_in_thread, *write, done, total, previous)
                )
            while in_flight:
                in_flight.popleft().result()
            if bulk:
                if self.notice is not None:
                    self.notice(_("All rows are saved. Building the search indexes…"))
                bulkload.build(ri, writers)
            self._finish()
            self._analyze(writers)
        finally:
            # Each writer keeps one connection for every batch it writes (a new one
            # per batch cost a connect and a staging table each time) and closes it
            # last. `connection` is per thread: it must be looked up in the writer,
            # not here (`connection.close` would be this thread's, which the writer
            # may not touch). The imports' lock goes once they have stopped writing.
            try:
                for writer in writers:
                    writer.submit(_close_connection).result()
                    writer.shutdown(wait=True)
                sys.setswitchinterval(switch)
            finally:
                bulkload.end(bulk)

    def _batch(
        self, header: list[str], batch: Batch, resume_after: int
    ) -> tuple[list[_Row], _Staged | None, list[RejectedRow], int] | None:
        """Check and stage one batch: the arguments of its `_commit`, or None for a
        batch an earlier run of a resumed import committed."""
        rows: list[_Row] = []
        rejected: list[RejectedRow] = []
        last = batch.last_line
        committed = last <= resume_after
        fast: fastlane.FastRows | None = None
        if self.fast_lane and batch.first_line > resume_after:
            # Imported here, so that polars loads only in a process that imports.
            from boothwise.rolls import fastlane

            fast, slow = fastlane.take(self, header, batch)
        else:
            slow = batch.records
        for line, fields in slow:
            row = self._validate(header, line, fields, rejected)
            if row is not None:
                rows.append(row)
        if fast is not None:
            fast = fastlane.settle(self, fast, rejected)
            rejected.sort(key=operator.attrgetter("line"))
        if committed:  # written before the resume: only the file's state was rebuilt
            return None
        rows = [r for r in rows if r.line > resume_after]
        rejected = [r for r in rejected if r.line > resume_after]
        staged = self._stage(rows) if connection.vendor == "postgresql" else None
        if fast is not None and staged is not None:
            fastlane.stage(self, fast, staged)
        return rows, staged, rejected, last

    def _commit_in_thread(self, *args: Any) -> None:
        try:
            self._commit(*args)
        except BaseException:
            connection.close()  # the writer thread's own connection, maybe broken
            raise

    def _commit(
        self,
        rows: list[_Row],
        staged: _Staged | None,
        rejected: list[RejectedRow],
        last: int,
        done: int,
        total: int,
        previous: Future[None] | None,
    ) -> None:
        """Write one batch in one transaction that also records the progress.

        With two writers, the batch before this one (`previous`) may still be being
        written. Only the first loads of parts (COPY into rows no other batch
        touches) are written side by side; any other batch reads what earlier
        batches wrote, so it waits for them first. Either way a batch commits after
        the batch before it, so the progress record (the last committed line) never
        runs ahead of what is stored, and a failed batch fails the one after it.
        """
        fresh_only = staged is not None and not staged.lines
        if previous is not None and not fresh_only:
            previous.result()
        with transaction.atomic():
            if staged is not None:
                _commit_without_waiting()
                self._write_staged(rows, staged)
            else:
                self._write_rows(rows)
            RejectedRow.objects.bulk_create(rejected, batch_size=1000)
            if previous is not None:
                previous.result()
            # The counters are only touched here, one batch at a time.
            ri = self.ri
            ri.created += staged.fresh_count if staged is not None else 0
            ri.rejected += len(rejected)
            ri.rows_done = last
            ri.save(
                update_fields=[
                    "created",
                    "updated",
                    "unchanged",
                    "rejected",
                    "rows_done",
                    "parts_created",
                ]
            )
        self._report(done, total)

    def _report(self, done: int, total: int) -> None:
        """Call `progress` with a count that only grows (writers finish in any
        order after committing in order)."""
        if self.progress is None:
            return
        with self.reporting:
            if done > self.reported:
                self.reported = done
                self.progress(done, total)

    # -- validation ------------------------------------------------------------------

    def _validate(
        self,
        header: list[str],
        line: int,
        fields: list[str],
        rejected: list[RejectedRow],
    ) -> _Row | None:
        width = len(header)
        self._set_header(header)

        def reject(code: str, reason: str) -> None:
            self._reject(rejected, header, line, fields, code, reason)

        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]
        if len(fields) != width:
            reject(
                WRONG_FIELD_COUNT,
                _("The row has %(got)d fields; the header has %(want)d.")
                % {"got": len(fields), "want": len(header)},
            )
            return None
        (
            ac_no,
            part_text,
            serial_text,
            epic_text,
            name_text,
            relation_text,
            relative_text,
            house_text,
            age_text,
            gender_text,
            section_text,
            name_en_text,
            relative_en_text,
        ) = map(str.strip, self.getter([*fields, ""]))
        ac = self._ac(ac_no)
        if ac is None:
            reject(
                UNKNOWN_AC,
                _("Unknown assembly constituency number %(ac)s in %(state)s.")
                % {
                    "ac": ac_no or "(blank)",
                    "state": self.state.abbr if self.state else "",
                },
            )
            return None
        part_no = self._part_number(part_text)
        if part_no is None:
            reject(
                BAD_PART_NUMBER,
                _(
                    "Bad part number %(part)s: use digits with an optional "
                    "capital-letter suffix, such as 19 or 19A."
                )
                % {"part": part_text or "(blank)"},
            )
            return None
        serial = int(serial_text) if serial_text.isdigit() else 0
        if serial <= 0 or serial > 2_000_000_000:
            reject(
                BAD_SERIAL,
                _("Missing or invalid serial number %(serial)s.")
                % {"serial": serial_text or "(blank)"},
            )
            return None
        serials = self.present.setdefault((ac.id, part_no), {})
        first = serials.get(serial)
        if first is not None and first < line:
            self._reject_duplicate(
                rejected, header, line, fields, serial, part_no, first
            )
            return None
        if first is not None:  # a fast-lane row of a later line: this one comes first
            self.bumped.add(first)
        serials[serial] = line
        section: int | None = None
        if section_text:
            section = int(section_text) if section_text.isdigit() else None
            if section is None or section > SECTION_MAX:
                reject(
                    BAD_SECTION,
                    _("Bad section number %(section)s.") % {"section": section_text},
                )
                return None
        name = self._clean(name_text)
        if not name:
            reject(MISSING_NAME, _("The elector has no name."))
            return None
        relative = self._clean(relative_text)
        name_en = self._clean(name_en_text)
        relative_en = self._clean(relative_en_text)
        house = self._clean(house_text)
        epic = "".join(epic_text.split()).upper()
        if epic in NO_EPIC:
            epic = ""
        if (
            max(len(name), len(relative), len(name_en), len(relative_en)) > NAME_MAX
            or len(house) > HOUSE_MAX
            or len(epic) > EPIC_MAX
        ):
            reject(
                TOO_LONG,
                _(
                    "A value is too long (names at most %(name)d characters, house "
                    "numbers %(house)d, EPIC numbers %(epic)d)."
                )
                % {"name": NAME_MAX, "house": HOUSE_MAX, "epic": EPIC_MAX},
            )
            return None
        age: int | None = None
        if age_text:
            digits = age_text[:-2] if age_text.endswith(".0") else age_text
            digits = digits[1:] if digits.startswith("-") else digits  # seen in rolls
            if not digits.isdigit():
                reject(
                    BAD_AGE, _("The age %(age)s is not a number.") % {"age": age_text}
                )
                return None
            age = -1 if age_text.startswith("-") else int(digits)
            if not AGE_MIN <= age <= AGE_MAX:
                self.stats.ages_dropped += 1
                age = None
        gender = self._lookup(GENDERS, gender_text) if gender_text else ""
        if gender is None:
            reject(
                BAD_GENDER,
                _("Unknown gender %(gender)s: use M, F or T (or पुरुष, महिला, तृतीय लिंग).")
                % {"gender": gender_text},
            )
            return None
        relation = self._lookup(RELATIONS, relation_text) if relation_text else ""
        if relation is None:
            reject(
                BAD_RELATION,
                _(
                    "Unknown relation %(relation)s: use F, M, H, W or O "
                    "(or पिता, माता, पति, पत्नी, अन्य)."
                )
                % {"relation": relation_text},
            )
            return None
        if epic:
            if epic in self.epics:
                self.stats.repeated_epics += 1
            else:
                self.epics.add(epic)
        else:
            self.stats.missing_epics += 1
        self.acs_seen.add(ac.id)
        return _Row(
            line=line,
            ac=ac,
            part_no=part_no,
            serial_no=serial,
            values={
                "section_no": section,
                "epic_no": epic,
                "name": name,
                "name_en": name_en,
                "relation_type": relation,
                "relative_name": relative,
                "relative_name_en": relative_en,
                "house_no": house,
                "age": age,
                "gender": gender,
                "status": Voter.Status.ON_ROLL.value,
            },
        )

    # -- writing ---------------------------------------------------------------------

    def _keys(self, text: str) -> list[str]:
        """The phonetic word keys of a name, cached by name and by word."""
        keys = self.name_keys.get(text)
        if keys is not None:
            return keys
        keys = []
        for word in text.split():
            cached = self.words.get(word)
            if cached is None:
                cached = [k[:KEY_MAX] for k in word_keys(word)]
                self.words[word] = cached
            keys.extend(cached)
        if len(self.name_keys) < 500_000:
            self.name_keys[text] = keys
        return keys

    def _part(self, ac: AssemblyConstituency, number: str) -> Part:
        part = self.parts.get((ac.pk, number))
        if part is None:
            self._create_parts({(ac, number)})
            part = self.parts[(ac.pk, number)]
        return part

    def _create_parts(self, missing: set[tuple[AssemblyConstituency, str]]) -> None:
        """Create parts the file names that do not exist, committed and reported."""
        ordered = sorted(missing, key=lambda m: (m[0].number, part_number_int(m[1])))
        with transaction.atomic():
            _commit_without_waiting()  # a resumed import creates them again
            created = Part.objects.bulk_create(
                [
                    Part(
                        ac=ac,
                        number=number,
                        number_int=part_number_int(number),
                        name=f"Part {number}",
                    )
                    for ac, number in ordered
                ]
            )
            self.ri.parts_created = [
                *self.ri.parts_created,
                *(f"{ac.number}/{number}" for ac, number in ordered),
            ]
            RollImport.objects.filter(pk=self.ri.pk).update(
                parts_created=self.ri.parts_created
            )
        for (ac, number), part in zip(ordered, created, strict=True):
            self.parts[(ac.pk, number)] = part  # both databases return the ids

    def _place(self, rows: list[_Row]) -> list[tuple[int, int, _Row]]:
        """(part id, AC id, row) for each row; missing parts are created first."""
        parts = self.parts
        missing = {
            (row.ac, row.part_no)
            for row in rows
            if (row.ac.id, row.part_no) not in parts
        }
        if missing:
            self._create_parts(missing)
        placed = []
        for row in rows:
            part = parts[(row.ac.id, row.part_no)]
            placed.append((part.id, part.ac_id, row))
        return placed

    def _word_ids(self, keys: set[str]) -> None:
        """Learn the NameWord ids of new keys (creating the missing words), cached."""
        missing = keys - self.word_ids.keys()
        if missing:
            self.word_ids.update(word_ids_for(missing))

    def _households(
        self, rows: list[tuple[Part, _Row]]
    ) -> dict[tuple[int, Any, str], int]:
        wanted: dict[tuple[int, Any, str], tuple[Part, _Row]] = {}
        for part, row in rows:
            key = house_key(row.values["house_no"])
            if key:
                wanted.setdefault((part.pk, row.values["section_no"], key), (part, row))
        if not wanted:
            return {}
        found: dict[tuple[int, Any, str], int] = {}
        part_ids = {k[0] for k in wanted}
        for hid, part_id, section, key in Household.objects.filter(
            part_id__in=part_ids, house_key__in={k[2] for k in wanted}
        ).values_list("id", "part_id", "section_no", "house_key"):
            found[(part_id, section, key)] = hid
        new = [
            Household(
                ac_id=part.ac_id,
                part=part,
                section_no=row.values["section_no"],
                house_no=row.values["house_no"],
                house_key=key[2],
            )
            for key, (part, row) in wanted.items()
            if key not in found
        ]
        for household in Household.objects.bulk_create(new, batch_size=2000):
            found[(household.part_id, household.section_no, household.house_key)] = (
                household.pk
            )
        return found

    def _both_keys(self, name: str, name_en: str) -> list[str]:
        """The distinct word keys of a name in both spellings, in order."""
        return list(dict.fromkeys(self._keys(name) + self._keys(name_en)))

    def _copy_text(self, value: str) -> str:
        cached = self.copy_texts.get(value)
        if cached is None:
            cached = _copy_text(value)
            if len(self.copy_texts) < 500_000:
                self.copy_texts[value] = cached
        return cached

    def _copy_words(self, name: str, name_en: str) -> str:
        """A name's key string and its word ids, as two COPY columns (cached)."""
        cached = self.copy_words.get((name, name_en))
        if cached is None:
            own, ids = self._pair_words(name, name_en)
            cached = f"{own}\t{{{','.join(map(str, ids))}}}"
            if len(self.copy_words) < 500_000:
                self.copy_words[(name, name_en)] = cached
        return cached

    def _word_pattern(self, name: str, name_en: str, ac_id: int, rel: bool) -> str:
        """A name's rolls_voterword COPY lines with ``#`` for the elector's id."""
        cache_key = (name, name_en, ac_id, rel)
        cached = self.word_patterns.get(cache_key)
        if cached is None:
            flag = "t" if rel else "f"
            _own, ids = self._pair_words(name, name_en)
            cached = "".join(f"#\t{pk}\t{ac_id}\t{flag}\n" for pk in ids)
            if len(self.word_patterns) < 500_000:
                self.word_patterns[cache_key] = cached
        return cached

    def _reserve(self, table: str, count: int) -> list[int]:
        """``count`` fresh ids from the table's id sequence (never reused)."""
        if not count:
            return []
        with connection.cursor() as cursor:
            sequence = self.sequences.get(table)
            if sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = self.sequences[table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, count],
            )
            ids: list[int] = cursor.fetchone()[0]
            return ids

    def _load_fresh_households(self, part_ids: set[int]) -> None:
        """Households an interrupted run of this import already wrote for these
        parts (read once per part)."""
        unread = part_ids - self.households_loaded
        if unread:
            for hid, part_id, section, key in Household.objects.filter(
                part_id__in=unread
            ).values_list("id", "part_id", "section_no", "house_key"):
                self.fresh_households[(part_id, section, key)] = hid
            self.households_loaded |= unread

    def _pair_words(self, name: str, name_en: str) -> tuple[str, list[int]]:
        """A name's key text (COPY-escaped) and the ids of its word keys in both
        spellings, in order (cached; the keys' ids must be known)."""
        value = self.pair_words.get((name, name_en))
        if value is None:
            own = _copy_text(" ".join(self._keys(name))[:NAME_MAX])
            value = (own, [self.word_ids[k] for k in self._both_keys(name, name_en)])
            if len(self.pair_words) < 500_000:
                self.pair_words[(name, name_en)] = value
        return value

    def _stage_fresh(
        self, placed: list[tuple[int, int, _Row]], staged: _Staged
    ) -> None:
        """COPY lines for electors of parts that had no roll before this import.

        A first roll of a part has nothing to compare against: its electors, their
        households and their words are loaded straight into the tables, as a bare
        COPY would. Households an interrupted run of this import already wrote for
        the part are read once and reused.
        """
        households = self.fresh_households
        self._load_fresh_households({part_id for part_id, _ac, _row in placed})
        new: dict[tuple[int, Any, str], tuple[int, _Row]] = {}
        house_keys = []
        for part_id, ac_id, row in placed:
            key = house_key(row.values["house_no"])
            house_keys.append(key)
            if key:
                hk = (part_id, row.values["section_no"], key)
                if hk not in households and hk not in new:
                    new[hk] = (ac_id, row)
        text = self._copy_text
        for pk, (hk, (ac_id, row)) in zip(
            self._reserve("rolls_household", len(new)), new.items(), strict=True
        ):
            households[hk] = pk
            section = hk[1]
            staged.fresh_households.append(
                f"{pk}\t{ac_id}\t{hk[0]}\t"
                f"{NULL if section is None else section}\t"
                f"{text(row.values['house_no'])}\t{text(hk[2])}\n"
            )
        words, pattern, ri = self._copy_words, self._word_pattern, self.ri.pk
        voters, voter_words = staged.fresh_voters, staged.fresh_words
        ids = self._reserve("rolls_voter", len(placed))
        for pk, key, (part_id, ac_id, row) in zip(ids, house_keys, placed, strict=True):
            v = row.values
            section, age = v["section_no"], v["age"]
            name, name_en = v["name"], v["name_en"]
            relative, relative_en = v["relative_name"], v["relative_name_en"]
            household = households[(part_id, section, key)] if key else None
            staged.fresh_count += 1
            voters.append(
                f"{pk}\t{ac_id}\t{part_id}\t{row.serial_no}\t"
                f"{NULL if household is None else household}\t"
                f"{words(name, name_en).partition(TAB)[0]}\t"
                f"{words(relative, relative_en).partition(TAB)[0]}\t{ri}\t"
                f"{NULL if section is None else section}\t{text(v['epic_no'])}\t"
                f"{text(name)}\t{text(name_en)}\t"
                f"{v['relation_type']}\t{text(relative)}\t"
                f"{text(relative_en)}\t{text(v['house_no'])}\t"
                f"{NULL if age is None else age}\t{v['gender']}\ton_roll\n"
            )
            voter_id = str(pk)
            voter_words.append(
                pattern(name, name_en, ac_id, False).replace("#", voter_id)
                + pattern(relative, relative_en, ac_id, True).replace("#", voter_id)
            )

    def _stage(self, rows: list[_Row]) -> _Staged:
        """PostgreSQL: the batch as COPY lines for the staging table.

        Missing parts are created here, committed and reported at once (they are
        kept even if a later batch fails, and a resumed import finds them). Electors
        of parts without an earlier roll skip the staging table (`_stage_fresh`).
        """
        placed = self._place(rows)
        keys: set[str] = set()
        known = self.copy_words
        for pair in {
            pair
            for _part, _ac, row in placed
            for pair in (
                (row.values["name"], row.values["name_en"]),
                (row.values["relative_name"], row.values["relative_name_en"]),
            )
        }:
            if pair not in known:
                keys.update(self._keys(pair[0]))
                keys.update(self._keys(pair[1]))
        self._word_ids(keys)
        self._learn_had_roll({part_id for part_id, _ac, _row in placed})
        had_roll = self.had_roll
        result = _Staged(lines=[], part_ids=[], had_roll=[])
        fresh = [p for p in placed if not had_roll[p[0]]]
        if fresh:
            self._stage_fresh(fresh, result)
            placed = [p for p in placed if had_roll[p[0]]]
        text, words = self._copy_text, self._copy_words
        for part_id, ac_id, row in placed:
            v = row.values
            section, age = v["section_no"], v["age"]
            name, relative = v["name"], v["relative_name"]
            result.lines.append(
                f"{row.line}\t{ac_id}\t{part_id}\t{row.serial_no}\t"
                f"{NULL if section is None else section}\t{text(v['epic_no'])}\t"
                f"{text(name)}\t{text(v['name_en'])}\t"
                f"{v['relation_type']}\t{text(relative)}\t"
                f"{text(v['relative_name_en'])}\t{text(v['house_no'])}\t"
                f"{text(house_key(v['house_no']))}\t"
                f"{NULL if age is None else age}\t{v['gender']}\t"
                f"{words(name, v['name_en'])}\t"
                f"{words(relative, v['relative_name_en'])}\n"
            )
        result.part_ids = sorted({part_id for part_id, _ac, _row in placed})
        result.had_roll = [pk for pk in result.part_ids if had_roll[pk]]
        return result

    def _write_staged(self, rows: list[_Row], staged: _Staged) -> None:
        """PostgreSQL: COPY the batch into a staging table, then let SQL sort it out.

        New electors, their households, their words and (for a part that had a roll)
        their "added" revision rows are written by set-based statements; electors whose
        stored fields differ go through the row-by-row path (they are few: a revision
        changes a few percent of a roll), and the rest are counted as unchanged.
        """
        ri = self.ri
        part_ids, had_roll = staged.part_ids, staged.had_roll
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table, columns, lines in (
                ("rolls_household", FRESH_HOUSEHOLD_COLUMNS, staged.fresh_households),
                ("rolls_voter", FRESH_VOTER_COLUMNS, staged.fresh_voters),
                ("rolls_voterword", FRESH_WORD_COLUMNS, staged.fresh_words),
            ):
                if lines:
                    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        _copy_chunks(copy, lines)
            if not staged.lines:
                return
            raw.execute(STAGE_TABLE)  # once per connection
            with raw.copy(f"COPY rolls_stage ({STAGE_COLUMNS}) FROM STDIN") as copy:
                copy.write("".join(staged.lines))
            raw.execute(STAGE_HOUSEHOLDS, {"parts": part_ids})
            raw.execute(STAGE_COMPARE, {"parts": part_ids})
            same, changed_lines = raw.fetchone() or (0, None)
            raw.execute(
                STAGE_INSERT,
                {"parts": part_ids, "had_roll": had_roll, "import": ri.pk},
            )
            created = raw.fetchone()
            raw.execute("TRUNCATE rolls_stage")
        ri.unchanged += same or 0
        ri.created += created[0] if created else 0
        if changed_lines:
            wanted = set(changed_lines)
            self._write_rows([row for row in rows if row.line in wanted])

    def _learn_had_roll(self, part_ids: set[int]) -> None:
        """Fill the had-roll cache for these parts with one query: a part had a roll
        if it has an elector this import did not write."""
        unknown = [pk for pk in part_ids if pk not in self.had_roll]
        if not unknown:
            return
        had = set(
            Part.objects.filter(pk__in=unknown)
            .filter(
                Exists(
                    Voter.objects.filter(part_id=OuterRef("pk")).exclude(
                        last_import=self.ri
                    )
                )
            )
            .values_list("pk", flat=True)
        )
        for pk in unknown:
            self.had_roll[pk] = pk in had

    def _had_roll_id(self, part_id: int) -> bool:
        self._learn_had_roll({part_id})
        return self.had_roll[part_id]

    def _write_rows(self, rows: list[_Row]) -> None:
        """Any database: compare, insert and update electors row by row."""
        ri = self.ri
        placed = [(self._part(row.ac, row.part_no), row) for row in rows]
        existing: dict[tuple[int, int], dict[str, Any]] = {}
        by_part: dict[int, set[int]] = {}
        for part, row in placed:
            by_part.setdefault(part.pk, set()).add(row.serial_no)
        for part_id, serials in by_part.items():
            # One range scan of the (part, serial) index per part and batch.
            for values in Voter.objects.filter(
                part_id=part_id,
                serial_no__gte=min(serials),
                serial_no__lte=max(serials),
            ).values("id", "part_id", "serial_no", *FIELDS):
                if values["serial_no"] in serials:
                    existing[(part_id, values["serial_no"])] = values
        households = self._households(placed)
        new: list[dict[str, Any]] = []
        changed: list[Voter] = []
        changes: list[RollChange] = []
        worded: list[tuple[dict[str, Any], _Row]] = []
        for part, row in placed:
            values = row.values
            before = existing.get((part.pk, row.serial_no))
            if before is not None and all(before[f] == values[f] for f in FIELDS):
                ri.unchanged += 1
                continue
            record = {
                "ac_id": part.ac_id,
                "part_id": part.pk,
                "serial_no": row.serial_no,
                "household_id": households.get(
                    (part.pk, values["section_no"], house_key(values["house_no"]))
                ),
                "name_key": " ".join(self._keys(values["name"]))[:NAME_MAX],
                "relative_key": " ".join(self._keys(values["relative_name"]))[
                    :NAME_MAX
                ],
                "last_import_id": ri.pk,
                **values,
            }
            if before is None:
                new.append(record)
                ri.created += 1
                if self._had_roll_id(part.pk):
                    changes.append(
                        RollChange(
                            roll_import=ri,
                            ac_id=part.ac_id,
                            part=part,
                            serial_no=row.serial_no,
                            kind=RollChange.Kind.ADDED,
                            after=_jsonable(values),
                        )
                    )
            else:
                record["id"] = before["id"]
                changed.append(Voter(**record))
                ri.updated += 1
                diff = [f for f in FIELDS if before[f] != values[f]]
                changes.append(
                    RollChange(
                        roll_import=ri,
                        ac_id=part.ac_id,
                        part=part,
                        serial_no=row.serial_no,
                        kind=RollChange.Kind.CHANGED,
                        before={f: before[f] for f in diff},
                        after={f: values[f] for f in diff},
                    )
                )
            worded.append((record, row))
        _insert(Voter, VOTER_COLUMNS, [[r[c] for c in VOTER_COLUMNS] for r in new])
        self._fill_ids(new)
        Voter.objects.bulk_update(
            changed,
            [*FIELDS, "household", "name_key", "relative_key", "last_import"],
            batch_size=500,
        )
        RollChange.objects.bulk_create(changes, batch_size=2000)
        self._write_words(worded, replace=[v.pk for v in changed])

    def _fill_ids(self, records: list[dict[str, Any]]) -> None:
        """Read back the ids of freshly inserted electors (COPY returns none)."""
        by_part: dict[int, dict[int, dict[str, Any]]] = {}
        for record in records:
            by_part.setdefault(record["part_id"], {})[record["serial_no"]] = record
        for part_id, serials in by_part.items():
            for serial, pk in Voter.objects.filter(
                part_id=part_id,
                serial_no__gte=min(serials),
                serial_no__lte=max(serials),
            ).values_list("serial_no", "id"):
                if serial in serials:
                    serials[serial]["id"] = pk

    def _write_words(
        self, worded: list[tuple[dict[str, Any], _Row]], replace: list[int]
    ) -> None:
        per_voter: list[tuple[dict[str, Any], set[tuple[str, bool]]]] = []
        keys: set[str] = set()
        for record, row in worded:
            words = {(k, False) for k in self._keys(row.values["name"])}
            words |= {(k, True) for k in self._keys(row.values["relative_name"])}
            words |= {(k, False) for k in self._keys(row.values["name_en"])}
            words |= {(k, True) for k in self._keys(row.values["relative_name_en"])}
            per_voter.append((record, words))
            keys |= {k for k, _rel in words}
        self._word_ids(keys)
        for chunk in _chunks(replace, 900):
            VoterWord.objects.filter(voter_id__in=chunk).delete()
        ids = self.word_ids
        _insert(
            VoterWord,
            ("word_id", "voter_id", "ac_id", "of_relative"),
            [
                [ids[key], record["id"], record["ac_id"], of_relative]
                for record, words in per_voter
                for key, of_relative in sorted(words)
            ],
        )

    def _finish(self) -> None:
        ri = self.ri
        with transaction.atomic():
            for (ac_id, number), serials in self.present.items():
                part = self.parts.get((ac_id, number))
                if part is None or self.had_roll.get(part.pk) is False:
                    continue  # a first roll of the part: every elector is in the file
                gone_ids = self._gone(part, serials)
                if not gone_ids:
                    continue
                gone: list[dict[str, Any]] = []
                for chunk in _chunks(gone_ids, 900):
                    gone.extend(
                        Voter.objects.filter(pk__in=chunk).values(
                            "id", "serial_no", *FIELDS
                        )
                    )
                for chunk in _chunks([v["id"] for v in gone], 900):
                    Voter.objects.filter(pk__in=chunk).update(
                        status=Voter.Status.DELETED, last_import=ri
                    )
                RollChange.objects.bulk_create(
                    [
                        RollChange(
                            roll_import=ri,
                            ac_id=ac_id,
                            part=part,
                            serial_no=v["serial_no"],
                            kind=RollChange.Kind.DELETED,
                            before=_jsonable({f: v[f] for f in FIELDS}),
                        )
                        for v in gone
                    ],
                    batch_size=2000,
                )
                ri.deleted += len(gone)
            if len(self.acs_seen) == 1:
                ri.ac_id = next(iter(self.acs_seen))
            # New name words become searchable (SQLite trigram table; no-op on PostgreSQL).
            vocabulary_index_refresh()
            ri.status = RollImport.Status.DONE
            ri.finished_at = timezone.now()
            ri.warnings = self.stats.as_dict()
            ri.message = ""
            ri.save()
            audit_record(
                actor=ri.by,
                verb="roll.import",
                obj=ri,
                ac_id=ri.ac_id,
                data={
                    "file": ri.file_name,
                    "rows": ri.rows_total,
                    "created": ri.created,
                    "updated": ri.updated,
                    "unchanged": ri.unchanged,
                    "deleted": ri.deleted,
                    "rejected": ri.rejected,
                    "parts_created": ri.parts_created,
                    **self.stats.as_dict(),
                },
            )

    def _analyze(self, writers: list[ThreadPoolExecutor]) -> None:
        """Fresh planner statistics after a big load (sampled, so cheap).

        Without them the planner may scan an AC where it should probe an index. On
        PostgreSQL the writers' connections share the work (name words on one, the
        other tables on the other).
        """
        if self.ri.created < ANALYZE_AFTER:
            return
        tables = ("rolls_voter", "rolls_voterword", "rolls_household", "rolls_nameword")
        if writers:
            shares = [tables[1:2], tables[:1] + tables[2:]]
            for done in [
                writer.submit(_analyze_tables, share)
                for writer, share in zip(writers, shares, strict=False)
            ]:
                done.result()
            return
        if connection.vendor == "postgresql":
            _analyze_tables(tables)
        elif connection.vendor == "sqlite":
            # A full ANALYZE (sampling skews SQLite's estimates): ~0.3 s per 10 lakh.
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"ANALYZE {table}")

    def _gone(self, part: Part, serials: dict[int, int]) -> list[int]:
        """Ids of the part's electors on the roll whose serial is not in the file."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM rolls_voter WHERE part_id = %s "
                    "AND status = 'on_roll' AND NOT (serial_no = ANY(%s))",
                    [part.pk, list(serials)],
                )
                return [pk for (pk,) in cursor.fetchall()]
        return [
            pk
            for pk, serial in Voter.objects.filter(
                part=part, status=Voter.Status.ON_ROLL
            ).values_list("id", "serial_no")
            if serial not in serials
        ]


# PostgreSQL staging (see _Importer._write_staged). The table is per session and
# emptied after every batch.
STAGE_COLUMNS = (
    "line, ac_id, part_id, serial_no, section_no, epic_no, name, name_en, "
    "relation_type, relative_name, relative_name_en, house_no, house_key, age, "
    "gender, name_key, own_words, relative_key, relative_words"
)
STAGE_TABLE = """
CREATE TEMPORARY TABLE IF NOT EXISTS rolls_stage (
    line integer NOT NULL,
    ac_id integer NOT NULL,
    part_id integer NOT NULL,
    serial_no integer NOT NULL,
    section_no smallint,
    epic_no varchar(20) NOT NULL,
    name varchar(150) NOT NULL,
    name_en varchar(150) NOT NULL,
    relation_type varchar(1) NOT NULL,
    relative_name varchar(150) NOT NULL,
    relative_name_en varchar(150) NOT NULL,
    house_no varchar(60) NOT NULL,
    house_key varchar(60) NOT NULL,
    age smallint,
    gender varchar(1) NOT NULL,
    name_key varchar(150) NOT NULL,
    relative_key varchar(150) NOT NULL,
    own_words integer[] NOT NULL,
    relative_words integer[] NOT NULL
)
"""
# One household per (part, section, house key); NULL sections match each other.
STAGE_HOUSEHOLDS = """
INSERT INTO rolls_household (ac_id, part_id, section_no, house_no, house_key)
SELECT DISTINCT ON (s.part_id, s.section_no, s.house_key)
       s.ac_id, s.part_id, s.section_no, s.house_no, s.house_key
FROM rolls_stage s
WHERE s.house_key <> ''
  AND NOT EXISTS (
      SELECT 1 FROM rolls_household h
      WHERE h.part_id = s.part_id AND h.house_key = s.house_key
        AND h.section_no IS NOT DISTINCT FROM s.section_no
        AND h.part_id = ANY(%(parts)s))
ORDER BY s.part_id, s.section_no, s.house_key, s.line
"""
_STAGE_FIELDS = ", ".join(FIELDS[:-1])
STAGE_COMPARE = f"""
SELECT count(*) FILTER (WHERE same), array_agg(line) FILTER (WHERE NOT same)
FROM (
    SELECT s.line,
           (v.{", v.".join(FIELDS[:-1])}, v.status)
           IS NOT DISTINCT FROM (s.{", s.".join(FIELDS[:-1])}, 'on_roll') AS same
    FROM rolls_stage s
    JOIN rolls_voter v ON v.part_id = s.part_id AND v.serial_no = s.serial_no
    WHERE v.part_id = ANY(%(parts)s)
) compared
"""
STAGE_INSERT = f"""
WITH new AS (
    INSERT INTO rolls_voter (
        ac_id, part_id, serial_no, household_id, name_key, relative_key,
        last_import_id, {_STAGE_FIELDS}, status)
    SELECT s.ac_id, s.part_id, s.serial_no, h.id, s.name_key, s.relative_key,
           %(import)s, s.{", s.".join(FIELDS[:-1])}, 'on_roll'
    FROM rolls_stage s
    LEFT JOIN rolls_household h
      ON s.house_key <> '' AND h.part_id = s.part_id AND h.house_key = s.house_key
     AND h.section_no IS NOT DISTINCT FROM s.section_no
     AND h.part_id = ANY(%(parts)s)
    WHERE NOT EXISTS (
        SELECT 1 FROM rolls_voter v
        WHERE v.part_id = s.part_id AND v.serial_no = s.serial_no
          AND v.part_id = ANY(%(parts)s))
    RETURNING id, ac_id, part_id, serial_no
), words AS (
    INSERT INTO rolls_voterword (voter_id, word_id, ac_id, of_relative)
    SELECT new.id, w.word_id, new.ac_id, w.of_relative
    FROM new
    JOIN rolls_stage s ON s.part_id = new.part_id AND s.serial_no = new.serial_no
    CROSS JOIN LATERAL (
        SELECT unnest(s.own_words) AS word_id, false AS of_relative
        UNION ALL
        SELECT unnest(s.relative_words), true
    ) w
    ORDER BY w.word_id, new.id  -- index order: neighbouring inserts share pages
), added AS (
    INSERT INTO rolls_rollchange (
        roll_import_id, ac_id, part_id, serial_no, kind, before, after)
    SELECT %(import)s, s.ac_id, s.part_id, s.serial_no, 'added', '{{}}'::jsonb,
           jsonb_strip_nulls(jsonb_build_object(
               {
    ", ".join(
        f"'{f}', s.{f}" if f in ("section_no", "age") else f"'{f}', NULLIF(s.{f}, '')"
        for f in FIELDS[:-1]
    )
},
               'status', 'on_roll'))
    FROM new
    JOIN rolls_stage s ON s.part_id = new.part_id AND s.serial_no = new.serial_no
    WHERE new.part_id = ANY(%(had_roll)s)
)
SELECT count(*) FROM new
"""

FRESH_HOUSEHOLD_COLUMNS = "id, ac_id, part_id, section_no, house_no, house_key"
FRESH_VOTER_COLUMNS = (
    "id, ac_id, part_id, serial_no, household_id, name_key, relative_key, "
    f"last_import_id, {_STAGE_FIELDS}, status"
)
FRESH_WORD_COLUMNS = "voter_id, word_id, ac_id, of_relative"

VOTER_COLUMNS = (
    "ac_id",
    "part_id",
    "serial_no",
    "household_id",
    "name_key",
    "relative_key",
    "last_import_id",
    *FIELDS,
)


def _commit_without_waiting() -> None:
    """PostgreSQL: the current transaction's commit does not wait for the disk.

    For an import's writes only: each commits with its progress record, and the log is
    written in order, so a crash that loses one loses every later one too and the
    resumed import simply writes them again (the import's end waits as usual).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _copy_chunks(copy: Any, chunks: list[str | bytes]) -> None:
    """Send COPY data given as text lines and blocks of UTF-8 bytes, in order."""
    text: list[str] = []
    for chunk in chunks:
        if isinstance(chunk, str):
            text.append(chunk)
            continue
        if text:
            copy.write("".join(text))
            text = []
        copy.write(chunk)
    if text:
        copy.write("".join(text))


def _analyze_tables(tables: tuple[str, ...]) -> None:
    """ANALYZE these tables on the calling thread's connection (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def _close_connection() -> None:
    """Close the calling thread's database connection."""
    connection.close()


def _insert(
    model: type[Model], columns: tuple[str, ...], rows: list[list[Any]]
) -> None:
    """Bulk-load rows: COPY on PostgreSQL, executemany elsewhere (no ORM objects)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


NULL = "\\N"  # COPY's text format
TAB = "\t"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    """A text value in COPY's text format (faster than psycopg's write_row)."""
    if value.isprintable() and "\\" not in value:
        return value
    return value.translate(_COPY_ESCAPES)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None)}


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
