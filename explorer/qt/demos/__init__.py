"""The demo registry: one explicit entry per demo, so PyInstaller sees every module.

The window builds a topic's demo from here, ``explorer --list-demos`` prints it, the content
validator checks presets and ``demo:`` links against it, and one test runs over every entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from explorer.core import consistency, pipeline, prompt_builder, retrieval, stdlib_examples, textrank
from explorer.core.params import ParamSpec
from explorer.core.sims import (arena, distillation, dpo, early_stopping, gradient_descent, hmm, minibatch,
                                quantization, sampling)
from explorer.qt.demos.arena_demo import ArenaDemo
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.batch_size import BatchSizeDemo
from explorer.qt.demos.consistency_demo import ConsistencyDemo
from explorer.qt.demos.distillation_demo import DistillationDemo
from explorer.qt.demos.dpo_demo import DpoDemo
from explorer.qt.demos.epochs import EpochsDemo
from explorer.qt.demos.hmm_demo import HmmDemo
from explorer.qt.demos.learning_rate import LearningRateDemo
from explorer.qt.demos.pipeline_demo import PipelineDemo
from explorer.qt.demos.prompt_builder_demo import PromptBuilderDemo
from explorer.qt.demos.quantization_demo import QuantizationDemo
from explorer.qt.demos.retrieval_demo import RetrievalDemo
from explorer.qt.demos.sampling_demo import SamplingDemo
from explorer.qt.demos.stdlib_demo import StdlibDemo
from explorer.qt.demos.summarizer_demo import SummarizerDemo


@dataclass(frozen=True)
class DemoEntry:
    """A registered demo: its widget class and the parameters it takes."""

    id: str
    widget: type[DemoWidget]
    params: Sequence[ParamSpec]
    title_key: str


REGISTRY: dict[str, DemoEntry] = {
    "learning-rate": DemoEntry("learning-rate", LearningRateDemo, gradient_descent.PARAMS, "lr.title"),
    "batch-size": DemoEntry("batch-size", BatchSizeDemo, minibatch.PARAMS, "bs.title"),
    "epochs": DemoEntry("epochs", EpochsDemo, early_stopping.PARAMS, "ep.title"),
    "hmm": DemoEntry("hmm", HmmDemo, hmm.PARAMS, "hmm.title"),
    "arena": DemoEntry("arena", ArenaDemo, arena.PARAMS, "arena.title"),
    "distillation": DemoEntry("distillation", DistillationDemo, distillation.PARAMS, "distil.title"),
    "quantization": DemoEntry("quantization", QuantizationDemo, quantization.PARAMS, "quant.title"),
    "sampling": DemoEntry("sampling", SamplingDemo, sampling.PARAMS, "sampling.title"),
    "dpo": DemoEntry("dpo", DpoDemo, dpo.PARAMS, "dpo.title"),
    "retrieval": DemoEntry("retrieval", RetrievalDemo, retrieval.PARAMS, "retrieval.title"),
    "summarizer": DemoEntry("summarizer", SummarizerDemo, textrank.PARAMS, "summarizer.title"),
    "consistency": DemoEntry("consistency", ConsistencyDemo, consistency.PARAMS, "consistency.title"),
    "prompt-builder": DemoEntry("prompt-builder", PromptBuilderDemo, prompt_builder.PARAMS, "prompt.title"),
    "pipeline": DemoEntry("pipeline", PipelineDemo, pipeline.PARAMS, "pipeline.title"),
    "stdlib": DemoEntry("stdlib", StdlibDemo, stdlib_examples.PARAMS, "stdlib.title"),
}


def demo_catalog() -> dict[str, Sequence[ParamSpec]]:
    """Demo id → parameter specs, for the content validator."""
    return {demo_id: entry.params for demo_id, entry in REGISTRY.items()}
