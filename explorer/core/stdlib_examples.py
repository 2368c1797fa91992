"""The standard-library demo's fixed examples, one per module the topic page lists, and running them.

Each module gets a summary read from the running interpreter (the first paragraph of
``inspect.getdoc(module)``), where it lives (its ``__file__`` relative to the standard-library folder,
"built-in", "frozen" or a path inside a PyInstaller bundle), and one small example whose *inputs*
people edit: a command line for ``shlex``, a docstring for ``pydoc``, the expected output of a
doctest, the numbers a debugger session steps through, and so on.

Only the examples shipped here ever run. Typed text is data: it is split, parsed as a number,
compared, formatted or stored, and never evaluated, compiled, imported or used as a path to open.
There is no filesystem or network access. A few details keep that promise where the standard
library itself would read or run more than the example shows:

* ``doctest``: the two ``Example`` objects are built directly, so typed text is only ever the
  expected output (parsing a docstring would turn a typed ``>>>`` line into code).
* ``pdb``: the commands fed to the debugger are a fixed list; ``readrc=False`` skips ``~/.pdbrc``.
* ``tkinter``: ``tkinter.Tcl()`` would also read ``~/.Tk.tcl`` and run ``~/.Tk.py``; the demo's
  interpreter skips that start-up profile.
* ``site``: the lines of the typed ``.pth`` file are classified by the rules of ``site.addpackage``;
  nothing is run and no folder is looked at.
* ``atexit``: the handler is registered and at once unregistered, so the explorer's own exit
  prints nothing (CPython keeps an empty slot for each, a pointer per run).
* ``timeit``: the snippets are a fixed list, timed in about 30 ms and never much over 45 ms.

Functions whose frames appear in the output (the debugger's, the traceback's, the unit tests')
are real functions in this module written exactly as the example shows them; :func:`_as_shown`
points their line numbers and file name at the shown code, so tracebacks and the debugger quote
the example's lines, even in a frozen app that has no source files.

Each example's program is written once, with ``{1}``, ``{2}`` … where its comments (and the odd
word it prints) go; :func:`_code` fills in each language's texts, so both languages show the same
program on the same lines.

Sources: the Python Standard Library reference (https://docs.python.org/3/library/) for every
module; PEP 393 for the sizes ``sys.getsizeof`` reports for strings; PEP 484 (annotations are not
checked at run time); PEP 557 (data classes).
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import io
import linecache
import os
import re
import sys
import time
import types
from dataclasses import dataclass, field
from string import Template
from typing import Callable, Mapping

from explorer.core.i18n import tr
from explorer.core.params import ParamSpec

MODULES: tuple[str, ...] = ("shlex", "tkinter", "typing", "pydoc", "doctest", "unittest", "pdb", "timeit", "sys",
                            "warnings", "dataclasses", "contextlib", "abc", "atexit", "traceback", "gc", "inspect",
                            "site")
MAX_INPUT_CHARS = 1000  # longer typed text is cut: every example stays well under a frame
MAX_RING = 10_000  # the gc example's largest cycle
TIME_BUDGET = 0.03  # seconds the timeit example plans to spend measuring
TIME_LIMIT = 0.045  # and the most it spends: on a busy machine it stops after fewer rounds
TIMEIT_REPEAT = 3
CALIBRATION_LOOPS = 5
SHOWN_FILE = "<example>"  # the file name tracebacks and the debugger give the example's code
SUMMARY_CHARS = 240

# -- parameters (choices and numbers, so links can set them) ----------------------------------

MODULE_LABELS = {
    "shlex": ("按 shell 规则切分命令行", "split command lines like a shell"),
    "tkinter": ("Tcl/Tk 图形界面", "the Tcl/Tk GUI toolkit"),
    "typing": ("类型注解", "type annotations"),
    "pydoc": ("从文档字符串生成文档", "documentation from docstrings"),
    "doctest": ("运行文档字符串里的示例", "run the examples in docstrings"),
    "unittest": ("单元测试框架", "the unit-testing framework"),
    "pdb": ("调试器", "the debugger"),
    "timeit": ("给小段代码计时", "time small snippets"),
    "sys": ("解释器本身", "the interpreter itself"),
    "warnings": ("发出和过滤警告", "issue and filter warnings"),
    "dataclasses": ("自动生成类的方法", "generated class methods"),
    "contextlib": ("上下文管理器工具", "context-manager tools"),
    "abc": ("抽象基类", "abstract base classes"),
    "atexit": ("退出时的清理函数", "clean-up at exit"),
    "traceback": ("格式化异常回溯", "format exception tracebacks"),
    "gc": ("处理循环引用的垃圾回收", "the cycle garbage collector"),
    "inspect": ("在运行时查看对象", "examine live objects"),
    "site": ("启动时设置模块搜索路径", "sys.path at start-up"),
}


@dataclass(frozen=True)
class Snippet:
    """A fixed statement for the timeit example; all of them sum 0 … 999."""

    stmt: str
    label: Mapping[str, str]


BASELINE = "sum_range"
SNIPPETS: dict[str, Snippet] = {
    "sum_range": Snippet("sum(range(1000))", {"zh": "sum(range(1000))", "en": "sum(range(1000))"}),
    "for_loop": Snippet("total = 0\nfor i in range(1000):\n    total += i", {"zh": "手写 for 循环", "en": "for loop"}),
    "while_loop": Snippet("total = i = 0\nwhile i < 1000:\n    total += i\n    i += 1",
                          {"zh": "手写 while 循环", "en": "while loop"}),
    "generator": Snippet("sum(i for i in range(1000))", {"zh": "生成器表达式", "en": "generator expression"}),
    "list_comp": Snippet("sum([i for i in range(1000)])", {"zh": "列表推导式", "en": "list comprehension"}),
    "formula": Snippet("1000 * 999 // 2", {"zh": "公式 n(n−1)/2", "en": "formula n(n−1)/2"}),
}
ACTIONS = {
    "default": ("default（每处只显示一次）", "default (once per place)"),
    "always": ("always（每次都显示）", "always (every time)"),
    "ignore": ("ignore（忽略）", "ignore"),
    "error": ("error（变成异常）", "error (raise it)"),
}
ENDINGS = {
    "normal": ("正常运行到末尾", "runs to the end"),
    "sys_exit": ("调用 sys.exit()", "calls sys.exit()"),
    "exception": ("抛出未捕获的异常", "an uncaught exception"),
    "os_exit": ("调用 os._exit()", "calls os._exit()"),
}


def _labels(table: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {key: {"zh": zh, "en": en} for key, (zh, en) in table.items()}


PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("module", "shlex", kind="choice", choices=MODULES, label={"zh": "模块", "en": "Module"},
              choice_labels={name: {"zh": f"{name} — {zh}", "en": f"{name} — {en}"}
                             for name, (zh, en) in MODULE_LABELS.items()}),
    ParamSpec("snippet", "for_loop", kind="choice", choices=tuple(SNIPPETS), label={"zh": "计时的写法", "en": "Snippet to time"},
              choice_labels={key: dict(snippet.label) for key, snippet in SNIPPETS.items()}),
    ParamSpec("number", 100, 1, 1000, kind="int", label={"zh": "每轮循环次数", "en": "Loops per round"}),
    ParamSpec("action", "default", kind="choice", choices=tuple(ACTIONS), label={"zh": "警告过滤动作", "en": "Warning filter"},
              choice_labels=_labels(ACTIONS)),
    ParamSpec("ending", "normal", kind="choice", choices=tuple(ENDINGS), label={"zh": "程序怎样结束", "en": "The program"},
              choice_labels=_labels(ENDINGS)),
)
# Which module's example each parameter (other than the module itself) belongs to.
PARAM_MODULE = {"snippet": "timeit", "number": "timeit", "action": "warnings", "ending": "atexit"}


# -- examples ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class InputSpec:
    """A text people type into an example: its label and default text per language."""

    key: str
    label: Mapping[str, str]
    default: Mapping[str, str]
    multiline: bool = False

    def text(self, lang: str) -> str:
        return self.label.get(lang) or self.label["en"]

    def default_text(self, lang: str) -> str:
        return self.default.get(lang, self.default["en"])


@dataclass(frozen=True)
class ExampleResult:
    """What an example shows: its code (with the inputs filled in), what it printed, and the
    error it stopped on (``None`` when it ran to the end)."""

    code_shown: str
    output: str
    error: str | None = None


@dataclass(frozen=True)
class Example:
    """One module's fixed example. ``code`` holds the shown code per language, with ``$name``
    where an input's value (as a Python literal) goes; ``run`` does what the code says."""

    module: str
    inputs: tuple[InputSpec, ...]
    code: Mapping[str, str]
    run: Callable[["_Run"], None]
    params: tuple[str, ...] = ()
    main: str = ""  # the module's main object, whose docstring stands in if the module has none


