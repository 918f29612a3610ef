"""Change requests: a municipality asks the platform team, both sides follow one thread."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import empty
from PIL import Image

from tenants.models import ChangeRequest, ChangeRequestAttachment, ChangeRequestComment
from tenants.services.change_requests import (
    attachment_check,
    attachment_safe_name,
    change_request_transition,
)
from tenants.storage import platform_storage

from ..helpers import host_client, login


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    """Attachments go to a throw-away folder; the lazy storage is rebuilt around each test."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PLATFORM_TEAM_EMAILS = []
    platform_storage._wrapped = empty
    yield tmp_path
    platform_storage._wrapped = empty


@pytest.fixture
def nurse(kantang):
    return login(host_client("kantang.localhost"), "kantang", "nurse")


@pytest.fixture
def console(db):
    return login(host_client("localhost"), "public", "platform")


def png(name="screen.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def office(name: str, part: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def submit(client, *, files=(), title="แผนที่ไม่แสดงท่อระบายน้ำ", **extra):
    data = {"title": title, "description": "หน้าแผนที่ไม่แสดงท่อระบายน้ำตั้งแต่เมื่อวาน",
            "category": "bug", "priority": "high", **extra}
    if files:
        data["attachments"] = list(files)
    return client.post("/change-requests/new/", data)


def test_it_makes_the_round_trip_between_kantang_and_the_console(
    nurse, console, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(nurse, files=[png()])

    assert response.status_code == 302
    cr = ChangeRequest.objects.get(title="แผนที่ไม่แสดงท่อระบายน้ำ")
    assert cr.municipality.schema_name == "kantang" and cr.status == "new"
    assert (cr.submitted_by_username, cr.submitted_by_email) == ("nurse", "nurse@example.invalid")
    assert response["Location"] == f"/change-requests/{cr.pk}/"
    attachment = cr.attachments.get()
    assert attachment.original_name == "screen.png" and attachment.content_type == "image/png"
    # The platform team hears about it, in Thai and English, with a link to the console.
    assert [m.to for m in mailoutbox] == [["platform@example.invalid"]]
    assert cr.reference in mailoutbox[0].subject
    assert f"http://localhost/inbox/{cr.pk}/" in mailoutbox[0].body
    assert "screen.png" in mailoutbox[0].body
    mailoutbox.clear()

    inbox = console.get("/inbox/")
    assert inbox.status_code == 200 and cr.title in inbox.text and "เทศบาลเมืองกันตัง" in inbox.text
    page = console.get(f"/inbox/{cr.pk}/")
    assert page.status_code == 200 and "screen.png" in page.text
    file = console.get(f"/inbox/{cr.pk}/files/{attachment.pk}/")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"\x89PNG")

    with django_capture_on_commit_callbacks(execute=True):
        answer = console.post(f"/inbox/{cr.pk}/", {
            "status": "accepted", "body": "รับเรื่องแล้ว จะแก้ไขภายในสัปดาห์นี้",
        })

    assert answer.status_code == 302
    cr.refresh_from_db()
    assert cr.status == "accepted"
    entry = cr.comments.get()
    assert (entry.side, entry.status_from, entry.status_to) == ("platform", "new", "accepted")
    assert [m.to for m in mailoutbox] == [["nurse@example.invalid"]]
    assert f"http://kantang.localhost/change-requests/{cr.pk}/" in mailoutbox[0].body
    assert "รับเรื่องแล้ว จะแก้ไขภายในสัปดาห์นี้" in mailoutbox[0].body
    mailoutbox.clear()

    seen = nurse.get(f"/change-requests/{cr.pk}/")
    assert seen.status_code == 200
    assert "รับเรื่องแล้ว จะแก้ไขภายในสัปดาห์นี้" in seen.text
    assert "cr-status cr-status-accepted" in seen.text
    assert nurse.get(f"/change-requests/{cr.pk}/files/{attachment.pk}/").status_code == 200

    # Another kantang staff member answers: the platform team hears it; the next platform
    # answer goes to the submitter and to that colleague.
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"/change-requests/{cr.pk}/", {"body": "เพิ่มเติม: เกิดกับทุกชุมชน"}).status_code == 302
    assert [m.to for m in mailoutbox] == [["platform@example.invalid"]]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        console.post(f"/inbox/{cr.pk}/", {"status": "in_progress", "body": ""})
    assert sorted(m.to[0] for m in mailoutbox) == ["admin@example.invalid", "nurse@example.invalid"]


