"""Markdown → the HTML subset that QTextBrowser shows well.

The renderer is safe for teachers' folders: raw HTML in the Markdown is shown as text, links keep
only the schemes the explorer routes (``topic:``, ``demo:``, ``answer:``, ``http(s):``, ``#anchor``),
and images must be relative paths inside the topic's own folder. Links keep the ``scheme:path``
form because QUrl lowercases and IDNA-encodes a ``scheme://host``.

The Markdown itself is converted by :mod:`explorer.core.markdown_render`, imported on first use.
Rendered bodies can be kept on disk (:func:`use_disk_cache`): a start-up whose first page was
rendered in an earlier run then never loads Markdown before the window is painted.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
from pathlib import Path
from typing import Collection, Iterator, Sequence

from explorer.core import formulas
from explorer.core.i18n import tr
from explorer.core.resources import code_stamp
from explorer.core.selfcheck import SelfCheck, selfcheck_html
from explorer.core.topics import Topic, TopicTree

ROUTED_SCHEMES = ("topic:", "demo:", "http://", "https://", "mailto:", "#")
INLINE_FORMULA = r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\$)"


# Cached bodies are keyed by this too: a changed renderer renders them again.
RENDERER_VERSION = code_stamp("render.py", "markdown_render.py", "formulas.py", "frontmatter.py")
_FORMULA_TAG = re.compile(r'(<p class="formula-block" align="center">)?'
                          r'<img src="formula:[0-9a-f]+" alt="([^"]*)" class="formula"')
_disk_cache: Path | None = None


def formula_html(latex: str, display: bool) -> str:
    """The image tag that stands for one formula (the LaTeX stays as its alt text)."""
    key = formulas.register(latex, display)
    image = f'<img src="formula:{key}" alt="{html.escape(latex.strip(), quote=True)}" class="formula"'
    if display:
        return f'<p class="formula-block" align="center">{image} /></p>'
    return f'{image} style="vertical-align: middle" />'


def render_topic(
    topic: Topic,
    lang: str,
    tree: TopicTree,
    selfcheck: SelfCheck | None = None,
) -> str:
    """The whole page of a topic: title, body, self-check questions and related topics."""
    page = topic.page(lang)
    known = tree.ids
    parts = [f"<h1>{html.escape(page.title)}</h1>"]
    chain = tree.ancestors(topic.id)
    if chain:
        crumbs = " › ".join(f'<a class="topic-link" href="topic:{t.id}">{html.escape(t.title(lang))}</a>' for t in chain)
        parts.insert(0, f'<p class="breadcrumb">{crumbs}</p>')
    if page.lang != lang:
        parts.append(f'<p class="notice">{html.escape(tr("page.other_language", lang))}</p>')
    parts.append(_cached_html(page.body, known))
    parts.append(selfcheck_html(page.questions, lang, selfcheck or SelfCheck(), inline_html))
    related = [tree.get(r) for r in topic.related if r in tree]
    if related:
        links = "".join(f'<li><a class="topic-link" href="topic:{r.id}">{html.escape(r.title(lang))}</a></li>' for r in related)
        parts.append(f'<h2>{html.escape(tr("page.related", lang))}</h2><ul>{links}</ul>')
    return "\n".join(part for part in parts if part)


@functools.lru_cache(maxsize=512)
def _cached_html(text: str, known_topics: frozenset[str]) -> str:
    """Bodies are rendered once per text: going back to a topic costs no Markdown work. With a
    disk cache (:func:`use_disk_cache`), a body rendered in an earlier run is read back instead,
    and its formulas are registered again from their image tags."""
    file = _cache_file(text, known_topics)
    if file is not None:
        try:
            body = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
        else:
            for block, latex in _FORMULA_TAG.findall(body):
                formulas.register(html.unescape(latex), bool(block))
            return body
    body = markdown_to_html(text, known_topics)
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            partial = file.with_suffix(f".{os.getpid()}.part")
            partial.write_text(body, encoding="utf-8")
            partial.replace(file)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return body


def render_ahead(tree: TopicTree, langs: Sequence[str]) -> Iterator[str]:
    """Render every topic's body in each of ``langs`` (reading order), one topic per step, so that
    opening a page later costs no Markdown work; yields the id of each topic done."""
    known = tree.ids
    for lang in langs:
        for topic_id in tree.reading_order:
            _cached_html(tree.get(topic_id).page(lang).body, known)
            yield topic_id


def use_disk_cache(folder: Path | None) -> None:
    """Keep rendered page bodies in ``folder`` across runs (None: only in memory)."""
    global _disk_cache
    _disk_cache = folder
    _cached_html.cache_clear()


def _cache_file(text: str, known_topics: frozenset[str]) -> Path | None:
    if _disk_cache is None:
        return None
    key = hashlib.sha1("\0".join([RENDERER_VERSION, text, *sorted(known_topics)]).encode("utf-8")).hexdigest()
    return _disk_cache / f"body-{key}.html"


def markdown_to_html(text: str, known_topics: Collection[str] = ()) -> str:
    """Render a Markdown body; raw HTML is escaped and links are filtered as described above."""
    from explorer.core.markdown_render import convert  # Markdown is loaded on first use only

    return convert(text, known_topics)


_INLINE = re.compile(r"`([^`]+)`|" + INLINE_FORMULA + r"|\*\*(.+?)\*\*|\*(.+?)\*")


@functools.lru_cache(maxsize=2048)
def inline_html(text: str) -> str:
    """The inline Markdown of a short text (code, bold, italic), escaped like a body."""
    parts, position = [], 0
    for match in _INLINE.finditer(text):
        parts.append(html.escape(text[position:match.start()]))
        code, formula, bold, italic = match.groups()
        if code is not None:
            parts.append(f"<code>{html.escape(code)}</code>")
        elif formula is not None:
            parts.append(formula_html(formula, False))
        elif bold is not None:
            parts.append(f"<b>{html.escape(bold)}</b>")
        else:
            parts.append(f"<i>{html.escape(italic)}</i>")
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts).replace("\\$", "$")
