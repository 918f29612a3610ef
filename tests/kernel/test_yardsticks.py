"""The yardsticks' one definition (kernel.yardsticks), used by the dashboard, the API and the
national snapshot: rates, changes against the previous period, signs."""

from kernel.yardsticks import change, overdue_rate, rate, signed, sla_compliance_rate


def test_a_rate_is_a_percentage_with_one_decimal_rounded_as_by_hand():
    assert rate(2, 3) == 66.7
    assert rate(1, 8) == 12.5
    assert rate(1, 16) == 6.3  # 6.25 rounds half up, as by hand (round() would give 6.2)
    assert rate(3, 16) == 18.8  # 18.75
    assert rate(1, 6) == 16.7
    assert rate(0, 4) == 0.0
    assert rate(3, 0) is None  # nothing to divide by: no rate, not 0 %


def test_the_sla_and_overdue_rates_are_shares_of_their_wholes():
    assert sla_compliance_rate(resolved=6, resolved_on_time=4) == 66.7
    assert sla_compliance_rate(resolved=0, resolved_on_time=0) is None
    assert overdue_rate(open_now=4, overdue=3) == 75.0
    assert overdue_rate(open_now=0, overdue=0) is None


def test_a_change_has_its_sign_and_its_percentage_of_the_earlier_value():
    up = change(6, 4)
    assert (up.difference, up.percent, up.direction) == (2, 50.0, "up")
    down = change(3, 4)
    assert (down.difference, down.percent, down.direction) == (-1, -25.0, "down")
    assert change(5, 0).percent is None and change(5, 0).difference == 5
    assert change(None, 4).difference is None and change(None, 4).direction == ""
    assert (signed(2, places=0), signed(-1, places=0)) == ("+2", "−1")  # a minus sign, not a hyphen
    assert (signed(16.7), signed(0, places=0), signed(None)) == ("+16.7", "0", "–")
