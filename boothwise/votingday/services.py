"""Writes of polling day: marks, their undoing, and official turnout entries."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from boothwise.accounts.access import scope_for, visible, voter_scope_sql
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.rawsql import prepared_cursor, quote
from boothwise.geography.models import Part
from boothwise.rolls.models import Voter
from boothwise.votingday.models import (
    BoothTally,
    Incident,
    IncidentAction,
    MarkUndo,
    Nudge,
    PollSupporter,
    TurnoutEntry,
    VotedMark,
)

MARK = Action.MARK_VOTED
SUPERVISE = Action.MANAGE_POSTS
MAX_BATCH = 100
MAX_RANGE = 200

_SERIALS_RE = re.compile(r"^\s*\d+(\s*-\s*\d+)?([\s,]+\d+(\s*-\s*\d+)?)*[\s,]*$")


def parse_serials(text: str) -> list[int] | None:
    """`12 15 16 30-34` → [12, 15, 16, 30, 31, 32, 33, 34]; None if not serials.

    Order is kept, repeats dropped. A range may not span more than MAX_RANGE serials.
    """
    if not _SERIALS_RE.match(text):
        return None
    serials: list[int] = []
    for token in re.findall(r"\d+\s*-\s*\d+|\d+", text):
        if "-" in token:
            low, high = (int(x) for x in token.split("-"))
            if high < low or high - low >= MAX_RANGE:
                raise ValidationError(
                    _("%(range)s is not a range of serial numbers.")
                    % {"range": token.replace(" ", "")}
                )
            numbers = range(low, high + 1)
        else:
            numbers = range(int(token), int(token) + 1)
        for n in numbers:
            if n not in serials:
                serials.append(n)
    return serials


@dataclass(frozen=True)
class MarkIn:
    client_uuid: uuid.UUID
    part_id: int
    serial_no: int
    source: str
    entered_at: datetime.datetime
    device: str = ""


@dataclass(frozen=True)
class MarkResult:
    client_uuid: uuid.UUID
    status: str  # "accepted" | "rejected"
    mark_id: int | None
    serial_no: int
    name: str = ""
    # True when the elector already had a standing mark from another entry.
    already: bool = False
    error: str = ""


def marks_record(*, by: User, items: Sequence[MarkIn]) -> list[MarkResult]:
    """Store a batch of marks; answer item by item, in order.

    A mark is accepted only for an elector on the roll whom `by` may mark (MARK_VOTED).
    A known `client_uuid` answers as the first time and writes nothing; an elector
    already marked answers with the standing mark and writes nothing. The booths'
    tallies move in the same transaction as the marks.

    This is polling day's hottest path. On PostgreSQL one prepared statement finds
    the electors, stores the marks and moves the tallies (`_record_pg`); SQLite does
    the same in a transaction (`_record_in_transaction`). Only replays and
    already-marked electors cost a look at the marks that stand.
    """
    if len(items) > MAX_BATCH:
        raise ValidationError(
            _("Send at most %(n)d marks at a time.") % {"n": MAX_BATCH}
        )
    sources = set(VotedMark.Source.values)
    late = timezone.now() + datetime.timedelta(minutes=5)
    unique: dict[uuid.UUID, MarkIn] = {}
    for item in items:
        unique.setdefault(item.client_uuid, item)
    # Why an item may not be stored whoever its elector is; "" when it may.
    problems = {uid: _problem(item, sources, late) for uid, item in unique.items()}
    if connection.vendor == "postgresql":
        voters, stored = _record_pg(by, list(unique.values()), problems)
    else:
        voters, stored = _record_in_transaction(by, unique, problems)
    # A replayed uuid, or a second mark of a marked elector (`mark_one_standing`),
    # conflicted and was skipped: answer with the mark that stands.
    others = [uid for uid in unique if uid not in stored]
    known = _marks_by_uuid(others) if others else {}
    standing: dict[int, int] = {}
    if len(known) < len(others):
        standing = dict(
            VotedMark.objects.filter(
                voter_id__in=[v.pk for v in voters.values()], undone=False
            ).values_list("voter_id", "pk")
        )
    return [
        _result(
            by,
            item,
            voters.get((item.part_id, item.serial_no)),
            problems[item.client_uuid],
            stored,
            known,
            standing,
        )
        for item in items
    ]


def _problem(item: MarkIn, sources: set[str], late: datetime.datetime) -> str:
    if item.source not in sources:
        return _("Unknown source.")
    if item.entered_at > late:
        return _("The entry time is in the future.")
    return ""


def _result(
    by: User,
    item: MarkIn,
    voter: _Markable | None,
    problem: str,
    stored: dict[uuid.UUID, int],
    known: dict[uuid.UUID, VotedMark],
    standing: dict[int, int],
) -> MarkResult:
    """The answer to one item of a batch (see `marks_record`)."""
    uid = item.client_uuid
    name = voter.name if voter else ""
    mark = known.get(uid)
    if uid in stored:
        return MarkResult(uid, "accepted", stored[uid], item.serial_no, name)
    if mark is not None:
        if mark.by_id != by.pk:
            return MarkResult(
                uid, "rejected", None, item.serial_no, error=_("Not found.")
            )
        return MarkResult(uid, "accepted", mark.pk, item.serial_no, name)
    if voter is None:
        error = _("Serial %(n)d is not on the roll of a booth you may mark.") % {
            "n": item.serial_no
        }
    elif problem:
        error = problem
    elif voter.pk in standing:
        return MarkResult(
            uid, "accepted", standing[voter.pk], item.serial_no, name, already=True
        )
    else:
        error = _("Not found.")
    return MarkResult(uid, "rejected", None, item.serial_no, error=error)


@transaction.atomic
def _record_in_transaction(
    by: User, unique: dict[uuid.UUID, MarkIn], problems: dict[uuid.UUID, str]
) -> tuple[dict[tuple[int, int], _Markable], dict[uuid.UUID, int]]:
    """`_record_pg` for SQLite: the electors, one INSERT … ON CONFLICT DO NOTHING
    RETURNING and one tally UPDATE per booth, in one transaction."""
    voters = _markable(by, {(i.part_id, i.serial_no) for i in unique.values()})
    fresh = [
        _new_mark(by, voter, item)
        for uid, item in unique.items()
        if not problems[uid]
        and (voter := voters.get((item.part_id, item.serial_no))) is not None
    ]
    stored = _insert_ignoring_conflicts(fresh)
    _tally_add([m for m in fresh if m.client_uuid in stored], voters)
    return voters, stored


def _new_mark(by: User, voter: _Markable, item: MarkIn) -> VotedMark:
    return VotedMark(
        voter_id=voter.pk,
        ac_id=voter.ac_id,
        part_id=voter.part_id,
        serial_no=voter.serial_no,
        source=item.source,
        by=by,
        device=item.device[:64],
        entered_at=item.entered_at,
        client_uuid=item.client_uuid,
    )


def _marks_by_uuid(uuids: list[uuid.UUID]) -> dict[uuid.UUID, VotedMark]:
    return {m.client_uuid: m for m in VotedMark.objects.filter(client_uuid__in=uuids)}


@dataclass(frozen=True)
class _Markable:
    pk: int
    ac_id: int
    part_id: int
    serial_no: int
    name: str
    supporter: bool


def _markable(by: User, keys: set[tuple[int, int]]) -> dict[tuple[int, int], _Markable]:
    """(part, serial) → the elector on the roll there whom `by` may mark."""
    if not keys:
        return {}
    rows = visible(
        by,
        MARK,
        Voter.objects.filter(
            part_id__in={p for p, _s in keys},
            serial_no__in={s for _p, s in keys},
            status=Voter.Status.ON_ROLL,
        ).order_by(),
    ).values_list(
        "pk",
        "ac_id",
        "part_id",
        "serial_no",
        "name",
        Exists(PollSupporter.objects.filter(voter_id=OuterRef("pk"))),
    )
    found = {(r[2], r[3]): _Markable(*r) for r in rows}
    return {key: voter for key, voter in found.items() if key in keys}


_INSERT_FIELDS = [f for f in VotedMark._meta.concrete_fields if not f.primary_key]


def _db_value(mark: VotedMark, field: Any) -> Any:
    return field.get_db_prep_save(field.pre_save(mark, add=True), connection)


def _insert_sql(marks: list[VotedMark], returning: str) -> tuple[str, list[Any]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING for the marks, and its parameters."""
    columns = ", ".join(quote(f.column) for f in _INSERT_FIELDS)
    row = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
    params = [_db_value(mark, field) for mark in marks for field in _INSERT_FIELDS]
    sql = (
        f"INSERT INTO {quote(VotedMark._meta.db_table)} ({columns}) "
        f"VALUES {', '.join([row] * len(marks))} "
        f"ON CONFLICT DO NOTHING RETURNING {returning}"
    )
    return sql, params


