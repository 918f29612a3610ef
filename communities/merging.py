"""merge_communities: today's free-text community names → the register, with a preview.

Proposes for each distinct name the register's community it means (the same letters whatever the
spaces, or a likely typo), else a new entry for the spellings that are one name; `merge_apply`
then creates those entries and points every row at its community (the location rule first: a
boundary that covers a row decides). Running it again changes nothing."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.gis.db.models.functions import PointOnSurface
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Trim

from kernel.text import spelling_key

from .members import Member, registered_members
from .models import Community
from .selectors import community_match


@dataclass
class Proposal:
    source: str  # the name as rows spell it
    rows: int
    target: str  # the register's name (existing or to be created)
    how: str  # "exact", "near", "new" or "given" (--map)
    moos: set[int] = field(default_factory=set)


def _texts(member: Member) -> tuple[Counter, dict[str, set[int]]]:
    model = apps.get_model(member.model)
    assert member.text_field
    qs = model.objects.exclude(**{member.text_field: ""}).values(member.text_field)
    counts: Counter = Counter()
    moos: dict[str, set[int]] = defaultdict(set)
    for row in qs.annotate(n=Count("pk")).order_by():
        counts[row[member.text_field].strip()] += row["n"]
    if member.moo_field:
        pairs = (model.objects.exclude(**{member.text_field: ""}).exclude(**{member.moo_field: None})
                 .values_list(member.text_field, member.moo_field).distinct())
        for text, moo in pairs:
            moos[text.strip()].add(moo)
    return counts, moos


def merge_propose(*, given: dict[str, str] | None = None, near: bool = True) -> list[Proposal]:
    """One proposal per distinct free-text name, most used first within each target."""
    counts: Counter = Counter()
    moos: dict[str, set[int]] = defaultdict(set)
    for member in registered_members():
        if member.text_field:
            member_counts, member_moos = _texts(member)
            counts.update(member_counts)
            for text, values in member_moos.items():
                moos[text] |= values
    register = list(Community.objects.all())
    given_keys = {spelling_key(k): v for k, v in (given or {}).items()}
    proposals: list[Proposal] = []
    new: list[Proposal] = []  # names for new entries, grouped with each other below
    for source, rows in counts.most_common():
        if spelling_key(source) in given_keys:
            proposals.append(Proposal(source, rows, given_keys[spelling_key(source)], "given", moos[source]))
            continue
        community, how = community_match(source, register=register)
        if community is not None and (how == "exact" or near):
            proposals.append(Proposal(source, rows, community.name, how, moos[source]))
            continue
        # A new name: the same as an earlier (more used) new one, spacing or a typo apart?
        pseudo = [Community(name=p.target) for p in new]
        twin, twin_how = community_match(source, register=pseudo) if pseudo else (None, "")
        if twin is not None and (twin_how == "exact" or near):
            proposal = Proposal(source, rows, twin.name, "new", moos[source])
        else:
            proposal = Proposal(source, rows, " ".join(source.split()), "new", moos[source])
            new.append(proposal)
        proposals.append(proposal)
    return proposals


def _located(member: Member) -> int:
    """Rows whose location a boundary covers take that community (the location rule; where two
    boundaries overlap, the first by name)."""
    if not member.location_field:
        return 0
    model = apps.get_model(member.model)
    changed, earlier = 0, None
    for community in Community.objects.exclude(boundary=None).order_by("name"):
        rows = model.objects.annotate(_probe=PointOnSurface(member.location_field)).filter(
            _probe__coveredby=community.boundary)
        if earlier is not None:
            rows = rows.exclude(_probe__coveredby=earlier)
        fields: dict = {"community_ref": community}
        if member.text_field:
            fields[member.text_field] = community.name
            stale = Q(**{member.text_field: community.name}, community_ref=community)
        else:
            stale = Q(community_ref=community)
        changed += model.objects.filter(pk__in=rows.exclude(stale).values("pk")).update(**fields)
        earlier = community.boundary if earlier is None else earlier.union(community.boundary)
    return changed


@transaction.atomic
def merge_apply(proposals: list[Proposal]) -> dict[str, int]:
    """Create the new entries, then point every row at its community; counts of what changed
    (the entries created, the rows of each member)."""
    created = 0
    by_name = {c.name: c for c in Community.objects.all()}
    for proposal in proposals:
        if proposal.target not in by_name:
            moos = sorted({m for p in proposals if p.target == proposal.target for m in p.moos})
            community = Community(name=proposal.target, moos=moos)
            community.full_clean()
            community.save()
            by_name[community.name] = community
            created += 1
    changed: Counter = Counter()
    for member in registered_members():
        model = apps.get_model(member.model)
        if member.text_field:
            for proposal in proposals:
                community = by_name[proposal.target]
                rows = model.objects.annotate(_text=Trim(member.text_field)).filter(
                    _text=proposal.source, community_ref=None)
                changed[member.model] += model.objects.filter(pk__in=rows.values("pk")).update(
                    community_ref=community, **{member.text_field: community.name})
        changed[member.model] += _located(member)
        if member.fallback_path:
            ref = f"{member.fallback_path}__community_ref"
            via = model.objects.filter(community_ref=None).exclude(**{ref: None})
            changed[member.model] += via.update(community_ref=Subquery(
                model.objects.filter(pk=OuterRef("pk")).values(ref)[:1]))
    return {"created": created, **changed}
