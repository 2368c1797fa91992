"""``explorer --bench``: start-up against a bare PySide6 window, topic switching, search, every
demo's repaint and animation times, resident memory; ``--soak`` adds minutes of animation.

Times are wall-clock medians on a shared machine, so the figure that matters is the ratio to the
baseline measured the same way in the same run, not the milliseconds themselves.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_PAINT_MARKER = "first-paint"
INTERACTIVE_MARKER = "interactive"
# Cold starts of each, interleaved: a shared machine's load moves the bare window's time as much
# as the app's, and the median of nine pairs swings less with it than that of five.
FIRST_PAINT_RUNS = 9

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


def time_to_markers(command: list[str], env: dict, markers: tuple[str, ...] = (FIRST_PAINT_MARKER,),
                    timeout: float = 60.0) -> dict[str, float]:
    """Milliseconds from starting ``command`` until it prints each of ``markers`` (on lines of their own)."""
    start = time.perf_counter()
    seen: dict[str, float] = {}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True) as process:
        try:
            for line in process.stdout:
                if line.strip() in markers:
                    seen[line.strip()] = (time.perf_counter() - start) * 1000
                    if len(seen) == len(markers):
                        break
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    missing = [marker for marker in markers if marker not in seen]
    if missing:
        raise RuntimeError(f"{' '.join(command[:3])} exited without printing {', '.join(missing)}")
    return seen


def first_paint(runs: int = FIRST_PAINT_RUNS) -> dict:
    """Median cold start to first paint of the explorer and of a bare window, interleaved, and of
    the explorer until its first demo is built and drawn (it accepts input from then on)."""
    app_times, interactive_times, bare_times = [], [], []
    # Time the explorer as installed, with its bytecode compiled (pip and the packages do that):
    # in a source checkout with PYTHONDONTWRITEBYTECODE set, every changed module would otherwise
    # be compiled again at every start, and the bare window (all installed) would not pay for it.
    compileall.compile_dir(str(Path(__file__).parent), quiet=2)
    with tempfile.TemporaryDirectory() as settings_dir:
        env = _environment(settings_dir)
        app_command = [sys.executable, "-m", "explorer", "--exit-when-interactive"]
        bare_command = [sys.executable, "-c", BARE_WINDOW]
        app_markers = (FIRST_PAINT_MARKER, INTERACTIVE_MARKER)
        time_to_markers(bare_command, env)  # warm the file cache for both
        time_to_markers(app_command, env, app_markers)
        for _ in range(runs):
            bare_times.append(time_to_markers(bare_command, env)[FIRST_PAINT_MARKER])
            app = time_to_markers(app_command, env, app_markers)
            app_times.append(app[FIRST_PAINT_MARKER])
            interactive_times.append(app[INTERACTIVE_MARKER])
    app_ms, bare_ms = statistics.median(app_times), statistics.median(bare_times)
    return {
        "first_paint_ms": round(app_ms, 1),
        "baseline_first_paint_ms": round(bare_ms, 1),
        "first_paint_ratio": round(app_ms / bare_ms, 2),
        "interactive_ms": round(statistics.median(interactive_times), 1),
        "first_paint_runs_ms": [round(t, 1) for t in app_times],
        "baseline_runs_ms": [round(t, 1) for t in bare_times],
    }


def resident_mb() -> float | None:
    """This process's resident memory in MB (Linux /proc; elsewhere psutil if installed)."""
    try:
        with open("/proc/self/statm") as stream:
            pages = int(stream.read().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil
    except ImportError:
        return None
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "n": len(ordered)}


