"""Every theme save is a version; restoring one is a new save of its snapshot."""

import pytest

from tenants.models import CustomizationVersion
from tenants.services.theme import ThemeError, theme_for, theme_restore, theme_update

from .test_theme_validation import GOOD, media  # noqa: F401  (the temporary media folder)


def test_each_save_writes_the_next_version_with_a_full_snapshot(kantang):
    theme_update(municipality=kantang, data={**GOOD, "primary_color": "#111111"}, editor="a (admin@kantang)")
    theme, _ = theme_update(municipality=kantang, data={**GOOD, "primary_color": "#222222"}, editor="b")

    versions = list(
        CustomizationVersion.objects.filter(municipality=kantang, kind="theme").order_by("number")
    )
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot["primary_color"] == "#111111"
    assert versions[0].created_by == "a (admin@kantang)"
    assert set(versions[1].snapshot) >= {"logo", "favicon", "header_style", "base_font_size", "login_text_en"}
    assert theme.version == 2 and theme_for(kantang).version == 2


def test_restoring_a_version_saves_its_snapshot_as_a_new_version(kantang):
    theme_update(municipality=kantang, data={**GOOD, "primary_color": "#111111", "header_style": "light"},
                 editor="a")
    theme_update(municipality=kantang, data={**GOOD, "primary_color": "#222222"}, editor="b")

    theme, _ = theme_restore(municipality=kantang, version=1, editor="c")

    assert (theme.primary_color, theme.header_style, theme.version) == ("#111111", "light", 3)
    latest = CustomizationVersion.objects.get(municipality=kantang, kind="theme", number=3)
    assert "Restored version 1" in latest.note
    assert theme_for(kantang).primary_color == "#111111"


def test_a_version_of_another_municipality_cannot_be_restored(kantang, nueaklong):
    theme_update(municipality=nueaklong, data={**GOOD, "primary_color": "#333333"}, editor="n")
    other = CustomizationVersion.objects.get(municipality=nueaklong, kind="theme", number=1)

    with pytest.raises(ThemeError):
        theme_restore(municipality=kantang, version=other, editor="k")
    with pytest.raises(ThemeError):
        theme_restore(municipality=kantang, version=7, editor="k")
