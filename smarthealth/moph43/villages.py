"""Village names of the 43-file import that the register of communities does not hold (issue 19).

A VILLAGE file may name the community of each moo (VILLNAME, homes.village_names). A name the
register knows (in any spacing, with or without ชุมชน) gives the moo's households their community;
one it does not know creates nothing and is listed in the import's result. Here the administrator
says which register community each such name means, or adds it to the register, and the answer is
remembered (imports.ValueMapping under homes.VILLAGE_MAPPINGS, the community's id as target): the
next import gives those households their community.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communities.models import Community
from communities.selectors import community_named
from communities.services import community_create
from imports.models import ImportJob, ValueMapping
from kernel.text import normalise_text, spelling_key

from .homes import VILLAGE_MAPPING_COLUMN, VILLAGE_MAPPINGS

DATASET = "moph43"
NEW = "new"  # the choice "add it to the register under this name"
RECENT_JOBS = 50  # the names of the last imports are the ones still to answer


@dataclass(frozen=True)
class VillageMapping:
    name: str
    community: Community | None  # None: the community it named has been removed
    mapping: ValueMapping


def _mappings() -> list[ValueMapping]:
    return list(ValueMapping.objects.filter(dataset=VILLAGE_MAPPINGS, column=VILLAGE_MAPPING_COLUMN)
                .order_by("source_text"))


def village_mappings() -> list[VillageMapping]:
    """The remembered answers, each with its register community."""
    mappings = _mappings()
    ids = [int(m.target) for m in mappings if m.target.isdigit()]
    communities = Community.objects.in_bulk(ids)
    return [VillageMapping(m.source_text, communities.get(int(m.target)) if m.target.isdigit() else None, m)
            for m in mappings]


def villages_unmapped() -> list[str]:
    """The village names the last imports could not place, not yet answered, the register's
    spelling rules applied (one line for "ชุมชน บ้านใหม่" and "บ้านใหม่")."""
    answered = {m.source for m in _mappings()}
    register = {community.key for community in Community.objects.only("name")}
    names: dict[str, str] = {}
    jobs = (ImportJob.objects.filter(dataset=DATASET, status=ImportJob.Status.DONE)
            .order_by("-finished_at").values_list("file_results", flat=True)[:RECENT_JOBS])
    for file_results in jobs:
        for result in file_results or []:
            for name in result.get("villages_not_in_register") or []:
                key = spelling_key(name)
                bare = spelling_key(name.removeprefix("ชุมชน"))
                if key and key not in answered and key not in register and bare not in register:
                    names.setdefault(key, name)
    return sorted(names.values())


@transaction.atomic
def village_mapping_save(*, user, name: str, target: str) -> Community:
    """Remember that the village `name` means the register community of id `target`, or (`target`
    NEW) add a community of that name to the register first. Raises ValidationError."""
    name = " ".join(normalise_text(name).split())
    key = spelling_key(name)
    if not key or len(name) > ValueMapping._meta.get_field("source_text").max_length:
        raise ValidationError(_("This village name cannot be remembered."))
    if target == NEW:
        if not user.has_perm("communities.manage_communities"):
            raise ValidationError(_("You may not add communities to the register."))
        community = community_named(name) or community_create(name=name)
    else:
        community = Community.objects.filter(pk=int(target)).first() if target.isdigit() else None
        if community is None:
            raise ValidationError(_("Choose a community of the register."))
    ValueMapping.objects.update_or_create(
        dataset=VILLAGE_MAPPINGS, column=VILLAGE_MAPPING_COLUMN, source=key,
        defaults={"source_text": name, "target": str(community.pk), "created_by": user})
    return community


@transaction.atomic
def village_mapping_delete(*, mapping: ValueMapping) -> None:
    mapping.delete()
