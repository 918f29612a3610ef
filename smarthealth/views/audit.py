"""The personal-data access log, for the municipality's administrator (PDPA accountability).

The log holds no personal data (opaque references, filters and counts), so its filters may live
in the URL; its CSV export is still recorded in the log itself.
"""

import datetime as dt
import json

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.decorators import permission_or_403
from imports.results import result_text
from kernel.exports import csv_response
from kernel.thaidate import thai_datetime

from ..audit import audit_log
from ..forms.registry import AccessLogFilterForm
from ..models import AccessLog

PAGE_SIZE = 50


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log_filtered(filters: dict) -> QuerySet[AccessLog]:
    rows = AccessLog.objects.all()
    if username := filters.get("username"):
        rows = rows.filter(username=username)
    if action := filters.get("action"):
        rows = rows.filter(action=action)
    if outcome := filters.get("outcome"):
        rows = rows.filter(outcome=outcome)
    if object_type := filters.get("object_type"):
        rows = rows.filter(object_type=object_type)
    if object_ref := filters.get("object_ref", "").strip():
        rows = rows.filter(object_ref=object_ref)
    if start := filters.get("date_from"):
        rows = rows.filter(at__gte=_day_start(start))
    if end := filters.get("date_to"):
        # The whole last day counts: before midnight at its end, in local time.
        rows = rows.filter(at__lt=_day_start(end + dt.timedelta(days=1)))
    return rows


def _form(request) -> AccessLogFilterForm:
    names = AccessLog.objects.exclude(username="").order_by("username").values_list(
        "username", flat=True).distinct()
    types = AccessLog.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    return AccessLogFilterForm(request.GET, usernames=list(names), object_types=list(types))


def _json_safe(filters: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in filters.items()}


@never_cache
@permission_or_403("smarthealth.view_accesslog")
def audit_log_page(request):
    form = _form(request)
    filters = form.filters()
    page = Paginator(access_log_filtered(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "smarthealth/audit_log.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "rows": [(row, _detail_text(row)) for row in page],
    })


@never_cache
@permission_or_403("smarthealth.view_accesslog")
def audit_log_export(request):
    """The filtered log as CSV (UTF-8 with BOM, for Excel); the export itself is logged."""
    form = _form(request)
    filters = form.filters()
    rows = access_log_filtered(filters)
    audit_log(request=request, user=request.user, action=AccessLog.Action.EXPORT,
              object_type="access_log", object_ref="csv",
              detail={"filters": _json_safe(filters), "count": rows.count()})
    header = [_("Time"), _("Username"), _("Role"), _("Action"), _("Outcome"), _("Object type"),
              _("Object reference"), _("Detail"), _("IP address"), _("Path")]
    actions, outcomes = dict(AccessLog.Action.choices), dict(AccessLog.Outcome.choices)

    def lines():
        for row in rows.iterator(chunk_size=2000):
            yield [thai_datetime(row.at), row.username, row.role, actions.get(row.action, row.action),
                   outcomes.get(row.outcome, row.outcome), row.object_type, row.object_ref,
                   _detail_text(row), row.ip or "", row.path]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(filename=f"access-log-{stamp}.csv", header=header, rows=lines())


def _detail_text(row: AccessLog) -> str:
    detail = row.detail
    if not detail:
        return ""
    if row.action == AccessLog.Action.IMPORT:
        # An import's counts in the reader's words (นำเข้าใหม่ 3 · ปฏิเสธ 1), as on the import page.
        return result_text(detail) or json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
