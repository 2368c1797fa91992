"""The standard-library demo's examples: each runs on its default and on odd input without raising,
only the shipped examples run, typed text never becomes code, and what is shown is what ran."""

import inspect
import re
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path

import pytest

from explorer.core import stdlib_examples as se
from explorer.core.stdlib_examples import EXAMPLES, MODULES, run_example

PAGE = Path(__file__).resolve().parents[2] / "assets" / "topics" / "tools" / "python-stdlib.en.md"
HAN = re.compile(r"[\u4e00-\u9fff]")
ODD = ("", " ", "x" * 50_000, "naïve café ☃ 😀", "你好，世界 “引号” 「括号」", "四十二", '"', "{", "-1", "1e999", "nan",
       "9" * 900, "a\nb\tc", "\x00", ">>> import os", "import os")
TEXT_INPUTS = [(module, spec.key) for module in MODULES for spec in EXAMPLES[module].inputs]


def test_the_demo_offers_exactly_the_modules_the_page_lists():
    intro = PAGE.read_text(encoding="utf-8").split("## Explanation")[0]
    listed = re.search(r"covers 18 modules [^:]*: ([^.]+)\.", intro).group(1)
    names = [name.strip() for name in re.split(r",|\band\b", listed) if name.strip()]
    assert tuple(names) == MODULES
    assert set(EXAMPLES) == set(MODULES)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("module", MODULES)
def test_every_example_runs_on_its_default_input(module, lang):
    result = run_example(module, {}, lang)
    assert result.error is None, result.error
    assert result.output.strip()
    assert result.code_shown.startswith("import ")
    for spec in EXAMPLES[module].inputs:  # the inputs are in the code as Python literals
        assert repr(spec.default_text(lang)) in result.code_shown or module in ("typing", "doctest")
    comments = [line for line in result.code_shown.splitlines() if line.lstrip().startswith("#")]
    assert comments and any(HAN.search(line) for line in comments) == (lang == "zh")


@pytest.mark.parametrize("module,key", TEXT_INPUTS)
def test_odd_input_gives_a_result_never_an_exception(module, key):
    for text in ODD:
        result = run_example(module, {key: text}, "zh")
        assert isinstance(result, se.ExampleResult)
        assert result.code_shown and (result.output or result.error)
        assert result.error is None or re.match(r"^\w+(: |$)", result.error), result.error
        if len(text) > se.MAX_INPUT_CHARS:
            assert "只用了前 1000 个字符" in result.output
            assert len(result.code_shown) < 3 * se.MAX_INPUT_CHARS + 2000


def test_each_example_is_fast_enough_to_run_on_every_keystroke():
    for module in MODULES:
        if module == "timeit":
            continue
        run_example(module)  # the first run imports the module
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run_example(module, {spec.key: "x" * 2000 for spec in EXAMPLES[module].inputs})
            times.append(time.perf_counter() - start)
        assert min(times) < 0.016, module


def test_bad_input_is_the_exception_text():
    assert run_example("shlex", {"text": 'echo "unclosed'}).error == "ValueError: No closing quotation"
    result = run_example("shlex", {"text": 'echo "unclosed'})
    assert result.output == "['echo', '\"unclosed']"  # str.split ran before shlex.split failed
    assert run_example("dataclasses", {"count": "二"}).error.startswith("ValueError: invalid literal for int()")
    assert run_example("inspect", {"words": ""}).error == "TypeError: missing a required argument: 'name'"
    assert run_example("pdb", {"numbers": ""}).error == "ZeroDivisionError: division by zero"


def test_unknown_modules_inputs_and_choices_are_refused():
    for name in ("os", "subprocess", "re", "", "shlex; import os", None):
        result = run_example(name, {})
        assert result.code_shown == "" and result.output == ""
        assert "only runs its own examples" in result.error and "shlex" in result.error
    assert "只运行自带的例子" in run_example("os", {}, "zh").error
    refused = run_example("shlex", {"code": "print(1)"})
    assert refused.code_shown == "" and "no input called 'code'" in refused.error
    refused = run_example("timeit", {"snippet": "__import__('os').system('ls')"})
    assert refused.code_shown == "" and "'snippet' must be one of sum_range" in refused.error
    assert "must be one of" in run_example("timeit", {"snippet": "import os"}).error
    assert "must be one of" in run_example("warnings", {"action": "module"}).error
    assert "must be one of" in run_example("atexit", {"ending": "exec"}).error
    assert "whole number from 1 to 1000" in run_example("timeit", {"number": "10**9"}).error
    assert "whole number from 1 to 1000" in run_example("timeit", {"number": "0"}).error
    assert "must be text" in run_example("shlex", {"text": 3}).error
    assert run_example("shlex", {"snippet": "sum_range"}).error  # another example's choice


