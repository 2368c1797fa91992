"""Build Concept Explorer for Linux: a PyInstaller bundle, a .deb and a portable .tar.gz.

    python packaging/build.py            # everything, into dist/
    python packaging/build.py --reuse    # repackage an existing dist/concept-explorer bundle
    python packaging/build.py --bundle-only  # Windows and macOS: the bundle, then their own tools

Needs PyInstaller and fontTools (``pip install pyinstaller fonttools``), Debian's dpkg-deb, and a
CJK font to subset (``fonts-wqy-microhei``; or set CJK_FONT to another freely licensed font
file; SKIP_FONT=1 bundles none, as on Windows and macOS, which have one). Nothing is downloaded. The version comes from ``explorer.__version__``; sizes are printed as JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = ROOT / "dist"
NAME = "concept-explorer"
SOURCE_FONT = Path(os.environ.get("CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"))
FONT_LICENCE = Path("/usr/share/doc/fonts-wqy-microhei/copyright")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# What the frozen app needs from the system: Qt's xcb platform plugin and OpenGL/EGL stubs.
DEB_DEPENDS = ("libc6, libfontconfig1, libfreetype6, libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, "
               "libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, "
               "libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libdbus-1-3")

sys.path.insert(0, str(ROOT))
from explorer import __version__  # noqa: E402


def characters_used() -> str:
    """Every non-ASCII character of the built-in content and the code's strings (UI, demos)."""
    text = []
    for pattern in ("assets/**/*.md", "explorer/**/*.py"):
        for path in ROOT.glob(pattern):
            text.append(path.read_text(encoding="utf-8"))
    chars = {ch for ch in "".join(text) if ord(ch) > 0x7F}
    return "".join(sorted(chars)) + "".join(chr(c) for c in range(0x20, 0x7F))


def subset_font() -> Path:
    """Cut the CJK font down to the characters the explorer shows (a few hundred kB)."""
    from fontTools import subset

    if not SOURCE_FONT.is_file():
        raise SystemExit(f"no CJK font at {SOURCE_FONT}: install fonts-wqy-microhei or set CJK_FONT")
    out = BUILD / "fonts" / "cjk-subset.ttf"
    out.parent.mkdir(parents=True, exist_ok=True)
    options = subset.Options()
    options.font_number = 0
    options.name_IDs = ["*"]  # keep the family name, so fallbacks find it
    options.name_languages = ["*"]
    options.layout_features = ["*"]
    font = subset.load_font(str(SOURCE_FONT), options, lazy=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters_used())
    subsetter.subset(font)
    subset.save_font(font, str(out), options)
    if FONT_LICENCE.is_file():
        shutil.copy(FONT_LICENCE, out.parent / "LICENSE-wqy-microhei.txt")
    return out


