"""The printable walk list: one roll page of doors, a code per household, as PDF.

For workers without a smartphone: they tick the outcome and write support levels on
paper, and the booth enters it afterwards by the household's code
(`outreach:paper-entry`), which checks its letter against typing mistakes.
"""

from __future__ import annotations

from django.utils import timezone

from boothwise.core.pdf import render_pdf
from boothwise.geography.models import Part
from boothwise.outreach.models import Campaign, Visit
from boothwise.outreach.selectors import Door
from boothwise.outreach.services import page_range


def walk_list_pdf(
    *, campaign: Campaign, part: Part, page: int, doors: list[Door]
) -> bytes:
    first, last = page_range(page)
    context = {
        "campaign": campaign,
        "part": part,
        "page": page,
        "first": first,
        "last": last,
        "doors": doors,
        "outcomes": Visit.Outcome.choices,
        "printed": timezone.localtime(),
    }
    return render_pdf("outreach/walk_list_pdf.html", context)
