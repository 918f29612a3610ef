"""The personal-data access log: revealing an ID writes one row; rows never change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from smarthealth.audit import audit_log
from smarthealth.models import AccessLog
from smarthealth.services import person_cid_reveal

from .conftest import make_cid


def test_revealing_an_id_writes_exactly_one_row(nurse, own_person, request_factory_get):
    cid = person_cid_reveal(person=own_person, user=nurse, request=request_factory_get())

    assert cid == make_cid(1)
    rows = AccessLog.objects.filter(action="reveal_cid")
    assert rows.count() == 1
    row = rows.get()
    assert row.object_ref == str(own_person.public_id)
    assert cid not in str(row.detail) + row.object_ref + row.path


@pytest.mark.parametrize("username", ["volunteer", "executive", "engineer"])
def test_only_nurses_and_administrators_reveal_ids(username, own_person, in_kantang):
    from accounts.models import User

    with pytest.raises(PermissionDenied):
        person_cid_reveal(person=own_person, user=User.objects.get(username=username))
    assert not AccessLog.objects.filter(action="reveal_cid").exists()


def test_the_administrator_reveals_too_and_reads_the_log(admin, nurse, own_person):
    person_cid_reveal(person=own_person, user=admin)
    assert admin.has_perm("smarthealth.view_accesslog")
    assert not nurse.has_perm("smarthealth.view_accesslog")


def test_a_log_row_cannot_be_changed_or_deleted(nurse):
    row = audit_log(user=nurse, action="list", object_type="care_list", object_ref="bedbound",
                    detail={"rows": 3})
    row.object_ref = "something else"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AccessLog.objects.filter(pk=row.pk).update(object_ref="x")
    with pytest.raises(TypeError):
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.get(pk=row.pk).object_ref == "bedbound"


def test_no_role_has_a_permission_to_change_the_log(in_kantang):
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT p.codename FROM auth_permission p JOIN django_content_type c
            ON c.id = p.content_type_id WHERE c.app_label = 'smarthealth' AND c.model = 'accesslog'
        """)
        assert [r[0] for r in cursor.fetchall()] == ["view_accesslog"]