def test_the_module_has_no_way_to_run_typed_text():
    source = inspect.getsource(se)
    for forbidden in ("eval(", "exec(", "compile(", "__import__", "open(", "literal_eval", "subprocess", "socket",
                      "urllib", "os.system", "os.remove", "Path("):
        assert forbidden not in source, forbidden
    # Modules are imported only by their fixed names, after checking the name is one of them.
    calls = re.findall(r"import_module\((\w+)\)", source)
    assert calls == ["name"]
    body = inspect.getsource(se.module_info)
    assert body.index("if name not in EXAMPLES") < body.index("import_module(name)")


def test_typed_code_stays_data():
    marker = "stdlib-demo-was-here"
    for module, key in TEXT_INPUTS:
        for text in (f"__import__('sys').modules.__setitem__('{marker}', 1)", f">>> import sys; sys.modules['{marker}'] = 1",
                     f"import {marker}"):
            run_example(module, {key: text})
    assert marker not in sys.modules
    # A doctest "expected output" that looks like another example is not run: still two examples.
    result = run_example("doctest", {"second": ">>> 1 + 1\n2"})
    assert result.output.count("Trying:") == 2 and "Failed example" in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shown_code_has_the_same_lines_in_both_languages(lang):
    for module in MODULES:
        zh, en = (run_example(module, {}, lang).code_shown for lang in ("zh", "en"))
        assert len(zh.splitlines()) == len(en.splitlines()), module


@pytest.mark.parametrize("function,module", [(se.mean, "pdb"), (se.parse_age, "traceback"), (se.main, "traceback"),
                                             (se.test_mean, "unittest"), (se.test_not_empty, "unittest"),
                                             (se.area, "pydoc")])
def test_functions_in_frames_are_written_as_shown(function, module):
    """A traceback or the debugger quotes the shown code: the real function must match it line for line."""
    real = [re.sub(r"\s+# noqa.*", "", line) for line in inspect.getsource(function).splitlines()]
    for lang in ("zh", "en"):
        shown = run_example(module, {}, lang).code_shown.splitlines()
        start = next(i for i, line in enumerate(shown) if line.strip().startswith(f"def {function.__name__}("))
        indent = len(shown[start]) - len(shown[start].lstrip())
        assert [line[indent:] for line in shown[start:start + len(real)]] == real


def test_tracebacks_and_the_debugger_point_into_the_shown_code():
    result = run_example("traceback", {"text": "abc"})
    shown = result.code_shown.splitlines()
    for number, name in re.findall(r'File "<example>", line (\d+), in (\w+)', result.output):
        line = shown[int(number) - 1].strip()
        quoted = result.output.split(f"line {number}, in {name}\n")[1].splitlines()[0].strip()
        assert line == quoted
    assert result.output.endswith("ValueError: invalid literal for int() with base 10: 'abc'")
    assert run_example("traceback", {"text": "42"}).output == "42"
    assert run_example("traceback", {"text": "４２"}).output == "42"  # int() reads full-width digits

    result = run_example("pdb", {"numbers": "1 2 3"}, "en")
    shown = result.code_shown.splitlines()
    for number, text in re.findall(r"> <example>\((\d+)\)mean\(\)\n-> (.*)", result.output):
        assert shown[int(number) - 1].strip() == text.strip()
    assert "(Pdb) p x, total\n(1.0, 1.0)" in result.output and result.output.endswith("2.0")
    assert "/" not in result.output  # no path of the explorer's own files


def test_the_debugger_leaves_tracing_as_it_was():
    def tracer(frame, event, arg):
        return None

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        run_example("pdb", {"numbers": "5 6"})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(before)


def test_unittest_fail_and_error():
    failed = run_example("unittest", {"expected": "6"}).output
    assert "test_mean (__main__.TestMean.test_mean) ... FAIL" in failed and "AssertionError: 5.0 != 6.0" in failed
    assert 'File "<example>", line 9, in test_mean' in failed
    errored = run_example("unittest", {"expected": "five"}).output
    assert "... ERROR" in errored and "ValueError: could not convert string to float: 'five'" in errored
    empty = run_example("unittest", {"numbers": ""}).output
    assert "ZeroDivisionError" in empty and "AssertionError: [] is not true : no numbers" in empty


