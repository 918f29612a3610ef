"""Theme validation: colours, contrast, logo and favicon content; bad input changes nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.functional import empty
from PIL import Image

from tenants.models import CustomizationVersion, Theme
from tenants.services.theme import (
    ThemeError,
    contrast_ratio,
    contrast_warnings,
    normalise_colour,
    svg_check,
    theme_for,
    theme_update,
)
from tenants.storage import platform_storage

from ..helpers import error_texts

GOOD = {
    "display_name_th": "เทศบาลเมืองกันตัง", "display_name_en": "Kantang Town", "primary_color": "#0b6e4f",
    "secondary_color": "#14532d", "accent_color": "#8a4b00", "base_font_size": 16, "header_style": "solid",
    "login_text_th": "", "login_text_en": "",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Theme files go to a temporary folder (the storage is created lazily, once per process)."""
    settings.MEDIA_ROOT = str(tmp_path)
    platform_storage._wrapped = empty
    yield tmp_path
    platform_storage._wrapped = empty


@pytest.fixture(autouse=True)
def _messages_read_in_english():
    """The messages are lazy texts read in the language active where they are shown; these tests
    read them in English (test_a_thai_reader_reads_thai_only reads one in Thai)."""
    with translation.override("en"):
        yield


def png(size=(32, 32), colour=(200, 0, 0)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def save_good(municipality, **changes):
    theme, _warnings = theme_update(municipality=municipality, data={**GOOD, **changes}, editor="test")
    return theme


def test_it_normalises_short_and_upper_case_colours():
    assert normalise_colour("#ABC") == "#aabbcc"
    assert normalise_colour(" 0B6E4F ") == "#0b6e4f"
    with pytest.raises(ValidationError) as error:
        normalise_colour("red")
    assert "#0b6e4f" in error.value.messages[0]


def test_it_computes_the_wcag_contrast_ratio():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#ffffff", "#ffffff"), 1) == 1.0
    assert 4.4 < contrast_ratio("#777777", "#ffffff") < 4.5  # the classic just-failing grey


def test_a_light_primary_colour_gets_a_contrast_warning_but_is_saved(kantang):
    theme, warnings = theme_update(
        municipality=kantang, data={**GOOD, "primary_color": "#FFD700"}, editor="test"
    )

    assert theme.primary_color == "#ffd700"
    assert set(warnings) == {"primary_color"}
    assert "1.4:1" in warnings["primary_color"]
    assert contrast_warnings({"primary_color": "#0b6e4f", "accent_color": "#8a4b00"}) == {}


def test_a_bad_colour_is_refused_and_the_previous_theme_stays(kantang):
    save_good(kantang, primary_color="#123456")

    with pytest.raises(ThemeError) as error:
        theme_update(municipality=kantang, data={**GOOD, "primary_color": "#12345G",
                                                 "display_name_th": "ชื่อใหม่"}, editor="test")

    assert "primary_color" in error.value.message_dict
    theme = Theme.objects.get(municipality=kantang)
    assert (theme.primary_color, theme.display_name_th) == ("#123456", "เทศบาลเมืองกันตัง")
    assert CustomizationVersion.objects.filter(municipality=kantang, kind="theme").count() == 1


def test_a_font_size_outside_14_to_20_is_refused(kantang):
    with pytest.raises(ThemeError) as error:
        theme_update(municipality=kantang, data={**GOOD, "base_font_size": 22}, editor="test")
    assert "base_font_size" in error.value.message_dict
    assert not Theme.objects.filter(municipality=kantang).exists()


def test_login_text_over_1000_characters_is_refused(kantang):
    with pytest.raises(ThemeError) as error:
        theme_update(municipality=kantang, data={**GOOD, "login_text_th": "ก" * 1001}, editor="test")
    assert "login_text_th" in error.value.message_dict


def test_a_png_logo_is_stored_by_its_content_not_its_name(kantang, media):
    theme, _ = theme_update(municipality=kantang, data=GOOD, editor="test",
                            files={"logo": upload("logo.svg", png())})

    assert theme.logo.name.startswith("themes/kantang/logo-") and theme.logo.name.endswith(".png")
    assert (media / "platform" / theme.logo.name).read_bytes() == png()


@pytest.mark.parametrize("content, expected", [
    (b"%PDF-1.4 not an image at all", "not an image"),
    (b"GIF89a" + b"\x00" * 40, "not an image"),
])
def test_a_logo_that_is_not_an_image_is_refused(kantang, content, expected):
    save_good(kantang)
    with pytest.raises(ThemeError) as error:
        theme_update(municipality=kantang, data={**GOOD, "primary_color": "#000000"}, editor="test",
                     files={"logo": upload("logo.png", content, "image/png")})

    assert expected in " ".join(error.value.message_dict["logo"])
    theme = Theme.objects.get(municipality=kantang)
    assert theme.primary_color == "#0b6e4f" and not theme.logo


def test_a_logo_over_1_mb_is_refused(kantang):
    big = png() + b"\x00" * (1024 * 1024)
    with pytest.raises(ThemeError) as error:
        theme_update(municipality=kantang, data=GOOD, editor="test", files={"logo": upload("logo.png", big)})
    assert "1024 KB" in " ".join(error.value.message_dict["logo"])
    assert not Theme.objects.filter(municipality=kantang).exists()


def test_a_jpeg_is_not_accepted_as_a_favicon(kantang):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG")
    with pytest.raises(ThemeError) as error:
        theme_update(municipality=kantang, data=GOOD, editor="test",
                     files={"favicon": upload("icon.ico", buffer.getvalue())})
    assert "PNG, ICO or SVG" in " ".join(error.value.message_dict["favicon"])


def test_an_ico_favicon_is_accepted(kantang):
    buffer = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 100, 0, 255)).save(buffer, "ICO")
    theme, _ = theme_update(municipality=kantang, data=GOOD, editor="test",
                            files={"favicon": upload("f.bin", buffer.getvalue())})
    assert theme.favicon.name.endswith(".ico")


