"""Knowledge distillation: a teacher's softened probabilities, and a small student learning from them.

The data: ten classes whose inputs are 2-D Gaussian clouds with centres on a circle, so that
each class overlaps its neighbours and hardly at all the class opposite. The teacher is the
Bayes-optimal classifier of that generative model (it stands in for a large network trained on
plenty of data); its logits are z_k(x) = (μ_k·x − |μ_k|²/2) / σ², equal priors. The student is
a linear softmax model (a 10×3 weight matrix) trained by full-batch gradient descent on a small
training set.

Temperature softmax: p_k(T) = exp(z_k / T) / Σ_j exp(z_j / T); T → 0 gives the one-hot argmax,
T → ∞ the uniform distribution. The distillation loss is that of Hinton, Vinyals & Dean,
*Distilling the Knowledge in a Neural Network* (NIPS 2014 Deep Learning Workshop,
arXiv:1503.02531):

    L = α · T² · KL(p_teacher(T) ‖ p_student(T)) + (1 − α) · CE(y, p_student(1)).

The gradient of the soft term with respect to a student logit is α·T·(q_k(T) − p_k(T)), which
for large T is about α·(z_s − z_t)/K: without the T² factor it would shrink like 1/T², and the
soft targets would fade out of the training as T grows. The same student trained on hard labels
only (α = 0) is run beside it on the same data and the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from explorer.core.params import ParamSpec, resolve
from explorer.core.sims.kept import keep

CLASSES = 10
RADIUS = 2.0  # class centres lie on a circle of this radius
TEST_SIZE = 500
LEARNING_RATE = 0.5
CURVE_POINTS = 40  # training curves are kept at this many epochs (the test set is scored there)

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("temperature", 4.0, 0.1, 20.0, log=True, decimals=2, label={"zh": "温度 T", "en": "Temperature T"}),
    ParamSpec("alpha", 0.7, 0.0, 1.0, decimals=2, label={"zh": "软目标权重 α", "en": "Soft-target weight α"}),
    ParamSpec("per_class", 2, 1, 30, kind="int", log=True,
              label={"zh": "每类训练样本数", "en": "Training examples per class"}),
    ParamSpec("spread", 0.5, 0.3, 1.5, decimals=2, label={"zh": "类别重叠(σ)", "en": "Class overlap (σ)"}),
    ParamSpec("t_squared", "on", kind="choice", choices=("on", "off"),
              label={"zh": "软目标项乘以 T²", "en": "Multiply soft term by T²"},
              choice_labels={"on": {"zh": "乘(Hinton 等)", "en": "Yes (Hinton et al.)"},
                             "off": {"zh": "不乘", "en": "No"}}),
    ParamSpec("epochs", 100, 20, 500, kind="int", log=True, label={"zh": "训练轮数", "en": "Epochs"}),
    ParamSpec("example", 1, 1, 100, kind="int", label={"zh": "查看的训练样本", "en": "Example shown"}),
    ParamSpec("seed", 0, 0, 9999, kind="int", label={"zh": "随机种子", "en": "Seed"}),
)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Temperature softmax along the last axis, computed stably (the largest logit subtracted)."""
    scaled = np.asarray(logits, dtype=float) / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)


def entropy_bits(probabilities: np.ndarray) -> float:
    """H(p) in bits (0·log 0 taken as 0)."""
    p = np.asarray(probabilities, dtype=float)
    nonzero = p[p > 0]
    return float(-(nonzero * np.log2(nonzero)).sum())


