"""Every page in Thai, for every role: no English, no machine code, no Latin unit on a Thai page.

The pages come from the URL confs themselves (both hosts), so a new page is read here the day it
is added; a new page with a parameter fails until SAMPLES says which seeded object it shows. Each
page is read as each role reads it, in Thai, over the demo seed; a page a role may not open is
read too (its 403 or 404 is a page that role meets). Only HTML counts: files (exports, tiles,
photos) and the API have their own tests, and a page answering GET with 405 is an action.

What may stay in Latin letters is tests/thai_text.py's allow-list, plus the data of the page:
codes people typed (asset and tracking codes), user names, the municipalities' English names.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tenants.utils import schema_context

from .helpers import host_client, login
from .thai_text import identifiers, latin_words, typed_words, unformatted_numbers, visible_text

TENANT_URLS = "cityplatform.urls_tenant"
CONSOLE_URLS = "cityplatform.urls_public"

# Not pages: JSON interfaces with their own documented bodies (CONTRACT §3, §5) and the switch's
# POST-only endpoint.
SKIPPED_NAMESPACES = {"open311"}
SKIPPED_PREFIXES = ("api/", "i18n/")


@dataclass(frozen=True)
class Route:
    urlconf: str
    name: str  # namespaced, as reverse() takes it
    route: str
    parameters: tuple[str, ...]


def _walk(resolver, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[tuple[str, str, Any]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, route, namespaces + ((entry.namespace,) if entry.namespace else ()))
        elif isinstance(entry, URLPattern):
            yield ":".join(namespaces + (entry.name or "",)), route, entry


def routes(urlconf: str) -> list[Route]:
    found = []
    for name, route, entry in _walk(get_resolver(urlconf)):
        if route.startswith(SKIPPED_PREFIXES) or name.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        assert entry.name, f"{route} has no name: every page has one (namespaced templates and URLs)"
        parameters = tuple(sorted(entry.pattern.regex.groupindex))
        found.append(Route(urlconf, name, route, parameters))
    return found


# --- The objects a page with a parameter shows ---------------------------------------------------------


class Seeded:
    """The seeded objects the pages show, read in the schema they live in."""

    def __init__(self, schema: str):
        self.schema = schema

    def in_schema(self, read: Callable[[], Any]) -> Any:
        with schema_context(self.schema):
            return read()

    def first(self, queryset) -> Any:
        obj = self.in_schema(lambda: queryset.first())
        assert obj is not None, f"the demo seed of {self.schema} has no {queryset.model.__name__}"
        return obj


def _community(seeded):
    from communities.models import Community

    return seeded.first(Community.objects.order_by("pk"))  # the demo's shared register


def _asset(seeded):
    from infrastructure.models import Asset

    return seeded.first(Asset.objects.order_by("pk"))  # fuller_demo gives it a photo


def _request(seeded):
    from infrastructure.models import ServiceRequest

    # One with a history, an asset and a person working on it: the fullest page.
    return seeded.first(ServiceRequest.objects.filter(asset__isnull=False, assignee__isnull=False)
                        .order_by("-pk"))


def _person(seeded):
    from smarthealth.models import Person

    # A person with ADL assessments in the volunteer's households: a page every health role opens.
    return seeded.first(Person.objects.filter(household__volunteer__username="volunteer",
                                              adl_assessments__isnull=False).order_by("pk"))


def _household(seeded):
    return seeded.in_schema(lambda: _person(seeded).household)


def _user(seeded, username="volunteer"):
    from accounts.models import User

    return seeded.first(User.objects.filter(username=username))


def _care_kinds():
    from smarthealth.forms.care import CARE_LISTS

    return [{"kind": kind} for kind in CARE_LISTS]


def _dataset_kinds():
    from opendata.models import Kind

    return [{"kind": kind} for kind in Kind.values]


def _password_links(seeded):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tenants.services.first_admin import admin_link_tokens

    user = _user(seeded, "admin")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = seeded.in_schema(lambda: admin_link_tokens.make_token(user))
    # A link that works (the page to choose a password) and one that was altered (says so).
    return [{"uidb64": uid, "token": token}, {"uidb64": uid, "token": "altered-" + token[:6]}]


def _import_job(seeded):
    from imports.models import ImportJob

    return seeded.first(ImportJob.objects.order_by("-pk"))


def _value_mapping(seeded):
    from imports.models import ValueMapping

    return seeded.first(ValueMapping.objects.order_by("pk"))


def _icd_mapping(seeded):
    from smarthealth.models import ChronicIcdMapping

    return seeded.first(ChronicIcdMapping.objects.order_by("pk"))


def _onboarding_run(seeded):
    from tenants.models import OnboardingRun

    return seeded.first(OnboardingRun.objects.order_by("pk"))


def _change_request(seeded):
    from tenants.models import ChangeRequest

    return seeded.first(ChangeRequest.objects.order_by("pk"))


def _ltc_case(seeded):
    from ltc.models import LtcCase

    return seeded.first(LtcCase.objects.filter(plans__status="approved", visits__isnull=False).order_by("pk"))


def _ltc_plan(seeded):
    from ltc.models import CarePlan

    return seeded.first(CarePlan.objects.filter(status="approved", payments__isnull=False).order_by("pk"))


def _ltc_visit(seeded):
    from ltc.models import CgVisit

    return seeded.first(CgVisit.objects.order_by("pk"))


def _tile(seeded):
    return {"z": 14, "x": 12897, "y": 7766}


# URL name → the keyword arguments of each page to read (a list: some pages are read several
# times, e.g. every care list). `s` is the host's Seeded.
SAMPLES: dict[str, Callable[[Seeded], list[dict]]] = {
    "accounts:token-revoke": lambda s: [{"pk": 1}],
    "accounts:user-update": lambda s: [{"pk": _user(s).pk}],
    "accounts:user-password-reset": lambda s: [{"pk": _user(s).pk}],
    "accounts:password-set": _password_links,
    "communities:edit": lambda s: [{"pk": _community(s).pk}],
    "infrastructure:asset-detail": lambda s: [{"pk": _asset(s).pk}],
    "infrastructure:asset-update": lambda s: [{"pk": _asset(s).pk}],
    "infrastructure:asset-photo-add": lambda s: [{"pk": _asset(s).pk}],
    "infrastructure:asset-photo": lambda s: [{"pk": _asset(s).pk, "photo_pk": 1}],
    "infrastructure:asset-popup": lambda s: [{"pk": _asset(s).pk}],
    "infrastructure:asset-tiles": lambda s: [_tile(s)],
    "infrastructure:asset-base-tiles": lambda s: [_tile(s)],
    "infrastructure:request-tiles": lambda s: [_tile(s)],
    "infrastructure:request-popup": lambda s: [{"pk": _request(s).pk}],
    **{f"infrastructure:request-{page}": (lambda s: [{"pk": _request(s).pk}]) for page in (
        "detail", "photo", "transition", "assign", "take", "photo-add", "priority", "comment",
        "duplicate", "link-asset", "photo-after", "location")},
    **{f"smarthealth:{page}": (lambda s: [{"public_id": _person(s).public_id}]) for page in (
        "person-detail", "person-update", "person-reveal-cid", "visit-create", "adl-create",
        "screening-create")},
    "smarthealth:visit-photo": lambda s: [{"public_id": _person(s).public_id, "pk": 1}],
    "smarthealth:household-detail": lambda s: [{"pk": _household(s).pk}],
    "smarthealth:household-update": lambda s: [{"pk": _household(s).pk}],
    "smarthealth:map-popup": lambda s: [{"pk": _household(s).pk}],
    "smarthealth:map-tiles": lambda s: [_tile(s)],
    "smarthealth:icd-mapping-delete": lambda s: [{"pk": _icd_mapping(s).pk}],
    "smarthealth:village-mapping-delete": lambda s: [{"pk": 1}],  # a form's POST: GET is refused
    "smarthealth:care-list": lambda s: _care_kinds(),
    "smarthealth:care-export": lambda s: [{"kind": "elderly", "fmt": "csv"}],
    **{f"ltc:{page}": (lambda s: [{"public_id": _person(s).public_id}]) for page in ("enrol", "decline")},
    **{f"ltc:{page}": (lambda s: [{"pk": _ltc_case(s).pk}]) for page in (
        "case-detail", "case-assign", "case-close", "plan-write", "plan-copy", "cg-visit", "monthly-report")},
    **{f"ltc:{page}": (lambda s: [{"pk": _ltc_plan(s).pk}]) for page in (
        "plan-detail", "plan-print", "plan-submit", "plan-decide", "payment-add")},
    "ltc:fund-export": lambda s: [{"fmt": "csv"}],
    "ltc:visit-seen": lambda s: [{"pk": _ltc_visit(s).pk}],
    "imports:template": lambda s: [{"dataset": "assets"}],
    **{f"imports:{page}": (lambda s: [{"public_id": _import_job(s).public_id}]) for page in (
        "job", "progress", "errors", "value-mappings-save")},
    "imports:value-mapping-update": lambda s: [{"pk": _value_mapping(s).pk}],
    "imports:value-mapping-delete": lambda s: [{"pk": _value_mapping(s).pk}],
    "report:done": lambda s: [{"code": _request(s).tracking_code}],
    "report:status": lambda s: [{}, {"code": _request(s).tracking_code}],
    **{f"report:{page}": (lambda s: [{"code": _request(s).tracking_code}])
       for page in ("confirm", "reopen", "rate", "follow")},
    "report:photo": lambda s: [{"code": _request(s).tracking_code, "which": "before"}],
    "report:opt-out": lambda s: [{"token": "not-a-token"}],
    **{f"opendata:{page}": (lambda s: _dataset_kinds())
       for page in ("dataset", "dataset-csv", "dataset-jsonld")},
    **{f"opendata_settings:{page}": (lambda s: _dataset_kinds())
       for page in ("edit", "publish", "unpublish")},
    "settings:theme-restore": lambda s: [{"number": 1}],
    "settings:components-restore": lambda s: [{"number": 1}],
    "changerequests:detail": lambda s: [{"pk": _change_request(s).pk}],
    "changerequests:attachment": lambda s: [{"pk": _change_request(s).pk, "file_pk": 1}],
    "theme:logo": lambda s: [{"version": 1}],
    "theme:favicon": lambda s: [{"version": 1}],
    # The console (schema public): kantang's pages, the platform user, the inbox.
    "tenants:onboarding-run": lambda s: [{"pk": _onboarding_run(s).pk}],
    **{f"tenants:municipality-{page}": (lambda s: [{"schema": "kantang"}]) for page in (
        "detail", "refresh", "status", "edit", "archive", "delete", "admins", "admin-link", "admin-add",
        "theme", "theme-preview", "components", "components-preview", "line", "move")},
    "tenants:municipality-theme-restore": lambda s: [{"schema": "kantang", "number": 1}],
    "tenants:municipality-components-restore": lambda s: [{"schema": "kantang", "number": 1}],
    "tenants:municipality-theme-logo": lambda s: [{"schema": "kantang", "version": 1}],
    "tenants:municipality-theme-favicon": lambda s: [{"schema": "kantang", "version": 1}],
    "tenants:platform-user-update": lambda s: [{"pk": _user(s, "platform").pk}],
    "tenants:platform-user-password": lambda s: [{"pk": _user(s, "platform").pk}],
    "tenants:request-detail": lambda s: [{"pk": _change_request(s).pk}],
    "tenants:request-attachment": lambda s: [{"pk": _change_request(s).pk, "file_pk": 1}],
}

# Pages whose content changes with the query: read once more with each of these.
QUERIES = {
    "infrastructure:request-list": ["?queue=all", "?queue=overdue", "?queue=unassigned"],
    "smarthealth:audit-log": ["?everything=1"],
}


def addresses(urlconf: str, seeded: Seeded) -> list[tuple[str, str]]:
    """(URL name, address) of every page of the host, parameters filled from the seed."""
    found = []
    for route in routes(urlconf):
        if route.parameters:
            assert route.name in SAMPLES, (
                f"{route.route} ({route.name}) takes {', '.join(route.parameters)}: add to SAMPLES the "
                "seeded object it shows, so its page is read in Thai")
            calls = [kwargs for kwargs in SAMPLES[route.name](seeded)
                     if set(kwargs) == set(route.parameters)]
        else:
            calls = [{}]
        for kwargs in calls:
            path = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
            found.extend((route.name, path + query) for query in ["", *QUERIES.get(route.name, [])])
    return sorted(set(found))


# --- What the demo seed does not make ------------------------------------------------------------------


@pytest.fixture
def fuller_demo(kantang, settings, tmp_path):
    """What a municipality has after a few weeks that the demo seed does not make, made as people
    make it (through the services): a saved and restored theme and home page, a change request
    answered by the platform team, an import with a rejected row, a value mapping, an asset photo,
    its open datasets published, the national figures of both pilots published."""
    from django.contrib.gis.geos import Point
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from accounts.models import User
    from imports.models import ValueMapping
    from infrastructure.services.assets import asset_photo_add
    from national.services import national_snapshot_publish
    from opendata.models import Kind
    from opendata.services import dataset_publish
    from tenants.models import District, Municipality, Province, Subdistrict
    from tenants.services.bulk_onboarding import onboarding_run_start
    from tenants.services.change_requests import (
        change_request_comment,
        change_request_submit,
        change_request_transition,
    )
    from tenants.services.components import components_for, components_restore, components_update
    from tenants.services.console_audit import Actor
    from tenants.services.theme import theme_restore, theme_update

    from .imports.conftest import run, write_csv
    from .tenants.conftest import SUBDISTRICTS

    settings.MEDIA_ROOT = str(tmp_path / "media")
    # A reader opens each page once: no rate limit should stand in for a page (its own page, 429,
    # is read by tests/test_error_pages.py).
    settings.RATE_LIMITS = {key: (1_000_000, window)
                            for key, (_limit, window) in settings.RATE_LIMITS.items()}
    with schema_context("kantang"):
        admin = User.objects.get(username="admin")
        nurse = User.objects.get(username="nurse")
        engineer = User.objects.get(username="engineer")
        ValueMapping.objects.create(dataset="persons", column="disability", source="พิการซ้ำซ้อน",
                                    source_text="พิการซ้ำซ้อน", target="physical", created_by=nurse)
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
        asset_photo_add(asset=_asset(Seeded("kantang")), user=engineer, caption="ผิวถนนแตกร้าว",
                        image=SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png"))
    rows = [["รหัสบ้าน", "บ้านเลขที่", "หมู่ที่", "ชุมชน", "ละติจูด", "ลองจิจูด", "อสม."],
            ["99999000001", "12/1", "4", "ชุมชนทดสอบ", "7.41", "99.52", "volunteer"],
            ["99999000002", "12/2", "ไม่ทราบ", "ชุมชนทดสอบ", "95.0", "99.52", "ไม่มีชื่อนี้"]]
    with schema_context("kantang"):
        run("kantang", "households", write_csv(tmp_path / "households.csv", rows), user=admin)
    theme_update(municipality=kantang, data={"primary_color": "#0b4f6e", "secondary_color": "#14532d",
                                             "accent_color": "#8a4b00", "base_font_size": 16,
                                             "header_style": "solid", "display_name_th": "เทศบาลเมืองกันตัง"},
                 editor="วิไลวรรณ ศรีสุข")
    theme_restore(municipality=kantang, version=1, editor="วิไลวรรณ ศรีสุข")
    data = components_for(kantang).as_data()
    data["navigation"][0]["label_th"] = "หน้าแรกของฉัน"
    components_update(municipality=kantang, data=data, editor=admin, note="เปลี่ยนชื่อเมนู")
    components_restore(municipality=kantang, number=1, editor=admin)
    request = change_request_submit(municipality=kantang, user=admin, data={
        "title": "เพิ่มชั้นข้อมูลท่อประปา", "description": "ขอให้แสดงท่อประปาบนแผนที่", "category": "feature"})
    change_request_comment(change_request=request, side="municipality", author_username="admin",
                           author_name="วิไลวรรณ ศรีสุข", body="แนบรายละเอียดเพิ่มเติมภายหลัง")
    change_request_transition(change_request=request, to_status="accepted", author_username="platform",
                              author_name="ทีมแพลตฟอร์ม", comment="รับเรื่องแล้ว")
    with schema_context("kantang"):
        for kind in Kind.values:
            dataset_publish(kind=kind, municipality=kantang, user=admin)
    for pilot in Municipality.objects.filter(schema_name__in=["kantang", "nueaklong"]):
        national_snapshot_publish(municipality=pilot)
    # A bulk onboarding waiting for its worker (the console's progress page).
    province = Province.objects.create(code="92", name_th="ตรัง", name_en="Trang")
    district = District.objects.create(code="9205", province=province, name_th="สิเกา", name_en="Sikao")
    for code, name_th, name_en, lat, lon in SUBDISTRICTS:
        Subdistrict.objects.create(code=code, district=district, name_th=name_th, name_en=name_en,
                                   centre=Point(lon, lat, srid=4326))
    onboarding_run_start(province_code="92", limit=None, actor=Actor("platform", "ทีมแพลตฟอร์ม"))


# --- Reading the pages -----------------------------------------------------------------------------------


def read(client: Client, path: str) -> tuple[int, str] | None:
    """The page at `path` as its reader sees it: (status, HTML), or None when it is not a page
    (a file, an action that wants POST, the sign-in page an anonymous visitor is sent to)."""
    response = client.get(path)
    if response.status_code in (301, 302) and not response["Location"].startswith("/accounts/login/"):
        response = client.get(response["Location"])  # a page that moves on (the one-time link)
    if response.status_code in (301, 302, 405):
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.status_code, response.content.decode()


def import_codes() -> set[str]:
    """The import pages name each dataset and each accepted value by the code a file or the
    import_data command may use (`persons`, `physical`): codes the clerk types, on those pages only."""
    from imports.registry import all_datasets

    codes = set()
    for dataset in all_datasets():
        codes.add(dataset.key)
        for column in dataset.columns:
            codes.update((column.choices or {}).values())
    return codes


def open_data_codes() -> set[str]:
    """The open-data pages describe the published CSV by its own column names and codes (its
    `suppressed` column says `small`): the file's words, which a reader meets in the file. Not its
    English label columns (`*_en`), which no Thai page shows. And the keywords the municipality
    typed for catalogues, Thai and English (the catalogue's search words)."""
    from django_tenants.utils import tenant_context

    from opendata.models import Kind, PublishedDataset
    from opendata.tables import dataset_table
    from tenants.models import Municipality

    codes = set()
    with tenant_context(Municipality.objects.get(schema_name="kantang")):
        for kind in Kind.values:
            table = dataset_table(kind)
            codes.update(table.header)
            coded = [i for i, column in enumerate(table.header) if not column.endswith(("_th", "_en"))]
            codes.update(str(row[i]) for row in table.rows for i in coded if row[i] is not None)
        for keywords in PublishedDataset.objects.values_list("keywords", flat=True):
            codes.update(word for keyword in keywords.split(",") for word in keyword.split())
    return codes


# Words allowed on some pages only: the address prefix → the words.
PAGE_WORDS: dict[str, Callable[[], set[str]]] = {
    "/imports/": import_codes, "/opendata/": open_data_codes, "/settings/open-data/": open_data_codes}


def problems(client: Client, pages: list[tuple[str, str]], allowed: set[str]) -> list[str]:
    found = []
    numbers = identifiers()
    for name, path in pages:
        page = read(client, path)
        if page is None:
            continue
        status, html = page
        assert status < 500, f"{path} ({name}) answered {status}"
        here = allowed.union(*(words() for prefix, words in PAGE_WORDS.items() if path.startswith(prefix)))
        texts = visible_text(html)
        for word, around in latin_words(texts, allowed=here):
            found.append(f"{path} [{status}]: {word!r} in “{around}”")
        for number, around in unformatted_numbers(texts, allowed=numbers):
            found.append(f"{path} [{status}]: {number} without its thousands separator in “{around}”")
    return found


def thai_client(host: str, schema: str | None = None, username: str | None = None) -> Client:
    client = host_client(host)
    client.raise_request_exception = True
    if username:
        login(client, schema, username)
    client.cookies["django_language"] = "th"
    return client


TENANT_READERS = ("admin", "executive", "engineer", "nurse", "volunteer", "caregiver", "ltc_fund", None)


@pytest.mark.parametrize("username", TENANT_READERS, ids=lambda u: u or "citizen")
def test_every_municipality_page_is_thai_for_every_role(fuller_demo, username):
    pages = addresses(TENANT_URLS, Seeded("kantang"))
    client = thai_client("kantang.localhost", "kantang", username)

    found = problems(client, pages, typed_words())

    assert not found, f"{len(found)} Latin words on Thai pages:\n" + "\n".join(found)


@pytest.mark.parametrize("username", ("platform", None), ids=lambda u: u or "anonymous")
def test_every_console_page_is_thai(fuller_demo, username):
    pages = addresses(CONSOLE_URLS, Seeded("public"))
    client = thai_client("localhost", "public", username)

    found = problems(client, pages, typed_words())

    assert not found, f"{len(found)} Latin words on Thai pages:\n" + "\n".join(found)


@pytest.mark.parametrize("username", ("admin", "nurse", "volunteer", None), ids=lambda u: u or "citizen")
def test_every_municipality_page_turns_english_with_the_switch(fuller_demo, username):
    """The same pages for a reader who chose English: every one answers, a whole page in English."""
    client = thai_client("kantang.localhost", "kantang", username)
    client.cookies["django_language"] = "en"

    for name, path in addresses(TENANT_URLS, Seeded("kantang")):
        page = read(client, path)
        if page is not None:
            status, html = page
            assert status < 500, f"{path} ({name}): {status}"
            assert "<html" not in html or '<html lang="en">' in html, f"{path} ({name}) is not English"


def test_a_new_page_with_a_parameter_must_name_its_sample():
    """The guard above is real: a route with a parameter and no sample stops the test."""
    from django.urls import path

    class Urls:
        urlpatterns = [path("ghost/<int:pk>/", lambda request, pk: None, name="ghost")]

    with pytest.raises(AssertionError, match="ghost"):
        addresses(Urls, Seeded("public"))  # type: ignore[arg-type]


def test_the_reader_finds_latin_only_where_a_person_reads_it():
    html = ('<head><title>หน้า Home</title><link rel="alternate" title="DCAT feed"></head>'
            '<script>var label = "English";</script><style>.x{}</style>'
            '<p data-x="hidden words">ข้อความ 30.49 km</p><img alt="Logo"><input type="submit" value="Save">'
            '<input type="hidden" value="token"><button value="en">ไทย</button><td data-label="Status">'
            '<a href="https://example.org/x">https://example.org/x</a> RD-0001 LINE x-xxxx-xxxxx-12-3'
            '<textarea>typed by hand</textarea><p>ส่ง <code>Authorization: Bearer</code> ไป</p>'
            '<table translate="no"><tr><td>asset_type<table><tr><td>road</td></tr></table>still</td></tr>'
            '</table><p data-msg-sent="ส่งแล้ว {n} รายการ">Done</p>'
            '<p>kantang.localhost/opendata/assets/ ปกปิด (suppr…</p>')

    words = [word for word, _around in latin_words(visible_text(html), allowed={"RD-0001", "suppressed"})]

    assert words == ["Home", "km", "Logo", "Save", "Status", "Done"]


def test_the_number_check_finds_counts_without_their_thousands_separator():
    texts = visible_text('<p>ผู้สูงอายุ 1234 คน</p><p>รวม 12,345 บาท</p><p>ยอด 1234.50 บาท</p><p>พ.ศ. 2567</p>'
                         '<p>RD-1001 เวลา 10:30 น. วันที่ 05/01/2567</p><p>โทร 0812345678</p><p>ตำบล 920201</p>'
                         '<p>ไฟล์ 2024.csv</p><p>ทั้งหมด5678คน</p><p title="ดี: 1178">ดี</p>')

    numbers = [number for number, _around in unformatted_numbers(texts, allowed={"920201"})]

    assert numbers == ["1234", "1234.50", "5678", "1178"]
