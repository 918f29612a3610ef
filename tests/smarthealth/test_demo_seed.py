"""The smart-health demo town seeded at the start of the session (seed_demo, size small): volume,
age structure, prevalence, protected national IDs, the demo volunteer's round, idempotence."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.roles import Role
from kernel.national_id import national_id_is_valid
from smarthealth import crypto
from smarthealth.demo import demo_house_id_prefix, demo_households, demo_persons, seed
from smarthealth.models import AdlAssessment, HomeVisit, Household, NcdScreening, Person
from smarthealth.rules import NCD_DIAGNOSES, ncd_colour, years_before
from smarthealth.selectors import with_current_adl, with_current_ncd

from .conftest import person_build

PILOTS = ("kantang", "nueaklong")


@pytest.fixture(params=PILOTS)
def pilot(request, kantang, nueaklong):
    municipality = {"kantang": kantang, "nueaklong": nueaklong}[request.param]
    with schema_context(municipality.schema_name):
        yield municipality


def _living():
    return demo_persons().filter(status=Person.Status.LIVING)


def _share(part: int, whole: int) -> float:
    assert whole, "nothing to take a share of"
    return part / whole


def test_it_seeds_a_town_of_small_size(pilot):
    persons = demo_persons().count()
    households = demo_households(pilot).count()
    assert 1500 <= persons <= 3000
    assert 500 <= households <= 1000
    sizes = Counter(demo_households(pilot).annotate(n=Count("members")).values_list("n", flat=True))
    assert set(sizes) <= {2, 3, 4, 5}


def test_it_has_the_age_structure_of_a_small_southern_town(pilot):
    today = timezone.localdate()
    living = _living()
    total = living.count()
    elderly = living.filter(birth_date__lte=years_before(today, 60)).count()
    children = living.filter(birth_date__gt=years_before(today, 15)).count()
    assert 0.14 <= _share(elderly, total) <= 0.20
    assert 0.16 <= _share(children, total) <= 0.26


def test_prevalence_is_plausible_and_rises_with_age(pilot):
    today = timezone.localdate()
    adults = _living().filter(birth_date__lte=years_before(today, 15))
    n = adults.count()
    assert 0.20 <= _share(adults.filter(chronic_conditions__contains=["HT"]).count(), n) <= 0.30
    assert 0.06 <= _share(adults.filter(chronic_conditions__contains=["DM"]).count(), n) <= 0.12
    young = adults.filter(birth_date__gt=years_before(today, 35))
    old = adults.filter(birth_date__lte=years_before(today, 60))

    def dm(qs):
        return _share(qs.filter(chronic_conditions__contains=["DM"]).count(), qs.count())

    assert dm(old) > 3 * dm(young)
    disabled = _living().exclude(disability="none").count()
    assert 0.01 <= _share(disabled, _living().count()) <= 0.04
    for code in ("CKD", "STROKE", "COPD", "CANCER"):
        assert adults.filter(chronic_conditions__contains=[code]).exists()


def test_prefixes_match_sex_and_age(pilot):
    today = timezone.localdate()
    for prefix, sex, birth_date in demo_persons().values_list("prefix", "sex", "birth_date"):
        child = birth_date > years_before(today, 15)
        expected = ({"ด.ช."} if sex == "M" else {"ด.ญ."}) if child else (
            {"นาย"} if sex == "M" else {"นาง", "นางสาว"})
        assert prefix in expected


def test_every_national_id_is_valid_synthetic_and_never_stored_in_plain_text(pilot):
    rows = list(demo_persons().values_list("id", "cid_hash", "cid_encrypted", "cid_last3"))
    cids = {}
    for pk, cid_hash, token, last3 in rows:
        cid = crypto.cid_decrypt(token)
        assert national_id_is_valid(cid)
        assert crypto.cid_hash(cid) == cid_hash
        assert cid[-3:] == last3
        cids[pk] = cid
    assert len(set(cids.values())) == len(rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, row_to_json(p)::text FROM smarthealth_person p")
        for pk, text in cursor.fetchall():
            if pk in cids:
                assert cids[pk] not in text


def test_households_lie_in_the_pilots_neighbourhoods(pilot):
    households = demo_households(pilot)
    assert households.filter(location__isnull=True).count() == 0
    prefix = demo_house_id_prefix(pilot)
    centre = pilot.centre
    for house_id, house_no, moo, community, road, point in households.values_list(
            "house_id", "house_no", "moo", "community", "road", "location"):
        assert re.fullmatch(rf"{prefix}\d{{6}}", house_id)
        assert re.fullmatch(r"\d+(/\d+)?", house_no)
        assert 1 <= moo <= 8
        assert community.startswith("ชุมชน") and road.startswith("ถนน")
        assert abs(point.x - centre.x) < 0.06 and abs(point.y - centre.y) < 0.06
        if pilot.schema_name == "kantang":
            assert point.x > 99.512  # the east bank of the Trang river
    assert households.values("moo").distinct().count() == 8


def test_most_elderly_have_an_adl_group_in_plausible_shares(pilot):
    today = timezone.localdate()
    elderly = with_current_adl(_living().filter(birth_date__lte=years_before(today, 60)))
    groups = Counter(elderly.values_list("current_adl_group", flat=True))
    assessed = sum(n for group, n in groups.items() if group)
    assert _share(assessed, elderly.count()) >= 0.75
    assert 0.75 <= _share(groups["social"], assessed) <= 0.93
    assert 0.06 <= _share(groups["homebound"], assessed) <= 0.20
    assert 0.005 <= _share(groups["bedbound"], assessed) <= 0.07


def test_adl_rows_agree_with_the_barthel_items(pilot):
    for score, items in AdlAssessment.objects.filter(person__in=demo_persons(), items__isnull=False) \
            .values_list("score", "items"):
        assert sum(items.values()) == score


def test_ncd_screenings_cover_most_adults_and_colours_follow_the_rules(pilot):
    today = timezone.localdate()
    adults = _living().filter(birth_date__lte=years_before(today, 35))
    screened = adults.filter(screenings__screened_on__gt=today - dt.timedelta(days=365)).distinct()
    assert 0.60 <= _share(screened.count(), adults.count()) <= 0.80
    rows = NcdScreening.objects.filter(person__in=demo_persons()).values_list(
        "sbp", "dbp", "fbs", "complication", "colour", "person__chronic_conditions")
    for sbp, dbp, fbs, complication, colour, conditions in rows:
        diagnosed = bool(NCD_DIAGNOSES & set(conditions))
        assert ncd_colour(sbp=sbp, dbp=dbp, fbs=fbs, diagnosed=diagnosed,
                          complication=bool(complication)) == colour
    patients = with_current_ncd(adults.filter(chronic_conditions__overlap=sorted(NCD_DIAGNOSES)))
    colours = Counter(patients.exclude(current_ncd_colour=None).values_list("current_ncd_colour", flat=True))
    total = sum(colours.values())
    assert _share(colours["dark_green"] + colours["yellow"], total) >= 0.7
    assert 0 < colours["orange"] + colours["red"] < colours["dark_green"]
    assert 0 < colours["black"] <= 0.1 * total


def test_the_demo_volunteer_has_a_round_with_bedbound_people(pilot):
    volunteer = User.objects.get(username="volunteer")
    households = Household.objects.filter(volunteer=volunteer).annotate(n=Count("members"))
    assert households.filter(n__gte=1).count() >= 10
    members = with_current_adl(Person.objects.filter(household__volunteer=volunteer,
                                                     status=Person.Status.LIVING))
    assert members.filter(current_adl_group="bedbound").exists()
    assert volunteer.first_name == "มาลี"  # the CONTRACT account is left as seed_demo made it


def test_extra_volunteers_look_after_other_households(pilot):
    extras = User.objects.filter(username__regex=r"^volunteer\d+$", groups__name=Role.VOLUNTEER.value)
    assert extras.count() >= 3
    assert Household.objects.filter(volunteer__in=extras).count() >= 3 * 10
    assert demo_households(pilot).filter(volunteer__isnull=True).exists()


def test_home_visits_cover_six_months_and_some_are_overdue(pilot):
    today = timezone.localdate()
    visits = HomeVisit.objects.filter(person__in=demo_persons())
    assert visits.exists()
    assert not visits.filter(visited_on__lt=today - dt.timedelta(days=190)).exists()
    assert not visits.filter(visited_on__gt=today).exists()
    latest_due = HomeVisit.objects.filter(person=OuterRef("pk")).order_by("-visited_on")
    visited = demo_persons().annotate(last=Max("visits__visited_on"),
                                      due=Subquery(latest_due.values("next_visit_due")[:1])) \
        .filter(last__isnull=False)
    overdue = visited.filter(due__lt=today).count()
    assert 0.05 <= _share(overdue, visited.count()) <= 0.5
    bedbound = with_current_adl(_living()).filter(current_adl_group="bedbound")
    assert bedbound.filter(visits__isnull=False).exists()
    assert visits.filter(adl__isnull=False).exists()  # the ADL re-checked at home


def test_re_seeding_replaces_the_demo_data_and_keeps_hand_made_rows(kantang):
    def counts():
        return (demo_households(kantang).count(), demo_persons().count(),
                AdlAssessment.objects.count(), NcdScreening.objects.count(), HomeVisit.objects.count(),
                set(demo_persons().values_list("cid_hash", flat=True)))

    with schema_context("kantang"):
        own = Household.objects.create(house_id="92020177777", house_no="7/7", moo=7)
        hand_made = person_build(cid_seed=777, household=own)
        before = counts()
        seed(municipality=kantang, size="small", log=lambda _line: None)
        after = counts()
        assert after == before
        assert Person.objects.filter(pk=hand_made.pk, household=own).exists()
