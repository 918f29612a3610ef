"""What changed in the last 24 hours, for the chosen hazard kinds: requests reported and requests
cleared (resolved, closed or rejected), and the households with a chosen vulnerability that a newly
reported hazard reaches. Counts only. Assets' conditions keep no history, so they are not in it."""

import datetime as dt
from dataclasses import replace

from django.db.models import Q
from django.utils import timezone

from infrastructure.models import OPEN_STATUSES, ServiceRequest

from . import REQUEST_KINDS, Query, households_at_risk, kind_label

WINDOW = dt.timedelta(hours=24)


def changes_since_yesterday(*, query: Query, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    since = now - WINDOW
    categories = [k for k in query.kinds if k in REQUEST_KINDS]
    requests = ServiceRequest.objects.filter(category__in=categories)
    reported = requests.filter(received_at__gte=since)
    cleared = (requests.exclude(status__in=OPEN_STATUSES)
               .filter(Q(resolved_at__gte=since) | Q(closed_at__gte=since)))
    newly = households_at_risk(query=replace(query, reported_since=since)) if categories else []
    by_kind = [{"kind": k, "label": kind_label(k), "reported": reported.filter(category=k).count(),
                "cleared": cleared.filter(category=k).count()} for k in categories]
    return {
        "since": since,
        "reported": sum(k["reported"] for k in by_kind),
        "cleared": sum(k["cleared"] for k in by_kind),
        "by_kind": by_kind,
        "households_newly_near": len(newly),
    }
