"""The table of every operation personalize-local serves, found by name in its provider modules."""

from __future__ import annotations

from functools import cache

from .control import (
    dataset_groups,
    datasets,
    event_trackers,
    filters,
    recipes,
    schemas,
    solutions,
    tagging,
)
from .protocol.dispatch import Handler, handlers_from

PROVIDERS = (
    schemas,
    dataset_groups,
    datasets,
    solutions,
    event_trackers,
    filters,
    recipes,
    tagging,
)


@cache
def table() -> dict[str, Handler]:
    return handlers_from(PROVIDERS)
