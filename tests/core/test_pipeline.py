"""The LCEL-like pipeline: ``|`` composes in order, invoke/batch/stream agree, disabled blocks are
skipped, a type mismatch names its block, the model is deterministic for a seed, and the
LangChain code follows the chain."""

import pytest

from explorer.core import pipeline
from explorer.core.pipeline import (BlockTypeError, CommaListParser, LocalModel, Message, MissingVariablesError,
                                    PromptTemplate, PromptValue, RunnableLambda, RunnableSequence, Settings,
                                    StrOutputParser)

WORDS = {"dict": "a dict", "prompt": "a prompt value", "message": "a message", "list": "a list"}
ALL_ON = [(block_id, True) for block_id in pipeline.BLOCK_IDS]


def settings(lang="en", template_id="explain", **changes):
    values = {"temperature": 0.8, "max_tokens": 30, "seed": 0, **changes}
    return Settings(pipeline.TEMPLATES[template_id][lang], lang, **values)


def chain_of(blocks, lang="en", template_id="explain", **changes):
    return pipeline.build_chain(blocks, settings(lang, template_id, **changes))


def first_input(lang="en", template_id="explain"):
    template = PromptTemplate(pipeline.TEMPLATES[template_id][lang])
    return pipeline.input_for(pipeline.EXAMPLE_INPUTS[template_id][lang][0], template.variables)


def test_pipe_composes_in_order_without_running_anything():
    calls = []
    double = RunnableLambda(lambda x: calls.append("double") or x * 2, "double")
    add = RunnableLambda(lambda x: calls.append("add") or x + 3, "add")
    chain = double | add
    assert isinstance(chain, RunnableSequence) and calls == []
    assert chain.invoke(5) == 13 and calls == ["double", "add"]
    assert (add | double).invoke(5) == 16
    # Sequences flatten, and plain functions on either side are wrapped.
    longer = chain | (lambda x: -x)
    assert len(longer.steps) == 3 and longer.invoke(1) == -5
    assert len(((lambda x: x + 1) | chain).steps) == 3
    assert RunnableSequence().invoke({"a": 1}) == {"a": 1}
    with pytest.raises(TypeError):
        chain | 3


def test_prompt_model_parser_data_flow():
    chain = chain_of(pipeline.DEFAULT_BLOCKS)
    assert [type(step) for step in chain.steps] == [PromptTemplate, LocalModel, StrOutputParser]
    trace = pipeline.trace_invoke(chain, {"topic": "overfitting"})
    value, prompt, message, text = trace.values
    assert value == {"topic": "overfitting"}
    assert prompt == PromptValue("Explain overfitting in one sentence: overfitting")
    assert isinstance(message, Message) and text == message.content and isinstance(text, str)
    assert [pipeline.kind_of(v) for v in trace.values] == ["dict", "prompt", "message", "str"]
    assert chain.invoke({"topic": "overfitting"}) == text


def test_templates_fill_variables_without_format():
    template = PromptTemplate("Q: {question} A: {topic} {{literal}} {0} {a.b}")
    assert template.variables == ("question", "topic")
    assert template.invoke({"question": "why?", "topic": "{topic}"}).text == "Q: why? A: {topic} {literal} {0} {a.b}"
    assert PromptTemplate("no variables").invoke({}).text == "no variables"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("template_id", sorted(pipeline.TEMPLATES))
def test_invoke_batch_and_stream_agree(lang, template_id):
    chain = chain_of(ALL_ON, lang, template_id)
    template = chain.steps[0]
    inputs = [pipeline.input_for(line, template.variables) for line in pipeline.EXAMPLE_INPUTS[template_id][lang]]
    outputs = [chain.invoke(value) for value in inputs]
    assert chain.batch(inputs) == outputs
    for value, output in zip(inputs, outputs):
        chunks = list(chain.stream(value))
        assert pipeline.join_chunks(chunks) == output
        run = pipeline.trace_stream(chain, value)
        trace = pipeline.trace_invoke(chain, value)
        assert run.error is None and trace.error is None
        for index in range(len(chain.steps)):  # every step's stream adds up to its invoke output
            assert run.value(index) == trace.values[index + 1]