def render_icons() -> Path:
    """PNGs at the standard sizes (and a Windows .ico) from the one SVG in assets/icons."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QtSvg needs it)
    renderer = QSvgRenderer(str(ROOT / "assets" / "icons" / f"{NAME}.svg"))
    folder = BUILD / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        image.save(str(folder / f"{size}.png"))
        if size == 256:
            image.save(str(folder / f"{NAME}.ico"))
    return folder


def build_bundle() -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "packaging" / f"{NAME}.spec"), "--noconfirm",
                    "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller")], check=True, cwd=ROOT)
    bundle = DIST / NAME
    strip_python(bundle)
    return bundle


def strip_python(bundle: Path) -> None:
    """Drop the debugging symbols of Python itself (18 MB of libpython on this machine).

    Only Python's own library and its extension modules: stripping everything (PyInstaller's
    strip=True) corrupts numpy's OpenBLAS.
    """
    if sys.platform != "linux" or shutil.which("strip") is None:
        return
    internal = bundle / "_internal"
    targets = [*internal.glob("libpython3*.so*"), *internal.glob("python3*/lib-dynload/*.so")]
    for target in targets:
        if not target.is_symlink():
            subprocess.run(["strip", "--strip-unneeded", str(target)], check=True)


def build_deb(bundle: Path) -> Path:
    """The bundle under /opt, a launcher on the PATH, menu entry, icons, AppStream, URL scheme."""
    root = BUILD / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / NAME, symlinks=True)
    launcher = root / "usr" / "bin" / NAME
    launcher.parent.mkdir(parents=True)
    launcher.write_text(f'#!/bin/sh\nexec /opt/{NAME}/{NAME} "$@"\n')
    launcher.chmod(0o755)
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(ROOT / "packaging" / "linux" / f"{NAME}.desktop", share / "applications")
    metainfo = (ROOT / "packaging" / "linux" / f"{NAME}.metainfo.xml").read_text(encoding="utf-8")
    metainfo = metainfo.replace("@VERSION@", __version__).replace("@DATE@", datetime.date.today().isoformat())
    (share / "metainfo").mkdir(parents=True)
    (share / "metainfo" / "io.github.conceptexplorer.concept_explorer.metainfo.xml").write_text(metainfo, encoding="utf-8")
    for size in ICON_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy(BUILD / "icons" / f"{size}.png", target / f"{NAME}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy(ROOT / "assets" / "icons" / f"{NAME}.svg", scalable)
    doc = share / "doc" / NAME
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(_copyright(), encoding="utf-8")
    size_kb = sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) // 1024
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: {NAME}\nVersion: {__version__}\nSection: education\nPriority: optional\n"
        f"Architecture: {_deb_architecture()}\nInstalled-Size: {size_kb}\nDepends: {DEB_DEPENDS}\n"
        "Maintainer: Concept Explorer <concept-explorer@users.noreply.github.com>\n"
        "Homepage: https://github.com/concept-explorer/concept-explorer\n"
        "Description: machine-learning concepts you can read and touch\n"
        " Explanations in Chinese and English with interactive demos (gradient descent,\n"
        " batch size, early stopping, hidden Markov models), a presentation mode for\n"
        " classroom projectors, search and printable handouts. Works offline.\n")
    out = DIST / f"{NAME}_{__version__}_{_deb_architecture()}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def build_tarball(bundle: Path) -> Path:
    """A folder that runs from anywhere (a USB stick): unpack and start ./concept-explorer."""
    top = f"{NAME}-{__version__}-linux-{os.uname().machine}"
    out = DIST / f"{top}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=9) as archive:
        archive.add(bundle, arcname=top)
        readme = BUILD / "PORTABLE.txt"
        readme.write_text("Unpack anywhere and run ./concept-explorer (no installation needed).\n"
                          "解压到任意位置，运行 ./concept-explorer 即可（无需安装）。\n", encoding="utf-8")
        archive.add(readme, arcname=f"{top}/PORTABLE.txt")
    return out


def _deb_architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def _copyright() -> str:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8") if (ROOT / "LICENSE").is_file() else "MIT License\n"
    font = ("\nThe bundled font assets/fonts/cjk-subset.ttf is a subset of WenQuanYi Micro Hei,\n"
            "Copyright (C) 2008-2009 The WenQuanYi Project Board of Trustees, released under the\n"
            "Apache License 2.0 or the GNU GPL v3 with a font embedding exception\n"
            "(see LICENSE-wqy-microhei.txt in the same folder).\n")
    return f"Concept Explorer {__version__}\n\n{licence}{font}"


def _size_mb(path: Path) -> float:
    """Bytes on disk, counting a file once however many symlinks point to it."""
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file() and not f.is_symlink()]
    total = sum(f.stat().st_size for f in files)
    return round(total / 2**20, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="package the existing dist/concept-explorer")
    parser.add_argument("--bundle-only", action="store_true", help="only the PyInstaller folder (no .deb, .tar.gz)")
    args = parser.parse_args()
    DIST.mkdir(exist_ok=True)
    bundle = DIST / NAME
    if not args.reuse or not bundle.is_dir():
        if os.environ.get("SKIP_FONT"):  # Windows and macOS always have a Chinese font
            shutil.rmtree(BUILD / "fonts", ignore_errors=True)
        else:
            subset_font()
        render_icons()
        bundle = build_bundle()
    if args.bundle_only:
        print(json.dumps({"version": __version__, "bundle": str(bundle), "bundle_mb": _size_mb(bundle)}, indent=2))
        return 0
    deb = build_deb(bundle)
    tarball = build_tarball(bundle)
    print(json.dumps({"version": __version__, "bundle_mb": _size_mb(bundle), "deb": deb.name, "deb_mb": _size_mb(deb),
                      "tar_gz": tarball.name, "tar_gz_mb": _size_mb(tarball)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
