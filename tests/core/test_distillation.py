"""Distillation maths: temperature softmax limits, the T² gradient scaling, the teacher, and a
distilled student beating a hard-label one on scarce data."""

import numpy as np
import pytest

from explorer.core.sims import distillation as ds

LOGITS = np.array([3.0, 1.0, 0.5, -2.0])


def test_temperature_softmax_limits():
    assert np.allclose(ds.softmax(LOGITS, 0.01), [1, 0, 0, 0], atol=1e-12)
    assert np.allclose(ds.softmax(LOGITS, 1e6), 0.25, atol=1e-5)
    assert ds.softmax(LOGITS, 2.0).sum() == pytest.approx(1.0)
    assert np.all(np.isfinite(ds.softmax(np.array([1000.0, -1000.0]), 0.1)))


def test_entropy_grows_with_temperature():
    entropies = [ds.entropy_bits(ds.softmax(LOGITS, t)) for t in (0.1, 1, 4, 20)]
    assert np.all(np.diff(entropies) > 0) and entropies[-1] < 2.0 + 1e-9


def test_soft_term_gradient_matches_finite_differences():
    student, teacher, t = np.array([0.2, -0.4, 1.0, 0.1]), LOGITS, 3.0

    def soft_loss(z):
        p, q = ds.softmax(teacher, t), ds.softmax(z, t)
        return t ** 2 * np.sum(p * (np.log(p) - np.log(q)))

    numeric = np.array([(soft_loss(student + h) - soft_loss(student - h)) / 2e-6 for h in np.eye(4) * 1e-6])
    assert np.allclose(ds.soft_term_gradient(student, teacher, t), numeric, atol=1e-6)


def test_t_squared_keeps_the_soft_gradient_from_fading():
    """Without T², the gradient shrinks like 1/T²; with it, it tends to (z_s − z_t − mean)/K."""
    student = np.array([0.2, -0.4, 1.0, 0.1])
    scaled = [np.abs(ds.soft_term_gradient(student, LOGITS, t)).sum() for t in (10.0, 20.0, 40.0)]
    unscaled = [value / t ** 2 for value, t in zip(scaled, (10.0, 20.0, 40.0))]
    assert scaled[2] == pytest.approx(scaled[1], rel=0.02)
    assert unscaled[1] / unscaled[2] == pytest.approx(4.0, rel=0.05)
    difference = student - LOGITS
    limit = (difference - difference.mean()) / len(student)
    assert np.allclose(ds.soft_term_gradient(student, LOGITS, 2000.0), limit, atol=1e-3)


def test_the_teacher_is_the_bayes_classifier_and_knows_which_classes_are_near():
    result = ds.simulate({})
    assert 0.7 < result.teacher_accuracy < 0.9
    best = result.by_confidence[0]
    probabilities = ds.softmax(result.teacher[best], 4.0)
    label = result.labels[best]
    neighbours = probabilities[[(label - 1) % 10, (label + 1) % 10]].sum()
    opposite = probabilities[(label + 5) % 10]
    assert neighbours > 10 * opposite


def test_distillation_helps_when_data_are_scarce():
    result = ds.simulate({})
    assert result.distilled.accuracy[-1] > result.hard_only.accuracy[-1] + 0.1
    assert result.distilled.test_loss[-1] < result.hard_only.test_loss[-1]
    assert ds.simulate({"temperature": 1}).distilled.accuracy[-1] < result.distilled.accuracy[-1]


def test_alpha_zero_is_the_hard_label_student():
    result = ds.simulate({"alpha": 0})
    assert np.allclose(result.distilled.accuracy, result.hard_only.accuracy)


def test_without_t_squared_a_high_temperature_loses_the_teacher():
    with_factor = ds.simulate({"temperature": 20}).distilled.accuracy[-1]
    without = ds.simulate({"temperature": 20, "t_squared": "off"})
    assert without.distilled.accuracy[-1] < with_factor - 0.1


def test_examples_are_offered_surest_first():
    result = ds.simulate({})
    first, last = ds.shown_example({"example": 1}, result), ds.shown_example({"example": 100}, result)
    truth = ds.softmax(result.teacher)[np.arange(len(result.labels)), result.labels]
    assert truth[first] == truth.max() and truth[last] == truth.min()


def test_every_extreme_is_finite():
    for spec in ds.PARAMS:
        values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
        for value in values:
            result = ds.simulate({spec.name: value})
            for run in (result.distilled, result.hard_only):
                assert np.all(np.isfinite(run.accuracy)) and np.all(np.isfinite(run.test_loss))
                assert np.all(run.test_loss >= 0) and np.all((run.accuracy >= 0) & (run.accuracy <= 1))
            assert len(result.epochs) == len(result.distilled.accuracy)


