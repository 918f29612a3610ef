"""The personal-data access log, for the municipality's administrator (PDPA accountability).

The log holds no personal data (opaque references, filters and counts), so its filters may live
in the URL; its CSV export is still recorded in the log itself.
"""

import datetime as dt
import uuid

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache

from accounts.decorators import permission_or_403
from kernel.exports import csv_response, in_language
from kernel.thaidate import thai_datetime

from ..audit import audit_log, persons_shown
from ..forms.registry import AccessLogFilterForm
from ..models import AccessLog
from .audit_words import lines_for, object_type_label, people_names

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
    if person := filters.get("person"):
        # Every row about this person: their own record, and the lists that showed them.
        ref = str(person)
        rows = rows.filter(Q(object_type="person", object_ref=ref) | Q(detail__persons__contains=[ref]))
    if start := filters.get("date_from"):
        rows = rows.filter(at__gte=_day_start(start))
    if end := filters.get("date_to"):
        # The whole last day counts: before midnight at its end, in local time.
        rows = rows.filter(at__lt=_day_start(end + dt.timedelta(days=1)))
    return rows


def _form(request) -> AccessLogFilterForm:
    usernames = list(AccessLog.objects.exclude(username="").order_by("username").values_list(
        "username", flat=True).distinct())
    names = people_names(usernames)
    types = AccessLog.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    return AccessLogFilterForm(
        request.GET,
        usernames=sorted(((u, names.get(u, u)) for u in usernames), key=lambda pair: pair[1]),
        object_types=[(t, object_type_label(t)) for t in types])


def _json_safe(filters: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, uuid.UUID) else v
            for k, v in filters.items()}


def _names_visible(user) -> bool:
    return user.has_perm("smarthealth.view_person")


@never_cache
@permission_or_403("smarthealth.view_accesslog")
def audit_log_page(request):
    form = _form(request)
    filters = form.filters()
    page = Paginator(access_log_filtered(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    lines = lines_for(page, names_visible=_names_visible(request.user))
    named = [line.whose_person for line in lines if line.whose_person]
    if named:
        # The page names the persons whose records were read: reading it is a read of those names.
        audit_log(request=request, user=request.user, action=AccessLog.Action.LIST,
                  object_type="access_log", object_ref="page",
                  detail={"page": page.number, **persons_shown(dict.fromkeys(named))})
    return render(request, "smarthealth/audit_log.html", {
        "form": form, "page": page, "query": query.urlencode(), "lines": lines,
        "person_filtered": bool(filters.get("person")),
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
    # The page's columns, then what an investigation traces an entry by: the sign-in name, the
    # record's reference (the only handle on it where names are hidden) and the page it was read on.
    header = [_("Time"), pgettext("audit", "Who"), _("Role"), _("What"), _("Outcome"), _("Whose record"),
              _("Detail"), _("From"), _("Username"), _("Record reference"), _("Page")]
    outcomes = dict(AccessLog.Outcome.choices)
    names_visible = _names_visible(request.user)

    def lines():
        chunk = []
        for row in rows.iterator(chunk_size=2000):
            chunk.append(row)
            if len(chunk) == 2000:
                yield from _export_lines(chunk, outcomes, names_visible)
                chunk = []
        yield from _export_lines(chunk, outcomes, names_visible)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # A file to read, as the page reads: numbers of 1,000 or more with their thousands separator.
    return csv_response(filename=f"access-log-{stamp}.csv", header=header, rows=in_language(lines()),
                        grouped=True)


def _export_lines(rows: list[AccessLog], outcomes: dict, names_visible: bool):
    for line in lines_for(rows, names_visible=names_visible):
        row = line.row
        yield [thai_datetime(row.at), line.who, line.role, line.what, outcomes.get(row.outcome, row.outcome),
               line.whose, line.detail, line.where, row.username, row.object_ref, row.path]
