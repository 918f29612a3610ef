"""Smart health: `GET /health/summary/` (aggregates only), `GET /persons/{id}` and
`POST /persons/lookup`. Persons are read through the same selectors as the web pages, so the
role, the volunteer's scope and the PDPA access log are exactly those of the web UI: one 'view'
row per person read."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import Field

from kernel.permissions import require_perm
from smarthealth.selectors import health_summary, person_get, person_lookup_by_cid

from ..errors import ApiError, field_error, with_errors
from ..gates import require_module

router = Router(tags=["smart health"])


class HealthSummary(Schema):
    persons: int = Field(description="living persons")
    households: int
    elderly: int = Field(description="aged 60 and over")
    disabled: int
    by_sex: dict[str, int]
    by_age_band: dict[str, int]
    by_adl_group: dict[str, int] = Field(description="current (latest) ADL group; 'unassessed' for none")
    by_ncd_colour: dict[str, int] = Field(description="latest screening colour; 'unscreened' for none")
    by_condition: dict[str, int] = Field(description="chronic condition code → persons")
    by_disability: dict[str, int]


class HouseholdOut(Schema):
    house_id: str | None = Field(description="the 11-digit house ID; null for a house the health centre "
                                             "registered by its own HID only")
    hospcode: str | None = Field(None, description="the health centre (HOSPCODE) that registered the house")
    hid: str | None = Field(None, description="the health centre's house ID (HID)")
    house_no: str
    moo: int | None
    community: str
    road: str
    subdistrict_code: str


class AdlOut(Schema):
    score: int
    group: str
    assessed_on: dt.date


class NcdOut(Schema):
    colour: str
    screened_on: dt.date


class PersonOut(Schema):
    id: uuid.UUID = Field(description="opaque id; never the national ID")
    cid_masked: str | None = Field(description="the national ID with all but the last 3 digits hidden; null "
                                               "for a person without one (see passport_masked)")
    passport_masked: str | None = Field(None, description="a foreigner's passport number, all but its last "
                                                          "3 characters hidden")
    prefix: str
    first_name: str
    last_name: str
    sex: str
    birth_date: dt.date
    age: int
    status: str = Field(description="living (counted), away (registered here, living elsewhere), moved, "
                                    "deceased")
    status_since: dt.date | None = Field(None, description="since when moved or deceased")
    phone: str
    chronic_conditions: list[str]
    disability: str
    household: HouseholdOut | None
    adl: AdlOut | None = Field(description="latest ADL (Barthel) assessment")
    ncd: NcdOut | None = Field(description="latest NCD screening")


class LookupIn(Schema):
    cid: str = Field(min_length=1, max_length=40, description="13-digit national ID (dashes/spaces allowed)")


def person_out(person) -> dict:
    household = person.household
    return {
        "id": person.public_id, "cid_masked": person.cid_masked or None,
        "passport_masked": person.passport_masked or None, "prefix": person.prefix,
        "first_name": person.first_name, "last_name": person.last_name, "sex": person.sex,
        "birth_date": person.birth_date, "age": person.age, "status": person.status,
        "status_since": person.status_since, "phone": person.phone,
        "chronic_conditions": list(person.chronic_conditions or []), "disability": person.disability,
        "household": None if household is None else {
            "house_id": household.house_id, "hospcode": household.hospcode, "hid": household.hid,
            "house_no": household.house_no, "moo": household.moo,
            "community": household.community, "road": household.road,
            "subdistrict_code": household.subdistrict_code,
        },
        "adl": None if person.current_adl_group is None else {
            "score": person.current_adl_score, "group": person.current_adl_group,
            "assessed_on": person.current_adl_on,
        },
        "ncd": None if person.current_ncd_colour is None else {
            "colour": person.current_ncd_colour, "screened_on": person.current_ncd_on,
        },
    }


@router.get("/health/summary/", response=with_errors({200: HealthSummary}),
            summary="Health aggregates (no personal data)")
def summary(request):
    require_module(request, "smarthealth")
    require_perm(request.user, "smarthealth.view_health_aggregates")
    return health_summary(request.user)


# Declared before /persons/{person_id}, which would otherwise take "lookup" as an id.
@router.post("/persons/lookup", response=with_errors({200: PersonOut}),
             summary="Find a person by national ID (audited)")
def person_lookup(request, payload: LookupIn):
    """The national ID travels in the body, never in a URL (URLs end up in logs)."""
    require_module(request, "smarthealth")
    require_perm(request.user, "smarthealth.view_person")
    try:
        person = person_lookup_by_cid(request.user, payload.cid, request=request)
    except ValidationError:
        raise ApiError(422, fields=[field_error("cid", _(
            "The national ID must be 13 digits with a valid check digit."))]) from None
    return person_out(person)


@router.get("/persons/{person_id}", response=with_errors({200: PersonOut}),
            summary="One person (health roles; audited)")
def person_detail(request, person_id: str):
    """Every successful read writes one row to the PDPA access log, as the web page does."""
    require_module(request, "smarthealth")
    require_perm(request.user, "smarthealth.view_person")
    return person_out(person_get(request.user, person_id, request=request))
