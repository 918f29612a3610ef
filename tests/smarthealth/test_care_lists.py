"""Care lists, their print view and exports: membership, role matrix, one audit row per read,
files that parse and hold no full national ID."""

import csv
import datetime as dt
import io
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from smarthealth.models import AccessLog
from smarthealth.rules import years_before
from smarthealth.selectors import care_queryset
from smarthealth.services import adl_assess, home_visit_record, ncd_screen, person_create
from tests.helpers import host_client, login

from .conftest import make_cid

OWN = "ชุมชนทดสอบ"     # own_household's community (assigned to the demo volunteer)
OTHER = "ชุมชนอื่น"      # other_household's community (nobody's)


def _born(today, years):
    """A birth date that makes the person `years` old today (and not about to turn older)."""
    return years_before(today, years) - dt.timedelta(days=10)


@pytest.fixture
def people(nurse, own_household, other_household):
    """Hand-made persons covering each list, created through the services."""
    today = timezone.localdate()
    made = {}

    def make(key, seed, household, age, **data):
        made[key] = person_create(user=nurse, data={
            "cid": make_cid(seed), "prefix": "นาง", "first_name": f"คนไข้{seed}",
            "last_name": "ทดสอบ", "sex": "F", "birth_date": _born(today, age),
            "household": household, **data})
        return made[key]

    day = dt.timedelta(days=1)
    # Bedbound, 70, never visited: bedridden and overdue.
    p = make("bed_never", 7001, own_household, 70)
    adl_assess(person=p, user=nurse, assessed_on=today - 5 * day, score=2)
    # Bedbound, 80, visited 3 days ago, next visit in 20 days: bedridden, not overdue.
    p = make("bed_visited", 7002, own_household, 80)
    adl_assess(person=p, user=nurse, assessed_on=today - 40 * day, score=3)
    home_visit_record(person=p, user=nurse, visited_on=today - 3 * day, sbp=130, dbp=80,
                      next_visit_due=today + 20 * day)
    # Bedbound, 75, visited 10 days ago but the next visit was due yesterday: overdue.
    p = make("bed_due", 7003, other_household, 75)
    adl_assess(person=p, user=nurse, assessed_on=today - 20 * day, score=0)
    home_visit_record(person=p, user=nurse, visited_on=today - 10 * day, next_visit_due=today - day)
    # Was bedbound, now homebound (latest assessment counts): not bedridden.
    p = make("was_bed", 7004, own_household, 85)
    adl_assess(person=p, user=nurse, assessed_on=today - 100 * day, score=1)
    adl_assess(person=p, user=nurse, assessed_on=today - 2 * day, score=8)
    # DM, 55: yellow before, red now → uncontrolled (red); not elderly.
    p = make("dm_red", 7005, other_household, 55, chronic_conditions=["DM"])
    ncd_screen(person=p, user=nurse, screened_on=today - 60 * day, fbs=130)
    ncd_screen(person=p, user=nurse, screened_on=today - 2 * day, fbs=250)
    # HT, 65: orange before, controlled now → not uncontrolled; elderly, not assessed.
    p = make("ht_controlled", 7006, own_household, 65, chronic_conditions=["HT"])
    ncd_screen(person=p, user=nurse, screened_on=today - 90 * day, sbp=170, dbp=100)
    ncd_screen(person=p, user=nurse, screened_on=today - 1 * day, sbp=130, dbp=80)
    # HT, 45: yellow → uncontrolled.
    p = make("ht_yellow", 7007, own_household, 45, chronic_conditions=["HT"])
    ncd_screen(person=p, user=nurse, screened_on=today - 1 * day, sbp=150, dbp=85)
    # No diagnosis, very high pressure: red, but not a DM/HT patient → not on "uncontrolled".
    p = make("undiagnosed", 7008, own_household, 40)
    ncd_screen(person=p, user=nurse, screened_on=today - 1 * day, sbp=185, dbp=95)
    # 50 years old: not elderly.
    make("fifty", 7009, own_household, 50)
    # 62, socially active.
    p = make("elderly_social", 7010, own_household, 62)
    adl_assess(person=p, user=nurse, assessed_on=today - 7 * day, score=18)
    # Disabled (visual), 30; and a deceased disabled person who is on no list.
    make("visual", 7011, other_household, 30, disability="visual")
    make("deceased", 7012, other_household, 72, disability="physical", status="deceased")
    return made


def _keys(people, qs):
    by_pk = {p.pk: key for key, p in people.items()}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True) if pk in by_pk}


def _client(user):
    return login(host_client("kantang.localhost"), "kantang", user.username)


def _audit_rows(**filters):
    with schema_context("kantang"):
        return list(AccessLog.objects.filter(**filters).order_by("id"))


def _url(kind, **query):
    base = reverse("smarthealth:care-list", kwargs={"kind": kind}, urlconf="cityplatform.urls_tenant")
    return f"{base}?{urlencode(query)}" if query else base


