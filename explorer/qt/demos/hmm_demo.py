"""The hidden Markov model demo: generation, the forward algorithm, Viterbi, and Baum–Welch.

One model λ = (A, B, π) from a preset, editable in the "Model" tab, drives four views. The
observation sequence is the preset's example, a sequence generated from λ (length and seed), or
one the user types. Play / Step / Step back walk the chosen view; a whole step is finished, the
fraction animates the step under way, so the 16 ms frames move smoothly between steps.
"""

from __future__ import annotations

import math
import re

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QScrollArea, QStackedWidget, QTabWidget, QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import hmm
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.hmm_editor import ModelEditor
from explorer.qt.demos.hmm_learning import LearningView
from explorer.qt.demos.hmm_views import GraphData, StateGraphView, TrellisData, TrellisView, format_probability
from explorer.qt.demos.playback import Playback
from explorer.qt.demos.plotting import status_label

RUN_SECONDS = 20.0  # the longest a run takes at 1×; short runs go one step a second
PAGES = {"generate": 0, "forward": 1, "viterbi": 1, "learn": 2}
SEPARATORS = re.compile(r"[\s,，、;；→>-]+")


class HmmDemo(DemoWidget):
    """A hidden process, its observations, and the three classic HMM problems solved step by step."""

    SPECS = hmm.PARAMS

    # -- building ---------------------------------------------------------------------------
    def build_view(self, layout: QVBoxLayout) -> None:
        self.model: hmm.Model | None = None
        self.observations = np.zeros(0, dtype=int)
        self.typed: np.ndarray | None = None
        self.sample = None
        self.forward_run = None
        self.viterbi_run = None
        self.learning = None
        self._preset = None
        self.playback = Playback(self, 1, 1.0, "hmm.step", self._progress_text, step_back=True)
        self.playback.position_changed.connect(self._show)

        self.status = status_label("status", bold=True)
        self.detail = status_label("detail")
        layout.addWidget(self.status)
        layout.addWidget(self.detail)

        self.tabs = QTabWidget(objectName="hmm-tabs")
        self.pages = QStackedWidget()
        self.graph_view = StateGraphView()
        self.trellis_view = TrellisView()
        self.learning_view = LearningView()
        for page in (self.graph_view, self.trellis_view, self.learning_view):
            self.pages.addWidget(page)
        self.editor = ModelEditor(self.lang)
        self.editor.model_changed.connect(self._model_edited)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        self.tabs.addTab(self.pages, "")
        self.tabs.addTab(scroll, "")
        layout.addWidget(self.tabs, 1)

        row = QHBoxLayout()
        self.sequence_label = QLabel()
        self.sequence_edit = QLineEdit(objectName="sequence")
        self.sequence_edit.returnPressed.connect(self._sequence_typed)
        self.sequence_label.setBuddy(self.sequence_edit)
        row.addWidget(self.sequence_label)
        row.addWidget(self.sequence_edit, 1)
        layout.addLayout(row)

    def figure(self):
        """The view on show (graph, trellis or learning curve) is what an export saves."""
        return self.pages.currentWidget()

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        layout.addLayout(self.playback.row)

    def retranslate(self) -> None:
        lang = self.lang
        self.tabs.setTabText(0, tr("hmm.tab.demo", lang))
        self.tabs.setTabText(1, tr("hmm.tab.model", lang))
        self.sequence_label.setText(tr("hmm.sequence", lang))
        self.sequence_edit.setToolTip(tr("hmm.sequence.tip", lang))
        self.learning_view.set_labels(tr("hmm.learn.title", lang), tr("hmm.learn.x", lang), tr("hmm.learn.y", lang))
        self.editor.set_lang(lang)
        if self._preset is not None:
            self._rebuild()

    # -- model and sequence -----------------------------------------------------------------
    def redraw(self) -> None:
        preset = str(self.params["preset"])
        if preset != self._preset:
            self._preset = preset
            self.typed = None
            self.editor.load_preset(preset)
        self._rebuild()

    def _model_edited(self, model) -> None:
        self._rebuild()

    def _sequence_typed(self) -> None:
        """Read symbol names (either language) or numbers from the sequence box."""
        model = self.editor.current_model()
        if model is None:
            return
        names = {}
        for index, symbol in enumerate(model.symbols):
            for text in (*symbol.values(), str(index + 1)):
                names[text.casefold()] = index
        words = [word for word in SEPARATORS.split(self.sequence_edit.text().strip()) if word]
        unknown = [word for word in words if word.casefold() not in names]
        if not words or unknown:
            known = " / ".join(model.symbol_name(k, self.lang) for k in range(model.n_symbols))
            self.status.setText(tr("hmm.sequence.bad", self.lang, words=" ".join(unknown) or "—", known=known))
            return
        self.typed = np.array([names[word.casefold()] for word in words])
        if self.params["sequence"] == "typed":
            self._rebuild()
        else:
            self.set_param("sequence", "typed")

    def _chosen_observations(self, model: "hmm.Model") -> np.ndarray:
        source = self.params["sequence"]
        if source == "typed" and self.typed is not None and self.typed.max() < model.n_symbols:
            return self.typed
        if source == "example":
            example = np.asarray(hmm.PRESETS[self._preset].observations)
            if example.max() < model.n_symbols:  # a removed symbol leaves only the generated sequence
                return example
        return self.sample.observations

    def _rebuild(self) -> None:
        """Recompute everything the views show from the model, the sequence and the view."""
        model = self.editor.current_model()
        self.model = model
        view = str(self.params["view"])
        self.pages.setCurrentIndex(PAGES[view])
        if model is None:
            self.playback.pause()
            self.playback.set_total(0)
            self.status.setText(tr("hmm.invalid", self.lang))
            self.detail.setText("\n".join(p.message(self.lang) for p in self.editor.problems()))
            self.tabs.setCurrentIndex(1)
            self.playback.play_button.setEnabled(False)
            return
        self.playback.play_button.setEnabled(True)
        lang = self.lang
        length, seed = int(self.params["length"]), int(self.params["seed"])
        self.sample = hmm.sample(model, length, seed)
        self.observations = self._chosen_observations(model)
        # The box shows the sequence the view works on: generation and learning use the generated one.
        shown = self.sample.observations if view in ("generate", "learn") else self.observations
        self.sequence_edit.setText(" ".join(model.symbol_name(int(o), lang) for o in shown))
        self.sequence_edit.setCursorPosition(0)
        self.sequence_edit.setReadOnly(view in ("generate", "learn"))
        states = [model.state_name(i, lang) for i in range(model.n_states)]
        symbols = [model.symbol_name(k, lang) for k in range(model.n_symbols)]
        if view == "generate":
            self.graph_view.set_data(GraphData(states, symbols, model.A, model.pi, self.sample.states,
                                               self.sample.observations, self.params["hidden"] == "show",
                                               tr("hmm.tape.hidden", lang), tr("hmm.tape.observed", lang)))
            total = len(self.sample.observations)
        elif view in ("forward", "viterbi"):
            total = self._load_trellis(view, model, states, symbols)
        else:
            self.learning = hmm.baum_welch(self.sample.observations, model.n_states, model.n_symbols,
                                           int(self.params["iterations"]), seed)
            truth = hmm.forward(model, self.sample.observations).log_likelihood
            self.learning_view.set_run(self.learning.log_likelihoods, truth, tr("hmm.learn.truth", lang, value=truth))
            total = len(self.learning.log_likelihoods) - 1
        self.playback.units_per_second = max(1.0, total / RUN_SECONDS)
        self.playback.set_total(total)
        self._show(self.playback.shown)

    def _load_trellis(self, view: str, model, states: list[str], symbols: list[str]) -> int:
        obs = self.observations
        titles = [symbols[int(o)] for o in obs]
        self.forward_run = hmm.forward(model, obs)
        if view == "forward":
            run = self.forward_run
            exact = bool(np.all(run.alpha[run.alpha_hat > 0] > 0))
            values = run.alpha if exact else run.alpha_hat
            footer = tr("hmm.forward.footer", self.lang, p=format_probability(run.probability),
                        log=run.log_likelihood) if exact else tr("hmm.forward.footer_log", self.lang, log=run.log_likelihood)
            self.trellis_view.set_data(TrellisData(states, titles, values, run.alpha_hat, footer=footer))
            self._scaled = not exact
            return len(obs)
        run = hmm.viterbi(model, obs)
        self.viterbi_run = run
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            shading = np.exp(run.log_delta - run.log_delta.max(axis=1, keepdims=True))
        shading = np.nan_to_num(shading, nan=0.0)
        path_text = " → ".join(states[int(s)] for s in run.path)
        footer = tr("hmm.viterbi.footer", self.lang, path=path_text, p=format_probability(run.probability),
                    forward=format_probability(self.forward_run.probability))
        self.trellis_view.set_data(TrellisData(states, titles, run.delta, shading, run.backpointers, run.path, footer))
        return 2 * len(obs)

    # -- showing a position -----------------------------------------------------------------
    def _show(self, position: float) -> None:
        if self.model is None:
            return
        view = self.params["view"]
        if view == "generate":
            self.graph_view.set_position(position)
        elif view in ("forward", "viterbi"):
            self.trellis_view.set_position(position)
        else:
            iteration = int(math.floor(position + 1e-9))
            self.learning_view.set_iteration(iteration)
            self._show_matrices(iteration)
        self._describe(position)

    def _show_matrices(self, iteration: int) -> None:
        lang, model = self.lang, self.model
        learned = self.learning.models[iteration]
        self.learning_view.matrices.set_matrices(
            (learned.A, learned.B, np.atleast_2d(learned.pi)), (model.A, model.B, np.atleast_2d(model.pi)),
            ("A", "B", "π"), (tr("hmm.learn.learned", lang, iteration=iteration), tr("hmm.learn.true", lang)))

    def _describe(self, position: float) -> None:
        lang, view = self.lang, self.params["view"]
        step = int(math.floor(position + 1e-9))
        model = self.model
        if view == "generate":
            total = len(self.sample.observations)
            if step >= total:
                text = tr("hmm.generate.done", lang, total=total)
            elif step == 0 and position == 0:
                text = tr("hmm.generate.start", lang)
            else:
                t = min(step, total - 1)
                text = tr("hmm.generate.step", lang, t=t + 1, state=model.state_name(int(self.sample.states[t]), lang),
                          symbol=model.symbol_name(int(self.sample.observations[t]), lang))
            self.status.setText(text)
            self.detail.setText(tr("hmm.generate.detail", lang))
        elif view == "forward":
            total = len(self.observations)
            key = "hmm.forward.done" if step >= total else "hmm.forward.step"
            self.status.setText(tr(key, lang, t=min(step + 1, total), total=total,
                                   p=format_probability(self.forward_run.probability),
                                   log=self.forward_run.log_likelihood))
            self.detail.setText(tr("hmm.forward.scaled" if self._scaled else "hmm.forward.detail", lang))
        elif view == "viterbi":
            total = len(self.observations)
            run = self.viterbi_run
            if step < total:
                text = tr("hmm.viterbi.step", lang, t=step + 1, total=total)
            elif step < 2 * total:
                text = tr("hmm.viterbi.trace", lang, t=total - (step - total))
            else:
                text = tr("hmm.viterbi.done", lang, path=" → ".join(model.state_name(int(s), lang) for s in run.path),
                          p=format_probability(run.probability))
            self.status.setText(text)
            self.detail.setText(tr("hmm.viterbi.detail", lang))
        else:
            values = self.learning.log_likelihoods
            iteration = min(step, len(values) - 1)
            self.status.setText(tr("hmm.learn.step", lang, iteration=iteration, log=values[iteration],
                                   start=values[0]))
            self.detail.setText(tr("hmm.learn.detail", lang, length=len(self.sample.observations)))

    def _progress_text(self, position: float, total: float, lang: str) -> str:
        return tr("hmm.progress", lang, step=int(math.floor(position + 1e-9)), total=int(total))
