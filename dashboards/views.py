"""The dashboard page and the disaster view. Thin: parse the filters, read through aggregates /
sections (aggregate tables) or disaster (live, access-checked), render."""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import permission_or_403
from ltc.selectors import ltc_counts
from smarthealth.models import AccessLog

from . import aggregates, maps
from .disaster import (
    community_centres,
    disaster_summary,
    hazard_shapes,
    households_at_risk,
    may_see_households,
    people,
)
from .disaster.changes import changes_since_yesterday
from .forms import DashboardFilterForm, DisasterForm, TargetsForm
from .models import Part
from .sections import (
    ASSET_PERM,
    HEALTH_PERM,
    REQUEST_PERM,
    assets_section,
    health_section,
    requests_section,
)
from .services import dashboard_refresh, dashboard_targets_save
from .targets import targets_current


def _module_on(request, key: str) -> bool:
    components = getattr(request, "components", None)
    return components is None or components.module_on(key)


_LINKED_APPS = {"infrastructure", "smarthealth", "dashboards"}


def _stamp(updated) -> str:
    """When each part was last refreshed, as one key fragment: cached pieces live until then."""
    raw = "|".join(str(updated.get(part)) for part in (Part.INFRASTRUCTURE, Part.HEALTH))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _vary(user, filters, updated, targets) -> str:
    """What a rendered section depends on: the filters, the language, when its figures were last
    refreshed, the targets, and which links the reader may follow. Sections are cached under it
    (the cache keys carry the schema), so a page view between two refreshes reads no aggregate
    rows."""
    perms = sorted(p for p in user.get_all_permissions() if p.split(".")[0] in _LINKED_APPS)
    raw = "|".join([filters.community, str(filters.months), get_language() or "", _stamp(updated),
                    *perms, *(f"{key}={value}" for key, value in sorted(targets.items()))])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@permission_or_403("dashboards.view_dashboard")
def index(request):
    user = request.user
    updated = aggregates.updated_at()
    # The communities change only with a refresh too.
    communities = cache.get_or_set(f"dashboards:communities:{_stamp(updated)}", aggregates.communities, 3600)
    form = DashboardFilterForm(request.GET or None, communities=communities)
    filters = form.filters()
    targets = targets_current()
    vary = _vary(user, filters, updated, targets)
    context = {"form": form, "filters": filters, "tenant": request.tenant, "vary": vary,
               "can_disaster": user.has_perm("dashboards.view_disaster"),
               "can_set_targets": user.has_perm("dashboards.manage_targets")}
    # Lazy: a section is built only when the template misses its cached fragment.
    if user.has_perm(ASSET_PERM) and _module_on(request, "infrastructure"):
        context["show_infra"] = True
        context["infra"] = SimpleLazyObject(lambda: assets_section(user, filters, targets=targets))
    if user.has_perm(REQUEST_PERM) and _module_on(request, "service_requests"):
        context["show_req"] = True
        context["req"] = SimpleLazyObject(lambda: requests_section(user, filters, targets=targets))
    if user.has_perm(HEALTH_PERM) and _module_on(request, "smarthealth"):
        context["show_health"] = True
        context["health"] = SimpleLazyObject(lambda: health_section(user, filters, targets=targets))
    if user.has_perm("ltc.view_ltc_aggregates") and _module_on(request, "ltc"):
        # Long-term care: counts and money, no name (computed live: a handful of queries).
        context["ltc"] = SimpleLazyObject(ltc_counts)
    shown = []
    if "infra" in context or "req" in context:
        shown.append(Part.INFRASTRUCTURE)
    if "health" in context:
        shown.append(Part.HEALTH)
    context["infra_updated"] = updated.get(Part.INFRASTRUCTURE)
    context["health_updated"] = updated.get(Part.HEALTH)
    # The page as a whole is as fresh as its oldest part.
    times = [updated.get(part) for part in shown]
    context["updated_at"] = None if not times or None in times else min(times)
    cells = None
    if "req" in context:
        cells = cache.get_or_set(f"dashboards:cells:{vary}", lambda: context["req"]["cells"], 3600)
    context["leaflet"] = bool(cells)
    if context["leaflet"]:
        context["hotspot_data"] = maps.hotspot_map_data(request, cells)
    return render(request, "dashboards/index.html", context, status=400 if form.errors else 200)


@never_cache  # names of vulnerable people for the health roles: never kept by a browser or proxy
@permission_or_403("dashboards.view_disaster")
def disaster(request):
    """The view (?view=calls: the printable call list; ?format=xlsx: the same as Excel)."""
    user = request.user
    form = DisasterForm(request.GET or None)
    query = form.query()
    detail = may_see_households(user)
    context = {"form": form, "query": query, "metres": query.metres if query else None,
               "now": timezone.now(), "detail": detail}
    if query is None:
        return render(request, "dashboards/disaster.html", context, status=400)
    rows = households_at_risk(query=query)
    wants = request.GET.get("format") or request.GET.get("view")
    if wants and not detail:
        raise PermissionDenied
    if wants == "xlsx":
        return people.export_response(user, query=query, request=request, rows=rows)
    if wants == "calls":
        households = people.disaster_households(user, query=query, request=request, rows=rows,
                                                action=AccessLog.Action.PRINT)
        context["lines"] = people.call_list(households)
        return render(request, "dashboards/disaster_calls.html", context)
    if wants:
        raise Http404("unknown format")
    summary = disaster_summary(user, query=query, rows=rows)
    context["summary"] = summary
    context["changes"] = changes_since_yesterday(query=query)
    households = None
    if detail:
        households = people.disaster_households(user, query=query, request=request, rows=rows)
        context["households"] = households
        context["export_query"] = request.GET.urlencode()
    centres = community_centres([c["community"] for c in summary["by_community"]])
    context["map_data"] = maps.disaster_map_data(
        request, summary=summary, centres=centres,
        households=households, hazards=hazard_shapes(query=query) if detail else None)
    return render(request, "dashboards/disaster.html", context)


@permission_or_403("dashboards.manage_targets")
def targets(request):
    """The administrator's yardsticks: one percentage per figure, blank for none."""
    form = TargetsForm(request.POST or None, current=targets_current())
    if request.method == "POST" and form.is_valid():
        changed = dashboard_targets_save(values=form.values(), user=request.user)
        if changed:
            n = len(changed)
            messages.success(request, ngettext("%(n)s target saved.", "%(n)s targets saved.", n) % {"n": n})
        else:
            messages.info(request, _("No target changed."))
        return redirect("dashboards:targets")
    return render(request, "dashboards/targets.html", {"form": form},
                  status=400 if form.errors else 200)


# One on-demand refresh per municipality and part at a time: a crowd pressing the button during a
# council meeting costs one recomputation, not one each.
REFRESH_LOCK_SECONDS = 60


@require_POST
@permission_or_403("dashboards.view_dashboard")
def refresh(request):
    """Recompute the figures now, for the person looking (the nightly and after-edit refreshes
    keep them fresh otherwise), then show the dashboard with the filters it had."""
    parts = [part for part in Part.values if cache.add(f"dashboards:refresh-now:{part}", 1,
                                                       REFRESH_LOCK_SECONDS)]
    if parts:
        dashboard_refresh(parts=parts)
        messages.success(request, _("The figures have been recomputed just now."))
    else:
        messages.info(request, _("The figures were recomputed less than a minute ago."))
    # Back to the same filters; only the dashboard's own two, never a URL from the form.
    query = urlencode({key: request.POST[key] for key in ("community", "months") if request.POST.get(key)})
    target = reverse("dashboards:index")
    return redirect(f"{target}?{query}" if query else target)
