"""Reads one topic file: the ``+++`` TOML front matter, the Markdown body and the links in it.

Every problem is raised or returned as a :class:`Problem` that names the file and the line, so a
teacher who mistypes a field sees ``learning-rate.zh.md:4: 'order' must be a number`` instead of a
traceback. This module checks one file on its own; :mod:`explorer.core.content` checks files
against each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.core.topics import LANGUAGES, LessonStep, Preset, Question, TopicPage

if TYPE_CHECKING:
    import tomllib

DELIMITER = "+++"
MAX_FILE_BYTES = 200_000  # ten times the longest built-in page; rendering stays under a second or two
FILE_NAME = re.compile(r"^(?P<name>.+)\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z]+)?)\.md$")
ID_PATTERN = re.compile(r"^[^\s/?#:\\]+$")
FORMULA_PATTERN = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$])\$(?!\s)(?P<inline>[^$\n]+?)(?<![\s\\])\$(?!\$)", re.S)
FENCED_OR_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1|`[^`\n]+`", re.S | re.M)
LINK_PATTERN = re.compile(r"\]\(\s*<?(?P<scheme>topic|demo):(?P<target>[^)\s>]*)>?")
IMAGE_PATTERN = re.compile(r"!\[[^\]\n]*\]\(\s*<?(?P<source>[^)\s>]*)")
RAW_HTML_PATTERN = re.compile(r"</?(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?=[\s>/])")  # not autolinks <http://…>
# An image source that is a URL (any scheme), absolute, or climbs out with "..": never loaded.
UNSAFE_IMAGE_SOURCE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|\\)|(?:^|[/\\])\.\.(?:[/\\]|$)|%2e%2e", re.I)
MAX_IMAGE_BYTES = 5_000_000
# Python-Markdown's link parsing takes time growing with the square of the unfinished link
# openings ("[" without its "](…)" or "]") in one paragraph: 3000 take seconds. Beyond this many,
# a paragraph's brackets are shown as text. Finished links and [bracketed words] do not count.
MAX_OPEN_BRACKETS = 16
BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
_FINISHED_BRACKETS = re.compile(r"!?\[[^\[\]\n]*\](?:\([^()\s]*\)|(?!\())")


def open_brackets(block: str) -> int:
    """How many "[" of ``block`` do not belong to a finished link, image or [bracketed text]."""
    return _FINISHED_BRACKETS.sub("", block.replace("\\[", "")).count("[")
KNOWN_KEYS = ("id", "title", "parent", "order", "demo", "related", "presets", "questions", "steps")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located at ``file:line``."""

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ContentError(Exception):
    """A file that cannot be read as a topic; ``problem`` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Link:
    """A ``topic:`` or ``demo:`` link found in a body, with its line in the file."""

    scheme: str
    target: str
    line: int


@dataclass
class ParsedFile:
    """Everything one topic file says, with the line of each front-matter key."""

    topic_id: str
    page: TopicPage
    parent: str | None
    order: float
    demo: str | None
    related: tuple[str, ...]
    key_lines: dict[str, int]
    links: list[Link]
    problems: list[Problem] = field(default_factory=list)
    table_lines: dict[str, list[int]] = field(default_factory=dict)

    def formulas(self) -> list[tuple[str, bool, int]]:
        """Every ``$…$`` / ``$$…$$`` of the body as (LaTeX, display, line), code excluded."""
        body = self._body_outside_code()
        found = []
        for match in FORMULA_PATTERN.finditer(body):
            line = self.page.body_line + body.count("\n", 0, match.start())
            display = match["block"] is not None
            found.append((match["block"] if display else match["inline"], display, line))
        return found

    def _body_outside_code(self) -> str:
        """The body with code blanked out (line breaks kept, so offsets give lines)."""
        return FENCED_OR_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), self.page.body)

    def markup_problems(self, name: str) -> list[Problem]:
        """Warnings for what a page cannot show: raw HTML (shown as text, never run) and images
        that are URLs, lie outside the topic's folder, are missing or are too large."""
        body = self._body_outside_code()
        found = []
        position = 0
        for block in BLOCK_BREAK.split(body):
            if open_brackets(block) > MAX_OPEN_BRACKETS:
                line = self.page.body_line + body.count("\n", 0, position)
                found.append(Problem(name, line, f"more than {MAX_OPEN_BRACKETS} unfinished '[' in one paragraph: "
                                                 "its links and images are shown as text", "warning"))
            position += len(block) + 2
        tags_seen = set()
        for match in RAW_HTML_PATTERN.finditer(body):
            line = self.page.body_line + body.count("\n", 0, match.start())
            tag = match["tag"].lower()
            if (line, tag) not in tags_seen:  # <b>…</b> on one line is one warning
                tags_seen.add((line, tag))
                found.append(Problem(name, line, f"raw HTML <{tag}> is shown as text, never run", "warning"))
        for match in IMAGE_PATTERN.finditer(body):
            line = self.page.body_line + body.count("\n", 0, match.start())
            source = match["source"]
            problem = _image_problem(self.path.parent, source)
            if problem:
                found.append(Problem(name, line, f"image '{source}' {problem}; it is not shown", "warning"))
        return found

    @property
    def path(self) -> Path:
        return self.page.source

    def line_of(self, key: str, number: int = 0) -> int:
        """The line of ``key``, or of its ``number``-th ``[[key]]`` table (counting from 1)."""
        tables = self.table_lines.get(key, [])
        if 0 < number <= len(tables):
            return tables[number - 1]
        return self.key_lines.get(key, 1)


