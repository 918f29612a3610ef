"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) mapped onto service requests: the
services (our request categories), the public list of requests, and filing a request.

Field names are the spec's, exactly. `reading` answers the GETs, `filing` the POST, `common`
holds the error shape and labels; the views (views/open311.py) only parse, call and answer.

What the public GET shows follows the citizens' status page (/report/status/<code>/), which
anyone holding the code may read: the status (with the reason of a rejection and the request a
duplicate points to), the category, when it was received, last changed and is due. It never
shows the reporter's name, phone or e-mail. Beyond the status page it shows the point (lat/long):
the spec requires it, an Open311 app is a map of problems, and a point says where a pothole is,
not who reported it (null for a request filed with an address only, until staff place it).
It does NOT show the description, the address text or the reporter's photo: all three are
written or taken by the reporter, can carry personal data (a name, a phone number, a face, a
house number), and an Open311 list is read by anyone, in bulk. Those keys are present with null,
as the spec's own example does for missing values. `media_url` is the photo staff took after the
repair, when there is one: staff take it to publish it (it is on the status page), it shows the
work, not the reporter. Answers to a service's attributes (attributes.py) stay internal too.

Every answer is written in XML (xml.py, the spec's required format) or JSON.
"""

from .attributes import ATTRIBUTE_CODES, SERVICE_ATTRIBUTES, ServiceAttribute, attribute_answers
from .common import (
    Open311Error,
    agency_name,
    jurisdiction_check,
    param_error,
)
from .filing import (
    Open311RequestForm,
    created_serialise,
    form_errors,
    open311_request_create,
    service_errors,
)
from .openapi import open311_document
from .reading import (
    RequestQuery,
    discovery,
    public_requests,
    request_query_parse,
    request_serialise,
    service_definition,
    services_list,
)
from .xml import CONTENT_TYPE as XML_CONTENT_TYPE
from .xml import open311_xml

__all__ = [
    "ATTRIBUTE_CODES",
    "SERVICE_ATTRIBUTES",
    "XML_CONTENT_TYPE",
    "Open311Error",
    "Open311RequestForm",
    "RequestQuery",
    "ServiceAttribute",
    "agency_name",
    "attribute_answers",
    "created_serialise",
    "discovery",
    "form_errors",
    "jurisdiction_check",
    "open311_document",
    "open311_request_create",
    "open311_xml",
    "param_error",
    "public_requests",
    "request_query_parse",
    "request_serialise",
    "service_definition",
    "service_errors",
    "services_list",
]