def topic_switch(languages=("zh", "en")) -> dict:
    """Milliseconds from choosing a topic until the window has repainted, every topic and language.

    A demo that is not kept built is built right after that repaint (the page comes first);
    ``demo_built_ms`` is the time from choosing such a topic until its demo has been painted too.
    """
    # Measured once the work ahead after start-up (formulas typeset and drawn, pages rendered) is
    # over: what a student meets after the first seconds; how long that took is reported beside it.
    app, window, state, content, warmup = _open_window()
    panel = window.demo_panel
    page_shown = []  # when a deferred build starts, the page has been painted and flushed
    panel.deferred_build_started.connect(lambda: page_shown.append(time.perf_counter()))
    rss_start = resident_mb()
    samples, built = [], []
    order = content.tree.reading_order
    for lang in languages:
        state.set_lang(lang)
        app.processEvents()
        for topic_id in order + order[:1]:
            page_shown.clear()
            start = time.perf_counter()
            state.go(topic_id)
            deferred = panel.building
            app.processEvents()
            window.repaint()
            done = time.perf_counter()
            if deferred:  # the student reads the page meanwhile; the demo arrives
                while panel.building and time.perf_counter() - start < 10:
                    app.processEvents()
                window.repaint()
                built.append((time.perf_counter() - start) * 1000)
                done = page_shown[0] if page_shown else done
            samples.append((done - start) * 1000)
            _delete_discarded(app)
    rss_visited = resident_mb()
    switches = _switch_timings(app, window, state)
    _dispose(app, window)
    return {**percentiles(samples), "demo_built_ms": {**percentiles(built), "count": len(built)},
            "after_warmup_s": round(warmup, 2), **switches,
            "rss_mb": {"start": rss_start, "after_every_topic": rss_visited}}


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


def _sweep(spec, count: int, shift: float = 0.0) -> list:
    """``count`` values of a parameter evenly across its range, moved ``shift`` of a step up (the
    ones that would pass the top are left out); choices cycled."""
    if spec.kind == "choice":
        return [spec.choices[n % len(spec.choices)] for n in range(count)]
    steps = [(n + shift) / (count - 1) for n in range(count)]
    values = [spec.min + (spec.max - spec.min) * step for step in steps if step <= 1.0]
    return [round(v) for v in values] if spec.kind == "int" else values


SWEEPS = 3  # times every control is swept, each time a third of a step further along


def demo_timings(changes_per_param: int = 12, animation_seconds: float = 5.0, sweeps: int = SWEEPS) -> dict:
    """Per demo: a control change until the frame is painted, and animation frame rate.

    Every control is swept ``sweeps`` times across its range, each time at values a fraction of
    a step further along and, in a demo with a seed, with another seed (so that the simulations
    have kept nothing from the sweep before), and the percentiles are over all the changes: a
    few hundred per demo, so that a moment in which the machine is busy with something else moves
    the 95th percentile less than it did in one sweep of about 70. Then, with every whole-number
    control at its maximum (``largest_settings``), every control is swept once more, half a step
    along: the same measure where a demo has the most to compute."""
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
        changes = _Changes()
        reference_before = host_reference_ms()
        seed = next((spec for spec in entry.params if spec.name == "seed"), None)
        for sweep in range(sweeps):
            if seed is not None and sweep:  # another seed: nothing the simulations have kept
                demo.set_param("seed", seed.min + sweep)
                demo.settle()
                app.processEvents()
            changes.sweep(app, demo, entry.params, changes_per_param, sweep / sweeps)
        if seed is not None:
            demo.set_param("seed", seed.default)
        result = {**changes.results("param_to_paint_ms", "param_to_whole_ms"),
                  "host_reference_ms": [reference_before, host_reference_ms()]}
        largest = largest_settings(entry.params)
        if largest:
            demo.set_params(largest)
            demo.settle()
            app.processEvents()
            at_max = _Changes(largest)
            at_max.sweep(app, demo, entry.params, changes_per_param, 0.5)
            result.update(at_max.results("param_to_paint_at_max_ms", "param_to_whole_at_max_ms"))
            result["max_settings"] = largest
            demo.set_params({})
            demo.settle()
            app.processEvents()
        field = getattr(demo, "typing_field", None)
        if field is not None:
            result["typing_to_paint_ms"] = _typing(app, field)
        if demo.playback is not None:
            result.update(_animation(app, demo.playback, animation_seconds))
        demo.cleanup()
        _dispose(app, demo)
        results[demo_id] = result
    return results


def largest_settings(specs) -> dict:
    """Every whole-number control but the seed at its maximum: the longest runs, the most data,
    the most models, where a demo has the most to compute for each change."""
    return {spec.name: int(spec.max) for spec in specs if spec.kind == "int" and spec.name != "seed"}


