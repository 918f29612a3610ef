"""Register entries for tests that name communities (the services accept only the register's)."""

from communities.models import Community


def communities_ensure(*names: str) -> list[Community]:
    """The register's entries of these names, added when missing (in the current schema)."""
    return [Community.objects.get_or_create(name=name)[0] for name in names]


def community_id(name: str) -> int:
    return communities_ensure(name)[0].pk


def register_for_tests(request, names: tuple[str, ...], schemas=("kantang", "nueaklong")) -> None:
    """For an autouse fixture: the names a test module gives its rows are in both pilots'
    registers (the services refuse a name outside it). Only for tests that use the database."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from django_tenants.utils import schema_context

    for schema in schemas:
        with schema_context(schema):
            communities_ensure(*names)
