"""The API docs page (/api/v1/docs) reads in the reader's language (issue 20): its introduction, the
operations' summaries and descriptions, the tags and the API's own description in Thai for a Thai
reader and in English for one who chose English. The OpenAPI document itself (/api/v1/openapi.json)
stays the same English one whatever the reader chose (CONTRACT §6: tools read it)."""

import json
import re

import pytest
from django.test import Client

from api.docs import localised_document
from api.urls import tenant_api

from ..thai_text import latin_words, visible_text
from .conftest import HOSTS

THAI = re.compile("[\u0e00-\u0e7f]")
pytestmark = pytest.mark.django_db


def docs(language: str | None, host: str = HOSTS["kantang"]) -> tuple[str, dict]:
    client = Client(HTTP_HOST=host)
    if language:
        client.cookies["django_language"] = language
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    settings = json.loads(re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>',
                                    html, re.S).group(1))
    return html, settings["spec"]


def read_texts(document: dict) -> list[str]:
    texts = [document["info"]["title"], document["info"]["description"]]
    for item in document["paths"].values():
        for operation in item.values():
            texts += [operation["summary"], *operation.get("tags", [])]
            texts += [operation["description"]] if operation.get("description") else []
    return texts


def test_a_thai_reader_reads_the_docs_in_thai(kantang):
    html, document = docs(None)  # no choice made: Thai, the platform's language

    assert '<html lang="th">' in html
    untranslated = [text for text in read_texts(document) if not THAI.search(text)]
    assert not untranslated, untranslated
    # The introduction: only the words Thai readers use as they are (names of formats and of the
    # CSV's own column "Problem", SLA as Thai offices say it), nothing else in Latin letters: the
    # tool's buttons it explains are named as the tool shows them in Thai.
    intro = html.split('id="api-intro">', 1)[1].split("</main>", 1)[0]
    words = {word for word, _around in latin_words(visible_text(intro))}
    assert words <= {"OpenAPI", "Feature", "Problem", "SLA"}, words
    assert "“ยืนยันตัวตน”" in intro and "“ลองใช้”" in intro
    assert "ทรัพย์สินในรูปแบบ GeoJSON" in intro and "ยื่นคำร้อง" in intro


def test_an_english_reader_reads_the_docs_in_english(kantang):
    html, document = docs("en")

    assert '<html lang="en">' in html
    assert not [text for text in read_texts(document) if THAI.search(text) and "แถว" not in text]
    intro = html.split('id="api-intro">', 1)[1].split("</main>")[0]
    assert "Assets as GeoJSON" in intro and "ทรัพย์สิน" not in intro


def test_the_openapi_document_stays_english_whatever_the_reader_chose(kantang):
    client = Client(HTTP_HOST=HOSTS["kantang"])
    client.cookies["django_language"] = "th"

    served = client.get("/api/v1/openapi.json").json()

    assert served == json.loads(json.dumps(dict(tenant_api.get_openapi_schema(path_params={}))))
    assert served["paths"]["/api/v1/assets/"]["get"]["summary"] == "Assets as GeoJSON"


def test_the_console_docs_read_in_thai_too(db):
    html, document = docs("th", HOSTS["public"])

    assert document["info"]["title"] == "API ของแพลตฟอร์มข้อมูลเมือง (คอนโซลแพลตฟอร์ม)"
    assert all(THAI.search(text) for text in read_texts(document))


def test_a_text_with_no_translation_stays_as_it_is():
    from django.utils import translation

    with translation.override("th"):
        document = localised_document({"info": {"title": "Untranslated title"}, "paths": {
            "/x": {"get": {"summary": "Nothing like this", "tags": ["x"]}}}})

    assert document["paths"]["/x"]["get"] == {"summary": "Nothing like this", "tags": ["x"]}


def test_swagger_uis_own_words_are_handed_to_the_page_in_the_readers_language(kantang):
    def words(language):
        html, _document = docs(language)
        return json.loads(re.search(r'<script type="application/json" id="swagger-words">(.*?)</script>',
                                    html, re.S).group(1))

    thai, english = words("th"), words("en")

    assert thai["words"]["Try it out"] == "ลองใช้" and thai["words"]["Execute"] == "ส่งคำขอ"
    assert thai["places"]["query"] == "ในสตริงค้นหา"
    assert all(THAI.search(word) for word in thai["words"].values()), thai["words"]
    assert english == {"words": {}, "places": {}}  # English: Swagger UI's own words stay
