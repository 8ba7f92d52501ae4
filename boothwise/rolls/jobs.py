"""Run a roll uploaded on the web in the background, and tell a live import from a
dead one.

An upload is checked first (`upload_check`): a file that is not a roll, or that holds
parts outside the uploader's IMPORT_ROLL scope, is refused before anything is written.
Then a RUNNING RollImport is created, the file is saved as
``DATA_DIR/uploads/import-<id>.<csv|xlsx>`` and `roll_import(into=...)` runs in a
daemon thread of the web process (`spawn`; tests swap it for an inline call). The
thread closes its own database connection at the end, and any error is recorded on the
RollImport, so nothing stays RUNNING because of a failure.

While the thread runs it touches ``import-<id>.alive`` every `HEARTBEAT` seconds. A
RUNNING web import whose heartbeat is older than `STALE_AFTER` was left by a process
that died (a restart, a crash): it is *interrupted*, and `import_resume` continues it
from the saved file after its last committed batch. Imports started on the command
line have no saved file and no heartbeat; they are resumed there
(``boothwise import-roll FILE --resume ID``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boothwise.accounts.access import AnyUser, scope_for, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.audit import audit_record
from boothwise.core.threads import in_thread
from boothwise.geography.models import AssemblyConstituency, Part, normalise_part_number
from boothwise.rolls import importer
from boothwise.rolls.importer import RollFileError
from boothwise.rolls.models import RollImport
from boothwise.rolls.selectors import acs_whole
from boothwise.rolls.services import roll_import

logger = logging.getLogger(__name__)

#: Seconds between heartbeats of a running import.
HEARTBEAT = 5.0
#: A RUNNING import with no heartbeat for this long was left by a dead process.
STALE_AFTER = 60.0
#: Rows per committed batch of a web import: small enough for a moving progress bar.
BATCH_SIZE = 2000
#: The state of uploaded rolls (the importer's default).
STATE = "RJ"
EXTENSIONS = (".csv", ".xlsx", ".xlsm")

_lock = threading.Lock()


def uploads_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def upload_path(ri: RollImport) -> Path | None:
    """The saved file of a web import, or None (a command-line import has none)."""
    for extension in EXTENSIONS:
        path = uploads_dir() / f"import-{ri.pk}{extension}"
        if path.exists():
            return path
    return None


def _alive_path(import_id: int) -> Path:
    return uploads_dir() / f"import-{import_id}.alive"


# --------------------------------------------------------------------------------------
# Checking an upload before anything is written
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadCheck:
    rows: int
    parts: int


def upload_check(user: AnyUser, data: bytes, file_name: str) -> UploadCheck:
    """Raise RollFileError unless `data` reads as a roll whose parts `user` may import.

    The reading is the importer's own, so the messages are the importer's. Every part
    named in the file must be in the user's IMPORT_ROLL scope; a part that does not
    exist yet (the importer creates it) needs its whole AC in scope
    (`selectors.acs_whole`). Rows with an unknown AC or a bad part number are left to
    the importer, which rejects them.
    """
    if not file_name.lower().endswith(EXTENSIONS):
        raise RollFileError(_("Choose a roll file ending in .csv or .xlsx."))
    # The importer's reader: the same checks (encoding, CSV, XLSX, header) and
    # messages as the command line.
    header, total, records = importer._parse(data, file_name)
    wanted = _parts_named(header, records)
    scope = scope_for(user, Action.IMPORT_ROLL)
    acs = {
        ac.number: ac
        for ac in AssemblyConstituency.objects.filter(
            state__abbr=STATE, number__in={number for number, _part in wanted}
        )
    }
    allowed = set(
        visible(
            user, Action.IMPORT_ROLL, Part.objects.filter(ac__in=acs.values())
        ).values_list("ac__number", "number")
    )
    existing = set(
        Part.objects.filter(ac__in=acs.values()).values_list("ac__number", "number")
    )
    whole = set(
        acs_whole(scope)
        .filter(pk__in=[ac.pk for ac in acs.values()])
        .values_list("number", flat=True)
    )
    outside = sorted(
        (number, part)
        for number, part in wanted
        if number in acs
        and (number, part) not in allowed
        and ((number, part) in existing or number not in whole)
    )
    if outside:
        shown = ", ".join(f"{ac}/{part}" for ac, part in outside[:10])
        raise RollFileError(
            ngettext(
                "The file has rows for %(n)d part outside your area (%(parts)s). "
                "Import only the parts you are responsible for.",
                "The file has rows for %(n)d parts outside your area (%(parts)s). "
                "Import only the parts you are responsible for.",
                len(outside),
            )
            % {"n": len(outside), "parts": shown}
        )
    return UploadCheck(rows=total, parts=len(wanted))


def _parts_named(header: list[str], records: importer.Records) -> set[tuple[int, str]]:
    """(AC number, part number) of every row that names both readably."""
    ac_at, part_at = header.index("ac_no"), header.index("part_no")
    width = max(ac_at, part_at)
    wanted: set[tuple[int, str]] = set()
    for _line, fields in records():
        if len(fields) <= width:
            continue
        ac_text = fields[ac_at].strip()
        part = normalise_part_number(fields[part_at])
        if ac_text.isdigit() and part is not None:
            wanted.add((int(ac_text), part))
    return wanted


# --------------------------------------------------------------------------------------
# Starting, running and resuming
# --------------------------------------------------------------------------------------


def _spawn(target: Callable[[], None]) -> None:
    in_thread(target, "roll-import")


#: How a job is started. Tests replace it with an inline call (`lambda job: job()`).
spawn: Callable[[Callable[[], None]], Any] = _spawn


def import_start(*, by: User, data: bytes, file_name: str) -> RollImport:
    """Create a RUNNING RollImport, save the file and run the import in the background.

    Call `upload_check` first: this writes.
    """
    ri = RollImport.objects.create(file_name=Path(file_name).name[:255], by=by)
    extension = Path(file_name).suffix.lower()
    uploads_dir().mkdir(parents=True, exist_ok=True)
    path = uploads_dir() / f"import-{ri.pk}{extension}"
    try:
        path.write_bytes(data)
    except OSError as error:
        _record_failure(ri.pk, error)
        raise
    _alive_path(ri.pk).touch()
    language = translation.get_language()
    spawn(lambda: import_run(ri.pk, path, resume=False, language=language))
    return ri


def import_resume(*, by: User, ri: RollImport) -> bool:
    """Continue an interrupted or failed web import in the background.

    Returns False (and does nothing) when it cannot be resumed: still running, done,
    or its file is gone. The import stays the uploader's; who resumed it is audited.
    """
    with _lock:
        path = upload_path(ri)
        if path is None or not import_resumable(ri):
            return False
        _alive_path(ri.pk).touch()
    audit_record(
        actor=by,
        verb="roll.import_resume",
        obj=ri,
        ac_id=ri.ac_id,
        data={"file": ri.file_name, "rows_done": ri.rows_done},
    )
    language = translation.get_language()
    spawn(lambda: import_run(ri.pk, path, resume=True, language=language))
    return True


def import_run(
    import_id: int, path: Path, *, resume: bool, language: str | None = None
) -> None:
    """The job: import the saved file into RollImport `import_id`; never raises.

    Errors the importer does not record itself are recorded here, so the import ends
    DONE or FAILED, never RUNNING. Reasons and warnings are stored in `language`, the
    uploader's (a new thread starts in the default one).
    """
    with _heartbeat(import_id), translation.override(language):
        try:
            ri = RollImport.objects.select_related("by").get(pk=import_id)
            roll_import(
                file=path,
                file_name=ri.file_name,
                by=ri.by,
                state=STATE,
                batch_size=BATCH_SIZE,
                resume=ri if resume else None,
                into=None if resume else ri,
            )
        except RollFileError:
            pass  # recorded on the RollImport by the importer
        except Exception as error:
            logger.exception("Roll import %s failed", import_id)
            _record_failure(import_id, error)
        finally:
            _record_failure(import_id, None)


def _record_failure(import_id: int, error: Exception | None) -> None:
    """Mark the import FAILED if it is still RUNNING (best effort: the database may be
    what failed)."""
    message = (
        _("The import stopped: %(error)s") % {"error": error}
        if error is not None
        else _("The import stopped unexpectedly.")
    )
    try:
        RollImport.objects.filter(
            pk=import_id, status=RollImport.Status.RUNNING
        ).update(
            status=RollImport.Status.FAILED,
            message=message,
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("Could not record the failure of roll import %s", import_id)


@contextmanager
def _heartbeat(import_id: int) -> Iterator[None]:
    path = _alive_path(import_id)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT):
            path.touch()

    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    beater = threading.Thread(target=beat, name="roll-import-heartbeat", daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join()
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------


def import_is_live(ri: RollImport) -> bool:
    """Whether a process is working on this import now (its heartbeat is fresh)."""
    try:
        beat = _alive_path(ri.pk).stat().st_mtime
    except FileNotFoundError:
        return False
    return time.time() - beat < STALE_AFTER


def import_state(ri: RollImport) -> str:
    """ "running", "interrupted", "done" or "failed".

    A RUNNING web import with no live heartbeat is "interrupted"; a RUNNING import
    from the command line is shown as running (this process cannot see that one).
    """
    if ri.status != RollImport.Status.RUNNING:
        return str(ri.status)
    if upload_path(ri) is None or import_is_live(ri):
        return "running"
    return "interrupted"


def import_resumable(ri: RollImport) -> bool:
    """An interrupted web import, or a failed one that had read its rows."""
    if upload_path(ri) is None:
        return False
    state = import_state(ri)
    return state == "interrupted" or (state == "failed" and ri.rows_total > 0)
