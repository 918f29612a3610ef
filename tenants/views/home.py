import logging

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from kernel.personal import personal_data

from ..services.components import components_for, dashboard_for

logger = logging.getLogger(__name__)


@personal_data  # a volunteer's or a nurse's home lists the people to see today
@login_required
def home(request):
    """A municipality's signed-in home: the layout of the user's role (tenants.services.components),
    with the widgets this user may see, in order and at their widths."""
    components = getattr(request, "components", None) or components_for(request.tenant)
    widgets = [
        {**item, "html": _widget_html(request, item["widget"], item["width"])}
        for item in dashboard_for(request, components)
    ]
    return render(
        request,
        "tenants/home.html",
        {
            "tenant": request.tenant,
            "widgets": widgets,
            "leaflet": any(item["widget"].leaflet for item in widgets),
            "widget_scripts": list(dict.fromkeys(s for item in widgets for s in item["widget"].scripts)),
            "can_customize": request.user.has_perm("accounts.customize_municipality"),
            "today": timezone.localdate(),
            "role": getattr(request.user, "role", None),
        },
    )


def _widget_html(request, widget, width: str) -> str:
    """One widget's HTML. A failing widget is logged and shows a short notice, so one broken
    query never takes the whole home page down."""
    try:
        context = widget.context(request) if widget.context else {}
        context.update(widget=widget, width=width)
        return render_to_string(widget.template, context, request=request)
    except Exception:
        logger.exception("home-page widget %s failed", widget.key)
        return render_to_string("widgets/failed.html", {"widget": widget}, request=request)
