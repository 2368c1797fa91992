"""Leaving the app while background work runs exits cleanly."""

import subprocess
import sys
import textwrap


def test_the_interpreter_exits_cleanly_while_a_window_is_typesetting(tmp_path):
    """A window closed (and the interpreter leaving) while its page's thread still typesets every
    formula must exit with 0: the thread once emitted into destroyed Qt objects (exit code 139)."""
    script = textwrap.dedent("""
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from explorer.core.content import load_content
        from explorer.core.state import ExplorerState
        from explorer.qt.main_window import MainWindow

        app = QApplication([])
        content = load_content()
        windows = [MainWindow(ExplorerState(content.tree, topic, "zh"), content)
                   for topic in ("learning-rate", "preference-optimization", "hmm")]
        for window in windows:
            window.show()
        QTimer.singleShot(700, app.quit)
        app.exec()
        for window in windows:
            window.close()
            window.deleteLater()
        app.processEvents()
    """)
    for _ in range(2):
        run = subprocess.run([sys.executable, "-X", "faulthandler", "-c", script], capture_output=True, text=True,
                             timeout=120, env={"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path),
                                               "HOME": str(tmp_path)})
        assert run.returncode == 0, run.stderr[-2000:]
