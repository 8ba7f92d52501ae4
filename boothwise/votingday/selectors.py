"""Reads of polling day. Every read goes through accounts/access.py."""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from boothwise.accounts.access import scope_for, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.lookups import ids_in
from boothwise.core.threads import in_thread
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.outreach.models import Answer, Question
from boothwise.rolls.models import Voter
from boothwise.rolls.search import voters_search
from boothwise.votingday.models import (
    BoothTally,
    Incident,
    Nudge,
    TurnoutEntry,
    VotedMark,
)

MARK = Action.MARK_VOTED


def booth_roll(user: User, part: Part) -> list[dict[str, object]]:
    """The electors of `part` that `user` may mark, in serial order, for the page."""
    voters = visible(
        user,
        MARK,
        Voter.objects.filter(
            ac_id=part.ac_id, part=part, status=Voter.Status.ON_ROLL
        ).order_by("serial_no"),
    ).values("serial_no", "name", "name_en", "epic_no")
    return [
        {"s": v["serial_no"], "n": v["name"], "e": v["name_en"], "epic": v["epic_no"]}
        for v in voters
    ]


def marks_of_part(user: User, part: Part) -> QuerySet[VotedMark]:
    """Standing marks of `part` that `user` may see as a marker, newest first."""
    return visible(
        user,
        MARK,
        VotedMark.objects.filter(ac_id=part.ac_id, part=part, undone=False),
    ).select_related("voter")


def marks_to_supervise(user: User, part: Part) -> QuerySet[VotedMark]:
    """Standing marks of `part` that `user` may undo (MANAGE_POSTS over the booth)."""
    return visible(
        user,
        Action.MANAGE_POSTS,
        VotedMark.objects.filter(ac_id=part.ac_id, part=part, undone=False),
    ).select_related("voter", "by")


def find_in_booth(user: User, part: Part, query: str, limit: int = 8) -> list[Voter]:
    """Electors of `part` that `user` may mark, best matching `query` (any script)."""
    hits = voters_search(
        user_or_scope=scope_for(user, MARK), query=query, ac_id=part.ac_id, limit=200
    )
    return [h.voter for h in hits if h.voter.part_id == part.pk][:limit]


def turnout_accepted(part: Part) -> dict[int, int]:
    """slot → accepted official count: the slot's two latest entries, when equal."""
    latest: dict[int, list[int]] = {}
    for slot, count in TurnoutEntry.objects.filter(part=part).values_list(
        "slot", "count"
    ):  # ordered by slot, newest first
        latest.setdefault(slot, [])
        if len(latest[slot]) < 2:
            latest[slot].append(count)
    return {
        slot: counts[0]
        for slot, counts in latest.items()
        if len(counts) == 2 and counts[0] == counts[1]
    }


def turnout_pending(part: Part) -> dict[int, int]:
    """slot → the latest entry, for slots whose figure is not yet confirmed."""
    accepted = turnout_accepted(part)
    latest: dict[int, int] = {}
    for slot, count in TurnoutEntry.objects.filter(part=part).values_list(
        "slot", "count"
    ):
        latest.setdefault(slot, count)
    return {slot: count for slot, count in latest.items() if slot not in accepted}


# The hour each official slot is read at; "close" counts the whole day's marks.
SLOT_HOURS = {9: 9, 11: 11, 13: 13, 15: 15, 17: 17, 24: 24}
POLL_CLOSES = 18


def _part_marks(user: User, part: Part, action: Action) -> QuerySet[VotedMark]:
    return visible(
        user,
        action,
        VotedMark.objects.filter(ac_id=part.ac_id, part=part, undone=False),
    )


def latest_mark_at(user: User, part: Part, action: Action) -> datetime.datetime | None:
    mark = _part_marks(user, part, action).order_by("-entered_at").first()
    return mark.entered_at if mark else None


def marks_by_slot(
    user: User, part: Part, action: Action, day: datetime.date
) -> dict[int, int]:
    """slot → standing marks entered on `day` before the slot's hour (cumulative).

    Slots still in the future (by the clock) are left out.
    """
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    now = timezone.now()
    times = list(
        _part_marks(user, part, action)
        .filter(
            entered_at__gte=start, entered_at__lt=start + datetime.timedelta(days=1)
        )
        .values_list("entered_at", flat=True)
    )
    result = {}
    for slot, hour in SLOT_HOURS.items():
        cutoff = start + datetime.timedelta(hours=hour)
        # The close-of-poll count (all the day's marks) is shown once the poll closes.
        if start + datetime.timedelta(hours=min(hour, POLL_CLOSES)) > now:
            continue
        result[slot] = sum(1 for t in times if t < cutoff)
    return result