def _image_problem(folder: Path, source: str) -> str | None:
    """Why ``source`` (an image in a page in ``folder``) cannot be shown, or None if it can."""
    if not source or UNSAFE_IMAGE_SOURCE.search(source):
        return "is not a file inside the content folder"
    path = (folder / source).resolve()
    if not path.is_relative_to(folder.resolve()):
        return "leads outside the content folder"
    if not path.is_file():
        return "does not exist"
    if path.stat().st_size > MAX_IMAGE_BYTES:
        return f"is larger than {MAX_IMAGE_BYTES // 1_000_000} MB"
    return None


def split_file_name(path: Path) -> tuple[str, str] | None:
    """``("learning-rate", "zh")`` for ``learning-rate.zh.md``; None for other names."""
    match = FILE_NAME.match(path.name)
    return (match["name"], match["lang"]) if match else None


def read_topic_file(path: Path, display_name: str | None = None) -> ParsedFile:
    """Read and parse one topic file, raising ContentError for anything that stops it."""
    name = display_name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError(Problem(name, 1, f"file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})"))
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError(Problem(name, 1, f"cannot read file: {error.strerror or error}")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(Problem(name, line, "file is not UTF-8 text (save it as UTF-8)")) from None
    return parse_topic_text(text, path, display_name=name)


def parse_topic_text(text: str, path: Path, display_name: str | None = None) -> ParsedFile:
    """Parse a topic file's text; raise ContentError for anything that stops it."""
    name = display_name or str(path)
    parts = split_file_name(path)
    lang = parts[1] if parts else "zh"
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != DELIMITER:
        raise ContentError(Problem(name, 1, f"a topic file must begin with a '{DELIMITER}' line (TOML front matter)"))
    try:
        end = next(n for n in range(1, len(lines)) if lines[n].strip() == DELIMITER)
    except StopIteration:
        raise ContentError(Problem(name, 1, f"the front matter is not closed by a second '{DELIMITER}' line")) from None
    front = "\n".join(lines[1:end])
    import tomllib  # here: a start-up that finds its content in the cache never parses TOML

    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(Problem(name, _toml_error_line(error) + 1, f"TOML syntax error: {_toml_error_text(error)}")) from None
    key_lines, table_lines = _key_lines(lines[1:end], first_line=2)
    problems: list[Problem] = []

    def fail(key: str, message: str, number: int = 0) -> ContentError:
        """An error at ``key`` (at its ``number``-th ``[[key]]`` table, counting from 1)."""
        tables = table_lines.get(key, [])
        line = tables[number - 1] if 0 < number <= len(tables) else key_lines.get(key, 1)
        return ContentError(Problem(name, line, message))

    topic_id = meta.get("id")
    if not isinstance(topic_id, str) or not topic_id.strip():
        raise fail("id", "'id' is required and must be a non-empty string")
    if not ID_PATTERN.match(topic_id):
        raise fail("id", f"'id' = '{topic_id}' may not contain spaces, '/', '?', '#', ':' or '\\'")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", "'title' is required and must be a non-empty string")
    parent = _optional_str(meta, "parent", fail)
    demo = _optional_str(meta, "demo", fail)
    order = meta.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, (int, float)):
        raise fail("order", "'order' must be a number")
    related = meta.get("related", [])
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        raise fail("related", "'related' must be a list of topic ids, e.g. related = [\"epoch\"]")
    for key in meta:
        if key not in KNOWN_KEYS:
            problems.append(Problem(name, key_lines.get(key, 1), f"unknown key '{key}' (known keys: {', '.join(KNOWN_KEYS)})", "warning"))
    body_lines = lines[end + 1 :]
    page = TopicPage(
        lang=lang,
        title=title.strip(),
        body="\n".join(body_lines),
        source=path,
        body_line=end + 2,
        questions=_questions(meta.get("questions", []), fail),
        presets=_presets(meta.get("presets", []), fail),
        steps=_steps(meta.get("steps", []), fail),
    )
    links = [
        Link(match["scheme"], match["target"], end + 2 + number)
        for number, line in enumerate(body_lines)
        for match in LINK_PATTERN.finditer(line)
    ]
    if parts is None or parts[1] not in LANGUAGES:
        problems.append(Problem(name, 1, f"file name should be NAME.LANG.md with LANG one of {', '.join(LANGUAGES)}", "warning"))
    return ParsedFile(topic_id, page, parent, float(order), demo, tuple(related), key_lines, links, problems, table_lines)


