"""The LINE Official Account page of a municipality's settings (and the console's copy)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kernel.personal import personal_data

from ..forms.line import LineChannelForm
from ..models import Domain
from ..services.line import line_channel_for, line_channel_update
from .editing import Editing, editor_name, editor_view

WEBHOOK_PATH = "/line/webhook/"  # cityplatform.urls_tenant mounts infrastructure.urls_line there


def _webhook_urls(request, editing: Editing) -> list[str]:
    domains = Domain.objects.filter(tenant=editing.municipality).order_by("-is_primary", "domain")
    return [f"https://{domain.domain}{WEBHOOK_PATH}" for domain in domains]


@editor_view
@personal_data  # never cache a page about credentials
@require_http_methods(["GET", "POST"])
def line_edit(request, editing: Editing):
    channel = line_channel_for(editing.municipality)
    form_kwargs = {"has_secret": bool(channel.channel_secret_sealed),
                   "has_token": bool(channel.access_token_sealed)}
    if request.method == "POST":
        form = LineChannelForm(request.POST, **form_kwargs)
        if form.is_valid():
            line_channel_update(
                municipality=editing.municipality, enabled=form.cleaned_data["enabled"],
                channel_secret=form.cleaned_data["channel_secret"],
                access_token=form.cleaned_data["access_token"], editor=editor_name(request),
            )
            messages.success(request, _("The LINE settings were saved."))
            return redirect(editing.url("line"))
    else:
        form = LineChannelForm(initial={"enabled": channel.enabled}, **form_kwargs)
    return render(request, "tenants/line_settings.html", {
        "form": form,
        "channel": channel,
        "target": editing.municipality,
        "on_console": editing.on_console,
        "back_url": editing.back_url,
        "webhook_urls": _webhook_urls(request, editing),
    })
