"""Quantizing a weight matrix to a few bits: the grid, the error, the memory, and outliers.

The formulas are the page's (and Jacob et al., CVPR 2018, arXiv:1712.05877; Nagel et al.,
arXiv:2106.08295). Affine (asymmetric) quantization to b bits uses the integers
q_min = −2^(b−1) … q_max = 2^(b−1) − 1 with

    s = (x_max − x_min) / (q_max − q_min),  z = q_min − round(x_min / s),
    q = clamp(round(x / s) + z, q_min, q_max),  x̂ = s · (q − z),

where the range [x_min, x_max] is widened to hold 0, so that 0 is represented exactly. Symmetric
quantization fixes z = 0 and uses the restricted range ±(2^(b−1) − 1) with s = max|x| / q_max
(127 for int8). A scale per tensor serves every weight; a scale per channel (one per output row
of the layer) lets each row use the grid its own weights need.

Outliers: a handful of weights far larger than the rest stretch the scale, so the ordinary
weights fall on a few grid points. LLM.int8() (Dettmers et al., NeurIPS 2022, arXiv:2208.07339)
keeps the outlier *features* in 16 bits and quantizes the rest; here the same idea is applied to
single weights: values above ``OUTLIER_SIGMAS`` robust standard deviations are kept in float16
and the rest are quantized on a grid of their own.

Memory is counted against float16 weights: b bits per weight, a float16 scale per group (and
an 8-bit zero point for affine), and 4 bytes (a float16 value and a 16-bit position) per weight
kept aside. The layer's effect is measured where it matters: y = W·x on seeded sample inputs,
before and after quantization.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import numpy as np

from explorer.core.params import ParamSpec, resolve

CHANNELS = 8  # output rows of the layer
INPUTS = 128  # input features, the length of each row
SAMPLES = 32  # sample inputs pushed through the layer
WEIGHT_STD = 0.5  # typical spread of a row's weights (rows differ around it)
OUTLIER_SIGMAS = 6.0  # weights beyond this many robust standard deviations are kept aside
BIT_RANGE = tuple(range(2, 9))
FLOAT16_BYTES = 2
ASIDE_BYTES = 4  # a kept weight: its float16 value and a 16-bit position

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("bits", 4, 2, 8, kind="int", label={"zh": "位数", "en": "Bits"}),
    ParamSpec("scheme", "symmetric", kind="choice", choices=("symmetric", "affine"),
              label={"zh": "量化方式", "en": "Scheme"},
              choice_labels={"symmetric": {"zh": "对称(z = 0)", "en": "Symmetric (z = 0)"},
                             "affine": {"zh": "仿射(带零点 z)", "en": "Affine (zero point z)"}}),
    ParamSpec("granularity", "tensor", kind="choice", choices=("tensor", "channel"),
              label={"zh": "缩放粒度", "en": "Scale per"},
              choice_labels={"tensor": {"zh": "整个张量", "en": "Tensor"},
                             "channel": {"zh": "每个通道", "en": "Channel"}}),
    ParamSpec("outliers", 1, 0, 8, kind="int", label={"zh": "离群值个数", "en": "Outliers"}),
    ParamSpec("outlier_size", 16.0, 4.0, 40.0, decimals=1,
              label={"zh": "离群值大小(× 标准差)", "en": "Outlier size (× std)"}),
    ParamSpec("handling", "none", kind="choice", choices=("none", "keep16"),
              label={"zh": "离群值处理", "en": "Outlier handling"},
              choice_labels={"none": {"zh": "一起量化", "en": "Quantize them too"},
                             "keep16": {"zh": "单独以 16 位保存(LLM.int8() 思路)",
                                        "en": "Keep in 16 bits (LLM.int8() idea)"}}),
    ParamSpec("channel", 1, 1, CHANNELS, kind="int", label={"zh": "显示的通道", "en": "Channel shown"}),
    ParamSpec("seed", 0, 0, 9999, kind="int", label={"zh": "随机种子", "en": "Seed"}),
)


@dataclass(frozen=True)
class Grid:
    """One group's quantization grid: x̂ = scale · (q − zero) for q in [q_min, q_max]."""

    scale: float
    zero: int
    q_min: int
    q_max: int

    def levels(self) -> np.ndarray:
        """Every value the group can represent, x̂ for each integer code."""
        return self.scale * (np.arange(self.q_min, self.q_max + 1) - self.zero)