def test_the_model_streams_token_by_token_and_a_plain_function_waits():
    blocks = [("prompt", True), ("model", True), ("str", True), ("sentence", True)]
    # The pages the model learns from change; take the first seed whose reply has a few tokens.
    runs = (pipeline.trace_stream(chain_of(blocks, max_tokens=12, seed=seed), {"topic": "attention"})
            for seed in range(100))
    run = next(run for run in runs if run.total >= 3)
    model_chunks = run.chunks(1)
    assert run.total == len(model_chunks) >= 2
    assert len(run.chunks(2)) == len(model_chunks)  # the string parser passes each chunk on at once
    assert [tick for tick, index, _ in run.events if index == 2] == list(range(1, run.total + 1))
    assert len(run.chunks(3)) == 1 and run.chunks(3, run.total - 1) == []  # the function: once, at the end
    assert run.value(0, 0) == run.value(0)  # the prompt is complete before the model starts
    assert run.value(1, 1) == model_chunks[0]


def test_the_comma_list_parser_streams_finished_items():
    parser = CommaListParser()
    chunks = list(parser.transform(iter(["red, gr", "een， blue、", " yel", "low"])))
    assert chunks == [["red"], ["green"], ["blue"], ["yellow"]]
    assert parser.invoke("red, green， blue、 yellow") == ["red", "green", "blue", "yellow"]
    assert list(parser.transform(iter(["", " "]))) == [[]] and parser.invoke(" , ") == []
    assert parser.invoke(Message("a,b")) == ["a", "b"]


def test_first_sentence():
    assert pipeline.first_sentence("One. Two.") == "One."
    assert pipeline.first_sentence("第一句。第二句。") == "第一句。"
    assert pipeline.first_sentence("pi is 3.14 here") == "pi is 3.14 here"
    assert pipeline.first_sentence("") == ""


def test_disabled_blocks_are_skipped():
    blocks = [("prompt", True), ("model", True), ("str", False), ("sentence", False), ("list", True)]
    chain = chain_of(blocks)
    assert [step.block_id for step in chain.steps] == ["prompt", "model", "list"]
    assert isinstance(chain.invoke(first_input()), list)
    assert chain_of([(block_id, False) for block_id in pipeline.BLOCK_IDS]).steps == ()


@pytest.mark.parametrize("blocks, index, block_id, got", [
    ([("str", True), ("prompt", True), ("model", True)], 0, "str", "dict"),  # a parser first
    ([("prompt", True), ("str", True), ("model", True)], 1, "str", "prompt"),  # a parser before the model
    ([("model", True), ("prompt", True)], 0, "model", "dict"),  # no prompt before the model
    ([("prompt", True), ("model", True), ("sentence", True)], 2, "sentence", "message"),  # a function on a message
    ([("prompt", True), ("model", True), ("list", True), ("str", True)], 3, "str", "list"),
])
def test_a_type_mismatch_names_the_block(blocks, index, block_id, got):
    chain = chain_of(blocks)
    with pytest.raises(BlockTypeError) as caught:
        chain.invoke({"topic": "attention"})
    error = caught.value
    assert error.index == index and error.step.block_id == block_id and error.got == got
    assert str(error).startswith(f"{error.step.name} expects ") and str(error).endswith(f"but got {WORDS[got]}")
    trace = pipeline.trace_invoke(chain, {"topic": "attention"})
    assert trace.failed_at == index and len(trace.values) == index + 1
    run = pipeline.trace_stream(chain, {"topic": "attention"})
    assert run.error is not None and run.error.index == index and run.error.step.block_id == block_id
    with pytest.raises(BlockTypeError):
        list(chain.stream({"topic": "attention"}))
    outputs = chain.batch([{"topic": "a"}, {"topic": "b"}], return_exceptions=True)
    assert all(isinstance(output, BlockTypeError) for output in outputs)


def test_a_missing_variable_is_a_clear_error():
    chain = chain_of(pipeline.DEFAULT_BLOCKS, template_id="qa")
    with pytest.raises(MissingVariablesError) as caught:
        chain.invoke({"question": "what is it?"})
    assert caught.value.missing == ("topic",) and caught.value.index == 0
    assert "missing variables ['topic']" in str(caught.value)


