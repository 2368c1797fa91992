"""Python-Markdown with the explorer's safety rules: the part of rendering that needs Markdown.

Imported only when a page body is not in the rendered-page cache (see :mod:`explorer.core.render`),
so a start-up that finds its first page there never loads Markdown before the window is painted.
Raw HTML in the Markdown is shown as text, links keep only the schemes the explorer routes, images
must be relative paths inside the topic's own folder, and formulas become ``formula:KEY`` images.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Collection

import markdown
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from explorer.core.frontmatter import MAX_OPEN_BRACKETS, UNSAFE_IMAGE_SOURCE, open_brackets
from explorer.core.render import INLINE_FORMULA, ROUTED_SCHEMES, formula_html

class _LinkPolicy(Treeprocessor):
    """Marks routed links, drops other schemes, and keeps images inside the topic folder."""

    def __init__(self, md, known_topics: Collection[str]):
        super().__init__(md)
        self.known_topics = known_topics

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, element in enumerate(list(parent)):
                if element.tag == "a":
                    self._link(element)
                elif element.tag == "img":
                    self._image(parent, index, element)
                elif element.tag == "table":
                    element.set("border", "1")
                    element.set("cellspacing", "0")
                    element.set("cellpadding", "6")

    def _link(self, element: etree.Element) -> None:
        href = (element.get("href") or "").strip()
        if href.startswith("topic:"):
            target = href[len("topic:"):].split("#", 1)[0]
            element.set("class", "topic-link" if target in self.known_topics else "broken-link")
        elif href.startswith("demo:"):
            element.set("class", "demo-link")
        elif href.startswith(("http://", "https://", "mailto:")):
            element.set("class", "external-link")
            element.set("title", href)
        elif not href.startswith(ROUTED_SCHEMES):
            element.attrib.pop("href", None)

    def _image(self, parent: etree.Element, index: int, element: etree.Element) -> None:
        source = (element.get("src") or "").strip()
        if not source or UNSAFE_IMAGE_SOURCE.search(source):
            replacement = etree.Element("span")
            replacement.set("class", "missing-image")
            replacement.text = f"[{element.get('alt') or source}]"
            replacement.tail = element.tail
            parent.remove(element)
            parent.insert(index, replacement)


_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+#.-]*)[^\n]*\n(?P<code>.*?)\n?(?P=fence)[ \t]*$", re.M | re.S)


class _FencedCode(Preprocessor):
    """Fenced code blocks as ``<pre><code>``, without highlighting.

    Python-Markdown's own fenced_code extension imports its syntax highlighter and costs more
    at start-up than the first page's whole rendering.
    """

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        while match := _FENCE.search(text):
            language = f' class="language-{match["lang"]}"' if match["lang"] else ""
            block = f"<pre><code{language}>{html.escape(match['code'])}\n</code></pre>"
            text = f"{text[:match.start()]}\n{self.md.htmlStash.store(block)}\n{text[match.end():]}"
        return text.split("\n")


_INLINE_FORMULA = re.compile(INLINE_FORMULA)
_BLOCK_FORMULA = re.compile(r"^[ \t]*\$\$(?P<latex>.+?)\$\$[ \t]*$", re.M | re.S)


class _BlockFormulas(Preprocessor):
    """``$$ … $$`` on lines of their own → a centred formula image."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        text = _BLOCK_FORMULA.sub(lambda m: f"\n{self.md.htmlStash.store(formula_html(m['latex'], True))}\n", text)
        return text.split("\n")


class _InlineFormulas(InlineProcessor):
    """``$ … $`` inside a paragraph → an inline formula image."""

    def handleMatch(self, match, data):
        return self.md.htmlStash.store(formula_html(match.group(1), False)), match.start(0), match.end(0)


class _SafeContent(Extension):
    def __init__(self, known_topics: Collection[str]):
        super().__init__()
        self.known_topics = known_topics

    def extendMarkdown(self, md) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(_FencedCode(md), "fenced_code_block", 25)
        md.preprocessors.register(_BlockFormulas(md), "block_formulas", 24)
        md.inlinePatterns.register(_InlineFormulas(INLINE_FORMULA, md), "inline_formulas", 185)
        md.ESCAPED_CHARS.append("$")
        self.processor = _LinkPolicy(md, self.known_topics)
        md.treeprocessors.register(self.processor, "link_policy", 1)


_converter: markdown.Markdown | None = None
_policy: _SafeContent | None = None


def _defuse_brackets(text: str) -> str:
    """Escape every "[" of a paragraph with more than MAX_OPEN_BRACKETS unfinished ones, so a
    hostile (or machine-made) page cannot keep the link parser busy for minutes."""
    if text.count("[") <= MAX_OPEN_BRACKETS:
        return text
    parts = re.split(r"(\n[ \t]*\n)", text)
    return "".join(part.replace("[", "\\[") if open_brackets(part) > MAX_OPEN_BRACKETS else part for part in parts)


def convert(text: str, known_topics: Collection[str] = ()) -> str:
    """Render a Markdown body; raw HTML is escaped and links are filtered as described above."""
    global _converter, _policy
    if _converter is None:
        # Extension objects, not names: naming them makes Markdown scan every installed
        # package's entry points, which costs more than the rendering itself.
        _policy = _SafeContent(())
        _converter = markdown.Markdown(extensions=[
            TableExtension(), SaneListExtension(), TocExtension(permalink=False), _policy])
    _policy.processor.known_topics = known_topics
    try:
        return _converter.reset().convert(_defuse_brackets(text))
    finally:
        _policy.processor.known_topics = ()