def _insert_ignoring_conflicts(marks: list[VotedMark]) -> dict[uuid.UUID, int]:
    """INSERT the marks, skipping any that conflict; client uuid → id of those stored.

    Django's bulk_create(ignore_conflicts=True) cannot say which rows went in, so this
    is raw SQL (PostgreSQL and SQLite ≥ 3.35 both RETURN).
    """
    if not marks:
        return {}
    sql, params = _insert_sql(marks, "id, client_uuid")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            uuid.UUID(str(client_uuid)): mark_id
            for mark_id, client_uuid in cursor.fetchall()
        }


def _record_pg(
    by: User, items: list[MarkIn], problems: dict[uuid.UUID, str]
) -> tuple[dict[tuple[int, int], _Markable], dict[uuid.UUID, int]]:
    """PostgreSQL's whole batch in one prepared statement, atomic by itself: the
    electors `by` may mark (the access layer's `voter_scope_sql`), the valid items'
    marks (INSERT … ON CONFLICT DO NOTHING) and the move of their booths' tallies;
    the same as `_record_in_transaction` on SQLite.
    Returns the electors found and client uuid → id of the marks stored.

    The batch goes up as one JSON parameter, which the server unpacks faster than the
    driver adapts arrays. Marks and tallies are written in elector and booth order,
    so concurrent batches never wait on each other in a circle.
    """
    scope = scope_for(by, MARK)
    if not items or scope.is_empty:
        return {}, {}
    where, params = voter_scope_sql(scope, "v")
    batch = json.dumps(
        [
            [
                str(i.client_uuid),
                i.part_id,
                i.serial_no,
                i.source,
                i.entered_at.isoformat(),
                i.device[:64],
                not problems[i.client_uuid],
            ]
            for i in items
        ]
    )
    with prepared_cursor() as cursor:
        cursor.execute(
            _record_sql(where),
            [batch, Voter.Status.ON_ROLL.value, *params, by.pk],
        )
        rows = cursor.fetchall()
    voters = {}
    stored = {}
    for uid, voter_id, ac_id, part_id, serial, name, supporter, mark_id in rows:
        voters[(part_id, serial)] = _Markable(
            voter_id, ac_id, part_id, serial, name, supporter
        )
        if mark_id is not None:
            stored[uid] = mark_id
    return voters, stored


