"""``explorer --bench``: start-up against a bare PySide6 window, and topic switching.

Times are wall-clock medians on a shared machine, so the figure that matters is the ratio to the
baseline measured the same way in the same run, not the milliseconds themselves.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_PAINT_MARKER = "first-paint"

BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("Concept Explorer")
window.setCentralWidget(label)
window.resize(1280, 800)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("first-paint", flush=True)
            app.exit(0)
        return False

watcher = FirstPaint()
label.installEventFilter(watcher)
window.show()
app.exec()
"""


def _environment(settings_dir: str) -> dict:
    env = dict(os.environ)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["CONCEPT_EXPLORER_SETTINGS"] = str(Path(settings_dir) / "bench.ini")
    return env


def time_to_first_paint(command: list[str], env: dict, timeout: float = 60.0) -> float:
    """Milliseconds from starting ``command`` until it prints the first-paint marker."""
    start = time.perf_counter()
    elapsed = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True) as process:
        try:
            for line in process.stdout:
                if line.strip() == FIRST_PAINT_MARKER:
                    elapsed = (time.perf_counter() - start) * 1000
                    break
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    if elapsed is None:
        raise RuntimeError(f"{' '.join(command[:3])} exited without painting")
    return elapsed


def first_paint(runs: int = 5) -> dict:
    """Median cold start to first paint of the explorer and of a bare window, interleaved."""
    app_times, bare_times = [], []
    with tempfile.TemporaryDirectory() as settings_dir:
        env = _environment(settings_dir)
        app_command = [sys.executable, "-m", "explorer", "--exit-after-first-paint"]
        bare_command = [sys.executable, "-c", BARE_WINDOW]
        time_to_first_paint(bare_command, env)  # warm the file cache for both
        time_to_first_paint(app_command, env)
        for _ in range(runs):
            bare_times.append(time_to_first_paint(bare_command, env))
            app_times.append(time_to_first_paint(app_command, env))
    app_ms, bare_ms = statistics.median(app_times), statistics.median(bare_times)
    return {
        "first_paint_ms": round(app_ms, 1),
        "baseline_first_paint_ms": round(bare_ms, 1),
        "first_paint_ratio": round(app_ms / bare_ms, 2),
        "first_paint_runs_ms": [round(t, 1) for t in app_times],
        "baseline_runs_ms": [round(t, 1) for t in bare_times],
    }


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "n": len(ordered)}


