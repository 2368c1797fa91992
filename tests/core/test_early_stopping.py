"""The epochs simulation: closed-form gradient descent, overfitting, early stopping, divergence."""

import numpy as np
import pytest

from explorer.core.params import resolve
from explorer.core.sims import early_stopping as es


def test_early_stopping_on_a_constructed_sequence():
    # best at epoch 3 (0.5), then no improvement: with patience 2 the run stops at epoch 5
    losses = [1.0, 0.8, 0.6, 0.5, 0.55, 0.52, 0.4]
    assert es.early_stopping(losses, patience=2) == es.Stop(best=3, stopped=5)
    assert es.early_stopping(losses, patience=3) == es.Stop(best=6, stopped=None)
    assert es.early_stopping(losses, patience=1) == es.Stop(best=3, stopped=4)


def test_a_new_best_must_beat_the_minimum_improvement():
    losses = [1.0, 0.9995, 0.9991, 0.9992, 0.5]
    assert es.early_stopping(losses, patience=3, min_improvement=1e-3) == es.Stop(best=0, stopped=3)
    assert es.early_stopping(losses, patience=3) == es.Stop(best=4, stopped=None)


def test_running_best_is_what_the_run_knows_at_each_epoch():
    assert es.running_best([3.0, 2.0, 2.5, 1.0, 1.5]).tolist() == [0, 1, 1, 3, 3]


def test_closed_form_equals_gradient_descent_step_by_step():
    seed, size, noise, degree, lr, epochs = 3, 12, 0.3, 6, 0.04, 60
    run = es.train(seed, size, noise, degree, lr, epochs)
    data = es.make_dataset(seed, size, noise)
    phi = es.features(data.x_train, degree)
    theta = np.zeros(degree + 1)
    for epoch in range(1, epochs + 1):
        theta = theta - lr * 2 * phi.T @ (phi @ theta - data.y_train) / size
        if epoch in (1, 10, 60):
            assert np.allclose(run.weights[epoch], theta, atol=1e-10)
            train_mse = np.mean((phi @ theta - data.y_train) ** 2)
            assert run.train_loss[epoch] == pytest.approx(train_mse, rel=1e-9, abs=1e-12)
            val_mse = np.mean((es.predict(theta, data.x_val, degree) - data.y_val) ** 2)
            assert run.val_loss[epoch] == pytest.approx(val_mse, rel=1e-9)


def test_the_default_run_overfits_and_early_stopping_catches_it():
    experiment = es.simulate()
    training = experiment.training
    assert training.diverged_epoch is None and training.last_epoch == 1000
    assert np.all(np.diff(training.train_loss) <= 1e-12)  # training loss only falls
    best = int(np.argmin(training.val_loss))
    assert 0 < best < 200
    assert training.val_loss[-1] > 1.5 * training.val_loss[best]  # validation loss rises again
    stop = experiment.stop
    assert stop.stopped == stop.best + 50
    assert experiment.end_epoch == stop.stopped
    assert experiment.final_epoch() == stop.best


def test_restore_and_early_stop_switches():
    off = es.simulate({"early_stop": "off"})
    assert off.end_epoch == 1000 and off.final_epoch() == off.best_until(1000)
    no_restore = es.simulate({"restore": "off"})
    assert no_restore.final_epoch() == no_restore.end_epoch


def test_high_capacity_with_few_points_interpolates_the_training_set():
    training = es.simulate({"degree": 15, "train_size": 10, "epochs": 5000, "lr": 0.03}).training
    assert training.train_loss[-1] < 0.2 * training.train_loss[50]
    # Ten points fitted exactly: the validation loss cannot follow the training loss to zero.
    # (Whether it ends above its own minimum is numerically a tie here: gradient descent from zero
    # reaches the minimum-norm interpolant, and its validation loss plateaus there.)
    assert training.train_loss[-1] < 1e-6 and training.val_loss[-1] > 0.1


def test_a_learning_rate_above_the_limit_diverges_as_data():
    experiment = es.simulate({"lr": 1.0})
    training = experiment.training
    assert 1.0 > training.stability_limit
    assert training.diverged_epoch is not None and training.last_epoch == training.diverged_epoch
    for array in (training.weights, training.train_loss, training.val_loss):
        assert np.all(np.isfinite(array))


def test_every_extreme_gives_finite_arrays():
    for degree in (1, 15):
        for size in (5, 100):
            for lr in (0.001, 1.0):
                for epochs in (10, 5000):
                    training = es.simulate({"degree": degree, "train_size": size, "lr": lr,
                                            "epochs": epochs, "noise": 1.0}).training
                    assert np.all(np.isfinite(training.train_loss)) and np.all(np.isfinite(training.weights))
                    assert np.all(training.train_loss >= 0)


def test_same_seed_same_arrays_and_a_new_seed_new_data():
    first = es.make_dataset(4, 15, 0.3)
    again = es.make_dataset.__wrapped__(4, 15, 0.3)
    assert np.array_equal(first.x_train, again.x_train) and np.array_equal(first.y_val, again.y_val)
    other = es.make_dataset(5, 15, 0.3)
    assert not np.array_equal(first.y_train, other.y_train)


def test_training_inputs_are_stratified_and_noise_free_data_lie_on_the_curve():
    data = es.make_dataset(0, 20, 0.0)
    cells = np.floor(data.x_train * 20).astype(int)
    assert cells.tolist() == list(range(20))
    assert np.allclose(data.y_train, es.true_function(data.x_train))


def test_features_are_scaled_to_unit_mean_square():
    grid = (np.arange(20000) + 0.5) / 20000
    phi = es.features(grid, 8)
    assert np.allclose(np.mean(phi ** 2, axis=0), 1.0, atol=1e-3)


def test_params_outside_their_range_are_ignored():
    values = resolve(es.PARAMS, {"degree": 99, "patience": 0, "early_stop": "off"})
    assert values["degree"] == 9 and values["patience"] == 50 and values["early_stop"] == "off"


def test_the_blocked_powers_match_the_exact_ones():
    ratios = np.array([1.0, 0.999, 0.5, 0.0, -0.3, -0.999, -1.0, 1.0004, -1.0004, 1e-9])
    for last in (0, 1, 63, 64, 65, 1000, 5000):
        exact = ratios[None, :] ** np.arange(last + 1)[:, None]
        got = es._powers(ratios, last)
        assert got.shape == exact.shape
        assert np.allclose(got, exact, rtol=1e-13, atol=1e-300), last
