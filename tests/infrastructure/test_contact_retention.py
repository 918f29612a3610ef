"""The report page promises reporters' contact details go a year after the request is closed."""

from datetime import timedelta

from django.utils import timezone

from infrastructure.models import RequestCategory, ServiceRequest
from infrastructure.services import service_request_contacts_purge, service_request_create

from .helpers import point


def _request(*, closed_days_ago):
    request = service_request_create(
        data={"category": RequestCategory.LIGHTING, "description": "ไฟดับ", "location": point(),
              "reporter_name": "สมชาย ใจดี", "reporter_phone": "0812345678",
              "reporter_email": "somchai@example.com"},
        channel="public_web",
    )
    if closed_days_ago is not None:
        ServiceRequest.objects.filter(pk=request.pk).update(
            status="closed", closed_at=timezone.now() - timedelta(days=closed_days_ago)
        )
    return request


def test_it_erases_contacts_a_year_after_closing_and_keeps_the_rest(in_kantang):
    old = _request(closed_days_ago=400)
    recent = _request(closed_days_ago=100)
    still_open = _request(closed_days_ago=None)

    assert service_request_contacts_purge() == 1

    old.refresh_from_db()
    assert (old.reporter_name, old.reporter_phone, old.reporter_email) == ("", "", "")
    assert old.description == "ไฟดับ"
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.reporter_phone == "0812345678"
    assert service_request_contacts_purge() == 0
