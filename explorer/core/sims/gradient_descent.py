"""Gradient descent with a learning rate, a schedule and momentum, on three small landscapes.

* ``quadratic``: f(x) = ½·λ·x². Each plain step multiplies x by (1 − ηλ), so the run converges
  for 0 < η < 2/λ, overshoots (oscillates) for η > 1/λ and diverges for η > 2/λ.
* ``ravine``: f(x, y) = ½·(λ/κ·x² + λ·y²), a bowl whose curvatures differ by the condition
  number κ: a rate that suits the steep direction crawls along the shallow one.
* ``nonconvex``: f(x) = x⁴/4 − x² + x/2, with a global minimum near −1.52 and a local one
  near 1.27: where the run ends depends on where it starts and on the step size.

Heavy-ball momentum: v ← μ·v − η·∇f(θ), θ ← θ + v; on a quadratic it converges iff
0 < ηλ < 2(1 + μ). A run that blows up stops and reports the step (``diverged``), so nothing
downstream ever sees NaN or infinity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from explorer.core.params import ParamSpec, resolve

FUNCTIONS = ("quadratic", "ravine", "nonconvex")
SCHEDULES = ("constant", "step", "cosine", "warmup-cosine")
REGIMES = ("slow", "converging", "oscillating", "diverging")
# Which parameters each function uses; the others do not apply (the demo greys them out).
UNUSED_PARAMS = {"quadratic": ("condition", "y0"), "ravine": (), "nonconvex": ("curvature", "condition", "y0")}
WARMUP_FRACTION = 0.1
BLOW_UP_FACTOR = 1e6

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("function", "quadratic", kind="choice", choices=FUNCTIONS,
              label={"zh": "损失函数", "en": "Loss function"},
              choice_labels={
                  "quadratic": {"zh": "一维二次函数", "en": "1-D quadratic"},
                  "ravine": {"zh": "二维狭长山谷", "en": "2-D ravine"},
                  "nonconvex": {"zh": "一维非凸函数", "en": "1-D non-convex"},
              }),
    ParamSpec("lr", 0.1, 0.001, 10.0, log=True, decimals=4, label={"zh": "学习率 η", "en": "Learning rate η"}),
    ParamSpec("steps", 50, 5, 500, kind="int", label={"zh": "步数", "en": "Steps"}),
    ParamSpec("curvature", 1.0, 0.1, 10.0, decimals=2, label={"zh": "曲率 λ", "en": "Curvature λ"}),
    ParamSpec("condition", 10.0, 1.0, 100.0, decimals=1, label={"zh": "条件数 κ", "en": "Condition number κ"}),
    ParamSpec("momentum", 0.0, 0.0, 0.99, decimals=2, label={"zh": "动量 μ", "en": "Momentum μ"}),
    ParamSpec("schedule", "constant", kind="choice", choices=SCHEDULES,
              label={"zh": "学习率调度", "en": "Schedule"},
              choice_labels={
                  "constant": {"zh": "恒定", "en": "Constant"},
                  "step": {"zh": "阶梯衰减", "en": "Step decay"},
                  "cosine": {"zh": "余弦退火", "en": "Cosine"},
                  "warmup-cosine": {"zh": "线性预热 + 余弦", "en": "Linear warmup + cosine"},
              }),
    ParamSpec("x0", 2.5, -3.0, 3.0, decimals=2, label={"zh": "起点 x0", "en": "Start x0"}),
    ParamSpec("y0", 1.5, -3.0, 3.0, decimals=2, label={"zh": "起点 y0", "en": "Start y0"}),
)


@dataclass(frozen=True)
class Landscape:
    """A loss function with its gradient, where its minimum lies and how to frame it.

    ``loss_xy`` and ``gradient_xy`` take the coordinates separately (y is ignored in 1-D) and
    work on plain floats, which keeps the step loop fast, and on numpy arrays, for plotting.
    """

    name: str
    dim: int
    loss_xy: Callable
    gradient_xy: Callable
    minimum: np.ndarray
    max_curvature: float | None
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def loss(self, points: np.ndarray) -> np.ndarray:
        """Loss at ``points`` of shape (..., dim)."""
        points = np.asarray(points, dtype=float)
        return self.loss_xy(points[..., 0], points[..., 1] if self.dim == 2 else 0.0)

    def gradient(self, point: np.ndarray) -> np.ndarray:
        gx, gy = self.gradient_xy(float(point[0]), float(point[1]) if self.dim == 2 else 0.0)
        return np.array([gx, gy][: self.dim])

    def loss_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Loss on the grid ``xs × ys`` (2-D landscapes), indexed ``[x, y]``."""
        grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")
        return self.loss_xy(grid_x, grid_y)


