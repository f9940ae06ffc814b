"""x-amzn-RequestId values: uuid4-shaped, distinct under concurrency, the same for the same seed."""

from __future__ import annotations

import threading
import uuid

from personalize_local.ids import IdSource


def test_request_ids_are_uuid4_shaped_and_distinct() -> None:
    ids = IdSource(7)
    made = [ids.request_id() for _ in range(1000)]
    assert len(set(made)) == len(made)
    for value in made:
        parsed = uuid.UUID(value)
        assert str(parsed) == value and parsed.version == 4


def test_request_ids_follow_the_seed() -> None:
    first, second, other = IdSource(7), IdSource(7), IdSource(8)
    run = [first.request_id() for _ in range(5)]
    assert run == [second.request_id() for _ in range(5)]
    assert run != [other.request_id() for _ in range(5)]
    first.reseed(7)  # /moto-api/seed starts the sequence again
    assert [first.request_id() for _ in range(5)] == run


def test_request_ids_do_not_move_resource_or_answer_ids() -> None:
    drawn, untouched = IdSource(3), IdSource(3)
    for _ in range(10):
        drawn.request_id()
    assert drawn.hex8() == untouched.hex8()
    assert drawn.request_uuid() == untouched.request_uuid()


def test_request_ids_stay_distinct_across_threads() -> None:
    ids = IdSource(None)
    made: list[list[str]] = [[] for _ in range(8)]

    def draw(out: list[str]) -> None:
        out.extend(ids.request_id() for _ in range(2000))

    threads = [threading.Thread(target=draw, args=(out,)) for out in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [value for out in made for value in out]
    assert len(set(flat)) == len(flat) == 16000
