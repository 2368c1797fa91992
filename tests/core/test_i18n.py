"""Every interface string exists in Chinese and English."""

import importlib
import pkgutil
import re

from explorer.core import sims
from explorer.core.i18n import STRINGS, tr

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_string_has_both_languages():
    for key, entry in STRINGS.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert HAN.search(entry["zh"]), f"{key}: the Chinese text has no Chinese"
        assert not HAN.search(entry["en"]), f"{key}: the English text has Chinese in it"


def test_placeholders_agree():
    for key, entry in STRINGS.items():
        fields = lambda text: sorted(re.findall(r"{(\w+)", text))  # noqa: E731
        assert fields(entry["zh"]) == fields(entry["en"]), key


def simulations():
    """Every simulation module that declares parameters (each new demo's too)."""
    for info in pkgutil.iter_modules(sims.__path__):
        module = importlib.import_module(f"explorer.core.sims.{info.name}")
        if hasattr(module, "PARAMS"):
            yield module


def test_parameter_labels_have_both_languages():
    modules = list(simulations())
    assert {module.__name__.rsplit(".", 1)[1] for module in modules} >= {"arena", "hmm", "minibatch"}
    for module in modules:
        for spec in module.PARAMS:
            assert set(spec.label) == {"zh", "en"}, spec.name
            assert HAN.search(spec.label["zh"]) and not HAN.search(spec.label["en"]), spec.name
            for choice in spec.choices:
                labels = spec.choice_labels.get(choice)
                if labels is not None:
                    assert set(labels) == {"zh", "en"}, (spec.name, choice)


def test_tr_fills_fields():
    assert tr("lr.diverged_at", "en", step=7).startswith("Diverged: at step 7")
