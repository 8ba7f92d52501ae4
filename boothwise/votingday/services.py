"""Writes of polling day: marks, their undoing, and official turnout entries."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from boothwise.accounts.access import scope_for, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.geography.models import Part
from boothwise.rolls.models import Voter
from boothwise.votingday.models import (
    Incident,
    IncidentAction,
    MarkUndo,
    Nudge,
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
    already marked answers with the standing mark and writes nothing.
    """
    if len(items) > MAX_BATCH:
        raise ValidationError(
            _("Send at most %(n)d marks at a time.") % {"n": MAX_BATCH}
        )
    sources = set(VotedMark.Source.values)
    scope = scope_for(by, MARK)
    keys = {(i.part_id, i.serial_no) for i in items}
    voters: dict[tuple[int, int], Voter] = {}
    if keys and not scope.is_empty:
        part_ids = {p for p, _s in keys}
        serials = {s for _p, s in keys}
        candidates = visible(
            by,
            MARK,
            Voter.objects.filter(
                part_id__in=part_ids,
                serial_no__in=serials,
                status=Voter.Status.ON_ROLL,
            ).order_by(),
        )
        voters = {(v.part_id, v.serial_no): v for v in candidates}
    now = timezone.now()
    with transaction.atomic():
        known = _marks_by_uuid([i.client_uuid for i in items])
        fresh: list[VotedMark] = []
        errors: dict[uuid.UUID, str] = {}
        for item in items:
            if item.client_uuid in known or any(
                m.client_uuid == item.client_uuid for m in fresh
            ):
                continue
            voter = voters.get((item.part_id, item.serial_no))
            if voter is None:
                errors[item.client_uuid] = _(
                    "Serial %(n)d is not on the roll of a booth you may mark."
                ) % {"n": item.serial_no}
            elif item.source not in sources:
                errors[item.client_uuid] = _("Unknown source.")
            elif item.entered_at > now + datetime.timedelta(minutes=5):
                errors[item.client_uuid] = _("The entry time is in the future.")
            else:
                fresh.append(
                    VotedMark(
                        voter=voter,
                        ac_id=voter.ac_id,
                        part_id=voter.part_id,
                        serial_no=voter.serial_no,
                        source=item.source,
                        by=by,
                        device=item.device[:64],
                        entered_at=item.entered_at,
                        client_uuid=item.client_uuid,
                    )
                )
        # A second mark of a marked elector conflicts with `mark_one_standing` and is
        # skipped, like a replayed uuid.
        VotedMark.objects.bulk_create(fresh, ignore_conflicts=True)
        known = _marks_by_uuid([i.client_uuid for i in items])
        standing = {
            m.voter_id: m
            for m in VotedMark.objects.filter(
                voter_id__in=[v.pk for v in voters.values()], undone=False
            )
        }
    results = []
    for item in items:
        voter = voters.get((item.part_id, item.serial_no))
        name = voter.name if voter else ""
        mark = known.get(item.client_uuid)
        if mark is not None:
            if mark.by_id != by.pk:
                results.append(
                    MarkResult(
                        item.client_uuid,
                        "rejected",
                        None,
                        item.serial_no,
                        "",
                        error=_("Not found."),
                    )
                )
            else:
                results.append(
                    MarkResult(
                        item.client_uuid, "accepted", mark.pk, item.serial_no, name
                    )
                )
        elif voter is not None and voter.pk in standing:
            results.append(
                MarkResult(
                    item.client_uuid,
                    "accepted",
                    standing[voter.pk].pk,
                    item.serial_no,
                    name,
                    already=True,
                )
            )
        else:
            error = errors.get(item.client_uuid) or _("Not found.")
            results.append(
                MarkResult(
                    item.client_uuid, "rejected", None, item.serial_no, error=error
                )
            )
    return results


def _marks_by_uuid(uuids: list[uuid.UUID]) -> dict[uuid.UUID, VotedMark]:
    return {m.client_uuid: m for m in VotedMark.objects.filter(client_uuid__in=uuids)}


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
    return undo


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