@functools.cache
def _record_sql(where: str) -> str:
    """The statement of `_record_pg` for one shape of scope condition on ``v``."""
    marks = quote(VotedMark._meta.db_table)
    tally = quote(BoothTally._meta.db_table)
    return (
        "WITH i AS MATERIALIZED (SELECT x->>0 AS client_uuid, (x->>1)::bigint AS "
        "part_id, (x->>2)::integer AS serial_no, x->>3 AS source, "
        "(x->>4)::timestamptz AS entered_at, x->>5 AS device, (x->>6)::boolean AS ok "
        "FROM json_array_elements(%s::json) x), "
        "e AS MATERIALIZED (SELECT i.*, v.id AS voter_id, v.ac_id, v.name, "
        f"EXISTS (SELECT 1 FROM {quote(PollSupporter._meta.db_table)} s "
        "WHERE s.voter_id = v.id) AS supporter "
        f"FROM i JOIN {quote(Voter._meta.db_table)} v "
        "ON v.part_id = i.part_id AND v.serial_no = i.serial_no "
        f"WHERE v.status = %s AND {where}), "
        f"ins AS (INSERT INTO {marks} (voter_id, ac_id, part_id, serial_no, source, "
        "by_id, device, entered_at, received_at, client_uuid, undone) "
        "SELECT voter_id, ac_id, part_id, serial_no, source, %s, device, entered_at, "
        "now(), client_uuid::uuid, false FROM e WHERE ok ORDER BY voter_id "
        "ON CONFLICT DO NOTHING RETURNING id, client_uuid), "
        "sums AS (SELECT e.part_id, e.ac_id, count(*) AS n, "
        "count(*) FILTER (WHERE e.supporter) AS sup, max(e.entered_at) AS last "
        "FROM ins JOIN e ON e.client_uuid::uuid = ins.client_uuid "
        "GROUP BY e.part_id, e.ac_id ORDER BY e.part_id), "
        f"moved AS (INSERT INTO {tally} (part_id, ac_id, electors, supporters, "
        "marked, supporters_voted, last_mark_at) "
        "SELECT part_id, ac_id, 0, 0, n, sup, last FROM sums "
        "ON CONFLICT (part_id) DO UPDATE SET "
        f"marked = {tally}.marked + EXCLUDED.marked, "
        f"supporters_voted = {tally}.supporters_voted + EXCLUDED.supporters_voted, "
        f"last_mark_at = GREATEST({tally}.last_mark_at, EXCLUDED.last_mark_at) "
        "RETURNING 1) "
        # The INSERTs in WITH run whole whether or not anything reads them.
        "SELECT e.client_uuid::uuid, e.voter_id, e.ac_id, e.part_id, e.serial_no, "
        "e.name, e.supporter, ins.id FROM e "
        "LEFT JOIN ins ON ins.client_uuid = e.client_uuid::uuid"
    )


