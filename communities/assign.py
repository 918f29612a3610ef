"""How a domain's service settles the community of what it saves (the location rule), in one place
for households, assets and service requests."""

from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Community
from .selectors import community_covering, community_named

KEEP = object()  # "the caller said nothing about the community": keep the current choice


def community_chosen(value: Any) -> Community | None:
    """A community given to a service: a register entry, None / "" for none, or a name that must
    be in the register (an API or a script may name it): never new free text."""
    if value is None or isinstance(value, Community):
        return value
    name = str(value).strip()
    if not name:
        return None
    community = community_named(name)
    if community is None:
        raise ValidationError({"community": ValidationError(
            _("“%(name)s” is not in the register of communities. Choose one from the register, or ask "
              "the administrator to add it."), params={"name": name}, code="unknown_community")})
    return community


def community_settle(obj: Any, *, location: GEOSGeometry | None, chosen: Any = KEEP) -> None:
    """Set `obj.community_ref` by the location rule and, where the model has it, the name kept
    beside it (`obj.community`). With `chosen` KEEP the current entry is the fallback, and an
    old free-text name is left alone until merge_communities maps it."""
    given = chosen is not KEEP
    # The location first: where a boundary covers the place, what was chosen is not even looked up.
    community = community_covering(location)
    if community is None:
        community = community_chosen(chosen) if given else obj.community_ref
    obj.community_ref = community
    if hasattr(obj, "community"):  # a household or an asset: the name beside the entry
        if community is not None:
            obj.community = community.name
        elif given:
            obj.community = ""
