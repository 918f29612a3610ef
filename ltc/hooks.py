"""What the LTC module registers with the platform at start-up (LtcConfig.ready()): what each role
may do, its menu entries and module, its demo seed, the close-on-discharge step after every
43-file import, and its part of a person's PDPA erasure."""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

MANAGE = "ltc.manage_ltc"
APPROVE = "ltc.approve_ltc"
FUND = "ltc.view_ltc_fund"
COUNTS = "ltc.view_ltc_aggregates"
CG_VISIT = "ltc.record_cg_visit"
CONFIGURE = "ltc.configure_ltc"
EXPORT = "ltc.export_ltc_fund"


def connect() -> None:
    from accounts.navigation import NavItem, register
    from accounts.roles import Role, grant
    from tenants.demo import register_seeder
    from tenants.registry import Module, register_module

    from . import demo

    # The CM is a nurse (or health officer) user with a CareManager row: the nurse role opens the
    # register; writing a plan also needs the row (services.care_plan_write checks it).
    grant(Role.NURSE, MANAGE, FUND, COUNTS)
    # The administrator can do everything here: the register, decisions, payments, settings.
    grant(Role.ADMIN, MANAGE, APPROVE, FUND, COUNTS, CONFIGURE, EXPORT)
    # The fund's officer: the subcommittee's decisions and the payments, the fund's view and its
    # export; the plans sent to the fund only (selectors.cases_for), not the register, the
    # health registry or the settings of any module.
    grant(Role.LTC_FUND_OFFICER, APPROVE, FUND, COUNTS, EXPORT)
    # Counts and money, never a name.
    grant(Role.EXECUTIVE, FUND, COUNTS)
    # A caregiver sees only the people assigned to her (selectors.cg_cases_for).
    grant(Role.CAREGIVER, CG_VISIT)

    register(
        NavItem("ltc", _("Long-term care"), "ltc:register", 34, scope="tenant", permission=MANAGE),
        NavItem("ltc-fund", _("LTC fund"), "ltc:fund", 35, scope="tenant", permission=FUND),
        NavItem("ltc-my-people", _("My care visits"), "ltc:cg-home", 36, scope="tenant", permission=CG_VISIT),
    )
    # Not `requires=("smarthealth",)`: switching the health module off would then be refused
    # while this one is on; the LTC pages read the registry either way.
    register_module(
        Module(
            "ltc", _("Long-term care"), nav_keys=("ltc", "ltc-fund", "ltc-my-people"), url_namespaces=("ltc",)
        )
    )
    register_seeder("ltc", demo.seed)
    # The caregiver's list and visit form kept by the volunteers' service worker (issue 23).
    from smarthealth.views.offline_app import register_offline_pages

    from .views.offline import worker_pages

    register_offline_pages(worker_pages)
    _after_43_files()
    _on_erasure()


def _after_43_files() -> None:
    """Chain ltc's close-on-discharge after the 43-file dataset's own after_import: the health
    module never imports this one (the house's layers), so the step is added from here."""
    from imports.registry import get, register

    from .services import cases_close_discharged

    dataset = get("moph43")
    if dataset is None or getattr(dataset.after_import, "ltc_chained", False):
        return
    before = dataset.after_import

    def after_import(job) -> None:
        if before is not None:
            before(job)
        cases_close_discharged(user=job.user)

    after_import.ltc_chained = True  # type: ignore[attr-defined]
    register(replace(dataset, after_import=after_import))


def _on_erasure() -> None:
    """A person's PDPA erasure empties what the LTC records say of them (services.erasure)."""
    from smarthealth.erasure import person_erased

    from .services.erasure import ltc_person_erase

    def erase(sender, *, person, summary, **kwargs) -> None:
        ltc_person_erase(person=person, summary=summary)

    person_erased.connect(erase, dispatch_uid="ltc-person-erased", weak=False)

