"""The minibatch-SGD simulation behind the batch-size demo."""

import numpy as np
import pytest

from explorer.core.params import defaults
from explorer.core.sims import minibatch as mb


def test_full_batch_sgd_is_plain_gradient_descent():
    data = mb.make_dataset(0)
    rates = mb.learning_rates(0.8, mb.N_EXAMPLES, 6)
    path = mb.sgd_path(data.features, data.labels, mb.N_EXAMPLES, rates, mb.epoch_orders(0, 6))
    theta = np.zeros(3)
    expected = [theta]
    for rate in rates:
        theta = theta - rate * mb.gradient(data.features, data.labels, theta)
        expected.append(theta)
    assert path.shape == (7, 3)
    assert path == pytest.approx(np.array(expected), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("batch", [1, 8, 32, 128])
def test_small_and_large_batch_loops_agree(batch):
    # The float loop (small batches) and the numpy loop (large ones) are the same algorithm.
    data = mb.make_dataset(1)
    rates = mb.learning_rates(0.3, batch, 2, warmup_epochs=1)
    orders = mb.epoch_orders(1, 2)
    every = np.arange(len(rates) + 1)
    start = np.array([0.1, -0.2, 0.05])
    python = mb._sgd_python(data.features, data.labels, batch, rates, orders, every, start)
    numpy = mb._sgd_numpy(data.features, data.labels, batch, rates, orders, every, start)
    assert python[0] == pytest.approx(start)
    assert python == pytest.approx(numpy, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("batch", [1, 8, 128])
def test_a_longer_run_continues_a_shorter_one_and_a_shorter_one_is_its_prefix(batch):
    # The epochs slider reuses the kept checkpoints: they must be exactly what a fresh run computes.
    data = mb.make_dataset(2)
    per_epoch = mb.steps_per_epoch(batch)
    fresh = {}
    for epochs in (4, 2, 5):
        rates = mb.learning_rates(0.7, batch, epochs, "linear", warmup_epochs=3)
        fresh[epochs] = mb.sgd_path(data.features, data.labels, batch, rates, mb.epoch_orders(2, epochs))
    mb._paths.clear()
    for epochs in (2, 4, 5, 2):  # continue, continue, then read what is kept
        steps = mb.checkpoint_steps(epochs * per_epoch, per_epoch)
        kept = mb.thetas_at(2, batch, epochs, 0.7, "linear", 3, steps)
        assert np.array_equal(kept, fresh[epochs][steps]), epochs
    assert fresh[2] == pytest.approx(fresh[5][: len(fresh[2])], rel=0, abs=0)
    recorded = mb._paths[(2, batch, 0.7, "linear", 3)].steps
    assert len(recorded) < len(fresh[5]) // 4 or batch == 128  # checkpoints, not every step
    missing = np.setdiff1d(np.arange(2 * per_epoch + 1), recorded)
    if batch == 1:
        assert missing.size
    if missing.size:  # a step no run has a checkpoint at is not kept, and not made up
        with pytest.raises(ValueError):
            mb.thetas_at(2, batch, 2, 0.7, "linear", 3, missing[:1])


def test_the_loop_keeps_only_the_steps_asked_for():
    data = mb.make_dataset(3)
    rates = mb.learning_rates(0.4, 8, 2)
    orders = mb.epoch_orders(3, 2)
    every = mb.sgd_path(data.features, data.labels, 8, rates, orders)
    some = np.array([0, 1, 2, 249, 250, 251, 500])
    assert np.array_equal(mb.sgd_path(data.features, data.labels, 8, rates, orders, record=some), every[some])


def test_an_epoch_has_ceil_n_over_b_steps_with_a_short_last_batch():
    assert [mb.steps_per_epoch(b) for b in mb.BATCH_SIZES] == [2000, 250, 63, 16, 1]
    seen = mb.examples_seen(np.array([0, 62, 63, 64]), 32)
    assert seen.tolist() == [0, 1984, 2000, 2032]


def test_minibatch_gradient_noise_falls_as_one_over_root_b_with_the_population_factor():
    noise = mb.measure_noise(0)
    size = mb.N_EXAMPLES
    for batch, measured, count in zip(noise.batches, noise.measured, noise.sample_counts):
        expected = noise.single_std * np.sqrt((size - batch) / (size - 1) / batch)
        if batch == size:
            assert measured == 0.0 and expected == 0.0
        else:
            assert measured == pytest.approx(expected, rel=0.04 if count >= 1000 else 0.12), batch
    # four times the batch, half the noise (while B ≪ N)
    by_batch = dict(zip(noise.batches.tolist(), noise.measured))
    assert by_batch[128] / by_batch[32] == pytest.approx(0.5, rel=0.06)
    assert noise.expected == pytest.approx(mb.expected_noise(noise.single_std, noise.batches))


def test_the_minibatch_gradient_is_unbiased():
    noise = mb.measure_noise(0)
    samples = noise.samples[8]
    assert samples.mean(axis=0) == pytest.approx(noise.full_gradient, abs=4 * noise.measured[3] / np.sqrt(len(samples)))


def test_same_seed_same_arrays_and_another_seed_differs():
    mb.run_batch.cache_clear()
    first = mb.simulate({"seed": 4, "epochs": 2})
    mb.run_batch.cache_clear()
    mb.measure_noise.cache_clear()
    second = mb.simulate({"seed": 4, "epochs": 2})
    for a, b in zip(first.runs, second.runs):
        assert np.array_equal(a.gaps, b.gaps) and np.array_equal(a.steps, b.steps)
    assert np.array_equal(first.noise.measured, second.noise.measured)
    other = mb.simulate({"seed": 5, "epochs": 2})
    assert not np.array_equal(first.runs[0].gaps, other.runs[0].gaps)


def test_the_optimum_is_the_minimum_and_gaps_are_positive():
    data = mb.make_dataset(0)
    assert np.abs(mb.gradient(data.features, data.labels, data.optimum)).max() < 1e-10
    assert data.start_loss == pytest.approx(np.log(2), abs=1e-6)
    run = mb.simulate({"batches": "large", "lr": 1.0}).run_for(128)
    assert run.gaps[0] == pytest.approx(data.start_loss - data.best_loss, rel=1e-6)
    assert np.all(run.gaps >= mb.GAP_FLOOR) and run.gaps[-1] < 0.01 * run.gaps[0]


def test_linear_scaling_and_warmup():
    rates = mb.learning_rates(0.1, 128, 2, "linear", warmup_epochs=1)
    assert len(rates) == 32 and rates[-1] == pytest.approx(0.4)
    assert rates[:16] == pytest.approx(0.4 * np.arange(1, 17) / 16)
    assert mb.learning_rates(0.1, 128, 1, "off") == pytest.approx([0.1] * 16)
    # the warmup lasts its epochs whatever the run's length: a shorter run ends part-way up
    short = mb.learning_rates(0.1, 128, 1, "off", warmup_epochs=4)
    assert short == pytest.approx(0.1 * np.arange(1, 17) / 64)
    assert np.array_equal(short, mb.learning_rates(0.1, 128, 3, "off", warmup_epochs=4)[:16])
    # the reference batch keeps its rate
    assert mb.learning_rates(0.1, mb.REFERENCE_BATCH, 1, "linear")[0] == pytest.approx(0.1)


def test_a_large_scaled_rate_on_the_full_batch_is_reported_as_diverged():
    run = mb.simulate({"lr": 10.0, "scaling": "linear"}).run_for(mb.N_EXAMPLES)
    assert run.diverged and run.diverged_step == run.steps[-1]
    assert np.all(np.isfinite(run.gaps))


def test_step_time_model():
    assert mb.step_time(1, 64, 2.0) == pytest.approx(3.0)
    assert mb.step_time(64, 64, 2.0) == pytest.approx(3.0)
    assert mb.step_time(2000, 64, 2.0) == pytest.approx(2.0 + 2000 / 64)


def test_every_parameter_extreme_gives_finite_output():
    base = defaults(mb.PARAMS)
    for spec in mb.PARAMS:
        values = [spec.choices[0], spec.choices[-1]] if spec.kind == "choice" else [spec.min, spec.max]
        for value in values:
            experiment = mb.simulate({**base, spec.name: value, "batches": "all"})
            for run in experiment.runs:
                for array in (run.gaps, run.steps, run.epochs, run.rates):
                    assert np.all(np.isfinite(array)), (spec.name, value, run.batch)
                assert len(run.gaps) == len(run.steps) == len(run.epochs) >= 2
            assert np.all(np.isfinite(experiment.noise.measured))
    for lr in (0.001, 10.0):
        for scaling in ("off", "linear"):
            for run in mb.simulate({"lr": lr, "scaling": scaling, "epochs": 10, "warmup": 5}).runs:
                assert np.all(np.isfinite(run.gaps))


def test_a_run_computed_a_few_epochs_at_a_time_is_the_whole_run_and_its_starts_are_prefixes():
    params = {"epochs": 6, "lr": 0.9, "seed": 5, "warmup": 2, "scaling": "linear"}
    whole = mb.simulate(params)
    mb._paths.clear()
    mb.run_batch.cache_clear()
    for ready in range(1, 6):
        mb.advance(params, ready)
        partial = mb.simulate(params, ready)
        assert not partial.complete
        for run, full in zip(partial.runs, whole.runs):
            assert not run.complete and run.total_steps == full.total_steps
            assert run.steps[-1] <= ready * run.steps_per_epoch < full.steps[-1]
            assert np.array_equal(run.steps, full.steps[: len(run.steps)])  # the whole run's checkpoints
            assert np.array_equal(run.gaps, full.gaps[: len(run.gaps)])
    mb.run_batch.cache_clear()
    again = mb.simulate(params, 6)
    assert again.complete
    for run, full in zip(again.runs, whole.runs):
        assert np.array_equal(run.steps, full.steps) and np.array_equal(run.gaps, full.gaps)


def test_a_run_that_diverged_in_its_first_epochs_is_complete():
    partial = mb.simulate({"epochs": 8, "lr": 10.0, "scaling": "linear", "batches": "large"}, 1)
    full = partial.run_for(mb.N_EXAMPLES)
    assert full.diverged and full.complete
