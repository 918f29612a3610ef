"""Setting a municipality's LINE Official Account (tenants.models.LineChannel)."""

from django.db import transaction

from ..models import LineChannel, Municipality


def line_channel_for(municipality: Municipality) -> LineChannel:
    """The municipality's row, unsaved and off when it has never set one."""
    try:
        return LineChannel.objects.get(municipality=municipality)
    except LineChannel.DoesNotExist:
        return LineChannel(municipality=municipality)


@transaction.atomic
def line_channel_update(
    *, municipality: Municipality, enabled: bool, channel_secret: str = "", access_token: str = "",
    editor: str = "",
) -> LineChannel:
    """Save the account's settings. An empty secret or token keeps the stored one: the page never
    shows them again, so an admin who only switches LINE off must not have to re-enter them."""
    channel = line_channel_for(municipality)
    if channel.pk:
        channel = LineChannel.objects.select_for_update().get(pk=channel.pk)
    if channel_secret.strip():
        channel.channel_secret = channel_secret.strip()
    if access_token.strip():
        channel.access_token = access_token.strip()
    channel.enabled = enabled
    channel.updated_by = editor
    channel.save()
    return channel
