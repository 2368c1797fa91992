"""The command line, run as a user would run it: in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def explorer(*args, env=None, timeout=120):
    environment = dict(os.environ if env is None else env)
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          timeout=timeout, env=environment)


def headless_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return env


def test_version():
    from explorer import __version__

    result = explorer("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"concept-explorer {__version__}"


def test_list_topics():
    result = explorer("--list-topics")
    assert result.returncode == 0, result.stderr
    topics = {t["id"]: t for t in json.loads(result.stdout)}
    lr = topics["learning-rate"]
    assert set(lr) == {"id", "parent", "title", "languages", "demo", "questions"}
    assert lr["parent"] == "training" and lr["demo"] == "learning-rate"
    assert lr["title"] == {"zh": "学习率", "en": "Learning rate"}
    assert lr["languages"] == ["zh", "en"] and lr["questions"]["zh"] >= 2
    assert topics["training"]["parent"] is None


def test_list_topics_with_a_teacher_folder():
    result = explorer("--content", str(FIXTURES / "good-pack"), "--list-topics")
    assert result.returncode == 0, result.stderr
    ids = [t["id"] for t in json.loads(result.stdout)]
    assert "my-topic" in ids and "learning-rate" in ids


def test_list_demos():
    result = explorer("--list-demos")
    assert result.returncode == 0, result.stderr
    demos = {d["id"]: d for d in json.loads(result.stdout)}
    params = {p["name"]: p for p in demos["learning-rate"]["params"]}
    assert params["lr"]["min"] == 0.001 and params["lr"]["max"] == 10 and params["lr"]["default"] == 0.1
    assert all({"name", "min", "max", "default"} <= set(p) for p in params.values())


def test_check_content_clean_folder():
    result = explorer("--check-content", str(FIXTURES / "good-pack"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "2 topics checked: 0 errors, 0 warnings"


def test_check_content_reports_every_problem_as_file_line_message():
    result = explorer("--check-content", str(FIXTURES / "broken-pack"))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 13
    for line in lines:
        file, number, message = line.split(":", 2)
        assert file.endswith(".md") and number.isdigit() and message.strip()
    assert "Traceback" not in result.stderr
    assert "errors" in result.stderr
    assert any(line.startswith(str(FIXTURES / "broken-pack" / "bad-formula.zh.md") + ":7: cannot typeset")
               or "bad-formula.zh.md:7: cannot typeset" in line for line in lines)
    assert any("bad-formula.zh.md:9: cannot typeset" in line and "Chinese" in line for line in lines)


@pytest.mark.parametrize("args, words", [
    (["--topic", "no-such-topic"], "unknown topic id 'no-such-topic'"),
    (["--lang", "fr"], "invalid choice"),
    (["--no-such-flag"], "unrecognized arguments"),
    (["--check-content", "/no/such/folder"], "does not exist"),
    (["--content", "/no/such/folder"], "does not exist"),
    (["explorer://page/x"], "deep link"),
    (["explorer://topic/no-such-topic"], "unknown topic id"),
    (["--size", "big"], "is not a size like 1920x1080"),
    (["--size", "10x10"], "is outside"),
    (["--soak", "1"], "--soak goes with --bench"),
])
def test_bad_arguments_get_one_line_and_exit_2(args, words):
    result = explorer(*args, env=headless_env())
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert result.stderr.startswith("explorer: error: ")


def assert_screenshot(path: Path, size=(1280, 800)):
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert (image.width(), image.height()) == size
    colours = {image.pixel(x, y) for x in range(0, size[0], 16) for y in range(0, size[1], 16)}
    assert len(colours) > 20, "the screenshot is blank"


def test_search_prints_hits_as_json():
    result = explorer("--search", "早停", env=headless_env())
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["id"] == "epoch" and set(hits[0]) == {"id", "title", "score", "snippet"}
    assert hits[0]["title"] == "轮次与早停" and hits == sorted(hits, key=lambda h: -h["score"])
    english = json.loads(explorer("--search", "early stopping", "--lang", "en", env=headless_env()).stdout)
    assert english[0]["id"] == "epoch" and english[0]["title"] == "Epochs and early stopping"
    assert json.loads(explorer("--search", "qwxzzy", env=headless_env()).stdout) == []


def test_every_title_and_interface_character_has_a_glyph():
    result = explorer("--font-check", env=headless_env())
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["missing"] == "", f"drawn as boxes: {report['missing']}"


def test_screenshot_without_any_display(tmp_path):
    out = tmp_path / "shot.png"
    result = explorer("explorer://topic/learning-rate?lr=1.9", "--lang", "en", "--screenshot", str(out), env=headless_env())
    assert result.returncode == 0, result.stderr
    assert_screenshot(out)


def test_screenshot_at_a_projector_size(tmp_path):
    out = tmp_path / "shot.png"
    result = explorer("--topic", "epoch", "--size", "1920x1080", "--screenshot", str(out), env=headless_env())
    assert result.returncode == 0, result.stderr
    assert_screenshot(out, (1920, 1080))


@pytest.mark.xvfb
def test_screenshot_under_xvfb(tmp_path, xvfb_display):
    out = tmp_path / "shot.png"
    env = headless_env()
    env["DISPLAY"] = xvfb_display
    env["QT_QPA_PLATFORM"] = "xcb"
    result = explorer("--topic", "learning-rate", "--screenshot", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert_screenshot(out)


def test_check_content_of_the_builtin_folder_uses_the_builtin_rules():
    from explorer.core.resources import builtin_topics_dir

    result = explorer("--check-content", str(builtin_topics_dir()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith(" 0 errors, " + result.stdout.strip().split(" 0 errors, ")[-1])
    assert "already defined" not in result.stdout


def test_the_shipped_example_folder_is_clean():
    folder = Path(__file__).parent.parent / "assets" / "examples" / "my-course"
    result = explorer("--check-content", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("0 errors, 0 warnings")


@pytest.mark.parametrize("flag, printed", [("--exit-after-first-paint", ["first-paint"]),
                                           ("--exit-when-interactive", ["first-paint", "interactive"])])
def test_leaving_right_after_start_up_is_clean(flag, printed, tmp_path):
    """The benchmark's start-ups quit while start-up work is still queued: nothing may run on
    the deleted window (once: tracebacks from a timer that fired after the window was gone)."""
    env = headless_env()
    env["CONCEPT_EXPLORER_SETTINGS"] = str(tmp_path / "settings.ini")
    result = explorer(flag, env=env)
    assert result.returncode == 0
    assert result.stdout.split() == printed
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr


def test_a_start_up_with_its_page_cached_loads_only_what_its_first_paint_needs(tmp_path):
    """The Markdown renderer, the SVG drawing of formulas, numpy and pyqtgraph, and JSON all
    wait until after the first paint once the page and its formulas are cached."""
    env = dict(headless_env(), QT_QPA_PLATFORM="offscreen", CONCEPT_EXPLORER_CACHE=str(tmp_path),
               CONCEPT_EXPLORER_LOG_DIR=str(tmp_path), CONCEPT_EXPLORER_SETTINGS=str(tmp_path / "settings.ini"))
    command = [sys.executable, "-X", "importtime", "-m", "explorer", "--exit-after-first-paint", "--topic", "epoch"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]

    def imported(stderr: str) -> set[str]:
        return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}

    assert "markdown" in imported(first.stderr)
    deferred = {"markdown", "numpy", "pyqtgraph", "json", "PySide6.QtSvg"}
    assert imported(second.stderr) & deferred == set()
    assert list((tmp_path / "pages").glob("body-*.html"))


def test_numpy_runs_on_one_blas_thread_unless_told_otherwise():
    code = "import explorer.app, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout.strip() == "1"
    env["OPENBLAS_NUM_THREADS"] = "4"
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout.strip() == "4"
