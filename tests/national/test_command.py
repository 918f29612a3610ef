import pytest
from django.core.management import CommandError, call_command

from national.models import IndicatorValue

from .conftest import load_tiny_aggregates


def test_the_command_publishes_and_prints_a_summary(kantang, capsys):
    load_tiny_aggregates()
    call_command("publish_national_indicators", "--schema", "kantang")

    out = capsys.readouterr().out
    assert "kantang: rows=34 suppressed=8" in out
    assert "municipalities=1 rows=34" in out
    assert IndicatorValue.objects.filter(municipality=kantang).count() == 34


def test_the_command_refuses_an_unknown_schema(db):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("publish_national_indicators", "--schema", "nowhere")
