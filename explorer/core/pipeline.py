"""A small LCEL-like pipeline: runnables composed with ``|`` and run with invoke, batch and stream.

LangChain wraps every unit of work in the ``Runnable`` interface and composes runnables with the
``|`` operator of its expression language (LCEL) into a ``RunnableSequence``, in which each step's
output is the next step's input (langchain-core API reference: ``langchain_core.runnables.base.
Runnable`` and ``RunnableSequence``; output parsers: ``BaseTransformOutputParser``). This module is
the explorer's own version of that model, written from the documented behaviour, with no
dependency on LangChain and no network:

* ``invoke(value)`` runs one input through; ``batch(values)`` runs each input in turn (LangChain
  runs them on a thread pool; the outputs come back in input order either way); ``stream(value)``
  yields the output in chunks. ``a | b`` builds a flat :class:`RunnableSequence`, and a plain
  function on either side of ``|`` is wrapped as a :class:`RunnableLambda`.
* A step streams by ``transform(chunks)``. The default, as in LangChain, gathers all input
  chunks, joins them (``+``), invokes once and yields one chunk: a plain function holds the stream
  up until its input is complete. The local model yields one token per chunk,
  :class:`StrOutputParser` passes each chunk on at once, and :class:`CommaListParser` yields each
  finished item as a one-element list, like LangChain's ``ListOutputParser``.
* Data: a dict → :class:`PromptTemplate` → a :class:`PromptValue` → :class:`LocalModel` (the n-gram
  model of :mod:`explorer.core.ngram`) → a :class:`Message` → a parser → a string or a list. Every
  step says which kinds of value it accepts; any other kind raises :class:`BlockTypeError` naming
  the step, so a chain in the wrong order fails with a clear error instead of a crash.

Templates are filled by this module's own ``{name}`` substitution (``{{`` and ``}}`` are literal
braces), never with ``str.format``, so typed text is never evaluated. :func:`langchain_code`
writes the LangChain code of the chain on screen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from explorer.core.i18n import tr
from explorer.core.ngram import detokenize, model_for, tokenize
from explorer.core.params import ParamSpec

MAX_BATCH = 8  # inputs a batch runs at most (one column each in the demo)
KINDS = ("dict", "prompt", "message", "str", "list")

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("template", "explain", kind="choice", choices=("explain", "qa", "list"),
              label={"zh": "模板预设", "en": "Template preset"},
              choice_labels={"explain": {"zh": "一句话解释 {topic}", "en": "Explain {topic}"},
                             "qa": {"zh": "问答 {question} {topic}", "en": "Question {question} {topic}"},
                             "list": {"zh": "列出相关概念 {topic}", "en": "List ideas {topic}"}}),
    ParamSpec("temperature", 0.8, 0.0, 2.0, decimals=2, label={"zh": "温度", "en": "Temperature"}),
    ParamSpec("max_tokens", 30, 1, 80, kind="int", label={"zh": "最多词元数", "en": "Max tokens"}),
    ParamSpec("seed", 0, 0, 9999, kind="int", label={"zh": "随机种子", "en": "Seed"}),
)

# The preset templates end with a variable, mid-sentence: the n-gram model continues from the last
# two tokens only, so the input has to be there (a prompt that ends with "。" or "." makes it
# predict the end of the text at once).
TEMPLATES: dict[str, dict[str, str]] = {
    "explain": {"zh": "用一句话解释{topic}：{topic}", "en": "Explain {topic} in one sentence: {topic}"},
    "qa": {"zh": "问题：{question} 回答：{topic}", "en": "Question: {question} Answer: {topic}"},
    "list": {"zh": "列出和{topic}有关的概念：{topic}、", "en": "List ideas related to {topic}: {topic},"},
}
EXAMPLE_INPUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "explain": {"zh": ("学习率", "过拟合", "注意力"), "en": ("learning rate", "overfitting", "attention")},
    "qa": {"zh": ("question=什么是过拟合？; topic=过拟合", "question=检索增强有什么用？; topic=检索"),
           "en": ("question=what is overfitting?; topic=overfitting",
                  "question=what is retrieval for?; topic=retrieval")},
    "list": {"zh": ("优化器", "采样", "检索"), "en": ("optimisers", "sampling", "retrieval")},
}

_VARIABLE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PAIR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_PAIR_SEPARATOR = re.compile(r"[;；]")
_LIST_SEPARATOR = re.compile(r"[,，、]")
# The first sentence ends after 。！？ or after .!? and a space: the same rule as the code shown.
FIRST_SENTENCE_PATTERN = r"(?<=[。！？])|(?<=[.!?])\s+"
_FIRST_SENTENCE = re.compile(FIRST_SENTENCE_PATTERN)


# -- values passed between the steps ----------------------------------------------------------
@dataclass(frozen=True)
class PromptValue:
    """A filled-in prompt (LangChain: ``ChatPromptValue``, one human message)."""

    text: str

    def __add__(self, other: "PromptValue") -> "PromptValue":
        return PromptValue(self.text + other.text)

    def to_string(self) -> str:
        return f"Human: {self.text}"


@dataclass(frozen=True)
class Message:
    """A model's reply (LangChain: ``AIMessage``); chunks of a stream add up to the whole."""

    content: str

    def __add__(self, other: "Message") -> "Message":
        return Message(self.content + other.content)


