"""Bulk onboarding from the console: a province's missing local governments, created by a Celery
worker (each takes about a second: a province of them does not fit a request), with the progress
shown on a page that polls."""

import logging

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from kombu.exceptions import OperationalError

from accounts.decorators import permission_or_403
from kernel.forms import form_add_service_errors

from ..forms.console import BulkOnboardingForm
from ..models import OnboardingRun
from ..selectors import onboarding_runs_recent
from ..services.bulk_onboarding import onboarding_run_fail, onboarding_run_start
from ..services.console_audit import Actor
from ..services.municipalities import MunicipalityError
from ..tasks import onboarding_run_task

logger = logging.getLogger(__name__)
CONSOLE = "accounts.use_console"


def _enqueue(run: OnboardingRun) -> None:
    try:
        onboarding_run_task.delay(run.pk)
    except OperationalError:
        logger.exception("could not enqueue bulk onboarding run %s", run.pk)
        onboarding_run_fail(run=run, message=_(
            "The task queue cannot be reached, so nothing was created. Try again in a few minutes."))


@permission_or_403(CONSOLE)
@require_http_methods(["GET", "POST"])
def onboarding(request):
    form = BulkOnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = onboarding_run_start(province_code=form.cleaned_data["province_code"],
                                       limit=form.cleaned_data["limit"], actor=Actor.of(request.user))
        except MunicipalityError as error:
            form_add_service_errors(form, error.as_validation_error(), unnamed="province_code")
        else:
            # After commit: the worker must find the row.
            transaction.on_commit(lambda: _enqueue(run))
            return redirect("tenants:onboarding-run", pk=run.pk)
    return render(request, "tenants/console_onboarding.html",
                  {"form": form, "runs": onboarding_runs_recent()}, status=400 if form.errors else 200)


@permission_or_403(CONSOLE)
def onboarding_run(request, pk):
    run = get_object_or_404(OnboardingRun, pk=pk)
    template = "tenants/_onboarding_progress.html" if request.htmx else "tenants/console_onboarding_run.html"
    return render(request, template, {"run": run})
