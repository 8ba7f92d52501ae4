"""Demo rolls: generated electors for every booth of AC 100 and AC 101.

`boothwise seed-demo` calls :func:`demo_rolls_load` after the organisation demo. The
rolls are synthetic (``boothwise/rolls/generator.py``: real name frequencies, households,
the dirt of real rolls) and are loaded with the real importer, so the import report,
the warnings and the search index are the ones a real roll gets. Then a newer roll of
the persona booth's part (101/1) is imported, so its revision list has electors added,
deleted and changed, and the booth president's door-to-door findings are recorded as
verification marks.

Size: :data:`SMALL_PER_PART` electors per part by default (about 55,000 per AC, loaded
in well under a minute); ``seed-demo --full-rolls`` uses :data:`FULL_PER_PART` (about
2 lakh per AC, as on the real rolls of Ajmer North and Ajmer South).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from boothwise.accounts.models import User
from boothwise.geography.models import Part
from boothwise.rolls.generator import COLUMNS, write_roll
from boothwise.rolls.importer import roll_import
from boothwise.rolls.models import RollImport, VerificationMark, Voter

DEMO_ACS = (100, 101)
SMALL_PER_PART = 300
FULL_PER_PART = 1100
REVISED_PART = (101, "1")  # the persona booth
_UUIDS = uuid.UUID("6f1d0c52-6c55-4d38-9d0f-2b7c1e0a9a11")


@dataclass
class DemoRolls:
    electors: int = 0
    parts: int = 0
    imports: list[RollImport] = field(default_factory=list)
    marks: int = 0


def demo_rolls_load(
    *,
    seed: int,
    per_part: int = SMALL_PER_PART,
    progress: Callable[[int, int], None] | None = None,
) -> DemoRolls:
    """Generate and import the demo rolls; returns what was loaded."""
    result = DemoRolls()
    for ac_no in DEMO_ACS:
        numbers = list(
            Part.objects.filter(ac__state__abbr="RJ", ac__number=ac_no)
            .order_by("number_int", "number")
            .values_list("number", flat=True)
        )
        if not numbers:
            continue
        out = io.StringIO()
        write_roll(
            out,
            seed=seed + ac_no,
            ac=ac_no,
            parts=len(numbers),
            per_part=per_part,
            part_numbers=numbers,
        )
        ri = roll_import(
            file=io.BytesIO(out.getvalue().encode()),
            file_name=f"demo-roll-ac{ac_no}.csv",
            by=None,
            batch_size=20_000,
            progress=progress,
        )
        result.imports.append(ri)
        result.electors += ri.created
        result.parts += len(numbers)
    revision = _revision(seed)
    if revision is not None:
        result.imports.append(revision)
    result.marks = _verification_marks()
    return result


def _revision(seed: int) -> RollImport | None:
    """A newer roll of the persona booth's part: 3 deleted, 2 changed, 4 added."""
    ac_no, number = REVISED_PART
    voters = list(
        Voter.objects.filter(
            ac__state__abbr="RJ", ac__number=ac_no, part__number=number
        ).order_by("serial_no")
    )
    if len(voters) < 60:
        return None
    deleted = {voters[4].serial_no, voters[16].serial_no, voters[41].serial_no}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for v in voters:
        if v.serial_no in deleted:
            continue
        row = _row(v)
        if v is voters[7]:
            row["age"] = str((v.age or 40) + 1)
        if v is voters[9]:
            row["house_no"] = f"{v.house_no}/1" if v.house_no else "1"
        writer.writerow(row)
    last = voters[-1]
    for offset, young in enumerate(voters[20:24], 1):
        row = _row(young)
        row.update(
            serial_no=str(last.serial_no + offset),
            epic_no=f"NEW{seed % 1000:03d}{offset:04d}",
            age="18",
            relation_type="F",
            relative_name=young.name,
            relative_name_en=young.name_en,
        )
        writer.writerow(row)
    return roll_import(
        file=io.BytesIO(out.getvalue().encode()),
        file_name=f"demo-roll-ac{ac_no}-part{number}-revision.csv",
        by=None,
    )


def _row(v: Voter) -> dict[str, str]:
    return {
        "ac_no": str(v.ac.number),
        "part_no": v.part.number,
        "section_no": "" if v.section_no is None else str(v.section_no),
        "serial_no": str(v.serial_no),
        "epic_no": v.epic_no,
        "name": v.name,
        "relation_type": v.relation_type,
        "relative_name": v.relative_name,
        "house_no": v.house_no,
        "age": "" if v.age is None else str(v.age),
        "gender": v.gender,
        "name_en": v.name_en,
        "relative_name_en": v.relative_name_en,
    }


def _verification_marks() -> int:
    """The booth president's findings at the door in the persona booth."""
    ac_no, number = REVISED_PART
    by = User.objects.filter(username="booth").first()
    if by is None:
        return 0
    voters = list(
        Voter.objects.filter(
            ac__state__abbr="RJ",
            ac__number=ac_no,
            part__number=number,
            status=Voter.Status.ON_ROLL,
        ).order_by("serial_no")[30:60]
    )
    kinds = (
        [VerificationMark.Kind.ABSENT] * 4
        + [VerificationMark.Kind.SHIFTED] * 3
        + [VerificationMark.Kind.DEAD] * 2
        + [VerificationMark.Kind.FOUND] * 2
    )
    notes = {
        VerificationMark.Kind.ABSENT: "घर पर ताला, पड़ोसी के अनुसार बाहर काम करते हैं",
        VerificationMark.Kind.SHIFTED: "परिवार जयपुर चला गया",
        VerificationMark.Kind.DEAD: "परिवार ने बताया",
        VerificationMark.Kind.FOUND: "",
    }
    now = timezone.now()
    marks = [
        VerificationMark(
            voter=voter,
            ac_id=voter.ac_id,
            part_id=voter.part_id,
            serial_no=voter.serial_no,
            kind=kind,
            note=notes[kind],
            by=by,
            at=now - timedelta(days=12 - i, hours=i),
            client_uuid=uuid.uuid5(_UUIDS, f"{voter.pk}:{kind}"),
        )
        for i, (voter, kind) in enumerate(zip(voters[::2], kinds, strict=False))
    ]
    with transaction.atomic():
        VerificationMark.objects.bulk_create(marks, ignore_conflicts=True)
    return len(marks)
