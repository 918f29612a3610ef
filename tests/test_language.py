"""The platform is Thai-first: a browser set to English still gets Thai until the person
chooses English with the switch."""

from .helpers import host_client


def test_an_english_browser_still_gets_thai(db):
    response = host_client("kantang.localhost").get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en")

    assert response["Content-Language"] == "th"
    assert "เข้าสู่ระบบ" in response.text


def test_the_language_switch_turns_the_pages_english(db):
    client = host_client("kantang.localhost")

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/")

    assert switched.status_code == 302
    assert page["Content-Language"] == "en"
    assert "Sign in" in page.text
    assert "เทศบาลเมืองกันตัง" in page.text  # the municipality's own name stays as it is