def test_doctest_compares_character_by_character():
    passed = run_example("doctest", {}, "en").output
    assert passed.count("\nok") == 2 and "Failed" not in passed
    failed = run_example("doctest", {"second": "9.0"}, "en")
    assert "Failed example:\n    max([2, 4, 9])\nExpected:\n    9.0\nGot:\n    9" in failed.output
    assert ">>> max([2, 4, 9])\n    9.0\n" in failed.code_shown


def test_timeit_uses_only_fixed_snippets_within_its_budget():
    for key, snippet in se.SNIPPETS.items():
        times = []
        for _ in range(2):
            start = time.perf_counter()
            result = run_example("timeit", {"snippet": key, "number": "1000"}, "en")
            times.append(time.perf_counter() - start)
        assert result.error is None
        assert min(times) < 0.05, key  # (the budget is 30 ms; a busy machine gets some slack)
        assert repr(snippet.stmt) in result.code_shown
        lines = [line for line in result.output.splitlines() if "usec per loop" in line]
        assert len(lines) == (1 if key == se.BASELINE else 2)
        number = int(re.search(r"number = (\d+)", result.code_shown).group(1))
        assert all(re.search(f": {number} loops, best of [123]: ", line) for line in lines)
    one = run_example("timeit", {"snippet": "formula", "number": "1"}, "zh")
    assert "number = 1\n" in one.code_shown and "快约" in one.output


def test_warnings_follow_the_filter_and_leave_no_trace():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping the example would raise here
        counts = {action: run_example("warnings", {"action": action}).output.splitlines()[0]
                  for action in ("default", "always", "ignore")}
        assert counts == {"default": "1", "always": "2", "ignore": "0"}
        assert run_example("warnings", {"action": "default"}).output.splitlines()[0] == "1"  # not "once ever"
        error = run_example("warnings", {"action": "error", "message": "gone"}).error
    assert error == "DeprecationWarning: gone"


def test_atexit_registers_nothing_for_the_explorers_exit():
    ran = run_example("atexit", {"message": "see you", "ending": "sys_exit"}, "en")
    assert ran.output.splitlines()[-1] == "see you" and "sys.exit(0)" in ran.code_shown
    skipped = run_example("atexit", {"message": "see you", "ending": "os_exit"}, "en")
    assert "see you" not in skipped.output and "os._exit(0)" in skipped.code_shown
    script = "from explorer.core.stdlib_examples import run_example; run_example('atexit', {'message': 'SENTINEL'})"
    exited = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert exited.returncode == 0 and "SENTINEL" not in exited.stdout, exited.stderr


def test_gc_finds_the_ring_and_restores_collection():
    import gc

    assert gc.isenabled()
    for size in (0, 1, 3, 500):
        assert run_example("gc", {"size": str(size)}).output.splitlines()[0] == str(size)
    capped = run_example("gc", {"size": "10000000"}, "en")
    assert "at most 10000" in capped.output and f"\n{se.MAX_RING}\n" in capped.output
    assert gc.isenabled()


def test_other_examples_say_what_the_page_says():
    assert run_example("shlex", {}, "en").output.splitlines()[1] == "['grep', '-n', 'hello world', 'notes.txt']"
    assert run_example("typing", {"value": "ab"}).output.splitlines()[-1] == "'abab'"
    assert run_example("typing", {"value": "21"}).output.splitlines()[-1] == "42"
    assert "value = 21\n" in run_example("typing", {"value": "21"}).code_shown
    assert run_example("dataclasses", {}, "en").output == "Item(name='tea', count=2)\n{'name': 'tea', 'count': 2}\nTrue"
    assert run_example("dataclasses", {"count": "3"}, "en").output.endswith("False")
    assert run_example("contextlib", {"text": "x"}).output == "['enter', 'exit']"
    assert run_example("abc", {"side": "3"}).output.splitlines() == [
        "TypeError: Can't instantiate abstract class Shape with abstract method area", "9.0"]
    assert run_example("inspect", {}, "en").output.splitlines()[-1] == "Hi, Ada!"
    assert "too many positional arguments" in run_example("inspect", {"words": "a b c"}).error
    sizes = run_example("sys", {"text": "ab"}).output.splitlines()[1].split()
    chinese = run_example("sys", {"text": "你好"}).output.splitlines()[1].split()
    assert int(chinese[1]) > int(sizes[1])  # 2 bytes a character instead of 1 (PEP 393)
    site = run_example("site", {"pth": "# note\n\nimport x\nlibs"}, "en").output.splitlines()
    assert site[1:4] == ["skip '# note'", "skip ''", "run 'import x'"] and site[4].startswith("add ")
    doc = run_example("pydoc", {"doc": "Square metres.\n\nMore."}).output
    assert doc.startswith("area(width, height)\n    Square metres.") and "('Square metres.', 'More.')" in doc


