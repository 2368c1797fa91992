"""Start-up: the command line, the QApplication, the content and the window.

Commands that only print (``--version``, ``--list-topics``, ``--list-demos``, ``--check-content``,
``--bench``) never create a window. Errors in the arguments print one line and exit with 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Sequence

from explorer import __version__
from explorer.core.topics import LANGUAGES

EXIT_USAGE = 2

# Every matrix here is small: a multithreaded BLAS spends more waking its threads than it saves,
# and when the cores are busy a product of a few thousand numbers waited up to 24 ms for them (the
# arena's bootstrap, measured). One thread, unless the user asked otherwise; set before numpy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


class UsageError(Exception):
    """A bad argument; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise UsageError(message)


def _window_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 1920x1080") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"'{text}' is outside 320x240 … 7680x4320")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="explorer", description="Concept Explorer (概念探索器): LLM and ML concepts you can read and touch.")
    parser.add_argument("deep_link", nargs="?", metavar="DEEP_LINK", help="explorer://topic/ID?param=value&lang=en&seed=3")
    parser.add_argument("--topic", metavar="ID", help="open this topic")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of the interface and pages")
    parser.add_argument("--content", metavar="DIR", action="append", default=[], type=Path, help="an extra content folder (repeatable)")
    parser.add_argument("--present", action="store_true",
                        help="start in presentation mode (full screen, large text; Esc leaves)")
    parser.add_argument("--theme", choices=("auto", "light", "dark", "projector"),
                        help="colour theme (default: as last time, else follow the system)")
    parser.add_argument("--screenshot", metavar="PNG", type=Path, help="render the window, save a PNG and exit")
    parser.add_argument("--size", metavar="WxH", type=_window_size, default=(1280, 800),
                        help="window size for --screenshot (default 1280x800)")
    parser.add_argument("--list-topics", action="store_true", help="print the topics as JSON")
    parser.add_argument("--list-demos", action="store_true", help="print the demos and their parameters as JSON")
    parser.add_argument("--check-content", metavar="DIR", type=Path, help="validate a content folder; one 'file:line: message' per problem")
    parser.add_argument("--search", metavar="TEXT", help="search titles, pages and the glossary; print the hits as JSON")
    parser.add_argument("--bench", action="store_true", help="measure start-up and topic switching; print JSON")
    parser.add_argument("--soak", metavar="MINUTES", type=float, nargs="?", const=10.0,
                        help="with --bench: animate every demo for MINUTES (10) and report memory growth")
    parser.add_argument("--version", action="version", version=f"concept-explorer {__version__}")
    parser.add_argument("--exit-after-first-paint", action="store_true", help=argparse.SUPPRESS)
    # The benchmark's interactive time: prints "first-paint", then "interactive" once the demo
    # is built and drawn, and exits.
    parser.add_argument("--exit-when-interactive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--font-check", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return _run(args)
    except UsageError as error:
        print(f"explorer: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the JSON went to `head` or a pager that closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# Once PySide6 is loaded it reads the source of every module imported after it (for its opt-in
# ``__feature__`` syntax), which makes those imports about 40 % slower. The window's pure-Python
# modules (Markdown among them) are therefore imported first when a window is coming.
_WINDOW_MODULES = ("explorer.core.render", "explorer.core.state", "explorer.core.lesson",
                   "explorer.core.typeset_queue")


def _import_window_modules() -> None:
    import importlib

    for name in _WINDOW_MODULES:
        importlib.import_module(name)


def _print_json(value, indent: int | None = 2) -> None:
    import json  # only the commands that print need it

    print(json.dumps(value, ensure_ascii=False, indent=indent))


def _run(args: argparse.Namespace) -> int:
    if args.list_demos:
        return _list_demos()
    if args.check_content is not None:
        return _check_content(args.check_content)
    for folder in args.content:
        if not folder.is_dir():
            raise UsageError(f"content folder '{folder}' does not exist")
    from explorer.core.content import load_content

    if not (args.list_topics or args.font_check or args.search is not None or args.bench):
        _import_window_modules()
    from explorer.qt.cache import cache_dir

    content = load_content(args.content, cache_dir=cache_dir())
    if args.list_topics:
        return _list_topics(content)
    if args.font_check:
        return _font_check(content)
    if args.search is not None:
        return _search(content, args.search, args.lang)
    if args.soak is not None and not args.bench:
        raise UsageError("--soak goes with --bench")
    if args.bench:
        from explorer.bench import run_benchmarks

        _print_json(run_benchmarks(soak_minutes=args.soak))
        return 0
    start = _start_point(args, content)
    return _run_gui(args, content, start)


def _start_point(args, content) -> dict:
    """The topic, language and parameters asked for on the command line (validated)."""
    from explorer.core.state import DeepLink, DeepLinkError

    start: dict = {"topic": None, "lang": None, "params": {}, "seed": None}
    if args.deep_link:
        try:
            link = DeepLink.parse(args.deep_link)
        except DeepLinkError as error:
            raise UsageError(str(error)) from None
        start.update(topic=link.topic_id, lang=link.lang, params=dict(link.params or {}), seed=link.seed)
    if args.topic:
        start["topic"] = args.topic
    if args.lang:
        start["lang"] = args.lang
    if start["topic"] is not None and start["topic"] not in content.tree:
        raise UsageError(f"unknown topic id '{start['topic']}' (see explorer --list-topics)")
    return start


def _search(content, query: str, lang: str | None) -> int:
    """Print the hits, best first, one per topic (in ``lang`` when given)."""
    from explorer.core import search

    index = search.SearchIndex.build(content.tree)
    hits = search.one_per_topic(index.search(query, lang=lang, limit=100), lang)
    _print_json(search.to_json_hits(hits))
    return 0


def _list_topics(content) -> int:
    topics = [
        {
            "id": topic.id,
            "parent": topic.parent,
            "title": {lang: topic.title(lang) for lang in LANGUAGES},
            "languages": topic.languages,
            "demo": topic.demo,
            "questions": {lang: len(topic.pages[lang].questions) for lang in topic.languages},
        }
        for topic in content.tree
    ]
    _print_json(topics)
    return 0


def _list_demos() -> int:
    from explorer.qt.demos import REGISTRY

    demos = [{"id": entry.id, "params": [spec.to_json() for spec in entry.params]} for entry in REGISTRY.values()]
    _print_json(demos)
    return 0


def _check_content(folder: Path) -> int:
    if not folder.is_dir():
        raise UsageError(f"content folder '{folder}' does not exist")
    from explorer.core.content import check_folder, check_formulas
    from explorer.qt.demos import demo_catalog

    result = check_folder(folder, demos=demo_catalog())
    root = folder.resolve()
    own = [p for p in result.problems + check_formulas(result, root) if _inside(p.file, root)]
    for problem in own:
        print(problem)
    topics = sum(1 for t in result.tree if _inside(str(t.page("zh").source), root))
    errors = sum(1 for p in own if p.is_error)
    summary = f"{topics} topics checked: {errors} errors, {len(own) - errors} warnings"
    print(summary, file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


def _inside(file: str, root: Path) -> bool:
    return Path(file).resolve().is_relative_to(root)


def _run_gui(args, content, start: dict) -> int:
    timing_only = args.exit_after_first_paint or args.exit_when_interactive
    if (args.screenshot or timing_only) and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from explorer.core.state import ExplorerState
    from explorer.qt.main_window import MainWindow
    from explorer.qt.settings import open_settings, read_str
    from explorer.qt.theme import CJK_FAMILIES, THEME_CHOICES, apply_theme, resolve_theme, ui_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Concept Explorer")
    app.setOrganizationName("ConceptExplorer")
    app.setApplicationVersion(__version__)
    from explorer.qt.fonts import ensure_chinese_font

    bundled = ensure_chinese_font()
    if bundled and bundled not in CJK_FAMILIES:
        CJK_FAMILIES.append(bundled)
    app.setFont(ui_font())
    from explorer.qt.formula_images import use_disk_cache

    use_disk_cache()
    from explorer.core import render
    from explorer.qt.cache import cache_dir

    render.use_disk_cache(cache_dir() / "pages")
    remember = not (args.screenshot or timing_only)
    settings, damaged = open_settings() if remember else (None, None)
    saved_lang = read_str(settings, "view/lang", LANGUAGES) if settings else None
    saved_topic = read_str(settings, "topic/last") if settings else None
    if saved_topic not in content.tree:
        saved_topic = None
    state = ExplorerState(content.tree, start["topic"] or saved_topic, start["lang"] or saved_lang or "zh",
                          seed=start["seed"] or 0)
    state.params = dict(start["params"])
    theme_choice = args.theme or (read_str(settings, "view/theme", THEME_CHOICES) if settings else None) or "auto"
    theme = resolve_theme(theme_choice)
    apply_theme(theme)
    window = MainWindow(state, content, settings, theme_choice=theme_choice)
    if remember:
        window.restore()
    if theme.scale != 1.0:
        window.set_zoom(window.zoom)
    if args.screenshot:
        window.resize(*args.size)
        window.ready.connect(lambda: QTimer.singleShot(50, lambda: _save_screenshot(window, args.screenshot)))
    if args.exit_after_first_paint:
        window.page.first_painted.connect(lambda: (print("first-paint", flush=True), app.exit(0)))
    elif args.exit_when_interactive:
        window.page.first_painted.connect(lambda: print("first-paint", flush=True))
        window.ready.connect(lambda: (window.repaint(), print("interactive", flush=True), app.exit(0)))
    # The icon after the first paint: drawing it from its SVG for the window manager took
    # 5 ms before the window could appear. Installed packages name the icon for the desktop too.
    window.page.first_painted.connect(lambda: QTimer.singleShot(0, lambda: _set_icon(app)))
    window.show()
    if args.present:
        window.set_presenting(True)
        if args.screenshot:  # a picture of the given size, not of whatever screen this is
            window.showNormal()
            window.resize(*args.size)
    if damaged:
        from explorer.core.i18n import tr

        window.statusBar().showMessage(tr("settings.reset", state.lang, backup=damaged), 15000)
    if remember and content.errors:
        window.ready.connect(window.show_problems)
    from explorer.qt import fault_handler

    faults = fault_handler.install(window, show_dialogs=not timing_only and not args.screenshot)
    code = app.exec()
    from explorer.qt.shutdown import tear_down

    faults.uninstall()
    del window, faults
    tear_down()
    return code


def _font_check(content) -> int:
    """JSON: the Chinese font in use (bundled or not) and any title or interface character no font has.

    The packaging test runs the frozen app with this under an empty fontconfig.
    """
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QApplication

    from explorer.core.i18n import STRINGS
    from explorer.qt.demos import demo_catalog
    from explorer.qt.fonts import ensure_chinese_font
    from explorer.qt.theme import CJK_FAMILIES, ui_font

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 (fonts need it)
    bundled = ensure_chinese_font()
    if bundled and bundled not in CJK_FAMILIES:
        CJK_FAMILIES.append(bundled)
    families = ui_font().families()
    metrics = [QFontMetrics(QFont(family)) for family in families]
    text = "".join(topic.title(lang) for topic in content.tree for lang in LANGUAGES)
    text += "".join(entry["zh"] + entry["en"] for entry in STRINGS.values())
    for specs in demo_catalog().values():  # the demos' control labels
        for spec in specs:
            text += "".join(spec.label.values()) + "".join(v for names in spec.choice_labels.values() for v in names.values())
    # Page text too, without its formulas (those are drawn from the typesetter's own font).
    text += "".join(re.sub(r"\$[^$]*\$", "", page.body) for topic in content.tree for page in topic.pages.values())
    missing = sorted({ch for ch in text if not ch.isspace() and not any(m.inFontUcs4(ord(ch)) for m in metrics)})
    _print_json({"bundled": bundled, "families": families, "missing": "".join(missing)}, indent=None)
    return 0


def _set_icon(app) -> None:
    from PySide6.QtGui import QIcon

    from explorer.core.resources import asset_path

    icon = asset_path("icons", "concept-explorer.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def _save_screenshot(window, path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    if "formula:" in window.page.toHtml():
        window.page.formula_images.wait()
        QApplication.processEvents()  # delivers "formulas ready": the page asks for its formulas
        window.page.formula_images.settle()
    QApplication.processEvents()  # delivers "ready" again: the page is laid out with them
    if window.demo_panel.demo is not None:
        window.demo_panel.demo.settle()  # a long run's curves drawn to their end
    QApplication.processEvents()
    image = window.grab().toImage()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        print(f"explorer: error: cannot write '{path}'", file=sys.stderr)
        QApplication.exit(1)
        return
    window.close()
    QApplication.exit(0)