def test_every_staff_member_of_the_municipality_sees_its_requests(nurse, kantang):
    submit(nurse)
    engineer = login(host_client("kantang.localhost"), "kantang", "engineer")

    response = engineer.get("/change-requests/")

    assert response.status_code == 200 and "แผนที่ไม่แสดงท่อระบายน้ำ" in response.text


def test_nueaklong_cannot_see_kantangs_request(nurse, nueaklong):
    submit(nurse, files=[png()])
    cr = ChangeRequest.objects.get()
    attachment = cr.attachments.get()
    other = login(host_client("nueaklong.localhost"), "nueaklong", "admin")

    assert "แผนที่ไม่แสดงท่อระบายน้ำ" not in other.get("/change-requests/").text
    assert other.get(f"/change-requests/{cr.pk}/").status_code == 404
    assert other.get(f"/change-requests/{cr.pk}/files/{attachment.pk}/").status_code == 404
    assert other.post(f"/change-requests/{cr.pk}/", {"body": "ไม่ใช่ของเรา"}).status_code == 404
    assert not cr.comments.exists()


def test_a_volunteer_gets_403_and_a_visitor_the_login_page(kantang):
    volunteer = login(host_client("kantang.localhost"), "kantang", "volunteer")

    assert volunteer.get("/change-requests/").status_code == 403
    assert submit(volunteer).status_code == 403
    assert not ChangeRequest.objects.exists()
    anonymous = host_client("kantang.localhost").get("/change-requests/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_saved(nurse, media, mailoutbox):
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)

    response = submit(nurse, files=[png(), fake])

    assert response.status_code == 400
    assert "invoice.pdf" in response.text
    assert not ChangeRequest.objects.exists() and not ChangeRequestAttachment.objects.exists()
    assert not any(media.rglob("*.*")) and mailoutbox == []


def test_an_oversized_file_is_refused(nurse):
    big = SimpleUploadedFile("log.txt", b"a" * (10 * 1024 * 1024 + 1))

    response = submit(nurse, files=[big])

    assert response.status_code == 400 and "log.txt" in response.text and "10 MB" in response.text
    assert not ChangeRequest.objects.exists()


def test_more_than_five_files_are_refused(nurse):
    response = submit(nurse, files=[png(f"s{i}.png") for i in range(6)])

    assert response.status_code == 400
    assert not ChangeRequest.objects.exists()


def test_a_comment_with_a_bad_file_saves_nothing(nurse):
    submit(nurse)
    cr = ChangeRequest.objects.get()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo")

    response = nurse.post(f"/change-requests/{cr.pk}/", {"body": "ดูรูปนี้", "attachments": [fake]})

    assert response.status_code == 400 and "photo.jpg" in response.text
    assert not cr.comments.exists() and not cr.attachments.exists()


def test_an_empty_comment_is_refused(nurse):
    submit(nurse)
    cr = ChangeRequest.objects.get()

    response = nurse.post(f"/change-requests/{cr.pk}/", {"body": "   "})

    assert response.status_code == 400
    assert not cr.comments.exists()


def test_an_illegal_transition_changes_nothing(
    nurse, console, mailoutbox, django_capture_on_commit_callbacks
):
    submit(nurse)
    cr = ChangeRequest.objects.get()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(f"/inbox/{cr.pk}/", {"status": "done", "body": "เสร็จแล้ว"})

    assert response.status_code == 400
    assert "Done" in response.text or "เสร็จ" in response.text
    cr.refresh_from_db()
    assert cr.status == "new" and not cr.comments.exists() and mailoutbox == []
    with pytest.raises(ValidationError):
        change_request_transition(change_request=cr, to_status="in_progress",
                                  author_username="platform", author_name="ARV")
    assert ChangeRequest.objects.get().status == "new"


