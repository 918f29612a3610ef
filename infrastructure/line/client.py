"""The official SDK's clients for one municipality's LINE channel.

settings.LINE_API_HOST replaces both of LINE's API hosts (api.line.me, api-data.line.me) when set:
the tests point it at a local stand-in for LINE; production leaves it empty.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, MessagingApiBlob

from tenants.models import LineChannel

# Seconds to connect and to read: a slow LINE must not hold a web worker or a task for long.
TIMEOUT = (5, 15)


@dataclass(frozen=True)
class LineApis:
    messaging: MessagingApi
    blob: MessagingApiBlob


def line_channel_current() -> LineChannel | None:
    """The channel of the municipality whose schema is active (a web request or a task), when it
    is on and has both credentials."""
    channel = (LineChannel.objects.select_related("municipality")
               .filter(municipality__schema_name=connection.schema_name).first())
    return channel if channel is not None and channel.is_ready else None


@contextmanager
def line_apis(channel: LineChannel) -> Iterator[LineApis]:
    configuration = Configuration(access_token=channel.access_token,
                                  host=getattr(settings, "LINE_API_HOST", None) or None)
    with ApiClient(configuration) as api_client:
        yield LineApis(messaging=MessagingApi(api_client), blob=MessagingApiBlob(api_client))
