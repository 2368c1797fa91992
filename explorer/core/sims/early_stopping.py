"""Training for many epochs, overfitting, and early stopping, on polynomial regression.

The data follow the curve-fitting example of Bishop, *Pattern Recognition and Machine Learning*
(2006), §1.1: y = sin(2πx) + Gaussian noise, x in [0, 1]. The training inputs are stratified
(one uniform draw in each of n equal cells), the validation set is 100 fresh points. The model
is a polynomial of the chosen degree, written in Legendre polynomials scaled to unit mean square
on [0, 1] so that the features are comparable, trained by full-batch gradient descent on the
mean squared error from θ = 0. With the full batch, one epoch is one update step.

The mean squared error is quadratic, L(θ) = θᵀHθ − 2gᵀθ + s with H = XᵀX/n, so gradient descent
θ ← θ − η∇L has a closed form in the eigenbasis H = QΛQᵀ: each coordinate c_i moves towards its
least-squares value c_i* as c_i(t) = c_i*·(1 − (1 − 2ηλ_i)^t). Directions with small λ_i, which
are the ones that fit the noise, arrive late: that is why validation loss falls, bottoms out and
rises again, and why stopping early acts like regularisation. Every epoch of a run costs one
small matrix product. A rate above 1/λ_max diverges; the run then ends where the loss passes
``BLOW_UP_FACTOR`` times its start, reported as data, never as NaN.

Early stopping follows the usual rule (as in Keras's ``EarlyStopping``): after each epoch, if
the validation loss has not improved on its best for ``patience`` epochs, stop; "restore best
weights" then returns the model of the best epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import numpy as np
from numpy.polynomial import legendre

from explorer.core.params import ParamSpec, resolve

VALIDATION_SIZE = 100
MIN_IMPROVEMENT = 1e-3  # a new best must be 0.1 % lower than the old one
BLOW_UP_FACTOR = 1e3
LAMBDA_FLOOR = 1e-12  # eigenvalues below this are directions the data cannot see
MAGNITUDE_CAP = 1e12  # a diverging run is cut before |1 − 2ηλ|^t could overflow
CURVE_POINTS = 240

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("degree", 9, 1, 15, kind="int",
              label={"zh": "多项式次数(模型容量)", "en": "Polynomial degree (capacity)"}),
    ParamSpec("train_size", 15, 5, 100, kind="int",
              label={"zh": "训练样本数 n", "en": "Training examples n"}),
    ParamSpec("noise", 0.3, 0.0, 1.0, decimals=2,
              label={"zh": "噪声标准差 σ", "en": "Noise standard deviation σ"}),
    ParamSpec("lr", 0.05, 0.001, 1.0, log=True, decimals=4,
              label={"zh": "学习率 η", "en": "Learning rate η"}),
    ParamSpec("epochs", 1000, 10, 5000, kind="int", label={"zh": "最多轮数", "en": "Maximum epochs"}),
    ParamSpec("early_stop", "on", kind="choice", choices=("on", "off"),
              label={"zh": "早停", "en": "Early stopping"},
              choice_labels={"on": {"zh": "开", "en": "On"}, "off": {"zh": "关:跑满所有轮", "en": "Off: run every epoch"}}),
    ParamSpec("patience", 50, 1, 500, kind="int", label={"zh": "耐心(轮)", "en": "Patience (epochs)"}),
    ParamSpec("restore", "on", kind="choice", choices=("on", "off"),
              label={"zh": "恢复最佳权重", "en": "Restore best weights"},
              choice_labels={"on": {"zh": "开:停下后用最佳一轮的模型", "en": "On: keep the best epoch's model"},
                             "off": {"zh": "关:保留最后一轮的模型", "en": "Off: keep the last epoch's model"}}),
    ParamSpec("xscale", "linear", kind="choice", choices=("linear", "log"),
              label={"zh": "轮次坐标", "en": "Epoch axis"},
              choice_labels={"linear": {"zh": "线性", "en": "Linear"}, "log": {"zh": "对数", "en": "Logarithmic"}}),
    ParamSpec("seed", 0, 0, 99, kind="int", label={"zh": "随机种子", "en": "Random seed"}),
)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def true_function(x: np.ndarray) -> np.ndarray:
    """The curve the data come from: sin(2πx)."""
    return np.sin(2 * np.pi * x)


def features(x: np.ndarray, degree: int) -> np.ndarray:
    """Legendre polynomials P_0 … P_degree of 2x − 1, each scaled to unit mean square on [0, 1]."""
    return legendre.legvander(2 * np.asarray(x, dtype=float) - 1, degree) * np.sqrt(2 * np.arange(degree + 1) + 1)


# -- data --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """Training and validation points, all drawn from one seed."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


