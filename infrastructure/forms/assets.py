"""Forms of the asset pages: the list filters, the create / edit form and the photo upload.

The forms only read and shape input; the rules (geometry, attributes, unique code) live in
validators.py and the model, and services.asset_create / asset_update apply them once more.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from communities.forms import CommunityChoiceField
from kernel.forms import ThaiDateField, form_add_service_errors
from kernel.thaidate import is_thai

from ..models import ATTRIBUTE_SPECS, Asset, AssetStatus, AssetType, Attr, Condition, clean_attributes
from ..selectors import asset_communities
from ..validators import DRAWABLE_TYPES, GEOMETRY_KINDS, validate_photo

FILTER_NAMES = ("asset_type", "condition", "status", "community", "q")

# What each type is drawn as, for the hint under the map (the model's check says the same).
_DRAW_HINTS = {
    ("LineString", "MultiLineString"): _("Draw a line along the asset."),
    ("LineString", "MultiLineString", "Point"): _("Draw a line along the asset, or place a point."),
    ("Polygon", "MultiPolygon", "Point"): _("Draw the area (polygon), or place a point."),
    ("Point",): _("Place a point where the asset stands."),
}


def _blank(label):
    return [("", label)]


class AssetFilterForm(forms.Form):
    """The list filters (GET). Invalid values are ignored rather than shown as errors."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name")}),
    )
    asset_type = forms.ChoiceField(label=capfirst(_("asset type")), required=False)
    condition = forms.ChoiceField(label=capfirst(_("condition")), required=False)
    status = forms.ChoiceField(label=capfirst(_("status")), required=False)
    community = forms.ChoiceField(label=capfirst(_("community")), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset_type"].choices = _blank(_("All types")) + AssetType.choices
        self.fields["condition"].choices = _blank(_("All conditions")) + Condition.choices
        self.fields["status"].choices = _blank(_("All statuses")) + AssetStatus.choices
        self.fields["community"].choices = _blank(_("All communities")) + [
            (name, name) for name in asset_communities()
        ]

    def filters(self) -> dict:
        """The valid, non-blank filters (for the selector, the export link and pagination)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in FILTER_NAMES if data.get(name)}


class AssetToDrawFilterForm(forms.Form):
    """The filters of the "to draw" list (GET): the line and area types, and the community."""

    asset_type = forms.ChoiceField(label=capfirst(_("asset type")), required=False)
    community = forms.ChoiceField(label=capfirst(_("community")), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset_type"].choices = _blank(_("All types")) + [
            (value, label) for value, label in AssetType.choices if value in DRAWABLE_TYPES
        ]
        self.fields["community"].choices = _blank(_("All communities")) + [
            (name, name) for name in asset_communities()
        ]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("asset_type", "community") if data.get(name)}


def attr_field_name(asset_type: str, name: str) -> str:
    return f"attr__{asset_type}__{name}"


def _attr_form_field(spec: Attr) -> forms.Field:
    label = capfirst(spec.label)
    if spec.kind == "bool":
        return forms.BooleanField(label=label, required=False)
    if spec.kind == "choice":
        thai = is_thai()
        choices = [(value, th if thai else en) for value, en, th in spec.choices]
        return forms.ChoiceField(label=label, required=False, choices=_blank("—") + choices)
    if spec.kind == "text":
        return forms.CharField(label=label, required=False, max_length=spec.max_length)
    # Numbers stay text here so the validators' own message (with the range) is the one shown.
    inputmode = "numeric" if spec.kind == "int" else "decimal"
    return forms.CharField(label=label, required=False, max_length=30,
                           widget=forms.TextInput(attrs={"inputmode": inputmode}))


class AssetForm(forms.Form):
    """Create or edit one asset. Every type's attribute fields are rendered (grouped by type,
    the script shows the chosen type's group); only the chosen type's are read."""

    code = forms.CharField(label=capfirst(_("asset code")), max_length=40)
    asset_type = forms.ChoiceField(label=capfirst(_("asset type")))
    name = forms.CharField(label=capfirst(_("name")), max_length=200)
    geometry = forms.CharField(
        label=capfirst(_("location")), help_text=_("Draw the asset on the map."),
        error_messages={"required": _("The location is empty: draw it on the map.")},
    )
    condition = forms.ChoiceField(
        label=capfirst(_("condition")), choices=Condition.choices, initial=Condition.GOOD
    )
    condition_note = forms.CharField(
        label=_("Note on the condition change"), required=False, max_length=500,
        help_text=_("Kept in the condition history when the condition changes."),
    )
    status = forms.ChoiceField(
        label=capfirst(_("status")), choices=AssetStatus.choices, initial=AssetStatus.IN_USE
    )
    installed_on = ThaiDateField(label=capfirst(_("installed on")), required=False)
    community = CommunityChoiceField(
        label=capfirst(_("community")),
        help_text=_("From the register. A community whose boundary covers the asset takes it whatever is "
                    "chosen."),
    )
    notes = forms.CharField(
        label=capfirst(_("notes")), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=capfirst(_("photo")), required=False,
        help_text=_("JPEG, PNG or WebP, at most 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, instance: Asset | None = None, centre=None, csp_nonce=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", self._initial_from(instance))
        super().__init__(*args, **kwargs)
        self.fields["asset_type"].choices = _blank("—") + AssetType.choices
        self.fields["code"].widget.attrs.update(autocapitalize="characters", spellcheck="false")
        overrides = {"DEFAULT_ZOOM": 15}
        if centre is not None:
            overrides["DEFAULT_CENTER"] = (centre.y, centre.x)
        widget = LeafletWidget(attrs={"geom_type": "GEOMETRY", "settings_overrides": overrides})
        # django-leaflet writes inline <script>s; the CSP only runs them with this request's nonce.
        widget.csp_nonce = csp_nonce
        self.fields["geometry"].widget = widget
        if instance is None:
            del self.fields["condition_note"]
        else:
            del self.fields["photo"]  # the detail page adds photos to an existing asset
        self.attribute_groups = []
        for asset_type, specs in ATTRIBUTE_SPECS.items():
            names = []
            for name, spec in specs.items():
                field_name = attr_field_name(asset_type, name)
                self.fields[field_name] = _attr_form_field(spec)
                names.append(field_name)
            self.attribute_groups.append((asset_type, AssetType(asset_type).label, names))

    @staticmethod
    def _initial_from(asset: Asset) -> dict:
        initial = {
            "code": asset.code, "asset_type": asset.asset_type, "name": asset.name,
            "geometry": asset.geometry.geojson if asset.geometry else "",
            "condition": asset.condition, "status": asset.status, "installed_on": asset.installed_on,
            "community": asset.community_ref, "notes": asset.notes,
        }
        for name, value in (asset.attributes or {}).items():
            initial[attr_field_name(asset.asset_type, name)] = value
        return initial

    # The template renders these groups; the rest of the fields in this order.
    def main_fields(self):
        names = ["code", "asset_type", "name", "condition", "condition_note", "status", "installed_on",
                 "community", "notes", "photo"]
        return [self[name] for name in names if name in self.fields]

    def attribute_sections(self):
        return [
            {"asset_type": asset_type, "label": label, "fields": [self[name] for name in names]}
            for asset_type, label, names in self.attribute_groups
        ]

    def draw_hints(self) -> dict[str, str]:
        return {asset_type: str(_DRAW_HINTS[kinds]) for asset_type, kinds in GEOMETRY_KINDS.items()}

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_photo(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
        asset_type = cleaned.get("asset_type")
        if not asset_type:
            return cleaned
        attributes = {}
        for name in ATTRIBUTE_SPECS.get(asset_type, {}):
            field_name = attr_field_name(asset_type, name)
            value = cleaned.get(field_name)
            if value in (None, ""):
                continue
            try:
                attributes.update(clean_attributes(asset_type, {name: value}))
            except ValidationError as error:
                self.add_error(field_name, error)
        cleaned["attributes"] = attributes
        return cleaned

    def service_data(self) -> dict:
        """The cleaned values in the shape services.asset_create / asset_update take."""
        data = self.cleaned_data
        return {
            "code": data["code"], "asset_type": data["asset_type"], "name": data["name"].strip(),
            "geometry": data["geometry"], "condition": data["condition"], "status": data["status"],
            "installed_on": data.get("installed_on"), "community": data.get("community"),
            "attributes": data.get("attributes", {}), "notes": data.get("notes", "").strip(),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError next to the fields it names (attribute errors next to
        the attribute section, anything else at the top)."""
        form_add_service_errors(self, error, non_field={"attributes"})


class AssetPhotoForm(forms.Form):
    image = forms.FileField(
        label=capfirst(_("photo")), help_text=_("JPEG, PNG or WebP, at most 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": _("Choose a photo to upload.")},
    )
    caption = forms.CharField(label=capfirst(_("caption")), required=False, max_length=200)

    def clean_image(self):
        image = self.cleaned_data["image"]
        validate_photo(image)
        return image
