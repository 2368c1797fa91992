"""Work done ahead in idle time: a step at a time, in order, and an error ends only its own work."""

import logging

from explorer.qt.idle_queue import IdleQueue


def test_steps_run_one_per_idle_moment_in_the_order_added(qtbot):
    queue = IdleQueue()
    ran = []

    def steps(name, count):
        for number in range(count):
            ran.append((name, number))
            yield

    queue.add(steps("a", 3))
    queue.add(steps("b", 2))
    assert queue.busy and ran == []  # nothing runs before the event loop is idle
    qtbot.waitUntil(lambda: not queue.busy, timeout=2000)
    assert ran == [("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1)]


def test_a_step_that_fails_ends_its_own_work_and_is_logged(qtbot, caplog):
    queue = IdleQueue()
    ran = []

    def failing():
        ran.append("first")
        yield
        raise ValueError("broken page")

    def fine():
        ran.append("after")
        yield

    queue.add(failing())
    queue.add(fine())
    with caplog.at_level(logging.ERROR):
        qtbot.waitUntil(lambda: not queue.busy, timeout=2000)
    assert ran == ["first", "after"]
    assert "broken page" in caplog.text

