"""Shared test set-up: no real display and no real settings file are ever touched."""

import os
import shutil
import subprocess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import explorer.app  # noqa: E402,F401  (numpy then runs on one BLAS thread, as in the app)

import pytest  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Formula caches of the app under test go to a folder of the test run."""
    os.environ["CONCEPT_EXPLORER_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _private_settings(tmp_path, monkeypatch):
    """Every test gets its own settings file."""
    monkeypatch.setenv("CONCEPT_EXPLORER_SETTINGS", str(tmp_path / "settings.ini"))


@pytest.fixture
def xvfb_display():
    binary = shutil.which("Xvfb")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed; .ci/run installs it")
        pytest.skip("Xvfb is not installed")
    read_end, write_end = os.pipe()
    process = subprocess.Popen([binary, "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                               pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        number = reader.readline().strip()
    try:
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def pytest_sessionfinish(session, exitstatus):
    """Delete the windows the tests left while the QApplication still exists (see shutdown.py)."""
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from explorer.qt.shutdown import tear_down

        tear_down()
