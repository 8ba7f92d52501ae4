"""HTML pages of the electoral roll: search, an elector, a booth's roll, verification,
imports with their progress and report, revisions, and the claims-and-objections list.

Each view: access (accounts/access.py, through rolls.selectors) → form → service or
selector → render. Out of scope is 404, like missing; a page that needs an action the
user holds nowhere is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from boothwise.accounts.access import access_ac, access_part, user_can, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.audit import audit_record
from boothwise.geography.models import AssemblyConstituency, Part
from boothwise.organisation.selectors import booth_of
from boothwise.rolls import exports, jobs, selectors
from boothwise.rolls.forms import (
    PartFilterForm,
    RollUploadForm,
    VerificationForm,
    VoterSearchForm,
)
from boothwise.rolls.importer import RollFileError
from boothwise.rolls.models import RollChange, RollImport, Voter
from boothwise.rolls.search import voters_search
from boothwise.rolls.verification import verification_mark

VIEW = Action.VIEW_VOTERS
VERIFY = Action.VERIFY_ROLL
IMPORT = Action.IMPORT_ROLL
EXPORT = Action.EXPORT
SEARCH_LIMIT = 20
HOUSEHOLDS_PER_PAGE = 100
PER_PAGE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@dataclass
class Pager:
    """One paginated list on a page that may hold several: `param` is its page key."""

    page: Page[Any]
    previous_url: str
    next_url: str


def _pager(
    request: HttpRequest, items: Any, *, param: str = "page", per_page: int = PER_PAGE
) -> Pager:
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query: QueryDict = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    return Pager(
        page=page,
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )


def _user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware lets no one else through)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _require(request: HttpRequest, action: Action) -> None:
    if not user_can(request.user, action):
        raise PermissionDenied


# --------------------------------------------------------------------------------------
# Search and electors
# --------------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
def voter_search(request: HtmxHttpRequest) -> HttpResponse:
    acs = selectors.acs_for(request.user, VIEW)
    form = VoterSearchForm(request.GET or None, acs=acs)
    query = form.query().strip()
    hits = []
    if query:
        hits = voters_search(
            user_or_scope=request.user,
            query=query,
            ac_id=form.ac_id(),
            limit=SEARCH_LIMIT,
        )
    context = {
        "form": form,
        "query": query,
        "hits": hits,
        "limit": SEARCH_LIMIT,
        "may_view": user_can(request.user, VIEW),
        "may_import": user_can(request.user, IMPORT),
        "may_export": user_can(request.user, EXPORT),
    }
    template = "rolls/voter_search.html"
    if request.htmx:
        template += "#results"
    else:
        context["show_ac"] = acs.count() > 1
    return render(request, template, context)


def _voter_context(
    request: HttpRequest, voter: Voter, form: VerificationForm | None
) -> dict[str, Any]:
    may_verify = selectors.may_act_on_voter(request.user, voter, VERIFY)
    if may_verify and form is None:
        form = VerificationForm()
    return {
        "voter": voter,
        "booth": booth_of(voter.part),
        "members": selectors.household_members(request.user, voter),
        "changes": selectors.voter_changes(request.user, voter),
        "marks": [
            (mark, selectors.marked_by(mark))
            for mark in selectors.voter_marks(request.user, voter)
        ],
        "form": form if may_verify else None,
    }


@require_GET
def voter_detail(request: HttpRequest, voter_id: int) -> HttpResponse:
    voter = selectors.access_voter(request.user, voter_id)
    context = _voter_context(request, voter, None)
    return render(request, "rolls/voter_detail.html", context)


@require_POST
def voter_verify(request: HttpRequest, voter_id: int) -> HttpResponse:
    voter = selectors.access_voter(request.user, voter_id, action=VERIFY)
    form = VerificationForm(request.POST)
    if form.is_valid():
        try:
            mark, created = verification_mark(
                by=_user(request),
                voter=voter,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                client_uuid=form.cleaned_data["client_uuid"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(
                    request,
                    _("Marked: %(finding)s.") % {"finding": mark.get_kind_display()},
                )
            else:
                messages.info(
                    request,
                    _("This mark was already saved; it was not recorded twice."),
                )
            return redirect("rolls:voter-detail", voter.pk)
    context = _voter_context(request, voter, form)
    return render(request, "rolls/voter_detail.html", context, status=400)


# --------------------------------------------------------------------------------------
# A booth's roll and its revisions
# --------------------------------------------------------------------------------------


@require_GET
def part_roll(request: HttpRequest, part_id: int) -> HttpResponse:
    part = access_part(request.user, part_id, action=VIEW)
    roll = selectors.part_roll(request.user, part)
    pager = _pager(request, roll.households, per_page=HOUSEHOLDS_PER_PAGE)
    context = {
        "part": part,
        "booth": booth_of(part),
        "roll": roll,
        "pager": pager,
        "section_pages": _section_pages(roll.households),
        "may_export": visible(
            request.user, EXPORT, Part.objects.filter(pk=part.pk)
        ).exists(),
    }
    return render(request, "rolls/part_roll.html", context)


def _section_pages(
    households: list[selectors.HouseholdGroup],
) -> list[tuple[int | None, int, str]]:
    """(section, page where it starts, its name), for the jump links above the roll."""
    starts: dict[int | None, tuple[int | None, int, str]] = {}
    for i, household in enumerate(households):
        if household.section_no not in starts:
            starts[household.section_no] = (
                household.section_no,
                i // HOUSEHOLDS_PER_PAGE + 1,
                household.section_name,
            )
    return list(starts.values())


@require_GET
def part_changes(request: HttpRequest, part_id: int) -> HttpResponse:
    part = access_part(request.user, part_id, action=VIEW)
    changes = selectors.changes_for_part(request.user, part)
    pager = _pager(request, changes)
    context = {
        "part": part,
        "counts": selectors.change_counts(changes),
        "pager": pager,
        "rows": selectors.change_rows(pager.page.object_list),
        "may_export": visible(
            request.user, EXPORT, Part.objects.filter(pk=part.pk)
        ).exists(),
    }
    return render(request, "rolls/part_changes.html", context)


@require_GET
def part_changes_csv(request: HttpRequest, part_id: int) -> HttpResponseBase:
    part = access_part(request.user, part_id, action=EXPORT)
    changes = visible(
        request.user, EXPORT, RollChange.objects.filter(part=part)
    ).select_related("ac", "part")
    changes = changes.order_by("-roll_import__started_at", "serial_no", "id")
    _audit_export(request, part, "changes", changes.count())
    name = f"roll-changes-{part.ac.number}-{part.number}.csv"
    return exports.csv_response(
        name, exports.changes_header(), exports.changes_rows(changes)
    )


def _audit_export(
    request: HttpRequest, obj: Any, what: str, rows: int, **data: Any
) -> None:
    """Every export is audited: who took which list of which place, how many rows."""
    part_id = obj.pk if isinstance(obj, Part) else data.get("part")
    audit_record(
        actor=request.user,
        verb="roll.export",
        obj=obj,
        ac_id=obj.pk if isinstance(obj, AssemblyConstituency) else obj.ac_id,
        part_id=part_id,
        data={"list": what, "rows": rows, **data},
    )


# --------------------------------------------------------------------------------------
# Imports
# --------------------------------------------------------------------------------------


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    _require(request, IMPORT)
    pager = _pager(request, selectors.imports_visible(request.user))
    rows = [(ri, jobs.import_state(ri)) for ri in pager.page.object_list]
    return render(request, "rolls/import_list.html", {"pager": pager, "rows": rows})


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require(request, IMPORT)
    form = RollUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            jobs.upload_check(request.user, data, upload.name)
        except RollFileError as error:
            form.add_error("file", str(error))
        else:
            ri = jobs.import_start(by=_user(request), data=data, file_name=upload.name)
            return redirect("rolls:import-detail", ri.pk)
    return render(request, "rolls/import_upload.html", {"form": form})


@require_GET
@vary_on_headers("HX-Request")
def import_detail(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    ri = selectors.access_import(request.user, import_id)
    state = jobs.import_state(ri)
    done, percent = selectors.import_progress(ri)
    context: dict[str, Any] = {
        "ri": ri,
        "state": state,
        "rows_read": done,
        "percent": percent,
        "resumable": jobs.import_resumable(ri),
    }
    if state in ("done", "failed"):
        context |= _import_report(request, ri)
    template = "rolls/import_detail.html"
    if request.htmx:
        template += "#report"
    return render(request, template, context)


def _import_report(request: HttpRequest, ri: RollImport) -> dict[str, Any]:
    part_id = PartFilterForm(request.GET).part_id()
    changes = selectors.changes_for_import(request.user, ri, part_id=part_id)
    changes_pager = _pager(request, changes, param="cpage")
    return {
        "rejected_pager": _pager(request, selectors.rejected_rows(ri), param="rpage"),
        "change_counts": selectors.change_counts(changes),
        "changes_pager": changes_pager,
        "change_rows": selectors.change_rows(changes_pager.page.object_list),
        "change_parts": selectors.change_parts(request.user, ri),
        "part_id": part_id,
        "may_export": user_can(request.user, EXPORT),
    }


@require_POST
def import_resume(request: HttpRequest, import_id: int) -> HttpResponse:
    ri = selectors.access_import(request.user, import_id)
    if jobs.import_resume(by=_user(request), ri=ri):
        messages.success(request, _("The import continues from where it stopped."))
    else:
        messages.error(request, _("This import cannot be resumed."))
    return redirect("rolls:import-detail", ri.pk)


@require_GET
def import_changes_csv(request: HttpRequest, import_id: int) -> HttpResponseBase:
    ri = selectors.access_import(request.user, import_id)
    _require(request, EXPORT)
    part_id = PartFilterForm(request.GET).part_id()
    changes = visible(request.user, EXPORT, RollChange.objects.filter(roll_import=ri))
    if part_id is not None:
        changes = changes.filter(part_id=part_id)
    changes = changes.select_related("ac", "part").order_by(
        "part__number_int", "part__number", "serial_no", "id"
    )
    _audit_export(request, ri, "changes", changes.count(), part=part_id)
    return exports.csv_response(
        f"roll-changes-import-{ri.pk}.csv",
        exports.changes_header(),
        exports.changes_rows(changes),
    )


# --------------------------------------------------------------------------------------
# Claims and objections (Form 7)
# --------------------------------------------------------------------------------------


def _claims_place(
    request: HttpRequest,
) -> tuple[AssemblyConstituency | None, Part | None]:
    """The AC (?ac=) or part (?part=) of the list, in the viewer's EXPORT scope."""
    if request.GET.get("part"):
        part = access_part(request.user, request.GET["part"], action=EXPORT)
        return part.ac, part
    if request.GET.get("ac"):
        return access_ac(request.user, request.GET["ac"], action=EXPORT), None
    return None, None


