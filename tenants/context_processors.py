from django.urls import reverse
from django.utils import translation


def municipality(request):
    tenant = getattr(request, "tenant", None)
    return {
        "municipality": tenant,
        "is_console": bool(tenant is not None and tenant.is_platform),
    }


def theme(request):
    """`theme` for base.html: the look of the municipality this host serves (None on the console,
    which keeps the platform's own look). One indexed query per page, so a save shows at once in
    every process (gunicorn runs several): nothing to invalidate."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_platform:
        return {"theme": None}
    cached = getattr(request, "_theme_context", None)
    if cached is None:
        cached = request._theme_context = theme_context(tenant, urlconf=getattr(request, "urlconf", None))
    return {"theme": cached}


def theme_context(tenant, *, urlconf=None) -> dict:
    from .services.theme import CONTENT_TYPES, file_kind, header_class, theme_css, theme_for

    theme = theme_for(tenant)
    english = translation.get_language() == "en"
    name_th = theme.display_name_th or tenant.name_th
    name_en = theme.display_name_en or tenant.name_en
    login_th, login_en = theme.login_text_th, theme.login_text_en
    context = {
        "css": theme_css({f: getattr(theme, f) for f in (
            "primary_color", "secondary_color", "accent_color", "base_font_size")}) if theme.pk else "",
        "header_class": header_class(theme.header_style),
        "name_th": name_th,
        "name_en": name_en,
        # The page title and alt texts: one name, in the reader's language.
        "name": (name_en or name_th) if english else name_th,
        "login_text": (login_en or login_th) if english else (login_th or login_en),
        "logo_url": "",
        "favicon_url": "",
        "favicon_type": "",
    }
    for field in ("logo", "favicon"):
        stored = getattr(theme, field).name
        if not stored:
            continue
        # Every host serves its theme files (tenants.urls.theme_files).
        context[f"{field}_url"] = reverse(f"theme:{field}", args=[theme.version], urlconf=urlconf)
        if field == "favicon":
            context["favicon_type"] = CONTENT_TYPES.get(file_kind(stored), "")
    return context
