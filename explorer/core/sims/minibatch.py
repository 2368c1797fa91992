"""Minibatch SGD on logistic regression, for several batch sizes at once, and its gradient noise.

The data set is seeded: two overlapping Gaussian blobs in 2-D (N = 2000 points) with a bias
feature, so the logistic loss L(θ) has a finite minimum θ*, found by Newton's method. Each run
starts at θ = 0, shuffles the data once per epoch (the same shuffles for every batch size), cuts
an epoch into ⌈N/B⌉ steps (the last batch may be smaller) and records the loss gap L(θ) − L(θ*)
at checkpoints. The learning rate can follow the linear scaling rule η·B/32 (Goyal et al. 2017,
arXiv:1706.02677) with a linear warmup over a fixed number of epochs, as in the paper (5 epochs
there), whatever the run's length. A run's first epochs therefore never depend on how many
follow: a longer run continues from the last θ kept of a shorter one, and a shorter one reads
the checkpoints kept of a longer one. A modelled wall-clock time per step,
t = overhead + 1 ms·max(B, P)/P for P parallel lanes, turns steps into time.

Gradient noise: at the start θ = 0, the spread of minibatch gradients g_B around the full
gradient G, sampled without replacement, falls as σ/√B·√((N − B)/(N − 1)), zero for the full batch.

Logistic gradients are bounded, so θ stays finite; a run whose loss climbs past five times its
start is reported as diverged (``diverged_step``) and its curve ends there, never as NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import numpy as np

from explorer.core.params import ParamSpec, resolve
from explorer.core.sims.kept import keep

N_EXAMPLES = 2000
BATCH_SIZES = (1, 8, 32, 128, N_EXAMPLES)
REFERENCE_BATCH = 32
BATCH_SETS = {
    "all": BATCH_SIZES,
    "small": (1, 8, 32),
    "large": (32, 128, N_EXAMPLES),
    "ends": (1, N_EXAMPLES),
}
NOISE_BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, N_EXAMPLES)
X_AXES = ("steps", "epochs", "time")
PASS_MS = 1.0  # modelled time for one parallel pass over P examples
BLOW_UP_FACTOR = 5.0  # a loss above this many times the start loss (ln 2) counts as diverged
GAP_FLOOR = 1e-7  # below the float32 accuracy of the loss evaluation
LOG_CHECKPOINTS = 32
CHECKPOINTS_PER_EPOCH = 6
PYTHON_LOOP_MAX_BATCH = 16  # smaller batches run faster as plain float arithmetic
NOISE_PERMUTATIONS = 80
NOISE_MAX_SAMPLES = 4000
NOISE_SAMPLES_KEPT = 200
NEWTON_STEPS = 40

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("lr", 0.5, 0.001, 10.0, log=True, decimals=4,
              label={"zh": "学习率 η", "en": "Learning rate η"}),
    ParamSpec("scaling", "off", kind="choice", choices=("off", "linear"),
              label={"zh": "线性缩放规则", "en": "Linear scaling rule"},
              choice_labels={
                  "off": {"zh": "关:所有批次都用 η", "en": "Off: every batch uses η"},
                  "linear": {"zh": "开:η × B / 32", "en": "On: η × B / 32"},
              }),
    ParamSpec("warmup", 0, 0, 5, kind="int", label={"zh": "预热轮数", "en": "Warmup epochs"}),
    ParamSpec("epochs", 3, 1, 10, kind="int", label={"zh": "轮数", "en": "Epochs"}),
    ParamSpec("batches", "all", kind="choice", choices=tuple(BATCH_SETS),
              label={"zh": "显示的批次", "en": "Batches shown"},
              choice_labels={
                  "all": {"zh": "全部:1, 8, 32, 128, 2000", "en": "All: 1, 8, 32, 128, 2000"},
                  "small": {"zh": "小批次:1, 8, 32", "en": "Small: 1, 8, 32"},
                  "large": {"zh": "大批次:32, 128, 2000", "en": "Large: 32, 128, 2000"},
                  "ends": {"zh": "两端:1 与全批次", "en": "Extremes: 1 and full batch"},
              }),
    ParamSpec("xaxis", "steps", kind="choice", choices=X_AXES,
              label={"zh": "横轴", "en": "x-axis"},
              choice_labels={
                  "steps": {"zh": "更新步数", "en": "Update steps"},
                  "epochs": {"zh": "见过的样本(轮)", "en": "Examples seen (epochs)"},
                  "time": {"zh": "模拟的墙钟时间", "en": "Modelled wall-clock time"},
              }),
    ParamSpec("lanes", 64, 1, 512, kind="int", label={"zh": "并行通道 P", "en": "Parallel lanes P"}),
    ParamSpec("overhead", 2.0, 0.0, 20.0, decimals=1, unit="ms",
              label={"zh": "每步开销 (ms)", "en": "Overhead per step (ms)"}),
    ParamSpec("noise_batch", "32", kind="choice", choices=tuple(str(b) for b in NOISE_BATCHES),
              label={"zh": "噪声图的批次 B", "en": "Batch B for the noise plots"},
              choice_labels={str(N_EXAMPLES): {"zh": "2000(全批次)", "en": "2000 (full batch)"}}),
    ParamSpec("seed", 0, 0, 99, kind="int", label={"zh": "随机种子", "en": "Random seed"}),
)


# -- data --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """Features with a bias column, 0/1 labels, and the optimum of the mean logistic loss."""

    features: np.ndarray  # (N, 3): x1, x2, 1
    labels: np.ndarray  # (N,) 0.0 or 1.0
    optimum: np.ndarray  # θ* (3,)
    best_loss: float  # L(θ*), evaluated like every other loss here
    start_loss: float  # L(0) = ln 2

    @property
    def size(self) -> int:
        return len(self.labels)


def _seeded(seed: int, stream: int) -> np.random.Generator:
    """Independent streams per seed: 0 data, 1 shuffles, 2 noise samples."""
    return np.random.default_rng([int(seed), stream])


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@lru_cache(maxsize=8)
def make_dataset(seed: int = 0, size: int = N_EXAMPLES) -> Dataset:
    """Two overlapping blobs: class 1 around (1.2, 0.8), class 0 around (−0.6, −0.4)."""
    rng = _seeded(seed, 0)
    labels = (rng.random(size) < 0.5).astype(float)
    centres = np.where(labels[:, None] > 0, [1.2, 0.8], [-0.6, -0.4])
    points = centres + rng.normal(size=(size, 2)) * [1.1, 0.8]
    features = np.column_stack([points, np.ones(size)])
    optimum = _newton_optimum(features, labels)
    best = float(losses(features, labels, optimum[None, :])[0])
    start = float(losses(features, labels, np.zeros((1, 3)))[0])
    return Dataset(_frozen(features), _frozen(labels), _frozen(optimum), best, start)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) written with tanh, which never overflows."""
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def gradient(features: np.ndarray, labels: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """∇L(θ) = Xᵀ(σ(Xθ) − y)/n, the mean over the given rows."""
    return features.T @ (_sigmoid(features @ theta) - labels) / len(labels)


def _newton_optimum(features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    theta = np.zeros(features.shape[1])
    for _ in range(NEWTON_STEPS):
        p = _sigmoid(features @ theta)
        hessian = features.T @ (features * (p * (1 - p))[:, None]) / len(labels)
        step = np.linalg.solve(hessian, features.T @ (p - labels) / len(labels))
        theta = theta - step
        if np.max(np.abs(step)) < 1e-13:
            break
    return theta


def losses(features: np.ndarray, labels: np.ndarray, thetas: np.ndarray) -> np.ndarray:
    """Mean logistic loss at each row of ``thetas`` (K, 3).

    softplus(u) = max(u, 0) + log(1 + e^−|u|) runs in float32 (four times faster here) and is
    summed in float64: the error is about 1e-8, far below ``GAP_FLOOR``.
    """
    margins = (features * (1 - 2 * labels)[:, None]) @ thetas.T  # u = −s·(xᵀθ), s = ±1
    margins = margins.astype(np.float32)
    values = np.abs(margins)
    np.negative(values, out=values)
    np.exp(values, out=values)
    values += 1
    np.log(values, out=values)
    values += np.maximum(margins, 0)
    return values.mean(axis=0, dtype=np.float64)


# -- SGD ---------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def epoch_orders(seed: int, epochs: int, size: int = N_EXAMPLES) -> np.ndarray:
    """One permutation per epoch; the first k epochs do not depend on how many follow."""
    rng = _seeded(seed, 1)
    return _frozen(np.stack([rng.permutation(size) for _ in range(epochs)]))


def steps_per_epoch(batch: int, size: int = N_EXAMPLES) -> int:
    return -(-size // batch)


def learning_rates(base_lr: float, batch: int, epochs: int, scaling: str = "off",
                   warmup_epochs: int = 0, size: int = N_EXAMPLES) -> np.ndarray:
    """The rate at each step: η, or η·B/32 under linear scaling, ramped up linearly over the
    first ``warmup_epochs`` epochs (a run shorter than its warmup ends below the full rate)."""
    target = base_lr * batch / REFERENCE_BATCH if scaling == "linear" else base_lr
    per_epoch = steps_per_epoch(batch, size)
    total = per_epoch * epochs
    warmup_steps = warmup_epochs * per_epoch
    ramp = np.minimum(1.0, (np.arange(total) + 1.0) / max(warmup_steps, 1))
    return target * ramp


def sgd_path(features: np.ndarray, labels: np.ndarray, batch: int, rates: np.ndarray,
             orders: np.ndarray, record: np.ndarray | None = None,
             start: np.ndarray | None = None) -> np.ndarray:
    """θ after the steps in ``record`` (default: every step, the starting θ first), shape (len(record), 3).

    Epoch e visits the rows in ``orders[e]``, in ⌈N/B⌉ batches (the last one may be short);
    step k uses ``rates[k]``. A batch of B ≥ N is plain gradient descent. The run starts at
    ``start`` (default θ = 0), so a path can be continued where an earlier call stopped.
    ``record`` holds step counts in increasing order, 0 meaning the start.
    """
    batch = min(batch, len(labels))
    wanted = np.arange(len(rates) + 1) if record is None else np.asarray(record)
    theta = np.zeros(features.shape[1]) if start is None else np.asarray(start, dtype=float)
    if batch <= PYTHON_LOOP_MAX_BATCH:
        return _sgd_python(features, labels, batch, rates, orders, wanted, theta)
    return _sgd_numpy(features, labels, batch, rates, orders, wanted, theta)


_SHUFFLED_KEPT = 48
_shuffled_rows: dict[tuple[int, int, bytes], tuple[np.ndarray, np.ndarray, list]] = {}


def _shuffled_epoch(features: np.ndarray, labels: np.ndarray, order: np.ndarray) -> list:
    """(x1/2, x2/2, 1/2 − y) for the rows of one epoch in shuffled order, as a Python list of tuples.

    In these terms σ(z) − y = ½·tanh(w1·x1/2 + w2·x2/2 + bias/2) + (½ − y), one multiplication
    fewer per row. The rows do not depend on the learning rate or on the run's length, so
    moving those sliders reuses them. The key holds the order's bytes; the arrays are kept
    beside the list so that a recycled ``id`` can never match. Tuples of floats, unlike lists,
    drop out of the garbage collector's sight once it has seen them: the thousands kept here
    would otherwise lengthen every full collection.
    """
    key = (id(features), id(labels), order.tobytes())
    found = _shuffled_rows.get(key)
    if found is not None and found[0] is features and found[1] is labels:
        return found[2]
    half = 0.5 * features[order, :2]
    rows = list(zip(half[:, 0].tolist(), half[:, 1].tolist(), (0.5 - labels[order]).tolist()))
    if len(_shuffled_rows) >= _SHUFFLED_KEPT:
        _shuffled_rows.pop(next(iter(_shuffled_rows)))
    _shuffled_rows[key] = (features, labels, rows)
    return rows


def _sgd_python(features, labels, batch, rates, orders, wanted, theta) -> np.ndarray:
    """Small batches: a loop over floats beats numpy's per-call cost by far.

    The loop runs from one wanted step to the next and keeps θ only there: keeping every
    step's θ was a third of its time. It carries half the bias, c, and doubles the residual,
    r = 2(σ(z) − y) = tanh(w1·h1 + w2·h2 + c) + 2o with h = x/2 and o = ½ − y (see
    ``_shuffled_epoch``), so that a step is w ← w − s·Σ r·h, c ← c − s·Σ r/4 with s = η/|batch|.
    """
    rows = []
    for order in orders:
        rows += _shuffled_epoch(features, labels, order)
    size = len(labels)
    if batch > 1:  # where each step's batch starts and stops in ``rows``
        starts = [epoch * size + first for epoch in range(len(orders)) for first in range(0, size, batch)]
        stops = [min(first + batch, (first // size + 1) * size) for first in starts]
    rate_list = rates.tolist()
    w1, w2, c = float(theta[0]), float(theta[1]), float(theta[2]) / 2
    tanh = math.tanh
    kept = []
    done = 0
    for target in wanted.tolist():
        if batch == 1:
            for (h1, h2, o), rate in zip(rows[done:target], rate_list[done:target]):
                s = rate * (tanh(w1 * h1 + w2 * h2 + c) + o + o)
                w1 -= s * h1
                w2 -= s * h2
                c -= 0.25 * s
        else:
            for step in range(done, target):
                first, stop = starts[step], stops[step]
                g1 = g2 = gc = 0.0
                for h1, h2, o in rows[first:stop]:
                    r = tanh(w1 * h1 + w2 * h2 + c) + o + o
                    g1 += r * h1
                    g2 += r * h2
                    gc += r
                s = rate_list[step] / (stop - first)
                w1 -= s * g1
                w2 -= s * g2
                c -= 0.25 * s * gc
        done = target
        kept.append((w1, w2, c + c))
    return np.array(kept).reshape(-1, 3)


def _sgd_numpy(features, labels, batch, rates, orders, wanted, theta) -> np.ndarray:
    """Larger batches: one small matrix product per step."""
    size = len(labels)
    flat = orders.reshape(-1)
    half_x = 0.5 * features[flat]  # σ(z) − y = 0.5·tanh(z/2) + (0.5 − y)
    offsets = 0.5 - labels[flat]
    starts = np.arange(0, size, batch)
    bounds = [(e * size + s, e * size + min(s + batch, size)) for e in range(len(orders)) for s in starts]
    keep = set(wanted.tolist())
    kept = {0: theta}
    for step, ((first, stop), rate) in enumerate(zip(bounds, rates.tolist()), start=1):
        rows = half_x[first:stop]
        residual = 0.5 * np.tanh(rows @ theta) + offsets[first:stop]
        theta = theta - (2 * rate / (stop - first)) * (residual @ rows)
        if step in keep:
            kept[step] = theta
    return np.array([kept[k] for k in wanted.tolist()])


EPOCHS_MAX = int(next(spec.max for spec in PARAMS if spec.name == "epochs"))


@lru_cache(maxsize=16)
def recorded_steps(per_epoch: int, epochs: int) -> np.ndarray:
    """Every step that a run of 1, 2, …, ``epochs`` epochs has a checkpoint at."""
    return _frozen(np.unique(np.concatenate([checkpoint_steps(e * per_epoch, per_epoch)
                                             for e in range(1, epochs + 1)])))


@dataclass(frozen=True)
class _KeptPath:
    """θ at ``steps`` (every checkpoint of any run up to ``horizon`` epochs) for the first
    ``epochs`` epochs of one setting."""

    steps: np.ndarray
    thetas: np.ndarray
    epochs: int
    horizon: int


_PATHS_KEPT = 24
_paths: dict[tuple, _KeptPath] = {}


def thetas_at(seed: int, batch: int, epochs: int, base_lr: float, scaling: str, warmup: int,
              steps: np.ndarray) -> np.ndarray:
    """θ after each of ``steps`` (checkpoints of a run of ``epochs`` epochs, θ₀ = 0 at step 0).

    A run keeps θ at the checkpoints of every shorter or longer run up to ``EPOCHS_MAX``
    epochs, so the epochs slider only ever computes new epochs: fewer epochs read what is
    kept, more epochs continue from the last θ kept.
    """
    key = (int(seed), int(batch), float(base_lr), str(scaling), int(warmup))
    data = make_dataset(seed)
    per_epoch = steps_per_epoch(batch, data.size)
    horizon = max(EPOCHS_MAX, epochs)
    kept = _paths.get(key)
    if kept is None or kept.horizon < horizon:
        kept = _KeptPath(np.zeros(0, dtype=int), np.zeros((0, 3)), 0, horizon)
    if kept.epochs < epochs:
        record = recorded_steps(per_epoch, kept.horizon)
        done, total = kept.epochs * per_epoch, epochs * per_epoch
        new = record[(record > done) & (record <= total)] if kept.epochs else record[record <= total]
        rates = learning_rates(base_lr, batch, epochs, scaling, warmup, data.size)
        orders = epoch_orders(seed, kept.horizon, data.size)  # one set for every length, kept
        more = sgd_path(data.features, data.labels, batch, rates[done:], orders[kept.epochs:epochs],
                        record=new - done, start=kept.thetas[-1] if kept.epochs else None)
        kept = _KeptPath(_frozen(np.concatenate([kept.steps, new])), _frozen(np.concatenate([kept.thetas, more])),
                         epochs, kept.horizon)
    keep(_paths, key, kept, _PATHS_KEPT)
    where = np.searchsorted(kept.steps, steps)
    if where.size and (where[-1] >= len(kept.steps) or not np.array_equal(kept.steps[where], steps)):
        raise ValueError("thetas_at answers for checkpoint steps only")
    return kept.thetas[where]


# -- runs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """One batch size's run, sampled at checkpoints. ``gaps`` are finite and ≥ GAP_FLOOR."""

    batch: int
    steps_per_epoch: int
    rates: np.ndarray  # (total steps,)
    steps: np.ndarray  # (K,) checkpoint steps, 0 first
    epochs: np.ndarray  # (K,) examples seen / N at each checkpoint
    gaps: np.ndarray  # (K,) L(θ) − L(θ*)
    diverged: bool
    diverged_step: int | None
    complete: bool = True  # False: only the first epochs are ready (see ``simulate``)

    @property
    def total_steps(self) -> int:
        return len(self.rates)

    @property
    def final_gap(self) -> float:
        return float(self.gaps[-1])


def checkpoint_steps(total_steps: int, per_epoch: int) -> np.ndarray:
    """Log-spaced steps (for a log step axis) and a few per epoch (for the epoch axis)."""
    logs = np.round(np.geomspace(1, total_steps, LOG_CHECKPOINTS))
    epochs = total_steps // per_epoch
    even = np.round(np.linspace(0, total_steps, CHECKPOINTS_PER_EPOCH * epochs + 1))
    return np.unique(np.concatenate([[0], logs, even])).astype(int)


def examples_seen(steps: np.ndarray, batch: int, size: int = N_EXAMPLES) -> np.ndarray:
    """Examples processed after each step count (the last batch of an epoch may be short)."""
    per_epoch = steps_per_epoch(batch, size)
    full, rest = np.divmod(steps, per_epoch)
    return full * size + np.minimum(rest * batch, size)


@lru_cache(maxsize=32)
def run_batch(seed: int, batch: int, epochs: int, base_lr: float, scaling: str, warmup: int,
              ready: int | None = None) -> Run:
    """Run SGD with one batch size and sample the loss gap at checkpoints.

    With ``ready`` below ``epochs``, only the first ``ready`` epochs are run: the checkpoints
    are the whole run's up to there, so the curve is exactly the start of the whole one.
    """
    data = make_dataset(seed)
    rates = learning_rates(base_lr, batch, epochs, scaling, warmup, data.size)
    per_epoch = steps_per_epoch(batch, data.size)
    steps = checkpoint_steps(len(rates), per_epoch)
    ready = epochs if ready is None else max(1, min(int(ready), epochs))
    if ready < epochs:
        steps = steps[steps <= ready * per_epoch]
    thetas = thetas_at(seed, batch, ready, base_lr, scaling, warmup, steps)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = losses(data.features, data.labels, thetas)
    blown = ~np.isfinite(loss) | (loss > BLOW_UP_FACTOR * data.start_loss)
    diverged_step = None
    if blown.any():
        end = int(np.argmax(blown))
        diverged_step = int(steps[end])
        steps, loss = steps[: end + 1], np.where(np.isfinite(loss[: end + 1]), loss[: end + 1], np.finfo(float).max)
    gaps = np.clip(loss - data.best_loss, GAP_FLOOR, np.finfo(np.float32).max)
    epochs_seen = examples_seen(steps, batch, data.size) / data.size
    return Run(batch, per_epoch, _frozen(rates), _frozen(steps), _frozen(epochs_seen), _frozen(gaps),
               diverged_step is not None, diverged_step, complete=ready == epochs or diverged_step is not None)


def step_time(batch: int, lanes: int, overhead_ms: float) -> float:
    """Modelled milliseconds per step: a fixed overhead plus one pass per P examples."""
    return overhead_ms + PASS_MS * max(batch, lanes) / lanes


def gap_reached(run: Run, target: float) -> int | None:
    """Index of the first checkpoint with a gap ≤ ``target`` (None if never)."""
    hits = np.flatnonzero(run.gaps <= target)
    return int(hits[0]) if len(hits) else None


# -- gradient noise ----------------------------------------------------------------------------
@dataclass(frozen=True)
class GradientNoise:
    """Spread of minibatch gradients at θ = 0 for each of ``NOISE_BATCHES``.

    ``measured[i]`` is the root-mean-square distance ‖g_B − G‖ over sampled batches;
    ``expected[i]`` = σ/√B·√((N − B)/(N − 1)) with σ² the per-example total variance.
    ``samples[B]`` keeps a few sampled g_B (rows of 3) for a scatter plot.
    """

    batches: np.ndarray
    measured: np.ndarray
    expected: np.ndarray
    single_std: float
    full_gradient: np.ndarray
    samples: Mapping[int, np.ndarray]
    sample_counts: np.ndarray


def expected_noise(single_std: float, batch: np.ndarray | float, size: int = N_EXAMPLES) -> np.ndarray:
    """σ/√B·√((N − B)/(N − 1)): sampling without replacement, zero for the full batch."""
    batch = np.asarray(batch, dtype=float)
    return single_std * np.sqrt(np.clip(size - batch, 0, None) / (size - 1) / batch)


@lru_cache(maxsize=8)
def measure_noise(seed: int = 0, permutations: int = NOISE_PERMUTATIONS) -> GradientNoise:
    """Sample minibatches without replacement by cutting random permutations into batches."""
    data = make_dataset(seed)
    size = data.size
    per_example = data.features * (_sigmoid(np.zeros(size)) - data.labels)[:, None]
    full = per_example.mean(axis=0)
    single_std = float(np.sqrt(np.mean(np.sum((per_example - full) ** 2, axis=1))))
    rng = _seeded(seed, 2)
    orders = rng.permuted(np.tile(np.arange(size), (permutations, 1)), axis=1)
    sums = np.zeros((permutations, size + 1, 3))
    np.cumsum(per_example[orders], axis=1, out=sums[:, 1:])
    measured, counts, samples = [], [], {}
    for batch in NOISE_BATCHES:
        per_permutation = size // batch
        used = min(permutations, -(-NOISE_MAX_SAMPLES // per_permutation))
        edges = np.arange(0, per_permutation * batch + 1, batch)
        means = (np.diff(sums[:used, edges], axis=1) / batch).reshape(-1, 3)
        spread = float(np.sqrt(np.mean(np.sum((means - full) ** 2, axis=1)))) if batch < size else 0.0
        measured.append(spread)
        counts.append(len(means))
        samples[batch] = _frozen(means[:NOISE_SAMPLES_KEPT].copy())
    batches = np.array(NOISE_BATCHES)
    return GradientNoise(_frozen(batches), _frozen(np.array(measured)),
                         _frozen(expected_noise(single_std, batches, size)), single_std, _frozen(full),
                         samples, _frozen(np.array(counts)))


# -- the whole experiment ----------------------------------------------------------------------
@dataclass(frozen=True)
class Experiment:
    """Everything the demo draws for one set of parameters."""

    params: Mapping[str, object]
    data: Dataset
    runs: tuple[Run, ...]
    noise: GradientNoise

    def run_for(self, batch: int) -> Run | None:
        return next((run for run in self.runs if run.batch == batch), None)

    @property
    def complete(self) -> bool:
        """Every run holds all its epochs (or has diverged)."""
        return all(run.complete for run in self.runs)


def shown_batches(params: Mapping[str, object]) -> tuple[int, ...]:
    return BATCH_SETS[str(params["batches"])]


def _run_settings(p: Mapping[str, object]) -> tuple:
    return int(p["seed"]), int(p["epochs"]), float(p["lr"]), str(p["scaling"]), int(p["warmup"])


def kept_epochs(params: Mapping[str, object]) -> int:
    """How many epochs of every shown batch size's run are computed and kept already."""
    p = resolve(PARAMS, params)
    seed, _epochs, lr, scaling, warmup = _run_settings(p)
    kept = [_paths.get((seed, batch, lr, scaling, warmup)) for batch in shown_batches(p)]
    return min(path.epochs if path is not None else 0 for path in kept)


def advance(params: Mapping[str, object], ready: int) -> None:
    """Run the first ``ready`` epochs of every shown batch size (continuing what is kept), so
    that ``simulate(params, ready)`` only reads them. Calling it for 1, 2, 3, … epochs costs no
    more than one call for the last: a caller can stop between epochs when its time is up."""
    p = resolve(PARAMS, params)
    seed, epochs, lr, scaling, warmup = _run_settings(p)
    ready = max(1, min(int(ready), epochs))
    for batch in shown_batches(p):
        thetas_at(seed, batch, ready, lr, scaling, warmup, np.zeros(0, dtype=int))


def simulate(params: Mapping[str, object] | None = None, ready: int | None = None) -> Experiment:
    """Run every shown batch size (cached per batch size) and measure the gradient noise.

    ``ready`` (default: all of them) runs only the first epochs: each run is then the start of
    the whole one, marked incomplete unless it diverged there, and the demo draws it while the
    rest is computed (see ``advance``)."""
    p = resolve(PARAMS, params or {})
    seed, epochs, lr, scaling, warmup = _run_settings(p)
    ready = None if ready is None or ready >= epochs else ready
    runs = tuple(run_batch(seed, batch, epochs, lr, scaling, warmup, ready) for batch in shown_batches(p))
    return Experiment(p, make_dataset(seed), runs, measure_noise(seed))
