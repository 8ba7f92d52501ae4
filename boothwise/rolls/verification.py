"""Record what a booth team found at an elector's door: absent, shifted, dead or found.

Marks are field data: append-only, each carrying the client's `client_uuid`, so a form
sent twice or an offline outbox replaying a request writes one mark. Callers check
access first (`selectors.access_voter(..., action=Action.VERIFY_ROLL)`), as for every
service.
"""

from __future__ import annotations

import datetime
import re
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.accounts.models import User
from boothwise.rolls.models import VerificationMark, Voter

# Twelve digits, optionally in groups of four: what an Aadhaar number looks like.
AADHAAR_LIKE = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")
# Phones' clocks drift; a mark from further in the future than this is refused.
CLOCK_SLACK = datetime.timedelta(minutes=10)


def note_check(note: str) -> str:
    """The note, trimmed; refused when it looks like it holds an Aadhaar number."""
    note = " ".join(note.split())
    if AADHAAR_LIKE.search(note):
        raise ValidationError(
            _(
                "The note looks like an Aadhaar number. boothwise never stores "
                "Aadhaar numbers: remove it."
            )
        )
    return note


def verification_mark(
    *,
    by: User,
    voter: Voter,
    kind: str,
    client_uuid: uuid.UUID,
    note: str = "",
    at: datetime.datetime | None = None,
) -> tuple[VerificationMark, bool]:
    """Append a verification mark; returns (mark, created).

    Safe to replay: a `client_uuid` already stored returns that mark with
    created=False, and nothing is written. The same uuid for another elector is an
    error (a form reused by mistake), not a silent success.
    """
    if kind not in VerificationMark.Kind.values:
        raise ValidationError(_("Unknown finding %(kind)s.") % {"kind": kind})
    note = note_check(note)
    now = timezone.now()
    if at is not None and at > now + CLOCK_SLACK:
        raise ValidationError(_("The time of the mark is in the future."))
    existing = _replayed(client_uuid, voter)
    if existing is not None:
        return existing, False
    mark = VerificationMark(
        voter=voter,
        ac_id=voter.ac_id,
        part_id=voter.part_id,
        serial_no=voter.serial_no,
        kind=kind,
        note=note,
        by=by,
        at=at or now,
        client_uuid=client_uuid,
    )
    mark.full_clean(exclude=["client_uuid"])
    try:
        with transaction.atomic():
            mark.save()
    except IntegrityError:
        # The same request, sent twice at once: the other one won.
        existing = _replayed(client_uuid, voter)
        if existing is None:
            raise
        return existing, False
    return mark, True


def _replayed(client_uuid: uuid.UUID, voter: Voter) -> VerificationMark | None:
    existing = VerificationMark.objects.filter(client_uuid=client_uuid).first()
    if existing is not None and existing.voter_id != voter.pk:
        raise ValidationError(
            _("This form was already used for another elector. Reload the page.")
        )
    return existing
