"""Loads topic folders into one :class:`TopicTree` and validates them against each other.

The built-in topics come first; every ``--content`` folder after them may add topics but never
silently replace one. Problems never stop the load: a broken file is left out and reported as
``file:line: message``, so the explorer still starts and the teacher learns what to fix.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import parse_qsl, urlsplit

from explorer.core.frontmatter import ContentError, ParsedFile, Problem, read_topic_file, split_file_name
from explorer.core.params import ParamError, ParamSpec, coerce_all
from explorer.core.resources import builtin_topics_dir, code_stamp
from explorer.core.topics import LANGUAGES, Topic, TopicTree

DemoCatalog = Mapping[str, Sequence[ParamSpec]]
MAX_TOPIC_FILES = 500  # per folder; the built-in content has about seventy


@dataclass
class ContentSet:
    """The result of a load: the tree, what was wrong, and the files it was built from."""

    tree: TopicTree
    problems: list[Problem] = field(default_factory=list)
    files: list[ParsedFile] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass(frozen=True)
class ContentFolder:
    """A folder of topic files; ``builtin`` marks the explorer's own content."""

    path: Path
    builtin: bool = False


def load_content(
    extra_folders: Sequence[Path] = (),
    *,
    include_builtin: bool = True,
    demos: DemoCatalog | None = None,
    cache_dir: Path | None = None,
) -> ContentSet:
    """Load the built-in topics and ``extra_folders``; check demos too when ``demos`` is given.

    With ``cache_dir``, the result is kept there and reused while no file of the folders (nor the
    loader itself) has changed: parsing every page's TOML is the largest part of start-up.
    """
    folders = [ContentFolder(builtin_topics_dir(), builtin=True)] if include_builtin else []
    folders += [ContentFolder(Path(folder)) for folder in extra_folders]
    if cache_dir is None or demos is not None:
        return load_folders(folders, demos=demos)
    return _cached_load(folders, Path(cache_dir))


_LOADER_MODULES = ("content.py", "frontmatter.py", "topics.py", "params.py")


