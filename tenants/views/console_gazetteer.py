"""Small JSON answers for the console's create and edit pages (static/js/tenants-console.js): the
districts of a province, the subdistricts of a district (with their centres), and the schema and
host a new municipality would get from its English name."""

import re

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from accounts.decorators import permission_or_403

from ..selectors import gazetteer_districts, gazetteer_subdistricts
from ..services.naming import domain_for_schema, schema_name_suggest

CONSOLE = "accounts.use_console"


def _code(request, name: str, digits: int) -> str:
    value = request.GET.get(name, "")
    return value if re.fullmatch(rf"\d{{{digits}}}", value) else ""


@permission_or_403(CONSOLE)
@require_GET
def districts(request):
    province = _code(request, "province", 2)
    return JsonResponse({"results": gazetteer_districts(province_code=province) if province else []})


@permission_or_403(CONSOLE)
@require_GET
def subdistricts(request):
    district = _code(request, "district", 4)
    return JsonResponse({"results": gazetteer_subdistricts(district_code=district) if district else []})


@permission_or_403(CONSOLE)
@require_GET
def names(request):
    """What the create form would make of this English name (and subdistrict) if left to it."""
    schema = schema_name_suggest(name_en=request.GET.get("name_en", "")[:200],
                                 subdistrict_code=_code(request, "subdistrict", 6))
    return JsonResponse({"schema_name": schema, "domain": domain_for_schema(schema) if schema else ""})
