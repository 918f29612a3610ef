"""Switched-off modules disappear: their URLs answer 404 on that municipality's host, with a page
that says so in the reader's language and how to reach the municipality instead (citizens come
to /report/ from posters and QR codes that may outlive the service).

Runs after the tenant and authentication middleware. It puts the municipality's components on
the request (read lazily, once per request) for the menu and the home page, and checks in
process_view, where the URL is already resolved, so it costs no extra URL resolution.
"""

from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from .registry import module_for_path
from .services.components import components_for


class ModuleGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_platform:
            request.components = SimpleLazyObject(lambda: components_for(tenant))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        components = getattr(request, "components", None)
        if components is None:
            return None
        match = request.resolver_match
        module = module_for_path(request.path_info, match.namespaces if match else [])
        if module is not None and not components.module_on(module):
            return render(request, "tenants/module_off.html", {
                "citizen_page": module == "public_report",
                "can_switch_on": request.user.is_authenticated
                and request.user.has_perm("accounts.customize_municipality"),
            }, status=404)
        return None
