"""HTML pages of the electoral geography: state → PC → AC → part, within scope."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from boothwise.accounts.access import access_ac, access_part
from boothwise.accounts.permissions import Action
from boothwise.geography import selectors
from boothwise.organisation.selectors import booth_of

VIEW = Action.VIEW_ORGANISATION


@require_GET
def state_list(request: HttpRequest) -> HttpResponse:
    states = selectors.states_in_scope(request.user)
    return render(request, "geography/state_list.html", {"states": states})


@require_GET
def state_detail(request: HttpRequest, state_id: int) -> HttpResponse:
    state = selectors.state_access(request.user, state_id)
    pcs = selectors.pcs_in_scope(request.user, state)
    return render(request, "geography/state_detail.html", {"state": state, "pcs": pcs})


@require_GET
def pc_detail(request: HttpRequest, pc_id: int) -> HttpResponse:
    pc = selectors.pc_access(request.user, pc_id)
    acs = selectors.acs_in_pc(request.user, pc)
    return render(request, "geography/pc_detail.html", {"pc": pc, "acs": acs})


@require_GET
def ac_detail(request: HttpRequest, ac_id: int) -> HttpResponse:
    ac = access_ac(request.user, ac_id, action=VIEW)
    parts = selectors.parts_in_ac(request.user, ac)
    return render(request, "geography/ac_detail.html", {"ac": ac, "parts": parts})


@require_GET
def part_detail(request: HttpRequest, part_id: int) -> HttpResponse:
    part = access_part(request.user, part_id, action=VIEW)
    booth = booth_of(part)
    if booth is not None:
        return redirect("organisation:booth-detail", booth.pk)
    context = {"part": part, "osm_url": selectors.osm_url(part)}
    return render(request, "geography/part_detail.html", context)
