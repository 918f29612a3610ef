"""Pages of the long-term care module (namespace `ltc`). Persons appear in URLs only by their
opaque public_id; cases, plans and visits by their number."""

from django.urls import path, re_path

from .views import cg, fund, offline, plans, register

app_name = "ltc"
urlpatterns = [
    path("", register.register, name="register"),
    path("enrol/<uuid:public_id>/", register.enrol, name="enrol"),
    path("decline/<uuid:public_id>/", register.decline, name="decline"),
    path("sync-discharged/", register.sync_discharged, name="sync-discharged"),
    path("cases/<int:pk>/", register.case_detail, name="case-detail"),
    path("cases/<int:pk>/assign/", register.case_assign_view, name="case-assign"),
    path("cases/<int:pk>/close/", register.case_close_view, name="case-close"),
    path("cases/<int:pk>/plan/", plans.plan_write, name="plan-write"),
    path("cases/<int:pk>/plan/copy/", plans.plan_copy, name="plan-copy"),
    path("cases/<int:pk>/visit/", cg.cg_visit, name="cg-visit"),
    path("cases/<int:pk>/monthly/", cg.monthly, name="monthly-report"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/print/", plans.plan_print, name="plan-print"),
    path("plans/<int:pk>/submit/", plans.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/decide/", plans.plan_decide, name="plan-decide"),
    path("plans/<int:pk>/pay/", plans.payment_add, name="payment-add"),
    path("fund/", fund.fund, name="fund"),
    re_path(r"^fund/export\.(?P<fmt>csv|xlsx)$", fund.fund_export, name="fund-export"),
    path("follow-up/", cg.followup, name="followup"),
    path("visits/<int:pk>/seen/", cg.visit_seen, name="visit-seen"),
    path("my-people/", cg.cg_home, name="cg-home"),
    path("my-people/offline/", offline.offline_list_page, name="offline-list"),
    path("my-people/offline/visit/", offline.offline_visit_page, name="offline-visit"),
    path("my-people/offline/copy/", offline.offline_copy, name="offline-copy"),
    path("visits/sync/", offline.visit_sync, name="visit-sync"),
    path("people/", register.people, name="people"),
    path("settings/", register.settings_page, name="settings"),
]