def test_the_console_filters_and_counts_the_inbox(nurse, console):
    submit(nurse, title="คำขอข้อมูลประชากร", category="data")
    submit(nurse, title="เปลี่ยนสีหัวเว็บ", category="appearance")
    nueaklong = login(host_client("nueaklong.localhost"), "nueaklong", "engineer")
    submit(nueaklong, title="ขอเพิ่มชั้นข้อมูลถนน", category="feature")

    everything = console.get("/inbox/")
    only_nueaklong = console.get("/inbox/?municipality=nueaklong")
    only_data = console.get("/inbox/?category=data&status=new")
    none_done = console.get("/inbox/?status=done")

    assert all(t in everything.text for t in ("คำขอข้อมูลประชากร", "เปลี่ยนสีหัวเว็บ", "ขอเพิ่มชั้นข้อมูลถนน"))
    assert "ขอเพิ่มชั้นข้อมูลถนน" in only_nueaklong.text and "เปลี่ยนสีหัวเว็บ" not in only_nueaklong.text
    assert "คำขอข้อมูลประชากร" in only_data.text and "เปลี่ยนสีหัวเว็บ" not in only_data.text
    assert "คำขอข้อมูลประชากร" not in none_done.text
    assert everything.context["tabs"][0]["count"] == 3
    assert {t["value"]: t["count"] for t in everything.context["tabs"]}["new"] == 3


def test_the_inbox_is_only_for_the_platform_team_and_only_on_the_console(kantang):
    assert host_client("localhost").get("/inbox/").status_code == 302
    # The municipality's pages do not exist on the console host, nor the console's on a tenant.
    console = login(host_client("localhost"), "public", "platform")
    assert console.get("/change-requests/").status_code == 404
    assert console.get("/change-requests/new/").status_code == 404
    assert login(host_client("kantang.localhost"), "kantang", "admin").get("/inbox/").status_code == 404


def test_a_platform_comment_without_status_keeps_the_status(nurse, console):
    submit(nurse)
    cr = ChangeRequest.objects.get()

    response = console.post(f"/inbox/{cr.pk}/", {"status": "", "body": "ขอภาพหน้าจอเพิ่มเติมครับ"})

    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == "new"
    assert cr.comments.get().side == ChangeRequestComment.Side.PLATFORM


@pytest.mark.parametrize("name, payload", [
    ("data.csv", "รหัส,ชื่อ\n1,กันตัง\n".encode("cp874")),
    ("notes.txt", "บันทึก\r\n".encode("utf-8-sig")),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
])
def test_it_accepts_the_allowed_types_by_their_content(payload, name):
    checked = attachment_check(SimpleUploadedFile(name, payload))

    assert checked.name == name and checked.size == len(payload)


def test_it_tells_office_files_apart_and_refuses_macros():
    assert attachment_check(office("book.xlsx", "xl/workbook.xml")).content_type.endswith("sheet")
    assert attachment_check(office("memo.docx", "word/document.xml")).content_type.endswith("document")
    with pytest.raises(ValidationError):
        attachment_check(office("memo.xlsx", "word/document.xml"))
    with pytest.raises(ValidationError):
        attachment_check(office("macro.xlsx", "xl/vbaProject.bin"))
    with pytest.raises(ValidationError):
        attachment_check(SimpleUploadedFile("setup.exe", b"MZ\x90\x00"))


def test_it_sanitises_file_names():
    assert attachment_safe_name("C:\\Users\\me\\รายงาน ประจำปี.PDF") == "รายงาน ประจำปี.pdf"
    assert attachment_safe_name("../../etc/passwd") == "passwd"
    # A right-to-left override would show "invoice‮fdp.exe" as "invoiceexe.pdf".
    assert attachment_safe_name("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert attachment_safe_name('a<b>:"c".txt') == "a_b___c_.txt"
    assert attachment_safe_name("...") == "file"
