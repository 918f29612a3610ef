"""What the platform wrote into the database reads in the reader's language (issue 20): a request's
"Photo added." note, why an import failed, why a bulk onboarding stopped. Each is written once and
read by people who chose Thai or English; rows written before keep reading (their half of the
stored "ไทย / English"). And the choice labels whose msgid carries a Thai term read English only to
a reader who chose English."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_context

from kernel.stored_text import bilingual_part, message_read, message_store, stored_text

from .helpers import host_client, login

THAI = re.compile("[\u0e00-\u0e7f]")


def reader(host, schema, username, language):
    client = host_client(host)
    client.raise_request_exception = True
    login(client, schema, username)
    client.cookies["django_language"] = language
    return client


# --- The kernel ---------------------------------------------------------------------------------------


def test_a_stored_message_reads_in_the_language_active_when_read():
    stored = message_store(gettext_lazy("Photo added to the asset %(code)s."), {"code": "SL-0001"})

    assert stored == {"msgid": "Photo added to the asset %(code)s.", "params": {"code": "SL-0001"}}
    with translation.override("th"):
        assert message_read(stored) == "เพิ่มรูปถ่ายในทรัพย์สิน SL-0001 แล้ว"
    with translation.override("en"):
        assert message_read(stored) == "Photo added to the asset SL-0001."


def test_a_message_with_a_context_keeps_it():
    from django.utils.translation import pgettext_lazy

    stored = message_store(pgettext_lazy("bulk onboarding", "failed"))

    assert stored["context"] == "bulk onboarding"
    with translation.override("en"):
        assert message_read(stored) == "failed"


def test_a_text_made_elsewhere_is_kept_in_both_languages():
    class Made:
        def __str__(self):
            return "ไทย" if translation.get_language() == "th" else "English"

    stored = message_store(Made())

    assert stored == {"th": "ไทย", "en": "English"}
    with translation.override("en"):
        assert message_read(stored) == "English"


@pytest.mark.parametrize(("text", "thai", "english"), [
    ("ไฟล์ไม่มีแถวข้อมูล / The file has no data rows.", "ไฟล์ไม่มีแถวข้อมูล", "The file has no data rows."),
    # A value with " / " in both halves: the middle separator.
    ("ไฟล์ a / b เสีย / The file a / b is broken", "ไฟล์ a / b เสีย", "The file a / b is broken"),
    # A Thai value in the English half.
    ("สร้าง เทศบาลตำบลนาโยง ไม่ได้ / ไม่มีรหัส / Cannot create เทศบาลตำบลนาโยง",
     "สร้าง เทศบาลตำบลนาโยง ไม่ได้ / ไม่มีรหัส", "Cannot create เทศบาลตำบลนาโยง"),
    ("Same in both", "Same in both", "Same in both"),
    ("", "", ""),
])
def test_an_older_row_reads_its_half_of_the_stored_text(text, thai, english):
    with translation.override("th"):
        assert bilingual_part(text) == thai
    with translation.override("en"):
        assert bilingual_part(text) == english


def test_a_platform_note_among_peoples_lines_is_translated_line_by_line():
    import infrastructure.system_notes  # noqa: F401  (registers the notes)

    stored = "เพิ่มรูปถ่ายแล้ว / Photo added.\nPhoto added. ด้วยมือ\nผิวถนนแตก / ร้าว"

    with translation.override("en"):
        assert stored_text(stored) == "Photo added.\nPhoto added. ด้วยมือ\nผิวถนนแตก / ร้าว"
    with translation.override("th"):
        assert stored_text(stored) == "เพิ่มรูปถ่ายแล้ว\nPhoto added. ด้วยมือ\nผิวถนนแตก / ร้าว"
        assert stored_text("Repaired: request AB23-CD45") == "ซ่อมแล้ว: คำร้อง AB23-CD45"


# --- Read as people read them ---------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_the_photo_note_on_a_request_reads_thai_to_thai_staff_and_english_to_english_staff(kantang,
                                                                                          media_root):
    from infrastructure.models import ServiceRequestEvent
    from infrastructure.services import service_request_create

    from .infrastructure.helpers import png_upload, point

    with schema_context("kantang"):
        obj = service_request_create(data={"category": "other", "description": "ฝาท่อแตก",
                                           "location": point(0, 0)}, user=None, channel="phone")
    page = reverse("infrastructure:request-detail", args=[obj.pk], urlconf="cityplatform.urls_tenant")
    thai = reader("kantang.localhost", "kantang", "engineer", "th")

    thai.post(reverse("infrastructure:request-photo-add", args=[obj.pk], urlconf="cityplatform.urls_tenant"),
              {"photo": png_upload(), "comment": "ก่อนซ่อม"})

    with schema_context("kantang"):  # stored once, readable in either language
        assert ServiceRequestEvent.objects.filter(request=obj).last().comment == \
            "เพิ่มรูปถ่ายแล้ว / Photo added.\nก่อนซ่อม"
    thai_page = thai.get(page).text
    assert "เพิ่มรูปถ่ายแล้ว<br>ก่อนซ่อม" in thai_page and "Photo added." not in thai_page
    english_page = reader("kantang.localhost", "kantang", "engineer", "en").get(page).text
    assert "Photo added.<br>ก่อนซ่อม" in english_page and "เพิ่มรูปถ่ายแล้ว" not in english_page


def test_why_an_import_failed_reads_in_each_readers_language(kantang, tmp_path, settings):
    from imports.models import ImportJob

    from .imports.conftest import run, write_csv

    settings.MEDIA_ROOT = str(tmp_path / "media")
    job = run("kantang", "assets", write_csv(tmp_path / "empty.csv", [["code", "asset_type", "name"]]))
    page = reverse("imports:job", args=[job.public_id], urlconf="cityplatform.urls_tenant")

    assert job.status == "failed" and job.failure_message["msgid"].startswith("The file has")
    thai_page = reader("kantang.localhost", "kantang", "engineer", "th").get(page).text
    english_page = reader("kantang.localhost", "kantang", "engineer", "en").get(page).text
    assert "ไม่มีแถวข้อมูล" in thai_page and "no data rows" not in thai_page
    assert "no data rows" in english_page and "ไม่มีแถวข้อมูล" not in english_page

    # A job that failed before the message was kept: its half of the stored text.
    with schema_context("kantang"):
        ImportJob.objects.filter(pk=job.pk).update(failure_message={},
                                                   failure_reason="ไฟล์เสียหาย / The file is damaged.")
    assert "ไฟล์เสียหาย" in reader("kantang.localhost", "kantang", "engineer", "th").get(page).text
    english_page = reader("kantang.localhost", "kantang", "engineer", "en").get(page).text
    assert "The file is damaged." in english_page and "ไฟล์เสียหาย" not in english_page


def test_why_a_bulk_onboarding_stopped_reads_in_the_console_readers_language(db):
    from django.utils.translation import gettext_lazy as _

    from tenants.models import OnboardingRun
    from tenants.services.bulk_onboarding import onboarding_run_fail

    run = OnboardingRun.objects.create(province_code="92", actor_username="platform", errors=[
        {"code": "920501", "message": "มีอยู่แล้ว / Already exists",
         "text": message_store(_("The task queue cannot be reached, so nothing was created. Try again "
                                 "in a few minutes."))},
        {"code": "920502", "message": "ชื่อซ้ำ / The name is taken"},  # written before "text"
    ])
    onboarding_run_fail(run=run, message=_("The task queue cannot be reached, so nothing was created. "
                                           "Try again in a few minutes."))
    page = reverse("tenants:onboarding-run", args=[run.pk], urlconf="cityplatform.urls_public")

    thai = reader("localhost", "public", "platform", "th").get(page).text
    english = reader("localhost", "public", "platform", "en").get(page).text

    assert thai.count("ติดต่อคิวงานไม่ได้") == 2 and "920502: ชื่อซ้ำ" in thai and "task queue" not in thai
    assert english.count("The task queue cannot be reached") == 2 and "920502: The name is taken" in english
    assert not THAI.search(re.sub(r"<[^>]+>", "", english.split("onboarding-progress", 1)[1]))


# --- Labels whose msgid carries a Thai term ----------------------------------------------------------------


def test_choice_labels_read_english_only_to_a_reader_who_chose_english():
    from opendata.models import DataCategory
    from smarthealth.models import Person
    from smarthealth.rules import AdlGroup, Disability

    labels = [*Person.Sex.choices, *Person.Status.choices, *AdlGroup.choices, *Disability.choices,
              *DataCategory.choices]
    with translation.override("en"):
        english = [str(label) for _value, label in labels]
    with translation.override("th"):
        thai = [str(label) for _value, label in labels]

    assert not [label for label in english if THAI.search(label)], english
    assert "Male" in english and "Bedbound" in english and "Physical or movement" in english
    assert "ชาย" in thai and "ติดเตียง" in thai and all(THAI.search(label) for label in thai)


def test_the_date_hint_reads_in_the_readers_language(kantang):
    person_new = reverse("smarthealth:person-create", urlconf="cityplatform.urls_tenant")

    thai = reader("kantang.localhost", "kantang", "nurse", "th").get(person_new).text
    english = reader("kantang.localhost", "kantang", "nurse", "en").get(person_new).text

    assert 'placeholder="วว/ดด/ปปปป"' in thai and 'placeholder="dd/mm/yyyy"' in english
    assert "(ชาย)" not in english and "ชาย" in thai