class _Changes:
    """Control changes timed until painted (``first``) and, for a demo that draws a long run in
    slices, until its last slice is painted (``whole``). The settings in ``base`` are what a
    control returns to after its sweep (the defaults for the rest)."""

    def __init__(self, base: dict | None = None):
        self.base = base or {}
        self.first: list[float] = []
        self.whole: list[float] = []
        self.sliced = 0

    def sweep(self, app, demo, specs, count: int, shift: float) -> None:
        for spec in specs:
            if spec.name == "seed":
                continue
            for value in _sweep(spec, count, shift):
                start = time.perf_counter()
                demo.set_param(spec.name, value)
                app.processEvents()  # delivers the update request: what changed is painted
                self.first.append((time.perf_counter() - start) * 1000)
                self.sliced += demo.drawing_pending
                while demo.drawing_pending:  # the rest of a long run, in the frames after
                    app.processEvents()
                self.whole.append((time.perf_counter() - start) * 1000)
            demo.set_param(spec.name, self.base.get(spec.name, spec.default))
            demo.settle()

    def results(self, first_key: str, whole_key: str) -> dict:
        found = {first_key: percentiles(self.first)}
        if self.sliced:  # some changes drew their first frame and finished in the next ones
            found[whole_key] = {**percentiles(self.whole), "changes_drawn_in_slices": self.sliced}
        return found


def _delete_discarded(app) -> None:
    """Delete what was handed to ``deleteLater`` (demos the window let go of), as the window's
    event loop does between events. ``processEvents`` outside an event loop never does: without
    this, everything discarded during a measurement would stay alive under the next one (and be
    walked by every garbage collection, and counted in the resident memory)."""
    from PySide6.QtCore import QEvent

    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def host_reference_ms(repeats: int = 5) -> float:
    """Milliseconds for a fixed piece of work like the simulations' own (float arithmetic in a
    Python loop), median of ``repeats``: the same from run to run on one machine unless something
    else has its processors. Taken before and after each demo's control changes, it says whether
    a slow sweep met a slow machine."""
    import math

    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        value, tanh = 0.0, math.tanh
        for step in range(20000):
            value -= 0.01 * (tanh(0.5 * value + 1e-4 * step) - 0.25)
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def _dispose(app, widget) -> None:
    """Close ``widget`` and delete it now."""
    widget.close()
    widget.deleteLater()
    _delete_discarded(app)
    app.processEvents()


TYPED_TEXT = "learning rate 学习率 BM25 检索增强"