def _cached_load(folders: Sequence[ContentFolder], cache_dir: Path) -> ContentSet:
    fingerprint = hashlib.sha1(code_stamp(*_LOADER_MODULES).encode())
    for folder in folders:
        fingerprint.update(f"{folder.path.resolve()}|{folder.builtin}".encode())
        if folder.path.is_dir():
            for path in sorted(folder.path.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    fingerprint.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    file = cache_dir / f"content-{fingerprint.hexdigest()}.pickle"
    try:
        with open(file, "rb") as stream:
            content = pickle.load(stream)
        if isinstance(content, ContentSet):
            return content
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        pass
    content = load_folders(folders)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("content-*.pickle"):
            old.unlink(missing_ok=True)
        partial = file.with_suffix(f".{os.getpid()}.part")
        with open(partial, "wb") as stream:
            pickle.dump(content, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(file)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return content


def load_folders(folders: Sequence[ContentFolder], *, demos: DemoCatalog | None = None) -> ContentSet:
    problems: list[Problem] = []
    topics: dict[str, Topic] = {}
    files_by_topic: dict[str, list[ParsedFile]] = {}
    for folder in folders:
        parsed = _read_folder(folder, problems)
        _merge_folder(folder, parsed, topics, files_by_topic, problems)
    _check_parents(topics, files_by_topic, problems)
    all_files = [f for files in files_by_topic.values() for f in files]
    _check_links(all_files, topics, demos, problems)
    _check_demos(topics, files_by_topic, demos, problems)
    problems.sort(key=lambda p: (p.file, p.line))
    return ContentSet(TopicTree(topics), problems, all_files)


def check_formulas(content: ContentSet, under: Path | None = None) -> list[Problem]:
    """Typeset every formula (of the files under ``under``) and report those that fail."""
    from explorer.core import formulas

    problems = []
    for file in content.files:
        if under is not None and not file.path.resolve().is_relative_to(under.resolve()):
            continue
        for latex, display, line in file.formulas():
            try:
                formulas.svg(latex.strip(), display, 20.0)
            except formulas.FormulaError as error:
                problems.append(Problem(_display_name(file.path), line, str(error)))
    return problems


def check_folder(folder: Path, demos: DemoCatalog | None = None) -> ContentSet:
    """Validate a folder as it will be loaded: a teacher's beside the built-in topics, and the
    built-in folder itself (for contributors) on its own, with the built-in rules."""
    builtin = builtin_topics_dir()
    if Path(folder).resolve() == builtin.resolve():
        return load_folders([ContentFolder(builtin, builtin=True)], demos=demos)
    return load_folders([ContentFolder(builtin, builtin=True), ContentFolder(Path(folder))], demos=demos)


def _display_name(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_folder(folder: ContentFolder, problems: list[Problem]) -> list[ParsedFile]:
    root = folder.path.resolve()
    if not root.is_dir():
        problems.append(Problem(_display_name(folder.path), 1, "content folder does not exist or is not a folder"))
        return []
    parsed = []
    topic_files = 0
    for path in sorted(root.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        name = _display_name(path)
        if not path.resolve().is_relative_to(root):
            problems.append(Problem(name, 1, "links outside its content folder; left out"))
            continue
        if split_file_name(path) is None:
            continue  # README.md and other notes beside the topics
        topic_files += 1
        if topic_files > MAX_TOPIC_FILES:
            problems.append(Problem(name, 1, f"more than {MAX_TOPIC_FILES} topic files in one folder: "
                                             "this file and the ones after it (by name) are left out"))
            break
        try:
            result = read_topic_file(path, name)
        except ContentError as error:
            problems.append(error.problem)
            continue
        problems.extend(result.problems)
        parsed.append(result)
    return parsed


def _merge_folder(folder, parsed, topics, files_by_topic, problems) -> None:
    """Group one folder's files into topics, checking them against each other and earlier folders."""
    grouped: dict[str, list[ParsedFile]] = {}
    for file in parsed:
        name = _display_name(file.path)
        stem = split_file_name(file.path)
        if stem and stem[0] != file.topic_id:
            problems.append(Problem(name, file.line_of("id"), f"id '{file.topic_id}' does not match the file name '{stem[0]}.{stem[1]}.md'"))
        siblings = grouped.setdefault(file.topic_id, [])
        clash = next((f for f in siblings if f.page.lang == file.page.lang), None)
        if clash is not None:
            problems.append(Problem(name, file.line_of("id"), f"duplicate id '{file.topic_id}' (also in {_display_name(clash.path)})"))
            continue
        siblings.append(file)
    for topic_id, files in grouped.items():
        files.sort(key=lambda f: LANGUAGES.index(f.page.lang) if f.page.lang in LANGUAGES else len(LANGUAGES))
        first = files[0]  # the primary language's file is the reference
        if topic_id in topics:
            owner = files_by_topic[topic_id][0]
            for file in files:
                problems.append(Problem(
                    _display_name(file.path), file.line_of("id"),
                    f"id '{topic_id}' is already defined by {_display_name(owner.path)}; "
                    "a content folder may add topics but not replace one (choose another id)"))
            continue
        for other in files[1:]:
            for key in ("parent", "order", "demo"):
                if getattr(other, key) != getattr(first, key):
                    problems.append(Problem(
                        _display_name(other.path), other.line_of(key),
                        f"'{key}' is {getattr(other, key)!r} here but {getattr(first, key)!r} in {_display_name(first.path)}"))
        topic = Topic(
            id=topic_id, parent=first.parent, order=first.order, demo=first.demo,
            related=tuple(dict.fromkeys(r for f in files for r in f.related)),
            pages={f.page.lang: f.page for f in files if f.page.lang in LANGUAGES},
            builtin=folder.builtin,
        )
        if not topic.pages:
            continue
        missing = [lang for lang in LANGUAGES if lang not in topic.pages]
        if missing:
            severity = "error" if folder.builtin else "warning"
            problems.append(Problem(_display_name(first.path), 1, f"topic '{topic_id}' has no {'/'.join(missing)} page", severity))
        topics[topic_id] = topic
        files_by_topic[topic_id] = files


def _check_parents(topics, files_by_topic, problems) -> None:
    for topic in topics.values():
        if topic.parent is not None and topic.parent not in topics:
            file = files_by_topic[topic.id][0]
            problems.append(Problem(_display_name(file.path), file.line_of("parent"), f"unknown parent '{topic.parent}'"))
            topic.parent = None
    for topic in topics.values():
        seen = [topic.id]
        parent = topic.parent
        while parent is not None:
            if parent in seen:
                file = files_by_topic[topic.id][0]
                cycle = " → ".join(seen[seen.index(parent):] + [parent])
                problems.append(Problem(_display_name(file.path), file.line_of("parent"), f"parent cycle: {cycle}"))
                topic.parent = None
                break
            seen.append(parent)
            parent = topics[parent].parent


def _check_links(files, topics, demos, problems) -> None:
    for file in files:
        name = _display_name(file.path)
        for related in file.related:
            if related not in topics:
                problems.append(Problem(name, file.line_of("related"), f"related topic '{related}' does not exist"))
        for number, step in enumerate(file.page.steps, start=1):
            line = file.line_of("steps", number)
            target = topics.get(step.topic)
            if target is None:
                problems.append(Problem(name, line, f"step {number}: topic '{step.topic}' does not exist"))
            elif step.params and demos is not None:
                if target.demo is None:
                    problems.append(Problem(name, line, f"step {number}: topic '{step.topic}' has no demo to set"))
                else:
                    _check_demo_params(name, line, target.demo, step.params, demos, problems, what=f"step {number}")
        problems.extend(file.markup_problems(name))
        for link in file.links:
            if link.scheme == "topic":
                target = link.target.split("#", 1)[0]
                if target not in topics:
                    problems.append(Problem(name, link.line, f"link to unknown topic 'topic:{link.target}'"))
            elif demos is not None:
                demo_id, params = parse_demo_target(link.target)
                _check_demo_params(name, link.line, demo_id, params, demos, problems, what=f"link 'demo:{link.target}'")


def _check_demos(topics, files_by_topic, demos, problems) -> None:
    if demos is None:
        return
    for topic in topics.values():
        files = files_by_topic[topic.id]
        if topic.demo is not None and topic.demo not in demos:
            problems.append(Problem(_display_name(files[0].path), files[0].line_of("demo"),
                                    f"demo '{topic.demo}' is not available in this version", "warning"))
        for file in files:
            for number, preset in enumerate(file.page.presets, start=1):
                if topic.demo is None:
                    problems.append(Problem(_display_name(file.path), file.line_of("presets", 1), "presets need a 'demo'"))
                    break
                _check_demo_params(_display_name(file.path), file.line_of("presets", number), topic.demo, preset.params,
                                   demos, problems, what=f"preset '{preset.label}'")


def _check_demo_params(name, line, demo_id, params, demos, problems, what) -> None:
    if demo_id not in demos:
        problems.append(Problem(name, line, f"{what}: demo '{demo_id}' is not available in this version", "warning"))
        return
    try:
        coerce_all(demos[demo_id], params)
    except ParamError as error:
        problems.append(Problem(name, line, f"{what}: {error}"))


def parse_demo_target(target: str) -> tuple[str, dict[str, str]]:
    """``("learning-rate", {"lr": "0.5"})`` for the target of ``demo:learning-rate?lr=0.5``."""
    parts = urlsplit("demo:" + target)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