@lru_cache(maxsize=16)
def make_dataset(seed: int, train_size: int, noise: float) -> Dataset:
    """Stratified training inputs, uniform validation inputs, y = sin(2πx) + N(0, σ²).

    Independent streams per seed: moving n or σ keeps the other set's points where they were.
    """
    train_rng = np.random.default_rng([int(seed), 0, int(train_size)])
    x_train = (np.arange(train_size) + train_rng.random(train_size)) / train_size
    y_train = true_function(x_train) + noise * train_rng.standard_normal(train_size)
    val_rng = np.random.default_rng([int(seed), 1])
    x_val = val_rng.random(VALIDATION_SIZE)
    y_val = true_function(x_val) + noise * val_rng.standard_normal(VALIDATION_SIZE)
    return Dataset(*(_frozen(a) for a in (x_train, y_train, x_val, y_val)))


# -- early stopping ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Stop:
    """Where early stopping ends a run: ``stopped`` is None if it never triggers."""

    best: int
    stopped: int | None


def running_best(val_losses: np.ndarray, min_improvement: float = 0.0) -> np.ndarray:
    """For each epoch, the best epoch so far (what a run knows at that point).

    Epoch e is a new best when its loss is below (1 − ``min_improvement``) × the best so far.
    """
    best = np.zeros(len(val_losses), dtype=int)
    best_epoch, best_loss = 0, float(val_losses[0])
    for epoch, loss in enumerate(np.asarray(val_losses, dtype=float).tolist()):
        if loss < best_loss * (1 - min_improvement):
            best_epoch, best_loss = epoch, loss
        best[epoch] = best_epoch
    return best


def early_stopping(val_losses: np.ndarray, patience: int, min_improvement: float = 0.0) -> Stop:
    """Apply patience to a validation-loss sequence indexed by epoch.

    The run stops at the first epoch that is ``patience`` epochs after the latest best.
    """
    return stop_with_patience(running_best(val_losses, min_improvement), patience)


def stop_with_patience(best_so_far: np.ndarray, patience: int) -> Stop:
    """The first epoch ``patience`` epochs after the best known then, from ``running_best``."""
    waited = np.flatnonzero(np.arange(len(best_so_far)) - best_so_far >= patience)
    if len(waited):
        stopped = int(waited[0])
        return Stop(int(best_so_far[stopped]), stopped)
    return Stop(int(best_so_far[-1]), None)


# -- training ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Training:
    """One full-batch gradient-descent run, every epoch from 0 to ``epochs`` (or divergence)."""

    degree: int
    lr: float
    weights: np.ndarray  # (E + 1, degree + 1): θ after each epoch, θ₀ = 0 first
    train_loss: np.ndarray  # (E + 1,) mean squared error on the training set
    val_loss: np.ndarray  # (E + 1,) mean squared error on the validation set
    diverged_epoch: int | None
    stability_limit: float  # η above 1/λ_max diverges

    @property
    def last_epoch(self) -> int:
        return len(self.train_loss) - 1


def _quadratic(x: np.ndarray, y: np.ndarray, degree: int) -> tuple[np.ndarray, np.ndarray, float]:
    """H, g, s of the mean squared error θᵀHθ − 2gᵀθ + s."""
    phi = features(x, degree)
    return phi.T @ phi / len(y), phi.T @ y / len(y), float(y @ y / len(y))


def _losses_along(coords: np.ndarray, eigvecs: np.ndarray, quadratic) -> np.ndarray:
    """The loss θᵀHθ − 2gᵀθ + s at θ = Q·c for each row c of ``coords``."""
    h, g, s = quadratic
    h_eig = eigvecs.T @ h @ eigvecs
    values = np.sum((coords @ h_eig - 2 * (eigvecs.T @ g)) * coords, axis=1) + s
    return np.maximum(values, 0.0)  # rounding can dip a hair below zero at a perfect fit