def kind_of(value: object) -> str:
    """The name of a value's kind as the demo shows it: dict, prompt, message, str or list."""
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, PromptValue):
        return "prompt"
    if isinstance(value, Message):
        return "message"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def join_chunks(chunks: Sequence[Any]) -> Any:
    """The chunks of a stream added up (strings and lists concatenated, messages joined)."""
    if not chunks:
        raise ValueError("there are no chunks to join")
    total = chunks[0]
    for chunk in chunks[1:]:
        if isinstance(total, Mapping) and isinstance(chunk, Mapping):
            total = {**total, **chunk}
        else:
            total = total + chunk
    return total


# -- errors -----------------------------------------------------------------------------------
class BlockError(Exception):
    """A step that could not run; ``step`` is the runnable, ``index`` its place in the sequence."""

    def __init__(self, step: "Runnable", message: str):
        super().__init__(message)
        self.step = step
        self.index: int | None = None


class BlockTypeError(BlockError, TypeError):
    """A value of a kind the step does not accept (a parser before the model, say)."""

    def __init__(self, step: "Runnable", got: str):
        self.expected = tuple(step.accepts or ())
        self.got = got
        expected = " or ".join(_KIND_WORDS.get(kind, kind) for kind in self.expected)
        super().__init__(step, f"{step.name} expects {expected}, but got {_KIND_WORDS.get(got, got)}")