@dataclass
class _Run:
    """What a running example reads (its values) and writes (printed lines, the shown code)."""

    values: dict[str, str]
    lang: str
    code: str = ""
    lines: list[str] = field(default_factory=list)

    def print(self, *values: object, sep: str = " ") -> None:
        self.lines.append(sep.join(str(value) for value in values))

    def note(self, key: str, **fields: object) -> None:
        """A comment line in the current language (the demo's own remark, not the example's print)."""
        self.lines.append("# " + tr(key, self.lang, **fields))


def _spec(key: str, zh: str, en: str, default_zh: str, default_en: str, multiline: bool = False) -> InputSpec:
    return InputSpec(key, {"zh": zh, "en": en}, {"zh": default_zh, "en": default_en}, multiline)


def _code(source: str, *, zh: tuple[str, ...], en: tuple[str, ...], **fixed: object) -> dict[str, str]:
    """The shown code per language, from one program written once.

    ``{1}``, ``{2}`` … in ``source`` stand for the first, second … text of each language (the
    comments, and the odd word the program prints); every text is used. ``$name`` for a name in
    ``fixed`` is filled in here, the same in both languages; any other ``$name`` is an input, filled
    in at each run.
    """
    source = Template(source.strip("\n")).safe_substitute(fixed)
    placeholders = sorted({int(number) for number in re.findall(r"\{(\d+)\}", source)})
    if len(zh) != len(en) or placeholders != list(range(1, len(zh) + 1)):
        raise ValueError(f"placeholders {placeholders} do not match {len(zh)} zh and {len(en)} en texts")
    code = {}
    for lang, texts in (("zh", zh), ("en", en)):
        code[lang] = re.sub(r"\{(\d+)\}", lambda match: texts[int(match[1]) - 1], source)
    return code


def _as_shown(function: Callable, run: _Run, **names: object) -> Callable:
    """A copy of ``function`` that reports the shown code's file name and line numbers and reads
    its globals from ``names``: a traceback or the debugger then quotes the example as shown.

    ``function`` must be written in this module exactly as in the shown code (a test checks it).
    Only line numbers and the file name change; the compiled code is the function's own.
    """
    lines = run.code.splitlines()
    header = f"def {function.__name__}("
    first = next(number for number, line in enumerate(lines, 1) if line.lstrip().startswith(header))
    shift = first - function.__code__.co_firstlineno

    def moved(code: types.CodeType) -> types.CodeType:
        consts = tuple(moved(const) if isinstance(const, types.CodeType) else const for const in code.co_consts)
        return code.replace(co_filename=SHOWN_FILE, co_firstlineno=code.co_firstlineno + shift, co_consts=consts)

    linecache.cache[SHOWN_FILE] = (len(run.code), None, [line + "\n" for line in lines], SHOWN_FILE)
    return types.FunctionType(moved(function.__code__), {"__builtins__": builtins, **names}, function.__name__,
                              function.__defaults__, function.__closure__)


def _numbers(text: str) -> list[float]:
    return [float(word) for word in text.split()]


