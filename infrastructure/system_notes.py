"""The notes the platform itself writes where people write too: a request's timeline comment, an
asset's condition note, an asset photo's caption. Stored as "ไทย / English" (kernel.i18n.bilingual,
so the database and a backup read in either language); pages show them in the reader's language
through the `stored_text` filter (kernel.stored_text), which recognises these messages."""

from django.utils.translation import gettext_lazy as _

from kernel.stored_text import system_messages_register

PHOTO_ADDED = _("Photo added.")
PHOTO_ADDED_TO_ASSET = _("Photo added to the asset %(code)s.")
REPAIRED_BY_REQUEST = _("Repaired: request %(code)s")
REQUEST_PHOTO_CAPTION = _("Request %(code)s")
FILED_THROUGH_OPEN311 = _("Filed through Open311 with the API token “%(name)s”.")

system_messages_register(PHOTO_ADDED, PHOTO_ADDED_TO_ASSET, REPAIRED_BY_REQUEST, REQUEST_PHOTO_CAPTION,
                         FILED_THROUGH_OPEN311)
