"""The table of every operation personalize-local serves, found by name in its provider modules."""

from __future__ import annotations

from functools import cache

from .control import (
    batch_jobs,
    campaigns,
    dataset_groups,
    datasets,
    deletion_jobs,
    event_trackers,
    export_jobs,
    filters,
    import_jobs,
    metric_attributions,
    recipes,
    recommenders,
    schemas,
    solution_versions,
    solutions,
    tagging,
)
from .events import api as events_api
from .protocol.dispatch import Handler, handlers_from
from .runtime import api as runtime_api

PROVIDERS = (
    schemas,
    dataset_groups,
    datasets,
    import_jobs,
    export_jobs,
    deletion_jobs,
    solutions,
    solution_versions,
    campaigns,
    recommenders,
    batch_jobs,
    metric_attributions,
    event_trackers,
    filters,
    recipes,
    tagging,
    runtime_api,
    events_api,
)


@cache
def table() -> dict[str, Handler]:
    return handlers_from(PROVIDERS)