def test_input_lines_become_dicts():
    assert pipeline.input_for("learning rate", ("topic",)) == {"topic": "learning rate"}
    assert pipeline.input_for("question=what?; topic=x", ("question", "topic")) == {"question": "what?", "topic": "x"}
    assert pipeline.input_for("question=什么？；topic=过拟合", ()) == {"question": "什么？", "topic": "过拟合"}
    assert pipeline.input_for("a = b", ()) == {"a": "b"}
    assert pipeline.input_for("1 + 1 = 2", ("topic",)) == {"topic": "1 + 1 = 2"}
    assert pipeline.input_for("text", ()) == {"input": "text"}
    assert pipeline.input_lines(" a \n\n b\n") == ["a", "b"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_model_is_deterministic_for_a_seed(lang):
    prompt = PromptTemplate(pipeline.TEMPLATES["explain"][lang]).invoke(first_input(lang))
    texts = {seed: LocalModel(lang, 1.0, 40, seed).invoke(prompt).content for seed in range(6)}
    assert texts == {seed: LocalModel(lang, 1.0, 40, seed).invoke(prompt).content for seed in range(6)}
    assert len(set(texts.values())) > 1  # other seeds, other replies
    greedy = {LocalModel(lang, 0.0, 40, seed).invoke(prompt).content for seed in range(4)}
    assert len(greedy) == 1  # temperature 0 is greedy: the seed does not matter
    few = LocalModel(lang, 1.0, 1, 0)
    assert len(list(few.stream(prompt))) == 1


def test_code_matches_the_chain():
    code = pipeline.langchain_code(pipeline.DEFAULT_BLOCKS, settings(), "invoke", [{"topic": "learning rate"}], "en")
    assert "chain = prompt | llm | StrOutputParser()" in code
    assert 'prompt = ChatPromptTemplate.from_template("Explain {topic} in one sentence: {topic}")' in code
    assert "from langchain_core.prompts import ChatPromptTemplate" in code
    assert "from langchain_core.output_parsers import StrOutputParser" in code
    assert 'ChatOpenAI(model="gpt-4o-mini", temperature=0.8, max_tokens=30, seed=0)' in code
    assert code.endswith('chain.invoke({"topic": "learning rate"})')
    compile(code, "<chain>", "exec")

    reordered = [("prompt", True), ("str", True), ("model", True), ("sentence", True), ("list", False)]
    code = pipeline.langchain_code(reordered, settings("zh"), "batch", [{"topic": "学习率"}, {"topic": "过拟合"}], "zh")
    assert "chain = prompt | StrOutputParser() | llm | first_sentence" in code
    assert "CommaSeparatedListOutputParser" not in code and "RunnableLambda" in code
    assert 'chain.batch([\n    {"topic": "学习率"},\n    {"topic": "过拟合"},\n])' in code
    assert "# 演示里这一步是本地的 n 元语法模型" in code
    compile(code, "<chain>", "exec")

    code = pipeline.langchain_code([("prompt", True), ("model", True), ("list", True)], settings(), "stream",
                                   [{"topic": "x"}], "en")
    assert "chain = prompt | llm | CommaSeparatedListOutputParser()" in code
    assert 'for chunk in chain.stream({"topic": "x"}):\n    print(chunk)' in code
    code = pipeline.langchain_code(pipeline.DEFAULT_BLOCKS, settings(), "stream", [{"topic": "x"}], "en")
    assert 'print(chunk, end="", flush=True)' in code
    code = pipeline.langchain_code([], settings(), "invoke", [], "en")
    assert "chain = RunnablePassthrough()" in code and "import RunnablePassthrough" in code
    compile(code, "<chain>", "exec")


def test_the_first_sentence_code_does_what_the_demo_does():
    import re

    code = pipeline.langchain_code([("sentence", True)], settings(), "invoke", [{"topic": "x"}], "en")
    pattern = re.search(r're\.split\(r"(.*?)", text', code).group(1)
    for text in ("One. Two.", "第一句。第二句", "pi is 3.14 here", "  Hi!  There "):
        assert re.split(pattern, text.strip(), maxsplit=1)[0] == pipeline.first_sentence(text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_local_model_is_the_ngram_model(lang):
    """The chain's model block writes what the n-gram model writes for the same settings."""
    from explorer.core.ngram import model_for

    original = model_for(lang)
    template = PromptTemplate(pipeline.TEMPLATES["explain"][lang])
    for line in pipeline.EXAMPLE_INPUTS["explain"][lang]:
        prompt = template.invoke({"topic": line})
        for temperature, seed in ((0.0, 0), (0.8, 1), (2.0, 2)):
            expected = original.generate(prompt.text, 40, temperature, 0, seed)
            assert LocalModel(lang, temperature, 40, seed).invoke(prompt).content == expected
