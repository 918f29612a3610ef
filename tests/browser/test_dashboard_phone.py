"""The dashboard's charts on a 390 px phone in real Chromium: each chart shows its figures as a
table at readable size (≥ 12 px), every link is a ≥ 32 px target and has a name for screen
readers, and no script fails. Wider, the SVG charts come back with named links."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from ..helpers import DEMO_PASSWORD
from .map_helpers import block_base_tiles, script_errors

pytestmark = pytest.mark.browser

MIN_TEXT_PX, MIN_TARGET_PX = 12, 32


@pytest.fixture
def figures(live_url, django_db_blocker, monkeypatch):
    """kantang's aggregate figures computed (committed, so the live server reads them), and
    removed afterwards, as they were before."""
    from dashboards.models import Aggregate, RefreshState
    from dashboards.services import dashboard_refresh

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock(), schema_context("kantang"):
        had = Aggregate.objects.exists()
        dashboard_refresh()
    yield
    with django_db_blocker.unblock():
        if not had:
            with schema_context("kantang"):
                Aggregate.objects.all().delete()
                RefreshState.objects.all().delete()
        connection.close()


def _log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


_MEASURE = """() => {
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
                          getComputedStyle(el).visibility !== 'hidden'; };
  const charts = [...document.querySelectorAll('figure.chart')];
  const texts = [];
  charts.forEach(chart => chart.querySelectorAll('td, th, summary, svg text').forEach(el => {
    if (visible(el) && el.textContent.trim()) texts.push([el.textContent.trim().slice(0, 20),
      parseFloat(getComputedStyle(el).fontSize) * (el.closest('svg') ?
        el.closest('svg').getBoundingClientRect().width / el.closest('svg').viewBox.baseVal.width : 1)]);
  }));
  const links = [];
  charts.forEach(chart => chart.querySelectorAll('a').forEach(a => {
    if (!visible(a)) return;
    const r = a.getBoundingClientRect();
    links.push({w: r.width, h: r.height, name: (a.getAttribute('aria-label') || a.textContent).trim(),
                svg: !!a.closest('svg')});
  }));
  const svgShown = charts.filter(c => { const s = c.querySelector('svg'); return s && visible(s); }).length;
  const widths = charts.map(c => c.getBoundingClientRect().width);
  return {count: charts.length, texts, links, svgShown, widths,
          scroll: document.documentElement.scrollWidth <= window.innerWidth};
}"""


def test_the_charts_on_a_phone_are_readable_tables_with_tappable_named_links(live_url, page, figures):
    base = live_url.format(host="kantang.localhost")
    block_base_tiles(page)
    problems = script_errors(page)
    _log_in(page, base, "executive")
    page.goto(base + "/dashboard/")
    page.wait_for_load_state("load")
    found = page.evaluate(_MEASURE)

    assert found["count"] >= 4
    assert found["svgShown"] == 0  # each chart shows its table instead
    small = [(text, size) for text, size in found["texts"] if size < MIN_TEXT_PX]
    assert not small, small
    assert found["links"]
    tiny = [link for link in found["links"] if link["h"] < MIN_TARGET_PX or link["w"] < MIN_TARGET_PX]
    assert not tiny, tiny
    assert all(link["name"] for link in found["links"])
    # One per row: every chart as wide as the others, and the page does not scroll sideways.
    assert max(found["widths"]) - min(found["widths"]) < 2 and found["scroll"]
    # A person taps a figure in a table and lands on the list behind it.
    first = page.locator("figure.chart details[open] td a").first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_load_state("load")
    assert href and page.url.endswith(href)
    assert not problems, problems


def test_wider_screens_keep_the_charts_and_name_every_chart_link(live_url, page, figures):
    base = live_url.format(host="kantang.localhost")
    block_base_tiles(page)
    problems = script_errors(page)
    page.set_viewport_size({"width": 1200, "height": 900})
    _log_in(page, base, "executive")
    page.goto(base + "/dashboard/")
    page.wait_for_load_state("load")
    found = page.evaluate(_MEASURE)
    assert found["svgShown"] == found["count"] >= 4
    svg_links = [link for link in found["links"] if link["svg"]]
    assert svg_links and all(link["name"] for link in svg_links)
    assert not problems, problems