PAGE_SIZE = 30  # serials on a page of the printed roll


@dataclass
class Supporter:
    voter: Voter
    support: int
    nudge: str  # the latest nudge kind, or ""
    nudged_at: datetime.datetime | None


@dataclass
class HouseholdGroup:
    house_no: str
    supporters: list[Supporter]


@dataclass
class PageProgress:
    page: int  # 1 for serials 1–30, 2 for 31–60 …
    supporters: int
    voted: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.page * PAGE_SIZE

    @property
    def percent(self) -> int:
        return round(100 * self.voted / self.supporters) if self.supporters else 0


@dataclass
class SupportersView:
    households: list[HouseholdGroup]
    pages: list[PageProgress]
    waiting: int
    voted: int


def newest_support(
    answers: QuerySet[Answer], *fields: str
) -> dict[int, tuple[Any, ...]]:
    """voter id → (level, *fields) of the newest of `answers` that carries a support
    level (1–5): the one rule for "what this voter said last"."""
    newest: dict[int, tuple[Any, ...]] = {}
    for voter_id, choice, *rest in answers.order_by(
        "voter_id", "-at", "-id"
    ).values_list("voter_id", "choice", *fields):
        if voter_id not in newest and choice.isdigit():
            newest[voter_id] = (int(choice), *rest)
    return newest


def latest_support(user: User, part: Part, action: Action = MARK) -> dict[int, int]:
    """voter id → the latest support level (1–5) recorded for them, within the scope
    of `action`."""
    answers = visible(
        user,
        action,
        Answer.objects.filter(
            ac_id=part.ac_id,
            part=part,
            kind=Question.Kind.SUPPORT,
            voter__isnull=False,
        ),
    )
    return {voter: row[0] for voter, row in newest_support(answers).items()}


def supporters(user: User, part: Part) -> SupportersView:
    """Supporters (latest support 4–5) of `part` in scope: who has not voted yet,
    grouped by household in roll order, and progress per roll page."""
    levels = {v: s for v, s in latest_support(user, part).items() if s >= 4}
    voted = set(
        _part_marks(user, part, MARK)
        .filter(voter_id__in=levels)
        .values_list("voter_id", flat=True)
    )
    voters = list(
        visible(
            user,
            MARK,
            Voter.objects.filter(
                ac_id=part.ac_id, part=part, pk__in=levels, status=Voter.Status.ON_ROLL
            ),
        )
        .select_related("household")
        .order_by("serial_no")
    )
    nudges: dict[int, tuple[str, datetime.datetime]] = {}
    for voter_id, kind, at in (
        visible(user, MARK, Nudge.objects.filter(ac_id=part.ac_id, part=part))
        .order_by("-at", "-id")
        .values_list("voter_id", "kind", "at")
    ):
        nudges.setdefault(voter_id, (kind, at))
    pages: dict[int, PageProgress] = {}
    groups: dict[object, HouseholdGroup] = {}
    for voter in voters:
        page_no = (voter.serial_no - 1) // PAGE_SIZE + 1
        page = pages.setdefault(page_no, PageProgress(page_no, 0, 0))
        page.supporters += 1
        if voter.pk in voted:
            page.voted += 1
            continue
        key = voter.household_id or ("serial", voter.serial_no)
        house = voter.household.house_no if voter.household else voter.house_no
        group = groups.setdefault(key, HouseholdGroup(house, []))
        note = nudges.get(voter.pk)
        group.supporters.append(
            Supporter(
                voter,
                levels[voter.pk],
                note[0] if note else "",
                note[1] if note else None,
            )
        )
    waiting = sum(len(g.supporters) for g in groups.values())
    return SupportersView(
        households=list(groups.values()),
        pages=[pages[k] for k in sorted(pages)],
        waiting=waiting,
        voted=sum(p.voted for p in pages.values()),
    )


# Minutes after which an open incident rises to the block, then to the AC war room.
ESCALATE_AFTER = {
    Incident.Severity.LOW: (30, 60),
    Incident.Severity.HIGH: (10, 30),
    Incident.Severity.CRITICAL: (0, 0),
}


class Level:
    BOOTH = "booth"
    BLOCK = "block"
    AC = "ac"


def incident_level(incident: Incident, now: datetime.datetime) -> str:
    """Where an incident stands: the booth, the block, or the AC war room, by age."""
    end = incident.closed_at or now
    minutes = (end - incident.reported_at).total_seconds() / 60
    block, ac = ESCALATE_AFTER[Incident.Severity(incident.severity)]
    if minutes >= ac:
        return Level.AC
    if minutes >= block:
        return Level.BLOCK
    return Level.BOOTH


