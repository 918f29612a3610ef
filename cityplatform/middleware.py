from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from kernel.i18n import chosen_language


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the person chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many staff phones are
    set to English; the platform is Thai-first, so only the explicit choice (the cookie set by
    the switch) counts.
    """

    def process_request(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