def _typing(app, field) -> dict:
    """Milliseconds from a key typed into a demo's text field until the frame is painted, one key
    at a time (Latin and Chinese characters, then as many backspaces)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    def press(key, text: str) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(field, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))

    field.setFocus()
    press(Qt.Key.Key_End, "")
    app.processEvents()
    samples = []
    keys = [(Qt.Key.Key_unknown if not character.isascii() else Qt.Key(ord(character.upper())), character)
            for character in TYPED_TEXT] + [(Qt.Key.Key_Backspace, "")] * len(TYPED_TEXT)
    for key, text in keys:
        start = time.perf_counter()
        press(key, text)
        app.processEvents()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def _animation(app, playback, seconds: float) -> dict:
    """Frames per second while the demo animates (looping), and the share of frames over 17 ms.

    A frame's interval runs from one timer tick to the next: a tick that comes late means the
    frame before it (its drawing and painting) took too long. The gap between the last frame of
    a run and the first of the next (the run starting again, as Play would) is not a frame: a
    short run (the pipeline's stream lasts 18 frames) would otherwise count each restart as one.
    """
    playback.reset()
    playback.tick_times.clear()
    playback.play()
    first = playback.frames_drawn
    ends = set()  # the last tick of each run
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        if not playback.is_playing():  # the run ended: start it again
            if playback.tick_times:
                ends.add(playback.tick_times[-1])
            playback.play()
        time.sleep(0.0005)
    playback.pause()
    frames = playback.frames_drawn - first
    ticks = list(playback.tick_times)
    intervals = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:]) if a not in ends]
    slow = sum(1 for ms in intervals if ms > 17.0)
    return {"animation_fps": round(frames / seconds, 1),
            "frames_over_17ms": round(slow / max(1, len(intervals)), 3)}


def soak(minutes: float = 10.0, turn_seconds: float = 20.0, sample_seconds: float = 5.0) -> dict:
    """Every animated demo in the window, in turns of ``turn_seconds``, for ``minutes``; resident
    memory sampled as it goes. Growth is measured from the end of the first round (every demo
    built, every cache filled once) to the end: growth that keeps on is a leak."""
    app, window, state, content, _ = _open_window()
    by_demo = {content.tree.get(topic_id).demo: topic_id for topic_id in reversed(content.tree.reading_order)}
    animated = [topic_id for topic_id in content.tree.reading_order
                if by_demo.get(content.tree.get(topic_id).demo) == topic_id
                and _playback(window, state, app, topic_id) is not None]
    if not animated:
        raise RuntimeError("no animated demo to soak")
    start = time.perf_counter()
    end = start + minutes * 60
    rss_start = resident_mb()
    samples, after_first_round, turn = [], None, 0
    next_sample = start
    while time.perf_counter() < end:
        playback = _playback(window, state, app, animated[turn % len(animated)])
        playback.reset()
        playback.play()
        turn_end = min(end, time.perf_counter() + turn_seconds)
        while time.perf_counter() < turn_end:
            app.processEvents()
            if not playback.is_playing():
                playback.reset()
                playback.play()
            if time.perf_counter() >= next_sample:
                samples.append([round(time.perf_counter() - start, 1), resident_mb()])
                next_sample += sample_seconds
            time.sleep(0.001)
        playback.pause()
        _delete_discarded(app)
        turn += 1
        if turn == len(animated):
            after_first_round = resident_mb()
    rss_end = resident_mb()
    _dispose(app, window)
    base = after_first_round or rss_start
    growth = round((rss_end - base) / base * 100, 2) if base and rss_end else None
    return {"minutes": minutes, "topics": animated,
            "rss_mb": {"start": rss_start, "after_first_round": after_first_round, "end": rss_end},
            "growth_percent": growth, "samples": samples}


def _open_window():
    """A main window on the built-in content, shown, its demo built and its work ahead done
    (formulas typeset and drawn, pages rendered); with the seconds that took."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from explorer.core.content import load_content
    from explorer.core.state import ExplorerState
    from explorer.qt.formula_images import use_disk_cache
    from explorer.qt.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    use_disk_cache()
    content = load_content()
    state = ExplorerState(content.tree)
    window = MainWindow(state, content)
    window.resize(1280, 800)
    started = time.perf_counter()
    window.show()
    window.demo_panel.activate()
    while window.warming_up and time.perf_counter() - started < 120:
        app.processEvents()
        time.sleep(0.005)
    return app, window, state, content, time.perf_counter() - started


def _playback(window, state, app, topic_id: str):
    """Go to ``topic_id``; the playback of its demo, if the demo animates."""
    state.go(topic_id)
    app.processEvents()
    demo = window.demo_panel.demo if window.demo_panel.isVisible() else None
    return getattr(demo, "playback", None)


def run_benchmarks(runs: int = FIRST_PAINT_RUNS, soak_minutes: float | None = None) -> dict:
    results = {"python": sys.version.split()[0], "platform": os.environ.get("QT_QPA_PLATFORM") or "default"}
    results.update(first_paint(runs))
    switching = topic_switch()
    results["language_switch_ms"] = switching.pop("language_switch_ms")
    results["theme_switch_ms"] = switching.pop("theme_switch_ms")
    results["rss_mb"] = switching.pop("rss_mb")
    results["topic_switch_ms"] = switching
    results.update(search_timings())
    results["demos"] = demo_timings()
    if soak_minutes:
        soaked = soak(soak_minutes)
        results["rss_mb"]["after_soak"] = soaked["rss_mb"]["end"]
        results["soak"] = soaked
    return results
