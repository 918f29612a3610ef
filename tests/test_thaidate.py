import datetime as dt

from django.utils import translation

from kernel.thaidate import export_date, thai_date, thai_datetime


def test_it_shows_the_buddhist_era_with_thai_months_in_thai():
    with translation.override("th"):
        assert thai_date(dt.date(2026, 11, 24)) == "24 พฤศจิกายน 2569"
        assert thai_date(dt.date(1967, 1, 5), short=True) == "5 ม.ค. 2510"


def test_it_shows_local_time_in_bangkok():
    moment = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)  # 09:30 in Bangkok
    with translation.override("th"):
        assert thai_datetime(moment) == "24 พฤศจิกายน 2569 09:30 น."


def test_it_keeps_the_gregorian_year_in_english():
    with translation.override("en"):
        assert "2026" in thai_date(dt.date(2026, 11, 24))
        assert "2569" not in thai_date(dt.date(2026, 11, 24))


def test_it_renders_nothing_for_no_date():
    assert thai_date(None) == ""


def test_english_dates_put_the_day_first():
    with translation.override("en"):
        assert thai_date(dt.date(2026, 11, 24)) == "24 November 2026"
        assert thai_date(dt.date(2026, 11, 4), short=True) == "04/11/2026"
        assert export_date(dt.date(2026, 11, 4)) == "04/11/2026"
    with translation.override("th"):
        assert export_date(dt.date(2026, 11, 4)) == "04/11/2569"
