"""Writes to the asset registry."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from communities.assign import KEEP, community_settle

from ..geo import geodesic_length_m
from ..models import LINE_TYPES, Asset, AssetConditionChange, AssetPhoto
from ..validators import parse_geometry
from .photos import photo_reencode

ASSET_FIELDS = frozenset({
    "code", "asset_type", "name", "geometry", "condition", "status", "installed_on", "community",
    "attributes", "notes", "line_pending",
})


def _check_keys(data: dict) -> None:
    unknown = set(data) - ASSET_FIELDS
    if unknown:
        raise TypeError(f"unknown asset fields: {sorted(unknown)}")


def _prepare(asset: Asset) -> None:
    """Validate everything and fill length_m of lines from the drawn geometry when not given."""
    asset.full_clean()
    if asset.asset_type in LINE_TYPES and asset.is_line and "length_m" not in asset.attributes:
        asset.attributes = {**asset.attributes, "length_m": round(geodesic_length_m(asset.geometry), 2)}


def _save(asset: Asset, **kwargs) -> None:
    try:
        with transaction.atomic():
            asset.save(**kwargs)
    except IntegrityError:
        # Two people saving the same code at once: the second gets the same message as always.
        asset.validate_unique()
        raise


@transaction.atomic
def asset_create(*, user, data: dict, photos: Iterable = ()) -> Asset:
    """A new asset from cleaned `data` (keys: ASSET_FIELDS; `geometry` may be a GEOS geometry,
    WKT or GeoJSON; `community` a register entry or its name, overruled by a boundary that covers
    the asset: communities.assign), with its first condition-history row and optional photos. A line or area
    type is drawn as such unless `line_pending` says only its point is known yet."""
    _check_keys(data)
    fields = dict(data)
    if "geometry" in fields:
        fields["geometry"] = parse_geometry(fields["geometry"])
    fields.setdefault("attributes", {})
    chosen = fields.pop("community", None)
    asset = Asset(**fields, created_by=user, updated_by=user)
    community_settle(asset, location=asset.geometry, chosen=chosen)
    _prepare(asset)
    _save(asset)
    AssetConditionChange.objects.create(
        asset=asset, changed_by=user, from_condition="", to_condition=asset.condition
    )
    for image in photos:
        asset_photo_add(asset=asset, user=user, image=image)
    return asset


@transaction.atomic
def asset_update(*, asset: Asset, user, data: dict, note: str = "") -> Asset:
    """Change the fields in `data`; a change of condition is recorded in condition_history with
    `note`. `attributes`, when given, replaces the whole set. An asset waiting for its line keeps
    waiting while it stays a point, and stops once a line or area is drawn (settle_line_pending)."""
    _check_keys(data)
    current = Asset.objects.select_for_update().get(pk=asset.pk)
    previous_condition = current.condition
    fields = dict(data)
    if "geometry" in fields:
        fields["geometry"] = parse_geometry(fields["geometry"])
    chosen = fields.pop("community", KEEP)
    for name, value in fields.items():
        setattr(asset, name, value)
    community_settle(asset, location=asset.geometry, chosen=chosen)
    asset.updated_by = user
    if "line_pending" not in fields:
        asset.line_pending = current.line_pending
        asset.settle_line_pending()
    _prepare(asset)
    _save(asset)
    if asset.condition != previous_condition:
        AssetConditionChange.objects.create(
            asset=asset, changed_by=user, from_condition=previous_condition,
            to_condition=asset.condition, note=note.strip(),
        )
    return asset


@transaction.atomic
def asset_photo_add(*, asset: Asset, user, image, caption: str = "") -> AssetPhoto:
    """Stored re-encoded under a random name (services.photos): no EXIF/GPS, upright."""
    stored = photo_reencode(image)
    photo = AssetPhoto(asset=asset, image=stored, caption=caption.strip(), uploaded_by=user)
    photo.full_clean(exclude=["image"])  # the image was checked more strictly just above
    photo.save()
    return photo