def _export_url(kind, fmt, **query):
    base = reverse("smarthealth:care-export", kwargs={"kind": kind, "fmt": fmt},
                   urlconf="cityplatform.urls_tenant")
    return f"{base}?{urlencode(query)}" if query else base


# --- membership -------------------------------------------------------------------------------
def test_it_puts_each_person_on_the_right_lists(people, nurse):
    assert _keys(people, care_queryset(nurse, "elderly", {})) == {
        "bed_never", "bed_visited", "bed_due", "was_bed", "ht_controlled", "elderly_social"}
    assert _keys(people, care_queryset(nurse, "bedridden", {})) == {"bed_never", "bed_visited", "bed_due"}
    assert _keys(people, care_queryset(nurse, "bedridden", {"overdue": "1"})) == {"bed_never", "bed_due"}
    assert _keys(people, care_queryset(nurse, "uncontrolled", {})) == {"dm_red", "ht_yellow"}
    assert _keys(people, care_queryset(nurse, "uncontrolled", {"condition": "DM"})) == {"dm_red"}
    assert _keys(people, care_queryset(nurse, "uncontrolled", {"colour": "yellow"})) == {"ht_yellow"}
    assert _keys(people, care_queryset(nurse, "disabled", {})) == {"visual"}
    assert _keys(people, care_queryset(nurse, "disabled", {"disability": "hearing"})) == set()


def test_it_filters_elderly_by_adl_group_including_not_assessed(people, nurse):
    assert _keys(people, care_queryset(nurse, "elderly", {"adl_group": "none"})) == {"ht_controlled"}
    assert _keys(people, care_queryset(nurse, "elderly", {"adl_group": "bedbound"})) == {
        "bed_never", "bed_visited", "bed_due"}
    assert _keys(people, care_queryset(nurse, "elderly", {"adl_group": "homebound"})) == {"was_bed"}
    assert _keys(people, care_queryset(nurse, "elderly", {"community": OTHER})) == {"bed_due"}
    assert _keys(people, care_queryset(nurse, "elderly", {"moo": "2"})) == {"bed_due"}


def test_it_flags_last_visit_and_overdue_on_the_bedridden_list(people, nurse):
    today = timezone.localdate()
    rows = {p.pk: p for p in care_queryset(nurse, "bedridden", {})}
    never, visited, due = (rows[people[k].pk] for k in ("bed_never", "bed_visited", "bed_due"))
    assert never.last_visit_on is None and never.is_overdue
    assert visited.last_visit_on == today - dt.timedelta(days=3) and not visited.is_overdue
    assert due.is_overdue and due.next_visit_due == today - dt.timedelta(days=1)


def test_the_page_lists_the_names_and_flags_overdue(people, nurse):
    response = _client(nurse).get(_url("bedridden", community=OWN))
    assert response.status_code == 200
    html = response.content.decode()
    assert "คนไข้7001" in html and "คนไข้7002" in html
    assert "คนไข้7003" not in html  # other community
    assert html.count('class="is-overdue"') == 1
    assert "no-store" in response["Cache-Control"]
    # The full national ID never appears, only the masked one.
    assert make_cid(7001) not in html and "x-xxxx-xxxxx-" in html


# --- role matrix ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["executive", "engineer"])
def test_aggregate_roles_get_403_on_lists_and_exports(people, role, in_kantang):
    from accounts.models import User
    client = _client(User.objects.get(username=role))
    before = len(_audit_rows())
    for url in (reverse("smarthealth:care-lists", urlconf="cityplatform.urls_tenant"),
                _url("elderly"), _url("bedridden", print=1), _export_url("elderly", "csv"),
                _export_url("disabled", "xlsx")):
        assert client.get(url).status_code == 403, url
    assert len(_audit_rows()) == before


