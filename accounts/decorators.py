from django.contrib.auth.decorators import login_required, permission_required


def permission_or_403(perm: str):
    """Anonymous visitors go to the login page; signed-in users without `perm` get 403.

    Django's permission_required does one or the other, never both: redirecting a signed-in
    user to the login page again only confuses them.
    """

    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator
