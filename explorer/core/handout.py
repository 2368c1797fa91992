"""A printable handout of one topic: the page, a picture of its demo, questions, and an answer key.

The handout is one HTML document. Links that only work inside the explorer (``topic:``,
``demo:``) become plain text; formulas and the demo picture are images whose sources the caller
provides (data URIs for a standalone HTML file, resource names for a PDF printed by Qt). The
self-check questions are listed without their answers; the answer key starts on a new page.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from typing import Callable

from explorer.core import formulas
from explorer.core.i18n import tr
from explorer.core.render import inline_html, markdown_to_html
from explorer.core.selfcheck import LETTERS
from explorer.core.topics import Question, Topic, TopicTree

FORMULA_SIZE = 20.0  # pixels per em, as the page uses (so the typeset cache is shared)
FORMULA_SOURCE = re.compile(r'src="formula:([0-9a-f]+)"')
APP_LINK = re.compile(r'<a [^>]*href="(?:topic|demo):[^"]*"[^>]*>(.*?)</a>', re.S)
HANDOUT_CSS = """
body { font-family: sans-serif; font-size: 11pt; line-height: 1.45; color: #111; max-width: 46em; margin: 2em auto; }
h1 { font-size: 20pt; margin-bottom: 0.2em; }
h2 { font-size: 14pt; margin-top: 1.2em; }
h3 { font-size: 12pt; }
p.breadcrumb, p.caption { color: #555; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #999; padding: 4px 8px; }
th { background: #eef2f7; }
pre, code { font-family: monospace; background: #f4f5f7; }
pre { white-space: pre-wrap; padding: 6px; }
img.demo { max-width: 100%; border: 1px solid #ccc; }
ol.choices { list-style-type: upper-alpha; }
div.answers { page-break-before: always; }
"""


@dataclass(frozen=True)
class DemoPicture:
    """The demo as it is on screen: an image source, its title, and what it shows in words."""

    source: str
    title: str
    summary: str = ""


def handout_html(topic: Topic, lang: str, tree: TopicTree, formula_source: Callable[[str], str],
                 demo: DemoPicture | None = None) -> str:
    """The whole handout as one HTML document; ``formula_source(key)`` gives each formula's src."""
    page = topic.page(lang)
    parts = [f'<p class="breadcrumb">{html.escape(" › ".join(t.title(lang) for t in tree.ancestors(topic.id)))}</p>'
             if tree.ancestors(topic.id) else "",
             f"<h1>{html.escape(page.title)}</h1>",
             _plain_links(markdown_to_html(page.body, tree.ids))]
    if demo is not None:
        caption = html.escape(demo.title) + (f" — {html.escape(demo.summary)}" if demo.summary else "")
        parts.append(f'<h2>{html.escape(tr("handout.demo", lang))}</h2>'
                     f'<p><img class="demo" src="{demo.source}" alt="{html.escape(demo.title, quote=True)}"></p>'
                     f'<p class="caption">{caption}</p>')
    if page.questions:
        parts.append(_questions(page.questions, lang))
        parts.append(_answer_key(page.questions, lang))
    body = "\n".join(part for part in parts if part)
    body = FORMULA_SOURCE.sub(lambda match: f'src="{formula_source(match.group(1))}"', body)
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(page.title)}</title><style>{HANDOUT_CSS}</style></head>"
            f"<body>{body}<p class=\"caption\">{html.escape(tr('handout.footer', lang))}</p></body></html>")


def svg_data_uri(key: str) -> str:
    """A formula as an SVG data URI, for a standalone HTML file (typeset here if needed)."""
    found = formulas.source(key)
    if found is None:
        return ""
    try:
        image = formulas.svg(found[0], found[1], FORMULA_SIZE)
    except formulas.FormulaError:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(image.svg.encode("utf-8")).decode("ascii")


def _plain_links(body: str) -> str:
    """Links to the explorer's own topics and demos mean nothing on paper: keep their text."""
    return APP_LINK.sub(lambda match: f"<b>{match.group(1)}</b>", body)


def _questions(questions: tuple[Question, ...], lang: str) -> str:
    items = []
    for number, question in enumerate(questions, start=1):
        text = f"<p><b>{number}.</b> {inline_html(question.question)}</p>"
        if question.choices:
            choices = "".join(f"<li>{inline_html(choice)}</li>" for choice in question.choices)
            text += f'<ol class="choices">{choices}</ol>'
        else:
            text += "<p>______________________________________________</p>"
        items.append(text)
    return f'<h2>{html.escape(tr("page.self_check", lang))}</h2>' + "".join(items)


def _answer_key(questions: tuple[Question, ...], lang: str) -> str:
    items = []
    for number, question in enumerate(questions, start=1):
        if question.choices and question.answer in question.choices:
            answer = f"{LETTERS[question.choices.index(question.answer)]}. {inline_html(question.answer)}"
        else:
            answer = inline_html(question.answer)
        explanation = f" — {inline_html(question.explanation)}" if question.explanation else ""
        items.append(f"<p><b>{number}.</b> {answer}{explanation}</p>")
    return f'<div class="answers"><h2>{html.escape(tr("handout.answers", lang))}</h2>{"".join(items)}</div>'