def _optional_str(meta: dict, key: str, fail) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(key, f"'{key}' must be a non-empty string")
    return value.strip()


def _questions(raw: object, fail) -> tuple[Question, ...]:
    if not isinstance(raw, list):
        raise fail("questions", "'questions' must be an array of tables ([[questions]])")
    questions = []
    for number, item in enumerate(raw, start=1):
        where = f"question {number}"
        if not isinstance(item, dict):
            raise fail("questions", f"{where} must be a table with question, answer and explanation", number)
        texts = {}
        for key in ("question", "answer", "explanation"):
            value = item.get(key, "")
            if not isinstance(value, str) or (key != "explanation" and not value.strip()):
                raise fail("questions", f"{where}: '{key}' must be a non-empty string", number)
            texts[key] = value.strip()
        choices = item.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise fail("questions", f"{where}: 'choices' must be a list of strings", number)
        if choices and texts["answer"] not in choices:
            raise fail("questions", f"{where}: the answer '{texts['answer']}' is not one of its choices", number)
        questions.append(Question(texts["question"], texts["answer"], texts["explanation"], tuple(choices)))
    return tuple(questions)


def _steps(raw: object, fail) -> tuple[LessonStep, ...]:
    if not isinstance(raw, list):
        raise fail("steps", "'steps' must be an array of tables ([[steps]])")
    steps = []
    for number, item in enumerate(raw, start=1):
        where = f"step {number}"
        if not isinstance(item, dict) or not isinstance(item.get("topic"), str) or not item["topic"].strip():
            raise fail("steps", f"{where} needs a 'topic' (the id of the topic to show)", number)
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise fail("steps", f"{where}: 'params' must be a table, e.g. params = {{ lr = 0.5 }}", number)
        texts = {}
        for key in ("note", "predict", "answer"):
            value = item.get(key, "")
            if not isinstance(value, str):
                raise fail("steps", f"{where}: '{key}' must be a string", number)
            texts[key] = value.strip()
        choices = item.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise fail("steps", f"{where}: 'choices' must be a list of strings", number)
        if texts["predict"] and (len(choices) < 2 or texts["answer"] not in choices):
            raise fail("steps", f"{where}: a prediction needs at least two 'choices' and an 'answer' that is one of them", number)
        steps.append(LessonStep(item["topic"].strip(), dict(params), texts["note"], texts["predict"], tuple(choices), texts["answer"]))
    return tuple(steps)


def _presets(raw: object, fail) -> tuple[Preset, ...]:
    if not isinstance(raw, list):
        raise fail("presets", "'presets' must be an array of tables ([[presets]])")
    presets = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("label"), str) or not isinstance(item.get("params"), dict):
            raise fail("presets", f"preset {number} needs a 'label' string and a 'params' table", number)
        presets.append(Preset(item["label"], dict(item["params"])))
    return tuple(presets)


_KEY_LINE = re.compile(r"^\s*(?:\[\[?\s*)?(?P<key>[A-Za-z0-9_-]+)")


_TABLE_LINE = re.compile(r"^\s*\[\[\s*(?P<key>[A-Za-z0-9_-]+)\s*\]\]")


def _key_lines(front_lines: list[str], first_line: int) -> tuple[dict[str, int], dict[str, list[int]]]:
    """The first line of each key (``key = …`` or ``[[key]]``), and the line of every ``[[key]]``."""
    found: dict[str, int] = {}
    tables: dict[str, list[int]] = {}
    for number, line in enumerate(front_lines, start=first_line):
        table = _TABLE_LINE.match(line)
        if table:
            tables.setdefault(table["key"], []).append(number)
        match = _KEY_LINE.match(line)
        if match and ("=" in line or line.lstrip().startswith("[")):
            found.setdefault(match["key"], number)
    return found, tables


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int:
    line = getattr(error, "lineno", None)
    if isinstance(line, int):
        return line
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else 1


def _toml_error_text(error: tomllib.TOMLDecodeError) -> str:
    message = getattr(error, "msg", None) or str(error)
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
