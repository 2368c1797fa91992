"""Export: a demo's figure as PNG (2× resolution) or SVG, and a topic as a PDF or HTML handout.

The figure is whatever the demo shows as its plots (``DemoWidget.figure()``), rendered by Qt:
pyqtgraph plots and the painted HMM views alike. The handout's HTML comes from
``explorer.core.handout``; the PDF is that HTML laid out by QTextDocument and printed by
QPdfWriter, with the formulas and the demo picture handed over as resources.
"""

from __future__ import annotations

import base64
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPicture, QTextDocument
from PySide6.QtSvg import QSvgGenerator, QSvgRenderer
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

from explorer.core import formulas, handout
from explorer.core.topics import Topic, TopicTree
from explorer.qt.theme import ui_font

FIGURE_SCALE = 2.0
PDF_DPI = 300
PDF_POINT_SIZE = 10.0
FORMULA_TO_TEXT = 1.15  # typeset glyphs look small beside the text at equal em sizes
FORMULA_PIXELS = 3 * handout.FORMULA_SIZE  # sharp on paper
DEMO_RESOURCE = "handout:demo"


def figure_image(figure: QWidget, scale: float = FIGURE_SCALE) -> QImage:
    """The widget drawn at ``scale`` times its size on screen."""
    size = figure.size()
    image = QImage(QSize(round(size.width() * scale), round(size.height() * scale)), QImage.Format.Format_ARGB32)
    image.fill(figure.palette().window().color())
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        _draw(figure, painter)
    finally:
        painter.end()  # a painter left open on an image crashes when the garbage collector frees it
    return image


def _draw(figure: QWidget, painter: QPainter) -> None:
    """Draw ``figure`` with ``painter``: a plot view (QGraphicsView) draws its scene; any other
    widget (a text demo has no plots) draws itself and its children."""
    if isinstance(figure, QGraphicsView):
        figure.render(painter)
    else:
        figure.render(painter, QPoint())


@contextmanager
def _as_shapes(figure: QWidget):
    """While an SVG is drawn: items of the figure's plots that keep a picture of themselves for
    the screen (the axes: see ``plotting.style_plot``) draw themselves anew, and pyqtgraph's
    scatter plots are told they are being exported (as its own exporters do). Otherwise the SVG
    would hold the axes' text and the markers as copies of screen pixels."""
    views = ([figure] if isinstance(figure, QGraphicsView) else []) + figure.findChildren(QGraphicsView)
    items = [item for view in views if view.scene() is not None for item in view.scene().items()]
    exported = []
    if items:
        import pyqtgraph as pg  # loaded already: the plots are pyqtgraph's

        exported = [item for item in items if isinstance(item, pg.ScatterPlotItem)]
    cached = [(item, item.cacheMode()) for item in items if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    for item in exported:
        item.setExportMode(True, {"antialias": True})
    try:
        yield
    finally:
        for item in exported:
            item.setExportMode(False)
        for item, mode in cached:
            item.setCacheMode(mode)


def save_figure(figure: QWidget, path: Path, kind: str) -> None:
    """Save as ``png`` (2×) or ``svg``; raises OSError if the file cannot be written."""
    path = _writable(path)
    if kind == "svg":
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(figure.size())
        generator.setViewBox(figure.rect())
        # At a recorded picture's resolution: pyqtgraph's axes replay pictures (QPicture), which Qt
        # scales by the ratio of the two resolutions (an SVG's own is 72 dpi, a picture's 96).
        generator.setResolution(QPicture().logicalDpiX())
        generator.setTitle(figure.accessibleName() or "Concept Explorer")
        painter = QPainter(generator)
        try:
            with _as_shapes(figure):
                _draw(figure, painter)
        finally:
            painter.end()
        if not path.is_file() or path.stat().st_size == 0:
            raise OSError(f"nothing was written to {path}")
        return
    if not figure_image(figure).save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def save_handout(topic: Topic, lang: str, tree: TopicTree, path: Path,
                 figure: QWidget | None = None, title: str = "", summary: str = "") -> None:
    """Write ``path`` as a PDF (``.pdf``) or a standalone HTML file (anything else)."""
    path = _writable(path)
    picture = figure_image(figure) if figure is not None and figure.isVisible() else None
    if path.suffix.lower() == ".pdf":
        _save_pdf(topic, lang, tree, path, picture, title, summary)
        return
    demo = handout.DemoPicture(_png_data_uri(picture), title, summary) if picture is not None else None
    document = handout.handout_html(topic, lang, tree, handout.svg_data_uri, demo)
    path.write_text(document, encoding="utf-8")


def _writable(path: Path) -> Path:
    """Raise OSError now, with the system's reason, rather than let Qt fail quietly later."""
    path = Path(path)
    with path.open("ab"):
        pass
    return path


def _png_data_uri(image: QImage) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def _save_pdf(topic, lang, tree, path: Path, picture: QImage | None, title: str, summary: str) -> None:
    document = QTextDocument()
    document.setDefaultFont(ui_font(PDF_POINT_SIZE))
    demo = handout.DemoPicture(DEMO_RESOURCE, title, summary) if picture is not None else None
    keys: list[str] = []

    def formula_source(key: str) -> str:
        keys.append(key)
        return f"formula:{key}"

    text = handout.handout_html(topic, lang, tree, formula_source, demo)
    for key in keys:
        image = _formula_image(key)
        if image is not None:
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"formula:{key}"), image)
    if picture is not None:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(DEMO_RESOURCE),
                             picture.scaledToWidth(min(picture.width(), 1800), Qt.TransformationMode.SmoothTransformation))
    document.setHtml(text)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setTitle(topic.title(lang))
    writer.setCreator("Concept Explorer")
    document.print_(writer)
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError(f"nothing was written to {path}")


def _formula_image(key: str) -> QImage | None:
    found = formulas.source(key)
    if found is None:
        return None
    try:
        typeset = formulas.svg(found[0], found[1], handout.FORMULA_SIZE)
    except formulas.FormulaError:
        return None
    scale = FORMULA_PIXELS / handout.FORMULA_SIZE
    image = QImage(max(1, round(typeset.width * scale)), max(1, round(typeset.height * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(QByteArray(typeset.svg.encode("utf-8"))).render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    # One em of the formula as tall as one em of the 10 pt text (QTextDocument lays out at 96 dpi).
    image.setDevicePixelRatio(FORMULA_PIXELS / (PDF_POINT_SIZE * 96 / 72) / FORMULA_TO_TEXT)
    return image
