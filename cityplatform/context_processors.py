from django.utils.functional import SimpleLazyObject


def csp_nonce(request):
    # django-leaflet's map template reads `csp_nonce`; stay lazy so pages without inline script
    # do not put a nonce in their header.
    return {"csp_nonce": SimpleLazyObject(lambda: str(getattr(request, "csp_nonce", "")))}
