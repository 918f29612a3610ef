"""The municipal administrator adds and edits the municipality's users."""

from django_tenants.utils import schema_context

from accounts.models import User
from accounts.roles import Role

from ..helpers import DEMO_PASSWORD, host_client, login


def _admin_client():
    return login(host_client("kantang.localhost"), "kantang", "admin")


def test_the_admin_adds_a_volunteer_who_can_then_sign_in(kantang):
    response = _admin_client().post("/accounts/users/new/", {
        "username": "malee_k", "first_name": "มาลี", "last_name": "ใจงาม", "email": "",
        "phone": "081-234-5678", "position": "อสม. หมู่ 3", "role": "volunteer",
        "password": "a-long-password-42",
    })

    assert response.status_code == 302
    with schema_context("kantang"):
        assert User.objects.get(username="malee_k").role == Role.VOLUNTEER
    signed_in = host_client("kantang.localhost").post(
        "/accounts/login/", {"username": "malee_k", "password": "a-long-password-42"}
    )
    assert signed_in.status_code == 302


def test_a_weak_password_or_taken_username_is_refused_with_a_message(kantang):
    client = _admin_client()
    weak = client.post("/accounts/users/new/", {
        "username": "weakling", "first_name": "", "last_name": "", "email": "", "phone": "",
        "position": "", "role": "nurse", "password": "12345",
    })
    taken = client.post("/accounts/users/new/", {
        "username": "NURSE", "first_name": "", "last_name": "", "email": "", "phone": "",
        "position": "", "role": "nurse", "password": "a-long-password-42",
    })

    assert weak.status_code == 200 and 'class="error"' in weak.text
    assert taken.status_code == 200 and "form-errors" in taken.text
    with schema_context("kantang"):
        assert not User.objects.filter(username="weakling").exists()
        assert User.objects.filter(username__iexact="nurse").count() == 1


def test_the_admin_changes_a_role_and_deactivates_a_user(kantang):
    with schema_context("kantang"):
        engineer = User.objects.get(username="engineer")

    response = _admin_client().post(f"/accounts/users/{engineer.pk}/", {
        "first_name": "ธนากร", "last_name": "แก้วมณี", "email": "", "phone": "", "position": "",
        "role": "executive", "is_active": "",
    })

    assert response.status_code == 302
    with schema_context("kantang"):
        engineer = User.objects.get(username="engineer")
        assert engineer.role == Role.EXECUTIVE
        assert not engineer.is_active


def test_the_admin_cannot_demote_themselves(kantang):
    with schema_context("kantang"):
        admin = User.objects.get(username="admin")

    response = _admin_client().post(f"/accounts/users/{admin.pk}/", {
        "first_name": "", "last_name": "", "email": "", "phone": "", "position": "",
        "role": "nurse", "is_active": "on",
    })

    assert response.status_code == 200
    with schema_context("kantang"):
        assert User.objects.get(username="admin").role == Role.ADMIN


def test_a_user_edits_their_profile_and_changes_their_password(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "nurse")

    saved = client.post("/accounts/profile/", {
        "first_name": "สุนิสา", "last_name": "รักษ์ดี", "email": "nurse@kantang.go.th",
        "phone": "075-251-100", "position": "พยาบาลวิชาชีพชำนาญการ",
    })
    changed = client.post("/accounts/password/", {
        "old_password": DEMO_PASSWORD, "new_password1": "another-long-pass-77",
        "new_password2": "another-long-pass-77",
    })

    assert saved.status_code == 302 and changed.status_code == 302
    with schema_context("kantang"):
        nurse = User.objects.get(username="nurse")
        assert nurse.position == "พยาบาลวิชาชีพชำนาญการ"
        assert nurse.check_password("another-long-pass-77")


def test_the_new_user_form_speaks_thai_and_chooses_no_role_by_itself(kantang):
    client = _admin_client()
    form = client.get("/accounts/users/new/").text
    # Django's own help text of the username field, in Thai.
    assert "ไม่เกิน 150 ตัวอักษร" in form and "Required. 150 characters" not in form
    assert '<option value="" selected>— เลือกบทบาท —</option>' in form

    no_role = client.post("/accounts/users/new/", {
        "username": "norole", "first_name": "", "last_name": "", "email": "", "phone": "",
        "position": "", "role": "", "password": "a-long-password-42"})
    weak = client.post("/accounts/users/new/", {
        "username": "bad name!", "first_name": "", "last_name": "", "email": "", "phone": "",
        "position": "", "role": "nurse", "password": "1234567890"})

    assert no_role.status_code == 200
    with schema_context("kantang"):
        assert not User.objects.filter(username="norole").exists()
    for thai, english in [("ชื่อผู้ใช้ไม่ถูกต้อง", "Enter a valid username"),
                          ("รหัสผ่านนี้ง่ายและพบบ่อยเกินไป", "too common"),
                          ("รหัสผ่านนี้เป็นตัวเลขล้วน", "entirely numeric")]:
        assert thai in weak.text and english not in weak.text
    short = client.post("/accounts/users/new/", {
        "username": "shorty", "first_name": "", "last_name": "", "email": "", "phone": "",
        "position": "", "role": "nurse", "password": "x7#kq"})
    assert "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 10 ตัวอักษร" in short.text


def test_the_user_list_counts_like_people_do(kantang):
    with schema_context("kantang"):
        for name in ("tester10", "tester2", "tester1"):
            User.objects.create_user(username=name, password=None)
    page = _admin_client().get("/accounts/users/", {"q": "tester"}).text

    positions = [page.index(f">{name}<") for name in ("tester1", "tester2", "tester10")]
    assert positions == sorted(positions)