SAFE_SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
            b'<defs><linearGradient id="g"><stop offset="0" stop-color="#0b6e4f"/></linearGradient></defs>'
            b'<style>circle { fill: url(#g); }</style><circle cx="5" cy="5" r="4"/>'
            b'<use xlink:href="#g"/></svg>')


def test_a_clean_svg_logo_is_accepted(kantang):
    theme, _ = theme_update(municipality=kantang, data=GOOD, editor="test",
                            files={"logo": upload("logo.svg", SAFE_SVG, "image/svg+xml")})
    assert theme.logo.name.endswith(".svg")


@pytest.mark.parametrize("svg, message", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "contains a script"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "onload"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>', "foreignobject"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
     b'<a x:href="javascript:alert(1)"><rect/></a></svg>', "javascript:"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>',
     "https://evil.example/x.png"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>',
     "@import"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://x.example/p) }</style></svg>',
     "url()"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>alert(1)</SCRIPT></svg>', "contains a script"),
    (b'<html><body>not svg</body></html>', "not an image"),
])
def test_an_unsafe_svg_is_refused_with_a_clear_reason(svg, message):
    with pytest.raises(ValidationError) as error:
        svg_check(svg)
    assert message in " ".join(error.value.messages)


def test_an_svg_with_a_script_leaves_the_previous_theme_unchanged(kantang):
    before = save_good(kantang)
    script_svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    with pytest.raises(ThemeError) as error:
        theme_update(municipality=kantang, data={**GOOD, "accent_color": "#000000"}, editor="test",
                     files={"logo": upload("logo.svg", script_svg, "image/svg+xml")})

    assert "The SVG contains a script" in " ".join(error.value.message_dict["logo"])
    after = theme_for(kantang)
    assert (after.accent_color, after.logo.name, after.version) == ("#8a4b00", "", before.version)


def test_a_thai_reader_reads_thai_only():
    with pytest.raises(ValidationError) as error:
        normalise_colour("red")

    thai, english = error_texts([error.value.error_list[0].message])

    assert "is not a colour" in english and "#0b6e4f" in thai
    assert "colour" not in thai and " / " not in thai
