"""Bulk onboarding: every missing local government of a province, from the DOPA gazetteer.

The gazetteer the platform loads (load_thai_admin: provinces, districts, subdistricts) has no list
of local governments, so each subdistrict (ตำบล) stands for one: most of Thailand's ~7,850 local
governments are one ตำบล's SAO or municipality. Each is created as the SAO of its ตำบล
(องค์การบริหารส่วนตำบล<name>), coded and centred from the gazetteer; the platform team corrects the
kind and name of the few that are municipalities on the console's edit page. A subdistrict that
already has a municipality (any, archived included) is skipped, so a second run creates nothing.
Bangkok is one special local government, not a set of subdistrict ones: it is never bulk-created.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from kernel.stored_text import message_store

from ..models import ConsoleAuditEntry, Municipality, OnboardingRun, Province, Subdistrict
from .console_audit import Actor, console_audit_record
from .municipalities import MunicipalityError, municipality_create
from .naming import domain_for_schema, schema_name_suggest

logger = logging.getLogger(__name__)
BANGKOK = "10"
SAO_PREFIX_TH = "องค์การบริหารส่วนตำบล"
SAO_SUFFIX_EN = "Subdistrict Administrative Organization"
BUSY_FOR = dt.timedelta(hours=1)  # a province's few hundred take minutes


class OnboardingError(MunicipalityError):
    """Bulk onboarding cannot start as asked."""


@dataclass(frozen=True)
class Candidate:
    subdistrict_code: str
    name_th: str
    name_en: str


@dataclass
class OnboardingResult:
    total: int = 0
    created: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def onboarding_candidates(*, province_code: str | None) -> list[Candidate]:
    """The subdistricts of the province (of every province but Bangkok when None) that no
    municipality covers yet, in code order."""
    if not Subdistrict.objects.exists():
        raise OnboardingError(_("The gazetteer is not loaded: run manage.py load_thai_admin first."))
    if province_code == BANGKOK:
        raise OnboardingError(
            _("Bangkok is one special local government: create it on its own, not in bulk."))
    if province_code and not Province.objects.filter(code=province_code).exists():
        raise OnboardingError(_("There is no province with the code “%(code)s”."), {"code": province_code})
    subdistricts = Subdistrict.objects.exclude(district__province__code=BANGKOK).order_by("code")
    if province_code:
        subdistricts = subdistricts.filter(district__province__code=province_code)
    covered = set(Municipality.objects.exclude(subdistrict_code="")
                  .values_list("subdistrict_code", flat=True))
    return [
        Candidate(subdistrict_code=s.code, name_th=f"{SAO_PREFIX_TH}{s.name_th}",
                  name_en=f"{s.name_en} {SAO_SUFFIX_EN}".strip() if s.name_en else "")
        for s in subdistricts.only("code", "name_th", "name_en")
        if s.code not in covered
    ]


def municipalities_onboard_from_gazetteer(
    *, province_code: str | None, limit: int | None, actor: Actor,
    progress: Callable[[int, int, Candidate, Municipality | None, str], None] | None = None,
) -> OnboardingResult:
    """Create the missing local governments (at most `limit`), each in its own transaction so a
    failure stops nothing and what is done stays done. `progress(n, total, candidate,
    municipality or None, error)` is called after each."""
    candidates = onboarding_candidates(province_code=province_code)
    if limit is not None:
        candidates = candidates[:limit]
    result = OnboardingResult(total=len(candidates))
    for n, candidate in enumerate(candidates, 1):
        municipality, error, stored = None, "", {}
        try:
            with transaction.atomic():
                schema_name = schema_name_suggest(name_en=candidate.name_en,
                                                  subdistrict_code=candidate.subdistrict_code)
                municipality = municipality_create(
                    schema_name=schema_name, domain=domain_for_schema(schema_name), name_th=candidate.name_th,
                    name_en=candidate.name_en, kind=Municipality.Kind.SAO,
                    subdistrict_code=candidate.subdistrict_code,
                )
                console_audit_record(municipality=municipality, actor=actor,
                                     action=ConsoleAuditEntry.Action.CREATE, details={"bulk": True})
            result.created.append(municipality.schema_name)
        except MunicipalityError as failure:
            error, stored = failure.bilingual(), message_store(failure.message, failure.params)
        except Exception as failure:  # one broken schema must not stop a province of them
            logger.exception("bulk onboarding of subdistrict %s failed", candidate.subdistrict_code)
            error = f"{type(failure).__name__}: {failure}"
        if error:
            # "message" as the command prints it; "text" read in the console reader's language.
            result.errors.append({"code": candidate.subdistrict_code, "message": error,
                                  **({"text": stored} if stored else {})})
        if progress:
            progress(n, result.total, candidate, municipality, error)
    return result


@transaction.atomic
def onboarding_run_start(*, province_code: str, limit: int | None, actor: Actor) -> OnboardingRun:
    """A run of bulk onboarding for the console; the caller hands run.pk to the Celery task after
    commit. Refused while another run for the same province is waiting or running."""
    onboarding_candidates(province_code=province_code)  # refuses an unknown province or Bangkok now
    # A run whose worker died (or never came) stops counting as busy after BUSY_FOR: running the
    # province again is safe, it creates only what is still missing.
    busy = OnboardingRun.objects.select_for_update().filter(
        province_code=province_code, status__in=[OnboardingRun.Status.QUEUED, OnboardingRun.Status.RUNNING],
        queued_at__gte=timezone.now() - BUSY_FOR)
    if busy.exists():
        raise OnboardingError(_("A bulk onboarding of this province is already under way."))
    run = OnboardingRun.objects.create(province_code=province_code, limit=limit,
                                       actor_username=actor.username, actor_name=actor.name)
    console_audit_record(municipality=None, actor=actor, action=ConsoleAuditEntry.Action.BULK_ONBOARDING,
                         details={"province_code": province_code, "limit": limit, "run": run.pk})
    return run


def onboarding_run_fail(*, run: OnboardingRun, message: Any, params: dict | None = None) -> None:
    """The run ends as failed with why (a lazy message and its values): kept to be read in the
    reader's language, and as "ไทย / English" text."""
    OnboardingRun.objects.filter(pk=run.pk).update(
        status=OnboardingRun.Status.FAILED, message=bilingual(message, params),
        message_data=message_store(message, params), finished_at=timezone.now())