# shlex ---------------------------------------------------------------------------------------

def _run_shlex(run: _Run) -> None:
    import shlex

    text = run.values["text"]
    run.print(text.split())
    words = shlex.split(text)
    run.print(words)
    run.print(shlex.join(words))


SHLEX = Example(
    "shlex",
    (_spec("text", "命令行", "Command line", 'grep -n "你好 世界" 笔记.txt', 'grep -n "hello world" notes.txt'),),
    _code('''
import shlex

text = $text
# {1}
print(text.split())
# {2}
words = shlex.split(text)
print(words)
# {3}
print(shlex.join(words))
''',
          zh=("str.split 只看空白：引号被当成普通字符",
              "shlex.split 按 shell 的规则：引号里的空格不切开",
              "反过来，把参数列表拼回一行命令（需要时加引号）"),
          en=("str.split only looks at white space: quotes are ordinary characters",
              "shlex.split follows shell rules: a space inside quotes does not split",
              "and back: join the arguments into one command line, quoting where needed")),
    _run_shlex, main="split")


# tkinter -------------------------------------------------------------------------------------

_TCL: list = []


def _tcl():
    """A Tcl interpreter without Tk (no window), made once; unlike ``tkinter.Tcl()`` it skips the
    personal start-up profile (``~/.Tk.tcl``, ``~/.Tk.py``), which would read and run files."""
    if not _TCL:
        import tkinter

        class QuietTcl(tkinter.Tk):
            def readprofile(self, baseName, className):  # noqa: N803 (tkinter's names)
                pass

        _TCL.append(QuietTcl(useTk=False))
    return _TCL[0]


def _run_tkinter(run: _Run) -> None:
    try:
        import tkinter
    except ImportError:
        run.note("stdlib.tkinter.missing")
        raise
    run.print(tkinter.TclVersion, tkinter.TkVersion)
    run.print(_tcl().splitlist(run.values["items"]))


TKINTER = Example(
    "tkinter",
    (_spec("items", "Tcl 列表", "Tcl list", '红 {浅 蓝} "深 绿" 42', 'red {light blue} "dark green" 42'),),
    _code('''
import tkinter

items = $items
# {1}
# {2}
tcl = tkinter.Tcl()
print(tkinter.TclVersion, tkinter.TkVersion)
# {3}
print(tcl.splitlist(items))
''',
          zh=("Tcl() 启动一个不带 Tk 的 Tcl 解释器：不打开窗口",
              "（演示里的这个解释器不读 ~/.Tk.tcl 这类个人启动文件）",
              'Tcl 自己的列表语法：{花括号} 和 "引号" 把几个词括成一项'),
          en=("Tcl() starts a Tcl interpreter without Tk: no window opens",
              "(the demo's interpreter skips personal start-up files such as ~/.Tk.tcl)",
              'Tcl\'s own list syntax: {braces} and "quotes" group words into one item')),
    _run_tkinter, main="Tk")


# typing --------------------------------------------------------------------------------------

def double(x: int) -> int:
    return x * 2


def _typed_value(text: str) -> int | float | str:
    """A whole number if the text is one, else a number, else the text itself."""
    for kind in (int, float):
        try:
            return kind(text)
        except (ValueError, OverflowError):
            continue
    return text


def _run_typing(run: _Run) -> None:
    import typing

    value = _typed_value(run.values["value"])
    run.print(typing.get_type_hints(double))
    run.print(isinstance(value, int))
    run.print(repr(double(value)))


TYPING = Example(
    "typing",
    (_spec("value", "传给 double 的值", "Value passed to double", "哈", "ab"),),
    _code('''
import typing

def double(x: int) -> int:
    return x * 2

# {1}
value = $value
print(typing.get_type_hints(double))
print(isinstance(value, int))
# {2}
print(repr(double(value)))
''',
          zh=("输入是整数就变成 int，是别的数就变成 float，否则保持 str",
              "运行时没有人检查注解：str 也照样“乘 2”"),
          en=("the input becomes an int if it is a whole number, a float if it is another number, else a str",
              'nothing checks the annotation at run time: a str is "doubled" too')),
    _run_typing, main="get_type_hints")


# pydoc ---------------------------------------------------------------------------------------

def area(width, height):
    return width * height


def _run_pydoc(run: _Run) -> None:
    import pydoc

    shown = _as_shown(area, run)
    shown.__doc__ = run.values["doc"]
    run.print(pydoc.plaintext.document(shown))
    run.print(pydoc.splitdoc(shown.__doc__))


PYDOC = Example(
    "pydoc",
    (_spec("doc", "area 的文档字符串", "Docstring of area", "返回宽 × 高 的矩形面积。\n\n边长以米为单位，结果以平方米为单位。",
           "Return the area of a width × height rectangle.\n\nBoth sides in metres; the result is in square metres.",
           multiline=True),),
    _code('''
import pydoc

def area(width, height):
    return width * height

# {1}
area.__doc__ = $doc
print(pydoc.plaintext.document(area))
# {2}
print(pydoc.splitdoc(area.__doc__))
''',
          zh=("输入的文字就是 area 的文档字符串",
              "第一行是概要，空一行之后是正文"),
          en=("the typed text is area's docstring",
              "the first line is the synopsis; the body follows a blank line")),
    _run_pydoc, main="help")


# doctest -------------------------------------------------------------------------------------

def mean(xs):
    total = 0
    for x in xs:
        total += x
    return total / len(xs)


DOCTEST_SOURCES = ("mean([2, 4, 9])", "max([2, 4, 9])")


def _run_doctest(run: _Run) -> None:
    import doctest

    lines = run.code.splitlines()
    examples = []
    for source, key in zip(DOCTEST_SOURCES, ("first", "second")):
        line = next(number for number, text in enumerate(lines) if text.strip() == ">>> " + source)
        examples.append(doctest.Example(source + "\n", run.values[key] + "\n", lineno=line))
    globs = {"mean": mean}
    test = doctest.DocTest(examples, globs, "mean", SHOWN_FILE, 0, None)
    report = io.StringIO()
    doctest.DocTestRunner(verbose=True).run(test, out=report.write, clear_globs=True)
    run.print(report.getvalue().rstrip("\n"))


