"""The machine-readable catalogue: DCAT (DCAT-AP style) in JSON-LD for CKAN's `dcat_rdf`
harvester, and Project Open Data / DCAT-US 1.1 `data.json` for its `dcat_json` harvester.

Both carry every Thai GD Catalog field: where DCAT has a term for it, in that term (title,
description, publisher, contact point, frequency, spatial coverage, licence, keywords); the
rest (objective, data category, frequency unit and interval, geographic coverage level…) under
their GD Catalog field names (vocabulary.THGDC). URLs are absolute, on the host that was asked.
"""

import datetime as dt
from functools import cached_property

from django.urls import reverse
from django.utils import timezone

from . import vocabulary as v
from .models import PublishedDataset
from .selectors import data_modified, last_modified, places_of, refresh_times


class Links:
    """Absolute URLs of the public open-data pages, on the host of `request`."""

    def __init__(self, request):
        self.request = request

    def _url(self, name: str, **kwargs) -> str:
        return self.request.build_absolute_uri(reverse(f"opendata:{name}", kwargs=kwargs or None))

    @property
    def home(self) -> str:
        return self.request.build_absolute_uri("/")

    @property
    def catalog(self) -> str:
        return self._url("catalog")

    @property
    def catalog_jsonld(self) -> str:
        return self._url("catalog-jsonld")

    @property
    def data_json(self) -> str:
        return self._url("data-json")

    def page(self, kind: str) -> str:
        return self._url("dataset", kind=kind)

    def csv(self, kind: str) -> str:
        return self._url("dataset-csv", kind=kind)

    def jsonld(self, kind: str) -> str:
        return self._url("dataset-jsonld", kind=kind)


class Context:
    """What every description of one request shares, each read once: the municipality, its
    places, the dashboards' refresh times and the links on the host asked."""

    def __init__(self, request):
        self.municipality = request.tenant
        self.links = Links(request)

    @cached_property
    def times(self) -> dict:
        return refresh_times()

    @cached_property
    def places(self):
        return places_of(self.municipality)


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _when(moment: dt.datetime | None) -> dict | None:
    return {"@value": _iso(moment), "@type": "xsd:dateTime"} if moment else None


def _both(th: str, en: str) -> list[dict]:
    texts = [{"@value": th, "@language": "th"}]
    if en:
        texts.append({"@value": en, "@language": "en"})
    return texts


def _publisher(municipality, links: Links) -> dict:
    return {
        "@id": f"{links.home}#organization",
        "@type": "foaf:Organization",
        "foaf:name": _both(municipality.name_th, municipality.name_en),
        "foaf:homepage": {"@id": links.home},
    }


def _spatial(ctx: Context, dataset: PublishedDataset) -> list[dict]:
    municipality = ctx.municipality
    area = {"@type": "dct:Location", "skos:prefLabel": {"@value": dataset.coverage_text, "@language": "th"}}
    if municipality.centre is not None:
        area["dcat:centroid"] = {"@value": f"POINT({municipality.centre.x} {municipality.centre.y})",
                                 "@type": "gsp:wktLiteral"}
    locations = [area]
    for place in ctx.places:
        location = {"@type": "dct:Location", "dct:identifier": place.code, "dct:type": place.level}
        if place.name_th:
            location["skos:prefLabel"] = _both(place.name_th, place.name_en)
        locations.append(location)
    return locations


def _drop_empty(node: dict) -> dict:
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def dataset_node(dataset: PublishedDataset, ctx: Context) -> dict:
    municipality, links, times = ctx.municipality, ctx.links, ctx.times
    licence = v.LICENCES[dataset.licence]
    modified = _when(last_modified(dataset, times))
    csv_url = links.csv(dataset.kind)
    contact = {"@type": "vcard:Organization", "vcard:fn": dataset.maintainer_name}
    if dataset.maintainer_email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{dataset.maintainer_email}"}
    objective = v.GD_OBJECTIVE[dataset.objective]
    return _drop_empty({
        "@id": links.page(dataset.kind),
        "@type": "dcat:Dataset",
        "dct:identifier": str(dataset.uuid),
        "dct:title": _both(dataset.title_th, dataset.title_en),
        "dct:description": _both(dataset.description_th, dataset.description_en),
        "dct:publisher": _publisher(municipality, links),
        "dcat:contactPoint": contact,
        "dct:accrualPeriodicity": {"@id": v.eu_frequency(dataset.frequency_unit, dataset.frequency_value)},
        "dct:spatial": _spatial(ctx, dataset),
        "dct:license": {"@id": licence.url},
        "dct:accessRights": {"@id": v.EU_PUBLIC_ACCESS},
        "dct:issued": _when(dataset.published_at),
        "dct:modified": modified,
        "dct:language": [{"@id": iri} for iri in v.EU_LANGUAGES],
        "dcat:keyword": dataset.keyword_list,
        "dcat:theme": [{"@id": iri} for iri in v.eu_themes(dataset.kind)],
        "dcat:landingPage": {"@id": links.page(dataset.kind)},
        "dcat:distribution": [{
            "@id": csv_url,
            "@type": "dcat:Distribution",
            "dct:title": _both(f"{dataset.title_th} (CSV)",
                               f"{dataset.title_en} (CSV)" if dataset.title_en else ""),
            "dcat:accessURL": {"@id": csv_url},
            "dcat:downloadURL": {"@id": csv_url},
            "dcat:mediaType": "text/csv",
            "dct:format": "CSV",
            "dct:license": {"@id": licence.url},
            "dct:modified": modified,
        }],
        # Thai GD Catalog fields, under their ckanext-thai-gdc names.
        "thgdc:data_type": v.GD_DATA_TYPE,
        "thgdc:owner_org": municipality.name_th,
        "thgdc:maintainer": dataset.maintainer_name,
        "thgdc:maintainer_email": dataset.maintainer_email,
        "thgdc:objective": objective,
        "thgdc:objective_other": dataset.objective_other,
        "thgdc:update_frequency_unit": v.GD_FREQUENCY_UNIT[dataset.frequency_unit],
        "thgdc:update_frequency_interval": dataset.frequency_value,
        "thgdc:geo_coverage": v.GD_COVERAGE[dataset.coverage_level],
        "thgdc:geo_coverage_other": dataset.coverage_text,
        "thgdc:data_source": dataset.data_source,
        "thgdc:data_format": v.GD_DATA_FORMAT,
        "thgdc:data_category": v.GD_DATA_CATEGORY,
        "thgdc:license_id": licence.gd,
        "thgdc:data_language": v.GD_DATA_LANGUAGE,
        "thgdc:last_updated_date": _iso(data_modified(dataset, times)),
    })