@require_GET
def claims(request: HttpRequest) -> HttpResponse:
    _require(request, EXPORT)
    ac, part = _claims_place(request)
    context: dict[str, Any] = {"ac": ac, "part": part}
    if ac is None:
        context["acs"] = [
            (a, selectors.claims_counts(selectors.claims_marks(request.user, ac=a)))
            for a in selectors.acs_for(request.user, EXPORT)[:50]
        ]
        return render(request, "rolls/claims.html", context)
    marks = selectors.claims_marks(request.user, ac=ac, part=part)
    pager = _pager(request, marks, per_page=100)
    context |= {
        "counts": selectors.claims_counts(marks),
        "pager": pager,
        "rows": [(m, selectors.marked_by(m)) for m in pager.page.object_list],
        "query": request.GET.urlencode(),
    }
    return render(request, "rolls/claims.html", context)


@require_GET
def claims_csv(request: HttpRequest) -> HttpResponseBase:
    _require(request, EXPORT)
    ac, part = _claims_place(request)
    if ac is None:
        return redirect("rolls:claims")
    marks = selectors.claims_marks(request.user, ac=ac, part=part)
    counts = {kind: n for kind, _label, n in selectors.claims_counts(marks)}
    _audit_export(request, part or ac, "claims", sum(counts.values()), findings=counts)
    place = f"{ac.number}-{part.number}" if part is not None else f"{ac.number}"
    stamp = timezone.localdate().isoformat()
    return exports.csv_response(
        f"form7-{place}-{stamp}.csv",
        exports.claims_header(),
        exports.claims_rows(marks),
    )