DOCTEST = Example(
    "doctest",
    (_spec("first", "mean([2, 4, 9]) 的预期输出", "Expected output of mean([2, 4, 9])", "5.0", "5.0"),
     _spec("second", "max([2, 4, 9]) 的预期输出", "Expected output of max([2, 4, 9])", "9", "9")),
    _code('''
import doctest

def mean(xs):
    """{1}

    >>> $first_source
    $first_shown
    >>> $second_source
    $second_shown
    """
    total = 0
    for x in xs:
        total += x
    return total / len(xs)

# {2}
# {3}
doctest.run_docstring_examples(mean, {"mean": mean}, verbose=True)
''',
          zh=("返回 xs 的平均数。",
              "doctest 运行每个 >>> 例子，逐字比较输出和写下的预期",
              "演示直接构造这两个例子：输入的文字只当作预期输出，从不当作代码"),
          en=("Return the mean of xs.",
              "doctest runs each >>> example and compares its output with the text below it",
              "the demo builds these two examples itself: typed text is only ever expected output"),
          first_source=DOCTEST_SOURCES[0], second_source=DOCTEST_SOURCES[1]),
    _run_doctest, main="testmod")


# unittest ------------------------------------------------------------------------------------

def test_mean(self):
    self.assertEqual(sum(xs) / len(xs), float(expected))  # noqa: F821 (given by _as_shown)


def test_not_empty(self):
    self.assertTrue(xs, "no numbers")  # noqa: F821


def _run_unittest(run: _Run) -> None:
    import unittest

    xs = _numbers(run.values["numbers"])
    names = {"xs": xs, "expected": run.values["expected"]}
    case = type("TestMean", (unittest.TestCase,), {
        "test_mean": _as_shown(test_mean, run, **names),
        "test_not_empty": _as_shown(test_not_empty, run, **names),
        "__module__": "__main__",
    })
    stream = io.StringIO()
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
    run.print(stream.getvalue().rstrip("\n"))


UNITTEST = Example(
    "unittest",
    (_spec("numbers", "数字（用空格分开）", "Numbers (separated by spaces)", "2 4 9", "2 4 9"),
     _spec("expected", "预期的平均数", "Expected mean", "5.0", "5.0")),
    _code('''
import unittest

numbers = $numbers
expected = $expected
xs = [float(word) for word in numbers.split()]

class TestMean(unittest.TestCase):
    def test_mean(self):
        self.assertEqual(sum(xs) / len(xs), float(expected))

    def test_not_empty(self):
        self.assertTrue(xs, "no numbers")

# {1}
suite = unittest.defaultTestLoader.loadTestsFromTestCase(TestMean)
unittest.TextTestRunner(verbosity=2).run(suite)
''',
          zh=("FAIL 是断言不成立，ERROR 是测试本身抛出了别的异常",),
          en=("FAIL: an assertion did not hold; ERROR: the test raised some other exception",)),
    _run_unittest, main="TestCase")


# pdb -----------------------------------------------------------------------------------------

PDB_COMMANDS = ("p xs", "n", "n", "n", "p x, total", "n", "n", "p x, total", "c")


def _run_pdb(run: _Run) -> None:
    import bdb
    import pdb

    xs = _numbers(run.values["numbers"])
    transcript = io.StringIO()

    class Scripted(pdb.Pdb):
        """Reads the fixed commands and writes each one after its prompt, as a terminal shows it."""

        def precmd(self, line):
            self.stdout.write(line + "\n")
            return super().precmd(line)

    debugger = Scripted(stdin=io.StringIO("\n".join(PDB_COMMANDS) + "\n"), stdout=transcript, readrc=False,
                        nosigint=True)
    debugger.prompt = "(Pdb) "
    trace = sys.gettrace()
    result = None
    try:
        result = debugger.runcall(_as_shown(mean, run), xs)
    except bdb.BdbQuit:
        pass
    finally:
        sys.settrace(trace)
        run.print(transcript.getvalue().rstrip("\n"))
    run.print(result)


PDB = Example(
    "pdb",
    (_spec("numbers", "传给 mean 的数字（用空格分开）", "Numbers for mean (separated by spaces)", "2 4 9", "2 4 9"),),
    _code('''
import pdb

def mean(xs):
    total = 0
    for x in xs:
        total += x
    return total / len(xs)

numbers = $numbers
xs = [float(word) for word in numbers.split()]
# {1}
#   $commands
# {2}
print(pdb.runcall(mean, xs))
''',
          zh=("在 (Pdb) 提示符后依次输入这些命令（演示替你输入）：",
              "p 打印表达式，n 执行到下一行，c 继续运行到结束"),
          en=("at the (Pdb) prompt, type these commands in turn (the demo types them for you):",
              "p prints an expression, n runs to the next line, c continues to the end"),
          commands=" | ".join(PDB_COMMANDS)),
    _run_pdb, main="Pdb")


# timeit --------------------------------------------------------------------------------------