def incidents_visible(user: User) -> QuerySet[Incident]:
    """Incidents at booths where `user` may report incidents or watch the war room."""
    report = visible(user, Action.REPORT_INCIDENT, Part.objects.all()).values("pk")
    watch = visible(user, Action.VIEW_WAR_ROOM, Part.objects.all()).values("pk")
    return Incident.objects.filter(
        Q(part_id__in=report) | Q(part_id__in=watch)
    ).select_related("part__ac", "reported_by")


def incident_access(user: User, incident_id: int) -> Incident:
    incident = incidents_visible(user).filter(pk=incident_id).first()
    if incident is None:
        raise Http404
    return incident


SILENT_AFTER = datetime.timedelta(minutes=45)
POLL_OPENS = 7


def is_polling(now: datetime.datetime) -> bool:
    """Whether a booth can be silent: from 45 minutes after the poll opens to its close
    (project time zone); before and after, no marks is no news."""
    local = timezone.localtime(now)
    opens = local.replace(hour=POLL_OPENS, minute=0, second=0, microsecond=0)
    closes = local.replace(hour=POLL_CLOSES, minute=0, second=0, microsecond=0)
    return opens + SILENT_AFTER <= local < closes


@dataclass
class BoothRow:
    part: Part
    electors: int
    marked: int
    supporters_waiting: int
    last_mark: datetime.datetime | None
    silent: bool
    open_incidents: int
    oldest_incident: datetime.datetime | None
    past_turnout: Decimal | None = None
    # For the page, made once per row here rather than by template tags per row.
    label: str = ""
    turnout_url: str = ""
    report_url: str = ""
    last_mark_hm: str = ""
    oldest_incident_min: int = 0

    @property
    def part_id(self) -> int:
        return self.part.pk

    @property
    def percent(self) -> float:
        return round(100 * self.marked / self.electors, 1) if self.electors else 0.0

    @property
    def behind_past(self) -> bool:
        """Turnout so far is under half the booth's past turnout, after 1 pm."""
        return (
            self.past_turnout is not None
            and self.percent < float(self.past_turnout) / 2
        )


@dataclass
class WarRoom:
    rows: list[BoothRow]
    electors: int
    marked: int
    supporters_waiting: int
    silent: int
    open_incidents: int
    # The reconciliation, read in one statement (one snapshot): the tallies' sum and
    # the standing marks counted from the marks' own index.
    tallied: int
    raw_marks: int
    checked_at: datetime.datetime
    counted_at: datetime.datetime | None
    polling: bool = True

    @functools.cached_property
    def past_known(self) -> bool:
        """Some booth's past turnout is known (the page then shows the column)."""
        return any(r.past_turnout is not None for r in self.rows)

    @property
    def reconciled(self) -> bool:
        return self.tallied == self.raw_marks

    @property
    def percent(self) -> float:
        return round(100 * self.marked / self.electors, 1) if self.electors else 0.0


