"""What each kind of resource holds besides its wire members: one dataclass per kind.

A resource's ``data`` (:class:`~personalize_local.store.state.Resource`) is one of these, read
with ``SchemaPayload.of(resource)``, so a member is named once, where it is declared, and a
misspelt one is a type error. Kinds that hold nothing keep the empty base
:class:`~personalize_local.store.state.Payload`. Fields whose metadata is ``CACHE`` are caches
serving rebuilds on demand: a checkpoint leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..data.contents import Contents
from ..data.schemas import DatasetSchema
from ..filters.grammar import Filter
from ..models.base import TrainedModel
from ..store.state import CACHE, Payload, Resource
from .histories import Histories

#: Which rows a group's histories were built from: the Contents' identity and version.
RowsVersion = tuple[int, int] | None


@dataclass
class SchemaPayload(Payload):
    """A schema: its Avro definition, parsed."""

    parsed: DatasetSchema


@dataclass
class DatasetPayload(Payload):
    """A dataset: its canonical type (Interactions, Items, Users, Actions, Action_Interactions)
    and the rows it holds."""

    type: str
    contents: Contents = field(init=False)
    #: The eventIds PutEvents recorded (a repeated one is not used again).
    event_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.contents = Contents(self.type)


@dataclass
class DatasetGroupPayload(Payload):
    """A dataset group: its users' current histories, per interactions dataset type."""

    histories: dict[str, tuple[RowsVersion, Histories]] = field(
        default_factory=dict, repr=False, metadata=CACHE
    )


@dataclass
class FilterPayload(Payload):
    """A filter: its expression, parsed, and the (dataset, field) pairs it reads (a group's
    quota)."""

    parsed: Filter
    fields: set[tuple[str, str]]


@dataclass
class ModelPayload(Payload):
    """A trained model that serving deploys (a recommender's holds just this)."""

    model: TrainedModel
    #: Metadata, catalogue and answers derived for this model (`serving.deployment`).
    serving_cache: dict[str, Any] = field(default_factory=dict, repr=False, metadata=CACHE)


@dataclass
class SolutionVersionPayload(ModelPayload):
    """A trained solution version (set when training commits; nothing before)."""

    metrics: dict[str, float] = field(default_factory=dict)
    hyperparameters: dict[str, str] = field(default_factory=dict)
    #: The Interactions it was trained on (by reference): batch jobs answer from them.
    training_interactions: pd.DataFrame | None = None


@dataclass
class CampaignPayload(Payload):
    """A campaign: its dataset group, and what served before an update in progress."""

    dataset_group_arn: str
    #: ``solutionVersionArn`` and ``campaignConfig`` from before the last update.
    previous: dict[str, Any] | None = None


@dataclass
class RecommenderPayload(Payload):
    """A recommender: the model its last training left (a ``recommender-model`` resource
    holding a :class:`ModelPayload`), its metrics, and what served before an update."""

    serving: Resource | None = None
    metrics: dict[str, float] | None = None
    #: The model holder and config that serve while an update is in progress.
    previous: tuple[Resource, dict[str, Any]] | None = None


@dataclass
class MetricAttributionPayload(Payload):
    """A metric attribution: its metrics and what its reports have covered so far."""

    metrics: list[dict[str, str]]
    #: Report object keys written (one file per publication, never overwritten).
    report_keys: set[str] = field(default_factory=set)
    #: The Interactions rows whose recorded events were reported, and how many of them.
    events_cursor: tuple[Contents | None, int] = (None, 0)
    #: Import jobs whose rows were reported.
    published_jobs: set[str] = field(default_factory=set)
