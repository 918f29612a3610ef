"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) mapped onto service requests: the
services (our request categories), the public list of requests, and filing a request.

Field names are the spec's, exactly. `reading` answers the GETs, `filing` the POST, `common`
holds the error shape and labels; the views (views/open311.py) only parse, call and answer.

What the public GET shows follows the citizens' status page (/report/status/<code>/), which
anyone holding the code may read: the status (with the reason of a rejection and the request a
duplicate points to), the category, when it was received, last changed and is due. It never
shows the reporter's name, phone or e-mail. Beyond the status page it shows the point (lat/long):
the spec requires it, an Open311 app is a map of problems, and a point says where a pothole is,
not who reported it. It does NOT show the description, the address text or the photo: all three
are written or taken by the reporter, can carry personal data (a name, a phone number, a face, a
house number), are not on the status page, and an Open311 list is read by anyone, in bulk.
Those keys are present with null, as the spec's own example does for missing values.
"""

from .common import (
    Open311Error,
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
    public_requests,
    request_query_parse,
    request_serialise,
    service_definition,
    services_list,
)

__all__ = [
    "Open311Error",
    "Open311RequestForm",
    "RequestQuery",
    "created_serialise",
    "form_errors",
    "jurisdiction_check",
    "open311_document",
    "open311_request_create",
    "param_error",
    "public_requests",
    "request_query_parse",
    "request_serialise",
    "service_definition",
    "service_errors",
    "services_list",
]