def _tally_add(
    marks: list[VotedMark], voters: dict[tuple[int, int], _Markable]
) -> None:
    """Move the booths' tallies by the marks just stored (in the caller's transaction).

    Booths are updated in id order so concurrent batches never wait on each other in
    a circle.
    """
    by_part: dict[int, list[VotedMark]] = {}
    for mark in marks:
        by_part.setdefault(mark.part_id, []).append(mark)
    for part_id in sorted(by_part):
        group = by_part[part_id]
        supporters = sum(1 for m in group if voters[(m.part_id, m.serial_no)].supporter)
        _tally_move(
            part_id,
            group[0].ac_id,
            len(group),
            supporters,
            max(m.entered_at for m in group),
        )


def _tally_move(
    part_id: int,
    ac_id: int,
    marked: int,
    supporters: int,
    latest: datetime.datetime | None,
) -> None:
    changes: dict[str, object] = {
        "marked": F("marked") + marked,
        "supporters_voted": F("supporters_voted") + supporters,
    }
    if latest is not None:
        changes["last_mark_at"] = Case(
            When(
                Q(last_mark_at__isnull=True) | Q(last_mark_at__lt=latest),
                then=Value(latest),
            ),
            default=F("last_mark_at"),
        )
    if BoothTally.objects.filter(part_id=part_id).update(**changes):
        return
    # The booth's first mark: a row not yet counted (the war room counts it).
    BoothTally.objects.bulk_create(
        [BoothTally(part_id=part_id, ac_id=ac_id)], ignore_conflicts=True
    )
    BoothTally.objects.filter(part_id=part_id).update(**changes)


