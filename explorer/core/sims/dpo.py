"""Direct Preference Optimization on one prompt: a toy softmax policy trained on one preference pair.

The policy over a handful of answers y to one prompt x is π_θ(y) = softmax(θ)_y, and the frozen
reference π_ref is the policy at its starting logits θ_ref (a preset). One pair says y_w is
preferred to y_l. With the log-ratio margin

    Δ = [log π_θ(y_w) − log π_ref(y_w)] − [log π_θ(y_l) − log π_ref(y_l)]

the DPO loss is L = −log σ(β·Δ) (Rafailov et al., "Direct Preference Optimization: Your Language
Model is Secretly a Reward Model", NeurIPS 2023, arXiv:2305.18290). Its derivative in Δ is
−β·σ(−β·Δ): the gradient weight σ(−β·Δ) is near 1 while the pair is ordered the wrong way and
fades once the policy orders it. For softmax logits ∂log π(y)/∂θ = onehot(y) − π, so
∂Δ/∂θ = onehot(y_w) − onehot(y_l) and a gradient step moves only the two logits of the pair, by
±lr·β·σ(−β·Δ). The implied reward of an answer is r̂(y) = β·log(π_θ(y)/π_ref(y)), and
r̂(y_w) − r̂(y_l) = β·Δ.

Two facts the demo makes visible. The same loss needs a margin Δ = (β·Δ)/β, so a larger β reaches
it with a policy closer to the reference (a smaller KL(π_θ ‖ π_ref)). And the loss keeps falling
as Δ grows without bound: on one pair with a certain preference DPO has no finite optimum and,
trained long enough, puts all the probability on y_w whatever β is (β only slows this down; Azar
et al., "A General Theoretical Paradigm to Understand Learning from Human Preferences", AISTATS
2024, arXiv:2310.12036). All log-probabilities are computed with a stable log-softmax, so even the
largest learning rates give finite, normalised probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import numpy as np

from explorer.core.params import ParamSpec, resolve

NAMES = ("A", "B", "C", "D", "E", "F")
PROMPT = {"zh": "帮我给妈妈写一句生日祝福。", "en": "Help me write a birthday message for my mum."}
RESPONSES = (
    {"zh": "妈妈生日快乐，谢谢您为我做的一切！", "en": "Happy birthday, Mum! Thanks for everything."},
    {"zh": "你自己写吧。", "en": "Write it yourself."},
    {"zh": "生日快乐。", "en": "Happy birthday."},
    {"zh": "好的！她平时喜欢什么？", "en": "Sure! What does she love?"},
    {"zh": "生日的习俗起源于古埃及……", "en": "Birthdays began in ancient Egypt…"},
    {"zh": "这个我帮不了。", "en": "I can't help with that."},
)
# The "SFT model" reference: short generic answers are its most likely ones.
SFT_LOGITS = (0.3, -0.8, 1.4, 0.5, -0.4, 0.2)
FAVOURITE, DISLIKED = 2.0, -1.0  # reference logits of the favoured / disfavoured answer in a preset
COLLAPSED = 0.99  # π_θ(y_w) beyond this: the policy has (almost) collapsed onto the preferred answer
FADED = 0.01  # gradient weight below this: the updates have all but stopped


def _answer_labels() -> dict[str, dict[str, str]]:
    return {name: {lang: f"{name}  {text[lang]}" for lang in ("zh", "en")}
            for name, text in zip(NAMES, RESPONSES)}


PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("beta", 0.1, 0.01, 2.0, log=True, decimals=2, label={"zh": "β(KL 约束强度)", "en": "β (KL strength)"}),
    ParamSpec("lr", 1.0, 0.01, 5.0, log=True, decimals=2, label={"zh": "学习率", "en": "Learning rate"}),
    ParamSpec("steps", 100, 10, 500, kind="int", log=True, label={"zh": "训练步数", "en": "Training steps"}),
    ParamSpec("sharpness", 1.0, 0.0, 3.0, decimals=2, label={"zh": "参考模型的锐度", "en": "Reference sharpness"}),
    ParamSpec("preferred", "A", kind="choice", choices=NAMES, label={"zh": "更好的回答 y_w", "en": "Preferred y_w"},
              choice_labels=_answer_labels()),
    ParamSpec("rejected", "C", kind="choice", choices=NAMES, label={"zh": "较差的回答 y_l", "en": "Rejected y_l"},
              choice_labels=_answer_labels()),
    ParamSpec("reference", "sft", kind="choice", choices=("sft", "neutral", "rejected", "preferred"),
              label={"zh": "参考模型 π_ref", "en": "Reference π_ref"},
              choice_labels={"sft": {"zh": "SFT 模型(偏爱简短回答)", "en": "SFT model (likes short answers)"},
                             "neutral": {"zh": "均匀(不偏不倚)", "en": "Uniform (neutral)"},
                             "rejected": {"zh": "已经偏爱较差的回答", "en": "Already prefers y_l"},
                             "preferred": {"zh": "已经偏爱更好的回答", "en": "Already prefers y_w"}}),
)


def log_softmax(theta: np.ndarray) -> np.ndarray:
    """log softmax(θ) along the last axis, without overflow for any finite θ."""
    shifted = theta - np.max(theta, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def dpo_loss(delta: float | np.ndarray, beta: float) -> float | np.ndarray:
    """−log σ(β·Δ) = log(1 + e^(−β·Δ)), computed stably."""
    return np.logaddexp(0.0, -beta * np.asarray(delta, dtype=float))


def gradient_weight(delta: float | np.ndarray, beta: float) -> float | np.ndarray:
    """σ(−β·Δ): how hard the loss still pushes (the derivative in Δ is −β times this)."""
    return np.exp(-np.logaddexp(0.0, beta * np.asarray(delta, dtype=float)))


def margin(theta: np.ndarray, reference: np.ndarray, preferred: int, rejected: int) -> float:
    """Δ for logits θ against reference logits."""
    ratio = log_softmax(np.asarray(theta, dtype=float)) - log_softmax(np.asarray(reference, dtype=float))
    return float(ratio[preferred] - ratio[rejected])


def loss_at(theta: np.ndarray, reference: np.ndarray, preferred: int, rejected: int, beta: float) -> float:
    """The DPO loss of logits θ on the pair."""
    return float(dpo_loss(margin(theta, reference, preferred, rejected), beta))


def gradient(theta: np.ndarray, reference: np.ndarray, preferred: int, rejected: int, beta: float) -> np.ndarray:
    """∂L/∂θ = −β·σ(−β·Δ)·[(onehot(y_w) − π) − (onehot(y_l) − π)]."""
    theta = np.asarray(theta, dtype=float)
    probs = np.exp(log_softmax(theta))
    eye = np.eye(len(theta))
    direction = (eye[preferred] - probs) - (eye[rejected] - probs)
    delta = margin(theta, reference, preferred, rejected)
    return -beta * float(gradient_weight(delta, beta)) * direction


def kl_divergence(log_p: np.ndarray, log_q: np.ndarray) -> np.ndarray:
    """KL(p ‖ q) = Σ p·(log p − log q) along the last axis (0·log 0 counted as 0)."""
    p = np.exp(log_p)
    return np.sum(np.where(p > 0, p * (log_p - log_q), 0.0), axis=-1)


def reference_logits(preset: str, preferred: int, rejected: int, sharpness: float = 1.0) -> np.ndarray:
    """θ_ref for a preset (an SFT-like model, a uniform one, or one that already favours one side of
    the pair), times ``sharpness``: 0 makes any preset uniform, above 1 it is more confident."""
    if preset == "sft":
        logits = np.array(SFT_LOGITS, dtype=float)
    else:
        logits = np.zeros(len(NAMES))
        if preset == "rejected" and preferred != rejected:
            logits[rejected], logits[preferred] = FAVOURITE, DISLIKED
        elif preset == "preferred" and preferred != rejected:
            logits[preferred], logits[rejected] = FAVOURITE, DISLIKED
    return sharpness * logits


@dataclass(frozen=True)
class Training:
    """A whole DPO run; every array has one row per step 0..steps (row 0: θ = θ_ref)."""

    beta: float
    lr: float
    preferred: int
    rejected: int
    reference: np.ndarray  # (K,) θ_ref
    theta: np.ndarray  # (T+1, K)
    log_probs: np.ndarray  # (T+1, K) log π_θ
    delta: np.ndarray  # (T+1,) Δ
    loss: np.ndarray  # (T+1,)
    weight: np.ndarray  # (T+1,) σ(−β·Δ)
    reward_preferred: np.ndarray  # (T+1,) r̂(y_w) = β·log(π_θ(y_w)/π_ref(y_w))
    reward_rejected: np.ndarray  # (T+1,) r̂(y_l)
    kl: np.ndarray  # (T+1,) KL(π_θ ‖ π_ref)
    finite: bool  # every number finite (the stable formulas keep it so)
    collapsed_step: int | None  # first step with π_θ(y_w) > COLLAPSED
    faded_step: int | None  # first step with gradient weight < FADED

    @property
    def steps(self) -> int:
        return len(self.delta) - 1

    @property
    def same_pair(self) -> bool:
        """Preferred and rejected are the same answer: Δ is always 0 and nothing is learned."""
        return self.preferred == self.rejected

    @property
    def probs(self) -> np.ndarray:
        return np.exp(self.log_probs)

    @property
    def reference_probs(self) -> np.ndarray:
        return np.exp(log_softmax(self.reference))


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else None


@lru_cache(maxsize=64)
def train(beta: float, lr: float, preferred: int, rejected: int, preset: str, steps: int,
          sharpness: float = 1.0) -> Training:
    """Gradient descent on the DPO loss from θ = θ_ref, ``steps`` steps of size ``lr``."""
    reference = reference_logits(preset, preferred, rejected, sharpness)
    # The gradient is −β·σ(−β·Δ)·(onehot(y_w) − onehot(y_l)): each step adds the same amount
    # lr·β·σ(−β·Δ) to θ_w and takes it from θ_l, and Δ grows by twice that. So the whole run is
    # the scalar recursion on Δ below, and θ_t = θ_ref + (Δ_t / 2)·(onehot(y_w) − onehot(y_l)):
    # the same numbers as stepping ``gradient`` (a test checks), at a slider's pace.
    margins = [0.0]
    if preferred != rejected:
        for _ in range(steps):
            now = margins[-1]
            margins.append(now + 2.0 * lr * beta * float(gradient_weight(now, beta)))
    else:
        margins *= steps + 1
    direction = np.zeros(len(reference))
    direction[preferred] += 0.5
    direction[rejected] -= 0.5
    theta = reference + np.asarray(margins)[:, None] * direction
    log_probs = log_softmax(theta)
    log_ref = log_softmax(reference)
    ratio = log_probs - log_ref
    delta = ratio[:, preferred] - ratio[:, rejected]
    loss, weight = dpo_loss(delta, beta), gradient_weight(delta, beta)
    reward_w, reward_l = beta * ratio[:, preferred], beta * ratio[:, rejected]
    kl = kl_divergence(log_probs, log_ref)
    arrays = (theta, log_probs, delta, loss, weight, reward_w, reward_l, kl)
    for array in arrays:
        array.setflags(write=False)  # the run is cached and shared
    reference.setflags(write=False)
    finite = all(bool(np.all(np.isfinite(array))) for array in arrays)
    return Training(beta, lr, preferred, rejected, reference, theta, log_probs, delta, loss, weight, reward_w,
                    reward_l, kl, finite, _first(np.exp(log_probs[:, preferred]) > COLLAPSED),
                    _first(weight < FADED) if preferred != rejected else None)


def simulate(params: Mapping[str, object] | None = None) -> Training:
    """The training run for ``params`` (missing ones take their defaults)."""
    p = resolve(PARAMS, params or {})
    return train(round(float(p["beta"]), 6), round(float(p["lr"]), 6), NAMES.index(str(p["preferred"])),
                 NAMES.index(str(p["rejected"])), str(p["reference"]), int(p["steps"]),
                 round(float(p["sharpness"]), 6))
