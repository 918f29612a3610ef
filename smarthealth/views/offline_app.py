"""The installable web app of the village health volunteer: its manifest and its service worker,
both served from the site's root (a worker's scope cannot be wider than the folder it is served
from, and it must see the visit pages under /health/).

Neither holds personal data, and neither needs a signed-in user: the browser fetches a manifest
without cookies, and checks the worker for updates on its own.
"""

import hashlib
import json
from collections.abc import Callable

from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

SW_TEMPLATE = "smarthealth/offline/sw.js"
# What the two offline pages load (base.html, my_households.html, visit_form.html): kept by the
# worker next to the pages, under the names {% static %} gives them (hashed in production).
OFFLINE_ASSETS = (
    "css/app.css", "css/print.css", "css/smarthealth.css", "vendor/htmx/htmx.min.js", "js/app.js",
    "js/smarthealth/offline-register.js", "js/smarthealth/offline-outbox.js",
    "js/smarthealth/offline-households.js",
    "js/smarthealth/visit-form.js",
    "vendor/sarabun/sarabun-thai-400-normal.woff2", "vendor/sarabun/sarabun-latin-400-normal.woff2",
    "vendor/sarabun/sarabun-thai-600-normal.woff2", "vendor/sarabun/sarabun-latin-600-normal.woff2",
    "vendor/sarabun/sarabun-thai-700-normal.woff2", "vendor/sarabun/sarabun-latin-700-normal.woff2",
)
ICONS = (("icons/icon-192.png", "192x192", "any"), ("icons/icon-512.png", "512x512", "any"),
         ("icons/icon-maskable-512.png", "512x512", "maskable"))
THEME_COLOR = "#0b6e4f"  # app.css --color-primary

# Other modules' pages kept by the same worker (this module never imports them): each a callable
# returning {"group": name, "pages": {"list": url, "visit": url}, "routes": [{"pattern": a regex
# of the paths a kept page stands in for, "page": url}], "assets": [static paths]}. The ltc
# module registers its caregiver's list and visit form (ltc.hooks).
_other_pages: list[Callable[[], dict]] = []


def register_offline_pages(pages: Callable[[], dict]) -> None:
    if pages not in _other_pages:
        _other_pages.append(pages)


def _worker_config() -> dict:
    visit_url = reverse("smarthealth:visit-create", args=["00000000-0000-0000-0000-000000000000"])
    visit_prefix, _sep, visit_suffix = visit_url.partition("00000000-0000-0000-0000-000000000000")
    return {
        # A navigation to the list or to any visit form, when the network fails, gets the page
        # kept for that; the list itself is never kept (it holds names), only these two.
        "list_path": reverse("smarthealth:visit-list"),
        "visit_prefix": visit_prefix,
        "visit_suffix": visit_suffix,
        "pages": {"list": reverse("smarthealth:offline-households"),
                  "visit": reverse("smarthealth:offline-visit")},
        "assets": [static(path) for path in OFFLINE_ASSETS] + [static(path) for path, *_rest in ICONS]
        + [static(path) for path in _other_assets()],
        "groups": {g["group"]: {"pages": g["pages"], "routes": g["routes"]} for g in _other()},
    }


def _other() -> list[dict]:
    return [pages() for pages in _other_pages]


def _other_assets() -> list[str]:
    paths = {path for group in _other() for path in group.get("assets", ())}
    return sorted(paths - set(OFFLINE_ASSETS))


@never_cache
@require_GET
def service_worker(request):
    config = _worker_config()
    template = get_template(SW_TEMPLATE)
    # A new deploy (other hashed asset names) or a changed worker is a new cache: the worker
    # drops the old one when it takes over.
    version = hashlib.sha256((json.dumps(config, sort_keys=True) + template.template.source)
                             .encode()).hexdigest()[:12]
    config["cache"] = f"hv-offline-{version}"
    body = template.render({"config": json.dumps(config).replace("<", "\\u003c")})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    tenant = getattr(request, "tenant", None)
    place = getattr(tenant, "name_th", "") if tenant is not None else ""
    name = _("Home visits")
    response = JsonResponse({
        "name": f"{name} · {place}" if place else name,
        "short_name": name,
        "description": _(
            "The village health volunteer's households and home visits, also without a network."),
        "lang": "th",
        "start_url": reverse("smarthealth:visit-list"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for path, sizes, purpose in ICONS],
    }, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response