def test_tkinter_splits_a_tcl_list_or_says_it_is_missing(monkeypatch):
    result = run_example("tkinter", {"items": 'a {b c} "d e"'})
    if result.error is None:
        assert result.output.splitlines()[1] == "('a', 'b c', 'd e')"
        assert run_example("tkinter", {"items": "{"}).error == "TclError: unmatched open brace in list"
    monkeypatch.setitem(sys.modules, "tkinter", None)  # as on a system without python3-tk
    missing = run_example("tkinter", {}, "en")
    assert missing.error.startswith("ModuleNotFoundError") or missing.error.startswith("ImportError")
    assert "python3-tk" in missing.output


def test_module_summaries_and_locations():
    for module in MODULES:
        info = se.module_info(module)
        summary, where = se.describe(info, "en")
        assert summary.startswith(module) and where
        assert not HAN.search(summary + where) or info.kind == "other"
        assert HAN.search("".join(se.describe(info, "zh")))
    assert se.module_info("shlex").kind == "stdlib" and se.module_info("shlex").where == "shlex.py"
    assert se.module_info("unittest").where == "unittest/__init__.py"
    for builtin in ("sys", "gc", "atexit"):
        assert se.module_info(builtin).kind == "builtin"
    assert "The Python Debugger Pdb" == se.module_info("pdb").synopsis  # its "=====" underline dropped
    assert se.module_info("shlex").synopsis == "A lexical analyzer class for simple shell-like syntaxes."
    with pytest.raises(KeyError):
        se.module_info("os")
    missing = se.ModuleInfo("tkinter", "", "tkinter", "missing", "ModuleNotFoundError: No module named '_tkinter'")
    assert se.describe(missing, "en")[1] == "Importing it failed: ModuleNotFoundError: No module named '_tkinter'"


def test_a_module_without_a_docstring_borrows_its_main_objects():
    info = se.module_info("dataclasses")
    assert info.synopsis
    if info.synopsis_from != "dataclasses":
        assert info.synopsis_from == "dataclasses.dataclass"
        assert "dataclasses.dataclass" in se.describe(info, "en")[0]


def test_first_paragraph():
    assert se.first_paragraph(None) == "" and se.first_paragraph("") == ""
    assert se.first_paragraph("Title\n=====\n\nBody.") == "Title"
    assert se.first_paragraph("\n  One\n  two.\n\n  Three.") == "One two."
    long = se.first_paragraph("word " * 200)
    assert len(long) <= se.SUMMARY_CHARS + 2 and long.endswith("…")


def test_locations_in_a_frozen_app(monkeypatch, tmp_path):
    bundle = str(tmp_path / "_internal")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", bundle, raising=False)
    inside = types.ModuleType("shlex")
    inside.__file__ = f"{bundle}/base_library.zip/shlex.pyc"
    assert se.locate(inside) == ("bundle", "base_library.zip/shlex.pyc")
    nowhere = types.ModuleType("doctest")  # PyInstaller may leave __file__ out
    assert se.locate(nowhere) == ("bundle", "doctest")
    assert se.locate(sys) == ("builtin", "")
    elsewhere = types.ModuleType("site")
    elsewhere.__file__ = "/opt/other/site.py"
    assert se.locate(elsewhere) == ("other", "site.py")
    text = se.describe(se.ModuleInfo("shlex", "Lexer.", "shlex", "bundle", "base_library.zip/shlex.pyc"), "zh")[1]
    assert text == "位置：应用包内的 base_library.zip/shlex.pyc"


def test_default_inputs_cover_texts_and_choices():
    assert se.default_inputs("timeit", "en") == {"snippet": "for_loop", "number": "100"}
    assert se.default_inputs("shlex", "zh") == {"text": 'grep -n "你好 世界" 笔记.txt'}
    for module in MODULES:
        for lang in ("zh", "en"):
            assert run_example(module, se.default_inputs(module, lang), lang) == run_example(module, {}, lang) \
                or module == "timeit"


def test_parameters_have_both_languages_and_belong_to_an_example():
    for spec in se.PARAMS:
        assert HAN.search(spec.label["zh"]) and not HAN.search(spec.label["en"])
        for choice in spec.choices:
            assert not HAN.search(spec.choice_text(choice, "en")), choice
        if spec.name != "module":
            assert spec.name in EXAMPLES[se.PARAM_MODULE[spec.name]].params
    for module in MODULES:
        for spec in EXAMPLES[module].inputs:
            assert HAN.search(spec.label["zh"]) and not HAN.search(spec.label["en"] + spec.default["en"])
