"""What belongs to a community, as the domains declare it in their AppConfig.ready(): the register
knows no domain model (it sits below them), the merge command reaches them through this list."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    model: str  # "app_label.ModelName", with a `community_ref` foreign key to the register
    text_field: str | None = None  # the free-text community of before (kept as the entry's name)
    location_field: str | None = None  # a geometry: a boundary that covers it decides
    moo_field: str | None = None  # the moo, proposed as the new community's moo numbers
    # A related member whose community stands in when nothing else says (a request's asset).
    fallback_path: str | None = None


_members: dict[str, Member] = {}


def register_member(member: Member) -> None:
    _members[member.model] = member


def registered_members() -> list[Member]:
    return list(_members.values())