@lru_cache(maxsize=32)
def train(seed: int, train_size: int, noise: float, degree: int, lr: float, epochs: int) -> Training:
    """Gradient descent from θ = 0 in closed form; the epochs are evaluated all at once."""
    data = make_dataset(seed, train_size, noise)
    train_q = _quadratic(data.x_train, data.y_train, degree)
    val_q = _quadratic(data.x_val, data.y_val, degree)
    hessian, gradient_at_zero, _ = train_q
    eigvals, eigvecs = np.linalg.eigh(hessian)
    seen = eigvals > LAMBDA_FLOOR
    target = np.where(seen, (eigvecs.T @ gradient_at_zero) / np.where(seen, eigvals, 1.0), 0.0)
    ratios = np.where(seen, 1 - 2 * lr * eigvals, 1.0)
    last = _last_safe_epoch(ratios, target, epochs)
    powers = _powers(ratios, last)
    coords = target * (1 - powers)
    train_loss = _losses_along(coords, eigvecs, train_q)
    val_loss = _losses_along(coords, eigvecs, val_q)
    diverged_epoch = None
    blown = train_loss > BLOW_UP_FACTOR * max(train_loss[0], 1e-12)
    if blown.any() or last < epochs:
        diverged_epoch = int(np.argmax(blown)) if blown.any() else last
        end = diverged_epoch + 1
        coords, train_loss, val_loss = coords[:end], train_loss[:end], val_loss[:end]
    weights = coords @ eigvecs.T
    return Training(degree, lr, _frozen(weights), _frozen(train_loss), _frozen(val_loss), diverged_epoch,
                    1.0 / float(eigvals.max()))


def _last_safe_epoch(ratios: np.ndarray, target: np.ndarray, epochs: int) -> int:
    """The last epoch before a growing coordinate passes ``MAGNITUDE_CAP`` (or ``epochs``)."""
    growing = (np.abs(ratios) > 1) & (np.abs(target) > 0)
    if not growing.any():
        return epochs
    room = np.log(MAGNITUDE_CAP / np.abs(target[growing])) / np.log(np.abs(ratios[growing]))
    return int(min(epochs, max(1, math.floor(room.min()))))


POWER_BLOCK = 64


def _powers(ratios: np.ndarray, last: int) -> np.ndarray:
    """(1 − 2ηλ_i)^t for t = 0 … last, shape (last + 1, d).

    Written t = 64k + j: r^j for j < 64 and r^(64k) are running products, and each power one
    product of the two. Each is within about 64 + k roundings of the exact power (a relative
    1e-14 at 5 000 epochs), where ``ratios ** t`` called pow() 80 000 times, a third of a
    learning-rate change at the longest, widest settings.
    """
    blocks = last // POWER_BLOCK + 1
    within = np.empty((POWER_BLOCK, len(ratios)))
    within[0] = 1.0
    within[1:] = ratios
    np.cumprod(within, axis=0, out=within)
    across = np.empty((blocks, len(ratios)))
    across[0] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):  # only in the powers past ``last``, cut off
        across[1:] = ratios ** POWER_BLOCK
        np.cumprod(across, axis=0, out=across)
        return (across[:, None, :] * within[None, :, :]).reshape(-1, len(ratios))[: last + 1]


def predict(weights: np.ndarray, x: np.ndarray, degree: int) -> np.ndarray:
    """The polynomial with coefficients ``weights`` at the points ``x``."""
    return features(x, degree) @ weights


# -- the whole experiment ----------------------------------------------------------------------
@dataclass(frozen=True)
class Experiment:
    """A training run, its early stop, and the model the run ends with."""

    params: Mapping[str, object]
    data: Dataset
    training: Training
    stop: Stop  # computed whether or not early stopping is on, over the whole run
    best_so_far: np.ndarray  # (E + 1,) the best epoch known after each epoch
    early_stop: bool
    restore_best: bool

    @property
    def end_epoch(self) -> int:
        """The last epoch trained: the early stop, or the whole run."""
        if self.early_stop and self.stop.stopped is not None:
            return self.stop.stopped
        return self.training.last_epoch

    def best_until(self, epoch: int) -> int:
        """The best epoch among 0 … ``epoch``, by the early-stopping rule (what a run knows then)."""
        return int(self.best_so_far[min(epoch, self.training.last_epoch)])

    def final_epoch(self) -> int:
        """The epoch whose weights the run hands back."""
        if self.restore_best and self.end_epoch:
            return self.best_until(self.end_epoch)
        return self.end_epoch

    def curve(self, epoch: int, xs: np.ndarray) -> np.ndarray:
        """The fitted function after ``epoch`` at the points ``xs``."""
        return predict(self.training.weights[epoch], xs, self.training.degree)


def simulate(params: Mapping[str, object] | None = None) -> Experiment:
    """Train with the given parameters (cached per data and model) and apply early stopping."""
    p = resolve(PARAMS, params or {})
    seed, size, noise = int(p["seed"]), int(p["train_size"]), float(p["noise"])
    run = (seed, size, noise, int(p["degree"]), float(p["lr"]), int(p["epochs"]))
    best = _best_so_far(*run)
    return Experiment(p, make_dataset(seed, size, noise), train(*run), stop_with_patience(best, int(p["patience"])),
                      best, p["early_stop"] == "on", p["restore"] == "on")


@lru_cache(maxsize=32)
def _best_so_far(*run) -> np.ndarray:
    return _frozen(running_best(train(*run).val_loss, MIN_IMPROVEMENT))
