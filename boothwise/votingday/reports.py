"""After the poll: one booth's report, and voter slips for its supporters.

The report puts the party's marks per hour (7:00–18:00) beside the presiding officer's
accepted figures, lists the supporters (latest support 4–5) who did not vote by
household, and the booth's incidents with what was done about them. Every read goes
through accounts/access.py with the action the caller was let in by (MARK_VOTED or
VIEW_WAR_ROOM for the page, EXPORT for the downloads), so a page in-charge's report
covers her page and an outsider's covers nothing.

Voter slips carry the elector's and the polling station's particulars and nothing that
names the party (DESIGN.md, "Law and ethics"): no party name, site name, logo, symbol
or party colour, on the page or in the PDF's metadata.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from boothwise.accounts.access import visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.pdf import render_pdf
from boothwise.geography.models import Part
from boothwise.rolls.models import Voter
from boothwise.rolls.phonetic import transliterate
from boothwise.votingday import selectors
from boothwise.votingday.models import Incident, IncidentAction, VotedMark

POLL_OPENS, POLL_CLOSES = 7, 18
SUPPORTER = 4  # the lowest support level (1–5) counted as a supporter
SLIPS_PER_PAGE = 8  # two columns of four on A4


# The search transliteration keeps vowel length (siimaa) and writes the anusvara before
# k and g as "ng" (angkit); names are printed the common way: Sima, Ankit.
_PRINTED_SPELLING = (
    (re.compile(r"([aiu])\1"), r"\1"),
    (re.compile(r"ng(?=[kg])"), "n"),
)


def latin(name: str, name_en: str) -> str:
    """The name in Latin letters: the roll's own, else a transliteration of the
    Devanagari (the roll often has only one script)."""
    if name_en:
        return name_en
    if not any("\u0900" <= ch <= "\u097f" for ch in name):
        return ""
    text = transliterate(name)
    for pattern, replacement in _PRINTED_SPELLING:
        text = pattern.sub(replacement, text)
    return text.title()


@dataclass
class HourRow:
    hour: int  # the hour the row starts at, 7 for 7:00–8:00
    marks: int
    cumulative: int
    # The presiding officer's accepted figure read at the end of this hour, if any.
    official: int | None = None

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00–{self.hour + 1:02d}:00"

    @property
    def short_label(self) -> str:
        """For a phone's width: 07‑08, with a hyphen that does not break the line."""
        return f"{self.hour:02d}\u2011{self.hour + 1:02d}"

    @property
    def gap(self) -> int | None:
        return None if self.official is None else self.official - self.cumulative


@dataclass
class SupporterRow:
    voter: Voter
    support: int

    @property
    def name_latin(self) -> str:
        return latin(self.voter.name, self.voter.name_en)


@dataclass
class HouseholdRows:
    house_no: str
    supporters: list[SupporterRow] = field(default_factory=list)


@dataclass
class BoothReport:
    part: Part
    day: datetime.date
    electors: int
    marked: int
    hours: list[HourRow]
    early: int  # standing marks entered before 7:00 of the day
    late: int  # entered after 18:00: marks arrive late, in batches
    official_close: int | None
    supporters: int
    supporters_voted: int
    households: list[HouseholdRows]
    incidents: list[Incident]
    generated: datetime.datetime

    @property
    def percent(self) -> float:
        return round(100 * self.marked / self.electors, 1) if self.electors else 0.0

    @property
    def not_voted(self) -> int:
        return sum(len(h.supporters) for h in self.households)

    @property
    def close_gap(self) -> int | None:
        if self.official_close is None:
            return None
        return self.official_close - self.marked

    @property
    def open_incidents(self) -> int:
        return sum(1 for i in self.incidents if i.closed_at is None)


def poll_day(user: User, part: Part, action: Action) -> datetime.date:
    """The day of the booth's latest mark within scope, else today."""
    latest = selectors.latest_mark_at(user, part, action)
    return timezone.localtime(latest).date() if latest else timezone.localdate()


