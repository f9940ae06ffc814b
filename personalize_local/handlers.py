"""The table of every operation personalize-local serves, found by name in its provider modules."""

from __future__ import annotations

from functools import cache

from .control import (
    dataset_groups,
    datasets,
    deletion_jobs,
    event_trackers,
    export_jobs,
    filters,
    import_jobs,
    recipes,
    schemas,
    solution_versions,
    solutions,
    tagging,
)
from .protocol.dispatch import Handler, handlers_from

PROVIDERS = (
    schemas,
    dataset_groups,
    datasets,
    import_jobs,
    export_jobs,
    deletion_jobs,
    solutions,
    solution_versions,
    event_trackers,
    filters,
    recipes,
    tagging,
)


@cache
def table() -> dict[str, Handler]:
    return handlers_from(PROVIDERS)
