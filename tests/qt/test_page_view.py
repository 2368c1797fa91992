"""The page view: safe resources, external links only on click, teachers' folders."""

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument

from explorer.core.content import ContentFolder, load_folders
from explorer.core.state import ExplorerState
from explorer.qt.page_view import PageView

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


@pytest.fixture
def pack(tmp_path):
    folder = tmp_path / "pack"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "dot.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)
    for lang in ("zh", "en"):
        (folder / f"pic.{lang}.md").write_text(
            '+++\nid = "pic"\ntitle = "图"\n+++\n![点](figures/dot.png)\n\n[网站](https://example.org)\n', encoding="utf-8")
    return folder


@pytest.fixture
def page(qtbot, pack):
    content = load_folders([ContentFolder(pack)])
    view = PageView(ExplorerState(content.tree, "pic"))
    qtbot.addWidget(view)
    return view


def test_images_load_only_from_inside_the_topic_folder(page):
    image = QTextDocument.ResourceType.ImageResource
    assert page.loadResource(image, QUrl("figures/dot.png")) is not None
    assert page.loadResource(image, QUrl("../secret.png")) is None
    assert page.loadResource(image, QUrl("https://example.org/x.png")) is None
    assert page.loadResource(image, QUrl.fromLocalFile(str(Path(page._folder).parent / "secret.png"))) is None
    assert page.loadResource(image, QUrl("figures/%2e%2e/%2e%2e/secret.png")) is None
    for scheme in ("http://example.org/x.png", "ftp://example.org/x.png", "//example.org/x.png", "data:image/png;base64,AAAA"):
        assert page.loadResource(image, QUrl(scheme)) is None, scheme


def test_symlinks_out_of_the_folder_and_huge_images_are_not_loaded(page, pack, monkeypatch):
    import os

    from explorer.qt import page_view

    image = QTextDocument.ResourceType.ImageResource
    os.symlink(pack.parent / "secret.png", pack / "figures" / "link.png")
    assert page.loadResource(image, QUrl("figures/link.png")) is None
    os.symlink(pack / "figures" / "dot.png", pack / "figures" / "inner.png")
    assert page.loadResource(image, QUrl("figures/inner.png")) is not None  # a link inside is fine
    monkeypatch.setattr(page_view, "MAX_IMAGE_BYTES", 10)
    assert page.loadResource(image, QUrl("figures/dot.png")) is None


def test_external_links_open_in_the_browser_only_when_clicked(page, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()) or True))
    assert opened == []
    page.anchorClicked.emit(QUrl("https://example.org"))
    assert opened == ["https://example.org"]


def test_formulas_are_typeset_sharp_and_follow_the_zoom(qtbot, tmp_path):
    folder = tmp_path / "maths"
    folder.mkdir()
    for lang in ("zh", "en"):
        (folder / f"maths.{lang}.md").write_text(
            '+++\nid = "maths"\ntitle = "公式"\n+++\n行内 $\\eta > 2/\\lambda$ 与价格 \\$5。\n\n$$\n\\frac{1}{2}\\lambda x^2\n$$\n',
            encoding="utf-8")
    content = load_folders([ContentFolder(folder)])
    view = PageView(ExplorerState(content.tree, "maths"))
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    with qtbot.waitSignal(view.formula_images.ready, timeout=30000, raising=False):
        view.formula_images.warm()
    qtbot.waitUntil(lambda: view.formula_images.loaded, timeout=30000)
    view.show_topic()
    text = view.toPlainText()
    assert "$" in text and "\\eta" not in text and "\\frac" not in text  # the price stays, no raw LaTeX
    keys = [fragment for fragment in view.toHtml().split('src="formula:')[1:]]
    assert len(keys) == 2
    key = keys[0].split('"')[0]
    image = view.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(f"formula:{key}"))
    assert image.devicePixelRatio() >= 2 and image.width() > 40
    logical = image.width() / image.devicePixelRatio()
    view.set_zoom(2.0)
    bigger = view.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(f"formula:{key}"))
    assert bigger.width() / bigger.devicePixelRatio() == pytest.approx(2 * logical, rel=0.05)