def make_landscape(function: str, curvature: float = 1.0, condition: float = 10.0) -> Landscape:
    if function == "quadratic":
        lam = float(curvature)
        return Landscape("quadratic", 1, lambda x, y: 0.5 * lam * x * x, lambda x, y: (lam * x, 0.0),
                         np.zeros(1), lam, (-3.2, 3.2), (0.0, 0.5 * lam * 3.2 ** 2))
    if function == "ravine":
        steep = float(curvature)
        shallow = steep / float(condition)
        return Landscape("ravine", 2, lambda x, y: 0.5 * (shallow * x * x + steep * y * y),
                         lambda x, y: (shallow * x, steep * y), np.zeros(2), steep, (-3.2, 3.2), (-3.2, 3.2))
    if function == "nonconvex":
        return Landscape("nonconvex", 1, lambda x, y: x ** 4 / 4 - x ** 2 + x / 2,
                         lambda x, y: (x ** 3 - 2 * x + 0.5, 0.0),
                         np.array([_nonconvex_global_minimum()]), None, (-3.2, 3.2), (-2.5, 13.5))
    raise ValueError(f"unknown function '{function}' (use one of {', '.join(FUNCTIONS)})")


def _nonconvex_global_minimum() -> float:
    roots = np.roots([1.0, 0.0, -2.0, 0.5])
    real = roots[np.abs(roots.imag) < 1e-12].real
    return float(real.min())


def learning_rates(schedule: str, base_lr: float, steps: int) -> np.ndarray:
    """The learning rate used at each of ``steps`` steps."""
    t = np.arange(steps, dtype=float)
    if schedule == "constant":
        return np.full(steps, base_lr)
    if schedule == "step":
        quarter = max(1, math.ceil(steps / 4))
        return base_lr * 0.5 ** (t // quarter)
    if schedule == "cosine":
        return 0.5 * base_lr * (1 + np.cos(np.pi * t / steps))
    if schedule == "warmup-cosine":
        warmup = max(1, round(WARMUP_FRACTION * steps))
        rates = np.empty(steps)
        rates[:warmup] = base_lr * (t[:warmup] + 1) / warmup
        rest = steps - warmup
        rates[warmup:] = 0.5 * base_lr * (1 + np.cos(np.pi * (t[warmup:] - warmup) / max(rest, 1)))
        return rates
    raise ValueError(f"unknown schedule '{schedule}' (use one of {', '.join(SCHEDULES)})")


@dataclass(frozen=True)
class Run:
    """One gradient-descent run. ``positions`` and ``losses`` hold only finite values."""

    landscape: Landscape
    positions: np.ndarray  # (n + 1, dim)
    losses: np.ndarray  # (n + 1,)
    rates: np.ndarray  # (steps,) the planned schedule
    diverged: bool
    diverged_step: int | None
    regime: str
    stable_limit: float | None  # the largest stable η on a quadratic: 2(1 + μ)/λ

    @property
    def steps_taken(self) -> int:
        return len(self.positions) - 1

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


def simulate(params: Mapping[str, object] | None = None) -> Run:
    """Run gradient descent with the given parameters (defaults fill the rest)."""
    p = resolve(PARAMS, params or {})
    landscape = make_landscape(p["function"], p["curvature"], p["condition"])
    rates = learning_rates(p["schedule"], p["lr"], p["steps"])
    start = np.array([p["x0"], p["y0"]][: landscape.dim], dtype=float)
    momentum = float(p["momentum"])
    limit = float(BLOW_UP_FACTOR * max(1.0, abs(float(landscape.loss(start)))))

    x, y = float(start[0]), float(start[1]) if landscape.dim == 2 else 0.0
    xs, ys, losses = [x], [y], [float(landscape.loss_xy(x, y))]
    vx = vy = 0.0
    diverged_step = None
    for step, rate in enumerate(rates.tolist(), start=1):
        try:
            gx, gy = landscape.gradient_xy(x, y)
            vx, vy = momentum * vx - rate * gx, momentum * vy - rate * gy
            loss = float(landscape.loss_xy(x + vx, y + vy))
        except OverflowError:
            loss = math.inf
        if not (math.isfinite(loss) and abs(loss) <= limit):
            diverged_step = step
            break
        x, y = x + vx, y + vy
        xs.append(x)
        ys.append(y)
        losses.append(loss)
    positions = np.column_stack([xs, ys])[:, : landscape.dim]
    losses = np.array(losses)
    stable = 2 * (1 + momentum) / landscape.max_curvature if landscape.max_curvature else None
    regime = classify(landscape, positions, losses, diverged_step is not None)
    return Run(landscape, positions, losses, rates, diverged_step is not None, diverged_step, regime, stable)


def classify(landscape: Landscape, positions: np.ndarray, losses: np.ndarray, diverged: bool) -> str:
    """Name the regime of a run: ``slow``, ``converging``, ``oscillating`` or ``diverging``."""
    if diverged or losses[-1] > losses[0] * (1 + 1e-9) + 1e-12:
        return "diverging"
    if len(positions) < 3:
        return "slow"
    start_gradient = float(np.linalg.norm(landscape.gradient(positions[0])))
    end_gradient = float(np.linalg.norm(landscape.gradient(positions[-1])))
    converged = end_gradient <= 1e-2 * max(start_gradient, 1e-12) or end_gradient < 1e-6
    moves = np.diff(positions, axis=0)
    reversals = np.sum(np.sum(moves[1:] * moves[:-1], axis=1) < 0)
    oscillating = reversals > 0.3 * (len(moves) - 1)
    if oscillating:
        return "oscillating"
    return "converging" if converged else "slow"