def war_room(
    parts: QuerySet[Part], now: datetime.datetime, polling: bool | None = None
) -> WarRoom:
    """Every booth of `parts` (already narrowed to the viewer's war-room scope).

    `polling` (by default from the clock, `is_polling`) says whether silence counts.

    Reads the booths' tallies (kept in step with every mark), never the voter or mark
    tables; a booth never counted yet is counted once here (services.tally_count).
    """
    from boothwise.votingday.services import tally_count

    # Three hundred booths refresh on every war-room screen every 15 s: the parts
    # share a handful of AC objects, and the tallies are read as plain rows.
    part_list = list(parts.order_by("ac__number", "number_int"))
    acs = AssemblyConstituency.objects.in_bulk({p.ac_id for p in part_list})
    for part in part_list:
        part.ac = acs[part.ac_id]
    ids = [p.pk for p in part_list]
    if polling is None:
        polling = is_polling(now)
    fields = (
        "part_id",
        "electors",
        "marked",
        "supporters",
        "supporters_voted",
        "last_mark_at",
        "past_turnout",
        "counted_at",
    )

    def read_tallies() -> dict[int, Any]:
        rows = BoothTally.objects.filter(ids_in("part_id", ids)).values_list(
            *fields, named=True
        )
        return {row.part_id: row for row in rows}

    tallies = read_tallies()
    uncounted = [i for i in ids if i not in tallies or tallies[i].counted_at is None]
    if uncounted:
        tally_count(uncounted)
        tallies = read_tallies()
    incidents = {
        row["part_id"]: row
        for row in Incident.objects.filter(
            ids_in("part_id", ids), closed_at__isnull=True
        )
        .order_by()
        .values("part_id")
        .annotate(n=Count("id"), oldest=Min("reported_at"))
    }
    rows = []
    turnout_url = reverse("votingday:turnout", args=[0]).replace("/0/", "/{}/")
    report_url = reverse("votingday:report", args=[0]).replace("/0/", "/{}/")
    for part in part_list:
        t = tallies.get(part.pk) or BoothTally(part=part, ac_id=part.ac_id)
        i = incidents.get(part.pk, {})
        oldest = i.get("oldest")
        rows.append(
            BoothRow(
                part=part,
                electors=t.electors,
                marked=t.marked,
                supporters_waiting=max(0, t.supporters - t.supporters_voted),
                last_mark=t.last_mark_at,
                silent=polling
                and (t.last_mark_at is None or now - t.last_mark_at > SILENT_AFTER),
                open_incidents=i.get("n", 0),
                oldest_incident=i.get("oldest"),
                past_turnout=t.past_turnout,
                label=f"{part.ac.number}/{part.number} {part.name}",
                turnout_url=turnout_url.format(part.pk),
                report_url=report_url.format(part.pk),
                last_mark_hm=(
                    timezone.localtime(t.last_mark_at).strftime("%H:%M")
                    if t.last_mark_at
                    else ""
                ),
                oldest_incident_min=(
                    int((now - oldest).total_seconds() // 60) if oldest else 0
                ),
            )
        )
    tallied, raw, checked_at = reconcile(ids, now)
    counted = [t.counted_at for t in tallies.values() if t.counted_at is not None]
    return WarRoom(
        rows=rows,
        electors=sum(r.electors for r in rows),
        marked=sum(r.marked for r in rows),
        supporters_waiting=sum(r.supporters_waiting for r in rows),
        silent=sum(1 for r in rows if r.silent),
        open_incidents=sum(r.open_incidents for r in rows),
        tallied=tallied,
        raw_marks=raw,
        checked_at=checked_at,
        counted_at=min(counted) if counted else None,
        polling=polling,
    )


RECONCILE_EVERY = 60  # seconds
RECONCILE_KEEP = 3600  # seconds a check is kept (and shown with its time) at most
RECONCILE_BUSY = 300  # seconds before a check that never finished may be started again


def _reconcile_key(part_ids: list[int]) -> str:
    digest = hashlib.sha1(",".join(map(str, sorted(part_ids))).encode()).hexdigest()
    return f"votingday:reconcile:{digest}"


def reconcile(
    part_ids: list[int], now: datetime.datetime
) -> tuple[int, int, datetime.datetime]:
    """The reconciliation of these booths, (tallied, raw, when checked).

    Counting every standing mark of a large AC costs more than the rest of the war
    room, and the screen refreshes every 15 s: a check is reused, and once it is
    RECONCILE_EVERY seconds old the view still answers with it (showing when it was
    made) while a background thread checks afresh. Only the first view counts in
    the request.
    """
    key = _reconcile_key(part_ids)
    found = cache.get(key)
    if found is None:
        tallied, raw = _reconcile(part_ids)
        cache.set(key, (tallied, raw, now), RECONCILE_KEEP)
        return tallied, raw, now
    checked_at = found[2]
    if (now - checked_at).total_seconds() >= RECONCILE_EVERY and cache.add(
        f"{key}:busy", True, RECONCILE_BUSY
    ):
        _in_background(_reconcile_refresh, key, list(part_ids))
    return found  # type: ignore[no-any-return]


def _in_background(task: Any, *args: Any) -> None:
    """Run `task(*args)` in a background thread (tests run the task inline)."""
    in_thread(functools.partial(task, *args), "war-room-check")


def _reconcile_refresh(key: str, part_ids: list[int]) -> None:
    """Check afresh and keep the result."""
    try:
        tallied, raw = _reconcile(part_ids)
        cache.set(key, (tallied, raw, timezone.now()), RECONCILE_KEEP)
    finally:
        cache.delete(f"{key}:busy")


def reconcile_forget(part_ids: list[int]) -> None:
    """Check these booths afresh on the next view (after counting them again)."""
    cache.delete(_reconcile_key(part_ids))


def _reconcile(part_ids: list[int]) -> tuple[int, int]:
    """(sum of the booths' tallies, standing marks counted from `mark_part_standing`),
    in one statement so both see the same moment even while marks pour in."""
    if not part_ids:
        return 0, 0
    marks = VotedMark._meta.db_table
    tallies = BoothTally._meta.db_table
    slots = ", ".join(["%s"] * len(part_ids))
    sql = (
        f"SELECT (SELECT COALESCE(SUM(marked), 0) FROM {tallies} "
        f"WHERE part_id IN ({slots})), "
        f"(SELECT COUNT(*) FROM {marks} WHERE part_id IN ({slots}) AND undone = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*part_ids, *part_ids, False])
        tallied, raw = cursor.fetchone()
    return int(tallied), int(raw)
