"""The fund's view per budget year (counts and money by group: no name, so the executive reads
it too), the plans waiting for a decision (names: the fund's officer only) and the export the
staff re-key into the NHSO LTC programme and 3C (no public API exists for either)."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.decorators import permission_or_403
from kernel.exports import in_language, spreadsheet_response
from kernel.thaidate import export_date
from smarthealth.audit import audit_log, persons_shown
from smarthealth.erasure import ERASED_HASH_PREFIX
from smarthealth.models import AccessLog

from ..models import CarePlan
from ..rules import Group
from ..selectors import current_budget_year, export_rows, fund_lines, ltc_counts

FUND = "ltc.view_ltc_fund"
APPROVE = "ltc.approve_ltc"
EXPORT = "ltc.export_ltc_fund"


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2500 <= int(value) <= 2700 else current_budget_year()


@never_cache
@permission_or_403(FUND)
def fund(request):
    year = _year(request)
    lines, total = fund_lines(year=year)
    labels = dict(Group.choices)
    for line in lines:
        line.label = labels[line.group]
    context = {
        "year": year,
        "lines": lines,
        "total": total,
        "years": range(year - 2, year + 2),
        "counts": ltc_counts(),
        "group_labels": labels,
    }
    if request.user.has_perm(APPROVE):
        waiting = list(
            CarePlan.objects.filter(status=CarePlan.Status.SUBMITTED, budget_year=year)
            .exclude(case__person__cid_hash__startswith=ERASED_HASH_PREFIX)
            .select_related("case__person")
            .order_by("written_on")
        )
        audit_log(
            request=request,
            user=request.user,
            action=AccessLog.Action.LIST,
            object_type="ltc_fund",
            object_ref=str(year),
            detail=persons_shown(p.case.person for p in waiting),
        )
        context.update(waiting=waiting, may_export=request.user.has_perm(EXPORT))
    return render(request, "ltc/fund.html", context)


EXPORT_HEADER = (
    _("Budget year"),
    _("National ID"),
    _("Name"),
    _("Birth date"),
    "ADL",
    "TAI",
    _("Group"),
    _("CM licence number"),
    _("Care manager"),
    _("Caregiver"),
    _("Written on"),
    _("Approved on"),
    _("Meeting (no./year)"),
    _("Requested amount"),
    _("Approved amount"),
    _("Paid"),
    _("Remaining"),
)


@permission_or_403(APPROVE)
def fund_export(request, fmt: str):
    """The approved plans of the year, one row each, with the full national ID the NHSO programme
    is keyed by (the export permission and an audit row naming every person in the file)."""
    if not request.user.has_perm(EXPORT):
        raise Http404
    year = _year(request)
    plans, paid = export_rows(year=year)
    plans = list(plans)
    audit_log(
        request=request,
        user=request.user,
        action=AccessLog.Action.EXPORT,
        object_type="ltc_fund",
        object_ref=str(year),
        detail={"format": fmt, **persons_shown(p.case.person for p in plans)},
    )

    def rows():
        for plan in plans:
            person, manager, caregiver = plan.case.person, plan.written_by, plan.case.caregiver
            approved = plan.approved_amount or 0
            yield (
                plan.budget_year,
                person.cid,
                person.full_name,
                export_date(person.birth_date),
                plan.adl_score,
                plan.tai,
                plan.group,
                manager.licence_no if manager else "",
                manager.full_name if manager else "",
                caregiver.full_name if caregiver else "",
                export_date(plan.written_on),
                export_date(plan.decided_on),
                plan.meeting,
                plan.requested_amount,
                approved,
                paid[plan.pk],
                approved - paid[plan.pk],
            )

    today = timezone.localdate()
    response = spreadsheet_response(
        fmt=fmt,
        stem=f"ltc-plans-{year}-{today:%m%d}",
        header=[str(h) for h in EXPORT_HEADER],
        rows=in_language(rows()),
        sheet_title=f"LTC {year}",
    )
    response["Cache-Control"] = "no-store"
    return response