def test_students_trained_side_by_side_are_the_students_trained_alone():
    data = ds._data(3, 0.6, 5)
    epochs = ds.recorded_epochs(60)
    goals = [ds.objective(data.teacher, 0.7, 4.0), ds.Objective(), ds.objective(data.teacher, 0.3, 0.5, False)]
    together = ds.train_students(data.inputs, data.labels, goals, 60, data.test_inputs, data.test_labels, epochs)
    for goal, run in zip(goals, together):
        alone, = ds.train_students(data.inputs, data.labels, [goal], 60, data.test_inputs, data.test_labels, epochs)
        assert np.allclose(run.accuracy, alone.accuracy) and np.allclose(run.test_loss, alone.test_loss)
    # The recorded cross-entropy is the mean of −log softmax at the true class: at epoch 0 (all
    # weights zero) every class has probability 1/10.
    assert together[0].test_loss[0] == pytest.approx(np.log(10))
    assert together[0].accuracy[0] == pytest.approx(np.mean(data.test_labels == 0))


def test_steps_without_the_softmax_shift_are_the_steps_with_it(monkeypatch):
    """Training skips subtracting the largest logit while the logits provably stay small; that
    changes the arithmetic only by rounding."""
    data = ds._data(3, 0.6, 5)
    epochs = ds.recorded_epochs(200)
    goals = [ds.objective(data.teacher, 0.7, 4.0), ds.Objective(), ds.objective(data.teacher, 1.0, 0.3)]
    args = (data.inputs, data.labels, goals, 200, data.test_inputs, data.test_labels, epochs)
    skipping = ds.train_students(*args)
    monkeypatch.setattr(ds, "EXP_SAFE", -1.0)  # no step is provably safe: every step shifts
    shifting = ds.train_students(*args)
    for fast, safe in zip(skipping, shifting):
        assert np.array_equal(fast.accuracy, safe.accuracy)
        assert np.allclose(fast.test_loss, safe.test_loss, rtol=1e-12, atol=0)


def test_scores_are_argmax_accuracy_and_mean_test_cross_entropy():
    """Scoring many epochs at once equals scoring each with argmax (ties to the lowest class)
    and −log softmax at the true class."""
    rng = np.random.default_rng(3)
    data = ds._data(2, 0.5, 1)
    history = rng.normal(0.0, 2.0, size=(7, 2, ds.CLASSES, 3))
    history[0] = 0.0  # every class ties
    history[3, 1, 4] = history[3, 1, 7]  # two classes tie everywhere
    accuracy, loss = ds._score(history, data.test_inputs, data.test_labels)
    features = np.column_stack([data.test_inputs, np.ones(len(data.test_labels))])
    rows = np.arange(len(data.test_labels))
    for epoch in range(len(history)):
        for student in range(2):
            logits = features @ history[epoch, student].T
            assert accuracy[epoch, student] == np.mean(logits.argmax(axis=1) == data.test_labels)
            expected = -np.log(ds.softmax(logits)[rows, data.test_labels]).mean()
            assert loss[epoch, student] == pytest.approx(expected, rel=1e-12)


def test_students_trained_a_few_epochs_at_a_time_are_the_students_trained_at_once():
    data = ds._data(6, 0.8, 4)
    goals = [ds.objective(data.teacher, 0.6, 0.3, t_squared=False), ds.Objective()]  # the shifting corner too
    recorded = ds.recorded_epochs(90)
    args = (data.inputs, data.labels, goals, data.test_inputs, data.test_labels, recorded, 90)
    at_once = ds.Students(*args)
    at_once.train_to(90)
    pieces = ds.Students(*args)
    for epochs in (1, 2, 7, 7, 40, 41, 89, 90, 95):
        pieces.train_to(epochs)
        partial = pieces.trainings()
        reached = min(epochs, 90)
        assert np.array_equal(pieces.recorded_so_far(), recorded[recorded <= reached])
        assert all(len(run.accuracy) == len(pieces.recorded_so_far()) for run in partial)
    for whole, cut in zip(at_once.trainings(), pieces.trainings()):
        assert np.array_equal(whole.accuracy, cut.accuracy) and np.array_equal(whole.test_loss, cut.test_loss)


def test_a_run_simulated_part_of_the_way_goes_on_from_there_to_the_whole_run():
    params = {"per_class": 4, "epochs": 120, "temperature": 2.5, "alpha": 0.4, "seed": 77}
    ds._results.clear()
    ds._under_way.clear()
    assert ds.epochs_trained(params) == 0
    part = ds.simulate(params, 50)
    assert not part.complete and ds.epochs_trained(params) == 50
    assert part.epochs[-1] <= 50 and len(part.distilled.accuracy) == len(part.epochs) == len(part.hard_only.accuracy)
    ds.advance(params, 90)
    assert ds.epochs_trained(params) == 90
    whole = ds.simulate(params)
    assert whole.complete and ds.epochs_trained(params) == 120 and whole.epochs[-1] == 120
    ds._results.clear()
    ds._under_way.clear()
    ds._hard_runs.clear()
    fresh = ds.simulate(params)
    for got, want in ((whole.distilled, fresh.distilled), (whole.hard_only, fresh.hard_only)):
        assert np.array_equal(got.accuracy, want.accuracy) and np.array_equal(got.test_loss, want.test_loss)
    n = len(part.epochs)
    assert np.array_equal(part.distilled.accuracy, fresh.distilled.accuracy[:n])
    cut = ds.simulate({**params, "temperature": 9.0}, 30)  # the hard-label student is known: cut to fit
    assert len(cut.hard_only.accuracy) == len(cut.epochs)
    assert np.array_equal(cut.hard_only.accuracy, fresh.hard_only.accuracy[: len(cut.epochs)])
