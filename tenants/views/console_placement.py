"""The console's page for moving one municipality to another worker of a Citus cluster
(tenants/services/placement.py). 404 on one server, where there is nowhere to move it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403

from .. import citus
from ..selectors import console_municipality_get
from ..services.console_audit import Actor
from ..services.municipalities import MunicipalityError
from ..services.placement import cluster_workers, municipality_move, municipality_node

CONSOLE = "accounts.use_console"


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def municipality_move_view(request, schema):
    if not citus.enabled():
        raise Http404
    municipality = console_municipality_get(schema_name=schema)
    if request.method == "POST":
        try:
            result = municipality_move(municipality=municipality, to_node=request.POST.get("node", ""),
                                       actor=Actor.of(request.user))
        except MunicipalityError as error:
            messages.error(request, str(error))
            return redirect("tenants:municipality-move", schema=municipality.schema_name)
        messages.success(request, _("%(name)s now lives on %(node)s (moved in %(seconds).1f s).") % {
            "name": municipality.name_th, "node": result.target, "seconds": result.seconds})
        return redirect("tenants:municipality-detail", schema=municipality.schema_name)
    return render(request, "tenants/municipality_move.html", {
        "m": municipality, "node": municipality_node(municipality=municipality), "workers": cluster_workers(),
    })