def integer_range(bits: int, scheme: str) -> tuple[int, int]:
    """The integer codes: ±(2^(b−1) − 1) for symmetric, −2^(b−1) … 2^(b−1) − 1 for affine."""
    half = 2 ** (bits - 1)
    return (-(half - 1), half - 1) if scheme == "symmetric" else (-half, half - 1)


def make_grid(values: np.ndarray, bits: int, scheme: str) -> Grid:
    """The grid the formulas give for ``values`` (a group that may be empty)."""
    q_min, q_max = integer_range(bits, scheme)
    if values.size == 0:
        return Grid(1.0, 0, q_min, q_max)
    if scheme == "symmetric":
        largest = float(np.max(np.abs(values)))
        return Grid(largest / q_max if largest > 0 else 1.0, 0, q_min, q_max)
    low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    scale = (high - low) / (q_max - q_min) if high > low else 1.0
    zero = int(q_min - round(low / scale))
    return Grid(scale, min(max(zero, q_min), q_max), q_min, q_max)


def quantize(values: np.ndarray, grid: Grid) -> np.ndarray:
    """q = clamp(round(x / s) + z, q_min, q_max), as integers."""
    return np.clip(np.round(values / grid.scale) + grid.zero, grid.q_min, grid.q_max).astype(np.int64)


def dequantize(codes: np.ndarray, grid: Grid) -> np.ndarray:
    """x̂ = s · (q − z)."""
    return grid.scale * (codes - grid.zero)


def robust_std(values: np.ndarray) -> float:
    """1.4826 × the median absolute deviation: the spread of the bulk, which outliers hardly move."""
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


@dataclass(frozen=True)
class Quantized:
    """A weight matrix after one setting: the reconstruction, grids, what was kept aside, costs."""

    bits: int
    scheme: str
    granularity: str
    restored: np.ndarray  # x̂, the same shape as the weights
    grids: tuple[Grid, ...]  # one per channel (the same grid repeated for per-tensor)
    aside: np.ndarray  # boolean mask of weights kept in float16
    codes_used: tuple[int, ...]  # distinct codes each channel's quantized weights use
    bytes: float

    def error(self, weights: np.ndarray) -> np.ndarray:
        return self.restored - weights


def quantize_matrix(weights: np.ndarray, bits: int, scheme: str, granularity: str, keep_outliers: bool) -> Quantized:
    """Quantize ``weights`` (channels × inputs) with one setting."""
    aside = np.zeros(weights.shape, dtype=bool)
    if keep_outliers:
        aside = np.abs(weights - np.median(weights)) > OUTLIER_SIGMAS * robust_std(weights)
    groups = [np.arange(weights.shape[0])] if granularity == "tensor" else [[row] for row in range(weights.shape[0])]
    restored = np.empty_like(weights)
    grids: list[Grid] = [Grid(1.0, 0, 0, 0)] * weights.shape[0]
    for rows in groups:
        block, kept = weights[rows], ~aside[rows]
        grid = make_grid(block[kept], bits, scheme)
        restored[rows] = dequantize(quantize(block, grid), grid)
        for row in np.atleast_1d(rows):
            grids[int(row)] = grid
    restored[aside] = weights[aside].astype(np.float16).astype(float)
    used = tuple(int(np.unique(quantize(weights[row][~aside[row]], grids[row])).size) for row in range(weights.shape[0]))
    overhead = len(groups) * (FLOAT16_BYTES + (1 if scheme == "affine" else 0))
    size = weights.size * bits / 8 + overhead + int(aside.sum()) * ASIDE_BYTES
    return Quantized(bits, scheme, granularity, restored, tuple(grids), aside, used, size)