def _standing_marks(user: User, part: Part, action: Action) -> QuerySet[VotedMark]:
    return visible(
        user,
        action,
        VotedMark.objects.filter(ac_id=part.ac_id, part=part, undone=False),
    )


def _hours(
    times: list[datetime.datetime], day: datetime.date, official: dict[int, int]
) -> tuple[list[HourRow], int, int]:
    """Marks per hour of polling on `day`, cumulative; and the marks before and after."""
    per_hour = dict.fromkeys(range(POLL_OPENS, POLL_CLOSES), 0)
    early = late = 0
    for moment in times:
        local = timezone.localtime(moment)
        if (local.date(), local.hour) < (day, POLL_OPENS):
            early += 1
        elif (local.date(), local.hour) >= (day, POLL_CLOSES):
            late += 1
        else:
            per_hour[local.hour] += 1
    rows, running = [], early
    for hour, count in per_hour.items():
        running += count
        rows.append(HourRow(hour, count, running, official.get(hour + 1)))
    return rows, early, late


def _supporter_voters(
    user: User, part: Part, action: Action, ids: Any
) -> QuerySet[Voter]:
    return (
        visible(
            user,
            action,
            Voter.objects.filter(
                ac_id=part.ac_id, part=part, pk__in=ids, status=Voter.Status.ON_ROLL
            ),
        )
        .select_related("household")
        .order_by("serial_no")
    )


def _by_household(rows: list[SupporterRow]) -> list[HouseholdRows]:
    """Rows grouped by household, in the order of each household's first serial."""
    groups: dict[object, HouseholdRows] = {}
    for row in rows:
        voter = row.voter
        key = voter.household_id or ("serial", voter.serial_no)
        house = voter.household.house_no if voter.household else voter.house_no
        groups.setdefault(key, HouseholdRows(house)).supporters.append(row)
    return list(groups.values())


def booth_incidents(user: User, part: Part) -> list[Incident]:
    """The booth's incidents, oldest first, each with its actions (`action_list`)."""
    actions = IncidentAction.objects.select_related("by").order_by("at", "id")
    return list(
        selectors.incidents_visible(user)
        .filter(part=part)
        .prefetch_related(Prefetch("actions", queryset=actions, to_attr="action_list"))
        .order_by("reported_at", "id")
    )


def booth_report(user: User, part: Part, action: Action) -> BoothReport:
    """The after-poll report of `part` as `user` may see it under `action`."""
    day = poll_day(user, part, action)
    marks = list(
        _standing_marks(user, part, action).values_list("voter_id", "entered_at")
    )
    official = selectors.turnout_accepted(part)
    hours, early, late = _hours([at for _, at in marks], day, official)
    levels = {
        v: s
        for v, s in selectors.latest_support(user, part, action).items()
        if s >= SUPPORTER
    }
    voted = {voter_id for voter_id, _ in marks}
    supporters = list(_supporter_voters(user, part, action, list(levels)))
    waiting = [SupporterRow(v, levels[v.pk]) for v in supporters if v.pk not in voted]
    electors = visible(
        user,
        action,
        Voter.objects.filter(ac_id=part.ac_id, part=part, status=Voter.Status.ON_ROLL),
    ).count()
    return BoothReport(
        part=part,
        day=day,
        electors=electors,
        marked=len(marks),
        hours=hours,
        early=early,
        late=late,
        official_close=official.get(24),
        supporters=len(supporters),
        supporters_voted=len(supporters) - len(waiting),
        households=_by_household(waiting),
        incidents=booth_incidents(user, part),
        generated=timezone.localtime(),
    )


# CSV ---------------------------------------------------------------------------------


