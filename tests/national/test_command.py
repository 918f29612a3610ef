import pytest
from django.core.management import CommandError, call_command

from national.models import IndicatorValue

from .conftest import load_tiny_aggregates


def test_the_command_publishes_and_prints_a_summary(kantang, capsys):
    load_tiny_aggregates()
    call_command("publish_national_indicators", "--schema", "kantang")

    out = capsys.readouterr().out
    assert "kantang: rows=35 suppressed=8" in out
    assert "municipalities=1 rows=35" in out
    # 35 with the ltc_cases total (issue 23)
    assert IndicatorValue.objects.filter(municipality=kantang).count() == 35


def test_the_command_refuses_an_unknown_schema(db):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("publish_national_indicators", "--schema", "nowhere")
