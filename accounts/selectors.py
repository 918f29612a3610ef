from django.db.models import Q, QuerySet

from .models import User


def users_for_admin(*, search: str = "", role: str = "") -> QuerySet[User]:
    """This schema's users for the user-management page (the view checks manage_users)."""
    users = User.objects.prefetch_related("groups").order_by("username")
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search)
            | Q(last_name__icontains=search) | Q(email__icontains=search)
        )
    if role:
        users = users.filter(groups__name=role)
    return users
