"""Creating and changing assets through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from infrastructure.models import Asset, AssetConditionChange
from infrastructure.selectors import asset_communities, assets_for
from infrastructure.services import asset_create, asset_photo_add, asset_update

from .helpers import line, png_upload, point


def road_data(**overrides) -> dict:
    data = {
        "code": " RD-T-001 ", "asset_type": "road", "name": "ซอยทดสอบ",
        "geometry": line((0, 0), (300, 0), (300, 400)), "community": "ชุมชนทดสอบ",
        "attributes": {"surface": "คอนกรีต", "width_m": "5"},
    }
    return {**data, **overrides}


def test_it_creates_a_road_with_its_length_and_first_condition(engineer):
    asset = asset_create(user=engineer, data=road_data())

    asset.refresh_from_db()
    assert asset.code == "RD-T-001"
    assert asset.attributes["surface"] == "concrete"
    assert asset.attributes["length_m"] == pytest.approx(700, rel=0.01)
    assert asset.created_by == engineer
    history = list(asset.condition_history.values_list("from_condition", "to_condition"))
    assert history == [("", "good")]


def test_a_given_length_is_kept(engineer):
    asset = asset_create(user=engineer, data=road_data(attributes={"length_m": 123}))

    assert asset.attributes["length_m"] == 123


def test_a_duplicate_code_is_named_and_nothing_is_saved(engineer):
    asset_create(user=engineer, data=road_data())
    before = Asset.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        asset_create(user=engineer, data=road_data(name="อีกเส้น"))

    with translation.override("en"):
        assert excinfo.value.message_dict["code"] == ["An asset with the code “RD-T-001” already exists."]
    assert Asset.objects.count() == before


def test_a_streetlight_drawn_as_a_line_is_refused(engineer):
    with pytest.raises(ValidationError) as excinfo:
        asset_create(user=engineer, data=road_data(code="SL-T-1", asset_type="streetlight", attributes={}))

    assert "geometry" in excinfo.value.message_dict
    assert not Asset.objects.filter(code="SL-T-1").exists()


def test_a_bad_photo_leaves_no_asset_behind(engineer, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.jpg", b"not an image")
    with pytest.raises(ValidationError):
        asset_create(user=engineer, data=road_data(code="RD-T-PHOTO"), photos=[bad])

    assert not Asset.objects.filter(code="RD-T-PHOTO").exists()


def test_condition_changes_are_recorded_with_the_note(engineer, municipal_admin):
    asset = asset_create(user=engineer, data=road_data())

    asset_update(asset=asset, user=municipal_admin, data={"condition": "poor"}, note="หลุมบ่อ")
    asset_update(asset=asset, user=municipal_admin, data={"name": "ชื่อใหม่"})

    rows = list(AssetConditionChange.objects.filter(asset=asset).order_by("id"))
    assert [(r.from_condition, r.to_condition) for r in rows] == [("", "good"), ("good", "poor")]
    assert rows[1].note == "หลุมบ่อ" and rows[1].changed_by == municipal_admin
    asset.refresh_from_db()
    assert asset.name == "ชื่อใหม่" and asset.updated_by == municipal_admin


def test_an_update_with_a_bad_attribute_changes_nothing(engineer):
    asset = asset_create(user=engineer, data=road_data())

    with pytest.raises(ValidationError):
        asset_update(asset=asset, user=engineer, data={"condition": "poor", "attributes": {"surface": "x"}})

    assert Asset.objects.get(pk=asset.pk).condition == "good"
    assert AssetConditionChange.objects.filter(asset=asset).count() == 1


def test_photos_are_stored(engineer, media_root):
    asset = asset_create(user=engineer, data=road_data(), photos=[png_upload()])
    asset_photo_add(asset=asset, user=engineer, image=png_upload("b.png"), caption="หลังซ่อม")

    assert asset.photos.count() == 2
    assert asset.photos.filter(caption="หลังซ่อม", uploaded_by=engineer).exists()


def test_assets_for_filters_and_checks_access(engineer, executive, nurse):
    asset_create(user=engineer, data=road_data())
    asset_create(user=engineer, data=road_data(
        code="SL-T-9", asset_type="streetlight", name="โคมไฟ", geometry=point(10, 10),
        condition="poor", attributes={"watts": 90},
    ))

    assert list(assets_for(executive, filters={"q": "rd-t"}).values_list("code", flat=True)) == ["RD-T-001"]
    poor_lights = assets_for(engineer, filters={"asset_type": "streetlight", "condition": "poor"})
    assert "SL-T-9" in poor_lights.values_list("code", flat=True)
    assert "ชุมชนทดสอบ" in asset_communities()
    with pytest.raises(PermissionDenied):
        assets_for(nurse, filters={})
