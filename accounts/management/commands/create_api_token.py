"""`manage.py create_api_token --schema S --username U` (CONTRACT §4): prints a new API token.

Only the token goes to stdout, so a script can write `TOKEN=$(manage.py create_api_token …)`;
the secret is not stored and cannot be shown again.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.models import User
from accounts.tokens import TokenError, api_token_create
from kernel.i18n import bilingual


class Command(BaseCommand):
    help = "Create an API token for a user of a municipality (or of the console: --schema public)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True,
                            help="municipality schema, e.g. kantang; public = console")
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="", help="what the token is for (default: command line)")
        parser.add_argument("--days", type=int, default=None,
                            help="expires after this many days (default: never)")

    def handle(self, *args, schema, username, name, days, **options):
        from tenants.models import Municipality

        known = Municipality.objects.filter(schema_name=schema).exists()
        if schema != get_public_schema_name() and not known:
            raise CommandError(f"ไม่พบเทศบาลที่ใช้ schema {schema!r} / no municipality with schema {schema!r}")
        if days is not None and days < 1:
            raise CommandError("--days ต้องมากกว่า 0 / --days must be at least 1")
        with schema_context(schema):
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(
                    f"ไม่พบผู้ใช้ {username!r} ใน {schema} / no user {username!r} in schema {schema}")
            expires_at = timezone.now() + timedelta(days=days) if days else None
            try:
                _token, raw = api_token_create(
                    user=user, name=name or f"create_api_token {timezone.localdate():%Y-%m-%d}",
                    expires_at=expires_at)
            except TokenError as error:
                raise CommandError(bilingual(error.args[0])) from error
        self.stdout.write(raw)