def _run_timeit(run: _Run) -> None:
    import timeit

    start = time.perf_counter()
    chosen = run.values["snippet"]
    keys = [BASELINE] if chosen == BASELINE else [BASELINE, chosen]
    timers = [timeit.Timer(SNIPPETS[key].stmt) for key in keys]
    # A few loops of each say how many fit in the budget.
    once = sum(max(timer.timeit(CALIBRATION_LOOPS) / CALIBRATION_LOOPS, 1e-8) for timer in timers)
    asked = int(run.values["number"])
    number = max(1, min(asked, int(TIME_BUDGET / (TIMEIT_REPEAT * once))))
    run.code = Template(run.code).safe_substitute(number=number)
    rounds: list[list[float]] = [[] for _ in keys]
    for done in range(1, TIMEIT_REPEAT + 1):
        for times, timer in zip(rounds, timers):
            times.append(timer.timeit(number))
        now = time.perf_counter()
        if now + (now - start) / done > start + TIME_LIMIT:  # a busy machine: stop before the limit
            break
    best = [min(times) / number for times in rounds]
    for key, seconds in zip(keys, best):
        name = SNIPPETS[key].label[run.lang]
        run.print(f"{name}: {number} loops, best of {len(rounds[0])}: {seconds * 1e6:.3g} usec per loop")
    if number < asked:
        run.note("stdlib.timeit.capped", asked=asked, number=number)
    if len(rounds[0]) < TIMEIT_REPEAT:
        run.note("stdlib.timeit.rounds", rounds=len(rounds[0]), repeat=TIMEIT_REPEAT)
    if len(best) == 2:
        ratio = best[1] / best[0]
        key = "stdlib.timeit.slower" if ratio >= 1 else "stdlib.timeit.faster"
        run.note(key, snippet=SNIPPETS[chosen].label[run.lang], ratio=_times(max(ratio, 1 / ratio)),
                 baseline=SNIPPETS[BASELINE].stmt)


def _times(ratio: float) -> str:
    return f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.2g}"


TIMEIT = Example(
    "timeit",
    (),
    _code('''
import timeit

snippets = $snippets
number = $number
for name, code in snippets.items():
    # {1}
    best = min(timeit.repeat(code, number=number, repeat=$repeat)) / number
    print(f"{name}: {number} loops, best of $repeat: {best * 1e6:.3g} usec per loop")
''',
          zh=(f"每轮运行 number 次，共 {TIMEIT_REPEAT} 轮，取最快一轮的平均（计时时 gc 关闭）",),
          en=(f"run it number times per round, {TIMEIT_REPEAT} rounds; the fastest round counts (gc is off)",),
          repeat=TIMEIT_REPEAT),
    _run_timeit, params=("snippet", "number"), main="timeit")


# sys -----------------------------------------------------------------------------------------

def _run_sys(run: _Run) -> None:
    text = run.values["text"]
    run.print(tuple(sys.version_info[:2]), sys.platform)
    run.print(len(text), sys.getsizeof(text), sys.getsizeof(""))
    run.print(max(map(ord, text), default=0), sys.maxunicode)


SYS = Example(
    "sys",
    (_spec("text", "字符串", "A string", "你好，世界", "hello"),),
    _code('''
import sys

text = $text
print(sys.version_info[:2], sys.platform)
# {1}
print(len(text), sys.getsizeof(text), sys.getsizeof(""))
# {2}
print(max(map(ord, text), default=0), sys.maxunicode)
''',
          zh=("字符串占多少字节：每个字符 1、2 或 4 字节，由最“宽”的那个字符决定（PEP 393）",
              "最宽字符的编码，和 Unicode 的上限"),
          en=("bytes a string takes: 1, 2 or 4 per character, set by its widest character (PEP 393)",
              "the widest character's code, and Unicode's limit")),
    _run_sys, main="getsizeof")


# warnings ------------------------------------------------------------------------------------

