"""The n-gram language model: tokens in both languages, hand-computed probabilities on a tiny
corpus, normalisation, seeded determinism, and the model trained on the built-in pages."""

import numpy as np
import pytest

from explorer.core import ngram

TINY = ["the cat sat. the cat ran. the dog sat."]


def test_tokenize_and_detokenize_both_languages():
    assert ngram.tokenize("学习率 η 用 LoRA 微调，很好。", "zh") == ["学", "习", "率", "用", "LoRA", "微", "调", "，", "很", "好", "。"]
    assert ngram.tokenize("The model's rate, 0.5!", "en") == ["The", "model's", "rate", ",", "0.5", "!"]
    assert ngram.detokenize(["The", "rate", ",", "0.5", "!"], "en") == "The rate, 0.5!"
    assert ngram.detokenize(["用", "LoRA", "fine", "tuning", "。"], "zh") == "用LoRA fine tuning。"


def test_interpolated_absolute_discounting_by_hand():
    model = ngram.NgramModel.train(TINY, "en", order=2)
    vocabulary = model.vocabulary
    p = dict(zip(vocabulary, model.distribution(["the"])))
    # After "the": cat twice, dog once (3 in all, 2 kinds). Unigram level: 15 predicted tokens
    # (the, cat/dog, sat/ran, ".", </s> in each sentence) of 7 kinds, backing off to uniform.
    uniform = 1 / 7
    unigram_cat = (2 - 0.75) / 15 + 0.75 * 7 / 15 * uniform
    expected_cat = (2 - 0.75) / 3 + 0.75 * 2 / 3 * unigram_cat
    assert p["cat"] == pytest.approx(expected_cat)
    assert sum(p.values()) == pytest.approx(1.0)
    assert p["cat"] > p["dog"] > p["sat"]


def test_every_distribution_sums_to_one_and_greedy_follows_the_counts():
    model = ngram.NgramModel.train(TINY, "en", order=3)
    for context in ([], ["the"], ["the", "cat"], ["unknown", "words"]):
        assert model.distribution(context).sum() == pytest.approx(1.0)
    assert model.generate("the", max_tokens=2, temperature=0) == "cat sat"


def test_same_seed_same_text_and_temperature_spreads_the_choices():
    model = ngram.model_for("en")
    assert model.generate("The learning rate", 20, 1.0, seed=5) == model.generate("The learning rate", 20, 1.0, seed=5)
    cold = {model.generate("The learning rate", 8, 0.2, seed=s) for s in range(8)}
    hot = {model.generate("The learning rate", 8, 1.5, seed=s) for s in range(8)}
    assert len(cold) < len(hot)


def test_models_of_the_built_in_pages_speak_their_language():
    zh, en = ngram.model_for("zh"), ngram.model_for("en")
    assert len(zh.vocabulary) > 1000 and len(en.vocabulary) > 1000
    assert zh.perplexity("学习率决定了每一步走多远。") < zh.perplexity("远多走步一每了定决率习学。")
    assert en.perplexity("The learning rate sets the step size.") < en.perplexity("Size step the sets rate learning the.")
    text = zh.generate("模型", 20, 0.8, seed=1)
    assert any("\u4e00" <= char <= "\u9fff" for char in text)


def test_top_k_one_is_greedy():
    model = ngram.model_for("en")
    assert model.generate("The model", 10, 1.0, top_k=1, seed=3) == model.generate("The model", 10, 0.0)
    assert np.all(np.isfinite(model.distribution(["The"])))


def test_training_ahead_in_small_steps_gives_the_model_model_for_trains(monkeypatch):
    from explorer.core.content import load_content
    from explorer.core.search import plain

    content = load_content()
    pages = [topic for topic in content.tree if topic.builtin and "en" in topic.pages]
    monkeypatch.setattr(ngram, "_models", {})
    monkeypatch.setattr(ngram, "_content", content)
    texts = [plain(topic.pages["en"].body) for topic in pages]
    at_once = ngram.NgramModel.train(texts, "en")
    steps = sum(1 for _ in ngram.train_ahead("en"))
    # One step per page, then a step per GRAMS_PER_STEP n-grams of each order put into the model.
    grams = [sum(len(words) for words in level.values()) for level in at_once.counts]
    assert steps == len(pages) + sum(-(-count // ngram.GRAMS_PER_STEP) for count in grams)
    ahead = ngram.model_for("en")
    assert ngram.model_for("en") is ahead and list(ngram.train_ahead("en")) == []  # trained once
    assert ahead.vocabulary == at_once.vocabulary and ahead.counts == at_once.counts
    # Asked for before the steps are done: it is trained at once, and the steps do not replace it.
    monkeypatch.setattr(ngram, "_models", {})
    steps = ngram.train_ahead("en")
    next(steps)
    needed = ngram.model_for("en")
    list(steps)
    assert ngram.model_for("en") is needed
