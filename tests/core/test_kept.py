"""The bounded store the simulations keep their results in."""

from explorer.core.sims.kept import keep


def test_keep_holds_the_most_recently_used_entries_up_to_its_limit():
    store = {}
    for key in "abc":
        assert keep(store, key, key.upper(), 3) == key.upper()
    keep(store, "a", "A", 3)  # used again: now the most recent
    keep(store, "d", "D", 3)  # over the limit: the least recently used, b, goes
    assert list(store) == ["c", "a", "d"] and store["d"] == "D"
