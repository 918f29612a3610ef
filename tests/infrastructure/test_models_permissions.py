"""What each role may do with assets and requests, and the workflow table as issue 3 states it."""

import pytest
from django.contrib.auth.models import Permission
from django_tenants.utils import schema_context

from accounts.models import User
from infrastructure.models import OPEN_STATUSES, TRANSITIONS


def test_the_workflow_table_is_the_agreed_one():
    assert {k: set(v) for k, v in TRANSITIONS.items()} == {
        "received": {"assigned", "in_progress", "rejected", "duplicate"},
        "assigned": {"in_progress", "received", "rejected", "duplicate"},
        "in_progress": {"resolved", "assigned"},
        "resolved": {"closed", "in_progress"},
        "rejected": {"received"},
        "closed": set(),
        "duplicate": set(),
    }
    assert OPEN_STATUSES == {"received", "assigned", "in_progress"}


def test_the_manage_sla_permission_exists(kantang):
    with schema_context("kantang"):
        assert Permission.objects.filter(
            codename="manage_sla", content_type__app_label="infrastructure", content_type__model="slarule"
        ).exists()


@pytest.mark.parametrize(
    ("username", "allowed", "refused"),
    [
        ("admin", ["add_asset", "delete_asset", "change_servicerequest", "manage_sla", "change_slarule"], []),
        ("engineer", ["add_asset", "change_asset", "delete_asset", "add_assetphoto",
                      "view_assetconditionchange", "add_servicerequest", "change_servicerequest",
                      "view_servicerequestevent", "view_slarule"], ["manage_sla", "change_slarule"]),
        ("executive", ["view_asset", "view_servicerequest", "view_slarule"],
         ["change_asset", "add_servicerequest", "manage_sla"]),
        ("nurse", [], ["view_asset", "view_servicerequest"]),
        ("volunteer", [], ["view_asset", "view_servicerequest"]),
    ],
)
def test_each_role_gets_what_issue_3_grants(kantang, username, allowed, refused):
    with schema_context("kantang"):
        user = User.objects.get(username=username)
        for codename in allowed:
            assert user.has_perm(f"infrastructure.{codename}"), codename
        for codename in refused:
            assert not user.has_perm(f"infrastructure.{codename}"), codename
