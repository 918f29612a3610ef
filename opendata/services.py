"""Publishing and unpublishing a dataset, and the defaults that make publishing one click.

A dataset's row is created the first time the admin publishes or edits it, filled from the
municipality (its names, its place, the acting admin's e-mail as the contact); the admin can
change every field before or after publishing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CoverageLevel, Kind, PublishedDataset
from .selectors import places_of


class OpenDataError(Exception):
    """The action cannot be done; the message is shown to the admin as it is."""


# Texts of the default metadata: content in both languages at once (not interface strings).
DEFAULTS: dict[str, dict[str, str]] = {
    Kind.ASSETS: {
        "title_th": "ทรัพย์สินโครงสร้างพื้นฐานจำแนกตามประเภทและสภาพ {th}",
        "title_en": "Infrastructure assets by type and condition, {en}",
        "description_th": ("จำนวนทรัพย์สินโครงสร้างพื้นฐานที่ยังใช้งาน (ถนน ท่อระบายน้ำ ไฟฟ้าส่องสว่าง ท่อประปา สะพาน "
                           "อาคาร กล้องวงจรปิด หัวดับเพลิง ถังขยะ) ของ{th} จำแนกตามชุมชน ประเภท และสภาพ "
                           "(ดี พอใช้ ชำรุด ใช้งานไม่ได้) ปรับปรุงจากทะเบียนทรัพย์สินโดยอัตโนมัติ"),
        "description_en": ("Counts of the infrastructure assets in use (roads, drains, street lights, "
                           "water pipes, bridges, buildings, CCTV, hydrants, waste bins) of {en} by "
                           "community, type and condition (good, fair, poor, out of service), updated "
                           "automatically from the asset registry. An empty community: none recorded."),
        "keywords": "ทรัพย์สิน, โครงสร้างพื้นฐาน, ถนน, ไฟฟ้าส่องสว่าง, ท่อระบายน้ำ, infrastructure, assets",
        "data_source": "ทะเบียนทรัพย์สิน กองช่าง {th}",
        "maintainer_name": "กองช่าง {th}",
    },
    Kind.SERVICE_REQUESTS: {
        "title_th": "สถิติเรื่องแจ้งซ่อมและร้องเรียน {th}",
        "title_en": "Service request statistics, {en}",
        "description_th": ("จำนวนเรื่องแจ้งซ่อมและร้องเรียนที่รับและปิดในแต่ละเดือน จำแนกตามประเภทเรื่อง "
                           "ย้อนหลัง 12 เดือน และค่ามัธยฐานของเวลาที่ใช้แก้ไข (ชั่วโมง) ในแถวรวมของแต่ละเดือน "
                           "ไม่มีข้อมูลผู้แจ้งหรือตำแหน่งที่แจ้ง"),
        "description_en": ("Service requests opened and closed per month and category over the last 12 "
                           "months, with the number resolved and the median time to resolve (hours) on each "
                           "month's total row. No reporter's details or locations."),
        "keywords": "แจ้งซ่อม, ร้องเรียน, บริการประชาชน, service requests, complaints",
        "data_source": "ระบบรับเรื่องแจ้งซ่อมและร้องเรียน {th}",
        "maintainer_name": "กองช่าง {th}",
    },
    Kind.HEALTH: {
        "title_th": "ข้อมูลสุขภาพประชากรแบบรวม (ไม่ระบุตัวบุคคล) {th}",
        "title_en": "Anonymised population health aggregates, {en}",
        "description_th": ("ตัวเลขรวมทั้งเขตของ{th}: ประชากรจำแนกตามเพศและกลุ่มอายุ ผู้สูงอายุจำแนกตามกลุ่ม ADL "
                           "ผู้ป่วยเบาหวานและความดันโลหิตสูงจำแนกตามสีปิงปองจราจร 7 สี และผู้พิการจำแนกตามประเภท "
                           "ตัวเลขที่นับคนได้ 1–4 คนจะถูกปกปิด (suppressed = small) รวมทั้งตัวเลขที่อาจใช้คำนวณย้อนกลับได้ "
                           "(suppressed = complementary) ไม่มีชื่อ เลขประจำตัว ที่อยู่ หรือชื่อชุมชน"),
        "description_en": ("Whole-municipality figures of {en}: population by sex and age band, elderly by "
                           "ADL group, diabetes and hypertension by the 7-colour scale, and persons with a "
                           "disability by type. Counts of 1 to 4 people are suppressed (suppressed = small), "
                           "as is any number that would give one back by subtraction (suppressed = "
                           "complementary). No names, identifiers, addresses or community names."),
        "keywords": "สาธารณสุข, ประชากร, ผู้สูงอายุ, โรคเรื้อรัง, ผู้พิการ, health, population",
        "data_source": "ทะเบียนสุขภาพ กองสาธารณสุขและสิ่งแวดล้อม {th}",
        "maintainer_name": "กองสาธารณสุขและสิ่งแวดล้อม {th}",
    },
}


def coverage_text(municipality) -> str:
    """"ต.กันตัง อ.กันตัง จ.ตรัง (920201)" from the gazetteer; the municipality's name and codes
    when the gazetteer is not loaded."""
    places = places_of(municipality)
    prefixes = {"subdistrict": "ต.", "district": "อ.", "province": "จ."}
    named = [f"{prefixes[p.level]}{p.name_th}" for p in reversed(places) if p.name_th]
    code = municipality.subdistrict_code or municipality.district_code or municipality.province_code
    text = " ".join(named) if named else municipality.name_th
    return f"{text} ({code})" if code else text


def dataset_defaults(*, kind: str, municipality, user=None) -> dict:
    names = {"th": municipality.name_th, "en": municipality.name_en or municipality.name_th}
    values = {field: text.format(**names) for field, text in DEFAULTS[kind].items()}
    values["keywords"] = f"{values['keywords']}, {municipality.name_th}"
    values["coverage_level"] = CoverageLevel.MUNICIPALITY
    values["coverage_text"] = coverage_text(municipality)
    values["maintainer_email"] = getattr(user, "email", "") or ""
    return values


def dataset_or_default(*, kind: str, municipality, user=None) -> PublishedDataset:
    """The saved dataset of `kind`, else an unsaved one with the defaults."""
    if kind not in Kind.values:
        raise OpenDataError(_("Unknown dataset."))
    dataset = PublishedDataset.objects.filter(kind=kind).first()
    return dataset or PublishedDataset(kind=kind, **dataset_defaults(kind=kind, municipality=municipality,
                                                                     user=user))


@transaction.atomic
def dataset_save(*, dataset: PublishedDataset, user) -> PublishedDataset:
    """Save edited metadata (a form has validated it). A published dataset stays published only
    while every catalogue field is filled."""
    if dataset.is_published and (missing := dataset.missing_for_publication()):
        raise OpenDataError(_("A published dataset needs every catalogue field. Missing: %(fields)s.")
                            % {"fields": ", ".join(missing)})
    dataset.updated_by = user if getattr(user, "pk", None) else None
    dataset.full_clean()
    dataset.save()
    return dataset


@transaction.atomic
def dataset_publish(*, kind: str, municipality, user) -> PublishedDataset:
    if kind not in Kind.values:
        raise OpenDataError(_("Unknown dataset."))
    # get_or_create: two admins publishing at once both end on the one row of this kind.
    dataset, _created = PublishedDataset.objects.select_for_update().get_or_create(
        kind=kind, defaults=dataset_defaults(kind=kind, municipality=municipality, user=user))
    if missing := dataset.missing_for_publication():
        raise OpenDataError(_("Fill in these fields before publishing: %(fields)s.")
                            % {"fields": ", ".join(missing)})
    dataset.is_published = True
    dataset.published_at = dataset.published_at or timezone.now()  # dct:issued: the first time
    return dataset_save(dataset=dataset, user=user)


@transaction.atomic
def dataset_unpublish(*, kind: str, user) -> PublishedDataset | None:
    dataset = PublishedDataset.objects.select_for_update().filter(kind=kind).first()
    if dataset is None or not dataset.is_published:
        return dataset
    dataset.is_published = False
    dataset.updated_by = user if getattr(user, "pk", None) else None
    dataset.save(update_fields=["is_published", "updated_by", "updated_at"])
    return dataset