def test_anonymous_visitors_are_sent_to_login(people):
    response = host_client("kantang.localhost").get(_url("elderly"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_volunteer_sees_only_assigned_households(people, volunteer):
    assert _keys(people, care_queryset(volunteer, "elderly", {})) == {
        "bed_never", "bed_visited", "was_bed", "ht_controlled", "elderly_social"}
    client = _client(volunteer)
    html = client.get(_url("elderly")).content.decode()
    assert "คนไข้7003" not in html  # bedbound, but in a household not assigned to them
    html = client.get(_url("uncontrolled")).content.decode()
    assert "คนไข้7005" not in html
    # The other community is not even a choice for them: a clear error, nothing listed.
    before = len(_audit_rows())
    response = client.get(_url("elderly", community=OTHER))
    assert response.status_code == 400
    assert "คนไข้7003" not in response.content.decode()
    assert len(_audit_rows()) == before


def test_a_volunteer_cannot_export(people, volunteer):
    assert _client(volunteer).get(_export_url("elderly", "csv")).status_code == 403


def test_an_unknown_list_is_404(people, nurse):
    assert _client(nurse).get(_url("everyone")).status_code == 404


# --- audit ------------------------------------------------------------------------------------
def test_each_list_view_writes_exactly_one_audit_row(people, nurse):
    client = _client(nurse)
    before = _audit_rows()
    response = client.get(_url("elderly", community=OWN))
    assert response.status_code == 200
    new = _audit_rows(id__gt=before[-1].id if before else 0)
    assert len(new) == 1
    row = new[0]
    assert (row.action, row.object_type, row.object_ref) == ("list", "care_list", "elderly")
    assert row.detail["count"] == 5 and row.detail["filters"] == {"community": OWN}
    assert row.username == "nurse"
    # No name or ID in the audit row.
    assert "คนไข้" not in str(row.detail) and "คนไข้" not in row.path


def test_an_htmx_refresh_returns_the_fragment_and_one_audit_row(people, nurse):
    client = _client(nurse)
    last = _audit_rows()[-1].id
    response = client.get(_url("uncontrolled", colour="red", community=OTHER), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="care-results"' in html and "คนไข้7005" in html
    assert response["HX-Push-Url"].endswith("?" + urlencode({"community": OTHER, "colour": "red"}))
    new = _audit_rows(id__gt=last)
    assert [(r.action, r.detail["count"]) for r in new] == [("list", 1)]


def test_bad_filters_get_a_clear_message_and_no_audit(people, nurse):
    last = _audit_rows()[-1].id
    response = _client(nurse).get(_url("elderly", moo="abc", adl_group="flying"))
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert _audit_rows(id__gt=last) == []


def test_the_print_view_is_audited_as_print(people, nurse):
    client = _client(nurse)
    last = _audit_rows()[-1].id
    response = client.get(_url("bedridden", community=OWN, print=1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-care-autoprint" in html and "คนไข้7001" in html and "care-print.js" in html
    assert "no-store" in response["Cache-Control"]
    new = _audit_rows(id__gt=last)
    assert [(r.action, r.object_ref, r.detail["count"]) for r in new] == [("print", "bedridden", 2)]


def test_the_index_shows_counts_without_auditing(people, nurse):
    last = _audit_rows()[-1].id
    response = _client(nurse).get(reverse("smarthealth:care-lists", urlconf="cityplatform.urls_tenant"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "คนไข้" not in html  # counts only
    for kind in ("elderly", "bedridden", "uncontrolled", "disabled"):
        assert _url(kind) in html
    assert _audit_rows(id__gt=last) == []


# --- exports ----------------------------------------------------------------------------------
def _no_full_cid(text, people):
    for person in people.values():
        with schema_context("kantang"):
            assert person.cid not in text
    assert not re.search(r"(?<!\d)\d{13}(?!\d)", text)


def test_the_csv_export_parses_and_holds_no_full_id(people, nurse):
    client = _client(nurse)
    last = _audit_rows()[-1].id
    response = client.get(_export_url("bedridden", "csv", community=OWN))
    assert response.status_code == 200
    today = timezone.localdate()
    assert f"care-bedridden-{today.year + 543}-{today.month:02d}-{today.day:02d}.csv" in \
        response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 2
    names = {row[2] for row in rows[1:]}
    assert names == {"คนไข้7001", "คนไข้7002"}
    assert all(row[0].startswith("x-xxxx-xxxxx-") for row in rows[1:])
    _no_full_cid(text, people)
    new = _audit_rows(id__gt=last)
    assert [(r.action, r.object_ref, r.detail["count"], r.detail["format"], r.detail["filters"])
            for r in new] == [("export", "bedridden", 2, "csv", {"community": OWN})]


def test_the_xlsx_export_parses_and_holds_no_full_id(people, admin):
    response = _client(admin).get(_export_url("uncontrolled", "xlsx", community=OTHER))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2 and rows[1][2] == "คนไข้7005"
    _no_full_cid("\n".join(",".join(row) for row in rows), people)


def test_an_export_writes_exactly_one_audit_row_with_the_count(people, nurse):
    last = _audit_rows()[-1].id
    response = _client(nurse).get(_export_url("elderly", "xlsx", community=OWN, adl_group="bedbound"))
    assert response.status_code == 200
    new = _audit_rows(id__gt=last)
    assert len(new) == 1 and new[0].action == "export" and new[0].detail["count"] == 2


def test_the_index_counts_match_the_lists(people, nurse, volunteer):
    from smarthealth.selectors import care_counts
    for user in (nurse, volunteer):
        counts = care_counts(user)
        assert counts["elderly"] == care_queryset(user, "elderly", {}).count() >= 5
        assert counts["elderly_none"] == care_queryset(user, "elderly", {"adl_group": "none"}).count()
        assert counts["elderly_bedbound"] == care_queryset(user, "elderly", {"adl_group": "bedbound"}).count()
        assert counts["bedridden"] == care_queryset(user, "bedridden", {}).count()
        assert counts["bedridden_overdue"] == care_queryset(user, "bedridden", {"overdue": "1"}).count()
        assert counts["uncontrolled"] == care_queryset(user, "uncontrolled", {}).count()
        assert counts["uncontrolled_red"] == care_queryset(user, "uncontrolled", {"colour": "red"}).count()
        assert counts["disabled"] == care_queryset(user, "disabled", {}).count()
