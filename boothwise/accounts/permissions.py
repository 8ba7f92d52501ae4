"""What each post may do. Mirrored in docs/permissions.md; a test keeps the two equal.

A post grants its actions only within the place it is held (see access.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from boothwise.organisation.models import PostType, Unit


class Action(models.TextChoices):
    VIEW_ORGANISATION = "view_organisation", _("See units, booths, people and posts")
    MANAGE_POSTS = "manage_posts", _("Appoint and relieve people")
    VIEW_AUDIT = "view_audit", _("Read the audit trail")
    VIEW_VOTERS = "view_voters", _("See the electoral roll")
    VERIFY_ROLL = "verify_roll", _("Mark electors absent, shifted or dead")
    IMPORT_ROLL = "import_roll", _("Import rolls and polling stations")
    EXPORT = "export", _("Export lists")
    MANAGE_TRAINING = "manage_training", _("Plan workshops and take attendance")
    RECORD_VISIT = "record_visit", _("Record door-to-door visits")
    MARK_VOTED = "mark_voted", _("Mark who has voted")
    REPORT_INCIDENT = "report_incident", _("Report polling-day incidents")
    VIEW_WAR_ROOM = "view_war_room", _("Watch the war room")


A = Action
_LEADER = frozenset(
    {
        A.VIEW_ORGANISATION,
        A.MANAGE_POSTS,
        A.VIEW_AUDIT,
        A.VIEW_VOTERS,
        A.IMPORT_ROLL,
        A.EXPORT,
        A.MANAGE_TRAINING,
        A.VIEW_WAR_ROOM,
        A.REPORT_INCIDENT,
    }
)
_BOOTH_TEAM = frozenset(
    {
        A.VIEW_ORGANISATION,
        A.VIEW_VOTERS,
        A.VERIFY_ROLL,
        A.RECORD_VISIT,
        A.MARK_VOTED,
        A.REPORT_INCIDENT,
    }
)

ROLE_ACTIONS: dict[PostType, frozenset[Action]] = {
    PostType.STATE_PRESIDENT: _LEADER,
    PostType.DISTRICT_PRESIDENT: _LEADER,
    PostType.CITY_PRESIDENT: _LEADER,
    PostType.BLOCK_PRESIDENT: _LEADER | {A.VERIFY_ROLL},
    PostType.MANDAL_PRESIDENT: _LEADER | {A.VERIFY_ROLL},
    PostType.GENERAL_SECRETARY: _LEADER,
    PostType.AC_INCHARGE: _LEADER,
    PostType.SPOKESPERSON: frozenset({A.VIEW_ORGANISATION}),
    PostType.FRONTAL_HEAD: frozenset({A.VIEW_ORGANISATION}),
    PostType.CELL_HEAD: frozenset({A.VIEW_ORGANISATION}),
    PostType.TRAINER: frozenset({A.VIEW_ORGANISATION, A.MANAGE_TRAINING}),
    PostType.MP: frozenset({A.VIEW_ORGANISATION, A.VIEW_WAR_ROOM}),
    PostType.MLA: frozenset({A.VIEW_ORGANISATION, A.VIEW_WAR_ROOM}),
    PostType.BOOTH_PRESIDENT: _BOOTH_TEAM | {A.MANAGE_POSTS, A.EXPORT},
    PostType.BLA2: _BOOTH_TEAM | {A.EXPORT},
    PostType.BOOTH_YOUTH: _BOOTH_TEAM,
    PostType.BOOTH_WOMAN: _BOOTH_TEAM,
    PostType.BOOTH_MEMBER: _BOOTH_TEAM,
    PostType.POLLING_AGENT: frozenset(
        {A.VIEW_ORGANISATION, A.VIEW_VOTERS, A.MARK_VOTED, A.REPORT_INCIDENT}
    ),
    PostType.PAGE_INCHARGE: frozenset(
        {A.VIEW_ORGANISATION, A.VIEW_VOTERS, A.RECORD_VISIT, A.MARK_VOTED}
    ),
}

# Seniority: a person may appoint or relieve only posts ranked below their own.
RANK: dict[PostType, int] = {
    PostType.STATE_PRESIDENT: 100,
    PostType.DISTRICT_PRESIDENT: 80,
    PostType.CITY_PRESIDENT: 80,
    PostType.GENERAL_SECRETARY: 70,
    PostType.AC_INCHARGE: 70,
    PostType.BLOCK_PRESIDENT: 60,
    PostType.MP: 60,
    PostType.MLA: 60,
    PostType.MANDAL_PRESIDENT: 50,
    PostType.SPOKESPERSON: 40,
    PostType.FRONTAL_HEAD: 40,
    PostType.CELL_HEAD: 40,
    PostType.TRAINER: 40,
    PostType.BOOTH_PRESIDENT: 30,
    PostType.BLA2: 25,
    PostType.BOOTH_YOUTH: 20,
    PostType.BOOTH_WOMAN: 20,
    PostType.BOOTH_MEMBER: 15,
    PostType.POLLING_AGENT: 15,
    PostType.PAGE_INCHARGE: 10,
}

L = Unit.Level
_PARTY_UNITS = frozenset({L.STATE, L.DISTRICT, L.CITY, L.BLOCK, L.MANDAL, L.SECTOR})
_BOOTH = frozenset({L.BOOTH})

# Where each post may be held: unit levels, "ac" for an assembly constituency, or "page"
# for a serial-number range of one part.
PLACE_AC = "ac"
PLACE_PAGE = "page"
POST_PLACES: dict[PostType, frozenset[str]] = {
    PostType.STATE_PRESIDENT: frozenset({L.STATE}),
    PostType.DISTRICT_PRESIDENT: frozenset({L.DISTRICT}),
    PostType.CITY_PRESIDENT: frozenset({L.CITY}),
    PostType.BLOCK_PRESIDENT: frozenset({L.BLOCK}),
    PostType.MANDAL_PRESIDENT: frozenset({L.MANDAL, L.SECTOR}),
    PostType.GENERAL_SECRETARY: _PARTY_UNITS,
    PostType.SPOKESPERSON: _PARTY_UNITS,
    PostType.FRONTAL_HEAD: _PARTY_UNITS,
    PostType.CELL_HEAD: _PARTY_UNITS,
    PostType.TRAINER: _PARTY_UNITS,
    PostType.MP: frozenset({L.STATE, L.DISTRICT}),
    PostType.MLA: frozenset({PLACE_AC}),
    PostType.AC_INCHARGE: frozenset({PLACE_AC}),
    PostType.BOOTH_PRESIDENT: _BOOTH,
    PostType.BLA2: _BOOTH,
    PostType.BOOTH_YOUTH: _BOOTH,
    PostType.BOOTH_WOMAN: _BOOTH,
    PostType.BOOTH_MEMBER: _BOOTH,
    PostType.POLLING_AGENT: _BOOTH,
    PostType.PAGE_INCHARGE: frozenset({PLACE_PAGE}),
}

# Posts one person holds alone at a place; the others can have several holders.
SINGLE_HOLDER = frozenset(
    {
        PostType.STATE_PRESIDENT,
        PostType.DISTRICT_PRESIDENT,
        PostType.CITY_PRESIDENT,
        PostType.BLOCK_PRESIDENT,
        PostType.MANDAL_PRESIDENT,
        PostType.AC_INCHARGE,
        PostType.MLA,
        PostType.MP,
        PostType.BOOTH_PRESIDENT,
        PostType.BLA2,
        PostType.BOOTH_YOUTH,
        PostType.BOOTH_WOMAN,
    }
)


def roles_for(action: Action) -> frozenset[PostType]:
    """The post types that grant `action`."""
    return frozenset(
        role for role, actions in ROLE_ACTIONS.items() if action in actions
    )
