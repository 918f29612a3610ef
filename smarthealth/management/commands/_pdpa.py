"""What person_export and person_erase share: entering the municipality, the staff member who
answers for the request, and the person it is about."""

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from tenants.models import Municipality


def add_common_arguments(parser) -> None:
    parser.add_argument("--schema", required=True, help="the municipality's schema, e.g. kantang")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--public-id", help="the person's public ID (as in the person's page address)")
    who.add_argument("--cid", help="the person's 13-digit national ID")
    parser.add_argument("--by", required=True,
                        help="the username, in that municipality, of the staff member handling the request "
                             "(recorded in the access log)")


def municipality_or_error(schema: str) -> Municipality:
    municipality = Municipality.objects.filter(schema_name=schema).exclude(schema_name="public").first()
    if municipality is None:
        raise CommandError(bilingual(_("There is no municipality with the schema “%(schema)s”."),
                                     {"schema": schema}))
    return municipality


def staff_or_error(username: str, *, schema: str):
    from accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(bilingual(_("There is no active user “%(username)s” in %(schema)s."),
                                     {"username": username, "schema": schema}))
    return user


def permission_error(username: str) -> CommandError:
    return CommandError(bilingual(_("%(username)s may not do this: it needs a nurse or an administrator "
                                    "(erasure: an administrator)."), {"username": username}))
