"""The whole catalogue, for harvesters: DCAT JSON-LD (CKAN dcat_rdf) and data.json (dcat_json),
with absolute URLs on the host asked; one municipality's publications never show on another's."""

import json

from ..helpers import host_client, login
from .conftest import publish

CONTEXT_PREFIXES = {"dcat", "dct", "foaf", "vcard", "thgdc"}


def test_the_catalogue_is_dcat_json_ld(admin_client, visitor):
    publish(admin_client, "assets")
    publish(admin_client, "health")

    response = visitor.get("/opendata/catalog.jsonld")

    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    catalogue = json.loads(response.content)
    assert CONTEXT_PREFIXES <= set(catalogue["@context"])
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@id"] == "http://kantang.localhost/opendata/catalog.jsonld"
    assert catalogue["dct:publisher"]["@type"] == "foaf:Organization"
    datasets = catalogue["dcat:dataset"]
    assert [d["@type"] for d in datasets] == ["dcat:Dataset", "dcat:Dataset"]
    downloads = [d["dcat:distribution"][0]["dcat:downloadURL"]["@id"] for d in datasets]
    assert downloads == ["http://kantang.localhost/opendata/assets.csv",
                         "http://kantang.localhost/opendata/health.csv"]
    for url in downloads:
        assert visitor.get(url.removeprefix("http://kantang.localhost")).status_code == 200


def test_the_catalogue_is_project_open_data(admin_client, visitor):
    publish(admin_client, "service_requests")

    catalogue = json.loads(visitor.get("/opendata/data.json").content)

    assert catalogue["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    (dataset,) = catalogue["dataset"]
    for field in ("title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier",
                  "accessLevel", "license", "spatial", "accrualPeriodicity", "distribution"):
        assert dataset[field], field
    assert dataset["accessLevel"] == "public"
    assert dataset["accrualPeriodicity"] == "R/P1D"
    assert dataset["distribution"][0]["downloadURL"] == "http://kantang.localhost/opendata/service_requests.csv"
    assert dataset["distribution"][0]["mediaType"] == "text/csv"


def test_a_kantang_publication_never_appears_on_nueaklong(admin_client, kantang, nueaklong):
    publish(admin_client, "assets")
    outsider = host_client("nueaklong.localhost")

    assert outsider.get("/opendata/assets.csv").status_code == 404
    assert outsider.get("/opendata/assets/").status_code == 404
    assert json.loads(outsider.get("/opendata/catalog.jsonld").content).get("dcat:dataset", []) == []
    assert json.loads(outsider.get("/opendata/data.json").content)["dataset"] == []
    assert "เทศบาลเมืองกันตัง" not in outsider.get("/opendata/").text


def test_each_municipality_publishes_its_own(admin_client, nueaklong):
    publish(admin_client, "assets")
    nueaklong_admin = login(host_client("nueaklong.localhost"), "nueaklong", "admin")
    publish(nueaklong_admin, "assets")

    kantang_node = json.loads(host_client("kantang.localhost").get("/opendata/assets.jsonld").content)
    nueaklong_node = json.loads(host_client("nueaklong.localhost").get("/opendata/assets.jsonld").content)

    assert kantang_node["thgdc:owner_org"] == "เทศบาลเมืองกันตัง"
    assert nueaklong_node["thgdc:owner_org"] == "เทศบาลตำบลเหนือคลอง"
    assert nueaklong_node["dct:identifier"] != kantang_node["dct:identifier"]
    assert nueaklong_node["@id"] == "http://nueaklong.localhost/opendata/assets/"


def test_the_default_coverage_names_the_places_of_the_gazetteer(admin_client, visitor):
    from tenants.models import District, Province, Subdistrict

    province, _ = Province.objects.update_or_create(
        code="92", defaults={"name_th": "ตรัง", "name_en": "Trang"})
    district, _ = District.objects.update_or_create(
        code="9202", defaults={"province": province, "name_th": "กันตัง", "name_en": "Kantang"})
    Subdistrict.objects.update_or_create(
        code="920201", defaults={"district": district, "name_th": "กันตัง", "name_en": "Kantang"})
    publish(admin_client, "assets")

    node = json.loads(visitor.get("/opendata/assets.jsonld").content)

    assert node["thgdc:geo_coverage"] == "เทศบาล/อบต."
    assert node["thgdc:geo_coverage_other"] == "ต.กันตัง อ.กันตัง จ.ตรัง (920201)"
    province_node = next(p for p in node["dct:spatial"] if p.get("dct:identifier") == "92")
    assert {"@value": "Trang", "@language": "en"} in province_node["skos:prefLabel"]


def test_a_switched_off_module_publishes_nothing(admin_client, visitor, kantang):
    from django_tenants.utils import schema_context

    from accounts.models import User
    from tenants.registry import get_widget, nav_module
    from tenants.services.components import components_for, components_update

    publish(admin_client, "health")
    publish(admin_client, "assets")
    assert visitor.get("/opendata/health.csv").status_code == 200
    data = components_for(kantang).as_data()
    data["modules"]["smarthealth"] = False
    data["navigation"] = [dict(e, hidden=True) if nav_module(e["key"]) == "smarthealth" else e
                          for e in data["navigation"]]
    data["dashboard"] = [dict(e, enabled=False) if get_widget(e["widget"]).module == "smarthealth" else e
                         for e in data["dashboard"]]
    with schema_context("kantang"):
        admin = User.objects.get(username="admin")
    components_update(municipality=kantang, data=data, editor=admin)
    for path in ("/opendata/health.csv", "/opendata/health.jsonld", "/opendata/health/"):
        assert visitor.get(path).status_code == 404
    catalogue = visitor.get("/opendata/catalog.jsonld").content.decode()
    assert "/opendata/assets.csv" in catalogue and "/opendata/health.csv" not in catalogue
    assert visitor.get("/opendata/assets.csv").status_code == 200
