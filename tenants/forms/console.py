"""Forms of the console's own pages: a municipality (new, edited, deleted), its administrators,
bulk onboarding, suspending one, the platform users."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import UserCreateForm
from accounts.models import User
from kernel.geo import SWAPPED, location_error, location_problem

from ..models import SCHEMA_NAME_RE, Municipality
from ..selectors import gazetteer_districts, gazetteer_subdistricts, province_choices
from ..services.boundaries import MAX_BOUNDARY_BYTES, boundary_from_geojson
from ..services.bulk_onboarding import BANGKOK
from ..services.first_admin import FirstAdmin
from ..services.gazetteer import gazetteer_loaded
from ..services.lifecycle import boundary_or_keep
from ..services.naming import domain_for_schema, schema_name_suggest


class MunicipalityFieldsForm(forms.Form):
    """What the create and edit pages share: names, kind, place (gazetteer pickers), centre, boundary,
    test flag. The pickers are selects when the gazetteer is loaded (static/js/tenants-console.js
    fills the next level), plain code boxes otherwise."""

    province_code = forms.CharField(
        label=_("Province"), required=False,
        validators=[RegexValidator(r"^\d{2}$", _("A province code has 2 digits."))],
    )
    district_code = forms.CharField(
        label=_("District"), required=False,
        validators=[RegexValidator(r"^\d{4}$", _("A district code has 4 digits."))],
    )
    subdistrict_code = forms.CharField(
        label=_("Subdistrict"), required=False,
        validators=[RegexValidator(r"^\d{6}$", _("A subdistrict code has 6 digits."))],
        help_text=_("The district and province codes are taken from it, and the map starts at its centre."),
    )
    name_th = forms.CharField(
        label=_("Name in Thai"), max_length=200,
        help_text=_("As officially written, starting with the kind: เทศบาลตำบล…, เทศบาลเมือง…, "
                    "เทศบาลนคร…, องค์การบริหารส่วนตำบล…"),
    )
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Read from the Thai name"))]
        + [c for c in Municipality.Kind.choices if c[0] != Municipality.Kind.PLATFORM],
        required=False,
    )
    lat = forms.FloatField(label=_("Latitude"), required=False,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    lon = forms.FloatField(label=_("Longitude"), required=False,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    boundary_file = forms.FileField(
        label=_("Boundary (GeoJSON file, optional)"), required=False,
        widget=forms.FileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
        help_text=_("A Polygon or MultiPolygon in WGS 84 longitude/latitude, e.g. exported from QGIS."),
    )
    is_test = forms.BooleanField(
        label=_("This is a test municipality"), required=False,
        help_text=_("Left out of national figures and the national map."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gazetteer = gazetteer_loaded()
        if self.gazetteer:
            self._pickers()

    def _value(self, name: str) -> str:
        if self.is_bound:
            return (self.data.get(self.add_prefix(name)) or "").strip()
        return str(self.initial.get(name) or self.fields[name].initial or "")

    def _pickers(self):
        """Selects for province → district → subdistrict, filled for what is chosen so far; each
        names the next one and the endpoint that lists its choices."""
        district, subdistrict = self._value("district_code"), self._value("subdistrict_code")
        province = self._value("province_code") or district[:2] or subdistrict[:2]
        district = district or subdistrict[:4]
        districts = [(d["code"], f"{d['name_th']} ({d['code']})")
                     for d in gazetteer_districts(province_code=province)]
        subdistricts = [(s["code"], f"{s['name_th']} ({s['code']})")
                        for s in gazetteer_subdistricts(district_code=district)]
        self.fields["province_code"].widget = forms.Select(
            choices=[("", _("— choose a province —")), *province_choices()],
            attrs={"data-gazetteer-next": "id_district_code", "data-gazetteer-param": "province",
                   "data-gazetteer-url": reverse("tenants:gazetteer-districts")},
        )
        self.fields["district_code"].widget = forms.Select(
            choices=[("", _("— choose a district —")), *districts],
            attrs={"data-gazetteer-next": "id_subdistrict_code", "data-gazetteer-param": "district",
                   "data-gazetteer-url": reverse("tenants:gazetteer-subdistricts")},
        )
        self.fields["subdistrict_code"].widget = forms.Select(
            choices=[("", _("— choose a subdistrict —")), *subdistricts],
            attrs={"data-gazetteer-centre": reverse("tenants:gazetteer-subdistricts")},
        )

    def clean_boundary_file(self):
        upload = self.cleaned_data.get("boundary_file")
        if not upload:
            return None
        data = upload.read(MAX_BOUNDARY_BYTES + 1)
        return boundary_from_geojson(data)

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if (lat is None) != (lon is None) and not self.has_error("lat") and not self.has_error("lon"):
            self.add_error("lat" if lat is None else "lon",
                           _("Give both latitude and longitude, or neither."))
        elif lat is not None and lon is not None:
            problem = location_problem(lat, lon)
            if problem == SWAPPED:
                self.add_error("lat", _(
                    "The location is outside Thailand (are latitude and longitude swapped?)."))
            elif problem:
                self.add_error("lat", location_error(problem))
        return cleaned

    def service_fields(self) -> dict:
        """The keyword arguments the services take, from cleaned_data."""
        data = self.cleaned_data
        return {
            "name_th": data["name_th"], "name_en": data["name_en"], "kind": data["kind"] or None,
            "province_code": data["province_code"], "district_code": data["district_code"],
            "subdistrict_code": data["subdistrict_code"], "lat": data["lat"], "lon": data["lon"],
            "is_test": data["is_test"],
        }


class MunicipalityCreateForm(MunicipalityFieldsForm):
    """A new municipality with its first administrator. The schema and host names are made from the
    English name unless typed under "Advanced"."""

    admin_first_name = forms.CharField(label=_("First name"), max_length=150)
    admin_last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    admin_email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The link to set a password is sent here when the platform's mail is set up."),
    )
    admin_username = forms.CharField(
        label=_("Username"), max_length=150, initial="admin",
        validators=[UnicodeUsernameValidator()],
        help_text=_("What the administrator types to sign in."),
    )
    schema_name = forms.CharField(
        label=_("Database schema"), max_length=62, required=False,
        validators=[RegexValidator(SCHEMA_NAME_RE,
                                   _("Use lowercase Latin letters, digits and _, starting with a letter."))],
        help_text=_("Made from the English name when left empty; cannot be changed later."),
    )
    domain = forms.CharField(
        label=_("Web address (host name)"), max_length=253, required=False,
        help_text=_("Made from the database schema when left empty, under the platform's own domain."),
    )

    ADVANCED = ("schema_name", "domain")
    ADMIN = ("admin_first_name", "admin_last_name", "admin_email", "admin_username")

    def clean(self):
        cleaned = super().clean()
        schema = (cleaned.get("schema_name") or "").strip().lower()
        if not schema and not self.has_error("schema_name"):
            schema = schema_name_suggest(name_en=cleaned.get("name_en") or "",
                                         subdistrict_code=cleaned.get("subdistrict_code") or "")
            if not schema:
                self.add_error("name_en", _("Give the English name: the web address is made from it "
                                            "(or type a schema name under Advanced)."))
        cleaned["schema_name"] = schema
        domain = (cleaned.get("domain") or "").strip().lower()
        cleaned["domain"] = domain or (domain_for_schema(schema) if schema else "")
        return cleaned

    def service_fields(self) -> dict:
        return {**super().service_fields(), "schema_name": self.cleaned_data["schema_name"],
                "domain": self.cleaned_data["domain"], "boundary": self.cleaned_data.get("boundary_file")}

    def first_admin(self) -> FirstAdmin:
        data = self.cleaned_data
        return FirstAdmin(username=data["admin_username"], email=data["admin_email"],
                          first_name=data["admin_first_name"], last_name=data["admin_last_name"])

    @property
    def advanced_has_errors(self) -> bool:
        return any(self.has_error(name) for name in self.ADVANCED)


class MunicipalityEditForm(MunicipalityFieldsForm):
    domains = forms.CharField(
        label=_("Web addresses (host names)"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; the first is the main one."),
    )
    boundary_remove = forms.BooleanField(label=_("Remove the boundary"), required=False)

    def __init__(self, *args, municipality: Municipality, **kwargs):
        self.municipality = municipality
        domains = [d.domain for d in municipality.domains.order_by("-is_primary", "domain")]
        kwargs.setdefault("initial", {
            "name_th": municipality.name_th, "name_en": municipality.name_en, "kind": municipality.kind,
            "province_code": municipality.province_code, "district_code": municipality.district_code,
            "subdistrict_code": municipality.subdistrict_code, "is_test": municipality.is_test,
            "lat": round(municipality.centre.y, 6) if municipality.centre else None,
            "lon": round(municipality.centre.x, 6) if municipality.centre else None,
            "domains": "\n".join(domains),
        })
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = self.fields["kind"].choices[1:]  # a municipality has one already
        self.fields["kind"].required = True
        if municipality.boundary is None:
            del self.fields["boundary_remove"]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {**super().service_fields(), "domains": data["domains"].split(),
                "boundary": boundary_or_keep(uploaded=data.get("boundary_file"),
                                             remove=data.get("boundary_remove", False))}


class ConfirmNameForm(forms.Form):
    """Deleting a municipality: its Thai name typed, as a check that the right one is meant."""

    typed_name = forms.CharField(label=_("Type the municipality's Thai name to confirm"), max_length=200)


class AdminAddForm(forms.Form):
    """Another administrator for an existing municipality (one bulk-created has none)."""

    admin_first_name = forms.CharField(label=_("First name"), max_length=150)
    admin_last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    admin_email = forms.EmailField(label=_("E-mail"))
    admin_username = forms.CharField(label=_("Username"), max_length=150,
                                     validators=[UnicodeUsernameValidator()])

    def first_admin(self) -> FirstAdmin:
        data = self.cleaned_data
        return FirstAdmin(username=data["admin_username"], email=data["admin_email"],
                          first_name=data["admin_first_name"], last_name=data["admin_last_name"])


class BulkOnboardingForm(forms.Form):
    province_code = forms.ChoiceField(label=_("Province"))
    limit = forms.IntegerField(label=_("At most (optional)"), required=False, min_value=1, max_value=10000,
                               help_text=_("Leave empty to create every missing one."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province_code"].choices = [("", _("— choose a province —"))] + [
            (code, label) for code, label in province_choices() if code != BANGKOK
        ]


class PlatformUserCreateForm(UserCreateForm):
    """A platform-team account in `public`; the role is always the platform team's."""

    role = None  # removes the municipal role choice of the parent form

    class Meta(UserCreateForm.Meta):
        fields = ["username", "first_name", "last_name", "email", "phone", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Change requests and other console notices reach the team by e-mail.
        self.fields["email"].required = True
        self.fields["first_name"].required = True


class PlatformUserUpdateForm(forms.ModelForm):
    is_active = forms.BooleanField(
        label=_("active"), required=False,
        help_text=_("An inactive user cannot sign in; their records stay."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["first_name"].required = True


class MunicipalityStatusForm(forms.Form):
    """Confirms a suspension or a restore; `action` must be the change the page offered, so a
    form submitted twice (or from a stale tab) cannot flip the status back."""

    action = forms.ChoiceField(choices=[("activate", "activate"), ("deactivate", "deactivate")],
                               widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I understand that the municipality's staff and citizens cannot use its pages "
                "until it is activated again."),
        required=False,
    )

    def __init__(self, *args, municipality, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)
        self.fields["action"].initial = "deactivate" if municipality.is_active else "activate"
        if not municipality.is_active:
            del self.fields["confirm"]

    def clean(self):
        cleaned = super().clean()
        expected = "deactivate" if self.municipality.is_active else "activate"
        if cleaned.get("action") and cleaned["action"] != expected:
            raise forms.ValidationError(
                _("The municipality's status changed in the meantime. Check it and try again.")
            )
        if expected == "deactivate" and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm the suspension."))
        return cleaned

    @property
    def is_active_wanted(self) -> bool:
        return self.cleaned_data["action"] == "activate"
