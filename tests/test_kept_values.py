"""Values kept by origin (``kept_values``): one per origin, the least recently used out first."""

from __future__ import annotations

from dialogue_edition.kept_values import KeptValues


def test_the_least_recently_used_goes_first_beyond_the_room() -> None:
    kept: KeptValues[str, int] = KeptValues(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" now the most recently used
    kept.put("c", 3)
    assert kept.items() == [("a", 1), ("c", 3)]
    assert kept.peek("a") == 1
    assert kept.items() == [("a", 1), ("c", 3)]  # peeking leaves the order
    assert kept.get("b") is None


def test_a_value_handed_over_never_replaces_the_one_this_process_has() -> None:
    kept: KeptValues[str, list[int]] = KeptValues(8)
    own = [1]
    kept.put("a", own)
    kept.take([("a", [1]), ("b", [2])])
    assert kept.get("a") is own
    assert kept.get("b") == [2]
