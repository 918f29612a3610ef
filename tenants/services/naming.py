"""A new municipality's schema and host names, derived from its English name, so the platform
team types place names, not database identifiers. One definition for the console form, its live
suggestion and bulk onboarding."""

import re
import unicodedata

from django.conf import settings
from django_tenants.utils import schema_exists

from ..models import SCHEMA_NAME_RE, Domain, Municipality

# Words that name the kind of administration, not the place: "Kantang Town Municipality" → kantang.
# "Mueang" and "Nakhon" stay: they begin real place names (Nakhon Si Thammarat).
_KIND_WORDS = frozenset({
    "municipality", "municipal", "subdistrict", "sub", "district", "administrative", "administration",
    "organization", "organisation", "sao", "tao", "pao", "town", "city", "tambon", "thesaban",
    "provincial", "of", "the",
})
_MAX_BASE = 40  # leaves room for a suffix within the 62 characters of a schema name


def _ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", plain)


def schema_name_base(*, name_en: str, subdistrict_code: str = "") -> str:
    """`Bo Hin Subdistrict Administrative Organization` → `bo_hin`; without a usable English name,
    `lg_` and the subdistrict code; "" when there is neither."""
    words = _ascii_words(name_en)
    place = [w for w in words if w not in _KIND_WORDS] or words
    base = "_".join(place)[:_MAX_BASE].strip("_")
    if base and not base[0].isalpha():
        base = f"m_{base}"[:_MAX_BASE]
    if SCHEMA_NAME_RE.match(base):
        return base
    return f"lg_{subdistrict_code}" if re.fullmatch(r"\d{6}", subdistrict_code or "") else ""


def schema_name_taken(schema_name: str) -> bool:
    return Municipality.objects.filter(schema_name=schema_name).exists() or schema_exists(schema_name)


def domain_for_schema(schema_name: str) -> str:
    """The municipality's host under the platform's domain (an underscore is not allowed in a host
    name): bo_hin → bo-hin.<PLATFORM_DOMAIN>."""
    return f"{schema_name.replace('_', '-')}.{settings.PLATFORM_DOMAIN}"


def schema_name_suggest(*, name_en: str, subdistrict_code: str = "", taken: set[str] | None = None) -> str:
    """A free schema name for a new municipality: the base, else the base with the subdistrict code,
    else with a number. `taken`: names already given out in this run but not yet created."""
    base = schema_name_base(name_en=name_en, subdistrict_code=subdistrict_code)
    if not base:
        return ""
    taken = taken or set()

    def free(name: str) -> bool:
        return (name not in taken and not schema_name_taken(name)
                and not Domain.objects.filter(domain=domain_for_schema(name)).exists())

    candidates = [base]
    if subdistrict_code and not base.endswith(subdistrict_code):
        candidates.append(f"{base}_{subdistrict_code}")
    candidates += [f"{base}_{n}" for n in range(2, 100)]
    return next((name for name in candidates if free(name)), "")
