from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Municipality


class MunicipalityCreateForm(forms.Form):
    name_th = forms.CharField(label=_("name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[("", _("infer from the Thai name"))]
        + [c for c in Municipality.Kind.choices if c[0] != Municipality.Kind.PLATFORM],
        required=False,
    )
    schema_name = forms.RegexField(
        label=_("schema name"), regex=r"^[a-z][a-z0-9_]{1,61}$", max_length=62,
        help_text=_("Lowercase Latin letters, digits and _; cannot be changed later."),
        error_messages={"invalid": _("Use lowercase Latin letters, digits and _, starting with a letter.")},
    )
    domain = forms.CharField(label=_("host name"), max_length=253, help_text=_("e.g. kantang.localhost"))
    province_code = forms.RegexField(label=_("province code"), regex=r"^\d{2}$", required=False,
                                     error_messages={"invalid": _("A province code has 2 digits.")})
    district_code = forms.RegexField(label=_("district code"), regex=r"^\d{4}$", required=False,
                                     error_messages={"invalid": _("A district code has 4 digits.")})
    subdistrict_code = forms.RegexField(label=_("subdistrict code"), regex=r"^\d{6}$", required=False,
                                        error_messages={"invalid": _("A subdistrict code has 6 digits.")})
    lat = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("longitude"), required=False, min_value=-180, max_value=180)
