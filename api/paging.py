"""Page-number pagination, the same on every list: `page` (from 1) and `page_size`.

Lists answer with the total (`count` / `numberMatched`) and links to the next and previous pages,
built from the request's own URL so the filters carry over."""

import hashlib
import json

from django.db.models import Count, Max, Sum
from django.http import HttpResponse
from django.utils import translation
from django.utils.http import urlencode
from ninja import Schema

from .base import finish
from .errors import ApiError

MAX_PAGE_SIZE = 1000


class Link(Schema):
    href: str
    rel: str
    type: str = "application/json"


def page_slice(page: int, page_size: int, count: int) -> tuple[int, int]:
    if page > 1 and (page - 1) * page_size >= count:
        raise ApiError(404, code="page_out_of_range")
    start = (page - 1) * page_size
    return start, start + page_size


def page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + urlencode(sorted(params.lists()), doseq=True))


def page_links(request, *, page: int, page_size: int, count: int, media_type: str) -> list[dict]:
    links = [{"href": page_url(request, page), "rel": "self", "type": media_type}]
    if page * page_size < count:
        links.append({"href": page_url(request, page + 1), "rel": "next", "type": media_type})
    if page > 1:
        links.append({"href": page_url(request, page - 1), "rel": "prev", "type": media_type})
    return links


def next_prev(request, *, page: int, page_size: int, count: int) -> tuple[str | None, str | None]:
    following = page_url(request, page + 1) if page * page_size < count else None
    previous = page_url(request, page - 1) if page > 1 else None
    return following, previous


def list_version(request, queryset, **extra) -> tuple[int, HttpResponse | None]:
    """(count, a 304 or None) of a filtered list; the answer will carry the list's ETag.

    The version is the rows' count, last change and the sum of their ids (an added, removed or
    edited row changes it), plus `extra` (what else the answer depends on)."""
    version = queryset.aggregate(n=Count("id"), changed=Max("updated_at"), ids=Sum("id"))
    etag = list_etag(request, {**version, **extra})
    cached = not_modified(request, etag)
    if cached is None:
        request.response_etag = etag
    return version["n"], cached


def feature_collection(request, *, count: int, returned: int, page: int, page_size: int) -> dict:
    """Everything of a GeoJSON page but its features."""
    return {
        "type": "FeatureCollection", "numberMatched": count, "numberReturned": returned,
        "page": page, "page_size": page_size,
        "links": page_links(request, page=page, page_size=page_size, count=count,
                            media_type="application/geo+json"),
    }


def list_etag(request, version) -> str:
    """A weak ETag for a list: the data's version (count, last change, member ids), the query and
    the language (labels are translated)."""
    payload = json.dumps([version, sorted(request.GET.lists()), translation.get_language()],
                         default=str, sort_keys=True)
    return 'W/"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'


def not_modified(request, etag: str) -> HttpResponse | None:
    """A 304 when the client already holds this version (If-None-Match), else None."""
    wanted = request.headers.get("If-None-Match", "")
    candidates = {part.strip() for part in wanted.split(",")}
    # Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
    strip = {c[2:] if c.startswith("W/") else c for c in candidates}
    if "*" in candidates or etag[2:] in strip:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return finish(request, response)
    return None