def topic_switch(languages=("zh", "en")) -> dict:
    """Milliseconds from choosing a topic until the window has repainted, every topic and language."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from explorer.core.content import load_content
    from explorer.core.state import ExplorerState
    from explorer.qt.main_window import MainWindow

    from explorer.qt.formula_images import use_disk_cache

    app = QApplication.instance() or QApplication(sys.argv[:1])
    use_disk_cache()
    content = load_content()
    state = ExplorerState(content.tree)
    window = MainWindow(state, content)
    started = time.perf_counter()
    window.show()
    window.demo_panel.activate()
    app.processEvents()
    # Measure what a student meets once the background warm-up (formulas typeset and drawn
    # ahead) is over; how long that took is reported beside it.
    while window.page.formula_images.busy and time.perf_counter() - started < 120:
        app.processEvents()
        time.sleep(0.005)
    warmup = time.perf_counter() - started
    samples = []
    order = content.tree.reading_order
    for lang in languages:
        state.set_lang(lang)
        app.processEvents()
        for topic_id in order + order[:1]:
            start = time.perf_counter()
            state.go(topic_id)
            app.processEvents()
            window.repaint()
            samples.append((time.perf_counter() - start) * 1000)
    switches = _switch_timings(app, window, state)
    window.close()
    window.deleteLater()
    app.processEvents()
    return {**percentiles(samples), "after_warmup_s": round(warmup, 2), **switches}


def _switch_timings(app, window, state, rounds: int = 4) -> dict:
    """Language and theme switches on a topic with a demo, until the window has repainted."""
    from explorer.qt.theme import LIGHT, apply_theme

    state.go("learning-rate")
    app.processEvents()
    language, theme = [], []
    for _ in range(rounds):
        for lang in ("en", "zh"):
            start = time.perf_counter()
            state.set_lang(lang)
            app.processEvents()
            window.repaint()
            language.append((time.perf_counter() - start) * 1000)
        for name in ("dark", "light"):
            start = time.perf_counter()
            window.set_theme(name)
            app.processEvents()
            window.repaint()
            theme.append((time.perf_counter() - start) * 1000)
    apply_theme(LIGHT)
    return {"language_switch_ms": percentiles(language), "theme_switch_ms": percentiles(theme)}


SEARCH_QUERIES = ("早停", "学习率太大会怎样", "过拟合", "梯度噪声", "维特比", "幻觉", "量化 int8", "温度",
                  "BM25 检索", "检索增强", "early stopping", "learning rate", "batch size noise", "Baum-Welch",
                  "hallucination", "quantization outlier", "Elo rating", "MMLU", "temperature", "prompt")


def search_timings(repeats: int = 5) -> dict:
    """Building the search index once, and each query of a fixed set in both languages."""
    from explorer.core import search
    from explorer.core.content import load_content

    tree = load_content().tree
    start = time.perf_counter()
    index = search.SearchIndex.build(tree)
    build_ms = (time.perf_counter() - start) * 1000
    samples = []
    for _ in range(repeats):
        for query in SEARCH_QUERIES:
            start = time.perf_counter()
            index.search(query)
            samples.append((time.perf_counter() - start) * 1000)
    return {"search_ms": percentiles(samples), "search_index_build_ms": round(build_ms, 1)}


def _sweep(spec, count: int) -> list:
    """``count`` values of a parameter across its range (choices cycled)."""
    if spec.kind == "choice":
        return [spec.choices[n % len(spec.choices)] for n in range(count)]
    values = [min(spec.max, spec.min + (spec.max - spec.min) * n / (count - 1)) for n in range(count)]
    return [round(v) for v in values] if spec.kind == "int" else values


def demo_timings(changes_per_param: int = 12, animation_seconds: float = 3.0) -> dict:
    """Per demo: a control change until the frame is painted, and animation frame rate."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from explorer.qt.demos import REGISTRY
    from explorer.qt.theme import configure_pyqtgraph

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    results = {}
    for demo_id, entry in REGISTRY.items():
        demo = entry.widget("zh")
        demo.resize(640, 820)
        demo.show()
        app.processEvents()
        samples = []
        for spec in entry.params:
            if spec.name == "seed":
                continue
            for value in _sweep(spec, changes_per_param):
                start = time.perf_counter()
                demo.set_param(spec.name, value)
                app.processEvents()  # delivers the update request: what changed is painted
                samples.append((time.perf_counter() - start) * 1000)
            demo.set_param(spec.name, spec.default)
        result = {"param_to_paint_ms": percentiles(samples)}
        if demo.playback is not None:
            result.update(_animation(app, demo.playback, animation_seconds))
        demo.cleanup()
        demo.close()
        demo.deleteLater()
        app.processEvents()
        results[demo_id] = result
    return results


def _animation(app, playback, seconds: float) -> dict:
    """Frames per second while the demo animates (looping), and the share of frames over 17 ms.

    A frame's interval runs from one timer tick to the next: a tick that comes late means the
    frame before it (its drawing and painting) took too long.
    """
    playback.reset()
    playback.tick_times.clear()
    playback.play()
    first = playback.frames_drawn
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        if not playback.is_playing():  # the run ended: start it again
            playback.play()
        time.sleep(0.0005)
    playback.pause()
    frames = playback.frames_drawn - first
    ticks = list(playback.tick_times)
    intervals = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:]) if b - a < 0.5]  # not across a restart pause
    slow = sum(1 for ms in intervals if ms > 17.0)
    return {"animation_fps": round(frames / seconds, 1),
            "frames_over_17ms": round(slow / max(1, len(intervals)), 3)}


def run_benchmarks(runs: int = 5) -> dict:
    results = {"python": sys.version.split()[0], "platform": os.environ.get("QT_QPA_PLATFORM") or "default"}
    results.update(first_paint(runs))
    switching = topic_switch()
    results["language_switch_ms"] = switching.pop("language_switch_ms")
    results["theme_switch_ms"] = switching.pop("theme_switch_ms")
    results["topic_switch_ms"] = switching
    results.update(search_timings())
    results["demos"] = demo_timings()
    return results