def soft_term_gradient(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> np.ndarray:
    """∂/∂z_s of T²·KL(p_teacher(T) ‖ p_student(T)) for one example: T·(q(T) − p(T))."""
    return temperature * (softmax(student_logits, temperature) - softmax(teacher_logits, temperature))


def centres() -> np.ndarray:
    angles = 2 * np.pi * np.arange(CLASSES) / CLASSES
    return RADIUS * np.column_stack([np.cos(angles), np.sin(angles)])


def teacher_logits(inputs: np.ndarray, spread: float) -> np.ndarray:
    """The Bayes-optimal logits (μ_k·x − |μ_k|²/2)/σ² for every input row."""
    mu = centres()
    return (inputs @ mu.T - 0.5 * (mu ** 2).sum(axis=1)) / spread ** 2


def make_data(count_per_class: int, spread: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = np.repeat(np.arange(CLASSES), count_per_class)
    inputs = centres()[labels] + rng.normal(0.0, spread, size=(labels.size, 2))
    order = rng.permutation(labels.size)
    return inputs[order], labels[order]


@dataclass(frozen=True)
class Training:
    """One student's run: test accuracy and test cross-entropy at the recorded epochs."""

    accuracy: np.ndarray
    test_loss: np.ndarray


@dataclass(frozen=True)
class Objective:
    """What one student is trained on: α·factor·KL(p_teacher(T) ‖ q(T)) + (1 − α)·CE, where
    ``targets`` are the teacher's probabilities at T (None: hard labels only) and ``factor`` is
    T² (Hinton et al.) or 1."""

    alpha: float = 0.0
    temperature: float = 1.0
    factor: float = 1.0
    targets: np.ndarray | None = None

    @property
    def hard_weight(self) -> float:
        return 1.0 - self.alpha if self.targets is not None else 1.0

    @property
    def soft_weight(self) -> float:
        """The soft term's gradient is soft_weight · (q(T) − p_teacher(T))."""
        return self.alpha * self.factor / self.temperature if self.targets is not None else 0.0


def objective(soft: np.ndarray | None, alpha: float, temperature: float, t_squared: bool = True) -> Objective:
    """The objective of a student taught by the teacher logits ``soft`` (None: hard labels only)."""
    if soft is None:
        return Objective()
    return Objective(alpha, temperature, temperature ** 2 if t_squared else 1.0, softmax(soft, temperature))


EXP_SAFE = 600.0  # |logit| within which exp, and a sum of ten of them, are finite normal floats
MIN_UNSHIFTED = 4  # fewer provably safe steps than this: shift by the largest logit …
RECHECK = 32  # … for this many steps before measuring the weights again


def train_students(inputs: np.ndarray, labels: np.ndarray, objectives: Sequence[Objective], epochs: int,
                   test_inputs: np.ndarray, test_labels: np.ndarray, recorded: np.ndarray) -> list[Training]:
    """Several students on the same data and steps, trained side by side (see ``Students``), and
    scored on the test set at the recorded epochs."""
    students = Students(inputs, labels, objectives, test_inputs, test_labels, recorded, epochs)
    students.train_to(epochs)
    return students.trainings()


class Students:
    """Several students on the same data and steps, trained side by side in one set of numpy calls
    per step (two students cost little more than one), as far as asked and on from there later:
    ``train_to`` a few epochs at a time gives what one call for the last would. Each student's
    arithmetic is its own, as if trained alone.

    Every softmax a step needs is a *view*: a student's logits times a scale, 1 for the
    cross-entropy and 1/T for the soft term. The views' weights, scale × the student's weights,
    are what is stored and updated, so each step is one matrix product for all the logits and one
    softmax over all the views. Arrays are classes × examples: numpy reduces over the ten classes
    as ten rows of vectors, far faster than along a last axis of length ten. The test set is scored
    from the weights kept at the recorded epochs.
    """

    def __init__(self, inputs: np.ndarray, labels: np.ndarray, objectives: Sequence[Objective],
                 test_inputs: np.ndarray, test_labels: np.ndarray, recorded: np.ndarray, epochs: int):
        count, rows = len(objectives), len(inputs)
        views = _views(objectives)
        width = len(views)
        features = np.vstack([np.asarray(inputs, dtype=float).T, np.ones(rows)])  # 3 × examples
        # ∂L/∂z_s = Σ_views weight·softmax(scale·z_s) − (w_hard·y + w_soft·p_teacher(T)), and the step is
        # −lr/n · (∂L/∂z_s) @ featuresᵀ; a view's weights move by its scale times its student's step.
        backward = (LEARNING_RATE / rows) * features.T
        onehot = np.zeros((CLASSES, rows))
        onehot[labels, np.arange(rows)] = 1.0
        # mix @ stacked is the step of every view's weights: the first `width` rows of `stacked` are
        # each view's softmax @ backward (written by the step), the last are the constant part of the step.
        mix = np.zeros((width, 2 * width))
        stacked = np.zeros((2 * width, CLASSES * 3))
        for row, (student, scale, _) in enumerate(views):
            for column, (other, _, weight) in enumerate(views):
                if other == student:
                    mix[row, column] = scale * weight
            mix[row, width + row] = -1.0
            goal = objectives[student]
            constant = goal.hard_weight * onehot
            if goal.soft_weight:
                constant = constant + goal.soft_weight * np.asarray(goal.targets, dtype=float).T
            stacked[width + row] = scale * (constant @ backward).ravel()
        self.count = count
        self.features, self.backward, self.mix, self.stacked = features, backward, mix, stacked
        self.softmax_step = stacked[:width].reshape(width * CLASSES, 3)
        self.weights = np.zeros((width * CLASSES, 3))  # views 0 … count − 1 are the students' own weights
        self.flat_weights = self.weights.reshape(width, CLASSES * 3)
        self.logits = np.empty((width * CLASSES, rows))
        self.by_view = self.logits.reshape(width, CLASSES, rows)
        self.per_example = np.empty((width, 1, rows))  # a softmax's largest logit, then its normaliser
        self.step = np.empty_like(self.flat_weights)
        # The largest logit is subtracted before exp only to keep exp finite: softmax does not change
        # with a shift. A logit is at most Σ_j |W_kj|·max_i |x_ij| in size, and one step changes it by
        # at most `growth` (probabilities lie in [0, 1], so an entry of softmax @ backward is at most
        # the column sum of |backward|). After the weights are measured, the steps that provably keep
        # every logit within ±EXP_SAFE skip the subtraction, two of a step's nine calls; the unstable
        # corner (small T without T², where the soft step is large) keeps it.
        self.feature_size = np.abs(features).max(axis=1)
        move = (np.abs(mix[:, :width]).sum(axis=1)[:, None, None] * np.abs(backward).sum(axis=0)
                + np.abs(stacked[width:]).reshape(width, CLASSES, 3))
        self.growth = max(float((move @ self.feature_size).max()), 1e-12)
        self.next_check, self.shift = 0, True
        self.epochs = epochs  # the run's length: what a check of the weights plans for, however it is cut
        self.record = sorted({int(epoch) for epoch in recorded if 0 <= epoch <= epochs})
        self.history = np.empty((len(self.record), count * CLASSES, 3))
        self.kept = 0  # rows of ``history`` filled: the recorded epochs before ``epoch``
        self.epoch = 0  # the epoch the weights are at
        self.test_inputs, self.test_labels = test_inputs, test_labels

    def train_to(self, epochs: int) -> None:
        """Train on from the epoch reached to ``epochs`` (at most the run's length)."""
        epochs = min(epochs, self.epochs)
        record = set(self.record)
        history, weights, count = self.history, self.weights, self.count
        features, backward, mix, stacked = self.features, self.backward, self.mix, self.stacked
        logits, by_view, per_example = self.logits, self.by_view, self.per_example
        softmax_step, step, flat_weights = self.softmax_step, self.step, self.flat_weights
        next_check, shift, kept = self.next_check, self.shift, self.kept
        # Each step is a fixed sequence of ufunc calls writing into the arrays above: on arrays this
        # small the cost is per call, and the ndarray methods (max, sum, -=) add a wrapper to each.
        for epoch in range(self.epoch, epochs):
            if epoch in record:
                history[kept] = weights[:count * CLASSES]
                kept += 1
            if epoch == next_check:
                room = EXP_SAFE - float((np.abs(weights) @ self.feature_size).max())
                unshifted = min(int(room // self.growth) + 1, self.epochs) if room >= 0 else 0  # steps provably safe
                shift = unshifted < MIN_UNSHIFTED
                next_check = epoch + (RECHECK if shift else unshifted)
            np.matmul(weights, features, out=logits)
            if shift:
                np.maximum.reduce(by_view, axis=1, keepdims=True, out=per_example)
                np.subtract(by_view, per_example, out=by_view)
            np.exp(logits, out=logits)
            np.add.reduce(by_view, axis=1, keepdims=True, out=per_example)
            np.divide(by_view, per_example, out=by_view)
            np.matmul(logits, backward, out=softmax_step)
            np.matmul(mix, stacked, out=step)
            np.subtract(flat_weights, step, out=flat_weights)
        self.epoch = max(self.epoch, epochs)
        self.next_check, self.shift, self.kept = next_check, shift, kept

    def recorded_so_far(self) -> np.ndarray:
        """The recorded epochs up to the one reached."""
        return np.array([epoch for epoch in self.record if epoch <= self.epoch], dtype=int)

    def trainings(self) -> list[Training]:
        """Each student's test accuracy and loss at the recorded epochs up to the one reached."""
        rows = self.history[:self.kept]
        if self.epoch in self.record:  # the weights now, not yet kept (training on keeps them)
            rows = np.concatenate([rows, self.weights[None, :self.count * CLASSES]])
        accuracy, test_loss = _score(rows.reshape(len(rows), self.count, CLASSES, 3), self.test_inputs, self.test_labels)
        return [Training(accuracy[:, index].copy(), test_loss[:, index].copy()) for index in range(self.count)]


def _views(objectives: Sequence[Objective]) -> list[tuple[int, float, float]]:
    """(student, scale, weight) of every softmax the students' gradients need: each student at
    scale 1 first (in order, with its cross-entropy weight), then the soft terms at scale 1/T.
    A soft term at T = 1 joins the student's own view."""
    views = [[student, 1.0, goal.hard_weight] for student, goal in enumerate(objectives)]
    for student, goal in enumerate(objectives):
        if goal.soft_weight:
            scale = 1.0 / goal.temperature
            if scale == 1.0:
                views[student][2] += goal.soft_weight
            else:
                views.append([student, scale, goal.soft_weight])
    return [tuple(view) for view in views]


SCORE_CHUNK = 1 << 16  # test logits scored at once: a block that stays in a core's L2 cache


def _score(history: np.ndarray, test_inputs: np.ndarray, test_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Test accuracy and mean cross-entropy for weights ``history`` (epochs × students × classes × 3),
    each (epochs × students). A prediction is the argmax, ties to the lowest class, as at epoch 0
    where every class ties and class 0 is predicted."""
    epochs, count = history.shape[:2]
    size = len(test_labels)
    test_features = np.vstack([np.asarray(test_inputs, dtype=float).T, np.ones(size)])
    columns = np.arange(size)
    lower = np.arange(CLASSES)[:, None] < test_labels[None, :]  # the classes an argmax would prefer in a tie
    accuracy, loss = np.empty((epochs, count)), np.empty((epochs, count))
    step = max(1, SCORE_CHUNK // (count * CLASSES * size))
    for start in range(0, epochs, step):
        part = history[start:start + step]
        logits = (part.reshape(-1, 3) @ test_features).reshape(len(part), count, CLASSES, size)
        top = logits.max(axis=2, keepdims=True)
        truth = logits[:, :, test_labels, columns]
        tied_below = logits == top
        tied_below &= lower
        correct = truth == top[:, :, 0]
        correct &= ~tied_below.any(axis=2)
        accuracy[start:start + step] = correct.mean(axis=2)
        logits -= top
        np.exp(logits, out=logits)
        loss[start:start + step] = np.mean(np.log(logits.sum(axis=2)) + top[:, :, 0] - truth, axis=2)
    return accuracy, loss


@dataclass(frozen=True)
class Distillation:
    """The data, the teacher, and both students' runs."""

    inputs: np.ndarray
    labels: np.ndarray
    teacher: np.ndarray  # the teacher's logits on the training inputs
    teacher_accuracy: float
    epochs: np.ndarray  # the recorded epochs (those reached, in a run not yet whole)
    distilled: Training
    hard_only: Training
    complete: bool = True  # False: the students are part of the way (see ``simulate``)

    @property
    def by_confidence(self) -> np.ndarray:
        """Training examples ordered by the teacher's probability of the true class, highest first."""
        truth = softmax(self.teacher)[np.arange(len(self.labels)), self.labels]
        return np.argsort(-truth, kind="stable")

    def dark_knowledge(self, example: int, temperature: float) -> float:
        """The probability the teacher gives to the wrong classes for one training example at T."""
        probabilities = softmax(self.teacher[example], temperature)
        return float(1.0 - probabilities[self.labels[example]])


def recorded_epochs(epochs: int) -> np.ndarray:
    return np.unique(np.round(np.linspace(0, epochs, min(epochs + 1, CURVE_POINTS))).astype(int))


@dataclass(frozen=True)
class DataSets:
    """A seeded training set, a test set and the teacher's view of them."""

    inputs: np.ndarray
    labels: np.ndarray
    test_inputs: np.ndarray
    test_labels: np.ndarray
    teacher: np.ndarray
    teacher_accuracy: float


@lru_cache(maxsize=16)
def _data(per_class: int, spread: float, seed: int) -> DataSets:
    inputs, labels = make_data(per_class, spread, np.random.default_rng([seed, 11]))
    test_inputs, test_labels = make_data(TEST_SIZE // CLASSES, spread, np.random.default_rng([seed, 12]))
    teacher_accuracy = float(np.mean(teacher_logits(test_inputs, spread).argmax(axis=1) == test_labels))
    return DataSets(inputs, labels, test_inputs, test_labels, teacher_logits(inputs, spread), teacher_accuracy)


RunKey = tuple  # (temperature, alpha, t_squared, per_class, spread, epochs, seed)
RESULTS_KEPT = 32
HARD_RUNS_KEPT = 16
UNDER_WAY_KEPT = 4
_results: dict[RunKey, Distillation] = {}  # whole runs, least recently used first
_hard_runs: dict[tuple, Training] = {}  # the hard-label student by (per_class, spread, epochs, seed)
_under_way: dict[RunKey, tuple[Students, Training | None]] = {}  # runs trained part of the way


def _students(key: RunKey, data: DataSets) -> tuple[Students, Training | None]:
    """The students of a run, as far as they are trained (from epoch 0 if new), and the hard-label
    student's whole run if it is known already (it does not depend on T, α or the T² switch); if it
    is not, it is trained side by side with the distilled one."""
    found = _under_way.get(key)
    if found is None:
        temperature, alpha, t_squared, per_class, spread, epochs, seed = key
        goal = objective(data.teacher, alpha, temperature, t_squared)
        hard = _hard_runs.get((per_class, spread, epochs, seed))
        goals = [goal] if hard is not None else [goal, Objective()]
        found = (Students(data.inputs, data.labels, goals, data.test_inputs, data.test_labels,
                          recorded_epochs(epochs), epochs), hard)
    keep(_under_way, key, found, UNDER_WAY_KEPT)
    return found


def _run(key: RunKey, ready: int) -> Distillation:
    temperature, alpha, t_squared, per_class, spread, epochs, seed = key
    data = _data(per_class, spread, seed)
    students, hard = _students(key, data)
    students.train_to(ready)
    runs = students.trainings()
    recorded = students.recorded_so_far()
    complete = students.epoch >= epochs
    if hard is None:
        hard = runs[1]
        if complete:
            keep(_hard_runs, (per_class, spread, epochs, seed), hard, HARD_RUNS_KEPT)
    elif not complete:
        hard = Training(hard.accuracy[:len(recorded)], hard.test_loss[:len(recorded)])
    result = Distillation(data.inputs, data.labels, data.teacher, data.teacher_accuracy, recorded, runs[0], hard,
                          complete)
    if complete:
        _under_way.pop(key, None)
        keep(_results, key, result, RESULTS_KEPT)
    return result


def _key(params: Mapping[str, object]) -> RunKey:
    values = resolve(PARAMS, params)
    return (float(values["temperature"]), float(values["alpha"]), values["t_squared"] == "on",
            int(values["per_class"]), float(values["spread"]), int(values["epochs"]), int(values["seed"]))


def epochs_trained(params: Mapping[str, object]) -> int:
    """How far the students of ``params`` are trained already (their whole run if it is kept)."""
    key = _key(params)
    if key in _results:
        return key[5]
    found = _under_way.get(key)
    return found[0].epoch if found is not None else 0


def advance(params: Mapping[str, object], ready: int) -> None:
    """Train the students of ``params`` on to ``ready`` epochs without scoring them: a caller can
    stop between calls when its time is up, then ``simulate(params, ready)`` scores what is done."""
    key = _key(params)
    if key not in _results:
        students, _hard = _students(key, _data(key[3], key[4], key[6]))
        students.train_to(ready)


def simulate(params: Mapping[str, object], ready: int | None = None) -> Distillation:
    """Both students for ``params`` (defaults for anything missing or out of range).

    ``ready`` (default: the whole run) trains only that many epochs for now: the result holds the
    recorded epochs reached and is marked incomplete, and a later call trains on from there, to
    exactly what one call for the whole run gives. Whole runs are kept (and the hard-label
    student's, which T, α and the T² switch do not change)."""
    key = _key(params)
    epochs = key[5]
    found = _results.get(key)
    if found is not None:
        keep(_results, key, found, RESULTS_KEPT)
        return found
    return _run(key, epochs if ready is None else max(0, min(int(ready), epochs)))


def shown_example(params: Mapping[str, object], result: Distillation) -> int:
    """The 0-based training example the teacher panel shows: examples are offered from the one the
    teacher is surest of to the most ambiguous (a number past the last shows the last)."""
    rank = min(int(resolve(PARAMS, params)["example"]), len(result.labels)) - 1
    return int(result.by_confidence[rank])