@dataclass(frozen=True)
class Experiment:
    """The weights, their quantization with the chosen setting, and its cost against every bit width."""

    weights: np.ndarray
    inputs: np.ndarray
    outlier_positions: tuple[tuple[int, int], ...]
    chosen: Quantized
    mse_by_bits: np.ndarray  # one per entry of BIT_RANGE, same scheme, granularity and handling
    outputs: np.ndarray  # y = x·Wᵀ, samples × channels
    quantized_outputs: np.ndarray

    @property
    def mse(self) -> float:
        return float(np.mean(self.chosen.error(self.weights) ** 2))

    @property
    def max_error(self) -> float:
        return float(np.max(np.abs(self.chosen.error(self.weights))))

    @property
    def memory_ratio(self) -> float:
        """Bytes of the quantized weights over bytes of float16 weights."""
        return self.chosen.bytes / (self.weights.size * FLOAT16_BYTES)

    @property
    def output_error(self) -> float:
        """‖y − ŷ‖ / ‖y‖ over the sample inputs."""
        return float(np.linalg.norm(self.quantized_outputs - self.outputs) / np.linalg.norm(self.outputs))

    def stretch(self, channel: int) -> float:
        """The channel's scale over the scale its group would have without the outliers: how far
        the outliers stretch the grid (1 when they are kept aside or there are none)."""
        ordinary = np.ones(self.weights.shape, dtype=bool)
        for row, column in self.outlier_positions:
            ordinary[row, column] = False
        rows = slice(None) if self.chosen.granularity == "tensor" else slice(channel, channel + 1)
        needed = make_grid(self.weights[rows][ordinary[rows]], self.chosen.bits, self.chosen.scheme).scale
        return self.chosen.grids[channel].scale / needed


def make_weights(outliers: int, outlier_size: float, seed: int) -> tuple[np.ndarray, tuple[tuple[int, int], ...]]:
    """Seeded rows of Gaussian weights, each with its own spread, and ``outliers`` large weights.

    The first outlier sits in channel 0 (the one shown first); the others are spread over random
    rows and columns. An outlier is ``outlier_size`` times WEIGHT_STD, with a random sign.
    """
    rng = np.random.default_rng([seed, 7])
    spreads = WEIGHT_STD * np.exp(rng.normal(0.0, 0.35, size=(CHANNELS, 1)))
    weights = rng.normal(0.0, 1.0, size=(CHANNELS, INPUTS)) * spreads
    placing = np.random.default_rng([seed, 8])
    cells = placing.permutation(CHANNELS * INPUTS)
    first = next(int(cell) for cell in cells if cell // INPUTS == 0)
    chosen = [first] + [int(cell) for cell in cells if cell != first][: max(0, outliers - 1)]
    positions = tuple((cell // INPUTS, cell % INPUTS) for cell in chosen[:outliers])
    signs = placing.choice((-1.0, 1.0), size=len(positions))
    for (row, column), sign in zip(positions, signs):
        weights[row, column] = sign * outlier_size * WEIGHT_STD
    return weights, positions


@lru_cache(maxsize=64)
def _experiment(bits: int, scheme: str, granularity: str, outliers: int, outlier_size: float, keep: bool,
                seed: int) -> Experiment:
    weights, positions = make_weights(outliers, outlier_size, seed)
    inputs = np.random.default_rng([seed, 9]).normal(0.0, 1.0, size=(SAMPLES, INPUTS))
    chosen = quantize_matrix(weights, bits, scheme, granularity, keep)
    mse = np.array([np.mean(quantize_matrix(weights, b, scheme, granularity, keep).error(weights) ** 2)
                    if b != bits else np.mean(chosen.error(weights) ** 2) for b in BIT_RANGE])
    for array in (weights, inputs, mse):
        array.setflags(write=False)
    return Experiment(weights, inputs, positions, chosen, mse, inputs @ weights.T, inputs @ chosen.restored.T)


def simulate(params: Mapping[str, object]) -> Experiment:
    """The experiment for ``params`` (defaults for anything missing or out of range)."""
    values = resolve(PARAMS, params)
    return _experiment(int(values["bits"]), str(values["scheme"]), str(values["granularity"]),
                       int(values["outliers"]), float(values["outlier_size"]), values["handling"] == "keep16",
                       int(values["seed"]))


def format_bytes(count: float) -> str:
    """A byte count for people: 1536 → '1.5 KB'."""
    return f"{count / 1024:.1f} KB" if count >= 1024 else f"{math.ceil(count)} B"
