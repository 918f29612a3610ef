def municipality(request):
    tenant = getattr(request, "tenant", None)
    return {
        "municipality": tenant,
        "is_console": bool(tenant is not None and tenant.is_platform),
    }
