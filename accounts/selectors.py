from django.db.models import DecimalField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Cast, NullIf

from .models import User


def users_for_admin(*, search: str = "", role: str = "") -> QuerySet[User]:
    """This schema's users for the user-management page (the view checks manage_users)."""
    users = natural_order(User.objects.prefetch_related("groups"))
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search)
            | Q(last_name__icontains=search) | Q(email__icontains=search)
        )
    if role:
        users = users.filter(groups__name=role)
    return users


def natural_order(users: QuerySet[User]) -> QuerySet[User]:
    """Usernames in the order people count: volunteer2 before volunteer10 (a trailing number
    compared as a number, numeric so that a long run of digits cannot overflow)."""
    stem = Func(F("username"), Value("[0-9]+$"), Value(""), function="regexp_replace")
    number = Cast(NullIf(Func(F("username"), Value("[0-9]+$"), function="substring"), Value("")),
                  DecimalField(max_digits=150, decimal_places=0))
    return users.alias(name_stem=stem, name_number=number).order_by(
        "name_stem", F("name_number").asc(nulls_first=True), "username")
