"""The background typesetting queue: asked-for formulas first, news for the window, clean stops."""

import time

from explorer.core import formulas
from explorer.core.typeset_queue import ALL_TYPESET, READY, TypesetQueue

SIZE = 17.0  # a size no other test typesets at, so nothing is cached already


def wait_for(condition, timeout=60.0):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_asked_for_formulas_are_typeset_and_announced():
    queue = TypesetQueue(SIZE)
    wanted = [(r"\alpha_{%d}" % i, False) for i in range(5)]
    queue.start(wanted)
    assert queue.settle(60)
    assert all(formulas.cached_svg(latex, display, SIZE) is not None for latex, display in wanted)
    assert wait_for(lambda: not queue.running)
    assert READY in queue.take_news()
    assert queue.take_news() == set()  # news is taken once


def test_everything_is_typeset_then_announced_and_asked_for_ones_jump_the_queue():
    queue = TypesetQueue(SIZE + 1)
    everything = [(r"x^{%d} + y_{%d}" % (i, i), True) for i in range(40)]
    queue.start(later=lambda: everything)
    assert queue.loaded.wait(60)
    late = everything[-1]
    queue.ask_for(late)
    assert queue.settle(60)
    # The last formula of the long list was typeset on request, before the list was worked through.
    assert formulas.cached_svg(*late, SIZE + 1) is not None
    assert wait_for(lambda: not queue.running)
    assert ALL_TYPESET in queue.take_news() | queue.take_news()
    assert all(formulas.cached_svg(latex, display, SIZE + 1) is not None for latex, display in everything)


def test_stop_ends_the_thread_after_the_formula_under_way():
    queue = TypesetQueue(SIZE + 2)
    everything = [(r"\frac{%d}{z_{%d}}" % (i, i), True) for i in range(2000)]
    queue.start(later=lambda: everything)
    assert queue.loaded.wait(60)
    queue.stop(timeout=10)
    assert not queue.running
    typeset = sum(formulas.cached_svg(latex, display, SIZE + 2) is not None for latex, display in everything)
    assert typeset < len(everything)
    queue.start([("y", False)])  # a stopped queue stays stopped
    assert not queue.running