def _catalog_titles(municipality) -> tuple[list, list]:
    name_en = municipality.name_en or municipality.name_th
    return (_both(f"ข้อมูลเปิด {municipality.name_th}", f"Open data of {name_en}"),
            _both(f"ชุดข้อมูลเปิดของ{municipality.name_th}: ข้อมูลรวม ไม่มีข้อมูลส่วนบุคคล",
                  f"Open datasets published by {name_en}: aggregates only, no personal data."))


def catalog_jsonld(datasets: list[PublishedDataset], ctx: Context) -> dict:
    municipality, links = ctx.municipality, ctx.links
    title, description = _catalog_titles(municipality)
    modified = max((last_modified(d, ctx.times) for d in datasets), default=None)
    return _drop_empty({
        "@context": v.CONTEXT,
        "@id": links.catalog_jsonld,
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dct:description": description,
        "dct:publisher": _publisher(municipality, links),
        "foaf:homepage": {"@id": links.catalog},
        "dct:language": [{"@id": iri} for iri in v.EU_LANGUAGES],
        "dct:modified": _when(modified),
        "dcat:dataset": [dataset_node(d, ctx) for d in datasets],
    })


def dataset_jsonld(dataset: PublishedDataset, ctx: Context) -> dict:
    return {"@context": v.CONTEXT, **dataset_node(dataset, ctx)}


# --- Project Open Data (DCAT-US 1.1) -----------------------------------------------------------
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"


def _pod_dataset(dataset: PublishedDataset, ctx: Context) -> dict:
    municipality, links, times = ctx.municipality, ctx.links, ctx.times
    licence = v.LICENCES[dataset.licence]
    csv_url = links.csv(dataset.kind)
    contact = {"@type": "vcard:Contact", "fn": dataset.maintainer_name}
    if dataset.maintainer_email:
        contact["hasEmail"] = f"mailto:{dataset.maintainer_email}"
    return _drop_empty({
        "@type": "dcat:Dataset",
        "identifier": str(dataset.uuid),
        "title": dataset.title_th,
        "description": dataset.description_th,
        "keyword": dataset.keyword_list,
        "modified": _iso(last_modified(dataset, times)),
        "issued": _iso(dataset.published_at),
        "publisher": {"@type": "org:Organization", "name": municipality.name_th},
        "contactPoint": contact,
        "accessLevel": "public",
        "license": licence.url,
        "spatial": dataset.coverage_text,
        "accrualPeriodicity": v.iso_frequency(dataset.frequency_unit, dataset.frequency_value),
        "language": ["th", "en"],
        "landingPage": links.page(dataset.kind),
        "theme": v.THEMES[dataset.kind][1],
        "distribution": [{
            "@type": "dcat:Distribution",
            "title": f"{dataset.title_th} (CSV)",
            "downloadURL": csv_url,
            "mediaType": "text/csv",
            "format": "CSV",
        }],
        # Extra fields (allowed by the schema): the English title and the GD Catalog fields.
        "title_en": dataset.title_en,
        "description_en": dataset.description_en,
        "owner_org": municipality.name_th,
        "maintainer": dataset.maintainer_name,
        "maintainer_email": dataset.maintainer_email,
        "objective": v.GD_OBJECTIVE[dataset.objective],
        "objective_other": dataset.objective_other,
        "update_frequency_unit": v.GD_FREQUENCY_UNIT[dataset.frequency_unit],
        "update_frequency_interval": dataset.frequency_value,
        "geo_coverage": v.GD_COVERAGE[dataset.coverage_level],
        "data_type": v.GD_DATA_TYPE,
        "data_source": dataset.data_source,
        "data_format": v.GD_DATA_FORMAT,
        "data_category": v.GD_DATA_CATEGORY,
        "license_id": licence.gd,
    })


def data_json(datasets: list[PublishedDataset], ctx: Context) -> dict:
    links = ctx.links
    return {
        "@context": f"{POD_SCHEMA}/catalog.jsonld",
        "@id": links.data_json,
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": f"{POD_SCHEMA}/catalog.json",
        "dataset": [_pod_dataset(d, ctx) for d in datasets],
    }
