"""The Linux packages: a normal-looking .deb, valid desktop files, and a frozen app that draws
Chinese with no system font at all. They check what ``python packaging/build.py`` left in dist/
(``.ci/run`` builds it first); without packages they are skipped, unless BUILD_PACKAGES=1 asks
for a build (a few minutes).
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from explorer import __version__

pytestmark = pytest.mark.packaging
ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
EXE = "concept-explorer"


@pytest.fixture(scope="module")
def artifacts():
    debs, tarballs = list(DIST.glob(f"{EXE}_{__version__}_*.deb")), list(DIST.glob(f"{EXE}-{__version__}-linux-*.tar.gz"))
    if not debs or not tarballs:
        if not os.environ.get("BUILD_PACKAGES"):
            pytest.skip("no packages in dist/: run python packaging/build.py (or set BUILD_PACKAGES=1)")
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT)
        debs, tarballs = list(DIST.glob("*.deb")), list(DIST.glob("*.tar.gz"))
    return debs[0], tarballs[0]


@pytest.fixture(scope="module")
def installed(artifacts, tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(artifacts[0]), str(root)], check=True)
    return root


def no_fonts_env(tmp_path):
    """An environment whose fontconfig knows no font at all, and no settings of the user's."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/fc</cachedir></fontconfig>')
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(FONTCONFIG_FILE=str(conf), CONCEPT_EXPLORER_SETTINGS=str(tmp_path / "settings.ini"),
               CONCEPT_EXPLORER_CACHE=str(tmp_path / "cache"))
    return env


def test_the_deb_looks_like_a_normal_package(artifacts):
    deb = artifacts[0]
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
    assert f"Version: {__version__}" in info and "Package: concept-explorer" in info
    assert "libxcb-cursor0" in info and "Section: education" in info
    contents = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True).stdout
    for path in ("./opt/concept-explorer/concept-explorer", "./usr/bin/concept-explorer",
                 "./usr/share/applications/concept-explorer.desktop",
                 "./usr/share/metainfo/io.github.conceptexplorer.concept_explorer.metainfo.xml",
                 "./usr/share/icons/hicolor/48x48/apps/concept-explorer.png",
                 "./usr/share/icons/hicolor/scalable/apps/concept-explorer.svg",
                 "./usr/share/doc/concept-explorer/copyright", "assets/fonts/cjk-subset.ttf",
                 "assets/fonts/LICENSE-wqy-microhei.txt"):
        assert path in contents, path
    assert deb.stat().st_size < 60 * 2**20


def test_desktop_entry_and_metainfo_validate(installed):
    share = installed / "usr" / "share"
    desktop = share / "applications" / "concept-explorer.desktop"
    assert "x-scheme-handler/explorer" in desktop.read_text(encoding="utf-8")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    if shutil.which("appstreamcli"):
        metainfo = next((share / "metainfo").glob("*.xml"))
        result = subprocess.run(["appstreamcli", "validate", "--no-net", "--pedantic", str(metainfo)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_frozen_app_draws_chinese_with_no_system_font(installed, tmp_path, xvfb_display):
    exe = installed / "opt" / "concept-explorer" / EXE
    env = no_fonts_env(tmp_path)
    check = subprocess.run([str(exe), "--font-check"], capture_output=True, text=True, env=env, timeout=120)
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout.strip().splitlines()[-1])
    assert report["bundled"] == "WenQuanYi Micro Hei" and report["missing"] == "", report
    env.update(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    shot = tmp_path / "frozen.png"
    result = subprocess.run([str(exe), "--topic", "hmm", "--screenshot", str(shot)], capture_output=True,
                            text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 20


def test_the_frozen_app_typesets_every_formula(installed, tmp_path):
    exe = installed / "opt" / "concept-explorer" / EXE
    topics = installed / "opt" / "concept-explorer" / "_internal" / "assets" / "topics"
    result = subprocess.run([str(exe), "--check-content", str(topics)], capture_output=True, text=True,
                            env=no_fonts_env(tmp_path), timeout=300)
    assert result.returncode == 0 and "cannot typeset" not in result.stdout + result.stderr, result.stdout[-2000:]
    assert " 0 errors" in result.stdout


def test_the_portable_tarball_runs_from_any_folder(artifacts, tmp_path):
    with tarfile.open(artifacts[1]) as archive:
        archive.extractall(tmp_path, filter="tar")
    folder = next(tmp_path.glob("concept-explorer-*"))
    exe = folder / EXE
    assert (folder / "PORTABLE.txt").is_file()
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"concept-explorer {__version__}"
    topics = subprocess.run([str(exe), "--list-topics"], capture_output=True, text=True, timeout=60,
                            env=no_fonts_env(tmp_path))
    assert {"hmm", "epoch", "learning-rate"} <= {topic["id"] for topic in json.loads(topics.stdout)}