def _at(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def _status(incident: Incident) -> str:
    if incident.closed_at is None:
        return _("Open")
    return _("Closed %(at)s") % {"at": _at(incident.closed_at)}


def report_csv_rows(report: BoothReport) -> Iterator[list[Any]]:
    """The report as sections a spreadsheet reads top to bottom: a heading row, a
    header row, the rows, a blank row. The caller writes the first (title) row."""
    yield [_("Poll day"), report.day.isoformat()]
    yield [_("Electors"), report.electors]
    yield [_("Marked as voted"), report.marked, f"{report.percent}%"]
    yield [_("Official figure at close of poll"), _blank(report.official_close)]
    yield [_("Supporters"), report.supporters]
    yield [_("Supporters who voted"), report.supporters_voted]
    yield [_("Supporters who did not vote"), report.not_voted]
    yield [_("Incidents"), len(report.incidents)]
    yield [_("Generated"), _at(report.generated)]
    yield []
    yield [_("Turnout by hour")]
    yield [_("Hour"), _("Party marks"), _("Cumulative"), _("Official figure"), _("Gap")]
    if report.early:
        yield [_("Before 07:00"), report.early, report.early, "", ""]
    for row in report.hours:
        yield [
            row.label,
            row.marks,
            row.cumulative,
            _blank(row.official),
            _blank(row.gap),
        ]
    if report.late:
        yield [_("Entered after 18:00"), report.late, report.marked, "", ""]
    yield [
        _("Close of poll"),
        "",
        report.marked,
        _blank(report.official_close),
        _blank(report.close_gap),
    ]
    yield []
    yield [_("Supporters who did not vote")]
    yield [
        _("House"),
        _("Serial"),
        _("Name"),
        _("Name in Latin letters"),
        _("Age"),
        _("Gender"),
        _("Support level (1–5)"),
    ]
    for house in report.households:
        for s in house.supporters:
            yield [
                house.house_no,
                s.voter.serial_no,
                s.voter.name,
                s.name_latin,
                s.voter.age or "",
                s.voter.get_gender_display(),
                s.support,
            ]
    yield []
    yield [_("Incidents")]
    yield [
        _("Reported at"),
        _("What happened"),
        _("Severity"),
        _("Status"),
        _("Reported by"),
        _("Note"),
        _("What was done"),
    ]
    for incident in report.incidents:
        done = " | ".join(
            f"{_at(a.at)} {a.by.get_username()}: {a.note}"
            for a in getattr(incident, "action_list", [])
        )
        yield [
            _at(incident.reported_at),
            incident.get_kind_display(),
            incident.get_severity_display(),
            _status(incident),
            incident.reported_by.get_username(),
            incident.note,
            done,
        ]


def report_title(report: BoothReport) -> str:
    part = report.part
    return _("Booth report · AC %(ac)s %(ac_name)s · part %(number)s %(name)s") % {
        "ac": part.ac.number,
        "ac_name": part.ac.name,
        "number": part.number,
        "name": part.name,
    }


# PDFs --------------------------------------------------------------------------------


def report_pdf(report: BoothReport, language: str) -> bytes:
    return render_pdf(
        "votingday/report_pdf.html",
        {"report": report, "title": report_title(report)},
        language=language,
    )


@dataclass
class Slip:
    voter: Voter
    name_latin: str
    relative_latin: str


def slip_voters(
    user: User, part: Part, action: Action, *, include_voted: bool
) -> list[Slip]:
    """Slips for the supporters of `part` within scope: those who have not voted yet,
    or all of them; in serial order."""
    levels = selectors.latest_support(user, part, action)
    ids = [v for v, s in levels.items() if s >= SUPPORTER]
    voters = _supporter_voters(user, part, action, ids)
    if not include_voted:
        voted = _standing_marks(user, part, action).values("voter_id")
        voters = voters.exclude(pk__in=voted)
    return [
        Slip(v, latin(v.name, v.name_en), latin(v.relative_name, v.relative_name_en))
        for v in voters
    ]


def slips_pdf(
    part: Part, slips: list[Slip], poll_date: datetime.date | None, language: str
) -> bytes:
    pages = [
        slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)
    ]
    # Two slips to a table row, so the cut lines meet.
    sheets = [[page[i : i + 2] for i in range(0, len(page), 2)] for page in pages]
    context = {"part": part, "sheets": sheets, "poll_date": poll_date}
    return render_pdf("votingday/slips_pdf.html", context, language=language)
