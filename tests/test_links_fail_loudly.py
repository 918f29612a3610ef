"""A renamed or missing URL name is an error, never a link that quietly disappears: no code
catches NoReverseMatch, no template stores a `{% url … as var %}` (which gives "" on a bad
name), and the link helpers raise."""

import ast
import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch

from .helpers import ROOT

# Not the project's code: the virtualenv, caches, data and the tests themselves.
SKIPPED_DIRS = {"tests", "var", "node_modules", "static", "locale"}
URL_AS = re.compile(r"\{%\s*url\b[^%]*?\bas\s+\w+\s*%\}")


def _project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in SKIPPED_DIRS or any(part.startswith(".") for part in parts):
            continue
        yield path


def _names(node: ast.expr | None) -> list[str]:
    """The exception names an `except` clause catches (`NoReverseMatch`, `urls.NoReverseMatch`…)."""
    if node is None:
        return []
    if isinstance(node, ast.Tuple):
        return [name for element in node.elts for name in _names(element)]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.Name):
        return [node.id]
    return []


def test_no_code_swallows_no_reverse_match():
    sources = list(_project_sources())
    assert any(path.name == "sections.py" for path in sources), "the scan must see the apps"
    found = [
        f"{path.relative_to(ROOT)}:{handler.lineno}"
        for path in sources
        for handler in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if isinstance(handler, ast.ExceptHandler) and "NoReverseMatch" in _names(handler.type)
    ]
    assert found == [], "test the condition the link depends on, then call reverse(): " + ", ".join(found)


def test_no_template_stores_a_url_in_a_variable():
    templates = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt"))
    assert templates
    found = [
        f"{path.relative_to(ROOT)}:{text[:match.start()].count(chr(10)) + 1}"
        for path in templates
        for text in [path.read_text(encoding="utf-8")]
        for match in URL_AS.finditer(text)
    ]
    assert found == [], "compute the URL in the view, or use {% url %} without `as`: " + ", ".join(found)


def test_a_dashboard_link_to_a_missing_page_raises():
    from dashboards.sections import link

    assert link("infrastructure:request-list", queue="open") == "/infrastructure/requests/?queue=open"
    with pytest.raises(NoReverseMatch):
        link("infrastructure:no-such-page", queue="open")


def test_a_menu_entry_without_a_page_raises(monkeypatch):
    from accounts import navigation

    entry = navigation.NavItem("ghost", "Ghost", "infrastructure:no-such-page", 1, scope="tenant")
    monkeypatch.setattr(navigation, "registered", lambda *, scope: [entry])
    with pytest.raises(NoReverseMatch):
        navigation.items_for(user=AnonymousUser(), scope="tenant", urlconf="cityplatform.urls_tenant")


def test_a_person_link_that_cannot_be_built_raises():
    from smarthealth.views.care import person_url

    public_id = uuid.uuid4()
    assert person_url(public_id) == f"/health/persons/{public_id}/"
    with pytest.raises(NoReverseMatch):
        person_url("not-a-uuid")