def mark_undo(*, by: User, mark_id: int, reason: str) -> MarkUndo:
    """Undo a standing mark. Only a supervisor of the booth (MANAGE_POSTS there)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the undo."))
    with transaction.atomic():
        mark = (
            visible(by, SUPERVISE, VotedMark.objects.select_for_update())
            .filter(pk=mark_id, undone=False)
            .first()
        )
        if mark is None:
            raise VotedMark.DoesNotExist
        undo = MarkUndo.objects.create(mark=mark, by=by, reason=reason[:300])
        VotedMark.objects.filter(pk=mark.pk).update(undone=True)
        supporter = PollSupporter.objects.filter(voter_id=mark.voter_id).exists()
        _tally_move(mark.part_id, mark.ac_id, -1, -int(supporter), None)
    return undo


def tally_count(part_ids: Sequence[int]) -> int:
    """Count the booths afresh: electors on the roll, supporters (latest outreach
    support 4–5, kept as PollSupporter rows), and their marks. The caller checked
    access. Each booth's tally row is locked first, so marks arriving meanwhile are
    either counted here or added after; nothing is counted twice. Returns booths done.
    """
    from boothwise.outreach.models import Answer, Question
    from boothwise.votingday.selectors import newest_support

    ids = sorted(set(part_ids))
    done = 0
    for start in range(0, len(ids), 50):
        chunk = ids[start : start + 50]
        with transaction.atomic():
            acs = dict(Part.objects.filter(pk__in=chunk).values_list("pk", "ac_id"))
            BoothTally.objects.bulk_create(
                [BoothTally(part_id=p, ac_id=acs[p]) for p in chunk if p in acs],
                ignore_conflicts=True,
            )
            list(
                BoothTally.objects.select_for_update()
                .filter(part_id__in=chunk)
                .order_by("part_id")
                .values_list("pk", flat=True)
            )
            electors = dict(
                Voter.objects.filter(part_id__in=chunk, status=Voter.Status.ON_ROLL)
                .order_by()
                .values("part_id")
                .annotate(n=Count("id"))
                .values_list("part_id", "n")
            )
            latest = newest_support(
                Answer.objects.filter(
                    part_id__in=chunk,
                    kind=Question.Kind.SUPPORT,
                    voter__isnull=False,
                    voter__status=Voter.Status.ON_ROLL,
                ),
                "ac_id",
                "part_id",
                "serial_no",
            )
            PollSupporter.objects.filter(part_id__in=chunk).delete()
            PollSupporter.objects.bulk_create(
                PollSupporter(
                    voter_id=voter_id,
                    ac_id=ac_id,
                    part_id=part_id,
                    serial_no=serial_no,
                    level=level,
                )
                for voter_id, (level, ac_id, part_id, serial_no) in latest.items()
                if level >= 4
            )
            supporters = dict(
                PollSupporter.objects.filter(part_id__in=chunk)
                .order_by()
                .values("part_id")
                .annotate(n=Count("id"))
                .values_list("part_id", "n")
            )
            marks = {
                row["part_id"]: row
                for row in VotedMark.objects.filter(part_id__in=chunk, undone=False)
                .order_by()
                .values("part_id")
                .annotate(
                    n=Count("id"),
                    last=Max("entered_at"),
                    supporters=Count(
                        "id",
                        filter=Q(
                            Exists(
                                PollSupporter.objects.filter(
                                    voter_id=OuterRef("voter_id")
                                )
                            )
                        ),
                    ),
                )
            }
            now = timezone.now()
            for part_id in chunk:
                if part_id not in acs:
                    continue
                row = marks.get(part_id, {})
                BoothTally.objects.filter(part_id=part_id).update(
                    electors=electors.get(part_id, 0),
                    supporters=supporters.get(part_id, 0),
                    marked=row.get("n", 0),
                    supporters_voted=row.get("supporters", 0),
                    last_mark_at=row.get("last"),
                    counted_at=now,
                )
                done += 1
    return done


def past_turnout_load(*, ac_id: int, text: str) -> int:
    """Set the booths' turnout at the last comparable election from CSV text with the
    columns `part_no,turnout_percent` (a header row, then one row per booth). All or
    nothing: any bad row raises ValidationError naming its line. Returns booths set."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or {"part_no", "turnout_percent"} - {
        name.strip() for name in reader.fieldnames
    }:
        raise ValidationError(
            _("The file needs the columns part_no and turnout_percent.")
        )
    parts = dict(Part.objects.filter(ac_id=ac_id).values_list("number", "pk"))
    values: dict[int, Decimal] = {}
    problems = []
    for line, row in enumerate(reader, start=2):
        number = (row.get("part_no") or "").strip()
        try:
            percent = Decimal((row.get("turnout_percent") or "").strip())
        except ArithmeticError:
            percent = Decimal(-1)
        if number not in parts:
            problems.append(
                _("Line %(line)d: there is no part %(part)s in this AC.")
                % {"line": line, "part": number}
            )
        elif not Decimal(0) <= percent <= Decimal(100):
            problems.append(
                _("Line %(line)d: the turnout must be a percentage from 0 to 100.")
                % {"line": line}
            )
        else:
            values[parts[number]] = percent.quantize(Decimal("0.1"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        BoothTally.objects.bulk_create(
            [BoothTally(part_id=p, ac_id=ac_id) for p in values],
            ignore_conflicts=True,
        )
        for part_id, percent in values.items():
            BoothTally.objects.filter(part_id=part_id).update(past_turnout=percent)
    return len(values)


def turnout_enter(*, by: User, part: Part, slot: int, count: int) -> TurnoutEntry:
    """Record one entry of the official turnout; the caller has checked access."""
    if slot not in TurnoutEntry.Slot.values:
        raise ValidationError(_("Unknown time slot."))
    electors = Voter.objects.filter(part=part, status=Voter.Status.ON_ROLL).count()
    if count > electors:
        raise ValidationError(
            _("%(count)d is more than the %(electors)d electors of the booth.")
            % {"count": count, "electors": electors}
        )
    from boothwise.votingday.selectors import turnout_accepted

    accepted = turnout_accepted(part)
    for earlier, figure in accepted.items():
        if earlier < slot and count < figure:
            raise ValidationError(
                _("%(count)d is lower than the %(figure)d already accepted earlier.")
                % {"count": count, "figure": figure}
            )
        if earlier > slot and count > figure:
            raise ValidationError(
                _("%(count)d is higher than the %(figure)d already accepted later.")
                % {"count": count, "figure": figure}
            )
    return TurnoutEntry.objects.create(
        ac_id=part.ac_id, part=part, slot=slot, count=count, entered_by=by
    )


def nudge_record(*, by: User, part: Part, serial_no: int, kind: str) -> Nudge:
    """Note that a supporter was reminded or is on the way (MARK_VOTED over them)."""
    if kind not in Nudge.Kind.values:
        raise ValidationError(_("Unknown note."))
    voter = (
        visible(by, MARK, Voter.objects.filter(ac_id=part.ac_id, part=part))
        .filter(serial_no=serial_no)
        .first()
    )
    if voter is None:
        raise Voter.DoesNotExist
    return Nudge.objects.create(
        voter=voter,
        ac_id=voter.ac_id,
        part_id=voter.part_id,
        serial_no=voter.serial_no,
        kind=kind,
        by=by,
    )


REPORT = Action.REPORT_INCIDENT
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def photo_dir() -> Path:
    return Path(settings.DATA_DIR) / "incidents"


def _save_photo(upload: UploadedFile) -> str:
    """Check that the upload is a picture and keep it under DATA_DIR; its file name."""
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo must be smaller than 8 MB."))
    try:
        with Image.open(upload) as image:
            image.verify()
            extension = PHOTO_FORMATS.get(image.format or "")
    except (OSError, SyntaxError, ValueError):
        extension = None
    if extension is None:
        raise ValidationError(_("The photo must be a JPEG, PNG or WebP picture."))
    name = f"{uuid.uuid4().hex}.{extension}"
    photo_dir().mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with open(photo_dir() / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def incident_report(
    *,
    by: User,
    part: Part,
    kind: str,
    severity: int,
    note: str = "",
    photo: UploadedFile | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Incident:
    """Record an incident at `part`; the caller has checked REPORT_INCIDENT there."""
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Share both coordinates of the location, or neither."))
    name = _save_photo(photo) if photo is not None else ""
    return Incident.objects.create(
        ac_id=part.ac_id,
        part=part,
        kind=kind,
        severity=severity,
        note=note,
        photo=name,
        latitude=latitude,
        longitude=longitude,
        reported_by=by,
    )


def incident_act(
    *, by: User, incident: Incident, note: str, closes: bool = False
) -> IncidentAction:
    """Record what was done; closing is the last action. The caller checked access."""
    note = note.strip()
    if not note:
        raise ValidationError(_("Say what was done."))
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("This incident is closed."))
        action = IncidentAction.objects.create(
            incident=locked, by=by, note=note, closes=closes
        )
        if closes:
            Incident.objects.filter(pk=locked.pk).update(closed_at=action.at)
    return action
