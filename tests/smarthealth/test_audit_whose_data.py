"""The access log records refused reads and whose data a list showed (issue 22, finding 4):
a 404/403 on a person or household leaves a DENIED row; list, print and export rows name the
persons shown by public id (the page, the print-out, the file), never by name or national ID."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from smarthealth.models import AccessLog
from tests.helpers import host_client, login

from .conftest import make_cid, person_build

pytestmark = pytest.mark.django_db


def client_for(username):
    return login(host_client("kantang.localhost"), "kantang", username)


def last_row(**filters) -> AccessLog:
    with schema_context("kantang"):
        return AccessLog.objects.filter(**filters).order_by("-id").first()


def test_a_volunteer_refused_a_household_leaves_a_denied_row(other_household, own_household):
    client = client_for("volunteer")
    assert client.get(reverse("smarthealth:household-detail", args=[other_household.pk])).status_code == 404
    row = last_row(object_type="household")
    assert (row.action, row.outcome, row.object_ref, row.username, row.detail) == (
        "view", "denied", str(other_household.pk), "volunteer", {"reason": "out_of_scope"})
    assert client.get(reverse("smarthealth:household-detail", args=[987654321])).status_code == 404
    assert last_row(object_type="household").detail == {"reason": "unknown"}


def test_a_refused_change_is_recorded_with_its_action(other_household):
    client = client_for("nurse")
    update = reverse("smarthealth:household-update", args=[other_household.pk])
    response = client_for("volunteer").post(update, {"house_no": "x"})
    assert response.status_code == 403  # a volunteer may not change households at all
    row = last_row(object_type="household")
    assert (row.action, row.outcome, row.detail) == ("update", "denied", {"reason": "no_permission"})
    assert client.get(reverse("smarthealth:household-update", args=[other_household.pk])).status_code == 200


def test_a_role_without_the_permission_is_recorded_too(own_person):
    assert client_for("engineer").get(
        reverse("smarthealth:person-detail", args=[own_person.public_id])).status_code == 403
    row = last_row(object_type="person")
    assert (row.action, row.outcome, row.username, row.object_ref) == (
        "view", "denied", "engineer", str(own_person.public_id))


def test_an_allowed_read_is_marked_allowed(own_person):
    client_for("nurse").get(reverse("smarthealth:person-detail", args=[own_person.public_id]))
    assert last_row(object_type="person").outcome == "allowed"


def test_the_person_list_row_names_the_persons_on_the_page(own_person, other_person):
    client = client_for("nurse")
    client.post(reverse("smarthealth:person-list"), {"q": "ทดสอบ", "community": "ชุมชนทดสอบ"})
    row = last_row(object_type="person_list")
    assert row.detail["persons"] == [str(own_person.public_id)]
    assert own_person.first_name not in str(row.detail) and make_cid(1) not in str(row.detail)


def test_the_volunteers_list_row_names_the_members_shown(own_person):
    client = client_for("volunteer")
    posted = client.post(reverse("smarthealth:visit-list"), {"q": own_person.first_name})
    client.get(posted["Location"])
    row = last_row(object_ref="my_households")
    assert row.detail["persons"] == [str(own_person.public_id)] and row.detail["count"] == 1


@pytest.fixture
def elderly(own_household, other_household):
    return [person_build(cid_seed=9100 + n, household=own_household if n % 2 else other_household,
                         first_name=f"สูงวัย{n}") for n in range(3)]


def test_care_list_print_and_export_rows_name_whose_data_was_shown(elderly):
    client = client_for("nurse")
    ids = {str(p.public_id) for p in elderly}
    query = {"community": elderly[1].household.community}
    shown_here = {str(p.public_id) for p in elderly if p.household.community == query["community"]}

    client.get(reverse("smarthealth:care-list", args=["elderly"]), query)
    listed = last_row(action="list", object_type="care_list")
    client.get(reverse("smarthealth:care-list", args=["elderly"]), {**query, "print": "1"})
    printed = last_row(action="print")
    response = client.get(reverse("smarthealth:care-export", args=["elderly", "csv"]), query)
    b"".join(response.streaming_content)
    exported = last_row(action="export")

    for row in (listed, printed, exported):
        assert set(row.detail["persons"]) == shown_here <= ids
        assert row.detail["count"] == len(shown_here)
        assert "persons_truncated" not in row.detail
        assert not any(p.first_name in str(row.detail) for p in elderly)


def test_the_audit_page_shows_and_filters_refusals(other_person):
    client_for("volunteer").get(reverse("smarthealth:person-detail", args=[other_person.public_id]))
    admin = client_for("admin")
    admin.cookies["django_language"] = "en"
    page = admin.get(reverse("smarthealth:audit-log"), {"outcome": "denied"}).content.decode()
    assert "1 entry" in page and 'class="sh-audit-denied"' in page
    assert "Tried: Opened a person&#x27;s record (refused)" in page
    assert "the record is outside the user&#x27;s households" in page
    assert str(other_person.public_id)[:8] in page
