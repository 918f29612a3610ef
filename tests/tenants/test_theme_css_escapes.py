"""The SVG check reads styles as a browser does (issue 22, finding 4): CSS escapes cannot hide
`url(`, `@import` or `javascript:`, and style content may hold no backslash at all."""

import pytest
from django.core.exceptions import ValidationError

from tenants.services.theme import svg_check

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"{attrs}>{body}</svg>'


def svg(body: str = "", attrs: str = "") -> bytes:
    return SVG.format(body=body, attrs=attrs).encode()


@pytest.mark.parametrize("body", [
    r'<style>rect { fill: \75 rl(https://evil.example/x.svg#p) }</style>',
    r'<style>rect { fill: \000075rl(https://evil.example/x) }</style>',
    r'<style>\@import "https://evil.example/x.css";</style>',
    r'<style>@\69mport "https://evil.example/x.css";</style>',
    r'<rect style="fill: \75 rl(https://evil.example/x)"/>',
    r'<rect style="background: url(java\script:alert(1))"/>',
    r'<rect style="background: u\rl(https://evil.example/x)"/>',
    r'<rect fill="\75 rl(https://evil.example/x)"/>',
    r'<rect fill="\75rl(https://evil.example/x)"/>',
    '<style>rect { fill: image-set("https://evil.example/x.png" 1x) }</style>',
    '<rect style="background: -webkit-image-set(\'https://evil.example/x.png\' 1x)"/>',
])
def test_an_escaped_or_indirect_outside_reference_is_refused(body):
    with pytest.raises(ValidationError) as refused:
        svg_check(svg(body))
    assert refused.value.code == "unsafe_svg"


def test_an_attribute_escape_is_decoded_before_the_check():
    """Outside style content a backslash is allowed, but the decoded value is what is checked."""
    svg_check(svg(r'<rect fill="url(\23 gradient)"/>'))  # \23 is "#": a reference inside the file
    with pytest.raises(ValidationError):
        svg_check(svg(r'<rect fill="url(\68 ttps://evil.example/x)"/>'))


@pytest.mark.parametrize("body, attrs", [
    ('<defs><linearGradient id="g"/></defs><rect fill="url(#g)" style="fill: url(#g); stroke: red"/>', ""),
    ('<style>rect { fill: url(#g) }</style><rect/>', ""),
    # Inkscape writes the Windows path of the file into its own attributes: not CSS.
    ('<rect/>', r' xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"'
                r' sodipodi:docname="C:\Users\kantang\logo.svg"'),
])
def test_a_clean_logo_is_still_accepted(body, attrs):
    svg_check(svg(body, attrs))
