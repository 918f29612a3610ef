"""The extra questions (GeoReport v2 "attributes") a service asks, and reading their answers
from a POST's `attribute[code]` parameters.

Only where the answer helps the crew and the reporter can give it from where they stand: the
number painted on a street-light pole (it names the light, and links the request to that asset
when it is in the registry), and how deep a flood is (it decides who goes, with what). Both are
optional: a report without them is still a report. They are kept for staff on the request's
internal timeline, never shown publicly."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import AssetType, RequestCategory
from .common import Open311Error, param_error


@dataclass(frozen=True)
class ServiceAttribute:
    code: str
    datatype: str  # the spec's: string, number, datetime, text, singlevaluelist, multivaluelist
    description: Promise
    required: bool = False
    values: tuple[tuple[str, Promise], ...] = ()
    max_length: int = 100
    # The asset type whose code the answer may be (the request is then linked to that asset).
    asset_type: str = ""

    def serialise(self, order: int) -> dict:
        return {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": (str(_("At most %(count)s characters.") % {"count": self.max_length})
                                     if self.datatype == "string" else None),
            "order": order,
            "description": str(self.description),
            "values": [{"key": key, "name": str(name)} for key, name in self.values],
        }

    def clean(self, text: str) -> str:
        param = f"attribute[{self.code}]"
        text = text.strip()
        if self.values and text not in dict(self.values):
            raise param_error(400, param, _("“%(value)s” is not one of %(keys)s."),
                              {"value": text[:50], "keys": ", ".join(key for key, _name in self.values)})
        if len(text) > self.max_length:
            raise param_error(400, param, _("At most %(count)s characters."), {"count": self.max_length})
        return text

    def label(self, answer: str) -> str:
        return str(dict(self.values).get(answer, answer))


SERVICE_ATTRIBUTES: dict[str, tuple[ServiceAttribute, ...]] = {
    RequestCategory.LIGHTING: (
        ServiceAttribute(
            "pole_number", "string",
            _("The number painted on the lamp post, if you can read it (it names the light)."),
            max_length=40, asset_type=AssetType.STREETLIGHT,
        ),
    ),
    RequestCategory.FLOOD: (
        ServiceAttribute(
            "water_depth", "singlevaluelist", _("How deep is the water?"),
            values=(("ankle", _("Up to the ankle")), ("knee", _("Up to the knee")),
                    ("waist", _("Up to the waist or deeper"))),
        ),
    ),
}

ATTRIBUTE_CODES = sorted({a.code for attributes in SERVICE_ATTRIBUTES.values() for a in attributes})


def service_attributes(code: str) -> tuple[ServiceAttribute, ...]:
    return SERVICE_ATTRIBUTES.get(code, ())


def attribute_answers(params, service_code: str) -> dict[ServiceAttribute, str]:
    """The answers in `params` (a QueryDict) to the service's attributes: every `attribute[…]`
    must be one of them, each required one answered, each answer valid; else a 400 naming it."""
    attributes = {a.code: a for a in service_attributes(service_code)}
    answers: dict[ServiceAttribute, str] = {}
    errors: list[str] = []
    for name in params:
        if not (name.startswith("attribute[") and name.endswith("]")):
            continue
        code = name[len("attribute["):-1]
        attribute = attributes.get(code)
        if attribute is None:
            errors.extend(param_error(400, name[:60], _(
                "The service “%(service)s” has no attribute “%(code)s” (GET services/%(service)s.json "
                "lists its attributes)."), {"service": service_code[:50], "code": code[:40]}).descriptions)
            continue
        try:
            answer = attribute.clean(params.get(name, ""))
        except Open311Error as error:
            errors.extend(error.descriptions)
            continue
        if answer:
            answers[attribute] = answer
    for attribute in attributes.values():
        if attribute.required and attribute not in answers:
            errors.extend(param_error(400, f"attribute[{attribute.code}]", _("Required.")).descriptions)
    if errors:
        raise Open311Error(400, errors)
    return answers
