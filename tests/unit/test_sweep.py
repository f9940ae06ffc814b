"""The store forgets deleted resources at the first request after their deletion completes,
and skips its scan of every resource while no deletion is pending."""

from __future__ import annotations

import copy

from personalize_local.config import Settings
from personalize_local.store.lifecycle import GONE, Lifecycle
from personalize_local.store.state import Emulator, RegionState, Resource


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _store() -> tuple[RegionState, Clock]:
    clock = Clock()
    emulator = Emulator(Settings(seed=1, transition_seconds=0), clock=clock)
    return emulator.region("us-east-1"), clock


def _add(state: RegionState, clock: Clock, arn: str, parent: str | None = None) -> Resource:
    timeline = Lifecycle("ACTIVE", clock)
    return state.add(Resource("dataset-group", arn, {}, clock(), timeline, parent=parent))


def test_a_settled_store_still_forgets_a_resource_deleted_afterwards() -> None:
    state, clock = _store()
    group = _add(state, clock, "arn:group")
    _add(state, clock, "arn:child", parent="arn:group")
    state.sweep(clock())
    state.sweep(clock())  # settled: nothing pending, the scan is skipped
    assert set(state.resources) == {"arn:group", "arn:child"}

    group.timeline.walk("DELETE PENDING", GONE, step=0)
    state.sweep(clock())

    assert state.resources == {}


def test_a_deletion_still_under_way_is_swept_when_it_completes() -> None:
    state, clock = _store()
    group = _add(state, clock, "arn:group")
    state.sweep(clock())
    group.timeline.walk("DELETE PENDING", "DELETE IN_PROGRESS", GONE, step=5)
    state.sweep(clock())
    state.sweep(clock())  # GONE is still to come: not settled, so every sweep looks
    assert "arn:group" in state.resources

    clock.now += 10
    state.sweep(clock())

    assert state.resources == {}


def test_a_restored_store_sweeps_before_it_trusts_a_mark() -> None:
    state, clock = _store()
    group = _add(state, clock, "arn:group")
    state.sweep(clock())
    # A GONE step that reached the timeline without this process counting it (a state
    # restored from a checkpoint carries its timelines as they were).
    group.timeline._steps.append((clock(), GONE))

    restored = copy.copy(state)  # unpickling runs the same __setstate__
    restored.resources = dict(state.resources)
    restored.sweep(clock())

    assert restored.resources == {}