def onboarding_run_execute(*, run_id: int) -> OnboardingRun:
    """What the Celery task does: the run's province, progress written to its row after each."""
    run = OnboardingRun.objects.get(pk=run_id)
    if run.status != OnboardingRun.Status.QUEUED:
        return run  # delivered twice: the first delivery does the work
    actor = Actor(username=run.actor_username, name=run.actor_name)
    OnboardingRun.objects.filter(pk=run.pk).update(status=OnboardingRun.Status.RUNNING,
                                                   started_at=timezone.now())

    result_errors: list[dict] = []

    def progress(n, total, candidate, municipality, error):
        if error:
            result_errors.append({"code": candidate.subdistrict_code, "message": error})
        OnboardingRun.objects.filter(pk=run.pk).update(
            total=total, created=n - len(result_errors), failed=len(result_errors),
            errors=result_errors[-50:])

    try:
        candidates = onboarding_candidates(province_code=run.province_code)
        OnboardingRun.objects.filter(pk=run.pk).update(
            total=min(len(candidates), run.limit) if run.limit is not None else len(candidates))
        result = municipalities_onboard_from_gazetteer(province_code=run.province_code, limit=run.limit,
                                                       actor=actor, progress=progress)
    except MunicipalityError as error:
        onboarding_run_fail(run=run, message=error.message, params=error.params)
    else:
        OnboardingRun.objects.filter(pk=run.pk).update(
            status=OnboardingRun.Status.DONE, total=result.total, created=len(result.created),
            failed=len(result.errors), errors=result.errors[-50:], finished_at=timezone.now())
    run.refresh_from_db()
    return run
