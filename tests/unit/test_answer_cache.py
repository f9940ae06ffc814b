"""The GetRecommendations answer cache: bounded by the items it holds, least recently used out."""

from __future__ import annotations

from personalize_local.serving.answers import AnswerCache, frozen


def test_items_bound_the_cache_and_the_least_recently_used_go_first() -> None:
    cache = AnswerCache(100)
    for key in range(4):
        cache.put(key, f"answer {key}", 24)  # 25 each with the entry itself: four fit
    assert len(cache) == 4
    assert cache.get(0) == "answer 0"  # now the most recently used
    cache.put(4, "answer 4", 24)
    assert cache.get(1) is None and cache.get(0) == "answer 0" and cache.get(4) == "answer 4"
    cache.put(4, "answer 4 again", 0)  # replacing an entry frees its old share
    cache.put(5, "answer 5", 24)
    assert cache.get(2) is None or cache.get(3) is None
    assert cache.get(4) == "answer 4 again" and cache.get(5) == "answer 5"


def test_too_large_or_switched_off() -> None:
    cache = AnswerCache(100)
    cache.put("big", "500 items", 500)
    assert cache.get("big") is None and len(cache) == 0
    off = AnswerCache(0)
    off.put("key", "answer", 0)
    assert off.get("key") is None


def test_filter_values_are_a_key_in_any_order() -> None:
    assert frozen({"A": "1", "B": "2"}) == frozen({"B": "2", "A": "1"})
    assert frozen(None) == frozen({}) == ()
