"""The GeoReport v2 XML format (the spec's required one; JSON is its option): the same data the
JSON answers carry, written by ElementTree under the spec's element names.

A list is written as its plural element holding one singular element per item
(`<services><service>…</service></services>`, `<errors><error>…`); null is an empty element,
as in the spec's own examples; true/false are lower case."""

from xml.etree import ElementTree as ET

# The element of each item of a list, by the list's own element name (the spec's names).
ITEM_OF = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
CONTENT_TYPE = "text/xml; charset=utf-8"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        item = ITEM_OF[element.tag]  # a KeyError here is a list the spec does not name: a bug
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def open311_xml(data, *, root: str) -> bytes:
    """`data` (what the JSON answer holds) as a UTF-8 XML document whose root is `root`."""
    element = ET.Element(root)
    _fill(element, data)
    return DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")