def _run_warnings(run: _Run) -> None:
    import warnings

    message = run.values["message"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter(run.values["action"])
        for _attempt in range(2):
            warnings.warn(message, DeprecationWarning)
    run.print(len(caught))
    for warning in caught:
        run.print(f"{warning.category.__name__}: {warning.message}")


WARNINGS = Example(
    "warnings",
    (_spec("message", "警告内容", "Warning message", "old_api() 已弃用，请改用 new_api()",
           "old_api() is deprecated; use new_api()"),),
    _code('''
import warnings

message = $message
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter($action)
    # {1}
    for attempt in range(2):
        warnings.warn(message, DeprecationWarning)
print(len(caught))
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
''',
          zh=("同一处代码发出两次同样的警告",),
          en=("the same warning from the same line, twice",)),
    _run_warnings, params=("action",), main="warn")


# dataclasses ---------------------------------------------------------------------------------

@dataclass
class Item:
    name: str
    count: int


def _run_dataclasses(run: _Run) -> None:
    import dataclasses

    item = Item(run.values["name"], int(run.values["count"]))
    run.print(item)
    run.print(dataclasses.asdict(item))
    reference = DATACLASSES.inputs
    run.print(item == Item(reference[0].default_text(run.lang), int(reference[1].default_text(run.lang))))


DATACLASSES = Example(
    "dataclasses",
    (_spec("name", "名称 name", "name", "茶", "tea"), _spec("count", "数量 count", "count", "2", "2")),
    _code('''
import dataclasses

@dataclasses.dataclass
class Item:
    name: str
    count: int

# {1}
item = Item($name, int($count))
print(item)
print(dataclasses.asdict(item))
# {2}
print(item == Item("{3}", 2))
''',
          zh=("@dataclass 根据字段生成了 __init__、__repr__ 和 __eq__",
              "字段逐个相等，两个对象就相等",
              "茶"),
          en=("@dataclass wrote __init__, __repr__ and __eq__ from the fields",
              "equal when every field is equal",
              "tea")),
    _run_dataclasses, main="dataclass")


# contextlib ----------------------------------------------------------------------------------

def _run_contextlib(run: _Run) -> None:
    import contextlib

    @contextlib.contextmanager
    def noted(log):
        log.append("enter")
        try:
            yield
        finally:
            log.append("exit")

    log: list = []
    with noted(log), contextlib.suppress(ValueError):
        log.append(int(run.values["text"]))
        log.append("after int()")
    run.print(log)


CONTEXTLIB = Example(
    "contextlib",
    (_spec("text", "交给 int() 的文字", "Text given to int()", "42", "42"),),
    _code('''
import contextlib

@contextlib.contextmanager
def noted(log):
    log.append("enter")
    try:
        yield
    finally:
        log.append("exit")

text = $text
log = []
# {1}
with noted(log), contextlib.suppress(ValueError):
    log.append(int(text))
    log.append("after int()")
print(log)
''',
          zh=("suppress 吞掉 ValueError：int() 失败时跳过 with 块的其余部分，但 exit 照样执行",),
          en=("suppress swallows ValueError: if int() fails the rest of the block is skipped, but exit still runs",)),
    _run_contextlib, main="contextmanager")


# abc -----------------------------------------------------------------------------------------

def _run_abc(run: _Run) -> None:
    import abc

    class Shape(abc.ABC):
        @abc.abstractmethod
        def area(self): ...

    class Square(Shape):
        def __init__(self, side):
            self.side = side

        def area(self):
            return self.side ** 2

    try:
        Shape()
    except TypeError as error:
        run.print("TypeError:", error)
    run.print(Square(float(run.values["side"])).area())


ABC = Example(
    "abc",
    (_spec("side", "正方形的边长", "Side of the square", "3", "3"),),
    _code('''
import abc

class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self): ...

class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side ** 2

# {1}
try:
    Shape()
except TypeError as error:
    print("TypeError:", error)
print(Square(float($side)).area())
''',
          zh=("有抽象方法没实现的类不能实例化",),
          en=("a class with an abstract method left unimplemented cannot be instantiated",)),
    _run_abc, main="ABC")


# atexit --------------------------------------------------------------------------------------

def goodbye(message):
    print(message)


ENDING_CODE = {"normal": "", "sys_exit": "sys.exit(0)", "exception": 'raise RuntimeError("boom")',
               "os_exit": "os._exit(0)"}


def _run_atexit(run: _Run) -> None:
    import atexit

    message = run.values["message"]
    atexit.register(goodbye, message)
    atexit.unregister(goodbye)  # the demo takes it back: the explorer's own exit prints nothing
    ending = run.values["ending"]
    if ending == "os_exit":
        run.note("stdlib.atexit.skipped")
    else:
        run.note("stdlib.atexit.runs")
        run.print(message)


ATEXIT = Example(
    "atexit",
    (_spec("message", "退出时打印的话", "Printed at exit", "清理完毕", "cleaned up"),),
    _code('''
import atexit
import os
import sys

def goodbye(message):
    print(message)

atexit.register(goodbye, $message)
# {1}
# {2}
$ending_code
''',
          zh=("演示注册后马上 atexit.unregister(goodbye)，所以概念探索器退出时什么也不打印",
              "程序这样结束："),
          en=("the demo calls atexit.unregister(goodbye) at once, so the explorer's own exit prints nothing",
              "the program ends like this:")),
    _run_atexit, params=("ending",), main="register")


# traceback -----------------------------------------------------------------------------------

def parse_age(text):
    age = int(text)
    return age


def main(text):
    try:
        print(parse_age(text))
    except ValueError:
        print(traceback.format_exc())  # noqa: F821 (given by _as_shown)


def _run_traceback(run: _Run) -> None:
    import traceback

    def shown_print(*values):
        run.print(*values)

    shown_main = _as_shown(main, run, traceback=traceback, print=shown_print, parse_age=_as_shown(parse_age, run))
    shown_main(run.values["text"])
    run.lines[-1] = run.lines[-1].rstrip("\n")


TRACEBACK = Example(
    "traceback",
    (_spec("text", "年龄（交给 int()）", "Age (given to int())", "四十二", "forty-two"),),
    _code('''
import traceback

def parse_age(text):
    age = int(text)
    return age

def main(text):
    try:
        print(parse_age(text))
    except ValueError:
        print(traceback.format_exc())

# {1}
main($text)
''',
          zh=("输入不是整数时 int() 抛出 ValueError，format_exc() 把回溯变成文字",),
          en=("when the input is not a whole number, int() raises ValueError; format_exc() turns the traceback into "
              "text",)),
    _run_traceback, main="format_exc")


# gc ------------------------------------------------------------------------------------------

def _run_gc(run: _Run) -> None:
    import gc

    n = int(run.values["size"])
    if n > MAX_RING:
        run.note("stdlib.gc.capped", n=n, limit=MAX_RING)
        n = MAX_RING
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect(0)
        ring = [[] for _ in range(n)]
        for i in range(n):
            ring[i].append(ring[(i + 1) % n])
        del ring
        run.print(gc.collect(0))
    finally:
        if enabled:
            gc.enable()
    run.print(gc.is_tracked(run.values["size"]), gc.is_tracked([]))


GC = Example(
    "gc",
    (_spec("size", "环里的列表个数", "Lists in the ring", "3", "3"),),
    _code('''
import gc

n = int($size)
gc.disable()          # {1}
gc.collect(0)         # {2}
ring = [[] for _ in range(n)]
for i in range(n):
    ring[i].append(ring[(i + 1) % n])   # {3}
del ring              # {4}
print(gc.collect(0))  # {5}
gc.enable()
# {6}
print(gc.is_tracked($size), gc.is_tracked([]))
''',
          zh=("建环的时候不要自动回收",
              "先清空最年轻的一代",
              "每个列表引用下一个：成了一个环",
              "环已不可达，但每个列表的引用计数都不是 0",
              "回收器找到并释放的对象个数：n",
              "字符串不会形成环，gc 不跟踪它；列表会被跟踪"),
          en=("no automatic collection while the ring is built",
              "empty the youngest generation first",
              "each list refers to the next: a cycle",
              "the ring is unreachable, yet no list's reference count is 0",
              "objects the collector found and freed: n",
              "a str cannot form a cycle, so gc does not track it; a list is tracked")),
    _run_gc, main="collect")


# inspect -------------------------------------------------------------------------------------

def greet(name, greeting="Hello", *, punctuation="!"):
    return f"{greeting}, {name}{punctuation}"


def _run_inspect(run: _Run) -> None:
    args, kwargs = [], {}
    for word in run.values["words"].split():
        if "=" in word:
            key, value = word.split("=", 1)
            kwargs[key] = value
        else:
            args.append(word)
    signature = inspect.signature(greet)
    run.print(signature)
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    run.print(bound.arguments)
    run.print(greet(*bound.args, **bound.kwargs))


INSPECT = Example(
    "inspect",
    (_spec("words", "参数（名=值 是关键字参数）", "Arguments (name=value for keywords)", "小明 greeting=你好",
           "Ada greeting=Hi"),),
    _code('''
import inspect

def greet(name, greeting="Hello", *, punctuation="!"):
    return f"{greeting}, {name}{punctuation}"

words = $words
args, kwargs = [], {}
for word in words.split():
    if "=" in word:
        key, value = word.split("=", 1)
        kwargs[key] = value
    else:
        args.append(word)
signature = inspect.signature(greet)
print(signature)
# {1}
bound = signature.bind(*args, **kwargs)
bound.apply_defaults()
print(bound.arguments)
print(greet(*bound.args, **bound.kwargs))
''',
          zh=("bind 按签名把实参对上形参，对不上就抛 TypeError，而 greet 根本没被调用",),
          en=("bind matches arguments to parameters as a call would, raising TypeError without calling greet",)),
    _run_inspect, main="signature")


# site ----------------------------------------------------------------------------------------

SITE_WORDS = {"zh": ("跳过", "运行", "加入"), "en": ("skip", "run", "add")}


def _site_dir(site) -> str:
    """The first site-packages folder, or a stand-in where this build's ``site`` has none."""
    try:
        return site.getsitepackages()[0]
    except (AttributeError, IndexError):
        return os.path.join(sys.prefix, "site-packages")


def _run_site(run: _Run) -> None:
    import site

    skip, execute, add = SITE_WORDS[run.lang]
    run.print(getattr(site, "ENABLE_USER_SITE", None), bool(sys.flags.no_site))
    sitedir = _site_dir(site)
    makepath = getattr(site, "makepath", lambda *paths: (os.path.normpath(os.path.join(*paths)),))
    for line in run.values["pth"].splitlines():
        if line.startswith("#") or not line.strip():
            run.print(skip, repr(line))
        elif line.startswith(("import ", "import\t")):
            run.print(execute, repr(line))
        else:
            run.print(add, makepath(sitedir, line.rstrip())[0])


SITE = Example(
    "site",
    (_spec("pth", "一个 .pth 文件的内容", "Lines of a .pth file", "# 注释行\nmy_libs\n\nimport this_runs_at_start_up",
           "# a comment\nmy_libs\n\nimport this_runs_at_start_up", multiline=True),),
    _code('''
import site
import sys

pth = $pth
# {1}
print(site.ENABLE_USER_SITE, bool(sys.flags.no_site))
sitedir = site.getsitepackages()[0]
# {2}
for line in pth.splitlines():
    if line.startswith("#") or not line.strip():
        print("{3}", repr(line))
    elif line.startswith(("import ", "import\\t")):
        print("{4}", repr(line))    # {5}
    else:
        print("{6}", site.makepath(sitedir, line.rstrip())[0])   # {7}
''',
          zh=("用户目录是否启用；python3 -S 时 no_site 为真",
              "解释器启动时 site 这样处理 site-packages 里每个 .pth 文件的每一行",
              "跳过", "运行", "site 会把它当代码执行；演示不执行",
              "加入", "文件夹存在才加入 sys.path"),
          en=("is the user folder enabled; no_site is true under python3 -S",
              "at start-up, site treats each line of each .pth file in site-packages like this",
              "skip", "run", "site would run it as code; the demo does not",
              "add", "added to sys.path if the folder exists")),
    _run_site, main="addsitedir")


EXAMPLES: dict[str, Example] = {example.module: example for example in (
    SHLEX, TKINTER, TYPING, PYDOC, DOCTEST, UNITTEST, PDB, TIMEIT, SYS, WARNINGS, DATACLASSES, CONTEXTLIB, ABC,
    ATEXIT, TRACEBACK, GC, INSPECT, SITE)}
CHOICES = {spec.name: spec.choices for spec in PARAMS if spec.kind == "choice" and spec.name != "module"}


# -- running ----------------------------------------------------------------------------------

def default_inputs(module_name: str, lang: str) -> dict[str, str]:
    """Every input of a module's example at its default (the typed texts and its parameters)."""
    example = EXAMPLES[module_name]
    values = {spec.key: spec.default_text(lang) for spec in example.inputs}
    for name in example.params:
        values[name] = str(next(spec.default for spec in PARAMS if spec.name == name))
    return values


def _check(example: Example, inputs: Mapping[str, str], lang: str) -> str | None:
    """Why these inputs are refused (in ``lang``), or None."""
    known = [spec.key for spec in example.inputs] + list(example.params)
    for key, value in inputs.items():
        if key not in known:
            return tr("stdlib.unknown_input", lang, module=example.module, field=key, known=", ".join(known) or "—")
        if not isinstance(value, str):
            return tr("stdlib.not_text", lang, field=key)
        if key in CHOICES and value not in CHOICES[key]:
            return tr("stdlib.unknown_choice", lang, field=key, value=value, known=", ".join(CHOICES[key]))
        if key == "number":
            spec = next(spec for spec in PARAMS if spec.name == key)
            if not (value.strip().isdigit() and spec.min <= int(value) <= spec.max):
                return tr("stdlib.bad_number", lang, field=key, low=int(spec.min), high=int(spec.max), value=value)
    return None


def _literal(value: str) -> str:
    """A typed text as it appears in the shown code: a Python string literal."""
    return repr(value)


def _shown_code(example: Example, values: Mapping[str, str], lang: str) -> str:
    fields = {key: _literal(value) for key, value in values.items()}
    if example.module == "typing":
        fields["value"] = repr(_typed_value(values["value"]))
    if example.module == "doctest":
        for key in ("first", "second"):
            fields[f"{key}_shown"] = values[key].replace("\n", "\n    ")
    if example.module == "timeit":
        keys = dict.fromkeys((BASELINE, values["snippet"]))
        fields["snippets"] = repr({SNIPPETS[key].label.get(lang, SNIPPETS[key].label["en"]): SNIPPETS[key].stmt
                                   for key in keys})
        del fields["number"]  # filled in by the run, which may take fewer loops
    if example.module == "atexit":
        fields["ending_code"] = ENDING_CODE[values["ending"]] or "# " + tr("stdlib.atexit.end", lang)
    return Template(example.code.get(lang, example.code["en"])).safe_substitute(fields)


def run_example(module_name: str, inputs: Mapping[str, str] | None = None, lang: str = "en") -> ExampleResult:
    """Run the shipped example of ``module_name`` on ``inputs`` (typed texts and the example's
    choices, all as text; missing ones take their defaults).

    An unknown module, an input the example does not have, or a choice outside its list is refused
    with a message saying so (as ``error``, with no code shown). An exception the example raises on
    odd input is its ``error``: the exception's type and text, never a crash.
    """
    example = EXAMPLES.get(module_name) if isinstance(module_name, str) else None
    if example is None:
        return ExampleResult("", "", tr("stdlib.unknown_module", lang, name=module_name, known=", ".join(MODULES)))
    inputs = dict(inputs or {})
    refusal = _check(example, inputs, lang)
    if refusal is not None:
        return ExampleResult("", "", refusal)
    values = default_inputs(module_name, lang)
    values.update(inputs)
    notes = []
    for spec in example.inputs:
        if len(values[spec.key]) > MAX_INPUT_CHARS:
            values[spec.key] = values[spec.key][:MAX_INPUT_CHARS]
            notes.append("# " + tr("stdlib.cut", lang, limit=MAX_INPUT_CHARS))
    run = _Run(values, lang, _shown_code(example, values, lang))
    run.lines.extend(notes)
    error = None
    try:
        example.run(run)
    except Exception as exc:  # noqa: BLE001 (an example's error is shown, never raised)
        error = _exception_text(exc)
    return ExampleResult(run.code, "\n".join(run.lines), error)


def _exception_text(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- what the interpreter says about a module -------------------------------------------------

@dataclass(frozen=True)
class ModuleInfo:
    """A module as the running interpreter sees it."""

    name: str
    synopsis: str  # the first paragraph of its docstring ("" if it has none)
    synopsis_from: str  # the module name, or the object whose docstring stood in
    kind: str  # "stdlib", "builtin", "frozen", "bundle", "other" or "missing"
    where: str  # the path shortened as ``kind`` says, or the import error for "missing"


def first_paragraph(doc: str | None) -> str:
    """The first paragraph of a docstring on one line, without underlines of a title, cut to
    about ``SUMMARY_CHARS``."""
    if not doc:
        return ""
    lines = []
    for line in doc.strip().splitlines():
        line = line.strip()
        if not line:
            if lines:
                break
            continue
        if set(line) <= set("=-~*#"):
            continue
        lines.append(line)
    text = " ".join(lines)
    if len(text) > SUMMARY_CHARS:
        text = text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _stdlib_dir() -> str:
    path = getattr(os, "__file__", None)
    if path:
        return os.path.dirname(os.path.abspath(path))
    import sysconfig

    return sysconfig.get_paths().get("stdlib", "")


def _relative(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` with forward slashes, or None if it is not inside (text only)."""
    if not root:
        return None
    path, root = os.path.normcase(os.path.normpath(path)), os.path.normcase(os.path.normpath(root))
    if not path.startswith(root.rstrip(os.sep) + os.sep):
        return None
    return path[len(root.rstrip(os.sep)) + 1:].replace(os.sep, "/")


def locate(module: types.ModuleType) -> tuple[str, str]:
    """(kind, shortened path) of a loaded module; never touches the filesystem.

    In a PyInstaller app ``__file__`` may be missing, or point into the bundle (or an archive in
    it) where no file by that name exists: that is reported as "bundle" with the part after the
    bundle's folder.
    """
    name = module.__name__
    file = getattr(module, "__file__", None)
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if name in sys.builtin_module_names or (not file and origin == "built-in"):
        return "builtin", ""
    bundle = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    if not file:
        return ("bundle", name) if bundle else ("builtin", "")
    if bundle:
        inside = _relative(file, bundle)
        if inside is not None:
            return "bundle", inside
    inside = _relative(file, _stdlib_dir())
    if origin == "frozen":
        return "frozen", inside or os.path.basename(file)
    if inside is not None:
        return "stdlib", inside
    return "other", os.path.basename(file)


def module_info(name: str) -> ModuleInfo:
    """The summary and location of one of the demo's modules (importing it by its fixed name)."""
    if name not in EXAMPLES:
        raise KeyError(f"not one of the demo's modules: {name!r}")
    if name in _INFO:
        return _INFO[name]
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        info = ModuleInfo(name, "", name, "missing", _exception_text(exc))
    else:
        synopsis, source = first_paragraph(inspect.getdoc(module)), name
        main = EXAMPLES[name].main
        if not synopsis and main and hasattr(module, main):
            synopsis, source = first_paragraph(inspect.getdoc(getattr(module, main))), f"{name}.{main}"
        kind, where = locate(module)
        info = ModuleInfo(name, synopsis, source, kind, where)
    _INFO[name] = info
    return info


_INFO: dict[str, ModuleInfo] = {}


def describe(info: ModuleInfo, lang: str) -> tuple[str, str]:
    """(summary, location) sentences for people, in ``lang``."""
    if info.kind == "missing":
        return tr("stdlib.summary.missing", lang, module=info.name), tr("stdlib.where.missing", lang, error=info.where)
    if not info.synopsis:
        summary = tr("stdlib.summary.none", lang, module=info.name)
    elif info.synopsis_from != info.name:
        summary = tr("stdlib.summary.from", lang, module=info.name, source=info.synopsis_from, text=info.synopsis)
    else:
        summary = tr("stdlib.summary", lang, module=info.name, text=info.synopsis)
    return summary, tr(f"stdlib.where.{info.kind}", lang, path=info.where)

