"""Axis ranges that hold the data and stay put for small changes."""

import math

import pytest

from explorer.qt.demos.plotting import log_ticks, steady_log_range, steady_top


def test_log_range_snaps_outward_to_quarter_decades():
    assert steady_log_range(0.012, 3.0) == (math.floor(4 * math.log10(0.012)) / 4, math.ceil(4 * math.log10(3.0)) / 4)


@pytest.mark.parametrize("low, high", [(1e-9, 1e3), (0.5, 0.6), (2.0, 2.0), (1e-16, 1e-15)])
def test_log_range_holds_the_data(low, high):
    bottom, top = steady_log_range(low, high)
    assert bottom <= math.log10(low) and math.log10(high) <= top


def test_log_range_is_kept_while_the_data_fits_with_at_most_two_decades_to_spare():
    shown = steady_log_range(0.01, 10.0)
    assert steady_log_range(0.02, 8.0, shown) == shown
    assert steady_log_range(0.1, 5.0, shown) == shown
    assert steady_log_range(1.0, 5.0, shown) == (0.0, 0.75)  # almost three decades to spare: shrink


def test_log_range_moves_a_decade_further_than_needed_on_the_side_the_data_left():
    shown = steady_log_range(0.01, 10.0)
    moved = steady_log_range(0.005, 10.0, shown)
    assert moved == (-4.0, shown[1])
    for low in (0.004, 0.002, 0.0011):  # the next steps of a slider fit without a change
        assert steady_log_range(low, 10.0, moved) == moved
    assert steady_log_range(0.01, 200.0, shown) == (shown[0], 4.0)


def test_linear_top_is_round_holds_the_data_and_is_kept_while_more_than_half_full():
    assert steady_top(0.93) == 1.0 and steady_top(1.2) == 1.5 and steady_top(7.1) == 8.0 and steady_top(0.031) == 0.04
    assert steady_top(1.0) == 1.0
    assert steady_top(0.6, shown=1.0) == 1.0
    assert steady_top(0.4, shown=1.0) == 0.4
    assert steady_top(1.1, shown=1.0) == 1.5


def test_log_ticks_label_few_decades_on_a_long_axis():
    major, minor = log_ticks(1e-16, 1e3)
    assert 3 <= len(major) <= 6
    assert all(label == "" for _, label in minor)
    assert all(float(label) > 0 for _, label in major)


def test_log_ticks_label_two_and_five_on_a_short_axis():
    major, minor = log_ticks(0.1, 10.0)
    assert [label for _, label in major] == ["0.1", "1", "10"]
    assert {"0.2", "0.5", "2", "5"} <= {label for _, label in minor}
