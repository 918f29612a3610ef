"""Searches by name or national ID never put the name or the digits into a URL (issue 22,
finding 1): not the form's action, not the redirect after it, not a page link, not a pushed URL.
The volunteer's household search posts and comes back at an opaque `?s=` key; the nurse's person
list posts and pages by posting."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from kernel.national_id import format_national_id
from smarthealth.models import Household
from tests.helpers import host_client, login

from .conftest import make_cid, person_build

pytestmark = pytest.mark.django_db

# Every place an HTML page or a response names a URL.
_URL_ATTRIBUTES = re.compile(r'(?:href|src|action|formaction|hx-get|hx-post|hx-push-url)="([^"]*)"')
SURNAME = "ลับเฉพาะ"


def client_for(username):
    return login(host_client("kantang.localhost"), "kantang", username)


def urls_of(response) -> list[str]:
    """The URLs a response produces, percent-decoded (a Thai name travels encoded)."""
    found = [response.get("Location", ""), response.get("HX-Push-Url", ""), response.get("HX-Redirect", "")]
    if response.get("Content-Type", "").startswith("text/html"):
        found += _URL_ATTRIBUTES.findall(response.content.decode())
    return [unquote(url.replace("&amp;", "&")) for url in found if url]


def assert_not_in_any_url(responses, *secrets):
    for response in responses:
        for url in urls_of(response):
            for secret in secrets:
                assert secret not in url, f"{secret!r} in {url!r}"


@pytest.fixture
def many_households(volunteer):
    """21 of the volunteer's households with a member named SURNAME: more than one page (20)."""
    people = []
    for n in range(21):
        household = Household.objects.create(house_id=f"9202019{n:04d}", house_no=f"{n}/9", moo=4,
                                             community="ชุมชนค้นหา", volunteer=volunteer)
        people.append(person_build(cid_seed=500 + n, household=household, first_name=f"ค้นหา{n}",
                                   last_name=SURNAME))
    return people


def test_the_volunteer_searches_by_name_and_pages_without_the_name_in_any_url(many_households):
    client = client_for("volunteer")
    page_one = client.get(reverse("smarthealth:visit-list"))
    posted = client.post(reverse("smarthealth:visit-list"), {"q": SURNAME})
    assert posted.status_code == 302
    assert re.fullmatch(r"/health/visits/\?s=[\w-]+", posted["Location"])

    first = client.get(posted["Location"])
    html = first.content.decode()
    assert first.status_code == 200
    assert "21" in html and SURNAME in html  # 21 households; the box shows the name again
    second_link = re.search(r'href="(\?[^"]*page=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "s=" in second_link
    second = client.get(reverse("smarthealth:visit-list") + second_link)
    shown = {p.first_name for p in many_households if p.first_name in html + second.content.decode()}
    assert shown == {p.first_name for p in many_households}  # every match, over the two pages

    assert 'method="post"' in page_one.content.decode()
    assert_not_in_any_url([page_one, posted, first, second], SURNAME)


def test_the_volunteer_searches_by_national_id_kept_only_as_its_hash(many_households):
    client = client_for("volunteer")
    wanted = many_households[3]
    digits = make_cid(503)
    posted = client.post(reverse("smarthealth:visit-list"), {"q": format_national_id(digits)})
    page = client.get(posted["Location"])

    html = page.content.decode()
    assert wanted.first_name in html and many_households[4].first_name not in html
    assert digits not in html  # not echoed in the search box either
    assert_not_in_any_url([posted, page], digits, format_national_id(digits))
    # The session (a database row) keeps the keyed hash, never the digits.
    assert digits not in str(dict(client.session.items()))


def _count(response) -> str:
    """The "N households" line of the volunteer's list."""
    return re.search(r'<span class="muted">([^<]*)</span>', response.content.decode()).group(1)


def test_a_name_in_the_query_string_is_not_a_search(many_households):
    """An old bookmark or a hand-typed `?q=` must not bring the GET search back."""
    client = client_for("volunteer")
    plain = client.get(reverse("smarthealth:visit-list"))
    with_q = client.get(reverse("smarthealth:visit-list"), {"q": SURNAME})
    assert _count(with_q) == _count(plain)
    assert "21" not in _count(plain)  # the demo volunteer looks after more than the 21


def test_a_search_key_is_good_only_in_the_session_that_made_it(many_households):
    owner = client_for("volunteer")
    posted = owner.post(reverse("smarthealth:visit-list"), {"q": SURNAME})
    assert "21" in _count(owner.get(posted["Location"]))
    stranger = client_for("volunteer")  # another session of the same user: the key means nothing
    assert _count(stranger.get(posted["Location"])) == _count(stranger.get(reverse("smarthealth:visit-list")))


def test_the_nurse_searches_persons_by_name_and_id_and_pages_by_post(many_households):
    client = client_for("nurse")
    by_name = client.post(reverse("smarthealth:person-list"), {"q": SURNAME})
    digits = make_cid(505)
    by_id = client.post(reverse("smarthealth:person-list"), {"q": digits})
    by_htmx = client.post(reverse("smarthealth:person-list"), {"q": SURNAME}, HTTP_HX_REQUEST="true")

    assert many_households[0].full_name in by_name.content.decode()
    assert many_households[5].full_name in by_id.content.decode()
    assert digits not in by_id.content.decode()
    assert_not_in_any_url([by_name, by_id, by_htmx], SURNAME, digits)


def test_the_user_list_search_posts_and_keeps_the_name_out_of_urls(in_kantang):
    client = client_for("admin")
    posted = client.post(reverse("accounts:user-list"), {"q": "volunteer", "role": ""})
    assert posted.status_code == 302 and "volunteer" not in posted["Location"]
    page = client.get(posted["Location"])
    rows = page.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert ">volunteer</a>" in rows and ">nurse</a>" not in rows
    assert_not_in_any_url([posted, page], "volunteer")
