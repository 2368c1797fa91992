"""Quantization maths: the page's worked numbers, the half-step bound, exact zero, outliers,
per-channel scales, memory, and every extreme staying finite."""

import numpy as np
import pytest

from explorer.core.sims import quantization as qz

PAGE_VECTOR = np.array([-0.62, -0.10, 0.00, 0.31, 8.00])


def test_the_pages_symmetric_int8_example():
    grid = qz.make_grid(PAGE_VECTOR, 8, "symmetric")
    assert grid.scale == pytest.approx(8.00 / 127) and grid.zero == 0
    assert qz.quantize(PAGE_VECTOR, grid).tolist() == [-10, -2, 0, 5, 127]
    assert qz.dequantize(qz.quantize(PAGE_VECTOR, grid), grid)[1] == pytest.approx(-0.12598, abs=1e-5)


def test_the_pages_affine_int8_example():
    grid = qz.make_grid(PAGE_VECTOR, 8, "affine")
    assert grid.scale == pytest.approx(8.62 / 255) and grid.zero == -110
    restored = qz.dequantize(qz.quantize(PAGE_VECTOR, grid), grid)
    assert np.max(np.abs(restored - PAGE_VECTOR)) == pytest.approx(0.0115, abs=5e-4)


@pytest.mark.parametrize("bits", qz.BIT_RANGE)
@pytest.mark.parametrize("scheme", ["symmetric", "affine"])
def test_error_within_half_a_step_and_zero_exact(bits, scheme):
    values = np.random.default_rng(bits).normal(0.3, 1.0, size=500)
    values[0] = 0.0
    grid = qz.make_grid(values, bits, scheme)
    restored = qz.dequantize(qz.quantize(values, grid), grid)
    assert np.max(np.abs(restored - values)) <= grid.scale / 2 + 1e-12
    assert restored[0] == 0.0
    codes = qz.quantize(values, grid)
    assert codes.min() >= grid.q_min and codes.max() <= grid.q_max


def test_integer_ranges():
    assert qz.integer_range(8, "symmetric") == (-127, 127)
    assert qz.integer_range(8, "affine") == (-128, 127)
    assert qz.integer_range(2, "symmetric") == (-1, 1)
    assert qz.integer_range(4, "affine") == (-8, 7)


def test_affine_keeps_zero_exact_for_data_all_on_one_side():
    values = np.linspace(0.5, 3.0, 40)
    grid = qz.make_grid(values, 4, "affine")
    assert qz.dequantize(qz.quantize(np.array([0.0]), grid), grid)[0] == 0.0


def test_an_outlier_stretches_the_per_tensor_scale_and_per_channel_or_keeping_it_aside_helps():
    plain = qz.simulate({"outliers": 0})
    with_outlier = qz.simulate({"outliers": 1, "outlier_size": 20})
    assert with_outlier.stretch(0) > 3 and plain.stretch(0) == pytest.approx(1.0)
    assert with_outlier.mse > 3 * plain.mse
    per_channel = qz.simulate({"outliers": 1, "outlier_size": 20, "granularity": "channel"})
    kept = qz.simulate({"outliers": 1, "outlier_size": 20, "handling": "keep16"})
    assert per_channel.mse < with_outlier.mse and kept.mse < with_outlier.mse
    assert kept.chosen.aside.sum() == 1
    assert kept.mse == pytest.approx(plain.mse, rel=0.05)
    # Only the outlier's own channel pays for it when every channel has its own scale.
    assert per_channel.chosen.codes_used[0] < per_channel.chosen.codes_used[1]


def test_the_outlier_rule_keeps_only_outliers():
    assert qz.simulate({"outliers": 0, "handling": "keep16"}).chosen.aside.sum() == 0
    assert qz.simulate({"outliers": 5, "handling": "keep16"}).chosen.aside.sum() == 5


def test_error_falls_with_every_extra_bit():
    for params in ({}, {"granularity": "channel"}, {"scheme": "affine", "handling": "keep16"}):
        mse = qz.simulate(params).mse_by_bits
        assert np.all(np.diff(mse) < 0)
        assert mse[-1] < mse[0] / 100


def test_memory_counts_bits_scales_and_kept_weights():
    weights = qz.CHANNELS * qz.INPUTS
    int4 = qz.simulate({"bits": 4, "outliers": 0})
    assert int4.chosen.bytes == weights / 2 + 2
    channel = qz.simulate({"bits": 8, "outliers": 0, "granularity": "channel", "scheme": "affine"})
    assert channel.chosen.bytes == weights + qz.CHANNELS * 3
    kept = qz.simulate({"bits": 4, "outliers": 3, "handling": "keep16"})
    assert kept.chosen.bytes == weights / 2 + 2 + 3 * qz.ASIDE_BYTES
    assert int4.memory_ratio == pytest.approx(0.25, abs=0.01)


def test_the_layer_output_error_follows_the_weights():
    coarse, fine = qz.simulate({"bits": 2}), qz.simulate({"bits": 8})
    assert fine.output_error < coarse.output_error
    assert np.allclose(fine.outputs, fine.inputs @ fine.weights.T)


def test_every_extreme_is_finite_and_seeded():
    for spec in qz.PARAMS:
        values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
        for value in values:
            experiment = qz.simulate({spec.name: value})
            assert np.all(np.isfinite(experiment.chosen.restored)) and np.all(np.isfinite(experiment.mse_by_bits))
            assert np.isfinite(experiment.stretch(0))
    assert np.array_equal(qz.simulate({"seed": 3}).weights, qz.simulate({"seed": 3}).weights)
    assert not np.array_equal(qz.simulate({"seed": 3}).weights, qz.simulate({"seed": 4}).weights)