class MissingVariablesError(BlockError, KeyError):
    """A prompt template's input dict lacks some of its variables."""

    def __init__(self, step: "Runnable", missing: Sequence[str], given: Sequence[str]):
        self.missing = tuple(missing)
        self.given = tuple(given)
        super().__init__(step, f"{step.name} is missing variables {list(self.missing)}; the input has {list(self.given)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


_KIND_WORDS = {"dict": "a dict", "prompt": "a prompt value", "message": "a message", "str": "a string",
               "list": "a list"}


# -- runnables --------------------------------------------------------------------------------
class Runnable:
    """A unit of work with invoke, batch and stream; ``a | b`` composes two into a sequence."""

    block_id = "runnable"
    name = "Runnable"
    accepts: tuple[str, ...] | None = None  # the kinds of input it takes (None: any)
    output_kind: str | None = None
    streams = False  # yields its output in several chunks (else one chunk once its input is whole)

    def check(self, value: object) -> None:
        if self.accepts is not None and kind_of(value) not in self.accepts:
            raise BlockTypeError(self, kind_of(value))

    def invoke(self, value: Any) -> Any:
        self.check(value)
        return self._invoke(value)

    def _invoke(self, value: Any) -> Any:
        raise NotImplementedError

    def batch(self, values: Iterable[Any], return_exceptions: bool = False) -> list[Any]:
        """One invoke per input, outputs in input order; with ``return_exceptions`` an input that
        fails gives its exception in its place instead of stopping the batch."""
        outputs = []
        for value in values:
            try:
                outputs.append(self.invoke(value))
            except BlockError as error:
                if not return_exceptions:
                    raise
                outputs.append(error)
        return outputs

    def stream(self, value: Any) -> Iterator[Any]:
        yield from self.transform(iter([value]))

    def transform(self, chunks: Iterator[Any]) -> Iterator[Any]:
        """Gather the whole input, invoke once, yield one chunk (LangChain's default)."""
        gathered = list(chunks)
        if gathered:
            yield self.invoke(join_chunks(gathered))

    def __or__(self, other: object) -> "RunnableSequence":
        return RunnableSequence(self, coerce(other))

    def __ror__(self, other: object) -> "RunnableSequence":
        return RunnableSequence(coerce(other), self)

    def __repr__(self) -> str:
        return self.name


def coerce(thing: object) -> Runnable:
    """A runnable as it is; a plain function wrapped as a RunnableLambda."""
    if isinstance(thing, Runnable):
        return thing
    if callable(thing):
        return RunnableLambda(thing)
    raise TypeError(f"cannot compose {type(thing).__name__} with | (expected a Runnable or a function)")


class RunnableLambda(Runnable):
    """A plain function as a step. It never streams: it needs its whole input first."""

    block_id = "lambda"

    def __init__(self, func: Callable[[Any], Any], name: str | None = None, accepts: tuple[str, ...] | None = None):
        self.func = func
        self.name = name or getattr(func, "__name__", "lambda")
        self.accepts = accepts

    def _invoke(self, value: Any) -> Any:
        return self.func(value)


class RunnableSequence(Runnable):
    """Steps run in order, each one's output the next one's input. Nested sequences are flattened;
    an empty sequence passes its input through."""

    block_id = "sequence"
    name = "RunnableSequence"

    def __init__(self, *steps: Runnable):
        flat: list[Runnable] = []
        for step in steps:
            flat.extend(step.steps if isinstance(step, RunnableSequence) else [coerce(step)])
        self.steps: tuple[Runnable, ...] = tuple(flat)

    @property
    def streams(self) -> bool:  # type: ignore[override]
        return any(step.streams for step in self.steps)

    def invoke(self, value: Any) -> Any:
        for index, step in enumerate(self.steps):
            try:
                value = step.invoke(value)
            except BlockError as error:
                _locate(error, index)
                raise
        return value

    def transform(self, chunks: Iterator[Any]) -> Iterator[Any]:
        for index, step in enumerate(self.steps):
            chunks = _located(step.transform(chunks), index)
        yield from chunks

    def __repr__(self) -> str:
        return " | ".join(repr(step) for step in self.steps) or "RunnableSequence()"


def _locate(error: BlockError, index: int) -> None:
    if error.index is None:
        error.index = index


def _located(chunks: Iterator[Any], index: int) -> Iterator[Any]:
    """Pass chunks on; an error raised by the step at ``index`` is told its place."""
    try:
        yield from chunks
    except BlockError as error:
        _locate(error, index)
        raise


class PromptTemplate(Runnable):
    """A dict of variables → a prompt value (LangChain: ``ChatPromptTemplate.from_template``)."""

    block_id = "prompt"
    name = "ChatPromptTemplate"
    accepts = ("dict",)
    output_kind = "prompt"

    def __init__(self, template: str):
        self.template = template
        names = [match.group(1) for match in _VARIABLE.finditer(template) if match.group(1)]
        self.variables: tuple[str, ...] = tuple(dict.fromkeys(names))

    def _invoke(self, value: Mapping[str, Any]) -> PromptValue:
        missing = [name for name in self.variables if name not in value]
        if missing:
            raise MissingVariablesError(self, missing, list(value))
        return PromptValue(fill(self.template, value))


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Put each ``{name}`` of ``template`` by ``values[name]``; ``{{``/``}}`` become braces."""

    def replace(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group()[0]
        return str(values[match.group(1)])

    return _VARIABLE.sub(replace, template)


@lru_cache(maxsize=2048)
def _completion(lang: str, tail: tuple[str, ...], max_tokens: int, temperature: float, seed: int) -> tuple[str, ...]:
    """The model's tokens after a prompt ending in ``tail``: the n-gram model looks at the last
    order − 1 tokens only, so prompts with the same tail continue alike and share this cache."""
    return tuple(model_for(lang).stream(detokenize(list(tail), lang), max_tokens, temperature, 0, seed))


class LocalModel(Runnable):
    """The explorer's n-gram model as a chat model: a prompt (or a string) → a message. Seeded, so
    the same prompt and settings always give the same reply; it streams one token per chunk."""

    block_id = "model"
    name = "LocalModel"
    accepts = ("prompt", "str")
    output_kind = "message"
    streams = True

    def __init__(self, lang: str, temperature: float = 0.8, max_tokens: int = 30, seed: int = 0):
        self.lang = lang
        self.temperature = float(temperature)
        self.max_tokens = int(max_tokens)
        self.seed = int(seed)

    def tokens(self, value: PromptValue | str) -> tuple[str, ...]:
        text = value.text if isinstance(value, PromptValue) else value
        order = model_for(self.lang).order
        tail = tuple(tokenize(text, self.lang)[-(order - 1):]) if order > 1 else ()
        return _completion(self.lang, tail, self.max_tokens, self.temperature, self.seed)

    def _invoke(self, value: PromptValue | str) -> Message:
        return Message(detokenize(list(self.tokens(value)), self.lang))

    def transform(self, chunks: Iterator[Any]) -> Iterator[Message]:
        gathered = list(chunks)
        if not gathered:
            return
        value = join_chunks(gathered)
        self.check(value)
        tokens = self.tokens(value)
        if not tokens:
            yield Message("")
            return
        text = ""
        for end in range(1, len(tokens) + 1):
            longer = detokenize(list(tokens[:end]), self.lang)  # the text so far; a prefix of the next
            yield Message(longer[len(text):])
            text = longer


class StrOutputParser(Runnable):
    """A message (or a string) → its text, chunk by chunk."""

    block_id = "str"
    name = "StrOutputParser"
    accepts = ("message", "str")
    output_kind = "str"
    streams = True

    def _invoke(self, value: Message | str) -> str:
        return value.content if isinstance(value, Message) else value

    def transform(self, chunks: Iterator[Any]) -> Iterator[str]:
        for chunk in chunks:
            yield self.invoke(chunk)


def split_list(text: str) -> list[str]:
    """Items between commas (, ， or 、), stripped, empty ones left out."""
    return [item.strip() for item in _LIST_SEPARATOR.split(text) if item.strip()]


class CommaListParser(Runnable):
    """A message (or a string) → a list of the items between commas. While streaming it yields each
    item as a one-element list as soon as the comma after it arrives (and the last at the end)."""

    block_id = "list"
    name = "CommaSeparatedListOutputParser"
    accepts = ("message", "str")
    output_kind = "list"
    streams = True

    def _invoke(self, value: Message | str) -> list[str]:
        return split_list(value.content if isinstance(value, Message) else value)

    def transform(self, chunks: Iterator[Any]) -> Iterator[list[str]]:
        buffer, emitted, seen = "", False, False
        for chunk in chunks:
            self.check(chunk)
            seen = True
            buffer += chunk.content if isinstance(chunk, Message) else chunk
            *done, buffer = _LIST_SEPARATOR.split(buffer)
            for item in done:
                if item.strip():
                    emitted = True
                    yield [item.strip()]
        if seen and (buffer.strip() or not emitted):
            yield [buffer.strip()] if buffer.strip() else []


def first_sentence(text: str) -> str:
    """The text up to the end of its first sentence (all of it if it has no sentence end)."""
    return _FIRST_SENTENCE.split(text.strip(), maxsplit=1)[0]


def first_sentence_step() -> RunnableLambda:
    step = RunnableLambda(first_sentence, "first_sentence", accepts=("str",))
    step.block_id = "sentence"
    step.output_kind = "str"
    return step


# -- the chain the demo builds ----------------------------------------------------------------
BLOCK_IDS = ("prompt", "model", "str", "sentence", "list")
DEFAULT_BLOCKS: tuple[tuple[str, bool], ...] = (("prompt", True), ("model", True), ("str", True),
                                               ("sentence", False), ("list", False))


@dataclass(frozen=True)
class Settings:
    """What the blocks are made from: the template text, the language and the model's settings."""

    template: str
    lang: str = "en"
    temperature: float = 0.8
    max_tokens: int = 30
    seed: int = 0


def make_block(block_id: str, settings: Settings) -> Runnable:
    if block_id == "prompt":
        return PromptTemplate(settings.template)
    if block_id == "model":
        return LocalModel(settings.lang, settings.temperature, settings.max_tokens, settings.seed)
    if block_id == "str":
        return StrOutputParser()
    if block_id == "sentence":
        return first_sentence_step()
    if block_id == "list":
        return CommaListParser()
    raise ValueError(f"unknown block '{block_id}'")


def build_chain(blocks: Sequence[tuple[str, bool]], settings: Settings) -> RunnableSequence:
    """The enabled blocks, in the order given, composed with ``|`` (disabled ones are skipped)."""
    chain = RunnableSequence()
    for block_id, enabled in blocks:
        if enabled:
            chain = chain | make_block(block_id, settings)
    return chain


def input_for(line: str, variables: Sequence[str]) -> dict[str, str]:
    """The input dict for one typed line: ``name=value; name=value`` gives those variables, any
    other text goes to the template's first variable (``input`` if it has none)."""
    parts = [part for part in _PAIR_SEPARATOR.split(line) if part.strip()]
    pairs = [_PAIR.match(part) for part in parts]
    if parts and all(pairs):
        return {match.group(1): match.group(2) for match in pairs}
    return {(variables[0] if variables else "input"): line.strip()}


def input_lines(text: str) -> list[str]:
    """The non-blank lines of the inputs box."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- runs, step by step -----------------------------------------------------------------------
@dataclass(frozen=True)
class Trace:
    """One input through the chain: the input and each step's output, up to a failing step."""

    values: tuple[Any, ...]  # values[0] is the input, values[i + 1] the output of step i
    error: BlockError | None = None

    @property
    def output(self) -> Any:
        return self.values[-1]

    @property
    def failed_at(self) -> int | None:
        return None if self.error is None else self.error.index


def trace_invoke(chain: RunnableSequence, value: Any) -> Trace:
    """Invoke step by step, keeping every intermediate value; an error stops the run."""
    values = [value]
    for index, step in enumerate(chain.steps):
        try:
            value = step.invoke(value)
        except BlockError as error:
            _locate(error, index)
            return Trace(tuple(values), error)
        values.append(value)
    return Trace(tuple(values))


def trace_batch(chain: RunnableSequence, values: Sequence[Any]) -> list[Trace]:
    return [trace_invoke(chain, value) for value in values[:MAX_BATCH]]


@dataclass(frozen=True)
class StreamRun:
    """Every chunk every step yielded while streaming one input, in the order they came.

    ``events`` holds (tick, step index, chunk); the tick is how many chunks the model had yielded
    by then, so the animation moves one model token per tick. ``total`` is the last tick.
    """

    input: Any
    steps: int
    events: tuple[tuple[int, int, Any], ...]
    error: BlockError | None = None
    error_tick: int = 0
    total: int = 0

    def chunks(self, step: int, tick: float = float("inf")) -> list[Any]:
        """The chunks step ``step`` had yielded by ``tick``."""
        return [chunk for when, index, chunk in self.events if index == step and when <= tick]

    def value(self, step: int, tick: float = float("inf")) -> Any:
        """What step ``step`` had yielded by ``tick``, joined (None before its first chunk)."""
        chunks = self.chunks(step, tick)
        return join_chunks(chunks) if chunks else None

    def output(self) -> Any:
        return self.value(self.steps - 1) if self.steps else self.input

    def error_shown(self, tick: float) -> bool:
        return self.error is not None and self.error_tick <= tick


def trace_stream(chain: RunnableSequence, value: Any) -> StreamRun:
    """Stream one input, recording each step's chunks with the model token count at the time."""
    events: list[tuple[int, int, Any]] = []
    clock = [0]
    model_steps = {index for index, step in enumerate(chain.steps) if isinstance(step, LocalModel)}
    first_model = min(model_steps) if model_steps else None

    def record(chunks: Iterator[Any], index: int) -> Iterator[Any]:
        for chunk in chunks:
            if index == first_model:
                clock[0] += 1
            events.append((clock[0], index, chunk))
            yield chunk

    chunks: Iterator[Any] = iter([value])
    for index, step in enumerate(chain.steps):
        chunks = record(_located(step.transform(chunks), index), index)
    error = None
    try:
        for _ in chunks:
            pass
    except BlockError as caught:
        error = caught
    return StreamRun(value, len(chain.steps), tuple(events), error, clock[0], clock[0])


# -- the LangChain code of a chain ------------------------------------------------------------
CODE_NAMES = {"prompt": "prompt", "model": "llm", "str": "StrOutputParser()", "sentence": "first_sentence",
              "list": "CommaSeparatedListOutputParser()"}


def _literal(value: Any) -> str:
    """A Python literal of a string or a dict of strings (JSON's escapes are Python's too)."""
    return json.dumps(value, ensure_ascii=False)


def langchain_code(blocks: Sequence[tuple[str, bool]], settings: Settings, mode: str,
                   inputs: Sequence[Mapping[str, str]], lang: str) -> str:
    """The LangChain (langchain-core) code of the enabled blocks in this order, and the call of
    ``mode`` (invoke, batch or stream) on ``inputs``; comments in ``lang``."""
    enabled = [block_id for block_id, on in blocks if on]
    parsers = [name for block_id, name in (("str", "StrOutputParser"), ("list", "CommaSeparatedListOutputParser"))
               if block_id in enabled]
    lines: list[str] = []
    if "sentence" in enabled:
        lines.append("import re")
        lines.append("")
    if "prompt" in enabled:
        lines.append("from langchain_core.prompts import ChatPromptTemplate")
    if parsers:
        lines.append(f"from langchain_core.output_parsers import {', '.join(parsers)}")
    if "sentence" in enabled or not enabled:
        lines.append(f"from langchain_core.runnables import {'RunnableLambda' if enabled else 'RunnablePassthrough'}")
    if "model" in enabled:
        lines.append("from langchain_openai import ChatOpenAI  # pip install langchain-openai")
    lines.append("")
    for block_id in enabled:
        if block_id == "prompt":
            lines.append(f"prompt = ChatPromptTemplate.from_template({_literal(settings.template)})")
        elif block_id == "model":
            lines.append("# " + tr("pipeline.code.model", lang))
            lines.append(f'llm = ChatOpenAI(model="gpt-4o-mini", temperature={settings.temperature:g}, '
                         f"max_tokens={settings.max_tokens}, seed={settings.seed})")
        elif block_id == "sentence":
            lines.append("# " + tr("pipeline.code.sentence", lang))
            lines.append(f'first_sentence = RunnableLambda(lambda text: re.split(r"{FIRST_SENTENCE_PATTERN}", '
                         "text.strip(), maxsplit=1)[0])")
        elif block_id == "list":
            lines.append("# " + tr("pipeline.code.list", lang))
    chain = " | ".join(CODE_NAMES[block_id] for block_id in enabled) if enabled else "RunnablePassthrough()"
    lines.append(f"chain = {chain}")
    lines.append("")
    shown = [dict(item) for item in inputs] or [{}]
    if mode == "batch":
        lines.append("chain.batch([")
        lines.extend(f"    {_literal(item)}," for item in shown[:MAX_BATCH])
        lines.append("])")
    elif mode == "stream":
        last = make_block(enabled[-1], settings).output_kind if enabled else "dict"
        lines.append(f"for chunk in chain.stream({_literal(shown[0])}):")
        lines.append('    print(chunk, end="", flush=True)' if last == "str" else "    print(chunk)")
    else:
        lines.append(f"chain.invoke({_literal(shown[0])})")
    return "\n".join(lines)
