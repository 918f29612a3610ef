"""The SLA targets grid (namespace `infrastructure`): the due time of a request per category ×
priority, which the municipal administrator sets and the others read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from ..forms.requests import SlaGridForm, sla_field_name
from ..models import DEFAULT_SLA_HOURS, Priority, RequestCategory, SlaRule
from ..selectors import sla_table
from ..services import sla_rule_set


@permission_or_403("infrastructure.view_slarule")
@require_http_methods(["GET", "POST"])
def sla_settings(request):
    """The due time per category × priority; the municipal administrator edits, others read."""
    can_edit = request.user.has_perm("infrastructure.manage_sla")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    table = sla_table()
    form = SlaGridForm(request.POST or None, table=table)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            with transaction.atomic():  # all cells or none
                for category, priority, hours in changes:
                    sla_rule_set(user=request.user, category=category, priority=priority, hours=hours)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if changes:
                messages.success(request, _(
                    "The due-time targets were saved. New requests and priority changes use them; "
                    "requests already received keep their due time."
                ))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("infrastructure:sla-settings")
    stored = set(SlaRule.objects.values_list("category", "priority"))
    rows = [
        {
            "category": category,
            "cells": [
                {
                    "field": form[sla_field_name(category, priority)],
                    "hours": table[category][priority],
                    "default": DEFAULT_SLA_HOURS[(category.value, priority.value)],
                    "custom": (category.value, priority.value) in stored,
                }
                for priority in Priority
            ],
        }
        for category in RequestCategory
    ]
    return render(
        request, "infrastructure/sla_settings.html",
        {"form": form, "rows": rows, "priorities": list(Priority), "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )
